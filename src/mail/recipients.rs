//! The recipients file: `data/recipients.csv` (a header, then one company a line) or an
//! `.xlsx` export read with calamine, with the columns
//! `email,name,company,lang,countries,interests,adviser,consent`.
//!
//! Reading never stops at the first problem: every row is read, and each problem is
//! located (file, line, column, column name). [`check`] then holds the rows against the
//! project: languages, countries, chapters, advisers, the briefs that can be built.

use crate::error::InputError;
use crate::i18n::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use super::validate::{Interest, check, interest_kind};
pub use super::xlsx::parse_xlsx;

/// The columns, in their usual order; those marked true must be present.
pub const COLUMNS: [(&str, bool); 8] = [
    ("email", true),
    ("name", true),
    ("company", false),
    ("lang", true),
    ("countries", true),
    ("interests", false),
    ("adviser", false),
    ("consent", true),
];

/// One company's contact, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    /// The line (row) it was read from, 1-based, the header being line 1.
    pub line: usize,
    /// The address as written (trimmed).
    pub email: String,
    pub name: String,
    pub company: String,
    /// `None` when the value is not a language (reported).
    pub lang: Option<Lang>,
    /// Lower-case country codes.
    pub countries: Vec<String>,
    /// CN chapters (`39`) and HS sections (`VII`), upper-case.
    pub interests: Vec<String>,
    /// A key of `advisers:`; `None`: the profile's contact.
    pub adviser: Option<String>,
    pub consent: bool,
    /// The 1-based column of each field, by column name, for messages.
    pub columns: BTreeMap<&'static str, usize>,
}

impl Recipient {
    /// An error about one of this recipient's fields.
    pub fn error(&self, origin: &Path, column: &'static str, message: String) -> InputError {
        InputError::new(origin, message)
            .at(Some(self.line), self.columns.get(column).copied())
            .field(column)
    }
}

/// A recipients file as read: the rows that could be read, problems that stop a mailing
/// (errors) and those that only keep a recipient out (warnings: no consent).
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    pub origin: PathBuf,
    pub list: Vec<Recipient>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<InputError>,
}

/// A cell as read, with its 1-based column.
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) column: usize,
}

/// Reads the recipients file at `path` (relative to `root` unless absolute); `origin` is
/// the name shown in messages. A file that cannot be read (missing, a folder, no
/// permission) is an [`Error::Io`](crate::error::Error::Io) naming it, not a problem of its
/// rows: the command stops with exit status 2.
pub fn read(root: &Path, path: &Path) -> crate::error::Result<Recipients> {
    use crate::error::IoResultExt;
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let origin = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    // The project's own file is a regular file; one named on the command line (made
    // absolute by the commands) may be a pipe. Both are read within the size limit.
    let bytes = if path.is_absolute() {
        crate::limits::read_given(&full)
    } else {
        // The project's own file, from inside the project only (a link to /etc/passwd
        // printed its lines as column names).
        crate::limits::read_within(root, path)
    }
    .io("read", &full)?;
    // A workbook, in any format the spreadsheet reader knows; anything else is CSV.
    let is_xlsx = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xlsb", "xls", "ods"]
            .iter()
            .any(|w| e.eq_ignore_ascii_case(w))
    });
    Ok(if is_xlsx {
        parse_xlsx(&origin, bytes)
    } else {
        parse_csv(&origin, &bytes)
    })
}

/// Parses a CSV recipients file. Never panics, whatever the bytes.
/// The longest name or company a message header takes.
const MAX_TEXT_CHARS: usize = 200;

pub fn parse_csv(origin: &Path, bytes: &[u8]) -> Recipients {
    let mut out = Recipients {
        origin: origin.to_path_buf(),
        ..Recipients::default()
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            out.errors.push(
                InputError::new(origin, "the file is not valid UTF-8 (save it as UTF-8)")
                    .at(Some(line), None),
            );
            return out;
        }
    };
    let text = crate::source::lf(text.strip_prefix('\u{feff}').unwrap_or(text));
    let text = &*text;
    let lines: Vec<&str> = text.lines().collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                out.errors
                    .push(InputError::new(origin, format!("cannot read CSV: {e}")).at(line, None));
                continue;
            }
        };
        let line =
            crate::source::record_line(&lines, record.position().map_or(0, |p| p.line() as usize));
        let starts = line
            .checked_sub(1)
            .and_then(|i| lines.get(i))
            .map(|l| field_columns(l))
            .unwrap_or_default();
        let cells: Vec<Cell> = record
            .iter()
            .enumerate()
            .map(|(i, text)| Cell {
                text: text.to_string(),
                column: starts.get(i).copied().unwrap_or(1),
            })
            .collect();
        take_row(&mut out, &mut header, line, cells);
        if stopped_reading(&mut out, line) {
            break;
        }
    }
    finish(&mut out, header);
    out
}

/// The 1-based column where each field of a CSV line starts.
fn field_columns(line: &str) -> Vec<usize> {
    let mut starts = vec![1];
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => starts.push(i + 2),
            _ => {}
        }
    }
    starts
}

/// Stops reading a file with more problems than anyone fixes at once, and says so (the
/// count would otherwise pass for the file's).
pub(super) fn stopped_reading(out: &mut Recipients, line: usize) -> bool {
    if out.errors.len() < crate::limits::MAX_PROBLEMS {
        return false;
    }
    let origin = out.origin.clone();
    out.errors.push(
        InputError::new(
            &origin,
            format!(
                "stopped reading after {} problems: the rows after this one were not checked; fix these first",
                crate::limits::MAX_PROBLEMS
            ),
        )
        .at(Some(line), None),
    );
    true
}

pub(super) fn finish(out: &mut Recipients, header: Option<Vec<String>>) {
    let origin = out.origin.clone();
    let Some(header) = header else {
        out.errors.push(InputError::new(
            &origin,
            format!(
                "the file is empty: expected a header `{}` and one row per company",
                COLUMNS.map(|c| c.0).join(",")
            ),
        ));
        return;
    };
    let present: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    // A column given twice would let the second silently override the first (a second
    // `consent` column, a second `email`).
    for (i, name) in present.iter().enumerate() {
        if !name.is_empty() && present[..i].contains(name) {
            out.errors.push(
                InputError::new(
                    &origin,
                    format!("the column `{name}` appears twice: keep one"),
                )
                .at(Some(1), None)
                .field(name.clone()),
            );
        } else if !name.is_empty() && !COLUMNS.iter().any(|(c, _)| c == name) {
            out.warnings.push(
                InputError::new(
                    &origin,
                    format!(
                        "the column `{name}` is not read (the columns are {})",
                        COLUMNS.map(|c| c.0).join(", ")
                    ),
                )
                .at(Some(1), None)
                .field(name.clone()),
            );
        }
    }
    for (name, required) in COLUMNS {
        if required && !present.iter().any(|p| p == name) {
            out.errors.push(
                InputError::new(
                    &origin,
                    format!(
                        "no `{name}` column: expected the header `{}`",
                        COLUMNS.map(|c| c.0).join(",")
                    ),
                )
                .at(Some(1), None)
                .field(name),
            );
        }
    }
    // A missing column is reported once, not on every row.
    if out.errors.iter().any(|e| e.line == Some(1)) {
        out.list.clear();
        out.errors.retain(|e| e.line.is_none_or(|l| l <= 1));
    }
    // The same address twice would get two messages (or one file for both).
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for r in &out.list {
        if r.email.is_empty() {
            continue;
        }
        let key = r.email.to_lowercase();
        if let Some(first) = seen.get(&key) {
            duplicates.push(r.error(
                &origin,
                "email",
                format!("`{}` is listed twice (first on line {first})", r.email),
            ));
        } else {
            seen.insert(key, r.line);
        }
    }
    out.errors.extend(duplicates);
}

/// Takes one row of cells: blank rows are skipped, the first other one is the header.
pub(super) fn take_row(
    out: &mut Recipients,
    header: &mut Option<Vec<String>>,
    line: usize,
    cells: Vec<Cell>,
) {
    if cells.iter().all(|c| c.text.trim().is_empty()) {
        return;
    }
    match header {
        None => *header = Some(cells.iter().map(|c| c.text.clone()).collect()),
        Some(names) => read_row(out, names, line, cells),
    }
}

pub(super) fn read_row(out: &mut Recipients, header: &[String], line: usize, cells: Vec<Cell>) {
    let origin = out.origin.clone();
    let mut columns = BTreeMap::new();
    let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_lowercase();
        let Some((known, _)) = COLUMNS.iter().find(|(c, _)| *c == name) else {
            continue;
        };
        let (text, column) = match cells.get(i) {
            Some(cell) => (cell.text.trim().to_string(), cell.column),
            None => (String::new(), cells.last().map_or(1, |c| c.column)),
        };
        columns.insert(*known, column);
        values.insert(*known, text);
    }
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let list = |name: &str| -> Vec<String> {
        value(name)
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut recipient = Recipient {
        line,
        email: value("email"),
        name: value("name"),
        company: value("company"),
        lang: None,
        countries: list("countries")
            .into_iter()
            .map(|c| c.to_lowercase())
            .collect(),
        interests: list("interests")
            .into_iter()
            .map(|c| c.to_uppercase())
            .collect(),
        adviser: Some(value("adviser")).filter(|a| !a.is_empty()),
        consent: false,
        columns,
    };
    let mut errors = Vec::new();
    // A cell beyond the header belongs to no column: a comma too many shifted the row.
    if let Some(extra) = cells
        .get(header.len()..)
        .and_then(|rest| rest.iter().find(|c| !c.text.trim().is_empty()))
    {
        errors.push(
            InputError::new(
                &origin,
                format!(
                    "the row has {} cells but the header {} columns: a comma too many shifts every value after it",
                    cells.len(),
                    header.len()
                ),
            )
            .at(Some(line), Some(extra.column)),
        );
    }
    // A country or interest written twice would attach a brief, or quote a line, twice.
    for (column, items) in [
        ("countries", &recipient.countries),
        ("interests", &recipient.interests),
    ] {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                errors.push(recipient.error(
                    &origin,
                    column,
                    format!("`{item}` is listed twice: each once"),
                ));
                break;
            }
        }
    }
    let email = recipient.email.clone();
    if let Some(why) = crate::vocab::email_problem(&email) {
        errors.push(recipient.error(&origin, "email", why));
    }
    if recipient.name.is_empty() {
        errors.push(recipient.error(
            &origin,
            "name",
            "expected the person's name, found nothing".into(),
        ));
    }
    // A line break in a name would end up in a header: one line of text only.
    for (column, text) in [("name", &recipient.name), ("company", &recipient.company)] {
        if text.chars().count() > MAX_TEXT_CHARS {
            errors.push(recipient.error(
                &origin,
                column,
                format!(
                    "expected at most {MAX_TEXT_CHARS} characters, found {}",
                    text.chars().count()
                ),
            ));
        }
        if text.chars().any(char::is_control) {
            errors.push(recipient.error(
                &origin,
                column,
                format!(
                    "expected one line of text, found a line break or control character in `{}`",
                    text.escape_debug()
                ),
            ));
        }
    }
    let lang = value("lang");
    match lang.parse::<Lang>() {
        Ok(l) => recipient.lang = Some(l),
        Err(_) => errors.push(recipient.error(
            &origin,
            "lang",
            format!("unknown language `{lang}` (expected fr, nl or en)"),
        )),
    }
    if recipient.countries.is_empty() {
        errors.push(recipient.error(
            &origin,
            "countries",
            "expected one or more country codes (`ca;mx`), found nothing".into(),
        ));
    }
    let consent = value("consent");
    match consent.to_lowercase().as_str() {
        "yes" => recipient.consent = true,
        "no" | "" => out.warnings.push(recipient.error(
            &origin,
            "consent",
            if consent.is_empty() {
                format!(
                    "{} has not consented (consent is empty): never mailed",
                    recipient.email
                )
            } else {
                format!(
                    "{} has not consented (consent is `{consent}`): never mailed",
                    recipient.email
                )
            },
        )),
        _ => errors.push(recipient.error(
            &origin,
            "consent",
            format!("expected `yes` or `no`, found `{consent}`"),
        )),
    }
    out.errors.extend(errors);
    out.list.push(recipient);
}

#[cfg(test)]
mod tests;
