//! `sent.jsonl`: one JSON record a line, appended and flushed to disk before a message is
//! handed to the server (`sending`) and after its answer (`sent` or `failed`). A message
//! with a `sent` record is never sent again; one whose `sending` has no outcome (the run
//! died mid-send) is uncertain: it may have reached the recipient.

use crate::error::{Error, IoResultExt, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
}

/// What the ledger knows about a message, by Message-ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Sent: never again.
    Sent,
    /// Handed to the server with no outcome recorded: it may have arrived.
    Uncertain,
    /// Refused or not delivered: may be sent again.
    Failed,
}

pub struct Ledger {
    path: PathBuf,
    file: Option<std::fs::File>,
    known: BTreeMap<String, Known>,
    /// The mailboxes (lower case) sent each set of briefs.
    delivered: std::collections::BTreeSet<(String, String)>,
}

impl Ledger {
    /// Reads the ledger of a mail folder (none yet is an empty ledger). A line that cannot
    /// be read — the end of a record cut short by a crash — is skipped: what it said is
    /// then unknown, and the message it was about stays uncertain or unsent.
    pub fn open(dir: &Path) -> Result<Ledger> {
        let path = dir.join(LEDGER_FILE);
        let mut known = BTreeMap::new();
        let mut delivered = std::collections::BTreeSet::new();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                for line in text.lines() {
                    let Ok(record) = serde_json::from_str::<Record>(line) else {
                        continue;
                    };
                    let state = match record.status {
                        Status::Sending => Known::Uncertain,
                        Status::Sent => Known::Sent,
                        Status::Failed => Known::Failed,
                    };
                    if record.status == Status::Sent
                        && let Some(briefs) = &record.briefs
                    {
                        delivered.insert((record.recipient.to_lowercase(), briefs.clone()));
                    }
                    // Once sent, always sent (a later resend of an uncertain one included).
                    if known.get(&record.message_id) != Some(&Known::Sent) {
                        known.insert(record.message_id, state);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("read", &path, e)),
        }
        Ok(Ledger {
            path,
            file: None,
            known,
            delivered,
        })
    }

    pub fn known(&self, message_id: &str) -> Option<Known> {
        self.known.get(message_id).copied()
    }

    /// Whether `recipient`'s mailbox was sent these very briefs already (in a message worded
    /// otherwise, or addressed in other letter case): not a new message.
    pub fn delivered(&self, recipient: &str, briefs: &str) -> bool {
        self.delivered
            .contains(&(recipient.to_lowercase(), briefs.to_string()))
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
        let state = match record.status {
            Status::Sending => Known::Uncertain,
            Status::Sent => Known::Sent,
            Status::Failed => Known::Failed,
        };
        if record.status == Status::Sent
            && let Some(briefs) = &record.briefs
        {
            self.delivered
                .insert((record.recipient.to_lowercase(), briefs.clone()));
        }
        self.known.insert(record.message_id.clone(), state);
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

    fn record(status: Status, id: &str) -> Record {
        Record {
            time: crate::mail::now_rfc3339(),
            status,
            recipient: "a@b.example".into(),
            message_id: id.into(),
            hash: "h".into(),
            reply: None,
            briefs: None,
        }
    }

    #[test]
    fn remembers_outcomes_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        ledger.append(&record(Status::Sending, "<1>")).unwrap();
        ledger.append(&record(Status::Sent, "<1>")).unwrap();
        ledger.append(&record(Status::Sending, "<2>")).unwrap();
        drop(ledger);
        // A crash in the middle of a record.
        let path = dir.path().join(LEDGER_FILE);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"time\":\"2025");
        std::fs::write(&path, text).unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        assert_eq!(ledger.known("<1>"), Some(Known::Sent));
        assert_eq!(ledger.known("<2>"), Some(Known::Uncertain));
        assert_eq!(ledger.known("<3>"), None);
        ledger.append(&record(Status::Failed, "<3>")).unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        assert_eq!(ledger.known("<3>"), Some(Known::Failed));
    }
}
