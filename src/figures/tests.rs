use super::*;
use std::path::Path;

fn dataset(id: &str, kind: &str, classification: &str, rows: &str) -> Dataset {
    let meta = format!(
        "title: {{fr: T, nl: T, en: T}}\nkind: {kind}\nclassification: {classification}\nsource: {{fr: S, nl: S, en: S}}\nurl: https://example.org\nlicence: L\nconcept: {{fr: C, nl: C, en: C}}\nlast_update: 2026-01-15\nillustrative: true\n"
    );
    let csv = format!("reporter,partner,flow,period,product,value_eur,status\n{rows}");
    Dataset::parse(id, Path::new("m.yaml"), &meta, Path::new("d.csv"), &csv).unwrap()
}

fn classifications() -> BTreeMap<String, Classification> {
    crate::reference::Reference::load(&crate::assets::Assets::embedded())
        .unwrap()
        .classifications
}

fn sample() -> Vec<Dataset> {
    vec![
        dataset(
            "goods",
            "goods",
            "hs-section",
            "BE-BRU,CA,export,2023,TOTAL,147000000,derived\n\
             BE-BRU,CA,export,2024,TOTAL,32400000,published\n\
             BE-BRU,CA,import,2024,TOTAL,24000000,published\n\
             BE-BRU,DE,export,2024,TOTAL,2000000000,illustrative\n\
             BE-BRU,MX,export,2024,TOTAL,8600000,published\n\
             BE-BRU,WORLD,export,2024,TOTAL,9000000000,illustrative\n\
             BE-BRU,CA,export,2024,VI,10000000,illustrative\n\
             BE-BRU,CA,export,2024,IV,12000000,illustrative\n\
             BE-BRU,CA,export,2023,IV,6000000,illustrative\n\
             BE,CA,export,2024,TOTAL,2600000000,published\n",
        ),
        dataset(
            "services",
            "services",
            "ebops-2010",
            "BE,CA,export,2024,TOTAL,697000000,published\n",
        ),
    ]
}

#[test]
fn key_figures_and_changes() {
    let f = compute(
        &sample(),
        &classifications(),
        &Reporters {
            region: Some("BE-BRU"),
            cards: &KeyFigureId::DEFAULT,
            national: "BE",
        },
        "CA",
    );
    let ids: Vec<_> = f.key_figures.iter().map(|k| k.id).collect();
    assert_eq!(
        ids,
        [
            KeyFigureId::REGION_GOODS_EXPORTS,
            KeyFigureId::REGION_GOODS_IMPORTS,
            KeyFigureId::NATIONAL_GOODS_EXPORTS,
            KeyFigureId::NATIONAL_SERVICES_EXPORTS,
            KeyFigureId::REGION_EXPORT_RANK
        ]
    );
    let exports = &f.key_figures[0];
    assert_eq!(exports.value, 32_400_000.0);
    assert!((exports.change().unwrap() - (32.4 / 147.0 - 1.0)).abs() < 1e-9);
    assert!(!exports.illustrative);
    // Rank among countries only: DE, CA, MX (WORLD is an aggregate).
    let rank = &f.key_figures[4];
    assert_eq!((rank.value, rank.out_of), (2.0, Some(3)));
    assert!(
        rank.illustrative,
        "DE's value is illustrative, so the rank is too"
    );
    assert!(f.illustrative);
}

#[test]
fn breakdown_sorted_with_growth() {
    let f = compute(
        &sample(),
        &classifications(),
        &Reporters {
            region: Some("BE-BRU"),
            cards: &KeyFigureId::DEFAULT,
            national: "BE",
        },
        "CA",
    );
    let top = f.top_products.unwrap();
    assert_eq!(top.year, 2024);
    assert_eq!(top.items[0].code, "IV");
    assert_eq!(top.items[0].change(), Some(1.0));
    assert_eq!(top.items[1].change(), None);
    assert_eq!(top.total, Some(32_400_000.0));
    assert!(f.services.is_none(), "no services categories in the sample");
}

#[test]
fn a_partial_partner_gets_its_last_complete_year_and_year_to_date() {
    // Canada's 2025 is complete; Germany's stops in November: no annual 2025 for it
    // (the import writes none), so its key figure is 2024 and its months are year to
    // date. Ranking Canada among the markets complete in 2025 only would be false: the
    // rank is 2024's.
    let mut rows = String::new();
    for (partner, y2024, y2025) in [("CA", 50, 60), ("DE", 100, 0), ("MX", 40, 30)] {
        rows.push_str(&format!(
            "BE-BRU,{partner},export,2024,TOTAL,{y2024},reported\n"
        ));
        if y2025 > 0 {
            rows.push_str(&format!(
                "BE-BRU,{partner},export,2025,TOTAL,{y2025},reported\n"
            ));
        }
    }
    for m in 1..=11 {
        rows.push_str(&format!("BE-BRU,DE,export,2024-{m:02},TOTAL,8,reported\n"));
        rows.push_str(&format!("BE-BRU,DE,export,2025-{m:02},TOTAL,9,reported\n"));
    }
    let goods = dataset("comext", "goods", "hs-section", &rows);
    let reporters = Reporters {
        region: Some("BE-BRU"),
        cards: &KeyFigureId::DEFAULT,
        national: "BE",
    };
    let de = compute(
        std::slice::from_ref(&goods),
        &classifications(),
        &reporters,
        "DE",
    );
    let exports = &de.key_figures[0];
    assert_eq!((exports.year, exports.value), (2024, 100.0));
    let ytd = &de.year_to_date[0];
    assert_eq!((ytd.year, ytd.last_month, ytd.value), (2025, 11, 99.0));
    assert_eq!(ytd.previous, Some(88.0));
    assert_eq!(ytd.origin.rows.len(), 11);

    let ca = compute(&[goods], &classifications(), &reporters, "CA");
    assert_eq!(ca.key_figures[0].year, 2025);
    assert!(ca.year_to_date.is_empty());
    let rank = ca
        .key_figures
        .iter()
        .find(|k| k.id == KeyFigureId::REGION_EXPORT_RANK)
        .unwrap();
    assert_eq!((rank.year, rank.value, rank.out_of), (2024, 2.0, Some(3)));
}

#[test]
fn a_market_ahead_of_the_others_is_not_ranked_among_itself() {
    let goods = dataset(
        "goods",
        "goods",
        "hs-section",
        "BE-BRU,CA,export,2024,TOTAL,50,published\n\
         BE-BRU,MX,export,2024,TOTAL,70,published\n\
         BE-BRU,CA,export,2025,TOTAL,40,published\n",
    );
    let reporters = Reporters {
        region: Some("BE-BRU"),
        cards: &KeyFigureId::DEFAULT,
        national: "BE",
    };
    let f = compute(&[goods], &classifications(), &reporters, "CA");
    assert_eq!(f.key_figures[0].year, 2025);
    let rank = f
        .key_figures
        .iter()
        .find(|k| k.id == KeyFigureId::REGION_EXPORT_RANK)
        .unwrap();
    assert_eq!((rank.year, rank.value, rank.out_of), (2024, 2.0, Some(2)));
}

#[test]
fn chapters_are_a_level_of_their_own() {
    // Sections and chapters of the same exports in one dataset: each level sums to the
    // total on its own, and neither leaks into the other's breakdown.
    let goods = dataset(
        "be-goods",
        "goods",
        "[hs-section, cn-chapter]",
        "BE,DE,export,2024,TOTAL,100,published\n\
         BE,DE,export,2024,VII,60,published\n\
         BE,DE,export,2024,VI,40,published\n\
         BE,DE,export,2024,39,60,published\n\
         BE,DE,export,2024,32,25,published\n\
         BE,DE,export,2024,35,15,published\n\
         BE,DE,export,2023,39,50,published\n",
    );
    let f = compute(
        &[goods],
        &classifications(),
        &Reporters {
            region: Some("BE-BRU"),
            cards: &KeyFigureId::DEFAULT,
            national: "BE",
        },
        "DE",
    );
    assert!(f.top_products.is_none(), "the region has no rows");
    let chapters = f.top_chapters.expect("the country's chapters");
    assert_eq!(chapters.reporter, "BE");
    assert_eq!(chapters.classification, CN_CHAPTER);
    let codes: Vec<&str> = chapters.items.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes, ["39", "32", "35"]);
    assert!((chapters.items[0].change().unwrap() - 0.2).abs() < 1e-12);
    assert_eq!(chapters.total, Some(100.0));
}

#[test]
fn the_trend_shows_the_last_ten_years_and_the_sparkline_the_last_five() {
    let rows: String = (1990..=2024)
        .map(|y| {
            format!(
                "BE-BRU,CA,export,{y},TOTAL,{},illustrative\n",
                1_000_000 + y
            )
        })
        .collect();
    let sets = vec![dataset("goods", "goods", "hs-section", &rows)];
    let reporters = Reporters {
        region: Some("BE-BRU"),
        cards: &KeyFigureId::DEFAULT,
        national: "BE",
    };
    let f = compute(&sets, &classifications(), &reporters, "CA");
    let years: Vec<i32> = f.trend.exports.iter().map(|p| p.year).collect();
    assert_eq!(years, (2015..=2024).collect::<Vec<_>>());
    let history: Vec<i32> = f.key_figures[0].history.iter().map(|p| p.year).collect();
    assert_eq!(history, (2020..=2024).collect::<Vec<_>>());
}

/// Issue 25: a category that gathers the rest ("Other business services") comes after the
/// others, however large it is.
#[test]
fn a_residual_category_comes_last() {
    let services = dataset(
        "services",
        "services",
        "ebops-2010",
        "BE,CA,export,2024,TOTAL,697000000,published\n\
         BE,CA,export,2024,SJ,262000000,published\n\
         BE,CA,export,2024,SH,93000000,published\n\
         BE,CA,export,2024,SI,91000000,published\n",
    );
    let f = compute(
        &[services],
        &classifications(),
        &Reporters {
            region: None,
            cards: &KeyFigureId::NATIONAL_DEFAULT,
            national: "BE",
        },
        "CA",
    );
    let services = f.services.unwrap();
    let codes: Vec<&str> = services.items.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes, ["SH", "SI", "SJ"]);
}

/// Issue 23.2: the briefs of an edition share its export rankings: a second country's
/// figures rank it in the rankings the first worked out, and give the same rank as alone.
#[test]
fn an_edition_works_out_each_ranking_once() {
    let datasets = sample();
    let classifications = classifications();
    let reporters = Reporters {
        region: Some("BE-BRU"),
        cards: &KeyFigureId::DEFAULT,
        national: "BE",
    };
    let ranks = Ranks::default();
    let ca = compute_with(&datasets, &classifications, &reporters, "CA", &ranks);
    let worked_out = ranks.worked_out();
    assert!(worked_out > 0);
    let mx = compute_with(&datasets, &classifications, &reporters, "MX", &ranks);
    assert_eq!(ranks.worked_out(), worked_out, "MX ranked in CA's rankings");
    for (shared, country) in [(&ca, "CA"), (&mx, "MX")] {
        let alone = compute(&datasets, &classifications, &reporters, country);
        assert_eq!(shared.key_figures, alone.key_figures, "{country}");
    }
}
