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
