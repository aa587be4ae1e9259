//! `marketbrief bench` builds its generated corpus (every generated profile passes
//! `check`), so the README's benchmark commands keep working.

use std::process::Command;

#[test]
fn the_benchmark_corpus_builds() {
    let keep = tempfile::tempdir().unwrap();
    let corpus = keep.path().join("corpus");
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["bench", "--profiles", "3", "--jobs", "1"])
        .arg("--keep")
        .arg(&corpus)
        .arg("--project")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("marketbrief runs");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{printed}");
    assert!(printed.contains("batch, 9 briefs, 1 worker"), "{printed}");
    let built = std::fs::read_dir(corpus.join("output/2025-Q3"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pdf")
        })
        .count();
    assert_eq!(built, 9);
}
