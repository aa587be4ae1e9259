//! Each section of the brief on its own, on the sample project's Canada profile.

use super::writer::Writer;
use super::{key_figures, narrative, next_steps, sources, trade};
use crate::deps::Deps;
use crate::figures::{self, Figures, KeyFigureId, Reporters};
use crate::i18n::Lang;
use crate::i18n::format::LocaleFormatter;
use crate::printed::Part;
use crate::profile::Profile;
use crate::project::Project;

fn sample() -> (Project, Profile, Figures) {
    let project = Project::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let profile = project
        .profiles
        .iter()
        .find(|p| p.code == "ca")
        .unwrap()
        .profile
        .clone()
        .unwrap();
    let figures = figures::compute(
        &project.datasets,
        &project.reference.classifications,
        &Reporters {
            region: project.config.region.as_ref().map(|r| r.code.as_str()),
            cards: &project.config.key_figures,
            national: &project.config.country.code,
        },
        "CA",
    );
    (project, profile, figures)
}

/// Runs `f` with a writer for `lang`.
fn with_writer<T>(project: &Project, lang: Lang, f: impl FnOnce(&Writer) -> T) -> T {
    let fmt = LocaleFormatter::new(project.catalogue(lang)).unwrap();
    let deps = Deps::default();
    let w = Writer::new(lang, &fmt, project.catalogue(lang), &deps, "ca".into());
    f(&w)
}

#[test]
fn every_card_has_a_key_of_its_own_and_a_label_in_every_language() {
    use crate::dataset::Flow;
    use crate::figures::{Measure, Reporter};
    let (project, _, _) = sample();
    let mut keys = std::collections::BTreeSet::new();
    for reporter in [Reporter::Region, Reporter::National] {
        for measure in [Measure::Goods, Measure::Services, Measure::Rank] {
            for flow in [Flow::Export, Flow::Import] {
                let id = KeyFigureId::new(reporter, measure, flow);
                assert!(keys.insert(id.key()), "{id:?}");
                for lang in [Lang::Fr, Lang::Nl, Lang::En] {
                    assert!(
                        project.catalogue(lang).get(id.label()).is_ok(),
                        "{lang}: {}",
                        id.label()
                    );
                }
            }
        }
    }
    // The default cards keep the record ids of earlier editions.
    let ids: Vec<String> = KeyFigureId::DEFAULT.iter().map(|k| k.record_id()).collect();
    assert_eq!(
        ids,
        [
            "key/region_goods_exports",
            "key/region_goods_imports",
            "key/national_goods_exports",
            "key/national_services_exports",
            "key/region_export_rank"
        ]
    );
}

#[test]
fn key_figures_print_localized_cards_and_note_each_number() {
    let (project, _, figures) = sample();
    for (lang, exports) in [(Lang::Fr, "32,4"), (Lang::Nl, "32,4"), (Lang::En, "32.4")] {
        with_writer(&project, lang, |w| {
            let mut files = crate::typeset::Files::new();
            let section = key_figures::write(
                w,
                &project.config,
                &figures,
                &project.datasets,
                project.config.edition,
                None,
                &mut files,
            )
            .unwrap();
            let context = serde_json::to_value(&section).unwrap();
            let first = &context["card_groups"][0]["cards"][0];
            assert_eq!(first["number"], exports, "{lang}: {context}");
            assert_eq!(first["id"], "region_goods_exports");
            assert_eq!(first["year"], 2024);
            // Five years of Canada's exports: a sparkline, its SVG among the files, its
            // points noted (drawn, not compared).
            let spark = first["sparkline"]["path"].as_str().unwrap();
            assert!(files[spark].starts_with(b"<svg"), "{spark}");
            assert!(
                first["sparkline"]["alt"].as_str().unwrap().contains("2020"),
                "{first}"
            );
            assert!(section.since_last.is_none());
            let printed = w.take_printed();
            assert_eq!(
                printed.iter().filter(|p| p.part == Part::KeyFigure).count(),
                figures.key_figures.len()
            );
            assert!(printed.iter().any(|p| p.id == "key/region_goods_exports"));
            let drawn: Vec<_> = printed
                .iter()
                .filter(|p| p.id.starts_with("sparkline/region_goods_exports/"))
                .map(|p| p.period.as_str())
                .collect();
            assert_eq!(drawn, ["2020", "2021", "2022", "2023", "2024"]);
            assert!(
                printed
                    .iter()
                    .filter(|p| p.part == Part::Sparkline)
                    .all(|p| !p.part.is_compared())
            );
        });
    }
}

#[test]
fn trade_section_draws_charts_with_captions_naming_their_sources() {
    let (project, _, figures) = sample();
    with_writer(&project, Lang::En, |w| {
        let mut files = crate::typeset::Files::new();
        let section = trade::write(
            w,
            &project.config,
            &figures,
            &project.datasets,
            &project.reference,
            "Canada",
            &mut files,
        )
        .unwrap();
        let context = serde_json::to_value(&section).unwrap();
        let charts = context["charts"].as_array().unwrap();
        assert!(!charts.is_empty());
        for chart in charts {
            let path = chart["path"].as_str().unwrap();
            assert!(path.starts_with("/ca/charts/"), "{path}");
            assert!(files.contains_key(path), "{path} not drawn");
            assert!(
                chart["caption"].as_str().unwrap().starts_with("Source")
                    || chart["caption"].as_str().unwrap().contains("illustrative"),
                "{chart}"
            );
        }
        assert!(w.take_printed().iter().any(|p| p.part == Part::Trend));
    });
}

#[test]
fn narrative_and_next_steps_take_the_profile_in_the_brief_language() {
    let (project, profile, _) = sample();
    with_writer(&project, Lang::Fr, |w| {
        let narrative = narrative::write(w, &profile, &project.reference).unwrap();
        let context = serde_json::to_value(&narrative).unwrap();
        assert_eq!(
            context["headings"]["why"],
            "Pourquoi faire des affaires au Canada\u{202f}?"
        );
        assert_eq!(
            context["sectors"].as_array().unwrap().len(),
            profile.sectors.len()
        );
        let mut files = crate::typeset::Files::new();
        let next = next_steps::write(w, &profile, &mut files).unwrap();
        let context = serde_json::to_value(&next).unwrap();
        assert_eq!(context["contact"]["email"], profile.contact.email.as_str());
        // The adviser's page: printed without its scheme, its QR code among the files.
        let qr = &context["contact"]["qr"];
        assert_eq!(qr["shown"], "example.org/advisers/claire-dubois");
        assert!(
            files[qr["path"].as_str().unwrap()].starts_with(b"<?xml"),
            "{qr}"
        );
    });
}

#[test]
fn a_mission_prints_its_dates_or_else_its_season() {
    let project = Project::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let cat = project.catalogue(Lang::En);
    let fmt = LocaleFormatter::new(cat).unwrap();
    let day = |s: &str| s.parse::<crate::profile::Date>().unwrap();
    let (start, end) = (day("2025-11-03"), day("2025-11-07"));
    let range = next_steps::mission_when(cat, &fmt, Some(&start), Some(&end), None)
        .unwrap()
        .unwrap();
    // What the end date says is not repeated (issue 25: "17 November 2025 to 21 November
    // 2025" read twice the month and year).
    assert_eq!(range, "3 to 7\u{a0}November 2025");
    let across = |a: &str, b: &str, lang: Lang| {
        let cat = project.catalogue(lang);
        let fmt = LocaleFormatter::new(cat).unwrap();
        next_steps::mission_when(cat, &fmt, Some(&day(a)), Some(&day(b)), None)
            .unwrap()
            .unwrap()
            .replace('\u{a0}', " ")
    };
    assert_eq!(
        across("2025-10-28", "2025-11-03", Lang::Fr),
        "du 28 octobre au 3 novembre 2025"
    );
    assert_eq!(
        across("2025-11-01", "2025-11-05", Lang::Fr),
        "du 1ᵉʳ au 5 novembre 2025"
    );
    assert_eq!(
        across("2025-11-17", "2025-11-21", Lang::Nl),
        "van 17 tot 21 november 2025"
    );
    assert_eq!(
        across("2025-12-29", "2026-01-02", Lang::En),
        "29 December 2025 to 2 January 2026"
    );
    let one = next_steps::mission_when(cat, &fmt, Some(&start), Some(&start), None).unwrap();
    assert_eq!(one.as_deref(), Some("3\u{a0}November 2025"));
    let season = next_steps::mission_when(cat, &fmt, None, None, Some("autumn 2025".into()));
    assert_eq!(season.unwrap().as_deref(), Some("autumn 2025"));
}

#[test]
fn sources_cite_the_datasets_used_and_the_world_bank_when_facts_are_printed() {
    let (project, profile, figures) = sample();
    with_writer(&project, Lang::En, |w| {
        let with = sources::write(
            w,
            &project.config,
            &profile,
            &figures,
            &project.datasets,
            true,
        )
        .unwrap();
        let without = sources::write(
            w,
            &project.config,
            &profile,
            &figures,
            &project.datasets,
            false,
        )
        .unwrap();
        assert_eq!(with.datasets.len(), figures.datasets.len() + 1);
        assert_eq!(without.datasets.len(), figures.datasets.len());
    });
}

#[test]
fn an_agreement_is_worded_by_its_status_in_each_language() {
    let (project, profile, _) = sample();
    for (lang, wording) in [
        (
            Lang::Fr,
            "(AECG/CETA)\u{a0}— application provisoire depuis 2017",
        ),
        (Lang::Nl, "\u{a0}— voorlopig toegepast sinds 2017"),
        (Lang::En, "\u{a0}— provisionally applied since 2017"),
    ] {
        with_writer(&project, lang, |w| {
            let section = narrative::write(w, &profile, &project.reference).unwrap();
            let title = serde_json::to_value(&section).unwrap()["agreement"]["title"].clone();
            let title = title.as_str().unwrap();
            assert!(title.ends_with(wording), "{lang}: {title}");
            assert!(
                !title.contains("vigueur") && !title.contains("kracht"),
                "{title}"
            );
        });
    }
    let mut none = profile.clone();
    none.agreement.status = Some(crate::profile::AgreementStatus::None);
    none.agreement.since = Some(2020);
    with_writer(&project, Lang::En, |w| {
        let section = narrative::write(w, &none, &project.reference).unwrap();
        let title = serde_json::to_value(&section).unwrap()["agreement"]["title"].clone();
        assert_eq!(title, none.agreement.name.get(Lang::En).unwrap());
    });
}

/// Issue 23.2: what depends only on the country is worked out once: a country's briefs in
/// every language share one computation of its figures.
#[test]
fn a_country_s_figures_are_computed_once_for_all_its_languages() {
    let (project, profile, _) = sample();
    let path = project
        .profiles
        .iter()
        .find(|p| p.code == "ca")
        .unwrap()
        .path
        .clone();
    let renderer = super::Renderer::new(&project).unwrap();
    let edition = project.config.edition;
    let fr = renderer
        .render(&path, &profile, Lang::Fr, edition, false)
        .unwrap();
    let en = renderer
        .render(&path, &profile, Lang::En, edition, false)
        .unwrap();
    assert!(std::sync::Arc::ptr_eq(&fr.figures, &en.figures));
}
