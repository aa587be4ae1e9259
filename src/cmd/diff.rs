//! `marketbrief diff FROM TO`: what changed between two editions, per country — every
//! number a brief printed (key figures, year to date, chart values, table rows, country
//! facts) with its old and new value and the change, revisions of earlier periods marked as
//! such, categories that appeared or dropped out — read from each edition's `figures.json`,
//! so the comparison holds after the data files have moved on.

use crate::cli::{DiffArgs, DiffFormat};
use crate::cmd::Outcome;
use crate::record::{self, BriefFigures, ChangeKind, Part, PrintedFigure};

use crate::i18n::format::LocaleFormatter;
use crate::project::Project;
use crate::store::read_figures;
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::io::Write;

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub country: String,
    /// `figure` (a later period), `revision` (the same period, or the base of a printed
    /// change, with another value), `new figure`, `dropped figure`, `new category`,
    /// `dropped category`, `new brief` or `dropped brief`.
    pub kind: &'static str,
    pub item: String,
    pub from: String,
    pub to: String,
    pub change: String,
}

pub fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<Outcome> {
    let project = Project::load(&args.project)?;
    let langs: Vec<crate::Lang> = args.lang.into_iter().collect();
    let settings = crate::settings::Settings::resolve(
        &project,
        &args.project,
        &langs,
        Some(args.to),
        args.out.as_deref(),
    );
    let lang = settings.langs[0];
    let fmt = LocaleFormatter::new(project.catalogue(lang))?;
    let from = read_figures(&settings.edition_dir(args.from))?;
    let to = read_figures(&settings.out_dir())?;
    let pick = |briefs: &std::collections::BTreeMap<String, BriefFigures>| {
        briefs
            .values()
            .filter(|b| b.language == lang.code())
            .map(|b| (b.country.clone(), b.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (from, to) = (pick(&from), pick(&to));
    if from.is_empty() && to.is_empty() {
        bail!("neither edition has briefs in {lang}");
    }
    let countries: BTreeSet<&String> = from.keys().chain(to.keys()).collect();
    let mut changes = Vec::new();
    for country in countries {
        changes.extend(compare(country, from.get(country), to.get(country), &fmt)?);
    }
    let header = [
        "country",
        "what",
        "item",
        &args.from.to_string(),
        &args.to.to_string(),
        "change",
    ];
    match args.format {
        DiffFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(header)?;
            for c in &changes {
                writer.write_record([&c.country, c.kind, &c.item, &c.from, &c.to, &c.change])?;
            }
            out.write_all(&writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        DiffFormat::Markdown => {
            writeln!(out, "| {} |", header.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(header.len()))?;
            for c in &changes {
                let cells = [&c.country, c.kind, &c.item, &c.from, &c.to, &c.change];
                let cells: Vec<String> = cells.iter().map(|s| s.replace('|', "\\|")).collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
        }
        DiffFormat::Table => {
            let rows: Vec<[String; 6]> = std::iter::once(header.map(str::to_string))
                .chain(changes.iter().map(|c| {
                    [
                        c.country.clone(),
                        c.kind.to_string(),
                        c.item.clone(),
                        c.from.clone(),
                        c.to.clone(),
                        c.change.clone(),
                    ]
                }))
                .collect();
            let widths: Vec<usize> = (0..6)
                .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
                .collect();
            for (n, row) in rows.iter().enumerate() {
                let line: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
                    .collect();
                writeln!(out, "{}", line.join("  ").trim_end())?;
                if n == 0 {
                    writeln!(
                        out,
                        "{}",
                        widths
                            .iter()
                            .map(|w| "─".repeat(*w))
                            .collect::<Vec<_>>()
                            .join("  ")
                    )?;
                }
            }
        }
    }
    if changes.is_empty() && args.format == DiffFormat::Table {
        writeln!(out, "no changes between {} and {}", args.from, args.to)?;
    }
    Ok(Outcome::Success)
}

/// The changes for one country between two editions' records: every printed number that
/// changed, revisions of earlier periods marked as such.
pub fn compare(
    country: &str,
    from: Option<&BriefFigures>,
    to: Option<&BriefFigures>,
    fmt: &LocaleFormatter,
) -> Result<Vec<Change>> {
    let line = |kind, item: String, from: &str, to: &str, change: String| Change {
        country: country.to_string(),
        kind,
        item,
        from: from.to_string(),
        to: to.to_string(),
        change,
    };
    let (Some(from), Some(to)) = (from, to) else {
        let kind = if from.is_none() {
            "new brief"
        } else {
            "dropped brief"
        };
        return Ok(vec![line(kind, String::new(), "", "", String::new())]);
    };
    let mut changes = Vec::new();
    for change in record::compare(from, to) {
        let figure = change.figure();
        let item = match place(figure) {
            None => figure.label.clone(),
            Some(place) => format!("{place}: {}", figure.label),
        };
        let rank = figure.part == Part::KeyFigure && record::is_rank(&figure.id);
        let moved = |old: &PrintedFigure, new: &PrintedFigure| -> Result<String> {
            Ok(if rank {
                places(old.value - new.value)
            } else if figure.part == Part::Share && figure.value <= 1.0 && old.value <= 1.0 {
                // The printed percentages say how a share moved.
                String::new()
            } else if figure.part == Part::YearToDate && old.period != new.period {
                // Jan–Jun against Jan–Sep: no rate compares them.
                String::new()
            } else {
                match change.ratio() {
                    Some(ratio) => fmt.percent_change(ratio)?,
                    None => String::new(),
                }
            })
        };
        changes.push(match (change.kind, change.old, change.new) {
            (ChangeKind::Updated, Some(old), Some(new)) => line(
                "figure",
                format!("{item} ({} → {})", old.period, new.period),
                &printed_or_amount(old, fmt),
                &printed_or_amount(new, fmt),
                moved(old, new)?,
            ),
            (ChangeKind::Revised, Some(old), Some(new)) => line(
                "revision",
                format!("{item}, {} revised", new.period),
                &printed_or_amount(old, fmt),
                &printed_or_amount(new, fmt),
                moved(old, new)?,
            ),
            (ChangeKind::BaseRevised, Some(old), Some(new)) => {
                let (period, before, after) = change
                    .revision
                    .clone()
                    .expect("a base revision has its values");
                // The printed change it moved, or else how much the base itself moved; a
                // rank's base is a rank, its move is in places.
                let now = match (&old.change, &new.change) {
                    _ if rank => places(before.value - after.value),
                    (Some(was), Some(now)) if was != now => {
                        format!("change now {now} (was {was})")
                    }
                    _ => match change.ratio() {
                        Some(ratio) => fmt.percent_change(ratio)?,
                        None => String::new(),
                    },
                };
                // Chart values are drawn without their unit: the report gives amounts.
                let amount = |p: &record::Printed| -> Result<String> {
                    Ok(match figure.part {
                        Part::KeyFigure | Part::YearToDate if !p.text.is_empty() => p.text.clone(),
                        _ if rank => fmt.rank(p.value as u32)?,
                        _ => fmt.money(p.value)?.full(),
                    })
                };
                line(
                    "revision",
                    format!("{item}: {period} revised"),
                    &amount(&before)?,
                    &amount(&after)?,
                    now,
                )
            }
            (ChangeKind::Added, _, Some(new)) => line(
                if new.part.is_category() {
                    "new category"
                } else {
                    "new figure"
                },
                format!("{item} ({})", new.period),
                "",
                &printed_or_amount(new, fmt),
                String::new(),
            ),
            (ChangeKind::Dropped, Some(old), _) => line(
                if old.part.is_category() {
                    "dropped category"
                } else {
                    "dropped figure"
                },
                format!("{item} ({})", old.period),
                &printed_or_amount(old, fmt),
                "",
                String::new(),
            ),
            _ => continue,
        });
    }
    Ok(changes)
}

/// A rank's move: `↑ 2` for two places up (a smaller rank).
fn places(up: f64) -> String {
    match up.partial_cmp(&0.0) {
        Some(std::cmp::Ordering::Greater) => format!("↑ {up}"),
        Some(std::cmp::Ordering::Less) => format!("↓ {}", -up),
        _ => "=".into(),
    }
}

/// Where in the brief a number is printed, as the report says it: the chart or table it is
/// in (its id starts with it: `products/share`), nothing for a key figure.
fn place(figure: &PrintedFigure) -> Option<&'static str> {
    Some(match figure.id.split('/').next().unwrap_or_default() {
        "ytd" => "year to date",
        "trend" => "trend chart",
        "products" => "goods chart",
        "services" => "services chart",
        "chapters" => "chapter table",
        "facts" => "country facts",
        _ => return None,
    })
}

/// A value for the report: chart values (drawn in millions, without the unit) as amounts,
/// everything else as printed. Records of earlier versions kept only categories' amounts.
fn printed_or_amount(figure: &PrintedFigure, fmt: &LocaleFormatter) -> String {
    let drawn = matches!(
        figure.part,
        Part::Trend | Part::Products | Part::Services | Part::Chapters
    );
    if drawn || figure.printed.is_empty() {
        fmt.money(figure.value)
            .map(|m| m.full())
            .unwrap_or_default()
    } else {
        figure.printed.clone()
    }
}
