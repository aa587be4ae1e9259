//! Input files as loaded: read once, decoded as UTF-8 text the same way for every kind of
//! file, kept with the project so that diagnostics place errors without reading again.
//! Depends on nothing but the error type.

use crate::error::InputError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The texts of the project's YAML files read at load (configuration, profiles, dataset
/// metadata), by project-relative path.
#[derive(Debug, Default, Clone)]
pub struct Sources(BTreeMap<PathBuf, Arc<str>>);

impl Sources {
    /// Keeps the text of `rel`.
    pub fn add(&mut self, rel: &Path, text: &str) {
        self.0.insert(rel.to_path_buf(), Arc::from(text));
    }

    /// The text of `rel` as it was loaded; empty when it was not (errors are then given
    /// without a position, never wrong ones).
    pub fn text(&self, rel: &Path) -> &str {
        self.0.get(rel).map(|t| &**t).unwrap_or_default()
    }

    /// Where a field path (`sectors[2].title.nl`) is written in `rel`.
    pub fn locate(&self, rel: &Path, field: &str) -> (Option<usize>, Option<usize>) {
        locate(self.text(rel), field)
    }
}

/// `text` with Windows line ends (`\r\n`) as plain ones. The csv crate counts a line at each
/// `\n` but starts a record after the `\r`, so in a CRLF file every record's line came one
/// early (underlining another person's row); columns are unchanged, the `\r` being last.
pub fn lf(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("\r\n") {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The line a CSV record starts on: the csv crate gives, for the first record after blank
/// lines (which it skips), the line where the blanks began; the record is on the first
/// line at or after it that is not blank. `lines` are the text's lines.
pub fn record_line(lines: &[&str], reported: usize) -> usize {
    let mut line = reported.max(1);
    while lines
        .get(line - 1)
        .is_some_and(|text| text.trim_matches(['\r', '\u{feff}']).is_empty())
    {
        line += 1;
    }
    line
}

/// A stream with Windows line ends read as plain ones (see [`lf`]), for files too large to
/// hold: a `\r` is dropped when a `\n` follows it.
pub struct Lf<R> {
    inner: std::io::BufReader<R>,
}

impl<R: std::io::Read> Lf<R> {
    pub fn new(inner: R) -> Self {
        Lf {
            inner: std::io::BufReader::new(inner),
        }
    }
}

impl<R: std::io::Read> std::io::Read for Lf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        let mut written = 0;
        while written < buf.len() {
            let (byte, next) = {
                let available = self.inner.fill_buf()?;
                match available {
                    [] => break,
                    [byte] => (*byte, None),
                    [byte, next, ..] => (*byte, Some(*next)),
                }
            };
            self.inner.consume(1);
            if byte == b'\r' {
                // The byte after a `\r` at the end of the buffer is read first.
                let next = match next {
                    Some(next) => Some(next),
                    None => self.inner.fill_buf()?.first().copied(),
                };
                if next == Some(b'\n') {
                    continue;
                }
            }
            buf[written] = byte;
            written += 1;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod lf_tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn windows_line_ends_read_as_plain_ones() {
        assert_eq!(lf("a\r\nb\r\n"), "a\nb\n");
        assert_eq!(lf("a\rb\n"), "a\rb\n");
        // One byte a read, so that a `\r` ends every fill.
        struct OneByte(&'static [u8]);
        impl Read for OneByte {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = *first;
                self.0 = rest;
                Ok(1)
            }
        }
        let mut out = String::new();
        Lf::new(OneByte(b"a,b\r\nc\rd\r\n\r"))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a,b\nc\rd\n\r");
    }
}

/// Reads a file as UTF-8 text, naming the file in every error.
pub fn read(root: &Path, rel: &Path) -> Result<String, InputError> {
    let bytes = crate::limits::read_within(root, rel);
    decode(rel, bytes)
}

/// Decodes a file's bytes as UTF-8 text: a read error, bytes that are not UTF-8 (with the
/// line where they start) and an empty file are errors; a byte-order mark is dropped.
pub fn decode(rel: &Path, bytes: std::io::Result<Vec<u8>>) -> Result<String, InputError> {
    let bytes = bytes.map_err(|e| InputError::new(rel, format!("cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| not_utf8(rel, &e))?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(InputError::new(rel, "the file is empty"));
    }
    // A byte-order mark is harmless: drop it. CRLF line endings are handled by the parsers.
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// The error for bytes that are not UTF-8, at the line where they stop being.
pub fn not_utf8(rel: impl AsRef<Path>, e: &std::string::FromUtf8Error) -> InputError {
    let offset = e.utf8_error().valid_up_to();
    let line = e.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    InputError::new(rel, "the file is not valid UTF-8 (save it as UTF-8)").at(Some(line), None)
}

/// Finds the line and column of a field path (`sectors[2].title.nl`) in YAML text written
/// in block style. Best effort: `None` when the layout is unusual.
pub fn locate(text: &str, path: &str) -> (Option<usize>, Option<usize>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0usize; // first line to search
    let mut end = lines.len();
    let mut min_indent = 0usize;
    let mut found: Option<(usize, usize)> = None;
    // The line of a flow mapping (`name: {fr: …, nl: …}`) found last: its keys are on it.
    let mut flow: Option<usize> = None;
    for segment in split_path(path) {
        if let (Some(i), Segment::Key(key)) = (flow, &segment) {
            let line = lines[i];
            let open = line.find('{').unwrap_or(0);
            let at = line[open..]
                .match_indices(&format!("{key}:"))
                .map(|(at, _)| open + at)
                .find(|&at| line[..at].trim_end().ends_with(['{', ',']));
            return match at {
                Some(col) => (Some(i + 1), Some(line[..col].chars().count() + 1)),
                None => (Some(i + 1), found.map(|(_, c)| c + 1)),
            };
        }
        let hit = match segment {
            Segment::Key(key) => (start..end).find_map(|i| {
                let line = lines[i];
                let trimmed = line.trim_start();
                let indent = line.len() - trimmed.len();
                let body = trimmed
                    .strip_prefix("- ")
                    .map(str::trim_start)
                    .unwrap_or(trimmed);
                let indent = indent + (trimmed.len() - body.len());
                (indent >= min_indent && (body.starts_with(&format!("{key}:"))))
                    .then_some((i, indent))
            }),
            Segment::Index(n) => {
                let mut count = 0;
                let mut item_indent = None;
                (start..end).find_map(|i| {
                    let line = lines[i];
                    let trimmed = line.trim_start();
                    let indent = line.len() - trimmed.len();
                    if !trimmed.starts_with("- ") && trimmed != "-" {
                        return None;
                    }
                    if indent < min_indent || item_indent.is_some_and(|ii| ii != indent) {
                        return None;
                    }
                    item_indent = Some(indent);
                    count += 1;
                    (count == n + 1).then_some((i, indent + 2))
                })
            }
        };
        let Some((line, indent)) = hit else {
            return match found {
                Some((l, c)) => (Some(l + 1), Some(c + 1)),
                None => (None, None),
            };
        };
        found = Some((line, indent));
        if let Segment::Key(key) = segment {
            let body = lines[line]
                .trim_start()
                .trim_start_matches("- ")
                .trim_start();
            let value = body.strip_prefix(&format!("{key}:")).unwrap_or_default();
            if value.trim_start().starts_with('{') {
                flow = Some(line);
            }
        }
        // The block of this node ends at the next line indented no deeper than it.
        let node_indent = indent;
        start = line + 1;
        if let Segment::Index(_) = segment {
            // Keys of a list item may sit on the item's own line ("- title: …").
            start = line;
        }
        end = (line + 1..lines.len())
            .find(|&i| {
                let l = lines[i];
                let t = l.trim_start();
                let indent = l.len() - t.len();
                if t.is_empty() || t.starts_with('#') {
                    return false;
                }
                // A key's value may be a list written at the key's own indentation.
                let list_under_key = matches!(segment, Segment::Key(_))
                    && t.starts_with("- ")
                    && indent == node_indent;
                indent < node_indent.max(1) && !list_under_key
            })
            .unwrap_or(lines.len());
        min_indent = node_indent;
    }
    match found {
        Some((l, c)) => (Some(l + 1), Some(c + 1)),
        None => (None, None),
    }
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn split_path(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for idx in rest.split('[') {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                out.push(Segment::Index(n));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "country: CA\nsummary:\n  fr: Bonjour\n  nl: Hallo\nsectors:\n  - title:\n      fr: A\n      nl: B\n    text:\n      fr: x\n  - title:\n      fr: C\n      nl: ''\n    text: {fr: y}\n";

    #[test]
    fn locates_a_key_of_a_flow_mapping_on_its_line() {
        let yaml = "cities:\n  - name: {fr: Toronto, nl: Toronto}\n    text:\n      fr: ville\n";
        assert_eq!(locate(yaml, "cities[0].name.nl"), (Some(2), Some(25)));
        assert_eq!(locate(yaml, "cities[0].name.fr"), (Some(2), Some(12)));
        assert_eq!(locate(yaml, "cities[0].text.fr"), (Some(4), Some(7)));
    }

    #[test]
    fn locates_nested_fields() {
        assert_eq!(locate(YAML, "country"), (Some(1), Some(1)));
        assert_eq!(locate(YAML, "summary.nl"), (Some(4), Some(3)));
        assert_eq!(locate(YAML, "sectors[0].title"), (Some(6), Some(5)));
        assert_eq!(locate(YAML, "sectors[0].text.fr"), (Some(10), Some(7)));
        assert_eq!(locate(YAML, "sectors[1].title.nl"), (Some(13), Some(7)));
        assert_eq!(locate(YAML, "sectors[1].text"), (Some(14), Some(5)));
        // A missing key points at its parent.
        assert_eq!(locate(YAML, "summary.en"), (Some(2), Some(1)));
    }
}
