//! The narrative: why do business in the country, its promising sectors and cities, and
//! the trade agreement, all from the profile.

use super::writer::Writer;
use crate::error::Result;
use crate::profile::{AgreementStatus, Profile};
use crate::reference::Reference;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct NarrativeContext {
    /// Section headings that name the country ("Why do business in Canada?").
    pub headings: Headings,
    pub why: String,
    pub sectors: Vec<TitledText>,
    pub cities: Vec<TitledText>,
    pub agreement: TitledText,
}

#[derive(Serialize)]
pub(super) struct Headings {
    why: String,
    cities: String,
}

#[derive(Serialize)]
pub(super) struct TitledText {
    title: String,
    text: String,
}

pub(super) fn write(
    w: &Writer,
    profile: &Profile,
    reference: &Reference,
) -> Result<NarrativeContext> {
    let code = profile.country.to_ascii_uppercase();
    w.deps.read_all(Reference::in_country_file(
        profile.in_country.as_ref(),
        w.lang,
    ));
    // Validation makes sure the form exists; only a draft gets this far without it.
    let in_country = match reference.in_country(&code, profile.in_country.as_ref(), w.lang) {
        Some(form) => form.to_string(),
        None => w.phrase("brief.to_write")?,
    };
    let agreement = &profile.agreement;
    let name = w.text(&agreement.name);
    // Validation requires the status; a draft without one prints the name alone.
    let agreement_title = match (agreement.status, agreement.since) {
        (None | Some(AgreementStatus::None), _) => name,
        (Some(status), Some(year)) => w.fill(
            &format!("brief.agreement.{}_since", status.key()),
            &[("name", &name), ("year", &year.to_string())],
        )?,
        (Some(status), None) => w.fill(
            &format!("brief.agreement.{}", status.key()),
            &[("name", &name)],
        )?,
    };
    Ok(NarrativeContext {
        headings: Headings {
            why: w.fill("sections.why", &[("in_country", &in_country)])?,
            cities: w.fill("sections.cities", &[("in_country", &in_country)])?,
        },
        why: w.text(&profile.why),
        sectors: profile
            .sectors
            .iter()
            .map(|s| TitledText {
                title: w.text(&s.title),
                text: w.text(&s.text),
            })
            .collect(),
        cities: profile
            .cities
            .iter()
            .map(|c| TitledText {
                title: w.text(&c.name),
                text: w.text(&c.text),
            })
            .collect(),
        agreement: TitledText {
            title: agreement_title,
            text: w.text(&agreement.text),
        },
    })
}
