//! Editions on file: reproducible PDFs, the manifest, accessible charts.

mod common;

use common::{copy_project, marketbrief, pdf_string, pdf_text, sample_project};
use std::path::Path;
use std::process::Command;

/// Builds the sample briefs of `countries` in a separate process.
fn build_in_process(out: &Path, countries: &[&str]) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_marketbrief"));
    cmd.arg("build")
        .arg("--project")
        .arg(sample_project())
        .arg("--out")
        .arg(out);
    for c in countries {
        cmd.args(["--country", c]);
    }
    let output = cmd.output().expect("marketbrief runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rebuilds_in_separate_processes_are_byte_identical() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    build_in_process(first.path(), &["ca", "jp"]);
    build_in_process(second.path(), &["ca", "jp"]);
    for name in [
        "ca-fr.pdf",
        "ca-nl.pdf",
        "ca-en.pdf",
        "jp-fr.pdf",
        "manifest.json",
        "figures.json",
    ] {
        let a = std::fs::read(first.path().join("2025-Q3").join(name)).unwrap();
        let b = std::fs::read(second.path().join("2025-Q3").join(name)).unwrap();
        assert!(a == b, "{name} differs between two runs");
    }
}

#[test]
fn manifest_lists_every_brief_with_matching_hashes() {
    let out = tempfile::tempdir().unwrap();
    build_in_process(out.path(), &["mx", "us"]);
    let dir = out.path().join("2025-Q3");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["edition"], "2025-Q3");
    let briefs = manifest["briefs"].as_array().unwrap();
    assert_eq!(briefs.len(), 6);
    for brief in briefs {
        let file = brief["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert_eq!(
            brief["sha256"].as_str().unwrap(),
            marketbrief::incremental::sha256(&bytes),
            "{file}"
        );
        assert_eq!(
            brief["bytes"].as_u64().unwrap() as usize,
            bytes.len(),
            "{file}"
        );
        let pages = lopdf::Document::load_mem(&bytes).unwrap().get_pages().len();
        assert_eq!(brief["pages"].as_u64().unwrap() as usize, pages, "{file}");
        assert_eq!(brief["inputs"].as_str().unwrap().len(), 64, "{file}");
        assert!(["mx", "us"].contains(&brief["country"].as_str().unwrap()));
    }
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("figures.json")).unwrap()).unwrap();
    let printed = &figures["briefs"]["mx-fr"]["figures"][0]["printed"];
    assert_eq!(printed.as_str().unwrap(), "8,6\u{A0}millions d’euros");
}

/// The /Alt texts of the /Figure elements of a PDF's structure tree.
fn figure_alts(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut alts = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let is_figure =
            dict.get(b"S").ok().and_then(|s| s.as_name().ok()) == Some(b"Figure".as_slice());
        if !is_figure {
            continue;
        }
        let alt = dict
            .get(b"Alt")
            .ok()
            .and_then(|a| a.as_str().ok())
            .unwrap_or_default();
        alts.push(common::pdf_string(alt));
    }
    alts
}

#[test]
fn every_chart_has_alternative_text_in_every_language() {
    let out = tempfile::tempdir().unwrap();
    build_in_process(out.path(), &["ca"]);
    for (lang, words) in [
        (
            "fr",
            [
                "Graphique linéaire",
                "Graphique à barres",
                "Courbe 2020–2024",
                "Code QR\u{a0}: example.org/missions/canada-2025",
            ],
        ),
        (
            "nl",
            [
                "Lijndiagram",
                "Staafdiagram",
                "Verloop 2020–2024",
                "QR-code: example.org/advisers/claire-dubois",
            ],
        ),
        (
            "en",
            [
                "Line chart",
                "Bar chart",
                "Trend 2020–2024",
                "QR code: example.org/advisers/claire-dubois",
            ],
        ),
    ] {
        let alts = figure_alts(&out.path().join(format!("2025-Q3/ca-{lang}.pdf")));
        // The agency's logo, the flag, the locator map, the three cards' sparklines (the
        // Belgian cards have two years only: none), three charts, and the QR codes of the
        // mission's and the adviser's pages.
        assert_eq!(alts.len(), 11, "{lang}: {alts:?}");
        assert!(
            alts.iter().all(|a| !a.trim().is_empty()),
            "{lang}: {alts:?}"
        );
        for word in words {
            assert!(
                alts.iter().any(|a| a.starts_with(word)),
                "{lang}: no `{word}` in {alts:?}"
            );
        }
    }
    let en = figure_alts(&out.path().join("2025-Q3/ca-en.pdf"));
    assert!(
        en.iter().any(|a| a
            .replace('\u{A0}', " ")
            .contains("EUR 32.4 million in 2024")),
        "{en:?}"
    );
    assert!(en.contains(&"Flag of Canada".to_string()), "{en:?}");
    assert!(en.contains(&"Locator map: Canada".to_string()), "{en:?}");
}

#[test]
fn diff_reports_exactly_the_changed_figures() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    marketbrief(
        project.path(),
        &["build", "--edition", "2025-Q2", "--country", "ca"],
    );
    // The next quarter's data: Canada's 2024 regional exports revised, a new category.
    let csv = project.path().join("data/datasets/bru-goods.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let revised = text.replace(
        "BE-BRU,CA,export,2024,TOTAL,32400000,published",
        "BE-BRU,CA,export,2024,TOTAL,35100000,published",
    ) + "BE-BRU,CA,export,2024,XIV,2000000,illustrative\n";
    std::fs::write(&csv, revised).unwrap();
    marketbrief(
        project.path(),
        &["build", "--edition", "2025-Q3", "--country", "ca"],
    );

    let report = marketbrief(
        project.path(),
        &[
            "diff", "2025-Q2", "2025-Q3", "--format", "csv", "--lang", "en",
        ],
    );
    let rows: Vec<&str> = report.lines().collect();
    // Every printed number that changed: the card, the rank it moved, the chart's point, the
    // bars in and out of the top six, the caption's share and total.
    assert_eq!(
        rows,
        [
            "country,what,item,2025-Q2,2025-Q3,change,from_value,to_value,unit,from_period,to_period",
            "CA,revision,\"Goods exports of Brussels, 2024 revised\",EUR\u{A0}32.4\u{A0}million,EUR\u{A0}35.1\u{A0}million,+8.3%,32400000,35100000,EUR,2024,2024",
            "CA,revision,\"Rank among the export markets of Brussels, 2024 revised\",31st of 44,29th of 44,↑ 2,31,29,rank,2024,2024",
            "CA,revision,\"trend chart: Exports, 2024 revised\",EUR\u{A0}32.4\u{A0}million,EUR\u{A0}35.1\u{A0}million,+8.3%,32400000,35100000,EUR,2024,2024",
            "CA,new category,\"goods chart: Pearls, precious stones and metals (2024)\",,EUR\u{A0}2\u{A0}million,,,2000000,EUR,,2024",
            "CA,revision,\"goods chart: Share of the categories shown, 2024 revised\",85%,79%,,0.8487654320987654,0.7863247863247863,ratio,2024,2024",
            "CA,revision,\"goods chart: Total, 2024 revised\",EUR\u{A0}32.4\u{A0}million,EUR\u{A0}35.1\u{A0}million,+8.3%,32400000,35100000,EUR,2024,2024",
            "CA,dropped category,goods chart: Vehicles and transport equipment (2024),EUR\u{A0}1.9\u{A0}million,,,1900000,,EUR,2024,",
        ]
    );
    // Issue 25: the report speaks the language asked for, headers included.
    let french = marketbrief(
        project.path(),
        &["diff", "2025-Q2", "2025-Q3", "--lang", "fr"],
    );
    for word in [
        "pays",
        "nature",
        "révision",
        "nouvelle catégorie",
        "catégorie retirée",
        "graphique des biens",
    ] {
        assert!(french.contains(word), "`{word}` not in {french}");
    }
    for english in [
        "revised",
        "chart",
        "new category",
        "dropped",
        "country",
        "change",
    ] {
        assert!(!french.contains(english), "`{english}` in {french}");
    }
    let table = marketbrief(
        project.path(),
        &["diff", "2025-Q3", "2025-Q3", "--lang", "en"],
    );
    assert!(
        table.contains("no changes between 2025-Q3 and 2025-Q3"),
        "{table}"
    );
}

/// Builds the English Canada brief as edition 2025-Q2, applies `edit` to the regional
/// goods dataset, builds 2025-Q3 and returns the CSV diff's lines.
fn diff_after(project: &Path, edit: &[(&str, &str)]) -> Vec<String> {
    let build = |edition| {
        marketbrief(
            project,
            &[
                "build",
                "--edition",
                edition,
                "--country",
                "ca",
                "--lang",
                "en",
            ],
        )
    };
    build("2025-Q2");
    let csv = project.join("data/datasets/bru-goods.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    for (from, to) in edit {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    std::fs::write(&csv, text).unwrap();
    build("2025-Q3");
    marketbrief(
        project,
        &[
            "diff", "2025-Q2", "2025-Q3", "--format", "csv", "--lang", "en",
        ],
    )
    .lines()
    .skip(1)
    .map(without_raw_columns)
    .collect()
}

/// A CSV line of the diff without its last five columns (the values as numbers, their unit
/// and periods), for the tests about what is reported.
fn without_raw_columns(line: &str) -> String {
    line.rsplitn(6, ',').last().unwrap().to_string()
}

#[test]
fn diff_marks_a_revised_earlier_year_and_a_change_in_a_chart_only() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let config = project.path().join("marketbrief.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text + "since_last_edition: true\n").unwrap();
    // 2023, the base of the printed "−78% on 2023", is revised; 2020's imports, printed
    // only as a point of the trend chart, too.
    let lines = diff_after(
        project.path(),
        &[
            (
                "BE-BRU,CA,export,2023,TOTAL,147300000,derived",
                "BE-BRU,CA,export,2023,TOTAL,157300000,derived",
            ),
            (
                "BE-BRU,CA,import,2020,TOTAL,15900000,illustrative",
                "BE-BRU,CA,import,2020,TOTAL,16900000,illustrative",
            ),
        ],
    );
    assert_eq!(
        lines,
        [
            "CA,revision,Goods exports of Brussels: 2023 revised,EUR\u{A0}147.3\u{A0}million,EUR\u{A0}157.3\u{A0}million,change now \u{2212}79% on 2023 (was \u{2212}78% on 2023)",
            "CA,revision,\"trend chart: Exports, 2023 revised\",EUR\u{A0}147.3\u{A0}million,EUR\u{A0}157.3\u{A0}million,+6.8%",
            "CA,revision,\"trend chart: Imports, 2020 revised\",EUR\u{A0}15.9\u{A0}million,EUR\u{A0}16.9\u{A0}million,+6.3%",
        ]
    );
    // The "since the last edition" box makes the same comparison.
    let brief = common::pdf_text(&project.path().join("output/2025-Q3/ca-en.pdf"));
    assert!(
        brief.contains(
            "Goods exports of Brussels: 2023 revised, EUR 147.3 million → EUR 157.3 million"
        ),
        "{brief}"
    );
}

/// The text of each page of a handout, spaces folded (pdf-extract may read two between
/// runs of text).
fn handout_pages(pdf: &Path) -> Vec<String> {
    let bytes = std::fs::read(pdf).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes)
        .unwrap()
        .iter()
        .map(|page| {
            page.lines()
                .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// Checks a handout's pagination: each brief (its first page says `kind`) starts on a
/// right-hand page, where the contents says; every page of a brief is numbered as it is
/// in the file, out of the file's pages; a page left free before a brief is for notes,
/// says `notes` and nothing else. Returns the first page of each brief.
fn assert_paginated(
    lang: &str,
    pages: &[String],
    kind: &str,
    countries: &[&str],
    blank: &str,
) -> Vec<usize> {
    let contents = contents_page(pages).replace(['\u{A0}', '.', '\u{2060}'], " ");
    let starts: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, text)| text.contains(kind))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(starts.len(), countries.len(), "{lang}: {starts:?}");
    for (country, start) in countries.iter().zip(&starts) {
        assert!(start % 2 == 1, "{lang}: {country} starts on page {start}");
        let line = contents
            .lines()
            .find(|l| l.contains(country))
            .unwrap_or_else(|| panic!("{lang}: {country} not in the contents: {contents}"));
        let number: String = line.split_whitespace().last().unwrap().to_string();
        assert_eq!(number, start.to_string(), "{lang}: {line}");
        let page = pages[start - 1].replace([' ', '\n'], "");
        assert!(
            page.contains(&country.replace(' ', "")),
            "{lang}: page {start}"
        );
    }
    let total = pages.len();
    // No page of the handout is blank, none says it was left blank on purpose.
    for (i, page) in pages.iter().enumerate() {
        assert!(!page.trim().is_empty(), "{lang}: page {} is blank", i + 1);
        assert!(
            !page.to_lowercase().contains("blan") && !page.contains("leeg"),
            "{lang}: page {}: {page}",
            i + 1
        );
    }
    for (i, page) in pages.iter().enumerate().skip(1) {
        // Every page but the cover is numbered, a notes page too.
        let footer = format!("{} / {total}", i + 1);
        assert!(
            page.contains(&footer),
            "{lang}: page {} lacks “{footer}”",
            i + 1
        );
        // A notes page holds its heading and its footer, nothing else.
        if page.trim_start().starts_with(blank) {
            let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
            assert_eq!(lines.len(), 2, "{lang}: a notes page holds more: {lines:?}");
        }
    }
    starts
}

/// The handout's contents page: the page whose first line is its heading.
fn contents_page(pages: &[String]) -> &str {
    pages
        .iter()
        .find(|p| {
            let start = p.trim_start();
            ["Sommaire", "Contents", "Inhoud"]
                .iter()
                .any(|heading| start.starts_with(heading))
        })
        .unwrap_or_else(|| {
            let starts: Vec<&str> = pages.iter().map(|p| &p[..p.len().min(40)]).collect();
            panic!("no contents page: {starts:?}")
        })
}

#[test]
fn mission_bundle_has_contents_the_markets_side_by_side_and_briefs_on_right_hand_pages() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["bundle", "north-america", "--project"])
        .arg(sample_project())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (lang, kind, countries, blank) in [
        (
            "fr",
            "FICHE MARCHÉ",
            ["Canada", "Mexique", "États-Unis"],
            "Notes",
        ),
        (
            "en",
            "MARKET BRIEF",
            ["Canada", "Mexico", "United States"],
            "Notes",
        ),
    ] {
        let pages = handout_pages(
            &out.path()
                .join(format!("2025-Q3/mission-north-america-{lang}.pdf")),
        );
        let starts = assert_paginated(lang, &pages, kind, &countries, blank);
        assert!(
            pages.iter().any(|p| p.trim_start().starts_with(blank)),
            "{lang}: no page for notes between the briefs"
        );
        // Under the contents, the markets side by side, each value as its brief prints it
        // on its card (the brief's first page), marks included.
        let glance = contents_page(&pages);
        let heading = if lang == "fr" {
            "Les marchés en un coup d’œil"
        } else {
            "The markets at a glance"
        };
        assert!(glance.contains(heading), "{lang}: {glance}");
        // The † explained where it is used, not only named.
        let dagger = if lang == "fr" {
            "Les chiffres marqués † sont illustratifs"
        } else {
            "Figures marked † are illustrative"
        };
        assert!(glance.contains(dagger), "{lang}: {glance}");
        // (value, which brief prints it)
        let values: &[(&str, usize)] = if lang == "fr" {
            &[
                ("32,4 millions d’euros", 0),
                ("8,6 millions d’euros", 1),
                ("520 millions d’euros †", 2),
            ]
        } else {
            &[
                ("EUR 32.4 million", 0),
                ("EUR 8.6 million", 1),
                ("EUR 520 million †", 2),
                ("31st of 44 †", 0),
            ]
        };
        let squash = |s: &str| s.replace([' ', '\u{A0}', '\u{202F}', '\n'], "");
        for &(value, brief) in values {
            assert!(squash(glance).contains(&squash(value)), "{lang}: {value}");
            let card_page = squash(&pages[starts[brief] - 1]);
            assert!(
                card_page.contains(&squash(value)),
                "{lang}: {value} not on its card"
            );
        }
    }
}

#[test]
fn a_mission_of_six_markets_numbers_its_pages_as_they_are() {
    // Copies of the Japanese profile for three more markets the datasets cover.
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let profiles = project.path().join("data/profiles");
    let japan = std::fs::read_to_string(profiles.join("jp.yaml")).unwrap();
    for code in ["de", "fr"] {
        let profile = japan.replace("country: JP", &format!("country: {}", code.to_uppercase()));
        std::fs::write(profiles.join(format!("{code}.yaml")), profile).unwrap();
    }
    let config = project.path().join("marketbrief.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replace(
        "    countries: [ca, mx, us]\n",
        "    countries: [ca, mx, us]\n  six: [ca, mx, us, jp, de, fr]\n",
    );
    std::fs::write(&config, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["bundle", "six", "--lang", "en", "--project"])
        .arg(project.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Typst settled the layout: no "did not converge".
    assert!(!stderr.contains("warning"), "{stderr}");
    let pages = handout_pages(&project.path().join("output/2025-Q3/mission-six-en.pdf"));
    let countries = [
        "Canada",
        "Mexico",
        "United States",
        "Japan",
        "Germany",
        "France",
    ];
    assert_paginated("en", &pages, "MARKET BRIEF", &countries, "Notes");
}

#[test]
fn since_the_last_edition_box_lists_the_largest_changes() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let config = project.path().join("marketbrief.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text + "since_last_edition: true\n").unwrap();
    marketbrief(
        project.path(),
        &[
            "build",
            "--edition",
            "2025-Q2",
            "--country",
            "ca",
            "--lang",
            "en",
        ],
    );
    let csv = project.path().join("data/datasets/bru-goods.csv");
    let data = std::fs::read_to_string(&csv).unwrap().replace(
        "BE-BRU,CA,export,2024,TOTAL,32400000,published",
        "BE-BRU,CA,export,2024,TOTAL,35100000,published",
    );
    std::fs::write(&csv, data).unwrap();
    marketbrief(
        project.path(),
        &[
            "build",
            "--edition",
            "2025-Q3",
            "--country",
            "ca",
            "--lang",
            "en",
        ],
    );
    let text = common::pdf_text(&project.path().join("output/2025-Q3/ca-en.pdf"));
    assert!(text.contains("Since the Q2 2025 edition"), "{text}");
    assert!(
        text.contains("Goods exports of Brussels: EUR 32.4 million → EUR 35.1 million (+8.3%)"),
        "{text}"
    );
    // The first edition has nothing to compare with.
    let first = common::pdf_text(&project.path().join("output/2025-Q2/ca-en.pdf"));
    assert!(!first.contains("Since the"), "{first}");

    // Issue 23.2: the handout's briefs come from the same driver, with the same previous
    // edition: the box and its figures are the standalone brief's.
    marketbrief(project.path(), &["bundle", "north-america", "--lang", "en"]);
    let handout = common::pdf_text(
        &project
            .path()
            .join("output/2025-Q3/mission-north-america-en.pdf"),
    );
    let since = |text: &str| -> String {
        let from = text.find("Since the Q2 2025 edition").expect("a since box");
        let to = from + text[from..].find("Why do business").unwrap();
        text[from..to].to_string()
    };
    assert_eq!(since(&handout), since(&text));
    assert!(since(&handout).contains("EUR 32.4 million → EUR 35.1 million (+8.3%)"));
}

/// Issue 23.2: `check` typeset without the previous edition, so a brief that fails only with
/// its "since the last edition" box passed `check` and failed `build`. Here the previous
/// edition's record holds a character no font can draw, which only the box prints: both
/// commands refuse the brief, and both accept it once the record is whole again.
#[test]
fn check_and_build_agree_on_a_brief_that_fails_only_with_the_since_box() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let config = project.path().join("marketbrief.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text + "since_last_edition: true\n").unwrap();
    let q2 = ["--edition", "2025-Q2", "--country", "ca", "--lang", "en"];
    marketbrief(project.path(), &[&["build"][..], &q2].concat());
    let record = project.path().join("output/2025-Q2/figures.json");
    let whole = std::fs::read_to_string(&record).unwrap();
    let broken = whole.replacen(
        "\"printed\": \"EUR\u{a0}32.4\u{a0}million\"",
        "\"printed\": \"EUR\u{a0}32.4\u{a0}million 🚀\"",
        1,
    );
    assert_ne!(broken, whole);
    std::fs::write(&record, &broken).unwrap();
    let csv = project.path().join("data/datasets/bru-goods.csv");
    let data = std::fs::read_to_string(&csv).unwrap().replace(
        "BE-BRU,CA,export,2024,TOTAL,32400000,published",
        "BE-BRU,CA,export,2024,TOTAL,35100000,published",
    );
    std::fs::write(&csv, data).unwrap();
    let q3 = ["--country", "ca", "--lang", "en"];
    let build = common::marketbrief_fails(project.path(), &[&["build"][..], &q3].concat());
    let check = common::marketbrief_fails(project.path(), &["check", "--lang", "en"]);
    for said in [&build, &check] {
        assert!(
            said.contains("🚀") && said.contains("previous edition's record"),
            "{said}"
        );
    }
    std::fs::write(&record, &whole).unwrap();
    marketbrief(project.path(), &["check", "--lang", "en"]);
    marketbrief(project.path(), &[&["build"][..], &q3].concat());
}

#[test]
fn a_mission_name_no_font_can_draw_is_reported_where_it_is_written() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let config = project.path().join("marketbrief.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replace(
        "fr: Mission Amérique du Nord",
        "fr: Mission Amérique du Nord 🚀",
    );
    std::fs::write(&config, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["bundle", "north-america", "--lang", "fr", "--project"])
        .arg(project.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("marketbrief.yaml:") && stderr.contains("missions.north-america.name.fr"),
        "{stderr}"
    );
    assert!(stderr.contains("“🚀”"), "{stderr}");
    assert!(
        !project
            .path()
            .join("output/2025-Q3/mission-north-america-fr.pdf")
            .exists()
    );
}

/// Issue 25: the handout is a programme. Its cover gives the mission's dates and cities; the
/// page after it, the programme day by day with the registration link and its QR code (and,
/// the sample mission being fictional, says so); every brief inside advertises the
/// handout's mission, not the event of its own profile.
/// The sample mission's registration page.
const REGISTER: &str = "example.org/missions/north-america-2025";

#[test]
fn a_handout_opens_with_its_programme_and_its_briefs_advertise_its_mission() {
    let out = tempfile::tempdir().unwrap();
    let at = out.path().to_str().unwrap();
    marketbrief(&sample_project(), &["bundle", "north-america", "--out", at]);
    marketbrief(
        &sample_project(),
        &["build", "--country", "ca", "--out", at],
    );
    for (lang, dates, cities, day, register, sample, own_event) in [
        (
            "fr",
            "du 17 au 21 novembre 2025",
            "Montréal, Chicago et Monterrey",
            "Rendez-vous d’affaires avec des importateurs",
            "Inscription",
            "Programme d’exemple, fictif",
            "Mission commerciale au Canada",
        ),
        (
            "nl",
            "van 17 tot 21 november 2025",
            "Montreal, Chicago en Monterrey",
            "Zakelijke afspraken met importeurs",
            "Inschrijven",
            "Fictief voorbeeldprogramma",
            "Handelsmissie naar Canada",
        ),
        (
            "en",
            "17 to 21 November 2025",
            "Montreal, Chicago and Monterrey",
            "Business meetings with importers",
            "Registration",
            "A fictional sample programme",
            "Trade mission to Canada",
        ),
    ] {
        let pdf = out
            .path()
            .join(format!("2025-Q3/mission-north-america-{lang}.pdf"));
        let pages = handout_pages(&pdf);
        let flat = |s: &str| s.replace(['\u{A0}', '\u{202F}', '\n'], " ");
        let cover = flat(&pages[0]);
        assert!(
            cover.contains(dates) && cover.contains(cities),
            "{lang}: {cover}"
        );
        let programme = flat(&pages[1]);
        for expected in [
            dates,
            cities,
            day,
            register,
            sample,
            "example.org/missions/north-america-2025",
        ] {
            assert!(
                programme.contains(expected),
                "{lang}: {expected} not in {programme}"
            );
        }
        // The QR code opens the registration page.
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(
            pdf_string(&bytes).contains("https://example.org/missions/north-america-2025"),
            "{lang}: no link to the registration page"
        );
        // Every brief advertises the handout's mission; the Canada profile's own mission
        // (another event) is printed in its standalone brief only.
        let all = flat(&pages.join("\n"));
        assert!(
            !all.contains(own_event),
            "{lang}: the profile's own event is in the handout"
        );
        let brief_pages = pages
            .iter()
            .filter(|p| common::squash(p).contains(&common::squash(REGISTER)))
            .count();
        assert!(
            brief_pages >= 4,
            "{lang}: {brief_pages} pages advertise the mission: {:?}",
            pages
                .iter()
                .map(|p| common::squash(p))
                .filter(|p| p.contains("missions"))
                .collect::<Vec<_>>()
        );
        let standalone = flat(&pdf_text(
            &out.path().join(format!("2025-Q3/ca-{lang}.pdf")),
        ));
        assert!(standalone.contains(own_event), "{lang}: {standalone}");
    }
}

/// Issue 25: the agency's logo (`publisher.logo`) is printed on every brief's title band
/// and on a handout's cover, with its alternative text in the brief's language; without
/// it, neither carries one.
#[test]
fn the_agency_logo_is_on_every_brief_and_the_handout_cover() {
    let out = tempfile::tempdir().unwrap();
    let at = out.path().to_str().unwrap();
    marketbrief(
        &sample_project(),
        &["build", "--country", "ca", "--out", at],
    );
    marketbrief(
        &sample_project(),
        &["bundle", "north-america", "--lang", "nl", "--out", at],
    );
    for (file, alt) in [
        (
            "ca-fr.pdf",
            "Logo\u{A0}: Brussels Trade Desk (éditeur d’exemple)",
        ),
        (
            "ca-nl.pdf",
            "Logo van Brussels Trade Desk (voorbeelduitgever)",
        ),
        (
            "ca-en.pdf",
            "Logo of Brussels Trade Desk (sample publisher)",
        ),
    ] {
        let alts = figure_alts(&out.path().join("2025-Q3").join(file));
        assert_eq!(
            alts.iter().filter(|a| *a == alt).count(),
            1,
            "{file}: {alts:?}"
        );
    }
    // On the cover, and once on each of the three briefs of the handout.
    let alts = figure_alts(&out.path().join("2025-Q3/mission-north-america-nl.pdf"));
    let logos = alts.iter().filter(|a| a.starts_with("Logo van")).count();
    assert_eq!(logos, 4, "{alts:?}");

    // A project without a logo prints none.
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let config = project.path().join("marketbrief.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("  logo: data/logo.svg\n", "")).unwrap();
    marketbrief(
        project.path(),
        &["build", "--country", "ca", "--lang", "en"],
    );
    let alts = figure_alts(&project.path().join("output/2025-Q3/ca-en.pdf"));
    assert!(!alts.iter().any(|a| a.starts_with("Logo")), "{alts:?}");
}

/// The heading tags of a PDF's structure tree (`H1`, `H2`, …), in reading order.
fn heading_tags(pdf: &Path) -> Vec<String> {
    fn walk(doc: &lopdf::Document, object: &lopdf::Object, found: &mut Vec<String>, depth: usize) {
        if depth > 200 {
            return;
        }
        let object = match object {
            lopdf::Object::Reference(id) => match doc.get_object(*id) {
                Ok(o) => o,
                Err(_) => return,
            },
            other => other,
        };
        match object {
            lopdf::Object::Array(items) => {
                for item in items {
                    walk(doc, item, found, depth + 1);
                }
            }
            lopdf::Object::Dictionary(dict) => {
                if let Ok(name) = dict.get(b"S").and_then(|s| s.as_name()) {
                    let name = String::from_utf8_lossy(name).to_string();
                    if name.len() == 2 && name.starts_with('H') {
                        found.push(name);
                    }
                }
                if let Ok(kids) = dict.get(b"K") {
                    walk(doc, kids, found, depth + 1);
                }
            }
            _ => {}
        }
    }
    let doc = lopdf::Document::load(pdf).unwrap();
    let root = doc
        .catalog()
        .unwrap()
        .get(b"StructTreeRoot")
        .unwrap()
        .clone();
    let mut found = Vec::new();
    walk(&doc, &root, &mut found, 0);
    found
}

/// Issue 24 §3: a screen reader navigates a brief by its outline — the country is the one
/// level-1 heading, first; the sections are level 2 under it and the charts' titles level 3;
/// no level-1 heading below the title.
#[test]
fn every_brief_is_outlined_from_its_country_down() {
    let out = tempfile::tempdir().unwrap();
    let at = out.path().to_str().unwrap();
    marketbrief(&sample_project(), &["build", "--out", at]);
    for entry in std::fs::read_dir(out.path().join("2025-Q3")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let tags = heading_tags(&path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(
            tags.first().map(String::as_str),
            Some("H1"),
            "{name}: {tags:?}"
        );
        assert_eq!(
            tags.iter().filter(|t| *t == "H1").count(),
            1,
            "{name}: {tags:?}"
        );
        assert!(
            tags[1..].iter().all(|t| t == "H2" || t == "H3"),
            "{name}: {tags:?}"
        );
        // Key figures, why, trade, sectors, cities, agreement, next steps, sources.
        assert!(
            tags.iter().filter(|t| *t == "H2").count() >= 7,
            "{name}: {tags:?}"
        );
        // The trade section's charts, the agreement's title, the publications.
        assert!(
            tags.iter().filter(|t| *t == "H3").count() >= 3,
            "{name}: {tags:?}"
        );
    }
}
