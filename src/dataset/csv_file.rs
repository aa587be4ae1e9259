//! A dataset's CSV (`data/datasets/<id>.csv`): the one reader of dataset files, for
//! loading and for the imports that merge into a dataset, and the writer the imports use.

use super::*;

#[derive(Debug, Clone, Deserialize)]
struct Row {
    reporter: String,
    partner: String,
    flow: String,
    period: String,
    product: String,
    value_eur: String,
    status: String,
}

/// Reads a dataset's CSV: every observation with its line, and every bad row located (file,
/// line, column name), all at once. A wrong header is an error on its own. The one reader
/// of dataset files, for loading and for imports that merge into a dataset.
pub fn read_csv(
    csv_path: &Path,
    csv_text: &str,
) -> Result<(Observations, Vec<InputError>), Vec<InputError>> {
    let mut errors = Vec::new();
    let mut observations = BTreeMap::new();
    // The csv reader's line numbers run short on CR LF files: with LF only, every row's
    // line is the one an editor shows.
    let csv_text: std::borrow::Cow<str> = if csv_text.contains('\r') {
        csv_text.replace("\r\n", "\n").into()
    } else {
        csv_text.into()
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let expected = COLUMNS;
    match reader.headers() {
        Ok(headers) => {
            let found: Vec<&str> = headers.iter().collect();
            if found != expected {
                return Err(vec![
                    InputError::new(
                        csv_path,
                        format!(
                            "expected the header `{}`, found `{}`",
                            expected.join(","),
                            found.join(",")
                        ),
                    )
                    .at(Some(1), None),
                ]);
            }
        }
        Err(e) => return Err(vec![InputError::new(csv_path, e.to_string())]),
    }
    let headers = reader.headers().cloned().unwrap_or_default();
    let lines: Vec<&str> = csv_text.lines().collect();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                errors.push(InputError::new(csv_path, csv_message(&e)).at(line, None));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = crate::source::record_line(
            &lines,
            record.position().map(|p| p.line() as usize).unwrap_or(0),
        );
        let row: Row = match record.deserialize(Some(&headers)) {
            Ok(row) => row,
            Err(e) => {
                errors.push(InputError::new(csv_path, csv_message(&e)).at(Some(line), None));
                continue;
            }
        };
        let err = |field: &str, msg: String| {
            InputError::new(csv_path, msg)
                .at(Some(line), None)
                .field(field)
        };
        let flow = match row.flow.as_str() {
            "export" => Flow::Export,
            "import" => Flow::Import,
            other => {
                errors.push(err(
                    "flow",
                    format!("expected `export` or `import`, found `{other}`"),
                ));
                continue;
            }
        };
        let period = match row.period.parse::<Period>() {
            Ok(p) => p,
            Err(msg) => {
                errors.push(err("period", msg));
                continue;
            }
        };
        let value_eur = match row.value_eur.parse::<f64>() {
            // Above a thousand thousand billion euros no trade figure is true: a slip
            // of the decimal mark or the unit, which would overflow the cards.
            Ok(v) if v.is_finite() && v >= MAX_VALUE_EUR => {
                errors.push(err(
                    "value_eur",
                    format!(
                        "expected an amount in euros below 10^15, found `{}`: check the unit and the decimal mark",
                        row.value_eur
                    ),
                ));
                continue;
            }
            // `-0` is 0 (recorded and printed as "-0" otherwise).
            Ok(v) if v.is_finite() && v >= 0.0 => v + 0.0,
            _ => {
                errors.push(err(
                    "value_eur",
                    format!(
                        "expected a non-negative amount in euros, found `{}`",
                        row.value_eur
                    ),
                ));
                continue;
            }
        };
        let status = match row.status.as_str() {
            "reported" => Status::Reported,
            "published" => Status::Published,
            "derived" => Status::Derived,
            "illustrative" => Status::Illustrative,
            other => {
                errors.push(err(
                    "status",
                    format!(
                        "expected reported, published, derived or illustrative, found `{other}`"
                    ),
                ));
                continue;
            }
        };
        for (field, value) in [
            ("reporter", &row.reporter),
            ("partner", &row.partner),
            ("product", &row.product),
        ] {
            if value.is_empty() {
                errors.push(err(field, "expected a code, found an empty cell".into()));
            }
        }
        let key = ObsKey {
            reporter: row.reporter,
            partner: row.partner,
            flow,
            period,
            product: row.product,
        };
        if observations
            .insert(
                key.clone(),
                Observation {
                    value_eur,
                    status,
                    line,
                },
            )
            .is_some()
        {
            errors.push(err(
                "period",
                format!(
                    "duplicated observation: {} {} {} {} {} appears more than once",
                    key.reporter, key.partner, row.flow, key.period, key.product
                ),
            ));
        }
    }
    Ok((observations, errors))
}

/// One row of a dataset CSV, as imports write it.
pub struct CsvRow<'a> {
    pub reporter: &'a str,
    pub partner: &'a str,
    pub flow: Flow,
    pub period: Period,
    pub product: &'a str,
    pub value_eur: f64,
    pub status: &'a str,
}

/// Writes rows as a dataset CSV, with its header, each cell quoted where it needs it (a
/// partner name with a comma). The one writer of dataset files.
pub fn write_csv<'a>(rows: impl IntoIterator<Item = CsvRow<'a>>) -> Result<String, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for row in rows {
        writer.write_record([
            row.reporter,
            row.partner,
            row.flow.as_str(),
            &row.period.to_string(),
            row.product,
            &row.value_eur.to_string(),
            row.status,
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    // Every cell was a `str`: the bytes are UTF-8.
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e).into())
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} columns, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".into(),
        _ => e.to_string(),
    }
}
