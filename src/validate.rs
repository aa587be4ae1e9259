//! Validation of what a build uses, before anything is drawn or typeset: every translation
//! present for the languages being built, codes known, trade rows present.

use crate::dataset::{Dataset, TOTAL};
use crate::error::InputError;
use crate::i18n::Lang;
use crate::profile::{Localized, Profile};
use crate::project::Project;
use crate::source::locate;
use std::path::Path;

mod missions;
mod notes;
pub use missions::missions;
pub use notes::{FigureNotes, edition_dates, figure_notes, legal_mentions};

/// Problems with the project as a whole (configuration and datasets) for `langs`.
pub fn project(project: &Project, langs: &[Lang]) -> Vec<InputError> {
    let mut errors = Vec::new();
    let config_path = Path::new(crate::config::CONFIG_FILE);
    let config_text = project.sources.text(config_path);
    missing_translations(
        config_path,
        config_text,
        &project.config.localized_fields(),
        langs,
        &mut errors,
    );
    for dataset in &project.datasets {
        dataset_codes(project, dataset, langs, &mut errors);
    }
    errors.extend(logo(project));
    errors
}

/// The agency's logo, when the configuration names one: a file of the project that prints
/// ([`crate::logo::check`]).
fn logo(project: &Project) -> Option<InputError> {
    let file = project.config.publisher.logo.as_deref()?;
    let problem = match project.assets.read(file) {
        Ok(Some((_, bytes))) => crate::logo::check(file, &bytes).err()?,
        Ok(None) => {
            format!("no file `{file}` in the project (the path is read from the project's folder)")
        }
        Err(e) => crate::error::chain(&e),
    };
    let config_path = Path::new(crate::config::CONFIG_FILE);
    let (line, col) = locate(project.sources.text(config_path), "publisher.logo");
    Some(
        InputError::new(config_path, problem)
            .at(line, col)
            .field("publisher.logo"),
    )
}

/// What `check` finds in one dataset beyond its own file: codes against the project's
/// classifications and countries, translations of its metadata. An import runs it on what
/// it is about to write.
pub fn dataset(project: &Project, dataset: &Dataset, langs: &[Lang]) -> Vec<InputError> {
    let mut errors = Vec::new();
    dataset_codes(project, dataset, langs, &mut errors);
    errors
}

/// What a draft needs of a profile: a country it can name. Texts, translations and trade
/// rows may still be missing.
pub fn draft(project: &Project, path: &Path, profile: &Profile) -> Vec<InputError> {
    country_code(project, path, project.sources.text(path), profile)
        .into_iter()
        .collect()
}

/// The profile's country code, unless it is one of a country or territory.
fn country_code(
    project: &Project,
    path: &Path,
    text: &str,
    profile: &Profile,
) -> Option<InputError> {
    let code = profile.country.to_ascii_uppercase();
    // CLDR also names groups and placeholders (EU, ZZ, QO): a brief is about a country or
    // territory of ISO 3166-1, or Kosovo (XK), which CLDR and the EU use.
    let territory = code == "XK" || isocountry::CountryCode::for_alpha2(&code).is_ok();
    if profile.country == code && territory && project.reference.country_names.contains_key(&code) {
        return None;
    }
    let (line, col) = locate(text, "country");
    Some(
        InputError::new(
            path,
            format!(
                "expected an upper-case ISO 3166-1 alpha-2 country code, found `{}`",
                profile.country
            ),
        )
        .at(line, col)
        .field("country"),
    )
}

/// Problems with one profile for `langs`.
pub fn profile(
    project: &Project,
    path: &Path,
    profile: &Profile,
    langs: &[Lang],
) -> Vec<InputError> {
    let mut errors = Vec::new();
    // The file is read again only to place an error: most profiles have none.
    let text = project.sources.text(path);
    missing_translations(path, text, &profile.localized_fields(), langs, &mut errors);

    let code = profile.country.to_ascii_uppercase();
    let locate = |field: &str| locate(text, field);
    errors.extend(country_code(project, path, text, profile));
    let territory = code == "XK" || isocountry::CountryCode::for_alpha2(&code).is_ok();
    // An unknown code is reported above; asking for its forms too would only add noise.
    let known = territory && project.reference.country_names.contains_key(&code);
    for &lang in langs.iter().filter(|_| known) {
        if project
            .reference
            .in_country(&code, profile.in_country.as_ref(), lang)
            .is_none()
        {
            let field = format!("in_country.{lang}");
            let (line, col) = if profile.in_country.is_some() {
                locate(&field)
            } else {
                locate("country")
            };
            let name = project
                .reference
                .country_names
                .get(&code)
                .and_then(|n| n.get(Lang::En))
                .unwrap_or(&code);
            errors.push(
                InputError::new(
                    path,
                    format!(
                        "missing translation: no {lang} form of “in {name}” for the headings (like “au Canada”; {} has none): add `in_country: {{{lang}: …}}` to the profile",
                        crate::reference::IN_COUNTRY
                    ),
                )
                .at(line, col)
                .field(field),
            );
        }
    }
    // A brief needs one trade figure at least: a total of the agency's or the country's
    // trade with the partner (a national agency, or a region without regional data,
    // prints the country's).
    let config = &project.config;
    let reporters: Vec<&str> = config
        .region
        .iter()
        .map(|r| r.code.as_str())
        .chain([config.country.code.as_str()])
        .collect();
    let has_rows = project.datasets.iter().any(|d| {
        d.observations.keys().any(|k| {
            reporters.contains(&k.reporter.as_str()) && k.partner == code && k.product == TOTAL
        })
    });
    let region = reporters.join(" or ");
    // When a dataset failed to load, missing rows say nothing about the profile.
    if !has_rows && project.problems.is_empty() {
        let (line, col) = locate("country");
        errors.push(
            InputError::new(
                path,
                format!(
                    "no trade rows for {code}: the datasets in data/datasets have no {region} trade (product {TOTAL}) with this country"
                ),
            )
            .at(line, col)
            .field("country"),
        );
    }
    if let Some(year) = profile.agreement.in_force_since {
        let (line, col) = locate("agreement.in_force_since");
        errors.push(
            InputError::new(
                path,
                format!(
                    "`in_force_since` is replaced by `status` and `since`, which say whether the agreement is in force or only provisionally applied: write `status: in_force` (or `provisional`, `signed`, `negotiating`) and `since: {year}`"
                ),
            )
            .at(line, col)
            .field("agreement.in_force_since"),
        );
    } else if profile.agreement.status.is_none() {
        let (line, col) = locate("agreement.status");
        errors.push(
            InputError::new(
                path,
                "expected the agreement's status — in_force, provisional, signed, negotiating or none — found nothing: a brief may not call an agreement in force that is only provisionally applied",
            )
            .at(line, col)
            .field("agreement.status"),
        );
    }
    if let Some(m) = &profile.mission
        && m.start.is_none()
        && m.season.is_none()
    {
        let (line, col) = locate("mission");
        errors.push(
            InputError::new(
                path,
                "expected the mission's `start` date or its `season`, found neither",
            )
            .at(line, col)
            .field("mission"),
        );
    }
    if let Some(m) = &profile.mission
        && let (Some(start), Some(end)) = (m.start, m.end)
        && end < start
    {
        let (line, col) = locate("mission.end");
        errors.push(
            InputError::new(
                path,
                format!("the mission ends ({end}) before it starts ({start})"),
            )
            .at(line, col)
            .field("mission.end"),
        );
    }
    for (i, source) in profile.sources.iter().enumerate() {
        let field = format!("sources[{i}].url");
        if let Some(why) = unsafe_link(&source.url) {
            let (line, col) = locate(&field);
            errors.push(InputError::new(path, why).at(line, col).field(field));
        }
    }
    // A QR code opens a web page: only https:// or http://, short enough to scan.
    let pages = [
        ("contact.url", profile.contact.url.as_ref()),
        (
            "mission.url",
            profile.mission.as_ref().and_then(|m| m.url.as_ref()),
        ),
    ];
    for (field, url) in pages {
        let Some(url) = url else { continue };
        let why = match web_address_problem(url) {
            Some(why) => Some(why),
            None => crate::qr::check(url).err(),
        };
        if let Some(why) = why {
            let (line, col) = locate(field);
            errors.push(InputError::new(path, why).at(line, col).field(field));
        }
    }
    for (field, value) in [("contact.email", &profile.contact.email)] {
        if let Some(why) = crate::vocab::email_problem(value) {
            let (line, col) = locate(field);
            errors.push(InputError::new(path, why).at(line, col).field(field));
        }
    }
    errors
}

/// A file's text, read on first use.
fn missing_translations(
    path: &Path,
    text: &str,
    fields: &[(String, &Localized)],
    langs: &[Lang],
    errors: &mut Vec<InputError>,
) {
    for (field, localized) in fields {
        for &lang in langs {
            // A control character (an escape pasted from a terminal, a stray form feed)
            // prints as nothing, or as garbage around it: refused where it is written.
            if let Some(c) = localized.get(lang).and_then(|t| {
                t.chars()
                    .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
            }) {
                let full = format!("{field}.{}", lang.code());
                let (line, col) = locate(text, &full);
                errors.push(
                    InputError::new(
                        path,
                        format!(
                            "the text holds the control character U+{:04X}, which no page can print: remove it",
                            c as u32
                        ),
                    )
                    .at(line, col)
                    .field(full),
                );
            }
            if localized.get(lang).is_none() {
                let what = if localized.0.contains_key(&lang) {
                    "empty"
                } else {
                    "missing"
                };
                let full = format!("{field}.{}", lang.code());
                let (line, col) = if what == "empty" {
                    locate(text, &full)
                } else {
                    locate(text, field)
                };
                errors.push(
                    InputError::new(
                        path,
                        format!("{what} translation: expected text in language {lang}"),
                    )
                    .at(line, col)
                    .field(full),
                );
            }
        }
    }
}

fn dataset_codes(
    project: &Project,
    dataset: &Dataset,
    langs: &[Lang],
    errors: &mut Vec<InputError>,
) {
    // A partner is a country of the CLDR list, a group of countries (WORLD, EU27_2020) or
    // one of Eurostat's own codes: a row of `ca` or `XX` would otherwise be silently left out
    // of every brief.
    let mut reported = std::collections::BTreeSet::new();
    for (key, obs) in &dataset.observations {
        let code = key.partner.as_str();
        let aggregate = code.len() > 2
            && code.len() <= crate::limits::CODE_CHARS
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if aggregate
            || project.reference.country_names.contains_key(code)
            || EUROSTAT_PARTNERS.contains(&code)
            || !reported.insert(code.to_string())
        {
            continue;
        }
        let expected = if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) {
            "an upper-case ISO 3166-1 alpha-2 country code"
        } else {
            "a country code (ISO 3166-1 alpha-2) or a group of countries in capitals (WORLD, EU27_2020)"
        };
        let message = if code.to_ascii_uppercase() != code
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            format!("expected {expected}, found `{code}`")
        } else {
            format!("unknown country code `{code}`: expected {expected}")
        };
        errors.push(
            InputError::new(&dataset.csv_path, message)
                .at(Some(obs.line), None)
                .field("partner"),
        );
    }
    let mut classifications = Vec::new();
    for id in dataset.meta.classification.iter() {
        match project.reference.classifications.get(id) {
            Some(c) => classifications.push(c),
            None => errors.push(
                InputError::new(
                    &dataset.meta_path,
                    format!(
                        "unknown classification `{id}` (expected one of {})",
                        crate::reference::CLASSIFICATIONS.join(", ")
                    ),
                )
                .field("classification"),
            ),
        }
    }
    if classifications.len() == dataset.meta.classification.0.len() {
        // The classification a product code belongs to; codes never overlap between the
        // shipped ones (roman numerals, two digits, `S` + letter), but a project's may.
        let level_of = |code: &str| {
            let mut owners = classifications
                .iter()
                .filter(|c| c.labels.contains_key(code));
            match (owners.next(), owners.next()) {
                (Some(c), None) => Some(c.id.as_str()),
                _ => None,
            }
        };
        let mut reported = std::collections::BTreeSet::new();
        for (key, obs) in &dataset.observations {
            if key.product == TOTAL || !reported.insert(key.product.clone()) {
                continue;
            }
            if let Some(level) = level_of(&key.product) {
                // A category printed in a brief needs its label in every language built.
                let classification = classifications.iter().find(|c| c.id == level);
                for &lang in langs {
                    if let Some(c) = classification
                        && c.labels
                            .get(&key.product)
                            .and_then(|l| l.get(lang))
                            .is_none()
                    {
                        errors.push(
                            InputError::new(
                                &dataset.csv_path,
                                format!(
                                    "missing translation: {} has no {lang} label for `{}`",
                                    c.origin, key.product
                                ),
                            )
                            .at(Some(obs.line), None)
                            .field("product"),
                        );
                    }
                }
                continue;
            }
            let owners: Vec<&str> = classifications
                .iter()
                .filter(|c| c.labels.contains_key(&key.product))
                .map(|c| c.origin.as_str())
                .collect();
            let message = if owners.is_empty() {
                let files: Vec<&str> = classifications.iter().map(|c| c.origin.as_str()).collect();
                format!(
                    "unknown product code `{}`: not in {}",
                    key.product,
                    files.join(" or ")
                )
            } else {
                format!(
                    "ambiguous product code `{}`: it is in {}",
                    key.product,
                    owners.join(" and ")
                )
            };
            errors.push(
                InputError::new(&dataset.csv_path, message)
                    .at(Some(obs.line), None)
                    .field("product"),
            );
        }
        errors.extend(dataset.categories_over_total(level_of));
    }
    let meta_text = project.sources.text(&dataset.meta_path);
    let mut fields: Vec<(String, &Localized)> = vec![
        ("title".into(), &dataset.meta.title),
        ("source".into(), &dataset.meta.source),
        ("concept".into(), &dataset.meta.concept),
    ];
    if let crate::dataset::Licence::Text(text) = &dataset.meta.licence {
        fields.push(("licence".into(), text));
    }
    for (i, p) in dataset.meta.publications.iter().enumerate() {
        fields.push((format!("publications[{i}].title"), &p.title));
    }
    missing_translations(&dataset.meta_path, meta_text, &fields, langs, errors);
    let links = std::iter::once(("url".to_string(), &dataset.meta.url)).chain(
        dataset
            .meta
            .publications
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("publications[{i}].url"), &p.url)),
    );
    for (field, url) in links {
        if let Some(why) = unsafe_link(url) {
            let (line, col) = locate(meta_text, &field);
            errors.push(
                InputError::new(&dataset.meta_path, why)
                    .at(line, col)
                    .field(field),
            );
        }
    }
}

/// Partner codes of Eurostat's that are not ISO 3166-1: Greece (EL), the United Kingdom
/// (UK), Northern Ireland (XI), Ceuta (XC), Melilla (XL), Serbia's former code (XS), and the
/// Comext codes for unspecified, confidential and ship's-stores trade (QP–QZ).
const EUROSTAT_PARTNERS: [&str; 17] = [
    "EL", "UK", "XI", "XC", "XL", "XS", "QP", "QQ", "QR", "QS", "QT", "QU", "QV", "QW", "QX", "QY",
    "QZ",
];

/// Why `url` cannot be printed with a QR code: a QR code opens a web page at a host, and
/// the address printed beside it must be the one encoded — no space, no invisible or
/// direction-changing character that would make the print say something else.
pub(crate) fn web_address_problem(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
    else {
        return Some(format!(
            "expected a web address (https://…) for the QR code, found `{url}`"
        ));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || !host.contains('.') && !host.starts_with("localhost") {
        return Some(format!(
            "expected a host name after the scheme (https://example.org/…), found `{url}`"
        ));
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || invisible(*c))
    {
        let what = if c.is_whitespace() {
            "a space".to_string()
        } else {
            format!("an invisible character (U+{:04X})", c as u32)
        };
        return Some(format!(
            "the address holds {what}: the address printed would not be the one the QR code opens (write a space as %20)"
        ));
    }
    None
}

/// Characters that print nothing or reorder what follows (zero-width, bidirectional
/// controls, soft hyphen, byte-order mark).
fn invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Why a link may not become a live link in a PDF sent to companies: only web pages and
/// e-mail addresses may (`javascript:` or `file:` links run or open things on the reader's
/// machine).
fn unsafe_link(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let allowed = ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len());
    (!allowed).then(|| format!("expected an https://, http:// or mailto: link, found `{url}`"))
}

#[cfg(test)]
mod tests;
