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
