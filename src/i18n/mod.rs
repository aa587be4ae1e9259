//! Languages as data: the [`Lang`] enum, per-language phrase [`catalogue`]s and CLDR-based
//! [`format`]ting of numbers, money, percentages, ranks and dates.

pub mod catalogue;
pub mod format;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language a brief can be written in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
