//! The command line as a user meets it: commands run from any folder inside a project.

mod common;

use std::process::Command;

#[test]
fn a_command_run_below_the_project_folder_works_on_the_project() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    let below = dir.path().join("data/profiles");
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["build", "--country", "ca", "--lang", "en"])
        .current_dir(&below)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Written into the project's output folder, named from where the user stands.
    assert!(
        stdout.contains("wrote ../../output/2025-Q3/ca-en.pdf"),
        "{stdout}"
    );
    assert!(dir.path().join("output/2025-Q3/ca-en.pdf").is_file());

    // Outside any project, the message says so.
    let outside = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .arg("check")
        .current_dir(outside.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let printed = String::from_utf8_lossy(&output.stderr);
    assert!(
        printed.contains("neither this folder nor any folder above it holds marketbrief.yaml"),
        "{printed}"
    );
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn init_makes_a_project_that_builds_at_once_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(
        dir.path(),
        &["init", "agency", "--lang", "nl,fr", "--region", "be-vlg"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let project = dir.path().join("agency");
    for file in [
        "marketbrief.yaml",
        ".gitignore",
        "README.md",
        "data/profiles/ca.yaml",
        "data/datasets/example-goods.csv",
        "data/datasets/example-goods.yaml",
    ] {
        assert!(project.join(file).is_file(), "{file} missing");
    }
    let config = std::fs::read_to_string(project.join("marketbrief.yaml")).unwrap();
    assert!(config.contains("languages: [nl, fr]"), "{config}");
    assert!(config.contains("code: BE-VLG"), "{config}");
    assert!(
        std::fs::read_to_string(project.join(".gitignore"))
            .unwrap()
            .contains("output/")
    );

    // `check` is clean and `build` makes the briefs, in the languages asked for.
    let check = run_in(&project, &["check"]);
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let build = run_in(&project, &["build"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let edition = marketbrief::scaffold::current_edition().to_string();
    let nl = project.join(format!("output/{edition}/ca-nl.pdf"));
    assert!(nl.is_file());
    assert!(!project.join(format!("output/{edition}/ca-en.pdf")).exists());
    // The example figures say what they are, in the brief itself.
    let text = common::squash(&common::pdf_text(&nl));
    assert!(text.contains("Illustratievegegevens"), "{text}");
    assert!(text.contains("Vlaanderen"), "{text}");

    // A second init changes nothing and says why.
    std::fs::write(project.join("README.md"), "our own notes").unwrap();
    let again = run_in(dir.path(), &["init", "agency"]);
    assert_eq!(again.status.code(), Some(2));
    let printed = String::from_utf8_lossy(&again.stderr);
    assert!(
        printed.contains("init never overwrites a file"),
        "{printed}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("README.md")).unwrap(),
        "our own notes"
    );

    // An unknown region is refused before anything is written.
    let empty = dir.path().join("elsewhere");
    let refused = run_in(dir.path(), &["init", "elsewhere", "--region", "FR-IDF"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown region `FR-IDF`"));
    assert!(!empty.exists());
}

#[test]
fn completions_man_pages_and_verbosity_follow_shell_conventions() {
    let dir = tempfile::tempdir().unwrap();
    // Completion scripts know every command.
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = run_in(dir.path(), &["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        for command in ["build", "check", "init", "schema", "mail"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
    }
    // A manual page per command, with its options.
    let man = dir.path().join("man");
    let output = run_in(dir.path(), &["man", "--out", man.to_str().unwrap()]);
    assert!(output.status.success());
    let build = std::fs::read_to_string(man.join("marketbrief-build.1")).unwrap();
    assert!(build.contains("\\-\\-country"), "{build}");
    assert!(man.join("marketbrief.1").is_file());
    assert!(man.join("marketbrief-check.1").is_file());

    // --quiet prints nothing but problems; --verbose names what it skipped.
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    common::copy_project(&project);
    let quiet = run_in(
        &project,
        &["build", "-q", "--country", "ca", "--lang", "en"],
    );
    assert!(quiet.status.success());
    assert!(
        quiet.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stdout)
    );
    let verbose = run_in(
        &project,
        &["build", "--verbose", "--country", "ca", "--lang", "en"],
    );
    let printed = String::from_utf8_lossy(&verbose.stdout);
    assert!(
        printed.contains("skipped ca-en: its inputs have not changed"),
        "{printed}"
    );
    assert!(printed.contains("typeset"), "{printed}");

    // Colours: never in a pipe unless CLICOLOR_FORCE asks; NO_COLOR never.
    let profile = project.join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replacen("summary:", "sumary:", 1)).unwrap();
    let coloured = |vars: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_marketbrief"));
        command
            .arg("check")
            .current_dir(&project)
            .env_remove("NO_COLOR");
        for (k, v) in vars {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8_lossy(&output.stderr).contains('\u{1b}')
    };
    assert!(!coloured(&[]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")]));
}

#[test]
fn a_project_without_profiles_is_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    for entry in std::fs::read_dir(dir.path().join("data/profiles")).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let output = run_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let printed = String::from_utf8_lossy(&output.stderr);
    assert!(
        printed.contains("no profiles: nothing to build"),
        "{printed}"
    );
}

/// A file or folder that cannot be read is exit status 2, named, as `--help` and the README
/// say: not a problem of the inputs (1), which `check` would list.
#[test]
fn a_file_that_cannot_be_read_is_exit_status_2_and_named() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    let status = |args: &[&str]| {
        let output = run_in(dir.path(), args);
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    // A folder named like a profile (unreadable, as root too), then a broken link: each is
    // named, and stops check and build alike.
    let profile = dir.path().join("data/profiles/xx.yaml");
    std::fs::create_dir(&profile).unwrap();
    let mut unreadable = vec!["a folder"];
    #[cfg(unix)]
    unreadable.push("a broken link");
    for kind in unreadable {
        if kind == "a broken link" {
            std::fs::remove_dir(&profile).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink("nowhere.yaml", &profile).unwrap();
        }
        for command in [
            &["check"][..],
            &["build", "--country", "ca", "--lang", "en"],
        ] {
            let (code, printed) = status(command);
            assert_eq!(code, Some(2), "{kind}, {command:?}: {printed}");
            assert!(
                printed.contains("cannot read ./data/profiles/xx.yaml"),
                "{kind}, {command:?}: {printed}"
            );
        }
    }
    std::fs::remove_file(&profile)
        .or_else(|_| std::fs::remove_dir(&profile))
        .unwrap();
    assert_eq!(status(&["check"]).0, Some(0));

    // The recipients file of `mail` (and of `check --recipients`), given or the default.
    let (code, printed) = status(&["mail", "--recipients", "nonexistent.csv"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(
        printed.contains("cannot read ") && printed.contains("nonexistent.csv"),
        "{printed}"
    );
    let (code, printed) = status(&["check", "--recipients", "nonexistent.csv"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(printed.contains("nonexistent.csv"), "{printed}");
    let (code, printed) = status(&["mail"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(
        printed.contains("cannot read ./data/recipients.csv") && printed.contains("--recipients"),
        "{printed}"
    );
    assert!(!dir.path().join("output/2025-Q3/mail").exists());

    // An output folder that cannot be made (a file is in the way): said once, status 2, by
    // build and bundle alike.
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    for command in [
        &[
            "build",
            "--out",
            "a-file",
            "--country",
            "ca",
            "--lang",
            "en",
        ][..],
        &["bundle", "north-america", "--out", "a-file"],
    ] {
        let (code, printed) = status(command);
        assert_eq!(code, Some(2), "{command:?}: {printed}");
        assert_eq!(
            printed.matches("cannot create").count(),
            1,
            "{command:?}: {printed}"
        );
    }
}

/// A character no font has (an emoji in a city's name) is reported once, at the profile
/// field and line that hold it, and the brief already written stays as it was.
#[test]
fn a_character_no_font_has_is_located_in_the_profile() {
    let project = tempfile::tempdir().unwrap();
    common::copy_project(project.path());
    common::marketbrief(
        project.path(),
        &["build", "--country", "ca", "--lang", "fr"],
    );
    let pdf = project.path().join("output/2025-Q3/ca-fr.pdf");
    let before = std::fs::read(&pdf).unwrap();
    let profile = project.path().join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let broken = text.replacen(
        "  - name: {fr: Toronto, nl: Toronto, en: Toronto}",
        "  - name: {fr: \"Toronto 🍁\", nl: Toronto, en: Toronto}",
        1,
    );
    assert_ne!(text, broken, "the fixture line must exist");
    std::fs::write(&profile, &broken).unwrap();
    let line = broken.lines().position(|l| l.contains('🍁')).unwrap() + 1;
    let stderr = common::marketbrief_fails(
        project.path(),
        &["build", "--country", "ca", "--lang", "fr"],
    );
    assert!(
        stderr.contains(&format!("data/profiles/ca.yaml:{line}:")),
        "{stderr}"
    );
    assert!(stderr.contains("cities[2].name.fr"), "{stderr}");
    assert_eq!(stderr.matches("“🍁”").count(), 1, "said once: {stderr}");
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        before,
        "the good PDF was replaced"
    );
}

/// A name longer than its column can hold whole (a 58-letter town) breaks inside its
/// column rather than running over its neighbour; names of ordinary length never do.
#[test]
fn a_name_too_long_for_its_column_breaks_instead_of_overflowing() {
    let project = tempfile::tempdir().unwrap();
    common::copy_project(project.path());
    let long = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch";
    let profile = project.path().join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let edited = text.replacen(
        "  - name: {fr: Vancouver, nl: Vancouver, en: Vancouver}",
        &format!("  - name: {{fr: {long}, nl: Vancouver, en: Vancouver}}"),
        1,
    );
    assert_ne!(text, edited, "the fixture line must exist");
    std::fs::write(&profile, edited).unwrap();
    common::marketbrief(
        project.path(),
        &["build", "--country", "ca", "--lang", "fr"],
    );
    let pdf = common::pdf_text(&project.path().join("output/2025-Q3/ca-fr.pdf"));
    assert!(
        !pdf.contains(long),
        "the name was set whole, across its column: {pdf}"
    );
    assert!(common::squash(&pdf).contains(long), "{pdf}");
    assert!(pdf.contains("Montréal"), "{pdf}");
}

/// Issue 22.6: a Q3 2025 edition built from data updated in February 2026 printed
/// "Q3 2025 edition · data as of 13 February 2026" without a word from `check`.
#[test]
fn check_warns_when_the_edition_is_older_than_its_data() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    let meta = dir.path().join("data/datasets/be-goods.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("last_update:"))
        .unwrap()
        + 1;
    std::fs::write(
        &meta,
        text.replace("last_update: 2025-07-23", "last_update: 2026-02-13"),
    )
    .unwrap();
    let output = run_in(dir.path(), &["check"]);
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        output.status.success(),
        "a warning, not an error: {out}{err}"
    );
    assert!(
        err.contains(&format!("data/datasets/be-goods.yaml:{line}:")),
        "{err}"
    );
    assert!(
        err.contains(
            "the data were updated on 2026-02-13 but the edition 2025-Q3 ends on 2025-09-30"
        ),
        "{err}"
    );
    assert!(out.contains("no errors, 1 warning"), "{out}");
    // The other datasets, updated before the edition's end, say nothing.
    assert!(!err.contains("bru-goods.yaml"), "{err}");
}

/// Issue 22.7: `new ma` was silent though no dataset had a row for Morocco beyond the
/// regional ranking, and `new` of a market without any row gave a draft with no figure.
#[test]
fn new_warns_when_no_dataset_has_rows_for_the_market() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    // Kenya: in no sample dataset.
    let output = run_in(dir.path(), &["new", "ke"]);
    assert!(output.status.success(), "{output:?}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("warning: no dataset in data/datasets has rows for KE"),
        "{err}"
    );
    assert!(dir.path().join("data/profiles/ke.yaml").is_file());
    // Germany has rows (the regional ranking's): no warning.
    let output = run_in(dir.path(), &["new", "de"]);
    assert!(output.status.success(), "{output:?}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("warning"), "{err}");
}

/// Issue 22.1: `init` serves a national agency too (`--region BE`, or `none`): no region,
/// the country's figures, a project that builds at once.
#[test]
fn init_serves_a_national_agency() {
    for region in ["BE", "none"] {
        let dir = tempfile::tempdir().unwrap();
        let output = run_in(dir.path(), &["init", "agency", "--region", region]);
        assert!(output.status.success(), "{output:?}");
        let project = dir.path().join("agency");
        let config = std::fs::read_to_string(project.join("marketbrief.yaml")).unwrap();
        assert!(!config.contains("\nregion:"), "{config}");
        let output = run_in(&project, &["check"]);
        let out = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && out.contains("no problems"),
            "{out}{output:?}"
        );
        let output = run_in(&project, &["build", "--lang", "en"]);
        assert!(output.status.success(), "{output:?}");
        let edition = std::fs::read_dir(project.join("output"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.is_dir())
            .unwrap();
        let figures = std::fs::read_to_string(edition.join("figures.json")).unwrap();
        assert!(figures.contains("key/national_goods_imports"), "{figures}");
        assert!(!figures.contains("key/region_"), "{figures}");
    }
}

/// Issue 26.11: a build removed a running bundle's temporary file (2 of 25 bundles beside
/// no-op builds failed: "cannot replace mission-north-america-en.pdf"). A bundle holds the
/// edition's lock, as a build does: while another holds it, the bundle waits.
#[test]
fn a_bundle_waits_while_another_command_writes_its_edition() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    let output = dir.path().join("output");
    std::fs::create_dir_all(&output).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(output.join(".2025-Q3.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["bundle", "north-america", "--lang", "en", "--project"])
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2000));
    let handout = output.join("2025-Q3/mission-north-america-en.pdf");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the bundle did not wait"
    );
    assert!(!handout.exists());
    drop(lock);
    assert!(child.wait().unwrap().success());
    assert!(handout.is_file());
}

/// Issue 22.7: `init`'s example datasets are marked as examples (`example: true`, distinct
/// from `illustrative`); once the project has datasets of its own, `check` and `build` warn
/// for every brief that prints a number from an example (an illustrative BE-WAL→DE row from
/// `init` reached a real Germany brief unnoticed).
#[test]
fn a_brief_printing_init_example_data_beside_real_data_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["init", "wal", "--region", "BE-WAL"]);
    assert!(output.status.success(), "{output:?}");
    let project = dir.path().join("wal");
    let meta = std::fs::read_to_string(project.join("data/datasets/example-goods.yaml")).unwrap();
    assert!(meta.contains("\nexample: true\n"), "{meta}");
    // The examples alone: nothing to warn about, they are all there is.
    let output = run_in(&project, &["check"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("example dataset"));
    let extract = common::sample_project().join("tests/fixtures/comext/ds045409_BE_2023_2024.csv");
    let output = run_in(&project, &["import", "comext", extract.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let output = run_in(&project, &["new", "de"]);
    assert!(output.status.success(), "{output:?}");
    let output = run_in(&project, &["check"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("data/profiles/de.yaml")
            && err.contains(
                "the brief prints figures from data/datasets/example-goods.csv, an example dataset of `marketbrief init`"
            ),
        "{err}"
    );
    let output = run_in(
        &project,
        &["build", "--draft", "--country", "de", "--lang", "en"],
    );
    assert!(output.status.success(), "{output:?}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("warning: ") && err.contains("example-goods.csv"),
        "{err}"
    );
}

/// Issue 26 (low): `new zz` wrote a profile that `build` refuses (CLDR names placeholders
/// and groups: ZZ, EU, QO); `new` refuses them as `check` does.
#[test]
fn new_refuses_a_code_that_is_no_country() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    for code in ["zz", "eu", "qo"] {
        let output = run_in(dir.path(), &["new", code]);
        assert!(!output.status.success(), "{code}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains("unknown country code"), "{code}: {err}");
        assert!(
            !dir.path()
                .join(format!("data/profiles/{code}.yaml"))
                .exists()
        );
    }
}

/// Issue 26 (low): importing a folder exited 1, as for a problem in an extract; a file
/// that cannot be read exits 2, as the README says.
#[test]
fn importing_a_folder_is_a_file_that_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    let folder = dir.path().join("data");
    let output = run_in(dir.path(), &["import", "comext", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("it is a folder"));
}

/// Issue 26.8: `sources[0].date: 2025-02-30` passed `check` and failed `build`. One
/// validation for both: each refuses it at the same place, with the same words.
#[test]
fn check_and_build_refuse_an_impossible_date_alike() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    let profile = dir.path().join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim() == "date: 2025-07-23")
        .unwrap()
        + 1;
    std::fs::write(
        &profile,
        text.replacen("date: 2025-07-23", "date: 2025-02-30", 1),
    )
    .unwrap();
    let expected = format!("data/profiles/ca.yaml:{line}:");
    for args in [
        &["check"][..],
        &["build", "--country", "ca", "--lang", "en"],
    ] {
        let output = run_in(dir.path(), args);
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            err.contains("expected a date as YYYY-MM-DD, found `2025-02-30`"),
            "{args:?}: {err}"
        );
        assert!(err.contains(&expected), "{args:?}: {err}");
    }
}

/// Issue 25: `check --fix` makes the style rules' safe fixes in the profiles themselves —
/// straight quotes, the space before French high punctuation, doubled spaces — keeping
/// comments and layout; `--dry-run` shows them without writing; what is left is checked.
#[test]
fn check_fix_corrects_the_typography_in_place() {
    let project = tempfile::tempdir().unwrap();
    common::copy_project(project.path());
    let profile = project.path().join("data/profiles/jp.yaml");
    let original = std::fs::read_to_string(&profile).unwrap();
    let typed = original
        .replace("l’Exposition universelle", "l'Exposition  universelle")
        .replace("# ", "# kept: a comment's 'quotes' and spaces:  ");
    assert_ne!(typed, original);
    std::fs::write(&profile, &typed).unwrap();

    let shown = common::marketbrief(project.path(), &["check", "--fix", "--dry-run"]);
    assert!(
        shown.contains("would fix data/profiles/jp.yaml:"),
        "{shown}"
    );
    assert!(
        shown.contains("+ fr: centre économique du Kansaï, hôte de l’Exposition universelle"),
        "{shown}"
    );
    assert_eq!(
        std::fs::read_to_string(&profile).unwrap(),
        typed,
        "--dry-run wrote"
    );

    let done = common::marketbrief(project.path(), &["check", "--fix"]);
    assert!(done.contains("fixed 1 text in 1 profile"), "{done}");
    let fixed = std::fs::read_to_string(&profile).unwrap();
    // The text fixed; the comments (not texts) as they were.
    assert!(
        fixed.contains("hôte de l’Exposition universelle"),
        "{fixed}"
    );
    assert!(
        fixed.contains("# kept: a comment's 'quotes' and spaces:  "),
        "{fixed}"
    );
    assert_eq!(
        fixed.lines().count(),
        typed.lines().count(),
        "the layout is kept"
    );
    assert!(done.contains("no problems"), "{done}");

    // With --format json, standard output stays JSON lines only.
    std::fs::write(&profile, &typed).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["check", "--fix", "--format", "json", "--project"])
        .arg(project.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("fixed 1 text"));
}
