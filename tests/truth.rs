//! What is printed is true and traceable: every number in a sample brief's PDF is one the
//! brief recorded in `figures.json` (with the rows it came from), and the sources a brief
//! cites are those its figures really come from.

mod common;

use common::{assert_marks_follow_rows, pdf_text, sample_project, svg_texts};
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

/// The twelve sample briefs, built once for every test of this file.
fn sample_briefs() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let args = BuildArgs {
            out: Some(out.path().to_path_buf()),
            emit_typst: Some(out.path().join("typst")),
            ..BuildArgs::for_project(sample_project())
        };
        let (mut log, mut err) = (Vec::new(), Vec::new());
        let outcome = build::run(&args, &mut log, &mut err).unwrap();
        assert_eq!(
            outcome,
            Outcome::Success,
            "{}",
            String::from_utf8_lossy(&err)
        );
        out
    })
    .path()
}

/// The numbers of a text: runs of digits, with the decimal and group marks between digits
/// (`32,4`, `1.5`, `2,600`); a space ends a number, on both sides of the comparison alike.
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '.' | ',')
                    && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            i += 1;
        }
        out.push(chars[start..i].iter().collect());
    }
    out
}

/// The PDF text without the charts' text, which the PDF holds letter by letter ("2 0 1 9");
/// the charts are read from their SVG instead.
fn without_chart_text(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    // A glyph with the punctuation pdf_text joined to it ("3,") is still one glyph.
    let single = |w: &&&str| {
        let glyph = w
            .trim_start_matches('(')
            .trim_end_matches([',', '.', ';', ':', '!', '?', ')']);
        glyph.chars().count() <= 1 && !w.is_empty()
    };
    let mut kept = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let run = words[i..].iter().take_while(single).count();
        if run >= 3 {
            i += run;
        } else {
            kept.push(words[i]);
            i += 1;
        }
    }
    kept.join(" ")
}

/// Numbers that are not figures: years, and the small numbers of page numbers and
/// footnotes.
fn is_year_or_page(n: &str) -> bool {
    match n.parse::<u32>() {
        Ok(v) => (1900..=2100).contains(&v) || v <= 6,
        Err(_) => false,
    }
}

#[test]
fn every_number_in_every_sample_brief_is_in_its_figures_record() {
    let out = sample_briefs().join("2025-Q3");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("figures.json")).unwrap()).unwrap();
    let project = sample_project();
    // Numbers the writers put in the inputs' own text (narrative, contact, dataset
    // descriptions, configuration, the catalogue's phrases) are not computed figures.
    let mut written = String::new();
    for dir in ["data/datasets"] {
        for entry in std::fs::read_dir(project.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                written.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    written.push_str(&std::fs::read_to_string(project.join("marketbrief.yaml")).unwrap());
    let mut checked = 0;
    for code in ["ca", "mx", "us", "jp"] {
        let profile =
            std::fs::read_to_string(project.join(format!("data/profiles/{code}.yaml"))).unwrap();
        for lang in ["fr", "nl", "en"] {
            let name = format!("{code}-{lang}");
            let figures = record["briefs"][&name]["figures"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no figures in figures.json"));
            let mut known: BTreeSet<String> = BTreeSet::new();
            for f in figures {
                for field in [&f["printed"], &f["change"], &f["id"], &f["label"]] {
                    known.extend(numbers(field.as_str().unwrap_or_default()));
                }
                // Every printed number says where it comes from.
                if f["part"] != "axis" {
                    assert!(
                        !f["rows"].as_array().unwrap().is_empty(),
                        "{name}: {f} has no rows"
                    );
                    assert!(!f["period"].as_str().unwrap().is_empty(), "{name}: {f}");
                }
            }
            let catalogue =
                std::fs::read_to_string(project.join(format!("templates/i18n/{lang}.yaml")))
                    .unwrap();
            let inputs: BTreeSet<String> = numbers(&format!("{written}{profile}{catalogue}"))
                .into_iter()
                .collect();
            let text = pdf_text(&out.join(format!("{name}.pdf")));
            let body = without_chart_text(&text);
            let unknown: Vec<String> = numbers(&body)
                .into_iter()
                .filter(|n| !is_year_or_page(n) && !known.contains(n) && !inputs.contains(n))
                .collect();
            assert!(
                unknown.is_empty(),
                "{name}: printed but not in figures.json: {unknown:?}\n{body}"
            );
            // The charts: every number they draw (but the years of an axis) is recorded.
            let charts = sample_briefs().join(format!("typst/{name}/{code}/charts"));
            let mut drawn = 0;
            for entry in std::fs::read_dir(&charts).unwrap() {
                let svg = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for label in svg_texts(&svg) {
                    for n in numbers(&label) {
                        drawn += 1;
                        assert!(
                            is_year_or_page(&n) || known.contains(&n),
                            "{name}: the chart label `{label}` is not in figures.json"
                        );
                    }
                }
            }
            assert!(drawn > 10, "{name}: only {drawn} numbers in the charts");
            // The test has teeth: the key figures' numbers are printed and recorded.
            let printed = numbers(&text);
            let key = figures
                .iter()
                .find(|f| f["id"] == "key/region_goods_exports")
                .unwrap();
            for n in numbers(key["printed"].as_str().unwrap()) {
                assert!(printed.contains(&n), "{name}: {n} not printed");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

/// Issue 22.4: one rule for the marks, in every part of every sample brief — key figures,
/// the year-to-date box, the charts' labels and change columns, the chapter table, the
/// shares under the charts. The samples mix published and illustrative rows, so both
/// ways of being wrong are tried: a published value with †, an illustrative one without.
#[test]
fn every_mark_in_every_sample_brief_is_what_its_rows_say() {
    let out = sample_briefs();
    let (compared, marked) =
        assert_marks_follow_rows(&sample_project(), &out.join("2025-Q3"), &out.join("typst"));
    assert!(compared > 200, "only {compared} printed numbers compared");
    assert!(
        marked > 50 && compared - marked > 50,
        "{marked} of {compared} marked: the samples should try both"
    );
}

#[test]
fn numbers_are_read_as_each_language_writes_them() {
    assert_eq!(
        numbers("EUR 32.4 million (+4.8% on 2023), 31st of 44"),
        ["32.4", "4.8", "2023", "31", "44"]
    );
    assert_eq!(
        numbers("32,4 millions d’euros, 2019–2024."),
        ["32,4", "2019", "2024"]
    );
}

/// The addresses a PDF links to (its `/URI` actions): what a reader clicking finds, and what
/// the sources print without `https://`.
fn links(path: &std::path::Path) -> Vec<String> {
    fn walk(object: &lopdf::Object, found: &mut Vec<String>) {
        match object {
            lopdf::Object::Dictionary(dict) => {
                for (key, value) in dict.iter() {
                    match (key.as_slice(), value) {
                        (b"URI", lopdf::Object::String(bytes, _)) => {
                            found.push(String::from_utf8_lossy(bytes).into_owned())
                        }
                        _ => walk(value, found),
                    }
                }
            }
            lopdf::Object::Array(items) => items.iter().for_each(|i| walk(i, found)),
            _ => {}
        }
    }
    let doc = lopdf::Document::load(path).expect("a readable PDF");
    let mut found = Vec::new();
    for object in doc.objects.values() {
        walk(object, &mut found);
    }
    found
}

/// The text of the page that holds the sources section.
fn sources_section(text: &str, heading: &str) -> String {
    let start = text
        .rfind(heading)
        .unwrap_or_else(|| panic!("no `{heading}` in {text}"));
    text[start..].to_string()
}

#[test]
fn sources_name_only_what_the_brief_took_from_them() {
    let out = sample_briefs().join("2025-Q3");
    for (lang, sources, illustrative_caption, all_notice, hub_source, publications) in [
        (
            "fr",
            "Sources et méthode",
            "Données d’exemple, pas des chiffres publiés.",
            "Tous les chiffres commerciaux de cette fiche sont des données d’exemple",
            "Source : hub.brussels.",
            "Publications citées",
        ),
        (
            "nl",
            "Bronnen en methode",
            "Illustratieve voorbeeldgegevens, geen gepubliceerde cijfers.",
            "Alle handelscijfers in deze fiche zijn illustratieve voorbeeldgegevens",
            "Bron: hub.brussels.",
            "Geciteerde publicaties",
        ),
        (
            "en",
            "Sources and method",
            "Illustrative sample data, not published figures.",
            "Every trade figure in this brief is illustrative sample data",
            "Source: hub.brussels.",
            "Publications quoted",
        ),
    ] {
        // Japan: every trade figure is illustrative. No chart names hub.brussels or the
        // National Bank, the sources say the data are illustrative, no publication is cited.
        let jp = pdf_text(&out.join(format!("jp-{lang}.pdf")));
        assert!(jp.contains(illustrative_caption), "jp-{lang}: {jp}");
        assert!(jp.contains(all_notice), "jp-{lang}: {jp}");
        assert!(!jp.contains(hub_source), "jp-{lang}: {jp}");
        let jp_sources = sources_section(&jp, sources);
        let jp_links = links(&out.join(format!("jp-{lang}.pdf")));
        assert!(
            !jp_links.iter().any(|l| l.contains("hub.brussels")),
            "jp-{lang}: {jp_links:?}"
        );
        assert!(
            !jp_sources.contains("stat.nbb.be"),
            "jp-{lang}: {jp_sources}"
        );
        assert!(
            !jp_sources.contains(publications),
            "jp-{lang}: {jp_sources}"
        );
        assert!(
            jp_sources.contains("data.worldbank.org"),
            "jp-{lang}: the World Bank facts are real: {jp_sources}"
        );

        // Canada: published figures beside illustrative ones. The real source is named,
        // with the illustrative values marked, and the publication quoted is cited.
        let ca = pdf_text(&out.join(format!("ca-{lang}.pdf")));
        assert!(ca.contains(hub_source), "ca-{lang}: {ca}");
        assert!(!ca.contains(all_notice), "ca-{lang}: {ca}");
        let ca_sources = sources_section(&ca, sources);
        let ca_links = links(&out.join(format!("ca-{lang}.pdf")));
        assert!(
            ca_links.iter().any(|l| l == "https://hub.brussels/"),
            "ca-{lang}: {ca_links:?}"
        );
        // Printed without its scheme, which a line would break after.
        assert!(!ca_sources.contains("https://"), "ca-{lang}: {ca_sources}");
        assert!(ca_sources.contains(publications), "ca-{lang}: {ca_sources}");
        assert!(
            ca_sources.contains("Canada et Mexique"),
            "ca-{lang}: {ca_sources}"
        );
    }
}
