//! The architecture the docs describe, checked on the source: data flows one way between
//! the top-level modules, and only the commands use `anyhow`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Every source file with the top-level module it belongs to (`brief` for
/// `src/brief/trade.rs`), the crate root and `main.rs` left out.
fn modules() -> Vec<(String, PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(&src).unwrap();
            let first = rel.components().next()?.as_os_str().to_str()?.to_string();
            let module = first.trim_end_matches(".rs").to_string();
            if module == "lib" || module == "main" {
                return None;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            Some((module, path, text))
        })
        .collect()
}

/// The source without its `#[cfg(test)] mod tests { … }` block, which may use anything.
fn without_tests(text: &str) -> String {
    // Comments may name any module.
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = code.as_str();
    let Some(start) = text.find("#[cfg(test)]\nmod tests {") else {
        return text.to_string();
    };
    // The block ends at the first closing brace at the start of a line.
    let end = text[start..]
        .find("\n}\n")
        .map_or(text.len(), |i| start + i + 3);
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let modules = modules();
    let names: BTreeSet<&str> = modules.iter().map(|(m, _, _)| m.as_str()).collect();
    let mut uses: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (module, _, text) in &modules {
        for other in &names {
            if other != module && without_tests(text).contains(&format!("crate::{other}::")) {
                uses.entry(module).or_default().insert(other);
            }
        }
    }
    let mut pairs = Vec::new();
    for (a, used) in &uses {
        for b in used {
            if a < b && uses.get(b).is_some_and(|u| u.contains(a)) {
                pairs.push(format!("{a} ↔ {b}"));
            }
        }
    }
    assert!(
        pairs.is_empty(),
        "modules that import each other: {}",
        pairs.join(", ")
    );
}

#[test]
fn only_the_commands_use_anyhow() {
    let offenders: Vec<String> = modules()
        .into_iter()
        .filter(|(module, _, text)| module != "cmd" && without_tests(text).contains("anyhow::"))
        .map(|(_, path, _)| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "library modules returning anyhow errors (use crate::error::Error): {offenders:?}"
    );
}

/// A fresh clone has nothing beside it: no source, test, benchmark or build script reads
/// the team's shared folder beside the repository (what a test needs is copied into `tests/fixtures/` with
/// its source and licence).
#[test]
fn nothing_reads_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "fuzz"] {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut files);
        }
    }
    files.push(root.join("build.rs"));
    let pattern = ["..", "/shared"].concat();
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            std::fs::read_to_string(path)
                .unwrap_or_default()
                .contains(&pattern)
        })
        .map(|path| path.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "read outside the repository: {offenders:?}"
    );
    assert!(
        !std::fs::read_to_string(root.join(".ci/run"))
            .unwrap()
            .contains(&pattern)
    );
}
