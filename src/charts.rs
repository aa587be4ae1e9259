//! Charts drawn with plotters as SVG, in memory. Every number and label is already in the
//! brief's language; Typst renders the SVG text with the document font.
//!
//! Charts are drawn for a 640-unit-wide SVG placed at the full text width (about 170 mm),
//! so a font size of 13 (written as 13/1.24 px by plotters) prints at about 8 pt.

use crate::figures::{Item, Point};
use crate::i18n::format::LocaleFormatter;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const WIDTH: u32 = 640;
const FONT: &str = "sans-serif";
const LABEL_SIZE: f64 = 13.5;
const SMALL_SIZE: f64 = 13.5;

/// Exports and imports keep these colours in every brief (Okabe–Ito blue and orange:
/// distinct in colour and in lightness, so they survive greyscale printing).
pub const EXPORTS: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// A dark amber, 3.9:1 on white (WCAG 1.4.11 asks 3:1 of graphics; the Okabe–Ito orange
/// it replaces was 2.2:1), told apart from the exports' blue in every colour vision.
pub const IMPORTS: RGBColor = RGBColor(0xB8, 0x72, 0x00);
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const MUTED: RGBColor = RGBColor(0x6b, 0x6b, 0x6b);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Translated words a chart needs.
pub struct TrendLabels {
    pub exports: String,
    pub imports: String,
}

/// Goods trade over the years: two lines, values in millions of euros, the latest value
/// of each line labelled at its end. Illustrative points are drawn hollow and the segments
/// touching them dashed. Returns the SVG
/// and the value-axis labels drawn (a scale, recorded beside the figures).
pub fn trend(
    fmt: &LocaleFormatter,
    labels: &TrendLabels,
    exports: &[Point],
    imports: &[Point],
) -> DrawResult<(String, Vec<String>)> {
    let height = 220;
    let mut svg = String::new();
    let axis = std::cell::RefCell::new(Vec::new());
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let years = exports.iter().chain(imports).map(|p| p.year);
        let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
        if first > last {
            return Err("no values to draw".into());
        }
        let max = exports
            .iter()
            .chain(imports)
            .map(|p| p.value / 1e6)
            .fold(0.0_f64, f64::max);
        // The axis's ticks end at or above the highest point, on a round step.
        let (top, ticks) = axis_ticks(max);
        let label_style = TextStyle::from((FONT, LABEL_SIZE).into_font()).color(&INK);
        let mut chart = ChartBuilder::on(&root)
            .margin_top(12)
            .margin_left(4)
            .margin_right(150)
            .x_label_area_size(26)
            .y_label_area_size(52)
            .build_cartesian_2d((first as f64 - 0.3)..(last as f64 + 0.3), 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(GRID.stroke_width(1))
            .x_labels((last - first + 1) as usize)
            // Plotters labels the finest 1-2-5 step giving at most this many ticks: ours.
            .y_labels(ticks.len())
            .x_label_formatter(&|x| format!("{}", x.round() as i32))
            .y_label_formatter(&|y| {
                let label = fmt.millions(*y * 1e6);
                axis.borrow_mut().push(label.clone());
                label
            })
            .x_label_style(label_style.clone())
            .y_label_style(label_style.clone())
            .draw()?;

        // End-of-line labels: placed at their line's last value, pushed apart when the two
        // values are too close for the labels to be read.
        let mut end_labels: Vec<(i32, i32, String, RGBColor)> = Vec::new();
        for (points, colour, name) in [
            (exports, EXPORTS, labels.exports.as_str()),
            (imports, IMPORTS, labels.imports.as_str()),
        ] {
            if points.is_empty() {
                continue;
            }
            let xy = |p: &Point| (p.year as f64, p.value / 1e6);
            // One convention with the sparklines: a segment touching an illustrative
            // value is dashed, so the line itself says which stretch is not real.
            for pair in points.windows(2) {
                let line = [xy(&pair[0]), xy(&pair[1])];
                if pair[0].illustrative || pair[1].illustrative {
                    chart.draw_series(std::iter::once(DashedPathElement::new(
                        line,
                        9,
                        6,
                        colour.stroke_width(3),
                    )))?;
                } else {
                    chart.draw_series(std::iter::once(PathElement::new(
                        line,
                        colour.stroke_width(3),
                    )))?;
                }
            }
            chart.draw_series(points.iter().map(|p| {
                let style = if p.illustrative {
                    ShapeStyle::from(&WHITE).filled()
                } else {
                    colour.filled()
                };
                Circle::new(xy(p), 4, style)
            }))?;
            // Hollow markers keep a coloured ring.
            chart.draw_series(
                points
                    .iter()
                    .filter(|p| p.illustrative)
                    .map(|p| Circle::new(xy(p), 4, colour.stroke_width(2))),
            )?;
            if let Some(last) = points.last() {
                let (x, y) = chart.backend_coord(&xy(last));
                end_labels.push((
                    x + 10,
                    y,
                    crate::marks::mark(
                        &format!("{name} {}", fmt.millions(last.value)),
                        last.illustrative,
                    ),
                    colour,
                ));
            }
        }
        const MIN_GAP: i32 = 16;
        if let [a, b] = end_labels.as_mut_slice()
            && (a.1 - b.1).abs() < MIN_GAP
        {
            let centre = (a.1 + b.1) / 2;
            let (upper, lower) = if a.1 <= b.1 { (a, b) } else { (b, a) };
            upper.1 = centre - MIN_GAP / 2;
            lower.1 = centre + MIN_GAP / 2;
        }
        for (x, y, text, colour) in end_labels {
            root.draw(&Text::new(
                text,
                (x, y),
                TextStyle::from((FONT, LABEL_SIZE).into_font().style(FontStyle::Bold))
                    .color(&label_colour(colour))
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        root.present()?;
    }
    // Plotters may format a label more than once (to measure it, then to draw it).
    let mut axis = axis.into_inner();
    let mut seen = std::collections::BTreeSet::new();
    axis.retain(|label| seen.insert(label.clone()));
    Ok((svg, axis))
}

/// Size of a sparkline's SVG, placed at a card's inner width (about 47 mm): a stroke of
/// 2 units prints at about 0.9 pt.
const SPARK_WIDTH: u32 = 300;
const SPARK_HEIGHT: u32 = 54;

/// A key figure's last years as a line without axes: one slot per year of `years` (so
/// the cards' lines align), segments touching an illustrative value dashed, the last
/// value a dot (hollow when illustrative). `inverted` draws smaller values higher (a rank:
/// first is best). A year without a value leaves a gap.
pub fn sparkline(
    points: &[Point],
    years: std::ops::RangeInclusive<i32>,
    colour: RGBColor,
    inverted: bool,
) -> DrawResult<String> {
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (SPARK_WIDTH, SPARK_HEIGHT)).into_drawing_area();
        let y = |p: &Point| if inverted { -p.value } else { p.value };
        let (low, high) = points
            .iter()
            .map(y)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        if !low.is_finite() {
            return Err("no values to draw".into());
        }
        // A flat series is drawn flat, mid-height.
        let pad = if high > low { (high - low) * 0.08 } else { 1.0 };
        let mut chart = ChartBuilder::on(&root).margin(6).build_cartesian_2d(
            (*years.start() as f64)..(*years.end() as f64),
            (low - pad)..(high + pad),
        )?;
        let ink = colour_darker(colour);
        for pair in points.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.year != a.year + 1 {
                continue;
            }
            let line = [(a.year as f64, y(a)), (b.year as f64, y(b))];
            if a.illustrative || b.illustrative {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    line,
                    7,
                    5,
                    ink.stroke_width(2),
                )))?;
            } else {
                chart.draw_series(std::iter::once(PathElement::new(line, ink.stroke_width(2))))?;
            }
        }
        if let Some(last) = points.last() {
            let at = (last.year as f64, y(last));
            if last.illustrative {
                chart.draw_series([
                    Circle::new(at, 4, ShapeStyle::from(&WHITE).filled()),
                    Circle::new(at, 4, ink.stroke_width(2)),
                ])?;
            } else {
                chart.draw_series(std::iter::once(Circle::new(at, 4, ink.filled())))?;
            }
        }
        root.present()?;
    }
    Ok(svg)
}

/// One bar of a bar chart.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as printed right of the bar, with its mark (see [`crate::marks`]).
    pub printed: String,
    /// Printed right of the value, e.g. the change on the previous year, with its mark.
    pub note: Option<String>,
    /// The value's own rows are illustrative: the bar is drawn hollow.
    pub illustrative: bool,
}

impl Bar {
    /// The bar of `item`, its value marked as [`Item::marks`] says; `note` is marked already.
    pub fn from_item(
        fmt: &LocaleFormatter,
        item: &Item,
        label: String,
        note: Option<String>,
    ) -> Bar {
        let marks = item.marks();
        Bar {
            label,
            value: item.value,
            printed: marks.value_text(&fmt.millions(item.value)),
            note,
            illustrative: marks.value,
        }
    }
}

/// Horizontal bars sorted as given: labels left, values (millions of euros) right of each
/// bar, the notes (the change on the previous year) right-aligned in a column at the right,
/// under the header the brief prints above the chart. Illustrative bars are hollow with a
/// dashed outline, so they read as different in print and in greyscale.
pub fn bars(bars: &[Bar], colour: RGBColor) -> DrawResult<String> {
    // Rows grow when a label takes two lines, so neighbouring labels keep apart.
    let row = if bars.iter().any(|b| wrap(&b.label, 40).len() > 1) {
        30u32
    } else {
        27u32
    };
    let notes = bars.iter().any(|b| b.note.is_some());
    let height = row * bars.len().max(1) as u32 + 8;
    let label_width = 232i32;
    let note_width = if notes { 100i32 } else { 0 };
    let value_width = 64i32;
    let bar_left = label_width + 10;
    let bar_max = WIDTH as i32 - bar_left - value_width - note_width;
    let max = bars
        .iter()
        .map(|b| b.value)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let label_style = TextStyle::from((FONT, LABEL_SIZE).into_font())
            .color(&INK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (i, bar) in bars.iter().enumerate() {
            let top = 4 + i as i32 * row as i32;
            let mid = top + row as i32 / 2;
            let lines = wrap(&bar.label, 40);
            let first = mid - (lines.len() as i32 - 1) * 7;
            for (j, line) in lines.iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (label_width, first + j as i32 * 14),
                    label_style.clone(),
                ))?;
            }
            let len = ((bar.value / max) * bar_max as f64).round().max(1.0) as i32;
            let rect = [(bar_left, top + 6), (bar_left + len, top + row as i32 - 6)];
            if bar.illustrative {
                // Hollow, its outline dashed: the convention of the lines and markers.
                root.draw(&Rectangle::new(rect, colour.mix(0.15).filled()))?;
                let [(x0, y0), (x1, y1)] = rect;
                root.draw(&DashedPathElement::new(
                    [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
                    5,
                    3,
                    colour_darker(colour).stroke_width(1),
                ))?;
            } else {
                root.draw(&Rectangle::new(rect, colour.filled()))?;
            }
            root.draw(&Text::new(
                bar.printed.clone(),
                (bar_left + len + 6, mid),
                TextStyle::from((FONT, LABEL_SIZE).into_font().style(FontStyle::Bold))
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            if let Some(note) = &bar.note {
                root.draw(&Text::new(
                    note.clone(),
                    (WIDTH as i32 - 2, mid),
                    TextStyle::from((FONT, SMALL_SIZE).into_font())
                        .color(&MUTED)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                ))?;
            }
        }
        root.present()?;
    }
    Ok(svg)
}

/// Splits a label into at most two lines of about `width` characters, where a reader
/// would: after a comma rather than mid-phrase, not after a short word ("et", "de",
/// "and"), not leaving one word alone, and otherwise into lines of even length.
fn wrap(label: &str, width: usize) -> Vec<String> {
    if label.chars().count() <= width {
        return vec![label.to_string()];
    }
    let words: Vec<&str> = label.split_whitespace().collect();
    let len = |s: &[&str]| s.iter().map(|w| w.chars().count()).sum::<usize>() + s.len() - 1;
    let best = (1..words.len())
        .map(|i| {
            let (first, rest) = words.split_at(i);
            let mut score = len(first).max(len(rest)) as i32;
            let last = first[first.len() - 1];
            if last.ends_with(',') {
                score -= 6;
            } else if last.chars().count() <= 3 {
                score += 8;
            }
            if rest.len() == 1 {
                score += 12;
            }
            // A line too long to fit is cut: the last resort.
            if len(first) > width || len(rest) > width {
                score += 1000;
            }
            (score, i)
        })
        .min();
    let Some((_, at)) = best else {
        // One word longer than a line.
        return vec![label.chars().take(width - 1).collect::<String>() + "…"];
    };
    let cut = |line: String| {
        if line.chars().count() > width {
            line.chars().take(width - 1).collect::<String>() + "…"
        } else {
            line
        }
    };
    vec![cut(words[..at].join(" ")), cut(words[at..].join(" "))]
}

/// A round axis maximum a little above `max` (1, 2, 2.5, 5 × 10ⁿ).
/// The y axis of a chart whose highest value is `max`: its top, a little above `max`, and
/// its ticks from 0 to that top on a 1-2-5 step (1, 2 or 5 times a power of ten, the steps
/// plotters labels), at most six of them — the top is always a tick, so no point stands
/// above the last one.
fn axis_ticks(max: f64) -> (f64, Vec<f64>) {
    let target = if max > 0.0 { max * 1.08 } else { 1.0 };
    let mut magnitude = 10f64.powf(target.log10().floor() - 1.0);
    loop {
        for step in [1.0, 2.0, 5.0] {
            let step = step * magnitude;
            let steps = (target / step).ceil();
            if steps <= 5.0 {
                let ticks = (0..=steps as usize).map(|i| i as f64 * step).collect();
                return (steps * step, ticks);
            }
        }
        magnitude *= 10.0;
    }
}

/// The colour of text naming a series: its colour darkened until it reads at 4.5:1 or
/// more on white (WCAG AA for small text): the imports' amber itself is 3.9:1.
fn label_colour(c: RGBColor) -> RGBColor {
    let mut label = c;
    for _ in 0..20 {
        if contrast_on_white(label) >= 4.5 {
            break;
        }
        label = RGBColor(
            (f64::from(label.0) * 0.9) as u8,
            (f64::from(label.1) * 0.9) as u8,
            (f64::from(label.2) * 0.9) as u8,
        );
    }
    label
}

/// The WCAG contrast ratio of `c` on white.
fn contrast_on_white(c: RGBColor) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2);
    1.05 / (luminance + 0.05)
}

fn colour_darker(c: RGBColor) -> RGBColor {
    let d = |v: u8| (f64::from(v) * 0.8) as u8;
    RGBColor(d(c.0), d(c.1), d(c.2))
}

/// Parses `#rrggbb` (validated by the configuration).
pub fn parse_colour(hex: &str) -> RGBColor {
    let v = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    RGBColor(v(1), v(3), v(5))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Assets;
    use crate::i18n::Lang;

    fn fmt(lang: Lang) -> LocaleFormatter {
        LocaleFormatter::new(&Assets::embedded().catalogue(lang).unwrap()).unwrap()
    }

    fn points(values: &[(i32, f64)]) -> Vec<Point> {
        values
            .iter()
            .map(|&(year, value)| Point {
                year,
                value,
                illustrative: year < 2024,
                origin: Default::default(),
            })
            .collect()
    }

    /// Issue 25: a series' colour reads at 3:1 at least on white (WCAG 1.4.11 for
    /// graphics), and its label at 4.5:1 (text).
    #[test]
    fn series_colours_and_their_labels_contrast_with_white() {
        for colour in [EXPORTS, IMPORTS] {
            assert!(contrast_on_white(colour) >= 3.0, "{colour:?}");
            assert!(contrast_on_white(label_colour(colour)) >= 4.5, "{colour:?}");
        }
    }

    #[test]
    fn trend_chart_has_localized_labels() {
        let exports = points(&[
            (2022, 120_500_000.0),
            (2023, 147_300_000.0),
            (2024, 32_400_000.0),
        ]);
        let imports = points(&[
            (2022, 20_000_000.0),
            (2023, 22_000_000.0),
            (2024, 24_000_000.0),
        ]);
        let labels = TrendLabels {
            exports: "Exportations".into(),
            imports: "Importations".into(),
        };
        let (svg, axis) = trend(&fmt(Lang::Fr), &labels, &exports, &imports).unwrap();
        assert!(axis.contains(&"0".to_string()), "{axis:?}");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Exportations 32,4"), "{svg}");
        assert!(svg.contains("Importations 24"), "{svg}");
        assert!(svg.lines().any(|l| l.trim() == "2023"), "{svg}");
        let en = trend(
            &fmt(Lang::En),
            &TrendLabels {
                exports: "Exports".into(),
                imports: "Imports".into(),
            },
            &exports,
            &imports,
        )
        .unwrap()
        .0;
        assert!(en.contains("Exports 32.4"), "{en}");
    }

    #[test]
    fn bar_chart_has_labels_values_and_notes() {
        let bars_in = vec![
            Bar {
                label: "Produits chimiques".into(),
                value: 12_300_000.0,
                printed: "12,3".into(),
                note: Some("+15 %".into()),
                illustrative: false,
            },
            Bar {
                label: "Machines et appareils électriques".into(),
                value: 1_250_000.0,
                printed: "1,3\u{a0}†".into(),
                note: None,
                illustrative: true,
            },
        ];
        let svg = bars(&bars_in, EXPORTS).unwrap();
        assert!(svg.contains("Produits chimiques"), "{svg}");
        assert!(svg.contains("12,3"), "{svg}");
        assert!(svg.contains("1,3") || svg.contains("1,2"), "{svg}");
        assert!(svg.contains("+15 %"), "{svg}");
    }

    #[test]
    fn labels_break_where_a_reader_would() {
        let lines = |label: &str| wrap(label, 40).join(" / ");
        assert_eq!(
            lines("Produits alimentaires, boissons et tabacs"),
            "Produits alimentaires, / boissons et tabacs"
        );
        assert_eq!(
            lines("Matières textiles et ouvrages en ces matières"),
            "Matières textiles / et ouvrages en ces matières"
        );
        assert_eq!(
            lines("Machines, appareils et matériel électrique"),
            "Machines, appareils / et matériel électrique"
        );
        assert_eq!(
            lines("Frais pour usage de la propriété intellectuelle"),
            "Frais pour usage / de la propriété intellectuelle"
        );
        assert_eq!(
            lines("Services d’assurance et de pension"),
            "Services d’assurance et de pension"
        );
        // Nothing is lost but what cannot fit: a huge word is cut, marked.
        let huge = "x".repeat(100);
        assert_eq!(wrap(&huge, 40)[0].chars().count(), 40);
        assert!(
            wrap(&format!("a {huge}"), 40)
                .iter()
                .all(|l| l.chars().count() <= 40)
        );
    }

    #[test]
    fn series_labels_read_at_four_and_a_half_to_one() {
        for colour in [EXPORTS, IMPORTS] {
            let ratio = contrast_on_white(label_colour(colour));
            assert!(ratio >= 4.5, "{colour:?}: {ratio:.2}:1");
        }
        // The amber the issue measured, #B87F00, is below it: the label is darker.
        assert!(contrast_on_white(RGBColor(0xB8, 0x7F, 0x00)) < 4.5);
    }

    /// Issue 25: the trend chart's y axis is labelled up to its top, which is above the
    /// highest point (a 2023 point stood above the top tick) — read from the chart drawn.
    #[test]
    fn the_trend_axis_labels_a_tick_above_the_highest_point() {
        let fmt = fmt(Lang::En);
        let labels = TrendLabels {
            exports: "Exports".into(),
            imports: "Imports".into(),
        };
        for max in [
            0.8, 9.0, 32.4, 147.3, 199.0, 230.0, 481.0, 520.0, 999.0, 1_234.0, 4_900.0,
        ] {
            let exports = points(&[(2022, 10_000.0), (2023, max * 1e6), (2024, 5_000.0)]);
            let (_, axis) = trend(&fmt, &labels, &exports, &[]).unwrap();
            let (top, ticks) = axis_ticks(max);
            let last = axis.last().unwrap();
            assert_eq!(last, &fmt.millions(top * 1e6), "{max}: {axis:?}");
            assert_eq!(axis.len(), ticks.len(), "{max}: {axis:?}");
        }
    }

    #[test]
    fn axis_maximum_is_round() {
        let top = |max| axis_ticks(max).0;
        assert_eq!(top(147.3), 200.0);
        assert_eq!(top(32.4), 40.0);
        assert_eq!(top(9.0), 10.0);
        assert_eq!(top(230.0), 250.0);
        // Issue 25: the top is a tick, above the highest point, for any value.
        for i in 1..5000 {
            let max = f64::from(i) * 0.37;
            let (top, ticks) = axis_ticks(max);
            assert!(top >= max, "{max}: {top}");
            assert_eq!(ticks.last(), Some(&top), "{max}");
            assert!((3..=6).contains(&ticks.len()), "{max}: {ticks:?}");
        }
    }
}
