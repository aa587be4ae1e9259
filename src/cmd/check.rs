//! `marketbrief check`: validates everything a build would use — configuration, catalogues,
//! datasets, profiles, the template and the Typst it produces — without writing a PDF, and
//! reports every problem at once.

use crate::cli::CheckArgs;
use crate::cli::DiagnosticFormat;
use crate::cmd::Outcome;
use crate::diag::{self, Severity};

use crate::project::Project;
use crate::validate;
use anyhow::Result;
use std::io::Write;

pub fn run(
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    colour: bool,
) -> Result<Outcome> {
    let root = &args.project;
    let config_path = std::path::Path::new(crate::config::CONFIG_FILE);
    let json = args.format == DiagnosticFormat::Json;
    if args.fix {
        // With `--format json` standard output holds only the problems, one JSON object a
        // line: what was fixed goes to standard error, with the summary.
        fix(args, if json { &mut *err } else { &mut *out })?;
    }
    let project = match Project::load(root) {
        Ok(project) => project,
        // Inputs to fix are problems found; anything else (no project here, a file that
        // cannot be read) is not a check's finding but an error of its own (exit status 2).
        Err(crate::error::Error::Input(errors)) => {
            let errors = errors.0;
            if json {
                for error in &errors {
                    writeln!(out, "{}", diag::json_line(Severity::Error, error))?;
                }
            } else {
                diag::emit(&errors, root, &Default::default(), err, colour)?;
            }
            let summary = format!(
                "found {} problem{} (the project could not be loaded)",
                errors.len(),
                plural(errors.len())
            );
            if json {
                writeln!(err, "{summary}")?;
            } else {
                writeln!(out, "{summary}")?;
            }
            return Ok(Outcome::Failure);
        }
        Err(e) => return Err(e.into()),
    };
    let settings = crate::settings::Settings::resolve(&project, root, &args.langs, None, None);
    let langs = &settings.langs;

    let mut errors = project.problems.clone();
    // `build` refuses a project without profiles: `check` must not call it clean.
    if project.profiles.is_empty() {
        errors.push(crate::error::InputError::new(
            crate::project::PROFILES_DIR,
            "no profiles: nothing to build (start one with `marketbrief new CODE`)",
        ));
    }
    errors.extend(validate::project(&project, langs));
    errors.extend(validate::missions(&project));
    // With every shared input sound, each brief is built in memory — template and Typst
    // included; otherwise the profiles are only validated, since a dry run would fail for
    // the shared reasons already reported.
    // The dry run is `build`'s own: the same renderer and previous edition (a brief that
    // overflows only with its "since the last edition" box fails here too), on the worker
    // threads.
    let dry_run = errors.is_empty();
    let edition = settings.edition;
    for entry in &project.profiles {
        match &entry.profile {
            Err(profile_errors) => errors.extend(profile_errors.iter().cloned()),
            Ok(profile) if !dry_run => {
                for &lang in langs {
                    errors.extend(validate::profile(&project, &entry.path, profile, &[lang]));
                }
            }
            Ok(_) => {}
        }
    }
    let mut notes = Vec::new();
    if dry_run {
        let found = crate::builder::dry_run(&project, &settings, None)?;
        for (path, e) in found.failed {
            errors.extend(e.into_input_errors(&path));
        }
        notes = found.notes;
    }
    let (mail_errors, mail_warnings, recipients) =
        crate::cmd::mail::check_recipients(&project, args.recipients.as_deref())?;
    errors.extend(mail_errors);
    // The style of what advisers wrote: warnings, located like errors.
    let mut warnings = validate::edition_dates(&project, edition);
    warnings.extend(validate::legal_mentions(&project));
    // From the dry run, which ran only when the shared inputs are sound (missing rows say
    // nothing otherwise), and for profiles without errors of their own (no brief is built
    // from those).
    for (path, notes) in notes {
        if !errors.iter().any(|e| e.file == path) {
            warnings.extend(notes.left_out);
            warnings.extend(notes.examples);
        }
    }
    match crate::style::load(&project.assets) {
        Ok(rules) => {
            for entry in project.profiles.iter().filter(|e| e.profile.is_ok()) {
                let text = project.sources.text(&entry.path);
                warnings.extend(crate::style::check_profile(
                    &rules,
                    &entry.path,
                    text,
                    langs,
                ));
            }
        }
        Err(e) => errors.extend(e.into_input_errors(config_path)),
    }
    // The same problem found for several languages is reported once.
    let mut seen = Vec::new();
    errors.retain(|e| {
        let fresh = !seen.contains(e);
        if fresh {
            seen.push(e.clone());
        }
        fresh
    });
    if json {
        let found = errors.iter().map(|e| (Severity::Error, e));
        let warned = warnings.iter().chain(&mail_warnings);
        for (severity, problem) in found.chain(warned.map(|w| (Severity::Warning, w))) {
            writeln!(out, "{}", diag::json_line(severity, problem))?;
        }
    } else {
        diag::emit(&errors, root, &project.sources, err, colour)?;
        diag::emit_as(
            Severity::Warning,
            &warnings,
            root,
            &project.sources,
            err,
            colour,
        )?;
        for warning in &mail_warnings {
            writeln!(err, "warning: {warning}")?;
        }
    }

    let warned = warnings.len() + mail_warnings.len();
    let langs_text: Vec<&str> = langs.iter().map(|l| l.code()).collect();
    let scope = format!(
        "{} profile{} in {}",
        project.profiles.len(),
        plural(project.profiles.len()),
        langs_text.join(", ")
    ) + &recipients
        .map(|n| format!(" and {n} recipient{}", plural(n)))
        .unwrap_or_default();
    let warned_text = format!("{warned} warning{}", plural(warned));
    let (summary, outcome) = if args.deny_warnings && warned > 0 {
        let problems = errors.len() + warned;
        (
            format!(
                "found {problems} problem{} ({warned_text}, denied)",
                plural(problems)
            ),
            Outcome::Failure,
        )
    } else if errors.is_empty() {
        match warned {
            0 => ("no problems".to_string(), Outcome::Success),
            _ => (format!("no errors, {warned_text}"), Outcome::Success),
        }
    } else {
        let warned_text = match warned {
            0 => String::new(),
            _ => format!(", {warned_text}"),
        };
        (
            format!(
                "found {} problem{}{warned_text}",
                errors.len(),
                plural(errors.len())
            ),
            Outcome::Failure,
        )
    };
    // With JSON on stdout, the summary is for the person watching, on stderr.
    if json {
        writeln!(err, "checked {scope}: {summary}")?;
    } else {
        writeln!(out, "checked {scope}: {summary}")?;
    }
    Ok(outcome)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `check --fix`: the style rules' safe fixes made in each profile (or shown, with
/// `--dry-run`), each change listed, before the check itself.
fn fix(args: &CheckArgs, out: &mut dyn Write) -> Result<()> {
    let assets = crate::assets::Assets::with_project(&args.project);
    let rules = crate::style::load(&assets)?;
    let langs: Vec<crate::i18n::Lang> = if args.langs.is_empty() {
        crate::i18n::Lang::ALL.to_vec()
    } else {
        args.langs.clone()
    };
    let dir = args.project.join(crate::project::PROFILES_DIR);
    let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml") && p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let (mut texts, mut profiles) = (0, 0);
    for path in files {
        let shown = crate::deps::rel_path(path.strip_prefix(&args.project).unwrap_or(&path));
        let Ok(bytes) = crate::limits::read(&path) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let fixed = crate::style::fix_profile(&rules, &text, &langs);
        for change in &fixed.changes {
            writeln!(
                out,
                "{} {shown}:{} {}",
                if args.dry_run { "would fix" } else { "fixed" },
                change.line,
                change.field
            )?;
            for line in &change.before {
                writeln!(out, "  - {}", crate::diag::visible(line.trim()))?;
            }
            for line in &change.after {
                writeln!(out, "  + {}", crate::diag::visible(line.trim()))?;
            }
        }
        for (field, line) in &fixed.left {
            writeln!(
                out,
                "left {shown}:{line} {field}: a quoted or split text, fix it by hand"
            )?;
        }
        if !fixed.changes.is_empty() {
            texts += fixed.changes.len();
            profiles += 1;
            if !args.dry_run {
                crate::output::write_atomic(&path, fixed.text.as_bytes())?;
            }
        }
    }
    writeln!(
        out,
        "{} {texts} text{} in {profiles} profile{}{}",
        if args.dry_run { "would fix" } else { "fixed" },
        plural(texts),
        plural(profiles),
        if args.dry_run {
            " (nothing written)"
        } else {
            ""
        }
    )?;
    Ok(())
}
