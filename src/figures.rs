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
}

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
    let (exports, imports) = (series(Flow::Export), series(Flow::Import));
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

/// The year after `k`'s, if `dataset` has its first months (and only those): their sum,
/// and the same months' sum the year before when the dataset has them all.
fn year_to_date(
    dataset: &Dataset,
    k: &KeyFigure,
    reporter: &str,
    country: &str,
    flow: Flow,
) -> Option<YearToDate> {
    let year = k.year + 1;
    // Which months this partner's series covers: partners are published at different
    // times, so another partner's December says nothing about this one's.
    let covered = |y: i32| dataset.months(reporter, country, flow, y);
    let months = covered(year);
    let last_month = *months.iter().max()?;
    if last_month == 12 || months.len() != usize::from(last_month) {
        return None;
    }
    let sum = |y: i32| -> Option<(f64, Origin)> {
        let rows: Vec<(&ObsKey, &Observation)> = (1..=last_month)
            .filter_map(|m| {
                dataset.observations.get_key_value(&ObsKey {
                    reporter: reporter.to_string(),
                    partner: country.to_string(),
                    flow,
                    period: Period::Month(y, m),
                    product: TOTAL.to_string(),
                })
            })
            .collect();
        // Every month needs its total: a month with other rows but no total is not zero.
        (rows.len() == usize::from(last_month)).then(|| {
            (
                rows.iter().map(|(_, o)| o.value_eur).sum(),
                Origin::of(dataset, &rows),
            )
        })
    };
    let before = covered(year - 1);
    let previous = (1..=last_month)
        .all(|m| before.contains(&m))
        .then(|| sum(year - 1))
        .flatten();
    let (value, origin) = sum(year)?;
    Some(YearToDate {
        id: k.id,
        year,
        last_month,
        value,
        previous: previous.as_ref().map(|p| p.0),
        origin,
        previous_origin: previous.map(|p| p.1),
    })
}

/// One year's value of a series, with its row.
struct AnnualValue {
    value: f64,
    origin: Origin,
}

type Annual = BTreeMap<i32, AnnualValue>;

/// Annual values of one flow and product, by year, from the first dataset that has them.
fn annual_series(
    sets: &[&Dataset],
    reporter: &str,
    partner: &str,
    flow: Flow,
    product: &str,
) -> Annual {
    let mut out = Annual::new();
    for d in sets {
        for (k, obs) in d.series(reporter, partner, flow) {
            if let Period::Year(y) = k.period
                && k.product == product
            {
                out.entry(y).or_insert_with(|| AnnualValue {
                    value: obs.value_eur,
                    origin: Origin::of(d, &[(k, obs)]),
                });
            }
        }
    }
    out
}

/// A partner code that names one country (not an aggregate such as WORLD or EU27_2020).
fn is_country(code: &str) -> bool {
    code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase())
}

/// A market's rank among the reporter's export markets in one year.
struct Rank {
    rank: usize,
    /// How many markets were ranked.
    out_of: usize,
    /// The market's own row, illustrative when any market ranked is.
    origin: Origin,
}

/// The country's rank among the reporter's export markets in `year`.
fn export_rank(sets: &[&Dataset], reporter: &str, country: &str, year: i32) -> Option<Rank> {
    for d in sets {
        let mut markets: Vec<(&str, (&ObsKey, &Observation))> = d
            .observations
            .iter()
            .filter(|(k, _)| {
                k.reporter == reporter
                    && k.flow == Flow::Export
                    && k.period == Period::Year(year)
                    && k.product == TOTAL
                    && is_country(&k.partner)
            })
            .map(|(k, o)| (k.partner.as_str(), (k, o)))
            .collect();
        if !markets.iter().any(|m| m.0 == country) {
            continue;
        }
        // A market with months in `year` but no annual figure is not complete yet: no
        // ranking for that year.
        let incomplete = d.coverage.iter().any(|((r, partner, flow), years)| {
            r == reporter
                && *flow == Flow::Export
                && is_country(partner)
                && years.contains_key(&year)
                && !markets.iter().any(|m| m.0 == partner)
        });
        // Nor when a market of the year before has no figure for this year yet (a dataset
        // of annual rows, one market ahead of the others): it would rank among too few.
        let before: BTreeSet<&str> = d
            .observations
            .keys()
            .filter(|k| {
                k.reporter == reporter
                    && k.flow == Flow::Export
                    && k.period == Period::Year(year - 1)
                    && k.product == TOTAL
                    && is_country(&k.partner)
            })
            .map(|k| k.partner.as_str())
            .collect();
        if incomplete || before.iter().any(|p| !markets.iter().any(|m| m.0 == *p)) {
            return None;
        }
        // Largest first; ties broken by code so the rank is stable.
        markets.sort_by(|a, b| {
            (b.1.1.value_eur)
                .total_cmp(&a.1.1.value_eur)
                .then(a.0.cmp(b.0))
        });
        let position = markets.iter().position(|m| m.0 == country)?;
        // The rank rests on the market's own row, and is illustrative when any market's
        // value is: other markets' published rows are not a source of this brief.
        let mut origin = Origin::of(d, &[markets[position].1]);
        if markets.iter().any(|m| m.1.1.status == Status::Illustrative) {
            origin.statuses.insert(Status::Illustrative);
        }
        return Some(Rank {
            rank: position + 1,
            out_of: markets.len(),
            origin,
        });
    }
    None
}

/// The reporter's exports to the country by category of one classification (`level`, or
/// each dataset's main one) for the latest year that has them.
fn breakdown(
    sets: &[&Dataset],
    classifications: &BTreeMap<String, Classification>,
    reporter: &str,
    country: &str,
    level: Option<&str>,
    limit: Option<usize>,
) -> Option<Breakdown> {
    for d in sets {
        let classification = level.unwrap_or(d.meta.classification.main()).to_string();
        let Some(labels) = classifications.get(&classification).map(|c| &c.labels) else {
            continue;
        };
        let categories = || {
            d.series(reporter, country, Flow::Export)
                .filter(|(k, _)| labels.contains_key(&k.product))
        };
        let by_year = |year: i32| -> BTreeMap<&str, (&ObsKey, &Observation)> {
            categories()
                .filter(|(k, _)| k.period == Period::Year(year))
                .map(|(k, o)| (k.product.as_str(), (k, o)))
                .collect()
        };
        let year = categories()
            .filter_map(|(k, _)| match k.period {
                Period::Year(y) => Some(y),
                _ => None,
            })
            .max();
        let Some(year) = year else { continue };
        let current = by_year(year);
        let previous = by_year(year - 1);
        let mut items: Vec<Item> = current
            .iter()
            .filter(|(_, (_, o))| o.value_eur > 0.0)
            .map(|(code, row)| {
                let before = previous.get(code);
                Item {
                    code: code.to_string(),
                    value: row.1.value_eur,
                    previous: before.map(|p| p.1.value_eur),
                    illustrative: row.1.status == Status::Illustrative
                        || before.is_some_and(|p| p.1.status == Status::Illustrative),
                    origin: Origin::of(d, &[*row]),
                    previous_origin: before.map(|p| Origin::of(d, &[*p])),
                }
            })
            .collect();
        items.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.code.cmp(&b.code)));
        if let Some(limit) = limit {
            items.truncate(limit);
        }
        let total = d.observations.get_key_value(&ObsKey {
            reporter: reporter.to_string(),
            partner: country.to_string(),
            flow: Flow::Export,
            period: Period::Year(year),
            product: TOTAL.to_string(),
        });
        return Some(Breakdown {
            year,
            classification,
            items,
            total: total.map(|(_, o)| o.value_eur),
            total_origin: total.map(|row| Origin::of(d, &[row])),
            dataset: d.id.clone(),
            reporter: reporter.to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn dataset(id: &str, kind: &str, classification: &str, rows: &str) -> Dataset {
        let meta = format!(
            "title: {{fr: T, nl: T, en: T}}\nkind: {kind}\nclassification: {classification}\nsource: {{fr: S, nl: S, en: S}}\nurl: https://example.org\nlicence: L\nconcept: {{fr: C, nl: C, en: C}}\nlast_update: 2025-07-23\nillustrative: true\n"
        );
        let csv = format!("reporter,partner,flow,period,product,value_eur,status\n{rows}");
        Dataset::parse(id, Path::new("m.yaml"), &meta, Path::new("d.csv"), &csv).unwrap()
    }

    fn classifications() -> BTreeMap<String, Classification> {
        crate::reference::Reference::load(&crate::assets::Assets::embedded())
            .unwrap()
            .classifications
    }

    fn sample() -> Vec<Dataset> {
        vec![
            dataset(
                "goods",
                "goods",
                "hs-section",
                "BE-BRU,CA,export,2023,TOTAL,147000000,derived\n\
                 BE-BRU,CA,export,2024,TOTAL,32400000,published\n\
                 BE-BRU,CA,import,2024,TOTAL,24000000,published\n\
                 BE-BRU,DE,export,2024,TOTAL,2000000000,illustrative\n\
                 BE-BRU,MX,export,2024,TOTAL,8600000,published\n\
                 BE-BRU,WORLD,export,2024,TOTAL,9000000000,illustrative\n\
                 BE-BRU,CA,export,2024,VI,10000000,illustrative\n\
                 BE-BRU,CA,export,2024,IV,12000000,illustrative\n\
                 BE-BRU,CA,export,2023,IV,6000000,illustrative\n\
                 BE,CA,export,2024,TOTAL,2600000000,published\n",
            ),
            dataset(
                "services",
                "services",
                "ebops-2010",
                "BE,CA,export,2024,TOTAL,697000000,published\n",
            ),
        ]
    }

    #[test]
    fn key_figures_and_changes() {
        let f = compute(
            &sample(),
            &classifications(),
            &Reporters {
                region: "BE-BRU",
                national: "BE",
            },
            "CA",
        );
        let ids: Vec<_> = f.key_figures.iter().map(|k| k.id).collect();
        assert_eq!(
            ids,
            [
                KeyFigureId::RegionGoodsExports,
                KeyFigureId::RegionGoodsImports,
                KeyFigureId::NationalGoodsExports,
                KeyFigureId::NationalServicesExports,
                KeyFigureId::RegionExportRank
            ]
        );
        let exports = &f.key_figures[0];
        assert_eq!(exports.value, 32_400_000.0);
        assert!((exports.change().unwrap() - (32.4 / 147.0 - 1.0)).abs() < 1e-9);
        assert!(!exports.illustrative);
        // Rank among countries only: DE, CA, MX (WORLD is an aggregate).
        let rank = &f.key_figures[4];
        assert_eq!((rank.value, rank.out_of), (2.0, Some(3)));
        assert!(
            rank.illustrative,
            "DE's value is illustrative, so the rank is too"
        );
        assert!(f.illustrative);
    }

    #[test]
    fn breakdown_sorted_with_growth() {
        let f = compute(
            &sample(),
            &classifications(),
            &Reporters {
                region: "BE-BRU",
                national: "BE",
            },
            "CA",
        );
        let top = f.top_products.unwrap();
        assert_eq!(top.year, 2024);
        assert_eq!(top.items[0].code, "IV");
        assert_eq!(top.items[0].change(), Some(1.0));
        assert_eq!(top.items[1].change(), None);
        assert_eq!(top.total, Some(32_400_000.0));
        assert!(f.services.is_none(), "no services categories in the sample");
    }

    #[test]
    fn a_partial_partner_gets_its_last_complete_year_and_year_to_date() {
        // Canada's 2025 is complete; Germany's stops in November: no annual 2025 for it
        // (the import writes none), so its key figure is 2024 and its months are year to
        // date. Ranking Canada among the markets complete in 2025 only would be false: the
        // rank is 2024's.
        let mut rows = String::new();
        for (partner, y2024, y2025) in [("CA", 50, 60), ("DE", 100, 0), ("MX", 40, 30)] {
            rows.push_str(&format!(
                "BE-BRU,{partner},export,2024,TOTAL,{y2024},reported\n"
            ));
            if y2025 > 0 {
                rows.push_str(&format!(
                    "BE-BRU,{partner},export,2025,TOTAL,{y2025},reported\n"
                ));
            }
        }
        for m in 1..=11 {
            rows.push_str(&format!("BE-BRU,DE,export,2024-{m:02},TOTAL,8,reported\n"));
            rows.push_str(&format!("BE-BRU,DE,export,2025-{m:02},TOTAL,9,reported\n"));
        }
        let goods = dataset("comext", "goods", "hs-section", &rows);
        let reporters = Reporters {
            region: "BE-BRU",
            national: "BE",
        };
        let de = compute(
            std::slice::from_ref(&goods),
            &classifications(),
            &reporters,
            "DE",
        );
        let exports = &de.key_figures[0];
        assert_eq!((exports.year, exports.value), (2024, 100.0));
        let ytd = &de.year_to_date[0];
        assert_eq!((ytd.year, ytd.last_month, ytd.value), (2025, 11, 99.0));
        assert_eq!(ytd.previous, Some(88.0));
        assert_eq!(ytd.origin.rows.len(), 11);

        let ca = compute(&[goods], &classifications(), &reporters, "CA");
        assert_eq!(ca.key_figures[0].year, 2025);
        assert!(ca.year_to_date.is_empty());
        let rank = ca
            .key_figures
            .iter()
            .find(|k| k.id == KeyFigureId::RegionExportRank)
            .unwrap();
        assert_eq!((rank.year, rank.value, rank.out_of), (2024, 2.0, Some(3)));
    }

    #[test]
    fn a_market_ahead_of_the_others_is_not_ranked_among_itself() {
        let goods = dataset(
            "goods",
            "goods",
            "hs-section",
            "BE-BRU,CA,export,2024,TOTAL,50,published\n\
             BE-BRU,MX,export,2024,TOTAL,70,published\n\
             BE-BRU,CA,export,2025,TOTAL,40,published\n",
        );
        let reporters = Reporters {
            region: "BE-BRU",
            national: "BE",
        };
        let f = compute(&[goods], &classifications(), &reporters, "CA");
        assert_eq!(f.key_figures[0].year, 2025);
        let rank = f
            .key_figures
            .iter()
            .find(|k| k.id == KeyFigureId::RegionExportRank)
            .unwrap();
        assert_eq!((rank.year, rank.value, rank.out_of), (2024, 2.0, Some(2)));
    }

    #[test]
    fn chapters_are_a_level_of_their_own() {
        // Sections and chapters of the same exports in one dataset: each level sums to the
        // total on its own, and neither leaks into the other's breakdown.
        let goods = dataset(
            "be-goods",
            "goods",
            "[hs-section, cn-chapter]",
            "BE,DE,export,2024,TOTAL,100,published\n\
             BE,DE,export,2024,VII,60,published\n\
             BE,DE,export,2024,VI,40,published\n\
             BE,DE,export,2024,39,60,published\n\
             BE,DE,export,2024,32,25,published\n\
             BE,DE,export,2024,35,15,published\n\
             BE,DE,export,2023,39,50,published\n",
        );
        let f = compute(
            &[goods],
            &classifications(),
            &Reporters {
                region: "BE-BRU",
                national: "BE",
            },
            "DE",
        );
        assert!(f.top_products.is_none(), "the region has no rows");
        let chapters = f.top_chapters.expect("the country's chapters");
        assert_eq!(chapters.reporter, "BE");
        assert_eq!(chapters.classification, CN_CHAPTER);
        let codes: Vec<&str> = chapters.items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["39", "32", "35"]);
        assert!((chapters.items[0].change().unwrap() - 0.2).abs() < 1e-12);
        assert_eq!(chapters.total, Some(100.0));
    }
}
