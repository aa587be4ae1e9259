//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository, which is also the sample project.
pub fn sample_project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The small valid project the broken-input corpus is laid over.
pub fn corpus_base() -> PathBuf {
    sample_project().join("tests/corpus/_base")
}

/// Copies the sample project's configuration, profiles and datasets into `to`.
pub fn copy_project(to: &Path) {
    let from = sample_project();
    std::fs::copy(from.join("marketbrief.yaml"), to.join("marketbrief.yaml")).unwrap();
    for dir in ["data/profiles", "data/datasets"] {
        std::fs::create_dir_all(to.join(dir)).unwrap();
        copy_tree(&from.join(dir), &to.join(dir), &[]);
    }
}

/// Puts a copy of one of the sample's asset files (a template, catalogue, font, reference
/// or classification file, which a project without it gets from the embedded defaults)
/// into the project at `to`, where it overrides the embedded copy; returns its path.
pub fn override_asset(to: &Path, rel: &str) -> PathBuf {
    let target = to.join(rel);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::copy(sample_project().join(rel), &target).unwrap();
    target
}

/// Copies a folder recursively, leaving out files with the given names.
pub fn copy_tree(from: &Path, to: &Path, except: &[&str]) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let target = to.join(name);
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target, except);
        } else if !except.contains(&name.to_str().unwrap()) {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Runs the marketbrief binary with `args` and `--project project`; it must succeed.
pub fn marketbrief(project: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .expect("marketbrief runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs the marketbrief binary with `args` and `--project project`; it must fail. Returns
/// what it printed on stderr.
pub fn marketbrief_fails(project: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .expect("marketbrief runs");
    assert!(
        !output.status.success(),
        "succeeded: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A PDF's text with every kind of space folded to one plain space.
///
/// pdf-extract reads a plain space where one run of text ends and the next begins (a name
/// kept whole is a run of its own: "Canada , the"); a plain space never comes before
/// `, . ; : ! ? )` nor after `(` in a brief (French spaces there are no-break ones), so
/// those are removed first.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pdf_bytes_text(&bytes)
}

/// [`pdf_text`] of a PDF in memory.
pub fn pdf_bytes_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).expect("extractable PDF text");
    let mut joined = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let before_punctuation = c == ' ' && next.is_some_and(|n| ",.;:!?)".contains(n));
        let after_parenthesis = c == ' ' && joined.ends_with('(');
        if !before_punctuation && !after_parenthesis {
            joined.push(c);
        }
    }
    joined
        .replace(['\u{A0}', '\u{202F}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text without any whitespace, soft hyphen or hyphen, so words broken across lines compare.
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{AD}' && *c != '-')
        .collect()
}

/// Decodes a PDF text string (UTF-16BE with a byte-order mark, or PDFDocEncoding/ASCII).
pub fn pdf_string(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}
