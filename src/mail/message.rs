//! One message per recipient: subject and bodies rendered from the templates
//! `templates/mail/<lang>.txt.j2` and `<lang>.html.j2` (embedded defaults, overridable like
//! the brief's), the figures taken from the edition's `figures.json` as the briefs printed
//! them, the briefs attached as PDFs each read and encoded once.

use super::MailConfig;
use super::recipients::{Interest, Recipient, interest_kind};
use super::template::{
    AdviserContext, CountryContext, FigureContext, InterestContext, MailContext, PublisherContext,
    RecipientContext, environment, render, render_text,
};
use crate::error::{Error, IoResultExt, Result};
use crate::i18n::Lang;
use crate::i18n::format::LocaleFormatter;
use crate::printed::{BriefFigures, Part, PrintedFigure};
use crate::project::Project;
use crate::vocab::Edition;

/// A mail error from a format string.
macro_rules! mail_error {
    ($($arg:tt)*) => {
        Error::Mail(format!($($arg)*))
    };
}
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use minijinja::Environment;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How many key figures of each country a message quotes.
const KEY_FIGURES: usize = 3;

/// A brief ready to attach: read and base64-encoded once, attached to every message.
struct Brief {
    file_name: String,
    body: Body,
    sha256: String,
}

/// A message ready to write and send.
pub struct Prepared {
    pub to: lettre::Address,
    pub message_id: String,
    /// Of everything the recipient reads: a changed message is a new message.
    pub hash: String,
    /// Of the briefs attached alone: the same briefs to the same mailbox are one delivery,
    /// however the message around them is worded.
    pub briefs: String,
    pub bytes: Vec<u8>,
    pub attachments: Vec<String>,
}

/// Builds every message of one edition.
pub struct Composer<'a> {
    project: &'a Project,
    config: &'a MailConfig,
    edition: Edition,
    out_dir: PathBuf,
    /// The edition's manifest: each PDF is attached only if it is the one recorded.
    manifest: crate::store::Store,
    formatters: BTreeMap<Lang, LocaleFormatter>,
    env: Environment<'static>,
    briefs: BTreeMap<(String, Lang), Brief>,
    from: Mailbox,
    /// Whose exports each dataset row is (national or not), looked up once.
    reporters: std::cell::RefCell<BTreeMap<String, Option<bool>>>,
}

impl<'a> Composer<'a> {
    pub fn new(
        project: &'a Project,
        config: &'a MailConfig,
        edition: Edition,
        out_dir: &Path,
    ) -> Result<Self> {
        let manifest = crate::store::Store::load(out_dir, edition)?;
        let mut formatters = BTreeMap::new();
        for &lang in &project.config.languages {
            formatters.insert(lang, LocaleFormatter::new(project.catalogue(lang))?);
        }
        let from = Mailbox::new(
            Some(config.from.name.clone()),
            config.from.email.parse().map_err(|e| {
                crate::InputError::new(
                    crate::config::CONFIG_FILE,
                    format!(
                        "expected an e-mail address, found `{}` ({e})",
                        config.from.email
                    ),
                )
                .field("mail.from.email")
            })?,
        );
        Ok(Composer {
            project,
            config,
            edition,
            out_dir: out_dir.to_path_buf(),
            manifest,
            formatters,
            env: environment(&project.assets),
            briefs: BTreeMap::new(),
            from,
            reporters: Default::default(),
        })
    }

    fn phrase(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> Result<String> {
        Ok(self.project.catalogue(lang).fill(key, args)?)
    }

    fn country_name(&self, code: &str, lang: Lang) -> Result<String> {
        Ok(self
            .project
            .reference
            .country_name(&code.to_ascii_uppercase(), lang)?
            .to_string())
    }

    /// The brief of `code` in `lang`, read and encoded on first use.
    fn brief(&mut self, code: &str, lang: Lang) -> Result<&Brief> {
        let key = (code.to_string(), lang);
        if !self.briefs.contains_key(&key) {
            let path = self.out_dir.join(format!("{code}-{lang}.pdf"));
            let pdf = std::fs::read(&path).io("read the brief", &path)?;
            let file = format!("{code}-{lang}.pdf");
            let recorded = self.manifest.entry(&file).map(|e| e.sha256.as_str());
            if recorded != Some(crate::incremental::sha256(&pdf).as_str()) {
                return Err(mail_error!(
                    "{} is not the brief the edition's record describes (it changed after it was built): \
                     run `marketbrief build --country {code} --lang {lang}`, then `marketbrief mail` again",
                    path.display()
                ));
            }
            let country = self.country_name(code, lang)?;
            let words: String = country
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let file_name = self.phrase(
                lang,
                "mail.attachment",
                &[("country", &words), ("edition", &self.edition.to_string())],
            )? + ".pdf";
            let sha256 = crate::incremental::sha256(&pdf);
            let body = Body::new_with_encoding(pdf, ContentTransferEncoding::Base64)
                .map_err(|_| mail_error!("cannot encode {}", path.display()))?;
            self.briefs.insert(
                key.clone(),
                Brief {
                    file_name,
                    body,
                    sha256,
                },
            );
        }
        self.briefs
            .get(&key)
            .ok_or_else(|| mail_error!("the brief {code}-{lang} was not read"))
    }

    /// The adviser who signs: the recipient's, or the contact of its first country.
    fn adviser(&self, recipient: &Recipient, lang: Lang) -> Result<AdviserContext> {
        let contact = match &recipient.adviser {
            Some(key) => self
                .project
                .config
                .advisers
                .get(key)
                .ok_or_else(|| mail_error!("unknown adviser `{key}`"))?
                .clone(),
            None => {
                let code = recipient
                    .countries
                    .first()
                    .map(String::as_str)
                    .unwrap_or("");
                let entry = self
                    .project
                    .profiles
                    .iter()
                    .find(|p| p.code == code)
                    .ok_or_else(|| mail_error!("no profile for country `{code}`"))?;
                match &entry.profile {
                    Ok(profile) => profile.contact.clone(),
                    Err(_) => {
                        return Err(mail_error!("{} cannot be read", entry.path.display()));
                    }
                }
            }
        };
        let role = contact.role.get(lang).ok_or_else(|| {
            mail_error!(
                "missing translation: the role of adviser {} has no `{lang}` text",
                contact.name
            )
        })?;
        // A sample adviser says so in the message's language, whichever file names them.
        let name = if contact.illustrative {
            self.phrase(lang, "mail.sample_adviser", &[("name", &contact.name)])?
        } else {
            contact.name.clone()
        };
        Ok(AdviserContext {
            name,
            role: role.to_string(),
            email: contact.email.clone(),
            phone: contact.phone.clone(),
        })
    }

    /// Whose exports a breakdown figure counts: the region's or the country's short name.
    fn exporter(&self, figure: &PrintedFigure, lang: Lang) -> (String, String) {
        let config = &self.project.config;
        let row = figure.rows.first().cloned().unwrap_or_default();
        let cached = self.reporters.borrow().get(&row).copied();
        let national = cached.unwrap_or_else(|| {
            let found = self.reporter_is_national(figure);
            self.reporters.borrow_mut().insert(row, found);
            found
        });
        let (short, of) = if national == Some(true) {
            (&config.country.short, &config.country.of)
        } else {
            (&config.agency().short, &config.agency().of)
        };
        (
            short.get(lang).unwrap_or_default().to_string(),
            of.get(lang).unwrap_or_default().to_string(),
        )
    }

    /// Whether the dataset row behind a figure is the country's rather than the region's.
    fn reporter_is_national(&self, figure: &PrintedFigure) -> Option<bool> {
        let config = &self.project.config;
        figure.rows.first().and_then(|row| {
            let (file, line) = row.rsplit_once(':')?;
            let line: usize = line.parse().ok()?;
            let dataset = self
                .project
                .datasets
                .iter()
                .find(|d| crate::deps::rel_path(&d.csv_path) == file)?;
            let (key, _) = dataset.observations.iter().find(|(_, o)| o.line == line)?;
            Some(key.reporter != config.agency().code)
        })
    }

    fn interest_line(
        &self,
        figures: &BriefFigures,
        code: &str,
        lang: Lang,
        fmt: &LocaleFormatter,
    ) -> Result<Option<InterestContext>> {
        let (part, label_key) = match interest_kind(self.project, code) {
            Some(Interest::Chapter) => (Part::Chapters, "mail.chapter"),
            Some(Interest::Section) => (Part::Products, "mail.section"),
            None => return Ok(None),
        };
        let id = format!("{}/{code}", part.id());
        let Some(figure) = figures
            .figures
            .iter()
            .find(|f| f.part == part && f.id == id)
        else {
            return Ok(None);
        };
        let which = self.phrase(lang, label_key, &[("code", code)])?;
        let marks = figure.marks();
        // As the brief's chart or table prints it: "0,9 million d'euros", not "900 000 euros".
        let amount = marks.value_text(&fmt.money_as_charted(figure.value)?.full());
        let (who, of) = self.exporter(figure, lang);
        let line = self.phrase(
            lang,
            "mail.interest",
            &[
                ("product", &figure.label),
                ("code", &which),
                ("who", &who),
                ("of", &of),
                ("amount", &amount),
                ("period", &figure.period),
            ],
        )?;
        let text = match &figure.change {
            Some(change) => self.phrase(
                lang,
                "mail.with_change",
                &[("text", &line), ("change", change)],
            )?,
            None => line,
        };
        Ok(Some(InterestContext {
            text,
            marked: marks.any(),
        }))
    }

    /// The country's next mission as a line of the message, as its brief announces it:
    /// title, when, where, and the page to register on.
    fn mission_line(
        &self,
        code: &str,
        lang: Lang,
        fmt: &LocaleFormatter,
    ) -> Result<Option<String>> {
        let Some(Ok(profile)) = self
            .project
            .profiles
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.profile.as_ref())
        else {
            return Ok(None);
        };
        let Some(mission) = &profile.mission else {
            return Ok(None);
        };
        let cat = self.project.catalogue(lang);
        let text = |l: &crate::profile::Localized| l.get(lang).unwrap_or_default().to_string();
        let when = crate::brief::next_steps::mission_when(
            cat,
            fmt,
            mission.start.as_ref(),
            mission.end.as_ref(),
            mission.season.as_ref().map(text),
        )?
        .unwrap_or_default();
        let line = self.phrase(
            lang,
            "mail.mission",
            &[
                ("title", &text(&mission.title)),
                ("when", &when),
                ("place", &text(&mission.place)),
            ],
        )?;
        Ok(Some(match &mission.url {
            Some(url) => self.phrase(
                lang,
                "mail.mission_register",
                &[("line", &line), ("url", url)],
            )?,
            None => line,
        }))
    }

    /// Renders and encodes the message of one recipient (who has a language and only
    /// countries with briefs, as `check` makes sure).
    pub fn compose(&mut self, recipient: &Recipient, countries: &[String]) -> Result<Prepared> {
        let lang = recipient
            .lang
            .ok_or_else(|| mail_error!("{}: no language", recipient.email))?;
        let fmt = self
            .formatters
            .get(&lang)
            .ok_or_else(|| mail_error!("{lang} is not a language of the project"))?;
        let to: lettre::Address = recipient.email.parse().map_err(|e| {
            mail_error!(
                "expected an e-mail address, found `{}` ({e})",
                recipient.email
            )
        })?;
        let edition = fmt.edition(&self.edition)?;
        let mut country_contexts = Vec::new();
        for code in countries {
            let name = format!("{code}-{lang}");
            let figures = self.manifest.figures(&name).transpose()?;
            let figures = figures.as_ref().ok_or_else(|| {
                mail_error!(
                    "{}: no figures of the brief {name}",
                    self.out_dir.join(crate::store::FIGURES_FILE).display()
                )
            })?;
            let key_figures = figures
                .figures
                .iter()
                .filter(|f| f.part == Part::KeyFigure)
                .take(KEY_FIGURES)
                .map(|f| {
                    // The change as printed carries its own mark; the value is marked
                    // only when its own rows are illustrative (crate::marks).
                    let marks = f.marks();
                    FigureContext {
                        label: f.label.clone(),
                        value: marks.value_text(&f.printed),
                        period: f.period.clone(),
                        change: f.change.clone(),
                        marked: marks.any(),
                    }
                })
                .collect();
            let mut interests = Vec::new();
            for interest in &recipient.interests {
                if let Some(line) = self.interest_line(figures, interest, lang, fmt)? {
                    interests.push(line);
                }
            }
            country_contexts.push(CountryContext {
                code: code.clone(),
                name: self.country_name(code, lang)?,
                attachment: String::new(),
                figures: key_figures,
                interests,
                mission: self.mission_line(code, lang, fmt)?,
            });
        }
        let mut attachments = Vec::new();
        for country in &mut country_contexts {
            let brief = self.brief(&country.code, lang)?;
            country.attachment = brief.file_name.clone();
            attachments.push((
                brief.file_name.clone(),
                brief.body.clone(),
                brief.sha256.clone(),
            ));
        }
        // Sample figures are marked † as in the brief, with the brief's note.
        let any_illustrative = country_contexts
            .iter()
            .any(|c| c.figures.iter().any(|f| f.marked) || c.interests.iter().any(|i| i.marked));
        let illustrative_note = if any_illustrative {
            Some(self.phrase(lang, "sources.illustrative", &[])?)
        } else {
            None
        };
        let publisher = &self.project.config.publisher;
        let adviser = self.adviser(recipient, lang)?;
        let context = MailContext {
            recipient: RecipientContext {
                name: &recipient.name,
                company: &recipient.company,
                email: &recipient.email,
            },
            edition,
            edition_code: self.edition.to_string(),
            countries: country_contexts,
            adviser,
            publisher: PublisherContext {
                name: publisher.name.get(lang).unwrap_or_default().to_string(),
                email: publisher.email.clone(),
                phone: publisher.phone.clone(),
                website: publisher.website.clone(),
            },
            sender: &self.config.from.name,
            brand_colour: &self.project.config.brand_colour.0,
            unsubscribe: &self.config.unsubscribe,
            illustrative_note,
        };
        let (subject, text) = render_text(&self.env, lang, &context)?;
        // The HTML part has its subject as its `<title>`, as a page needs one (a screen
        // reader announces it; axe-core's `document-title`).
        #[derive(serde::Serialize)]
        struct WithSubject<'c, C: serde::Serialize> {
            #[serde(flatten)]
            context: &'c C,
            subject: &'c str,
        }
        let html = render(
            &self.env,
            &format!("{lang}.html.j2"),
            &WithSubject {
                context: &context,
                subject: &subject,
            },
        )?;

        let reply_to = Mailbox::new(
            Some(context.adviser.name.clone()),
            context.adviser.email.parse().map_err(|e| {
                mail_error!(
                    "the adviser {}'s address `{}` is not an e-mail address ({e})",
                    context.adviser.name,
                    context.adviser.email
                )
            })?,
        );
        // A name without a letter or digit (`.`, `-`) is no display name: `To: . <a@x>` is
        // not a valid header. The address alone then.
        let display = Some(recipient.name.trim())
            .filter(|n| n.chars().any(char::is_alphanumeric))
            .map(str::to_string);
        let recipient_box = Mailbox::new(display, to.clone());

        let mut hasher = Sha256::new();
        for part in [
            self.from.to_string(),
            reply_to.to_string(),
            recipient_box.to_string(),
            subject.clone(),
            text.clone(),
            html.clone(),
            self.config.unsubscribe.clone(),
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        for (name, _, sha) in &attachments {
            hasher.update(name.as_bytes());
            hasher.update(sha.as_bytes());
        }
        let hash = crate::incremental::hex(&hasher.finalize());
        let mut briefs = Sha256::new();
        for (name, _, sha) in &attachments {
            briefs.update(name.as_bytes());
            briefs.update(sha.as_bytes());
        }
        let briefs = crate::incremental::hex(&briefs.finalize());
        let recipient_hash =
            crate::incremental::hex(&Sha256::digest(to.to_string().to_lowercase().as_bytes()));
        let message_id = format!(
            "<{}.{}.{}@{}>",
            self.edition,
            &recipient_hash[..12],
            &hash[..24],
            self.from.email.domain()
        );

        let alternative = MultiPart::alternative()
            .boundary(format!("alt-{}", &hash[..32]))
            .singlepart(SinglePart::plain(text))
            .singlepart(SinglePart::html(html));
        let mut mixed = MultiPart::mixed()
            .boundary(format!("mix-{}", &hash[..32]))
            .multipart(alternative);
        let pdf = ContentType::parse("application/pdf")
            .map_err(|e| mail_error!("application/pdf: {e}"))?;
        for (name, body, _) in &attachments {
            mixed = mixed.singlepart(Attachment::new(name.clone()).body(body.clone(), pdf.clone()));
        }
        let mut message = lettre::Message::builder()
            .from(self.from.clone())
            .reply_to(reply_to)
            .to(recipient_box)
            .subject(subject)
            .message_id(Some(message_id.clone()))
            .multipart(mixed)
            .map_err(|e| mail_error!("cannot assemble the message: {e}"))?;
        let headers = message.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{}>", self.config.unsubscribe),
        ));
        // One-click unsubscribing (RFC 8058) is a POST to a web address: with a mailto:
        // address only, the header would promise what the address cannot do.
        if self.config.unsubscribe.starts_with("https://") {
            headers.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_string(),
            ));
        }
        Ok(Prepared {
            to,
            message_id,
            hash,
            bytes: message.formatted(),
            briefs,
            attachments: attachments.into_iter().map(|(name, _, _)| name).collect(),
        })
    }
}
