//! The shared vocabulary every module speaks, below them all: languages, text written per
//! language, calendar dates and editions. It depends on nothing else in the crate.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A language a brief can be written in.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::Nl, Lang::En];

    /// The ISO 639-1 code used in file names and YAML keys.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The CLDR locale whose conventions the brief follows.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Fr => "fr-BE",
            Lang::Nl => "nl-BE",
            Lang::En => "en",
        }
    }

    /// The region of the locale, for Typst's `region` (`BE` for fr-BE), if any.
    pub fn region(self) -> Option<&'static str> {
        self.locale().split_once('-').map(|(_, region)| region)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "fr" => Ok(Lang::Fr),
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            other => Err(format!(
                "unknown language `{other}` (expected fr, nl or en)"
            )),
        }
    }
}

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

/// A phone number, which must be written as text: a YAML number drops what makes it a
/// phone number (`+3220000000` reads as 3220000000; other YAML tools read `022000000` as
/// 22000000, or as octal), so one is refused with the advice to quote it, as the JSON
/// Schema refuses it in editors. Absent or null: no phone number.
pub fn phone<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a phone number as text")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "expected a phone number as text, found `{v}`"
            )))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "expected a phone number as text, found the number {v}: a number loses a leading + or 0, so write it in quotes, in international form (\"+32 2 000 00 00\")"
            )))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_i64(v as i64)
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "expected a phone number as text, found the number {v}: write it in quotes, in international form (\"+32 2 000 00 00\")"
            )))
        }
    }
    d.deserialize_any(Visitor)
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

/// A quarterly edition such as `2025-Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edition {
    pub year: i32,
    pub quarter: u8,
}

impl Edition {
    /// The last day of the edition's quarter: the document date, so rebuilding the same
    /// edition gives the same PDF.
    pub fn last_day(&self) -> (i32, u8, u8) {
        match self.quarter {
            1 => (self.year, 3, 31),
            2 => (self.year, 6, 30),
            3 => (self.year, 9, 30),
            _ => (self.year, 12, 31),
        }
    }
}

impl Edition {
    /// The edition of the quarter before.
    pub fn previous(self) -> Edition {
        if self.quarter == 1 {
            Edition {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Edition {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }
}

impl FromStr for Edition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected an edition such as 2025-Q3, found `{s}`");
        let (year, quarter) = s.split_once("-Q").ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let quarter: u8 = quarter.parse().map_err(|_| bad())?;
        if !(1900..=9999).contains(&year) || !(1..=4).contains(&quarter) || s.len() != 7 {
            return Err(bad());
        }
        Ok(Edition { year, quarter })
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

impl<'de> Deserialize<'de> for Edition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The civil date of a day counted from 1970-01-01 (Howard Hinnant's algorithm): year,
/// month, day. For "today" without a date library.
pub fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month as u8, day as u8)
}

/// JSON Schemas of the types above whose YAML form is a string with a format, for
/// `marketbrief schema` (editors complete and check the files with them).
pub mod schema {
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use std::borrow::Cow;

    fn string(description: &str, pattern: &str) -> Schema {
        json_schema!({"type": "string", "pattern": pattern, "description": description})
    }

    impl JsonSchema for super::Localized {
        fn schema_name() -> Cow<'static, str> {
            "Localized".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let text = json_schema!({"type": "string"});
            json_schema!({
                "description": "Text written once per language: fr, nl, en.",
                "type": "object",
                "properties": {"fr": text, "nl": text, "en": text},
                "additionalProperties": false
            })
        }
    }

    impl JsonSchema for super::Date {
        fn schema_name() -> Cow<'static, str> {
            "Date".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            string("A date as YYYY-MM-DD.", r"^\d{4}-\d{2}-\d{2}$")
        }
    }

    impl JsonSchema for super::Edition {
        fn schema_name() -> Cow<'static, str> {
            "Edition".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            string("A quarterly edition such as 2025-Q3.", r"^\d{4}-Q[1-4]$")
        }
    }

    /// Text that may be written as a YAML number (a code, an id, a column header such as
    /// `2024`): the loader takes it as written, so editors must not flag it either.
    pub fn text_or_number(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "number"]})
    }

    /// [`text_or_number`], optional.
    pub fn optional_text_or_number(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "number", "null"]})
    }

    /// A mapping of names to [`text_or_number`] values.
    pub fn texts_or_numbers(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "additionalProperties": {"type": ["string", "number"]}
        })
    }

    /// Periods written as years (`2024`), quarters (`2024-Q3`) or months (`2024-07`).
    pub fn periods(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "items": {
                "description": "A year (2024), a quarter (2024-Q3) or a month (2024-07).",
                "anyOf": [
                    {"type": "integer"},
                    {"type": "string", "pattern": r"^\d{4}(-Q[1-4]|-\d{2})?$"}
                ]
            }
        })
    }
}

/// What is wrong with an e-mail address, if anything: the one check of every address a
/// project writes (a profile's contact, the sender, a `mailto:` link, a recipient), so that
/// `check` accepts exactly what `mail` can send. A plain ASCII address of at most 254
/// characters that an SMTP server takes (`name@domain.example`).
pub fn email_problem(value: &str) -> Option<String> {
    let shown = crate::limits::quote(value);
    if value.trim().is_empty() {
        Some("expected an e-mail address, found nothing".into())
    } else if value.contains(['"', '[', ']', ' ']) {
        Some(format!(
            "expected a plain address (name@domain.example), found `{shown}`"
        ))
    } else if !value.is_ascii() {
        Some(format!(
            "`{shown}` has letters beyond ASCII, which many mail servers refuse: write the domain in its ASCII form (xn--…) and check the mailbox name with the company"
        ))
    } else if value.len() > 254 {
        Some(format!(
            "expected an address of at most 254 characters, found {}",
            value.len()
        ))
    } else if let Err(e) = value.parse::<lettre::Address>() {
        Some(format!("expected an e-mail address, found `{shown}` ({e})"))
    } else {
        None
    }
}
