//! Default templates, catalogues, fonts and reference data, embedded in the binary so it
//! works from any directory. A project overrides any of them by putting a file at the same
//! relative path (`templates/brief.typ.j2`, `fonts/…`, `data/reference/…`).

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::i18n::Lang;
use crate::i18n::catalogue::Catalogue;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static FONTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fonts");
static REFERENCE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data/reference");
static CLASSIFICATIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data/classifications");

/// Where each asset comes from: a project folder first, then the embedded copy.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    project: Option<PathBuf>,
}

impl Assets {
    /// Only the embedded defaults.
    pub fn embedded() -> Self {
        Assets { project: None }
    }

    /// The project's files first, then the embedded defaults.
    pub fn with_project(root: &Path) -> Self {
        Assets {
            project: Some(root.to_path_buf()),
        }
    }

    fn embedded_file(rel: &str) -> Option<&'static [u8]> {
        let (dir, rest) = if let Some(rest) = rel.strip_prefix("templates/") {
            (&TEMPLATES, rest)
        } else if let Some(rest) = rel.strip_prefix("fonts/") {
            (&FONTS, rest)
        } else if let Some(rest) = rel.strip_prefix("data/reference/") {
            (&REFERENCE, rest)
        } else if let Some(rest) = rel.strip_prefix("data/classifications/") {
            (&CLASSIFICATIONS, rest)
        } else {
            return None;
        };
        dir.get_file(rest).map(|f| f.contents())
    }

    /// Reads an asset by project-relative path (`templates/brief.typ.j2`). Returns the
    /// name to show in messages with the bytes. An override that exists but cannot be
    /// read is an error, never silently replaced by the default.
    pub fn read(&self, rel: &str) -> Result<Option<(String, Cow<'static, [u8]>)>> {
        if let Some(root) = &self.project {
            let path = root.join(rel);
            if path.is_file() {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                return Ok(Some((rel.to_string(), Cow::Owned(bytes))));
            }
        }
        Ok(Self::embedded_file(rel).map(|b| (format!("{rel} (built in)"), Cow::Borrowed(b))))
    }

    /// Reads an asset as UTF-8 text.
    pub fn read_text(&self, rel: &str) -> Result<Option<(String, String)>> {
        match self.read(rel)? {
            Some((name, bytes)) => {
                let text = String::from_utf8(bytes.into_owned())
                    .map_err(|_| anyhow::anyhow!("{name}: the file is not valid UTF-8"))?;
                Ok(Some((
                    name,
                    text.trim_start_matches('\u{feff}').to_string(),
                )))
            }
            None => Ok(None),
        }
    }

    /// The phrase catalogue of a language (`templates/i18n/<lang>.yaml`).
    pub fn catalogue(&self, lang: Lang) -> Result<Catalogue> {
        let rel = format!("templates/{}", crate::i18n::catalogue::file_name(lang));
        let (name, text) = self.read_text(&rel)?.with_context(|| {
            format!("missing translation: no catalogue {rel} for language {lang}")
        })?;
        Ok(Catalogue::parse(lang, &name, &text)?)
    }

    /// Every font file: the project's `fonts/` first (they win ties), then the embedded
    /// ones not overridden by a file of the same name. Sorted for a stable font order.
    pub fn fonts(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let is_font = |name: &str| {
            let lower = name.to_ascii_lowercase();
            lower.ends_with(".otf") || lower.ends_with(".ttf") || lower.ends_with(".ttc")
        };
        let mut fonts = Vec::new();
        if let Some(root) = &self.project {
            let dir = root.join("fonts");
            if dir.is_dir() {
                let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .with_context(|| format!("cannot list {}", dir.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_font))
                    .collect();
                paths.sort();
                for path in paths {
                    let bytes = std::fs::read(&path)
                        .with_context(|| format!("cannot read font {}", path.display()))?;
                    let name = path
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    fonts.push((name, bytes));
                }
            }
        }
        let mut embedded: Vec<_> = FONTS
            .files()
            .filter_map(|f| {
                let name = f.path().file_name()?.to_str()?.to_string();
                is_font(&name).then(|| (name, f.contents().to_vec()))
            })
            .filter(|(name, _)| !fonts.iter().any(|(n, _)| n == name))
            .collect();
        embedded.sort_by(|a, b| a.0.cmp(&b.0));
        fonts.extend(embedded);
        Ok(fonts)
    }
}
