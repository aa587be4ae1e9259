//! What goes wrong while sending: a refusal, a deferral, a run cut off mid-send, an unsafe
//! connection setting, a password that must never show.

use crate::smtp::Server;
use crate::{HEADER, edition_dir, ledger, mail, project};
use mail_parser::{MessageParser, MimeHeaders};
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

/// Issue 26.1: `a_b@x.example-049186d5` was the file name of `a/b@x.example`'s message
/// (its stem and a hash), so both recipients read one `.eml`: one's name, company and brief
/// went to the other's address, and the ledger said both were sent.
#[test]
fn two_addresses_never_share_a_message() {
    let server = Server::start();
    let recipients = format!(
        "{HEADER}\
         a/b@x.example,Anna Slash,Slash SA,fr,ca,,,yes\n\
         a_b@x.example-049186d5,Bert Under,Under NV,en,mx,,,yes\n"
    );
    let dir = project(server.port, &recipients);
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 2,"), "{out}");
    let received = server.received();
    assert_eq!(received.len(), 2);
    for (to, name, attachment) in [
        (
            "a/b@x.example",
            "Anna Slash",
            "Fiche-marché-Canada-2025-Q3.pdf",
        ),
        (
            "a_b@x.example-049186d5",
            "Bert Under",
            "Market-brief-Mexico-2025-Q3.pdf",
        ),
    ] {
        let got: Vec<_> = received.iter().filter(|r| r.to == [to]).collect();
        assert_eq!(got.len(), 1, "{to}: {received:?}");
        let message = MessageParser::default().parse(&got[0].data).unwrap();
        let header_to = message.to().unwrap().first().unwrap();
        assert_eq!(header_to.address(), Some(to));
        assert_eq!(header_to.name(), Some(name));
        assert!(message.body_text(0).unwrap().contains(name), "{to}");
        let names: Vec<&str> = message
            .attachments()
            .filter_map(|a| a.attachment_name())
            .collect();
        assert_eq!(names, [attachment], "{to}");
    }
    let mail_dir = edition_dir(dir.path()).join("mail");
    let emls = std::fs::read_dir(&mail_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml")
        })
        .count();
    assert_eq!(emls, 2);
}

/// Issue 26.2: a message handed over without an answer was sent a second time once the
/// recipient's name was corrected (a new wording, a new Message-ID).
#[test]
fn an_uncertain_message_stays_uncertain_whatever_is_edited() {
    let server = Server::start();
    server
        .state
        .lock()
        .unwrap()
        .drop_after_data
        .insert("silent@firm.example".into());
    let dir = project(
        server.port,
        &format!("{HEADER}silent@firm.example,Silent,Firm,en,ca,,,yes\n"),
    );
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(!ok && out.contains("1 uncertain"), "{out}{err}");
    assert_eq!(server.received().len(), 1);
    server.state.lock().unwrap().drop_after_data.clear();
    // The name corrected, the address in capitals, then a country added: still uncertain.
    for row in [
        "Silent@Firm.example,Sylvie Lent,Firm SA,en,ca,,,yes",
        "silent@firm.example,Sylvie Lent,Firm SA,en,ca;mx,,,yes",
    ] {
        std::fs::write(
            dir.path().join("data/recipients.csv"),
            format!("{HEADER}{row}\n"),
        )
        .unwrap();
        let (ok, out, err) = mail(dir.path(), &["--send"]);
        assert!(!ok, "{out}{err}");
        assert!(
            out.contains("sent 0,") && out.contains("1 uncertain"),
            "{out}"
        );
        assert_eq!(server.received().len(), 1, "sent again after: {row}");
    }
    let (ok, out, err) = mail(dir.path(), &["--send", "--resend-uncertain"]);
    assert!(ok && out.contains("sent 1,"), "{out}{err}");
    assert_eq!(server.received().len(), 2);
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(
        ok && out.contains("sent 0, skipped 1 already sent"),
        "{out}{err}"
    );
}

/// Issue 26.3: deliveries were keyed by the attachments' bytes, so a rebuild within the
/// edition (a corrected profile, a new version) made every recipient "not yet sent".
#[test]
fn rebuilt_briefs_are_sent_again_only_when_asked() {
    let server = Server::start();
    let dir = project(
        server.port,
        &format!(
            "{HEADER}jan@firm.example,Jan,Firm,en,ca,,,yes\nann@firm.example,Ann,Firm,en,mx,,,yes\n"
        ),
    );
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok && out.contains("sent 2,"), "{out}{err}");
    let pdf = edition_dir(dir.path()).join("ca-en.pdf");
    let before = std::fs::read(&pdf).unwrap();
    // A correction to Canada's profile, rebuilt within the same edition.
    let profile = dir.path().join("data/profiles/ca.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let fixed = text.replacen("  en: >-\n", "  en: >-\n    Corrected. ", 1);
    assert_ne!(text, fixed);
    std::fs::write(&profile, fixed).unwrap();
    let build = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["build", "--country", "ca", "--lang", "en", "--project"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(build.status.success(), "{build:?}");
    assert_ne!(
        std::fs::read(&pdf).unwrap(),
        before,
        "the brief was not rebuilt"
    );

    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 0, skipped 2 already sent"), "{out}");
    assert!(
        out.contains("1 of those already sent had briefs that changed since")
            && out.contains("--resend-changed"),
        "{out}"
    );
    assert_eq!(server.received().len(), 2);
    let outbox = std::fs::read_to_string(edition_dir(dir.path()).join("mail/outbox.csv")).unwrap();
    assert!(
        outbox
            .lines()
            .any(|l| l.starts_with("jan@firm.example")
                && l.ends_with(",\"sent, briefs changed since\"")),
        "{outbox}"
    );

    // Asked for by name: says how many, sends those, and only once.
    let (ok, out, err) = mail(dir.path(), &["--send", "--resend-changed"]);
    assert!(ok, "{out}{err}");
    assert!(err.contains("sending 1 message again"), "{err}");
    assert!(out.contains("sent 1, skipped 1 already sent"), "{out}");
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].to, ["jan@firm.example"]);
    let (ok, out, err) = mail(dir.path(), &["--send", "--resend-changed"]);
    assert!(
        ok && out.contains("sent 0, skipped 2 already sent"),
        "{out}{err}"
    );
    assert_eq!(server.received().len(), 3);
}

/// Issue 22.5: a complete profile built with `--draft` was attached to company mails as
/// it was, DRAFT mark and all. A draft says so in its metadata and its text, is never
/// attached, and the final build replaces it.
#[test]
fn a_draft_is_never_mailed_and_says_what_it_is() {
    let server = Server::start();
    let dir = project(
        server.port,
        &format!("{HEADER}jan@firm.example,Jan,Firm,en,ca,,,yes\n"),
    );
    let build = |draft: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_marketbrief"));
        command.args(["build", "--country", "ca", "--lang", "en"]);
        if draft {
            command.arg("--draft");
        }
        let output = command.arg("--project").arg(dir.path()).output().unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    build(true);
    let pdf = edition_dir(dir.path()).join("ca-en.pdf");
    let doc = lopdf::Document::load(&pdf).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .unwrap();
    let info = doc.get_dictionary(info).unwrap();
    let field = |name: &[u8]| crate::common::pdf_string(info.get(name).unwrap().as_str().unwrap());
    assert_eq!(field(b"Title"), "DRAFT – Canada: market brief");
    assert!(
        field(b"Subject").starts_with("DRAFT – "),
        "{}",
        field(b"Subject")
    );
    let text = crate::common::pdf_text(&pdf);
    assert!(
        crate::common::squash(&text).contains(&crate::common::squash(
            "Draft, not for distribution: texts and figures may still change."
        )),
        "{text}"
    );

    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(!ok, "{out}{err}");
    assert!(
        err.contains("ca-en.pdf is a draft") && err.contains("never mailed"),
        "{err}"
    );
    assert!(server.received().is_empty());
    assert!(
        !edition_dir(dir.path())
            .join("mail/jan@firm.example.eml")
            .exists()
    );

    // The final build replaces the draft, which can then be sent.
    build(false);
    let final_info = lopdf::Document::load(&pdf).unwrap();
    let title = final_info
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .and_then(|r| final_info.get_dictionary(r))
        .unwrap()
        .get(b"Title")
        .unwrap()
        .as_str()
        .unwrap()
        .to_vec();
    assert_eq!(crate::common::pdf_string(&title), "Canada: market brief");
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok && out.contains("sent 1,"), "{out}{err}");
}

/// Issue 26.4: `mail` trusted whatever was on disk — after data changed, the message quoted
/// EUR 32.4 million while its attachment printed 99.9 million; a PDF truncated to 5,000
/// bytes was attached as "ready". Briefs out of date with their inputs or their record are
/// built again before anything is attached.
#[test]
fn mail_attaches_only_briefs_true_to_their_inputs_and_record() {
    let server = Server::start();
    let dir = project(
        server.port,
        &format!(
            "{HEADER}jan@firm.example,Jan,Firm,en,ca,,,yes\nann@firm.example,Ann,Firm,en,mx,,,yes\n"
        ),
    );
    let (ok, out, err) = mail(dir.path(), &[]);
    assert!(ok, "{out}{err}");
    // New data for Canada; Mexico's PDF cut short.
    let csv = dir.path().join("data/datasets/bru-goods.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let changed = text.replace(
        "BE-BRU,CA,export,2024,TOTAL,32400000,published",
        "BE-BRU,CA,export,2024,TOTAL,99900000,published",
    );
    assert_ne!(text, changed);
    std::fs::write(&csv, changed).unwrap();
    let mx = edition_dir(dir.path()).join("mx-en.pdf");
    let whole = std::fs::read(&mx).unwrap();
    std::fs::write(&mx, &whole[..5000]).unwrap();

    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("ca-en.pdf (missing or out of date"), "{out}");
    assert!(out.contains("mx-en.pdf (missing or out of date"), "{out}");
    let received = server.received();
    let jan = received
        .iter()
        .find(|r| r.to == ["jan@firm.example"])
        .unwrap();
    let message = MessageParser::default().parse(&jan.data).unwrap();
    let body = message.body_text(0).unwrap().replace('\u{a0}', " ");
    assert!(body.contains("EUR 99.9 million"), "{body}");
    assert!(!body.contains("32.4"), "{body}");
    let attachment = message.attachments().next().unwrap();
    let pdf = crate::common::pdf_bytes_text(attachment.contents());
    assert!(
        crate::common::squash(&pdf).contains(&crate::common::squash("99.9")),
        "the attachment does not print the new figure"
    );
    let ann = received
        .iter()
        .find(|r| r.to == ["ann@firm.example"])
        .unwrap();
    let message = MessageParser::default().parse(&ann.data).unwrap();
    let attached = message.attachments().next().unwrap().contents().to_vec();
    assert!(attached.len() > 5000 && attached.starts_with(b"%PDF"));
    assert_eq!(attached, std::fs::read(&mx).unwrap());
}

/// Issue 26.14: an unreachable SMTP server cost 35 s a message, forever, and a run killed
/// during the pauses left messages "uncertain" though nothing was handed over. The run now
/// stops after three messages in a row could not reach the server, and records `sending`
/// only once the server is reached.
#[test]
fn an_unreachable_server_stops_the_run_and_leaves_nothing_uncertain() {
    // A loopback port where nothing listens.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut recipients = HEADER.to_string();
    for i in 0..6 {
        recipients.push_str(&format!("p{i}@firm{i}.example,P{i},Firm,en,ca,,,yes\n"));
    }
    let dir = project(port, &recipients);
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(!ok, "{out}{err}");
    assert!(
        err.contains("could not be reached for 3 messages in a row")
            && err.contains("they are not uncertain")
            && err.contains("the 3 failed and the 3 not tried"),
        "{err}"
    );
    assert!(
        out.contains("sent 0,") && out.contains("0 uncertain"),
        "{out}"
    );
    assert!(
        !ledger(dir.path()).iter().any(|r| r["status"] == "sending"),
        "nothing was handed over: {:?}",
        ledger(dir.path())
    );
    let outbox = std::fs::read_to_string(edition_dir(dir.path()).join("mail/outbox.csv")).unwrap();
    assert_eq!(outbox.lines().filter(|l| l.ends_with(",failed")).count(), 3);
    assert_eq!(outbox.lines().filter(|l| l.ends_with(",ready")).count(), 3);

    // The server back: every message goes, none held as uncertain.
    let server = Server::start();
    let config_path = dir.path().join("marketbrief.yaml");
    let config = std::fs::read_to_string(&config_path)
        .unwrap()
        .replace(&format!("port: {port}"), &format!("port: {}", server.port));
    std::fs::write(&config_path, config).unwrap();
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok && out.contains("sent 6,"), "{out}{err}");
    assert_eq!(server.received().len(), 6);
}

/// Issue 26 (low): a recipient named `.` gave the invalid header `To: . <a@x>`; a `user`
/// without its password exited 2 where the README says 1 (a setting refused).
#[test]
fn a_name_without_letters_is_no_display_name_and_a_missing_password_exits_1() {
    let server = Server::start();
    let dir = project(
        server.port,
        &format!("{HEADER}dot@firm.example,.,Firm,en,ca,,,yes\n"),
    );
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok, "{out}{err}");
    let received = server.received();
    let message = MessageParser::default().parse(&received[0].data).unwrap();
    let to = message.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("dot@firm.example"));
    assert_eq!(to.name(), None);
    let raw = String::from_utf8_lossy(&received[0].data);
    assert!(raw.lines().any(|l| l == "To: dot@firm.example"), "{raw}");

    let config_path = dir.path().join("marketbrief.yaml");
    let config = std::fs::read_to_string(&config_path).unwrap().replace(
        "security: none}",
        "security: none, user: advisers@example.org}",
    );
    std::fs::write(&config_path, config).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["mail", "--send", "--project"])
        .arg(dir.path())
        .env_remove("MARKETBRIEF_SMTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("mail.smtp.user") && err.contains("MARKETBRIEF_SMTP_PASSWORD"),
        "{err}"
    );
}

/// Found by a hostile pass: the mail folder kept the messages of recipients removed since,
/// and a dry run that failed halfway left the last run's `outbox.csv`, still listing a
/// removed recipient as ready.
#[test]
fn the_mail_folder_holds_this_run_s_messages_only() {
    let server = Server::start();
    let dir = project(
        server.port,
        &format!("{HEADER}a@firm.example,A,Firm,en,ca,,,yes\nb@firm.example,B,Firm,fr,mx,,,yes\n"),
    );
    let mail_dir = edition_dir(dir.path()).join("mail");
    let (ok, out, err) = mail(dir.path(), &[]);
    assert!(ok, "{out}{err}");
    assert!(mail_dir.join("b@firm.example.eml").is_file());
    // B removed from the file: its message goes; a run narrowed with --to keeps the others.
    std::fs::write(
        dir.path().join("data/recipients.csv"),
        format!("{HEADER}a@firm.example,A,Firm,en,ca,,,yes\nc@firm.example,C,Firm,fr,ca,,,yes\n"),
    )
    .unwrap();
    let (ok, out, err) = mail(dir.path(), &["--to", "c@firm.example"]);
    assert!(ok, "{out}{err}");
    assert!(mail_dir.join("a@firm.example.eml").is_file());
    let (ok, out, err) = mail(dir.path(), &[]);
    assert!(ok, "{out}{err}");
    assert!(!mail_dir.join("b@firm.example.eml").exists());
    assert!(mail_dir.join("a@firm.example.eml").is_file());
    assert!(mail_dir.join("c@firm.example.eml").is_file());
    // A run that fails halfway leaves no outbox that lists what it did not prepare.
    let template = dir.path().join("templates/mail/fr.txt.j2");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::write(&template, "Subject: {{ nonexistent_fn() }}\n").unwrap();
    let (ok, _, _) = mail(dir.path(), &[]);
    assert!(!ok);
    assert!(!mail_dir.join("outbox.csv").exists());
}
