//! A dataset's metadata file (`data/datasets/<id>.yaml`): what the figures are, who
//! publishes them, under which licence, and which products they cover.

use super::{Kind, Period, ProductCoverage, coverage};
use crate::profile::{Date, Localized};
use serde::Deserialize;
use std::fmt;

/// What a dataset is and where it comes from.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// The dataset's title, as the sources list it.
    pub title: Localized,
    /// What it counts: `goods` or `services`.
    pub kind: Kind,
    /// The classification of the `product` column (`hs-section`, `ebops-2010`), or a list of
    /// them when the dataset holds several levels (`[hs-section, cn-chapter]`).
    pub classification: Classifications,
    /// Who publishes the figures.
    pub source: Localized,
    /// Where the figures are published (https://…).
    pub url: String,
    /// A licence name ("CC BY 4.0"), or a text per language.
    pub licence: Licence,
    /// What the figures measure (regional or national concept, valuation…).
    pub concept: Localized,
    /// When the source last updated the figures.
    pub last_update: Date,
    /// Whether the dataset holds illustrative (synthetic) rows: must match the rows.
    pub illustrative: bool,
    /// One of the example datasets `marketbrief init` writes, to be replaced: distinct from
    /// `illustrative`, which a project may keep on purpose. A brief that prints a number
    /// from it beside the project's own datasets is warned about.
    #[serde(default)]
    pub example: bool,
    /// Publications quoted by `published` and `derived` rows.
    #[serde(default)]
    pub publications: Vec<Publication>,
    /// The source's own id of the dataset (`DS-045409`).
    #[serde(default)]
    #[schemars(schema_with = "crate::vocab::schema::optional_text_or_number")]
    pub dataset_id: Option<String>,
    /// Which products the dataset covers: `all` (the default), or the products of an
    /// extract. Over a list, its TOTAL rows are the covered products' sum, and briefs print
    /// them only in a table titled with what it covers.
    #[serde(default)]
    #[schemars(schema_with = "coverage::schema")]
    pub coverage: ProductCoverage,
    /// Written by an import: the SHA-256 of the CSV written with this file. The two files
    /// are replaced one after the other; a CSV that does not match is the half of a pair an
    /// import did not finish (or a CSV edited since), named, and repaired by the next import.
    #[serde(default)]
    pub csv_sha256: Option<String>,
}

/// A publication that `published` or `derived` rows quote, and which of them: a brief cites
/// it only when it prints a figure from one of those rows.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// The publication's title, as cited.
    pub title: Localized,
    /// Where to read it (https://…).
    pub url: String,
    /// Publication or consultation date.
    #[serde(default)]
    pub date: Option<Date>,
    /// The partners whose rows quote it (`[CA, MX]`); all of them when absent.
    #[serde(default)]
    pub partners: Vec<String>,
    /// The periods whose rows quote it (`[2024, 2023]`); all of them when absent.
    #[serde(default, deserialize_with = "periods")]
    #[schemars(schema_with = "crate::vocab::schema::periods")]
    pub periods: Vec<Period>,
}

impl Publication {
    /// Whether the row of `partner` and `period` quotes it: a listed year covers its
    /// quarters and months, a listed quarter its months.
    pub fn quoted_by(&self, partner: &str, period: Period) -> bool {
        (self.partners.is_empty() || self.partners.iter().any(|p| p == partner))
            && (self.periods.is_empty() || self.periods.iter().any(|p| p.contains(period)))
    }
}

/// Periods written as YAML numbers (`2024`) or strings (`2024-Q3`).
fn periods<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Period>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Year(i32),
        Text(String),
    }
    Vec::<Written>::deserialize(d)?
        .into_iter()
        .map(|w| match w {
            Written::Year(y) => y.to_string().parse(),
            Written::Text(t) => t.parse(),
        })
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

/// The classification ids of a dataset, main one first: its categories make the breakdown
/// chart; the others are finer levels of the same totals (CN chapters under HS sections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classifications(pub Vec<String>);

impl Classifications {
    /// The main classification.
    pub fn main(&self) -> &str {
        &self.0[0]
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|c| c == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl schemars::JsonSchema for Classifications {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Classifications".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let id =
            schemars::json_schema!({"type": "string", "enum": crate::reference::CLASSIFICATIONS});
        schemars::json_schema!({
            "description": "A classification id, or a list of them with the main one first.",
            "anyOf": [id, {"type": "array", "items": id, "minItems": 1}]
        })
    }
}

impl<'de> Deserialize<'de> for Classifications {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        let ids = match OneOrMany::deserialize(d)? {
            OneOrMany::One(id) => vec![id],
            OneOrMany::Many(ids) => ids,
        };
        if ids.is_empty() {
            return Err(serde::de::Error::custom(
                "expected a classification id or a list of them, found an empty list",
            ));
        }
        Ok(Classifications(ids))
    }
}

impl fmt::Display for Classifications {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => f.write_str(one),
            many => write!(f, "[{}]", many.join(", ")),
        }
    }
}

/// A licence: a name that reads the same in every language, or a text per language.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Licence {
    Name(String),
    Text(Localized),
}
