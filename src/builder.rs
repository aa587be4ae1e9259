//! Building an edition: which briefs are out of date, each built on its own worker thread,
//! and the edition's record (`manifest.json`, `figures.json`) kept. `marketbrief build`
//! prints what this returns; `watch` and `mail` run it too.

use crate::assets::Assets;
use crate::brief::{Brief, Renderer};
use crate::deps::Deps;
use crate::error::{Error, InputErrors, IoResultExt, Result};
use crate::i18n::Lang;
use crate::incremental::{BriefKey, Inputs, ManifestEntry, State};
use crate::output;
use crate::project::{ProfileEntry, Project};
use crate::settings::Settings;
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

struct Built {
    brief: Brief,
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
    let mut previous_unreadable = None;
    let previous = if project.config.since_last_edition {
        let dir = settings.edition_dir(edition.previous());
        match crate::incremental::read_figures(&dir) {
            Ok(figures) => Some((edition.previous(), figures)),
            // No previous edition: nothing to compare with. One that cannot be read is said.
            Err(_) if !dir.join(crate::incremental::FIGURES_FILE).exists() => None,
            Err(e) => {
                previous_unreadable = Some(e);
                None
            }
        }
    } else {
        None
    };
    let fonts = timings.time(Stage::Load, || project.assets.fonts())?;
    // One build at a time per edition folder: the record is read here and written when the
    // briefs are done, and two builds doing so at once would each drop the other's entries.
    std::fs::create_dir_all(&out_dir).io("create", &out_dir)?;
    // Beside the edition folder, which holds only briefs and their record.
    let lock_path = settings.edition_lock(edition);
    let lock = output::open_lock(&lock_path).io("open", &lock_path)?;
    lock.lock().io("lock", &out_dir)?;
    output::remove_stale_temporaries(&out_dir);
    let mut state = State::load(&out_dir, edition)?;

    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
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

    let mut results = Vec::new();
    if !jobs.is_empty() {
        let renderer = timings.time(Stage::Load, || {
            Renderer::with_fonts(project, fonts.clone(), request.standards.clone()).map(|r| {
                let r = r.with_draft(request.draft);
                match previous.clone() {
                    Some((edition, figures)) => r.with_previous_edition(edition, figures),
                    None => r,
                }
            })
        })?;
        progress.start(jobs.len());
        let workers = request
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        results = run_workers(workers, &jobs, |job| {
            let result = build_one(
                &renderer,
                job,
                edition,
                request.emit_typst.as_deref(),
                &fonts,
                &project.assets,
            );
            progress.done();
            result
        })?;
    }

    let mut briefs = Vec::new();
    for (job, (result, read)) in jobs.iter().zip(results) {
        inputs.extend(read);
        match result {
            Ok(Built {
                brief,
                inputs: files,
            }) => {
                inputs.extend(files.keys().cloned());
                let key = BriefKey {
                    settings: &job.settings,
                    edition,
                    lang: job.lang,
                };
                let (pages, bytes) = (brief.typeset.pages, brief.typeset.pdf.len());
                state.record(
                    ManifestEntry {
                        country: job.entry.code.clone(),
                        language: job.lang.code().to_string(),
                        file: format!("{}.pdf", job.name),
                        sha256: crate::incremental::sha256(&brief.typeset.pdf),
                        pages,
                        bytes,
                        inputs: crate::incremental::digest(&key, &files),
                        files,
                        draft: request.draft,
                        figures_sha256: String::new(),
                    },
                    brief.record,
                );
                timings.merge(&brief.timings);
                let outcome = BriefOutcome::Built {
                    pdf: job.pdf.clone(),
                    pages,
                    bytes,
                    warnings: brief.typeset.warnings,
                };
                briefs.push((job.name.clone(), outcome));
            }
            Err(e) => briefs.push((job.name.clone(), BriefOutcome::Failed(e))),
        }
    }
    // The record before anything is printed: what was written stays described whatever
    // happens to the output (a reader that stops reading, `build | head -1`).
    state.save()?;
    Ok(Report {
        out_dir,
        briefs,
        skipped,
        previous_unreadable,
        timings,
    })
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
    let panicked = || Error::Internal("a worker thread panicked".into());
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
                .map_err(|e| Error::Internal(format!("cannot start a worker thread: {e}")))?;
            handles.push(handle);
        }
        for handle in handles {
            handle.join().map_err(|_| panicked())?;
        }
        Ok(())
    })?;
    let slots = results.into_inner().map_err(|_| panicked())?;
    slots
        .into_iter()
        .map(|r| r.ok_or_else(|| Error::Internal("a brief was not built".into())))
        .collect()
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
        Ok(Built { brief, inputs })
    })();
    (result, deps.into_paths())
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
