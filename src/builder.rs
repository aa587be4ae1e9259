//! Building an edition: which briefs are out of date, each built on its own worker thread,
//! and the edition's record (`manifest.json`, `figures.json`) kept. `marketbrief build`
//! prints what this returns; `watch` and `mail` run it too.

use crate::assets::Assets;
use crate::brief::{Brief, Renderer};
use crate::deps::Deps;
use crate::error::{Error, InputErrors, IoResultExt, Result};
use crate::i18n::Lang;
use crate::incremental::{BriefKey, Inputs};
use crate::output;
use crate::project::{ProfileEntry, Project};
use crate::settings::Settings;
use crate::store::{ManifestEntry, Store};
use crate::timings::{Stage, Timings};
use crate::validate;
use crate::vocab::Edition;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Typst recurses deeply while laying out; worker threads need more than the default stack.
const WORKER_STACK: usize = 16 << 20;

/// What to build beyond the [`Settings`]: the choices of `marketbrief build`.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Only these countries (alpha-2 codes, any case); empty means every profile.
    pub countries: Vec<String>,
    /// Only these briefs, by country (lower case) and language, when given: `mail` builds
    /// the briefs its recipients need, in one run, whatever their languages.
    pub only: Option<std::collections::BTreeSet<(String, Lang)>>,
    /// Rebuild briefs whose inputs have not changed.
    pub force: bool,
    /// Build unfinished profiles as drafts.
    pub draft: bool,
    /// Also write each brief's Typst project below this folder.
    pub emit_typst: Option<PathBuf>,
    /// The PDF standards; `None` means the defaults, an empty list none.
    pub standards: Option<Vec<typst_pdf::PdfStandard>>,
    /// Briefs built at once; `None` means one per core.
    pub workers: Option<usize>,
}

/// What became of one brief.
#[derive(Debug)]
pub enum BriefOutcome {
    Built {
        pdf: PathBuf,
        pages: usize,
        bytes: usize,
        /// Typst's warnings.
        warnings: Vec<String>,
    },
    /// Not built; an existing PDF was left as it was.
    Failed(Error),
}

/// What a build did, for the command to print.
#[derive(Debug)]
pub struct Report {
    /// The edition's folder.
    pub out_dir: PathBuf,
    /// Each brief built or tried, by name (`ca-fr`), in build order.
    pub briefs: Vec<(String, BriefOutcome)>,
    /// Briefs whose inputs had not changed since their PDF was written, by name.
    pub skipped: Vec<String>,
    /// The previous edition's record could not be read: the briefs have no "since the last
    /// edition" box.
    pub previous_unreadable: Option<Error>,
    /// Where the time went, all briefs together.
    pub timings: Timings,
    /// Warnings about the briefs' figures: numbers taken from `init`'s example data.
    pub notes: Vec<crate::error::InputError>,
}

impl Report {
    pub fn built(&self) -> usize {
        self.briefs
            .iter()
            .filter(|(_, o)| matches!(o, BriefOutcome::Built { .. }))
            .count()
    }

    pub fn failed(&self) -> impl Iterator<Item = (&str, &Error)> {
        self.briefs.iter().filter_map(|(name, o)| match o {
            BriefOutcome::Failed(e) => Some((name.as_str(), e)),
            BriefOutcome::Built { .. } => None,
        })
    }
}

/// Told how the build goes, e.g. to draw a progress bar.
pub trait Progress: Sync {
    /// The number of briefs to build (those out of date), before the first starts.
    fn start(&self, _briefs: usize) {}
    /// One more brief is done, built or failed.
    fn done(&self) {}
}

/// No progress shown.
impl Progress for () {}

/// One brief to build.
struct Job<'a> {
    entry: &'a ProfileEntry,
    lang: Lang,
    name: String,
    pdf: PathBuf,
    /// What the brief's digest covers besides its files.
    settings: String,
}

/// What the record keeps of a brief written: the brief itself (its PDF, laid-out pages,
/// source and files) is dropped on its worker, so memory does not grow with the batch.
struct Built {
    pages: usize,
    bytes: usize,
    sha256: String,
    printed: crate::printed::BriefFigures,
    timings: Timings,
    warnings: Vec<String>,
    inputs: Inputs,
}

/// Builds the briefs of `project` that `settings` and `request` ask for and that are out of
/// date, and records them. Every file read or recorded — by skipped briefs, and by failed
/// ones as far as they got — is added to `inputs`, for `watch`.
pub fn build(
    project: &Project,
    settings: &Settings,
    request: &Request,
    inputs: &mut BTreeSet<String>,
    progress: &dyn Progress,
) -> Result<Report> {
    let (edition, langs) = (settings.edition, &settings.langs);
    let out_dir = settings.out_dir();
    let mut timings = Timings::default();

    let wanted: Vec<String> = request
        .countries
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for code in &wanted {
        if !project.profiles.iter().any(|p| &p.code == code) {
            return Err(Error::Request(format!(
                "no profile for country `{code}`: expected {}/{code}.yaml",
                crate::project::PROFILES_DIR
            )));
        }
    }
    if project.profiles.is_empty() {
        return Err(Error::Request(format!(
            "no profiles in {}: nothing to build",
            project.root.join(crate::project::PROFILES_DIR).display()
        )));
    }

    // Problems shared by every brief stop the whole build.
    let mut shared = project.problems.clone();
    shared.extend(validate::project(project, langs));
    if !shared.is_empty() {
        return Err(InputErrors(shared).into());
    }

    // The previous edition's record feeds the "since the last edition" box: it is an input.
    let (previous, previous_unreadable) = previous_edition(project, settings);
    let fonts = timings.time(Stage::Load, || project.assets.fonts())?;
    // One build at a time per edition folder: the record is read here and written when the
    // briefs are done, and two builds doing so at once would each drop the other's entries.
    std::fs::create_dir_all(&out_dir).io("create", &out_dir)?;
    // Beside the edition folder, which holds only briefs and their record.
    let lock_path = settings.edition_lock(edition);
    let lock = output::open_lock(&lock_path).io("open", &lock_path)?;
    lock.lock().io("lock", &out_dir)?;
    output::remove_stale_temporaries(&out_dir);
    let mut state = Store::load(&out_dir, edition)?;

    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    timings.time(Stage::Load, || {
        for entry in project
            .profiles
            .iter()
            .filter(|p| wanted.is_empty() || wanted.contains(&p.code))
        {
            for &lang in langs {
                if let Some(only) = &request.only
                    && !only.contains(&(entry.code.clone(), lang))
                {
                    continue;
                }
                let name = format!("{}-{}", entry.code, lang);
                let file = format!("{name}.pdf");
                let pdf = out_dir.join(&file);
                // Only this brief's own figures of the previous edition are an input.
                let previous_figures = previous.as_ref().map(|(edition, briefs)| {
                    format!("{edition}:{}", briefs.sha256(&name).unwrap_or("none"))
                });
                let settings = format!(
                    "standards={:?} draft={} previous={}",
                    request.standards,
                    request.draft,
                    previous_figures.unwrap_or_default()
                );
                let key = BriefKey {
                    settings: &settings,
                    edition,
                    lang,
                };
                // Emitting Typst needs the generated source, so it builds every brief.
                if !request.force
                    && request.emit_typst.is_none()
                    && state.is_current(&file, &pdf, &key, &project.assets)
                {
                    skipped.push(name.clone());
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

    let renderer = timings.time(Stage::Load, || {
        renderer(project, fonts.clone(), request, previous)
    })?;
    // Numbers from `init`'s example data beside the project's own: said at every build,
    // from the figures the briefs print.
    let notes = project
        .profiles
        .iter()
        .filter(|p| wanted.is_empty() || wanted.contains(&p.code))
        .filter_map(|entry| Some((entry, entry.profile.as_ref().ok()?)))
        .flat_map(|(entry, profile)| renderer.figure_notes(&entry.path, profile).examples)
        .collect();
    let mut briefs: Vec<Option<(String, BriefOutcome)>> = (0..jobs.len()).map(|_| None).collect();
    if !jobs.is_empty() {
        progress.start(jobs.len());
        let workers = request
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let work = |job: &Job| {
            build_one(
                &renderer,
                job,
                edition,
                request.emit_typst.as_deref(),
                &fonts,
                &project.assets,
            )
        };
        // The coordinator: each brief is recorded as it lands, and Typst's memo cache is
        // trimmed here, between briefs, rather than emptied inside a worker while another
        // is still compiling.
        run_workers(workers, &jobs, work, |i, done| {
            let job = &jobs[i];
            progress.done();
            crate::typeset::brief_finished(workers);
            let (result, read) = match done {
                Ok(done) => done,
                Err(panic) => (Err(panic), BTreeSet::new()),
            };
            inputs.extend(read);
            let outcome = match result {
                Ok(built) => {
                    inputs.extend(built.inputs.keys().cloned());
                    let key = BriefKey {
                        settings: &job.settings,
                        edition,
                        lang: job.lang,
                    };
                    let recorded = state.add_brief(
                        ManifestEntry {
                            country: job.entry.code.clone(),
                            language: job.lang.code().to_string(),
                            file: format!("{}.pdf", job.name),
                            sha256: built.sha256,
                            pages: built.pages,
                            bytes: built.bytes,
                            inputs: crate::incremental::digest(&key, &built.inputs),
                            files: built.inputs,
                            draft: request.draft,
                            figures_sha256: String::new(),
                        },
                        built.printed,
                    );
                    timings.merge(&built.timings);
                    match recorded {
                        Ok(()) => BriefOutcome::Built {
                            pdf: job.pdf.clone(),
                            pages: built.pages,
                            bytes: built.bytes,
                            warnings: built.warnings,
                        },
                        // Written but not recorded: the next build rebuilds it.
                        Err(e) => BriefOutcome::Failed(e),
                    }
                }
                Err(e) => BriefOutcome::Failed(e),
            };
            briefs[i] = Some((job.name.clone(), outcome));
        })?;
    }
    let briefs: Vec<(String, BriefOutcome)> = briefs.into_iter().flatten().collect();

    // The record before anything is printed: what was written stays described whatever
    // happens to the output (a reader that stops reading, `build | head -1`).
    state.save()?;
    Ok(Report {
        out_dir,
        briefs,
        skipped,
        previous_unreadable,
        timings,
        notes,
    })
}

/// The previous edition's figures, which the "since the last edition" box compares with:
/// none when there is no previous edition or the project turns the box off, and the error
/// when its record cannot be read (the briefs are then built without the box, and the
/// command says why).
pub fn previous_edition(
    project: &Project,
    settings: &Settings,
) -> (Option<Previous>, Option<Error>) {
    if !project.config.since_last_edition {
        return (None, None);
    }
    let edition = settings.edition.previous();
    let dir = settings.edition_dir(edition);
    match crate::store::read_figures(&dir) {
        Ok(figures) => (Some((edition, std::sync::Arc::new(figures))), None),
        // No previous edition: nothing to compare with. One that cannot be read is said.
        Err(_) if !dir.join(crate::store::FIGURES_FILE).exists() => (None, None),
        Err(e) => (None, Some(e)),
    }
}

pub use crate::store::Previous;

/// The renderer of an edition's briefs, the same for `build`, `check` and `bundle`: the
/// project's fonts, the request's standards and draft mode, the previous edition.
pub fn renderer<'p>(
    project: &'p Project,
    fonts: Vec<(String, Vec<u8>)>,
    request: &Request,
    previous: Option<Previous>,
) -> Result<Renderer<'p>> {
    let renderer =
        Renderer::with_fonts(project, fonts, request.standards.clone())?.with_draft(request.draft);
    Ok(match previous {
        Some((edition, figures)) => renderer.with_previous_edition(edition, figures),
        None => renderer,
    })
}

/// What `check`'s dry run found.
pub struct DryRun {
    /// The briefs that failed, in profile and language order, with the profile's path.
    pub failed: Vec<(PathBuf, Error)>,
    /// What each profile's figures call for saying, by profile path, from the figures its
    /// briefs printed.
    pub notes: Vec<(PathBuf, validate::FigureNotes)>,
}

/// Builds every brief of the edition in memory, as `build` would (same renderer, same
/// previous edition, on the worker threads), writing nothing: `check`'s dry run.
pub fn dry_run(project: &Project, settings: &Settings, workers: Option<usize>) -> Result<DryRun> {
    let (previous, _) = previous_edition(project, settings);
    let renderer = renderer(
        project,
        project.assets.fonts()?,
        &Request::default(),
        previous,
    )?;
    struct Check<'a> {
        entry: &'a ProfileEntry,
        profile: &'a crate::profile::Profile,
        lang: Lang,
        name: String,
    }
    impl Named for Check<'_> {
        fn name(&self) -> &str {
            &self.name
        }
    }
    let jobs: Vec<Check> = project
        .profiles
        .iter()
        .filter_map(|entry| Some((entry, entry.profile.as_ref().ok()?)))
        .flat_map(|(entry, profile)| {
            settings.langs.iter().map(move |&lang| Check {
                entry,
                profile,
                lang,
                name: format!("{}-{lang}", entry.code),
            })
        })
        .collect();
    let workers =
        workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut failed: Vec<Option<(PathBuf, Error)>> = (0..jobs.len()).map(|_| None).collect();
    run_workers(
        workers,
        &jobs,
        |job| {
            renderer
                .build(&job.entry.path, job.profile, job.lang, settings.edition)
                .map(drop)
        },
        |i, result| {
            crate::typeset::brief_finished(workers);
            if let Err(e) = result.and_then(|r| r) {
                failed[i] = Some((jobs[i].entry.path.clone(), e));
            }
        },
    )?;
    let notes = project
        .profiles
        .iter()
        .filter_map(|entry| Some((entry, entry.profile.as_ref().ok()?)))
        .map(|(entry, profile)| {
            (
                entry.path.clone(),
                renderer.figure_notes(&entry.path, profile),
            )
        })
        .collect();
    Ok(DryRun {
        failed: failed.into_iter().flatten().collect(),
        notes,
    })
}

/// Runs `work` over `jobs` on `workers` threads, each taking the next job in turn, and
/// hands each result to `land` on the calling thread as it arrives, with the job's index.
/// A job that panics lands as that job's failure, naming it; the others go on.
///
/// Plain threads rather than a rayon pool: Typst parallelises inside each compilation on
/// rayon's global pool, and compiling from within a pool of our own made Typst's memoized
/// results outlive `comemo::evict` (peak memory grew with every brief). The threads get
/// deep stacks, as Typst needs.
pub(crate) fn run_workers<J: Sync + Named, R: Send>(
    workers: usize,
    jobs: &[J],
    work: impl Fn(&J) -> R + Sync,
    mut land: impl FnMut(usize, std::result::Result<R, Error>),
) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers.clamp(1, jobs.len().max(1)) {
            let sender = sender.clone();
            let (next, work) = (&next, &work);
            std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(
                            || work(job),
                        ))
                        .map_err(|panic| {
                            let message = panic
                                .downcast_ref::<&str>()
                                .map(|s| s.to_string())
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_else(|| "no message".into());
                            Error::Internal(format!(
                                "building {} panicked ({message}); the other briefs were built — please report it",
                                job.name()
                            ))
                        });
                        if sender.send((i, result)).is_err() {
                            break;
                        }
                    }
                })
                .map_err(|e| Error::Internal(format!("cannot start a worker thread: {e}")))?;
        }
        drop(sender);
        for (i, result) in received {
            land(i, result);
        }
        Ok(())
    })
}

/// A job that can say which brief it is, for a panic's message.
pub(crate) trait Named {
    fn name(&self) -> &str;
}

impl Named for Job<'_> {
    fn name(&self) -> &str {
        &self.name
    }
}

/// Builds and writes one brief; with the result, the files it read (also when it failed:
/// what it read so far).
fn build_one(
    renderer: &Renderer<'_>,
    job: &Job<'_>,
    edition: Edition,
    emit_typst: Option<&Path>,
    fonts: &[(String, Vec<u8>)],
    assets: &Assets,
) -> (Result<Built>, BTreeSet<String>) {
    let deps = Deps::default();
    // A profile that does not parse is still the brief's input.
    deps.depends_on_path(&job.entry.path);
    let result = (|| {
        let profile = match &job.entry.profile {
            Ok(profile) => profile,
            Err(errors) => return Err(InputErrors(errors.clone()).into()),
        };
        let mut brief: Brief =
            renderer.build_recording(&job.entry.path, profile, job.lang, edition, &deps)?;
        // The fingerprints the run took as it read each file (an edit made meanwhile shows
        // next time), looked up before the PDF is replaced so that a failure leaves the old
        // PDF with its own record.
        let inputs = crate::incremental::fingerprints(assets, &deps.paths())?;
        if let Some(dir) = emit_typst {
            emit_typst_project(
                &dir.join(&job.name),
                &brief,
                renderer.typesetter().lib_text(),
                fonts,
            )?;
        }
        brief.timings.time(Stage::Write, || {
            output::write_atomic(&job.pdf, &brief.typeset.pdf)
        })?;
        Ok(Built {
            pages: brief.typeset.pages,
            bytes: brief.typeset.pdf.len(),
            sha256: crate::incremental::sha256(&brief.typeset.pdf),
            printed: brief.printed,
            timings: brief.timings,
            warnings: brief.typeset.warnings,
            inputs,
        })
    })();
    (result, deps.into_paths())
}

/// Writes a brief's Typst project — `main.typ`, its chart SVGs and flag, and the fonts —
/// so that `typst compile --root DIR --ignore-system-fonts --font-path DIR/fonts main.typ`
/// gives the same document.
pub fn emit_typst_project(
    dir: &Path,
    brief: &Brief,
    lib: Option<&str>,
    fonts: &[(String, Vec<u8>)],
) -> Result<()> {
    output::write_atomic(&dir.join("main.typ"), brief.source.as_bytes())?;
    if let Some(lib) = lib {
        output::write_atomic(&dir.join("lib.typ"), lib.as_bytes())?;
    }
    for (virtual_path, bytes) in &brief.files {
        output::write_atomic(&dir.join(virtual_path.trim_start_matches('/')), bytes)?;
    }
    for (name, bytes) in fonts {
        output::write_atomic(&dir.join("fonts").join(name), bytes)?;
    }
    Ok(())
}

/// The `--standard` values: none given means the defaults, `none` means no standard.
pub fn parse_standards(names: &[String]) -> Result<Option<Vec<typst_pdf::PdfStandard>>> {
    if names.is_empty() {
        return Ok(None);
    }
    if names.iter().any(|n| n == "none") {
        return Ok(Some(Vec::new()));
    }
    names
        .iter()
        .map(|n| crate::typeset::parse_standard(n).map_err(Error::Request))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Named for &str {
        fn name(&self) -> &str {
            self
        }
    }

    /// Issue 23.2: one panic failed the whole build and named no brief. Now it is that
    /// brief's failure, named, and every other brief lands.
    #[test]
    fn a_panicking_brief_fails_alone_and_is_named() {
        let jobs = ["ca-fr", "mx-fr", "us-fr", "jp-fr"];
        let mut landed = vec![None; jobs.len()];
        // Keep the expected panic's message out of the test output.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let result = run_workers(
            2,
            &jobs,
            |job| {
                if *job == "mx-fr" {
                    panic!("index out of bounds");
                }
                job.len()
            },
            |i, result| landed[i] = Some(result.map_err(|e| e.to_string())),
        );
        std::panic::set_hook(hook);
        result.unwrap();
        assert_eq!(landed[0], Some(Ok(5)));
        assert_eq!(landed[2], Some(Ok(5)));
        assert_eq!(landed[3], Some(Ok(5)));
        let failure = landed[1].clone().unwrap().unwrap_err();
        assert!(
            failure.contains("building mx-fr panicked (index out of bounds)"),
            "{failure}"
        );
    }
}
