//! `marketbrief.yaml`: the publisher, brand colour, languages and current edition.

use crate::error::InputError;
use crate::i18n::Lang;
pub mod mail;

pub use crate::vocab::Edition;
use crate::vocab::Localized;
use serde::{Deserialize, Deserializer};
use std::path::Path;

/// The project configuration file name, at the project root.
pub const CONFIG_FILE: &str = "marketbrief.yaml";

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Who publishes the briefs: printed on every page.
    pub publisher: Publisher,
    /// The region the agency works for, as it appears in the trade datasets. A national
    /// agency has none: its briefs are built from country-level data, without regional
    /// cards.
    #[serde(default)]
    pub region: Option<Region>,
    /// The country the region belongs to, as it appears in the trade datasets.
    pub country: Region,
    /// Brand colour as `#rrggbb`.
    pub brand_colour: Colour,
    /// Languages every brief is built in, in this order.
    pub languages: Vec<Lang>,
    /// The current edition, e.g. `2025-Q3`.
    pub edition: Edition,
    /// The key-figure cards every brief prints, in order: whose trade (`region` or
    /// `country`), what (`goods`, `services`, `rank`) and which way (`export`, `import`).
    /// A card the data cannot fill for a partner is left out of that brief, and `check`
    /// says so. Default: the region's goods exports and imports, the country's goods and
    /// services exports, the region's export rank; without a region, the country's goods
    /// exports and imports and services exports.
    #[serde(default, rename = "key_figures")]
    key_figures_given: Option<Vec<crate::figures::KeyFigureId>>,
    /// The cards, as given or by default (set by [`Config::parse`]).
    #[serde(skip)]
    pub key_figures: Vec<crate::figures::KeyFigureId>,
    /// Give each brief a box with its three largest changes since the previous edition
    /// (read from that edition's figures.json).
    #[serde(default)]
    pub since_last_edition: bool,
    /// Trade missions, by name, for `marketbrief bundle NAME`.
    #[serde(default)]
    pub missions: std::collections::BTreeMap<String, MissionConfig>,
    /// Trade advisers, by key, who sign the mails to the companies they follow
    /// (`marketbrief mail`).
    #[serde(default)]
    pub advisers: std::collections::BTreeMap<String, crate::profile::Contact>,
    /// How `marketbrief mail` sends: sender, SMTP server, rate and size limits.
    #[serde(default)]
    pub mail: Option<mail::MailConfig>,
}

/// A trade mission: its countries (lower-case codes), and optionally its name and dates.
#[derive(Debug, Clone, schemars::JsonSchema)]
#[serde(untagged)]
pub enum MissionConfig {
    /// `north-america: [ca, mx, us]`
    Countries(Vec<String>),
    Details(MissionDetails),
}

/// Read by its shape, a list or a mapping, rather than by trying each variant (serde's
/// `untagged`), so that a mistake inside is reported as itself, where it is ("unknown
/// field `contries`" at its line), not as "data did not match any variant" at the
/// first mission.
impl<'de> Deserialize<'de> for MissionConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = MissionConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a list of country codes (`[ca, mx]`) or a mission with `name` and `countries`",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                Vec::<String>::deserialize(SeqAccessDeserializer::new(seq))
                    .map(MissionConfig::Countries)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                MissionDetails::deserialize(MapAccessDeserializer::new(map))
                    .map(MissionConfig::Details)
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MissionDetails {
    /// The mission's name, as the handout's title.
    pub name: Localized,
    /// First day, when the dates are set.
    #[serde(default)]
    pub start: Option<crate::profile::Date>,
    /// Last day, when the dates are set.
    #[serde(default)]
    pub end: Option<crate::profile::Date>,
    /// When the dates are not set yet ("automne 2025").
    #[serde(default)]
    pub season: Option<Localized>,
    /// The countries of the mission, as lower-case codes (`[ca, mx, us]`).
    pub countries: Vec<String>,
    /// Where the mission goes (its cities), on the handout's cover and in each of its
    /// briefs' "next mission".
    #[serde(default)]
    pub place: Option<Localized>,
    /// What the mission offers (Markdown), on the handout's programme page and in each of
    /// its briefs' "next mission". With `place`, the handout's briefs advertise this
    /// mission; without, they advertise none (never another event than the handout's).
    #[serde(default)]
    pub text: Option<Localized>,
    /// The registration page (https://…), printed with a QR code.
    #[serde(default)]
    pub url: Option<String>,
    /// The programme, a day or a stop at a time, on the handout's programme page.
    #[serde(default)]
    pub programme: Vec<ProgrammeItem>,
    /// A sample mission, not a real one: the programme page says so.
    #[serde(default)]
    pub illustrative: bool,
}

/// A day or a stop of a mission's programme.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeItem {
    /// The day (YYYY-MM-DD).
    pub date: crate::profile::Date,
    /// Where (a city), in each language.
    pub place: Localized,
    /// What happens (Markdown), in each language.
    pub text: Localized,
}

impl MissionDetails {
    /// The mission as each brief of its handout prints it under "next mission": only when
    /// its place and text are given.
    pub fn as_brief_mission(&self) -> Option<crate::profile::Mission> {
        Some(crate::profile::Mission {
            title: self.name.clone(),
            start: self.start,
            end: self.end,
            season: self.season.clone(),
            place: self.place.clone()?,
            text: self.text.clone()?,
            url: self.url.clone(),
        })
    }
}

impl MissionConfig {
    pub fn countries(&self) -> &[String] {
        match self {
            MissionConfig::Countries(c) => c,
            MissionConfig::Details(d) => &d.countries,
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// The agency's name.
    pub name: Localized,
    /// Its general e-mail address.
    pub email: String,
    /// Its phone number, in international form (+32 2 …), as text.
    #[serde(default, deserialize_with = "crate::vocab::phone")]
    pub phone: Option<String>,
    /// Its website (https://…).
    #[serde(default)]
    pub website: Option<String>,
    /// The agency's seat: the dot on the locator map and the city of "time difference
    /// with …". Default: from the region (BE-BRU and BE-VLG Brussels, BE-WAL Namur), or
    /// Brussels for a national agency.
    #[serde(default)]
    pub seat: Option<Seat>,
    /// The responsible publisher (éditeur responsable, verantwoordelijke uitgever), whom
    /// Belgian law asks every printed publication to name with a postal address: printed
    /// in the colophon of every brief and handout.
    #[serde(default)]
    pub responsible: Option<Responsible>,
    /// The agency's logo: an SVG (best) or PNG file of the project, by its path from the
    /// project's folder (`logo.svg`), printed on each brief's title band and on the cover
    /// of a mission handout.
    #[serde(default)]
    pub logo: Option<String>,
}

/// The longest seat name: the label beside the locator map's dot.
const SEAT_CHARS: usize = 40;
/// The longest responsible publisher's name and postal address: the colophon is one line
/// above the footer.
const NAME_CHARS: usize = 60;
const ADDRESS_CHARS: usize = 100;

/// A responsible publisher: a person's name and a postal address.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Responsible {
    /// The person's name, as it is written in every language.
    pub name: String,
    /// The postal address, per language (`{fr: "Rue …, 1000 Bruxelles", nl: "…, 1000 Brussel", en: …}`).
    pub address: Localized,
}

/// A city: its name in each language and where it is.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Seat {
    /// `{fr: Namur, nl: Namen, en: Namur}`.
    pub name: Localized,
    /// Latitude in degrees north (50.467).
    pub lat: f64,
    /// Longitude in degrees east (4.867).
    pub lon: f64,
}

impl Seat {
    fn known(fr: &str, nl: &str, en: &str, lat: f64, lon: f64) -> Seat {
        use crate::i18n::Lang;
        Seat {
            name: Localized(
                [(Lang::Fr, fr), (Lang::Nl, nl), (Lang::En, en)]
                    .into_iter()
                    .map(|(l, t)| (l, t.to_string()))
                    .collect(),
            ),
            lat,
            lon,
        }
    }

    /// The seat of the agencies of a region, or of a national agency (`None`).
    pub fn default_for(region: Option<&str>) -> Seat {
        match region.map(str::to_ascii_uppercase).as_deref() {
            Some("BE-WAL") => Seat::known("Namur", "Namen", "Namur", 50.4669, 4.8675),
            _ => Seat::known("Bruxelles", "Brussel", "Brussels", 50.847, 4.352),
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Reporter code in the datasets (`BE-BRU`, `BE`).
    #[schemars(schema_with = "crate::vocab::schema::text_or_number")]
    pub code: String,
    /// Full name ("Région de Bruxelles-Capitale").
    pub name: Localized,
    /// Short name ("Bruxelles").
    pub short: Localized,
    /// The "of …" form phrases need ("de Bruxelles", "van Brussel", "of Brussels").
    pub of: Localized,
}

impl Config {
    /// The reporters figures are computed for, and the cards asked for.
    pub fn reporters(&self) -> crate::figures::Reporters<'_> {
        crate::figures::Reporters {
            region: self.region.as_ref().map(|r| r.code.as_str()),
            national: &self.country.code,
            cards: &self.key_figures,
        }
    }

    /// The agency's seat, as configured or the default of its region.
    pub fn seat(&self) -> Seat {
        self.publisher
            .seat
            .clone()
            .unwrap_or_else(|| Seat::default_for(self.region.as_ref().map(|r| r.code.as_str())))
    }

    /// Who the agency works for: its region, or the country for a national agency — the
    /// "Brussels" of "Brussels' exports", the reporter of its trend and products.
    pub fn agency(&self) -> &Region {
        self.region.as_ref().unwrap_or(&self.country)
    }

    pub fn parse(origin: &Path, text: &str) -> Result<Config, InputError> {
        let mut config: Config = InputError::parse_yaml(origin, text)?;
        config.key_figures = match (&config.key_figures_given, &config.region) {
            (Some(cards), _) => cards.clone(),
            (None, Some(_)) => crate::figures::KeyFigureId::DEFAULT.to_vec(),
            (None, None) => crate::figures::KeyFigureId::NATIONAL_DEFAULT.to_vec(),
        };
        if let Some(seat) = &config.publisher.seat {
            for (field, value, limit) in [("lat", seat.lat, 90.0), ("lon", seat.lon, 180.0)] {
                if !(value.is_finite() && value.abs() <= limit) {
                    let field = format!("publisher.seat.{field}");
                    let (line, column) = crate::source::locate(text, &field);
                    return Err(InputError::new(
                        origin,
                        format!(
                            "expected degrees between -{limit} and {limit}, found `{}`",
                            crate::limits::quote(&value.to_string())
                        ),
                    )
                    .at(line, column)
                    .field(field));
                }
            }
        }
        // Texts printed on one line of a page (the map's dot, the colophon above the
        // footer): one that cannot fit is refused here, at its field, rather than as a
        // brief that runs off its page.
        let mut one_line: Vec<(String, &str, usize)> = Vec::new();
        if let Some(seat) = &config.publisher.seat {
            for (lang, name) in &seat.name.0 {
                one_line.push((format!("publisher.seat.name.{lang}"), name, SEAT_CHARS));
            }
        }
        if let Some(responsible) = &config.publisher.responsible {
            one_line.push((
                "publisher.responsible.name".into(),
                &responsible.name,
                NAME_CHARS,
            ));
            for (lang, address) in &responsible.address.0 {
                one_line.push((
                    format!("publisher.responsible.address.{lang}"),
                    address,
                    ADDRESS_CHARS,
                ));
            }
        }
        for (field, value, most) in one_line {
            let count = value.trim().chars().count();
            if count == 0 || count > most {
                let (line, column) = crate::source::locate(text, &field);
                return Err(InputError::new(
                    origin,
                    format!(
                        "expected a text of 1 to {most} characters (printed on one line), found {count}"
                    ),
                )
                .at(line, column)
                .field(field));
            }
        }
        if let Some((i, problem)) = key_figure_problem(&config) {
            let field = format!("key_figures[{i}]");
            let (line, column) = crate::source::locate(text, &field);
            return Err(InputError::new(origin, problem)
                .at(line, column)
                .field(field));
        }
        if config.languages.is_empty() {
            return Err(
                InputError::new(origin, "expected at least one language, found none")
                    .field("languages"),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(lang) = config.languages.iter().find(|l| !seen.insert(**l)) {
            return Err(InputError::new(
                origin,
                format!("`{lang}` is listed twice: each language is built once"),
            )
            .field("languages"));
        }
        // A mission's name becomes part of a file name (mission-<name>-<lang>.pdf).
        for name in config.missions.keys() {
            if let Err(why) = crate::output::plain_name(name) {
                return Err(InputError::new(origin, why).field(format!("missions.{name}")));
            }
        }
        if let Some(mail) = &config.mail
            && let Some((field, why)) = mail.problems().into_iter().next()
        {
            let (line, column) = crate::source::locate(text, &field);
            return Err(InputError::new(origin, why).at(line, column).field(field));
        }
        Ok(config)
    }

    /// Every localized field of the configuration, with its path, for validation.
    pub fn localized_fields(&self) -> Vec<(String, &Localized)> {
        let mut fields = vec![("publisher.name".into(), &self.publisher.name)];
        if let Some(seat) = &self.publisher.seat {
            fields.push(("publisher.seat.name".into(), &seat.name));
        }
        if let Some(responsible) = &self.publisher.responsible {
            fields.push(("publisher.responsible.address".into(), &responsible.address));
        }
        if let Some(region) = &self.region {
            fields.push(("region.name".into(), &region.name));
            fields.push(("region.short".into(), &region.short));
            fields.push(("region.of".into(), &region.of));
        }
        fields.extend([
            ("country.name".into(), &self.country.name),
            ("country.short".into(), &self.country.short),
            ("country.of".into(), &self.country.of),
        ]);
        for (name, mission) in &self.missions {
            if let MissionConfig::Details(d) = mission {
                fields.push((format!("missions.{name}.name"), &d.name));
                if let Some(season) = &d.season {
                    fields.push((format!("missions.{name}.season"), season));
                }
            }
        }
        fields
    }
}

/// The first card of `key_figures:` that cannot be: none at all, one listed twice, a rank of
/// imports, a region's card in a project without a region.
fn key_figure_problem(config: &Config) -> Option<(usize, String)> {
    use crate::figures::{Measure, Reporter};
    if config.key_figures.is_empty() {
        return Some((
            0,
            "expected at least one card (or no `key_figures:`, for the default five)".into(),
        ));
    }
    for (i, card) in config.key_figures.iter().enumerate() {
        if config.key_figures[..i].contains(card) {
            return Some((i, format!("`{}` is listed twice", card.key())));
        }
        if card.measure == Measure::Rank && card.flow == crate::dataset::Flow::Import {
            return Some((
                i,
                "a rank is of export markets only: write `flow: export` or leave it out".into(),
            ));
        }
        if card.reporter == Reporter::Region && config.region.is_none() {
            return Some((
                i,
                "a card of the region, but marketbrief.yaml has no `region:` (a national agency): use `reporter: country`, or add the region".into(),
            ));
        }
    }
    None
}

/// An `#rrggbb` colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colour(pub String);

impl schemars::JsonSchema for Colour {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Colour".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^#[0-9a-fA-F]{6}$",
            "description": "A colour as #rrggbb."
        })
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Colour(format!("#{}", hex.to_ascii_lowercase())))
        } else {
            Err(serde::de::Error::custom(format!(
                "expected a colour as #rrggbb, found `{s}`"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_listed_once() {
        let base = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("marketbrief.yaml"),
        )
        .unwrap()
        .replace("languages: [fr, nl, en]", "languages: [fr, en, en]");
        let err = Config::parse(Path::new("marketbrief.yaml"), &base).unwrap_err();
        assert!(err.message.contains("`en` is listed twice"), "{err}");
    }

    #[test]
    fn a_mission_name_is_a_plain_name() {
        let base = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("marketbrief.yaml"),
        )
        .unwrap();
        let origin = Path::new("marketbrief.yaml");
        assert!(Config::parse(origin, &base).is_ok());
        let bad = base.replace("  north-america:", "  ../../x:");
        let err = Config::parse(origin, &bad).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("missions.../../x"));
        assert!(err.message.contains("expected a plain name"), "{err}");
    }

    #[test]
    fn editions_parse_and_print() {
        let e: Edition = "2025-Q3".parse().unwrap();
        assert_eq!(
            e,
            Edition {
                year: 2025,
                quarter: 3
            }
        );
        assert_eq!(e.to_string(), "2025-Q3");
        assert_eq!(e.last_day(), (2025, 9, 30));
        for bad in ["2025Q3", "2025-Q5", "25-Q1", "2025-Q", "2025-Q10"] {
            assert!(bad.parse::<Edition>().is_err(), "{bad}");
        }
    }
}
