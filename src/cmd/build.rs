//! `marketbrief build`: every requested profile × language into
//! `<out>/<edition>/<code>-<lang>.pdf`, in parallel, skipping briefs whose inputs have not
//! changed since their PDF was written. The work is [`crate::builder`]'s; this prints it.

use crate::assets::Assets;
use crate::builder::{BriefOutcome, Request};
use crate::cli::{BuildArgs, Verbosity};
use crate::cmd::Outcome;
use crate::project::Project;
use crate::settings::Settings;
use crate::timings::{Stage, Timings};
use anyhow::Result;
use std::collections::BTreeSet;
use std::io::Write;
use std::time::Instant;

pub use crate::builder::emit_typst_project;

pub fn run(args: &BuildArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    run_with(args, Verbosity::Normal, out, err)
}

/// Like [`run`], printing as much as `verbosity` asks: `--verbose` adds each brief skipped
/// and the timings.
pub fn run_with(
    args: &BuildArgs,
    verbosity: Verbosity,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let assets = Assets::with_project(&args.project);
    let mut inputs = BTreeSet::new();
    build(args, verbosity, &assets, &mut inputs, out, err)
}

/// Builds like [`run`], and returns with the outcome every file the build read or its
/// briefs recorded — those of skipped briefs, and of failed ones as far as they got — for
/// `watch` to watch. When the build fails as a whole, the files read until then.
pub fn run_reporting_inputs(
    args: &BuildArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> (Result<Outcome>, BTreeSet<String>) {
    let assets = Assets::with_project(&args.project);
    let mut inputs = BTreeSet::new();
    let outcome = build(args, Verbosity::Normal, &assets, &mut inputs, out, err);
    inputs.extend(assets.noted());
    (outcome, inputs)
}

fn build(
    args: &BuildArgs,
    verbosity: Verbosity,
    assets: &Assets,
    inputs: &mut BTreeSet<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let project = timings.time(Stage::Load, || {
        Project::load_with(&args.project, assets.clone())
    })?;
    let settings = Settings::resolve(
        &project,
        &args.project,
        &args.langs,
        args.edition,
        args.out.as_deref(),
    );
    let request = Request {
        countries: args.countries.clone(),
        force: args.force,
        draft: args.draft,
        emit_typst: args.emit_typst.clone(),
        standards: crate::builder::parse_standards(&args.standards)?,
        workers: args.jobs,
        only: None,
    };
    let progress = crate::cmd::progress::Briefs::new(verbosity != Verbosity::Quiet);
    let report = crate::builder::build(&project, &settings, &request, inputs, &progress)?;
    progress.finish();
    timings.merge(&report.timings);

    for warning in &report.notes {
        writeln!(err, "warning: {warning}")?;
    }
    if let Some(e) = &report.previous_unreadable {
        writeln!(
            err,
            "warning: {}; the briefs have no \"since the last edition\" box",
            crate::error::chain(e)
        )?;
    }
    for (name, outcome) in &report.briefs {
        match outcome {
            BriefOutcome::Built {
                pdf,
                pages,
                bytes,
                warnings,
            } => {
                writeln!(
                    out,
                    "wrote {} ({pages} pages, {} KB)",
                    pdf.display(),
                    bytes.div_ceil(1024)
                )?;
                for warning in warnings {
                    writeln!(err, "warning: {name}: {warning}")?;
                }
            }
            BriefOutcome::Failed(e) => writeln!(
                err,
                "error: {name}: {}",
                crate::diag::visible(&crate::error::chain(e))
            )?,
        }
    }

    if verbosity == Verbosity::Verbose {
        for name in &report.skipped {
            writeln!(out, "skipped {name}: its inputs have not changed")?;
        }
    }
    let built = report.built();
    let seconds = started.elapsed().as_secs_f64();
    if args.timings || verbosity == Verbosity::Verbose {
        write!(out, "{}", timings.report(built))?;
    }
    let skipped_text = if !report.skipped.is_empty() {
        format!(", skipped {} unchanged", report.skipped.len())
    } else {
        String::new()
    };
    let failures: Vec<(&str, String)> = report
        .failed()
        .map(|(name, e)| (name, crate::error::chain(e)))
        .collect();
    if failures.is_empty() {
        writeln!(
            out,
            "built {built} {}{skipped_text} in {} ({seconds:.1} s)",
            if built == 1 { "brief" } else { "briefs" },
            report.out_dir.display()
        )?;
        Ok(Outcome::Success)
    } else {
        writeln!(
            out,
            "built {built} {}{skipped_text}, {} failed ({seconds:.1} s); existing PDFs of failed briefs were left untouched:",
            if built == 1 { "brief" } else { "briefs" },
            failures.len()
        )?;
        for (name, error) in &failures {
            writeln!(
                out,
                "  {name}: {}",
                error.lines().next().unwrap_or_default()
            )?;
        }
        Ok(Outcome::Failure)
    }
}
