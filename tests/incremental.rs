//! Parallel and incremental builds, and the emitted Typst projects.

mod common;

use common::{copy_project, sample_project};
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

fn run(args: &BuildArgs) -> String {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome = build::run(args, &mut out, &mut err).unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap()
    );
    assert_eq!(outcome, Outcome::Success, "{log}");
    log
}

/// Every file of the output folder with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                (std::fs::read(&path).unwrap(), modified),
            )
        })
        .collect()
}

#[test]
fn two_workers_give_the_same_pdfs_as_one() {
    let serial = tempfile::tempdir().unwrap();
    let parallel = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(sample_project());
    args.out = Some(serial.path().to_path_buf());
    args.jobs = Some(1);
    run(&args);
    args.out = Some(parallel.path().to_path_buf());
    args.jobs = Some(2);
    run(&args);
    let a = snapshot(&serial.path().join("2025-Q3"));
    let b = snapshot(&parallel.path().join("2025-Q3"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert_eq!(a.len(), 12 + 2, "12 briefs, the manifest and the figures");
    for (name, (bytes, _)) in &a {
        assert!(
            &b[name].0 == bytes,
            "{name} differs between 1 and 2 workers"
        );
    }
}

#[test]
fn unchanged_inputs_write_nothing_and_a_touched_profile_rebuilds_its_three_briefs() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let out = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(project.path());
    args.out = Some(out.path().to_path_buf());
    let first = run(&args);
    assert!(first.contains("built 12 briefs"), "{first}");
    let dir = out.path().join("2025-Q3");
    let before = snapshot(&dir);

    let second = run(&args);
    assert!(
        second.contains("built 0 briefs, skipped 12 unchanged"),
        "{second}"
    );
    assert_eq!(
        snapshot(&dir),
        before,
        "a build without changes wrote something"
    );

    // Edit one profile: exactly its three briefs are rebuilt.
    let profile = project.path().join("data/profiles/jp.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replace("Tokyo", "Tōkyō")).unwrap();
    let third = run(&args);
    assert!(
        third.contains("built 3 briefs, skipped 9 unchanged"),
        "{third}"
    );
    let after = snapshot(&dir);
    let changed: Vec<&str> = after
        .keys()
        .filter(|k| after[*k] != before[*k])
        .map(String::as_str)
        .collect();
    assert_eq!(
        changed,
        ["jp-en.pdf", "jp-fr.pdf", "jp-nl.pdf", "manifest.json"]
    );

    // --force rebuilds everything.
    args.force = true;
    let forced = run(&args);
    assert!(forced.contains("built 12 briefs"), "{forced}");
}

#[test]
fn emitted_typst_project_compiles_to_the_same_page_count() {
    let out = tempfile::tempdir().unwrap();
    let emitted = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(sample_project());
    args.out = Some(out.path().to_path_buf());
    args.countries = vec!["ca".into()];
    args.langs = vec!["nl".parse().unwrap()];
    args.emit_typst = Some(emitted.path().to_path_buf());
    run(&args);
    let project = emitted.path().join("ca-nl");
    let main = std::fs::read_to_string(project.join("main.typ")).unwrap();
    // The project as a designer gets it: its files and fonts, read back from disk.
    let mut files = marketbrief::typeset::Files::new();
    // Every file the project holds besides main.typ and the fonts, by its path in it.
    fn walk(dir: &Path, root: &Path, files: &mut marketbrief::typeset::Files) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() && rel != "fonts" {
                walk(&path, root, files);
            } else if path.is_file() && rel != "main.typ" {
                files.insert(
                    format!("/{rel}"),
                    std::sync::Arc::new(std::fs::read(&path).unwrap()),
                );
            }
        }
    }
    walk(&project, &project, &mut files);
    for rel in ["/ca/charts/trend.svg", "/ca/flag.svg", "/ca/map.svg"] {
        assert!(files.contains_key(rel), "{rel} was not emitted");
    }
    let fonts: Vec<(String, Vec<u8>)> = std::fs::read_dir(project.join("fonts"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    assert!(!fonts.is_empty());
    let typesetter = marketbrief::typeset::Typesetter::new(fonts).unwrap();
    let typeset = typesetter
        .typeset(main, &files, (2025, 9, 30), "emitted")
        .unwrap();
    let built = lopdf::Document::load(out.path().join("2025-Q3/ca-nl.pdf")).unwrap();
    assert_eq!(typeset.pages, built.get_pages().len());
}
