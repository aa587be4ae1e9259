//! Trade datasets: a tidy CSV (one observation per row) beside a YAML metadata file.
//!
//! `data/datasets/<id>.csv` has the columns
//! `reporter,partner,flow,period,product,value_eur,status`, and `data/datasets/<id>.yaml`
//! says where the figures come from. The layout follows Eurostat's SDMX-CSV so that a
//! Comext, National Bank of Belgium or IBSA extract converts into it without loss.

mod coverage;
mod csv_file;
mod metadata;
pub use coverage::ProductCoverage;
pub use csv_file::{CsvRow, read_csv, write_csv};
pub use metadata::{Classifications, Licence, Metadata, Publication};

use crate::error::InputError;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The columns of a dataset CSV, in order.
pub const COLUMNS: [&str; 7] = [
    "reporter",
    "partner",
    "flow",
    "period",
    "product",
    "value_eur",
    "status",
];

/// The product code of a flow's total over all categories.
pub const TOTAL: &str = "TOTAL";

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    Export,
    Import,
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Export => "export",
            Flow::Import => "import",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Goods,
    Services,
}

/// How trustworthy an observation is; anything but `illustrative` is real.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// An official statistic as released by the source.
    Reported,
    /// A figure quoted in a publication (see the dataset's `publications`).
    Published,
    /// Computed from published facts (e.g. a level from a published growth rate).
    Derived,
    /// Synthetic sample data, not a real figure.
    Illustrative,
}

impl Status {
    /// As written in a dataset's `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::Published => "published",
            Status::Derived => "derived",
            Status::Illustrative => "illustrative",
        }
    }
}

/// A reference period: a year, a quarter or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected a period as YYYY, YYYY-Qn or YYYY-MM, found `{s}`");
        let year = |y: &str| -> Result<i32, String> {
            if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) {
                let year: i32 = y.parse().map_err(|_| bad())?;
                // No trade statistic a brief quotes goes back this far: a typing slip
                // (1800 for 2018) that would stretch every chart over centuries.
                if year < FIRST_YEAR {
                    return Err(format!(
                        "expected a year from {FIRST_YEAR} on, found `{s}`: check the period"
                    ));
                }
                Ok(year)
            } else {
                Err(bad())
            }
        };
        if let Some((y, q)) = s.split_once("-Q") {
            let q: u8 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            return Ok(Period::Quarter(year(y)?, q));
        }
        if let Some((y, m)) = s.split_once('-') {
            let m: u8 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) || s.len() != 7 {
                return Err(bad());
            }
            return Ok(Period::Month(year(y)?, m));
        }
        Ok(Period::Year(year(s)?))
    }
}

impl Period {
    /// Whether `other` lies within this period (a period contains itself).
    pub fn contains(self, other: Period) -> bool {
        match (self, other) {
            (a, b) if a == b => true,
            (Period::Year(y), Period::Quarter(oy, _) | Period::Month(oy, _)) => y == oy,
            (Period::Quarter(y, q), Period::Month(oy, m)) => y == oy && (m - 1) / 3 + 1 == q,
            _ => false,
        }
    }
}

/// Written as in the datasets: `2024`, `2024-Q3`, `2024-11`.
impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

/// The key of one observation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObsKey {
    pub reporter: String,
    pub partner: String,
    pub flow: Flow,
    pub period: Period,
    pub product: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub value_eur: f64,
    pub status: Status,
    /// The row's line in the CSV file, for messages.
    pub line: usize,
}

/// The earliest year a dataset row may hold.
pub const FIRST_YEAR: i32 = 1950;

/// The largest amount a dataset row may hold: EUR 10^15, a thousand times world trade.
pub const MAX_VALUE_EUR: f64 = 1e15;

/// How far the categories of a flow may add up above its total (rounding in the source).
pub const COMPONENT_TOLERANCE: f64 = 0.005;

/// A loaded dataset.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The file stem: `bru-goods`.
    pub id: String,
    pub csv_path: PathBuf,
    pub meta_path: PathBuf,
    pub meta: Metadata,
    pub observations: BTreeMap<ObsKey, Observation>,
    /// The months each reporter, partner and flow has rows for, worked out once.
    pub coverage: Coverage,
}

/// The months a file or dataset has rows for, by year, per reporter, partner and flow.
/// Coverage is a property of each partner's series, not of the file: Eurostat publishes
/// extra-EU trade before intra-EU trade.
pub type Coverage = BTreeMap<(String, String, Flow), BTreeMap<i32, BTreeSet<u8>>>;

impl Dataset {
    /// Parses a dataset from its metadata and CSV text; reports every bad row.
    pub fn parse(
        id: &str,
        meta_path: &Path,
        meta_text: &str,
        csv_path: &Path,
        csv_text: &str,
    ) -> Result<Dataset, Vec<InputError>> {
        match Self::parse_lenient(id, meta_path, meta_text, csv_path, csv_text) {
            (Some(dataset), errors) if errors.is_empty() => Ok(dataset),
            (_, errors) => Err(errors),
        }
    }

    /// Like [`Dataset::parse`], but keeps the good rows beside the errors, so that checks
    /// of the profiles that use the dataset still make sense. `None` when the metadata or
    /// the header cannot be read.
    pub fn parse_lenient(
        id: &str,
        meta_path: &Path,
        meta_text: &str,
        csv_path: &Path,
        csv_text: &str,
    ) -> (Option<Dataset>, Vec<InputError>) {
        match Self::parse_rows(id, meta_path, meta_text, csv_path, csv_text) {
            Ok((dataset, errors)) => (Some(dataset), errors),
            Err(errors) => (None, errors),
        }
    }

    fn parse_rows(
        id: &str,
        meta_path: &Path,
        meta_text: &str,
        csv_path: &Path,
        csv_text: &str,
    ) -> Result<(Dataset, Vec<InputError>), Vec<InputError>> {
        let meta: Metadata = InputError::parse_yaml(meta_path, meta_text).map_err(|e| vec![e])?;
        if let Some(expected) = &meta.csv_sha256
            && *expected != crate::deps::sha256(csv_text.as_bytes())
        {
            let (line, column) = crate::source::locate(meta_text, "csv_sha256");
            return Err(vec![
                InputError::new(
                    meta_path,
                    format!(
                        "{} is not the CSV this metadata was written with: an import stopped between the two files, \
                         or the CSV was edited since; run the import again (it repairs the pair), or remove this line to keep an edit",
                        csv_path.display()
                    ),
                )
                .at(line, column)
                .field("csv_sha256"),
            ]);
        }
        let (observations, mut errors) = read_csv(csv_path, csv_text)?;
        let any_illustrative = observations
            .values()
            .any(|o| o.status == Status::Illustrative);
        for (field, empty) in [
            ("url", meta.url.trim().is_empty()),
            (
                "licence",
                matches!(&meta.licence, Licence::Name(name) if name.trim().is_empty()),
            ),
        ] {
            if empty {
                errors.push(
                    InputError::new(
                        meta_path,
                        format!("expected the dataset's {field}, found nothing"),
                    )
                    .field(field),
                );
            }
        }
        // A period that had not ended at the dataset's last update cannot have a final
        // value in it: a row for 2025 in a file updated in July 2025 would print "Key
        // figures 2025 … −38 % on 2024" from seven months (and a slip such as 2030 would
        // headline a 2025 edition). A month, quarter or year has ended when the update is
        // dated after its last month.
        let updated = (meta.last_update.year, meta.last_update.month);
        for (key, obs) in &observations {
            let ends = match key.period {
                Period::Year(y) => (y, 12),
                Period::Quarter(y, q) => (y, q * 3),
                Period::Month(y, m) => (y, m),
            };
            if ends >= updated {
                let (what, fix) = match key.period {
                    Period::Year(_) => ("year", "give the months that had ended as YYYY-MM rows, "),
                    Period::Quarter(..) => (
                        "quarter",
                        "give the months that had ended as YYYY-MM rows, ",
                    ),
                    Period::Month(..) => ("month", ""),
                };
                errors.push(
                    InputError::new(
                        csv_path,
                        format!(
                            "the {what} `{}` had not ended at the dataset's last update ({}): its value is not final; \
                             remove the row, {fix}or check `last_update`",
                            key.period, meta.last_update
                        ),
                    )
                    .at(Some(obs.line), None)
                    .field("period"),
                );
            }
        }
        if any_illustrative && !meta.illustrative {
            errors.push(
                InputError::new(
                    meta_path,
                    "the dataset has rows with status `illustrative`, so `illustrative` must be true",
                )
                .field("illustrative"),
            );
        }
        if observations.is_empty() && errors.is_empty() {
            errors.push(InputError::new(csv_path, "the dataset has no rows"));
        }
        let mut coverage = Coverage::new();
        for key in observations.keys() {
            if let Period::Month(y, m) = key.period {
                coverage
                    .entry((key.reporter.clone(), key.partner.clone(), key.flow))
                    .or_default()
                    .entry(y)
                    .or_default()
                    .insert(m);
            }
        }
        let dataset = Dataset {
            id: id.to_string(),
            csv_path: csv_path.to_path_buf(),
            meta_path: meta_path.to_path_buf(),
            meta,
            observations,
            coverage,
        };
        Ok((dataset, errors))
    }

    /// Every observation of one reporter, partner and flow, in period then product order.
    /// A range of the sorted rows, not a scan of the whole dataset: briefs read many series.
    pub fn series<'a>(
        &'a self,
        reporter: &'a str,
        partner: &'a str,
        flow: Flow,
    ) -> impl Iterator<Item = (&'a ObsKey, &'a Observation)> + 'a {
        let start = ObsKey {
            reporter: reporter.to_string(),
            partner: partner.to_string(),
            flow,
            // The smallest period: variants order Year < Quarter < Month.
            period: Period::Year(i32::MIN),
            product: String::new(),
        };
        self.observations.range(start..).take_while(move |(k, _)| {
            k.reporter == reporter && k.partner == partner && k.flow == flow
        })
    }

    /// The months one reporter, partner and flow has rows for in `year`.
    pub fn months(&self, reporter: &str, partner: &str, flow: Flow, year: i32) -> BTreeSet<u8> {
        self.coverage
            .get(&(reporter.to_string(), partner.to_string(), flow))
            .and_then(|years| years.get(&year))
            .cloned()
            .unwrap_or_default()
    }

    /// The observation for a key, if any.
    pub fn get(&self, key: &ObsKey) -> Option<&Observation> {
        self.observations.get(key)
    }

    /// The years covered by the rows, as (first, last).
    pub fn year_span(&self) -> Option<(i32, i32)> {
        let years = self.observations.keys().filter_map(|k| match k.period {
            Period::Year(y) => Some(y),
            _ => None,
        });
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        for y in years {
            lo = lo.min(y);
            hi = hi.max(y);
        }
        (lo <= hi).then_some((lo, hi))
    }

    /// The categories of one flow and period that add up to more than its `TOTAL` row, level
    /// by level: `level_of` names the classification of a product code (`None`: unknown code,
    /// reported elsewhere).
    pub fn categories_over_total<'a>(
        &'a self,
        level_of: impl Fn(&str) -> Option<&'a str>,
    ) -> Vec<InputError> {
        let mut sums: BTreeMap<(&str, &str, Flow, Period, &str), f64> = BTreeMap::new();
        for (k, o) in &self.observations {
            if k.product == TOTAL {
                continue;
            }
            if let Some(level) = level_of(&k.product) {
                *sums
                    .entry((&k.reporter, &k.partner, k.flow, k.period, level))
                    .or_default() += o.value_eur;
            }
        }
        let mut errors = Vec::new();
        for ((reporter, partner, flow, period, level), sum) in sums {
            let key = ObsKey {
                reporter: reporter.to_string(),
                partner: partner.to_string(),
                flow,
                period,
                product: TOTAL.to_string(),
            };
            if let Some(total) = self.observations.get(&key)
                && sum > total.value_eur * (1.0 + COMPONENT_TOLERANCE) + 1.0
            {
                errors.push(
                    InputError::new(
                        &self.csv_path,
                        format!(
                            "the {level} categories of {reporter} {partner} {} {period} add up to {sum:.0} EUR, more than their TOTAL of {:.0} EUR",
                            flow.as_str(),
                            total.value_eur
                        ),
                    )
                    .at(Some(total.line), None)
                    .field("value_eur"),
                );
            }
        }
        errors
    }
}

/// A dataset's observations, by key.
pub type Observations = BTreeMap<ObsKey, Observation>;

/// The dataset with this id among `datasets`.
pub fn by_id<'d>(datasets: &'d [Dataset], id: &str) -> Option<&'d Dataset> {
    datasets.iter().find(|d| d.id == id)
}

#[cfg(test)]
mod tests;
