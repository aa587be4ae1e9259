//! `marketbrief completions SHELL` and `marketbrief man`: the shell's conventions, generated
//! from the clap definition so they never fall behind the commands.

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::cmd::Outcome;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

/// Prints the completion script: `marketbrief completions bash > ~/.local/share/bash-completion/completions/marketbrief`.
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let mut command = Cli::command();
    // Into memory first: clap_complete panics on a write error (a closed pipe, a full disk).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "marketbrief", &mut script);
    out.write_all(&script)?;
    Ok(Outcome::Success)
}

/// Writes `marketbrief.1` and `marketbrief-<command>.1` for each command into `--out`.
pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<Outcome> {
    let command = Cli::command();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut pages = vec![("marketbrief".to_string(), command.clone())];
    for sub in command.get_subcommands() {
        let name = format!("marketbrief-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    for (name, page) in pages {
        let mut roff = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut roff)
            .with_context(|| format!("cannot render the page of {name}"))?;
        let path = args.out.join(format!("{name}.1"));
        crate::output::write_atomic(&path, &roff)?;
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(Outcome::Success)
}

/// `docs/reference/commands.md`: every command's full `--help`, generated from the clap
/// definition like the manual pages, so the reference cannot fall behind the commands
/// (`tests/reference.rs` compares the file with this).
pub fn commands_reference() -> String {
    let mut root = Cli::command();
    // Gives every subcommand its full name ("marketbrief build") for its usage line.
    root.build();
    let mut text = String::from(
        "# Command reference\n\n\
         Every command of `marketbrief` with its options, as `marketbrief <command> --help` \
         prints them. Generated from the command-line definitions (`src/cli.rs`): do not edit \
         by hand; after changing a command, regenerate it with \
         `MARKETBRIEF_BLESS=1 cargo test --test reference`. The same text is in the manual \
         pages (`marketbrief man --out DIR`).\n\n",
    );
    let mut commands = Vec::new();
    collect(&root, "marketbrief", &mut commands);
    text.push_str("## Contents\n\n");
    for (path, _) in &commands {
        text.push_str(&format!("- [`{path}`](#{})\n", path.replace(' ', "-")));
    }
    text.push('\n');
    for (path, mut command) in commands {
        text.push_str(&format!("## {path}\n\n```text\n"));
        let help = command.render_long_help().to_string();
        text.push_str(help.trim_end());
        text.push_str("\n```\n\n");
    }
    text.truncate(text.trim_end().len());
    text.push('\n');
    text
}

/// `command` and its subcommands (but clap's own `help`), each with its full name.
fn collect(command: &clap::Command, path: &str, into: &mut Vec<(String, clap::Command)>) {
    into.push((path.to_string(), command.clone()));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub, &format!("{path} {}", sub.get_name()), into);
    }
}
