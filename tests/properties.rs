//! Property tests: escaping holds for any text, and any text in a profile field either
//! builds a brief that shows it or gives a clean error — never a panic.

mod common;

use common::squash;
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use marketbrief::template::escape;
use proptest::prelude::*;
use typst::syntax::{SyntaxKind, SyntaxNode};

/// Every node of escaped markup is plain text: no code, no markup syntax.
fn only_text(node: &SyntaxNode) -> Result<(), String> {
    match node.kind() {
        SyntaxKind::Markup => node.children().try_for_each(only_text),
        SyntaxKind::Text | SyntaxKind::Escape | SyntaxKind::Space => Ok(()),
        other => Err(format!("{other:?} in {:?}", node.full_text())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn escaped_markup_parses_as_plain_text(text in any::<String>()) {
        let escaped = escape::markup(&text);
        let root = typst::syntax::parse(&escaped);
        prop_assert!(root.errors_and_warnings().0.is_empty(), "syntax error in {escaped:?}");
        prop_assert_eq!(only_text(&root), Ok(()));
    }

    #[test]
    fn escaped_strings_parse_as_one_string(text in any::<String>()) {
        let code = format!("#let x = \"{}\"", escape::string(&text));
        let root = typst::syntax::parse(&code);
        prop_assert!(root.errors_and_warnings().0.is_empty(), "syntax error in {code:?}");
    }

    #[test]
    fn markdown_conversion_never_panics(text in any::<String>()) {
        let typst = marketbrief::template::markdown::to_typst(&text);
        let root = typst::syntax::parse(&typst);
        prop_assert!(root.errors_and_warnings().0.is_empty(), "syntax error in {typst:?} from {text:?}");
    }
}

/// Characters the bundled fonts can show: ASCII, Latin-1 and Latin Extended-A letters,
/// typographic punctuation, and everything Typst or MiniJinja give a meaning to. (Inter has
/// no glyph for the deprecated U+0149 ŉ.)
fn field_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ -~À-ňŊ-ſ«»‘’“”–—…€\\n\\t]{0,60}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn any_field_text_builds_or_fails_cleanly(title in field_text(), name in field_text()) {
        let project = tempfile::tempdir().unwrap();
        common::copy_tree(&common::corpus_base(), project.path(), &[]);
        let path = project.path().join("data/profiles/ca.yaml");
        let profile = std::fs::read_to_string(&path).unwrap()
            .replace(
                "  - title: {fr: Agroalimentaire, nl: Voeding, en: Food}",
                &format!("  - title: {{fr: {t}, nl: {t}, en: {t}}}", t = serde_json::to_string(&title).unwrap()),
            )
            .replace("  name: Test Contact", &format!("  name: {}", serde_json::to_string(&name).unwrap()));
        std::fs::write(&path, profile).unwrap();
        let out = tempfile::tempdir().unwrap();
        let args = BuildArgs {
            project: project.path().to_path_buf(),
            out: Some(out.path().to_path_buf()),
            countries: vec![],
            langs: vec!["en".parse().unwrap()],
            edition: None,
            ..BuildArgs::for_project(".")
        };
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let outcome = build::run(&args, &mut stdout, &mut stderr).unwrap();
        let pdf = out.path().join("2025-Q3/ca-en.pdf");
        match outcome {
            Outcome::Success => {
                // Inter draws "<–" and "<—" as one arrow, which the PDF's text reads as the
                // first of them it met: dashes compare as one.
                let dashes = |t: &str| squash(t).replace('–', "—");
                let text = dashes(&pdf_extract::extract_text_from_mem(&std::fs::read(&pdf).unwrap()).unwrap());
                prop_assert!(text.contains(&dashes(&title)), "title {title:?} not in {text}");
                prop_assert!(text.contains(&dashes(&name)), "name {name:?} not in {text}");
            }
            Outcome::Failure => {
                let log = String::from_utf8_lossy(&stderr);
                prop_assert!(log.contains("data/profiles/ca.yaml"), "unclear error: {log}");
                prop_assert!(!pdf.exists(), "a failed brief left a PDF");
            }
        }
    }
}

/// A recipients file's lines: a header, then rows of plausible and hostile cells.
fn recipients_text() -> impl Strategy<Value = String> {
    let cell = "[a-zA-Z0-9@.;:,\"'<>/\\\\ éüŸ\r\n\t-]{0,24}";
    proptest::collection::vec(proptest::collection::vec(cell, 0..10), 0..8).prop_map(|rows| {
        let mut text =
            String::from("email,name,company,lang,countries,interests,adviser,consent\n");
        for row in rows {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    /// Any recipients file gives rows and located problems, never a panic, and every
    /// address accepted is a safe file name in the mail folder.
    #[test]
    fn recipients_files_never_panic_and_name_files_safely(text in recipients_text(), bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        use marketbrief::mail::{file_stem, recipients};
        let path = std::path::Path::new("data/recipients.csv");
        for input in [text.as_bytes(), &bytes[..]] {
            let read = recipients::parse_csv(path, input);
            for recipient in &read.list {
                let stem = file_stem(&recipient.email);
                prop_assert!(!stem.is_empty() && !stem.contains('/') && !stem.contains('\\') && !stem.starts_with('.'), "{stem:?}");
            }
            for problem in read.errors.iter().chain(&read.warnings) {
                prop_assert!(problem.line.is_some() || problem.message.contains("empty") || problem.message.contains("UTF-8") || problem.message.contains("header"), "{problem}");
            }
        }
        let _ = marketbrief::mail::recipients::parse_xlsx(std::path::Path::new("r.xlsx"), bytes);
    }
}
