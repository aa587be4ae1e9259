//! `marketbrief build`: every requested profile × language into
//! `<out>/<edition>/<code>-<lang>.pdf`, in parallel, skipping briefs whose inputs have not
//! changed since their PDF was written.

use crate::assets::Assets;
use crate::brief::{Brief, Renderer};
use crate::cli::BuildArgs;
use crate::cmd::Outcome;
use crate::config::Edition;
use crate::deps::Deps;
use crate::error::InputErrors;
use crate::i18n::Lang;
use crate::incremental::{BriefKey, Inputs, ManifestEntry, State};
use crate::output;
use crate::project::{ProfileEntry, Project};
use crate::settings::Settings;
use crate::timings::{Stage, Timings};
use crate::validate;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Typst recurses deeply while laying out; worker threads need more than the default stack.
const WORKER_STACK: usize = 16 << 20;

/// One brief to build.
struct Job<'a> {
    entry: &'a ProfileEntry,
    lang: Lang,
    name: String,
    pdf: PathBuf,
    /// What the brief's digest covers besides its files.
    settings: String,
}

enum JobResult {
    Built {
        pages: usize,
        sha256: String,
        bytes: usize,
        warnings: Vec<String>,
        timings: Box<Timings>,
        record: Box<crate::record::BriefFigures>,
        inputs: Inputs,
    },
    /// The error, with the files the brief had read when it failed.
    Failed(anyhow::Error, BTreeSet<String>),
}

pub fn run(args: &BuildArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    run_reporting_inputs(args, out, err).0
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
    let outcome = build(args, &assets, &mut inputs, out, err);
    inputs.extend(assets.noted());
    (outcome, inputs)
}

fn build(
    args: &BuildArgs,
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
    let (edition, langs) = (settings.edition, &settings.langs);
    let out_dir: PathBuf = settings.out_dir();

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
    shared.extend(validate::project(&project, langs));
    if !shared.is_empty() {
        return Err(InputErrors(shared).into());
    }

    let standards = parse_standards(&args.standards)?;
    // The previous edition's record feeds the "since the last edition" box: it is an input.
    let previous = if project.config.since_last_edition {
        let dir = settings.edition_dir(edition.previous());
        match crate::incremental::read_figures(&dir) {
            Ok(figures) => Some((edition.previous(), figures)),
            // No previous edition: nothing to compare with. One that cannot be read is said.
            Err(_) if !dir.join(crate::incremental::FIGURES_FILE).exists() => None,
            Err(e) => {
                writeln!(
                    err,
                    "warning: {e:#}; the briefs have no \"since the last edition\" box"
                )?;
                None
            }
        }
    } else {
        None
    };
    let fonts = timings.time(Stage::Load, || project.assets.fonts())?;
    // One build at a time per edition folder: the record is read here and written when the
    // briefs are done, and two builds doing so at once would each drop the other's entries.
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    // Beside the edition folder, which holds only briefs and their record.
    let lock_path = settings.out_root.join(format!(".{edition}.lock"));
    let lock = crate::output::open_lock(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", out_dir.display()))?;
    crate::output::remove_stale_temporaries(&out_dir);
    let mut state = State::load(&out_dir, edition)?;
    let mut jobs = Vec::new();
    let mut skipped = 0usize;
    timings.time(Stage::Load, || {
        for entry in project
            .profiles
            .iter()
            .filter(|p| wanted.is_empty() || wanted.contains(&p.code))
        {
            for &lang in langs {
                let name = format!("{}-{}", entry.code, lang);
                let file = format!("{name}.pdf");
                let pdf = out_dir.join(&file);
                // Only this brief's own figures of the previous edition are an input.
                let previous_figures = previous.as_ref().map(|(edition, briefs)| {
                    let figures = serde_json::to_string(&briefs.get(&name)).unwrap_or_default();
                    format!("{edition}:{figures}")
                });
                let settings = format!(
                    "standards={standards:?} draft={} previous={}",
                    args.draft,
                    previous_figures.unwrap_or_default()
                );
                let key = BriefKey {
                    settings: &settings,
                    edition,
                    lang,
                };
                // Emitting Typst needs the generated source, so it builds every brief.
                if !args.force
                    && args.emit_typst.is_none()
                    && state.is_current(&file, &pdf, &key, &project.assets)
                {
                    skipped += 1;
                    inputs.extend(
                        state
                            .entry(&file)
                            .into_iter()
                            .flat_map(|e| e.files.keys().cloned()),
                    );
                    continue;
                }
                jobs.push(Job {
                    entry,
                    lang,
                    name,
                    pdf,
                    settings,
                });
            }
        }
    });

    let mut results = Vec::new();
    if !jobs.is_empty() {
        let renderer = timings.time(Stage::Load, || {
            Renderer::with_fonts(&project, fonts.clone(), standards.clone()).map(|r| {
                let r = r.with_draft(args.draft);
                match previous.clone() {
                    Some((edition, figures)) => r.with_previous_edition(edition, figures),
                    None => r,
                }
            })
        })?;
        let workers = args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let progress = progress_bar(jobs.len());
        results = run_workers(workers, &jobs, |job| {
            let result = build_one(
                &renderer,
                job,
                edition,
                args.emit_typst.as_deref(),
                &fonts,
                &project.assets,
            );
            progress.inc(1);
            result
        })?;
        progress.finish_and_clear();
    }

    let mut built = 0usize;
    let mut failures = Vec::new();
    // Lines for stdout (false) or stderr (true), printed once the record is saved.
    let mut printed: Vec<(bool, String)> = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            JobResult::Built {
                pages,
                sha256,
                bytes,
                warnings,
                timings: brief_timings,
                record,
                inputs: files,
            } => {
                built += 1;
                inputs.extend(files.keys().cloned());
                let key = BriefKey {
                    settings: &job.settings,
                    edition,
                    lang: job.lang,
                };
                state.record(
                    ManifestEntry {
                        country: job.entry.code.clone(),
                        language: job.lang.code().to_string(),
                        file: format!("{}.pdf", job.name),
                        sha256,
                        pages,
                        bytes,
                        inputs: crate::incremental::digest(&key, &files),
                        files,
                    },
                    *record,
                );
                timings.merge(&brief_timings);
                printed.push((
                    false,
                    format!(
                        "wrote {} ({pages} pages, {} KB)",
                        job.pdf.display(),
                        bytes.div_ceil(1024)
                    ),
                ));
                for warning in warnings {
                    printed.push((true, format!("warning: {}: {warning}", job.name)));
                }
            }
            JobResult::Failed(e, read) => {
                inputs.extend(read);
                printed.push((true, format!("error: {}: {e:#}", job.name)));
                failures.push((job.name.clone(), format!("{e:#}")));
            }
        }
    }
    // The record first: what was written stays described whatever happens to the output
    // (a reader that stops reading, `build | head -1`).
    state.save()?;
    for (to_err, line) in printed {
        if to_err {
            writeln!(err, "{line}")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }

    let seconds = started.elapsed().as_secs_f64();
    if args.timings {
        write!(out, "{}", timings.report(built))?;
    }
    let skipped_text = if skipped > 0 {
        format!(", skipped {skipped} unchanged")
    } else {
        String::new()
    };
    if failures.is_empty() {
        writeln!(
            out,
            "built {built} {}{skipped_text} in {} ({seconds:.1} s)",
            if built == 1 { "brief" } else { "briefs" },
            out_dir.display()
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

/// Runs `work` over `jobs` on `workers` threads, each taking the next job in turn, and
/// returns the results in job order.
///
/// Plain threads rather than a rayon pool: Typst parallelises inside each compilation on
/// rayon's global pool, and compiling from within a pool of our own made Typst's memoized
/// results outlive `comemo::evict` (peak memory grew with every brief). The threads get
/// deep stacks, as Typst needs.
fn run_workers<J: Sync, R: Send>(
    workers: usize,
    jobs: &[J],
    work: impl Fn(&J) -> R + Sync,
) -> Result<Vec<R>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for _ in 0..workers.clamp(1, jobs.len().max(1)) {
            let handle = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let result = work(job);
                        if let Ok(mut slots) = results.lock() {
                            slots[i] = Some(result);
                        }
                    }
                })
                .context("cannot start a worker thread")?;
            handles.push(handle);
        }
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?;
        }
        Ok(())
    })?;
    let slots = results
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?;
    slots
        .into_iter()
        .map(|r| r.ok_or_else(|| anyhow::anyhow!("a brief was not built")))
        .collect()
}

fn build_one(
    renderer: &Renderer<'_>,
    job: &Job<'_>,
    edition: Edition,
    emit_typst: Option<&Path>,
    fonts: &[(String, Vec<u8>)],
    assets: &Assets,
) -> JobResult {
    let deps = Deps::default();
    // A profile that does not parse is still the brief's input.
    deps.read_path(&job.entry.path);
    let result = (|| {
        let profile = match &job.entry.profile {
            Ok(profile) => profile,
            Err(errors) => return Err(InputErrors(errors.clone()).into()),
        };
        let mut brief =
            renderer.build_recording(&job.entry.path, profile, job.lang, edition, &deps)?;
        // The fingerprints the run took as it read each file (an edit made meanwhile shows
        // next time), looked up before the PDF is replaced so that a failure leaves the old
        // PDF with its own record.
        let inputs = crate::incremental::fingerprints(assets, &deps.paths())?;
        if let Some(dir) = emit_typst {
            emit_typst_project(&dir.join(&job.name), &brief, fonts)?;
        }
        brief.timings.time(Stage::Write, || {
            output::write_atomic(&job.pdf, &brief.typeset.pdf)
        })?;
        Ok::<(Brief, Inputs), anyhow::Error>((brief, inputs))
    })();
    match result {
        Ok((brief, inputs)) => JobResult::Built {
            pages: brief.typeset.pages,
            sha256: crate::incremental::sha256(&brief.typeset.pdf),
            bytes: brief.typeset.pdf.len(),
            warnings: brief.typeset.warnings,
            timings: Box::new(brief.timings),
            record: Box::new(brief.record),
            inputs,
        },
        Err(e) => JobResult::Failed(e, deps.into_paths()),
    }
}

/// Writes a brief's Typst project — `main.typ`, its chart SVGs and flag, and the fonts —
/// so that `typst compile --root DIR --ignore-system-fonts --font-path DIR/fonts main.typ`
/// gives the same document.
pub fn emit_typst_project(dir: &Path, brief: &Brief, fonts: &[(String, Vec<u8>)]) -> Result<()> {
    output::write_atomic(&dir.join("main.typ"), brief.source.as_bytes())?;
    for (virtual_path, bytes) in &brief.files {
        output::write_atomic(&dir.join(virtual_path.trim_start_matches('/')), bytes)?;
    }
    for (name, bytes) in fonts {
        output::write_atomic(&dir.join("fonts").join(name), bytes)?;
    }
    Ok(())
}

/// The `--standard` values: none given means the defaults, `none` means no standard.
fn parse_standards(names: &[String]) -> Result<Option<Vec<typst_pdf::PdfStandard>>> {
    if names.is_empty() {
        return Ok(None);
    }
    if names.iter().any(|n| n == "none") {
        return Ok(Some(Vec::new()));
    }
    names
        .iter()
        .map(|n| crate::typeset::parse_standard(n).map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// A progress bar on a terminal; nothing in pipes and CI.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if len < 2 || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} briefs {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}
