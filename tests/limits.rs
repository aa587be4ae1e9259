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

#[test]
fn a_code_of_absurd_length_stops_the_import_at_its_line_and_writes_nothing() {
    let dir = project();
    let head = "DATAFLOW,LAST UPDATE,freq,reporter,partner,product,flow,indicators,TIME_PERIOD,OBS_VALUE\n";
    let row = |reporter: &str, partner: &str| {
        format!(
            "ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,{reporter},{partner},TOTAL,2,VALUE_IN_EUROS,2024-01,100\n"
        )
    };
    let huge = "A".repeat(5000);
    let datasets = dir.path().join("data/datasets");
    let before: Vec<_> = std::fs::read_dir(&datasets).unwrap().collect();
    // A partner, then a reporter (even of a row another reporter's, skipped otherwise).
    for (field, extract, at) in [
        (
            "partner",
            format!("{head}{}{}", row("BE", "CA"), row("BE", &huge)),
            "3:5",
        ),
        (
            "reporter",
            format!("{head}{}{}", row("BE", "WORLD"), row(&huge, "CA")),
            "3:4",
        ),
    ] {
        let file = dir.path().join("extract.csv");
        std::fs::write(&file, extract).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
            .args(["import", "comext", file.to_str().unwrap(), "--project"])
            .arg(dir.path())
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{field}: {printed}");
        assert!(
            printed.contains(&format!("extract.csv:{at}: field `{field}`"))
                && printed.contains("5000 characters long")
                && printed.contains("nothing was written"),
            "{field}: {printed}"
        );
        assert!(printed.len() < 1_000, "{} bytes printed", printed.len());
        assert_eq!(
            std::fs::read_dir(&datasets).unwrap().count(),
            before.len(),
            "{field}: a dataset was written"
        );
    }

    // The same through a mapping, and in a dataset written by hand.
    let mapping = dir.path().join("mapping.yaml");
    std::fs::copy(
        common::sample_project().join("tests/fixtures/import/generic.yaml"),
        &mapping,
    )
    .unwrap();
    let extract = dir.path().join("generic.csv");
    std::fs::write(
        &extract,
        format!("Reporter,Partner,Direction,Year,Section,Value (EUR)\nBE-BRU,{huge},Exports,2024,TOTAL,5\n"),
    )
    .unwrap();
    let (ok, printed) = run(
        dir.path(),
        &[
            "import",
            "csv",
            extract.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
            "--dataset",
            "generic",
        ],
    );
    assert!(!ok);
    assert!(
        printed.contains("generic.csv:2:2: field `Partner`") && printed.contains("5000 characters"),
        "{printed}"
    );
    assert!(!datasets.join("generic.csv").exists());
    let dataset = datasets.join("bru-goods.csv");
    let text = std::fs::read_to_string(&dataset).unwrap();
    std::fs::write(
        &dataset,
        format!("{text}BE-BRU,{huge},export,2024,TOTAL,5,illustrative\n"),
    )
    .unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok);
    assert!(
        printed.contains("unknown country code `AAAA") && printed.contains("partner"),
        "{printed}"
    );
    assert!(printed.len() < 2_000, "{} bytes printed", printed.len());
}

/// Issue 26.16: a FIFO in a profile's, a dataset's or the recipients' place hung `check`,
/// `build` and `mail` at `open`. In the project tree only regular files are read; a path
/// given on the command line may still be a pipe.
#[test]
fn a_pipe_in_the_project_tree_is_refused_not_waited_for() {
    for (rel, command) in [
        ("data/profiles/ca.yaml", "check"),
        ("data/datasets/be-goods.csv", "build"),
        ("data/recipients.csv", "mail"),
        // Found by a hostile pass: a pipe in an override's place was skipped for the
        // built-in file, in silence; in the configuration's or a metadata file's place it
        // was taken for no file at all.
        ("templates/brief.typ.j2", "build"),
        ("templates/i18n/en.yaml", "check"),
        ("data/datasets/be-goods.yaml", "check"),
        ("marketbrief.yaml", "check"),
    ] {
        let dir = project();
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if path.exists() {
            std::fs::remove_file(&path).unwrap();
        }
        let made = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(made.success());
        let mut child = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
            .args([command, "--project"])
            .arg(dir.path())
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > std::time::Duration::from_secs(60) {
                child.kill().unwrap();
                panic!("{command} hung on a FIFO at {rel}");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let output = child.wait_with_output().unwrap();
        let printed = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command}: {printed}");
        assert!(
            printed.contains("not a regular file"),
            "{command}: {printed}"
        );
        assert!(printed.contains(rel), "{command}: {printed}");
    }
}

/// Issue 26.12: a 215 kB profile with one 100 kB anchor repeated 1,000 times reached
/// 12.4 GB before it was killed; 300,000 aliases (2.6 MB) took the whole machine. What a
/// file's aliases stand for is bounded before anything is built from it.
#[test]
fn yaml_aliases_cannot_expand_beyond_the_limit() {
    let big = "x".repeat(100_000);
    let mut wide = format!("country: CA\nsummary: &big {{fr: \"{big}\", nl: x, en: x}}\nwhy:\n");
    for _ in 0..1000 {
        wide.push_str("  - *big\n");
    }
    let mut many = String::from(
        "country: CA\nsummary: {fr: x, nl: x, en: x}\nmarks: &a [x, x, x, x, x, x, x, x, x, x]\nwhy:\n",
    );
    for _ in 0..300_000 {
        many.push_str("- *a\n");
    }
    for (what, text) in [("a wide anchor", wide), ("300,000 aliases", many)] {
        let dir = project();
        std::fs::write(dir.path().join("data/profiles/ca.yaml"), &text).unwrap();
        let started = std::time::Instant::now();
        let (ok, printed) = run(dir.path(), &["check"]);
        assert!(!ok, "{what}");
        assert!(
            printed.contains("data/profiles/ca.yaml") && printed.contains("anchors and aliases"),
            "{what}: {}",
            &printed[..printed.len().min(2000)]
        );
        // Refused at once, not after gigabytes.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{what}"
        );
    }
    // A few small aliases, as a careful editor may use them, are read as usual.
    let small = marketbrief::limits::yaml_expands_too_far("a: &x [1, 2]\nb: *x\nc: *x\n");
    assert!(!small);
}

/// Issue 26.13: a 1.5 MB workbook whose sheet inflated to 1.5 GB used 9.2 GB and 78 s; a
/// 300 kB recipients workbook 1.29 GB. The bound on a table applies to the inflated sheet,
/// checked before the workbook is read.
#[test]
fn a_workbook_that_inflates_beyond_the_limit_is_refused_before_it_is_read() {
    use std::io::Write;
    let dir = project();
    let path = dir.path().join("bomb.xlsx");
    {
        let file = std::fs::File::create(&path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..300 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() < 2 << 20, "{} bytes", bytes.len());
    let why = marketbrief::limits::workbook_too_large(&bytes).expect("refused");
    assert!(why.contains("inflates to more than 256.0 MB"), "{why}");
    assert!(why.contains("xl/worksheets/sheet1.xml"), "{why}");
    // As recipients, and as a dataset to import: refused, named, before calamine reads it.
    let read = marketbrief::mail::recipients::read(dir.path(), Path::new("bomb.xlsx")).unwrap();
    assert!(
        read.errors.iter().any(|e| e.message.contains("inflates")),
        "{:?}",
        read.errors
    );
    let mapping = dir.path().join("mapping.yaml");
    std::fs::write(
        &mapping,
        "columns: {partner: p, flow: f, period: t, value: v}\nconstants: {reporter: BE}\nmetadata: {}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["import", "xlsx"])
        .arg(&path)
        .arg("--mapping")
        .arg(&mapping)
        .args(["--dataset", "bomb", "--project"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && err.contains("inflates"),
        "{err}"
    );
}

/// Issue 26.15: a symlinked profile's target was echoed by `check --format json`, and a
/// symlinked template pulled into the brief by `{% include %}` printed a system file's lines
/// in an error and a secret file's text in the PDF. What the project's own files pull in is
/// read only from inside the project, links resolved; neither the target nor its text shows.
#[test]
fn links_from_the_project_to_files_outside_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "country: CA\nsummary: TOPSECRET-41\n").unwrap();
    let target = outside.path().display().to_string();

    // A profile.
    let dir = project();
    let profile = dir.path().join("data/profiles/ca.yaml");
    std::fs::remove_file(&profile).unwrap();
    std::os::unix::fs::symlink(&secret, &profile).unwrap();
    for format in ["human", "json"] {
        let (ok, printed) = run(dir.path(), &["check", "--format", format]);
        assert!(!ok, "{printed}");
        assert!(printed.contains("outside the project"), "{printed}");
        assert!(printed.contains("data/profiles/ca.yaml"), "{printed}");
        assert!(
            !printed.contains("TOPSECRET") && !printed.contains(&target),
            "{printed}"
        );
    }

    // A template that includes a linked file.
    let dir = project();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let brief =
        std::fs::read_to_string(common::sample_project().join("templates/brief.typ.j2")).unwrap();
    std::fs::write(
        templates.join("brief.typ.j2"),
        format!("{brief}\n{{% include \"note.j2\" %}}\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, templates.join("note.j2")).unwrap();
    let (ok, printed) = run(dir.path(), &["build", "--country", "ca", "--lang", "en"]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("outside the project"), "{printed}");
    assert!(
        !printed.contains("TOPSECRET") && !printed.contains(&target),
        "{printed}"
    );
    let pdf = dir.path().join("output/2025-Q3/ca-en.pdf");
    assert!(!pdf.exists() || !common::pdf_text(&pdf).contains("TOPSECRET"));

    // The recipients file too (found by a hostile pass: a link to /etc/passwd printed its
    // lines as column names).
    let dir = project();
    let recipients = dir.path().join("data/recipients.csv");
    std::fs::write(&secret, "email,TOPSECRET-41\n").unwrap();
    std::os::unix::fs::symlink(&secret, &recipients).unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("outside the project"), "{printed}");
    assert!(
        !printed.contains("TOPSECRET") && !printed.contains(&target),
        "{printed}"
    );

    // A link inside the project is the project's own file.
    let dir = project();
    let profile = dir.path().join("data/profiles/ca.yaml");
    let kept = dir.path().join("data/ca-profile.yaml");
    std::fs::rename(&profile, &kept).unwrap();
    std::os::unix::fs::symlink(&kept, &profile).unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!printed.contains("outside the project"), "{printed}");
    let _ = ok;
}

/// Found by a hostile pass: a profile's file name holding terminal escapes was printed raw
/// by `check`; as with quoted lines, control characters are shown as symbols.
#[test]
fn control_characters_in_a_file_name_reach_no_terminal() {
    let dir = project();
    let jp = std::fs::read(dir.path().join("data/profiles/jp.yaml")).unwrap();
    std::fs::write(
        dir.path()
            .join("data/profiles/x\u{1b}]0;PWNED\u{7}\u{1b}[2J.yaml"),
        jp,
    )
    .unwrap();
    let (ok, printed) = run(dir.path(), &["check"]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("PWNED"), "{printed}");
    assert!(
        !printed.contains('\u{1b}') && !printed.contains('\u{7}'),
        "{printed:?}"
    );
    assert!(printed.contains("x␛]0;PWNED␇␛[2J"), "{printed}");
}
