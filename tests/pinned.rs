//! The bytes of every sample PDF, pinned: the sample briefs, the mission bundle and the
//! Germany draft built from the Comext extract in tests/fixtures/comext. A refactor must leave them
//! identical; a change that alters output on purpose regenerates the pins in the same
//! commit with `MARKETBRIEF_BLESS=1 cargo test --test pinned` (and says so).

mod common;

use common::{copy_project, marketbrief, sample_project};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const PINS: &str = "tests/pinned-pdfs.sha256";

fn comext_extract() -> PathBuf {
    sample_project().join("tests/fixtures/comext/ds045409_BE_2023_2024.csv")
}

/// `name → SHA-256` of every PDF under `dir`, named from `dir`.
fn hashes(dir: &Path, prefix: &str, into: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            hashes(&path, &format!("{prefix}{name}/"), into);
        } else if name.ends_with(".pdf") {
            let bytes = std::fs::read(&path).unwrap();
            into.insert(
                format!("{prefix}{name}"),
                marketbrief::incremental::sha256(&bytes),
            );
        }
    }
}

#[test]
fn sample_pdfs_are_byte_identical_to_their_pins() {
    let mut found = BTreeMap::new();

    let samples = tempfile::tempdir().unwrap();
    let out = samples.path().to_str().unwrap();
    marketbrief(&sample_project(), &["build", "--out", out]);
    marketbrief(
        &sample_project(),
        &["bundle", "north-america", "--out", out],
    );
    hashes(samples.path(), "samples/", &mut found);

    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let extract = comext_extract();
    marketbrief(
        project.path(),
        &["import", "comext", extract.to_str().unwrap()],
    );
    marketbrief(project.path(), &["new", "de"]);
    let drafts = tempfile::tempdir().unwrap();
    let out = drafts.path().to_str().unwrap();
    marketbrief(
        project.path(),
        &["build", "--country", "de", "--draft", "--out", out],
    );
    hashes(drafts.path(), "germany-draft/", &mut found);
    assert_eq!(found.len(), 12 + 3 + 3, "{found:?}");

    let text: String = found
        .iter()
        .map(|(name, sha)| format!("{sha}  {name}\n"))
        .collect();
    let pins = sample_project().join(PINS);
    if std::env::var_os("MARKETBRIEF_BLESS").is_some() {
        std::fs::write(&pins, &text).unwrap();
        return;
    }
    let pinned = std::fs::read_to_string(&pins).unwrap_or_default();
    let changed: Vec<&str> = text
        .lines()
        .filter(|line| !pinned.lines().any(|p| p == *line))
        .collect();
    assert!(
        changed.is_empty() && pinned.lines().count() == found.len(),
        "these PDFs differ from {PINS} (regenerate the pins with MARKETBRIEF_BLESS=1 only in a commit that changes the output on purpose):\n{}",
        changed.join("\n")
    );
}

/// The text on page `page` (from 1) of a PDF.
fn page_text(doc: &lopdf::Document, page: u32) -> String {
    doc.extract_text(&[page]).unwrap_or_default()
}

#[test]
fn sample_briefs_paginate_alike_and_never_end_on_a_nearly_empty_page() {
    let out = tempfile::tempdir().unwrap();
    marketbrief(
        &sample_project(),
        &["build", "--out", out.path().to_str().unwrap()],
    );
    for country in ["ca", "jp", "mx", "us"] {
        let mut pages = Vec::new();
        for lang in ["fr", "nl", "en"] {
            let path = out.path().join(format!("2025-Q3/{country}-{lang}.pdf"));
            let doc = lopdf::Document::load(&path).unwrap();
            let count = doc.get_pages().len() as u32;
            // A last page with a few lines of sources is a sheet wasted in every handout.
            let last = page_text(&doc, count);
            let words = last.split_whitespace().count();
            assert!(
                words >= 120,
                "{country}-{lang}: page {count} holds only {words} words:\n{last}"
            );
            pages.push(count);
        }
        assert!(
            pages.iter().all(|&p| p == pages[0]),
            "{country}: the languages paginate differently: {pages:?}"
        );
    }
}
