//! `cargo bench --bench mail [-- --recipients N]`: prepares the messages of a mailing to N
//! recipients (default 2,000) following two countries each, from a copy of the sample
//! project with its briefs already built, and reports the time to write every `.eml` and
//! the peak memory. Target (issue 11): 2,000 × 2 in at most 5 s on 2 cores, memory flat in
//! the number of recipients. Nothing is sent.

use anyhow::{Context, Result, bail};
use marketbrief::cli::{BuildArgs, MailArgs};
use marketbrief::cmd::{Outcome, build, mail};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a file name")?);
        if path.is_dir() {
            copy(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? / 1024)
}

fn main() -> Result<()> {
    let mut recipients = 2000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => {}
            "--recipients" => recipients = args.next().context("--recipients N")?.parse()?,
            other => bail!("unknown option `{other}` (expected --recipients N)"),
        }
    }
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir()?;
    let project = dir.path();
    std::fs::copy(
        sample.join("marketbrief.yaml"),
        project.join("marketbrief.yaml"),
    )?;
    copy(&sample.join("data"), &project.join("data"))?;
    let langs = ["fr", "nl", "en"];
    let pairs = [("ca", "mx"), ("us", "jp"), ("ca", "us"), ("mx", "jp")];
    let mut csv = String::from("email,name,company,lang,countries,interests,adviser,consent\n");
    for i in 0..recipients {
        let (a, b) = pairs[i % pairs.len()];
        csv.push_str(&format!(
            "contact{i}@firm{i}.example,Contact {i},Firm {i} (sample),{},{a};{b},39;IV,,yes\n",
            langs[i % 3]
        ));
    }
    std::fs::write(project.join("data/recipients.csv"), csv)?;

    // The briefs first: the mailing measured is the preparing of messages.
    let built = build::run(
        &BuildArgs::for_project(project),
        &mut std::io::sink(),
        &mut std::io::sink(),
    )?;
    if built != Outcome::Success {
        bail!("the sample briefs did not build");
    }
    let args = MailArgs {
        project: project.to_path_buf(),
        out: None,
        edition: None,
        recipients: None,
        to: Vec::new(),
        countries: Vec::new(),
        send: false,
        limit: None,
        resend_uncertain: false,
        resend_changed: false,
    };
    let started = Instant::now();
    let outcome = mail::run(&args, &mut std::io::sink(), &mut std::io::sink())?;
    let elapsed = started.elapsed();
    if outcome != Outcome::Success {
        bail!("the mailing was not prepared");
    }
    let written = std::fs::read_dir(project.join("output/2025-Q3/mail"))?
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
        })
        .count();
    println!("| measure | result |\n|---|---|");
    println!(
        "| {written} messages (×2 briefs each) written | {:.2} s, {:.0} messages/s |",
        elapsed.as_secs_f64(),
        written as f64 / elapsed.as_secs_f64()
    );
    match peak_rss_mb() {
        Some(mb) => println!("| peak RSS (build and mailing) | {mb} MB |"),
        None => println!("| peak RSS | not available on this system |"),
    }
    Ok(())
}
