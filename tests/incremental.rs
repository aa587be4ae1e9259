//! Parallel and incremental builds, and the emitted Typst projects.

mod common;

use common::{copy_project, override_asset, sample_project};
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use std::collections::{BTreeMap, BTreeSet};
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

/// The briefs a build wrote (`ca-fr`…), from its log.
fn written(log: &str) -> BTreeSet<String> {
    log.lines()
        .filter_map(|line| line.strip_prefix("wrote "))
        .map(|rest| {
            let path = rest.split(" (").next().unwrap();
            let name = Path::new(path).file_stem().unwrap().to_string_lossy();
            name.into_owned()
        })
        .collect()
}

/// Every brief of `codes` in `langs`.
fn briefs(codes: &[&str], langs: &[&str]) -> BTreeSet<String> {
    codes
        .iter()
        .flat_map(|code| langs.iter().map(move |lang| format!("{code}-{lang}")))
        .collect()
}

/// Replaces `from` with `to` in a text file, which must contain it.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Appends to a file.
fn append(path: &Path, bytes: &[u8]) {
    let mut contents = std::fs::read(path).unwrap();
    contents.extend_from_slice(bytes);
    std::fs::write(path, contents).unwrap();
}

const CODES: [&str; 4] = ["ca", "jp", "mx", "us"];
const LANGS: [&str; 3] = ["fr", "nl", "en"];

#[test]
fn each_kind_of_input_rebuilds_exactly_the_briefs_that_read_it() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    copy_project(root);
    // So that some briefs do not read some files: Japan's brief prints no services chart
    // (no EBOPS labels) and Canada's profile says "in Canada" itself (no in-country.csv).
    let services = root.join("data/datasets/be-services.csv");
    let text = std::fs::read_to_string(&services).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("BE,JP,export,2023,S"))
        .collect();
    assert!(kept.len() < text.lines().count());
    std::fs::write(&services, kept.join("\n") + "\n").unwrap();
    edit(
        &root.join("data/profiles/ca.yaml"),
        "country: CA\n",
        "country: CA\nin_country: {fr: au Canada, nl: in Canada, en: in Canada}\n",
    );
    let out = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(root);
    args.out = Some(out.path().to_path_buf());
    let all = briefs(&CODES, &LANGS);
    assert_eq!(written(&run(&args)), all);

    let rebuilt_after = |what: &str, change: &dyn Fn(), expected: BTreeSet<String>| {
        change();
        let log = run(&args);
        assert_eq!(written(&log), expected, "after changing {what}:\n{log}");
        let skipped = all.len() - expected.len();
        if skipped > 0 {
            assert!(
                log.contains(&format!("skipped {skipped} unchanged")),
                "{log}"
            );
        }
    };

    rebuilt_after(
        "a profile",
        &|| {
            edit(
                &root.join("data/profiles/mx.yaml"),
                "Monterrey",
                "Monterrey (NL)",
            )
        },
        briefs(&["mx"], &LANGS),
    );
    // Every brief consults every dataset: the first dataset with a series wins, and the
    // rank compares all partners.
    rebuilt_after(
        "a dataset",
        &|| {
            edit(
                &root.join("data/datasets/bru-goods.csv"),
                "BE-BRU,JP,export,2019,TOTAL,70000000",
                "BE-BRU,JP,export,2019,TOTAL,71000000",
            )
        },
        all.clone(),
    );
    rebuilt_after(
        "a dataset's metadata",
        &|| {
            edit(
                &root.join("data/datasets/be-goods.yaml"),
                "en: Goods trade of Belgium by partner",
                "en: Goods trade of Belgium, by partner",
            )
        },
        all.clone(),
    );
    rebuilt_after(
        "the EBOPS labels",
        &|| {
            let labels = override_asset(root, "data/classifications/ebops-2010.csv");
            edit(
                &labels,
                "Maintenance and repair services",
                "Maintenance and repairs",
            );
        },
        briefs(&["ca", "mx", "us"], &LANGS),
    );
    rebuilt_after(
        "the CN chapter labels, which no brief prints",
        &|| {
            let labels = override_asset(root, "data/classifications/cn-chapter.csv");
            edit(&labels, ",Live animals", ",Live animals (all)");
        },
        BTreeSet::new(),
    );
    rebuilt_after(
        "the World Bank population",
        &|| {
            let population = override_asset(root, "data/reference/world-bank/population.csv");
            edit(
                &population,
                "Japan,JPN,2024,123975371",
                "Japan,JPN,2024,123975372",
            );
        },
        all.clone(),
    );
    rebuilt_after(
        "the world outlines",
        &|| {
            let atlas = override_asset(root, "data/reference/world-atlas/countries-50m.json");
            append(&atlas, b"\n");
        },
        all.clone(),
    );
    rebuilt_after(
        "the in-country forms",
        &|| {
            let forms = override_asset(root, "data/reference/in-country.csv");
            edit(&forms, "JP,au Japon,", "JP,au Japon ,");
        },
        briefs(&["jp", "mx", "us"], &LANGS),
    );
    rebuilt_after(
        "the Dutch CLDR names",
        &|| {
            let names = override_asset(root, "data/reference/cldr/territories.nl-BE.json");
            edit(&names, "\"Zuid-Afrika\"", "\"Zuid Afrika\"");
        },
        briefs(&CODES, &["nl"]),
    );
    rebuilt_after(
        "the French catalogue",
        &|| {
            let catalogue = override_asset(root, "templates/i18n/fr.yaml");
            append(&catalogue, b"# reviewed\n");
        },
        briefs(&CODES, &["fr"]),
    );
    rebuilt_after(
        "the template",
        &|| {
            let template = override_asset(root, "templates/brief.typ.j2");
            append(&template, b"{# reviewed #}\n");
        },
        all.clone(),
    );
    rebuilt_after(
        "the Typst library",
        &|| {
            let lib = override_asset(root, "templates/lib.typ");
            append(&lib, b"// reviewed\n");
        },
        all.clone(),
    );
    rebuilt_after(
        "a font",
        &|| {
            let font = override_asset(root, "fonts/NotoSansHebrew-Regular.ttf");
            append(&font, &[0; 4]);
        },
        all.clone(),
    );
    rebuilt_after(
        "the configuration",
        &|| {
            edit(
                &root.join("marketbrief.yaml"),
                "phone: +32 2 000 00 00",
                "phone: +32 2 000 00 01",
            )
        },
        all.clone(),
    );
    // A flag of the project's own appears over the embedded one, then goes again.
    let mx_fr = out.path().join("2025-Q3/mx-fr.pdf");
    let with_embedded_flag = std::fs::read(&mx_fr).unwrap();
    let flag = root.join("data/reference/flags/MX.svg");
    rebuilt_after(
        "an overriding flag",
        &|| {
            override_asset(root, "data/reference/flags/MX.svg");
            edit(&flag, "<svg", "<svg data-reviewed=\"yes\"");
        },
        briefs(&["mx"], &LANGS),
    );
    rebuilt_after(
        "a removed override",
        &|| std::fs::remove_file(&flag).unwrap(),
        briefs(&["mx"], &LANGS),
    );
    assert!(std::fs::read(&mx_fr).unwrap() == with_embedded_flag);
    rebuilt_after("nothing", &|| {}, BTreeSet::new());

    // A manifest written before files were recorded: its briefs are rebuilt, the others
    // are not.
    let manifest_path = out.path().join("2025-Q3/manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    for entry in manifest["briefs"].as_array_mut().unwrap() {
        if entry["country"] == "jp" {
            entry.as_object_mut().unwrap().remove("files").unwrap();
        }
    }
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    rebuilt_after("the manifest's format", &|| {}, briefs(&["jp"], &LANGS));
}

#[test]
fn watch_follows_the_files_the_briefs_recorded() {
    use marketbrief::cmd::watch::WatchSet;
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    copy_project(root);
    let out = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(root);
    args.out = Some(out.path().to_path_buf());
    args.countries = vec!["ca".into()];
    args.langs = vec!["en".parse().unwrap()];
    let mut log = Vec::new();
    let (outcome, built) = build::run_reporting_inputs(&args, &mut log, &mut std::io::sink());
    assert_eq!(outcome.unwrap(), Outcome::Success);
    // Skipped briefs report what they recorded (the flag, the template: files that a build
    // without briefs to make never reads).
    let (outcome, skipped) = build::run_reporting_inputs(&args, &mut log, &mut std::io::sink());
    assert_eq!(outcome.unwrap(), Outcome::Success);
    for inputs in [&built, &skipped] {
        for rel in [
            "marketbrief.yaml",
            "data/profiles/ca.yaml",
            "data/datasets/bru-goods.csv",
            "data/datasets/*.csv",
            "data/reference/flags/CA.svg",
            "data/reference/world-bank/population.csv",
            "data/reference/world-atlas/countries-50m.json",
            "data/reference/cldr/territories.en.json",
            "templates/brief.typ.j2",
            "templates/lib.typ",
            "templates/i18n/en.yaml",
            "fonts/Inter-Regular.otf",
        ] {
            assert!(inputs.contains(rel), "{rel} is not watched: {inputs:?}");
        }
    }
    let watched = WatchSet::new(root, skipped);
    // The reference files are built in: their folders do not exist, and the nearest one that
    // does is watched for an override to appear.
    assert!(watched.affects(&root.join("data/reference/world-bank/population.csv")));
    assert!(watched.affects(&root.join("data/reference")));
    assert!(watched.affects(&root.join("data/profiles/de.yaml")));
    assert!(!watched.affects(&root.join("data/reference/flags/DE.svg")));
    assert!(!watched.affects(&out.path().join("2025-Q3/ca-en.pdf")));
    let folders = watched.folders();
    assert!(folders.contains(&root.join("data")));
    assert!(folders.contains(&root.join("data/datasets")));
    assert!(!folders.contains(&root.join("data/reference")));
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
                    typst::foundations::Bytes::new(std::fs::read(&path).unwrap()),
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

#[test]
fn watch_from_inside_the_project_rebuilds_a_saved_profile() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    // The default `--project .`: the watcher reports paths through `./`.
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["watch", "--country", "jp", "--lang", "en"])
        .current_dir(project.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    };
    let watching = wait_for("watching");
    let pdf = project.path().join("output/2025-Q3/jp-en.pdf");
    let before = std::fs::read(&pdf)
        .ok()
        .map(|b| marketbrief::incremental::sha256(&b));
    edit(
        &project.path().join("data/profiles/jp.yaml"),
        "en: Tokyo}",
        "en: Tōkyō}",
    );
    let rebuilt = watching && wait_for("wrote");
    let after = std::fs::read(&pdf)
        .ok()
        .map(|b| marketbrief::incremental::sha256(&b));
    child.kill().ok();
    child.wait().ok();
    assert!(watching, "watch did not start");
    assert!(rebuilt, "the saved profile was not rebuilt");
    assert_ne!(before, after, "the PDF is the same");
}

#[test]
fn a_reader_that_stops_reading_loses_nothing() {
    use std::process::{Command, Stdio};
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    // `marketbrief build | head -0`: the pipe is closed before the first line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["build", "--project"])
        .arg(project.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let dir = project.path().join("output/2025-Q3");
    for file in ["manifest.json", "figures.json"] {
        let record: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        let briefs = &record["briefs"];
        let count = briefs
            .as_array()
            .map(Vec::len)
            .or(briefs.as_object().map(|o| o.len()));
        assert_eq!(count, Some(12), "{file}");
    }
}

#[test]
fn an_unreadable_record_stops_the_build_and_is_kept() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let out = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(project.path());
    args.out = Some(out.path().to_path_buf());
    run(&args);
    let figures = out.path().join("2025-Q3/figures.json");
    std::fs::write(&figures, "{\"edition\": \"2025-Q3\", \"briefs\": {").unwrap();
    // A build of one country would rewrite the record with that country alone.
    args.countries = vec!["ca".into()];
    args.force = true;
    let (mut log, mut err) = (Vec::new(), Vec::new());
    let error = build::run(&args, &mut log, &mut err).unwrap_err();
    assert!(
        format!("{error:#}").contains("figures.json cannot be read"),
        "{error:#}"
    );
    assert_eq!(
        std::fs::read_to_string(&figures).unwrap(),
        "{\"edition\": \"2025-Q3\", \"briefs\": {"
    );
}

#[test]
fn concurrent_builds_into_one_folder_keep_every_record() {
    use std::process::Command;
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    // Three builds at once, each of one country, into the same edition folder.
    let spawned: Vec<_> = ["ca", "mx", "us"]
        .iter()
        .map(|code| {
            Command::new(env!("CARGO_BIN_EXE_marketbrief"))
                .args(["build", "--force", "--country", code, "--project"])
                .arg(project.path())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in spawned {
        assert!(child.wait().unwrap().success());
    }
    let dir = project.path().join("output/2025-Q3");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("figures.json")).unwrap()).unwrap();
    assert_eq!(manifest["briefs"].as_array().unwrap().len(), 9);
    assert_eq!(figures["briefs"].as_object().unwrap().len(), 9);
}

#[test]
fn a_template_pulled_in_with_include_is_an_input() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let template = override_asset(project.path(), "templates/brief.typ.j2");
    // The template's first Typst line moves to a part of its own.
    edit(
        &template,
        "#let tint = brand.lighten(92%)",
        "{% include \"colours.typ.j2\" %}",
    );
    let part = project.path().join("templates/colours.typ.j2");
    std::fs::write(&part, "#let tint = brand.lighten(92%)\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(project.path());
    args.out = Some(out.path().to_path_buf());
    args.countries = vec!["jp".into()];
    assert!(run(&args).contains("built 3 briefs"));
    assert!(run(&args).contains("built 0 briefs, skipped 3 unchanged"));
    std::fs::write(&part, "#let tint = brand.lighten(90%)\n").unwrap();
    let log = run(&args);
    assert!(
        log.contains("built 3 briefs"),
        "the included part is not an input: {log}"
    );
}

/// Issue 26.5: a build into a full disk wrote the manifest and the PDFs but not
/// `figures.json`; every later build said "skipped 12 unchanged" and `diff`, `mail` and the
/// "since the last edition" box read the old numbers until `--force`. The manifest now goes
/// last and records what `figures.json` says of each brief: a torn record is rebuilt.
#[test]
fn a_record_torn_between_its_two_files_is_rebuilt() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let out = tempfile::tempdir().unwrap();
    let mut args = BuildArgs::for_project(project.path());
    args.out = Some(out.path().to_path_buf());
    args.countries = vec!["ca".into()];
    args.langs = vec![marketbrief::i18n::Lang::En];
    run(&args);
    let dir = out.path().join("2025-Q3");
    let old_figures = std::fs::read(dir.join("figures.json")).unwrap();

    // New data, built; then figures.json as if its write had failed.
    let csv = project.path().join("data/datasets/bru-goods.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let changed = text.replace(
        "BE-BRU,CA,export,2024,TOTAL,32400000,published",
        "BE-BRU,CA,export,2024,TOTAL,99900000,published",
    );
    assert_ne!(text, changed);
    std::fs::write(&csv, changed).unwrap();
    let log = run(&args);
    assert!(log.contains("built 1 brief"), "{log}");
    std::fs::write(dir.join("figures.json"), &old_figures).unwrap();

    let log = run(&args);
    assert!(
        log.contains("built 1 brief") && !log.contains("skipped 1 unchanged"),
        "the torn record was taken as current: {log}"
    );
    let figures = std::fs::read_to_string(dir.join("figures.json")).unwrap();
    assert!(figures.contains("99900000"), "figures.json still old");
}
