//! `marketbrief mail`: one message per company, in its language, with the briefs of its
//! countries attached — prepared for review first, sent only when told, never twice.
//!
//! - [`recipients`] reads `data/recipients.csv` (or an `.xlsx` export) and [`validate`]
//!   checks it against the project;
//! - [`message`] builds each message from the templates `templates/mail/<lang>.txt.j2` and
//!   `.html.j2` and the edition's `figures.json`, the briefs attached;
//! - [`ledger`] keeps `sent.jsonl`, the record of what was sent;
//! - [`send`] talks SMTP, with a rate limit and retries.

pub mod ledger;
pub mod message;
pub mod recipients;
pub mod send;
mod template;
pub mod validate;
mod xlsx;

/// The recipients file a project has unless `--recipients` names another.
pub const RECIPIENTS_FILE: &str = "data/recipients.csv";
/// The environment variable holding the SMTP password (never a file).
pub const PASSWORD_VAR: &str = "MARKETBRIEF_SMTP_PASSWORD";

pub use crate::config::mail::{MailConfig, Security, Sender, SmtpConfig};

/// The file name of a recipient's message: the address, lower-cased, with anything but
/// letters, digits and `@._+-` replaced by `_`, so that no address can name a file outside
/// the mail folder (`../`, `/`, a leading dot) or one that differs only in case. When
/// anything was replaced, a hash of the address follows, so that two addresses
/// (`jörg@…`, `jürg@…`) never share a file.
pub fn file_stem(email: &str) -> String {
    let lower = email.to_lowercase();
    let mut stem: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect();
    if stem.starts_with('.') || stem.starts_with('-') || stem.is_empty() {
        stem.insert(0, '_');
    }
    if stem != lower {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(lower.as_bytes());
        stem.push('-');
        stem.extend(hash.iter().take(4).map(|b| format!("{b:02x}")));
    }
    stem
}

/// The time now as RFC 3339 in UTC (`2025-10-01T08:30:00Z`), for the ledger.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let (year, month, day) = crate::vocab::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_cannot_name_a_file_outside_the_mail_folder() {
        assert_eq!(
            file_stem("Jan.Peeters@Acme.example"),
            "jan.peeters@acme.example"
        );
        for bad in [
            "../../etc/passwd@x.example",
            "a/b@x.example",
            ".hidden@x",
            "",
        ] {
            let stem = file_stem(bad);
            assert!(!stem.contains('/') && !stem.starts_with('.'), "{stem}");
            assert!(!stem.is_empty());
        }
        assert!(file_stem("\"a b\"@x.example").starts_with("_a_b_@x.example-"));
        // Addresses that differ only in what is replaced keep files of their own.
        assert_ne!(file_stem("jörg@x.example"), file_stem("jürg@x.example"));
        assert_ne!(file_stem("us/er@x.example"), file_stem("us_er@x.example"));
        assert_eq!(file_stem("Jörg@X.example"), file_stem("jörg@x.example"));
    }

    #[test]
    fn time_is_rfc3339() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
    }
}
