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

impl MailConfig {
    /// What in the settings would give a message with broken or forged headers, a run
    /// that never ends, or nothing sendable: `(field path, message)`.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, why: String| problems.push((format!("mail.{field}"), why));
        if self.from.name.chars().any(char::is_control) || self.from.name.trim().is_empty() {
            problem(
                "from.name",
                "expected the sender's name on one line, found an empty name or a line break"
                    .into(),
            );
        }
        if self.from.email.parse::<lettre::Address>().is_err() {
            problem(
                "from.email",
                format!("expected an e-mail address, found `{}`", self.from.email),
            );
        }
        if self.per_minute == 0 || self.per_minute > 60_000 {
            problem(
                "per_minute",
                format!(
                    "expected 1 to 60000 messages a minute, found {}",
                    self.per_minute
                ),
            );
        }
        if !(self.max_message_mb.is_finite()
            && self.max_message_mb > 0.0
            && self.max_message_mb <= 100.0)
        {
            problem(
                "max_message_mb",
                format!(
                    "expected a size above 0 and at most 100 MB, found {}",
                    self.max_message_mb
                ),
            );
        }
        if let Some(why) = unsubscribe_problem(&self.unsubscribe) {
            problem("unsubscribe", why);
        }
        let host = self.smtp.host.trim();
        if host.is_empty()
            || host
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '/')
        {
            problem(
                "smtp.host",
                format!("expected a host name, found `{}`", self.smtp.host),
            );
        }
        problems
    }
}

/// Why an unsubscribe address cannot go into `List-Unsubscribe`: it must be one
/// `mailto:` address or one `https:` link, nothing a header or a page could be made of.
fn unsubscribe_problem(value: &str) -> Option<String> {
    let bad = || {
        Some(format!(
            "expected one `mailto:` address or one `https://` link, found `{value}`"
        ))
    };
    if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>,\"'".contains(c))
    {
        return bad();
    }
    if let Some(address) = value.strip_prefix("mailto:") {
        let address = address.split('?').next().unwrap_or_default();
        return address
            .parse::<lettre::Address>()
            .is_err()
            .then(bad)
            .flatten();
    }
    match value.strip_prefix("https://") {
        Some(rest) if !rest.is_empty() => None,
        _ => bad(),
    }
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
