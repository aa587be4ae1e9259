//! Incremental builds: each brief's inputs — its profile and flag, the datasets, templates,
//! catalogues, reference data, fonts, configuration, edition, language and the tool's
//! version — are hashed; a brief whose hash matches the one recorded when its PDF was
//! written is skipped.

use crate::config::{CONFIG_FILE, Edition};
use crate::i18n::Lang;
use crate::project::{DATASETS_DIR, Project};
use crate::reference::{CLASSIFICATIONS, Reference};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the input hashes of an edition's briefs are kept, beside the PDFs.
pub const STATE_FILE: &str = ".marketbrief-inputs.json";

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

/// The recorded input hashes of an edition's briefs, by brief name (`ca-fr`).
pub struct State {
    path: PathBuf,
    entries: BTreeMap<String, String>,
    changed: bool,
}

impl State {
    /// Reads the state of `out_dir`; a missing or unreadable file means "nothing built yet".
    pub fn load(out_dir: &Path) -> State {
        let path = out_dir.join(STATE_FILE);
        let entries = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        State {
            path,
            entries,
            changed: false,
        }
    }

    /// Whether the brief's PDF exists and was written from these very inputs.
    pub fn is_current(&self, name: &str, digest: &str, pdf: &Path) -> bool {
        self.entries.get(name).is_some_and(|d| d == digest) && pdf.is_file()
    }

    pub fn record(&mut self, name: &str, digest: String) {
        if self.entries.get(name) != Some(&digest) {
            self.entries.insert(name.to_string(), digest);
            self.changed = true;
        }
    }

    /// Writes the state back, only if something changed.
    pub fn save(&self) -> Result<()> {
        if self.changed {
            let text = serde_json::to_string_pretty(&self.entries)?;
            crate::output::write_atomic(&self.path, text.as_bytes())?;
        }
        Ok(())
    }
}
