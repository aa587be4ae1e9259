//! The one spreadsheet reader: a workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`)
//! opened with calamine under a bound on what it inflates to, and one of its sheets taken
//! with its cells' positions as the spreadsheet numbers them (row 1, column A = 1, wherever
//! the first used cell is). The recipients file and the mapped imports read through it,
//! each turning cells into what it needs.

use std::path::Path;

/// One sheet of a workbook.
pub struct Sheet {
    /// Its name in the workbook.
    pub name: String,
    range: calamine::Range<calamine::Data>,
}

/// A cell with its 1-based row and column.
pub struct Cell<'a> {
    pub row: usize,
    pub column: usize,
    pub data: &'a calamine::Data,
}

impl Sheet {
    /// The sheet's rows, in order, each its cells with their positions.
    pub fn rows(&self) -> impl Iterator<Item = (usize, Vec<Cell<'_>>)> + '_ {
        let (first_row, first_col) = self.range.start().unwrap_or((0, 0));
        self.range.rows().enumerate().map(move |(i, cells)| {
            let row = first_row as usize + i + 1;
            let cells = cells
                .iter()
                .enumerate()
                .map(|(j, data)| Cell {
                    row,
                    column: first_col as usize + j + 1,
                    data,
                })
                .collect();
            (row, cells)
        })
    }
}

/// Opens the workbook `bytes` (named `file`, whose extension says its format) and takes the
/// sheet `which`, or the first. Refused, saying why, when it would inflate beyond `limit`
/// bytes, cannot be read, or has no such sheet (the sheets it has are listed).
pub fn sheet(
    file: &Path,
    bytes: Vec<u8>,
    which: Option<&str>,
    limit: u64,
) -> Result<Sheet, String> {
    use calamine::Reader;
    if let Some(why) = crate::limits::workbook_beyond(&bytes, limit) {
        return Err(why);
    }
    let unreadable =
        |e: &dyn std::fmt::Display| format!("cannot read the workbook (.xlsx, .xls or .ods): {e}");
    let mut book = open(file, bytes).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let name = match which {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .ok_or_else(|| {
                format!(
                    "the workbook has no sheet `{}` (sheets: {})",
                    crate::limits::quote(wanted),
                    names.join(", ")
                )
            })?
            .clone(),
        None => names
            .first()
            .ok_or_else(|| "the workbook has no sheet".to_string())?
            .clone(),
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| unreadable(&format!("sheet {name}: {e}")))?;
    Ok(Sheet { name, range })
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
