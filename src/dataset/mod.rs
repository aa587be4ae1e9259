//! Trade datasets: a tidy CSV (one observation per row) beside a YAML metadata file.
//!
//! `data/datasets/<id>.csv` has the columns
//! `reporter,partner,flow,period,product,value_eur,status`, and `data/datasets/<id>.yaml`
//! says where the figures come from. The layout follows Eurostat's SDMX-CSV so that a
//! Comext, National Bank of Belgium or IBSA extract converts into it without loss.

mod coverage;
pub use coverage::ProductCoverage;

use crate::error::InputError;
use crate::profile::{Date, Localized};
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

#[derive(Debug, Clone, Deserialize)]
struct Row {
    reporter: String,
    partner: String,
    flow: String,
    period: String,
    product: String,
    value_eur: String,
    status: String,
}

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

/// Reads a dataset's CSV: every observation with its line, and every bad row located (file,
/// line, column name), all at once. A wrong header is an error on its own. The one reader
/// of dataset files, for loading and for imports that merge into a dataset.
pub fn read_csv(
    csv_path: &Path,
    csv_text: &str,
) -> Result<(Observations, Vec<InputError>), Vec<InputError>> {
    let mut errors = Vec::new();
    let mut observations = BTreeMap::new();
    // The csv reader's line numbers run short on CR LF files: with LF only, every row's
    // line is the one an editor shows.
    let csv_text: std::borrow::Cow<str> = if csv_text.contains('\r') {
        csv_text.replace("\r\n", "\n").into()
    } else {
        csv_text.into()
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let expected = COLUMNS;
    match reader.headers() {
        Ok(headers) => {
            let found: Vec<&str> = headers.iter().collect();
            if found != expected {
                return Err(vec![
                    InputError::new(
                        csv_path,
                        format!(
                            "expected the header `{}`, found `{}`",
                            expected.join(","),
                            found.join(",")
                        ),
                    )
                    .at(Some(1), None),
                ]);
            }
        }
        Err(e) => return Err(vec![InputError::new(csv_path, e.to_string())]),
    }
    let headers = reader.headers().cloned().unwrap_or_default();
    let lines: Vec<&str> = csv_text.lines().collect();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                errors.push(InputError::new(csv_path, csv_message(&e)).at(line, None));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = crate::source::record_line(
            &lines,
            record.position().map(|p| p.line() as usize).unwrap_or(0),
        );
        let row: Row = match record.deserialize(Some(&headers)) {
            Ok(row) => row,
            Err(e) => {
                errors.push(InputError::new(csv_path, csv_message(&e)).at(Some(line), None));
                continue;
            }
        };
        let err = |field: &str, msg: String| {
            InputError::new(csv_path, msg)
                .at(Some(line), None)
                .field(field)
        };
        let flow = match row.flow.as_str() {
            "export" => Flow::Export,
            "import" => Flow::Import,
            other => {
                errors.push(err(
                    "flow",
                    format!("expected `export` or `import`, found `{other}`"),
                ));
                continue;
            }
        };
        let period = match row.period.parse::<Period>() {
            Ok(p) => p,
            Err(msg) => {
                errors.push(err("period", msg));
                continue;
            }
        };
        let value_eur = match row.value_eur.parse::<f64>() {
            // Above a thousand thousand billion euros no trade figure is true: a slip
            // of the decimal mark or the unit, which would overflow the cards.
            Ok(v) if v.is_finite() && v >= MAX_VALUE_EUR => {
                errors.push(err(
                    "value_eur",
                    format!(
                        "expected an amount in euros below 10^15, found `{}`: check the unit and the decimal mark",
                        row.value_eur
                    ),
                ));
                continue;
            }
            // `-0` is 0 (recorded and printed as "-0" otherwise).
            Ok(v) if v.is_finite() && v >= 0.0 => v + 0.0,
            _ => {
                errors.push(err(
                    "value_eur",
                    format!(
                        "expected a non-negative amount in euros, found `{}`",
                        row.value_eur
                    ),
                ));
                continue;
            }
        };
        let status = match row.status.as_str() {
            "reported" => Status::Reported,
            "published" => Status::Published,
            "derived" => Status::Derived,
            "illustrative" => Status::Illustrative,
            other => {
                errors.push(err(
                    "status",
                    format!(
                        "expected reported, published, derived or illustrative, found `{other}`"
                    ),
                ));
                continue;
            }
        };
        for (field, value) in [
            ("reporter", &row.reporter),
            ("partner", &row.partner),
            ("product", &row.product),
        ] {
            if value.is_empty() {
                errors.push(err(field, "expected a code, found an empty cell".into()));
            }
        }
        let key = ObsKey {
            reporter: row.reporter,
            partner: row.partner,
            flow,
            period,
            product: row.product,
        };
        if observations
            .insert(
                key.clone(),
                Observation {
                    value_eur,
                    status,
                    line,
                },
            )
            .is_some()
        {
            errors.push(err(
                "period",
                format!(
                    "duplicated observation: {} {} {} {} {} appears more than once",
                    key.reporter, key.partner, row.flow, key.period, key.product
                ),
            ));
        }
    }
    Ok((observations, errors))
}

/// One row of a dataset CSV, as imports write it.
pub struct CsvRow<'a> {
    pub reporter: &'a str,
    pub partner: &'a str,
    pub flow: Flow,
    pub period: Period,
    pub product: &'a str,
    pub value_eur: f64,
    pub status: &'a str,
}

/// Writes rows as a dataset CSV, with its header, each cell quoted where it needs it (a
/// partner name with a comma). The one writer of dataset files.
pub fn write_csv<'a>(rows: impl IntoIterator<Item = CsvRow<'a>>) -> Result<String, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for row in rows {
        writer.write_record([
            row.reporter,
            row.partner,
            row.flow.as_str(),
            &row.period.to_string(),
            row.product,
            &row.value_eur.to_string(),
            row.status,
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    // Every cell was a `str`: the bytes are UTF-8.
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e).into())
}

/// The dataset with this id among `datasets`.
pub fn by_id<'d>(datasets: &'d [Dataset], id: &str) -> Option<&'d Dataset> {
    datasets.iter().find(|d| d.id == id)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} columns, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests;
