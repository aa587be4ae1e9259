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
    let sheet = crate::workbook::sheet(file, bytes, sheet, crate::limits::TABLE_BYTES)
        .map_err(|why| InputError::new(file, why))?;
    let rows = sheet.rows().map(|(line, cells)| {
        Ok(Row {
            line,
            cells: cells
                .iter()
                .map(|cell| Cell {
                    value: value(cell.data),
                    column: cell.column,
                })
                .collect(),
        })
    });
    let origin = Origin {
        file,
        sheet: Some(&sheet.name),
    };
    read_rows(origin, rows, mapping)
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
