//! Incremental builds: each brief's inputs — its profile and flag, the datasets, templates,
//! catalogues, reference data, fonts, configuration, edition, language and the tool's
//! version — are hashed; a brief whose hash matches the one recorded when its PDF was
//! written is skipped.

use crate::config::{CONFIG_FILE, Edition};
use crate::i18n::Lang;
use crate::project::{DATASETS_DIR, Project};
use crate::reference::{CLASSIFICATIONS, Reference};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Hashes of what every brief of a run shares.
pub struct Digests {
    shared: Sha256,
}

fn feed(hasher: &mut Sha256, label: &str, bytes: &[u8]) {
    // Length-prefixed, so that moving bytes between fields changes the hash.
    hasher.update((label.len() as u64).to_le_bytes());
    hasher.update(label.as_bytes());
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

impl Digests {
    /// `settings` stands for the command-line choices that change the PDF (standards).
    pub fn new(
        project: &Project,
        fonts: &[(String, Vec<u8>)],
        edition: Edition,
        settings: &str,
    ) -> Result<Digests> {
        let mut h = Sha256::new();
        feed(&mut h, "version", env!("CARGO_PKG_VERSION").as_bytes());
        feed(&mut h, "settings", settings.as_bytes());
        feed(&mut h, "edition", edition.to_string().as_bytes());
        let config = std::fs::read(project.root.join(CONFIG_FILE))
            .with_context(|| format!("cannot read {CONFIG_FILE}"))?;
        feed(&mut h, CONFIG_FILE, &config);
        for dataset in &project.datasets {
            for path in [&dataset.csv_path, &dataset.meta_path] {
                let bytes = std::fs::read(project.root.join(path))
                    .with_context(|| format!("cannot read {}", path.display()))?;
                feed(&mut h, &path.display().to_string(), &bytes);
            }
        }
        feed(&mut h, "datasets", DATASETS_DIR.as_bytes());
        let mut assets: Vec<String> =
            vec![format!("templates/{}", crate::template::BRIEF_TEMPLATE)];
        for lang in Lang::ALL {
            assets.push(format!(
                "templates/{}",
                crate::i18n::catalogue::file_name(lang)
            ));
            assets.push(format!(
                "data/reference/cldr/territories.{}.json",
                lang.locale()
            ));
        }
        for id in CLASSIFICATIONS {
            assets.push(format!("data/classifications/{id}.csv"));
        }
        assets.push(crate::reference::IN_COUNTRY.to_string());
        for rel in &assets {
            let bytes = project
                .assets
                .read(rel)?
                .map(|(_, b)| b.into_owned())
                .unwrap_or_default();
            feed(&mut h, rel, &bytes);
        }
        for (name, bytes) in fonts {
            feed(&mut h, name, bytes);
        }
        Ok(Digests { shared: h })
    }

    /// The hash of one brief's inputs, as hex.
    pub fn brief(
        &self,
        project: &Project,
        profile_path: &Path,
        code: &str,
        lang: Lang,
    ) -> Result<String> {
        let mut h = self.shared.clone();
        feed(&mut h, "lang", lang.code().as_bytes());
        let profile = std::fs::read(project.root.join(profile_path))
            .with_context(|| format!("cannot read {}", profile_path.display()))?;
        feed(&mut h, &profile_path.display().to_string(), &profile);
        let flag = Reference::flag(&project.assets, code)?.unwrap_or_default();
        feed(&mut h, "flag", &flag);
        Ok(hex(&h.finalize()))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An edition's record of its briefs: `manifest.json` beside the PDFs lists every brief
/// with the hash of its file and of its inputs, and `figures.json` the key figures each
/// brief printed, so editions can be compared after the data files have moved on. The
/// manifest also tells an incremental build which briefs are up to date.
pub struct State {
    dir: PathBuf,
    manifest: Manifest,
    figures: BTreeMap<String, crate::brief::BriefFigures>,
    changed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
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
    /// The hash of everything the brief was built from.
    pub inputs: String,
}

#[derive(Serialize, Deserialize)]
struct FiguresFile {
    edition: String,
    briefs: BTreeMap<String, crate::brief::BriefFigures>,
}

pub const MANIFEST_FILE: &str = "manifest.json";
pub const FIGURES_FILE: &str = "figures.json";

/// The SHA-256 of some bytes, as hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

impl State {
    /// Reads the record of `out_dir`; a missing or unreadable one means "nothing built yet".
    pub fn load(out_dir: &Path, edition: Edition) -> State {
        let manifest = std::fs::read_to_string(out_dir.join(MANIFEST_FILE))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Manifest {
                edition: edition.to_string(),
                briefs: Vec::new(),
            });
        let figures = std::fs::read_to_string(out_dir.join(FIGURES_FILE))
            .ok()
            .and_then(|text| serde_json::from_str::<FiguresFile>(&text).ok())
            .map(|f| f.briefs)
            .unwrap_or_default();
        State {
            dir: out_dir.to_path_buf(),
            manifest,
            figures,
            changed: false,
        }
    }

    /// Whether the brief's PDF is the one recorded, written from these very inputs.
    pub fn is_current(&self, file: &str, inputs: &str, pdf: &Path) -> bool {
        let Some(entry) = self.manifest.briefs.iter().find(|e| e.file == file) else {
            return false;
        };
        entry.inputs == inputs
            && self.figures.contains_key(file.trim_end_matches(".pdf"))
            && std::fs::read(pdf).is_ok_and(|bytes| sha256(&bytes) == entry.sha256)
    }

    /// Records a brief just written.
    pub fn record(&mut self, entry: ManifestEntry, figures: crate::brief::BriefFigures) {
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
        if self.figures.get(&name) != Some(&figures) {
            self.figures.insert(name, figures);
            self.changed = true;
        }
    }

    /// Writes `manifest.json` and `figures.json`, only if something changed.
    pub fn save(&self) -> Result<()> {
        if !self.changed {
            return Ok(());
        }
        let figures = FiguresFile {
            edition: self.manifest.edition.clone(),
            briefs: self.figures.clone(),
        };
        for (name, text) in [
            (
                MANIFEST_FILE,
                serde_json::to_string_pretty(&self.manifest)? + "\n",
            ),
            (FIGURES_FILE, serde_json::to_string_pretty(&figures)? + "\n"),
        ] {
            let path = self.dir.join(name);
            // Leave a file alone when its content is the same.
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                crate::output::write_atomic(&path, text.as_bytes())?;
            }
        }
        Ok(())
    }
}

/// Reads an edition's `figures.json`.
pub fn read_figures(out_dir: &Path) -> Result<BTreeMap<String, crate::brief::BriefFigures>> {
    let path = out_dir.join(FIGURES_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}: build that edition first", path.display()))?;
    let file: FiguresFile = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a figures file", path.display()))?;
    Ok(file.briefs)
}
