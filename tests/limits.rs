//! Inputs far beyond any real one are refused with a short, located message instead of
//! exhausting memory or time, and no message echoes a huge input whole.

mod common;

use std::path::Path;
use std::process::Command;

/// Runs marketbrief on `project`; returns whether it succeeded and what it printed.
fn run(project: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .arg("--project")
        .arg(project)
        .env("NO_COLOR", "1")
        .output()
        .expect("marketbrief runs");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), printed)
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    dir
}

#[test]
fn a_dataset_beyond_the_size_limit_is_refused_before_it_is_read() {
    let dir = project();
    let dataset = dir.path().join("data/datasets/bru-goods.csv");
    // A sparse file: 300 MB on paper, nothing on disk.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&dataset)
        .unwrap()
        .set_len(300 * 1024 * 1024)
        .unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok);
    assert!(
        printed.contains("data/datasets/bru-goods.csv")
            && printed.contains("the file is 300.0 MB, more than the 256.0 MB"),
        "{printed}"
    );
    assert!(printed.len() < 2_000, "{} bytes printed", printed.len());
}

#[test]
fn a_huge_header_or_cell_is_quoted_cut() {
    let dir = project();
    let dataset = dir.path().join("data/datasets/bru-goods.csv");
    let text = std::fs::read_to_string(&dataset).unwrap();
    let (_, rows) = text.split_once('\n').unwrap();
    let header = "reporter".repeat(250_000);
    std::fs::write(&dataset, format!("{header}\n{rows}")).unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok);
    assert!(printed.contains("expected the header"), "{printed}");
    assert!(printed.contains("reporterreporter"), "{printed}");
    assert!(printed.len() < 2_000, "{} bytes printed", printed.len());

    // The same in a cell, with a control character shown escaped.
    let cell = format!("12\u{7}{}", "9".repeat(1_000_000));
    std::fs::write(
        &dataset,
        text.replacen(
            "BE-BRU,CA,export,2024,TOTAL,",
            &format!("BE-BRU,CA,export,2024,TOTAL,{cell}"),
            1,
        ),
    )
    .unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok);
    assert!(
        printed.contains("value_eur") && printed.contains("12\\u{7}999"),
        "{printed}"
    );
    assert!(printed.len() < 2_000, "{} bytes printed", printed.len());
}

#[test]
fn deeply_nested_yaml_is_refused_at_its_position() {
    let dir = project();
    let profile = dir.path().join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let lines = text.lines().count();
    std::fs::write(&profile, format!("{text}extra: {}\n", "[".repeat(100_000))).unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok);
    assert!(
        printed.contains(&format!("data/profiles/ca.yaml:{}:", lines + 1))
            && printed.contains("nested more than 32 levels deep"),
        "{printed}"
    );
    assert!(printed.len() < 2_000, "{} bytes printed", printed.len());
}

#[test]
fn a_profile_beyond_the_size_limit_is_refused() {
    let dir = project();
    let profile = dir.path().join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let long = "a".repeat(5 * 1024 * 1024);
    std::fs::write(&profile, format!("{text}# {long}\n")).unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok);
    assert!(
        printed.contains("data/profiles/ca.yaml") && printed.contains("more than the 4.0 MB"),
        "{printed}"
    );
}

#[test]
fn an_extract_with_a_huge_line_stops_the_import_and_writes_nothing() {
    let dir = project();
    let extract = dir.path().join("extract.csv");
    std::fs::write(&extract, "x".repeat(3 * 1024 * 1024)).unwrap();
    let dataset = dir.path().join("data/datasets/bru-goods.csv");
    let before = std::fs::read(&dataset).unwrap();
    let (ok, printed) = run(
        dir.path(),
        &[
            "import",
            "comext",
            extract.to_str().unwrap(),
            "--dataset",
            "bru-goods",
        ],
    );
    assert!(!ok);
    assert!(printed.contains("longer than 1.0 MB"), "{printed}");
    assert!(printed.len() < 2_000, "{} bytes printed", printed.len());
    assert_eq!(std::fs::read(&dataset).unwrap(), before);
}
