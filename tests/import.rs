//! Real data in: the Eurostat Comext extract (tests/fixtures/comext) imported, checked against sums made
//! independently from the raw file, then a draft brief for a new country built from it.

mod common;

use common::{copy_project, marketbrief, marketbrief_fails};
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use marketbrief::i18n::Lang;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn comext_extract() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/comext/ds045409_BE_2023_2024.csv")
}

/// The months of each (partner, flow, year) of reporter BE in the raw file.
fn raw_months() -> BTreeMap<(String, String, String), std::collections::BTreeSet<String>> {
    let text = std::fs::read_to_string(comext_extract())
        .expect("the Comext extract in tests/fixtures/comext");
    let mut months: BTreeMap<_, std::collections::BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] != "BE" || f[7] != "VALUE_IN_EUROS" {
            continue;
        }
        let flow = if f[6] == "2" { "export" } else { "import" };
        months
            .entry((f[4].to_string(), flow.to_string(), f[8][..4].to_string()))
            .or_default()
            .insert(f[8].to_string());
    }
    months
}

/// Yearly export and import values of reporter BE by (partner, flow, year), summed straight
/// from the raw file, for the years the file covers completely for that partner and flow —
/// or for its group: every month of 2023 and 2024 is released in this extract for intra-EU
/// and extra-EU partners alike, so a country's month without a row is a month of zero trade
/// (Comext omits zeros), and every country's year is complete.
fn expected_totals() -> BTreeMap<(String, String, String), f64> {
    let text = std::fs::read_to_string(comext_extract())
        .expect("the Comext extract in tests/fixtures/comext");
    let complete = raw_months();
    let mut sums = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] != "BE" || f[7] != "VALUE_IN_EUROS" {
            continue;
        }
        let flow = if f[6] == "2" { "export" } else { "import" };
        let key = (f[4].to_string(), flow.to_string(), f[8][..4].to_string());
        let country = f[4].len() == 2;
        if country || complete[&key].len() == 12 {
            *sums.entry(key).or_insert(0.0) += f[9].parse::<f64>().unwrap();
        }
    }
    // A country with no row at all in a flow and year traded nothing in these products.
    let countries: std::collections::BTreeSet<String> = complete
        .keys()
        .map(|(partner, _, _)| partner.clone())
        .filter(|p| p.len() == 2)
        .collect();
    for partner in countries {
        for flow in ["export", "import"] {
            for year in ["2023", "2024"] {
                sums.entry((partner.clone(), flow.to_string(), year.to_string()))
                    .or_insert(0.0);
            }
        }
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
    // Small partners with months without trade in these products (Malta, Cyprus…) have
    // their annual figure: those months were released for their group, and Comext omits
    // zeros (issue 22.3; before, they had none).
    let months = raw_months();
    let gaps: Vec<_> = months.iter().filter(|(_, m)| m.len() < 12).collect();
    assert!(!gaps.is_empty());
    for (key, _) in gaps {
        assert!(totals.contains_key(key), "{key:?} has no annual row");
    }
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
        let flow = if f[6] == "2" { "export" } else { "import" };
        if f[3] == "BE"
            && f[7] == "VALUE_IN_EUROS"
            && f[5] != "TOTAL"
            // A country's year is complete (its months without rows are zero trade).
            && (f[4].len() == 2
                || months[&(f[4].to_string(), flow.to_string(), f[8][..4].to_string())].len() == 12)
        {
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
    // Issue 22.3: the coverage is data, the list of the products the extract covers.
    let parsed: serde_yaml::Value = serde_yaml::from_str(&meta_text).unwrap();
    let covered: Vec<&str> = parsed["coverage"]
        .as_sequence()
        .unwrap_or_else(|| panic!("no coverage list in {meta_text}"))
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(covered.len(), 18, "{meta_text}");
    assert!(covered.contains(&"32121000") && covered.iter().all(|p| p.len() == 8));
    let chapters: BTreeSet<&str> = covered.iter().map(|p| &p[..2]).collect();
    assert_eq!(
        chapters.into_iter().collect::<Vec<_>>(),
        ["32", "35", "39", "48", "85"]
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

    // The covered products' total (EUR 43.9 million in 2024) is no key figure: a total of 18
    // CN8 codes beside a region's total would read as Belgium's exports to Germany (issue
    // 22.3). It shows only in the chapter table, whose shares say they are of the covered
    // products.
    let exports = expected_totals()[&("DE".to_string(), "export".to_string(), "2024".to_string())];
    let catalogues = marketbrief::assets::Assets::embedded();
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("2025-Q3/figures.json")).unwrap(),
    )
    .unwrap();
    for lang in ["fr", "nl", "en"] {
        let figures = record["briefs"][format!("de-{lang}")]["figures"]
            .as_array()
            .unwrap();
        assert!(
            !figures
                .iter()
                .any(|f| f["id"].as_str().unwrap().starts_with("key/national")),
            "{lang}: a key figure from the covered products' total"
        );
    }
    for (lang, draft, partial, chapter, share, why) in [
        (
            Lang::Fr,
            "BROUILLON",
            "produits couverts seulement",
            "39 Matières plastiques et ouvrages en ces matières 28",
            "Part des produits couverts ‡",
            "Pourquoi faire des affaires en Allemagne ?",
        ),
        (
            Lang::Nl,
            "ONTWERP",
            "alleen gedekte producten",
            "39 Kunststof en werken daarvan 28",
            "Aandeel in de gedekte producten ‡",
            "Waarom zakendoen in Duitsland?",
        ),
        (
            Lang::En,
            "DRAFT",
            "covered products only",
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
        let text = common::pdf_bytes_text(&bytes);
        assert!(
            !text.contains(&expected),
            "{lang}: the covered products' total `{expected}` is printed: {text}"
        );
        assert!(text.contains(draft), "{lang}: no draft mark");
        assert!(
            !text.contains(partial),
            "{lang}: a card of the covered products' total"
        );
        // The CN chapter table: largest chapter first, its label in the brief's language,
        // shares said to be of the covered products only.
        assert!(text.contains(chapter), "{lang}: `{chapter}` not in {text}");
        assert!(text.contains(share), "{lang}: `{share}` not in {text}");
        assert!(text.contains(why), "{lang}: `{why}` not in {text}");
        // The table's title says what it covers; the sources say which products.
        let (covered, sources) = match lang {
            Lang::Fr => (
                "(18 produits couverts)",
                "18 produits NC8 (chapitres 32, 35, 39, 48, 85)",
            ),
            Lang::Nl => (
                "(18 gedekte producten)",
                "18 GN8-producten (hoofdstukken 32, 35, 39, 48, 85)",
            ),
            _ => (
                "(18 products covered)",
                "18 CN8 products (chapters 32, 35, 39, 48, 85)",
            ),
        };
        for needle in [covered, sources] {
            assert!(
                common::squash(&text).contains(&common::squash(needle)),
                "{lang}: `{needle}` not in {text}"
            );
        }
    }
}

/// The imported extract taken as if it held every product: its metadata without
/// `coverage`. For the tests of months and years, which are not about products — a total
/// over some products is never a key figure (issue 22.3), so with its coverage said the
/// extract would give no card to check.
fn as_if_every_product(project: &Path) {
    let path = project.join("data/datasets/comext-goods.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut inside = false;
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| {
            if line.starts_with("coverage:") {
                inside = true;
            } else if !line.starts_with("  ") {
                inside = false;
            }
            !inside
        })
        .collect();
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    assert!(!std::fs::read_to_string(&path).unwrap().contains("coverage"));
}

/// A copy of the sample project with the whole Comext extract imported.
fn project_with_comext() -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    marketbrief(
        project.path(),
        &["import", "comext", comext_extract().to_str().unwrap()],
    );
    project
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
    assert!(
        report.contains("skipped 1 row: no value, at line 7"),
        "{report}"
    );
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
        report.contains("2025: January–November for 1 partner (DE)"),
        "{report}"
    );
    as_if_every_product(project.path());
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
    // Compared without spaces: a line may break after the dash ("janv.–/nov.").
    assert!(
        common::squash(&fr).contains(&common::squash(
            "janv.–nov. 2025 : 12,1 millions d’euros (+10 % par rapport à janv.–nov. 2024)"
        )),
        "{fr}"
    );
}

/// The extract as Eurostat publishes it before intra-EU December is out: every EU member
/// state stops at November 2024 (Eurostat releases intra-EU trade for all members at once,
/// extra-EU trade apart); China and the world keep all of 2024. (Cutting only some members
/// would describe an extract Eurostat does not publish: a month released for the group with
/// no row for a partner is that partner's zero trade.)
fn extract_with_partial_partners(to: &Path) -> PathBuf {
    let text = std::fs::read_to_string(comext_extract()).unwrap();
    let mut out = String::new();
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let intra_eu = f
            .get(4)
            .is_some_and(|p| marketbrief::import::EU27.contains(p));
        if n > 0 && intra_eu && f[8] == "2024-12" {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    let path = to.join("extract-partial.csv");
    std::fs::write(&path, out).unwrap();
    path
}
/// The groups of one year's coverage line of an import report: description → partners.
fn coverage_groups(report: &str, year: &str) -> BTreeMap<String, Vec<String>> {
    let line = report
        .lines()
        .find(|l| l.starts_with(&format!("{year}: ")))
        .unwrap_or_else(|| panic!("no coverage line for {year} in {report}"));
    line[year.len() + 2..]
        .split("; ")
        .map(|group| {
            let (what, partners) = group.split_once(" (").unwrap();
            let description = what.split(" for ").next().unwrap().to_string();
            let partners = partners
                .trim_end_matches(')')
                .split(", ")
                .map(str::to_string)
                .collect();
            (description, partners)
        })
        .collect()
}

#[test]
fn partners_with_months_missing_get_no_annual_figure_and_their_briefs_say_so() {
    let full = project_with_comext();
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let extract = extract_with_partial_partners(project.path());
    let dry = marketbrief(
        project.path(),
        &["import", "comext", extract.to_str().unwrap(), "--dry-run"],
    );
    let report = marketbrief(
        project.path(),
        &["import", "comext", extract.to_str().unwrap()],
    );

    // The report says which partners are complete and which are not, the dry run too.
    for report in [&dry, &report] {
        let groups = coverage_groups(report, "2024");
        assert!(groups["complete"].contains(&"CN".to_string()), "{report}");
        for partner in ["DE", "FR", "NL", "IT", "MT"] {
            assert!(
                groups["January–November"].contains(&partner.to_string()),
                "{partner}: {report}"
            );
        }
        assert!(
            report.contains(
                "a partner's year gets an annual figure only once the dataset holds all its months"
            ),
            "{report}"
        );
    }

    // Per-partner annual rows: none for 2024 where months are missing; every complete
    // partner's rows exactly as imported from the whole file.
    let rows = dataset_rows(&project.path().join("data/datasets/comext-goods.csv"));
    let whole = dataset_rows(&full.path().join("data/datasets/comext-goods.csv"));
    let late = marketbrief::import::EU27;
    for partner in ["DE", "FR", "NL", "IT"] {
        for flow in ["export", "import"] {
            assert!(
                !rows.contains_key(&format!("{partner},{flow},2024,TOTAL")),
                "{partner} {flow} has an annual 2024 row"
            );
            assert!(!rows.contains_key(&format!("{partner},{flow},2024-Q4,TOTAL")));
            assert_eq!(
                rows[&format!("{partner},{flow},2023,TOTAL")],
                whole[&format!("{partner},{flow},2023,TOTAL")]
            );
        }
    }
    assert!(rows.contains_key("DE,export,2024-Q3,TOTAL"));
    assert!(rows.contains_key("DE,export,2024-11,TOTAL"));
    assert!(rows.contains_key("CN,export,2024,TOTAL"));
    let complete = |map: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
        map.iter()
            .filter(|(k, _)| !late.iter().any(|p| k.starts_with(&format!("{p},"))))
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    };
    assert_eq!(complete(&rows), complete(&whole));

    // Germany's brief: the key figure is 2023's, said so on its card; Jan–Nov 2024 is year to
    // date against Jan–Nov 2023; the chapter table holds 2023. The eleven months are never
    // printed as "2024".
    as_if_every_product(project.path());
    marketbrief(project.path(), &["new", "de"]);
    marketbrief(project.path(), &["build", "--draft", "--country", "de"]);
    let raw = std::fs::read_to_string(comext_extract()).unwrap();
    let sum = |from: &str, to: &str| -> f64 {
        raw.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[3] == "BE" && f[4] == "DE" && f[6] == "2" && f[7] == "VALUE_IN_EUROS")
            .filter(|f| f[8] >= from && f[8] <= to)
            .map(|f| f[9].parse::<f64>().unwrap())
            .sum()
    };
    let (year_2023, ytd_2024, ytd_2023) = (
        sum("2023-01", "2023-12"),
        sum("2024-01", "2024-11"),
        sum("2023-01", "2023-11"),
    );
    // The record says the same: the national figure is 2023's, the months are year to date.
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.path().join("output/2025-Q3/figures.json")).unwrap(),
    )
    .unwrap();
    let figures = record["briefs"]["de-en"]["figures"].as_array().unwrap();
    let by_id = |id: &str| {
        figures
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {figures:?}"))
    };
    let national = by_id("key/national_goods_exports");
    assert_eq!(national["period"], "2023");
    assert!((national["value"].as_f64().unwrap() - year_2023).abs() < 0.5);
    let ytd = by_id("ytd/national_goods_exports");
    assert_eq!(ytd["period"], "2024-01..2024-11");
    assert_eq!(ytd["base"]["period"], "2023-01..2023-11");
    assert!((ytd["value"].as_f64().unwrap() - ytd_2024).abs() < 0.5);
    assert!(
        !figures
            .iter()
            .any(|f| f["id"].as_str().unwrap().starts_with("chapters/") && f["period"] != "2023"),
        "{figures:?}"
    );
    let catalogues = marketbrief::assets::Assets::embedded();
    for (lang, heading, ytd, chapters) in [
        (
            Lang::Fr,
            "Chiffres clés 2024",
            "janv.–nov. 2024",
            "Belgique – Allemagne, 2023",
        ),
        (
            Lang::Nl,
            "Kerncijfers 2024",
            "jan.–nov. 2024",
            "België – Duitsland, 2023",
        ),
        (
            Lang::En,
            "Key figures 2024",
            "Jan–Nov 2024",
            "Belgium – Germany, 2023",
        ),
    ] {
        let fmt =
            marketbrief::i18n::format::LocaleFormatter::new(&catalogues.catalogue(lang).unwrap())
                .unwrap();
        let money = |v: f64| fmt.money(v).unwrap().full().replace('\u{A0}', " ");
        let text = common::pdf_text(&project.path().join(format!("output/2025-Q3/de-{lang}.pdf")));
        let squashed = common::squash(&text);
        // The heading's year is shown by the region's card below it.
        assert!(text.contains(heading), "{lang}: {text}");
        // The card names its own year, before its amount.
        let card = format!("2023{}", money(year_2023).replace(' ', ""));
        assert!(
            squashed.contains(&common::squash(&card)),
            "{lang}: no `{card}` in {text}"
        );
        assert!(text.contains(ytd), "{lang}: no `{ytd}` in {text}");
        assert!(
            text.contains(&money(ytd_2024)),
            "{lang}: the year to date {} is not in {text}",
            money(ytd_2024)
        );
        assert!(
            text.contains(
                &fmt.percent_change(ytd_2024 / ytd_2023 - 1.0)
                    .unwrap()
                    .replace(['\u{A0}', '\u{202F}'], " ")
            ),
            "{lang}: {text}"
        );
        assert!(
            squashed.contains(&common::squash(chapters)),
            "{lang}: chapter table not of 2023: {text}"
        );
    }
}

#[test]
fn diff_reports_a_change_in_the_chapter_table() {
    let project = project_with_comext();
    marketbrief(project.path(), &["new", "de"]);
    let build = |edition| {
        marketbrief(
            project.path(),
            &[
                "build",
                "--draft",
                "--edition",
                edition,
                "--country",
                "de",
                "--lang",
                "en",
            ],
        )
    };
    build("2025-Q2");
    // Plastics (chapter 39, section VII) revised down by EUR 1 million; the total with it.
    let csv = project.path().join("data/datasets/comext-goods.csv");
    let rows: Vec<String> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            if f[1] == "DE"
                && f[2] == "export"
                && f[3] == "2024"
                && ["39", "VII", "TOTAL"].contains(&f[4])
            {
                let value: f64 = f[5].parse().unwrap();
                format!(
                    "{},{},{},{},{},{},{}",
                    f[0],
                    f[1],
                    f[2],
                    f[3],
                    f[4],
                    value - 1e6,
                    f[6]
                )
            } else {
                line.to_string()
            }
        })
        .collect();
    std::fs::write(&csv, rows.join("\n") + "\n").unwrap();
    // An edit by hand: the import's record of its CSV goes, as the error would ask.
    let meta = project.path().join("data/datasets/comext-goods.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("csv_sha256:"))
        .collect();
    std::fs::write(&meta, kept.join("\n") + "\n").unwrap();
    build("2025-Q3");
    let report = marketbrief(
        project.path(),
        &[
            "diff", "2025-Q2", "2025-Q3", "--format", "csv", "--lang", "en",
        ],
    );
    // Without the last five columns (the values as numbers, their unit and periods).
    let lines: Vec<&str> = report
        .lines()
        .skip(1)
        .map(|l| l.rsplitn(6, ',').last().unwrap())
        .collect();
    // Exactly what a reader sees change: the chapter's value and the shares whose printed
    // percentage moved (plastics down, paper up); shares that print the same are not
    // reported, and the region's figures did not move. The covered products' total is no
    // key figure (issue 22.3): no card to revise.
    assert_eq!(
        lines,
        [
            "DE,revision,\"chapter table: Plastics and articles thereof, 2024 revised\",EUR\u{A0}28\u{A0}million,EUR\u{A0}27\u{A0}million,\u{2212}3.6%",
            "DE,revision,\"chapter table: Plastics and articles thereof (Share of covered products), 2024 revised\",64%,63%,",
            "DE,revision,\"chapter table: Paper and paperboard; articles of paper pulp, of paper or of paperboard (Share of covered products), 2024 revised\",34%,35%,",
        ],
        "{report}"
    );
}

#[test]
fn an_existing_dataset_that_cannot_be_read_stops_the_import_and_is_kept() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let dataset = project.path().join("data/datasets/comext-goods.csv");
    let mut bytes = b"reporter,partner,flow,period,product,value_eur,status\n".to_vec();
    for year in 2015..2020 {
        bytes.extend(format!("BE,DE,export,{year},TOTAL,100,reported\n").bytes());
    }
    bytes.extend(b"BE,DE,export,2020,TOTAL,10\xff0,reported\n");
    std::fs::write(&dataset, &bytes).unwrap();
    let stderr = marketbrief_fails(
        project.path(),
        &["import", "comext", comext_extract().to_str().unwrap()],
    );
    assert!(
        stderr.contains("comext-goods.csv:7: the existing dataset is not UTF-8"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&dataset).unwrap(),
        bytes,
        "the dataset was rewritten"
    );
}

#[test]
fn two_extracts_of_half_a_year_make_the_year_and_an_older_extract_is_refused() {
    let whole = project_with_comext();
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let text = std::fs::read_to_string(comext_extract()).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let part = |name: &str, keep: &dyn Fn(&str) -> bool, update: Option<&str>| {
        let mut out = format!("{header}\n");
        for line in body.lines().filter(|l| keep(l.split(',').nth(8).unwrap())) {
            match update {
                Some(date) => {
                    let f: Vec<&str> = line.split(',').collect();
                    out.push_str(&format!("{},{date},{}\n", f[0], f[2..].join(",")));
                }
                None => out.push_str(&format!("{line}\n")),
            }
        }
        let path = project.path().join(name);
        std::fs::write(&path, out).unwrap();
        path
    };
    let first = part("first.csv", &|p| p < "2024-07", None);
    let second = part("second.csv", &|p| p >= "2024-07", None);
    marketbrief(
        project.path(),
        &["import", "comext", first.to_str().unwrap()],
    );
    let report = marketbrief(
        project.path(),
        &["import", "comext", second.to_str().unwrap()],
    );
    assert!(
        report.contains("2024: 6 months (July–December)"),
        "{report}"
    );
    let dataset = project.path().join("data/datasets/comext-goods.csv");
    let rows = dataset_rows(&dataset);
    let expected = dataset_rows(&whole.path().join("data/datasets/comext-goods.csv"));
    assert_eq!(
        rows["DE,export,2024,TOTAL"],
        expected["DE,export,2024,TOTAL"]
    );
    assert_eq!(
        rows.len(),
        expected.len(),
        "the same rows as one import of the whole file"
    );

    // An extract last updated before the data already there is refused: nothing changes.
    let before = std::fs::read(&dataset).unwrap();
    let older = part("older.csv", &|p| p < "2024-07", Some("01/01/26 09:00:00"));
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["import", "comext", older.to_str().unwrap(), "--project"])
        .arg(project.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the extract was last updated on 2026-01-01, before the data already in"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&dataset).unwrap(), before);

    // An older extract of other years only adds them; the dataset keeps its date.
    let history = project.path().join("history.csv");
    let shifted: String = std::fs::read_to_string(&older)
        .unwrap()
        .lines()
        .map(|l| l.replace(",2023-", ",2021-").replace(",2024-", ",2022-") + "\n")
        .collect();
    std::fs::write(&history, shifted).unwrap();
    marketbrief(
        project.path(),
        &["import", "comext", history.to_str().unwrap()],
    );
    let rows = dataset_rows(&dataset);
    assert!(
        rows.contains_key("DE,export,2021-03,TOTAL"),
        "history added"
    );
    assert_eq!(
        rows["DE,export,2024,TOTAL"],
        expected["DE,export,2024,TOTAL"]
    );
    let meta =
        std::fs::read_to_string(project.path().join("data/datasets/comext-goods.yaml")).unwrap();
    assert!(meta.contains("last_update: 2026-02-13"), "{meta}");
}

#[test]
fn an_import_never_writes_a_dataset_that_does_not_load() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let run = |mapping: &Path, dataset: &str| {
        Command::new(env!("CARGO_BIN_EXE_marketbrief"))
            .args(["import", "csv"])
            .arg(fixtures.join("generic.csv"))
            .arg("--mapping")
            .arg(mapping)
            .args(["--dataset", dataset, "--project"])
            .arg(project.path())
            .output()
            .unwrap()
    };
    let generic = std::fs::read_to_string(fixtures.join("generic.yaml")).unwrap();
    for (what, mapping_text, expected) in [
        (
            "a status that does not exist",
            // Refused with the mapping now (the status is typed), at its line.
            generic.replace("status: illustrative", "status: bogus"),
            "field `status`: unknown value `bogus`, expected one of `reported`, `published`, `derived`, `illustrative`",
        ),
        (
            "a negative unit",
            // Refused with the mapping now, at its line, before any row is read.
            format!("{generic}unit: -1000\n"),
            "field `unit`: expected what one unit of the file's values is worth in euros, a number above 0",
        ),
    ] {
        let mapping = project.path().join("mapping.yaml");
        std::fs::write(&mapping, mapping_text).unwrap();
        let output = run(&mapping, "test-bad");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{what}");
        assert!(
            stderr.contains("nothing was written") || stderr.contains("mapping.yaml:"),
            "{what}: {stderr}"
        );
        assert!(stderr.contains(expected), "{what}: {stderr}");
        assert!(
            !project.path().join("data/datasets/test-bad.csv").exists(),
            "{what}"
        );
    }
    // A dataset whose metadata was written by hand is not rewritten by an import.
    let meta = project.path().join("data/datasets/bru-goods.yaml");
    let before = std::fs::read(&meta).unwrap();
    let output = run(&fixtures.join("generic.yaml"), "bru-goods");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("was not written by an import"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read(&meta).unwrap(), before);
}

#[test]
fn an_observation_given_twice_in_an_extract_stops_the_import() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let raw = std::fs::read_to_string(comext_extract()).unwrap();
    let mut lines: Vec<&str> = raw.lines().collect();
    let value_line = lines
        .iter()
        .position(|l| l.contains(",VALUE_IN_EUROS,"))
        .unwrap();
    let repeated = lines[value_line];
    lines.push(repeated);
    let extract = project.path().join("repeated.csv");
    std::fs::write(&extract, lines.join("\n") + "\n").unwrap();
    let stderr = marketbrief_fails(
        project.path(),
        &["import", "comext", extract.to_str().unwrap()],
    );
    assert!(
        stderr.contains(&format!(
            "repeated.csv:{}: this line gives again the value of line {}",
            lines.len(),
            value_line + 1
        )),
        "{stderr}"
    );
    assert!(
        !project
            .path()
            .join("data/datasets/comext-goods.csv")
            .exists()
    );
}

#[test]
fn an_existing_dataset_with_a_bad_row_is_read_as_check_reads_it_and_kept() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let dataset = project.path().join("data/datasets/comext-goods.csv");
    let text = "reporter,partner,flow,period,product,value_eur,status\n\
                BE,DE,export,2020,TOTAL,100,reported\n\
                BE,DE,exprot,2021,TOTAL,100,reported\n";
    std::fs::write(&dataset, text).unwrap();
    let stderr = marketbrief_fails(
        project.path(),
        &["import", "comext", comext_extract().to_str().unwrap()],
    );
    assert!(
        stderr.contains(
            "comext-goods.csv:3: field `flow`: expected `export` or `import`, found `exprot`"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&dataset).unwrap(), text);
}

/// An import refuses what `check` would refuse in this project — a product code the
/// dataset's classification does not know — and leaves the dataset as it was.
#[test]
fn an_import_never_writes_what_check_refuses() {
    let project = tempfile::tempdir().unwrap();
    common::copy_project(project.path());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mapping = fixtures.join("generic.yaml");
    let good = fixtures.join("generic.csv");
    common::marketbrief(
        project.path(),
        &[
            "import",
            "csv",
            good.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
            "--dataset",
            "gen",
        ],
    );
    let written = project.path().join("data/datasets/gen.csv");
    let before = std::fs::read(&written).unwrap();
    let bad = project.path().join("bad.csv");
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&bad, text.replacen(",VI,", ",XXX,", 1)).unwrap();
    let stderr = common::marketbrief_fails(
        project.path(),
        &[
            "import",
            "csv",
            bad.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
            "--dataset",
            "gen",
        ],
    );
    assert!(stderr.contains("XXX"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(std::fs::read(&written).unwrap(), before);
}

/// Skipped rows are listed by line, reason by reason, so that they can be found and
/// mended; thousands of them are listed by their first lines and counted.
#[test]
fn skipped_rows_are_listed_by_line_the_first_ones_of_thousands() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut csv = String::from("Reporter,Partner,Direction,Year,Section,Value (EUR)\n");
    // Line 2 is kept; then 3,000 rows without a value, and three of an unknown flow.
    csv.push_str("BE-BRU,CA,Exports,2024,TOTAL,100\n");
    for i in 0..3000 {
        let partner = ["CA", "MX", "US"][i % 3];
        csv.push_str(&format!("BE-BRU,{partner},Exports,2024,VI,n.d.\n"));
    }
    for year in [2021, 2022, 2023] {
        csv.push_str(&format!("BE-BRU,CA,Transit,{year},TOTAL,5\n"));
    }
    let file = project.path().join("extract.csv");
    std::fs::write(&file, csv).unwrap();
    let report = marketbrief(
        project.path(),
        &[
            "import",
            "csv",
            file.to_str().unwrap(),
            "--mapping",
            fixtures.join("generic.yaml").to_str().unwrap(),
            "--dataset",
            "test-skipped",
            "--dry-run",
        ],
    );
    assert!(report.contains("read 3004 rows"), "{report}");
    assert!(
        report.contains(
            "skipped 3000 rows: no value, at lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 2990 more"
        ),
        "{report}"
    );
    assert!(
        report.contains("skipped 3 rows: unknown flow `Transit`, at lines 3003, 3004, 3005"),
        "{report}"
    );
    assert!(report.len() < 2_000, "{report}");
}

/// Issue 26.9: two `import comext` of the two halves of the extract into one new dataset,
/// at once, both said "wrote" and about 5,900 rows of one year were missing (8 of 8 runs).
/// Imports of a dataset take its lock: the result is the whole extract's, however they
/// interleave.
#[test]
fn concurrent_imports_into_one_dataset_lose_no_row() {
    let whole = project_with_comext();
    let expected = dataset_rows(&whole.path().join("data/datasets/comext-goods.csv"));
    let text = std::fs::read_to_string(comext_extract()).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    for _ in 0..3 {
        let project = tempfile::tempdir().unwrap();
        copy_project(project.path());
        let halves: Vec<PathBuf> = ["2023", "2024"]
            .iter()
            .map(|year| {
                let mut out = format!("{header}\n");
                for line in body
                    .lines()
                    .filter(|l| l.split(',').nth(8).unwrap().starts_with(year))
                {
                    out.push_str(line);
                    out.push('\n');
                }
                let path = project.path().join(format!("{year}.csv"));
                std::fs::write(&path, out).unwrap();
                path
            })
            .collect();
        let children: Vec<_> = halves
            .iter()
            .map(|half| {
                Command::new(env!("CARGO_BIN_EXE_marketbrief"))
                    .args(["import", "comext"])
                    .arg(half)
                    .arg("--project")
                    .arg(project.path())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
        let rows = dataset_rows(&project.path().join("data/datasets/comext-goods.csv"));
        assert_eq!(rows.len(), expected.len(), "rows lost");
        assert_eq!(rows, expected);
        common::marketbrief(project.path(), &["check"]);
    }
}

/// Issue 26.10: a `kill -9` between writing a dataset's CSV and its metadata left thousands
/// of `check` errors until the import was run again. The metadata records its CSV's digest:
/// a torn pair is one error naming it, and the next import repairs it.
#[test]
fn a_dataset_torn_between_its_two_files_is_named_and_repaired_by_the_next_import() {
    let project = project_with_comext();
    let csv = project.path().join("data/datasets/comext-goods.csv");
    let meta =
        std::fs::read_to_string(project.path().join("data/datasets/comext-goods.yaml")).unwrap();
    assert!(meta.contains("csv_sha256: "), "{meta}");
    // The CSV of an import that died before writing the metadata: one row fewer.
    let text = std::fs::read_to_string(&csv).unwrap();
    let cut: Vec<&str> = text.lines().collect();
    std::fs::write(&csv, cut[..cut.len() - 1].join("\n") + "\n").unwrap();
    let err = common::marketbrief_fails(project.path(), &["check"]);
    assert!(
        err.contains("data/datasets/comext-goods.yaml:")
            && err.contains("csv_sha256")
            && err.contains("an import stopped between the two files"),
        "{err}"
    );
    marketbrief(
        project.path(),
        &["import", "comext", comext_extract().to_str().unwrap()],
    );
    common::marketbrief(project.path(), &["check"]);
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), text);
}

/// Issue 22.3: Comext omits rows of zero trade. A month released for a partner's group
/// (intra-EU partners together) with no row for a small partner is zero trade, not a month
/// still to come: Malta, Cyprus, Greece and the other partners with gaps in the extract get
/// their 2023 and 2024 annual figures, the sum of the months they have.
#[test]
fn small_partners_with_months_without_trade_get_their_annual_figures() {
    let project = project_with_comext();
    let rows = dataset_rows(&project.path().join("data/datasets/comext-goods.csv"));
    let totals = expected_totals();
    for (partner, flow, year) in [
        ("MT", "export", "2023"),
        ("MT", "export", "2024"),
        ("MT", "import", "2023"),
        ("CY", "export", "2023"),
        ("CY", "export", "2024"),
        ("GR", "import", "2024"),
        ("EE", "import", "2023"),
        ("BG", "import", "2024"),
    ] {
        let key = format!("{partner},{flow},{year},TOTAL");
        let expected = totals[&(partner.to_string(), flow.to_string(), year.to_string())];
        let got = rows
            .get(&key)
            .unwrap_or_else(|| panic!("no annual figure {key}"));
        assert!(
            (got - expected).abs() < 0.5,
            "{key}: {got} against {expected}"
        );
    }
    // A month with no row is a month of zero, as a row: Malta's 2023 imports have one month.
    let months = raw_months();
    assert_eq!(
        months[&("MT".to_string(), "import".to_string(), "2023".to_string())].len(),
        1
    );
    let zero = (1..=12)
        .map(|m| format!("MT,import,2023-{m:02},TOTAL"))
        .filter(|k| rows.get(k) == Some(&0.0))
        .count();
    assert_eq!(zero, 11);
}
