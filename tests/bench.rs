//! The benchmark corpus (`cargo bench --bench corpus`) builds: every generated profile
//! passes `check`, so the README's benchmark commands keep working.

#[path = "../benches/corpus/generate.rs"]
mod generate;

use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};

#[test]
fn the_benchmark_corpus_builds() {
    let corpus = tempfile::tempdir().unwrap();
    let codes = generate::generate_corpus(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        corpus.path(),
        3,
    )
    .unwrap();
    assert_eq!(codes.len(), 3);
    let out = corpus.path().join("output");
    let args = BuildArgs {
        out: Some(out.clone()),
        ..BuildArgs::for_project(corpus.path())
    };
    let mut problems = Vec::new();
    let outcome = build::run(&args, &mut std::io::sink(), &mut problems).unwrap();
    assert_eq!(
        outcome,
        Outcome::Success,
        "{}",
        String::from_utf8_lossy(&problems)
    );
    let built = std::fs::read_dir(out.join("2025-Q3"))
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
