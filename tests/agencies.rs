//! Real agencies on the data they have (issue 22): a region without regional data, a
//! national agency without a region, the cards an agency chooses, and the agency's own seat
//! rather than Brussels.

mod common;

use common::{copy_project, marketbrief, marketbrief_fails};
use std::path::Path;

const BRUSSELS_REGION: &str = "\
region:
  code: BE-BRU
  name: {fr: Région de Bruxelles-Capitale, nl: Brussels Hoofdstedelijk Gewest, en: Brussels-Capital Region}
  short: {fr: Bruxelles, nl: Brussel, en: Brussels}
  of: {fr: de Bruxelles, nl: van Brussel, en: of Brussels}
";

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// The sample project as a Walloon agency would have it: its region BE-WAL, without the
/// Brussels dataset (it has no regional figures), and its own texts without a word of
/// Brussels.
fn walloon_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_project(dir.path());
    for ext in ["csv", "yaml"] {
        std::fs::remove_file(dir.path().join(format!("data/datasets/bru-goods.{ext}"))).unwrap();
    }
    let config = dir.path().join("marketbrief.yaml");
    edit(
        &config,
        BRUSSELS_REGION,
        "region:
  code: BE-WAL
  name: {fr: Région wallonne, nl: Waals Gewest, en: Walloon Region}
  short: {fr: Wallonie, nl: Wallonië, en: Wallonia}
  of: {fr: de la Wallonie, nl: van Wallonië, en: of Wallonia}
",
    );
    let mut files = vec![config];
    for entry in std::fs::read_dir(dir.path().join("data/profiles")).unwrap() {
        files.push(entry.unwrap().path());
    }
    // What the agency writes itself names its own region.
    for path in files {
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (from, to) in [
            ("bruxellois", "wallon"),
            ("Brusselse", "Waalse"),
            ("Bruxelles", "Wallonie"),
            ("Brussels", "Wallonia"),
            ("Brussel", "Wallonië"),
        ] {
            text = text.replace(from, to);
        }
        std::fs::write(&path, text).unwrap();
    }
    dir
}

fn figures(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("2025-Q3/figures.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn key_figure_ids(figures: &serde_json::Value, brief: &str) -> Vec<String> {
    figures["briefs"][brief]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["part"] == "key_figure")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_region_without_regional_data_builds_final_briefs_from_the_national_ones() {
    let project = walloon_project();
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    // `check` says which cards each brief leaves out, and why; it is not an error.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["check", "--project"])
        .arg(project.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains(
            "the brief leaves out the key-figure card `region_goods_exports` of marketbrief.yaml: no BE-WAL goods exports to CA in data/datasets"
        ),
        "{err}"
    );
    assert!(err.contains("data/profiles/ca.yaml:"), "{err}");

    marketbrief(
        project.path(),
        &[
            "build",
            "--country",
            "ca",
            "--country",
            "jp",
            "--out",
            out_arg,
        ],
    );
    let figures = figures(out.path());
    for brief in ["ca-fr", "ca-nl", "ca-en", "jp-en"] {
        // The country's cards only: nothing regional, nothing made up.
        assert_eq!(
            key_figure_ids(&figures, brief),
            [
                "key/national_goods_exports",
                "key/national_services_exports"
            ],
            "{brief}"
        );
    }
    for (lang, seat, not) in [
        ("fr", "avec Namur", "Bruxelles"),
        ("nl", "met Namen", "Brussel"),
        ("en", "with Namur", "Brussels"),
    ] {
        let text = common::pdf_text(&out.path().join(format!("2025-Q3/ca-{lang}.pdf")));
        let squashed = common::squash(&text);
        // The agency's seat, named in the brief's language.
        assert!(
            squashed.contains(&common::squash(&seat.to_uppercase()))
                || squashed.contains(&common::squash(seat)),
            "{lang}: no {seat:?}"
        );
        // No Brussels its own texts do not write (hub.brussels, a source's name, is one).
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            assert!(
                !word.starts_with(not) && !word.starts_with(&not.to_uppercase()),
                "{lang}: {word:?} in a Walloon brief"
            );
        }
        assert!(
            !text.contains("BROUILLON") && !text.contains("ONTWERP") && !text.contains("DRAFT")
        );
    }
}

#[test]
fn a_national_agency_without_a_region_builds_from_country_data() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let config = project.path().join("marketbrief.yaml");
    edit(&config, BRUSSELS_REGION, "");
    // Belgium's goods imports from Canada, for the country's imports card.
    let csv = project.path().join("data/datasets/be-goods.csv");
    let mut rows = std::fs::read_to_string(&csv).unwrap();
    rows.push_str("BE,CA,import,2023,TOTAL,2100000000,illustrative\nBE,CA,import,2024,TOTAL,2300000000,illustrative\n");
    std::fs::write(&csv, rows).unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    marketbrief(
        project.path(),
        &["build", "--country", "ca", "--lang", "en", "--out", out_arg],
    );
    let figures = figures(out.path());
    // The national default: the country's goods exports and imports and services exports
    // (the regional dataset's BE-BRU rows are not this agency's).
    assert_eq!(
        key_figure_ids(&figures, "ca-en"),
        [
            "key/national_goods_exports",
            "key/national_goods_imports",
            "key/national_services_exports",
        ]
    );
    let text = common::squash(&common::pdf_text(&out.path().join("2025-Q3/ca-en.pdf")));
    assert!(
        text.contains(&common::squash("Goods imports of Belgium")),
        "{text}"
    );
    assert!(
        text.contains(&common::squash("TIME DIFFERENCE WITH BRUSSELS"))
            || text.contains(&common::squash("Time difference with Brussels"))
    );
    assert!(
        !text.contains(&common::squash("Brussels-Capital Region")),
        "{text}"
    );
}

#[test]
fn the_cards_are_the_agency_s_choice_in_its_order() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let config = project.path().join("marketbrief.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "key_figures:\n  - {reporter: country, measure: goods}\n  - {reporter: region, measure: rank}\n  - {reporter: region, measure: goods, flow: export}\n",
    );
    std::fs::write(&config, &text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    marketbrief(
        project.path(),
        &["build", "--country", "ca", "--lang", "en", "--out", out_arg],
    );
    assert_eq!(
        key_figure_ids(&figures(out.path()), "ca-en"),
        [
            "key/national_goods_exports",
            "key/region_export_rank",
            "key/region_goods_exports",
        ]
    );

    // What cannot be is said at its line.
    for (cards, message) in [
        (
            "  - {reporter: region, measure: rank, flow: import}\n",
            "a rank is of export markets only",
        ),
        (
            "  - {reporter: country, measure: goods}\n  - {reporter: country, measure: goods, flow: export}\n",
            "`national_goods_exports` is listed twice",
        ),
        (
            "  - {reporter: county, measure: goods}\n",
            "unknown value `county`, expected `region` or `country`",
        ),
    ] {
        let base = text[..text.find("key_figures:").unwrap()].to_string();
        std::fs::write(&config, format!("{base}key_figures:\n{cards}")).unwrap();
        let err = marketbrief_fails(project.path(), &["check"]);
        assert!(err.contains(message), "{message}: {err}");
        assert!(err.contains("marketbrief.yaml:"), "{err}");
    }
    // A region's card in a project without a region.
    let base = text[..text.find("key_figures:").unwrap()].replace(BRUSSELS_REGION, "");
    std::fs::write(
        &config,
        format!("{base}key_figures:\n  - {{reporter: region, measure: goods}}\n"),
    )
    .unwrap();
    let err = marketbrief_fails(project.path(), &["check"]);
    assert!(err.contains("has no `region:`"), "{err}");
}

/// Issue 22.1: a card added to or removed from `key_figures:` between two editions is a
/// new or dropped figure in `diff`, never a change of value.
#[test]
fn a_card_added_or_dropped_between_editions_is_said_so() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let csv = project.path().join("data/datasets/be-goods.csv");
    let mut rows = std::fs::read_to_string(&csv).unwrap();
    rows.push_str("BE,CA,import,2023,TOTAL,2100000000,illustrative\nBE,CA,import,2024,TOTAL,2300000000,illustrative\n");
    std::fs::write(&csv, rows).unwrap();
    let config = project.path().join("marketbrief.yaml");
    let base = std::fs::read_to_string(&config).unwrap();
    let build = |edition: &str, cards: &str| {
        std::fs::write(&config, format!("{base}key_figures:\n{cards}")).unwrap();
        marketbrief(
            project.path(),
            &[
                "build",
                "--country",
                "ca",
                "--lang",
                "en",
                "--edition",
                edition,
            ],
        );
    };
    build(
        "2025-Q2",
        "  - {reporter: region, measure: goods}\n  - {reporter: region, measure: rank}\n",
    );
    build(
        "2025-Q3",
        "  - {reporter: region, measure: goods}\n  - {reporter: country, measure: goods, flow: import}\n",
    );
    let report = marketbrief(
        project.path(),
        &[
            "diff", "2025-Q2", "2025-Q3", "--format", "csv", "--lang", "en",
        ],
    );
    let lines: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("of Belgium") || l.contains("Rank"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("CA,new figure,Goods imports of Belgium (2024),,EUR")),
        "{report}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "CA,dropped figure,Rank among the export markets of Brussels (2024),31st of 44,,"
        )),
        "{report}"
    );
    assert!(
        !report.contains("revision,\"Goods exports of Brussels"),
        "{report}"
    );
}

/// Issue 22.1 and 22.3: a project holding only the imported Comext extract (Belgium's
/// trade in 18 CN8 products) builds final German, French and Dutch briefs — a Walloon agency
/// and a national one alike: the World Bank's facts, the products table titled with its
/// coverage, no key-figure card from the covered products' total, and no †.
#[test]
fn the_comext_extract_alone_gives_final_briefs() {
    let extract = common::sample_project().join("tests/fixtures/comext/ds045409_BE_2023_2024.csv");
    for walloon in [true, false] {
        let project = if walloon {
            walloon_project()
        } else {
            let dir = tempfile::tempdir().unwrap();
            copy_project(dir.path());
            edit(&dir.path().join("marketbrief.yaml"), BRUSSELS_REGION, "");
            dir
        };
        let root = project.path();
        for entry in std::fs::read_dir(root.join("data/datasets")).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        // Three profiles written in full (the Canadian sample's texts stand in for them).
        let ca = std::fs::read_to_string(root.join("data/profiles/ca.yaml")).unwrap();
        for entry in std::fs::read_dir(root.join("data/profiles")).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        for code in ["de", "fr", "nl"] {
            std::fs::write(
                root.join(format!("data/profiles/{code}.yaml")),
                ca.replace("country: CA", &format!("country: {}", code.to_uppercase())),
            )
            .unwrap();
        }
        marketbrief(root, &["import", "comext", extract.to_str().unwrap()]);
        let out = tempfile::tempdir().unwrap();
        let out_arg = out.path().to_str().unwrap();
        // Final briefs (no --draft), for the quarter after the data.
        let typst = out.path().join("typst");
        marketbrief(
            root,
            &[
                "build",
                "--edition",
                "2026-Q1",
                "--out",
                out_arg,
                "--emit-typst",
                typst.to_str().unwrap(),
            ],
        );
        // Issue 22.4: every mark is what the rows say (here: none, all published).
        let (compared, marked) =
            common::assert_marks_follow_rows(root, &out.path().join("2026-Q1"), &typst);
        assert!(
            compared > 30 && marked == 0,
            "{compared} compared, {marked} marked"
        );
        let record: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.path().join("2026-Q1/figures.json")).unwrap(),
        )
        .unwrap();
        for code in ["de", "fr", "nl"] {
            for (lang, share, population) in [
                ("fr", "Part des produits couverts ‡", "POPULATION"),
                ("nl", "Aandeel in de gedekte producten ‡", "BEVOLKING"),
                ("en", "Share of covered products ‡", "POPULATION"),
            ] {
                let brief = format!("{code}-{lang}");
                let figures = record["briefs"][&brief]["figures"].as_array().unwrap();
                assert!(
                    !figures.iter().any(|f| f["part"] == "key_figure"),
                    "{brief} (walloon: {walloon}): a key figure"
                );
                assert!(
                    figures.iter().any(|f| f["part"] == "chapters"),
                    "{brief}: no products table"
                );
                assert!(figures.iter().any(|f| f["id"] == "facts/population"));
                let text = common::pdf_text(&out.path().join(format!("2026-Q1/{brief}.pdf")));
                let squashed = common::squash(&text);
                assert!(squashed.contains(&common::squash(share)), "{brief}: {text}");
                assert!(squashed.contains(&common::squash(population)), "{brief}");
                assert!(!text.contains('†'), "{brief}: a † in {text}");
            }
        }
    }
}

/// Issue 26 (low): a partner whose data hold only months of a year still running lost its
/// trade figures without a word; `check` says why each card is left out.
#[test]
fn a_partner_with_months_only_is_said_so() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let csv = project.path().join("data/datasets/be-goods.csv");
    let mut rows = std::fs::read_to_string(&csv).unwrap();
    for m in 1..=6 {
        rows.push_str(&format!(
            "BE,CY,export,2025-{m:02},TOTAL,1000000,illustrative\n"
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    let ca = std::fs::read_to_string(project.path().join("data/profiles/ca.yaml")).unwrap();
    std::fs::write(
        project.path().join("data/profiles/cy.yaml"),
        ca.replace("country: CA", "country: CY"),
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["check", "--project"])
        .arg(project.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(
            "the brief leaves out the key-figure card `national_goods_exports` of marketbrief.yaml: no BE goods exports to CY for a complete year in data/datasets yet, only months"
        ),
        "{err}"
    );
    assert!(err.contains("data/profiles/cy.yaml:"), "{err}");
}
