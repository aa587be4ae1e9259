//! The next steps: the next trade mission and the adviser to contact.

use super::writer::Writer;
use crate::error::{Error, Result};
use crate::i18n::catalogue::Catalogue;
use crate::i18n::format::LocaleFormatter;
use crate::profile::{Date, Profile};
use crate::typeset::Files;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct NextStepsContext {
    pub mission: Option<MissionContext>,
    pub contact: ContactContext,
}

#[derive(Serialize)]
pub(super) struct MissionContext {
    title: String,
    when: String,
    place: String,
    text: String,
    qr: Option<QrContext>,
}

/// A QR code of an address the brief prints beside it.
#[derive(Serialize)]
pub(super) struct QrContext {
    /// The SVG among the brief's files.
    path: String,
    /// The address the code opens.
    url: String,
    /// The address the code opens, as printed (without `https://`).
    shown: String,
    alt: String,
}

#[derive(Serialize)]
pub(super) struct ContactContext {
    heading: String,
    name: String,
    /// "sample", beside the heading, for a contact who is not a real person.
    note: Option<String>,
    role: String,
    email: String,
    phone: Option<String>,
    qr: Option<QrContext>,
}

pub(super) fn write(w: &Writer, profile: &Profile, files: &mut Files) -> Result<NextStepsContext> {
    let mission = match &profile.mission {
        Some(m) => Some(MissionContext {
            qr: m
                .url
                .as_deref()
                .map(|url| qr(w, url, "mission", files))
                .transpose()?,
            title: w.text(&m.title),
            when: mission_when(
                w.cat,
                w.fmt,
                m.start.as_ref(),
                m.end.as_ref(),
                m.season.as_ref().map(|s| w.text(s)),
            )?
            .unwrap_or_default(),
            place: w.text(&m.place),
            text: w.text(&m.text),
        }),
        None => None,
    };
    let contact = &profile.contact;
    Ok(NextStepsContext {
        mission,
        contact: ContactContext {
            heading: w.phrase("brief.contact")?,
            name: contact.name.clone(),
            note: if contact.illustrative {
                Some(w.phrase("brief.sample_contact")?)
            } else {
                None
            },
            role: w.text(&contact.role),
            email: contact.email.clone(),
            phone: contact.phone.clone(),
            qr: contact
                .url
                .as_deref()
                .map(|url| qr(w, url, "contact", files))
                .transpose()?,
        },
    })
}

/// Draws the QR code of `url` into `files` as `qr/<name>.svg`.
fn qr(w: &Writer, url: &str, name: &str, files: &mut Files) -> Result<QrContext> {
    let svg = crate::qr::svg_bytes(url).map_err(|message| Error::Chart {
        what: "a QR code",
        message,
    })?;
    let path = w.path(&format!("qr/{name}.svg"));
    files.insert(path.clone(), svg);
    let shown = super::sources::shown(url);
    Ok(QrContext {
        path,
        url: url.to_string(),
        alt: w.fill("brief.qr_alt", &[("address", &shown)])?,
        shown,
    })
}

/// When a mission takes place, as briefs and bundles print it: its dates ("3 November 2025
/// to 7 November 2025", one date when it lasts a day), else its season ("autumn 2025"),
/// else nothing.
pub(crate) fn mission_when(
    cat: &Catalogue,
    fmt: &LocaleFormatter,
    start: Option<&Date>,
    end: Option<&Date>,
    season: Option<String>,
) -> Result<Option<String>> {
    Ok(match (start, end) {
        (Some(start), Some(end)) if end != start => {
            // What the end date says already is not repeated: "du 17 au 21 novembre 2025",
            // "van 28 oktober tot 3 november 2025", "17 to 21 November 2025".
            let start_text = if (start.year, start.month) == (end.year, end.month) {
                fmt.day(start)?
            } else if start.year == end.year {
                fmt.date_no_year(start)?
            } else {
                fmt.date(start)?
            };
            Some(cat.fill(
                "brief.date_range",
                &[("start", &start_text), ("end", &fmt.date(end)?)],
            )?)
        }
        (Some(start), _) => Some(fmt.date(start)?),
        (None, _) => season,
    })
}
