//! One module per subcommand; each chains the pipeline stages and reports.

pub mod build;
pub mod bundle;
pub mod check;
pub mod diff;
pub mod import;
pub mod init;
pub mod mail;
pub mod new;
pub mod watch;

use crate::cli::{Cli, Command};
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
    match cli.command {
        Command::Build(args) => build::run(&args, &mut std::io::stdout(), &mut std::io::stderr()),
        Command::Import(crate::cli::ImportSource::Comext(args)) => {
            import::run(&args, &mut std::io::stdout())
        }
        Command::Import(crate::cli::ImportSource::Csv(args)) => {
            import::run_mapped(&args, &mut std::io::stdout())
        }
        Command::Import(crate::cli::ImportSource::Xlsx(args)) => {
            import::run_sheet(&args, &mut std::io::stdout())
        }
        Command::Init(args) => init::run(&args, &mut std::io::stdout()),
        Command::New(args) => new::run(&args, &mut std::io::stdout()),
        Command::Bundle(args) => bundle::run(&args, &mut std::io::stdout(), &mut std::io::stderr()),
        Command::Diff(args) => diff::run(&args, &mut std::io::stdout()),
        // A mailing stopped halfway by a closed pipe would leave messages unprepared or a
        // send cut short: it runs to its end whoever reads.
        Command::Mail(args) => mail::run(
            &args,
            &mut crate::output::IgnoreClosed(std::io::stdout()),
            &mut crate::output::IgnoreClosed(std::io::stderr()),
        ),
        Command::Watch(args) => watch::run(&args, &mut std::io::stdout(), &mut std::io::stderr()),
        Command::Check(args) => {
            use std::io::IsTerminal;
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            check::run(
                &args,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
                colour,
            )
        }
    }
}
