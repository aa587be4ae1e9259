//! Per-language catalogues of fixed phrases (`templates/i18n/<lang>.yaml`).
//!
//! A catalogue is a nested YAML mapping of strings. Every language must define every key
//! that any other language defines: a missing phrase is an error naming the key and the
//! language, never a silent fallback to another language.

use crate::error::InputError;
use crate::i18n::Lang;
use std::collections::BTreeMap;

/// The phrases of one language, by dotted key (`key_figures.heading`).
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub lang: Lang,
    /// Where it was read from, for error messages.
    pub origin: String,
    /// The nested tree, handed to templates as `t`.
    pub tree: serde_yaml::Value,
    /// The same phrases flattened by dotted key.
    pub phrases: BTreeMap<String, String>,
}

impl Catalogue {
    pub fn parse(lang: Lang, origin: &str, text: &str) -> Result<Self, InputError> {
        let tree: serde_yaml::Value = InputError::parse_yaml(origin, text)?;
        let mut phrases = BTreeMap::new();
        flatten(&tree, String::new(), origin, &mut phrases)?;
        if phrases.is_empty() {
            return Err(InputError::new(origin, "the catalogue is empty"));
        }
        // Not a phrase but a setting: which unit large amounts are written in.
        const SCALE: &str = "format.largest_scale";
        if let Some(scale) = phrases.get(SCALE)
            && !matches!(scale.as_str(), "billion" | "trillion")
        {
            let (line, col) = crate::source::locate(text, SCALE);
            return Err(InputError::new(
                origin,
                format!("`{SCALE}` is `{scale}`; expected `billion` or `trillion`"),
            )
            .at(line, col)
            .field(SCALE));
        }
        Ok(Catalogue {
            lang,
            origin: origin.to_string(),
            tree,
            phrases,
        })
    }

    /// A phrase by dotted key; an error naming the key and language when missing.
    pub fn get(&self, key: &str) -> Result<&str, InputError> {
        self.phrases.get(key).map(String::as_str).ok_or_else(|| {
            InputError::new(
                &self.origin,
                format!(
                    "missing translation: no `{key}` phrase for language {}",
                    self.lang
                ),
            )
            .field(key)
        })
    }

    /// Fills `{name}` placeholders of a phrase.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> Result<String, InputError> {
        Ok(fill_pattern(self.get(key)?, args))
    }
}

/// Puts each value in place of its `{name}` in one pass over the pattern: a value is never
/// read again, so a `{year}` written in a profile's text prints as written.
fn fill_pattern(pattern: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn flatten(
    value: &serde_yaml::Value,
    prefix: String,
    origin: &str,
    out: &mut BTreeMap<String, String>,
) -> Result<(), InputError> {
    use serde_yaml::Value;
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                let Some(k) = k.as_str() else {
                    return Err(InputError::new(origin, "catalogue keys must be strings")
                        .field(prefix.clone()));
                };
                let key = if prefix.is_empty() {
                    k.to_string()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(v, key, origin, out)?;
            }
            Ok(())
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, format!("{prefix}[{i}]"), origin, out)?;
            }
            Ok(())
        }
        Value::String(s) => {
            if s.trim().is_empty() {
                return Err(InputError::new(origin, "empty phrase").field(prefix));
            }
            out.insert(prefix, s.clone());
            Ok(())
        }
        Value::Null => Err(InputError::new(origin, "empty phrase").field(prefix)),
        other => Err(InputError::new(
            origin,
            format!("expected a phrase (a string), found {}", describe(other)),
        )
        .field(prefix)),
    }
}

fn describe(value: &serde_yaml::Value) -> &'static str {
    use serde_yaml::Value;
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Checks that every catalogue has every key the others have.
pub fn check_complete(catalogues: &[Catalogue]) -> Vec<InputError> {
    let mut all_keys: BTreeMap<&str, Lang> = BTreeMap::new();
    for catalogue in catalogues {
        for key in catalogue.phrases.keys() {
            all_keys.entry(key).or_insert(catalogue.lang);
        }
    }
    let mut errors = Vec::new();
    for catalogue in catalogues {
        for (key, defined_in) in &all_keys {
            if !catalogue.phrases.contains_key(*key) {
                errors.push(
                    InputError::new(
                        &catalogue.origin,
                        format!(
                            "missing translation: `{key}` is defined for {defined_in} but not for {}",
                            catalogue.lang
                        ),
                    )
                    .field(*key),
                );
            }
        }
    }
    errors
}

/// Reads the catalogue file name convention: `i18n/<lang>.yaml`.
pub fn file_name(lang: Lang) -> String {
    format!("i18n/{}.yaml", lang.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_placed_once_and_never_read_again() {
        assert_eq!(
            fill_pattern(
                "{name} (in force since {year})",
                &[("name", "Deal {year}"), ("year", "2017")]
            ),
            "Deal {year} (in force since 2017)"
        );
        assert_eq!(
            fill_pattern("{a}{b} {c} {", &[("a", "1"), ("b", "2")]),
            "12 {c} {"
        );
    }

    #[test]
    fn missing_key_is_named_with_language() {
        let fr = Catalogue::parse(Lang::Fr, "fr.yaml", "a:\n  b: Bonjour\n  c: Salut\n").unwrap();
        let nl = Catalogue::parse(Lang::Nl, "nl.yaml", "a:\n  b: Hallo\n").unwrap();
        let errors = check_complete(&[fr, nl]);
        assert_eq!(errors.len(), 1);
        let text = errors[0].to_string();
        assert!(text.contains("nl.yaml"), "{text}");
        assert!(text.contains("a.c"), "{text}");
        assert!(text.contains("for nl"), "{text}");
    }

    #[test]
    fn empty_phrase_is_an_error() {
        let err = Catalogue::parse(Lang::En, "en.yaml", "a:\n  b: ''\n").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("a.b"));
    }

    #[test]
    fn fill_replaces_placeholders() {
        let en = Catalogue::parse(Lang::En, "en.yaml", "money: 'EUR {n} million'\n").unwrap();
        assert_eq!(
            en.fill("money", &[("n", "32.4")]).unwrap(),
            "EUR 32.4 million"
        );
    }
}
