//! Recipients exported from a CRM as `.xlsx`, read with calamine: the first sheet, a
//! header row, then one company a row, as in the CSV file.

use super::recipients::{Cell, Recipients, finish, take_row};
use crate::error::InputError;
use std::path::Path;

/// Parses an `.xlsx` export: its first sheet, a header row, then one company a row.
pub fn parse_xlsx(origin: &Path, bytes: Vec<u8>) -> Recipients {
    let mut out = Recipients {
        origin: origin.to_path_buf(),
        ..Recipients::default()
    };
    let sheet = match crate::workbook::sheet(
        origin,
        bytes,
        None,
        crate::limits::RECIPIENTS_WORKBOOK_BYTES,
    ) {
        Ok(sheet) => sheet,
        Err(why) => {
            out.errors.push(InputError::new(origin, why));
            return out;
        }
    };
    let mut header: Option<Vec<String>> = None;
    for (line, row) in sheet.rows() {
        // A formula's error (`#REF!`, `#N/A`, `#VALUE!`) is no value: read as text it became
        // "Dear #REF!". Each is an error at its cell, which stops the mailing.
        for (j, cell) in row.iter().enumerate() {
            if let calamine::Data::Error(e) = cell.data {
                let mut error = InputError::new(
                    origin,
                    format!("the cell holds the spreadsheet error `{e}`, not a value: correct it in the workbook and export again"),
                )
                .at(Some(line), Some(cell.column));
                if let Some(name) = header.as_ref().and_then(|h| h.get(j)) {
                    error = error.field(name.clone());
                }
                out.errors.push(error);
            }
        }
        let cells: Vec<Cell> = row
            .iter()
            .map(|cell| Cell {
                text: cell_text(cell.data),
                column: cell.column,
            })
            .collect();
        take_row(&mut out, &mut header, line, cells);
        if super::recipients::stopped_reading(&mut out, line) {
            break;
        }
    }
    finish(&mut out, header);
    out
}

/// A spreadsheet cell as text: whole numbers without a decimal point (`39`, not `39.0`).
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}
