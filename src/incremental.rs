//! Incremental builds: each brief records the files it read while it was built (see
//! [`crate::deps`]) with their fingerprints, in the edition's `manifest.json` (see
//! [`crate::store`]). On the next build a brief is current when the tool's version and
//! code, the settings, the edition and the language are the same and every file it
//! recorded still has the same fingerprint.

use crate::assets::Assets;
use crate::config::Edition;
use crate::deps::Fingerprint;
use crate::error::Result;
use crate::i18n::Lang;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The files a brief read, by project-relative path, with their fingerprints.
pub type Inputs = BTreeMap<String, Fingerprint>;

/// What a brief's digest covers besides its files.
#[derive(Debug, Clone, Copy)]
pub struct BriefKey<'a> {
    /// The command-line choices and other inputs that are not files (PDF standards,
    /// drafts, the previous edition's figures of this brief).
    pub settings: &'a str,
    pub edition: Edition,
    pub lang: Lang,
}

fn feed(hasher: &mut Sha256, label: &str, bytes: &[u8]) {
    // Length-prefixed, so that moving bytes between fields changes the hash.
    hasher.update((label.len() as u64).to_le_bytes());
    hasher.update(label.as_bytes());
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// The hash of a brief's inputs, as hex: the tool's version and code (see `build.rs`),
/// `key` and every file of `inputs` with its fingerprint.
pub fn digest(key: &BriefKey<'_>, inputs: &Inputs) -> String {
    let mut h = Sha256::new();
    feed(&mut h, "version", env!("CARGO_PKG_VERSION").as_bytes());
    feed(&mut h, "code", env!("MARKETBRIEF_CODE_DIGEST").as_bytes());
    feed(&mut h, "settings", key.settings.as_bytes());
    feed(&mut h, "edition", key.edition.to_string().as_bytes());
    feed(&mut h, "lang", key.lang.code().as_bytes());
    for (path, fingerprint) in inputs {
        feed(&mut h, path, fingerprint.to_string().as_bytes());
    }
    hex(&h.finalize())
}

/// The fingerprints of `paths` as this run read them (each file read once per run).
pub fn fingerprints<'a>(
    assets: &Assets,
    paths: impl IntoIterator<Item = &'a String>,
) -> Result<Inputs> {
    paths
        .into_iter()
        .map(|path| Ok((path.clone(), assets.fingerprint(path)?)))
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub use crate::deps::sha256;
