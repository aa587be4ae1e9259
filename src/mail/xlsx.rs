//! Recipients exported from a CRM as `.xlsx`, read with calamine: the first sheet, a
//! header row, then one company a row, as in the CSV file.

use super::recipients::{Cell, Recipients, finish, take_row};
use crate::error::InputError;
use std::path::Path;

/// Parses an `.xlsx` export: its first sheet, a header row, then one company a row.
pub fn parse_xlsx(origin: &Path, bytes: Vec<u8>) -> Recipients {
    use calamine::{Reader, Xlsx};
    let mut out = Recipients {
        origin: origin.to_path_buf(),
        ..Recipients::default()
    };
    if let Some(why) =
        crate::limits::workbook_beyond(&bytes, crate::limits::RECIPIENTS_WORKBOOK_BYTES)
    {
        out.errors.push(InputError::new(origin, why));
        return out;
    }
    let range = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| e.to_string())
        .and_then(|mut book| {
            book.worksheet_range_at(0)
                .ok_or_else(|| "the workbook has no sheet".to_string())?
                .map_err(|e| e.to_string())
        });
    let range = match range {
        Ok(range) => range,
        Err(e) => {
            out.errors.push(InputError::new(
                origin,
                format!("cannot read the workbook: {e}"),
            ));
            return out;
        }
    };
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut header: Option<Vec<String>> = None;
    for (i, row) in range.rows().enumerate() {
        let line = first_row as usize + i + 1;
        // A formula's error (`#REF!`, `#N/A`, `#VALUE!`) is no value: read as text it became
        // "Dear #REF!". Each is an error at its cell, which stops the mailing.
        for (j, cell) in row.iter().enumerate() {
            if let calamine::Data::Error(e) = cell {
                let column = first_col as usize + j + 1;
                let mut error = InputError::new(
                    origin,
                    format!("the cell holds the spreadsheet error `{e}`, not a value: correct it in the workbook and export again"),
                )
                .at(Some(line), Some(column));
                if let Some(name) = header.as_ref().and_then(|h| h.get(j)) {
                    error = error.field(name.clone());
                }
                out.errors.push(error);
            }
        }
        let cells: Vec<Cell> = row
            .iter()
            .enumerate()
            .map(|(j, cell)| Cell {
                text: cell_text(cell),
                column: first_col as usize + j + 1,
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
