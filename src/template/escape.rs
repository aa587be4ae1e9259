//! Escaping text for Typst, so that nothing from a profile, dataset or catalogue can run
//! Typst code, read a file or change the layout.

/// Escapes text for Typst markup: every character that Typst's markup syntax gives a
/// meaning to is preceded by a backslash (which prints the next character literally), and
/// line breaks become spaces.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '\\' | '#' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '[' | ']' | '{' | '}' | '='
            | '-' | '+' | '/' | '~' | '\'' | '"' | '.' | ':' | ';' | '&' | '%' | '(' | ')'
            | ',' | '!' | '?' | '|' | '^' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            // Typst treats a run of ordinary characters literally; control characters
            // other than the above have no place in a brief.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for the inside of a Typst string literal (`"…"`).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_syntax_character() {
        assert_eq!(
            markup("#read(\"/etc/passwd\")"),
            "\\#read\\(\\\"\\/etc\\/passwd\\\"\\)"
        );
        assert_eq!(markup("a\\b"), "a\\\\b");
        assert_eq!(markup("*b* _i_"), "\\*b\\* \\_i\\_");
        assert_eq!(markup("line\nbreak"), "line break");
        assert_eq!(markup("café 78 %"), "café 78 \\%");
    }

    #[test]
    fn strings_escape_quotes_and_backslashes() {
        assert_eq!(string("say \"hi\"\\"), "say \\\"hi\\\"\\\\");
        assert_eq!(string("a\nb"), "a\\nb");
    }
}
