//! Real data in: the shared Eurostat Comext extract imported, checked against sums made
//! independently from the raw file, then a draft brief for a new country built from it.

mod common;

use common::{copy_project, marketbrief};
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use marketbrief::i18n::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn comext_extract() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/eurostat-comext/ds045409_BE_2023_2024.csv")
}

/// Yearly export and import values of reporter BE by (partner, flow, year), summed straight
/// from the raw file.
fn expected_totals() -> BTreeMap<(String, String, String), f64> {
    let text = std::fs::read_to_string(comext_extract()).expect("the shared Comext extract");
    let mut sums = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] != "BE" || f[7] != "VALUE_IN_EUROS" {
            continue;
        }
        let flow = if f[6] == "2" { "export" } else { "import" };
        let year = f[8][..4].to_string();
        *sums
            .entry((f[4].to_string(), flow.to_string(), year))
            .or_insert(0.0) += f[9].parse::<f64>().unwrap();
    }
    sums
}

#[test]
fn comext_import_matches_the_raw_file_and_is_idempotent() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let extract = comext_extract();
    let report = marketbrief(
        project.path(),
        &["import", "comext", extract.to_str().unwrap()],
    );
    assert!(report.contains("read 21876 rows"), "{report}");
    assert!(
        report.contains("skipped 10938 rows: not a value in euros"),
        "{report}"
    );
    let csv = project.path().join("data/datasets/comext-goods.csv");
    let meta = project.path().join("data/datasets/comext-goods.yaml");
    let first = (std::fs::read(&csv).unwrap(), std::fs::read(&meta).unwrap());

    let mut totals = BTreeMap::new();
    for line in String::from_utf8(first.0.clone()).unwrap().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[4] == "TOTAL" && f[3].len() == 4 {
            totals.insert(
                (f[1].to_string(), f[2].to_string(), f[3].to_string()),
                f[5].parse::<f64>().unwrap(),
            );
        }
    }
    let expected = expected_totals();
    assert_eq!(totals.len(), expected.len());
    for (key, value) in &expected {
        assert!(
            (totals[key] - value).abs() < 0.5,
            "{key:?}: {} imported, {value} in the file",
            totals[key]
        );
    }
    // Partner sums never exceed WORLD.
    for flow in ["export", "import"] {
        for year in ["2023", "2024"] {
            let world = totals[&("WORLD".to_string(), flow.to_string(), year.to_string())];
            let partners: f64 = totals
                .iter()
                .filter(|((p, f, y), _)| p != "WORLD" && f == flow && y == year)
                .map(|(_, v)| v)
                .sum();
            assert!(
                partners <= world + 0.5,
                "{flow} {year}: partners {partners} > WORLD {world}"
            );
        }
    }
    // CN chapters: the first two digits of the CN8 codes, summed straight from the raw file.
    let text = std::fs::read_to_string(&extract).unwrap();
    let mut expected_chapters: BTreeMap<(String, String, String, String), f64> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] == "BE" && f[7] == "VALUE_IN_EUROS" && f[5] != "TOTAL" {
            let flow = if f[6] == "2" { "export" } else { "import" };
            *expected_chapters
                .entry((
                    f[4].to_string(),
                    flow.to_string(),
                    f[8][..4].to_string(),
                    f[5][..2].to_string(),
                ))
                .or_default() += f[9].parse::<f64>().unwrap();
        }
    }
    let mut chapters = BTreeMap::new();
    for line in String::from_utf8(first.0.clone()).unwrap().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[4].len() == 2 && f[4].bytes().all(|b| b.is_ascii_digit()) && f[3].len() == 4 {
            chapters.insert(
                (
                    f[1].to_string(),
                    f[2].to_string(),
                    f[3].to_string(),
                    f[4].to_string(),
                ),
                f[5].parse::<f64>().unwrap(),
            );
        }
    }
    assert_eq!(chapters.len(), expected_chapters.len());
    for (key, value) in &expected_chapters {
        assert!((chapters[key] - value).abs() < 0.5, "{key:?}");
    }

    let meta_text = String::from_utf8(first.1.clone()).unwrap();
    assert!(
        meta_text.contains("classification: [hs-section, cn-chapter]"),
        "{meta_text}"
    );
    assert!(
        meta_text.contains("18 CN8 products (chapters 32, 35, 39, 48, 85)"),
        "{meta_text}"
    );
    assert!(meta_text.contains("last_update: 2026-02-13"), "{meta_text}");

    // Importing the same file again changes nothing.
    let again = marketbrief(
        project.path(),
        &["import", "comext", extract.to_str().unwrap()],
    );
    assert!(again.contains("0 rows to add, 0 to change"), "{again}");
    assert_eq!(
        (std::fs::read(&csv).unwrap(), std::fs::read(&meta).unwrap()),
        first
    );

    // A file in another layout is refused.
    let other = project.path().join("other.csv");
    std::fs::write(&other, "a;b;c\n1;2;3\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["import", "comext", other.to_str().unwrap(), "--project"])
        .arg(project.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not a Eurostat Comext SDMX-CSV file")
    );
}

#[test]
fn draft_brief_for_germany_from_imported_data() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let extract = comext_extract();
    marketbrief(
        project.path(),
        &["import", "comext", extract.to_str().unwrap()],
    );
    marketbrief(project.path(), &["new", "de"]);
    let profile = std::fs::read_to_string(project.path().join("data/profiles/de.yaml")).unwrap();
    assert!(
        profile.contains(r#"Headings say "en Allemagne" / "in Duitsland" / "in Germany""#),
        "{profile}"
    );
    let out = tempfile::tempdir().unwrap();
    let args = BuildArgs {
        out: Some(out.path().to_path_buf()),
        countries: vec!["de".into()],
        draft: true,
        ..BuildArgs::for_project(project.path())
    };
    let mut log = Vec::new();
    assert_eq!(
        build::run(&args, &mut log, &mut Vec::new()).unwrap(),
        Outcome::Success
    );

    let exports = expected_totals()[&("DE".to_string(), "export".to_string(), "2024".to_string())];
    let catalogues = marketbrief::assets::Assets::embedded();
    for (lang, draft, partial, chapter, share, why) in [
        (
            Lang::Fr,
            "BROUILLON",
            "couverture partielle",
            "39 Matières plastiques et ouvrages en ces matières 28",
            "Part des produits couverts ‡",
            "Pourquoi faire des affaires en Allemagne ?",
        ),
        (
            Lang::Nl,
            "ONTWERP",
            "gedeeltelijke productdekking",
            "39 Kunststof en werken daarvan 28",
            "Aandeel in de gedekte producten ‡",
            "Waarom zakendoen in Duitsland?",
        ),
        (
            Lang::En,
            "DRAFT",
            "partial product coverage",
            "39 Plastics and articles thereof 28",
            "Share of covered products ‡",
            "Why do business in Germany?",
        ),
    ] {
        let fmt =
            marketbrief::i18n::format::LocaleFormatter::new(&catalogues.catalogue(lang).unwrap())
                .unwrap();
        let expected = fmt.money(exports).unwrap().full().replace('\u{A0}', " ");
        let bytes = std::fs::read(out.path().join(format!("2025-Q3/de-{lang}.pdf"))).unwrap();
        let text = pdf_extract::extract_text_from_mem(&bytes)
            .unwrap()
            .replace(['\u{A0}', '\u{202F}'], " ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(&expected),
            "{lang}: `{expected}` not in {text}"
        );
        assert!(text.contains(draft), "{lang}: no draft mark");
        assert!(
            text.contains(partial),
            "{lang}: the partial total is not marked as such"
        );
        // The CN chapter table: largest chapter first, its label in the brief's language,
        // shares said to be of the covered products only.
        assert!(text.contains(chapter), "{lang}: `{chapter}` not in {text}");
        assert!(text.contains(share), "{lang}: `{share}` not in {text}");
        assert!(text.contains(why), "{lang}: `{why}` not in {text}");
    }
}

/// The rows of a dataset CSV, as `partner,flow,period,product` → value.
fn dataset_rows(path: &Path) -> BTreeMap<String, f64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                format!("{},{},{},{}", f[1], f[2], f[3], f[4]),
                f[5].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn csv_extracts_in_other_shapes_import_through_a_mapping() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    for (shape, expected, absent) in [
        (
            "generic",
            vec![
                ("CA,export,2023,VI", 1234567.5),
                ("CA,export,2024,VI", 2000000.0),
                ("CA,import,2024,TOTAL", 24000000.0),
            ],
            vec![],
        ),
        (
            // The file covers all four quarters of 2024, in thousands: the year is complete,
            // and a product with no row in a quarter had no trade then.
            "nbb",
            vec![
                ("CA,export,2024-Q1,VI", 1234500.0),
                ("CA,export,2024,VI", 5000000.0),
                ("CA,export,2024-Q1,XVI", 10000.0),
                ("CA,export,2024,XVI", 10000.0),
            ],
            vec![],
        ),
        (
            // Twelve months make quarters and a year.
            "ibsa",
            vec![
                ("MX,export,2024,VI", 12006.0),
                ("MX,export,2024-Q2,VI", 3001.5),
                ("MX,export,2024-Q1,XVI", 6000.0),
            ],
            vec!["MX,export,2024-Q2,XVI"],
        ),
    ] {
        let csv = fixtures.join(format!("{shape}.csv"));
        let mapping = fixtures.join(format!("{shape}.yaml"));
        let dataset = format!("test-{shape}");
        let args = [
            "import",
            "csv",
            csv.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
            "--dataset",
            &dataset,
        ];
        let report = marketbrief(project.path(), &args);
        let rows = dataset_rows(&project.path().join(format!("data/datasets/{dataset}.csv")));
        for (key, value) in expected {
            assert_eq!(
                rows.get(key),
                Some(&value),
                "{shape}: {key} in {rows:?}\n{report}"
            );
        }
        for key in absent {
            assert!(
                !rows.contains_key(key),
                "{shape}: {key} should not be there"
            );
        }
        // Again: nothing changes.
        let again = marketbrief(project.path(), &args);
        assert!(
            again.contains("0 rows to add, 0 to change"),
            "{shape}: {again}"
        );
    }
    // A year whose months are not all in the file is partial: no annual row.
    let partial = fixtures.join("partial.csv");
    let generic = std::fs::read_to_string(fixtures.join("generic.yaml"))
        .unwrap()
        .replace("period: Year", "period: Month");
    let mapping = project.path().join("partial.yaml");
    std::fs::write(&mapping, generic).unwrap();
    marketbrief(
        project.path(),
        &[
            "import",
            "csv",
            partial.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
            "--dataset",
            "test-partial",
        ],
    );
    let rows = dataset_rows(&project.path().join("data/datasets/test-partial.csv"));
    assert_eq!(rows.get("CA,export,2025-Q1,VI"), Some(&300.0), "{rows:?}");
    assert!(!rows.contains_key("CA,export,2025,VI"), "{rows:?}");
    assert!(!rows.keys().any(|k| k.contains("2025-Q2")), "{rows:?}");

    // Unknown flows and unreadable values are skipped, and said so.
    let report = marketbrief(
        project.path(),
        &[
            "import",
            "csv",
            fixtures.join("nbb.csv").to_str().unwrap(),
            "--mapping",
            fixtures.join("nbb.yaml").to_str().unwrap(),
            "--dataset",
            "test-nbb",
            "--dry-run",
        ],
    );
    assert!(report.contains("skipped 1 rows: no value"), "{report}");
    assert!(report.contains("dry run: nothing written"), "{report}");
    // The imported datasets are valid inputs.
    marketbrief(project.path(), &["check"]);
}

#[test]
fn a_partial_year_gives_year_to_date_figures_only() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    // 2024 complete, 2025 until November: EUR 1 million a month, then 1.1 million.
    let mut csv = String::from(
        "DATAFLOW,LAST UPDATE,freq,reporter,partner,product,flow,indicators,TIME_PERIOD,OBS_VALUE\n",
    );
    for (year, months, value) in [(2024, 12, 1_000_000.0), (2025, 11, 1_100_000.0)] {
        for m in 1..=months {
            csv.push_str(&format!(
                "ESTAT:DS-045409(1.0),13/12/25 11:00:00,M,BE,DE,32121000,2,VALUE_IN_EUROS,{year}-{m:02},{value}\n"
            ));
        }
    }
    let file = project.path().join("extract.csv");
    std::fs::write(&file, csv).unwrap();
    let report = marketbrief(
        project.path(),
        &["import", "comext", file.to_str().unwrap()],
    );
    assert!(
        report.contains("2025: partial (11 months): no annual figure"),
        "{report}"
    );
    marketbrief(project.path(), &["new", "de"]);
    marketbrief(project.path(), &["build", "--draft", "--country", "de"]);
    let en = common::pdf_text(&project.path().join("output/2025-Q3/de-en.pdf"));
    assert!(en.contains("Key figures 2024"), "{en}");
    assert!(en.contains("EUR 12 million"), "the 2024 total: {en}");
    assert!(
        en.contains(
            "Goods exports of Belgium, Jan–Nov 2025: EUR 12.1 million (+10% on Jan–Nov 2024)"
        ),
        "{en}"
    );
    let fr = common::pdf_text(&project.path().join("output/2025-Q3/de-fr.pdf"));
    assert!(
        fr.contains(
            "janv.–nov. 2025 : 12,1 millions d’euros (+10 % par rapport à janv.–nov. 2024)"
        ),
        "{fr}"
    );
}
