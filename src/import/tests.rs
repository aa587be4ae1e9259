use super::*;

const HEADER: &str =
    "DATAFLOW,LAST UPDATE,freq,reporter,partner,product,flow,indicators,TIME_PERIOD,OBS_VALUE\n";

#[test]
fn sections_cover_every_chapter() {
    assert_eq!(hs_section(32), Some("VI"));
    assert_eq!(hs_section(39), Some("VII"));
    assert_eq!(hs_section(48), Some("X"));
    assert_eq!(hs_section(85), Some("XVI"));
    assert!(
        (1..=97)
            .filter(|c| *c != 77)
            .all(|c| hs_section(c).is_some())
    );
}

#[test]
fn months_roll_up_into_complete_quarters_and_years_only() {
    let mut csv = HEADER.to_string();
    for m in 1..=12 {
        csv.push_str(&format!("ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,BE,DE,32121000,2,VALUE_IN_EUROS,2024-{m:02},100\n"));
        csv.push_str(&format!("ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,BE,DE,32121000,2,QUANTITY_IN_100KG,2024-{m:02},5\n"));
    }
    csv.push_str(
        "ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,BE,DE,85235910,2,VALUE_IN_EUROS,2025-01,7\n",
    );
    csv.push_str(
        "ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,FR,DE,85235910,2,VALUE_IN_EUROS,2024-01,7\n",
    );
    let (sums, report) = read_comext(Path::new("x.csv"), csv.as_bytes(), "BE").unwrap();
    assert_eq!(report.rows_read, 26);
    assert_eq!(report.rows_kept, 13);
    let quantities = &report.skipped["not a value in euros (quantities)"];
    assert_eq!(quantities.count, 12);
    // Listed by line, the first ones only.
    assert_eq!(
        quantities.places("line"),
        "lines 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 and 2 more"
    );
    assert_eq!(report.skipped["another reporter"].count, 1);
    assert_eq!(report.skipped["another reporter"].places("line"), "line 27");
    // Issue 26.18: saved with Windows line ends, the same lines (they came one early).
    let crlf = csv.replace('\n', "\r\n");
    let (_, report) = read_comext(Path::new("x.csv"), crlf.as_bytes(), "BE").unwrap();
    assert_eq!(report.rows_read, 26);
    assert_eq!(
        report.skipped["not a value in euros (quantities)"].places("line"),
        "lines 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 and 2 more"
    );
    assert_eq!(report.skipped["another reporter"].places("line"), "line 27");
    let rows = aggregate(&sums, "BE", true);
    let key = |p, product: &str| {
        (
            "BE".to_string(),
            "DE".to_string(),
            Flow::Export,
            p,
            product.to_string(),
        )
    };
    assert_eq!(rows[&key(Period::Year(2024), "VI")], 1200.0);
    assert_eq!(rows[&key(Period::Year(2024), TOTAL)], 1200.0);
    assert_eq!(rows[&key(Period::Quarter(2024, 2), "VI")], 300.0);
    // January 2025 alone makes no quarter and no year.
    assert!(
        !rows
            .keys()
            .any(|k| matches!(k.3, Period::Year(2025) | Period::Quarter(2025, _)))
    );
    assert_eq!(
        last_update_date("13/02/26 11:00:00").unwrap().to_string(),
        "2026-02-13"
    );
}

#[test]
fn coverage_is_decided_per_partner_and_flow() {
    // China's trade has all of 2025 (extra-EU); intra-EU trade was released up to
    // November, and Germany has no import row after September: its October and
    // November imports were nil (Comext omits zeros), not months still to come.
    let mut csv = HEADER.to_string();
    let row = |partner: &str, flow: u8, month: u8| {
        format!(
            "ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,BE,{partner},39011010,{flow},VALUE_IN_EUROS,2025-{month:02},10\n"
        )
    };
    for m in 1..=12 {
        csv.push_str(&row("CN", 2, m));
        csv.push_str(&row("CN", 1, m));
    }
    for m in 1..=11 {
        csv.push_str(&row("DE", 2, m));
        csv.push_str(&row("FR", 2, m));
        csv.push_str(&row("FR", 1, m));
    }
    for m in 1..=9 {
        csv.push_str(&row("DE", 1, m));
    }
    let (sums, report) = read_comext(Path::new("x.csv"), csv.as_bytes(), "BE").unwrap();
    let rows = aggregate(&sums, "BE", true);
    let has = |partner: &str, flow, period| {
        rows.contains_key(&(
            "BE".to_string(),
            partner.to_string(),
            flow,
            period,
            TOTAL.to_string(),
        ))
    };
    assert_eq!(
        rows[&(
            "BE".into(),
            "CN".into(),
            Flow::Export,
            Period::Year(2025),
            TOTAL.into()
        )],
        120.0
    );
    assert!(!has("DE", Flow::Export, Period::Year(2025)));
    assert!(!has("FR", Flow::Import, Period::Year(2025)));
    assert!(has("DE", Flow::Export, Period::Quarter(2025, 3)));
    assert!(!has("DE", Flow::Export, Period::Quarter(2025, 4)));
    assert!(!has("DE", Flow::Import, Period::Quarter(2025, 4)));
    assert!(has("DE", Flow::Import, Period::Quarter(2025, 3)));
    assert!(has("DE", Flow::Import, Period::Month(2025, 9)));
    let month = |m| {
        (
            "BE".to_string(),
            "DE".to_string(),
            Flow::Import,
            Period::Month(2025, m),
            TOTAL.to_string(),
        )
    };
    assert_eq!(rows[&month(10)], 0.0);
    assert_eq!(rows[&month(11)], 0.0);
    assert_eq!(report.zero_months, 2);
    assert_eq!(
        coverage_lines(&report.coverage),
        ["2025: complete for 1 partner (CN); January–November for 2 partners (DE, FR)"]
    );
}

#[test]
fn a_total_that_stops_early_gives_no_annual_total() {
    // FR's product rows run all year, its TOTAL rows stop in June.
    let mut csv = HEADER.to_string();
    for m in 1..=12 {
        csv.push_str(&format!("ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,BE,FR,39011010,2,VALUE_IN_EUROS,2025-{m:02},10\n"));
    }
    for m in 1..=6 {
        csv.push_str(&format!("ESTAT:DS-045409(1.0),13/02/26 11:00:00,M,BE,FR,TOTAL,2,VALUE_IN_EUROS,2025-{m:02},1000\n"));
    }
    let (sums, _) = read_comext(Path::new("x.csv"), csv.as_bytes(), "BE").unwrap();
    let rows = aggregate(&sums, "BE", false);
    let key = |period, product: &str| {
        (
            "BE".to_string(),
            "FR".to_string(),
            Flow::Export,
            period,
            product.to_string(),
        )
    };
    assert_eq!(rows[&key(Period::Year(2025), "VII")], 120.0);
    assert!(!rows.contains_key(&key(Period::Year(2025), TOTAL)));
    assert_eq!(rows[&key(Period::Quarter(2025, 2), TOTAL)], 3000.0);
    assert!(!rows.contains_key(&key(Period::Quarter(2025, 3), TOTAL)));
}

#[test]
fn periods_are_derived_again_from_the_merged_months() {
    let key = |period| {
        (
            "BE".to_string(),
            "DE".to_string(),
            Flow::Export,
            period,
            TOTAL.to_string(),
        )
    };
    // Two extracts of half a year each make a year; a stale annual row of an older
    // extract is replaced by the sum of the months held now.
    let mut rows: BTreeMap<RowKey, f64> = BTreeMap::new();
    for m in 1..=12 {
        rows.insert(key(Period::Month(2025, m)), 10.0);
    }
    rows.insert(key(Period::Year(2025)), 999.0);
    rows.insert(key(Period::Year(2020)), 5.0);
    derive_periods(&mut rows, |sum, v| sum.copied().unwrap_or(0.0) + v);
    assert_eq!(rows[&key(Period::Year(2025))], 120.0);
    assert_eq!(rows[&key(Period::Quarter(2025, 4))], 30.0);
    assert_eq!(
        rows[&key(Period::Year(2020))],
        5.0,
        "a year without months is kept"
    );
    // An older extract with fewer months: the year it cannot support goes.
    rows.remove(&key(Period::Month(2025, 12)));
    derive_periods(&mut rows, |sum, v| sum.copied().unwrap_or(0.0) + v);
    assert!(!rows.contains_key(&key(Period::Year(2025))));
    assert!(!rows.contains_key(&key(Period::Quarter(2025, 4))));
    assert_eq!(rows[&key(Period::Quarter(2025, 3))], 30.0);
}

#[test]
fn months_are_described_as_a_reader_says_them() {
    let set = |m: &[u8]| m.iter().copied().collect::<BTreeSet<u8>>();
    assert_eq!(describe_months(&set(&[1])), "January only");
    assert_eq!(describe_months(&set(&[1, 2, 3])), "January–March");
    assert_eq!(
        describe_months(&set(&[1, 2, 3, 5, 7, 8])),
        "6 months (January–March, May, July–August)"
    );
    assert_eq!(describe_months(&set(&[4])), "April only");
    assert_eq!(describe_months(&set(&[4, 5])), "2 months (April–May)");
}

#[test]
fn a_renamed_column_is_named() {
    // Issue 26 (low): only the ninth column renamed, and the message showed two headers
    // that looked the same once cut.
    let header =
        "DATAFLOW,LAST UPDATE,freq,reporter,partner,product,flow,indicators,TIME,OBS_VALUE\n";
    let err = read_comext(Path::new("x.csv"), header.as_bytes(), "BE").unwrap_err();
    assert!(
        err.message
            .contains("column 9 is `TIME` where `TIME_PERIOD` was expected"),
        "{err}"
    );
    assert_eq!((err.line, err.column), (Some(1), Some(68)));
    let short = "DATAFLOW,LAST UPDATE,freq,reporter,partner,product,flow,indicators,TIME_PERIOD\n";
    let err = read_comext(Path::new("x.csv"), short.as_bytes(), "BE").unwrap_err();
    assert!(
        err.message.contains("column 10 (`OBS_VALUE`) is missing"),
        "{err}"
    );
}

#[test]
fn other_layouts_are_refused() {
    let err = read_comext(Path::new("x.csv"), "a,b,c\n1,2,3\n".as_bytes(), "BE").unwrap_err();
    assert!(
        err.to_string()
            .contains("not a Eurostat Comext SDMX-CSV file"),
        "{err}"
    );
}
