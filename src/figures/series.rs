//! The series behind the figures: annual values, year-to-date sums, export ranks and
//! breakdowns by category, each with the rows it comes from.

use super::*;

/// The year after `k`'s, if `dataset` has its first months (and only those): their sum,
/// and the same months' sum the year before when the dataset has them all.
pub(super) fn year_to_date(
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
pub(super) struct AnnualValue {
    pub(super) value: f64,
    pub(super) origin: Origin,
}

type Annual = BTreeMap<i32, AnnualValue>;

/// Annual values of one flow and product, by year, from the first dataset that has them.
pub(super) fn annual_series(
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
pub(super) fn is_country(code: &str) -> bool {
    code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase())
}

/// A market's rank among the reporter's export markets in one year.
pub(super) struct Rank {
    pub(super) rank: usize,
    /// How many markets were ranked.
    pub(super) out_of: usize,
    /// The market's own row, illustrative when any market ranked is.
    pub(super) origin: Origin,
}

/// A reporter's export markets in one year of one dataset, largest first, worked out once
/// for the whole edition: every brief's rank (each year of its card and sparkline) reads
/// it, where each used to scan every goods row again.
pub(super) struct Ranking<'d> {
    markets: Vec<(&'d str, (&'d ObsKey, &'d Observation))>,
    /// Every market has its annual figure for the year: a ranking among fewer would be
    /// false.
    complete: bool,
    /// Some market's value is illustrative: so is every rank among them.
    illustrative: bool,
}

/// The rankings of an edition, by dataset, reporter and year, computed as they are first
/// asked for and shared by every brief (see [`compute`]).
#[derive(Default)]
pub struct Ranks<'d> {
    tables: std::sync::Mutex<BTreeMap<(String, String, i32), std::sync::Arc<Ranking<'d>>>>,
}

impl<'d> Ranks<'d> {
    /// How many rankings have been worked out.
    pub fn worked_out(&self) -> usize {
        self.tables.lock().map(|t| t.len()).unwrap_or_default()
    }

    fn of(&self, d: &'d Dataset, reporter: &str, year: i32) -> std::sync::Arc<Ranking<'d>> {
        let key = (d.id.clone(), reporter.to_string(), year);
        if let Some(table) = self.tables.lock().ok().and_then(|t| t.get(&key).cloned()) {
            return table;
        }
        let table = std::sync::Arc::new(ranking(d, reporter, year));
        if let Ok(mut tables) = self.tables.lock() {
            tables.insert(key, table.clone());
        }
        table
    }
}

/// The ranking of `reporter`'s export markets in `year` in dataset `d`.
fn ranking<'d>(d: &'d Dataset, reporter: &str, year: i32) -> Ranking<'d> {
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
    let complete = !incomplete && before.iter().all(|p| markets.iter().any(|m| m.0 == *p));
    // Largest first; ties broken by code so the rank is stable.
    markets.sort_by(|a, b| {
        (b.1.1.value_eur)
            .total_cmp(&a.1.1.value_eur)
            .then(a.0.cmp(b.0))
    });
    let illustrative = markets.iter().any(|m| m.1.1.status == Status::Illustrative);
    Ranking {
        markets,
        complete,
        illustrative,
    }
}

/// The country's rank among the reporter's export markets in `year`, from the first of
/// `sets` that has the country's figure.
pub(super) fn export_rank<'d>(
    ranks: &Ranks<'d>,
    sets: &[&'d Dataset],
    reporter: &str,
    country: &str,
    year: i32,
) -> Option<Rank> {
    for d in sets {
        let table = ranks.of(d, reporter, year);
        let Some(position) = table.markets.iter().position(|m| m.0 == country) else {
            continue;
        };
        if !table.complete {
            return None;
        }
        // The rank rests on the market's own row, and is illustrative when any market's
        // value is: other markets' published rows are not a source of this brief.
        let mut origin = Origin::of(d, &[table.markets[position].1]);
        if table.illustrative {
            origin.statuses.insert(Status::Illustrative);
        }
        return Some(Rank {
            rank: position + 1,
            out_of: table.markets.len(),
            origin,
        });
    }
    None
}

/// The reporter's exports to the country by category of one classification (`level`, or
/// each dataset's main one) for the latest year that has them.
pub(super) fn breakdown(
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
                    // The value's own row: what the year before was is the change's mark.
                    illustrative: row.1.status == Status::Illustrative,
                    origin: Origin::of(d, &[*row]),
                    previous_origin: before.map(|p| Origin::of(d, &[*p])),
                }
            })
            .collect();
        items.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.code.cmp(&b.code)));
        if let Some(limit) = limit {
            items.truncate(limit);
        }
        // What gathers the rest ("Other business services") comes after the categories it
        // is not, whatever its size.
        let residual = &classifications[&classification].residual;
        items.sort_by_key(|i| residual.contains(&i.code));
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
