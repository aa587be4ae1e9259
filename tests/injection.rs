//! Nothing injected: hostile text in every kind of field reaches the PDF literally and
//! never runs as Typst or MiniJinja.

mod common;

use common::squash;
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use std::path::Path;

const PAYLOADS: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "#import \"x\"",
    "$x^2$",
    "*b* _i_ `r`",
    "<l> @r",
    "]) [",
    "// not a comment",
    "/* not a comment */",
    "{{ jinja }}",
    "{% raw %}",
    "back\\slash",
    "#{1+1}",
    "= not a heading",
    "https://example.org/not-a-link",
    "~ and -- and ...",
];

/// A YAML double-quoted string.
fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn same(text: &str) -> String {
    format!("{{fr: {t}, nl: {t}, en: {t}}}", t = q(text))
}

/// Writes a project whose plain-text fields each carry one payload, and whose narrative
/// (Markdown) carries them all.
fn raw_pdf_text(path: &Path) -> String {
    pdf_extract::extract_text_from_mem(&std::fs::read(path).unwrap()).unwrap()
}

/// Writes a project whose plain-text fields each carry one payload, and whose narrative
/// (Markdown) carries them all.
fn hostile_project(dir: &Path, payloads: &[&str]) {
    common::copy_tree(&common::corpus_base(), dir, &[]);
    let joined = payloads.join(" | ");
    let sectors: String = payloads
        .iter()
        .map(|p| format!("  - title: {}\n    text: {}\n", same(p), same(&joined)))
        .collect();
    let cities: String = payloads
        .iter()
        .map(|p| format!("  - name: {}\n    text: {}\n", same(p), same(p)))
        .collect();
    let profile = format!(
        "country: CA\nsummary: {s}\nwhy: {s}\nsectors:\n{sectors}cities:\n{cities}agreement:\n  name: {a}\n  status: signed\n  since: 2024\n  text: {s}\nmission:\n  title: {a}\n  start: 2025-10-20\n  place: {a}\n  text: {s}\ncontact:\n  name: {c}\n  role: {a}\n  email: contact@example.org\n  phone: {c}\nsources:\n  - title: {a}\n    url: {u}\n",
        s = same(&joined),
        a = same(payloads[0]),
        c = q(payloads[payloads.len() - 1]),
        // Only web links may be links; the payload rides in one.
        u = q(&format!(
            "https://example.org/{}",
            payloads[payloads.len() - 1]
        )),
    );
    std::fs::write(dir.join("data/profiles/ca.yaml"), profile).unwrap();
    let goods_meta = std::fs::read_to_string(dir.join("data/datasets/goods.yaml"))
        .unwrap()
        .replace(
            "title: {fr: Biens, nl: Goederen, en: Goods}",
            &format!("title: {}", same(&joined)),
        )
        .replace(
            "source: {fr: Source test, nl: Testbron, en: Test source}",
            &format!("source: {}", same(&joined)),
        );
    std::fs::write(dir.join("data/datasets/goods.yaml"), goods_meta).unwrap();
    // Classification labels are data too.
    let labels = format!(
        "code,fr,nl,en\nVI,{l},{l},{l}\nIV,{m},{m},{m}\n",
        l = csv_cell(payloads[0]),
        m = csv_cell(&joined)
    );
    std::fs::create_dir_all(dir.join("data/classifications")).unwrap();
    std::fs::write(dir.join("data/classifications/hs-section.csv"), labels).unwrap();
}

fn csv_cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn build_fr(project: &Path, out: &Path) -> (Outcome, String) {
    let args = BuildArgs {
        project: project.to_path_buf(),
        out: Some(out.to_path_buf()),
        countries: vec!["ca".into()],
        langs: vec!["fr".parse().unwrap()],
        edition: None,
        ..BuildArgs::for_project(".")
    };
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let outcome = build::run(&args, &mut stdout, &mut stderr).unwrap();
    (
        outcome,
        format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        ),
    )
}

#[test]
fn payloads_in_every_field_print_literally() {
    let project = tempfile::tempdir().unwrap();
    hostile_project(project.path(), PAYLOADS);
    let out = tempfile::tempdir().unwrap();
    let (outcome, log) = build_fr(project.path(), out.path());
    assert_eq!(outcome, Outcome::Success, "{log}");
    let text = squash(&raw_pdf_text(&out.path().join("2025-Q3/ca-fr.pdf")));
    assert!(!text.contains("root:x:0"), "a file was read into the brief");
    for payload in PAYLOADS {
        assert!(
            text.contains(&squash(payload)),
            "`{payload}` is not shown literally in:\n{text}"
        );
    }
    // Typst did not evaluate the code: `#{1+1}` did not become 2 on its own.
    assert!(text.contains(&squash("#{1+1}")));
}

#[test]
fn text_no_font_can_show_fails_cleanly_in_an_archival_pdf() {
    // No bundled font has emoji; PDF/A forbids text without glyphs.
    let project = tempfile::tempdir().unwrap();
    hostile_project(project.path(), &["emoji 🚢📈"]);
    let out = tempfile::tempdir().unwrap();
    let (outcome, log) = build_fr(project.path(), out.path());
    assert_eq!(outcome, Outcome::Failure, "{log}");
    // Located at the first field holding one, each character named once.
    assert!(log.contains("data/profiles/ca.yaml:"), "{log}");
    assert!(
        log.contains("no font of the brief can display “📈”, “🚢”"),
        "{log}"
    );
    assert!(log.contains("add a font"), "{log}");
    assert!(!out.path().join("2025-Q3/ca-fr.pdf").exists());
}

#[test]
fn unusual_unicode_and_huge_words_build() {
    let long_word = "a".repeat(10_000);
    let payloads = [
        "שלום עולם مرحبا",
        "zero\u{200B}width\u{200D}joiner\u{FEFF}",
        long_word.as_str(),
        "Ünïcödé ÉÈÀÇ œ ß",
    ];
    let project = tempfile::tempdir().unwrap();
    hostile_project(project.path(), &payloads);
    let out = tempfile::tempdir().unwrap();
    let (outcome, log) = build_fr(project.path(), out.path());
    assert_eq!(outcome, Outcome::Success, "{log}");
    let text = squash(&raw_pdf_text(&out.path().join("2025-Q3/ca-fr.pdf")));
    // Hebrew and Arabic come from the bundled Noto fallback fonts; text extraction may
    // give right-to-left words in visual order, so accept either.
    for payload in ["Ünïcödé ÉÈÀÇ œ ß", "zerowidth", "שלום", "עולם", "مرحبا"]
    {
        let reversed: String = payload.chars().rev().collect();
        assert!(
            text.contains(&squash(payload)) || text.contains(&squash(&reversed)),
            "`{payload}` missing from the PDF text: {}",
            &text[..3000.min(text.len())]
        );
    }
    assert!(text.contains(&long_word[..2000]), "the long word is lost");
}
