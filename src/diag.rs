//! Renders input errors like compiler diagnostics: the file, line and column, the field,
//! and a snippet of the offending line with a caret. Colour only on a terminal.

use crate::error::InputError;
use crate::source::Sources;
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Stops the build or fails the check.
    Error,
    /// Reported, never stops anything (unless `--deny-warnings`).
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Writes each error as a diagnostic, with the snippet from `sources` (the texts the load
/// kept) or else from the file, which `root` resolves.
pub fn emit(
    errors: &[InputError],
    root: &Path,
    sources: &Sources,
    out: &mut dyn Write,
    colour: bool,
) -> std::io::Result<()> {
    emit_as(Severity::Error, errors, root, sources, out, colour)
}

/// Writes each problem as a diagnostic of `severity`, like [`emit`].
pub fn emit_as(
    severity: Severity,
    errors: &[InputError],
    root: &Path,
    sources: &Sources,
    out: &mut dyn Write,
    colour: bool,
) -> std::io::Result<()> {
    // Control characters in a message or a file's name (a profile named `x<ESC>]0;…`) are
    // shown as symbols, like those of a quoted line.
    let plain = |error: &InputError| visible(&format!("{}: {error}\n", severity.as_str()));
    let mut files = SimpleFiles::new();
    let mut ids: BTreeMap<String, Option<usize>> = BTreeMap::new();
    let config = Config::default();
    for error in errors {
        let name = visible(&error.file.display().to_string());
        let id = *ids.entry(name.clone()).or_insert_with(|| {
            let loaded = sources.text(&error.file);
            if !loaded.is_empty() {
                return Some(files.add(name.clone(), visible(loaded)));
            }
            // A project file is quoted only from inside the project (a link elsewhere is
            // not followed); a file the command line named, as given.
            let text = if error.file.is_absolute() {
                crate::limits::read(&error.file).ok()
            } else {
                crate::limits::read_within(root, &error.file).ok()
            }
            .and_then(|b| String::from_utf8(b).ok())?;
            Some(files.add(name.clone(), visible(&text)))
        });
        let message = visible(&match &error.field {
            Some(field) => format!("{field}: {}", error.message),
            None => error.message.clone(),
        });
        let span = id.zip(error.line).and_then(|(id, line)| {
            let text = files.get(id).ok()?.source();
            Some((id, span_of(text, line, error.column)?))
        });
        let rendered = match span {
            Some((id, range)) => {
                let diagnostic = match severity {
                    Severity::Error => Diagnostic::error(),
                    Severity::Warning => Diagnostic::warning(),
                };
                let diagnostic = diagnostic.with_message(&message).with_labels(vec![
                    Label::primary(id, range).with_message(error.field.clone().unwrap_or_default()),
                ]);
                let mut buffer = if colour {
                    termcolor::Buffer::ansi()
                } else {
                    termcolor::Buffer::no_color()
                };
                match term::emit_to_write_style(&mut buffer, &config, &files, &diagnostic) {
                    Ok(()) => String::from_utf8_lossy(buffer.as_slice()).into_owned(),
                    Err(_) => plain(error),
                }
            }
            None => plain(error),
        };
        out.write_all(rendered.as_bytes())?;
        if !rendered.ends_with("\n\n") {
            writeln!(out)?;
        }
    }
    Ok(())
}

/// One problem as a JSON object on one line (as `cargo --message-format json` prints):
/// `severity`, `file`, `line`, `column`, `field`, `message`, `help` (absent values null).
pub fn json_line(severity: Severity, error: &InputError) -> String {
    serde_json::json!({
        "severity": severity.as_str(),
        "file": error.file.display().to_string(),
        "line": error.line,
        "column": error.column,
        "field": error.field,
        "message": error.message,
        "help": error.help,
    })
    .to_string()
}

/// `text` with every control character but line ends and tabs shown as a symbol of one
/// character (ESC as `␛`, BEL as `␇`; C1 controls as `�`), so that a line quoted under a
/// message cannot move the cursor, clear the screen or retitle the terminal
/// (`ESC]0;…BEL ESC[2J` in a partner's name). One character for one keeps the columns.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let shown = match c {
            '\n' | '\t' => c,
            '\r' if chars.peek() == Some(&'\n') => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        };
        out.push(shown);
    }
    out
}

/// The longest source line shown under a message.
const SNIPPET_BYTES: usize = 400;

/// The byte range to underline: from the column to the end of the token, or the whole
/// line's text when the column is unknown.
fn span_of(text: &str, line: usize, column: Option<usize>) -> Option<std::ops::Range<usize>> {
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let line_text = text
        .get(start_of_line..)?
        .split('\n')
        .next()?
        .trim_end_matches('\r');
    // A line too long to read on a terminal is not shown: the position says where it is.
    if line_text.len() > SNIPPET_BYTES {
        return None;
    }
    let indent = line_text.len() - line_text.trim_start().len();
    let col = column.map(|c| c.saturating_sub(1)).unwrap_or(indent);
    let col_byte = line_text
        .char_indices()
        .nth(col)
        .map(|(i, _)| i)
        .unwrap_or(line_text.len().min(indent));
    let rest = &line_text[col_byte..];
    let len = if column.is_some() {
        rest.find(|c: char| c.is_whitespace() || c == ',' || c == '}')
            .unwrap_or(rest.len())
            .max(1)
    } else {
        rest.len().max(1)
    };
    let start = start_of_line + col_byte;
    Some(
        start
            ..(start + len)
                .min(start_of_line + line_text.len())
                .max(start),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_snippet_with_caret_and_plain_without_terminal() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.yaml"), "country: CA\nsumary: x\n").unwrap();
        let error = InputError::new("p.yaml", "unknown field `sumary`")
            .at(Some(2), Some(1))
            .field("sumary");
        let mut out = Vec::new();
        emit(&[error], dir.path(), &Sources::default(), &mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("error: sumary: unknown field `sumary`"),
            "{text}"
        );
        assert!(text.contains("p.yaml:2:1"), "{text}");
        assert!(text.contains("2 │ sumary: x"), "{text}");
        assert!(text.contains("^^^^^^^"), "{text}");
        assert!(
            !text.contains('\u{1b}'),
            "no colour codes off a terminal: {text}"
        );
    }

    #[test]
    fn control_characters_in_a_quoted_line_reach_no_terminal() {
        // Issue 26.17: a name holding `ESC]0;…BEL ESC[2J` was escaped in the message and
        // written raw in the line quoted under it.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("r.csv"),
            "email,name\r\nx@y,Evil\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m name\r\n",
        )
        .unwrap();
        let error = InputError::new("r.csv", "bad")
            .at(Some(2), Some(5))
            .field("name");
        for colour in [false, true] {
            let mut out = Vec::new();
            emit(
                std::slice::from_ref(&error),
                dir.path(),
                &Sources::default(),
                &mut out,
                colour,
            )
            .unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                !text.contains('\u{7}') && !text.contains('\u{9b}'),
                "{text}"
            );
            assert!(
                !text.contains("\u{1b}]") && !text.contains("\u{1b}[2J"),
                "{text}"
            );
            if !colour {
                assert!(
                    text.contains("Evil␛]0;owned␇␛[2J\u{fffd}31m name"),
                    "{text}"
                );
                assert!(!text.contains('\u{1b}'), "{text}");
                // The caret still under the column named.
                let quoted = text.lines().find(|l| l.contains("Evil")).unwrap();
                let caret = text.lines().find(|l| l.contains('^')).unwrap();
                let at = |line: &str, pat: char| line.chars().position(|c| c == pat).unwrap();
                assert_eq!(at(caret, '^'), at(quoted, 'E'), "{text}");
            }
        }
    }

    #[test]
    fn errors_without_position_are_one_line() {
        let mut out = Vec::new();
        emit(
            &[InputError::new("missing.csv", "cannot read the file")],
            Path::new("."),
            &Sources::default(),
            &mut out,
            false,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "error: missing.csv: cannot read the file\n\n"
        );
    }
}
