//! `mail:` in `marketbrief.yaml`: who sends, through which SMTP server, at what pace, and
//! where recipients unsubscribe. Checked at load, so that `check` reports it too.

use serde::Deserialize;

/// `mail:` in `marketbrief.yaml`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The publisher, as the messages' sender.
    pub from: Sender,
    /// The SMTP server that sends the messages.
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

/// A size in MB as a message shows it: in scientific notation when tiny or huge
/// (`max_message_mb: 1e-300` was echoed as 300 digits).
pub fn size_mb(mb: f64) -> String {
    if mb == 0.0 || (1e-3..1e6).contains(&mb.abs()) {
        mb.to_string()
    } else {
        format!("{mb:e}")
    }
}

fn default_max_message_mb() -> f64 {
    10.0
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// The name recipients see (“Brussels Trade Desk”).
    pub name: String,
    /// The sending address.
    pub email: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The server's host name.
    pub host: String,
    /// Its port [default: 587 with starttls, 465 with tls, 25 with none].
    #[serde(default)]
    pub port: Option<u16>,
    /// How the connection is protected: starttls (default), tls or none (this machine only).
    #[serde(default)]
    pub security: Security,
    /// No user, no authentication. The password comes from `MARKETBRIEF_SMTP_PASSWORD`.
    #[serde(default)]
    pub user: Option<String>,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
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
        if let Some(why) = crate::vocab::email_problem(&self.from.email) {
            problem("from.email", why);
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
                    size_mb(self.max_message_mb)
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
        return crate::vocab::email_problem(address).and_then(|_| bad());
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

#[cfg(test)]
mod size_tests {
    #[test]
    fn a_tiny_or_huge_size_is_echoed_in_a_few_characters() {
        // Issue 26 (low): `max_message_mb: 1e-300` was echoed as 300 digits.
        assert_eq!(super::size_mb(1e-300), "1e-300");
        assert_eq!(super::size_mb(10.0), "10");
        assert_eq!(super::size_mb(0.5), "0.5");
        for (text, shown) in [("-1e-300", "-1e-300"), ("1e300", "1e300"), ("250", "250")] {
            let yaml = format!(
                "from: {{name: A, email: a@example.org}}\nsmtp: {{host: localhost, security: none}}\nmax_message_mb: {text}\nunsubscribe: mailto:u@example.org\n"
            );
            let config: super::MailConfig = serde_yaml::from_str(&yaml).unwrap();
            let problems = config.problems();
            let (field, why) = problems
                .iter()
                .find(|(f, _)| f.ends_with("max_message_mb"))
                .expect("refused");
            assert!(field.ends_with("max_message_mb"));
            assert!(why.ends_with(&format!("found {shown}")), "{why}");
            assert!(why.len() < 80, "{why}");
        }
    }
}
