//! The composition of the sample briefs, read from the laid-out frames (Typst's
//! `PagedDocument`, before any PDF): the three languages of a country take the same number
//! of pages, and every page but the last is well filled — no half-empty page gives a brief
//! away as generated.

mod common;

use marketbrief::Lang;
use marketbrief::brief::Renderer;
use marketbrief::project::Project;

/// Below this, a page that is not the last looks abandoned.
const FULL_PAGE: f64 = 0.80;
/// The last page carries at least the sources: a stub of a few lines is a layout slip.
const LAST_PAGE: f64 = 0.25;

#[test]
fn the_languages_of_a_brief_paginate_alike_and_fill_their_pages() {
    let project = Project::load(&common::sample_project()).unwrap();
    let renderer = Renderer::new(&project).unwrap();
    let edition = project.config.edition;
    let mut problems = Vec::new();
    let mut report = Vec::new();
    for entry in &project.profiles {
        let profile = entry.profile.as_ref().unwrap();
        let mut counts = Vec::new();
        for lang in Lang::ALL {
            let brief = renderer
                .build(&entry.path, profile, lang, edition)
                .unwrap_or_else(|e| panic!("{}-{lang}: {e}", entry.code));
            let fill = &brief.typeset.page_fill;
            assert_eq!(fill.len(), brief.typeset.pages);
            report.push(format!(
                "{}-{lang}: {}",
                entry.code,
                fill.iter()
                    .map(|f| format!("{:.0}%", f * 100.0))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            counts.push((lang, fill.len()));
            let (last, full) = fill.split_last().unwrap();
            for (page, f) in full.iter().enumerate() {
                if *f < FULL_PAGE {
                    problems.push(format!(
                        "{}-{lang} page {}: {:.0}% filled",
                        entry.code,
                        page + 1,
                        f * 100.0
                    ));
                }
            }
            if *last < LAST_PAGE {
                problems.push(format!(
                    "{}-{lang} last page: {:.0}% filled",
                    entry.code,
                    last * 100.0
                ));
            }
        }
        if counts.iter().any(|(_, n)| *n != counts[0].1) {
            problems.push(format!("{}: pages per language {counts:?}", entry.code));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nfill per page:\n{}",
        problems.join("\n"),
        report.join("\n")
    );
}

/// The smallest type a printed handout carries: read at arm's length, nothing smaller.
const MIN_TYPE_PT: f64 = 8.0;

/// Issue 25: nothing under 8 pt — every text of every sample brief in every language, read
/// from the laid-out frames, and the labels of its charts and map (SVG images: their
/// `font-size` scaled to the size the image is printed at).
#[test]
fn no_type_is_smaller_than_8_pt() {
    use typst::layout::{Frame, FrameItem};
    use typst::visualize::ImageKind;
    fn walk(frame: &Frame, scale: f64, found: &mut Vec<(f64, String)>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => {
                    // A rotated or scaled group (the DRAFT mark) scales its text.
                    let [sx, sy] = [group.transform.sx.get(), group.transform.sy.get()];
                    walk(&group.frame, scale * sx.abs().max(sy.abs()), found)
                }
                FrameItem::Text(text) => found.push((
                    text.size.to_pt() * scale,
                    text.text.chars().take(40).collect(),
                )),
                FrameItem::Image(image, size, _) => {
                    if let ImageKind::Svg(svg) = image.kind() {
                        let printed = size.x.to_pt() / svg.width();
                        let data = String::from_utf8_lossy(svg.data());
                        for part in data.split("font-size=\"").skip(1) {
                            let px: f64 = part.split('"').next().unwrap().parse().unwrap();
                            let label = part
                                .split_once('>')
                                .map(|(_, t)| t.split('<').next().unwrap_or_default())
                                .unwrap_or_default();
                            found.push((px * printed, format!("SVG label “{label}”")));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let project = Project::load(&common::sample_project()).unwrap();
    let renderer = Renderer::new(&project).unwrap();
    let mut small = Vec::new();
    for entry in &project.profiles {
        let profile = entry.profile.as_ref().unwrap();
        for lang in Lang::ALL {
            let brief = renderer
                .build(&entry.path, profile, lang, project.config.edition)
                .unwrap();
            for (page, p) in brief.typeset.document.pages().iter().enumerate() {
                let mut found = Vec::new();
                walk(&p.frame, 1.0, &mut found);
                for (size, text) in found {
                    // Rounding in the SVG's pixel sizes: a hundredth of a point.
                    if size + 0.01 < MIN_TYPE_PT {
                        small.push(format!(
                            "{}-{lang} p{}: {size:.2} pt {text}",
                            entry.code,
                            page + 1
                        ));
                    }
                }
            }
        }
    }
    small.dedup();
    assert!(
        small.is_empty(),
        "{} texts under {MIN_TYPE_PT} pt:\n{}",
        small.len(),
        small
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
