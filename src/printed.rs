//! What a brief printed, number by number: kept in the edition's `figures.json` so that
//! editions can be compared after the data files have moved on (`marketbrief diff`, the
//! "since the last edition" box), and so that every printed number can be traced to the
//! dataset rows it came from.

use serde::{Deserialize, Serialize};

/// Everything one brief printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct BriefFigures {
    pub country: String,
    pub language: String,
    pub figures: Vec<PrintedFigure>,
    /// Read from a record of an earlier version, which kept only the key figures and the
    /// categories: the other numbers it printed are unknown, not absent.
    #[serde(skip)]
    pub legacy: bool,
}

/// Where in the brief a number is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// A key-figure card.
    KeyFigure,
    /// The year-to-date box.
    YearToDate,
    /// A point of the trend chart.
    Trend,
    /// A bar of the goods chart.
    Products,
    /// A row of the CN-chapter table.
    Chapters,
    /// A bar of the services chart.
    Services,
    /// The share of the total shown under a chart.
    Share,
    /// The country facts (population, GDP).
    Facts,
    /// An axis label of a chart: a scale, not a figure (never compared).
    Axis,
    /// A point of a key-figure card's sparkline: drawn, not printed, and compared
    /// through the trend chart and the cards, never on its own.
    Sparkline,
}

impl Part {
    /// The part's name in record ids (`products/IV`).
    pub fn id(self) -> &'static str {
        match self {
            Part::KeyFigure => "key",
            Part::YearToDate => "ytd",
            Part::Trend => "trend",
            Part::Products => "products",
            Part::Chapters => "chapters",
            Part::Services => "services",
            Part::Share => "share",
            Part::Facts => "facts",
            Part::Axis => "axis",
            Part::Sparkline => "sparkline",
        }
    }

    /// Whether a revision of this part's entries is reported (`diff`, "since the last
    /// edition"): not for scales, nor for what another part already reports.
    pub fn is_compared(self) -> bool {
        !matches!(self, Part::Axis | Part::Sparkline)
    }

    /// Parts whose entries are categories of a breakdown.
    pub fn is_category(self) -> bool {
        matches!(self, Part::Products | Part::Chapters | Part::Services)
    }
}

/// One printed number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintedFigure {
    /// Stable from one edition to the next: `key/region_goods_exports`,
    /// `trend/exports/2023`, `products/IV`, `ytd/national_goods_exports`, `facts/population`.
    pub id: String,
    pub part: Part,
    /// What it is, in the brief's language.
    pub label: String,
    /// The period of the value: `2024`, `2025-01..2025-11`.
    pub period: String,
    /// Euros (people, US dollars for facts; the rank for ranks; a ratio for shares).
    pub value: f64,
    /// As printed.
    pub printed: String,
    /// The value a printed change is computed against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Base>,
    /// The change as printed ("+4.8% on 2023").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// Whether any row behind the value or its change is illustrative.
    #[serde(default)]
    pub illustrative: bool,
    /// Which printed parts carry † (value, compared value, change), as [`crate::marks`]
    /// decided them; absent from records of older versions and from figures printed
    /// without a change (see [`PrintedFigure::marks`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marks: Option<crate::marks::Marks>,
    /// The dataset rows behind the value (`data/datasets/bru-goods.csv:7`), or the
    /// reference file it was read from.
    #[serde(default)]
    pub rows: Vec<String>,
}

/// Whether a key figure's record id (`key/region_export_rank`) is a rank's.
pub fn is_rank(id: &str) -> bool {
    id.starts_with("key/") && id.ends_with("_rank")
}

impl PrintedFigure {
    /// Which printed parts carry †: as recorded, or, for a figure recorded without them,
    /// as it was printed then (its change marked when it ends with †, its value when it
    /// is illustrative and its change is not).
    pub fn marks(&self) -> crate::marks::Marks {
        self.marks.unwrap_or_else(|| {
            let change = self.change.as_deref().is_some_and(crate::marks::is_marked);
            crate::marks::Marks {
                value: self.illustrative && !change,
                base: change,
                change,
            }
        })
    }
}

/// The earlier value a change is computed against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Base {
    pub period: String,
    pub value: f64,
    pub printed: String,
    #[serde(default)]
    pub rows: Vec<String>,
}

/// How a printed number differs between two editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// It now shows another period (the data moved on), with another value.
    Updated,
    /// Same period, another value: the source revised it.
    Revised,
    /// The earlier value a printed change is computed against was revised.
    BaseRevised,
    /// Printed now, not before.
    Added,
    /// Printed before, not now.
    Dropped,
}

/// One difference between two editions of a brief.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<'a> {
    pub kind: ChangeKind,
    pub old: Option<&'a PrintedFigure>,
    pub new: Option<&'a PrintedFigure>,
    /// For [`ChangeKind::BaseRevised`]: the revised period with its old and new value.
    pub revision: Option<(String, Printed, Printed)>,
}

/// A value with its printed form.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub value: f64,
    pub text: String,
}

impl Change<'_> {
    /// The figure as it is now, or as it was when it is no longer printed.
    pub fn figure(&self) -> &PrintedFigure {
        self.new.or(self.old).expect("a change has a figure")
    }

    /// The relative change from the old to the new value (0.1 = +10 %), for amounts, or
    /// of the revised value for a revision of the base.
    pub fn ratio(&self) -> Option<f64> {
        let (from, to) = match (&self.revision, self.old, self.new) {
            (Some((_, from, to)), _, _) => (from.value, to.value),
            (None, Some(old), Some(new)) => (old.value, new.value),
            _ => return None,
        };
        (from > 0.0).then(|| to / from - 1.0)
    }
}

/// Every printed number that differs between two editions of a brief, in the order of the
/// newer brief (numbers no longer printed last). Axis labels are scales, not figures, and
/// are left out.
pub fn compare<'a>(from: &'a BriefFigures, to: &'a BriefFigures) -> Vec<Change<'a>> {
    let mut changes = Vec::new();
    let old_of = |id: &str| from.figures.iter().find(|f| f.id == id);
    let recorded = |part: Part| !from.legacy || part == Part::KeyFigure || part.is_category();
    for new in to.figures.iter().filter(|f| f.part.is_compared()) {
        let Some(old) = old_of(&new.id) else {
            if !recorded(new.part) {
                continue;
            }
            changes.push(Change {
                kind: ChangeKind::Added,
                old: None,
                new: Some(new),
                revision: None,
            });
            continue;
        };
        if old.period != new.period || printed_differs(old, new) {
            let kind = if old.period == new.period {
                ChangeKind::Revised
            } else {
                ChangeKind::Updated
            };
            changes.push(Change {
                kind,
                old: Some(old),
                new: Some(new),
                revision: None,
            });
        }
        // The base of the new change is a period the old brief printed, either as its own
        // base or as its value (last year's figure is this year's base).
        if let Some(base) = &new.base {
            let before = match &old.base {
                Some(b) if b.period == base.period => Some(Printed {
                    value: b.value,
                    text: b.printed.clone(),
                }),
                _ if old.period == base.period => Some(Printed {
                    value: old.value,
                    text: old.printed.clone(),
                }),
                _ => None,
            };
            let revised = |before: &Printed| {
                if before.text.is_empty() || base.printed.is_empty() {
                    before.value != base.value
                } else {
                    before.text != base.printed || old.change != new.change
                }
            };
            if let Some(before) = before
                && before.value != base.value
                && revised(&before)
            {
                changes.push(Change {
                    kind: ChangeKind::BaseRevised,
                    old: Some(old),
                    new: Some(new),
                    revision: Some((
                        base.period.clone(),
                        before,
                        Printed {
                            value: base.value,
                            text: base.printed.clone(),
                        },
                    )),
                });
            }
        }
    }
    for old in from.figures.iter().filter(|f| f.part.is_compared()) {
        if !to.figures.iter().any(|f| f.id == old.id) {
            changes.push(Change {
                kind: ChangeKind::Dropped,
                old: Some(old),
                new: None,
                revision: None,
            });
        }
    }
    changes
}

/// Whether a reader sees another number: the printed forms differ (a revision that rounds to
/// the same printed figure is not a change on the page). Records of earlier versions kept
/// no printed form for categories: their values are compared.
fn printed_differs(old: &PrintedFigure, new: &PrintedFigure) -> bool {
    if old.printed.is_empty() || new.printed.is_empty() {
        old.value != new.value
    } else {
        old.printed != new.printed
    }
}

/// `figures.json` as written by any version: the list of printed numbers, or the key
/// figures and categories that versions before it kept.
#[derive(Deserialize)]
struct Stored {
    country: String,
    language: String,
    #[serde(default)]
    figures: Option<Vec<PrintedFigure>>,
    #[serde(default)]
    key_figures: Vec<LegacyFigure>,
    #[serde(default)]
    top_products: Vec<LegacyCategory>,
    #[serde(default)]
    top_chapters: Vec<LegacyCategory>,
    #[serde(default)]
    services: Vec<LegacyCategory>,
}

#[derive(Deserialize)]
struct LegacyFigure {
    id: String,
    label: String,
    year: i32,
    value: f64,
    previous: Option<f64>,
    printed: String,
    illustrative: bool,
}

#[derive(Deserialize)]
struct LegacyCategory {
    code: String,
    label: String,
    year: i32,
    value: f64,
    previous: Option<f64>,
}

impl From<Stored> for BriefFigures {
    fn from(stored: Stored) -> Self {
        let legacy = stored.figures.is_none();
        let figures = match stored.figures {
            Some(figures) => figures,
            None => {
                let keys = stored.key_figures.into_iter().map(|k| PrintedFigure {
                    marks: None,
                    id: format!("key/{}", k.id),
                    part: Part::KeyFigure,
                    label: k.label,
                    period: k.year.to_string(),
                    value: k.value,
                    printed: k.printed,
                    base: k.previous.map(|value| Base {
                        period: (k.year - 1).to_string(),
                        value,
                        printed: String::new(),
                        rows: Vec::new(),
                    }),
                    change: None,
                    illustrative: k.illustrative,
                    rows: Vec::new(),
                });
                let categories = [
                    (Part::Products, "products", stored.top_products),
                    (Part::Chapters, "chapters", stored.top_chapters),
                    (Part::Services, "services", stored.services),
                ]
                .into_iter()
                .flat_map(|(part, name, items)| {
                    items.into_iter().map(move |c| PrintedFigure {
                        marks: None,
                        id: format!("{name}/{}", c.code),
                        part,
                        label: c.label,
                        period: c.year.to_string(),
                        value: c.value,
                        printed: String::new(),
                        base: c.previous.map(|value| Base {
                            period: (c.year - 1).to_string(),
                            value,
                            printed: String::new(),
                            rows: Vec::new(),
                        }),
                        change: None,
                        illustrative: false,
                        rows: Vec::new(),
                    })
                });
                keys.chain(categories).collect()
            }
        };
        BriefFigures {
            country: stored.country,
            language: stored.language,
            figures,
            legacy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(id: &str, period: &str, value: f64, base: Option<(&str, f64)>) -> PrintedFigure {
        PrintedFigure {
            marks: None,
            id: id.into(),
            part: Part::KeyFigure,
            label: id.into(),
            period: period.into(),
            value,
            printed: format!("EUR {value}"),
            base: base.map(|(period, value)| Base {
                period: period.into(),
                value,
                printed: format!("EUR {value}"),
                rows: Vec::new(),
            }),
            change: None,
            illustrative: false,
            rows: Vec::new(),
        }
    }

    fn brief(figures: Vec<PrintedFigure>) -> BriefFigures {
        BriefFigures {
            country: "CA".into(),
            language: "en".into(),
            figures,
            legacy: false,
        }
    }

    #[test]
    fn a_revised_base_is_reported_even_when_the_value_is_the_same() {
        let from = brief(vec![figure("key/x", "2024", 10.0, Some(("2023", 8.0)))]);
        let to = brief(vec![figure("key/x", "2024", 10.0, Some(("2023", 12.0)))]);
        let changes = compare(&from, &to);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].kind, ChangeKind::BaseRevised);
        let (period, before, after) = changes[0].revision.clone().unwrap();
        assert_eq!(
            (period.as_str(), before.value, after.value),
            ("2023", 8.0, 12.0)
        );
        assert_eq!(changes[0].ratio(), Some(0.5));
    }

    #[test]
    fn last_years_value_revised_as_this_years_base() {
        // Q2 printed 2024 = 10; Q3 prints 2025 = 11 against a 2024 now worth 9.
        let from = brief(vec![figure("key/x", "2024", 10.0, Some(("2023", 8.0)))]);
        let to = brief(vec![figure("key/x", "2025", 11.0, Some(("2024", 9.0)))]);
        let kinds: Vec<ChangeKind> = compare(&from, &to).iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ChangeKind::Updated, ChangeKind::BaseRevised]);
    }

    #[test]
    fn same_period_new_value_is_a_revision_and_nothing_else_is_reported() {
        let from = brief(vec![
            figure("trend/exports/2021", "2021", 5.0, None),
            figure("trend/exports/2022", "2022", 6.0, None),
            figure("products/IV", "2024", 1.0, None),
        ]);
        let to = brief(vec![
            figure("trend/exports/2021", "2021", 5.5, None),
            figure("trend/exports/2022", "2022", 6.0, None),
            figure("products/V", "2024", 1.0, None),
        ]);
        let changes = compare(&from, &to);
        let kinds: Vec<(ChangeKind, &str)> = changes
            .iter()
            .map(|c| (c.kind, c.figure().id.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (ChangeKind::Revised, "trend/exports/2021"),
                (ChangeKind::Added, "products/V"),
                (ChangeKind::Dropped, "products/IV"),
            ]
        );
    }

    #[test]
    fn a_revision_that_prints_the_same_is_not_a_change() {
        let mut old = figure("share/x", "2024", 0.0191, None);
        old.printed = "1.9%".into();
        let mut new = figure("share/x", "2024", 0.0189, None);
        new.printed = "1.9%".into();
        assert!(compare(&brief(vec![old.clone()]), &brief(vec![new.clone()])).is_empty());
        new.printed = "1.8%".into();
        assert_eq!(compare(&brief(vec![old]), &brief(vec![new])).len(), 1);
    }

    #[test]
    fn records_of_earlier_versions_still_read() {
        let json = r#"{"country":"CA","language":"en","key_figures":[{"id":"region_goods_exports","label":"Goods exports","year":2024,"value":32400000.0,"previous":147300000.0,"printed":"EUR 32.4 million","illustrative":false}],"top_products":[{"code":"IV","label":"Food","year":2024,"value":1.0,"previous":null}],"services":[]}"#;
        let old: BriefFigures = serde_json::from_str(json).unwrap();
        assert_eq!(old.figures.len(), 2);
        assert_eq!(old.figures[0].id, "key/region_goods_exports");
        assert_eq!(old.figures[0].base.as_ref().unwrap().period, "2023");
        assert_eq!(old.figures[1].id, "products/IV");
        assert!(old.legacy);
        let again: BriefFigures =
            serde_json::from_str(&serde_json::to_string(&old).unwrap()).unwrap();
        assert_eq!(again.figures, old.figures);
        // Against a record of this version, what the old one never kept is not "new".
        let mut trend = again.figures[0].clone();
        trend.id = "trend/exports/2024".into();
        trend.part = Part::Trend;
        let now = brief(vec![again.figures[0].clone(), trend]);
        assert!(
            compare(&old, &now)
                .iter()
                .all(|c| c.kind != ChangeKind::Added)
        );
    }
}
