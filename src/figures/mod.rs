//! The figures a brief prints, computed from the datasets (pure: no I/O, no formatting).
//!
//! Every figure remembers where it comes from — its dataset, the rows behind it and their
//! status — so the brief can mark illustrative values, cite only the sources it really
//! uses, and record each printed number with its rows.

use crate::dataset::{Dataset, Flow, Kind, ObsKey, Observation, Period, Status, TOTAL};
use crate::reference::Classification;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub use id::{KeyFigureId, Measure, Reporter};

/// A configured card a brief leaves out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    pub id: KeyFigureId,
    /// The reporter's code, or `None` when the project has no region.
    pub reporter: Option<String>,
    /// Only a dataset of some products has the total: never a key figure.
    pub partial: bool,
}

impl<'a> Reporters<'a> {
    /// The reporter code of a key figure (`None`: a region's, in a project without one).
    pub fn code(&self, reporter: Reporter) -> Option<&'a str> {
        match reporter {
            Reporter::Region => self.region,
            Reporter::National => Some(self.national),
        }
    }

    /// The agency's own reporter: its region's, or the country's for a national agency.
    pub fn agency(&self) -> &'a str {
        self.region.unwrap_or(self.national)
    }
}

/// Where a value comes from: its dataset, the rows summed or compared to make it
/// (`data/datasets/bru-goods.csv:7`), and their statuses.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Origin {
    pub dataset: String,
    pub rows: Vec<String>,
    pub statuses: BTreeSet<Status>,
    /// The partner and period of each `published` or `derived` row: what a publication of
    /// the dataset may be quoted for.
    pub quoted: Vec<(String, Period)>,
}

impl Origin {
    fn of(dataset: &Dataset, observations: &[(&ObsKey, &Observation)]) -> Origin {
        Origin {
            dataset: dataset.id.clone(),
            rows: observations
                .iter()
                .map(|(_, o)| format!("{}:{}", dataset.csv_path.display(), o.line))
                .collect(),
            statuses: observations.iter().map(|(_, o)| o.status).collect(),
            quoted: observations
                .iter()
                .filter(|(_, o)| matches!(o.status, Status::Published | Status::Derived))
                .map(|(k, _)| (k.partner.clone(), k.period))
                .collect(),
        }
    }

    /// Whether any row behind the value is illustrative.
    pub fn illustrative(&self) -> bool {
        self.statuses.contains(&Status::Illustrative)
    }

    /// The marks of a value computed from these rows, compared, when it is, with a value
    /// computed from `base`'s (see [`crate::marks`]).
    pub fn marks(&self, base: Option<&Origin>) -> crate::marks::Marks {
        crate::marks::Marks::of(self.illustrative(), base.map(Origin::illustrative))
    }
}

/// One key figure for its latest year, with the year before when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyFigure {
    pub id: KeyFigureId,
    pub year: i32,
    /// Euros, or the rank for a rank.
    pub value: f64,
    pub previous: Option<f64>,
    /// For ranks: how many markets were ranked.
    pub out_of: Option<usize>,
    pub illustrative: bool,
    pub dataset: String,
    /// The rows of the value (for a rank: the market's own row, illustrative when any
    /// market ranked is).
    pub origin: Origin,
    /// The rows of the previous year's value.
    pub previous_origin: Option<Origin>,
    /// The values of the years up to `year`, at most [`HISTORY_YEARS`] (those the data
    /// have), for the card's sparkline; for the rank, the ranks.
    pub history: Vec<Point>,
}

/// How many years the trend chart shows at most.
pub const TREND_YEARS: i32 = 10;

/// How many years a key figure's sparkline shows.
pub const HISTORY_YEARS: i32 = 5;

impl KeyFigure {
    /// Relative change on the previous year (0.1 = +10 %), for amounts.
    pub fn change(&self) -> Option<f64> {
        match (self.id.is_rank(), self.previous) {
            (true, _) => None,
            (false, Some(prev)) if prev > 0.0 => Some(self.value / prev - 1.0),
            _ => None,
        }
    }
}

/// One value in a series or breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub year: i32,
    pub value: f64,
    pub illustrative: bool,
    pub origin: Origin,
}

/// The region's goods trade with the country over the years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub exports: Vec<Point>,
    pub imports: Vec<Point>,
    pub datasets: Vec<String>,
}

/// A category in a breakdown, with its value the year before when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub code: String,
    pub value: f64,
    pub previous: Option<f64>,
    /// Whether the value's own row is illustrative (its change is marked, too, when the
    /// year before's is: see [`Item::marks`]).
    pub illustrative: bool,
    pub origin: Origin,
    pub previous_origin: Option<Origin>,
}

impl Item {
    /// What carries † where the item is printed: its value, and its change on the year
    /// before.
    pub fn marks(&self) -> crate::marks::Marks {
        self.origin.marks(self.previous_origin.as_ref())
    }

    pub fn change(&self) -> Option<f64> {
        self.previous
            .filter(|p| *p > 0.0)
            .map(|p| self.value / p - 1.0)
    }
}

/// Values by category for one year, largest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub year: i32,
    pub classification: String,
    pub items: Vec<Item>,
    /// The flow's total that year, when the dataset has it.
    pub total: Option<f64>,
    pub total_origin: Option<Origin>,
    pub dataset: String,
    /// Whose exports these are (the region's or the country's reporter code).
    pub reporter: String,
}

/// A figure for the first months of a year not yet complete in the data, with the same
/// months of the year before ("Jan–Nov 2025" against "Jan–Nov 2024").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearToDate {
    pub id: KeyFigureId,
    pub year: i32,
    /// The months covered are 1 to `last_month`.
    pub last_month: u8,
    pub value: f64,
    pub previous: Option<f64>,
    pub origin: Origin,
    pub previous_origin: Option<Origin>,
}

impl YearToDate {
    pub fn change(&self) -> Option<f64> {
        self.previous
            .filter(|p| *p > 0.0)
            .map(|p| self.value / p - 1.0)
    }
}

/// Everything computed for one brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub key_figures: Vec<KeyFigure>,
    /// The cards asked for that the data cannot fill.
    pub left_out: Vec<LeftOut>,
    /// Year-to-date figures for key figures whose data go beyond their last complete year.
    pub year_to_date: Vec<YearToDate>,
    pub trend: Trend,
    pub top_products: Option<Breakdown>,
    /// The largest CN chapters of goods exports, when a goods dataset has them: the
    /// region's if it has them, else the country's.
    pub top_chapters: Option<Breakdown>,
    pub services: Option<Breakdown>,
    /// Ids of the datasets the figures come from, sorted.
    pub datasets: Vec<String>,
    /// Whether any printed figure rests on illustrative data.
    pub illustrative: bool,
}

impl Figures {
    /// The origin of every value the brief prints or plots.
    pub fn origins(&self) -> impl Iterator<Item = &Origin> {
        let keys = self
            .key_figures
            .iter()
            .flat_map(|k| std::iter::once(&k.origin).chain(&k.previous_origin));
        let ytd = self
            .year_to_date
            .iter()
            .flat_map(|y| std::iter::once(&y.origin).chain(&y.previous_origin));
        let trend = self
            .trend
            .exports
            .iter()
            .chain(&self.trend.imports)
            .map(|p| &p.origin);
        let breakdowns = self
            .top_products
            .iter()
            .chain(&self.top_chapters)
            .chain(&self.services)
            .flat_map(|b| {
                b.items
                    .iter()
                    .flat_map(|i| std::iter::once(&i.origin).chain(&i.previous_origin))
                    .chain(&b.total_origin)
            });
        keys.chain(ytd).chain(trend).chain(breakdowns)
    }

    /// The statuses of the rows each dataset gave to this brief, by dataset id.
    pub fn statuses_by_dataset(&self) -> BTreeMap<&str, BTreeSet<Status>> {
        let mut out: BTreeMap<&str, BTreeSet<Status>> = BTreeMap::new();
        for origin in self.origins() {
            out.entry(origin.dataset.as_str())
                .or_default()
                .extend(&origin.statuses);
        }
        out
    }
}

/// How many product categories the goods chart shows.
pub const TOP_PRODUCTS: usize = 6;

/// How many CN chapters the goods table shows.
pub const TOP_CHAPTERS: usize = 5;

/// The classification of the finer goods breakdown.
pub const CN_CHAPTER: &str = "cn-chapter";

/// The reporters figures are computed for, and the key-figure cards asked for.
pub struct Reporters<'a> {
    /// The agency's region, when it has one (a national agency has none).
    pub region: Option<&'a str>,
    pub national: &'a str,
    pub cards: &'a [KeyFigureId],
}

/// Computes the figures for `country` (upper-case alpha-2) from `datasets`, whose product
/// codes are those of `classifications`.
pub fn compute(
    datasets: &[Dataset],
    classifications: &BTreeMap<String, Classification>,
    reporters: &Reporters<'_>,
    country: &str,
) -> Figures {
    compute_with(
        datasets,
        classifications,
        reporters,
        country,
        &Ranks::default(),
    )
}

/// [`compute`], reading the export rankings from `ranks`, which the briefs of an edition
/// share (each ranking is worked out once for all of them).
pub fn compute_with<'d>(
    datasets: &'d [Dataset],
    classifications: &BTreeMap<String, Classification>,
    reporters: &Reporters<'_>,
    country: &str,
    ranks: &Ranks<'d>,
) -> Figures {
    let goods: Vec<&Dataset> = datasets
        .iter()
        .filter(|d| d.meta.kind == Kind::Goods)
        .collect();
    let services: Vec<&Dataset> = datasets
        .iter()
        .filter(|d| d.meta.kind == Kind::Services)
        .collect();

    // A dataset that covers only some products (an extract of some CN codes) has TOTAL rows
    // that are those products' sum: never a headline. No card, rank or trend is made from
    // it; its products show in a table whose title says what it covers.
    let complete = |kind: Kind| -> Vec<&Dataset> {
        datasets
            .iter()
            .filter(|d| d.meta.kind == kind && !d.meta.coverage.is_partial())
            .collect()
    };
    let (goods_complete, services_complete) = (complete(Kind::Goods), complete(Kind::Services));
    let mut key_figures = Vec::new();
    let amount = |id, sets: &[&Dataset], reporter: &str, flow| {
        let series = annual_series(sets, reporter, country, flow, TOTAL);
        let (last_year, last) = series.last_key_value()?;
        let previous = series.get(&(last_year - 1));
        let history = series
            .range(last_year - HISTORY_YEARS + 1..=*last_year)
            .map(|(&year, a)| Point {
                year,
                value: a.value,
                illustrative: a.origin.illustrative(),
                origin: a.origin.clone(),
            })
            .collect();
        Some(KeyFigure {
            id,
            year: *last_year,
            value: last.value,
            previous: previous.map(|p| p.value),
            out_of: None,
            illustrative: last.origin.illustrative()
                || previous.is_some_and(|p| p.origin.illustrative()),
            dataset: last.origin.dataset.clone(),
            origin: last.origin.clone(),
            previous_origin: previous.map(|p| p.origin.clone()),
            history,
        })
    };
    // The rank of a reporter's export markets, in the year of its latest exports, or the
    // latest year before it in which every market has its annual figure: ranking this
    // market against only the markets already complete would be false.
    let rank = |id: KeyFigureId, reporter: &str| -> Option<KeyFigure> {
        let exports_year = *annual_series(&goods_complete, reporter, country, Flow::Export, TOTAL)
            .last_key_value()?
            .0;
        let (year, rank) = (0..3).map(|back| exports_year - back).find_map(|y| {
            Some((
                y,
                export_rank(ranks, &goods_complete, reporter, country, y)?,
            ))
        })?;
        let previous = export_rank(ranks, &goods_complete, reporter, country, year - 1);
        let history = (year - HISTORY_YEARS + 1..=year)
            .filter_map(|y| {
                let rank = export_rank(ranks, &goods_complete, reporter, country, y)?;
                Some(Point {
                    year: y,
                    value: rank.rank as f64,
                    illustrative: rank.origin.illustrative(),
                    origin: rank.origin,
                })
            })
            .collect();
        Some(KeyFigure {
            id,
            year,
            value: rank.rank as f64,
            previous: previous.as_ref().map(|p| p.rank as f64),
            out_of: Some(rank.out_of),
            illustrative: rank.origin.illustrative()
                || previous.as_ref().is_some_and(|p| p.origin.illustrative()),
            dataset: rank.origin.dataset.clone(),
            origin: rank.origin,
            previous_origin: previous.map(|p| p.origin),
            history,
        })
    };
    // Each card asked for, in order; one the data cannot fill is left out and said, never
    // filled with anything else.
    let mut left_out = Vec::new();
    for &id in reporters.cards {
        let Some(reporter) = reporters.code(id.reporter) else {
            left_out.push(LeftOut {
                id,
                reporter: None,
                partial: false,
            });
            continue;
        };
        let figure = match (id.measure, id.flow) {
            (Measure::Goods, flow) => amount(id, &goods_complete, reporter, flow),
            (Measure::Services, flow) => amount(id, &services_complete, reporter, flow),
            (Measure::Rank, Flow::Export) => rank(id, reporter),
            // Ranks are of export markets only (the configuration says so).
            (Measure::Rank, Flow::Import) => None,
        };
        match figure {
            Some(figure) => key_figures.push(figure),
            None => {
                let sets = match id.measure {
                    Measure::Services => &services,
                    _ => &goods,
                };
                let partial = sets.iter().any(|d| {
                    d.meta.coverage.is_partial()
                        && d.observations.keys().any(|k| {
                            k.reporter == reporter
                                && k.partner == country
                                && k.product == TOTAL
                                && (id.is_rank() || k.flow == id.flow)
                        })
                });
                left_out.push(LeftOut {
                    id,
                    reporter: Some(reporter.to_string()),
                    partial,
                })
            }
        }
    }

    let year_to_date = key_figures
        .iter()
        .filter_map(|k| {
            if k.id.is_rank() {
                return None;
            }
            let (reporter, flow) = (reporters.code(k.id.reporter)?, k.id.flow);
            let dataset = crate::dataset::by_id(datasets, &k.dataset)?;
            year_to_date(dataset, k, reporter, country, flow)
        })
        .collect();

    let series = |flow| {
        annual_series(&goods_complete, reporters.agency(), country, flow, TOTAL)
            .into_iter()
            .map(|(year, a)| Point {
                year,
                value: a.value,
                illustrative: a.origin.illustrative(),
                origin: a.origin,
            })
            .collect::<Vec<_>>()
    };
    let (mut exports, mut imports) = (series(Flow::Export), series(Flow::Import));
    // The trend shows the last years only: a long history would crowd the chart's years.
    if let Some(last) = exports.iter().chain(&imports).map(|p| p.year).max() {
        exports.retain(|p| p.year > last - TREND_YEARS);
        imports.retain(|p| p.year > last - TREND_YEARS);
    }
    let trend_sets: BTreeSet<String> = exports
        .iter()
        .chain(&imports)
        .map(|p| p.origin.dataset.clone())
        .collect();
    let trend = Trend {
        exports,
        imports,
        datasets: trend_sets.into_iter().collect(),
    };

    let top_products = breakdown(
        &goods,
        classifications,
        reporters.agency(),
        country,
        None,
        Some(TOP_PRODUCTS),
    );
    let services = breakdown(
        &services,
        classifications,
        reporters.national,
        country,
        None,
        None,
    );
    let chapter_sets: Vec<&Dataset> = goods
        .iter()
        .copied()
        .filter(|d| d.meta.classification.contains(CN_CHAPTER))
        .collect();
    let top_chapters = reporters
        .region
        .into_iter()
        .chain([reporters.national])
        .find_map(|reporter| {
            breakdown(
                &chapter_sets,
                classifications,
                reporter,
                country,
                Some(CN_CHAPTER),
                Some(TOP_CHAPTERS),
            )
            .filter(|b| !b.items.is_empty())
        });

    let mut used: BTreeSet<String> = key_figures.iter().map(|k| k.dataset.clone()).collect();
    used.extend(trend.datasets.iter().cloned());
    for b in top_products.iter().chain(&top_chapters).chain(&services) {
        used.insert(b.dataset.clone());
    }
    let illustrative = key_figures.iter().any(|k| k.illustrative)
        || trend
            .exports
            .iter()
            .chain(&trend.imports)
            .any(|p| p.illustrative)
        || top_products
            .iter()
            .chain(&top_chapters)
            .chain(&services)
            .any(|b| {
                b.total_origin.as_ref().is_some_and(Origin::illustrative)
                    || b.items.iter().any(|i| {
                        i.illustrative
                            || i.previous_origin.as_ref().is_some_and(Origin::illustrative)
                    })
            })
        || key_figures
            .iter()
            .any(|k| k.previous_origin.as_ref().is_some_and(Origin::illustrative));
    Figures {
        key_figures,
        left_out,
        year_to_date,
        trend,
        top_products,
        top_chapters,
        services,
        datasets: used.into_iter().collect(),
        illustrative,
    }
}

mod id;
mod series;
pub use series::Ranks;
use series::{annual_series, breakdown, export_rank, year_to_date};

#[cfg(test)]
mod tests;
