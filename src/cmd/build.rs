//! `marketbrief build`: every requested profile × language into
//! `<out>/<edition>/<code>-<lang>.pdf`.

use crate::brief::Renderer;
use crate::cli::BuildArgs;
use crate::cmd::Outcome;
use crate::error::InputErrors;
use crate::i18n::Lang;
use crate::output;
use crate::project::Project;
use crate::validate;
use anyhow::{Result, bail};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// One brief's result, for the summary.
struct Failure {
    brief: String,
    error: String,
}

pub fn run(args: &BuildArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let started = Instant::now();
    let project = Project::load(&args.project)?;
    let edition = args.edition.unwrap_or(project.config.edition);
    let langs: Vec<Lang> = if args.langs.is_empty() {
        project.config.languages.clone()
    } else {
        args.langs.clone()
    };
    let out_root = args
        .out
        .clone()
        .unwrap_or_else(|| args.project.join("output"));
    let out_dir: PathBuf = out_root.join(edition.to_string());

    let wanted: Vec<String> = args
        .countries
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for code in &wanted {
        if !project.profiles.iter().any(|p| &p.code == code) {
            bail!(
                "no profile for country `{code}`: expected {}/{code}.yaml",
                crate::project::PROFILES_DIR
            );
        }
    }
    if project.profiles.is_empty() {
        bail!(
            "no profiles in {}: nothing to build",
            args.project.join(crate::project::PROFILES_DIR).display()
        );
    }

    // Problems shared by every brief stop the whole build.
    let mut shared = project.problems.clone();
    shared.extend(validate::project(&project, &langs));
    if !shared.is_empty() {
        return Err(InputErrors(shared).into());
    }

    let renderer = Renderer::new(&project)?;
    let mut built = 0usize;
    let mut failures = Vec::new();
    for entry in project
        .profiles
        .iter()
        .filter(|p| wanted.is_empty() || wanted.contains(&p.code))
    {
        for &lang in &langs {
            let name = format!("{}-{}", entry.code, lang);
            let path = out_dir.join(format!("{name}.pdf"));
            let result = match &entry.profile {
                Err(errors) => Err(InputErrors(errors.clone()).into()),
                Ok(profile) => renderer
                    .build(&entry.path, profile, lang, edition)
                    .and_then(|brief| {
                        output::write_atomic(&path, &brief.typeset.pdf)?;
                        Ok(brief)
                    }),
            };
            match result {
                Ok(brief) => {
                    built += 1;
                    writeln!(
                        out,
                        "wrote {} ({} pages, {} KB)",
                        path.display(),
                        brief.typeset.pages,
                        brief.typeset.pdf.len().div_ceil(1024)
                    )?;
                    for warning in &brief.typeset.warnings {
                        writeln!(err, "warning: {name}: {warning}")?;
                    }
                }
                Err(e) => {
                    writeln!(err, "error: {name}: {e:#}")?;
                    failures.push(Failure {
                        brief: name,
                        error: format!("{e:#}"),
                    });
                }
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if failures.is_empty() {
        writeln!(
            out,
            "built {built} briefs in {} ({seconds:.1} s)",
            out_dir.display()
        )?;
        Ok(Outcome::Success)
    } else {
        writeln!(
            out,
            "built {built} briefs, {} failed ({seconds:.1} s); existing PDFs of failed briefs were left untouched:",
            failures.len()
        )?;
        for f in &failures {
            let first_line = f.error.lines().next().unwrap_or_default();
            writeln!(out, "  {}: {first_line}", f.brief)?;
        }
        Ok(Outcome::Failure)
    }
}
