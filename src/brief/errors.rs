//! Errors of the typesetting stage told in the user's terms: text that runs off its page
//! at the profile field it comes from, and Typst errors at the template line behind them.

use super::Renderer;
use crate::config::Edition;
use crate::error::Error;
use crate::error::InputError;
use crate::i18n::Lang;
use crate::profile::Profile;
use crate::template::BRIEF_TEMPLATE;
use crate::typeset::{Files, TypesetError, TypesetFailure, TypesetStage};
use serde::Serialize;
use std::path::Path;

impl Renderer<'_> {
    /// Reports text that runs off its page at the profile field it comes from, found by the
    /// words of the line that is off the page (the field, line and column when one field
    /// holds them; the profile alone otherwise).
    pub(super) fn text_off_page(
        &self,
        off: &crate::typeset::TextOffPage,
        path: &Path,
        profile: &Profile,
        lang: Lang,
    ) -> InputError {
        let words = |text: &str| -> Vec<String> {
            text.split(|c: char| c.is_whitespace() || "*_`#[]()".contains(c))
                .map(|w| {
                    w.trim_matches(|c: char| c == '\u{AD}' || c == '-')
                        .to_string()
                })
                .filter(|w| !w.is_empty())
                .collect()
        };
        // The line's first and last words may be parts of hyphenated words.
        let line = words(&off.text);
        let inner: &[String] = if line.len() > 2 {
            &line[1..line.len() - 1]
        } else {
            &line
        };
        let needle = inner.iter().take(6).cloned().collect::<Vec<_>>().join(" ");
        let fields: Vec<String> = profile
            .localized_fields()
            .into_iter()
            .filter(|(_, text)| {
                !needle.is_empty()
                    && text
                        .get(lang)
                        .is_some_and(|t| words(t).join(" ").contains(&needle))
            })
            .map(|(field, _)| format!("{field}.{lang}"))
            .collect();
        let error = InputError::new(path, off.to_string());
        match fields.as_slice() {
            [field] => {
                let (line, col) = self.project.sources.locate(path, field);
                error.at(line, col).field(field.clone())
            }
            _ => error,
        }
    }

    /// Reports characters no font can display (an emoji in a city's name) at the profile
    /// field that holds them, once each: PDF/A needs every glyph. `None` when the export
    /// failed for another reason.
    pub(super) fn missing_glyphs(
        &self,
        typst: &TypesetError,
        path: &Path,
        profile: &Profile,
        lang: Lang,
    ) -> Option<InputError> {
        let texts = typst.undisplayable();
        let first = *texts.first()?;
        let field = profile
            .localized_fields()
            .into_iter()
            .find(|(_, text)| text.get(lang).is_some_and(|t| t.contains(first)))
            .map(|(field, _)| format!("{field}.{lang}"));
        // Not the profile's: the configuration's (the publisher's name, a seat), located by
        // its field's path — the character itself may be written escaped ("\U0001F600").
        let config_file = Path::new(crate::config::CONFIG_FILE);
        let config_field = match field {
            Some(_) => None,
            None => self
                .project
                .config
                .localized_fields()
                .into_iter()
                .find(|(_, text)| text.get(lang).is_some_and(|t| t.contains(first)))
                .map(|(field, _)| format!("{field}.{lang}")),
        };
        let path = if config_field.is_some() {
            config_file
        } else {
            path
        };
        let field = field.or(config_field);
        let shown: Vec<String> = texts.iter().take(5).map(|t| format!("“{t}”")).collect();
        let more = texts.len().saturating_sub(5);
        let them = if texts.len() == 1 { "it" } else { "them" };
        let found = if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        };
        let error = InputError::new(
            path,
            match field {
                Some(_) => format!(
                    "no font of the brief can display {found}: PDF/A needs every character drawn; remove or replace {them}, or add a font that has {them} to fonts/"
                ),
                // Neither the profile nor the configuration writes it: a dataset's label or
                // the previous edition's record (the "since the last edition" box) does.
                None => format!(
                    "no font of the brief can display {found}, which neither this profile nor marketbrief.yaml writes: it comes from a dataset or the previous edition's record (the \"since the last edition\" box); PDF/A needs every character drawn — replace {them} there, or add a font that has {them} to fonts/"
                ),
            },
        );
        Some(match field {
            Some(field) => {
                let (line, col) = self.project.sources.locate(path, &field);
                error.at(line, col).field(field)
            }
            None => error,
        })
    }

    /// Reports a Typst error at the template line that produced the failing source.
    pub(super) fn typst_error_in_template(
        &self,
        typst: &TypesetError,
        profile_path: &Path,
        context: &impl Serialize,
        files: &Files,
        edition: Edition,
        ident: &str,
    ) -> Error {
        if typst.stage == TypesetStage::Export {
            // The source compiled: what the PDF cannot hold comes from the brief's text.
            let mut messages: Vec<&str> = typst.bare.iter().map(String::as_str).collect();
            messages.dedup();
            // Missing glyphs come from the brief's text; anything else from the standards
            // chosen, which no profile can mend.
            if !typst.missing_glyphs() {
                return Error::Standards(format!(
                    "{}; choose other PDF standards with --standard (the default, a-2b and ua-1, suits briefs)",
                    messages.join("; ")
                ));
            }
            return InputError::new(
                profile_path,
                format!(
                    "cannot write the PDF: {}; add a font that has these characters to fonts/, or choose other PDF standards with --standard",
                    messages.join("; ")
                ),
            )
            .into();
        }
        // An error in the library is at its own line there.
        if let (None, Some((line, column))) = (typst.line, typst.library_at) {
            return InputError::new(
                crate::template::LIB_FILE,
                format!(
                    "marketbrief's Typst library does not compile: {}",
                    typst.messages.join("; ")
                ),
            )
            .at(Some(line), Some(column))
            .into();
        }
        let line = self
            .templates
            .template_line(BRIEF_TEMPLATE, context, |annotated| {
                match self
                    .typesetter
                    .typeset(annotated, files, edition.last_day(), ident)
                {
                    Err(TypesetFailure::Typst(t)) => t.line,
                    Err(_) => None,
                    Ok(_) => None,
                }
            });
        InputError::new(
            format!("templates/{BRIEF_TEMPLATE}"),
            format!(
                "the template produces Typst that does not compile: {}",
                typst.messages.join("; ")
            ),
        )
        .at(line, None)
        .into()
    }
}
