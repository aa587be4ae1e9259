//! Market profiles (`data/profiles/<code>.yaml`): one partner country's narrative, written
//! side by side in every language so a missing translation is visible.

use crate::error::InputError;
pub use crate::vocab::{Date, Localized};
use serde::Deserialize;
use std::path::Path;

/// A market profile.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// ISO 3166-1 alpha-2 code of the partner country (`CA`).
    pub country: String,
    /// How a sentence says "in the country" (`au Canada`, `in de Verenigde Staten`), when
    /// `data/reference/in-country.csv` has no form for it or the profile wants another.
    #[serde(default)]
    pub in_country: Option<Localized>,
    /// Two or three sentences: why the market matters, shown on page 1.
    pub summary: Localized,
    /// "Why this market": Markdown.
    pub why: Localized,
    /// The sectors that matter for exporters, each a title and a short text.
    pub sectors: Vec<Sector>,
    /// The cities and hubs that matter, each a name and a short text.
    pub cities: Vec<City>,
    /// The trade agreement between the EU and the country, and where it stands.
    pub agreement: Agreement,
    /// The next trade mission to the country, if one is planned.
    #[serde(default)]
    pub mission: Option<Mission>,
    /// Facts for the at-a-glance strip of page 1, beside those from the World Bank files
    /// (population, GDP, GDP per head). Each is optional.
    #[serde(default)]
    pub at_a_glance: AtAGlance,
    /// The trade adviser companies should contact.
    pub contact: Contact,
    /// Sources of the narrative's facts.
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// Facts a reader looks for first, written per language.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtAGlance {
    /// The currency, with its code (“dollar canadien (CAD)”).
    #[serde(default)]
    pub currency: Option<Localized>,
    /// The official languages (“anglais, français”).
    #[serde(default)]
    pub languages: Option<Localized>,
    /// The time difference with Brussels (“−6 h à −9 h”).
    #[serde(default)]
    pub time_difference: Option<Localized>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    /// The sector's name (“Agroalimentaire”).
    pub title: Localized,
    /// Markdown.
    pub text: Localized,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// A proper name, the same in every language unless given per language.
    pub name: Localized,
    /// Markdown.
    pub text: Localized,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// The agreement's usual name (“CETA”, “Accord UE–Mexique”).
    pub name: Localized,
    /// Where the agreement stands: what the brief may say of it. Required (`check`).
    #[serde(default)]
    pub status: Option<AgreementStatus>,
    /// The year of that status: in force, provisionally applied or signed since, or
    /// negotiated since.
    #[serde(default)]
    pub since: Option<u16>,
    /// Replaced by `status` and `since`: read only to say so (editors flag it).
    #[serde(default)]
    #[schemars(skip)]
    pub in_force_since: Option<u16>,
    /// Markdown.
    pub text: Localized,
}

/// Where a trade agreement stands. Each is phrased per language from the catalogue
/// (`brief.agreement.<status>`): a provisionally applied agreement is not "in force".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    InForce,
    Provisional,
    Signed,
    Negotiating,
    /// There is no agreement (the name says so: "No EU–US free-trade agreement").
    None,
}

impl AgreementStatus {
    /// Its key in the catalogue and in profiles.
    pub fn key(self) -> &'static str {
        match self {
            AgreementStatus::InForce => "in_force",
            AgreementStatus::Provisional => "provisional",
            AgreementStatus::Signed => "signed",
            AgreementStatus::Negotiating => "negotiating",
            AgreementStatus::None => "none",
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    /// The mission's title.
    pub title: Localized,
    /// First day, when the dates are set.
    #[serde(default)]
    pub start: Option<Date>,
    /// Last day, when the dates are set.
    #[serde(default)]
    pub end: Option<Date>,
    /// When the dates are not set yet: "automne 2025" / "najaar 2025" / "autumn 2025".
    #[serde(default)]
    pub season: Option<Localized>,
    /// Where the mission goes (its cities).
    pub place: Localized,
    /// Markdown.
    pub text: Localized,
    /// The mission's page, e.g. its registration form (https://…): printed with a QR
    /// code.
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The person's name, as printed.
    pub name: String,
    /// Their role (“Conseillère export Amérique du Nord”).
    pub role: Localized,
    /// Their e-mail address.
    pub email: String,
    /// Their phone number, in international form (+32 2 …), as text: a number
    /// is refused (it would lose a leading + or 0).
    #[serde(default, deserialize_with = "crate::vocab::phone")]
    pub phone: Option<String>,
    /// Their web page or booking page (https://…): printed with a QR code.
    #[serde(default)]
    pub url: Option<String>,
    /// A sample contact, not a real person: the brief says so in its language.
    #[serde(default)]
    pub illustrative: bool,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The source's title, as cited.
    pub title: Localized,
    /// Where to read it (https://…).
    pub url: String,
    /// Publication or consultation date.
    #[serde(default)]
    pub date: Option<Date>,
}

impl Profile {
    pub fn parse(origin: &Path, text: &str) -> Result<Profile, InputError> {
        let profile: Profile = InputError::parse_yaml(origin, text)?;
        Ok(profile)
    }

    /// The lower-case country code used in file names (`ca`).
    pub fn code(&self) -> String {
        self.country.to_ascii_lowercase()
    }

    /// Every translatable field with its path (`sectors[2].title`), for validation.
    pub fn localized_fields(&self) -> Vec<(String, &Localized)> {
        let mut fields: Vec<(String, &Localized)> =
            vec![("summary".into(), &self.summary), ("why".into(), &self.why)];
        for (i, s) in self.sectors.iter().enumerate() {
            fields.push((format!("sectors[{i}].title"), &s.title));
            fields.push((format!("sectors[{i}].text"), &s.text));
        }
        for (i, c) in self.cities.iter().enumerate() {
            fields.push((format!("cities[{i}].name"), &c.name));
            fields.push((format!("cities[{i}].text"), &c.text));
        }
        fields.push(("agreement.name".into(), &self.agreement.name));
        fields.push(("agreement.text".into(), &self.agreement.text));
        if let Some(m) = &self.mission {
            fields.push(("mission.title".into(), &m.title));
            fields.push(("mission.place".into(), &m.place));
            if let Some(season) = &m.season {
                fields.push(("mission.season".into(), season));
            }
            fields.push(("mission.text".into(), &m.text));
        }
        for (name, fact) in [
            ("currency", &self.at_a_glance.currency),
            ("languages", &self.at_a_glance.languages),
            ("time_difference", &self.at_a_glance.time_difference),
        ] {
            if let Some(fact) = fact {
                fields.push((format!("at_a_glance.{name}"), fact));
            }
        }
        fields.push(("contact.role".into(), &self.contact.role));
        for (i, s) in self.sources.iter().enumerate() {
            fields.push((format!("sources[{i}].title"), &s.title));
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            "2025-10-20".parse::<Date>().unwrap(),
            Date {
                year: 2025,
                month: 10,
                day: 20
            }
        );
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2025-13-01".parse::<Date>().is_err());
        assert!("20-10-2025".parse::<Date>().is_err());
    }
}
