//! Errors about user input: each names the file, the position where known, and the field.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem in an input file that the user must fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file, as given (relative to the project where possible).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field path, e.g. `sectors[2].title.nl`, when the problem is in one field.
    pub field: Option<String>,
    /// What is wrong: what was expected and what was found.
    pub message: String,
    /// What to write instead, when there is one answer (the style check's preferred
    /// words): for editors and CI through `check --format json`.
    /// (Boxed: every `Result` carries this type, and it stays under clippy's size bound.)
    pub help: Option<Box<str>>,
}

impl InputError {
    pub fn new(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        InputError {
            file: file.as_ref().to_path_buf(),
            line: None,
            column: None,
            field: None,
            message: cut_long_runs(&cut_quotes(&message.into())),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Parses YAML `text` from `file` into `T`. A key written twice in one mapping is an
    /// error (serde keeps the last silently: a second `en:` would lose the first text).
    pub fn parse_yaml<T: serde::de::DeserializeOwned>(
        file: impl AsRef<Path>,
        text: &str,
    ) -> Result<T, InputError> {
        Self::check_yaml_bounds(&file, text)?;
        // The generic YAML value refuses duplicate keys at every depth, with their position.
        if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(text)
            && e.to_string().contains("duplicate entry")
        {
            return Err(Self::from_yaml(file, text, &e));
        }
        serde_yaml::from_str(text).map_err(|e| Self::from_yaml(file, text, &e))
    }

    /// Refuses YAML whose flow collections nest deeper than any input needs, before the
    /// parser (whose time grows with the square of the depth) sees it.
    pub fn check_yaml_bounds(file: impl AsRef<Path>, text: &str) -> Result<(), InputError> {
        use crate::limits;
        if let Some((line, column)) = limits::yaml_too_deep(text) {
            return Err(InputError::new(
                file,
                format!(
                    "`[ ]` and `{{ }}` are nested more than {} levels deep here",
                    limits::YAML_FLOW_DEPTH
                ),
            )
            .at(Some(line), Some(column)));
        }
        if limits::yaml_too_many_brackets(text) {
            return Err(InputError::new(
                file,
                format!(
                    "the file holds more than {} `[` and `{{`: far more than any input of marketbrief",
                    limits::YAML_BRACKETS
                ),
            ));
        }
        if limits::yaml_expands_too_far(text) {
            return Err(InputError::new(
                file,
                format!(
                    "the file's anchors and aliases (`&name`, `*name`) stand for more than {} MB of text or {} values: far more than any input of marketbrief; write the values out",
                    limits::YAML_EXPANDED_BYTES / (1024 * 1024),
                    limits::YAML_EXPANDED_NODES
                ),
            ));
        }
        Ok(())
    }

    /// Builds an error from a serde_yaml error on `text`, keeping its position.
    pub fn from_yaml(file: impl AsRef<Path>, text: &str, err: &serde_yaml::Error) -> Self {
        let (line, column) = match err.location() {
            Some(loc) => (Some(loc.line()), Some(loc.column())),
            None => (None, None),
        };
        // serde_yaml appends " at line X column Y" to its message; the position is shown
        // in front instead, so drop the duplicate.
        // The primary position is shown in front; keep any secondary one ("while scanning a
        // quoted scalar at line 3 column 7") in the message.
        let mut message = err.to_string();
        if let Some(loc) = err.location() {
            message = message.replacen(
                &format!(" at line {} column {}", loc.line(), loc.column()),
                "",
                1,
            );
        }
        let message = message.replace("unknown variant", "unknown value");
        let mut error = InputError::new(file, message).at(line, column);
        // Our own value checks (dates, editions, colours) report where the enclosing
        // mapping starts; the offending value itself is a better place to point at.
        if let Some(found) = error
            .message
            .split("found `")
            .nth(1)
            .and_then(|r| r.split('`').next())
            .map(|found| found.trim_end_matches('…'))
            && !found.is_empty()
            && let Some((i, line_text)) = {
                // The line whose value is the one found, else the first that contains it
                // (`2025-13-01` inside a flow mapping): never an earlier line that merely
                // mentions the same word.
                let value_of = |l: &str| l.split_once(':').map(|(_, v)| v.trim().to_string());
                let exact = text.lines().enumerate().find(|(_, l)| {
                    value_of(l).is_some_and(|v| v.trim_matches(['"', '\'']) == found)
                });
                exact.or_else(|| {
                    text.lines()
                        .enumerate()
                        .find(|(_, l)| value_of(l).is_some_and(|v| v.contains(found)))
                })
            }
        {
            let column = line_text
                .find(found)
                .map(|b| line_text[..b].chars().count() + 1);
            error = error.at(Some(i + 1), column);
        }
        // serde_yaml reports the field path as a prefix "a.b[2].c: message".
        if let Some((path, rest)) = error.message.split_once(": ")
            && !path.contains(' ')
            && !path.is_empty()
        {
            let (path, rest) = (path.to_string(), rest.to_string());
            error.field = Some(path);
            error.message = rest;
        }
        error
    }
}

/// Cuts any run of characters without a space longer than a path or a URL can sensibly be
/// (a value quoted by serde or by another message, unquoted), so that no message echoes a
/// huge value whole, whatever quotes it.
fn cut_long_runs(message: &str) -> String {
    const LONGEST: usize = 300;
    if message.split_whitespace().all(|w| w.len() <= LONGEST) {
        return message.to_string();
    }
    let mut out = String::with_capacity(LONGEST * 2);
    let mut run = 0usize;
    for c in message.chars() {
        if c.is_whitespace() {
            run = 0;
        } else {
            run += 1;
            if run == crate::limits::QUOTE_CHARS + 1 {
                out.push('…');
            }
            if run > crate::limits::QUOTE_CHARS {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Cuts every backquoted value in a message to what [`crate::limits::quote`] keeps, so a
/// gigabyte-long cell or header is never echoed whole.
fn cut_quotes(message: &str) -> String {
    if !message.split('`').skip(1).step_by(2).any(|quoted| {
        quoted.len() > crate::limits::QUOTE_CHARS || quoted.chars().any(char::is_control)
    }) {
        return message.to_string();
    }
    let parts: Vec<&str> = message.split('`').collect();
    let closed = parts.len() % 2 == 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 && (closed || i + 1 < parts.len()) {
                crate::limits::quote(part)
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// Several input errors found in one pass, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_written_twice_is_an_error_at_every_depth() {
        let text = "summary:\n  en: First\n  fr: Premier\n  en: Second\n";
        let err = InputError::parse_yaml::<serde_yaml::Value>("p.yaml", text).unwrap_err();
        assert!(err.message.contains("duplicate entry"), "{err}");
        // serde_yaml places it at the mapping that holds the key twice.
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains("\"en\""), "{err}");
    }

    #[test]
    fn no_message_echoes_a_huge_value_whatever_quotes_it() {
        let huge = "Z".repeat(300_000);
        let error = InputError::new(
            "p.yaml",
            format!("invalid type: string \"{huge}\", expected u16"),
        );
        assert!(error.message.len() < 200, "{}", error.message.len());
        assert!(
            error.message.ends_with("… expected u16"),
            "{}",
            error.message
        );
        // Ordinary messages, paths and URLs stay whole.
        let url = format!("https://example.org/{}", "a/".repeat(100));
        assert_eq!(
            InputError::new("p.yaml", format!("see {url}")).message,
            format!("see {url}")
        );
    }

    #[test]
    fn an_absurdly_long_path_is_cut_in_messages() {
        let io = std::io::Error::other("too long");
        let message = Error::io("create", "x".repeat(5000), io).to_string();
        assert!(message.len() < 120, "{message}");
    }

    #[test]
    fn an_error_that_is_not_about_an_input_is_told_with_its_cause_as_one() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let error = Error::io("read", "data/x.csv", io);
        assert_eq!(error.to_string(), "cannot read data/x.csv");
        let errors = error.into_input_errors(Path::new("data/profiles/ca.yaml"));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "data/profiles/ca.yaml: cannot read data/x.csv: denied"
        );
        // Input errors keep their own files and positions.
        let located = InputError::new("a.yaml", "bad").at(Some(3), Some(4));
        let errors = Error::from(located.clone()).into_input_errors(Path::new("b.yaml"));
        assert_eq!(errors, [located]);
    }
}

/// What the library fails with: each kind says what went wrong and where, so callers
/// match on it instead of reading messages. The commands (`cmd`) add context with
/// `anyhow` and print; nothing below them does.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Inputs to fix, each located by file, line, column and field: what `check` reports.
    #[error(transparent)]
    Input(#[from] InputErrors),
    /// The folder given (or the one the user stands in, and those above it) holds no
    /// project.
    #[error("{}", no_project(root, config))]
    NoProject {
        root: PathBuf,
        /// The configuration file a project has.
        config: &'static str,
    },
    /// A file or folder could not be read, listed, created or written.
    #[error("cannot {action} {}", shown_path(path))]
    Io {
        /// What was being done: `read`, `list`, `create`, `write`, `replace`…
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file marketbrief ships, or a project's copy of it, is missing or unusable:
    /// catalogues, classifications, CLDR data, outlines, fonts, templates.
    #[error("{name}: {message}")]
    Asset { name: String, message: String },
    /// Typst cannot use the document's settings (its date, the PDF standards asked for).
    /// Typst's own errors are input errors, at their template or profile line.
    #[error("{0}")]
    Typeset(String),
    /// The PDF standards asked for cannot hold what the brief needs; no input can mend it.
    #[error("cannot write the PDF: {0}")]
    Standards(String),
    /// A chart could not be drawn.
    #[error("cannot draw {what}: {message}")]
    Chart { what: &'static str, message: String },
    /// A figures record of an earlier build (`figures.json`) is missing or unreadable.
    #[error("{} {message}", path.display())]
    Record { path: PathBuf, message: String },
    /// A message could not be prepared or sent.
    #[error("{0}")]
    Mail(String),
    /// The command line asks for what the project does not have (a country without a
    /// profile, an unknown PDF standard).
    #[error("{0}")]
    Request(String),
    /// An import that would lose or corrupt data, refused with nothing written.
    #[error("{0}")]
    Import(String),
    /// What cannot happen did: a bug to report (a worker thread panicked).
    #[error("{0} (a bug in marketbrief: please report it)")]
    Internal(String),
}

/// The library's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`, while doing `action` (`read`, `write`…).
    pub fn io(action: &'static str, path: impl AsRef<Path>, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// An asset that is missing or unusable.
    pub fn asset(name: impl fmt::Display, message: impl Into<String>) -> Error {
        Error::Asset {
            name: name.to_string(),
            message: message.into(),
        }
    }

    /// The problems as input errors, for `check` and the build report; one that is not
    /// about an input is told as an error of `file`, with its causes.
    pub fn into_input_errors(self, file: &Path) -> Vec<InputError> {
        match self {
            Error::Input(errors) => errors.0,
            other => vec![InputError::new(file, chain(&other))],
        }
    }
}

/// A path as a message shows it: whole, unless it is longer than any real one (a pasted
/// value), then cut like any quoted value.
fn shown_path(path: &Path) -> String {
    let text = path.display().to_string();
    if text.chars().count() > 300 {
        crate::limits::quote(&text)
    } else {
        text
    }
}

fn no_project(root: &Path, config: &str) -> String {
    if root == Path::new(".") {
        format!(
            "neither this folder nor any folder above it holds {config}: run marketbrief inside a project or pass --project DIR"
        )
    } else {
        format!(
            "{} has no {config}: run marketbrief inside a project or pass --project DIR",
            root.display()
        )
    }
}

/// An error and its causes on one line, as `anyhow` prints them with `{:#}`.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

impl From<InputError> for Error {
    fn from(error: InputError) -> Self {
        Error::Input(InputErrors(vec![error]))
    }
}

/// Names the file an I/O error is about: `fs::read(path).io("read", path)?`.
pub trait IoResultExt<T> {
    fn io(self, action: &'static str, path: impl AsRef<Path>) -> Result<T>;
}

impl<T> IoResultExt<T> for std::io::Result<T> {
    fn io(self, action: &'static str, path: impl AsRef<Path>) -> Result<T> {
        self.map_err(|source| Error::io(action, path, source))
    }
}
