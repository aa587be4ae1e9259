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
