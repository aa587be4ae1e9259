//! One module per subcommand; each chains the pipeline stages and reports.

pub mod build;
pub mod bundle;
pub mod check;
pub mod diff;
pub mod import;
pub mod init;
pub mod mail;
pub mod new;
pub mod schema;
pub mod shell;
pub mod watch;

use crate::cli::{Cli, Command, Verbosity};
use anyhow::Result;

/// How a command ended, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything succeeded.
    Success,
    /// The command ran but some of its work failed (reported already).
    Failure,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let verbosity = cli.verbosity();
    let mut stdout = std::io::stdout();
    let mut sink = std::io::sink();
    // What a command says it did (`wrote …`, summaries) goes unless `--quiet`; errors and
    // warnings (stderr) and what a command is asked for (a diff, JSON, a script) always
    // stay.
    let info: &mut dyn std::io::Write = if verbosity == Verbosity::Quiet {
        &mut sink
    } else {
        &mut stdout
    };
    let err = &mut std::io::stderr();
    match cli.command {
        Command::Build(args) => build::run_with(&args, verbosity, info, err),
        Command::Import(crate::cli::ImportSource::Comext(args)) => import::run(&args, info),
        Command::Import(crate::cli::ImportSource::Csv(args)) => import::run_mapped(&args, info),
        Command::Init(args) => init::run(&args, info),
        Command::New(args) => new::run(&args, info),
        Command::Schema(args) => schema::run(&args, info),
        Command::Completions(args) => shell::completions(&args, &mut std::io::stdout()),
        Command::Man(args) => shell::man(&args, info),
        Command::Bundle(args) => bundle::run(&args, info, err),
        Command::Diff(args) => diff::run(&args, &mut std::io::stdout()),
        // A mailing stopped halfway by a closed pipe would leave messages unprepared or a
        // send cut short: it runs to its end whoever reads.
        Command::Mail(args) => mail::run(
            &args,
            &mut crate::output::IgnoreClosed(info),
            &mut crate::output::IgnoreClosed(err),
        ),
        Command::Watch(args) => watch::run(&args, info, err),
        Command::Check(args) => {
            use std::io::IsTerminal;
            let colour = colour_wanted(std::io::stderr().is_terminal());
            // JSON diagnostics are what `check --format json` is asked for.
            let out: &mut dyn std::io::Write = if args.format == crate::cli::DiagnosticFormat::Json
            {
                &mut std::io::stdout()
            } else {
                info
            };
            check::run(&args, out, err, colour)
        }
    }
}

/// Colours on a terminal, unless `NO_COLOR` is set (no-color.org); always with
/// `CLICOLOR_FORCE` set to anything but `0` (bixense.com/clicolors).
pub fn colour_wanted(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("CLICOLOR_FORCE") && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    terminal && !set("NO_COLOR")
}
