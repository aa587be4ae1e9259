//! `marketbrief import xlsx`: an NBB-like and an IBSA-like workbook, written here with
//! rust_xlsxwriter (and the IBSA one as .ods too), import exactly as their CSV exports do
//! through the same mapping; a bad cell is an error at its sheet and cell, and nothing is
//! written. Every figure here is illustrative, and so is the status of every imported row.

mod common;

use common::{copy_project, marketbrief, marketbrief_fails};
use std::path::Path;

/// A cell as a spreadsheet holds it.
#[derive(Clone)]
enum C {
    T(&'static str),
    N(f64),
    D(u16, u8, u8),
    Blank,
}

type Table = Vec<Vec<C>>;

/// Belgian services exports by partner and year, in EUR million (illustrative figures, not
/// the NBB's): a title row, years and amounts as number cells, a figure not given as `n.d.`,
/// a blank row.
fn nbb() -> Table {
    use C::*;
    vec![
        vec![T(
            "Belgium: services exports by partner, EUR million (illustrative figures, not NBB data)",
        )],
        vec![
            T("Partner"),
            T("Year"),
            T("Component"),
            T("Exports (EUR million)"),
        ],
        vec![T("CA"), N(2023.0), T("TOTAL"), N(668.4)],
        vec![T("CA"), N(2024.0), T("TOTAL"), N(697.1)],
        vec![T("CA"), N(2023.0), T("SJ"), N(93.25)],
        vec![T("MX"), N(2023.0), T("TOTAL"), N(612.0)],
        vec![T("MX"), N(2024.0), T("TOTAL"), N(1644.5)],
        vec![T("MX"), N(2024.0), T("SJ"), T("n.d.")],
        vec![Blank, Blank, Blank, Blank],
        vec![T("US"), N(2024.0), T("TOTAL"), N(1234.5)],
    ]
}

const NBB_MAPPING: &str = "\
# Illustrative: an NBB-like services workbook (see tests/import_xlsx.rs).
delimiter: \";\"
decimal: \",\"
thousands: \".\"
skip_lines: 1
columns: {partner: Partner, period: Year, product: Component, value: Exports (EUR million)}
constants: {reporter: BE, flow: export}
unit: 1000000
status: illustrative
metadata:
  title: {fr: Fixture BNB (services), nl: NBB-fixture (diensten), en: NBB fixture (services)}
  kind: services
  classification: ebops-2010
  source: {fr: Test, nl: Test, en: Test}
  url: https://example.org/nbb
  licence: CC0
  concept: {fr: Test, nl: Test, en: Test}
  last_update: 2025-07-23
  illustrative: true
";

/// Brussels goods exports by partner (illustrative figures, not IBSA's): quarters written
/// as text for Mexico, months as date cells (each on the first of its month) for Canada.
fn ibsa() -> Table {
    use C::*;
    let mut rows = vec![
        vec![T(
            "Uitvoer van goederen van het Brussels Gewest (illustratieve cijfers, geen BISA-gegevens)",
        )],
        vec![
            T("Land"),
            T("Periode"),
            T("Productgroep"),
            T("Waarde (EUR)"),
        ],
    ];
    for (q, value) in [("2024-Q1", 1000.5), ("2024-Q2", 2000.0)] {
        rows.push(vec![T("MX"), T(q), T("Chemie"), N(value)]);
    }
    rows.push(vec![T("MX"), T("2024-Q3"), T("Chemie"), N(1234567.25)]);
    rows.push(vec![T("MX"), T("2024-Q4"), T("Chemie"), N(3000.0)]);
    for m in 1..=12 {
        rows.push(vec![
            T("CA"),
            D(2024, m, 1),
            T("Machines"),
            N(100.0 + m as f64),
        ]);
    }
    rows.push(vec![T("CA"), D(2024, 1, 1), T("Speelgoed"), N(5.0)]);
    rows
}

const IBSA_MAPPING: &str = "\
# Illustrative: an IBSA-like goods workbook (see tests/import_xlsx.rs).
delimiter: \";\"
decimal: \",\"
thousands: \".\"
skip_lines: 1
columns: {partner: Land, period: Periode, product: Productgroep, value: Waarde (EUR)}
constants: {reporter: BE-BRU, flow: export}
products:
  table: {Chemie: VI, Machines: XVI}
status: illustrative
metadata:
  title: {fr: Fixture IBSA, nl: BISA-fixture, en: IBSA fixture}
  kind: goods
  classification: hs-section
  source: {fr: Test, nl: Test, en: Test}
  url: https://example.org/ibsa
  licence: CC0
  concept: {fr: Test, nl: Test, en: Test}
  last_update: 2025-07-23
  illustrative: true
";

/// The explanatory sheet statistical offices put first.
fn notes() -> Table {
    vec![
        vec![C::T("Toelichting")],
        vec![C::T("Illustratieve cijfers, geen BISA-gegevens.")],
    ]
}

fn write_xlsx(path: &Path, sheets: &[(&str, &Table)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::T(t) => sheet.write_string(r, c, *t).map(|_| ()),
                    C::N(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    C::D(y, m, d) => {
                        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        sheet
                            .write_datetime_with_format(r, c, &day, &date)
                            .map(|_| ())
                    }
                    C::Blank => Ok(()),
                }
                .unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// The sheet saved as CSV by a spreadsheet set to Belgian conventions: semicolons, decimal
/// commas, dates as shown (yyyy-mm-dd).
fn write_csv(path: &Path, rows: &Table) {
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                C::T(t) => t.to_string(),
                C::N(n) => n.to_string().replace('.', ","),
                C::D(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
                C::Blank => String::new(),
            })
            .collect();
        text.push_str(&cells.join(";"));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// An OpenDocument spreadsheet: the `mimetype`, manifest and `content.xml` a reader needs,
/// stored uncompressed in a zip.
fn write_ods(path: &Path, sheets: &[(&str, &Table)]) {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for (name, rows) in sheets {
        xml.push_str(&format!(r#"<table:table table:name="{name}">"#));
        for row in rows.iter() {
            xml.push_str("<table:table-row>");
            for cell in row {
                xml.push_str(&match cell {
                    C::T(t) => format!(
                        r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
                    ),
                    C::N(n) => format!(
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    ),
                    C::D(y, m, d) => format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{y:04}-{m:02}-{d:02}"><text:p>{d:02}/{m:02}/{y:04}</text:p></table:table-cell>"#
                    ),
                    C::Blank => "<table:table-cell/>".to_string(),
                });
            }
            xml.push_str("</table:table-row>");
        }
        xml.push_str("</table:table>");
    }
    xml.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let files: [(&str, &[u8]); 3] = [
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", xml.as_bytes()),
    ];
    std::fs::write(path, stored_zip(&files)).unwrap();
}

/// A zip archive of `files`, stored without compression.
fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in data {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, data) in files {
        let offset = out.len() as u32;
        let (crc, size, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
        // Version 2.0, no flags, stored, 1980-01-01 00:00.
        let common = |v: &mut Vec<u8>| {
            for x in [20u16, 0, 0, 0, 0x21] {
                v.extend(x.to_le_bytes());
            }
            for x in [crc, size, size] {
                v.extend(x.to_le_bytes());
            }
            v.extend(name_len.to_le_bytes());
            v.extend(0u16.to_le_bytes());
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(name.as_bytes());
        out.extend(*data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        common(&mut central);
        for x in [0u16, 0, 0] {
            central.extend(x.to_le_bytes());
        }
        central.extend(0u32.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let (central_offset, central_size) = (out.len() as u32, central.len() as u32);
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    let n = files.len() as u16;
    for x in [0u16, 0, n, n] {
        out.extend(x.to_le_bytes());
    }
    out.extend(central_size.to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// `marketbrief import <kind> FILE --mapping MAPPING --dataset ID [extra…]`.
fn import(kind: &str, file: &Path, mapping: &Path, dataset: &str) -> Vec<String> {
    vec![
        "import".into(),
        kind.into(),
        file.to_str().unwrap().into(),
        "--mapping".into(),
        mapping.to_str().unwrap().into(),
        "--dataset".into(),
        dataset.into(),
    ]
}

fn run(project: &Path, args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    marketbrief(project, &args)
}

fn fails(project: &Path, args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    marketbrief_fails(project, &args)
}

/// What an import said, the file's name aside: rows kept and skipped, coverage, changes.
/// A sheet's skipped rows are placed by row (`at rows 3, 8`), a CSV file's by line.
fn said(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| !l.starts_with("read ") && !l.starts_with("kept ") && !l.starts_with("wrote "))
        .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string())
        .map(|l| {
            l.replace(", at row ", ", at line ")
                .replace(", at rows ", ", at lines ")
        })
        .collect()
}

#[test]
fn workbooks_import_exactly_as_their_csv_exports_through_the_same_mapping() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name);
    std::fs::write(file("nbb.yaml"), NBB_MAPPING).unwrap();
    std::fs::write(file("ibsa.yaml"), IBSA_MAPPING).unwrap();
    let (nbb, ibsa, notes) = (nbb(), ibsa(), notes());
    // The NBB workbook's data are on its first sheet; IBSA's behind a sheet of notes.
    write_xlsx(&file("nbb.xlsx"), &[("Exports", &nbb), ("Notes", &notes)]);
    write_xlsx(
        &file("ibsa.xlsx"),
        &[("Toelichting", &notes), ("Uitvoer", &ibsa)],
    );
    write_ods(
        &file("ibsa.ods"),
        &[("Toelichting", &notes), ("Uitvoer", &ibsa)],
    );
    write_csv(&file("nbb.csv"), &nbb);
    write_csv(&file("ibsa.csv"), &ibsa);

    let p = project.path();
    let sheet = |mut args: Vec<String>, name: &str| {
        args.extend(["--sheet".to_string(), name.to_string()]);
        args
    };
    for (shape, workbook_args, csv_args) in [
        (
            "nbb",
            import("xlsx", &file("nbb.xlsx"), &file("nbb.yaml"), "nbb-xlsx"),
            import("csv", &file("nbb.csv"), &file("nbb.yaml"), "nbb-csv"),
        ),
        (
            "ibsa",
            sheet(
                import("xlsx", &file("ibsa.xlsx"), &file("ibsa.yaml"), "ibsa-xlsx"),
                "Uitvoer",
            ),
            import("csv", &file("ibsa.csv"), &file("ibsa.yaml"), "ibsa-csv"),
        ),
        (
            "ibsa (ods)",
            sheet(
                import("xlsx", &file("ibsa.ods"), &file("ibsa.yaml"), "ibsa-ods"),
                "Uitvoer",
            ),
            import(
                "csv",
                &file("ibsa.csv"),
                &file("ibsa.yaml"),
                "ibsa-csv-again",
            ),
        ),
    ] {
        let from_workbook = run(p, &workbook_args);
        let from_csv = run(p, &csv_args);
        let dataset = |args: &[String], ext: &str| {
            std::fs::read_to_string(p.join(format!("data/datasets/{}.{ext}", args[6]))).unwrap()
        };
        assert_eq!(
            dataset(&workbook_args, "csv"),
            dataset(&csv_args, "csv"),
            "{shape}"
        );
        // The metadata differ in their first line only, which names the command.
        let rest = |text: String| text.split_once('\n').unwrap().1.to_string();
        assert_eq!(
            rest(dataset(&workbook_args, "yaml")),
            rest(dataset(&csv_args, "yaml")),
            "{shape}"
        );
        assert!(
            dataset(&workbook_args, "yaml").starts_with("# Written by `marketbrief import xlsx`"),
            "{shape}"
        );
        // The same rows read, kept and skipped, for the same reasons.
        assert_eq!(said(&from_workbook), said(&from_csv), "{shape}");
    }

    let rows = |id: &str| {
        std::fs::read_to_string(p.join(format!("data/datasets/{id}.csv")))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // Number cells are taken as they are (93.25, not 9325 for the decimal comma's sake), in
    // the mapping's unit; `n.d.` is skipped and said so; every row illustrative.
    let nbb_rows = rows("nbb-xlsx");
    for row in [
        "BE,CA,export,2023,SJ,93250000,illustrative",
        "BE,MX,export,2024,TOTAL,1644500000,illustrative",
        "BE,US,export,2024,TOTAL,1234500000,illustrative",
    ] {
        assert!(nbb_rows.iter().any(|r| r == row), "{row} in {nbb_rows:#?}");
    }
    assert!(!nbb_rows.iter().any(|r| r.contains("MX,export,2024,SJ")));
    assert!(nbb_rows[1..].iter().all(|r| r.ends_with(",illustrative")));
    let report = run(
        p,
        &import("xlsx", &file("nbb.xlsx"), &file("nbb.yaml"), "nbb-xlsx"),
    );
    assert!(report.contains("read 7 rows from"), "{report}");
    // Placed at its row, as the spreadsheet numbers it.
    assert!(
        report.contains("skipped 1 row: no value, at row 8"),
        "{report}"
    );
    assert!(report.contains("0 rows to add, 0 to change"), "{report}");
    // Quarters as text make the year; months as date cells make quarters and the year.
    let ibsa_rows = rows("ibsa-xlsx");
    for row in [
        "BE-BRU,MX,export,2024,VI,1240567.75,illustrative",
        "BE-BRU,CA,export,2024-01,XVI,101,illustrative",
        "BE-BRU,CA,export,2024-Q1,XVI,306,illustrative",
        "BE-BRU,CA,export,2024,XVI,1278,illustrative",
    ] {
        assert!(
            ibsa_rows.iter().any(|r| r == row),
            "{row} in {ibsa_rows:#?}"
        );
    }
    // What was imported loads as every dataset does.
    marketbrief(p, &["check"]);
}

#[test]
fn a_bad_cell_is_an_error_at_its_sheet_and_cell_and_nothing_is_written() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let p = project.path();
    let mapping = p.join("nbb.yaml");
    std::fs::write(&mapping, NBB_MAPPING).unwrap();
    for (what, row, cell, expected) in [
        (
            "a typo in an amount",
            4,
            (3, C::T("69O,1")),
            "sheet Exports, cell D5: `69O,1` is not an amount with the mapping's decimal mark `,` and thousands separator `.`",
        ),
        (
            "a negative amount",
            4,
            (3, C::N(-697.1)),
            "sheet Exports, cell D5: `-697.1` is not a trade value",
        ),
        (
            "a date for an amount",
            4,
            (3, C::D(2024, 1, 1)),
            "sheet Exports, cell D5: a date (2024-01-01) where an amount is expected",
        ),
        (
            "a period that does not read",
            6,
            (1, C::T("2024-Q5")),
            "sheet Exports, cell B7: `2024-Q5` is not a period",
        ),
        (
            "a date that is not the first of a month",
            2,
            (1, C::D(2023, 3, 15)),
            "sheet Exports, cell B3: `2023-03-15` is not a period",
        ),
    ] {
        let mut table = nbb();
        table[row][cell.0] = cell.1;
        let workbook = p.join("bad.xlsx");
        write_xlsx(&workbook, &[("Exports", &table)]);
        let stderr = fails(p, &import("xlsx", &workbook, &mapping, "nbb-bad"));
        assert!(stderr.contains("bad.xlsx:"), "{what}: {stderr}");
        assert!(stderr.contains(expected), "{what}: {stderr}");
        assert!(!p.join("data/datasets/nbb-bad.csv").exists(), "{what}");
        assert!(!p.join("data/datasets/nbb-bad.yaml").exists(), "{what}");
    }
    // The rule is the mapping's, whatever the format: the CSV export is refused at its
    // line and column, with the column's header.
    let mut table = nbb();
    table[4][3] = C::T("69O,1");
    let csv = p.join("bad.csv");
    write_csv(&csv, &table);
    let stderr = fails(p, &import("csv", &csv, &mapping, "nbb-bad"));
    assert!(
        stderr.contains(
            "bad.csv:5:4: field `Exports (EUR million)`: `69O,1` is not an amount with the mapping's decimal mark `,`"
        ),
        "{stderr}"
    );
    // An observation given twice is refused with both rows.
    let mut table = nbb();
    table[9] = table[2].clone();
    let workbook = p.join("twice.xlsx");
    write_xlsx(&workbook, &[("Exports", &table)]);
    let stderr = fails(p, &import("xlsx", &workbook, &mapping, "nbb-bad"));
    assert!(
        stderr.contains(
            "twice.xlsx:10: sheet Exports, row 10: this row repeats the observation of row 3 (BE CA export 2023 TOTAL)"
        ),
        "{stderr}"
    );
    assert!(!p.join("data/datasets/nbb-bad.csv").exists());
}

#[test]
fn an_unknown_sheet_is_refused_with_the_workbook_sheets_listed() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let p = project.path();
    let (mapping, workbook) = (p.join("ibsa.yaml"), p.join("ibsa.xlsx"));
    std::fs::write(&mapping, IBSA_MAPPING).unwrap();
    let (ibsa, notes) = (ibsa(), notes());
    write_xlsx(&workbook, &[("Toelichting", &notes), ("Uitvoer", &ibsa)]);
    let mut args = import("xlsx", &workbook, &mapping, "ibsa");
    args.extend(["--sheet".into(), "Invoer".into()]);
    let stderr = fails(p, &args);
    assert!(
        stderr.contains(
            "ibsa.xlsx: the workbook has no sheet `Invoer` (sheets: Toelichting, Uitvoer)"
        ),
        "{stderr}"
    );
    // Without --sheet, the first sheet is read: here the notes, without the mapping's columns.
    let stderr = fails(p, &import("xlsx", &workbook, &mapping, "ibsa"));
    assert!(
        stderr.contains(
            "sheet Toelichting, row 2: the mapping's column `Land` for partner is not in the file"
        ),
        "{stderr}"
    );
    assert!(!p.join("data/datasets/ibsa.csv").exists());
}
