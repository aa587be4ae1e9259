//! End-to-end: build the sample briefs, read the real PDFs back and check what a reader sees.

mod common;

use common::{copy_project, pdf_string, pdf_text, sample_project};
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use std::path::Path;

fn build_args(project: &Path, out: &Path, countries: &[&str]) -> BuildArgs {
    BuildArgs {
        project: project.to_path_buf(),
        out: Some(out.to_path_buf()),
        countries: countries.iter().map(|c| c.to_string()).collect(),
        langs: Vec::new(),
        edition: None,
        ..BuildArgs::for_project(".")
    }
}

fn page_count(path: &Path) -> usize {
    let doc = lopdf::Document::load(path).expect("a readable PDF");
    doc.get_pages().len()
}

/// Whether the PDF text says `needle`; where a reader cuts the text into runs (a name set
/// apart from hyphenation is a run of its own), pdf-extract may read a space between
/// them ("Brussels ,"), so the words are also compared without spaces.
fn assert_contains(text: &str, needle: &str, what: &str) {
    assert!(
        text.contains(needle) || common::squash(text).contains(&common::squash(needle)),
        "{what}: expected `{needle}` in the PDF text:\n{text}"
    );
}

#[test]
fn canada_mexico_and_us_briefs_in_three_languages() {
    let out = tempfile::tempdir().unwrap();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let outcome = build::run(
        &build_args(&sample_project(), out.path(), &["ca", "mx", "us"]),
        &mut stdout,
        &mut stderr,
    )
    .expect("the build runs");
    let stdout = String::from_utf8(stdout).unwrap();
    assert_eq!(
        outcome,
        Outcome::Success,
        "{stdout}\n{}",
        String::from_utf8_lossy(&stderr)
    );
    assert_contains(&stdout, "built 9 briefs", "summary");

    let dir = out.path().join("2025-Q3");
    let fr = pdf_text(&dir.join("ca-fr.pdf"));
    let nl = pdf_text(&dir.join("ca-nl.pdf"));
    let en = pdf_text(&dir.join("ca-en.pdf"));

    // The region's 2024 exports to Canada, as each language writes it.
    assert_contains(&fr, "32,4 millions d’euros", "fr money");
    assert_contains(&nl, "32,4 miljoen euro", "nl money");
    assert_contains(&en, "EUR 32.4 million", "en money");
    // The at-a-glance strip: World Bank facts with their year (on the label's line) and
    // source, GDP per head
    // divided for the same year, and the profile's own facts.
    assert_contains(
        &fr,
        "POPULATION · 2024 41,3 millions d’habitants",
        "fr facts",
    );
    assert_contains(
        &fr,
        "Population et PIB : Banque mondiale",
        "fr facts source",
    );
    assert_contains(&nl, "BEVOLKING · 2024 41,3 miljoen inwoners", "nl facts");
    // Past a thousand billion, English and Dutch count in trillions, French in milliards.
    assert_contains(&en, "GDP · 2023 USD 2.14 trillion", "en facts");
    // Issue 25: the colophon names the responsible publisher, as Belgian law asks.
    for (text, colophon) in [
        (
            &fr,
            "Éditeur responsable : Marie Exemple, Rue de l’Exemple 1, 1000 Bruxelles.",
        ),
        (
            &nl,
            "Verantwoordelijke uitgever: Marie Exemple, Voorbeeldstraat 1, 1000 Brussel.",
        ),
        (
            &en,
            "Responsible publisher: Marie Exemple, Rue de l’Exemple 1, 1000 Brussels.",
        ),
    ] {
        assert_contains(text, colophon, "colophon");
    }
    assert_contains(
        &nl,
        "BBP · 2023 2,14 biljoen Amerikaanse dollar",
        "nl trillions",
    );
    assert_contains(
        &fr,
        "PIB · 2023 2 140 milliards de dollars US",
        "fr milliards",
    );
    assert_contains(&en, "GDP PER HEAD · 2023 USD 53,400", "en per head");
    assert_contains(&fr, "MONNAIE dollar canadien (CAD)", "fr currency");
    assert_contains(&nl, "OFFICIËLE TALEN Engels, Frans", "nl languages");
    assert_contains(
        &en,
        "TIME DIFFERENCE WITH BRUSSELS 4½ to 9 hours behind",
        "en time",
    );
    // Imports, Belgian goods and services exports.
    assert_contains(&fr, "24 millions d’euros", "fr imports");
    assert_contains(&fr, "2,6 milliards d’euros", "fr billions (plural)");
    assert_contains(&nl, "2,6 miljard euro", "nl billions");
    assert_contains(&en, "EUR 2.6 billion", "en billions");
    assert_contains(&fr, "697 millions d’euros", "fr services");
    // Brussels' 2024 imports from Canada are published; only 2023, the base of the change,
    // is illustrative: the mark goes on the change, never on the published value.
    let imports = fr
        .split("Importations de biens de Bruxelles")
        .nth(1)
        .and_then(|rest| rest.split("Rang parmi").next())
        .unwrap_or_default();
    assert!(
        imports.contains("24 millions d’euros")
            && (imports.contains("2023 †") || imports.contains("2023\u{a0}†")),
        "fr imports card: {imports}"
    );
    assert!(
        !imports.contains("illustratif"),
        "fr imports card: {imports}"
    );
    // The 78 % fall, with the locale's percent spacing and sign.
    assert!(
        fr.contains("−78 %") && !fr.contains("↓ −78"),
        "fr change: {fr}"
    );
    assert!(
        en.contains("−78%") && !en.contains("-78%"),
        "en change: {en}"
    );
    // Translated headings and fixed phrases.
    for (text, phrases) in [
        (
            &fr,
            [
                "Fiche marché",
                "Chiffres clés 2024",
                "Pourquoi faire des affaires au Canada ?",
                "Villes et pôles clés au Canada",
                "Secteurs porteurs",
                "Sources et méthode",
                "Exportations de biens de Bruxelles",
            ],
        ),
        (
            &nl,
            [
                "Marktfiche",
                "Kerncijfers 2024",
                "Waarom zakendoen in Canada?",
                "Belangrijke steden en centra in Canada",
                "Kansrijke sectoren",
                "Bronnen en methode",
                "Goederenuitvoer van Brussel",
            ],
        ),
        (
            &en,
            [
                "Market brief",
                "Key figures 2024",
                "Why do business in Canada?",
                "Key cities and hubs in Canada",
                "Promising sectors",
                "Sources and method",
                "Goods exports of Brussels",
            ],
        ),
    ] {
        for phrase in phrases {
            assert_contains(text, phrase, "heading");
        }
    }
    // Headings say "in" the country as each language does, article and all.
    for (lang, heading) in [
        ("fr", "Pourquoi faire des affaires aux États-Unis ?"),
        ("nl", "Waarom zakendoen in de Verenigde Staten?"),
        ("en", "Why do business in the United States?"),
    ] {
        let text = pdf_text(&dir.join(format!("us-{lang}.pdf")));
        assert_contains(&text, heading, "heading with the country's form");
    }
    // Country names from CLDR, edition in the reader's words, illustrative data marked.
    let mx_fr = pdf_text(&dir.join("mx-fr.pdf"));
    let mx_nl = pdf_text(&dir.join("mx-nl.pdf"));
    let mx_en = pdf_text(&dir.join("mx-en.pdf"));
    assert_contains(&mx_fr, "8,6 millions d’euros", "mx fr");
    assert_contains(&mx_fr, "1,5 milliard d’euros", "mx fr singular milliard");
    assert_contains(&mx_nl, "1,5 miljard euro", "mx nl");
    assert_contains(&mx_en, "EUR 644 million", "mx en services");
    assert_contains(&mx_fr, "3ᵉ trimestre 2025", "fr edition");
    assert_contains(&mx_nl, "3e kwartaal 2025", "nl edition");
    assert_contains(&mx_en, "Q3 2025", "en edition");
    // One convention: † after an illustrative value (the rank of illustrative markets)
    // or change, explained once in the notice; every card names its year, and its line
    // the years it spans (issue 25).
    assert_contains(
        &mx_fr,
        "2024 39ᵉ sur 44 † 2020 2024 38ᵉ en 2023",
        "fr illustrative rank",
    );
    assert_contains(
        &mx_nl,
        "2024 39e van 44 † 2020 2024 38e in 2023",
        "nl illustrative rank",
    );
    assert_contains(
        &mx_en,
        "2024 39th of 44 † 2020 2024 38th in 2023",
        "en illustrative rank",
    );
    assert_contains(
        &mx_fr,
        "(en pointillés ou creux dans les graphiques)",
        "fr notice",
    );
    assert_contains(&mx_nl, "(gestippeld of hol in de grafieken)", "nl notice");
    assert_contains(&mx_en, "(dashed or hollow in the charts)", "en notice");
    assert_contains(&en, "Illustrative data", "en notice");

    for name in ["ca-fr", "ca-nl", "ca-en", "mx-fr", "mx-nl", "mx-en"] {
        let pages = page_count(&dir.join(format!("{name}.pdf")));
        assert!(
            (2..=6).contains(&pages),
            "{name}: {pages} pages, expected 2 to 6"
        );
    }
}

#[test]
fn missing_translation_names_file_field_and_language() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let profile = project.path().join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    // Drop the Dutch title of the second sector.
    let broken = text.replacen(
        "  - title: {fr: Agroalimentaire, nl: Voeding en dranken, en: Food and drink}",
        "  - title: {fr: Agroalimentaire, en: Food and drink}",
        1,
    );
    assert_ne!(text, broken, "the fixture line must exist");
    std::fs::write(&profile, broken).unwrap();

    // An existing good PDF must survive a failed rebuild.
    let out = tempfile::tempdir().unwrap();
    let old = out.path().join("2025-Q3/ca-nl.pdf");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, b"%PDF- previous good brief").unwrap();

    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let outcome = build::run(
        &build_args(project.path(), out.path(), &["ca"]),
        &mut stdout,
        &mut stderr,
    )
    .unwrap();
    assert_eq!(outcome, Outcome::Failure);
    let stderr = String::from_utf8(stderr).unwrap();
    let stdout = String::from_utf8(stdout).unwrap();
    assert_contains(&stderr, "data/profiles/ca.yaml:", "file");
    assert_contains(&stderr, "sectors[1].title.nl", "field");
    assert_contains(
        &stderr,
        "missing translation: expected text in language nl",
        "language",
    );
    assert_contains(&stdout, "built 2 briefs, 1 failed", "summary");
    assert_eq!(
        std::fs::read(&old).unwrap(),
        b"%PDF- previous good brief",
        "the old PDF was replaced"
    );
    // The other languages still built.
    assert!(out.path().join("2025-Q3/ca-fr.pdf").is_file());
    assert!(out.path().join("2025-Q3/ca-en.pdf").is_file());
}

#[test]
fn missing_catalogue_phrase_fails_the_build_naming_key_and_language() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let i18n = project.path().join("templates/i18n");
    std::fs::create_dir_all(&i18n).unwrap();
    let nl = std::fs::read_to_string(sample_project().join("templates/i18n/nl.yaml")).unwrap();
    std::fs::write(
        i18n.join("nl.yaml"),
        nl.replace("  sectors: Kansrijke sectoren\n", ""),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = build::run(
        &build_args(project.path(), out.path(), &["ca"]),
        &mut Vec::new(),
        &mut Vec::new(),
    )
    .expect_err("an incomplete catalogue stops the build");
    let message = format!("{err:#}");
    assert_contains(&message, "templates/i18n/nl.yaml", "catalogue file");
    assert_contains(&message, "sections.sectors", "key");
    assert_contains(&message, "not for nl", "language");
}

#[test]
fn pdf_metadata_is_set_in_every_language() {
    let out = tempfile::tempdir().unwrap();
    let outcome = build::run(
        &build_args(&sample_project(), out.path(), &["mx"]),
        &mut Vec::new(),
        &mut Vec::new(),
    )
    .unwrap();
    assert_eq!(outcome, Outcome::Success);
    for (lang, title, lang_tag, author) in [
        (
            "fr",
            "Mexique\u{A0}: fiche marché",
            "fr-BE",
            "Brussels Trade Desk (éditeur d’exemple)",
        ),
        (
            "nl",
            "Mexico: marktfiche",
            "nl-BE",
            "Brussels Trade Desk (voorbeelduitgever)",
        ),
        (
            "en",
            "Mexico: market brief",
            "en",
            "Brussels Trade Desk (sample publisher)",
        ),
    ] {
        let doc = lopdf::Document::load(out.path().join(format!("2025-Q3/mx-{lang}.pdf"))).unwrap();
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(|o| o.as_reference())
            .unwrap();
        let info = doc.get_dictionary(info).unwrap();
        assert_eq!(
            pdf_string(info.get(b"Title").unwrap().as_str().unwrap()),
            title
        );
        assert_eq!(
            pdf_string(info.get(b"Author").unwrap().as_str().unwrap()),
            author
        );
        let keywords = pdf_string(info.get(b"Keywords").unwrap().as_str().unwrap());
        assert!(
            keywords.contains("2025-Q3"),
            "{lang}: edition in keywords: {keywords}"
        );
        let catalog = doc.catalog().unwrap();
        assert_eq!(
            pdf_string(catalog.get(b"Lang").unwrap().as_str().unwrap()),
            lang_tag
        );
    }
}

#[test]
fn year_to_date_from_illustrative_rows_is_marked() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let csv = project.path().join("data/datasets/bru-goods.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    for m in 1..=12 {
        text.push_str(&format!(
            "BE-BRU,CA,export,2024-{m:02},TOTAL,2700000,illustrative\n"
        ));
    }
    for m in 1..=6 {
        text.push_str(&format!(
            "BE-BRU,CA,export,2025-{m:02},TOTAL,3000000,illustrative\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut args = build_args(project.path(), out.path(), &["ca"]);
    args.langs = vec![marketbrief::Lang::En];
    let (mut log, mut err) = (Vec::new(), Vec::new());
    assert_eq!(
        build::run(&args, &mut log, &mut err).unwrap(),
        Outcome::Success,
        "{}",
        String::from_utf8_lossy(&err)
    );
    let en = pdf_text(&out.path().join("2025-Q3/ca-en.pdf"));
    assert_contains(
        &en,
        "Goods exports of Brussels, Jan–Jun 2025: EUR 18 million † (+11% † on Jan–Jun 2024)",
        "the value and its change marked, each where it is printed",
    );
}

#[test]
fn text_too_long_for_its_page_is_an_error_not_a_clipped_brief() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let profile = project.path().join("data/profiles/jp.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    // A sector text of 1,500 words: its box may not break, and no page holds it.
    let long = "Chocolat, bière et produits laitiers. ".repeat(300);
    let edited = text.replace(
        "      en: Chocolate, beer and dairy benefit from reduced or removed duties.",
        &format!("      en: \"{long}\""),
    );
    assert_ne!(edited, text);
    std::fs::write(&profile, &edited).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut args = build_args(project.path(), out.path(), &["jp"]);
    args.langs = vec![marketbrief::Lang::En];
    let (mut log, mut err) = (Vec::new(), Vec::new());
    let outcome = build::run(&args, &mut log, &mut err).unwrap();
    let err = String::from_utf8_lossy(&err);
    assert_eq!(outcome, Outcome::Failure, "{err}");
    assert!(err.contains("data/profiles/jp.yaml:35:7"), "{err}");
    assert!(
        err.contains("field `sectors[0].text.en`: text too long for one page"),
        "{err}"
    );
    assert!(!out.path().join("2025-Q3/jp-en.pdf").exists());
}

#[test]
fn a_standard_the_charts_cannot_meet_says_so_and_blames_no_profile() {
    let out = tempfile::tempdir().unwrap();
    let mut args = build_args(&sample_project(), out.path(), &["ca"]);
    args.langs = vec![marketbrief::Lang::En];
    args.standards = vec!["a-1b".into()];
    let (mut log, mut err) = (Vec::new(), Vec::new());
    let outcome = build::run(&args, &mut log, &mut err).unwrap();
    let err = String::from_utf8_lossy(&err);
    assert_eq!(outcome, Outcome::Failure, "{err}");
    assert!(err.contains("choose other PDF standards"), "{err}");
    assert!(!err.contains("add a font"), "{err}");
    assert!(!err.contains("ca.yaml"), "{err}");
}
