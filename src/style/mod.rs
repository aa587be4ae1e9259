//! The style check: warnings about the texts advisers write in profiles, from per-language
//! rules kept as data (`templates/i18n/style-<lang>.yaml`, embedded and overridable like
//! the catalogues), in the spirit of the Vale prose linter. Never errors: a brief is not
//! refused for its style, unless `check --deny-warnings` asks for it (CI).
//!
//! Each text of a profile is found by walking its YAML: a mapping whose keys are languages
//! holds one text per language, at a field path (`sectors[1].text.fr`) that
//! [`crate::source::locate`] turns into a line, the column being that of the match.

mod fix;
pub use fix::{Change, Fixed, fix_profile};

use crate::error::InputError;
use crate::vocab::Lang;
use serde::Deserialize;
use std::path::Path;

/// The rules file of a language, as a project-relative path.
pub fn rules_file(lang: Lang) -> String {
    format!("templates/i18n/style-{}.yaml", lang.code())
}

/// The style rules of each language that has a rules file (a project's own first).
pub fn load(assets: &crate::assets::Assets) -> Result<Vec<(Lang, Rules)>, crate::error::Error> {
    let mut rules = Vec::new();
    for lang in Lang::ALL {
        if let Some((origin, text)) = assets.read_text(&rules_file(lang))? {
            rules.push((lang, Rules::parse(&origin, &text)?));
        }
    }
    Ok(rules)
}

/// The style rules of one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Words and phrases to avoid, each with what to write instead.
    #[serde(default)]
    pub avoid: Vec<Avoid>,
    /// Straight apostrophes and quotes (`'`, `"`) are flagged: the language sets them
    /// curly (’, « », “ ”).
    #[serde(default)]
    pub curly_quotes: bool,
    /// High punctuation that French sets after a (narrow) no-break space: `:;!?`. A space
    /// written there is made unbreakable by the brief; a missing one is flagged.
    #[serde(default)]
    pub space_before: String,
    /// Sentences longer than this many words are flagged (0: no limit).
    #[serde(default)]
    pub sentence_words: usize,
}

/// A word or phrase to avoid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Avoid {
    /// The words as written, any letter case, matched as whole words.
    pub term: String,
    /// What to write instead.
    pub prefer: String,
    /// Why, when it is not plain: "an English word".
    #[serde(default)]
    pub why: Option<String>,
}

impl Rules {
    /// Parses a rules file. Every problem is located like any YAML error: the file, line
    /// and column, and the field.
    pub fn parse(origin: &str, text: &str) -> Result<Rules, InputError> {
        // An empty override would turn every rule of its language off without a word.
        if text.trim().is_empty() {
            return Err(InputError::new(
                origin,
                "the file is empty: write the rules (`avoid: []` for none), or remove the file to use the built-in ones",
            ));
        }
        let rules: Rules = InputError::parse_yaml(origin, text)?;
        for (i, avoid) in rules.avoid.iter().enumerate() {
            if avoid.term.trim().is_empty() {
                let field = format!("avoid[{i}].term");
                let (line, column) = crate::source::locate(text, &field);
                return Err(
                    InputError::new(origin, "expected the words to avoid, found nothing")
                        .at(line, column)
                        .field(field),
                );
            }
        }
        if let Some(c) = rules.space_before.chars().find(|c| !":;!?".contains(*c)) {
            let (line, column) = crate::source::locate(text, "space_before");
            // The character itself, on the field's line, when it is written there.
            let column = line
                .and_then(|l| text.lines().nth(l - 1))
                .and_then(|l| {
                    let value = l.find(':')? + 1;
                    let at = value + l[value..].find(c)?;
                    Some(l[..at].chars().count() + 1)
                })
                .or(column);
            return Err(
                InputError::new(origin, format!("expected some of `:;!?`, found `{c}`"))
                    .at(line, column)
                    .field("space_before"),
            );
        }
        Ok(rules)
    }

    /// The problems of one text, in the order of the text.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let mut found = Vec::new();
        // An empty text is an error of its own, not a matter of style.
        if text.trim().is_empty() {
            return found;
        }
        let mut add = |at: usize, matched: &str, message: String, help: Option<String>| {
            found.push(Finding {
                at,
                matched: matched.to_string(),
                message,
                help,
            })
        };
        let prose = prose_mask(text);
        // Longer terms first: "technologische pool" is reported, not "pool" inside it.
        let mut avoid_rules: Vec<&Avoid> = self.avoid.iter().collect();
        avoid_rules.sort_by_key(|a| std::cmp::Reverse(a.term.len()));
        let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
        for avoid in avoid_rules {
            for at in whole_words(text, &avoid.term) {
                let range = at..at + avoid.term.len();
                if !prose[at] || taken.iter().any(|t| t.start <= at && range.end <= t.end) {
                    continue;
                }
                taken.push(range.clone());
                let matched = &text[range];
                let message = match &avoid.why {
                    Some(why) => format!("“{matched}” is {why}: write “{}”", avoid.prefer),
                    None => format!("write “{}” rather than “{matched}”", avoid.prefer),
                };
                add(at, matched, message, Some(avoid.prefer.clone()));
            }
        }
        if self.curly_quotes {
            // The first of each kind is enough to show the writer.
            for (straight, curly) in [('\'', "’"), ('"', "« » or “ ”")] {
                if let Some((at, _)) = text.match_indices(straight).find(|(at, _)| prose[*at]) {
                    let message = format!("a straight {straight}: this language sets {curly}");
                    add(at, &straight.to_string(), message, Some(curly.to_string()));
                }
            }
        }
        for (at, c) in text.char_indices() {
            if !self.space_before.contains(c) || !prose[at] {
                continue;
            }
            let before = text[..at].chars().next_back();
            let after = text[at + c.len_utf8()..].chars().next();
            // A time (10:30), a ratio or a link is not punctuation; `?!` counts once.
            let ends_a_clause = after.is_none_or(|a| a.is_whitespace() || a == '»' || a == ')');
            let after_a_word = before.is_some_and(|b| {
                b.is_alphanumeric() || matches!(b, '»' | ')' | '*' | '_' | '’' | '"')
            });
            if after_a_word && ends_a_clause {
                let message = format!(
                    "no space before “{c}”: French sets one there (write “ {c}”; the brief makes it a no-break space)"
                );
                add(at, &c.to_string(), message, Some(format!(" {c}")));
            }
        }
        // Not a line's indentation (a nested list item), nor a Markdown line break.
        let indentation = |at: usize| {
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            text[line_start..at].chars().all(char::is_whitespace)
        };
        if let Some((at, _)) = text.match_indices("  ").find(|&(at, _)| {
            !text[at..].trim_start_matches(' ').starts_with('\n') && !indentation(at)
        }) {
            add(at, "  ", "two spaces in a row".into(), Some(" ".into()));
        }
        if self.sentence_words > 0 {
            for (at, words) in sentences(text) {
                if words > self.sentence_words {
                    let start: String = text[at..].chars().take(30).collect();
                    let message = format!(
                        "a sentence of {words} words (at most {} reads well): split it",
                        self.sentence_words
                    );
                    add(at, &start, message, None);
                }
            }
        }
        found.sort_by_key(|f| f.at);
        found
    }
}

/// One problem of style in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Its byte offset in the text.
    pub at: usize,
    /// The text matched.
    pub matched: String,
    /// What is wrong, with what to write instead.
    pub message: String,
    /// What to write instead, alone, when there is one answer.
    pub help: Option<String>,
}

/// The style warnings of a profile (`text`, from `path`) for `langs`, each located.
pub fn check_profile(
    rules: &[(Lang, Rules)],
    path: &Path,
    text: &str,
    langs: &[Lang],
) -> Vec<InputError> {
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Vec::new();
    };
    let mut texts = Vec::new();
    localized_texts(&value, String::new(), &mut texts);
    let lines: Vec<&str> = text.lines().collect();
    let mut warnings = Vec::new();
    for (field, lang, value) in texts {
        let Some((_, rules)) = rules.iter().find(|(l, _)| *l == lang) else {
            continue;
        };
        if !langs.contains(&lang) {
            continue;
        }
        for found in rules.check(&value) {
            // The same words twice in a text are two places in the file.
            let first = found.matched.lines().next().unwrap_or_default();
            let nth = if first.is_empty() {
                0
            } else {
                value[..found.at].matches(first).count()
            };
            let (line, column) = position(&lines, text, &field, &found.matched, nth);
            let mut warning = InputError::new(path, found.message)
                .at(line, column)
                .field(field.clone());
            if let Some(help) = found.help {
                warning = warning.help(help);
            }
            warnings.push(warning);
        }
    }
    warnings
}

/// Where a match of a field's text is in the file: the `nth` occurrence (from 0) of
/// its first line after the field's key — on the key's line (`fr: …`, or inside a flow
/// mapping `{fr: …, nl: …}`) or on the lines of its block (a folded text spans several).
fn position(
    lines: &[&str],
    text: &str,
    field: &str,
    matched: &str,
    nth: usize,
) -> (Option<usize>, Option<usize>) {
    let byte_of = |line: &str, column: Option<usize>| {
        column.map_or(0, |c| {
            line.char_indices()
                .nth(c.saturating_sub(1))
                .map_or(line.len(), |(b, _)| b)
        })
    };
    // Where the value starts: past `lang:` on the line that holds it.
    let (parent, lang) = field.rsplit_once('.').unwrap_or(("", field));
    let key = format!("{lang}:");
    let in_flow = match crate::source::locate(text, parent) {
        (Some(line), column) => {
            let l = lines[line - 1];
            let from = byte_of(l, column);
            l[from..]
                .find('{')
                .and_then(|brace| l[from + brace..].find(&key).map(|k| from + brace + k))
                .map(|k| (line, k + key.len()))
        }
        _ => None,
    };
    let start = in_flow.or_else(|| match crate::source::locate(text, field) {
        (Some(line), column) => {
            let l = lines[line - 1];
            let from = byte_of(l, column);
            let value = l[from..].find(&key).map_or(from, |k| from + k + key.len());
            Some((line, value))
        }
        _ => None,
    });
    let Some((line, value_start)) = start else {
        return (None, None);
    };
    let first = matched.lines().next().unwrap_or(matched);
    let mut seen = 0;
    for (i, l) in lines.iter().enumerate().skip(line - 1).take(60) {
        let mut from = if i == line - 1 { value_start } else { 0 };
        while let Some(b) = l.get(from..).and_then(|rest| rest.find(first)) {
            if seen == nth {
                return (Some(i + 1), Some(l[..from + b].chars().count() + 1));
            }
            seen += 1;
            from += b + first.len().max(1);
        }
    }
    (
        Some(line),
        Some(lines[line - 1][..value_start].chars().count() + 1),
    )
}

/// Every text of a profile written per language: (field path, language, text).
fn localized_texts(value: &serde_yaml::Value, path: String, out: &mut Vec<(String, Lang, String)>) {
    use serde_yaml::Value;
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                let Some(key) = key.as_str() else { continue };
                let field = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                match (key.parse::<Lang>(), value) {
                    (Ok(lang), Value::String(text)) => out.push((field, lang, text.clone())),
                    _ => localized_texts(value, field, out),
                }
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                localized_texts(item, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Byte offsets of `term` in `text` as whole words, in any letter case.
fn whole_words(text: &str, term: &str) -> Vec<usize> {
    let lower = text.to_lowercase();
    let term = term.to_lowercase();
    // Lower-casing may change lengths (rare letters): then only exact-case matches count.
    let (haystack, needle) = if lower.len() == text.len() {
        (lower.as_str(), term.as_str())
    } else {
        (text, term.as_str())
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    // A stop between letters joins a name (hub.brussels, analytics.brussels).
    let dotted_before = |at: usize| {
        let mut back = haystack[..at].chars().rev();
        back.next() == Some('.') && word(back.next())
    };
    let dotted_after = |end: usize| {
        let mut ahead = haystack[end..].chars();
        ahead.next() == Some('.') && ahead.next().is_some_and(char::is_alphanumeric)
    };
    haystack
        .match_indices(needle)
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = haystack[..at].chars().next_back();
            let after = haystack[at + needle.len()..].chars().next();
            let starts_word = needle.starts_with(|c: char| c.is_alphanumeric());
            let ends_word = needle.ends_with(|c: char| c.is_alphanumeric());
            let inside_a_word = (starts_word && (word(before) || dotted_before(at)))
                || (ends_word && (word(after) || dotted_after(at + needle.len())));
            !inside_a_word
        })
        .collect()
}

/// Which bytes of a Markdown text are prose: not link targets (`](…)`), bare links, code,
/// or a name in quotes (the ‘Smart Cities Challenge’, « Brussels Days »), which is
/// written as its owner writes it.
fn prose_mask(text: &str) -> Vec<bool> {
    let mut mask = vec![true; text.len() + 1];
    let mut hide = |from: usize, to: usize| mask[from..to].iter_mut().for_each(|m| *m = false);
    for (open, close) in [('«', '»'), ('“', '”'), ('‘', '’')] {
        for (at, _) in text.match_indices(open) {
            let inside = at + open.len_utf8();
            // A closing ’ is not an apostrophe inside a word (l’accord).
            let end = text[inside..].match_indices(close).find(|(i, _)| {
                let after = text[inside + i + close.len_utf8()..].chars().next();
                close != '’' || !after.is_some_and(char::is_alphabetic)
            });
            if let Some((i, _)) = end {
                hide(inside, inside + i);
            }
        }
    }
    for (at, _) in text.match_indices("](") {
        let end = text[at..].find(')').map_or(text.len(), |e| at + e + 1);
        hide(at, end);
    }
    // E-mail addresses: the token around each `@`.
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '<' | '['))
            .map_or(0, |b| b + 1);
        let end = text[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']'))
            .map_or(text.len(), |e| at + e);
        hide(start, end);
    }
    for scheme in ["https://", "http://", "mailto:", "www."] {
        for (at, _) in text.match_indices(scheme) {
            let end = text[at..]
                .find(|c: char| c.is_whitespace())
                .map_or(text.len(), |e| at + e);
            hide(at, end);
        }
    }
    let ticks: Vec<usize> = text.match_indices('`').map(|(at, _)| at).collect();
    for pair in ticks.chunks(2) {
        if let [from, to] = pair {
            hide(*from, to + 1);
        }
    }
    mask
}

/// Words that end with a stop without ending a sentence ("M. Dupont", "cf. p. 12").
const ABBREVIATIONS: [&str; 16] = [
    "dr", "mr", "mrs", "ms", "mme", "mlle", "st", "cf", "nr", "no", "vs", "ca", "prof", "dhr",
    "mevr", "resp",
];

/// Each sentence's start and its number of words. A sentence ends at `.`, `!` or `?`
/// (closing marks such as `**` or `»` may follow) before a space and a capital, and at the
/// end of a paragraph or list item.
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut count = |from: usize, to: usize| {
        let sentence = &text[from..to];
        let words = sentence
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        if words > 0 {
            let lead = sentence.len() - sentence.trim_start().len();
            found.push((from + lead, words));
        }
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        // A blank line or a list item's line starts a new block.
        if c == '\n' {
            let rest = text[at + 1..].trim_start_matches([' ', '\t']);
            let item = rest.starts_with("- ")
                || rest.starts_with("* ")
                || rest.starts_with('\n')
                || rest
                    .split_once(". ")
                    .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|d| d.is_ascii_digit()));
            if item {
                count(start, at);
                start = at + 1;
            }
        } else if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while chars
                .get(j)
                .is_some_and(|&(_, m)| matches!(m, '*' | '_' | '»' | ')' | '”' | '’' | '"'))
            {
                j += 1;
            }
            let spaced = chars.get(j).is_some_and(|&(_, s)| s.is_whitespace());
            let mut k = j;
            while chars
                .get(k)
                .is_some_and(|&(_, s)| s == ' ' || s == '\u{a0}')
            {
                k += 1;
            }
            let capital = chars
                .get(k)
                .is_some_and(|&(_, n)| n.is_uppercase() || matches!(n, '«' | '“' | '*'));
            // "M. Dupont", "p. 12", "t.o.v. 2023": a short word or one with inner stops
            // before a `.` is an abbreviation, not the end of a sentence.
            let start_of_word = text[..at]
                .rfind(|w: char| w.is_whitespace() || matches!(w, '(' | '*' | '«'))
                .map_or(0, |b| {
                    b + text[b..].chars().next().map_or(1, char::len_utf8)
                });
            let word = &text[start_of_word..at];
            let abbreviation = c == '.'
                && (word.chars().count() == 1
                    || word.contains('.')
                    || ABBREVIATIONS.contains(&word.to_lowercase().as_str()));
            if spaced && capital && !abbreviation {
                let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
                count(start, end);
                start = end;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    count(start, text.len());
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(yaml: &str) -> Rules {
        Rules::parse("style.yaml", yaml).unwrap()
    }

    fn messages(rules: &Rules, text: &str) -> Vec<String> {
        rules.check(text).into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn terms_are_whole_words_in_any_case_outside_links() {
        let r = rules(
            "avoid:\n  - {term: vs, prefer: par rapport à}\n  - {term: business, prefer: affaires, why: an English word}\n",
        );
        assert_eq!(
            messages(&r, "Hausse VS 2023 ; le Business."),
            [
                "write “par rapport à” rather than “VS”",
                "“Business” is an English word: write “affaires”"
            ]
        );
        assert!(
            messages(
                &r,
                "Les vsx et businesses [ici](https://vs.example/business)"
            )
            .is_empty()
        );
        assert!(messages(&r, "Zie business.example en vs.brussels").is_empty());
        let nested = rules(
            "avoid:\n  - {term: pool, prefer: centrum}\n  - {term: technologische pool, prefer: technologisch centrum}\n",
        );
        assert_eq!(
            messages(&nested, "Een technologische pool en een pool."),
            [
                "write “technologisch centrum” rather than “technologische pool”",
                "write “centrum” rather than “pool”"
            ]
        );
    }

    #[test]
    fn french_high_punctuation_needs_its_space() {
        let r = rules("space_before: ':;!?'\n");
        assert_eq!(messages(&r, "Pourquoi ?").len(), 0);
        assert_eq!(messages(&r, "Pourquoi\u{202f}? Voici : tout").len(), 0);
        assert_eq!(messages(&r, "À 10:30, voir https://x.org").len(), 0);
        let found = r.check("Pourquoi? Voici: tout");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].at, "Pourquoi".len());
        assert_eq!(found[0].help.as_deref(), Some(" ?"));
    }

    #[test]
    fn straight_quotes_once_each_and_long_sentences() {
        let r = rules("curly_quotes: true\nsentence_words: 5\n");
        let found = messages(
            &r,
            "L'accord et l'offre \"nouvelle\". Court. Une phrase bien trop longue pour un lecteur pressé.",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("straight '"));
        assert!(found[1].contains("straight \""));
        assert!(found[2].contains("a sentence of 9 words"), "{found:?}");
    }

    #[test]
    fn sentences_end_at_stops_list_items_and_paragraphs() {
        let words =
            |text: &str| -> Vec<usize> { sentences(text).into_iter().map(|(_, n)| n).collect() };
        assert_eq!(words("Un deux. Trois quatre cinq ! Six"), [2, 3, 1]);
        assert_eq!(
            words("- **Titre.** Un deux trois.\n- **Autre.** Quatre"),
            [1, 3, 1, 1]
        );
        assert_eq!(words("Le 3 mars, voir p. 12 et M. Dupont.\n\nFin."), [9, 1]);
        assert_eq!(
            words("Het is. Nu wel. Zie dhr. Peeters, t.o.v. 2023."),
            [2, 2, 5]
        );
        assert_eq!(words("1. Un\n2. Deux trois"), [2, 3]);
    }

    #[test]
    fn doubled_spaces_are_flagged() {
        let r = rules("{}");
        assert_eq!(messages(&r, "Un  marché"), ["two spaces in a row"]);
        // A nested list's indentation is no doubled space; a doubled space after it is.
        assert!(messages(&r, "- Un point\n  - un autre").is_empty());
        assert_eq!(
            messages(&r, "- Un point\n  - un  autre"),
            ["two spaces in a row"]
        );
    }

    #[test]
    fn addresses_are_not_prose_and_bold_before_a_colon_needs_its_space() {
        let r = rules("avoid:\n  - {term: meeting, prefer: réunion}\nspace_before: ':'\n");
        assert!(messages(&r, "Écrire à meeting@example.org pour tout").is_empty());
        assert_eq!(messages(&r, "**Un marché ouvert**: le pays").len(), 1);
    }

    #[test]
    fn each_match_is_placed_where_it_is_written() {
        let text = "summary:\n  fr: \"Note: le business, encore du business.\"\nsectors:\n  - title: {fr: Le meeting, nl: De meeting}\n    text:\n      fr: >-\n        Une ligne.\n        Un business ici.\n";
        let r = rules(
            "avoid:\n  - {term: business, prefer: affaires}\n  - {term: meeting, prefer: réunion}\nspace_before: ':'\n",
        );
        let warnings = check_profile(&[(Lang::Fr, r)], Path::new("p.yaml"), text, &Lang::ALL);
        let at: Vec<(Option<usize>, Option<usize>)> =
            warnings.iter().map(|w| (w.line, w.column)).collect();
        assert_eq!(
            at,
            [
                (Some(2), Some(12)),
                (Some(2), Some(17)),
                (Some(2), Some(37)),
                (Some(4), Some(20)),
                (Some(8), Some(12)),
            ],
            "{warnings:#?}"
        );
    }

    #[test]
    fn warnings_point_at_the_match_in_the_file() {
        let text = "summary:\n  fr: Un marché en hausse vs 2023.\nsectors:\n  - title: {fr: Tech, nl: Tech}\n    text:\n      nl: >\n        Eerste regel.\n        Groei vs vorig jaar.\n";
        let r = rules("avoid:\n  - {term: vs, prefer: x}\n");
        let warnings = check_profile(
            &[(Lang::Fr, r.clone()), (Lang::Nl, r)],
            Path::new("p.yaml"),
            text,
            &Lang::ALL,
        );
        let at: Vec<(Option<usize>, Option<usize>, Option<&str>)> = warnings
            .iter()
            .map(|w| (w.line, w.column, w.field.as_deref()))
            .collect();
        assert_eq!(
            at,
            [
                (Some(2), Some(27), Some("summary.fr")),
                (Some(8), Some(15), Some("sectors[0].text.nl")),
            ]
        );
    }

    #[test]
    fn the_shipped_rules_parse() {
        let assets = crate::assets::Assets::embedded();
        for lang in Lang::ALL {
            let (origin, text) = assets.read_text(&rules_file(lang)).unwrap().unwrap();
            let rules = Rules::parse(&origin, &text).unwrap();
            assert!(!rules.avoid.is_empty(), "{lang}");
        }
    }

    #[test]
    fn a_broken_override_is_located_and_an_empty_one_refused() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join(rules_file(Lang::Fr));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let error = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            let assets = crate::assets::Assets::with_project(root.path());
            match load(&assets) {
                Err(crate::error::Error::Input(errors)) => errors.0[0].clone(),
                other => panic!("{other:?}"),
            }
        };
        let e = error(b"curly_quotes: true\nspace_before: \":;x\"\n");
        assert_eq!((e.line, e.column), (Some(2), Some(18)), "{e}");
        assert_eq!(e.field.as_deref(), Some("space_before"));
        let e = error(b"avoid:\n  - {term: a, prefer: b}\n  - {term: '', prefer: c}\n");
        assert_eq!(e.line, Some(3), "{e}");
        assert_eq!(e.field.as_deref(), Some("avoid[1].term"));
        // Bytes that are not UTF-8, at their line.
        let e = error(b"avoid:\n  - {term: \xff, prefer: b}\n");
        assert_eq!(e.line, Some(2), "{e}");
        // An empty file would turn the language's rules off without a word.
        let e = error(b"\n  \n");
        assert!(e.message.contains("the file is empty"), "{e}");
    }
}
