//! Bounds on what marketbrief reads, so that an input far beyond any real one (a 2 GB
//! dataset, a 50 MB YAML string, 100,000 nested brackets, a header a gigabyte long) is
//! refused at once with a clear message instead of exhausting memory or time.
//!
//! The limits sit well above real inputs: the largest sample dataset is 9 KB, a full
//! Comext extract for one region is a few MB, a profile a few KB.

use std::io::Read;
use std::path::Path;

const MB: u64 = 1024 * 1024;

/// YAML files (profiles, dataset metadata, the configuration, mappings, catalogues).
/// YAML parsing needs many times the file's size in memory.
pub const YAML_BYTES: u64 = 4 * MB;
/// Tables read whole (datasets, recipients, extracts read through a mapping).
pub const TABLE_BYTES: u64 = 256 * MB;
/// Anything else read whole (templates, reference files, records).
pub const OTHER_BYTES: u64 = 64 * MB;
/// Nesting of YAML flow collections (`[…]`, `{…}`): a profile needs two or three levels,
/// and deeper nesting makes the YAML parser's time grow with the square of the depth.
pub const YAML_FLOW_DEPTH: usize = 32;
/// Text a YAML file may stand for once its aliases (`*name`) are expanded: a profile holds
/// a few KB. serde_yaml bounds how many events an alias replays, not their size, so a
/// 100 kB anchor repeated a thousand times made 100 MB of text, and gigabytes after.
pub const YAML_EXPANDED_BYTES: u64 = 16 * MB;
/// Values (scalars, lists, mappings) a YAML file may stand for once expanded.
pub const YAML_EXPANDED_NODES: u64 = 1_000_000;

/// Whether `text`, its aliases expanded, stands for more than [`YAML_EXPANDED_BYTES`] of
/// text or [`YAML_EXPANDED_NODES`] values. Walked without building anything: each scalar
/// is counted where the parser holds it, and the walk stops at the limit.
pub fn yaml_expands_too_far(text: &str) -> bool {
    use serde::de::{DeserializeSeed, Error, MapAccess, SeqAccess, Visitor};
    use std::cell::Cell;
    const OVER: &str = "marketbrief: expanded beyond the limit";
    #[derive(Clone, Copy)]
    struct Budget<'a> {
        bytes: &'a Cell<u64>,
        nodes: &'a Cell<u64>,
    }
    impl Budget<'_> {
        fn spend<E: Error>(self, bytes: usize) -> Result<(), E> {
            self.bytes.set(self.bytes.get() + bytes as u64);
            self.nodes.set(self.nodes.get() + 1);
            if self.bytes.get() > YAML_EXPANDED_BYTES || self.nodes.get() > YAML_EXPANDED_NODES {
                return Err(E::custom(OVER));
            }
            Ok(())
        }
    }
    impl<'de> DeserializeSeed<'de> for Budget<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Budget<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any YAML value")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<(), E> {
            self.spend(v.len())
        }
        fn visit_bool<E: Error>(self, _: bool) -> Result<(), E> {
            self.spend(0)
        }
        fn visit_i64<E: Error>(self, _: i64) -> Result<(), E> {
            self.spend(0)
        }
        fn visit_u64<E: Error>(self, _: u64) -> Result<(), E> {
            self.spend(0)
        }
        fn visit_f64<E: Error>(self, _: f64) -> Result<(), E> {
            self.spend(0)
        }
        fn visit_unit<E: Error>(self) -> Result<(), E> {
            self.spend(0)
        }
        fn visit_none<E: Error>(self) -> Result<(), E> {
            self.spend(0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            self.spend(0)?;
            while seq.next_element_seed(self)?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            self.spend(0)?;
            while map.next_key_seed(self)?.is_some() {
                map.next_value_seed(self)?;
            }
            Ok(())
        }
        fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
            use serde::de::VariantAccess;
            let ((), variant) = data.variant_seed(self)?;
            variant.newtype_variant_seed(self)
        }
    }
    let (bytes, nodes) = (Cell::new(0), Cell::new(0));
    let budget = Budget {
        bytes: &bytes,
        nodes: &nodes,
    };
    match budget.deserialize(serde_yaml::Deserializer::from_str(text)) {
        Err(e) => e.to_string().contains(OVER),
        Ok(()) => false,
    }
}

/// Why a workbook (a zip: `.xlsx`, `.ods`) is refused before it is read: one of its parts,
/// or all of them together, inflate beyond [`TABLE_BYTES`] — the bound on a table applies
/// to the sheet as it is read, not to its compressed size (a 1.5 MB workbook whose sheet
/// inflated to 1.5 GB took 9.2 GB of memory). Each part is inflated into nothing, up to
/// the bound, whatever sizes the archive declares. `None` for a sound workbook, or bytes
/// that are no zip (calamine says what is wrong with those).
pub fn workbook_too_large(bytes: &[u8]) -> Option<String> {
    workbook_beyond(bytes, TABLE_BYTES)
}

/// The most a recipients workbook may inflate to: a CRM export of 100,000 companies is
/// some 60 MB of sheet XML, and calamine holds several times that in memory.
pub const RECIPIENTS_WORKBOOK_BYTES: u64 = 64 * MB;

/// The most problems a table reports before it stops reading: enough to see what is wrong,
/// and it says that it stopped.
pub const MAX_PROBLEMS: usize = 1000;

/// Like [`workbook_too_large`], with another bound.
pub fn workbook_beyond(bytes: &[u8], limit: u64) -> Option<String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index(i) else {
            continue;
        };
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let inflated = std::io::copy(&mut part.take(limit + 1), &mut std::io::sink()).ok()?;
        total += inflated;
        if inflated > limit || total > limit {
            return Some(format!(
                "the workbook inflates to more than {} ({} and more in `{}`): far beyond any table marketbrief reads",
                human(limit),
                human(total),
                quote(&name)
            ));
        }
    }
    None
}

/// Characters of an input value quoted in a message: enough to recognise it.
pub const QUOTE_CHARS: usize = 60;
/// Characters of a reporter or partner code: twice the longest Eurostat writes (a country,
/// `CA`; a group, `WORLD`, `EU27_2020`, `EU27_2020_EXTRA`). A longer one is no code.
pub const CODE_CHARS: usize = 32;

/// The most bytes marketbrief reads whole from a file of this name.
pub fn max_bytes(path: &Path) -> u64 {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("yaml" | "yml") => YAML_BYTES,
        Some("csv" | "tsv" | "txt") => TABLE_BYTES,
        _ => OTHER_BYTES,
    }
}

/// Reads a whole file, refusing one larger than [`max_bytes`] before reading it (and one
/// that grows past it while being read).
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    // A file of the project is a regular file: a FIFO put in a profile's place would hang
    // the command at `open`, a device would never end.
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() && !metadata.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a pipe, socket or device): a project's files are read only from regular files",
        ));
    }
    read_given(path)
}

/// Reads a file of the project at `root` (a profile, a dataset, a template and what it
/// includes, a catalogue) like [`read`], once sure that, links resolved, it is inside the
/// project: a link to a file elsewhere (a system file, another's secret) is refused, and
/// neither its path nor its text is shown. What the command line names is the user's
/// choice, read with [`read_given`].
pub fn read_within(root: &Path, rel: &Path) -> std::io::Result<Vec<u8>> {
    let path = root.join(rel);
    let real = std::fs::canonicalize(&path)?;
    let base = std::fs::canonicalize(root)?;
    if !real.starts_with(&base) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "a link to a file outside the project: a project's files are read only from inside it (copy the file into the project)",
        ));
    }
    // The file checked is the file read: `real`, not the path a link could be swapped
    // behind in between, within the bound of the name the project gives it.
    let metadata = std::fs::metadata(&real)?;
    if !metadata.is_file() {
        return read(&real);
    }
    read_limited(&real, max_bytes(&path))
}

/// Reads a whole file named on the command line, which may be a pipe (`/dev/stdin`,
/// `<(…)`), within [`max_bytes`].
pub fn read_given(path: &Path) -> std::io::Result<Vec<u8>> {
    read_limited(path, max_bytes(path))
}

/// Reads the whole file at `path`, refusing one of more than `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(too_large(size, limit));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Reads a whole file as UTF-8 text, within [`max_bytes`].
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read(path)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the file is not valid UTF-8 (save it as UTF-8)",
        )
    })
}

fn too_large(size: u64, limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "the file is {}, more than the {} marketbrief reads for a file of this kind",
            human(size),
            human(limit)
        ),
    )
}

fn human(bytes: u64) -> String {
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// An input value as a message quotes it: cut after [`QUOTE_CHARS`] characters, and its
/// control characters shown escaped, so that one bad cell cannot flood the terminal.
pub fn quote(value: &str) -> String {
    let mut quoted: String = value
        .chars()
        .take(QUOTE_CHARS)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if value.chars().nth(QUOTE_CHARS).is_some() {
        quoted.push('…');
    }
    quoted
}

/// The longest line of a table read as a stream.
pub const LINE_BYTES: usize = 1024 * 1024;

/// A reader that fails on a line longer than [`LINE_BYTES`], so that a stream read line by
/// line (a Comext extract of any size) never holds one huge line in memory.
pub struct LineLimit<R> {
    inner: R,
    since_newline: usize,
}

impl<R: Read> LineLimit<R> {
    pub fn new(inner: R) -> Self {
        LineLimit {
            inner,
            since_newline: 0,
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            if byte == b'\n' {
                self.since_newline = 0;
            } else {
                self.since_newline += 1;
                if self.since_newline > LINE_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "a line is longer than {}: not a table of trade figures",
                            human(LINE_BYTES as u64)
                        ),
                    ));
                }
            }
        }
        Ok(n)
    }
}

/// Where the YAML `text` nests flow collections deeper than [`YAML_FLOW_DEPTH`], as a
/// 1-based line and column. Quoted scalars, comments and block scalars are skipped as
/// the YAML scanner skips them, so brackets in text never count.
pub fn yaml_too_deep(text: &str) -> Option<(usize, usize)> {
    #[derive(PartialEq)]
    enum State {
        Plain,
        Single,
        Double,
    }
    let mut state = State::Plain;
    let mut depth = 0usize;
    // The indentation of the line that opened a block scalar (`|` or `>`): the lines
    // indented deeper are its text.
    let mut block_scalar: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(opener) = block_scalar {
            if line.trim().is_empty() || indent > opener {
                continue;
            }
            block_scalar = None;
        }
        // A scalar starts at the line's first character, after `[ { , ` and after `: `,
        // `- ` or `? `; a quote there opens a quoted scalar, anywhere else it is text.
        let mut at_scalar_start = true;
        // `- ` and `? ` are indicators only before anything else on the line.
        let mut line_start = true;
        let mut escaped = false;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match state {
                State::Single => {
                    if c == '\'' {
                        if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                            chars.next();
                        } else {
                            state = State::Plain;
                            at_scalar_start = false;
                        }
                    }
                    continue;
                }
                State::Double => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        state = State::Plain;
                        at_scalar_start = false;
                    }
                    continue;
                }
                State::Plain => {}
            }
            let next_is_space = chars.peek().is_none_or(|&(_, next)| next == ' ');
            let indicator = line_start && matches!(c, '-' | '?') && next_is_space;
            line_start &= indicator || c == ' ';
            match c {
                ' ' | '\t' => {}
                '#' if i == 0 || line[..i].ends_with([' ', '\t']) => break,
                '\'' if at_scalar_start => state = State::Single,
                '"' if at_scalar_start => state = State::Double,
                '|' | '>' if at_scalar_start && depth == 0 => {
                    block_scalar = Some(indent);
                    break;
                }
                // Inside a plain scalar of block context (`name: l'Echo [x`), brackets are
                // text; in flow context a plain scalar cannot hold them.
                '[' | '{' if at_scalar_start || depth > 0 => {
                    depth += 1;
                    if depth > YAML_FLOW_DEPTH {
                        return Some((n + 1, line[..i].chars().count() + 1));
                    }
                    at_scalar_start = true;
                }
                ']' | '}' if depth > 0 => {
                    depth = depth.saturating_sub(1);
                    at_scalar_start = false;
                }
                ',' => at_scalar_start = depth > 0,
                ':' if next_is_space => at_scalar_start = true,
                '-' | '?' if indicator => at_scalar_start = true,
                _ => at_scalar_start = false,
            }
        }
    }
    None
}

/// Whether the YAML `text` holds more flow-collection brackets than any real input: a
/// bound that holds however the text quotes them, so that no quoting trick gets deep
/// nesting past [`yaml_too_deep`] to the parser.
pub fn yaml_too_many_brackets(text: &str) -> bool {
    text.bytes().filter(|b| matches!(b, b'[' | b'{')).count() > YAML_BRACKETS
}

/// Flow-collection brackets in one YAML file, counted wherever they are.
pub const YAML_BRACKETS: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_found_where_it_passes_the_limit() {
        let deep = format!("a: 1\nb: {}", "[".repeat(100_000));
        assert_eq!(yaml_too_deep(&deep), Some((2, 4 + YAML_FLOW_DEPTH)));
        let nested_maps = format!("b: {}", "{a: ".repeat(40));
        assert!(yaml_too_deep(&nested_maps).is_some());
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let text = format!(
            "a: '{0}'\nb: \"{0}\"\nc: l'Echo {0}\n# {0}\nd: |\n  {0}\n  'unclosed\ne: [x, [y]]\n",
            "[".repeat(50)
        );
        assert_eq!(yaml_too_deep(&text), None);
        // Real profiles pass.
        for code in ["ca", "jp", "mx", "us"] {
            let path = format!("{}/data/profiles/{code}.yaml", env!("CARGO_MANIFEST_DIR"));
            let profile = std::fs::read_to_string(path).unwrap();
            assert_eq!(yaml_too_deep(&profile), None, "{code}");
        }
    }

    #[test]
    fn a_text_that_is_not_quoted_does_not_hide_nesting() {
        // `b 'c` is a plain scalar: the quote does not open a string, so the brackets on
        // the next line are real nesting.
        let text = format!("a: b 'c\nd: {}\n", "[".repeat(40));
        assert!(yaml_too_deep(&text).is_some());
        let text = format!("a: \"x\\\"\"\nd: {}\n", "[".repeat(40));
        assert!(yaml_too_deep(&text).is_some());
        let text = format!("a: x - 'b\nd: {}\n", "[".repeat(40));
        assert!(yaml_too_deep(&text).is_some());
        // Whatever the quoting, a flood of brackets is refused.
        assert!(yaml_too_many_brackets(&format!(
            "a: '{}'",
            "[".repeat(YAML_BRACKETS + 1)
        )));
        assert!(!yaml_too_many_brackets("a: [b, {c: d}]"));
    }

    #[test]
    fn a_stream_with_a_huge_line_fails_without_holding_it() {
        let mut huge = LineLimit::new(std::io::repeat(b'x').take(LINE_BYTES as u64 + 10));
        let err = std::io::copy(&mut huge, &mut std::io::sink()).unwrap_err();
        assert!(err.to_string().contains("longer than 1.0 MB"), "{err}");
        let lines = "a,b\n".repeat(LINE_BYTES);
        let mut fine = LineLimit::new(lines.as_bytes());
        assert_eq!(
            std::io::copy(&mut fine, &mut std::io::sink()).unwrap(),
            lines.len() as u64
        );
    }

    #[test]
    fn quotes_are_cut_and_escaped() {
        assert_eq!(quote("blue"), "blue");
        assert_eq!(quote("a\nb"), "a\\nb");
        let long = "x".repeat(1000);
        assert_eq!(quote(&long).chars().count(), QUOTE_CHARS + 1);
        assert!(quote(&long).ends_with('…'));
    }

    #[test]
    fn files_beyond_their_limit_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(YAML_BYTES + 1).unwrap();
        let err = read(&path).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("more than the 4.0 MB"), "{err}");
        let small = dir.path().join("small.csv");
        std::fs::write(&small, "a,b\n").unwrap();
        assert_eq!(read(&small).unwrap(), b"a,b\n");
    }
}
