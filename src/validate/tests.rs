use super::*;

#[test]
fn a_qr_address_is_a_web_page_printed_as_encoded() {
    assert_eq!(
        web_address_problem("https://example.org/advisers/claire-dubois"),
        None
    );
    assert_eq!(web_address_problem("http://localhost:8080/x"), None);
    for bad in [
        "javascript:alert(1)",
        "https://?#",
        "https:///path",
        "https://exa mple.org",
        "https://example.org/a b",
        " https://example.org/",
        "https://example.org/ ",
        "https://example.org/\u{200B}x",
        "https://example.org/\u{202E}gpj.exe\u{202C}",
    ] {
        assert!(web_address_problem(bad).is_some(), "{bad:?}");
    }
}

#[test]
fn only_web_and_mail_links() {
    for good in [
        "https://hub.brussels/",
        "http://example.org",
        "mailto:a@b.be",
    ] {
        assert_eq!(unsafe_link(good), None, "{good}");
    }
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "JavaScript:x",
        "https://",
        "",
        "www.x.be",
    ] {
        assert!(unsafe_link(bad).is_some(), "{bad}");
    }
}
