//! The mapping file (`--mapping FILE.yaml`): how an extract is to be read — separator,
//! decimal and thousands marks, columns, flow codes, period format, unit — loaded and
//! checked before a row is read. [`super`] reads the rows through it.

use super::{Amount, Value};
use crate::dataset::Flow;
use crate::error::InputError;
use crate::error::{IoResultExt, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
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
    pub status: crate::dataset::Status,
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
fn reported() -> crate::dataset::Status {
    crate::dataset::Status::Reported
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

    pub(super) fn delimiter_byte(&self) -> u8 {
        if self.delimiter == "\\t" {
            b'\t'
        } else {
            self.delimiter.as_bytes()[0]
        }
    }

    /// A number as the file writes it in text ("1.234,5"), before its unit.
    pub(super) fn number(&self, text: &str) -> Option<f64> {
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
    pub(super) fn amount(&self, value: &Value) -> Amount {
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
