//! The trade section: the trend chart, the breakdown charts of products and services,
//! and the table of the largest CN chapters, each with a caption naming its sources.

use super::writer::{Writer, dataset};
use crate::charts::{self, Bar, TrendLabels};
use crate::config::Config;
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::figures::{self, Breakdown, Figures, Origin};
use crate::marks::{Marks, mark};
use crate::printed::{Base, Part, PrintedFigure};
use crate::reference::Reference;
use crate::typeset::Files;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct TradeContext {
    pub charts: Vec<ChartContext>,
    /// The largest CN chapters of goods exports, as a table.
    pub chapters: Option<ChapterTable>,
}

#[derive(Serialize)]
pub(super) struct ChartContext {
    path: String,
    title: String,
    unit: String,
    /// The header of the bars' change column ("Change on 2023"), printed on the unit's
    /// line above the column; none when no bar has a change.
    change_header: Option<String>,
    caption: String,
    alt: String,
}

#[derive(Serialize)]
pub(super) struct ChapterTable {
    title: String,
    unit: String,
    /// Column headings: chapter, value, change, share. Every cell is as printed, its mark
    /// included (see [`crate::marks`]).
    headings: [String; 4],
    rows: Vec<ChapterRow>,
    caption: String,
    /// Shares are of the products a partial dataset covers (the share heading is marked).
    partial: bool,
}

#[derive(Serialize)]
struct ChapterRow {
    code: String,
    label: String,
    value: String,
    change: String,
    share: String,
}

/// The trade section of one brief about `country` (its name); the charts' SVG files are
/// added to `files`.
pub(super) fn write(
    w: &Writer,
    config: &Config,
    figures: &Figures,
    datasets: &[Dataset],
    reference: &Reference,
    country: &str,
    files: &mut Files,
) -> Result<TradeContext> {
    let trade = Trade {
        w,
        config,
        figures,
        datasets,
        reference,
    };
    Ok(TradeContext {
        charts: trade.charts(country, files)?,
        chapters: trade.chapter_table(country)?,
    })
}

struct Trade<'a> {
    w: &'a Writer<'a>,
    config: &'a Config,
    figures: &'a Figures,
    datasets: &'a [Dataset],
    reference: &'a Reference,
}

impl Trade<'_> {
    fn charts(&self, country: &str, files: &mut Files) -> Result<Vec<ChartContext>> {
        let config = &self.config;
        let region = self.w.text(&config.agency().short);
        let national = self.w.text(&config.country.short);
        let unit = self.w.cat.get("charts.unit_millions")?.to_string();
        let mut out = Vec::new();
        let trend = &self.figures.trend;
        let illustrative_note = self.w.cat.get("charts.illustrative_note")?;

        // A trend needs two years at least: one point is not a line.
        let years: std::collections::BTreeSet<i32> = trend
            .exports
            .iter()
            .chain(&trend.imports)
            .map(|p| p.year)
            .collect();
        if years.len() >= 2 {
            let labels = TrendLabels {
                exports: self.w.cat.get("charts.exports")?.to_string(),
                imports: self.w.cat.get("charts.imports")?.to_string(),
            };
            let (svg, axis) = charts::trend(self.w.fmt, &labels, &trend.exports, &trend.imports)
                .map_err(|e| Error::Chart {
                    what: "the trend chart",
                    message: e.to_string(),
                })?;
            files.insert(
                self.w.path("charts/trend.svg"),
                typst::foundations::Bytes::new(svg.into_bytes()),
            );
            for (points, name, label) in [
                (&trend.exports, "exports", &labels.exports),
                (&trend.imports, "imports", &labels.imports),
            ] {
                for p in points {
                    self.w.note(PrintedFigure {
                        marks: Some(p.origin.marks(None)),
                        id: format!("trend/{name}/{}", p.year),
                        part: Part::Trend,
                        label: label.to_string(),
                        period: p.year.to_string(),
                        value: p.value,
                        printed: self.w.fmt.millions(p.value),
                        base: None,
                        change: None,
                        illustrative: p.illustrative,
                        rows: p.origin.rows.clone(),
                    });
                }
            }
            self.note_axis("trend", &axis);
            let years: Vec<i32> = trend
                .exports
                .iter()
                .chain(&trend.imports)
                .map(|p| p.year)
                .collect();
            let (first, last) = (
                years.iter().min().copied().unwrap_or(0),
                years.iter().max().copied().unwrap_or(0),
            );
            let alt = self.trend_alt(country, &region, first, last)?;
            out.push(ChartContext {
                path: self.w.path("charts/trend.svg"),
                title: self.w.fill(
                    "charts.trend_title",
                    &[
                        ("who", &region),
                        ("country", country),
                        ("first", &first.to_string()),
                        ("last", &last.to_string()),
                    ],
                )?,
                unit: unit.clone(),
                change_header: None,
                caption: self.w.source_line(
                    self.datasets,
                    trend
                        .exports
                        .iter()
                        .chain(&trend.imports)
                        .map(|p| &p.origin),
                    illustrative_note,
                )?,
                alt,
            });
        }
        for (breakdown, name, part, title_key, who) in [
            (
                &self.figures.top_products,
                "products",
                Part::Products,
                "charts.products_title",
                &region,
            ),
            (
                &self.figures.services,
                "services",
                Part::Services,
                "charts.services_title",
                &national,
            ),
        ] {
            let Some(b) = breakdown else { continue };
            if b.items.is_empty() {
                continue;
            }
            let path = self.w.path(&format!("charts/{name}.svg"));
            let title = self.covered_title(
                &b.dataset,
                self.w.fill(
                    title_key,
                    &[
                        ("who", who),
                        ("country", country),
                        ("year", &b.year.to_string()),
                    ],
                )?,
            )?;
            let partial = dataset(self.datasets, &b.dataset)?
                .meta
                .coverage
                .is_partial();
            let (svg, alt) = self.breakdown_chart(b, part, &title)?;
            files.insert(
                path.clone(),
                typst::foundations::Bytes::new(svg.into_bytes()),
            );
            // The total printed in the caption is a value shown too.
            let mut caption = self.w.source_line(
                self.datasets,
                b.items
                    .iter()
                    .flat_map(|i| std::iter::once(&i.origin).chain(&i.previous_origin))
                    .chain(&b.total_origin),
                illustrative_note,
            )?;
            // Over a partial dataset, the total is the covered products' only: no share of
            // it is printed (the title says what the chart covers).
            if let (Some(total), Some(total_origin), false) = (b.total, &b.total_origin, partial) {
                let share: f64 = b.items.iter().map(|i| i.value).sum::<f64>() / total;
                // The share is computed from the items' rows and the total's.
                let share_marks = Marks::of(
                    total_origin.illustrative() || b.items.iter().any(|i| i.origin.illustrative()),
                    None,
                );
                let total_marks = total_origin.marks(None);
                let share_text = self.w.fmt.percent(share.min(1.0))?;
                let total_text = self.w.fmt.money(total)?.full();
                caption.push(' ');
                caption.push_str(&self.w.fill(
                    "charts.share_of_total",
                    &[
                        ("share", &share_marks.value_text(&share_text)),
                        ("total", &total_marks.value_text(&total_text)),
                    ],
                )?);
                let rows: Vec<String> = b
                    .items
                    .iter()
                    .flat_map(|i| i.origin.rows.iter().cloned())
                    .chain(total_origin.rows.iter().cloned())
                    .collect();
                self.w.note(PrintedFigure {
                    marks: Some(share_marks),
                    id: format!("{name}/share"),
                    part: Part::Share,
                    label: self.w.cat.get("charts.share_label")?.to_string(),
                    period: b.year.to_string(),
                    value: share.min(1.0),
                    printed: share_text,
                    base: None,
                    change: None,
                    illustrative: share_marks.value,
                    rows,
                });
                self.w.note(PrintedFigure {
                    marks: Some(total_marks),
                    id: format!("{name}/total"),
                    part: Part::Share,
                    label: self.w.cat.get("charts.total_label")?.to_string(),
                    period: b.year.to_string(),
                    value: total,
                    printed: total_text,
                    base: None,
                    change: None,
                    illustrative: total_origin.illustrative(),
                    rows: total_origin.rows.clone(),
                });
            }
            out.push(ChartContext {
                path,
                title,
                unit: unit.clone(),
                change_header: if b.items.iter().any(|i| i.change().is_some()) {
                    Some(self.w.fill(
                        "charts.change_header",
                        &[("year", &(b.year - 1).to_string())],
                    )?)
                } else {
                    None
                },
                caption,
                alt,
            });
        }
        Ok(out)
    }

    /// `title`, saying which products it covers when `dataset` covers only some.
    fn covered_title(&self, dataset_id: &str, title: String) -> Result<String> {
        let coverage = &dataset(self.datasets, dataset_id)?.meta.coverage;
        if !coverage.is_partial() {
            return Ok(title);
        }
        match coverage.product_count() {
            Some(1) => self
                .w
                .fill("charts.title_covered_one", &[("title", &title)]),
            Some(n) => self.w.fill(
                "charts.title_covered",
                &[("title", &title), ("n", &self.w.fmt.number(n as f64, 0))],
            ),
            None => self
                .w
                .fill("charts.title_covered_some", &[("title", &title)]),
        }
    }

    /// Records the value-axis labels a chart drew: a scale, not figures.
    fn note_axis(&self, chart: &str, labels: &[String]) {
        for (n, label) in labels.iter().enumerate() {
            self.w.note(PrintedFigure {
                marks: Some(Marks::default()),
                id: format!("{chart}/axis/{n}"),
                part: Part::Axis,
                label: format!("{chart} axis"),
                period: String::new(),
                value: 0.0,
                printed: label.clone(),
                base: None,
                change: None,
                illustrative: false,
                rows: Vec::new(),
            });
        }
    }

    /// Records a category of a breakdown as printed.
    fn note_item(
        &self,
        b: &Breakdown,
        part: Part,
        item: &figures::Item,
        label: &str,
        printed: String,
        change: Option<String>,
    ) -> Result<()> {
        let base = match (item.previous, &item.previous_origin) {
            (Some(value), Some(origin)) => Some(Base {
                period: (b.year - 1).to_string(),
                value,
                printed: self.w.fmt.millions(value),
                rows: origin.rows.clone(),
            }),
            _ => None,
        };
        let marks = item.marks();
        self.w.note(PrintedFigure {
            marks: Some(marks),
            id: format!("{}/{}", part.id(), item.code),
            part,
            label: label.to_string(),
            period: b.year.to_string(),
            value: item.value,
            printed,
            base,
            change,
            illustrative: marks.any(),
            rows: item.origin.rows.clone(),
        });
        Ok(())
    }

    /// The largest CN chapters of goods exports with their change and share. On a dataset
    /// that covers only some products, shares are of the covered products, said so.
    fn chapter_table(&self, country: &str) -> Result<Option<ChapterTable>> {
        let Some(b) = &self.figures.top_chapters else {
            return Ok(None);
        };
        let config = &self.config;
        let who = if b.reporter == config.agency().code {
            self.w.text(&config.agency().short)
        } else {
            self.w.text(&config.country.short)
        };
        let partial = dataset(self.datasets, &b.dataset)?
            .meta
            .coverage
            .is_partial();
        let previous_year = (b.year - 1).to_string();
        let share_key = if partial {
            "charts.col_share_covered"
        } else {
            "charts.col_share"
        };
        let mut rows = Vec::new();
        for item in &b.items {
            let label = self
                .w
                .category_label(self.reference, &b.classification, &item.code)?;
            let marks = item.marks();
            let value = self.w.fmt.millions(item.value);
            let change = item
                .change()
                .map(|c| Ok::<_, Error>(marks.change_text(&self.w.fmt.percent_change(c)?)))
                .transpose()?;
            let share = match b.total {
                Some(total) if total > 0.0 => Some((item.value / total, total)),
                _ => None,
            };
            let share_text = share.map(|(s, _)| self.w.fmt.percent(s)).transpose()?;
            // A share is computed from the chapter's row and the total's.
            let share_marks = Marks::of(
                marks.value || b.total_origin.as_ref().is_some_and(Origin::illustrative),
                None,
            );
            self.note_item(
                b,
                Part::Chapters,
                item,
                label,
                value.clone(),
                change.clone(),
            )?;
            if let (Some((ratio, _)), Some(text), Some(total_origin)) =
                (share, &share_text, &b.total_origin)
            {
                self.w.note(PrintedFigure {
                    marks: Some(share_marks),
                    id: format!("chapters/{}/share", item.code),
                    part: Part::Share,
                    label: format!("{label} ({})", self.w.cat.get(share_key)?),
                    period: b.year.to_string(),
                    value: ratio,
                    printed: text.clone(),
                    base: None,
                    change: None,
                    illustrative: share_marks.value,
                    rows: item
                        .origin
                        .rows
                        .iter()
                        .chain(&total_origin.rows)
                        .cloned()
                        .collect(),
                });
            }
            rows.push(ChapterRow {
                code: item.code.clone(),
                label: label.to_string(),
                value: marks.value_text(&value),
                change: change.unwrap_or_else(|| "–".into()),
                share: share_text
                    .map(|s| share_marks.value_text(&s))
                    .unwrap_or_else(|| "–".into()),
            });
        }
        let mut caption = format!(
            "{} {}",
            self.w.cat.get("charts.chapters_note")?,
            self.w.source_line(
                self.datasets,
                b.items
                    .iter()
                    .flat_map(|i| std::iter::once(&i.origin).chain(&i.previous_origin)),
                self.w.cat.get("brief.illustrative_mark")?,
            )?
        );
        if partial {
            caption.push(' ');
            caption.push_str(self.w.cat.get("brief.partial_mark")?);
        }
        Ok(Some(ChapterTable {
            title: self.covered_title(
                &b.dataset,
                self.w.fill(
                    "charts.chapters_title",
                    &[
                        ("who", &who),
                        ("country", country),
                        ("year", &b.year.to_string()),
                    ],
                )?,
            )?,
            unit: self.w.cat.get("charts.unit_millions")?.to_string(),
            headings: [
                self.w.cat.get("charts.col_chapter")?.to_string(),
                self.w
                    .fill("charts.col_value", &[("year", &b.year.to_string())])?,
                self.w.fill(
                    "charts.col_change",
                    &[("from", &previous_year), ("to", &b.year.to_string())],
                )?,
                self.w.cat.get(share_key)?.to_string(),
            ],
            rows,
            caption,
            partial,
        }))
    }

    fn breakdown_chart(&self, b: &Breakdown, part: Part, title: &str) -> Result<(String, String)> {
        let mut bars = Vec::new();
        let mut described = Vec::new();
        for item in &b.items {
            let label = self
                .w
                .category_label(self.reference, &b.classification, &item.code)?
                .to_string();
            let marks = item.marks();
            // The change alone: the column's header says on which year.
            let note = match item.change() {
                Some(c) => Some(marks.change_text(&self.w.fmt.percent_change(c)?)),
                None => None,
            };
            described.push(format!(
                "{} {}",
                label,
                marks.value_text(&self.w.fmt.money(item.value)?.full())
            ));
            self.note_item(
                b,
                part,
                item,
                &label,
                self.w.fmt.millions(item.value),
                note.clone(),
            )?;
            bars.push(Bar::from_item(self.w.fmt, item, label, note));
        }
        let svg = charts::bars(&bars, charts::EXPORTS).map_err(|e| Error::Chart {
            what: "a chart",
            message: e.to_string(),
        })?;
        let alt = self.w.fill(
            "charts.bars_alt",
            &[("title", title), ("items", &described.join("; "))],
        )?;
        Ok((svg, alt))
    }

    fn trend_alt(&self, country: &str, region: &str, first: i32, last: i32) -> Result<String> {
        let t = &self.figures.trend;
        let value = |points: &[figures::Point], year: i32| -> Result<String> {
            match points.iter().find(|p| p.year == year) {
                Some(p) => Ok(mark(&self.w.fmt.money(p.value)?.full(), p.illustrative)),
                None => Ok("–".into()),
            }
        };
        self.w.fill(
            "charts.trend_alt",
            &[
                ("who", region),
                ("country", country),
                ("first", &first.to_string()),
                ("last", &last.to_string()),
                ("exports_first", &value(&t.exports, first)?),
                ("exports_last", &value(&t.exports, last)?),
                ("imports_first", &value(&t.imports, first)?),
                ("imports_last", &value(&t.imports, last)?),
            ],
        )
    }
}
