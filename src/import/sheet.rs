//! Importing a workbook (`.xlsx`, `.xls`, `.ods`) through a mapping: one sheet's rows, read
//! with calamine, go through the same reader as a CSV file's lines
//! ([`mapped::read_rows`](crate::import::mapped::read_rows)), with typed cells: a number is
//! a number and a date a date, whatever the locale the workbook was made in.

use crate::error::InputError;
use crate::import::Rows;
use crate::import::mapped::{Cell, MappedReport, Mapping, Origin, Row, Value, read_rows};
use std::path::Path;

/// Reads the sheet `sheet` (the first when `None`) of the workbook `bytes`, from `file`,
/// through a mapping. An unknown sheet is an error that lists the workbook's sheets.
pub fn read(
    file: &Path,
    bytes: Vec<u8>,
    sheet: Option<&str>,
    mapping: &Mapping,
) -> Result<(Rows, MappedReport), InputError> {
    use calamine::Reader;
    let unreadable = |e: &dyn std::fmt::Display| {
        InputError::new(
            file,
            format!("cannot read the workbook (.xlsx, .xls or .ods): {e}"),
        )
    };
    if let Some(why) = crate::limits::workbook_too_large(&bytes) {
        return Err(InputError::new(file, why));
    }
    let mut book = open(file, bytes).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .ok_or_else(|| {
                InputError::new(
                    file,
                    format!(
                        "the workbook has no sheet `{wanted}` (sheets: {})",
                        names.join(", ")
                    ),
                )
            })?
            .clone(),
        None => names
            .first()
            .ok_or_else(|| InputError::new(file, "the workbook has no sheet"))?
            .clone(),
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| unreadable(&format!("sheet {name}: {e}")))?;
    // Positions are the sheet's own (row 1, column A), wherever its first used cell is.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let rows = range.rows().enumerate().map(|(i, cells)| {
        Ok(Row {
            line: first_row as usize + i + 1,
            cells: cells
                .iter()
                .enumerate()
                .map(|(j, data)| Cell {
                    value: value(data),
                    column: first_col as usize + j + 1,
                })
                .collect(),
        })
    });
    let origin = Origin {
        file,
        sheet: Some(&name),
    };
    read_rows(origin, rows, mapping)
}

/// Opens a workbook in the format its name says, so that a damaged file gets that format's
/// reason; a name without a known extension is tried in each format.
fn open(
    file: &Path,
    bytes: Vec<u8>,
) -> Result<calamine::Sheets<std::io::Cursor<Vec<u8>>>, calamine::Error> {
    use calamine::{Error, Ods, Reader, Sheets, Xls, Xlsb, Xlsx};
    let data = std::io::Cursor::new(bytes);
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match extension.as_deref() {
        Some("xlsx" | "xlsm") => Sheets::Xlsx(Xlsx::new(data).map_err(Error::Xlsx)?),
        Some("xls") => Sheets::Xls(Xls::new(data).map_err(Error::Xls)?),
        Some("xlsb") => Sheets::Xlsb(Xlsb::new(data).map_err(Error::Xlsb)?),
        Some("ods") => Sheets::Ods(Ods::new(data).map_err(Error::Ods)?),
        _ => calamine::open_workbook_auto_from_rs(data)?,
    })
}

/// A cell as the mapped reader takes it.
fn value(data: &calamine::Data) -> Value {
    use calamine::Data;
    match data {
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => Value::Text(s.clone()),
        Data::Empty => Value::Text(String::new()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            Value::Date {
                year: year.into(),
                month,
                day,
            }
        }
        // An .ods date is written `2024-01-01` (or with a time after a `T`).
        Data::DateTimeIso(iso) => iso_date(iso).unwrap_or_else(|| Value::Text(iso.clone())),
        Data::Error(e) => Value::Error(e.to_string()),
        // Booleans and durations are no codes, periods or amounts: as text, they are
        // refused or skipped by the same rules as any other text.
        other => Value::Text(other.to_string()),
    }
}

fn iso_date(iso: &str) -> Option<Value> {
    let date = iso.get(..10)?;
    if iso.len() > 10 && !iso[10..].starts_with('T') {
        return None;
    }
    let mut parts = date.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Some(Value::Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ods_dates_are_dates_with_or_without_a_time() {
        let date = Value::Date {
            year: 2024,
            month: 4,
            day: 1,
        };
        assert_eq!(iso_date("2024-04-01"), Some(date.clone()));
        assert_eq!(iso_date("2024-04-01T00:00:00"), Some(date));
        assert_eq!(iso_date("2024-04"), None);
        assert_eq!(iso_date("2024-04-01x"), None);
    }
}
