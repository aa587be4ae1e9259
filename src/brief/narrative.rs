//! The narrative: why do business in the country, its promising sectors and cities, and
//! the trade agreement, all from the profile.

use super::writer::Writer;
use crate::error::Result;
use crate::profile::{AgreementStatus, Profile};
use crate::reference::Reference;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct NarrativeContext {
    /// Section headings that name the country ("Why do business in Canada?").
    pub headings: Headings,
    pub why: String,
    /// The points of `why` when it is a bullet list, as the brief sets them: side by side,
    /// each at a short measure. Empty when `why` is prose.
    pub why_points: Vec<String>,
    pub sectors: Vec<TitledText>,
    pub cities: Vec<TitledText>,
    pub agreement: TitledText,
}

#[derive(Serialize)]
pub(super) struct Headings {
    why: String,
    cities: String,
}

#[derive(Serialize)]
pub(super) struct TitledText {
    title: String,
    text: String,
}

pub(super) fn write(
    w: &Writer,
    profile: &Profile,
    reference: &Reference,
) -> Result<NarrativeContext> {
    let code = profile.country.to_ascii_uppercase();
    w.deps.depends_on_all(Reference::in_country_file(
        profile.in_country.as_ref(),
        w.lang,
    ));
    // Validation makes sure the form exists; only a draft gets this far without it.
    let in_country = match reference.in_country(&code, profile.in_country.as_ref(), w.lang) {
        Some(form) => form.to_string(),
        None => w.phrase("brief.to_write")?,
    };
    let agreement = &profile.agreement;
    let name = w.text(&agreement.name);
    // Validation requires the status; a draft without one prints the name alone.
    let agreement_title = match (agreement.status, agreement.since) {
        (None | Some(AgreementStatus::None), _) => name,
        (Some(status), Some(year)) => w.fill(
            &format!("brief.agreement.{}_since", status.key()),
            &[("name", &name), ("year", &year.to_string())],
        )?,
        (Some(status), None) => w.fill(
            &format!("brief.agreement.{}", status.key()),
            &[("name", &name)],
        )?,
    };
    Ok(NarrativeContext {
        headings: Headings {
            why: w.fill("sections.why", &[("in_country", &in_country)])?,
            cities: w.fill("sections.cities", &[("in_country", &in_country)])?,
        },
        why_points: list_points(&w.text(&profile.why)).unwrap_or_default(),
        why: w.text(&profile.why),
        sectors: profile
            .sectors
            .iter()
            .map(|s| TitledText {
                title: w.text(&s.title),
                text: w.text(&s.text),
            })
            .collect(),
        cities: profile
            .cities
            .iter()
            .map(|c| TitledText {
                title: w.text(&c.name),
                // Printed under the city's name, no longer after a dash: a sentence.
                text: capitalized(&w.text(&c.text)),
            })
            .collect(),
        agreement: TitledText {
            title: agreement_title,
            text: w.text(&agreement.text),
        },
    })
}

/// `text` with its first letter upper-case (`pôle…` → `Pôle…`).
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

/// The items of a Markdown bullet list (`- ` or `* ` at the start of a line, the item's
/// further lines indented), when the whole text is one; `None` for prose or a text that
/// mixes both, which the brief prints as it is.
fn list_points(markdown: &str) -> Option<Vec<String>> {
    let mut points: Vec<String> = Vec::new();
    for line in markdown.lines() {
        if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            points.push(item.trim().to_string());
        } else if line.trim().is_empty() {
            continue;
        } else if line.starts_with(char::is_whitespace) && !points.is_empty() {
            // A nested list keeps its structure only as a list: the text is set as it is.
            let inner = line.trim_start();
            let numbered = inner.split_once(['.', ')']).is_some_and(|(n, rest)| {
                n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() && rest.starts_with(' ')
            });
            if inner.starts_with("- ")
                || inner.starts_with("* ")
                || inner.starts_with("+ ")
                || numbered
            {
                return None;
            }
            let last = points.last_mut()?;
            last.push(' ');
            last.push_str(line.trim());
        } else {
            return None;
        }
    }
    (!points.is_empty()).then_some(points)
}

#[cfg(test)]
mod tests {
    use super::{capitalized, list_points};

    #[test]
    fn a_city_text_starts_as_a_sentence() {
        assert_eq!(capitalized("pôle technologique"), "Pôle technologique");
        assert_eq!(capitalized("**Hub**"), "**Hub**");
        assert_eq!(capitalized(""), "");
    }

    #[test]
    fn a_bullet_list_gives_its_points_and_prose_none() {
        assert_eq!(
            list_points("- **One.** First\n  continued.\n\n* **Two.** Second.\n").unwrap(),
            ["**One.** First continued.", "**Two.** Second."]
        );
        assert_eq!(list_points("Prose, not a list."), None);
        assert_eq!(list_points("Intro:\n- a point"), None);
        assert_eq!(list_points(""), None);
        // Nested lists are set as Markdown lists, not flattened into their parent point.
        assert_eq!(
            list_points("- **Parent.** Text\n  - Child A\n  - Child B"),
            None
        );
        assert_eq!(list_points("- **Parent.** Text\n  1. First"), None);
    }
}
