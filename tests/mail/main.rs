//! `marketbrief mail` end to end: a real SMTP server on loopback (mailin's protocol engine
//! behind a plain TCP listener, no TLS), the real binary, and what the server received
//! parsed back with mail-parser.

#[path = "../common/mod.rs"]
mod common;
mod failures;
mod smtp;

use mail_parser::{MessageParser, MimeHeaders};
use smtp::Server;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of the sample project sending to `port` on loopback without TLS, with the
/// given recipients.
fn project(port: u16, recipients: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_project(dir.path());
    let config_path = dir.path().join("marketbrief.yaml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    let smtp =
        "smtp: {host: smtp.example.org, port: 587, security: starttls, user: advisers@example.org}";
    assert!(config.contains(smtp));
    let config = config
        .replace(
            smtp,
            &format!("smtp: {{host: 127.0.0.1, port: {port}, security: none}}"),
        )
        .replace("per_minute: 30", "per_minute: 60000");
    std::fs::write(&config_path, config).unwrap();
    std::fs::write(dir.path().join("data/recipients.csv"), recipients).unwrap();
    dir
}

const HEADER: &str = "email,name,company,lang,countries,interests,adviser,consent\n";

/// Runs `marketbrief mail` in `project` with `args`; returns success, stdout and stderr.
fn mail(project: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .arg("mail")
        .args(args)
        .arg("--project")
        .arg(project)
        .env("MARKETBRIEF_SMTP_BACKOFF_MS", "20")
        .env_remove("MARKETBRIEF_SMTP_PASSWORD")
        .output()
        .expect("marketbrief runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn edition_dir(project: &Path) -> PathBuf {
    project.join("output/2025-Q3")
}

fn ledger(project: &Path) -> Vec<serde_json::Value> {
    let path = edition_dir(project).join("mail/sent.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn figures(project: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(edition_dir(project).join("figures.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Plain text with every kind of space folded to one plain space.
fn fold(text: &str) -> String {
    text.replace(['\u{A0}', '\u{202F}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn one_message_per_language_with_its_figures_and_briefs_and_never_twice() {
    let server = Server::start();
    let recipients = format!(
        "{HEADER}\
         zoe.lambert@societe.example,Zoë Lambert,Société <Exemple> & Fils,fr,ca,VI,,yes\n\
         karl.bruckner@bruckner.example,Karl Brückner,Brückner BV,nl,ca;mx,VI;39,north-america,yes\n\
         ann.smith@acme.example,Ann Smith,Acme Ltd,en,mx,,,yes\n\
         no.consent@acme.example,Nora Consent,Acme Ltd,en,ca,,,no\n"
    );
    let dir = project(server.port, &recipients);
    let root = dir.path();

    // A dry run builds the briefs, writes the messages, sends nothing.
    let (ok, out, err) = mail(root, &[]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("prepared 3 messages"), "{out}");
    assert!(
        err.contains("no.consent@acme.example has not consented"),
        "{err}"
    );
    assert!(server.received().is_empty());
    let mail_dir = edition_dir(root).join("mail");
    for name in [
        "zoe.lambert@societe.example.eml",
        "karl.bruckner@bruckner.example.eml",
        "ann.smith@acme.example.eml",
    ] {
        assert!(mail_dir.join(name).is_file(), "{name}");
    }
    assert!(!mail_dir.join("no.consent@acme.example.eml").exists());
    let outbox = std::fs::read_to_string(mail_dir.join("outbox.csv")).unwrap();
    assert!(
        outbox.starts_with("recipient,language,countries,attachments,bytes,status\n"),
        "{outbox}"
    );
    assert!(
        outbox.contains("no.consent@acme.example,en,ca,,0,not consented"),
        "{outbox}"
    );
    assert!(outbox.contains(",ready\n"), "{outbox}");

    // The send.
    let (ok, out, err) = mail(root, &["--send"]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("sent 3, skipped 0 already sent, 0 failed, 1 not consented, 0 uncertain"),
        "{out}"
    );
    let received = server.received();
    assert_eq!(received.len(), 3);
    let by_to: BTreeMap<String, Vec<u8>> = received
        .iter()
        .map(|r| (r.to.join(","), r.data.clone()))
        .collect();
    assert!(!by_to.contains_key("no.consent@acme.example"));
    let figures = figures(root);
    let printed = |brief: &str, id: &str| -> String {
        let found = figures["briefs"][brief]["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{brief}: no {id}"));
        found["printed"].as_str().unwrap().to_string()
    };

    let cases = [
        (
            "zoe.lambert@societe.example",
            "Fiche marché Canada – 3ᵉ trimestre 2025",
            "Bonjour Zoë Lambert,",
            vec![("ca-fr", "Fiche-marché-Canada-2025-Q3.pdf")],
        ),
        (
            "karl.bruckner@bruckner.example",
            "Marktfiches Canada en Mexico – 3e kwartaal 2025",
            "Beste Karl Brückner,",
            vec![
                ("ca-nl", "Marktfiche-Canada-2025-Q3.pdf"),
                ("mx-nl", "Marktfiche-Mexico-2025-Q3.pdf"),
            ],
        ),
        (
            "ann.smith@acme.example",
            "Market brief: Mexico – Q3 2025",
            "Dear Ann Smith,",
            vec![("mx-en", "Market-brief-Mexico-2025-Q3.pdf")],
        ),
    ];
    for (to, subject, greeting, briefs) in cases {
        let raw = &by_to[to];
        let message = MessageParser::default().parse(raw).expect("a MIME message");
        assert_eq!(fold(message.subject().unwrap()), fold(subject), "{to}");
        let from = message.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Brussels Trade Desk"));
        assert_eq!(from.address(), Some("advisers@example.org"));
        let reply_to = message.reply_to().unwrap().first().unwrap();
        assert_eq!(reply_to.address(), Some("north-america@example.org"));
        let text = message.body_text(0).unwrap();
        assert!(text.starts_with(greeting), "{to}: {text}");
        let html = message.body_html(0).unwrap();
        assert!(html.contains(&greeting.replace(',', "")), "{to}: {html}");
        // Issue 24: the HTML part is a page with its title (the subject), and its grey
        // notes read at 4.5:1 or more on white (#777 did not: axe's `color-contrast`).
        let title = html
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(title, _)| title.to_string())
            .unwrap_or_default();
        assert_eq!(
            fold(&title.replace("&#x27;", "'")),
            fold(subject),
            "{to}: {html}"
        );
        assert!(
            !html.contains("#777") && !html.contains("#999"),
            "{to}: {html}"
        );
        // The key figures as the brief printed them, in the body and in the PDF.
        for (brief, file) in &briefs {
            for id in ["key/region_goods_exports", "key/national_goods_exports"] {
                let value = printed(brief, id);
                assert!(text.contains(&value), "{to}: {value:?} not in {text}");
                let pdf = common::pdf_text(&edition_dir(root).join(format!("{brief}.pdf")));
                assert!(
                    common::squash(&pdf).contains(&common::squash(&fold(&value))),
                    "{brief}: {value} not in the PDF"
                );
            }
            let attachment = message
                .attachments()
                .find(|a| a.attachment_name() == Some(*file))
                .unwrap_or_else(|| panic!("{to}: no attachment {file}"));
            let pdf = std::fs::read(edition_dir(root).join(format!("{brief}.pdf"))).unwrap();
            assert_eq!(attachment.contents(), &pdf[..], "{to}: {file}");
            assert_eq!(
                attachment.content_type().map(|c| c.ctype()),
                Some("application")
            );
        }
        assert_eq!(message.attachments().count(), briefs.len(), "{to}");
        let headers = String::from_utf8_lossy(raw);
        assert!(
            headers.contains("List-Unsubscribe: <mailto:unsubscribe@example.org>"),
            "{to}"
        );
        // One-click (RFC 8058) needs an https: address; the sample's is mailto:.
        assert!(!headers.contains("List-Unsubscribe-Post"), "{to}");
        assert!(
            message.message_id().unwrap().starts_with("2025-Q3."),
            "{to}"
        );
    }

    // Accented names are encoded in the headers and decode back.
    let zoe = MessageParser::default()
        .parse(&by_to["zoe.lambert@societe.example"])
        .unwrap();
    let raw_headers = String::from_utf8_lossy(&by_to["zoe.lambert@societe.example"]);
    assert!(
        !raw_headers
            .lines()
            .any(|l| l.starts_with("To:") && l.contains('ë'))
    );
    assert_eq!(
        zoe.to().unwrap().first().unwrap().name(),
        Some("Zoë Lambert")
    );
    // Values are escaped in HTML and as written in text.
    let html = zoe.body_html(0).unwrap();
    assert!(
        html.contains("Société &lt;Exemple&gt; &amp; Fils"),
        "{html}"
    );
    let text = zoe.body_text(0).unwrap();
    assert!(text.contains("Société <Exemple> & Fils"), "{text}");
    // An interest the brief has a figure for: section VI of Canada's goods chart.
    assert!(
        fold(&text)
            .contains("(section VI) : exportations de Bruxelles en 2024, 9,8 millions d’euros †"),
        "{text}"
    );
    // Issue 25, the editor: no "à l'attention de Électrowal" (elision), no country without
    // its article ("Belgique a exporté").
    assert!(
        !text.contains("attention de") && !text.contains(" a exporté"),
        "{text}"
    );
    let karl = MessageParser::default()
        .parse(&by_to["karl.bruckner@bruckner.example"])
        .unwrap();
    assert_eq!(
        karl.to().unwrap().first().unwrap().name(),
        Some("Karl Brückner")
    );
    // Issue 25: a sample adviser says so in the message's language, whether the
    // configuration (Karl's) or the profile (Zoë's) names them.
    let karl_text = karl.body_text(0).unwrap();
    assert!(
        karl_text.contains("Claire Dubois (voorbeeldcontact)"),
        "{karl_text}"
    );
    assert!(text.contains("Claire Dubois (contact d’exemple)"), "{text}");
    // Issue 25: a call to action — the mission the brief announces, with its dates and the
    // page to register on, in the message's language.
    assert!(
        fold(&text).contains("Prochaine mission commerciale : Mission commerciale au Canada, automne 2025, Montréal et Toronto. Inscriptions : https://example.org/missions/canada-2025"),
        "{text}"
    );
    assert!(karl_text.contains("Volgende handelsmissie:"), "{karl_text}");

    // The ledger: sending then sent for each.
    let records = ledger(root);
    assert_eq!(records.len(), 6);
    assert_eq!(records.iter().filter(|r| r["status"] == "sent").count(), 3);

    // A second run sends nothing.
    let (ok, out, err) = mail(root, &["--send"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 0, skipped 3 already sent"), "{out}");
    assert_eq!(server.received().len(), 3);
}

#[test]
fn a_run_stopped_after_three_resumes_with_the_other_seven() {
    let server = Server::start();
    let mut recipients = HEADER.to_string();
    for i in 0..10 {
        recipients.push_str(&format!(
            "p{i}@firm{i}.example,Person {i},Firm {i},en,ca,,,yes\n"
        ));
    }
    let dir = project(server.port, &recipients);
    let (ok, out, err) = mail(dir.path(), &["--send", "--limit", "3"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 3,"), "{out}");
    assert!(out.contains("7 left for the next run"), "{out}");
    assert_eq!(server.received().len(), 3);
    let (ok, out, err) = mail(dir.path(), &["--send"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 7, skipped 3 already sent"), "{out}");
    let to: BTreeSet<String> = server.received().iter().map(|r| r.to.join(",")).collect();
    assert_eq!(to.len(), 10, "each once: {to:?}");
    assert_eq!(server.received().len(), 10);
}

#[test]
fn check_locates_every_problem_of_a_broken_recipients_file() {
    let recipients = format!(
        "{HEADER}\
         not-an-address,Jan,Acme,nl,ca,,,yes\n\
         b@firm.example,B,Firm,de,ca,,,yes\n\
         c@firm.example,C,Firm,en,zz,,,yes\n\
         d@firm.example,D,Firm,en,ca,77;XXX,,yes\n\
         e@firm.example,E,Firm,en,ca,,nobody,yes\n\
         E@firm.example,E,Firm,en,ca,,,yes\n\
         f@firm.example,F,Firm,en,ca,,,no\n\
         g@firm.example,G,Firm,nl,mx,,,yes\n"
    );
    let dir = project(25, &recipients);
    // Mexico's profile lacks its Dutch summary: no Dutch brief of Mexico.
    let mx = dir.path().join("data/profiles/mx.yaml");
    let text = std::fs::read_to_string(&mx).unwrap();
    let summary = text.find("\nsummary:\n").unwrap();
    let start = summary + text[summary..].find("  nl: >-\n").unwrap();
    let end = start + text[start..].find("  en: >-\n").unwrap();
    std::fs::write(&mx, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["check", "--project"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "data/recipients.csv:2:1",
        "email: expected an e-mail address, found `not-an-address`",
        "data/recipients.csv:3:23",
        "lang: unknown language `de`",
        "countries: unknown country `zz`",
        "interests: unknown interest `77`",
        "interests: unknown interest `XXX`",
        "adviser: unknown adviser `nobody`",
        "`E@firm.example` is listed twice (first on line 6)",
        "warning: data/recipients.csv:8:31: field `consent`",
        "data/recipients.csv:9:26",
        "countries: the brief of `mx` is not built in nl",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    // `mail` refuses to prepare anything.
    let (ok, out, _) = mail(dir.path(), &[]);
    assert!(!ok);
    assert!(out.contains("nothing prepared"), "{out}");
}

#[test]
fn an_xlsx_export_is_read_like_the_csv() {
    let server = Server::start();
    let dir = project(server.port, HEADER);
    let path = dir.path().join("crm-export.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        [
            "email",
            "name",
            "company",
            "lang",
            "countries",
            "interests",
            "adviser",
            "consent",
        ],
        [
            "zoe@societe.example",
            "Zoë Lambert",
            "Société SA",
            "fr",
            "ca;us",
            "",
            "",
            "yes",
        ],
        [
            "bruckner@firm.example",
            "Karl Brückner",
            "Brückner",
            "nl",
            "mx",
            "",
            "north-america",
            "yes",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    // A chapter typed as a number in the spreadsheet reads as `39`, not `39.0`.
    sheet.write_number(2, 5, 39.0).unwrap();
    book.save(&path).unwrap();

    let read =
        marketbrief::mail::recipients::read(dir.path(), Path::new("crm-export.xlsx")).unwrap();
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.list.len(), 2);
    assert_eq!(read.list[0].name, "Zoë Lambert");
    assert_eq!(read.list[1].line, 3);
    assert_eq!(read.list[1].interests, ["39"]);

    let (ok, out, err) = mail(
        dir.path(),
        &["--recipients", path.to_str().unwrap(), "--send"],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("sent 2,"), "{out}");
    // A file name with an accent is encoded (RFC 2231) and decodes back.
    let received = server.received();
    let zoe = received
        .iter()
        .find(|r| r.to == ["zoe@societe.example"])
        .unwrap();
    let message = MessageParser::default().parse(&zoe.data).unwrap();
    let names: Vec<&str> = message
        .attachments()
        .filter_map(|a| a.attachment_name())
        .collect();
    assert_eq!(
        names,
        [
            "Fiche-marché-Canada-2025-Q3.pdf",
            "Fiche-marché-États-Unis-2025-Q3.pdf"
        ]
    );
    assert!(!String::from_utf8_lossy(&zoe.data).contains("États"));
}

/// Whether a dataset row (`data/datasets/bru-goods.csv:7`) of the project is illustrative.
fn row_illustrative(project: &Path, row: &str) -> bool {
    let (file, line) = row.rsplit_once(':').unwrap();
    let line: usize = line.parse().unwrap();
    let text = std::fs::read_to_string(project.join(file)).unwrap();
    let fields: Vec<&str> = text.lines().nth(line - 1).unwrap().split(',').collect();
    *fields.last().unwrap() == "illustrative"
}

/// Issue 22.4: the mails put † on published figures (Brussels' 32.4 million to Canada,
/// Belgium's 2.6 billion) because they marked the value whenever the year it is compared
/// with was illustrative. One rule: a printed number carries † exactly when a row it was
/// computed from is illustrative — the value from its rows, the change from both years'.
#[test]
fn the_marks_in_the_mail_are_those_the_rows_say() {
    let server = Server::start();
    let recipients = format!(
        "{HEADER}\
         a@firm.example,A,Firm,en,ca,,,yes\n\
         b@firm.example,B,Firm,fr,mx,,,yes\n\
         c@firm.example,C,Firm,nl,us,,,yes\n\
         d@firm.example,D,Firm,en,jp,,,yes\n"
    );
    let dir = project(server.port, &recipients);
    let root = dir.path();
    let (ok, out, err) = mail(root, &["--send"]);
    assert!(ok, "{out}{err}");
    let figures = figures(root);
    let received = server.received();
    let mut published_values = 0;
    let mut marked_changes = 0;
    for (to, brief) in [
        ("a@firm.example", "ca-en"),
        ("b@firm.example", "mx-fr"),
        ("c@firm.example", "us-nl"),
        ("d@firm.example", "jp-en"),
    ] {
        let raw = &received.iter().find(|r| r.to == [to]).unwrap().data;
        let message = MessageParser::default().parse(raw).unwrap();
        let text = fold(&message.body_text(0).unwrap());
        let key_figures: Vec<&serde_json::Value> = figures["briefs"][brief]["figures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["part"] == "key_figure")
            .take(3)
            .collect();
        assert_eq!(key_figures.len(), 3, "{brief}");
        for f in key_figures {
            let id = f["id"].as_str().unwrap();
            let rows: Vec<&str> = f["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            let base_rows: Vec<&str> = f["base"]["rows"]
                .as_array()
                .map(|rows| rows.iter().map(|r| r.as_str().unwrap()).collect())
                .unwrap_or_default();
            if id.ends_with("_rank") {
                continue;
            }
            let value = rows.iter().any(|r| row_illustrative(root, r));
            let base = base_rows.iter().any(|r| row_illustrative(root, r));
            // The record keeps what the rows say.
            assert_eq!(f["marks"]["value"], value, "{brief} {id}");
            assert_eq!(f["marks"]["change"], value || base, "{brief} {id}");
            let change = f["change"].as_str().unwrap();
            assert_eq!(
                change.ends_with('†'),
                value || base,
                "{brief} {id}: {change}"
            );
            // The mail says it as the brief does.
            let printed = fold(f["printed"].as_str().unwrap());
            let at = text
                .find(&printed)
                .unwrap_or_else(|| panic!("{brief}: {printed} not in {text}"));
            let after = &text[at + printed.len()..];
            assert_eq!(
                after.starts_with(" †"),
                value,
                "{brief} {id}: {printed}{}",
                &after[..after.len().min(40)]
            );
            assert!(
                after.contains(&fold(change)),
                "{brief} {id}: the change {change} not after the value"
            );
            published_values += usize::from(!value);
            marked_changes += usize::from(!value && base);
        }
    }
    // The cases that were wrong are among those checked.
    assert!(published_values >= 4, "{published_values}");
    assert!(marked_changes >= 2, "{marked_changes}");
}

/// Issue 26.7: a `#REF!` cell (a formula whose reference was deleted) in a CRM export was
/// read as the text "#REF!" and greeted the recipient as "Dear #REF!".
#[test]
fn a_spreadsheet_error_cell_is_an_error_at_its_cell() {
    let dir = project(25, HEADER);
    let path = dir.path().join("crm.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "email",
        "name",
        "company",
        "lang",
        "countries",
        "interests",
        "adviser",
        "consent",
    ];
    for (c, cell) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *cell).unwrap();
    }
    for (c, cell) in ["a@firm.example", "", "Firm", "en", "ca", "", "", "yes"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *cell).unwrap();
    }
    sheet
        .write_formula(
            1,
            1,
            rust_xlsxwriter::Formula::new("=Contacts!#REF!").set_result("#REF!"),
        )
        .unwrap();
    book.save(&path).unwrap();
    let read = marketbrief::mail::recipients::read(dir.path(), Path::new("crm.xlsx")).unwrap();
    let error = read
        .errors
        .iter()
        .find(|e| e.message.contains("#REF!"))
        .unwrap_or_else(|| panic!("{:?}", read.errors));
    assert_eq!((error.line, error.column), (Some(2), Some(2)));
    assert_eq!(error.field.as_deref(), Some("name"));
    assert!(error.message.contains("spreadsheet error"), "{error}");
    // Nothing is prepared while it is there.
    let (ok, out, _) = mail(dir.path(), &["--recipients", path.to_str().unwrap()]);
    assert!(!ok && out.contains("nothing prepared"), "{out}");
}
