use clap::Parser;
use marketbrief::cli::Cli;
use marketbrief::cmd::{self, Outcome};
use marketbrief::error::{Error, InputError, InputErrors};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse().find_project();
    match cmd::run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) => ExitCode::from(1),
        // A reader that stopped reading (`marketbrief build | head -1`) is not an error:
        // the work is done and recorded, as ripgrep and cargo treat it.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Never panic on a closed stderr either.
            // Control characters from a file name or a value never reach the terminal raw.
            let text = marketbrief::diag::visible(&format!("{e:#}"));
            let _ = writeln!(std::io::stderr(), "error: {text}");
            ExitCode::from(exit_status(&e))
        }
    }
}

/// 1 when inputs must be fixed (as for problems found), 2 for anything else: the command
/// line, a file that cannot be read or written, the machine.
fn exit_status(e: &anyhow::Error) -> u8 {
    let input = e.chain().any(|cause| {
        cause.is::<InputError>()
            || cause.is::<InputErrors>()
            || cause
                .downcast_ref::<Error>()
                .is_some_and(|e| matches!(e, Error::Input(_)))
    });
    if input { 1 } else { 2 }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
