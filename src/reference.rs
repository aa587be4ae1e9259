//! Reference data: classification labels (HS sections, EBOPS 2010), country names from
//! CLDR and flags. Embedded defaults, overridable by the project (see [`crate::assets`]).

use crate::assets::Assets;
use crate::error::InputError;
use crate::i18n::Lang;
use crate::profile::Localized;
use anyhow::{Context, Result};
use std::collections::BTreeMap;

/// Labels of one classification, by code.
#[derive(Debug, Clone)]
pub struct Classification {
    pub id: String,
    pub origin: String,
    pub labels: BTreeMap<String, Localized>,
}

/// All reference data a brief needs.
#[derive(Debug, Clone)]
pub struct Reference {
    pub classifications: BTreeMap<String, Classification>,
    /// Country names by upper-case alpha-2 code, per language (CLDR).
    pub country_names: BTreeMap<String, Localized>,
}

/// The classifications shipped, by the id datasets use in their metadata.
pub const CLASSIFICATIONS: [&str; 2] = ["hs-section", "ebops-2010"];

impl Reference {
    pub fn load(assets: &Assets) -> Result<Reference> {
        let mut classifications = BTreeMap::new();
        for id in CLASSIFICATIONS {
            let rel = format!("data/classifications/{id}.csv");
            let (origin, text) = assets
                .read_text(&rel)?
                .with_context(|| format!("missing classification file {rel}"))?;
            let labels = parse_classification(&origin, &text)?;
            classifications.insert(
                id.to_string(),
                Classification {
                    id: id.to_string(),
                    origin,
                    labels,
                },
            );
        }
        let mut country_names: BTreeMap<String, Localized> = BTreeMap::new();
        for lang in Lang::ALL {
            let rel = format!("data/reference/cldr/territories.{}.json", lang.locale());
            let (origin, text) = assets
                .read_text(&rel)?
                .with_context(|| format!("missing CLDR territory names {rel}"))?;
            let json: serde_json::Value =
                serde_json::from_str(&text).with_context(|| format!("{origin}: invalid JSON"))?;
            let territories = json["main"][lang.locale()]["localeDisplayNames"]["territories"]
                .as_object()
                .with_context(|| {
                    format!(
                        "{origin}: no main.{}.localeDisplayNames.territories",
                        lang.locale()
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
        Ok(Reference {
            classifications,
            country_names,
        })
    }

    /// The label of a category code in a classification.
    pub fn label(&self, classification: &str, code: &str, lang: Lang) -> Option<&str> {
        self.classifications
            .get(classification)?
            .labels
            .get(code)?
            .get(lang)
    }

    /// The flag of a country as SVG bytes.
    pub fn flag(assets: &Assets, code: &str) -> Result<Option<Vec<u8>>> {
        let rel = format!("data/reference/flags/{}.svg", code.to_ascii_uppercase());
        Ok(assets.read(&rel)?.map(|(_, b)| b.into_owned()))
    }
}

fn parse_classification(
    origin: &str,
    text: &str,
) -> Result<BTreeMap<String, Localized>, InputError> {
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
