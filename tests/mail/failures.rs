//! What goes wrong while sending: a refusal, a deferral, a run cut off mid-send, an unsafe
//! connection setting, a password that must never show.

use crate::smtp::Server;
use crate::{HEADER, edition_dir, ledger, mail, project};
use mail_parser::MessageParser;
use std::collections::BTreeSet;
use std::process::Command;

#[test]
fn a_refusal_is_recorded_and_a_deferral_retried() {
    let server = Server::start();
    {
        let mut state = server.state.lock().unwrap();
        state.reject.insert("gone@firm.example".into());
        state.defer_once.insert("busy@firm.example".into());
    }
    let recipients = format!(
        "{HEADER}\
         gone@firm.example,Gone,Firm,en,ca,,,yes\n\
         busy@firm.example,Busy,Firm,en,ca,,,yes\n\
         fine@firm.example,Fine,Firm,fr,mx,,,yes\n"
    );
    let dir = project(server.port, &recipients);
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(!ok, "a failure is a failing exit: {out}{err}");
    assert!(
        out.contains("sent 2, skipped 0 already sent, 1 failed"),
        "{out}"
    );
    assert!(
        err.contains("gone@firm.example") && err.contains("550"),
        "{err}"
    );
    let to: BTreeSet<String> = server.received().iter().map(|r| r.to.join(",")).collect();
    assert_eq!(
        to,
        BTreeSet::from([
            "busy@firm.example".to_string(),
            "fine@firm.example".to_string()
        ])
    );
    let records = ledger(dir.path());
    let failed: Vec<_> = records.iter().filter(|r| r["status"] == "failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["recipient"], "gone@firm.example");
    assert!(failed[0]["reply"].as_str().unwrap().contains("550"));
    let outbox = std::fs::read_to_string(edition_dir(dir.path()).join("mail/outbox.csv")).unwrap();
    assert!(
        outbox
            .lines()
            .any(|l| l.starts_with("gone@firm.example") && l.ends_with(",failed"))
    );
}

#[test]
fn a_message_handed_over_without_an_answer_is_never_sent_again_unasked() {
    let server = Server::start();
    server
        .state
        .lock()
        .unwrap()
        .drop_after_data
        .insert("silent@firm.example".into());
    let recipients = format!(
        "{HEADER}silent@firm.example,Silent,Firm,en,ca,,,yes\nfine@firm.example,Fine,Firm,en,ca,,,yes\n"
    );
    let dir = project(server.port, &recipients);
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(!ok, "{out}{err}");
    assert!(
        out.contains("sent 1,") && out.contains("1 uncertain"),
        "{out}"
    );
    assert!(
        err.contains("silent@firm.example") && err.contains("no answer"),
        "{err}"
    );
    let silent = |server: &Server| {
        server
            .received()
            .iter()
            .filter(|r| r.to.contains(&"silent@firm.example".to_string()))
            .count()
    };
    // Handed over once, and not again: it may well have arrived.
    assert_eq!(silent(&server), 1);
    let records = ledger(dir.path());
    assert!(
        !records
            .iter()
            .any(|r| r["recipient"] == "silent@firm.example" && r["status"] != "sending"),
        "{records:?}"
    );
    let (_, out, _) = mail(dir.path(), &["--send"]);
    assert!(out.contains("sent 0,"), "{out}");
    assert_eq!(silent(&server), 1, "a second run sent it again");
    // Only when told.
    server.state.lock().unwrap().drop_after_data.clear();
    let (ok, out, err) = mail(dir.path(), &["--send", "--resend-uncertain"]);
    assert!(ok, "{out}{err}");
    assert_eq!(silent(&server), 2);
}

#[test]
fn a_message_cut_off_mid_send_is_uncertain_until_told() {
    let server = Server::start();
    let recipients = format!("{HEADER}maybe@firm.example,Maybe,Firm,en,ca,,,yes\n");
    let dir = project(server.port, &recipients);
    let (ok, out, err) = mail(dir.path(), &[]);
    assert!(ok, "{out}{err}");
    // A run killed while the server had the message left only its `sending` record.
    let eml = std::fs::read(edition_dir(dir.path()).join("mail/maybe@firm.example.eml")).unwrap();
    let parsed = MessageParser::default().parse(&eml).unwrap();
    let id = format!("<{}>", parsed.message_id().unwrap());
    let record = serde_json::json!({
        "time": "2025-10-01T08:00:00Z", "status": "sending", "recipient": "maybe@firm.example",
        "message_id": id, "hash": "x"
    });
    std::fs::write(
        edition_dir(dir.path()).join("mail/sent.jsonl"),
        format!("{record}\n"),
    )
    .unwrap();
    let (ok, out, _) = mail(dir.path(), &["--send"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("sent 0, skipped 0 already sent, 0 failed, 0 not consented, 1 uncertain"),
        "{out}"
    );
    assert!(out.contains("--resend-uncertain"), "{out}");
    assert!(server.received().is_empty());
    let (ok, out, err) = mail(dir.path(), &["--send", "--resend-uncertain"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 1,"), "{out}");
    assert_eq!(server.received().len(), 1);
}

#[test]
fn no_encryption_to_another_machine_is_refused() {
    let recipients = format!("{HEADER}a@firm.example,A,Firm,en,ca,,,yes\n");
    let dir = project(25, &recipients);
    let config_path = dir.path().join("marketbrief.yaml");
    let config = std::fs::read_to_string(&config_path)
        .unwrap()
        .replace("host: 127.0.0.1", "host: smtp.example.org");
    std::fs::write(&config_path, config).unwrap();
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(!ok, "{out}");
    assert!(err.contains("is not this machine"), "{err}");
    assert!(ledger(dir.path()).is_empty());
}

#[test]
fn the_password_is_never_printed() {
    let server = Server::start();
    let recipients = format!("{HEADER}a@firm.example,A,Firm,en,ca,,,yes\n");
    let dir = project(server.port, &recipients);
    let config_path = dir.path().join("marketbrief.yaml");
    let config = std::fs::read_to_string(&config_path).unwrap().replace(
        "security: none}",
        "security: none, user: advisers@example.org}",
    );
    std::fs::write(&config_path, config).unwrap();
    // No password in the environment: refused before anything is sent.
    let (ok, _, err) = mail(dir.path(), &["--send"]);
    assert!(!ok);
    assert!(err.contains("MARKETBRIEF_SMTP_PASSWORD"), "{err}");
    // With one (the test server offers no authentication, so sending fails).
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["mail", "--send", "--project"])
        .arg(dir.path())
        .env("MARKETBRIEF_SMTP_BACKOFF_MS", "1")
        .env("MARKETBRIEF_SMTP_PASSWORD", "s3cret-Passw0rd")
        .output()
        .unwrap();
    let all = format!(
        "{}{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(edition_dir(dir.path()).join("mail/sent.jsonl"))
            .unwrap_or_default()
    );
    assert!(!all.contains("s3cret-Passw0rd"), "{all}");
}

#[test]
fn the_same_briefs_reach_a_mailbox_once_however_the_row_is_edited() {
    let server = Server::start();
    let recipients = format!("{HEADER}jan@firm.example,Jan,Firm,en,ca,,,yes\n");
    let dir = project(server.port, &recipients);
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok && out.contains("sent 1,"), "{out}{err}");
    // The name corrected and the address written in capitals: the greeting changes, the
    // mailbox and the briefs do not.
    std::fs::write(
        dir.path().join("data/recipients.csv"),
        format!("{HEADER}Jan@Firm.example,Jan Janssens,Firm,en,ca,,,yes\n"),
    )
    .unwrap();
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 0, skipped 1 already sent"), "{out}");
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_reader_that_stops_reading_does_not_stop_the_mailing() {
    let server = Server::start();
    let recipients =
        format!("{HEADER}a@firm.example,A,Firm,en,ca,,,yes\nb@firm.example,B,Firm,fr,mx,,,yes\n");
    let dir = project(server.port, &recipients);
    // `marketbrief mail | head -1`: both streams closed before the first line is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["mail", "--project"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    assert!(child.wait().unwrap().success());
    let outbox = std::fs::read_to_string(edition_dir(dir.path()).join("mail/outbox.csv")).unwrap();
    assert_eq!(
        outbox.lines().filter(|l| l.ends_with(",ready")).count(),
        2,
        "{outbox}"
    );
}
