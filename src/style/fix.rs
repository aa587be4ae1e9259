//! `marketbrief check --fix`: the style rules' safe mechanical fixes, made in the profiles'
//! own text — straight quotes made curly (’, « », “ ”), the space French sets before
//! `: ; ! ?`, doubled spaces — keeping comments, keys and layout. Each text is fixed in
//! place and the file parsed again: a fix is kept only if the text now reads exactly as
//! fixed and every other value is unchanged; otherwise the text is left for the writer.

use super::{Rules, localized_texts, prose_mask};
use crate::vocab::Lang;

impl Rules {
    /// `text` with the safe mechanical fixes of these rules: what [`Rules::check`] reports
    /// as a straight quote, a missing space before high punctuation or two spaces in a
    /// row, corrected (words to avoid and long sentences are the writer's).
    pub fn fix(&self, text: &str, lang: Lang) -> String {
        if text.trim().is_empty() {
            return text.to_string();
        }
        let prose = prose_mask(text);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut out = String::with_capacity(text.len() + 8);
        for (i, &(at, c)) in chars.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| chars[j].1);
            let after = chars.get(i + 1).map(|x| x.1);
            if !prose[at] {
                out.push(c);
                continue;
            }
            if self.space_before.contains(c) {
                let ends_a_clause =
                    after.is_none_or(|a| a.is_whitespace() || a == '»' || a == ')' || a == '"');
                let after_a_word = before.is_some_and(|b| {
                    b.is_alphanumeric() || matches!(b, '»' | ')' | '*' | '_' | '’' | '"')
                });
                if after_a_word && ends_a_clause {
                    out.push(' ');
                }
                out.push(c);
                continue;
            }
            if self.curly_quotes && c == '\'' {
                out.push('’');
                continue;
            }
            if self.curly_quotes && c == '"' {
                let opening = before.is_none_or(|b| b.is_whitespace() || matches!(b, '(' | '['));
                out.push_str(match (lang, opening) {
                    (Lang::Fr, true) => "« ",
                    (Lang::Fr, false) => " »",
                    (_, true) => "“",
                    (_, false) => "”",
                });
                continue;
            }
            out.push(c);
        }
        collapse_spaces(&out)
    }
}

/// Two spaces or more in a row made one, but for a line's indentation (a nested list
/// item) and a Markdown line break (spaces ending a line).
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        let trailing = body.len() - body.trim_end_matches(' ').len();
        let core = &body[..body.len() - trailing];
        out.push_str(&line[..indent]);
        let mut previous_space = false;
        for c in core.chars() {
            if c == ' ' && previous_space {
                continue;
            }
            previous_space = c == ' ';
            out.push(c);
        }
        out.push_str(&body[body.len() - trailing..]);
    }
    out
}

/// What `check --fix` did to one profile.
#[derive(Debug, Default)]
pub struct Fixed {
    /// The profile's text with every fix kept.
    pub text: String,
    /// Each text fixed: its field, the line it starts on (from 1), the lines before and
    /// after.
    pub changes: Vec<Change>,
    /// Texts that need a fix this could not make safely (a quoted YAML string, a quote
    /// across lines), by field and line: the writer fixes them.
    pub left: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub line: usize,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// The profile `text` with the safe fixes of `rules` made to its texts in `langs`.
pub fn fix_profile(rules: &[(Lang, Rules)], text: &str, langs: &[Lang]) -> Fixed {
    let mut fixed = Fixed {
        text: text.to_string(),
        ..Fixed::default()
    };
    let Some(texts) = texts_of(text) else {
        return fixed;
    };
    // Every text as the file says it now, updated as fixes are kept: each fix is checked
    // against it with one parse of the edited file.
    let mut current = texts.clone();
    for (index, (field, lang, value)) in texts.iter().enumerate() {
        let Some((_, rules)) = rules.iter().find(|(l, _)| l == lang) else {
            continue;
        };
        if !langs.contains(lang) {
            continue;
        }
        let wanted = rules.fix(value, *lang);
        if wanted == *value {
            continue;
        }
        let Some((line, edited)) =
            edit_region(&fixed.text, field, |segment| rules.fix(segment, *lang))
        else {
            let line = crate::source::locate(&fixed.text, field).0.unwrap_or(1);
            fixed.left.push((field.clone(), line));
            continue;
        };
        // Kept only if this text now reads as fixed and nothing else moved.
        let now = texts_of(&edited).filter(|now| {
            now.len() == current.len()
                && now.iter().zip(&current).enumerate().all(|(i, (n, c))| {
                    n.0 == c.0
                        && n.1 == c.1
                        && if i == index {
                            n.2 == wanted
                        } else {
                            n.2 == c.2
                        }
                })
        });
        match now {
            Some(now) => {
                let (before, after) = changed_lines(&fixed.text, &edited);
                fixed.changes.push(Change {
                    field: field.clone(),
                    line,
                    before,
                    after,
                });
                fixed.text = edited;
                current = now;
            }
            None => fixed.left.push((field.clone(), line)),
        }
    }
    fixed
}

/// Every text of a profile by field and language, or none when it does not parse.
fn texts_of(text: &str) -> Option<Vec<(String, Lang, String)>> {
    let value = serde_yaml::from_str::<serde_yaml::Value>(text).ok()?;
    let mut texts = Vec::new();
    localized_texts(&value, String::new(), &mut texts);
    Some(texts)
}

/// The lines that differ between two texts of the same number of lines (a fix adds or
/// removes characters, never lines).
fn changed_lines(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    old.lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unzip()
}

/// `text` with `fix` applied to the raw text of the value at `field` (`summary.fr`): after
/// its key on the key's line — up to the next key of a flow mapping — and on the lines of
/// its block below, past their indentation. Returns the key's line (from 1) and the text.
fn edit_region(text: &str, field: &str, fix: impl Fn(&str) -> String) -> Option<(usize, String)> {
    let (Some(line), Some(column)) = crate::source::locate(text, field) else {
        return None;
    };
    let lang = field.rsplit('.').next()?;
    let lines: Vec<&str> = text.split('\n').collect();
    let first = *lines.get(line - 1)?;
    let key_at = first
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(0, |(b, _)| b);
    let key = format!("{lang}:");
    let value_at = key_at + first[key_at..].find(&key)? + key.len();
    let flow = first[..key_at].contains('{');
    let value_end = if flow {
        // Up to the next `, xx:` or the closing brace.
        let rest = &first[value_at..];
        let next_key = Lang::ALL
            .iter()
            .filter_map(|l| rest.find(&format!(", {}:", l.code())))
            .chain(rest.rfind('}'))
            .min()
            .unwrap_or(rest.len());
        value_at + next_key
    } else {
        first.len()
    };
    let key_indent = first.len() - first.trim_start().len();
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out[line - 1] = format!(
        "{}{}{}",
        &first[..value_at],
        fix(&first[value_at..value_end]),
        &first[value_end..]
    );
    if !flow {
        for n in line..lines.len() {
            let l = lines[n];
            let indent = l.len() - l.trim_start().len();
            if !l.trim().is_empty() && indent <= key_indent {
                break;
            }
            if l.trim_start().starts_with('#') {
                continue;
            }
            out[n] = format!("{}{}", &l[..indent], fix(&l[indent..]));
        }
    }
    Some((line, out.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> Rules {
        Rules {
            avoid: Vec::new(),
            curly_quotes: true,
            space_before: ":;!?".into(),
            sentence_words: 0,
        }
    }

    #[test]
    fn the_fixes_are_those_check_reports() {
        let rules = fr();
        assert_eq!(
            rules.fix("L'accord dit \"oui\": c'est  fait!", Lang::Fr),
            "L’accord dit « oui » : c’est fait !"
        );
        assert_eq!(
            rules.fix("The \"deal\" is done", Lang::En),
            "The “deal” is done"
        );
        // A time, a link, a list's indentation and a Markdown line break are kept.
        assert_eq!(rules.fix("à 10:30", Lang::Fr), "à 10:30");
        assert_eq!(
            rules.fix("voir [ici](https://example.org/a:b)", Lang::Fr),
            "voir [ici](https://example.org/a:b)"
        );
        assert_eq!(
            rules.fix("- un\n  - deux  \nfin", Lang::Fr),
            "- un\n  - deux  \nfin"
        );
        // Every warning of these kinds is gone once fixed.
        let text = "L'été \"chaud\": oui  non";
        assert!(!rules.check(text).is_empty());
        assert!(rules.check(&rules.fix(text, Lang::Fr)).is_empty());
    }

    /// Issue 25: `check --fix` fixes the texts in the file itself, keeping comments, keys,
    /// layout and the other languages; a text it cannot fix safely is left and named.
    #[test]
    fn a_profile_is_fixed_in_place_keeping_its_layout() {
        let rules = vec![(Lang::Fr, fr())];
        let text = "# A comment: keep it!\ncountry: CA\nsummary:\n  fr: >-\n    L'accord dit  oui:\n    c'est fait\n  en: It's done, yes\nwhy: {fr: \"Quoted 'text'\", en: x}\nsectors:\n  - title: {fr: Un deux!, nl: Een, en: One}\n";
        let fixed = fix_profile(&rules, text, &[Lang::Fr, Lang::En]);
        assert_eq!(
            fixed.text,
            "# A comment: keep it!\ncountry: CA\nsummary:\n  fr: >-\n    L’accord dit oui :\n    c’est fait\n  en: It's done, yes\nwhy: {fr: \"Quoted 'text'\", en: x}\nsectors:\n  - title: {fr: Un deux !, nl: Een, en: One}\n"
        );
        assert_eq!(
            fixed
                .changes
                .iter()
                .map(|c| c.field.as_str())
                .collect::<Vec<_>>(),
            ["summary.fr", "sectors[0].title.fr"]
        );
        assert_eq!(fixed.changes[0].line, 4);
        // A quoted YAML string: its quotes are YAML's, not the text's; left for the writer.
        assert_eq!(
            fixed.left.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(),
            ["why.fr"]
        );
    }
}
