//! The edition store: the record an edition keeps beside its PDFs — `manifest.json`, every
//! brief with the hash of its file and of its inputs (what [`crate::incremental`] compares),
//! and `figures.json`, every number each brief printed (what `diff`, the "since the last
//! edition" box, the handout and the mail read). Both files carry the store's format.

use crate::assets::Assets;
use crate::config::Edition;
use crate::error::{Error, IoResultExt, Result};
use crate::incremental::{BriefKey, Inputs, digest, fingerprints, sha256};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod spool;
pub use spool::Spool;

/// An edition's previous edition and what each of its briefs printed, shared by the
/// briefs built at once.
pub type Previous = (Edition, std::sync::Arc<Spool>);

/// An edition's record of its briefs: `manifest.json` beside the PDFs lists every brief
/// with the hash of its file and of its inputs, and `figures.json` the key figures each
/// brief printed, so editions can be compared after the data files have moved on. The
/// manifest also tells an incremental build which briefs are up to date.
pub struct Store {
    dir: PathBuf,
    manifest: Manifest,
    /// On disk, not in memory: the record of a large edition is streamed.
    figures: Spool,
    changed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default = "first_format")]
    pub format: u32,
    pub edition: String,
    pub briefs: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub country: String,
    pub language: String,
    pub file: String,
    pub sha256: String,
    pub pages: usize,
    pub bytes: usize,
    /// The hash of everything the brief was built from: [`digest`] of `files`.
    pub inputs: String,
    /// Every file the brief read, with its fingerprint. Absent from manifests written
    /// before files were recorded: such briefs are rebuilt.
    #[serde(default)]
    pub files: Inputs,
    /// Built with `--draft`: never mailed, replaced by the final build of the brief.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// The SHA-256 of what `figures.json` records of the brief: the two files of the
    /// record are written one after the other, and a brief is current only when both say
    /// the same (absent from manifests of older versions: such briefs are rebuilt).
    #[serde(default)]
    pub figures_sha256: String,
}

/// The format of the store this version writes, in both files: 2 records the marks of every
/// printed number (`marks`) in `figures.json`; 1, written before the field `format`
/// existed, only some. A newer format is refused, never misread.
pub const FORMAT: u32 = 2;

fn first_format() -> u32 {
    1
}

/// A record file of `format` is one this version can read: not a newer one.
fn readable(path: &Path, format: u32) -> Result<()> {
    if format > FORMAT {
        return Err(Error::Record {
            path: path.to_path_buf(),
            message: format!(
                "is of format {format}, written by a newer marketbrief (this one reads up to format {FORMAT}); build with that version, or move the edition away"
            ),
        });
    }
    Ok(())
}

pub const MANIFEST_FILE: &str = "manifest.json";
pub const FIGURES_FILE: &str = "figures.json";

/// The SHA-256 of what the record says a brief printed.
pub fn figures_sha256(figures: &crate::printed::BriefFigures) -> String {
    sha256(
        serde_json::to_string(figures)
            .unwrap_or_default()
            .as_bytes(),
    )
}

impl Store {
    /// Reads the record of `out_dir`; a missing or unreadable one means "nothing built yet".
    /// Reads the record of `out_dir`; a missing one means "nothing built yet". One that
    /// cannot be read is an error: rewriting it from the briefs of this build alone would
    /// lose what it says of the others.
    pub fn load(out_dir: &Path, edition: Edition) -> Result<Store> {
        let manifest_path = out_dir.join(MANIFEST_FILE);
        let manifest = read_record::<Manifest>(&manifest_path)?.unwrap_or(Manifest {
            format: FORMAT,
            edition: edition.to_string(),
            briefs: Vec::new(),
        });
        readable(&manifest_path, manifest.format)?;
        let figures_path = out_dir.join(FIGURES_FILE);
        let figures = match Spool::read(&figures_path).io("read", &figures_path)? {
            Some(Ok((head, figures))) => {
                readable(&figures_path, head.format.unwrap_or(1))?;
                figures
            }
            Some(Err(reason)) => return Err(unreadable_record(&figures_path, &reason)),
            None => Spool::new().io("create a temporary file for", &figures_path)?,
        };
        Ok(Store {
            dir: out_dir.to_path_buf(),
            manifest,
            figures,
            changed: false,
        })
    }

    /// Whether the brief's PDF is the one recorded, written from inputs that are still the
    /// same: every file it recorded has the fingerprint it had (a file that disappeared, or
    /// an override that appeared for an embedded default, is a change).
    pub fn is_current(&self, file: &str, pdf: &Path, key: &BriefKey<'_>, assets: &Assets) -> bool {
        let Some(entry) = self.entry(file) else {
            return false;
        };
        if entry.files.is_empty() {
            return false;
        }
        // A file that cannot be read now is a change: the rebuild will say what is wrong.
        let Ok(now) = fingerprints(assets, entry.files.keys()) else {
            return false;
        };
        now == entry.files
            && digest(key, &now) == entry.inputs
            && self.figures.sha256(file.trim_end_matches(".pdf")) == Some(&entry.figures_sha256)
            && std::fs::read(pdf).is_ok_and(|bytes| sha256(&bytes) == entry.sha256)
    }

    /// The brief's entry in the manifest, if it has one.
    pub fn entry(&self, file: &str) -> Option<&ManifestEntry> {
        self.manifest.briefs.iter().find(|e| e.file == file)
    }

    /// What the record says the brief `name` (`ca-fr`) printed, if it has it.
    pub fn figures(&self, name: &str) -> Option<Result<crate::printed::BriefFigures>> {
        Some(
            self.figures
                .get(name)?
                .io("read the spooled figures of", self.dir.join(FIGURES_FILE)),
        )
    }

    /// Records a brief just written (its entry's `figures_sha256` is set here).
    pub fn add_brief(
        &mut self,
        mut entry: ManifestEntry,
        figures: crate::printed::BriefFigures,
    ) -> Result<()> {
        entry.figures_sha256 = figures_sha256(&figures);
        let name = entry.file.trim_end_matches(".pdf").to_string();
        match self
            .manifest
            .briefs
            .iter_mut()
            .find(|e| e.file == entry.file)
        {
            Some(old) if *old == entry => {}
            Some(old) => {
                *old = entry;
                self.changed = true;
            }
            None => {
                self.manifest.briefs.push(entry);
                self.manifest.briefs.sort_by(|a, b| a.file.cmp(&b.file));
                self.changed = true;
            }
        }
        let path = self.dir.join(FIGURES_FILE);
        if self
            .figures
            .insert(&name, &figures)
            .io("keep the figures of a brief for", &path)?
        {
            self.changed = true;
        }
        Ok(())
    }

    /// Writes `figures.json` then `manifest.json`, only if something changed. The manifest
    /// is what marks a brief current, so it goes last: a write that fails (a full disk)
    /// leaves the old manifest, whose hashes no longer match the new PDFs or figures, and
    /// the next build rebuilds those briefs instead of calling them unchanged.
    pub fn save(&self) -> Result<()> {
        if !self.changed {
            return Ok(());
        }
        let edition = self.manifest.edition.clone();
        let figures_path = self.dir.join(FIGURES_FILE);
        crate::output::write_atomic_with(&figures_path, true, |out| {
            self.figures.write_json(out, FORMAT, &edition)
        })?;
        let path = self.dir.join(MANIFEST_FILE);
        let manifest = serde_json::to_string_pretty(&Manifest {
            format: FORMAT,
            ..self.manifest.clone()
        })
        .map_err(|e| Error::Record {
            path: path.clone(),
            message: format!("cannot be written: {e}"),
        })? + "\n";
        crate::output::write_atomic_with(&path, true, |out| out.write_all(manifest.as_bytes()))
    }
}

/// A record file of an edition, or `None` when there is none yet.
fn read_record<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    let text = match crate::limits::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        other => other.io("read", path)?,
    };
    let record = std::str::from_utf8(&text)
        .map_err(|e| e.to_string())
        .and_then(|text| {
            let text = text.trim_start_matches('\u{feff}');
            if text.trim().is_empty() {
                return Err("the file is empty".to_string());
            }
            serde_json::from_str(text).map_err(|e| e.to_string())
        })
        .map_err(|reason| unreadable_record(path, &reason))?;
    Ok(Some(record))
}

/// A record file of the edition being built that cannot be read.
fn unreadable_record(path: &Path, reason: &str) -> Error {
    Error::Record {
        path: path.to_path_buf(),
        message: format!(
            "cannot be read, so this build cannot keep what it records of the other briefs; move it away and build the whole edition to write it again: {reason}"
        ),
    }
}

/// Reads an edition's `figures.json`, one brief at a time into a [`Spool`].
pub fn read_figures(out_dir: &Path) -> Result<Spool> {
    let path = out_dir.join(FIGURES_FILE);
    let cannot = |reason: String| Error::Record {
        path: path.clone(),
        message: format!("cannot be read: {reason}; build that edition first"),
    };
    match Spool::read(&path) {
        Ok(Some(Ok((head, figures)))) => {
            readable(&path, head.format.unwrap_or(1))?;
            Ok(figures)
        }
        Ok(Some(Err(reason))) => Err(Error::Record {
            path: path.clone(),
            message: format!("is not a figures file: {reason}"),
        }),
        Ok(None) => Err(cannot("No such file or directory (os error 2)".to_string())),
        Err(e) => Err(cannot(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) {
        std::fs::write(dir.join(FIGURES_FILE), text).unwrap();
    }

    /// Issue 22.4: the record of every mark is a format change, versioned; a record of the
    /// first format (no `format`, marks on some figures only) is still read, and one of a
    /// newer format is refused rather than misread.
    #[test]
    fn figures_records_say_their_format() {
        let dir = tempfile::tempdir().unwrap();
        let figure = r#"{"id":"key/region_goods_exports","part":"key_figure","label":"Goods exports","period":"2024","value":32400000.0,"printed":"EUR 32.4 million","change":"−78% on 2023 †","illustrative":true,"rows":["data/datasets/bru-goods.csv:7"]}"#;
        write(
            dir.path(),
            &format!(
                r#"{{"edition":"2025-Q3","briefs":{{"ca-en":{{"country":"CA","language":"en","figures":[{figure}]}}}}}}"#
            ),
        );
        let briefs = read_figures(dir.path()).unwrap();
        let old = &briefs.get("ca-en").unwrap().unwrap().figures[0];
        assert_eq!(old.marks, None);
        // As it was printed then: the change marked, so the value was not.
        assert_eq!(
            old.marks(),
            crate::marks::Marks {
                value: false,
                base: true,
                change: true
            }
        );
        let edition = Edition {
            year: 2025,
            quarter: 3,
        };
        let mut state = Store::load(dir.path(), edition).unwrap();
        state.changed = true;
        state.save().unwrap();
        let saved = std::fs::read_to_string(dir.path().join(FIGURES_FILE)).unwrap();
        assert!(saved.contains(&format!("\"format\": {FORMAT}")), "{saved}");
        let manifest = std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap();
        assert!(
            manifest.contains(&format!("\"format\": {FORMAT}")),
            "{manifest}"
        );

        write(
            dir.path(),
            r#"{"format":3,"edition":"2025-Q3","briefs":{}}"#,
        );
        let error = read_figures(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("format 3") && error.contains("newer"),
            "{error}"
        );
        assert!(Store::load(dir.path(), edition).is_err());
        // The manifest says its format too, and a newer one is refused as well.
        std::fs::remove_file(dir.path().join(FIGURES_FILE)).unwrap();
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"format":3,"edition":"2025-Q3","briefs":[]}"#,
        )
        .unwrap();
        let error = Store::load(dir.path(), edition).err().unwrap().to_string();
        assert!(
            error.contains("manifest.json") && error.contains("format 3"),
            "{error}"
        );
    }
}
