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

use serde::Deserialize;

/// The recipients file a project has unless `--recipients` names another.
pub const RECIPIENTS_FILE: &str = "data/recipients.csv";
/// The environment variable holding the SMTP password (never a file).
pub const PASSWORD_VAR: &str = "MARKETBRIEF_SMTP_PASSWORD";

/// `mail:` in `marketbrief.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The publisher, as the messages' sender.
    pub from: Sender,
    pub smtp: SmtpConfig,
    /// At most this many messages a minute.
    #[serde(default = "default_per_minute")]
    pub per_minute: u32,
    /// The largest message, in megabytes after encoding.
    #[serde(default = "default_max_message_mb")]
    pub max_message_mb: f64,
    /// Where a recipient unsubscribes (`mailto:` or `https:`), for `List-Unsubscribe`.
    pub unsubscribe: String,
}

fn default_per_minute() -> u32 {
    30
}

fn default_max_message_mb() -> f64 {
    10.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// No user, no authentication. The password comes from `MARKETBRIEF_SMTP_PASSWORD`.
    #[serde(default)]
    pub user: Option<String>,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required), port 587 by default.
    #[default]
    Starttls,
    /// TLS from the start, port 465 by default.
    Tls,
    /// No encryption: only to a server on this machine (a local relay, a test server).
    None,
}

impl SmtpConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        })
    }
}

/// The file name of a recipient's message: the address, lower-cased, with anything but
/// letters, digits and `@._+-` replaced by `_`, so that no address can name a file outside
/// the mail folder (`../`, `/`, a leading dot) or one that differs only in case.
pub fn file_stem(email: &str) -> String {
    let mut stem: String = email
        .to_lowercase()
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
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
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
        assert_eq!(file_stem("\"a b\"@x.example"), "_a_b_@x.example");
    }

    #[test]
    fn time_is_rfc3339() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
    }
}
