//! Importing real data: Eurostat Comext SDMX-CSV extracts into the tidy dataset format.
//!
//! The file is read as a stream (constant memory whatever its size), filtered by reporter
//! and to values in euros, CN8 codes are rolled up to CN chapters and HS sections, months
//! are summed into the quarters and years each partner's data cover completely, and the
//! result is merged into `data/datasets/<id>.csv` with its metadata. Importing the same file
//! twice changes nothing.
//!
//! Coverage is decided per reporter, partner and flow, never per file: Eurostat publishes
//! extra-EU trade before intra-EU trade, so one extract can hold December for China and stop
//! at November for Germany. Summing Germany's eleven months into "the year" would print a
//! false annual figure.

pub mod mapped;
pub mod merge;
pub mod sheet;

use crate::dataset::{Flow, Period, TOTAL};
use crate::error::{InputError, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// The columns of a Comext SDMX-CSV extract, in order.
pub const COMEXT_COLUMNS: [&str; 10] = [
    "DATAFLOW",
    "LAST UPDATE",
    "freq",
    "reporter",
    "partner",
    "product",
    "flow",
    "indicators",
    "TIME_PERIOD",
    "OBS_VALUE",
];

/// The HS section of a CN/HS chapter (01–97).
pub fn hs_section(chapter: u8) -> Option<&'static str> {
    Some(match chapter {
        1..=5 => "I",
        6..=14 => "II",
        15 => "III",
        16..=24 => "IV",
        25..=27 => "V",
        28..=38 => "VI",
        39..=40 => "VII",
        41..=43 => "VIII",
        44..=46 => "IX",
        47..=49 => "X",
        50..=63 => "XI",
        64..=67 => "XII",
        68..=70 => "XIII",
        71 => "XIV",
        72..=83 => "XV",
        84..=85 => "XVI",
        86..=89 => "XVII",
        90..=92 => "XVIII",
        93 => "XIX",
        94..=96 => "XX",
        97 => "XXI",
        _ => return None,
    })
}

/// The HS section and CN chapter of a CN8 code (`39011010` → `VII`, `39`), or why the code
/// cannot be placed.
pub fn cn8_levels(code: &str) -> Result<(&'static str, &str), &'static str> {
    if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("product not a CN8 code");
    }
    let chapter = &code[..2];
    match chapter.parse().ok().and_then(hs_section) {
        Some(section) => Ok((section, chapter)),
        None => Err("unknown CN chapter"),
    }
}

/// The rows an import skipped for one reason: how many, and where the first of them are,
/// so that a reader can find them in the file whatever their number.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub count: u64,
    /// The lines (a sheet's rows) of the first [`SKIPPED_LINES_LISTED`] rows, in file order.
    pub lines: Vec<usize>,
}

/// How many skipped rows an import lists by line for each reason; the others are counted.
pub const SKIPPED_LINES_LISTED: usize = 10;

impl Skipped {
    /// Counts one more row skipped, at `line`.
    pub fn add(&mut self, line: usize) {
        self.count += 1;
        if self.lines.len() < SKIPPED_LINES_LISTED {
            self.lines.push(line);
        }
    }

    /// Where the rows are, `noun` being what the file calls a row's place (`line` in a CSV
    /// file, `row` in a sheet): `line 7`, `lines 12, 40, 41`, `lines 2, 3, …, 11 and 10928
    /// more`.
    pub fn places(&self, noun: &str) -> String {
        let listed: Vec<String> = self.lines.iter().map(usize::to_string).collect();
        let plural = if self.count == 1 { "" } else { "s" };
        let more = self.count.saturating_sub(self.lines.len() as u64);
        let mut text = format!("{noun}{plural} {}", listed.join(", "));
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        text
    }
}

/// Skipped rows by reason.
pub type SkippedRows = BTreeMap<String, Skipped>;

/// Why `code`, read as the `field` (`reporter`, `partner`) of a row, cannot be a code: empty,
/// or longer than any real one (a pasted text, a corrupt file). A row holding it stops the
/// import at its line: the dataset would carry it into every brief and diff.
pub fn code_problem(field: &str, code: &str) -> Option<String> {
    let chars = code.chars().count();
    if code.is_empty() {
        Some(format!(
            "expected a {field} code (a country such as CA, or a group such as WORLD or EU27_2020), found an empty cell; nothing was written"
        ))
    } else if chars > crate::limits::CODE_CHARS {
        Some(format!(
            "expected a {field} code (a country such as CA, or a group such as WORLD or EU27_2020), found `{}`, {chars} characters long: no code is longer than {}; nothing was written",
            crate::limits::quote(code),
            crate::limits::CODE_CHARS
        ))
    } else {
        None
    }
}

/// What an import read, kept and skipped.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImportReport {
    pub rows_read: u64,
    pub rows_kept: u64,
    /// Skipped rows by reason, with their lines.
    pub skipped: SkippedRows,
    /// The dataflow and its LAST UPDATE, as found in the file.
    pub dataflow: String,
    pub last_update: String,
    /// CN8 codes seen among the kept rows (the product coverage).
    pub products: BTreeSet<String>,
    /// The months the file has rows for, per reporter, partner and flow — and the months
    /// released for the partner's group without a row for it, taken as zero trade.
    pub coverage: Coverage,
    /// How many partner-months were taken as zero trade (see `fill_unreported_months`).
    pub zero_months: u64,
}

pub use crate::dataset::Coverage;

/// The quarter and the year that contain month `m` of `year` and that `months` (of that
/// year) cover completely: how months make quarters and years, for every import.
pub fn completed_by(year: i32, m: u8, months: &BTreeSet<u8>) -> Vec<Period> {
    let q = (m - 1) / 3 + 1;
    let mut periods = Vec::new();
    if covers_quarter(months, q) {
        periods.push(Period::Quarter(year, q));
    }
    if (1..=12).all(|month| months.contains(&month)) {
        periods.push(Period::Year(year));
    }
    periods
}

/// Whether `months` (of one year) hold every month of quarter `q`.
pub fn covers_quarter(months: &BTreeSet<u8>, q: u8) -> bool {
    (q * 3 - 2..=q * 3).all(|m| months.contains(&m))
}

/// Sums by (partner, flow, HS section, CN chapter or TOTAL, month) in euros.
pub type MonthlySums = BTreeMap<(String, Flow, String, i32, u8), f64>;

/// Reads a Comext SDMX-CSV stream from `file`, keeping `reporter`'s values in euros. A
/// problem is an input error at its line of `file`.
pub fn read_comext(
    file: &Path,
    input: impl Read,
    reporter: &str,
) -> Result<(MonthlySums, ImportReport), InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(crate::source::Lf::new(input));
    let headers = reader
        .headers()
        .map_err(|e| {
            InputError::new(file, format!("cannot read the header line: {e}")).at(Some(1), None)
        })?
        .clone();
    let found: Vec<&str> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}'))
        .collect();
    if found != COMEXT_COLUMNS {
        // The first column that differs, named: the whole headers, cut to what a message
        // quotes, looked the same when only a late column was renamed.
        let differs = (0..found.len().max(COMEXT_COLUMNS.len()))
            .find(|&i| found.get(i) != COMEXT_COLUMNS.get(i))
            .unwrap_or(0);
        let which = match (found.get(differs), COMEXT_COLUMNS.get(differs)) {
            (Some(got), Some(want)) => format!(
                "column {} is `{}` where `{want}` was expected",
                differs + 1,
                crate::limits::quote(got)
            ),
            (None, Some(want)) => format!("column {} (`{want}`) is missing", differs + 1),
            (Some(got), None) => format!(
                "column {} (`{}`) is one too many",
                differs + 1,
                crate::limits::quote(got)
            ),
            (None, None) => String::new(),
        };
        return Err(InputError::new(
            file,
            format!(
                "not a Eurostat Comext SDMX-CSV file: {which} (expected the columns `{}`)",
                COMEXT_COLUMNS.join(","),
            ),
        )
        .at(
            Some(1),
            Some(
                1 + found
                    .iter()
                    .take(differs)
                    .map(|c| c.chars().count() + 1)
                    .sum::<usize>(),
            ),
        ));
    }
    let mut sums = MonthlySums::new();
    let mut report = ImportReport::default();
    let skip = |report: &mut ImportReport, why: &str, line: usize| {
        report.skipped.entry(why.to_string()).or_default().add(line);
    };
    // Each observation's line, by a 64-bit hash of its key: an observation given twice
    // would be counted twice, and the key itself would cost far more memory per row.
    let mut seen: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| {
        let line = report.rows_read as usize + 2;
        InputError::new(file, format!("cannot read this line: {e}")).at(Some(line), None)
    })? {
        report.rows_read += 1;
        // Where the row starts (a quoted cell may hold line breaks).
        let line = record
            .position()
            .map_or(report.rows_read as usize + 1, |p| p.line() as usize);
        if record.len() != COMEXT_COLUMNS.len() {
            skip(&mut report, "wrong number of columns", line);
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or_default().trim();
        for (i, name) in [(3, "reporter"), (4, "partner")] {
            if let Some(why) = code_problem(name, field(i)) {
                return Err(InputError::new(file, why)
                    .at(Some(line), Some(i + 1))
                    .field(name));
            }
        }
        if report.dataflow.is_empty() {
            report.dataflow = field(0).to_string();
            report.last_update = field(1).to_string();
        }
        if field(3) != reporter {
            skip(&mut report, "another reporter", line);
            continue;
        }
        if field(7) != "VALUE_IN_EUROS" {
            skip(&mut report, "not a value in euros (quantities)", line);
            continue;
        }
        let Some((year, month)) = parse_month(field(8)) else {
            skip(&mut report, "not a monthly period", line);
            continue;
        };
        let flow = match field(6) {
            "1" => Flow::Import,
            "2" => Flow::Export,
            _ => {
                skip(&mut report, "unknown flow", line);
                continue;
            }
        };
        // Any row of a partner's month, even one skipped below, shows that the month has
        // been released for that partner.
        report
            .coverage
            .entry((reporter.to_string(), field(4).to_string(), flow))
            .or_default()
            .entry(year)
            .or_default()
            .insert(month);
        let product = field(5);
        let (section, chapter) = match product {
            "TOTAL" => (TOTAL, None),
            p => match cn8_levels(p) {
                Ok((section, chapter)) => (section, Some(chapter)),
                Err(why) => {
                    skip(&mut report, why, line);
                    continue;
                }
            },
        };
        let Ok(value) = field(9).parse::<f64>() else {
            skip(&mut report, "no value", line);
            continue;
        };
        if !value.is_finite() || value < 0.0 {
            skip(&mut report, "negative or invalid value", line);
            continue;
        }
        let key = {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher =
                std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().build_hasher();
            for part in [field(4), field(5), field(6), field(8)] {
                hasher.write(part.as_bytes());
                hasher.write_u8(0);
            }
            hasher.finish()
        };
        if let Some(first) = seen.insert(key, line as u64) {
            return Err(InputError::new(
                file,
                format!(
                    "this line gives again the value of line {first} (partner {}, product {}, flow {}, {}): an extract gives each observation once, and summing both would double it; nothing was written",
                    crate::limits::quote(field(4)),
                    crate::limits::quote(product),
                    flow.as_str(),
                    crate::limits::quote(field(8)),
                ),
            )
            .at(Some(line), None));
        }
        report.rows_kept += 1;
        if section != TOTAL {
            report.products.insert(product.to_string());
        }
        let partner = field(4).to_string();
        let mut add = |product: &str| {
            *sums
                .entry((partner.clone(), flow, product.to_string(), year, month))
                .or_default() += value;
        };
        add(section);
        if let Some(chapter) = chapter {
            add(chapter);
            // The products' own total, so partial coverage still gives a (marked) figure.
            add("COVERED");
        }
    }
    fill_unreported_months(&mut sums, &mut report);
    Ok((sums, report))
}

/// The member states of the European Union (EU27, since February 2020), whose trade
/// Eurostat releases together (intra-EU), apart from the rest of the world (extra-EU).
pub const EU27: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Comext omits rows of zero trade. A month Eurostat has released for a partner's group
/// (intra-EU partners together, extra-EU together: some partner of the group has rows for
/// it) but with no row for a country the file has rows for (in either flow, any month) is
/// zero trade in the covered products, not a month still to come: without it Malta, Cyprus or
/// Greece never got an annual figure. The zeros are the products' total's (`TOTAL`, or the
/// covered products' sum) and count as released months; groups such as `WORLD` are left
/// as they are.
fn fill_unreported_months(sums: &mut MonthlySums, report: &mut ImportReport) {
    let country = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase());
    let group = |p: &str| EU27.contains(&p);
    let total = if sums.keys().any(|k| k.2 == TOTAL) {
        TOTAL
    } else {
        "COVERED"
    };
    // Months released per reporter, flow, year and group.
    let mut released: BTreeMap<(String, Flow, i32, bool), BTreeSet<u8>> = BTreeMap::new();
    for ((reporter, partner, flow), years) in &report.coverage {
        if !country(partner) {
            continue;
        }
        for (year, months) in years {
            released
                .entry((reporter.clone(), *flow, *year, group(partner)))
                .or_default()
                .extend(months);
        }
    }
    // Every country the file has rows for, whichever flow and year: the months released for
    // its group are its months, zero where it has no row.
    let partners: BTreeSet<(String, String)> = report
        .coverage
        .keys()
        .filter(|(_, partner, _)| country(partner))
        .map(|(reporter, partner, _)| (reporter.clone(), partner.clone()))
        .collect();
    for ((reporter, flow, year, intra), group_months) in &released {
        for (r, partner) in &partners {
            if r != reporter || group(partner) != *intra {
                continue;
            }
            let months = report
                .coverage
                .entry((reporter.clone(), partner.clone(), *flow))
                .or_default()
                .entry(*year)
                .or_default();
            for &month in group_months {
                if months.insert(month) {
                    sums.insert(
                        (partner.clone(), *flow, total.to_string(), *year, month),
                        0.0,
                    );
                    report.zero_months += 1;
                }
            }
        }
    }
}

fn parse_month(period: &str) -> Option<(i32, u8)> {
    let (y, m) = period.split_once('-')?;
    let month: u8 = m.parse().ok()?;
    (y.len() == 4 && (1..=12).contains(&month)).then_some((y.parse().ok()?, month))
}

/// One tidy row: reporter, partner, flow, period, product → euros.
pub type Rows = BTreeMap<(String, String, Flow, Period, String), f64>;

/// Keeps the months and sums them into the quarters and years that the file covers
/// completely for each partner and flow (see [`derive_periods`]): a partner whose year is
/// not complete in the file gets no annual row for it, whatever the other partners have.
pub fn aggregate(sums: &MonthlySums, reporter: &str, partial_total: bool) -> Rows {
    let mut rows = Rows::new();
    for ((partner, flow, product, year, month), value) in sums {
        // Without a TOTAL in the file, the covered products' sum stands in for it, and the
        // dataset's metadata says the coverage is partial.
        let product = match product.as_str() {
            "COVERED" if partial_total => TOTAL,
            "COVERED" => continue,
            p => p,
        };
        *rows
            .entry((
                reporter.to_string(),
                partner.clone(),
                *flow,
                Period::Month(*year, *month),
                product.to_string(),
            ))
            .or_default() += value;
    }
    derive_periods(&mut rows, |sum, value| sum.copied().unwrap_or(0.0) + value);
    rows
}

/// The key of a tidy row: reporter, partner, flow, period, product.
pub type RowKey = (String, String, Flow, Period, String);

/// Sums each series' months into the quarters and years its months cover completely, and
/// replaces the quarters and years it had for the years it has months of — so that a dataset
/// merged from several extracts, or revised by a newer one, never keeps a year summed from
/// other months than those it holds.
///
/// A series is a reporter, partner and flow; a month is covered when the series has any row
/// for it (a product without a row that month had no trade then). A `TOTAL` needs a row of
/// its own in every month: a file whose totals stop early gives no annual total.
/// `add` sums a month's value into a period's (`None`: the first month).
pub fn derive_periods<V: Clone>(rows: &mut BTreeMap<RowKey, V>, add: impl Fn(Option<&V>, &V) -> V) {
    type Series = (String, String, Flow);
    let series = |k: &RowKey| (k.0.clone(), k.1.clone(), k.2);
    let mut months: BTreeMap<(Series, i32), BTreeSet<u8>> = BTreeMap::new();
    let mut total_months: BTreeMap<(Series, i32), BTreeSet<u8>> = BTreeMap::new();
    for k in rows.keys() {
        if let Period::Month(y, m) = k.3 {
            months.entry((series(k), y)).or_default().insert(m);
            if k.4 == TOTAL {
                total_months.entry((series(k), y)).or_default().insert(m);
            }
        }
    }
    rows.retain(|k, _| match k.3 {
        Period::Year(y) | Period::Quarter(y, _) => !months.contains_key(&(series(k), y)),
        Period::Month(..) => true,
    });
    let month_rows: Vec<(RowKey, V)> = rows
        .iter()
        .filter(|(k, _)| matches!(k.3, Period::Month(..)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let empty = BTreeSet::new();
    for (k, v) in month_rows {
        let Period::Month(y, m) = k.3 else { continue };
        let key = (series(&k), y);
        let have = &months[&key];
        let own = if k.4 == TOTAL {
            total_months.get(&key).unwrap_or(&empty)
        } else {
            have
        };
        let own = completed_by(y, m, own);
        for period in completed_by(y, m, have)
            .into_iter()
            .filter(|p| own.contains(p))
        {
            let target = (k.0.clone(), k.1.clone(), k.2, period, k.4.clone());
            let sum = add(rows.get(&target), &v);
            rows.insert(target, sum);
        }
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The months of one year as a reader says them: `complete`, `January–November`,
/// `April only`, `7 months (January–March, May, July–September)`.
fn describe_months(months: &BTreeSet<u8>) -> String {
    if months.len() == 12 {
        return "complete".into();
    }
    let name = |m: u8| MONTH_NAMES[usize::from(m - 1)];
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for &m in months {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == m => *end = m,
            _ => runs.push((m, m)),
        }
    }
    let run = |(a, b): (u8, u8)| {
        if a == b {
            name(a).to_string()
        } else {
            format!("{}–{}", name(a), name(b))
        }
    };
    match runs.as_slice() {
        [(a, b)] if a == b => format!("{} only", name(*a)),
        [(1, b)] => run((1, *b)),
        _ => format!(
            "{} months ({})",
            months.len(),
            runs.iter().map(|r| run(*r)).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// What a file covers, year by year, partners with the same months together:
/// `2025: complete for 1 partner (CN); January–November for 27 partners (AT, BE, …)`.
/// A partner whose two flows differ is listed once per flow (`DE exports`).
pub fn coverage_lines(coverage: &Coverage) -> Vec<String> {
    let reporters: BTreeSet<&str> = coverage.keys().map(|k| k.0.as_str()).collect();
    let years: BTreeSet<i32> = coverage.values().flat_map(|y| y.keys().copied()).collect();
    let mut lines = Vec::new();
    for year in years {
        // (reporter, partner) → months per flow, for this year.
        let mut pairs: BTreeMap<(&str, &str), BTreeMap<Flow, &BTreeSet<u8>>> = BTreeMap::new();
        for ((reporter, partner, flow), by_year) in coverage {
            if let Some(months) = by_year.get(&year) {
                pairs
                    .entry((reporter.as_str(), partner.as_str()))
                    .or_default()
                    .insert(*flow, months);
            }
        }
        let mut groups: BTreeMap<(std::cmp::Reverse<usize>, String), Vec<String>> = BTreeMap::new();
        for ((reporter, partner), flows) in pairs {
            let who = if reporters.len() > 1 {
                format!("{reporter}:{partner}")
            } else {
                partner.to_string()
            };
            let first = flows.values().next().copied();
            if flows.values().all(|m| Some(*m) == first) {
                let months = first.expect("a pair has at least one flow");
                groups
                    .entry((std::cmp::Reverse(months.len()), describe_months(months)))
                    .or_default()
                    .push(who);
            } else {
                for (flow, months) in flows {
                    let flow = match flow {
                        Flow::Export => "exports",
                        Flow::Import => "imports",
                    };
                    groups
                        .entry((std::cmp::Reverse(months.len()), describe_months(months)))
                        .or_default()
                        .push(format!("{who} {flow}"));
                }
            }
        }
        let parts: Vec<String> = groups
            .into_iter()
            .map(|((_, months), who)| {
                let n = who.len();
                let noun = if n == 1 { "partner" } else { "partners" };
                format!("{months} for {n} {noun} ({})", who.join(", "))
            })
            .collect();
        lines.push(format!("{year}: {}", parts.join("; ")));
    }
    lines
}

/// Turns Comext's LAST UPDATE (`13/02/26 11:00:00`) into a date.
pub fn last_update_date(text: &str) -> Option<crate::profile::Date> {
    let date = text.split_whitespace().next()?;
    let mut parts = date.split('/');
    let day: u8 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    let year = if year < 100 { 2000 + year } else { year };
    format!("{year:04}-{month:02}-{day:02}").parse().ok()
}

#[cfg(test)]
mod tests;
