//! `sent.jsonl`: one JSON record a line, appended and flushed to disk before a message is
//! handed to the server (`sending`) and after its answer (`sent` or `failed`).
//!
//! What the ledger counts is a [`Delivery`]: an edition's briefs of some countries to one
//! mailbox. Neither the message's wording (a corrected name) nor the PDFs' bytes (a rebuild
//! with a fixed template) make a new delivery, so neither sends a message again; sending
//! corrected briefs again is asked for by name (`--resend-changed`). A delivery whose
//! `sending` has no outcome (the run died mid-send) is uncertain: it may have reached the
//! recipient, and every message to that mailbox waits for `--resend-uncertain`, whatever
//! was edited since.
//!
//! Records written before deliveries were recorded (no `edition`, no `countries`) still
//! count, by their Message-ID and by the briefs they carried.

use crate::error::{Error, IoResultExt, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const LEDGER_FILE: &str = "sent.jsonl";

/// What a record says about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Sending,
    Sent,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub time: String,
    pub status: Status,
    pub recipient: String,
    pub message_id: String,
    pub hash: String,
    /// The server's answer ("250 2.0.0 OK"), or the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// A hash of the briefs attached (see `Prepared::briefs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub briefs: Option<String>,
    /// The edition and countries of the delivery (absent from records of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
}

impl Record {
    /// The delivery this record is about, when it says.
    pub fn delivery(&self) -> Option<Delivery> {
        Some(Delivery::new(
            self.edition.as_deref()?,
            &self.recipient,
            self.countries.as_deref()?,
        ))
    }
}

/// What identifies a message within a mail folder: the edition, the mailbox (lower-cased)
/// and the countries whose briefs it carries — never a file name, a wording or a hash of
/// bytes that a rebuild may change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Delivery {
    pub edition: String,
    pub mailbox: String,
    pub countries: Vec<String>,
}

impl Delivery {
    pub fn new(edition: &str, recipient: &str, countries: &[String]) -> Delivery {
        let mut countries: Vec<String> = countries.iter().map(|c| c.to_lowercase()).collect();
        countries.sort();
        countries.dedup();
        Delivery {
            edition: edition.to_string(),
            mailbox: recipient.trim().to_lowercase(),
            countries,
        }
    }
}

/// What the ledger says of a message about to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Never sent, or refused: may be sent.
    Unsent,
    /// Sent with these very briefs: never again.
    Sent,
    /// Sent, with briefs that have changed since: again only with `--resend-changed`.
    SentChanged,
    /// A message to this mailbox was handed to the server with no outcome recorded: it
    /// may have arrived. Nothing more goes to the mailbox without `--resend-uncertain`.
    Uncertain,
}

/// What the records of one delivery (or one older message) add up to.
#[derive(Debug, Default)]
struct State {
    /// The briefs of the last message the server accepted.
    sent: Option<String>,
    /// A `sending` with no outcome after it.
    pending: bool,
}

/// Records of older versions are keyed by Message-ID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Delivery(Delivery),
    Legacy(String),
}

pub struct Ledger {
    path: PathBuf,
    file: Option<std::fs::File>,
    states: BTreeMap<Key, (String, State)>,
    /// Older records: the mailboxes (lower case) sent each set of briefs.
    legacy_delivered: BTreeSet<(String, String)>,
}

impl Ledger {
    /// Reads the ledger of a mail folder (none yet is an empty ledger). A line that cannot
    /// be read — the end of a record cut short by a crash — is skipped: what it said is
    /// then unknown, and the message it was about stays uncertain or unsent.
    pub fn open(dir: &Path) -> Result<Ledger> {
        let path = dir.join(LEDGER_FILE);
        let mut ledger = Ledger {
            path,
            file: None,
            states: BTreeMap::new(),
            legacy_delivered: BTreeSet::new(),
        };
        match std::fs::read_to_string(&ledger.path) {
            Ok(text) => {
                for line in text.lines() {
                    if let Ok(record) = serde_json::from_str::<Record>(line) {
                        ledger.note(&record);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("read", &ledger.path, e)),
        }
        Ok(ledger)
    }

    fn note(&mut self, record: &Record) {
        let key = match record.delivery() {
            Some(delivery) => Key::Delivery(delivery),
            None => {
                if record.status == Status::Sent
                    && let Some(briefs) = &record.briefs
                {
                    self.legacy_delivered
                        .insert((record.recipient.to_lowercase(), briefs.clone()));
                }
                Key::Legacy(record.message_id.clone())
            }
        };
        let mailbox = record.recipient.trim().to_lowercase();
        // An outcome for a mailbox with an uncertain message comes only from
        // `--resend-uncertain`: asked for, it settles every uncertain message to the mailbox
        // (one of other countries, or worded otherwise, included).
        if record.status != Status::Sending {
            for (other, state) in self.states.values_mut() {
                if *other == mailbox {
                    state.pending = false;
                }
            }
        }
        let (_, state) = self
            .states
            .entry(key)
            .or_insert_with(|| (mailbox, State::default()));
        match record.status {
            Status::Sending => state.pending = true,
            Status::Sent => state.sent = Some(record.briefs.clone().unwrap_or_default()),
            Status::Failed => {}
        }
    }

    /// What is known of the message carrying `briefs` (their hash) for `delivery`, with
    /// Message-ID `message_id` (for records of older versions).
    pub fn known(&self, delivery: &Delivery, message_id: &str, briefs: &str) -> Known {
        let uncertain = self
            .states
            .values()
            .any(|(mailbox, state)| state.pending && *mailbox == delivery.mailbox);
        if uncertain {
            return Known::Uncertain;
        }
        if let Some((_, state)) = self.states.get(&Key::Delivery(delivery.clone()))
            && let Some(sent) = &state.sent
        {
            return if sent == briefs {
                Known::Sent
            } else {
                Known::SentChanged
            };
        }
        let legacy_sent = self
            .states
            .get(&Key::Legacy(message_id.to_string()))
            .is_some_and(|(_, state)| state.sent.is_some());
        if legacy_sent
            || self
                .legacy_delivered
                .contains(&(delivery.mailbox.clone(), briefs.to_string()))
        {
            return Known::Sent;
        }
        Known::Unsent
    }

    /// Appends a record and waits until it is on disk.
    pub fn append(&mut self, record: &Record) -> Result<()> {
        if self.file.is_none() {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .io("open", &self.path)?;
            self.file = Some(file);
        }
        let mut line = serde_json::to_string(record)
            .map_err(|e| Error::Mail(format!("cannot record a message: {e}")))?;
        line.push('\n');
        if let Some(file) = &mut self.file {
            // A record cut short earlier (a crash mid-write) must not swallow this one.
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            if len > 0 && !ends_with_newline(&self.path) {
                line.insert(0, '\n');
            }
            file.write_all(line.as_bytes())
                .and_then(|()| file.sync_data())
                .io("write", &self.path)?;
        }
        self.note(record);
        Ok(())
    }
}

fn ends_with_newline(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return true;
    };
    let mut last = [0u8];
    file.seek(SeekFrom::End(-1))
        .and_then(|_| file.read_exact(&mut last))
        .map(|()| last[0] == b'\n')
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(to: &str, countries: &[&str]) -> Delivery {
        let countries: Vec<String> = countries.iter().map(|c| c.to_string()).collect();
        Delivery::new("2025-Q3", to, &countries)
    }

    fn record(status: Status, to: &str, countries: &[&str], briefs: &str) -> Record {
        let d = delivery(to, countries);
        Record {
            time: crate::mail::now_rfc3339(),
            status,
            recipient: to.into(),
            message_id: format!("<{to}.{briefs}>"),
            hash: "h".into(),
            reply: None,
            briefs: Some(briefs.into()),
            edition: Some(d.edition),
            countries: Some(d.countries),
        }
    }

    #[test]
    fn remembers_outcomes_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        ledger
            .append(&record(Status::Sending, "a@x", &["ca"], "b1"))
            .unwrap();
        ledger
            .append(&record(Status::Sent, "a@x", &["ca"], "b1"))
            .unwrap();
        ledger
            .append(&record(Status::Sending, "b@x", &["ca"], "b1"))
            .unwrap();
        drop(ledger);
        // A crash in the middle of a record.
        let path = dir.path().join(LEDGER_FILE);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"time\":\"2025");
        std::fs::write(&path, text).unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        let a = delivery("a@x", &["ca"]);
        let b = delivery("b@x", &["ca"]);
        let c = delivery("c@x", &["ca"]);
        assert_eq!(ledger.known(&a, "<other>", "b1"), Known::Sent);
        assert_eq!(ledger.known(&b, "<other>", "b1"), Known::Uncertain);
        assert_eq!(ledger.known(&c, "<c>", "b1"), Known::Unsent);
        ledger
            .append(&record(Status::Sending, "c@x", &["ca"], "b1"))
            .unwrap();
        ledger
            .append(&record(Status::Failed, "c@x", &["ca"], "b1"))
            .unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        assert_eq!(ledger.known(&c, "<c>", "b1"), Known::Unsent);
    }

    #[test]
    fn a_delivery_is_its_recipient_and_countries_not_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        ledger
            .append(&record(Status::Sending, "Jan@X", &["mx", "ca"], "b1"))
            .unwrap();
        ledger
            .append(&record(Status::Sent, "Jan@X", &["mx", "ca"], "b1"))
            .unwrap();
        // The same delivery, whatever the letter case, order, wording or Message-ID.
        let same = delivery("jan@x", &["ca", "mx"]);
        assert_eq!(ledger.known(&same, "<reworded>", "b1"), Known::Sent);
        // Rebuilt briefs: sent already, with other briefs.
        assert_eq!(ledger.known(&same, "<rebuilt>", "b2"), Known::SentChanged);
        // Other countries are another delivery; another edition too.
        assert_eq!(
            ledger.known(&delivery("jan@x", &["ca"]), "<x>", "b1"),
            Known::Unsent
        );
        let next = Delivery::new("2025-Q4", "jan@x", &["ca".into(), "mx".into()]);
        assert_eq!(ledger.known(&next, "<y>", "b1"), Known::Unsent);
    }

    #[test]
    fn an_uncertain_message_holds_its_mailbox_whatever_is_edited() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        ledger
            .append(&record(Status::Sending, "jan@x", &["ca"], "b1"))
            .unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        for (countries, briefs) in [(&["ca"][..], "b1"), (&["ca"], "b2"), (&["ca", "mx"], "b3")] {
            assert_eq!(
                ledger.known(&delivery("JAN@x", countries), "<new>", briefs),
                Known::Uncertain
            );
        }
        assert_eq!(
            ledger.known(&delivery("ann@x", &["ca"]), "<a>", "b1"),
            Known::Unsent
        );
        // Sent again when told (`--resend-uncertain`), with other countries: settled.
        let mut ledger = ledger;
        ledger
            .append(&record(Status::Sending, "jan@x", &["ca", "mx"], "b3"))
            .unwrap();
        ledger
            .append(&record(Status::Sent, "jan@x", &["ca", "mx"], "b3"))
            .unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        assert_eq!(
            ledger.known(&delivery("jan@x", &["ca", "mx"]), "<n>", "b3"),
            Known::Sent
        );
        assert_eq!(
            ledger.known(&delivery("jan@x", &["ca"]), "<n>", "b1"),
            Known::Unsent
        );
    }

    #[test]
    fn records_of_older_versions_still_count() {
        let dir = tempfile::tempdir().unwrap();
        let old = |status: &str, id: &str, to: &str| {
            format!(
                "{{\"time\":\"2025-10-01T08:00:00Z\",\"status\":\"{status}\",\"recipient\":\"{to}\",\"message_id\":\"{id}\",\"hash\":\"h\",\"briefs\":\"b1\"}}\n"
            )
        };
        let text = old("sending", "<1>", "a@x")
            + &old("sent", "<1>", "a@x")
            + &old("sending", "<2>", "b@x");
        std::fs::write(dir.path().join(LEDGER_FILE), text).unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        assert_eq!(
            ledger.known(&delivery("a@x", &["ca"]), "<1>", "b9"),
            Known::Sent
        );
        assert_eq!(
            ledger.known(&delivery("a@x", &["ca"]), "<9>", "b1"),
            Known::Sent
        );
        assert_eq!(
            ledger.known(&delivery("a@x", &["ca"]), "<9>", "b9"),
            Known::Unsent
        );
        assert_eq!(
            ledger.known(&delivery("b@x", &["mx"]), "<9>", "b9"),
            Known::Uncertain
        );
    }
}
