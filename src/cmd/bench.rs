//! `marketbrief bench`: generates a corpus of profiles from the samples, with varied data,
//! and measures whole builds — batch throughput, a single brief from a cold process, a
//! no-change rebuild, peak memory, PDF sizes — and, when the typst CLI is on the PATH, the
//! same briefs compiled by one `typst compile` process each. In-process stages have
//! criterion benchmarks in `benches/stages.rs`.

use crate::cli::{BenchArgs, BuildArgs};
use crate::cmd::{Outcome, build};
use crate::project::Project;
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The sample profiles the corpus is made from.
const SAMPLES: [&str; 4] = ["ca", "mx", "us", "jp"];

pub fn run(args: &BenchArgs, out: &mut dyn Write) -> Result<Outcome> {
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

    // One brief from a cold process, five times.
    let exe = std::env::current_exe().context("cannot find the marketbrief executable")?;
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

/// A small deterministic generator (no randomness between runs).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
}

/// Writes a project with `n` profiles made from the samples, each for a different country
/// with varied illustrative data. Returns the lower-case codes.
fn generate_corpus(sample: &Path, corpus: &Path, n: usize) -> Result<Vec<String>> {
    let project = Project::load(sample)?;
    let mut codes: Vec<String> = project
        .reference
        .country_names
        .keys()
        .filter(|c| {
            crate::reference::Reference::flag(&project.assets, c)
                .ok()
                .flatten()
                .is_some()
        })
        // A brief is about a country (ISO 3166-1) whose headings have an in-form in every
        // language ("au Canada"), as `check` requires of any profile.
        .filter(|c| c.as_str() != "BE" && isocountry::CountryCode::for_alpha2(c).is_ok())
        .filter(|c| {
            project.reference.in_country.get(*c).is_some_and(|forms| {
                project
                    .config
                    .languages
                    .iter()
                    .all(|lang| forms.0.contains_key(lang))
            })
        })
        .cloned()
        .collect();
    codes.truncate(n);
    if codes.len() < n {
        bail!("only {} countries have a name and a flag", codes.len());
    }
    std::fs::create_dir_all(corpus.join("data/profiles"))?;
    std::fs::create_dir_all(corpus.join("data/datasets"))?;
    // The sample's missions name its own countries, which the corpus need not have.
    let config = std::fs::read_to_string(sample.join("marketbrief.yaml"))?;
    let config = match config.find("\nmissions:") {
        Some(at) => &config[..=at],
        None => &config[..],
    };
    std::fs::write(corpus.join("marketbrief.yaml"), config)?;
    for id in ["bru-goods", "be-goods", "be-services"] {
        std::fs::copy(
            sample.join(format!("data/datasets/{id}.yaml")),
            corpus.join(format!("data/datasets/{id}.yaml")),
        )?;
    }
    let header = "reporter,partner,flow,period,product,value_eur,status\n";
    let (mut bru, mut be, mut services) =
        (header.to_string(), header.to_string(), header.to_string());
    let mut rng = Lcg(2025);
    let sections = ["VI", "IV", "XVI", "XVIII", "XV", "XI", "XVII", "VII"];
    let ebops = ["SJ", "SI", "SH", "SC", "SD", "SG"];
    for (i, code) in codes.iter().enumerate() {
        let sample_code = SAMPLES[i % SAMPLES.len()];
        let text =
            std::fs::read_to_string(sample.join(format!("data/profiles/{sample_code}.yaml")))?;
        let text = text.replacen(
            &format!("country: {}", sample_code.to_ascii_uppercase()),
            &format!("country: {code}"),
            1,
        );
        std::fs::write(
            corpus.join(format!("data/profiles/{}.yaml", code.to_ascii_lowercase())),
            text,
        )?;
        let scale = 1e6 * (5.0 + 400.0 * rng.next().powi(3));
        let mut level = scale;
        let mut exports = std::collections::BTreeMap::new();
        for year in 2019..=2024 {
            level *= 0.8 + 0.45 * rng.next();
            exports.insert(year, level);
            let line = |flow: &str, v: f64| {
                format!("BE-BRU,{code},{flow},{year},TOTAL,{:.0},illustrative\n", v)
            };
            bru.push_str(&line("export", level));
            bru.push_str(&line("import", level * (0.4 + 0.6 * rng.next())));
        }
        let mut services_2023 = 0.0;
        for year in [2023, 2024] {
            let total = exports[&year];
            let mut left = total * 0.9;
            for section in sections.iter().take(4 + i % 4) {
                let v = left * (0.2 + 0.5 * rng.next());
                left -= v;
                bru.push_str(&format!(
                    "BE-BRU,{code},export,{year},{section},{v:.0},illustrative\n"
                ));
            }
            let national = total * (40.0 + 80.0 * rng.next());
            be.push_str(&format!(
                "BE,{code},export,{year},TOTAL,{national:.0},illustrative\n"
            ));
            let services_total = national * 0.25;
            services.push_str(&format!(
                "BE,{code},export,{year},TOTAL,{services_total:.0},illustrative\n"
            ));
            if year == 2023 {
                services_2023 = services_total;
            }
        }
        let mut left = services_2023 * 0.9;
        for category in ebops.iter().take(3 + i % 4) {
            let v = left * (0.2 + 0.5 * rng.next());
            left -= v;
            services.push_str(&format!(
                "BE,{code},export,2023,{category},{v:.0},illustrative\n"
            ));
        }
    }
    std::fs::write(corpus.join("data/datasets/bru-goods.csv"), bru)?;
    std::fs::write(corpus.join("data/datasets/be-goods.csv"), be)?;
    std::fs::write(corpus.join("data/datasets/be-services.csv"), services)?;
    Ok(codes.iter().map(|c| c.to_ascii_lowercase()).collect())
}
