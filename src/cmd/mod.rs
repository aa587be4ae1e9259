//! One module per subcommand; each chains the pipeline stages and reports.

pub mod build;
pub mod bundle;
pub mod check;
pub mod diff;
pub mod import;
pub mod init;
pub mod mail;
pub mod new;
pub mod progress;
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
    use crate::output::IgnoreClosed;
    let verbosity = cli.verbosity();
    // A reader that stops reading (`check | head`, `build | head -1`) must neither stop a
    // command halfway nor turn problems found into a success: what cannot be printed any
    // more is dropped, the work goes on to its end and its status stands.
    let mut stdout = IgnoreClosed(std::io::stdout());
    let mut sink = std::io::sink();
    // What a command says it did (`wrote …`, summaries) goes unless `--quiet`; errors and
    // warnings (stderr) and what a command is asked for (a diff, JSON, a script) always
    // stay.
    let info: &mut dyn std::io::Write = if verbosity == Verbosity::Quiet {
        &mut sink
    } else {
        &mut stdout
    };
    let err = &mut IgnoreClosed(std::io::stderr());
    let mut asked = IgnoreClosed(std::io::stdout());
    match cli.command {
        Command::Build(args) => build::run_with(&args, verbosity, info, err),
        Command::Import(crate::cli::ImportSource::Comext(args)) => import::run(&args, info),
        Command::Import(crate::cli::ImportSource::Csv(args)) => import::run_mapped(&args, info),
        Command::Import(crate::cli::ImportSource::Xlsx(args)) => import::run_sheet(&args, info),
        Command::Init(args) => init::run(&args, info),
        Command::New(args) => new::run(&args, info, err),
        Command::Schema(args) => schema::run(&args, info),
        Command::Completions(args) => shell::completions(&args, &mut asked),
        Command::Man(args) => shell::man(&args, info),
        Command::Bundle(args) => bundle::run(&args, info, err),
        Command::Diff(args) => diff::run(&args, &mut asked),
        Command::Mail(args) => mail::run(&args, info, err),
        Command::Watch(args) => watch::run(&args, info, err),
        Command::Check(args) => {
            use std::io::IsTerminal;
            let colour = colour_wanted(std::io::stderr().is_terminal());
            // JSON diagnostics are what `check --format json` is asked for.
            let out: &mut dyn std::io::Write = if args.format == crate::cli::DiagnosticFormat::Json
            {
                &mut asked
            } else {
                info
            };
            check::run(&args, out, err, colour)
        }
    }
}

/// Colours on a terminal or with `CLICOLOR_FORCE` set to anything but `0`
/// (bixense.com/clicolors), and never with `NO_COLOR` set (no-color.org), which wins.
pub fn colour_wanted(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    terminal
        || (set("CLICOLOR_FORCE") && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0"))
}
