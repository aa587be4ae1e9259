//! Reference data: classification labels (HS sections, CN chapters, EBOPS 2010), country names from
//! CLDR and flags. Embedded defaults, overridable by the project (see [`crate::assets`]).

use crate::assets::Assets;
use crate::error::InputError;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::profile::Localized;
use std::collections::BTreeMap;

/// Labels of one classification, by code.
#[derive(Debug, Clone)]
pub struct Classification {
    pub id: String,
    pub origin: String,
    pub labels: BTreeMap<String, Localized>,
    /// Categories that gather what the others leave ("Other business services"): shown
    /// after the others whatever their size (the file's `residual` column says `yes`).
    pub residual: std::collections::BTreeSet<String>,
}

/// All reference data a brief needs.
#[derive(Debug, Clone)]
pub struct Reference {
    pub classifications: BTreeMap<String, Classification>,
    /// Country names by upper-case alpha-2 code, per language (CLDR).
    pub country_names: BTreeMap<String, Localized>,
    /// How a sentence says "in" each country (`au Canada`), by alpha-2 code.
    pub in_country: BTreeMap<String, Localized>,
    /// Population and GDP by upper-case alpha-2 code (World Bank).
    pub facts: BTreeMap<String, CountryFacts>,
    /// Country outlines for locator maps (Natural Earth via world-atlas).
    pub atlas: Option<crate::map::Atlas>,
}

/// The latest World Bank figures of a country, each with its year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountryFacts {
    pub population: Option<(i32, f64)>,
    pub gdp_usd: Option<(i32, f64)>,
    /// GDP per head in US dollars, of the latest year both files give.
    pub gdp_per_head_usd: Option<(i32, f64)>,
    /// Every year's population, to divide the GDP of the same year.
    populations: BTreeMap<i32, f64>,
}

/// "In <country>" forms per language: CLDR has none, so marketbrief ships its own.
pub const IN_COUNTRY: &str = "data/reference/in-country.csv";

/// Country names where publications write them otherwise than CLDR's display names.
pub const COUNTRY_NAMES: &str = "data/reference/country-names.csv";

/// Population and GDP (World Bank), as project-relative paths: facts come from both.
pub const WORLD_BANK_FILES: [&str; 2] = [
    "data/reference/world-bank/population.csv",
    "data/reference/world-bank/gdp_current_usd.csv",
];

/// Country outlines for locator maps.
pub const WORLD_ATLAS: &str = "data/reference/world-atlas/countries-50m.json";

/// The labels of a classification, as a project-relative path.
pub fn classification_file(id: &str) -> String {
    format!("data/classifications/{id}.csv")
}

/// The CLDR country names of a language, as a project-relative path.
pub fn territories_file(lang: Lang) -> String {
    format!("data/reference/cldr/territories.{}.json", lang.locale())
}

/// The flag of a country (alpha-2 code), as a project-relative path.
pub fn flag_file(code: &str) -> String {
    format!("data/reference/flags/{}.svg", code.to_ascii_uppercase())
}

/// The classifications shipped, by the id datasets use in their metadata.
pub const CLASSIFICATIONS: [&str; 3] = ["hs-section", "cn-chapter", "ebops-2010"];

impl Reference {
    pub fn load(assets: &Assets) -> Result<Reference> {
        let mut classifications = BTreeMap::new();
        for id in CLASSIFICATIONS {
            let rel = classification_file(id);
            let (origin, text) = assets
                .read_text(&rel)?
                .ok_or_else(|| Error::asset(&rel, "missing classification file"))?;
            let labels = parse_by_code(&origin, &text)?;
            let residual = residual_codes(&origin, &text)?;
            classifications.insert(
                id.to_string(),
                Classification {
                    id: id.to_string(),
                    origin,
                    labels,
                    residual,
                },
            );
        }
        let mut country_names: BTreeMap<String, Localized> = BTreeMap::new();
        for lang in Lang::ALL {
            let rel = territories_file(lang);
            let (origin, text) = assets
                .read_text(&rel)?
                .ok_or_else(|| Error::asset(&rel, "missing CLDR territory names"))?;
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| Error::asset(&origin, format!("invalid JSON: {e}")))?;
            let territories = json["main"][lang.locale()]["localeDisplayNames"]["territories"]
                .as_object()
                .ok_or_else(|| {
                    Error::asset(
                        &origin,
                        format!("no main.{}.localeDisplayNames.territories", lang.locale()),
                    )
                })?;
            for (code, name) in territories {
                // Skip numeric regions and the "-alt-short" variants.
                if code.len() == 2
                    && code.chars().all(|c| c.is_ascii_uppercase())
                    && let Some(name) = name.as_str()
                {
                    country_names
                        .entry(code.clone())
                        .or_default()
                        .0
                        .insert(lang, name.to_string());
                }
            }
        }
        // Names as publications write them: a reviewed table over CLDR's display names
        // ("Congo - Kinshasa", "R.A.S. chinoise de Hong Kong"), then English's "&" and "St."
        // written out ("Saint Lucia", "Turks and Caicos Islands").
        if let Some((origin, text)) = assets.read_text(COUNTRY_NAMES)? {
            for (code, names) in parse_by_code(&origin, &text)? {
                for (lang, name) in names.0 {
                    if !name.trim().is_empty() {
                        country_names
                            .entry(code.clone())
                            .or_default()
                            .0
                            .insert(lang, name);
                    }
                }
            }
        }
        for names in country_names.values_mut() {
            if let Some(en) = names.0.get_mut(&Lang::En) {
                *en = en.replace(" & ", " and ").replace("St. ", "Saint ");
            }
        }
        let in_country = match assets.read_text(IN_COUNTRY)? {
            Some((origin, text)) => parse_by_code(&origin, &text)?,
            None => BTreeMap::new(),
        };
        let mut facts: BTreeMap<String, CountryFacts> = BTreeMap::new();
        // World Bank files use ISO alpha-3 codes; briefs use alpha-2.
        let alpha2_of: BTreeMap<&str, &String> = country_names
            .keys()
            .filter_map(|a2| Some((isocountry::CountryCode::for_alpha2(a2).ok()?.alpha3(), a2)))
            .collect();
        for (rel, is_population) in WORLD_BANK_FILES.into_iter().zip([true, false]) {
            let Some((origin, text)) = assets.read_text(rel)? else {
                continue;
            };
            for (alpha3, year, value) in parse_world_bank(&origin, &text)? {
                let Some(alpha2) = alpha2_of.get(alpha3.as_str()) else {
                    continue;
                };
                let entry = facts.entry((*alpha2).clone()).or_default();
                if is_population {
                    entry.populations.insert(year, value);
                }
                let slot = if is_population {
                    &mut entry.population
                } else {
                    &mut entry.gdp_usd
                };
                if slot.is_none_or(|(y, _)| y < year) {
                    *slot = Some((year, value));
                }
            }
        }
        for entry in facts.values_mut() {
            if let Some((year, gdp)) = entry.gdp_usd
                && let Some(people) = entry.populations.get(&year).filter(|p| **p > 0.0)
            {
                entry.gdp_per_head_usd = Some((year, gdp / people));
            }
        }
        let atlas = match assets.read_text(WORLD_ATLAS)? {
            Some((origin, text)) => {
                Some(crate::map::Atlas::parse(&text).map_err(|e| Error::asset(&origin, e))?)
            }
            None => None,
        };
        Ok(Reference {
            classifications,
            country_names,
            in_country,
            facts,
            atlas,
        })
    }

    /// How a sentence says "in" the country `code` in `lang`: the profile's own form first,
    /// then the shipped table.
    pub fn in_country<'a>(
        &'a self,
        code: &str,
        own: Option<&'a Localized>,
        lang: Lang,
    ) -> Option<&'a str> {
        own.and_then(|l| l.get(lang))
            .or_else(|| self.in_country.get(code).and_then(|l| l.get(lang)))
    }

    /// The label of a category code in a classification.
    /// The name of a country (upper-case code) in `lang`, from CLDR.
    pub fn country_name(&self, code: &str, lang: Lang) -> Result<&str> {
        self.country_names
            .get(code)
            .and_then(|n| n.get(lang))
            .ok_or_else(|| {
                Error::asset(
                    territories_file(lang),
                    format!("no CLDR name for country {code}"),
                )
            })
    }

    pub fn label(&self, classification: &str, code: &str, lang: Lang) -> Option<&str> {
        self.classifications
            .get(classification)?
            .labels
            .get(code)?
            .get(lang)
    }

    /// A locator map of a country (alpha-2 code) as SVG, if the atlas has its outline.
    pub fn locator_map(&self, code: &str, style: &crate::map::MapStyle) -> Option<String> {
        let numeric = isocountry::CountryCode::for_alpha2(code).ok()?.numeric_id();
        self.atlas.as_ref()?.locator_svg(numeric, style)
    }

    /// The flag of a country as SVG bytes.
    pub fn flag(assets: &Assets, code: &str) -> Result<Option<Vec<u8>>> {
        Ok(assets.read(&flag_file(code))?.map(|(_, b)| b.into_owned()))
    }

    /// The file [`Reference::in_country`] consults for `lang`: the shipped table, unless
    /// the profile's own form settles it.
    pub fn in_country_file(own: Option<&Localized>, lang: Lang) -> Option<&'static str> {
        match own.and_then(|l| l.get(lang)) {
            Some(_) => None,
            None => Some(IN_COUNTRY),
        }
    }
}

/// Rows `Country Name,Country Code,Year,Value` as (alpha-3, year, value).
fn parse_world_bank(origin: &str, text: &str) -> Result<Vec<(String, i32, f64)>, InputError> {
    let mut rows = Vec::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        let r = record.map_err(|e| InputError::new(origin, e.to_string()))?;
        let (Some(code), Some(year), Some(value)) = (r.get(1), r.get(2), r.get(3)) else {
            continue;
        };
        // An empty cell is a year the World Bank has no figure for; anything else must be
        // a positive number, or the brief would print "0 people" or "NaN".
        if value.trim().is_empty() {
            continue;
        }
        let line = r.position().map(|p| p.line() as usize);
        match (year.parse(), value.trim().parse::<f64>()) {
            (Ok(year), Ok(value)) if value.is_finite() && value > 0.0 => {
                rows.push((code.to_string(), year, value));
            }
            _ => {
                return Err(InputError::new(
                    origin,
                    format!("expected a year and a positive number, found `{year}` and `{value}`"),
                )
                .at(line, None));
            }
        }
    }
    Ok(rows)
}

/// The codes of a classification table whose optional `residual` column says `yes`.
fn residual_codes(
    origin: &str,
    text: &str,
) -> Result<std::collections::BTreeSet<String>, InputError> {
    #[derive(serde::Deserialize)]
    struct Row {
        code: String,
        #[serde(default)]
        residual: String,
    }
    let mut codes = std::collections::BTreeSet::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for row in reader.deserialize::<Row>() {
        let row = row.map_err(|e| {
            InputError::new(origin, e.to_string()).at(e.position().map(|p| p.line() as usize), None)
        })?;
        match row.residual.trim() {
            "yes" => {
                codes.insert(row.code);
            }
            "" | "no" => {}
            other => {
                return Err(InputError::new(
                    origin,
                    format!(
                        "residual: expected `yes`, `no` or nothing for {}, found `{}`",
                        row.code,
                        crate::limits::quote(other)
                    ),
                ));
            }
        }
    }
    Ok(codes)
}

/// A `code,fr,nl,en` table.
fn parse_by_code(origin: &str, text: &str) -> Result<BTreeMap<String, Localized>, InputError> {
    #[derive(serde::Deserialize)]
    struct Row {
        code: String,
        fr: String,
        nl: String,
        en: String,
    }
    let mut labels = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for row in reader.deserialize::<Row>() {
        let row = row.map_err(|e| {
            InputError::new(origin, e.to_string()).at(e.position().map(|p| p.line() as usize), None)
        })?;
        let mut l = Localized::default();
        l.0.insert(Lang::Fr, row.fr);
        l.0.insert(Lang::Nl, row.nl);
        l.0.insert(Lang::En, row.en);
        labels.insert(row.code, l);
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_names_and_in_forms_are_those_of_publications() {
        let reference = Reference::load(&Assets::embedded()).unwrap();
        let expected = [
            (
                "CD",
                [
                    "République démocratique du Congo",
                    "Democratische Republiek Congo",
                    "Democratic Republic of the Congo",
                ],
            ),
            (
                "CG",
                [
                    "République du Congo",
                    "Republiek Congo",
                    "Republic of the Congo",
                ],
            ),
            ("HK", ["Hong Kong", "Hongkong", "Hong Kong"]),
            ("MO", ["Macao", "Macau", "Macao"]),
            (
                "BA",
                [
                    "Bosnie-Herzégovine",
                    "Bosnië en Herzegovina",
                    "Bosnia and Herzegovina",
                ],
            ),
            (
                "VC",
                [
                    "Saint-Vincent-et-les-Grenadines",
                    "Saint Vincent en de Grenadines",
                    "Saint Vincent and the Grenadines",
                ],
            ),
            (
                "KN",
                [
                    "Saint-Christophe-et-Niévès",
                    "Saint Kitts en Nevis",
                    "Saint Kitts and Nevis",
                ],
            ),
            (
                "TT",
                [
                    "Trinité-et-Tobago",
                    "Trinidad en Tobago",
                    "Trinidad and Tobago",
                ],
            ),
            (
                "AG",
                [
                    "Antigua-et-Barbuda",
                    "Antigua en Barbuda",
                    "Antigua and Barbuda",
                ],
            ),
            (
                "ST",
                [
                    "Sao Tomé-et-Principe",
                    "Sao Tomé en Principe",
                    "São Tomé and Príncipe",
                ],
            ),
            ("PS", ["Palestine", "Palestina", "Palestine"]),
        ];
        for (code, names) in expected {
            for (lang, name) in Lang::ALL.into_iter().zip(names) {
                assert_eq!(
                    reference.country_name(code, lang).unwrap(),
                    name,
                    "{code} {lang}"
                );
                let form = reference.in_country(code, None, lang).unwrap();
                assert!(
                    form.ends_with(name),
                    "{code} {lang}: “{form}” does not name {name}"
                );
            }
        }
        // No display-name conventions left in any name a brief can print.
        for (code, names) in &reference.country_names {
            for (lang, name) in &names.0 {
                if reference.in_country.contains_key(code) {
                    for bad in [" & ", " - ", "St. ", "R.A.S.", "SAR "] {
                        assert!(!name.contains(bad), "{code} {lang}: {name}");
                    }
                }
            }
        }
    }

    #[test]
    fn world_bank_values_are_positive_numbers() {
        let ok = "name,code,year,value\nCanada,CAN,2024,41288599\nCanada,CAN,2023,\n";
        assert_eq!(super::parse_world_bank("p.csv", ok).unwrap().len(), 1);
        for bad in ["NaN", "inf", "-5", "0", "lots"] {
            let text = format!("name,code,year,value\nCanada,CAN,2024,{bad}\n");
            let err = super::parse_world_bank("p.csv", &text).unwrap_err();
            assert_eq!(err.line, Some(2), "{bad}");
        }
    }

    fn reference() -> Reference {
        Reference::load(&Assets::embedded()).unwrap()
    }

    #[test]
    fn in_country_forms_follow_each_language() {
        let r = reference();
        let forms =
            |code: &str| Lang::ALL.map(|lang| r.in_country(code, None, lang).unwrap().to_string());
        assert_eq!(forms("CA"), ["au Canada", "in Canada", "in Canada"]);
        assert_eq!(
            forms("US"),
            [
                "aux États-Unis",
                "in de Verenigde Staten",
                "in the United States"
            ]
        );
        assert_eq!(forms("DE"), ["en Allemagne", "in Duitsland", "in Germany"]);
        assert_eq!(forms("MX"), ["au Mexique", "in Mexico", "in Mexico"]);
        assert_eq!(forms("IR"), ["en Iran", "in Iran", "in Iran"]);
        assert_eq!(forms("SG"), ["à Singapour", "in Singapore", "in Singapore"]);
        assert_eq!(
            forms("GB"),
            [
                "au Royaume-Uni",
                "in het Verenigd Koninkrijk",
                "in the United Kingdom"
            ]
        );
        // Every row has all three languages, each a preposition then the name.
        for (code, row) in &r.in_country {
            assert!(
                r.country_names.contains_key(code),
                "{code}: not a CLDR code"
            );
            for lang in Lang::ALL {
                let form = row.get(lang).unwrap_or_else(|| panic!("{code} {lang}"));
                let ok = match lang {
                    Lang::Fr => ["au ", "aux ", "en ", "à ", "dans "]
                        .iter()
                        .any(|p| form.starts_with(p)),
                    Lang::Nl | Lang::En => form.starts_with("in "),
                };
                assert!(ok, "{code} {lang}: `{form}`");
            }
        }
    }

    #[test]
    fn a_profile_form_wins_over_the_table() {
        let r = reference();
        let mut own = Localized::default();
        own.0.insert(Lang::Fr, "en terre canadienne".into());
        assert_eq!(
            r.in_country("CA", Some(&own), Lang::Fr),
            Some("en terre canadienne")
        );
        // Languages the profile leaves out still come from the table.
        assert_eq!(r.in_country("CA", Some(&own), Lang::Nl), Some("in Canada"));
        assert_eq!(r.in_country("GL", None, Lang::En), None, "no territories");
    }
}
