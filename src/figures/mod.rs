//! The figures a brief prints, computed from the datasets (pure: no I/O, no formatting).
//!
//! Every figure remembers where it comes from — its dataset, the rows behind it and their
//! status — so the brief can mark illustrative values, cite only the sources it really
//! uses, and record each printed number with its rows.

use crate::dataset::{Dataset, Flow, Kind, ObsKey, Observation, Period, Status, TOTAL};
use crate::reference::Classification;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Which key figure a card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFigureId {
    /// The region's goods exports to the country.
    RegionGoodsExports,
    /// The region's goods imports from the country.
    RegionGoodsImports,
    /// The national goods exports to the country.
    NationalGoodsExports,
    /// The national services exports to the country.
    NationalServicesExports,
    /// The country's rank among the region's goods export markets.
    RegionExportRank,
}

/// Whose figure a key figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reporter {
    Region,
    National,
}

/// What a key figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Euros of goods trade.
    Goods,
    /// Euros of services trade.
    Services,
    /// The country's rank among the reporter's goods export markets.
    Rank,
}

/// What one key figure is: the one place that says it.
#[derive(Debug)]
pub struct KeyFigureSpec {
    pub id: KeyFigureId,
    /// Its name in records and `figures.json` (`key/<key>`).
    pub key: &'static str,
    pub reporter: Reporter,
    pub measure: Measure,
    pub flow: Flow,
    /// The catalogue phrase of the card's label (`{who}` is the reporter).
    pub label: &'static str,
}

/// Every key figure, in the order the cards print them.
pub const KEY_FIGURES: [KeyFigureSpec; 5] = [
    KeyFigureSpec {
        id: KeyFigureId::RegionGoodsExports,
        key: "region_goods_exports",
        reporter: Reporter::Region,
        measure: Measure::Goods,
        flow: Flow::Export,
        label: "figures.goods_exports",
    },
    KeyFigureSpec {
        id: KeyFigureId::RegionGoodsImports,
        key: "region_goods_imports",
        reporter: Reporter::Region,
        measure: Measure::Goods,
        flow: Flow::Import,
        label: "figures.goods_imports",
    },
    KeyFigureSpec {
        id: KeyFigureId::NationalGoodsExports,
        key: "national_goods_exports",
        reporter: Reporter::National,
        measure: Measure::Goods,
        flow: Flow::Export,
        label: "figures.goods_exports",
    },
    KeyFigureSpec {
        id: KeyFigureId::NationalServicesExports,
        key: "national_services_exports",
        reporter: Reporter::National,
        measure: Measure::Services,
        flow: Flow::Export,
        label: "figures.services_exports",
    },
    KeyFigureSpec {
        id: KeyFigureId::RegionExportRank,
        key: "region_export_rank",
        reporter: Reporter::Region,
        measure: Measure::Rank,
        flow: Flow::Export,
        label: "figures.export_rank",
    },
];

impl KeyFigureId {
    /// What the figure is.
    pub fn spec(self) -> &'static KeyFigureSpec {
        KEY_FIGURES
            .iter()
            .find(|spec| spec.id == self)
            .unwrap_or(&KEY_FIGURES[0])
    }

    /// Its name in records (`region_goods_exports`).
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// Its id in `figures.json` (`key/region_goods_exports`).
    pub fn record_id(self) -> String {
        format!("key/{}", self.key())
    }
}

impl Reporters<'_> {
    /// The reporter code of a key figure.
    pub fn code(&self, reporter: Reporter) -> &str {
        match reporter {
            Reporter::Region => self.region,
            Reporter::National => self.national,
        }
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
}

/// One key figure for its latest year, with the year before when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyFigure {
    pub id: KeyFigureId,
    pub year: i32,
    /// Euros, or the rank for [`KeyFigureId::RegionExportRank`].
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
        match (self.id, self.previous) {
            (KeyFigureId::RegionExportRank, _) => None,
            (_, Some(prev)) if prev > 0.0 => Some(self.value / prev - 1.0),
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
    pub illustrative: bool,
    pub origin: Origin,
    pub previous_origin: Option<Origin>,
}

impl Item {
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

/// The reporters figures are computed for.
pub struct Reporters<'a> {
    pub region: &'a str,
    pub national: &'a str,
}

/// Computes the figures for `country` (upper-case alpha-2) from `datasets`, whose product
/// codes are those of `classifications`.
pub fn compute(
    datasets: &[Dataset],
    classifications: &BTreeMap<String, Classification>,
    reporters: &Reporters<'_>,
    country: &str,
) -> Figures {
    let goods: Vec<&Dataset> = datasets
        .iter()
        .filter(|d| d.meta.kind == Kind::Goods)
        .collect();
    let services: Vec<&Dataset> = datasets
        .iter()
        .filter(|d| d.meta.kind == Kind::Services)
        .collect();

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
    for spec in &KEY_FIGURES {
        let datasets = match spec.measure {
            Measure::Goods => &goods,
            Measure::Services => &services,
            Measure::Rank => continue,
        };
        key_figures.extend(amount(
            spec.id,
            datasets,
            reporters.code(spec.reporter),
            spec.flow,
        ));
    }
    // The rank of the exports' year, or of the latest year before it in which every
    // market has its annual figure: ranking this market against only the markets already
    // complete would be false.
    if let Some(exports_year) = key_figures
        .first()
        .filter(|k| k.id == KeyFigureId::RegionGoodsExports)
        .map(|k| k.year)
        && let Some((year, rank)) = (0..3)
            .map(|back| exports_year - back)
            .find_map(|y| Some((y, export_rank(&goods, reporters.region, country, y)?)))
    {
        let previous = export_rank(&goods, reporters.region, country, year - 1);
        let history = (year - HISTORY_YEARS + 1..=year)
            .filter_map(|y| {
                let rank = export_rank(&goods, reporters.region, country, y)?;
                Some(Point {
                    year: y,
                    value: rank.rank as f64,
                    illustrative: rank.origin.illustrative(),
                    origin: rank.origin,
                })
            })
            .collect();
        key_figures.push(KeyFigure {
            id: KeyFigureId::RegionExportRank,
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
        });
    }

    let year_to_date = key_figures
        .iter()
        .filter_map(|k| {
            let spec = k.id.spec();
            if spec.measure == Measure::Rank {
                return None;
            }
            let (reporter, flow) = (reporters.code(spec.reporter), spec.flow);
            let dataset = crate::dataset::by_id(datasets, &k.dataset)?;
            year_to_date(dataset, k, reporter, country, flow)
        })
        .collect();

    let series = |flow| {
        annual_series(&goods, reporters.region, country, flow, TOTAL)
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
        reporters.region,
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
    let top_chapters = [reporters.region, reporters.national]
        .into_iter()
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
            .flat_map(|b| &b.items)
            .any(|i| i.illustrative);
    Figures {
        key_figures,
        year_to_date,
        trend,
        top_products,
        top_chapters,
        services,
        datasets: used.into_iter().collect(),
        illustrative,
    }
}

mod series;
use series::{annual_series, breakdown, export_rank, year_to_date};

#[cfg(test)]
mod tests;
