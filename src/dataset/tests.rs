use super::*;

const META: &str = "title: {fr: T, nl: T, en: T}\nkind: goods\nclassification: hs-section\nsource: {fr: S, nl: S, en: S}\nurl: https://example.org\nlicence: CC BY 4.0\nconcept: {fr: C, nl: C, en: C}\nlast_update: 2025-07-23\nillustrative: false\n";

fn parse(csv: &str) -> Result<Dataset, Vec<InputError>> {
    Dataset::parse("t", Path::new("t.yaml"), META, Path::new("t.csv"), csv)
}

#[test]
fn series_is_exactly_one_reporter_partner_and_flow() {
    let csv = "reporter,partner,flow,period,product,value_eur,status\n\
               BE,CA,export,2024,TOTAL,1,reported\n\
               BE,CA,export,2024-03,VI,2,reported\n\
               BE,CA,export,2023-Q1,TOTAL,3,reported\n\
               BE,CA,import,2024,TOTAL,4,reported\n\
               BE,BR,export,2024,TOTAL,5,reported\n\
               BE,DE,export,2024,TOTAL,6,reported\n\
               BE-BRU,CA,export,2024,TOTAL,7,reported\n";
    let d = parse(csv).unwrap();
    let values: Vec<f64> = d
        .series("BE", "CA", Flow::Export)
        .map(|(_, o)| o.value_eur)
        .collect();
    assert_eq!(values, [1.0, 3.0, 2.0]);
    assert_eq!(d.series("BE", "XX", Flow::Export).count(), 0);
    assert_eq!(
        d.months("BE", "CA", Flow::Export, 2024)
            .into_iter()
            .collect::<Vec<_>>(),
        [3]
    );
    assert!(d.months("BE", "CA", Flow::Import, 2024).is_empty());
}

#[test]
fn periods_parse() {
    assert_eq!("2024".parse::<Period>().unwrap(), Period::Year(2024));
    assert_eq!(
        "2024-Q3".parse::<Period>().unwrap(),
        Period::Quarter(2024, 3)
    );
    assert_eq!(
        "2024-11".parse::<Period>().unwrap(),
        Period::Month(2024, 11)
    );
    for bad in ["24", "2024-13", "2024-Q0", "2024T3", "x"] {
        assert!(bad.parse::<Period>().is_err(), "{bad}");
    }
    assert!(Period::Year(2025).contains(Period::Month(2025, 3)));
    assert!(Period::Quarter(2025, 1).contains(Period::Month(2025, 3)));
    assert!(!Period::Quarter(2025, 2).contains(Period::Month(2025, 3)));
    assert!(!Period::Month(2025, 3).contains(Period::Year(2025)));
    assert!(!Period::Year(2024).contains(Period::Quarter(2025, 1)));
}

#[test]
fn rows_load_and_bad_rows_are_all_reported_with_lines() {
    let csv = "reporter,partner,flow,period,product,value_eur,status\n\
               BE-BRU,CA,export,2024,TOTAL,32400000,published\n\
               BE-BRU,CA,exprt,2024,TOTAL,1,published\n\
               BE-BRU,CA,export,2024,I,-5,published\n\
               BE-BRU,CA,export,2024,II,5\n";
    let errors = parse(csv).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0].line, Some(3));
    assert_eq!(errors[0].field.as_deref(), Some("flow"));
    assert_eq!(errors[1].line, Some(4));
    assert!(
        errors[2].message.contains("expected 7 columns, found 6"),
        "{}",
        errors[2]
    );
}

#[test]
fn amounts_beyond_any_trade_figure_are_refused() {
    let csv = "reporter,partner,flow,period,product,value_eur,status\n\
               BE,CA,export,2024,TOTAL,1e30,reported\n";
    let errors = parse(csv).unwrap_err();
    assert!(errors[0].message.contains("below 10^15"), "{errors:?}");
}

#[test]
fn an_amount_of_minus_zero_is_zero() {
    // Issue 26 (low): `-0` was recorded and printed as "-0".
    let csv = "reporter,partner,flow,period,product,value_eur,status\n\
               BE,CA,export,2024,TOTAL,-0,reported\n";
    let dataset = parse(csv).unwrap();
    let value = dataset.observations.values().next().unwrap().value_eur;
    assert_eq!(value, 0.0);
    assert!(value.is_sign_positive());
    assert_eq!(serde_json::to_string(&value).unwrap(), "0.0");
}

#[test]
fn lines_are_right_with_crlf_line_endings() {
    let csv = "reporter,partner,flow,period,product,value_eur,status\r\n\
               BE,CA,export,2023,TOTAL,1,reported\r\n\
               BE,CA,export,2024,TOTAL,32x,reported\r\n\
               BE,CA,export,2022,TOTAL,3,reported\r\n";
    let errors = parse(csv).unwrap_err();
    assert_eq!(errors[0].line, Some(3), "{errors:?}");
    let good = parse(&csv.replace("32x", "2")).unwrap();
    let lines: Vec<usize> = good.observations.values().map(|o| o.line).collect();
    // Sorted by period: 2022 (line 4), 2023 (line 2), 2024 (line 3).
    assert_eq!(lines, [4, 2, 3]);
}

#[test]
fn duplicates_and_undeclared_illustrative_rows_are_errors() {
    let csv = "reporter,partner,flow,period,product,value_eur,status\n\
               BE,CA,export,2024,TOTAL,1,illustrative\n\
               BE,CA,export,2024,TOTAL,2,illustrative\n";
    let errors = parse(csv).unwrap_err();
    assert!(errors.iter().any(|e| e.message.contains("duplicated")));
    assert!(
        errors
            .iter()
            .any(|e| e.field.as_deref() == Some("illustrative"))
    );
}

#[test]
fn rows_after_blank_lines_keep_their_lines() {
    // Found by a hostile pass: after two blank lines, a row was reported (and traced in
    // figures.json) two lines early, at a blank line.
    let csv = "reporter,partner,flow,period,product,value_eur,status\n\
               BE,CA,export,2023,TOTAL,5,reported\n\
               \n\
               \n\
               BE,CA,export,2024,TOTAL,6,reported\n\
               BE,CA,export,2022,TOTAL,x,reported\n";
    let errors = parse(csv).unwrap_err();
    assert_eq!(errors[0].line, Some(6), "{errors:?}");
    let csv = csv.replace(",x,", ",7,");
    let dataset = parse(&csv).unwrap();
    let lines: Vec<usize> = dataset.observations.values().map(|o| o.line).collect();
    assert!(
        lines.contains(&5) && lines.contains(&6) && lines.contains(&2),
        "{lines:?}"
    );
}
