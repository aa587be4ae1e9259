//! What a brief read while it was built: the files behind every value it printed, by
//! project-relative path, each with a fingerprint of the bytes that were used.
//!
//! Most inputs are loaded once per run (the profiles, datasets, catalogues, reference data,
//! fonts) and each brief consults only part of them, so a brief records the *logical*
//! files it consulted — through a [`Deps`] recorder passed down the pipeline — and the run's
//! [`crate::assets::Assets`] supplies the fingerprint of each, taken when the file was read.
//! An incremental build compares the fingerprints a brief recorded with the files as they
//! are now; `watch` watches exactly those files.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Component, Path};

/// The bytes behind a logical path, as a run found them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Fingerprint {
    /// A file in the project (an override, for assets), with the SHA-256 of its bytes.
    Project(String),
    /// The embedded default of an asset, with the SHA-256 of its bytes.
    BuiltIn(String),
    /// Neither: the lookup found nothing (a flag that does not exist, say), which can
    /// change too.
    Missing,
}

impl Fingerprint {
    pub fn project(bytes: &[u8]) -> Fingerprint {
        Fingerprint::Project(sha256(bytes))
    }

    pub fn built_in(bytes: &[u8]) -> Fingerprint {
        Fingerprint::BuiltIn(sha256(bytes))
    }

    /// A folder's listing: the names a [`Listing`] matched, in any order.
    pub fn listing<S: AsRef<str>>(names: &[S]) -> Fingerprint {
        let mut sorted: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut text = String::new();
        for name in sorted {
            text.push_str(name);
            text.push('\n');
        }
        Fingerprint::project(text.as_bytes())
    }
}

const PROJECT: &str = "project ";
const BUILT_IN: &str = "built-in ";
const MISSING: &str = "missing";

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fingerprint::Project(hash) => write!(f, "{PROJECT}{hash}"),
            Fingerprint::BuiltIn(hash) => write!(f, "{BUILT_IN}{hash}"),
            Fingerprint::Missing => f.write_str(MISSING),
        }
    }
}

impl From<Fingerprint> for String {
    fn from(fingerprint: Fingerprint) -> String {
        fingerprint.to_string()
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = String;

    fn try_from(text: String) -> Result<Fingerprint, String> {
        if let Some(hash) = text.strip_prefix(PROJECT) {
            Ok(Fingerprint::Project(hash.to_string()))
        } else if let Some(hash) = text.strip_prefix(BUILT_IN) {
            Ok(Fingerprint::BuiltIn(hash.to_string()))
        } else if text == MISSING {
            Ok(Fingerprint::Missing)
        } else {
            Err(format!(
                "expected `project <sha256>`, `built-in <sha256>` or `missing`, found `{text}`"
            ))
        }
    }
}

/// The SHA-256 of some bytes, as hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files of one folder that a loader lists, written `dir/*.ext` or
/// `dir/*.{ext1,ext2}` (extensions compared without regard to case). Recorded like a file:
/// a brief that used every dataset depends on which datasets there are, too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<'a> {
    pub dir: &'a str,
    extensions: Vec<&'a str>,
}

impl<'a> Listing<'a> {
    /// The listing a logical path stands for, if it is one.
    pub fn parse(path: &'a str) -> Option<Listing<'a>> {
        let (dir, pattern) = path.rsplit_once('/')?;
        let extensions = pattern.strip_prefix("*.")?;
        let extensions = match extensions
            .strip_prefix('{')
            .and_then(|e| e.strip_suffix('}'))
        {
            Some(list) => list.split(',').collect(),
            None => vec![extensions],
        };
        Some(Listing { dir, extensions })
    }

    /// Whether the listing lists a file of this name (a name, not a path).
    pub fn matches(&self, name: &str) -> bool {
        name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && self.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext))
        })
    }

    /// Whether the listing lists the file at this project-relative path.
    pub fn matches_path(&self, rel: &str) -> bool {
        rel.rsplit_once('/')
            .is_some_and(|(dir, name)| dir == self.dir && self.matches(name))
    }
}

/// A project-relative path as recorded: `/`-separated on every platform.
pub fn rel_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// Records the logical files one brief consults while it is built. Passed by reference
/// down the pipeline; one per brief, so it needs no locking.
#[derive(Debug, Default)]
pub struct Deps {
    paths: RefCell<BTreeSet<String>>,
}

impl Deps {
    /// Records that the brief consulted the file (or listing) at `path`.
    pub fn depends_on(&self, path: impl Into<String>) {
        self.paths.borrow_mut().insert(path.into());
    }

    /// Records several files.
    pub fn depends_on_all<S: Into<String>>(&self, paths: impl IntoIterator<Item = S>) {
        self.paths
            .borrow_mut()
            .extend(paths.into_iter().map(Into::into));
    }

    /// Records a file given as a path.
    pub fn depends_on_path(&self, path: &Path) {
        self.depends_on(rel_path(path));
    }

    /// Everything recorded so far, sorted.
    pub fn paths(&self) -> BTreeSet<String> {
        self.paths.borrow().clone()
    }

    /// Everything recorded, sorted.
    pub fn into_paths(self) -> BTreeSet<String> {
        self.paths.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_round_trip_through_their_text() {
        for fingerprint in [
            Fingerprint::project(b"a"),
            Fingerprint::built_in(b"a"),
            Fingerprint::Missing,
        ] {
            let json = serde_json::to_string(&fingerprint).unwrap();
            assert_eq!(
                serde_json::from_str::<Fingerprint>(&json).unwrap(),
                fingerprint
            );
        }
        assert_eq!(
            Fingerprint::project(b"abc").to_string(),
            "project ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // The same bytes from the project or built in are different inputs.
        assert_ne!(Fingerprint::project(b"a"), Fingerprint::built_in(b"a"));
        assert!(serde_json::from_str::<Fingerprint>("\"sha256 00\"").is_err());
    }

    #[test]
    fn a_listing_depends_on_its_names_not_their_order() {
        assert_eq!(
            Fingerprint::listing(&["b.csv", "a.csv"]),
            Fingerprint::listing(&["a.csv", "b.csv"])
        );
        assert_ne!(
            Fingerprint::listing(&["a.csv"]),
            Fingerprint::listing(&["a.csv", "b.csv"])
        );
        // Names are separated: `ab` is not `a` then `b`.
        assert_ne!(
            Fingerprint::listing(&["ab"]),
            Fingerprint::listing(&["a", "b"])
        );
    }

    #[test]
    fn listings_match_their_folder_and_extensions() {
        let fonts = Listing::parse("fonts/*.{otf,ttf,ttc}").unwrap();
        assert_eq!(fonts.dir, "fonts");
        assert!(fonts.matches("Inter-Bold.otf"));
        assert!(fonts.matches("NOTO.TTF"));
        assert!(!fonts.matches("LICENSE-Inter.txt"));
        assert!(!fonts.matches("Inter-Bold.otf~"));
        assert!(!fonts.matches(".otf"));
        assert!(fonts.matches_path("fonts/Inter-Bold.otf"));
        assert!(!fonts.matches_path("fonts/sub/Inter-Bold.otf"));
        assert!(!fonts.matches_path("data/fonts/Inter-Bold.otf"));

        let datasets = Listing::parse("data/datasets/*.csv").unwrap();
        assert_eq!(datasets.dir, "data/datasets");
        assert!(datasets.matches_path("data/datasets/be-goods.csv"));
        assert!(!datasets.matches_path("data/datasets/be-goods.yaml"));

        assert_eq!(Listing::parse("data/profiles/ca.yaml"), None);
        assert_eq!(Listing::parse("marketbrief.yaml"), None);
    }

    #[test]
    fn a_recorder_keeps_each_path_once_in_order() {
        let deps = Deps::default();
        deps.depends_on("templates/brief.typ.j2");
        deps.depends_on_all(["data/datasets/b.csv", "data/datasets/a.csv"]);
        deps.depends_on_path(Path::new("data/profiles").join("ca.yaml").as_path());
        deps.depends_on("data/datasets/a.csv");
        assert_eq!(
            deps.into_paths().into_iter().collect::<Vec<_>>(),
            [
                "data/datasets/a.csv",
                "data/datasets/b.csv",
                "data/profiles/ca.yaml",
                "templates/brief.typ.j2"
            ]
        );
    }

    #[test]
    fn recorded_paths_use_forward_slashes() {
        assert_eq!(
            rel_path(&Path::new("data").join("profiles").join("ca.yaml")),
            "data/profiles/ca.yaml"
        );
        assert_eq!(
            rel_path(Path::new("./marketbrief.yaml")),
            "marketbrief.yaml"
        );
    }
}
