//! The sources: each dataset as far as this brief used it, the publications its figures
//! quote and the profile cites, and the method note.

use super::writer::{Writer, dataset};
use crate::config::Config;
use crate::dataset::{Dataset, Licence, ProductCoverage, Status};
use crate::error::Result;
use crate::figures::Figures;
use crate::profile::{Date, Localized, Profile};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Serialize)]
pub(super) struct SourcesContext {
    pub datasets: Vec<SourceContext>,
    pub publications: Vec<LinkContext>,
    /// The method note, ending with what † means when some dataset gave illustrative rows
    /// among published ones: said once, not under each dataset.
    pub method: String,
}

#[derive(Serialize)]
pub(super) struct SourceContext {
    title: String,
    details: String,
    /// The source's address; none for data that are only illustrative here.
    url: Option<String>,
    /// The address as printed: without `https://` (which a line would break after).
    shown: Option<String>,
    /// Set when everything this brief shows from it is illustrative.
    note: Option<String>,
}

#[derive(Serialize)]
pub(super) struct LinkContext {
    title: String,
    url: String,
    /// The address as printed: without `https://`.
    shown: String,
    date: Option<String>,
}

/// The sources of one brief; `world_bank` when it prints the country's facts.
pub(super) fn write(
    w: &Writer,
    config: &Config,
    profile: &Profile,
    figures: &Figures,
    datasets: &[Dataset],
    world_bank: bool,
) -> Result<SourcesContext> {
    // Each source is described by what this brief took from it: the statuses of the rows
    // behind its printed figures.
    let statuses = figures.statuses_by_dataset();
    let mut sources = Vec::new();
    let mut publications = Vec::new();
    let mut some_illustrative = false;
    for id in &figures.datasets {
        let d = dataset(datasets, id)?;
        let used = statuses.get(id.as_str()).cloned().unwrap_or_default();
        some_illustrative |= used.contains(&Status::Illustrative)
            && !used.iter().all(|s| *s == Status::Illustrative);
        sources.push(source(w, d, &used)?);
        // A publication is cited only for a figure on this brief that quotes it.
        for p in &d.meta.publications {
            let quoted = figures
                .origins()
                .filter(|o| o.dataset == d.id)
                .flat_map(|o| &o.quoted)
                .any(|(partner, period)| p.quoted_by(partner, *period));
            if quoted {
                publications.push(link(w, &p.title, &p.url, p.date.as_ref())?);
            }
        }
    }
    if world_bank {
        sources.push(SourceContext {
            title: w.phrase("sources.world_bank_title")?,
            details: w.phrase("sources.world_bank_details")?,
            url: Some("https://data.worldbank.org/".into()),
            shown: Some(shown("https://data.worldbank.org/")),
            note: None,
        });
    }
    for p in &profile.sources {
        publications.push(link(w, &p.title, &p.url, p.date.as_ref())?);
    }
    let mut seen = BTreeSet::new();
    publications.retain(|p| seen.insert((p.url.clone(), p.title.clone())));
    Ok(SourcesContext {
        datasets: sources,
        publications,
        method: {
            let method = w.fill("brief.method", &[("region", &w.text(&config.agency().of))])?;
            if some_illustrative {
                format!("{method} {}", w.phrase("sources.illustrative")?)
            } else {
                method
            }
        },
    })
}

/// A dataset in the sources, as far as this brief used it: a source that gave it only
/// illustrative rows is named as such, with none of the real source's details.
fn source(w: &Writer, d: &Dataset, used: &BTreeSet<Status>) -> Result<SourceContext> {
    // Which rows were illustrative is said once, in the method (see `write`).
    if used.iter().all(|s| *s == Status::Illustrative) {
        return Ok(SourceContext {
            title: w.text(&d.meta.title),
            details: String::new(),
            url: None,
            shown: None,
            note: Some(w.phrase("sources.illustrative_only")?),
        });
    }
    let period = match d.year_span() {
        Some((a, b)) if a == b => a.to_string(),
        Some((a, b)) => format!("{a}–{b}"),
        None => String::new(),
    };
    let details = w.fill(
        "sources.dataset",
        &[
            ("source", &w.text(&d.meta.source)),
            ("concept", &w.text(&d.meta.concept)),
            ("period", &period),
            ("date", &w.fmt.date(&d.meta.last_update)?),
            (
                "licence",
                &match &d.meta.licence {
                    Licence::Name(name) => name.clone(),
                    Licence::Text(text) => w.text(text),
                },
            ),
        ],
    )?;
    let details = match &d.meta.coverage {
        ProductCoverage::All => details,
        ProductCoverage::Described(coverage) => format!("{details} {}", w.text(coverage)),
        listed => {
            let n = listed.product_count().unwrap_or_default();
            let key = if n == 1 {
                "sources.coverage_one"
            } else {
                "sources.coverage"
            };
            let coverage = w.fill(
                key,
                &[
                    ("n", &w.fmt.number(n as f64, 0)),
                    ("chapters", &listed.chapters().join(", ")),
                ],
            )?;
            format!("{details} {coverage}")
        }
    };
    Ok(SourceContext {
        title: w.text(&d.meta.title),
        details,
        url: Some(d.meta.url.clone()),
        shown: Some(shown(&d.meta.url)),
        note: None,
    })
}

fn link(w: &Writer, title: &Localized, url: &str, date: Option<&Date>) -> Result<LinkContext> {
    Ok(LinkContext {
        title: w.text(title),
        url: url.to_string(),
        shown: shown(url),
        date: date.map(|d| w.fmt.date(d)).transpose()?,
    })
}

/// An address as print shows it: the scheme and a lone trailing slash add nothing a reader
/// types, and a line broke after `https://`.
pub(crate) fn shown(url: &str) -> String {
    let bare = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    match bare.strip_suffix('/') {
        Some(host) if !host.contains('/') => host.to_string(),
        _ => bare.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_are_printed_without_their_scheme() {
        assert_eq!(super::shown("https://hub.brussels/"), "hub.brussels");
        assert_eq!(super::shown("http://stat.nbb.be/"), "stat.nbb.be");
        assert_eq!(
            super::shown("https://ec.europa.eu/eurostat/comext/"),
            "ec.europa.eu/eurostat/comext/"
        );
        assert_eq!(super::shown("mailto:a@b.org"), "mailto:a@b.org");
    }
}
