//! `marketbrief mail`: builds any missing brief of the edition, writes one message per
//! consenting recipient to `<out>/<edition>/mail/<email>.eml` with `outbox.csv`, and sends
//! nothing — unless `--send`, which sends what the ledger `sent.jsonl` has not recorded as
//! sent, one message at a time, each recorded before and after. A message is known by its
//! delivery (edition, recipient, countries; see [`crate::mail::ledger`]), never by its file.

use crate::cli::MailArgs;
use crate::cmd::Outcome;
use crate::error::InputError;
use crate::i18n::Lang;
use crate::mail::ledger::{Delivery, Known, Ledger, Record, Status};
use crate::mail::message::Composer;
use crate::mail::recipients::{self, Recipient};
use crate::mail::send::{Delivery as SendResult, Mailer};
use crate::mail::{RECIPIENTS_FILE, file_stem, now_rfc3339};
use crate::project::Project;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// After this many messages in a row for which the server could not be reached (each
/// retried with growing pauses), the run stops rather than spend half a minute on each of
/// the others.
const UNREACHABLE_STOP: usize = 3;

/// The file listing every prepared message and what became of it.
pub const OUTBOX_FILE: &str = "outbox.csv";

/// Reads and checks the recipients file for `check`: the one given, or the project's
/// `data/recipients.csv` when it exists. Returns the errors, the warnings (no consent) and
/// how many recipients were read (`None`: no file); a file given that cannot be read is an
/// error of its own (exit status 2).
pub fn check_recipients(
    project: &Project,
    explicit: Option<&Path>,
) -> crate::error::Result<(Vec<InputError>, Vec<InputError>, Option<usize>)> {
    let path = match explicit {
        Some(path) => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        // A broken link or a folder by that name is reported (it cannot be read), not skipped.
        None if std::fs::symlink_metadata(project.root.join(RECIPIENTS_FILE)).is_ok() => {
            PathBuf::from(RECIPIENTS_FILE)
        }
        None => return Ok((Vec::new(), Vec::new(), None)),
    };
    let read = recipients::read(&project.root, &path)?;
    let mut errors = read.errors.clone();
    errors.extend(recipients::check(&read, project));
    // In the order of the file.
    errors.sort_by_key(|e| (e.line, e.column));
    Ok((errors, read.warnings, Some(read.list.len())))
}

/// One prepared message in the outbox.
struct Entry {
    email: String,
    lang: Lang,
    countries: Vec<String>,
    attachments: Vec<String>,
    bytes: usize,
    status: &'static str,
    /// For sending: the file, the address, the Message-ID and hash.
    file: Option<PathBuf>,
    to: Option<lettre::Address>,
    message_id: String,
    hash: String,
    briefs: String,
    delivery: Option<Delivery>,
    /// The SHA-256 of the message as prepared: the file is sent only if it still holds it.
    digest: String,
}

const READY: &str = "ready";
const NOT_CONSENTED: &str = "not consented";
const TOO_LARGE: &str = "too large";
const ALREADY_SENT: &str = "already sent";
const UNCERTAIN: &str = "uncertain";
const SENT: &str = "sent";
/// Sent before with briefs that have changed since (sent again with --resend-changed).
const CHANGED: &str = "sent, briefs changed since";
const FAILED: &str = "failed";

pub fn run(args: &MailArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let project = Project::load(&args.project)?;
    let config = project.config.mail.clone().ok_or_else(|| {
        anyhow!("marketbrief.yaml has no `mail:` section: say who sends and through which SMTP server (see docs/guide/mailing.md)")
    })?;
    // An unsafe or incomplete connection setting is refused before anything is written.
    let mut mailer = if args.send {
        Some(Mailer::new(&config)?)
    } else {
        None
    };
    let from: lettre::Address = config.from.email.parse().map_err(|e| {
        anyhow!(
            "marketbrief.yaml: mail.from.email: expected an e-mail address, found `{}` ({e})",
            config.from.email
        )
    })?;

    // A file named on the command line is where the shell says; the default is the
    // project's.
    let path = match &args.recipients {
        Some(path) => std::path::absolute(path)
            .with_context(|| format!("cannot resolve {}", path.display()))?,
        None => PathBuf::from(RECIPIENTS_FILE),
    };
    // A file that cannot be read stops the mailing (exit status 2), named.
    let read = match recipients::read(&args.project, &path) {
        Ok(read) => read,
        Err(e) if args.recipients.is_none() => {
            return Err(anyhow::Error::new(e)
                .context("no recipients to read: pass the file with --recipients FILE"));
        }
        Err(e) => return Err(e.into()),
    };
    let mut errors = read.errors.clone();
    errors.extend(recipients::check(&read, &project));
    errors.sort_by_key(|e| (e.line, e.column));
    for warning in &read.warnings {
        writeln!(err, "warning: {warning}")?;
    }
    if !errors.is_empty() {
        crate::diag::emit(&errors, &args.project, &project.sources, err, false)?;
        writeln!(
            out,
            "found {} problem{} in {}: nothing prepared",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            read.origin.display()
        )?;
        return Ok(Outcome::Failure);
    }

    let selected = select(&read.list, args)?;
    let settings = crate::settings::Settings::resolve(
        &project,
        &args.project,
        &[],
        args.edition,
        args.out.as_deref(),
    );
    let (edition, out_dir) = (settings.edition, settings.out_dir());
    // A draft is refused before anything is built: rebuilding it as final is the
    // adviser's decision, not the mailing's.
    refuse_drafts(&selected, &settings)?;
    build_out_of_date(&project, &selected, &settings, out, err)?;

    let mail_dir = out_dir.join("mail");
    std::fs::create_dir_all(&mail_dir)
        .with_context(|| format!("cannot create {}", mail_dir.display()))?;
    let lock_path = mail_dir.join(".lock");
    let lock = crate::output::open_lock(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        bail!(
            "another `marketbrief mail` is running on {} (it holds {}): wait for it to finish",
            mail_dir.display(),
            lock_path.display()
        );
    }
    crate::output::remove_stale_temporaries(&mail_dir);
    let mut ledger = Ledger::open(&mail_dir)?;
    let max_bytes = (config.max_message_mb * 1024.0 * 1024.0) as usize;

    let project_ref = &project;
    let mut composer = Composer::new(project_ref, &config, edition, &out_dir)?;
    let mut entries = Vec::new();
    let mut files = BTreeSet::new();
    // The outbox describes this run's messages or none: a run that fails halfway must not
    // leave the last run's, listing recipients since removed as "ready".
    let outbox = mail_dir.join(OUTBOX_FILE);
    if outbox.symlink_metadata().is_ok() {
        std::fs::remove_file(&outbox)
            .with_context(|| format!("cannot replace {}", outbox.display()))?;
    }
    for (recipient, countries) in &selected {
        let lang = recipient.lang.unwrap_or(Lang::En);
        let mut entry = Entry {
            email: recipient.email.clone(),
            lang,
            countries: countries.clone(),
            attachments: Vec::new(),
            bytes: 0,
            status: NOT_CONSENTED,
            file: None,
            to: None,
            message_id: String::new(),
            hash: String::new(),
            briefs: String::new(),
            delivery: None,
            digest: String::new(),
        };
        if recipient.consent {
            let prepared = composer.compose(recipient, countries).with_context(|| {
                format!(
                    "{}:{}: the message to {}",
                    read.origin.display(),
                    recipient.line,
                    recipient.email
                )
            })?;
            let file = mail_dir.join(format!("{}.eml", file_stem(&recipient.email)));
            // One file, one recipient (file names are one-to-one; checked all the same,
            // for a file written twice would send one person's message to another).
            if !files.insert(file.clone()) {
                bail!(
                    "{}:{}: the message to {} would replace another recipient's ({}): nothing sent",
                    read.origin.display(),
                    recipient.line,
                    recipient.email,
                    file.display()
                );
            }
            // Whole or not at all, and on the disk before the run goes on: the message
            // sent is the one whose digest the record holds.
            crate::output::write_atomic(&file, &prepared.bytes)?;
            let delivery = Delivery::new(&edition.to_string(), &recipient.email, countries);
            entry.bytes = prepared.bytes.len();
            entry.attachments = prepared.attachments;
            entry.status = if prepared.bytes.len() > max_bytes {
                writeln!(
                    err,
                    "warning: the message to {} is {:.1} MB, over mail.max_message_mb ({}): not sent",
                    recipient.email,
                    prepared.bytes.len() as f64 / 1048576.0,
                    crate::config::mail::size_mb(config.max_message_mb)
                )?;
                TOO_LARGE
            } else {
                match ledger.known(&delivery, &prepared.message_id, &prepared.briefs) {
                    Known::Sent => ALREADY_SENT,
                    Known::SentChanged => CHANGED,
                    Known::Uncertain => UNCERTAIN,
                    Known::Unsent => READY,
                }
            };
            entry.digest = crate::incremental::sha256(&prepared.bytes);
            entry.delivery = Some(delivery);
            entry.file = Some(file);
            entry.to = Some(prepared.to);
            entry.message_id = prepared.message_id;
            entry.hash = prepared.hash;
            entry.briefs = prepared.briefs;
        }
        entries.push(entry);
    }
    drop(composer);
    // A run over every recipient leaves only their messages for review: the message of a
    // recipient removed from the file since the last run goes (runs narrowed with --to or
    // --country leave the others' alone).
    if args.to.is_empty() && args.countries.is_empty() {
        remove_stale_messages(&mail_dir, &files)?;
    }
    write_outbox(&mail_dir, &entries)?;

    let Some(mailer) = mailer.as_mut() else {
        let prepared = entries.iter().filter(|e| e.file.is_some()).count();
        writeln!(
            out,
            "prepared {prepared} message{} in {} ({} ready, {} already sent, {} uncertain, {} too large, {} not consented); nothing sent: review them, then run `marketbrief mail --send`",
            if prepared == 1 { "" } else { "s" },
            mail_dir.display(),
            count(&entries, READY),
            count(&entries, ALREADY_SENT) + count(&entries, CHANGED),
            count(&entries, UNCERTAIN),
            count(&entries, TOO_LARGE),
            count(&entries, NOT_CONSENTED)
        )?;
        say_changed(&entries, out)?;
        return Ok(if count(&entries, TOO_LARGE) > 0 {
            Outcome::Failure
        } else {
            Outcome::Success
        });
    };

    let to_send: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.status == READY
                || (args.resend_uncertain && e.status == UNCERTAIN)
                || (args.resend_changed && e.status == CHANGED)
        })
        .map(|(i, _)| i)
        .take(args.limit.unwrap_or(usize::MAX))
        .collect();
    let resendable = if args.resend_uncertain {
        count(&entries, UNCERTAIN)
    } else {
        0
    } + if args.resend_changed {
        count(&entries, CHANGED)
    } else {
        0
    };
    if args.resend_changed {
        let again = to_send
            .iter()
            .filter(|&&i| entries[i].status == CHANGED)
            .count();
        writeln!(
            err,
            "--resend-changed: sending {again} message{} again, to recipients sent earlier briefs of this edition that have changed since",
            if again == 1 { "" } else { "s" }
        )?;
    } else {
        say_changed(&entries, out)?;
    }
    let left = (count(&entries, READY) + resendable).saturating_sub(to_send.len());
    let progress = crate::cmd::progress::bar(to_send.len(), "messages", true);
    let mut unreachable_in_a_row = 0;
    let mut stopped = false;
    for &i in &to_send {
        let entry = &mut entries[i];
        let (Some(file), Some(to)) = (&entry.file, &entry.to) else {
            continue;
        };
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        // What goes out is what was prepared for this recipient, or nothing.
        if crate::incremental::sha256(&bytes) != entry.digest {
            bail!(
                "{} changed after it was prepared for {}: nothing more sent; run `marketbrief mail --send` again",
                file.display(),
                entry.email
            );
        }
        let delivery = entry.delivery.clone();
        let record = |status, reply| Record {
            time: now_rfc3339(),
            status,
            recipient: entry.email.clone(),
            message_id: entry.message_id.clone(),
            hash: entry.hash.clone(),
            reply,
            briefs: Some(entry.briefs.clone()),
            edition: delivery.as_ref().map(|d| d.edition.clone()),
            countries: delivery.as_ref().map(|d| d.countries.clone()),
        };
        // `sending` is recorded once the server is reached, just before the message is
        // handed over: a run killed while it waits to retry an unreachable server leaves
        // nothing uncertain.
        let mut handed_over = false;
        let result = mailer.send(&from, to, &bytes, &mut || {
            handed_over = true;
            ledger.append(&record(Status::Sending, None))
        })?;
        let unreachable = matches!(result, SendResult::Unreachable(_));
        let (status, reply, outcome) = match result {
            SendResult::Sent(reply) => (Some(Status::Sent), reply, SENT),
            SendResult::Failed(reply) => (Some(Status::Failed), reply, FAILED),
            SendResult::Unreachable(reply) => (
                // Nothing to settle when nothing was handed over.
                handed_over.then_some(Status::Failed),
                reply,
                FAILED,
            ),
            // The `sending` record stays without an outcome: the message is uncertain,
            // sent again only with --resend-uncertain.
            SendResult::Uncertain(reply) => (None, reply, UNCERTAIN),
        };
        unreachable_in_a_row = if unreachable {
            unreachable_in_a_row + 1
        } else {
            0
        };
        if let Some(status) = status {
            ledger.append(&record(status, Some(reply.clone())))?;
        }
        if outcome != SENT {
            progress.suspend(|| writeln!(err, "error: {}: {reply}", entry.email))?;
        }
        entry.status = outcome;
        progress.inc(1);
        if unreachable_in_a_row >= UNREACHABLE_STOP {
            stopped = true;
            break;
        }
    }
    progress.finish_and_clear();
    write_outbox(&mail_dir, &entries)?;
    if stopped {
        let not_tried = count(&entries, READY);
        writeln!(
            err,
            "error: stopped: the SMTP server {}:{} could not be reached for {UNREACHABLE_STOP} messages in a row \
             (nothing was handed over; they are not uncertain). Check mail.smtp and the network, then run \
             `marketbrief mail --send` again: it sends the {} failed and the {not_tried} not tried",
            config.smtp.host.trim(),
            config.smtp.port(),
            count(&entries, FAILED),
        )?;
    }
    let uncertain = count(&entries, UNCERTAIN);
    writeln!(
        out,
        "sent {}, skipped {} already sent, {} failed, {} not consented, {} uncertain{}{}",
        count(&entries, SENT),
        count(&entries, ALREADY_SENT) + count(&entries, CHANGED),
        count(&entries, FAILED),
        count(&entries, NOT_CONSENTED),
        uncertain,
        if count(&entries, TOO_LARGE) > 0 {
            format!(", {} too large", count(&entries, TOO_LARGE))
        } else {
            String::new()
        },
        if left > 0 {
            format!(", {left} left for the next run (--limit)")
        } else {
            String::new()
        }
    )?;
    if uncertain > 0 {
        writeln!(
            out,
            "{uncertain} message{} may or may not have arrived (the run that sent {} stopped before the server answered): see {}, then run again with --resend-uncertain to send {} anyway",
            if uncertain == 1 { "" } else { "s" },
            if uncertain == 1 { "it" } else { "them" },
            mail_dir.join(OUTBOX_FILE).display(),
            if uncertain == 1 { "it" } else { "them" },
        )?;
    }
    let clean = !stopped
        && count(&entries, FAILED) == 0
        && count(&entries, TOO_LARGE) == 0
        && uncertain == 0;
    Ok(if clean {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

fn count(entries: &[Entry], status: &str) -> usize {
    entries.iter().filter(|e| e.status == status).count()
}

/// Says how many recipients were sent briefs that have changed since, and how to send the
/// new ones (never done unasked).
fn say_changed(entries: &[Entry], out: &mut dyn Write) -> Result<()> {
    let changed = count(entries, CHANGED);
    if changed > 0 {
        writeln!(
            out,
            "{changed} of those already sent had briefs that changed since (rebuilt in this edition); not sent again: `marketbrief mail --send --resend-changed` sends them the new ones"
        )?;
    }
    Ok(())
}

/// The recipients `--to` and `--country` select, each with the countries to attach.
fn select<'r>(list: &'r [Recipient], args: &MailArgs) -> Result<Vec<(&'r Recipient, Vec<String>)>> {
    let wanted_to: BTreeSet<String> = args.to.iter().map(|t| t.trim().to_lowercase()).collect();
    for to in &wanted_to {
        if !list.iter().any(|r| &r.email.trim().to_lowercase() == to) {
            bail!(
                "--to {}: no such address in the recipients file",
                crate::limits::quote(to)
            );
        }
    }
    let wanted_countries: BTreeSet<String> =
        args.countries.iter().map(|c| c.to_lowercase()).collect();
    for country in &wanted_countries {
        if !list.iter().any(|r| r.countries.contains(country)) {
            bail!(
                "--country {}: no recipient follows this country in the recipients file",
                crate::limits::quote(country)
            );
        }
    }
    Ok(list
        .iter()
        .filter(|r| wanted_to.is_empty() || wanted_to.contains(&r.email.trim().to_lowercase()))
        .filter_map(|r| {
            let countries: Vec<String> = r
                .countries
                .iter()
                .filter(|c| wanted_countries.is_empty() || wanted_countries.contains(*c))
                .cloned()
                .collect();
            (!countries.is_empty()).then_some((r, countries))
        })
        .collect())
}

/// Brings the briefs the messages attach up to date, as `build` would: a brief missing, or
/// out of date with its inputs (new data, an edited profile), or whose PDF or record no
/// longer matches the edition's manifest (a build killed between writing the PDFs and the
/// record, a truncated file) is built again; the others are left as they are. Nothing is
/// attached from disk on trust.
fn build_out_of_date(
    project: &Project,
    selected: &[(&Recipient, Vec<String>)],
    settings: &crate::settings::Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    // The briefs the consenting recipients need, in one build of every language.
    let mut needed: BTreeSet<(String, Lang)> = BTreeSet::new();
    for (recipient, countries) in selected.iter().filter(|(r, _)| r.consent) {
        let Some(lang) = recipient.lang else { continue };
        needed.extend(countries.iter().map(|c| (c.to_ascii_lowercase(), lang)));
    }
    if needed.is_empty() {
        return Ok(());
    }
    let mut langs: Vec<Lang> = needed.iter().map(|(_, lang)| *lang).collect();
    langs.dedup();
    langs.sort();
    langs.dedup();
    let settings = crate::settings::Settings {
        langs,
        ..settings.clone()
    };
    let request = crate::builder::Request {
        countries: needed.iter().map(|(code, _)| code.clone()).collect(),
        only: Some(needed),
        ..Default::default()
    };
    let report = crate::builder::build(project, &settings, &request, &mut BTreeSet::new(), &())?;
    let mut failed = false;
    for (name, outcome) in &report.briefs {
        match outcome {
            crate::builder::BriefOutcome::Built { pdf, .. } => writeln!(
                out,
                "wrote {} (missing or out of date, to attach)",
                pdf.display()
            )?,
            crate::builder::BriefOutcome::Failed(e) => {
                failed = true;
                writeln!(err, "error: {name}: {}", crate::error::chain(e))?;
            }
        }
    }
    if failed {
        bail!("the briefs to attach could not all be built: nothing prepared");
    }
    Ok(())
}

/// Refuses to attach a brief built with `--draft`, naming each: a draft is for the
/// adviser's eyes, never a company's.
fn refuse_drafts(
    selected: &[(&Recipient, Vec<String>)],
    settings: &crate::settings::Settings,
) -> Result<()> {
    let out_dir = settings.out_dir();
    let state = crate::store::Store::load(&out_dir, settings.edition)?;
    let mut drafts = BTreeSet::new();
    for (recipient, countries) in selected.iter().filter(|(r, _)| r.consent) {
        let Some(lang) = recipient.lang else { continue };
        for code in countries {
            let file = format!("{code}-{lang}.pdf");
            if state.entry(&file).is_some_and(|e| e.draft) {
                drafts.insert((code.clone(), lang, file));
            }
        }
    }
    if drafts.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = drafts
        .iter()
        .map(|(_, _, file)| out_dir.join(file).display().to_string())
        .collect();
    let Some((code, lang, _)) = drafts.first() else {
        return Ok(());
    };
    bail!(
        "{} {} a draft (built with --draft), and a draft is never mailed: build the final brief{} (`marketbrief build --country {code} --lang {lang}`), then run `marketbrief mail` again; nothing prepared",
        names.join(", "),
        if names.len() == 1 { "is" } else { "are each" },
        if names.len() == 1 { "" } else { "s" },
    )
}

/// Removes the `.eml` files of `dir` that this run did not write.
fn remove_stale_messages(dir: &Path, written: &BTreeSet<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "eml") && !written.contains(&path) {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Writes `outbox.csv`: one row per selected recipient and what became of its message.
fn write_outbox(dir: &Path, entries: &[Entry]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "recipient",
        "language",
        "countries",
        "attachments",
        "bytes",
        "status",
    ])?;
    for e in entries {
        writer.write_record([
            e.email.as_str(),
            e.lang.code(),
            &e.countries.join(";"),
            &e.attachments.join(";"),
            &e.bytes.to_string(),
            e.status,
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| anyhow!("{e}"))?;
    Ok(crate::output::write_atomic(&dir.join(OUTBOX_FILE), &bytes)?)
}
