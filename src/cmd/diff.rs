//! `marketbrief diff FROM TO`: what changed between two editions, per country — every
//! number a brief printed (key figures, year to date, chart values, table rows, country
//! facts) with its old and new value and the change, revisions of earlier periods marked as
//! such, categories that appeared or dropped out — read from each edition's `figures.json`,
//! so the comparison holds after the data files have moved on.

use crate::cli::{DiffArgs, DiffFormat};
use crate::cmd::Outcome;
use crate::printed::{self, BriefFigures, ChangeKind, Part, PrintedFigure};

use crate::i18n::format::LocaleFormatter;
use crate::project::Project;
use crate::store::read_figures;
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::io::Write;

/// One line of the report, in the words of the report's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub country: String,
    /// `figure` (a later period), `revision` (the same period, or the base of a printed
    /// change, with another value), `new figure`, `dropped figure`, `new category`,
    /// `dropped category`, `new brief` or `dropped brief` (`diff.*` in the catalogue).
    pub kind: String,
    pub item: String,
    pub from: String,
    pub to: String,
    pub change: String,
    /// The values themselves, for a sheet to compute with (`--format csv`).
    pub raw: Raw,
}

/// A change's numbers as numbers: the old and new value, their unit and periods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Raw {
    pub from_value: Option<f64>,
    pub to_value: Option<f64>,
    /// `EUR`, `USD`, `people`, `rank` or `ratio` (a share: 0.85 is 85 %).
    pub unit: &'static str,
    pub from_period: String,
    pub to_period: String,
}

impl Raw {
    fn of(old: Option<&PrintedFigure>, new: Option<&PrintedFigure>) -> Raw {
        let figure = new.or(old);
        Raw {
            from_value: old.map(|f| f.value),
            to_value: new.map(|f| f.value),
            unit: figure.map(unit).unwrap_or_default(),
            from_period: old.map(|f| f.period.clone()).unwrap_or_default(),
            to_period: new.map(|f| f.period.clone()).unwrap_or_default(),
        }
    }
}

/// The unit of a recorded value (see [`PrintedFigure::value`]).
fn unit(figure: &PrintedFigure) -> &'static str {
    match figure.part {
        _ if printed::is_rank(&figure.id) => "rank",
        Part::Share if figure.value <= 1.0 => "ratio",
        Part::Facts if figure.id == "facts/population" => "people",
        Part::Facts => "USD",
        _ => "EUR",
    }
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
    let cat = project.catalogue(lang);
    let fmt = LocaleFormatter::new(cat)?;
    let from = read_figures(&settings.edition_dir(args.from))?;
    let to = read_figures(&settings.out_dir())?;
    // Each edition's briefs in the language, by country; their figures are read one
    // country at a time.
    let pick = |briefs: &crate::store::Spool| -> std::collections::BTreeMap<String, String> {
        briefs
            .briefs()
            .filter(|(_, _, language)| *language == lang.code())
            .map(|(name, country, _)| (country.to_string(), name.to_string()))
            .collect()
    };
    let (from_names, to_names) = (pick(&from), pick(&to));
    if from_names.is_empty() && to_names.is_empty() {
        bail!("neither edition has briefs in {lang}");
    }
    let countries: BTreeSet<&String> = from_names.keys().chain(to_names.keys()).collect();
    let read = |briefs: &crate::store::Spool,
                names: &std::collections::BTreeMap<String, String>,
                country: &String|
     -> Result<Option<BriefFigures>> {
        match names.get(country).and_then(|name| briefs.get(name)) {
            Some(figures) => Ok(Some(figures?)),
            None => Ok(None),
        }
    };
    let mut changes = Vec::new();
    for country in countries {
        let (before, after) = (
            read(&from, &from_names, country)?,
            read(&to, &to_names, country)?,
        );
        changes.extend(compare(
            country,
            before.as_ref(),
            after.as_ref(),
            &fmt,
            cat,
        )?);
    }
    let (from_edition, to_edition) = (args.from.to_string(), args.to.to_string());
    let header = [
        cat.get("diff.country")?,
        cat.get("diff.what")?,
        cat.get("diff.item")?,
        &from_edition,
        &to_edition,
        cat.get("diff.change")?,
    ];
    // What the records say is shown, never obeyed: a control character in a label or a
    // printed value (an escape sequence would retitle or recolour the terminal) is shown
    // as its symbol, in every format.
    for c in &mut changes {
        for text in [
            &mut c.kind,
            &mut c.item,
            &mut c.from,
            &mut c.to,
            &mut c.change,
        ] {
            *text = crate::diag::visible(text).replace(['\n', '\t'], " ");
        }
    }
    match args.format {
        DiffFormat::Csv => {
            // Column names a sheet's formulas can rely on, in every language; the values
            // as printed, then as numbers with their unit and periods.
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([
                "country",
                "what",
                "item",
                &from_edition,
                &to_edition,
                "change",
                "from_value",
                "to_value",
                "unit",
                "from_period",
                "to_period",
            ])?;
            let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            for c in &changes {
                writer.write_record([
                    c.country.as_str(),
                    &c.kind,
                    &c.item,
                    &c.from,
                    &c.to,
                    &c.change,
                    &number(c.raw.from_value),
                    &number(c.raw.to_value),
                    c.raw.unit,
                    &c.raw.from_period,
                    &c.raw.to_period,
                ])?;
            }
            out.write_all(&writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        DiffFormat::Markdown => {
            writeln!(out, "| {} |", header.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(header.len()))?;
            for c in &changes {
                let cells = [&c.country, &c.kind, &c.item, &c.from, &c.to, &c.change];
                let cells: Vec<String> = cells.iter().map(|s| s.replace('|', "\\|")).collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
        }
        DiffFormat::Table => {
            let rows: Vec<[String; 6]> = std::iter::once(header.map(str::to_string))
                .chain(changes.iter().map(|c| {
                    [
                        c.country.clone(),
                        c.kind.clone(),
                        // A chapter's official title runs to 300 characters: the table
                        // keeps its columns readable (CSV and Markdown give it whole).
                        shortened(&c.item, ITEM_WIDTH),
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
        writeln!(
            out,
            "{}",
            cat.fill(
                "diff.no_changes",
                &[("from", &from_edition), ("to", &to_edition)]
            )?
        )?;
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
    cat: &crate::i18n::catalogue::Catalogue,
) -> Result<Vec<Change>> {
    let word = |key: &str| -> Result<String> { Ok(cat.get(&format!("diff.{key}"))?.to_string()) };
    let line =
        |kind: String, item: String, from: &str, to: &str, change: String, raw: Raw| Change {
            country: country.to_string(),
            kind,
            item,
            from: from.to_string(),
            to: to.to_string(),
            change,
            raw,
        };
    let (Some(from), Some(to)) = (from, to) else {
        let kind = word(if from.is_none() {
            "new_brief"
        } else {
            "dropped_brief"
        })?;
        return Ok(vec![line(
            kind,
            String::new(),
            "",
            "",
            String::new(),
            Raw::default(),
        )]);
    };
    let mut changes = Vec::new();
    for change in printed::compare(from, to) {
        let figure = change.figure();
        let item = match place(figure) {
            None => figure.label.clone(),
            Some(place) => cat.fill(
                "diff.in_place",
                &[("place", &word(place)?), ("item", &figure.label)],
            )?,
        };
        let raw = Raw::of(change.old, change.new);
        let rank = figure.part == Part::KeyFigure && printed::is_rank(&figure.id);
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
                word("figure")?,
                cat.fill(
                    "diff.periods",
                    &[("item", &item), ("from", &old.period), ("to", &new.period)],
                )?,
                &printed_or_amount(old, fmt),
                &printed_or_amount(new, fmt),
                moved(old, new)?,
                raw,
            ),
            (ChangeKind::Revised, Some(old), Some(new)) => line(
                word("revision")?,
                cat.fill("diff.revised", &[("item", &item), ("period", &new.period)])?,
                &printed_or_amount(old, fmt),
                &printed_or_amount(new, fmt),
                moved(old, new)?,
                raw,
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
                        cat.fill("diff.change_now", &[("now", now), ("was", was)])?
                    }
                    _ => match change.ratio() {
                        Some(ratio) => fmt.percent_change(ratio)?,
                        None => String::new(),
                    },
                };
                // Chart values are drawn without their unit: the report gives amounts.
                let amount = |p: &printed::Printed| -> Result<String> {
                    Ok(match figure.part {
                        Part::KeyFigure | Part::YearToDate if !p.text.is_empty() => p.text.clone(),
                        _ if rank => fmt.rank(p.value as u32)?,
                        _ => fmt.money(p.value)?.full(),
                    })
                };
                line(
                    word("revision")?,
                    cat.fill("diff.base_revised", &[("item", &item), ("period", &period)])?,
                    &amount(&before)?,
                    &amount(&after)?,
                    now,
                    Raw {
                        from_value: Some(before.value),
                        to_value: Some(after.value),
                        from_period: period.clone(),
                        to_period: period.clone(),
                        ..raw
                    },
                )
            }
            (ChangeKind::Added, _, Some(new)) => line(
                word(if new.part.is_category() {
                    "new_category"
                } else {
                    "new_figure"
                })?,
                cat.fill("diff.period", &[("item", &item), ("period", &new.period)])?,
                "",
                &printed_or_amount(new, fmt),
                String::new(),
                raw,
            ),
            (ChangeKind::Dropped, Some(old), _) => line(
                word(if old.part.is_category() {
                    "dropped_category"
                } else {
                    "dropped_figure"
                })?,
                cat.fill("diff.period", &[("item", &item), ("period", &old.period)])?,
                &printed_or_amount(old, fmt),
                "",
                String::new(),
                raw,
            ),
            _ => continue,
        });
    }
    Ok(changes)
}

/// The widest the table's item column grows.
const ITEM_WIDTH: usize = 80;

/// `text` cut to `width` characters, an ellipsis ending what was cut.
fn shortened(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width - 1).collect();
    format!("{}…", kept.trim_end())
}

/// A rank's move: `↑ 2` for two places up (a smaller rank).
fn places(up: f64) -> String {
    match up.partial_cmp(&0.0) {
        Some(std::cmp::Ordering::Greater) => format!("↑ {up}"),
        Some(std::cmp::Ordering::Less) => format!("↓ {}", -up),
        _ => "=".into(),
    }
}

/// Where in the brief a number is printed: the catalogue key (`diff.place_…`) of the chart
/// or table it is in (its id starts with it: `products/share`), none for a key figure.
fn place(figure: &PrintedFigure) -> Option<&'static str> {
    Some(match figure.id.split('/').next().unwrap_or_default() {
        "ytd" => "place_ytd",
        "trend" => "place_trend",
        "products" => "place_products",
        "services" => "place_services",
        "chapters" => "place_chapters",
        "facts" => "place_facts",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_item_is_cut_for_the_table_only_where_it_must() {
        assert_eq!(shortened("Plastics", 80), "Plastics");
        let long = "Nuclear reactors, boilers, machinery and mechanical appliances; parts thereof and more";
        let cut = shortened(long, 20);
        assert_eq!(cut.chars().count(), 20, "{cut}");
        assert!(cut.ends_with('…') && long.starts_with(cut.trim_end_matches('…')));
    }
}
