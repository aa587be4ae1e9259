//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository, which is also the sample project.
pub fn sample_project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The small valid project the broken-input corpus is laid over.
pub fn corpus_base() -> PathBuf {
    sample_project().join("tests/corpus/_base")
}

/// Copies the sample project's configuration, profiles, datasets and logo into `to`.
pub fn copy_project(to: &Path) {
    let from = sample_project();
    std::fs::copy(from.join("marketbrief.yaml"), to.join("marketbrief.yaml")).unwrap();
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(from.join("data/logo.svg"), to.join("data/logo.svg")).unwrap();
    for dir in ["data/profiles", "data/datasets"] {
        std::fs::create_dir_all(to.join(dir)).unwrap();
        copy_tree(&from.join(dir), &to.join(dir), &[]);
    }
}

/// Puts a copy of one of the sample's asset files (a template, catalogue, font, reference
/// or classification file, which a project without it gets from the embedded defaults)
/// into the project at `to`, where it overrides the embedded copy; returns its path.
pub fn override_asset(to: &Path, rel: &str) -> PathBuf {
    let target = to.join(rel);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::copy(sample_project().join(rel), &target).unwrap();
    target
}

/// Copies a folder recursively, leaving out files with the given names.
pub fn copy_tree(from: &Path, to: &Path, except: &[&str]) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let target = to.join(name);
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target, except);
        } else if !except.contains(&name.to_str().unwrap()) {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Runs the marketbrief binary with `args` and `--project project`; it must succeed.
pub fn marketbrief(project: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .expect("marketbrief runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs the marketbrief binary with `args` and `--project project`; it must fail. Returns
/// what it printed on stderr.
pub fn marketbrief_fails(project: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .expect("marketbrief runs");
    assert!(
        !output.status.success(),
        "succeeded: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A PDF's text with every kind of space folded to one plain space.
///
/// pdf-extract reads a plain space where one run of text ends and the next begins (a name
/// kept whole is a run of its own: "Canada , the"); a plain space never comes before
/// `, . ; : ! ? )` nor after `(` in a brief (French spaces there are no-break ones), so
/// those are removed first.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pdf_bytes_text(&bytes)
}

/// [`pdf_text`] of a PDF in memory.
pub fn pdf_bytes_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).expect("extractable PDF text");
    let mut joined = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let before_punctuation = c == ' ' && next.is_some_and(|n| ",.;:!?)".contains(n));
        let after_parenthesis = c == ' ' && joined.ends_with('(');
        if !before_punctuation && !after_parenthesis {
            joined.push(c);
        }
    }
    joined
        .replace(['\u{A0}', '\u{202F}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text without any whitespace, soft hyphen or hyphen, so words broken across lines compare.
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{AD}' && *c != '-')
        .collect()
}

/// Decodes a PDF text string (UTF-16BE with a byte-order mark, or PDFDocEncoding/ASCII).
pub fn pdf_string(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The text drawn in an SVG chart, label by label (entities decoded).
pub fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.to_string()))
        .map(|t| {
            t.replace("&#160;", "\u{a0}")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Whether the row `file:line` of a project's dataset is illustrative (its last column). For
/// a rank, the row is the market's own and the rank is computed from every market's: it is
/// illustrative when any market's total of that reporter and year is.
fn row_illustrative(project: &Path, row: &str, rank: bool) -> Option<bool> {
    let (file, line) = row.rsplit_once(':')?;
    let line: usize = line.parse().ok()?;
    let text = std::fs::read_to_string(project.join(file)).unwrap();
    let fields = |l: &str| l.split(',').map(str::to_string).collect::<Vec<_>>();
    let header = fields(text.lines().next().unwrap());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (reporter, partner, flow, period, product, status) = (
        col("reporter"),
        col("partner"),
        col("flow"),
        col("period"),
        col("product"),
        col("status"),
    );
    let own = fields(text.lines().nth(line - 1).unwrap());
    if !rank {
        return Some(own[status] == "illustrative");
    }
    Some(text.lines().skip(1).map(fields).any(|r| {
        r[reporter] == own[reporter]
            && r[flow] == own[flow]
            && r[period] == own[period]
            && r[product] == own[product]
            && r[partner].len() == 2
            && r[status] == "illustrative"
    }))
}

/// Text with every kind of space folded to one plain space.
fn spaced(text: &str) -> String {
    text.replace(['\u{A0}', '\u{202F}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `needle` is in `text` as a whole number (not the end or the start of a longer
/// one) followed by † when `marked`, or by anything else when not.
fn printed_with_mark(text: &str, needle: &str, marked: bool) -> bool {
    let needle = spaced(needle);
    let digit = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    text.match_indices(&needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let rest = &text[at + needle.len()..];
        let after = rest.chars().next();
        let cut_before =
            needle.starts_with(|c: char| c.is_ascii_digit()) && before.is_some_and(digit);
        let cut_after = needle.ends_with(|c: char| c.is_ascii_digit())
            && after.is_some_and(|c| c.is_ascii_digit());
        let whole = !cut_before && !cut_after;
        whole && rest.trim_start().starts_with('†') == marked
    })
}

/// Issue 22.4's test: every figure a brief recorded carries the marks its rows say — the
/// value † exactly when one of its rows is illustrative, the change when a row of either
/// year is — and the brief prints it so: in the PDF's text or in the chart that draws it
/// (the charts' SVG, written by `--emit-typst` to `typst_dir`). Returns how many printed
/// numbers were compared with the pages, and how many of them were marked.
pub fn assert_marks_follow_rows(
    project: &Path,
    edition_dir: &Path,
    typst_dir: &Path,
) -> (usize, usize) {
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(edition_dir.join("figures.json")).unwrap())
            .unwrap();
    assert_eq!(record["format"], 2, "figures.json records every mark");
    let (mut compared, mut marked) = (0, 0);
    for (name, brief) in record["briefs"].as_object().unwrap() {
        let code = brief["country"].as_str().unwrap().to_lowercase();
        let text = pdf_text(&edition_dir.join(format!("{name}.pdf")));
        let mut drawn = String::new();
        if let Ok(charts) = std::fs::read_dir(typst_dir.join(format!("{name}/{code}/charts"))) {
            for entry in charts {
                let svg = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for label in svg_texts(&svg) {
                    drawn.push_str(&spaced(&label));
                    drawn.push_str(" | ");
                }
            }
        }
        let figures = brief["figures"].as_array().unwrap();
        for f in figures {
            let (id, part) = (f["id"].as_str().unwrap(), f["part"].as_str().unwrap());
            // A rank, on its card or its sparkline.
            let rank = id.split('/').nth(1).is_some_and(|k| k.ends_with("_rank"));
            let of = |rows: &serde_json::Value| -> Option<bool> {
                let rows = rows.as_array()?;
                let said: Vec<bool> = rows
                    .iter()
                    .filter_map(|r| row_illustrative(project, r.as_str().unwrap(), rank))
                    .collect();
                Some(said.iter().any(|&i| i))
            };
            let value = of(&f["rows"]).unwrap_or(false);
            let base = of(&f["base"]["rows"]);
            let marks = &f["marks"];
            assert_eq!(marks["value"], value, "{name} {id}: the value's mark");
            let change = f["change"].as_str();
            if let (Some(change), Some(base)) = (change, base) {
                assert_eq!(
                    marks["base"], base,
                    "{name} {id}: the compared value's mark"
                );
                assert_eq!(
                    marks["change"],
                    value || base,
                    "{name} {id}: the change's mark"
                );
                assert_eq!(
                    change.trim_end().ends_with('†'),
                    value || base,
                    "{name} {id}: the change as printed, `{change}`"
                );
            }
            // Where the number is printed, it is printed with that mark.
            let printed = f["printed"].as_str().unwrap();
            let last_of_trend = part == "trend"
                && !figures.iter().any(|g| {
                    g["part"] == "trend"
                        && g["id"].as_str().unwrap().rsplit_once('/').unwrap().0
                            == id.rsplit_once('/').unwrap().0
                        && g["period"].as_str() > f["period"].as_str()
                });
            let page = match part {
                "key_figure" | "year_to_date" | "chapters" | "share" | "facts" => &text,
                "products" | "services" => &drawn,
                "trend" if last_of_trend => &drawn,
                _ => continue,
            };
            let needle = if part == "trend" {
                format!("{} {}", f["label"].as_str().unwrap(), printed)
            } else {
                printed.to_string()
            };
            assert!(
                printed_with_mark(page, &needle, value),
                "{name} {id}: `{printed}` is not printed {} in {page}",
                if value { "with †" } else { "without †" }
            );
            if let Some(change) = change {
                assert!(
                    page.contains(&spaced(change)),
                    "{name} {id}: the change `{change}` is not printed in {page}"
                );
            }
            compared += 1;
            marked += usize::from(value);
        }
    }
    (compared, marked)
}
