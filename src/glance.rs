//! The page of a mission handout that sets its markets side by side: each brief's key
//! figures and country facts, one column per market. The table is read from what each
//! brief recorded as printed (`record`), so that it cannot disagree with the briefs that
//! follow it: same values, same rounding, same marks.

use crate::printed::{BriefFigures, Part, PrintedFigure};
use serde::Serialize;

/// At most this many markets side by side; a larger mission gets several tables of about
/// the same width. Wider, an amount such as "33,9 miljard euro" would break over three
/// lines.
pub const MARKETS_PER_TABLE: usize = 4;

/// The markets of a handout at a glance.
#[derive(Debug, Serialize)]
pub struct Glance {
    pub tables: Vec<GlanceTable>,
    /// Some value shown is illustrative (marked †).
    pub illustrative: bool,
    /// Some market's brief does not print a figure another one does.
    pub missing: bool,
}

/// Up to [`MARKETS_PER_TABLE`] markets side by side.
#[derive(Debug, Serialize)]
pub struct GlanceTable {
    /// The markets of the columns, as indexes into the handout's briefs.
    pub markets: Vec<usize>,
    pub rows: Vec<GlanceRow>,
}

/// One figure across the markets of a table.
#[derive(Debug, Serialize)]
pub struct GlanceRow {
    pub label: String,
    /// The period of every value of the row, when they share one: said once, beside the
    /// label, rather than in each cell.
    pub period: Option<String>,
    /// One per market of the table; `None` where that market's brief does not print it.
    pub cells: Vec<Option<GlanceCell>>,
}

/// One figure of one market, as its brief prints it.
#[derive(Debug, PartialEq, Serialize)]
pub struct GlanceCell {
    /// The value as the brief's card prints it, its † included when its own rows are
    /// illustrative.
    pub value: String,
    /// Some part (the value, the change) carries †: the table's note says what it means.
    #[serde(skip)]
    pub marked: bool,
    /// The value's period, when the row's values do not share one.
    pub period: Option<String>,
    /// The change as the card prints it; it carries its own † when only the year it is
    /// compared with is illustrative.
    pub change: Option<String>,
    /// The brief's own label, when it differs from the row's (a total of the covered
    /// products only says so).
    pub label: Option<String>,
}

/// The table of `briefs` (in the handout's order): their key figures, then their country
/// facts, in the order the briefs print them.
pub fn glance(briefs: &[&BriefFigures]) -> Glance {
    let shown = |f: &&PrintedFigure| matches!(f.part, Part::KeyFigure | Part::Facts);
    // Every figure any brief prints, key figures first, each in the order of the first
    // brief that prints it.
    let mut ids: Vec<(&str, &str)> = Vec::new();
    for part in [Part::KeyFigure, Part::Facts] {
        for brief in briefs {
            for f in brief
                .figures
                .iter()
                .filter(shown)
                .filter(|f| f.part == part)
            {
                if !ids.iter().any(|(id, _)| *id == f.id) {
                    ids.push((&f.id, &f.label));
                }
            }
        }
    }
    let mut glance = Glance {
        tables: Vec::new(),
        illustrative: false,
        missing: false,
    };
    let indexes: Vec<usize> = (0..briefs.len()).collect();
    // Balanced: six markets are two tables of three, not four and two.
    let tables = briefs.len().div_ceil(MARKETS_PER_TABLE).max(1);
    let per_table = briefs.len().div_ceil(tables).max(1);
    for markets in indexes.chunks(per_table) {
        let mut rows = Vec::new();
        for &(id, label) in &ids {
            let cells: Vec<Option<GlanceCell>> = markets
                .iter()
                .map(|&m| {
                    let f = briefs[m].figures.iter().find(|f| f.id == id)?;
                    let marks = f.marks();
                    Some(GlanceCell {
                        value: marks.value_text(&f.printed),
                        marked: marks.any(),
                        period: Some(f.period.clone()),
                        change: f.change.clone(),
                        label: (f.label != label).then(|| f.label.clone()),
                    })
                })
                .collect();
            if cells.iter().all(Option::is_none) {
                continue;
            }
            let mut periods = cells.iter().flatten().map(|c| c.period.clone());
            let first = periods.next().flatten();
            let period = periods.all(|p| p == first).then_some(first).flatten();
            let cells = if period.is_some() {
                cells
                    .into_iter()
                    .map(|c| c.map(|c| GlanceCell { period: None, ..c }))
                    .collect()
            } else {
                cells
            };
            glance.missing |= cells.iter().any(Option::is_none);
            glance.illustrative |= cells.iter().flatten().any(|c| c.marked);
            rows.push(GlanceRow {
                label: label.to_string(),
                period,
                cells,
            });
        }
        glance.tables.push(GlanceTable {
            markets: markets.to_vec(),
            rows,
        });
    }
    glance
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(id: &str, part: Part, label: &str, printed: &str) -> PrintedFigure {
        PrintedFigure {
            marks: None,
            id: id.into(),
            part,
            label: label.into(),
            period: "2024".into(),
            value: 1.0,
            printed: printed.into(),
            base: None,
            change: None,
            illustrative: false,
            rows: vec![],
        }
    }

    fn brief(country: &str, figures: Vec<PrintedFigure>) -> BriefFigures {
        BriefFigures {
            country: country.into(),
            language: "en".into(),
            figures,
            legacy: false,
        }
    }

    #[test]
    fn markets_side_by_side_key_figures_first_as_printed() {
        let mut exports = figure("key/x", Part::KeyFigure, "Exports", "EUR 32.4 million");
        exports.change = Some("−78% on 2023".into());
        let ca = brief(
            "CA",
            vec![
                figure(
                    "facts/population",
                    Part::Facts,
                    "Population",
                    "41.3 million",
                ),
                exports,
                figure(
                    "trend/exports/2024",
                    Part::Trend,
                    "Exports",
                    "EUR 32.4 million",
                ),
            ],
        );
        let mut mx_exports = figure("key/x", Part::KeyFigure, "Exports", "EUR 80 million");
        mx_exports.illustrative = true;
        let mut mx_rank = figure("key/rank", Part::KeyFigure, "Rank", "5th of 44");
        mx_rank.illustrative = true;
        mx_rank.change = Some("+2.0% on 2023 †".into());
        let mx = brief("MX", vec![mx_exports, mx_rank]);
        let glance = glance(&[&ca, &mx]);
        assert_eq!(glance.tables.len(), 1);
        let rows = &glance.tables[0].rows;
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        // Key figures first, the trend's points left out.
        assert_eq!(labels, ["Exports", "Rank", "Population"]);
        // Periods shared by a row are said once.
        assert_eq!(rows[0].period.as_deref(), Some("2024"));
        let ca_exports = rows[0].cells[0].as_ref().unwrap();
        assert_eq!(ca_exports.period, None);
        assert_eq!(ca_exports.value, "EUR 32.4 million");
        assert_eq!(ca_exports.change.as_deref(), Some("−78% on 2023"));
        assert!(!ca_exports.marked);
        let mx_exports = rows[0].cells[1].as_ref().unwrap();
        assert_eq!(mx_exports.value, "EUR 80 million\u{a0}†");
        // The change carries the mark: the value does not repeat it.
        let mx_rank = rows[1].cells[1].as_ref().unwrap();
        assert_eq!(mx_rank.value, "5th of 44");
        assert!(mx_rank.marked);
        assert!(rows[1].cells[0].is_none() && rows[2].cells[1].is_none());
        assert!(glance.missing && glance.illustrative);
    }

    #[test]
    fn a_large_mission_gets_several_tables_and_a_brief_of_its_own_label_keeps_it() {
        let briefs: Vec<BriefFigures> = (0..6)
            .map(|i| {
                let label = if i == 5 {
                    "Exports, covered products only"
                } else {
                    "Exports"
                };
                let mut exports = figure("key/x", Part::KeyFigure, label, "EUR 1 million");
                if i == 4 {
                    exports.period = "2023".into();
                }
                brief(&format!("C{i}"), vec![exports])
            })
            .collect();
        let refs: Vec<&BriefFigures> = briefs.iter().collect();
        let glance = glance(&refs);
        let markets: Vec<&[usize]> = glance.tables.iter().map(|t| &t.markets[..]).collect();
        assert_eq!(markets, [&[0, 1, 2][..], &[3, 4, 5][..]]);
        let cells = &glance.tables[1].rows[0].cells;
        assert_eq!(glance.tables[1].rows[0].period.as_deref(), None);
        assert_eq!(cells[1].as_ref().unwrap().period.as_deref(), Some("2023"));
        assert_eq!(cells[0].as_ref().unwrap().label, None);
        assert_eq!(
            cells[2].as_ref().unwrap().label.as_deref(),
            Some("Exports, covered products only")
        );
        assert!(!glance.missing && !glance.illustrative);
    }
}
