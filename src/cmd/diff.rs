//! `marketbrief diff FROM TO`: what changed between two editions, per country — key
//! figures with old and new value and the change, product and service categories that
//! appeared or dropped out — read from each edition's `figures.json`, so the comparison
//! holds after the data files have moved on.

use crate::brief::{BriefFigures, CategoryRecord};
use crate::cli::{DiffArgs, DiffFormat};
use crate::cmd::Outcome;

use crate::i18n::format::LocaleFormatter;
use crate::incremental::read_figures;
use crate::project::Project;
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::io::Write;

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub country: String,
    /// `figure`, `new category` or `dropped category`.
    pub kind: &'static str,
    pub item: String,
    pub from: String,
    pub to: String,
    pub change: String,
}

pub fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<Outcome> {
    let project = Project::load(&args.project)?;
    let lang = args.lang.unwrap_or(project.config.languages[0]);
    let fmt = LocaleFormatter::new(project.catalogue(lang))?;
    let out_root = args
        .out
        .clone()
        .unwrap_or_else(|| args.project.join("output"));
    let from = read_figures(&out_root.join(args.from.to_string()))?;
    let to = read_figures(&out_root.join(args.to.to_string()))?;
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
                let cells: Vec<String> = cells.iter().map(|s| s.replace('|', "\\\\|")).collect();
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

/// The changes for one country between two editions' records.
pub fn compare(
    country: &str,
    from: Option<&BriefFigures>,
    to: Option<&BriefFigures>,
    fmt: &LocaleFormatter,
) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    let line = |kind, item: &str, from: &str, to: &str, change: String| Change {
        country: country.to_string(),
        kind,
        item: item.to_string(),
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
        changes.push(line(kind, "", "", "", String::new()));
        return Ok(changes);
    };
    for new in &to.key_figures {
        let old = from.key_figures.iter().find(|f| f.id == new.id);
        match old {
            Some(old) if old.value == new.value && old.year == new.year => {}
            Some(old) => {
                let change = if new.id == "region_export_rank" {
                    let places = old.value - new.value;
                    match places.partial_cmp(&0.0) {
                        Some(std::cmp::Ordering::Greater) => format!("↑ {places}"),
                        Some(std::cmp::Ordering::Less) => format!("↓ {}", -places),
                        _ => "=".into(),
                    }
                } else if old.value > 0.0 {
                    fmt.percent_change(new.value / old.value - 1.0)?
                } else {
                    String::new()
                };
                let item = if old.year == new.year {
                    new.label.clone()
                } else {
                    format!("{} ({} → {})", new.label, old.year, new.year)
                };
                changes.push(line("figure", &item, &old.printed, &new.printed, change));
            }
            None => changes.push(line("figure", &new.label, "", &new.printed, String::new())),
        }
    }
    for old in &from.key_figures {
        if !to.key_figures.iter().any(|f| f.id == old.id) {
            changes.push(line("figure", &old.label, &old.printed, "", String::new()));
        }
    }
    for (from_items, to_items) in [
        (&from.top_products, &to.top_products),
        (&from.top_chapters, &to.top_chapters),
        (&from.services, &to.services),
    ] {
        categories(from_items, to_items, &mut |kind, item: &CategoryRecord| {
            let value = fmt.money(item.value).map(|m| m.full()).unwrap_or_default();
            let (a, b) = if kind == "new category" {
                (String::new(), value)
            } else {
                (value, String::new())
            };
            changes.push(line(kind, &item.label, &a, &b, String::new()));
        });
    }
    Ok(changes)
}

fn categories(
    from: &[CategoryRecord],
    to: &[CategoryRecord],
    report: &mut dyn FnMut(&'static str, &CategoryRecord),
) {
    for item in to {
        if !from.iter().any(|f| f.code == item.code) {
            report("new category", item);
        }
    }
    for item in from {
        if !to.iter().any(|t| t.code == item.code) {
            report("dropped category", item);
        }
    }
}
