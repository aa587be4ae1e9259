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

/// The file name of a recipient's message, a one-to-one function of the address (lower-cased:
/// addresses that differ only in case are one mailbox, as `check` says): letters, digits
/// and `@.+-` are kept, every other byte of the address — `_` included — is written `_xx`
/// in hexadecimal, so that no address names a file outside the mail folder (`../`, `/`, a
/// leading dot or dash is escaped) and no two addresses share a file (`a/b@x` is `a_2fb@x`,
/// `a_b@x` is `a_5fb@x`). A name that would pass 200 bytes is cut and ends with a hash of
/// the whole address; it is longer than any uncut name, so the two kinds never meet.
///
/// The file is only where a message is shown for review: what identifies a message is its
/// recipient (see [`ledger::Delivery`]), and what is sent is checked against what was
/// prepared for that recipient.
pub fn file_stem(email: &str) -> String {
    const LIMIT: usize = 200;
    let lower = email.to_lowercase();
    let mut stem = String::with_capacity(lower.len());
    for (i, byte) in lower.bytes().enumerate() {
        let leading = i == 0 && matches!(byte, b'.' | b'-');
        if !leading && (byte.is_ascii_alphanumeric() || matches!(byte, b'@' | b'.' | b'+' | b'-')) {
            stem.push(byte as char);
        } else {
            stem.push_str(&format!("_{byte:02x}"));
        }
    }
    if stem.is_empty() {
        // No address is empty; `_` alone is no escape, so it cannot be another's name.
        stem.push('_');
    }
    if stem.len() > LIMIT {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(lower.as_bytes());
        stem.truncate(LIMIT);
        stem.push('-');
        stem.extend(hash.iter().take(8).map(|b| format!("{b:02x}")));
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
        assert_eq!(file_stem("\"a b\"@x.example"), "_22a_20b_22@x.example");
        assert_eq!(file_stem(".hidden@x"), "_2ehidden@x");
        assert_eq!(file_stem("-x@y"), "_2dx@y");
        // Addresses that differ only in what is replaced keep files of their own.
        assert_ne!(file_stem("jörg@x.example"), file_stem("jürg@x.example"));
        assert_ne!(file_stem("us/er@x.example"), file_stem("us_er@x.example"));
        assert_eq!(file_stem("Jörg@X.example"), file_stem("jörg@x.example"));
    }

    #[test]
    fn no_two_addresses_share_a_file() {
        // Issue 26.1: the first's old name (stem plus hash) was the second's address.
        assert_ne!(
            file_stem("a/b@x.example"),
            file_stem("a_b@x.example-049186d5")
        );
        assert_ne!(file_stem("a_b@x.example"), file_stem("a_5fb@x.example"));
        // Cut names end with a hash of the whole address.
        let long_a = format!("{}a@x.example", "é".repeat(60));
        let long_b = format!("{}b@x.example", "é".repeat(60));
        assert!(file_stem(&long_a).len() <= 217);
        assert_ne!(file_stem(&long_a), file_stem(&long_b));
        // Decoding the escapes gives the address back: the name is one-to-one.
        for address in [
            "a/b@x.example",
            "a_b@x.example-049186d5",
            "jörg@x.example",
            "\"a b\"@x",
        ] {
            let stem = file_stem(address);
            let mut bytes = Vec::new();
            let mut rest = stem.as_bytes();
            while let Some((&first, tail)) = rest.split_first() {
                if first == b'_' {
                    let hex = std::str::from_utf8(&tail[..2]).unwrap();
                    bytes.push(u8::from_str_radix(hex, 16).unwrap());
                    rest = &tail[2..];
                } else {
                    bytes.push(first);
                    rest = tail;
                }
            }
            assert_eq!(String::from_utf8(bytes).unwrap(), address.to_lowercase());
        }
    }

    #[test]
    fn time_is_rfc3339() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
    }
}
