//! `cargo bench --bench corpus [-- --profiles N --jobs N --keep DIR --typst PATH]`:
//! generates a corpus of profiles from the samples, with varied data, and measures whole
//! builds — batch throughput, a single brief from a cold process, a
//! no-change rebuild, peak memory, PDF sizes — and, when the typst CLI is on the PATH, the
//! same briefs compiled by one `typst compile` process each. In-process stages have
//! criterion benchmarks in `benches/stages.rs`.

mod generate;

use anyhow::{Context, Result, bail};
use generate::generate_corpus;
use marketbrief::cli::BuildArgs;
use marketbrief::cmd::{Outcome, build};
use marketbrief::project::Project;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The benchmark's options, after `--` on cargo's command line.
struct BenchArgs {
    /// The sample project the corpus is made from.
    project: PathBuf,
    /// How many profiles the corpus has (each built in 3 languages).
    profiles: usize,
    /// Worker threads (default: the number of cores).
    jobs: Option<usize>,
    /// Keep the corpus in this folder instead of a temporary one.
    keep: Option<PathBuf>,
    /// The typst CLI to compare with (default: `typst` on the PATH).
    typst: Option<PathBuf>,
}

impl BenchArgs {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<BenchArgs> {
        let mut parsed = BenchArgs {
            project: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            profiles: 100,
            jobs: None,
            keep: None,
            typst: None,
        };
        while let Some(arg) = args.next() {
            let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
            match arg.as_str() {
                // cargo passes `--bench` to every benchmark.
                "--bench" => {}
                "--project" => parsed.project = value()?.into(),
                "--profiles" => parsed.profiles = value()?.parse()?,
                "--jobs" | "-j" => parsed.jobs = Some(value()?.parse()?),
                "--keep" => parsed.keep = Some(value()?.into()),
                "--typst" => parsed.typst = Some(value()?.into()),
                other => bail!(
                    "unknown option `{other}` (expected --profiles N, --jobs N, --keep DIR, --typst PATH, --project DIR)"
                ),
            }
        }
        Ok(parsed)
    }
}

fn main() -> Result<()> {
    let args = BenchArgs::parse(std::env::args().skip(1))?;
    run(&args, &mut std::io::stdout())?;
    Ok(())
}

fn run(args: &BenchArgs, out: &mut dyn Write) -> Result<Outcome> {
    let temp;
    let corpus: PathBuf = match &args.keep {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_path_buf()
        }
    };
    if args.profiles == 0 {
        bail!("--profiles must be at least 1");
    }
    let codes = generate_corpus(&args.project, &corpus, args.profiles)?;
    let briefs = codes.len() * 3;
    writeln!(
        out,
        "corpus: {} profiles × 3 languages = {briefs} briefs in {}",
        codes.len(),
        corpus.display()
    )?;

    let out_dir = corpus.join("output");
    let mut build_args = BuildArgs {
        out: Some(out_dir.clone()),
        jobs: args.jobs,
        force: true,
        ..BuildArgs::for_project(&corpus)
    };

    // Batch: every brief, in this (fresh) process.
    let started = Instant::now();
    let mut problems = Vec::new();
    let outcome = build::run(&build_args, &mut std::io::sink(), &mut problems)?;
    let batch = started.elapsed();
    if outcome != Outcome::Success {
        bail!(
            "the corpus in {} did not build:\n{}",
            corpus.display(),
            String::from_utf8_lossy(&problems)
        );
    }
    let peak_rss = peak_rss_kib();

    // A rebuild with nothing changed.
    build_args.force = false;
    let started = Instant::now();
    build::run(&build_args, &mut std::io::sink(), &mut std::io::sink())?;
    let no_change = started.elapsed();

    // What `watch` does when a profile is saved: the same build call in a running process
    // (Typst's cache warm), one profile changed, its French brief rebuilt; five times.
    let profile = corpus
        .join(marketbrief::project::PROFILES_DIR)
        .join(format!("{}.yaml", codes[0]));
    let watch_args = BuildArgs {
        out: Some(out_dir.clone()),
        jobs: args.jobs,
        langs: vec![marketbrief::i18n::Lang::Fr],
        ..BuildArgs::for_project(&corpus)
    };
    let mut watch = Vec::new();
    for i in 0..5 {
        let mut text = std::fs::read_to_string(&profile)?;
        text.push_str(&format!("# saved {i}\n"));
        std::fs::write(&profile, text)?;
        let started = Instant::now();
        let (outcome, _) =
            build::run_reporting_inputs(&watch_args, &mut std::io::sink(), &mut std::io::sink());
        watch.push(started.elapsed());
        if outcome? != Outcome::Success {
            bail!("the one-brief rebuild failed");
        }
    }

    // One brief from a cold process, five times.
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_marketbrief"));
    let single_out = corpus.join("single");
    let mut single = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let status = Command::new(&exe)
            .args([
                "build",
                "--force",
                "--country",
                &codes[0],
                "--lang",
                "fr",
                "--project",
            ])
            .arg(&corpus)
            .arg("--out")
            .arg(&single_out)
            .stdout(std::process::Stdio::null())
            .status()
            .context("cannot run marketbrief")?;
        single.push(started.elapsed());
        if !status.success() {
            bail!("the single-brief build failed");
        }
    }

    // PDF sizes.
    let mut sizes: Vec<(u64, usize)> = Vec::new();
    let edition = Project::load(&corpus)?.config.edition;
    for entry in std::fs::read_dir(out_dir.join(edition.to_string()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let bytes = std::fs::read(&path)?;
            let pages = count_pages(&bytes);
            sizes.push((bytes.len() as u64, pages));
        }
    }
    sizes.sort();

    let rate = briefs as f64 / batch.as_secs_f64();
    writeln!(out)?;
    writeln!(out, "| measure | result |")?;
    writeln!(out, "|---|---|")?;
    writeln!(
        out,
        "| batch, {briefs} briefs, {} | {:.2} s, **{rate:.1} briefs/s** |",
        match workers(args.jobs) {
            1 => "1 worker".to_string(),
            n => format!("{n} workers"),
        },
        batch.as_secs_f64()
    )?;
    writeln!(
        out,
        "| one brief from a cold process (median of 5) | **{} ms** |",
        median(&mut single).as_millis()
    )?;
    writeln!(
        out,
        "| no-change rebuild of all {briefs} | **{} ms** |",
        no_change.as_millis()
    )?;
    writeln!(
        out,
        "| one profile saved, its brief rebuilt in a running process, as `watch` does (median of 5) | **{} ms** |",
        median(&mut watch).as_millis()
    )?;
    match peak_rss {
        Some(kib) => writeln!(
            out,
            "| peak RSS of the batch process | **{} MB** |",
            kib / 1024
        )?,
        None => writeln!(
            out,
            "| peak RSS of the batch process | not available on this system |"
        )?,
    }
    if let Some(last) = sizes.last() {
        let median_size = sizes[sizes.len() / 2];
        writeln!(
            out,
            "| PDF size: median, largest | {} KB ({} pages), {} KB ({} pages) |",
            median_size.0 / 1024,
            median_size.1,
            last.0 / 1024,
            last.1
        )?;
    }

    // The typst CLI on the same emitted sources, one process per brief.
    if let Some(typst) = find_typst(args.typst.as_deref()) {
        let emitted = corpus.join("typst");
        build_args.force = true;
        build_args.emit_typst = Some(emitted.clone());
        build::run(&build_args, &mut std::io::sink(), &mut std::io::sink())?;
        let mut projects: Vec<PathBuf> = std::fs::read_dir(&emitted)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("main.typ").is_file())
            .collect();
        projects.sort();
        let cli_out = corpus.join("typst-out");
        std::fs::create_dir_all(&cli_out)?;
        let compile = |project: &Path| -> Result<()> {
            let name = project
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let status = Command::new(&typst)
                .arg("compile")
                .arg("--root")
                .arg(project)
                .arg("--ignore-system-fonts")
                .arg("--font-path")
                .arg(project.join("fonts"))
                .arg(project.join("main.typ"))
                .arg(cli_out.join(format!("{name}.pdf")))
                .status()
                .with_context(|| format!("cannot run {}", typst.display()))?;
            if !status.success() {
                bail!("typst compile failed for {name}");
            }
            Ok(())
        };
        let started = Instant::now();
        for project in &projects {
            compile(project)?;
        }
        let sequential = started.elapsed();
        // As many processes at a time as we use workers.
        let started = Instant::now();
        let chunk = projects.len().div_ceil(workers(args.jobs));
        std::thread::scope(|s| -> Result<()> {
            let handles: Vec<_> = projects
                .chunks(chunk.max(1))
                .map(|part| s.spawn(move || part.iter().try_for_each(|p| compile(p))))
                .collect();
            for h in handles {
                h.join()
                    .map_err(|_| anyhow::anyhow!("a typst worker panicked"))??;
            }
            Ok(())
        })?;
        let parallel = started.elapsed();
        let seq_rate = projects.len() as f64 / sequential.as_secs_f64();
        let par_rate = projects.len() as f64 / parallel.as_secs_f64();
        let version = Command::new(&typst)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        writeln!(
            out,
            "| {version}, one process per brief, one at a time | {seq_rate:.1} briefs/s ({} ms each); marketbrief **{:.1}×** |",
            (sequential.as_millis() as usize) / projects.len().max(1),
            rate / seq_rate
        )?;
        writeln!(
            out,
            "| {version}, one process per brief, {} at a time | {par_rate:.1} briefs/s; marketbrief **{:.1}×** |",
            workers(args.jobs),
            rate / par_rate
        )?;
    } else {
        writeln!(
            out,
            "| typst CLI comparison | skipped: no `typst` on the PATH (`cargo install typst-cli --version 0.15.1`) |"
        )?;
    }
    Ok(Outcome::Success)
}

fn workers(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn find_typst(given: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = given {
        return Some(path.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("typst"))
        .find(|p| p.is_file())
}

/// The process's peak resident set size in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Counts `/Type /Page` objects, enough for a size report.
fn count_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type/Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}
