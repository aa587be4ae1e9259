//! The cover and summary: the document's title and metadata, the country, the publisher
//! and edition, the summary with the country's facts, the locator map and the flag.

use super::writer::Writer;
use crate::config::{Config, Edition};
use crate::dataset::{Dataset, Status};
use crate::error::Result;
use crate::figures::Figures;
use crate::printed::{Part, PrintedFigure};
use crate::profile::Profile;
use crate::reference::Reference;
use crate::typeset::Files;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct CoverContext {
    pub title: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub country: Named,
    pub region: Named,
    pub publisher: Publisher,
    pub edition: EditionText,
    pub summary: String,
    pub illustrative: bool,
    /// Every trade figure printed is illustrative: the notice says so plainly.
    pub all_illustrative: bool,
    /// Whether the strip shows World Bank figures (then it names the source).
    pub world_bank: bool,
    /// The at-a-glance strip: World Bank facts, then the profile's (currency, languages,
    /// time difference); empty when none is known.
    pub glance: Vec<GlanceItem>,
    /// "Source: World Bank", kept on the line of the last fact.
    pub facts_source: String,
    pub map_path: Option<String>,
    pub map_alt: String,
    pub has_flag: bool,
    pub flag_path: String,
    pub flag_alt: String,
    /// The document's date: the last day of the edition's quarter.
    pub date: [i32; 3],
}

/// One fact of the at-a-glance strip.
#[derive(Debug, Serialize)]
pub(super) struct GlanceItem {
    pub label: String,
    pub value: String,
    /// The year of a statistic; none for a profile's fact.
    pub year: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Named {
    pub code: String,
    pub name: String,
}

#[derive(Serialize)]
pub(super) struct Publisher {
    name: String,
    email: String,
    phone: Option<String>,
    website: Option<String>,
    /// The colophon's legal mention ("Éditeur responsable : …, address"), when configured.
    colophon: Option<String>,
    /// The agency's logo among the brief's files, when configured.
    logo: Option<String>,
    /// Its alternative text ("Logo of …").
    logo_alt: String,
}

#[derive(Serialize)]
pub(super) struct EditionText {
    id: String,
    label: String,
    line: String,
}

/// The country's name in the brief's language, from CLDR.
pub(super) fn country_name(w: &Writer, reference: &Reference, code: &str) -> Result<String> {
    w.deps
        .depends_on(crate::reference::territories_file(w.lang));
    w.deps.depends_on(crate::reference::COUNTRY_NAMES);
    Ok(reference.country_name(code, w.lang)?.to_string())
}

/// What the cover needs beyond the writer.
pub(super) struct Cover<'a> {
    pub config: &'a Config,
    pub profile: &'a Profile,
    pub figures: &'a Figures,
    pub datasets: &'a [Dataset],
    pub reference: &'a Reference,
    pub assets: &'a crate::assets::Assets,
    pub edition: Edition,
    /// The country's name in the brief's language.
    pub country: &'a str,
}

/// The cover of one brief; the map and flag files are added to `files`.
pub(super) fn write(w: &Writer, cover: &Cover, files: &mut Files) -> Result<CoverContext> {
    let Cover {
        config,
        profile,
        figures,
        datasets,
        reference,
        assets,
        edition,
        country,
    } = *cover;
    let code = profile.country.to_ascii_uppercase();
    let edition_label = w.fmt.edition(&edition)?;

    w.deps.depends_on(crate::reference::WORLD_ATLAS);
    // The agency's seat, named in the brief's language.
    let seat = config.seat();
    let seat_name = w.text(&seat.name);
    let style = crate::map::MapStyle {
        colour: &config.brand_colour.0,
        seat: Some((&seat_name, (seat.lon, seat.lat))),
    };
    if let Some(map) = reference.locator_map(&code, &style) {
        files.insert(
            w.path("map.svg"),
            typst::foundations::Bytes::new(map.into_bytes()),
        );
    }
    // The agency's logo, checked with the project (validate::project).
    let logo = match &config.publisher.logo {
        Some(file) => {
            w.deps.depends_on(file);
            match assets.read(file)? {
                Some((_, bytes)) => {
                    let path = crate::logo::virtual_path(file).to_string();
                    files.insert(
                        path.clone(),
                        typst::foundations::Bytes::new(bytes.into_owned()),
                    );
                    Some(path)
                }
                None => None,
            }
        }
        None => None,
    };
    w.deps.depends_on(crate::reference::flag_file(&code));
    if let Some(flag) = Reference::flag(assets, &code)? {
        files.insert(w.path("flag.svg"), typst::foundations::Bytes::new(flag));
    }

    let data_as_of = figures
        .datasets
        .iter()
        .filter_map(|id| crate::dataset::by_id(datasets, id))
        .map(|d| d.meta.last_update)
        .max();
    let edition_line = match data_as_of {
        Some(d) => w.fill(
            "brief.edition_line",
            &[("edition", &edition_label), ("date", &w.fmt.date(&d)?)],
        )?,
        None => edition_label.clone(),
    };
    let date = edition.last_day();
    Ok(CoverContext {
        title: w.fill("brief.title", &[("country", country)])?,
        subject: w.fill(
            "brief.subject",
            &[("country", country), ("edition", &edition_label)],
        )?,
        keywords: vec![
            w.phrase("brief.kind")?,
            country.to_string(),
            w.text(&config.agency().short),
            edition.to_string(),
            edition_label.clone(),
        ],
        country: Named {
            code: code.clone(),
            name: country.to_string(),
        },
        region: Named {
            code: config.agency().code.clone(),
            name: w.text(&config.agency().name),
        },
        publisher: Publisher {
            name: w.text(&config.publisher.name),
            email: config.publisher.email.clone(),
            phone: config.publisher.phone.clone(),
            website: config.publisher.website.clone(),
            colophon: config
                .publisher
                .responsible
                .as_ref()
                .map(|r| {
                    w.fill(
                        "brief.colophon",
                        &[("name", &r.name), ("address", &w.text(&r.address))],
                    )
                })
                .transpose()?,
            logo,
            logo_alt: w.fill(
                "brief.logo_alt",
                &[("publisher", &w.text(&config.publisher.name))],
            )?,
        },
        edition: EditionText {
            id: edition.to_string(),
            label: edition_label,
            line: edition_line,
        },
        summary: w.text(&profile.summary),
        illustrative: figures.illustrative,
        all_illustrative: figures.illustrative
            && figures
                .origins()
                .all(|o| o.statuses.iter().all(|s| *s == Status::Illustrative)),
        world_bank: reference
            .facts
            .get(&code)
            .is_some_and(|f| f.population.is_some() || f.gdp_usd.is_some()),
        glance: glance(w, reference, profile, &code, &w.text(&config.seat().name))?,
        facts_source: w.phrase("brief.facts_source")?,
        map_path: files
            .contains_key(&w.path("map.svg"))
            .then(|| w.path("map.svg")),
        map_alt: w.fill("brief.map_alt", &[("country", country)])?,
        has_flag: files.contains_key(&w.path("flag.svg")),
        flag_path: w.path("flag.svg"),
        flag_alt: w.fill("brief.flag_alt", &[("country", country)])?,
        date: [date.0, i32::from(date.1), i32::from(date.2)],
    })
}

/// The at-a-glance strip: population, GDP and GDP per head from the World Bank files (as
/// [`facts`] notes them), then the profile's own facts.
fn glance(
    w: &Writer,
    reference: &Reference,
    profile: &crate::profile::Profile,
    code: &str,
    seat: &str,
) -> Result<Vec<GlanceItem>> {
    let mut items = Vec::new();
    w.deps.depends_on_all(crate::reference::WORLD_BANK_FILES);
    if let Some(facts) = reference.facts.get(code) {
        let [population, gdp] = crate::reference::WORLD_BANK_FILES;
        for (id, label, unit, fact, files) in [
            (
                "facts/population",
                "brief.facts_population_label",
                "people",
                facts.population,
                &[population][..],
            ),
            (
                "facts/gdp",
                "brief.facts_gdp_label",
                "usd",
                facts.gdp_usd,
                &[gdp][..],
            ),
            (
                "facts/gdp_per_head",
                "brief.facts_gdp_per_head_label",
                "usd",
                facts.gdp_per_head_usd,
                &[population, gdp][..],
            ),
        ] {
            let Some((year, amount)) = fact else { continue };
            // Per head, to the hundred dollars: more digits would claim a precision the
            // division of two estimates does not have.
            let amount = if id == "facts/gdp_per_head" {
                (amount / 100.0).round() * 100.0
            } else {
                amount
            };
            let value = w.fmt.scaled(unit, amount)?.full();
            w.note(PrintedFigure {
                // Reference facts, published by their source.
                marks: Some(crate::marks::Marks::default()),
                id: id.to_string(),
                part: Part::Facts,
                label: w.phrase(label)?,
                period: year.to_string(),
                value: amount,
                printed: value.clone(),
                base: None,
                change: None,
                illustrative: false,
                rows: files
                    .iter()
                    .map(|file| format!("{file} ({code}, {year})"))
                    .collect(),
            });
            items.push(GlanceItem {
                label: w.phrase(label)?,
                value,
                year: Some(year.to_string()),
            });
        }
    }
    let own = &profile.at_a_glance;
    // "Time difference with …" names the agency's seat, not always Brussels.
    // One language is not "languages": the label agrees with what the profile lists.
    let several = |text: &str| {
        text.contains(',')
            || [" et ", " en ", " and "]
                .iter()
                .any(|and| text.contains(and))
    };
    let languages_label = match &own.languages {
        Some(languages) if !several(&w.text(languages)) => "brief.glance_language",
        _ => "brief.glance_languages",
    };
    for (label, fact) in [
        ("brief.glance_currency", &own.currency),
        (languages_label, &own.languages),
        ("brief.glance_time_difference", &own.time_difference),
    ] {
        if let Some(fact) = fact {
            items.push(GlanceItem {
                label: w.fill(label, &[("seat", seat)])?,
                value: w.text(fact),
                year: None,
            });
        }
    }
    Ok(items)
}
