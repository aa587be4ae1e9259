//! The command reference in `docs/reference/commands.md` is what the commands' `--help`
//! says: generated from the clap definition, and compared here so it cannot drift.
//! Regenerate it with `MARKETBRIEF_BLESS=1 cargo test --test reference`.

use std::path::PathBuf;

#[test]
fn the_command_reference_is_what_the_commands_say() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/reference/commands.md");
    let generated = marketbrief::cmd::shell::commands_reference();
    if std::env::var_os("MARKETBRIEF_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == generated,
        "{} is not what the commands' --help says; regenerate it with MARKETBRIEF_BLESS=1 cargo test --test reference",
        path.display()
    );
    // It has teeth: every command is in it, with its options.
    for needle in [
        "## marketbrief build\n",
        "## marketbrief import comext\n",
        "## marketbrief mail\n",
        "--resend-uncertain",
        "--emit-typst <DIR>",
    ] {
        assert!(
            generated.contains(needle),
            "`{needle}` not in the reference"
        );
    }
}
