//! Market profiles (`data/profiles/<code>.yaml`): one partner country's narrative, written
//! side by side in every language so a missing translation is visible.

use crate::error::InputError;
use crate::i18n::Lang;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Text written once per language (`fr:`, `nl:`, `en:`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Localized(#[serde(deserialize_with = "texts")] pub BTreeMap<Lang, String>);

/// Texts by language, each a YAML string: `en: ~` would print "null" and `en: 42` a number
/// nobody wrote as text, so both are errors.
fn texts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<Lang, String>, D::Error> {
    struct Text(String);
    impl<'de> Deserialize<'de> for Text {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visitor;
            impl serde::de::Visitor<'_> for Visitor {
                type Value = Text;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("text")
                }
                fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                    Ok(Text(v.to_string()))
                }
                fn visit_unit<E: serde::de::Error>(self) -> Result<Text, E> {
                    Err(E::custom("expected text, found nothing (null)"))
                }
                fn visit_none<E: serde::de::Error>(self) -> Result<Text, E> {
                    self.visit_unit()
                }
                fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Text, E> {
                    Err(E::custom(format!(
                        "expected text, found `{v}` (write it in quotes if it is meant as text)"
                    )))
                }
                fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
                    Err(E::custom(format!(
                        "expected text, found the number {v} (write it in quotes if it is meant as text)"
                    )))
                }
                fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
                    self.visit_i64(v as i64)
                }
                fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                    Err(E::custom(format!(
                        "expected text, found the number {v} (write it in quotes if it is meant as text)"
                    )))
                }
            }
            d.deserialize_any(Visitor)
        }
    }
    Ok(BTreeMap::<Lang, Text>::deserialize(d)?
        .into_iter()
        .map(|(lang, text)| (lang, text.0))
        .collect())
}

impl Localized {
    /// The text in `lang`, if present and not blank.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        self.0
            .get(&lang)
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty())
    }
}

/// A market profile.
#[derive(Debug, Clone, Deserialize)]
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
    pub sectors: Vec<Sector>,
    pub cities: Vec<City>,
    pub agreement: Agreement,
    #[serde(default)]
    pub mission: Option<Mission>,
    pub contact: Contact,
    /// Sources of the narrative's facts.
    #[serde(default)]
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    pub title: Localized,
    /// Markdown.
    pub text: Localized,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// A proper name, the same in every language unless given per language.
    pub name: Localized,
    /// Markdown.
    pub text: Localized,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub name: Localized,
    /// Year the agreement (or its provisional application) took effect.
    #[serde(default)]
    pub in_force_since: Option<u16>,
    /// Markdown.
    pub text: Localized,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    pub title: Localized,
    /// First day, when the dates are set.
    #[serde(default)]
    pub start: Option<Date>,
    #[serde(default)]
    pub end: Option<Date>,
    /// When the dates are not set yet: "automne 2025" / "najaar 2025" / "autumn 2025".
    #[serde(default)]
    pub season: Option<Localized>,
    pub place: Localized,
    /// Markdown.
    pub text: Localized,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub role: Localized,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: Localized,
    pub url: String,
    /// Publication or consultation date.
    #[serde(default)]
    pub date: Option<Date>,
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected a date as YYYY-MM-DD, found `{s}`");
        let mut parts = s.splitn(3, '-');
        let year: i32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let month: u8 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let day: u8 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if s.len() != 10 || day == 0 || day > days_in_month {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // YAML reads 2025-10-20 as a string (serde_yaml has no timestamp type).
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
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
