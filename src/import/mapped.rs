//! Importing any CSV extract — National Bank of Belgium, IBSA, a generic spreadsheet export —
//! through a mapping file that says how to read it: separator, decimal and thousands marks,
//! which column holds what, the file's flow codes and period format, the unit of its values.

use crate::dataset::{Flow, Period, TOTAL};
use crate::error::InputError;
use crate::error::{IoResultExt, Result};
use crate::import::{Coverage, Rows, completed_by};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A mapping file (`--mapping FILE.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The column separator: `,` (default), `;` or `\t`.
    #[serde(default = "comma")]
    pub delimiter: String,
    /// The decimal mark of values: `.` (default) or `,`.
    #[serde(default = "dot")]
    pub decimal: String,
    /// Thousands separators to ignore in values (`.`, ` `, `'`…).
    #[serde(default)]
    pub thousands: Option<String>,
    /// Lines to skip before the header line (titles some exports put first).
    #[serde(default)]
    pub skip_lines: usize,
    /// Which column (by header name) holds each field.
    pub columns: Columns,
    /// Values for fields the file has no column for (e.g. `reporter: BE-BRU`).
    #[serde(default)]
    pub constants: BTreeMap<String, String>,
    /// The file's flow codes: `{X: export, M: import}`.
    #[serde(default)]
    pub flows: BTreeMap<String, Flow>,
    /// The file's product codes: `hs-section` (as is, `TOTAL` for the total), `cn8` (rolled
    /// up to HS sections and CN chapters), or a table from the file's codes to ours.
    #[serde(default)]
    pub products: Products,
    /// What one unit of the file's values is worth in euros (1000 for "thousands of euros").
    #[serde(default = "one")]
    pub unit: f64,
    /// The status of every imported row.
    #[serde(default = "reported")]
    pub status: String,
    /// The dataset's metadata, written beside it (title, kind, source, licence…).
    pub metadata: serde_yaml::Value,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    #[serde(default)]
    pub reporter: Option<String>,
    #[serde(default)]
    pub partner: Option<String>,
    #[serde(default)]
    pub flow: Option<String>,
    pub period: String,
    #[serde(default)]
    pub product: Option<String>,
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "ProductsSpec")]
pub enum Products {
    #[default]
    HsSection,
    Cn8,
    Table(BTreeMap<String, String>),
}

/// How `products:` is written: a name, or `table: {file code: our code}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ProductsSpec {
    Name(String),
    Table { table: BTreeMap<String, String> },
}

impl TryFrom<ProductsSpec> for Products {
    type Error = String;
    fn try_from(spec: ProductsSpec) -> Result<Self, Self::Error> {
        match spec {
            ProductsSpec::Name(name) => match name.as_str() {
                "hs-section" => Ok(Products::HsSection),
                "cn8" => Ok(Products::Cn8),
                other => Err(format!(
                    "expected hs-section, cn8 or a table, found `{other}`"
                )),
            },
            ProductsSpec::Table { table } => Ok(Products::Table(table)),
        }
    }
}

fn comma() -> String {
    ",".into()
}
fn dot() -> String {
    ".".into()
}
fn one() -> f64 {
    1.0
}
fn reported() -> String {
    "reported".into()
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping> {
        let text = crate::limits::read_to_string(path).io("read", path)?;
        let mapping: Mapping = InputError::parse_yaml(path, &text)?;
        if mapping.delimiter.len() != 1 && mapping.delimiter != "\\t" {
            return Err(InputError::new(
                path,
                format!("must be one character, found `{}`", mapping.delimiter),
            )
            .field("delimiter")
            .into());
        }
        Ok(mapping)
    }

    fn delimiter_byte(&self) -> u8 {
        if self.delimiter == "\\t" {
            b'\t'
        } else {
            self.delimiter.as_bytes()[0]
        }
    }

    /// A value as the file writes it ("1.234,5") in euros.
    pub fn value(&self, text: &str) -> Option<f64> {
        let mut t: String = text
            .trim()
            .chars()
            .filter(|c| *c != '\u{A0}' && *c != '\u{202F}')
            .collect();
        if let Some(thousands) = &self.thousands {
            t = t.replace(thousands.as_str(), "");
        }
        if self.decimal == "," {
            t = t.replace(',', ".");
        }
        let v: f64 = t.parse().ok()?;
        (v.is_finite() && v >= 0.0).then_some(v * self.unit)
    }
}

/// Reads a period in the usual spellings: `2024`, `2024-Q3`, `2024Q3`, `2024T3` (trimestre),
/// `2024K3` (kwartaal), `2024-11`, `2024M11`, `11/2024`.
pub fn period(text: &str) -> Option<Period> {
    let t = text.trim();
    // Every spelling below is ASCII; slicing other text by bytes could split a character.
    if !t.is_ascii() {
        return None;
    }
    if let Ok(p) = t.parse::<Period>() {
        return Some(p);
    }
    if let Some((m, y)) = t.split_once('/') {
        return format!("{y}-{:0>2}", m).parse().ok();
    }
    if t.len() == 6 {
        let (y, rest) = t.split_at(4);
        let (kind, n) = rest.split_at(1);
        return match kind {
            "Q" | "T" | "K" | "q" | "t" | "k" => format!("{y}-Q{n}").parse().ok(),
            _ => None,
        };
    }
    if t.len() == 7 && matches!(&t[4..5], "M" | "m") {
        return format!("{}-{}", &t[..4], &t[5..]).parse().ok();
    }
    None
}

/// What a mapped import read, kept and skipped.
#[derive(Debug, Default)]
pub struct MappedReport {
    pub rows_read: u64,
    pub rows_kept: u64,
    pub skipped: BTreeMap<String, u64>,
    /// The months the file covers, per reporter, partner and flow.
    pub coverage: Coverage,
}

/// Reads a CSV extract (`text`, from `file`) through a mapping into tidy rows (summed per
/// key). A problem is an input error at its line of `file`.
pub fn read(
    file: &Path,
    text: &str,
    mapping: &Mapping,
) -> Result<(Rows, MappedReport), InputError> {
    let error = |line: usize, message: String| InputError::new(file, message).at(Some(line), None);
    let header_line = mapping.skip_lines + 1;
    let text = text.trim_start_matches('\u{feff}');
    let body: String = text
        .lines()
        .skip(mapping.skip_lines)
        .collect::<Vec<_>>()
        .join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter_byte())
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| error(header_line, format!("cannot read the header line: {e}")))?
        .clone();
    let index = |name: &Option<String>, field: &str| -> Result<Option<usize>, InputError> {
        match name {
            None => Ok(None),
            Some(name) => headers
                .iter()
                .position(|h| h == name)
                .map(Some)
                .ok_or_else(|| {
                    error(
                        header_line,
                        format!(
                            "the mapping's column `{name}` for {field} is not in the file (columns: {})",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ),
                    )
                }),
        }
    };
    let c = &mapping.columns;
    let cols = [
        ("reporter", index(&c.reporter, "reporter")?),
        ("partner", index(&c.partner, "partner")?),
        ("flow", index(&c.flow, "flow")?),
        ("period", index(&Some(c.period.clone()), "period")?),
        ("product", index(&c.product, "product")?),
        ("value", index(&Some(c.value.clone()), "value")?),
    ];
    for (field, col) in &cols[..3] {
        if col.is_none() && !mapping.constants.contains_key(*field) {
            return Err(error(
                header_line,
                format!("the mapping gives no column and no constant for {field}"),
            ));
        }
    }
    let mut rows = Rows::new();
    let mut report = MappedReport::default();
    let skip =
        |report: &mut MappedReport, why: &str| *report.skipped.entry(why.into()).or_default() += 1;
    let mut seen: BTreeMap<(String, String, Flow, Period, String), usize> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize) + mapping.skip_lines;
            error(line, format!("cannot read this row: {e}"))
        })?;
        report.rows_read += 1;
        let get = |field: &str| -> Option<String> {
            let col = cols.iter().find(|(f, _)| *f == field).and_then(|(_, c)| *c);
            match col {
                Some(i) => record.get(i).map(str::to_string),
                None => mapping.constants.get(field).cloned(),
            }
        };
        let (Some(reporter), Some(partner), Some(flow_code), Some(period_text), Some(value_text)) = (
            get("reporter"),
            get("partner"),
            get("flow"),
            get("period"),
            get("value"),
        ) else {
            skip(&mut report, "missing cells");
            continue;
        };
        let flow = match mapping.flows.get(&flow_code) {
            Some(flow) => *flow,
            None => match flow_code.to_ascii_lowercase().as_str() {
                "export" => Flow::Export,
                "import" => Flow::Import,
                _ => {
                    skip(&mut report, &format!("unknown flow `{flow_code}`"));
                    continue;
                }
            },
        };
        let Some(period) = period(&period_text) else {
            skip(&mut report, &format!("unreadable period `{period_text}`"));
            continue;
        };
        let Some(value) = mapping.value(&value_text) else {
            skip(&mut report, "no value");
            continue;
        };
        let code = get("product").unwrap_or_else(|| TOTAL.to_string());
        // The same observation twice would be summed into a doubled figure.
        let line = record.position().map_or(0, |p| p.line() as usize) + mapping.skip_lines;
        if let Some(first) = seen.insert(
            (
                reporter.clone(),
                partner.clone(),
                flow,
                period,
                code.clone(),
            ),
            line,
        ) {
            return Err(error(
                line,
                format!(
                    "this row repeats the observation of line {first} ({reporter} {partner} {} {period} {code}): it would be counted twice; remove one of them",
                    flow.as_str()
                ),
            ));
        }
        // A CN8 code counts towards its HS section and its CN chapter, two levels of the
        // same total.
        let products: Vec<String> = match &mapping.products {
            Products::HsSection => vec![code],
            Products::Cn8 if code.eq_ignore_ascii_case(TOTAL) => vec![TOTAL.to_string()],
            Products::Cn8 => match crate::import::cn8_levels(&code) {
                Ok((section, chapter)) => vec![section.to_string(), chapter.to_string()],
                Err(why) => {
                    skip(&mut report, why);
                    continue;
                }
            },
            Products::Table(table) => match table.get(&code) {
                Some(ours) => vec![ours.clone()],
                None => {
                    skip(
                        &mut report,
                        &format!("product `{code}` not in the mapping's table"),
                    );
                    continue;
                }
            },
        };
        report.rows_kept += 1;
        for product in products {
            *rows
                .entry((reporter.clone(), partner.clone(), flow, period, product))
                .or_default() += value;
        }
    }
    report.coverage = coverage(&rows);
    Ok((complete_periods(rows), report))
}

/// The months each reporter, partner and flow of the rows cover: a month row covers its
/// month, a quarter row its three months, a year row the whole year.
fn coverage(rows: &Rows) -> Coverage {
    let mut coverage = Coverage::new();
    for (reporter, partner, flow, period, _) in rows.keys() {
        let (year, months) = match *period {
            Period::Month(y, m) => (y, m..=m),
            Period::Quarter(y, q) => (y, q * 3 - 2..=q * 3),
            Period::Year(y) => (y, 1..=12),
        };
        coverage
            .entry((reporter.clone(), partner.clone(), *flow))
            .or_default()
            .entry(year)
            .or_default()
            .extend(months);
    }
    coverage
}

/// Adds the quarters and years that the file's months or quarters cover completely, series
/// by series (reporter, partner, flow): a partner whose year stops in November gets no
/// annual row, whatever the other partners have. A period the file itself gives is never
/// summed again from its parts.
fn complete_periods(rows: Rows) -> Rows {
    type Series = (String, String, Flow);
    let mut months: BTreeMap<(Series, i32), BTreeSet<u8>> = BTreeMap::new();
    let mut quarters: BTreeMap<(Series, i32), BTreeSet<u8>> = BTreeMap::new();
    let mut years: BTreeSet<(Series, i32)> = BTreeSet::new();
    for (reporter, partner, flow, period, _) in rows.keys() {
        let series = (reporter.clone(), partner.clone(), *flow);
        match *period {
            Period::Month(y, m) => {
                months.entry((series, y)).or_default().insert(m);
            }
            Period::Quarter(y, q) => {
                quarters.entry((series, y)).or_default().insert(q);
            }
            Period::Year(y) => {
                years.insert((series, y));
            }
        }
    }
    let mut out = rows.clone();
    for ((reporter, partner, flow, period, product), value) in rows {
        let series = (reporter.clone(), partner.clone(), flow);
        let mut add = |p: Period| {
            *out.entry((reporter.clone(), partner.clone(), flow, p, product.clone()))
                .or_default() += value;
        };
        match period {
            Period::Month(y, m) => {
                let key = (series, y);
                for period in completed_by(y, m, &months[&key]) {
                    // The file's own quarters and years are kept as given.
                    let given = match period {
                        Period::Quarter(..) => quarters.contains_key(&key),
                        _ => years.contains(&key),
                    };
                    if !given {
                        add(period);
                    }
                }
            }
            Period::Quarter(y, _) => {
                let key = (series, y);
                if !months.contains_key(&key) && !years.contains(&key) && quarters[&key].len() == 4
                {
                    add(Period::Year(y));
                }
            }
            Period::Year(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> Mapping {
        serde_yaml::from_str(
            "columns: {partner: p, flow: f, period: t, value: v}\nconstants: {reporter: BE}\nmetadata: {}\n",
        )
        .unwrap()
    }

    #[test]
    fn years_and_quarters_are_complete_per_partner_and_never_counted_twice() {
        let mut csv = String::from("p,f,t,v\n");
        for m in 1..=12 {
            csv.push_str(&format!("CN,export,2025-{m:02},10\n"));
            csv.push_str(&format!("US,export,2025-{m:02},1\n"));
        }
        for m in 1..=11 {
            csv.push_str(&format!("DE,export,2025-{m:02},10\n"));
        }
        // The file's own annual row for the US: kept as given, not summed again.
        csv.push_str("US,export,2025,12\n");
        let (rows, report) = read(Path::new("x.csv"), &csv, &mapping()).unwrap();
        let get = |partner: &str, period| {
            rows.get(&(
                "BE".to_string(),
                partner.to_string(),
                Flow::Export,
                period,
                TOTAL.to_string(),
            ))
            .copied()
        };
        assert_eq!(get("CN", Period::Year(2025)), Some(120.0));
        assert_eq!(get("DE", Period::Year(2025)), None);
        assert_eq!(get("DE", Period::Quarter(2025, 3)), Some(30.0));
        assert_eq!(get("DE", Period::Quarter(2025, 4)), None);
        assert_eq!(get("US", Period::Year(2025)), Some(12.0));
        assert_eq!(
            crate::import::coverage_lines(&report.coverage),
            ["2025: complete for 2 partners (CN, US); January–November for 1 partner (DE)"]
        );
    }

    #[test]
    fn a_repeated_observation_is_refused_with_its_lines() {
        let csv = "p,f,t,v\nCA,export,2024,100\nMX,export,2024,5\nCA,export,2024,200\n";
        let err = read(Path::new("x.csv"), csv, &mapping())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "x.csv:4: this row repeats the observation of line 2 (BE CA export 2024 TOTAL)"
            ),
            "{err}"
        );
    }

    #[test]
    fn periods_in_every_usual_spelling() {
        assert_eq!(period("2024T3"), Some(Period::Quarter(2024, 3)));
        assert_eq!(period("2024K3"), Some(Period::Quarter(2024, 3)));
        assert_eq!(period("2024Q3"), Some(Period::Quarter(2024, 3)));
        assert_eq!(period("2024-Q3"), Some(Period::Quarter(2024, 3)));
        assert_eq!(period("2024M03"), Some(Period::Month(2024, 3)));
        assert_eq!(period("03/2024"), Some(Period::Month(2024, 3)));
        assert_eq!(period("2024"), Some(Period::Year(2024)));
        assert_eq!(period("2024T5"), None);
        for odd in ["2024é", "2024€", "20é4-1", "éé/2024", "2024M€"] {
            assert_eq!(period(odd), None, "{odd}");
        }
    }
}
