//! Rebuild when an embedded default changes: `include_dir!` does not tell cargo which
//! files it read, so a new font or template would otherwise be missed.
//!
//! Also gives the code a fingerprint (`MARKETBRIEF_CODE_DIGEST`): an edition's manifest
//! records it, so that briefs built by other code are rebuilt even when the version number
//! did not move (a developer's build, a patched binary). No output is ever called current
//! by code that did not make it.
use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

fn main() {
    for dir in [
        "templates",
        "fonts",
        "data/reference",
        "data/classifications",
        "src",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={dir}");
    }
    let mut hasher = DefaultHasher::new();
    hash_tree(Path::new("src"), &mut hasher);
    hash_file(Path::new("Cargo.lock"), &mut hasher);
    println!(
        "cargo:rustc-env=MARKETBRIEF_CODE_DIGEST={:016x}",
        hasher.finish()
    );
}

/// Every file under `dir`, in name order, by path and content.
fn hash_tree(dir: &Path, hasher: &mut DefaultHasher) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map(|read| read.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            hash_tree(&path, hasher);
        } else {
            hash_file(&path, hasher);
        }
    }
}

fn hash_file(path: &Path, hasher: &mut DefaultHasher) {
    hasher.write(path.to_string_lossy().as_bytes());
    hasher.write(&std::fs::read(path).unwrap_or_default());
}
