//! The recipients held against the project: languages, countries whose briefs can be
//! built, chapters and sections the classifications know, advisers.

use super::recipients::Recipients;
use crate::error::InputError;
use crate::i18n::Lang;
use crate::project::Project;

/// Holds the recipients against the project: a configured language, a profile for each
/// country whose brief can be built in that language, known chapters or sections, a
/// known adviser. Returns the problems found, located.
pub fn check(recipients: &Recipients, project: &Project) -> Vec<InputError> {
    let origin = &recipients.origin;
    let mut errors = Vec::new();
    // How many problems each profile has in each language, worked out once.
    let mut problems_of: std::collections::BTreeMap<(String, Lang), usize> = Default::default();
    let config = &project.config;
    for r in &recipients.list {
        if let Some(lang) = r.lang
            && !config.languages.contains(&lang)
        {
            let configured: Vec<&str> = config.languages.iter().map(|l| l.code()).collect();
            errors.push(r.error(
                origin,
                "lang",
                format!(
                    "`{lang}` is not a language of the project (marketbrief.yaml lists {})",
                    configured.join(", ")
                ),
            ));
        }
        for code in &r.countries {
            let Some(entry) = project.profiles.iter().find(|p| &p.code == code) else {
                errors.push(r.error(
                    origin,
                    "countries",
                    format!(
                        "unknown country `{code}`: expected a profile {}/{code}.yaml",
                        crate::project::PROFILES_DIR
                    ),
                ));
                continue;
            };
            let Some(lang) = r.lang.filter(|l| config.languages.contains(l)) else {
                continue;
            };
            let problems = *problems_of
                .entry((code.clone(), lang))
                .or_insert_with(|| match &entry.profile {
                    Ok(profile) => {
                        crate::validate::profile(project, &entry.path, profile, &[lang]).len()
                    }
                    Err(e) => e.len(),
                });
            if problems > 0 {
                errors.push(r.error(
                    origin,
                    "countries",
                    format!(
                        "the brief of `{code}` is not built in {lang}: {} has {} problem{} (run marketbrief check)",
                        entry.path.display(),
                        problems,
                        if problems == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
        for interest in &r.interests {
            if interest_kind(project, interest).is_none() {
                errors.push(r.error(
                    origin,
                    "interests",
                    format!(
                        "unknown interest `{interest}`: expected a CN chapter (two digits, `39`) or an HS section (`VII`)"
                    ),
                ));
            }
        }
        if let Some(adviser) = &r.adviser
            && !config.advisers.contains_key(adviser)
        {
            let known: Vec<&str> = config.advisers.keys().map(String::as_str).collect();
            errors.push(r.error(
                origin,
                "adviser",
                format!(
                    "unknown adviser `{adviser}`: expected a key of `advisers:` in marketbrief.yaml ({})",
                    if known.is_empty() { "none configured".to_string() } else { known.join(", ") }
                ),
            ));
        }
    }
    errors
}

/// Whether an interest is a CN chapter or an HS section known to the classifications.
pub fn interest_kind(project: &Project, code: &str) -> Option<Interest> {
    let reference = &project.reference;
    let chapter = code.len() == 2 && code.chars().all(|c| c.is_ascii_digit());
    let known = |classification| {
        Lang::ALL
            .iter()
            .any(|&l| reference.label(classification, code, l).is_some())
    };
    if chapter && known("cn-chapter") {
        Some(Interest::Chapter)
    } else if !chapter && known("hs-section") {
        Some(Interest::Section)
    } else {
        None
    }
}

/// What an interest code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    /// A CN chapter (`39`).
    Chapter,
    /// An HS section (`VII`).
    Section,
}
