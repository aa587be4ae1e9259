//! Sending through SMTP with lettre: the connection as configured (STARTTLS, TLS, or none
//! to this machine only), the password from the environment, a rate limit, and retries
//! with back-off for transient errors (4xx answers, lost connections).

use super::{MailConfig, PASSWORD_VAR, Security};
use crate::error::{Error, Result};
use lettre::address::Envelope;
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, Transport};
use std::time::{Duration, Instant};

/// How long to wait before the first retry of a transient error; doubled each time.
/// Tests shorten it with `MARKETBRIEF_SMTP_BACKOFF_MS` (an internal setting).
const BACKOFF: Duration = Duration::from_secs(5);
/// Retries of one message after a transient error.
const RETRIES: u32 = 3;

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted; the server's answer.
    Sent(String),
    /// Refused for good (5xx), or still failing after the retries: not delivered.
    Failed(String),
    /// The server could not be reached, after the retries: nothing was handed over.
    Unreachable(String),
    /// The server was reached and the message handed over, but no answer came (the
    /// connection dropped or timed out): it may have arrived, so it is never sent again
    /// without `--resend-uncertain`.
    Uncertain(String),
}

/// An SMTP connection setting and the pace of sending.
pub struct Mailer {
    transport: SmtpTransport,
    interval: Duration,
    backoff: Duration,
    last: Option<Instant>,
}

/// Whether `host` is this machine: `localhost` or a loopback address.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Mailer {
    /// The transport `mail.smtp` describes. Refuses an unencrypted connection to another
    /// machine, and a `user` without `MARKETBRIEF_SMTP_PASSWORD`.
    pub fn new(config: &MailConfig) -> Result<Mailer> {
        let smtp = &config.smtp;
        let host = smtp.host.trim();
        let builder = match smtp.security {
            Security::Starttls => {
                SmtpTransport::builder_dangerous(host).tls(Tls::Required(tls_parameters(host)?))
            }
            Security::Tls => {
                SmtpTransport::builder_dangerous(host).tls(Tls::Wrapper(tls_parameters(host)?))
            }
            Security::None => {
                if !is_loopback(host) {
                    return Err(crate::InputError::new(
                        crate::config::CONFIG_FILE,
                        format!(
                            "is `none` but the host `{host}` is not this machine: \
                             messages and the password would cross the network unencrypted (use starttls or tls)"
                        ),
                    )
                    .field("mail.smtp.security")
                    .into());
                }
                SmtpTransport::builder_dangerous(host).tls(Tls::None)
            }
        };
        let mut builder = builder
            .port(smtp.port())
            .timeout(Some(Duration::from_secs(60)));
        if let Some(user) = smtp.user.as_deref().filter(|u| !u.is_empty()) {
            // A setting that cannot work, as the README says (exit status 1).
            let password = std::env::var(PASSWORD_VAR).map_err(|_| {
                Error::from(
                    crate::InputError::new(
                        crate::config::CONFIG_FILE,
                        format!(
                            "is `{user}`: set its password in the environment variable {PASSWORD_VAR} (never in a file)"
                        ),
                    )
                    .field("mail.smtp.user"),
                )
            })?;
            builder = builder.credentials(Credentials::new(user.to_string(), password));
        }
        let per_minute = config.per_minute.max(1);
        let backoff = std::env::var("MARKETBRIEF_SMTP_BACKOFF_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(BACKOFF, Duration::from_millis);
        Ok(Mailer {
            transport: builder.build(),
            interval: Duration::from_secs(60) / per_minute,
            backoff,
            last: None,
        })
    }

    /// Sends one message, waiting for the rate limit first and retrying transient errors.
    /// `handing_over` runs each time the server has been reached and the message is about
    /// to be handed to it — only then may it arrive, so only then is it recorded as being
    /// sent; an error there (the record cannot be written) sends nothing and is returned.
    pub fn send(
        &mut self,
        from: &Address,
        to: &Address,
        bytes: &[u8],
        handing_over: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Delivery> {
        let envelope = match Envelope::new(Some(from.clone()), vec![to.clone()]) {
            Ok(envelope) => envelope,
            Err(e) => return Ok(Delivery::Failed(format!("no envelope: {e}"))),
        };
        let mut wait = self.backoff;
        let mut attempt = 0;
        loop {
            if let Some(last) = self.last {
                let next = last + self.interval;
                let now = Instant::now();
                if next > now {
                    std::thread::sleep(next - now);
                }
            }
            self.last = Some(Instant::now());
            let (reply, retry, reached) = match self.attempt(&envelope, bytes, handing_over)? {
                Attempt::Accepted(reply) => return Ok(Delivery::Sent(reply)),
                Attempt::NoAnswer(reply) => return Ok(Delivery::Uncertain(reply)),
                Attempt::Refused { reply, permanent } => (reply, !permanent, true),
                Attempt::Unreachable(reply) => (reply, true, false),
            };
            if !retry || attempt >= RETRIES {
                return Ok(if reached {
                    Delivery::Failed(reply)
                } else {
                    Delivery::Unreachable(reply)
                });
            }
            attempt += 1;
            std::thread::sleep(wait);
            wait *= 2;
        }
    }

    /// One try. A server that cannot be reached has received nothing, and a refusal is an
    /// answer: both are safe to retry. Once connected, an error without an answer (a
    /// dropped connection, a timeout) may come after the whole message went through.
    fn attempt(
        &self,
        envelope: &Envelope,
        bytes: &[u8],
        handing_over: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Attempt> {
        match self.transport.test_connection() {
            Ok(true) => {}
            Ok(false) => return Ok(Attempt::Unreachable("the server did not greet".into())),
            Err(e) => {
                return Ok(Attempt::Unreachable(format!(
                    "cannot reach the server: {}",
                    describe(&e)
                )));
            }
        }
        handing_over()?;
        Ok(match self.transport.send_raw(envelope, bytes) {
            Ok(response) => {
                let text: Vec<&str> = response.message().collect();
                Attempt::Accepted(format!("{} {}", response.code(), text.join(" ")))
            }
            Err(e) if e.status().is_some() => Attempt::Refused {
                reply: describe(&e),
                permanent: e.is_permanent(),
            },
            Err(e) => Attempt::NoAnswer(format!(
                "no answer from the server after the message was handed over ({})",
                describe(&e)
            )),
        })
    }
}

/// What one try at sending gave.
enum Attempt {
    Accepted(String),
    /// The server answered no: 5xx for good, 4xx for now.
    Refused {
        reply: String,
        permanent: bool,
    },
    /// Connecting failed: nothing was sent.
    Unreachable(String),
    /// Connected, then no answer: the message may have arrived.
    NoAnswer(String),
}

/// An SMTP error as one line, without any credential.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let text = e.to_string().replace(['\r', '\n'], " ");
    match e.status() {
        Some(code) if !text.contains(&code.to_string()) => format!("{code} {text}"),
        _ => text,
    }
}

/// TLS towards `host`, verified against the bundled roots.
fn tls_parameters(host: &str) -> Result<TlsParameters> {
    TlsParameters::new(host.to_string())
        .map_err(|e| Error::Mail(format!("cannot set up TLS towards `{host}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "127.0.0.1", "::1", "[::1]", "127.0.0.2"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["smtp.example.org", "10.0.0.1", "localhost.example.org", ""] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
