//! The corpus of broken inputs: each folder under tests/corpus/ holds one mistake — files
//! that replace those of the small valid project in tests/corpus/_base/ — and
//! `expected.txt`, the diagnostics `marketbrief check` must print for it.
//!
//! A case may instead hold `edit.yaml`: a file of the repository (a built-in catalogue or
//! template) copied into the project with some text replaced, so the case follows changes
//! to the built-in files.
//!
//! A case holding an empty file `deny-warnings` is checked with `--deny-warnings`: its
//! problems are warnings (the style check), which fail only then.
//!
//! After a deliberate change to the messages, regenerate the snapshots with
//! `MARKETBRIEF_BLESS=1 cargo test --test corpus` and review the diff.

mod common;

use marketbrief::cli::{CheckArgs, DiagnosticFormat};
use marketbrief::cmd::{Outcome, check};
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[derive(serde::Deserialize)]
struct Edit {
    file: String,
    from: String,
    replace: Vec<(String, String)>,
}

fn apply_edit(case: &Path, project: &Path) {
    let Ok(text) = std::fs::read_to_string(case.join("edit.yaml")) else {
        return;
    };
    let edit: Edit = serde_yaml::from_str(&text).expect("a valid edit.yaml");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut content = std::fs::read_to_string(repo.join(&edit.from)).unwrap();
    for (from, to) in &edit.replace {
        assert!(
            content.contains(from.as_str()),
            "{}: `{from}` is not in {}",
            case.display(),
            edit.from
        );
        content = content.replacen(from.as_str(), to, 1);
    }
    let target = project.join(&edit.file);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(target, content).unwrap();
}

/// Runs `check` on the base project with the case's files laid over it: stderr then
/// stdout, the project's path written `[PROJECT]`.
fn check_case(case: &Path) -> (Outcome, String) {
    let (outcome, out, err) = run_case(case, DiagnosticFormat::Human);
    (outcome, format!("{err}{out}"))
}

/// Runs `check` on a case printing in `format`: the outcome, stdout and stderr.
fn run_case(case: &Path, format: DiagnosticFormat) -> (Outcome, String, String) {
    let project = tempfile::tempdir().unwrap();
    common::copy_tree(&corpus_dir().join("_base"), project.path(), &[]);
    common::copy_tree(
        case,
        project.path(),
        &["expected.txt", "edit.yaml", "deny-warnings"],
    );
    apply_edit(case, project.path());
    let args = CheckArgs {
        fix: false,
        dry_run: false,
        project: project.path().to_path_buf(),
        langs: Vec::new(),
        recipients: None,
        // A case of warnings (the style check) fails only when they are denied.
        deny_warnings: case.join("deny-warnings").exists(),
        format,
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome = check::run(&args, &mut out, &mut err, false).expect("check runs");
    let path = project.path().display().to_string();
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes)
            .unwrap()
            .replace(&path, "[PROJECT]")
    };
    (outcome, text(out), text(err))
}

/// Every case folder, in order.
fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    cases.sort();
    cases
}

#[test]
fn base_project_is_clean() {
    let (outcome, text) = check_case(&corpus_dir().join("_base"));
    assert_eq!(outcome, Outcome::Success, "{text}");
}

#[test]
fn every_broken_input_gives_its_diagnostic() {
    let bless = std::env::var_os("MARKETBRIEF_BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 25, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (outcome, text) = check_case(case);
        if outcome != Outcome::Failure {
            failures.push(format!("{name}: check passed, expected a problem:\n{text}"));
            continue;
        }
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != text {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}\n--- found\n{text}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// What editors produce is read as written: a byte-order mark and Windows line endings in
/// every kind of input file.
#[test]
fn byte_order_marks_and_crlf_line_endings_are_accepted() {
    let project = tempfile::tempdir().unwrap();
    common::copy_tree(&corpus_dir().join("_base"), project.path(), &[]);
    for rel in [
        "marketbrief.yaml",
        "data/profiles/ca.yaml",
        "data/datasets/goods.csv",
        "data/datasets/goods.yaml",
    ] {
        let path = project.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    }
    let args = CheckArgs {
        fix: false,
        dry_run: false,
        project: project.path().to_path_buf(),
        langs: Vec::new(),
        recipients: None,
        deny_warnings: false,
        format: Default::default(),
    };
    let mut err = Vec::new();
    let outcome = check::run(&args, &mut Vec::new(), &mut err, false).unwrap();
    assert_eq!(
        outcome,
        Outcome::Success,
        "{}",
        String::from_utf8_lossy(&err)
    );
}

/// A 50 MB dataset loads, and a bad row deep inside it is reported at its line.
#[test]
fn a_fifty_megabyte_dataset_is_handled() {
    let mut csv = String::from("reporter,partner,flow,period,product,value_eur,status\n");
    let mut n = 0usize;
    // Distinct rows: months of plausible years (from 1950 up to the last update), for as
    // many two-letter partners as it takes.
    let partners = (b'A'..=b'Z')
        .flat_map(|a| (b'A'..=b'Z').map(move |b| format!("{}{}", a as char, b as char)));
    'fill: for partner in partners {
        for year in 1950..=2024 {
            for month in 1..=12 {
                for flow in ["export", "import"] {
                    for product in [
                        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
                    ] {
                        csv.push_str(&format!(
                            "BE-BRU,{partner},{flow},{year}-{month:02},{product},123456789.5,reported\n"
                        ));
                        n += 1;
                        if csv.len() > 50_000_000 {
                            break 'fill;
                        }
                    }
                }
            }
        }
    }
    csv.push_str("BE-BRU,DE,export,2024,TOTAL,lots,reported\n");
    let meta = "title: {fr: T, nl: T, en: T}\nkind: goods\nclassification: hs-section\nsource: {fr: S, nl: S, en: S}\nurl: https://example.org\nlicence: CC0\nconcept: {fr: C, nl: C, en: C}\nlast_update: 2025-07-23\nillustrative: false\n";
    let (dataset, errors) = marketbrief::dataset::Dataset::parse_lenient(
        "big",
        std::path::Path::new("big.yaml"),
        meta,
        std::path::Path::new("big.csv"),
        &csv,
    );
    assert_eq!(dataset.unwrap().observations.len(), n);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, Some(n + 2));
    assert_eq!(errors[0].field.as_deref(), Some("value_eur"));
}

/// Style warnings are reported but pass the check, unless `--deny-warnings` is given.
#[test]
fn style_warnings_never_fail_a_check_unless_denied() {
    let case = corpus_dir().join("54-style-avoided-term");
    let project = tempfile::tempdir().unwrap();
    common::copy_tree(&corpus_dir().join("_base"), project.path(), &[]);
    apply_edit(&case, project.path());
    for deny_warnings in [false, true] {
        let args = CheckArgs {
            fix: false,
            dry_run: false,
            project: project.path().to_path_buf(),
            langs: Vec::new(),
            recipients: None,
            deny_warnings,
            format: Default::default(),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let outcome = check::run(&args, &mut out, &mut err, false).unwrap();
        let (out, err) = (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        );
        assert!(
            err.contains("warning: summary.fr: write “par rapport à”"),
            "{err}"
        );
        if deny_warnings {
            assert_eq!(outcome, Outcome::Failure, "{out}");
        } else {
            assert_eq!(outcome, Outcome::Success, "{out}");
            assert!(out.contains("no errors, 1 warning"), "{out}");
        }
    }
}

/// `check --format json` prints one JSON object per problem on stdout, with its file and,
/// for every case, the line or field of at least one problem.
#[test]
fn every_case_reads_as_json_with_file_line_and_field() {
    for case in &cases() {
        let (outcome, out, err) = run_case(case, DiagnosticFormat::Json);
        assert_eq!(outcome, Outcome::Failure, "{}", case.display());
        let deny_warnings = case.join("deny-warnings").exists();
        let problems: Vec<serde_json::Value> = out
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {line}", case.display()))
            })
            .collect();
        assert!(
            !problems.is_empty(),
            "{}: no problem printed",
            case.display()
        );
        for problem in &problems {
            for key in [
                "severity", "file", "line", "column", "field", "message", "help",
            ] {
                assert!(
                    problem.get(key).is_some(),
                    "{}: no `{key}` in {problem}",
                    case.display()
                );
            }
            assert!(
                problem["file"].as_str().is_some_and(|f| !f.is_empty()),
                "{}: {problem}",
                case.display()
            );
        }
        // The same problems, at the same places, as the human output.
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        for problem in &problems {
            if let (Some(file), Some(line)) = (problem["file"].as_str(), problem["line"].as_u64()) {
                assert!(
                    expected.contains(&format!("{file}:{line}")),
                    "{}: {problem} is not at {file}:{line} in expected.txt",
                    case.display()
                );
            }
            if let Some(field) = problem["field"].as_str() {
                assert!(expected.contains(field), "{}: {problem}", case.display());
            }
        }
        // Human words go to stderr, never into the JSON stream: the count agrees.
        let summary = err.lines().last().unwrap_or_default();
        let count = summary
            .split("found ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok());
        let warnings = problems
            .iter()
            .filter(|p| p["severity"] == "warning")
            .count();
        let counted = if deny_warnings {
            problems.len()
        } else {
            problems.len() - warnings
        };
        assert_eq!(count, Some(counted), "{}: {summary}", case.display());
    }
}

/// The sample profiles set the standard a new team copies: no style warning in them.
#[test]
fn the_sample_profiles_are_free_of_style_warnings() {
    let args = CheckArgs {
        fix: false,
        dry_run: false,
        project: common::sample_project(),
        langs: Vec::new(),
        recipients: None,
        deny_warnings: false,
        format: DiagnosticFormat::Json,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let outcome = check::run(&args, &mut out, &mut err, false).unwrap();
    assert_eq!(outcome, Outcome::Success);
    let profiles: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|line| line.contains("data/profiles/"))
        .map(str::to_string)
        .collect();
    assert!(profiles.is_empty(), "{profiles:#?}");
}
