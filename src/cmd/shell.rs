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
