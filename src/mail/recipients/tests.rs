use super::*;

fn parse(text: &str) -> Recipients {
    parse_csv(Path::new("recipients.csv"), text.as_bytes())
}

#[test]
fn reads_a_row() {
    let r = parse(
        "email,name,company,lang,countries,interests,adviser,consent\n\
         jan.peeters@acme.example,Jan Peeters,Acme NV,nl,ca;mx,39;85,north-america,yes\n",
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let jan = &r.list[0];
    assert_eq!(jan.line, 2);
    assert_eq!(jan.lang, Some(Lang::Nl));
    assert_eq!(jan.countries, ["ca", "mx"]);
    assert_eq!(jan.interests, ["39", "85"]);
    assert_eq!(jan.adviser.as_deref(), Some("north-america"));
    assert!(jan.consent);
}

#[test]
fn every_problem_is_located() {
    let r = parse(
        "email,name,company,lang,countries,interests,adviser,consent\n\
         not-an-address,Jan,Acme,nl,ca,,,yes\n\
         a@b.example,Zoë,\"Société, SA\",de,ca,,,maybe\n\
         A@b.example,Zoë,X,fr,ca,,,no\n",
    );
    let shown: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        shown[0].starts_with("recipients.csv:2:1: field `email`"),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("recipients.csv:3:31: field `lang`")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.contains("field `consent`") && s.contains("maybe")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("recipients.csv:4:1") && s.contains("twice")),
        "{shown:?}"
    );
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
}

#[test]
fn windows_line_ends_keep_each_row_at_its_line() {
    // Issue 26.18: in a CRLF file every diagnostic pointed one line early, under
    // another person's row.
    let r = parse(
        "email,name,company,lang,countries,interests,adviser,consent\r\n\
         a@x.example,A,Acme,nl,ca,,,yes\r\n\
         not-an-address,B,Acme,nl,ca,,,yes\r\n\
         c@x.example,C,Acme,xx,ca,,,yes\r\n",
    );
    assert_eq!(r.list[0].line, 2);
    let lines: Vec<_> = r.errors.iter().map(|e| (e.line, e.column)).collect();
    assert!(lines.contains(&(Some(3), Some(1))), "{:?}", r.errors);
    assert!(lines.contains(&(Some(4), Some(20))), "{:?}", r.errors);
    assert_eq!(r.list.last().unwrap().name, "C");
}

#[test]
fn a_file_of_thousands_of_problems_says_where_it_stopped() {
    // Found by a hostile pass: reading stopped after 1,000 problems without a word,
    // and the summary's count passed for the file's.
    let mut text = String::from("email,name,company,lang,countries,interests,adviser,consent\n");
    for _ in 0..1500 {
        text.push_str("not-an-address,B,Acme,xx,ca,,,yes\n");
    }
    let r = parse(&text);
    let stop = r
        .errors
        .iter()
        .find(|e| e.message.contains("stopped reading after 1000 problems"))
        .expect("said");
    assert_eq!(stop.line, Some(501));
    assert!(r.list.len() < 1500);
}

#[test]
fn rows_after_blank_lines_keep_their_lines() {
    let r = parse(
        "email,name,company,lang,countries,interests,adviser,consent\n\
         a@x.example,A,Acme,nl,ca,,,yes\n\
         \n\
         \n\
         not-an-address,B,Acme,nl,ca,,,yes\n",
    );
    assert_eq!(r.errors[0].line, Some(5), "{:?}", r.errors);
}

#[test]
fn a_country_or_interest_twice_is_an_error_at_its_cell() {
    // Found by a hostile pass: `ca;CA;ca` attached the Canada brief three times.
    let r = parse(
        "email,name,company,lang,countries,interests,adviser,consent\n\
         a@x.example,A,Acme,en,ca;CA;ca,VI;vi,,yes\n",
    );
    let messages: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("countries") && m.contains("`ca` is listed twice")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("interests") && m.contains("`VI` is listed twice")),
        "{messages:?}"
    );
}

#[test]
fn a_name_is_one_line() {
    let r = parse(
        "email,name,company,lang,countries,consent\n\
         a@b.example,\"Evil\r\nBcc: x@y.example\",Acme,en,ca,yes\n",
    );
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].field.as_deref(), Some("name"));
}

#[test]
fn a_missing_column_is_said_once() {
    let r = parse("email,name,lang\na@b.example,A,fr\n");
    let shown: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].contains("no `countries` column"), "{shown:?}");
}

#[test]
fn garbage_does_not_panic() {
    for bytes in [
        &b"\xff\xfe"[..],
        b"",
        b"\"",
        b"email\n\"a",
        b",,,\n,,,,,,,,,,",
    ] {
        let _ = parse_csv(Path::new("r.csv"), bytes);
        let _ = parse_xlsx(Path::new("r.xlsx"), bytes.to_vec());
    }
}
