//! The next steps: the next trade mission and the adviser to contact.

use super::writer::Writer;
use crate::error::Result;
use crate::i18n::catalogue::Catalogue;
use crate::i18n::format::LocaleFormatter;
use crate::profile::{Date, Profile};
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
}

pub(super) fn write(w: &Writer, profile: &Profile) -> Result<NextStepsContext> {
    let mission = match &profile.mission {
        Some(m) => Some(MissionContext {
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
        },
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
        (Some(start), Some(end)) if end != start => Some(cat.fill(
            "brief.date_range",
            &[("start", &fmt.date(start)?), ("end", &fmt.date(end)?)],
        )?),
        (Some(start), _) => Some(fmt.date(start)?),
        (None, _) => season,
    })
}
