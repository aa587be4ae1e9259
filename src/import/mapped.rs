//! Importing any CSV extract — National Bank of Belgium, IBSA, a generic spreadsheet export —
//! through a mapping file that says how to read it: separator, decimal and thousands marks,
//! which column holds what, the file's flow codes and period format, the unit of its values.
//! A workbook's sheet goes through the same reader ([`read_rows`]), from [`crate::import::sheet`].

use crate::dataset::{Flow, Period, TOTAL};
use crate::error::InputError;
use crate::error::{IoResultExt, Result};
use crate::import::{Coverage, Rows, completed_by};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A mapping file (`--mapping FILE.yaml`): how to read an extract's columns into a dataset.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The column separator: `,` (default), `;` or `\t` (CSV files only).
    #[serde(default = "comma")]
    pub delimiter: String,
    /// The decimal mark of values written as text: `.` (default) or `,`. A spreadsheet's
    /// number cells are numbers already.
    #[serde(default = "dot")]
    pub decimal: String,
    /// Thousands separators to ignore in values (`.`, ` `, `'`…).
    #[serde(default)]
    pub thousands: Option<String>,
    /// Lines (a sheet's rows) to skip before the header line (titles some exports put first).
    #[serde(default)]
    pub skip_lines: usize,
    /// Which column (by header name) holds each field.
    pub columns: Columns,
    /// Values for fields the file has no column for (e.g. `reporter: BE-BRU`).
    #[serde(default)]
    #[schemars(schema_with = "crate::vocab::schema::texts_or_numbers")]
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
    #[schemars(schema_with = "metadata_schema")]
    pub metadata: serde_yaml::Value,
}

/// The header of the column that holds each field; a field without a column takes its
/// value from `constants`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The reporter's code (`BE-BRU`, `BE`).
    #[serde(default)]
    #[schemars(schema_with = "crate::vocab::schema::optional_text_or_number")]
    pub reporter: Option<String>,
    /// The partner country's code.
    #[serde(default)]
    #[schemars(schema_with = "crate::vocab::schema::optional_text_or_number")]
    pub partner: Option<String>,
    /// The flow, read through `flows`.
    #[serde(default)]
    #[schemars(schema_with = "crate::vocab::schema::optional_text_or_number")]
    pub flow: Option<String>,
    /// The period: a year, a quarter (2024-Q3) or a month (2024-07, or a date cell on the
    /// first of a month).
    #[schemars(schema_with = "crate::vocab::schema::text_or_number")]
    pub period: String,
    /// The product code, read through `products`.
    #[serde(default)]
    #[schemars(schema_with = "crate::vocab::schema::optional_text_or_number")]
    pub product: Option<String>,
    /// The value, in the file's `unit`.
    #[schemars(schema_with = "crate::vocab::schema::text_or_number")]
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

impl schemars::JsonSchema for Products {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Products".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The file's product codes: hs-section (as is), cn8 (rolled up to HS sections and CN chapters), or a table from the file's codes to ours.",
            "anyOf": [
                {"type": "string", "enum": ["hs-section", "cn8"]},
                {
                    "type": "object",
                    "properties": {"table": {"type": "object", "additionalProperties": {"type": "string"}}},
                    "required": ["table"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// The metadata of the dataset an import writes: the fields of a dataset metadata file.
fn metadata_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "The dataset's metadata, written beside it: title, kind, classification, source, url, licence, concept (see dataset.schema.json).",
        "type": "object"
    })
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
        // Named on the command line (`--mapping FILE`): it may be a pipe.
        let text = crate::limits::read_given(path)
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the file is not valid UTF-8 (save it as UTF-8)",
                    )
                })
            })
            .io("read", path)?;
        let mapping: Mapping = InputError::parse_yaml(path, &text)?;
        if mapping.delimiter.len() != 1 && mapping.delimiter != "\\t" {
            return Err(InputError::new(
                path,
                format!("must be one character, found `{}`", mapping.delimiter),
            )
            .field("delimiter")
            .into());
        }
        if let Some((field, why)) = mapping.problem() {
            let (line, column) = crate::source::locate(&text, field);
            return Err(InputError::new(path, why)
                .at(line, column)
                .field(field)
                .into());
        }
        Ok(mapping)
    }

    /// A setting that would import wrong numbers without a word: a `unit` of 0 (every
    /// value 0), a negative or endless one, a decimal mark other than `.` or `,`, or a
    /// thousands separator that is the decimal mark too (`thousands: "."` with the default
    /// decimal point read 1234567.5 as 12345675) or a digit.
    fn problem(&self) -> Option<(&'static str, String)> {
        if !(self.unit.is_finite() && self.unit > 0.0) {
            return Some((
                "unit",
                format!(
                    "expected what one unit of the file's values is worth in euros, a number above 0 (1, 1000, 1000000), found `{}`",
                    crate::limits::quote(&self.unit.to_string())
                ),
            ));
        }
        if self.decimal != "." && self.decimal != "," {
            return Some((
                "decimal",
                format!(
                    "expected `.` or `,`, found `{}`",
                    crate::limits::quote(&self.decimal)
                ),
            ));
        }
        if let Some(thousands) = &self.thousands {
            if thousands.is_empty()
                || thousands
                    .chars()
                    .any(|c| c.is_ascii_digit() || c == '-' || c == '+')
            {
                return Some((
                    "thousands",
                    format!(
                        "expected a separator such as `.`, ` ` or `'`, found `{}`",
                        crate::limits::quote(thousands)
                    ),
                ));
            }
            if thousands.contains(self.decimal.as_str()) {
                return Some((
                    "thousands",
                    format!(
                        "`{thousands}` is also the decimal mark (`decimal: \"{}\"`{}): every decimal would be read as thousands; set `decimal` to the file's decimal mark",
                        self.decimal,
                        if self.decimal == "." {
                            ", the default"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
        None
    }

    fn delimiter_byte(&self) -> u8 {
        if self.delimiter == "\\t" {
            b'\t'
        } else {
            self.delimiter.as_bytes()[0]
        }
    }

    /// A number as the file writes it in text ("1.234,5"), before its unit.
    fn number(&self, text: &str) -> Option<f64> {
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
        t.parse().ok().filter(|v: &f64| v.is_finite())
    }

    /// What a value cell says, in euros. A number cell is taken as it is; the decimal and
    /// thousands marks apply to text only.
    fn amount(&self, value: &Value) -> Amount {
        let number = match value {
            Value::Number(n) => *n,
            Value::Text(t) => match self.number(t) {
                Some(n) => n,
                // Statistical offices mark the figures they do not give with no digit at
                // all (n.d., :, -, x, c); a cell with digits that does not read is a
                // figure misread, never to be dropped quietly.
                None if !t.chars().any(|c| c.is_ascii_digit()) => return Amount::NotAvailable,
                None => {
                    let thousands = match &self.thousands {
                        Some(t) => format!(" and thousands separator `{t}`"),
                        None => String::new(),
                    };
                    return Amount::Unreadable(format!(
                        "`{}` is not an amount with the mapping's decimal mark `{}`{thousands}",
                        t.trim(),
                        self.decimal
                    ));
                }
            },
            Value::Date { .. } => {
                return Amount::Unreadable(format!(
                    "a date ({}) where an amount is expected",
                    value.text()
                ));
            }
            Value::Error(e) => return Amount::Unreadable(format!("the spreadsheet error `{e}`")),
        };
        if !number.is_finite() || number < 0.0 {
            return Amount::Unreadable(format!(
                "`{}` is not a trade value (an amount of euros, zero or more)",
                value.text()
            ));
        }
        Amount::Euros(number * self.unit)
    }
}

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
mod tests {
    use super::*;

    fn mapping() -> Mapping {
        serde_yaml::from_str(
            "columns: {partner: p, flow: f, period: t, value: v}\nconstants: {reporter: BE}\nmetadata: {}\n",
        )
        .unwrap()
    }

    #[test]
    fn settings_that_would_corrupt_every_value_are_refused_at_their_line() {
        // Issue 26.7: `unit: 0` imported every value as 0; `thousands: "."` with the default
        // decimal point turned 1234567.5 into 12345675.
        let base = "columns: {partner: p, flow: f, period: t, value: v}\nconstants: {reporter: BE}\nmetadata: {}\n";
        let dir = tempfile::tempdir().unwrap();
        for (extra, field, line, words) in [
            ("unit: 0\n", "unit", 4, "a number above 0"),
            ("unit: -1000\n", "unit", 4, "a number above 0"),
            ("unit: .nan\n", "unit", 4, "a number above 0"),
            (
                "thousands: \".\"\n",
                "thousands",
                4,
                "is also the decimal mark",
            ),
            (
                "decimal: \",\"\nthousands: \",\"\n",
                "thousands",
                5,
                "is also the decimal mark",
            ),
            ("thousands: \"0\"\n", "thousands", 4, "expected a separator"),
            ("decimal: \";\"\n", "decimal", 4, "expected `.` or `,`"),
        ] {
            let path = dir.path().join("m.yaml");
            std::fs::write(&path, format!("{base}{extra}")).unwrap();
            let err = match Mapping::load(&path) {
                Err(crate::error::Error::Input(errors)) => errors.0.into_iter().next().unwrap(),
                other => panic!("{extra}: {:?}", other.map(|_| ())),
            };
            assert_eq!(err.field.as_deref(), Some(field), "{extra}");
            assert_eq!(err.line, Some(line), "{extra}: {err}");
            assert!(err.message.contains(words), "{extra}: {err}");
        }
        // What is right passes: a decimal comma with a thousands point, a unit of 1000.
        let path = dir.path().join("m.yaml");
        std::fs::write(
            &path,
            format!("{base}decimal: \",\"\nthousands: \".\"\nunit: 1000\n"),
        )
        .unwrap();
        assert!(Mapping::load(&path).is_ok());
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
    fn number_cells_are_taken_as_they_are_and_text_by_the_mapping() {
        let mut mapping = mapping();
        mapping.decimal = ",".into();
        mapping.thousands = Some(".".into());
        mapping.unit = 1000.0;
        let euros = |v: Value| match mapping.amount(&v) {
            Amount::Euros(e) => Ok(e),
            Amount::NotAvailable => Err("n/a".to_string()),
            Amount::Unreadable(why) => Err(why),
        };
        // The decimal comma is the text's, never a number's.
        assert_eq!(euros(Value::Number(1.5)), Ok(1500.0));
        assert_eq!(euros(Value::Text("1.234,5".into())), Ok(1_234_500.0));
        assert_eq!(euros(Value::Text("n.d.".into())), Err("n/a".into()));
        assert_eq!(euros(Value::Text(":".into())), Err("n/a".into()));
        let typo = euros(Value::Text("1.2O4,5".into())).unwrap_err();
        assert!(typo.contains("`1.2O4,5` is not an amount"), "{typo}");
        assert!(euros(Value::Number(-1.0)).is_err());
        assert!(
            euros(Value::Date {
                year: 2024,
                month: 1,
                day: 1
            })
            .is_err()
        );
    }

    #[test]
    fn a_sheet_cell_is_named_as_the_spreadsheet_names_it() {
        let origin = Origin {
            file: Path::new("nbb.xlsx"),
            sheet: Some("Exports"),
        };
        let error = origin.cell_error(7, 3, "Value", "bad");
        assert_eq!(
            error.to_string(),
            "nbb.xlsx:7:3: field `Value`: sheet Exports, cell C7: bad"
        );
        assert_eq!(column_name(26), "Z");
        assert_eq!(column_name(27), "AA");
        assert_eq!(column_name(703), "AAA");
    }

    #[test]
    fn a_blank_cell_is_missing_and_a_bad_period_is_located() {
        // A wholly blank row is no row; a row with a blank cell it needs is skipped.
        let csv = "p,f,t,v\nCA,export,2024,\n,,,\nMX,export,,5\nUS,export,2024,7\n";
        let (_, report) = read(Path::new("x.csv"), csv, &mapping()).unwrap();
        assert_eq!(report.rows_read, 3, "{report:?}");
        let missing = &report.skipped["missing cells"];
        assert_eq!(
            (missing.count, &missing.lines[..]),
            (2, &[2, 4][..]),
            "{report:?}"
        );
        let csv = "p,f,t,v\nCA,export,2024-13,5\n";
        let err = read(Path::new("x.csv"), csv, &mapping()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.csv:2:3: field `t`: `2024-13` is not a period"),
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
        assert_eq!(period("2024-03-01"), Some(Period::Month(2024, 3)));
        assert_eq!(period("2024-03-15"), None);
        assert_eq!(period("2024T5"), None);
        for odd in ["2024é", "2024€", "20é4-1", "éé/2024", "2024M€"] {
            assert_eq!(period(odd), None, "{odd}");
        }
    }
}
