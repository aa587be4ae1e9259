//! Importing any CSV extract — National Bank of Belgium, IBSA, a generic spreadsheet export —
//! through a mapping file that says how to read it: separator, decimal and thousands marks,
//! which column holds what, the file's flow codes and period format, the unit of its values.
//! A workbook's sheet goes through the same reader ([`read_rows`]), from [`crate::import::sheet`].

use crate::dataset::{Flow, Period, TOTAL};
use crate::error::InputError;
use crate::error::Result;
use crate::import::{Coverage, Rows, completed_by};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod mapping;
pub use mapping::{Columns, Mapping, Products};

/// What a value cell says.
enum Amount {
    Euros(f64),
    /// A mark for a figure not given: the row is skipped and counted.
    NotAvailable,
    /// Why the cell does not read as an amount.
    Unreadable(String),
}

/// Reads a period in the usual spellings: `2024`, `2024-Q3`, `2024Q3`, `2024T3` (trimestre),
/// `2024K3` (kwartaal), `2024-11`, `2024M11`, `11/2024`, `2024-11-01` (a month's first day).
pub fn period(text: &str) -> Option<Period> {
    let t = text.trim();
    // Every spelling below is ASCII; slicing other text by bytes could split a character.
    if !t.is_ascii() {
        return None;
    }
    if let Ok(p) = t.parse::<Period>() {
        return Some(p);
    }
    // A date on the first of a month is that month (a spreadsheet's date cell, or its
    // export as text): the one day that names a month and nothing else.
    if t.len() == 10 && &t[4..5] == "-" && &t[7..] == "-01" {
        return t[..7].parse().ok();
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
    /// Skipped rows by reason, with their lines (a sheet's rows).
    pub skipped: crate::import::SkippedRows,
    /// The months the file covers, per reporter, partner and flow.
    pub coverage: Coverage,
}

/// What a cell of an extract holds. Every CSV cell is text; a spreadsheet's cells are typed,
/// and a number or a date is taken as it is, with no locale to guess.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    /// A date cell (the time of day, if any, left out).
    Date {
        year: i32,
        month: u8,
        day: u8,
    },
    /// A spreadsheet error such as `#REF!`.
    Error(String),
}

impl Value {
    /// Blank cells are missing cells, in a CSV line as in a sheet.
    fn is_blank(&self) -> bool {
        matches!(self, Value::Text(t) if t.trim().is_empty())
    }

    /// The cell as text, for codes and names: a whole number without a decimal point (a
    /// year `2024`, a code `30049000`), a date as `YYYY-MM-DD`.
    fn text(&self) -> String {
        match self {
            Value::Text(t) => t.trim().to_string(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
            Value::Error(e) => e.clone(),
        }
    }
}

/// A cell and its 1-based column.
#[derive(Debug, Clone)]
pub struct Cell {
    pub value: Value,
    pub column: usize,
}

/// A row of an extract: its 1-based line (CSV) or row number (sheet), and its cells in
/// column order.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// Where rows come from, to place errors: a CSV file (lines) or a sheet of a workbook
/// (rows and cells, named as the spreadsheet names them).
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a Path,
    pub sheet: Option<&'a str>,
}

impl Origin<'_> {
    /// "line 4" in a CSV file, "row 4" in a sheet.
    fn row_name(&self, line: usize) -> String {
        match self.sheet {
            None => format!("line {line}"),
            Some(_) => format!("row {line}"),
        }
    }

    /// An error about a whole row (or the header).
    pub fn row_error(&self, line: usize, message: impl Into<String>) -> InputError {
        let message = message.into();
        let message = match self.sheet {
            None => message,
            Some(sheet) => format!("sheet {sheet}, row {line}: {message}"),
        };
        InputError::new(self.file, message).at(Some(line), None)
    }

    /// An error about one cell, under the column `header`.
    pub fn cell_error(
        &self,
        line: usize,
        column: usize,
        header: &str,
        message: impl Into<String>,
    ) -> InputError {
        let message = message.into();
        let message = match self.sheet {
            None => message,
            Some(sheet) => format!(
                "sheet {sheet}, cell {}{line}: {message}",
                column_name(column)
            ),
        };
        InputError::new(self.file, message)
            .at(Some(line), Some(column))
            .field(header)
    }
}

/// A spreadsheet's name of a 1-based column: 1 → A, 26 → Z, 27 → AA.
pub fn column_name(column: usize) -> String {
    let mut n = column;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// Reads a CSV extract (`text`, from `file`) through a mapping into tidy rows (summed per
/// key). A problem is an input error at its line of `file`.
pub fn read(
    file: &Path,
    text: &str,
    mapping: &Mapping,
) -> Result<(Rows, MappedReport), InputError> {
    let origin = Origin { file, sheet: None };
    let text = text.trim_start_matches('\u{feff}');
    // Title lines are cut as text: a stray quote in a title must not upset the CSV parser.
    let body: String = text
        .lines()
        .skip(mapping.skip_lines)
        .collect::<Vec<_>>()
        .join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter_byte())
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let body_lines: Vec<&str> = body.lines().collect();
    let rows = reader.records().map(|record| {
        let line = |e: Option<&csv::Position>| {
            crate::source::record_line(&body_lines, e.map_or(0, |p| p.line() as usize))
                + mapping.skip_lines
        };
        let record = record.map_err(|e| {
            origin.row_error(line(e.position()), format!("cannot read this row: {e}"))
        })?;
        Ok(Row {
            line: line(record.position()),
            cells: record
                .iter()
                .enumerate()
                .map(|(i, text)| Cell {
                    value: Value::Text(text.to_string()),
                    column: i + 1,
                })
                .collect(),
        })
    });
    read_rows(origin, rows, mapping)
}

/// Reads the rows of an extract (a CSV file's or a sheet's, titles included) through a
/// mapping into tidy rows (summed per key): the one place every rule of a mapped import
/// lives, whatever the file's format. A problem is an input error at its row or cell.
pub fn read_rows(
    origin: Origin<'_>,
    rows: impl IntoIterator<Item = Result<Row, InputError>>,
    mapping: &Mapping,
) -> Result<(Rows, MappedReport), InputError> {
    // Rows wholly blank are no rows at all (spreadsheets and their exports are full of
    // them); the first rows are titles when the mapping says so.
    let mut rows = rows.into_iter().filter(|row| match row {
        Ok(row) => row.line > mapping.skip_lines && !row.cells.iter().all(|c| c.value.is_blank()),
        Err(_) => true,
    });
    let header_row = rows.next().transpose()?.ok_or_else(|| {
        origin.row_error(
            mapping.skip_lines + 1,
            "the file has no header row (nor any other)",
        )
    })?;
    let header_line = header_row.line;
    let headers: Vec<String> = header_row.cells.iter().map(|c| c.value.text()).collect();
    let index = |name: &Option<String>, field: &str| -> Result<Option<usize>, InputError> {
        match name {
            None => Ok(None),
            Some(name) => headers
                .iter()
                .position(|h| h == name)
                .map(Some)
                .ok_or_else(|| {
                    origin.row_error(
                        header_line,
                        format!(
                            "the mapping's column `{name}` for {field} is not in the file (columns: {})",
                            headers.join(", ")
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
            return Err(origin.row_error(
                header_line,
                format!("the mapping gives no column and no constant for {field}"),
            ));
        }
    }
    let mut out = Rows::new();
    let mut report = MappedReport::default();
    let skip = |report: &mut MappedReport, why: &str, line: usize| {
        report.skipped.entry(why.into()).or_default().add(line);
    };
    let mut seen: BTreeMap<(String, String, Flow, Period, String), usize> = BTreeMap::new();
    for row in rows {
        let row = row?;
        report.rows_read += 1;
        let line = row.line;
        // A field's cell with its column and header, or the mapping's constant for it;
        // `None` when the row has no such cell or it is blank.
        let get = |field: &str| -> Option<(Value, Option<(usize, &str)>)> {
            let col = cols.iter().find(|(f, _)| *f == field).and_then(|(_, c)| *c);
            match col {
                Some(i) => row
                    .cells
                    .get(i)
                    .filter(|cell| !cell.value.is_blank())
                    .map(|cell| (cell.value.clone(), Some((cell.column, headers[i].as_str())))),
                None => mapping
                    .constants
                    .get(field)
                    .map(|v| (Value::Text(v.clone()), None)),
            }
        };
        let cell_error = |at: Option<(usize, &str)>, message: String| match at {
            Some((column, header)) => origin.cell_error(line, column, header, message),
            None => origin.row_error(line, message),
        };
        let (Some(reporter), Some(partner), Some(flow_cell), Some(period_cell), Some(value_cell)) = (
            get("reporter"),
            get("partner"),
            get("flow"),
            get("period"),
            get("value"),
        ) else {
            skip(&mut report, "missing cells", line);
            continue;
        };
        // A spreadsheet error in a cell the import uses is a figure nobody can read.
        for (value, at) in [&reporter, &partner, &flow_cell, &period_cell, &value_cell] {
            if let Value::Error(e) = value {
                return Err(cell_error(
                    *at,
                    format!("the cell holds the spreadsheet error `{e}`: fix the workbook"),
                ));
            }
        }
        let (reporter_at, partner_at) = (reporter.1, partner.1);
        let (reporter, partner, flow_code) =
            (reporter.0.text(), partner.0.text(), flow_cell.0.text());
        for (name, code, at) in [
            ("reporter", &reporter, reporter_at),
            ("partner", &partner, partner_at),
        ] {
            if let Some(why) = crate::import::code_problem(name, code) {
                return Err(cell_error(at, why));
            }
        }
        let flow = match mapping.flows.get(&flow_code) {
            Some(flow) => *flow,
            None => match flow_code.to_ascii_lowercase().as_str() {
                "export" => Flow::Export,
                "import" => Flow::Import,
                _ => {
                    skip(
                        &mut report,
                        &format!("unknown flow `{}`", crate::limits::quote(&flow_code)),
                        line,
                    );
                    continue;
                }
            },
        };
        let period_text = period_cell.0.text();
        let Some(period) = period(&period_text) else {
            return Err(cell_error(
                period_cell.1,
                format!(
                    "`{period_text}` is not a period (2024, 2024-Q3, 2024T3, 2024-11, 2024M11, 11/2024, or a date on the first of a month)"
                ),
            ));
        };
        let value = match mapping.amount(&value_cell.0) {
            Amount::Euros(value) => value,
            Amount::NotAvailable => {
                skip(&mut report, "no value", line);
                continue;
            }
            Amount::Unreadable(why) => return Err(cell_error(value_cell.1, why)),
        };
        let product_cell = get("product");
        let code = match &product_cell {
            None => TOTAL.to_string(),
            // A number cannot keep a CN8 code's leading zero (01012100): the code has
            // eight digits, so they are put back.
            Some((Value::Number(n), _))
                if matches!(mapping.products, Products::Cn8)
                    && n.fract() == 0.0
                    && (0.0..1e8).contains(n) =>
            {
                format!("{:08}", *n as u64)
            }
            Some((value, _)) => value.text(),
        };
        // The same observation twice would be summed into a doubled figure.
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
            return Err(origin.row_error(
                line,
                format!(
                    "this row repeats the observation of {} ({reporter} {partner} {} {period} {code}): it would be counted twice; remove one of them",
                    origin.row_name(first),
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
                    skip(&mut report, why, line);
                    continue;
                }
            },
            Products::Table(table) => match table.get(&code) {
                Some(ours) => vec![ours.clone()],
                None => {
                    skip(
                        &mut report,
                        &format!(
                            "product `{}` not in the mapping's table",
                            crate::limits::quote(&code)
                        ),
                        line,
                    );
                    continue;
                }
            },
        };
        report.rows_kept += 1;
        for product in products {
            *out.entry((reporter.clone(), partner.clone(), flow, period, product))
                .or_default() += value;
        }
    }
    report.coverage = coverage(&out);
    Ok((complete_periods(out), report))
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
mod tests;
