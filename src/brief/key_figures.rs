//! The key figures: a card per figure (grouped by reporter), the year-to-date lines and
//! the largest changes since the previous edition.

use super::writer::{Writer, dataset};
use crate::charts;
use crate::config::{Config, Edition};
use crate::dataset::Dataset;
use crate::dataset::Flow;
use crate::error::{Error, Result};
use crate::figures::{Figures, HISTORY_YEARS, KeyFigure, KeyFigureId, Reporter};
use crate::marks::{Marks, mark};
use crate::printed::{Base, BriefFigures, Part, PrintedFigure};
use crate::typeset::Files;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct KeyFiguresContext {
    /// "Key figures 2024", naming the first card's year; empty without cards.
    pub key_figures_heading: String,
    pub card_groups: Vec<CardGroup>,
    /// Year-to-date lines, when the data go beyond the last complete year.
    pub year_to_date: Vec<YearToDateLine>,
    pub since_last: Option<SinceLast>,
}

/// Key-figure cards of one reporter (the region, then the country).
#[derive(Serialize)]
pub(super) struct CardGroup {
    name: String,
    cards: Vec<Card>,
}

#[derive(Serialize)]
struct Card {
    id: KeyFigureId,
    label: String,
    before: String,
    number: String,
    after: String,
    /// The card's year, printed on every card: a partner whose latest year is not
    /// complete yet shows its last complete one, which may not be the heading's.
    year: i32,
    /// The figure's last years drawn as a line (an SVG among the brief's files), when
    /// the data have three years at least.
    sparkline: Option<Sparkline>,
    /// The change as printed, its mark included.
    change: Option<String>,
    /// Set when the figure comes from a dataset that covers only some products.
    partial: Option<String>,
    /// What carries †: the marks are in the texts already (`after`, `change`).
    #[serde(skip)]
    marks: Marks,
}

/// A card's sparkline: the SVG's path among the brief's files, and what it shows in words.
#[derive(Serialize)]
struct Sparkline {
    path: String,
    alt: String,
    /// The first and last years of the line, printed at its ends.
    from: String,
    to: String,
}

/// A line of the year-to-date box.
#[derive(Serialize)]
pub(super) struct YearToDateLine {
    text: String,
    /// From a dataset that covers only some products.
    partial: bool,
    /// Some of its numbers are computed from illustrative rows: the text carries their
    /// marks, the box the note saying what † means.
    illustrative: bool,
}

/// The largest changes since the previous edition.
#[derive(Serialize)]
pub(super) struct SinceLast {
    heading: String,
    items: Vec<String>,
}

/// The key-figures section of one brief. `previous` is the previous edition and what this
/// brief printed in it.
pub(super) fn write(
    w: &Writer,
    config: &Config,
    figures: &Figures,
    datasets: &[Dataset],
    edition: Edition,
    previous: Option<(Edition, &BriefFigures)>,
    files: &mut Files,
) -> Result<KeyFiguresContext> {
    // A region's card exists only in a project with a region (figures leave it out).
    let region_of = config
        .region
        .as_ref()
        .map(|r| w.text(&r.of))
        .unwrap_or_default();
    let national_of = w.text(&config.country.of);
    // The cards grouped by reporter, the groups in the order of their first card.
    let mut groups: Vec<(Reporter, Vec<Card>)> = Vec::new();
    let mut labels = Vec::new();
    // The heading names the first card's year; any card of another year says its own.
    let key_year = figures
        .key_figures
        .first()
        .map(|k| k.year)
        .unwrap_or(edition.year);
    let mut key_notes = Vec::new();
    for k in &figures.key_figures {
        let spec = k.id;
        let who = match spec.reporter {
            Reporter::Region => &region_of,
            Reporter::National => &national_of,
        };
        let mut card = card(w, k, who, datasets)?;
        let base = match (k.previous, &k.previous_origin) {
            (Some(value), Some(origin)) => Some(Base {
                period: (k.year - 1).to_string(),
                value,
                printed: if spec.is_rank() {
                    w.fmt.rank(value as u32)?
                } else {
                    w.fmt.money(value)?.full()
                },
                rows: origin.rows.clone(),
            }),
            _ => None,
        };
        let note = PrintedFigure {
            marks: Some(card.marks),
            id: k.id.record_id(),
            part: Part::KeyFigure,
            label: card.label.clone(),
            period: k.year.to_string(),
            value: k.value,
            printed: format!("{}{}{}", card.before, card.number, card.after)
                .trim_end_matches(crate::marks::DAGGER)
                .to_string(),
            base,
            change: card.change.clone(),
            illustrative: k.illustrative,
            rows: k.origin.rows.clone(),
        };
        w.note(note.clone());
        key_notes.push(note);
        // Noted after the figure it draws, in the record as on the card.
        card.sparkline = sparkline(w, k, &card.label, files)?;
        labels.push((k.id, card.label.clone()));
        match groups.iter_mut().find(|(r, _)| *r == spec.reporter) {
            Some((_, cards)) => cards.push(card),
            None => groups.push((spec.reporter, vec![card])),
        }
    }
    let card_groups: Vec<CardGroup> = groups
        .into_iter()
        .map(|(reporter, cards)| CardGroup {
            name: match reporter {
                Reporter::Region => config.region.as_ref().map(|r| w.text(&r.name)),
                Reporter::National => Some(w.text(&config.country.name)),
            }
            .unwrap_or_default(),
            cards,
        })
        .collect();
    Ok(KeyFiguresContext {
        key_figures_heading: w.fill("brief.key_figures", &[("year", &key_year.to_string())])?,
        card_groups,
        year_to_date: year_to_date(w, figures, datasets, &labels)?,
        since_last: match previous {
            Some((edition, printed)) => since_last(w, edition, printed, key_notes)?,
            None => None,
        },
    })
}

fn card(w: &Writer, k: &KeyFigure, who: &str, datasets: &[Dataset]) -> Result<Card> {
    let label = w.fill(k.id.label(), &[("who", who)])?;
    // A total of only the products a dataset covers is never the country's total: its
    // label says so, and the card does not set it as a headline figure.
    let partial = w.partial_mark(datasets, &k.dataset)?;
    let label = if partial.is_some() {
        w.fill("figures.partial_label", &[("label", &label)])?
    } else {
        label
    };
    let previous_year = (k.year - 1).to_string();
    // The one rule: the value marked when its own rows are illustrative, what it is
    // compared with when its rows are, the change when either is.
    // A rank is compared with the previous rank, an amount through its change.
    let compared = if k.id.is_rank() {
        k.previous.is_some()
    } else {
        k.change().is_some()
    };
    let marks = Marks::of(
        k.origin.illustrative(),
        k.previous_origin
            .as_ref()
            .filter(|_| compared)
            .map(|o| o.illustrative()),
    );
    if k.id.is_rank() {
        let rank = k.value as u32;
        let number = w.fmt.rank(rank)?;
        let after = marks.value_text(&match k.out_of {
            Some(n) => w.fill("figures.rank_of", &[("n", &n.to_string())])?,
            None => String::new(),
        });
        // "14ᵉ en 2023" says where it was; an arrow beside it read as "14 places down".
        // It is the earlier rank itself, marked as that year's ranking is.
        let change = match k.previous {
            Some(prev) => Some(mark(
                &w.fill(
                    "figures.rank_previous",
                    &[
                        ("rank", &w.fmt.rank(prev as u32)?),
                        ("year", &previous_year),
                    ],
                )?,
                marks.base,
            )),
            None => None,
        };
        return Ok(Card {
            id: k.id,
            label,
            before: String::new(),
            number,
            after,
            year: k.year,
            sparkline: None,
            change,
            partial,
            marks,
        });
    }
    let mut amount = w.fmt.money(k.value)?;
    amount.after = marks.value_text(&amount.after);
    // The change's sign says which way it went: no arrow repeats it.
    let change = match k.change() {
        Some(c) => w.fill(
            "figures.change",
            &[
                ("change", &w.fmt.percent_change(c)?),
                ("year", &previous_year),
            ],
        )?,
        None => w.fill("figures.no_previous", &[("year", &previous_year)])?,
    };
    // A change is marked when it is computed from an illustrative year, the value's or the
    // one it is compared with; "no 2023 figure" is no number and carries nothing.
    let change = Some(mark(&change, marks.change));
    Ok(Card {
        id: k.id,
        label,
        before: amount.before,
        number: amount.number,
        after: amount.after,
        year: k.year,
        sparkline: None,
        change,
        partial,
        marks,
    })
}

/// Draws `k`'s last years (when there are three at least: two points are only the
/// change, which the card prints) into `files`, and notes the
/// values drawn. Every card's line spans the same years, so the lines align.
fn sparkline(
    w: &Writer,
    k: &KeyFigure,
    label: &str,
    files: &mut Files,
) -> Result<Option<Sparkline>> {
    if k.history.len() < 3 {
        return Ok(None);
    }
    let spec = k.id;
    let colour = match spec.flow {
        Flow::Export => charts::EXPORTS,
        Flow::Import => charts::IMPORTS,
    };
    let years = k.year - HISTORY_YEARS + 1..=k.year;
    let svg =
        charts::sparkline(&k.history, years, colour, spec.is_rank()).map_err(|e| Error::Chart {
            what: "a key figure's sparkline",
            message: e.to_string(),
        })?;
    let path = w.path(&format!("charts/spark-{}.svg", k.id.key()));
    files.insert(
        path.clone(),
        typst::foundations::Bytes::new(svg.into_bytes()),
    );
    for p in &k.history {
        w.note(PrintedFigure {
            marks: Some(p.origin.marks(None)),
            id: format!("sparkline/{}/{}", k.id.key(), p.year),
            part: Part::Sparkline,
            label: label.to_string(),
            period: p.year.to_string(),
            value: p.value,
            printed: String::new(),
            base: None,
            change: None,
            illustrative: p.illustrative,
            rows: p.origin.rows.clone(),
        });
    }
    let (first, last) = (&k.history[0], &k.history[k.history.len() - 1]);
    let alt = w.fill(
        "figures.sparkline_alt",
        &[
            ("from", &first.year.to_string()),
            ("to", &last.year.to_string()),
            ("what", label),
        ],
    )?;
    Ok(Some(Sparkline {
        path,
        alt,
        from: first.year.to_string(),
        to: last.year.to_string(),
    }))
}

/// One line per year-to-date figure, labelled as its card and compared with the same
/// months of the year before.
fn year_to_date(
    w: &Writer,
    figures: &Figures,
    datasets: &[Dataset],
    labels: &[(KeyFigureId, String)],
) -> Result<Vec<YearToDateLine>> {
    let mut lines = Vec::new();
    let months = |year: i32, last: u8| format!("{year}-01..{year}-{last:02}");
    for ytd in &figures.year_to_date {
        let label = labels
            .iter()
            .find(|(id, _)| *id == ytd.id)
            .map(|(_, label)| label.clone())
            .unwrap_or_default();
        let period = w.fmt.months_to(ytd.year, ytd.last_month)?;
        let marks = ytd.origin.marks(ytd.previous_origin.as_ref());
        let value = w.fmt.money(ytd.value)?.full();
        let change = ytd
            .change()
            .map(|c| Ok::<_, Error>(marks.change_text(&w.fmt.percent_change(c)?)))
            .transpose()?;
        let line = match &change {
            Some(change) => w.fill(
                "figures.ytd_line",
                &[
                    ("label", &label),
                    ("period", &period),
                    ("value", &marks.value_text(&value)),
                    ("change", change),
                    (
                        "previous_period",
                        &w.fmt.months_to(ytd.year - 1, ytd.last_month)?,
                    ),
                ],
            )?,
            None => w.fill(
                "figures.ytd_line_no_previous",
                &[
                    ("label", &label),
                    ("period", &period),
                    ("value", &marks.value_text(&value)),
                ],
            )?,
        };
        let base = match (ytd.previous, &ytd.previous_origin) {
            (Some(previous), Some(origin)) => Some(Base {
                period: months(ytd.year - 1, ytd.last_month),
                value: previous,
                printed: w.fmt.money(previous)?.full(),
                rows: origin.rows.clone(),
            }),
            _ => None,
        };
        let illustrative = marks.any();
        w.note(PrintedFigure {
            marks: Some(marks),
            id: format!("ytd/{}", ytd.id.key()),
            part: Part::YearToDate,
            label,
            period: months(ytd.year, ytd.last_month),
            value: ytd.value,
            printed: value,
            base,
            change,
            illustrative,
            rows: ytd.origin.rows.clone(),
        });
        lines.push(YearToDateLine {
            text: line,
            partial: dataset(datasets, &ytd.origin.dataset)?
                .meta
                .coverage
                .is_partial(),
            illustrative,
        });
    }
    Ok(lines)
}

/// The three key figures that moved most since the previous edition printed them.
fn since_last(
    w: &Writer,
    edition: Edition,
    previous: &BriefFigures,
    key_figures: Vec<PrintedFigure>,
) -> Result<Option<SinceLast>> {
    let current = BriefFigures {
        country: previous.country.clone(),
        language: previous.language.clone(),
        figures: key_figures,
        legacy: false,
    };
    let mut moves: Vec<(f64, String)> = Vec::new();
    for change in crate::printed::compare(previous, &current) {
        let (Some(old), Some(new)) = (change.old, change.new) else {
            continue;
        };
        if new.part != Part::KeyFigure {
            continue;
        }
        let (weight, item) = match &change.revision {
            Some((period, before, after)) => {
                let Some(ratio) = change.ratio() else {
                    continue;
                };
                let item = w.fill(
                    "brief.since_revised",
                    &[
                        ("label", &new.label),
                        ("period", period),
                        ("from", &before.text),
                        ("to", &after.text),
                    ],
                )?;
                (ratio.abs(), item)
            }
            None => {
                let (weight, change) = if crate::printed::is_rank(&new.id) {
                    // A move of one place weighs like a change of 10 %.
                    ((old.value - new.value).abs() / 10.0, String::new())
                } else if let Some(ratio) = change.ratio() {
                    (ratio.abs(), format!(" ({})", w.fmt.percent_change(ratio)?))
                } else {
                    continue;
                };
                let item = w.fill(
                    "brief.since_item",
                    &[
                        ("label", &new.label),
                        ("from", &old.printed),
                        ("to", &new.printed),
                        ("change", &change),
                    ],
                )?;
                (weight, item)
            }
        };
        moves.push((weight, item));
    }
    if moves.is_empty() {
        return Ok(None);
    }
    moves.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(Some(SinceLast {
        heading: w.fill(
            "brief.since_last",
            &[("edition", &w.fmt.edition(&edition)?)],
        )?,
        items: moves.into_iter().take(3).map(|(_, text)| text).collect(),
    }))
}
