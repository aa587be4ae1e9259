//! The trade missions of `marketbrief.yaml`: their names, seasons and markets, checked
//! before a handout is built.

use super::*;

/// The longest mission name and season the handout's cover has room for, in characters.
const MISSION_NAME_MAX: usize = 100;
const MISSION_SEASON_MAX: usize = 60;
/// The longest `place` (the mission's cities) the cover has room for, in characters.
const MISSION_PLACE_MAX: usize = 100;
/// The most days or stops a programme page holds.
const PROGRAMME_MAX: usize = 14;
/// The longest mission text (the programme page's lead, a brief's mission card), a
/// programme day's place and text, in characters.
const MISSION_TEXT_MAX: usize = 400;
const PROGRAMME_PLACE_MAX: usize = 40;
const PROGRAMME_TEXT_MAX: usize = 160;
/// The longest word a line holds in a brief's mission card.
const WORD_MAX: usize = 30;

/// A mission's programme, place, text and registration link: every text in every language
/// of the project (a missing translation is an error naming it), a link that opens a web
/// page, and days within the mission's dates.
fn programme(
    project: &Project,
    own: &str,
    details: &crate::config::MissionDetails,
    error: &dyn Fn(&str, String, String) -> InputError,
) -> Vec<InputError> {
    let mut errors = Vec::new();
    let langs = &project.config.languages;
    let mut texts: Vec<(String, &crate::vocab::Localized)> = Vec::new();
    for (key, text) in [("place", &details.place), ("text", &details.text)] {
        if let Some(text) = text {
            texts.push((format!("{own}.{key}"), text));
        }
    }
    if details.place.is_some() != details.text.is_some() {
        let (given, missing) = if details.place.is_some() {
            ("place", "text")
        } else {
            ("text", "place")
        };
        let field = format!("{own}.{given}");
        errors.push(error(
            &field,
            format!("{own}.{missing}"),
            format!(
                "`{given}` without `{missing}`: the handout's briefs advertise the mission only with both; give `{missing}` too"
            ),
        ));
    }
    if details.programme.len() > PROGRAMME_MAX {
        let field = format!("{own}.programme");
        errors.push(error(
            &field,
            field.clone(),
            format!(
                "{} days or stops: the programme page holds {PROGRAMME_MAX}",
                details.programme.len()
            ),
        ));
    }
    for (i, item) in details.programme.iter().enumerate() {
        let field = format!("{own}.programme[{i}]");
        texts.push((format!("{field}.place"), &item.place));
        texts.push((format!("{field}.text"), &item.text));
        let outside = details.start.is_some_and(|start| item.date < start)
            || details
                .end
                .or(details.start)
                .is_some_and(|end| item.date > end);
        if outside {
            errors.push(error(
                &format!("{own}.programme"),
                format!("{field}.date"),
                format!(
                    "the programme's day {} is outside the mission's dates (`start`, `end`)",
                    item.date
                ),
            ));
        }
    }
    let config = Path::new(crate::config::CONFIG_FILE);
    missing_translations(
        config,
        project.sources.text(config),
        &texts,
        langs,
        &mut errors,
    );
    // The same check as a profile's `mission.url`: a web page a QR code opens, printed as
    // it is (the handout's briefs print this address in their "next mission").
    if let Some(url) = &details.url {
        let field = format!("{own}.url");
        let why = web_address_problem(url).or_else(|| crate::qr::check(url).err());
        if let Some(why) = why {
            errors.push(error(&field, field.clone(), why));
        }
    }
    // What the programme page and a brief's card have room for: a place on a line, a
    // text of a few lines, a day on a row — and no word longer than a line.
    let mut lengths: Vec<(String, &crate::vocab::Localized, usize)> = Vec::new();
    if let Some(text) = &details.text {
        lengths.push((format!("{own}.text"), text, MISSION_TEXT_MAX));
    }
    for (i, item) in details.programme.iter().enumerate() {
        lengths.push((
            format!("{own}.programme[{i}].place"),
            &item.place,
            PROGRAMME_PLACE_MAX,
        ));
        lengths.push((
            format!("{own}.programme[{i}].text"),
            &item.text,
            PROGRAMME_TEXT_MAX,
        ));
    }
    for (field, text, limit) in lengths {
        for (lang, value) in &text.0 {
            let field = format!("{field}.{lang}");
            let length = value.chars().count();
            let longest = value
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            if length > limit {
                errors.push(error(
                    &field,
                    field.clone(),
                    format!("{length} characters: the handout has room for {limit} here"),
                ));
            } else if longest > WORD_MAX {
                errors.push(error(
                    &field,
                    field.clone(),
                    format!(
                        "a word of {longest} characters, longer than a line: break it with spaces"
                    ),
                ));
            }
        }
    }
    errors
}

/// The most markets a handout lists on its cover (three columns) and binds (some 100 pages).
const MISSION_MARKETS_MAX: usize = 24;

/// Problems with the missions: a handout needs a brief for each of its countries, once,
/// and a cover with room for its name. Checked by `check` and `bundle`, not by `build`,
/// whose briefs do not depend on them.
pub fn missions(project: &Project) -> Vec<InputError> {
    use crate::config::MissionConfig;
    let mut errors = Vec::new();
    let config_path = Path::new(crate::config::CONFIG_FILE);
    let config_text = project.sources.text(config_path);
    // An error about `field`, shown at the line of `at` (a list's items are not located
    // one by one).
    let error = |at: &str, field: String, message: String| {
        let (line, col) = locate(config_text, at);
        InputError::new(config_path, message)
            .at(line, col)
            .field(field)
    };
    for (name, mission) in &project.config.missions {
        let own = format!("missions.{name}");
        if let MissionConfig::Details(details) = mission {
            // A handout would print "9 October to 5 October".
            if let (Some(start), Some(end)) = (details.start, details.end)
                && end < start
            {
                let field = format!("{own}.end");
                errors.push(error(
                    &field,
                    field.clone(),
                    format!("the mission ends ({end}) before it starts ({start})"),
                ));
            }
            // An end alone would be dropped from the cover without a word.
            if details.end.is_some() && details.start.is_none() {
                let field = format!("{own}.end");
                errors.push(error(
                    &field,
                    field.clone(),
                    "an end date without a start date: give `start` too".to_string(),
                ));
            }
            errors.extend(programme(project, &own, details, &error));
            // What the cover has room for: a name of three lines at most.
            for (key, text, limit) in [
                ("name", Some(&details.name), MISSION_NAME_MAX),
                ("season", details.season.as_ref(), MISSION_SEASON_MAX),
                ("place", details.place.as_ref(), MISSION_PLACE_MAX),
            ] {
                for (lang, value) in text.map(|t| t.0.iter()).into_iter().flatten() {
                    let length = value.chars().count();
                    if length > limit {
                        let field = format!("{own}.{key}.{lang}");
                        errors.push(error(
                            &field,
                            field.clone(),
                            format!(
                                "{length} characters: the handout's cover has room for {limit}"
                            ),
                        ));
                    }
                }
            }
        }
        let countries = mission.countries();
        // ... and three columns of markets.
        if countries.len() > MISSION_MARKETS_MAX {
            errors.push(error(
                &own,
                own.clone(),
                format!(
                    "the mission `{name}` names {} countries: a handout holds {MISSION_MARKETS_MAX} at most (split it in two missions)",
                    countries.len()
                ),
            ));
        }
        // A handout of nothing, or with one brief twice, is a slip in the list.
        if countries.is_empty() {
            errors.push(
                error(
                    &own,
                    own.clone(),
                    format!("the mission `{name}` names no country"),
                )
                .help("list the codes of its countries, e.g. `countries: [ca, mx]`"),
            );
        }
        // Where the list is: under `countries:`, or the mission's own line for a plain list.
        let list = match mission {
            MissionConfig::Countries(_) => own.clone(),
            MissionConfig::Details(_) => format!("{own}.countries"),
        };
        for (i, code) in countries.iter().enumerate() {
            let field = format!("{own}.countries[{i}]");
            if countries[..i].iter().any(|c| c.eq_ignore_ascii_case(code)) {
                errors.push(error(
                    &list,
                    field,
                    format!("the mission `{name}` names `{code}` twice"),
                ));
            } else if !project
                .profiles
                .iter()
                .any(|p| p.code == code.to_ascii_lowercase())
            {
                errors.push(error(
                    &list,
                    field,
                    format!(
                        "the mission `{name}` names `{code}`, which has no profile (expected {}/{}.yaml)",
                        crate::project::PROFILES_DIR,
                        code.to_ascii_lowercase()
                    ),
                ));
            }
        }
    }
    errors
}
