//! Default templates, catalogues, fonts and reference data, embedded in the binary so it
//! works from any directory. A project overrides any of them by putting a file at the same
//! relative path (`templates/brief.typ.j2`, `fonts/…`, `data/reference/…`).
//!
//! Every file a run reads through here — assets and the project's own files alike — gets
//! its [`Fingerprint`] noted as it is read, so that incremental builds compare the bytes
//! that were actually used. Each file is read and hashed once per run: later reads get the
//! same bytes, even if the file has changed meanwhile.

use crate::error::{Error, IoResultExt, Result};
use include_dir::{Dir, include_dir};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::deps::{Fingerprint, Listing};
use crate::i18n::Lang;
use crate::i18n::catalogue::Catalogue;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static FONTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fonts");
static REFERENCE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data/reference");
static CLASSIFICATIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data/classifications");

/// The font files, as a listing.
pub const FONT_FILES: &str = "fonts/*.{otf,ttf,ttc}";

/// Where each asset comes from: a project folder first, then the embedded copy.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    project: Option<PathBuf>,
    /// Every file read (or looked for) so far this run, by project-relative path; shared
    /// by clones.
    noted: Arc<Mutex<HashMap<String, Noted>>>,
}

/// A file as a run first read it.
#[derive(Debug, Clone)]
struct Noted {
    fingerprint: Fingerprint,
    /// A project asset's bytes, served to later reads: the run uses what it hashed.
    bytes: Option<Arc<Vec<u8>>>,
}

impl Assets {
    /// Only the embedded defaults.
    pub fn embedded() -> Self {
        Assets::default()
    }

    /// The project's files first, then the embedded defaults.
    pub fn with_project(root: &Path) -> Self {
        Assets {
            project: Some(root.to_path_buf()),
            ..Assets::default()
        }
    }

    /// The embedded folder holding a project-relative path, and the rest of the path.
    fn embedded_dir(rel: &str) -> Option<(&'static Dir<'static>, &str)> {
        [
            ("templates", &TEMPLATES),
            ("fonts", &FONTS),
            ("data/reference", &REFERENCE),
            ("data/classifications", &CLASSIFICATIONS),
        ]
        .into_iter()
        .find_map(|(prefix, dir)| {
            let rest = rel.strip_prefix(prefix)?;
            if rest.is_empty() {
                Some((dir, rest))
            } else {
                Some((dir, rest.strip_prefix('/')?))
            }
        })
    }

    fn embedded_file(rel: &str) -> Option<&'static [u8]> {
        let (dir, rest) = Self::embedded_dir(rel)?;
        dir.get_file(rest).map(|f| f.contents())
    }

    /// Reads an asset by project-relative path (`templates/brief.typ.j2`). Returns the
    /// name to show in messages with the bytes. An override that exists but cannot be
    /// read is an error, never silently replaced by the default.
    pub fn read(&self, rel: &str) -> Result<Option<(String, Cow<'static, [u8]>)>> {
        let project_file = |bytes: &[u8]| Some((rel.to_string(), Cow::Owned(bytes.to_vec())));
        let built_in =
            |bytes: &'static [u8]| Some((format!("{rel} (built in)"), Cow::Borrowed(bytes)));
        match self.lookup(rel) {
            Some(Noted {
                bytes: Some(bytes), ..
            }) => return Ok(project_file(&bytes)),
            Some(Noted {
                fingerprint: Fingerprint::BuiltIn(_),
                ..
            }) => return Ok(Self::embedded_file(rel).and_then(built_in)),
            Some(Noted {
                fingerprint: Fingerprint::Missing,
                ..
            }) => return Ok(None),
            _ => {}
        }
        if let Some(root) = &self.project {
            let path = root.join(rel);
            // A project's own file overrides the built-in one; something there that is no
            // regular file (a pipe, a broken link) is an error, never skipped for the
            // built-in version in silence.
            if path.symlink_metadata().is_ok() && !path.is_dir() {
                let bytes = crate::limits::read_within(root, Path::new(rel)).io("read", &path)?;
                let found = project_file(&bytes);
                self.note(rel, Fingerprint::project(&bytes), Some(Arc::new(bytes)));
                return Ok(found);
            }
        }
        let found = Self::embedded_file(rel);
        self.note_with(rel, || match found {
            Some(bytes) => Fingerprint::built_in(bytes),
            None => Fingerprint::Missing,
        });
        Ok(found.and_then(built_in))
    }

    /// Reads one of the project's own files (a profile, a dataset, the configuration),
    /// which have no embedded default.
    pub fn read_project_file(&self, rel: &Path) -> std::io::Result<Vec<u8>> {
        let root = self.project.as_deref().unwrap_or(Path::new("."));
        let bytes = crate::limits::read_within(root, rel)?;
        self.note_with(&crate::deps::rel_path(rel), || Fingerprint::project(&bytes));
        Ok(bytes)
    }

    /// Notes the fingerprint of a file or listing read this run, unless it was read before.
    pub fn note_with(&self, rel: &str, fingerprint: impl FnOnce() -> Fingerprint) {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        noted.entry(rel.to_string()).or_insert_with(|| Noted {
            fingerprint: fingerprint(),
            bytes: None,
        });
    }

    fn note(&self, rel: &str, fingerprint: Fingerprint, bytes: Option<Arc<Vec<u8>>>) {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        noted
            .entry(rel.to_string())
            .or_insert(Noted { fingerprint, bytes });
    }

    fn lookup(&self, rel: &str) -> Option<Noted> {
        let noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        noted.get(rel).cloned()
    }

    /// Every path read (or looked for) this run.
    pub fn noted(&self) -> BTreeSet<String> {
        let noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        noted.keys().cloned().collect()
    }

    /// The fingerprint of a logical path — a file (the project's, else the embedded copy)
    /// or a [`Listing`] — as this run read it, reading it now if the run has not. Each
    /// file is read and hashed at most once per run.
    pub fn fingerprint(&self, rel: &str) -> Result<Fingerprint> {
        if let Some(noted) = self.lookup(rel) {
            return Ok(noted.fingerprint);
        }
        if let Some(listing) = Listing::parse(rel) {
            let names = self.list(&listing)?;
            self.note_with(rel, || Fingerprint::listing(&names));
        } else {
            self.read(rel)?;
        }
        self.lookup(rel)
            .map(|noted| noted.fingerprint)
            .ok_or_else(|| Error::asset(rel, "was read but not noted"))
    }

    /// The names of the files a listing matches: the project's, then the embedded ones it
    /// does not override, each sorted.
    fn list(&self, listing: &Listing<'_>) -> Result<Vec<String>> {
        let mut names = Vec::new();
        if let Some(root) = &self.project {
            let dir = root.join(listing.dir);
            if dir.is_dir() {
                let mut found: Vec<String> = std::fs::read_dir(&dir)
                    .io("list", &dir)?
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .filter(|name| listing.matches(name))
                    .collect();
                found.sort();
                names = found;
            }
        }
        if let Some((dir, _)) = Self::embedded_dir(listing.dir) {
            let mut embedded: Vec<String> = dir
                .files()
                .filter_map(|f| f.path().file_name()?.to_str().map(str::to_string))
                .filter(|name| listing.matches(name) && !names.contains(name))
                .collect();
            embedded.sort();
            names.extend(embedded);
        }
        Ok(names)
    }

    /// Reads an asset as UTF-8 text.
    pub fn read_text(&self, rel: &str) -> Result<Option<(String, String)>> {
        match self.read(rel)? {
            Some((name, bytes)) => {
                let text = String::from_utf8(bytes.into_owned())
                    .map_err(|e| crate::source::not_utf8(&name, &e))?;
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
        let rel = catalogue_file(lang);
        let (name, text) = self.read_text(&rel)?.ok_or_else(|| {
            Error::asset(
                &rel,
                format!("missing translation: no catalogue for language {lang}"),
            )
        })?;
        Ok(Catalogue::parse(lang, &name, &text)?)
    }

    /// Every font file: the project's `fonts/` first (they win ties), then the embedded
    /// ones not overridden by a file of the same name. Sorted for a stable font order.
    pub fn fonts(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let listing = Listing::parse(FONT_FILES).expect("FONT_FILES is a listing");
        let names = self.list(&listing)?;
        let mut fonts = Vec::new();
        for name in &names {
            let rel = format!("fonts/{name}");
            let (_, bytes) = self
                .read(&rel)?
                .ok_or_else(|| Error::asset(&rel, "the font cannot be read"))?;
            fonts.push((name.clone(), bytes.into_owned()));
        }
        self.note_with(FONT_FILES, || Fingerprint::listing(&names));
        Ok(fonts)
    }
}

/// The phrase catalogue of a language, as a project-relative path.
pub fn catalogue_file(lang: Lang) -> String {
    format!("templates/{}", crate::i18n::catalogue::file_name(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_appearing_or_going_is_a_change() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        // A new Assets is a new run, with nothing read yet.
        let now = |rel: &str| Assets::with_project(root).fingerprint(rel).unwrap();
        let rel = "data/reference/in-country.csv";
        let embedded = Assets::embedded_file(rel).unwrap();
        let built_in = now(rel);
        assert_eq!(built_in, Fingerprint::built_in(embedded));

        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, embedded).unwrap();
        assert_eq!(
            now(rel),
            Fingerprint::project(embedded),
            "even with the same bytes"
        );
        std::fs::write(&path, b"code,fr,nl,en\n").unwrap();
        assert_eq!(now(rel), Fingerprint::project(b"code,fr,nl,en\n"));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(now(rel), built_in);

        let flag = "data/reference/flags/ZZ.svg";
        assert_eq!(now(flag), Fingerprint::Missing);
        std::fs::create_dir_all(root.join("data/reference/flags")).unwrap();
        std::fs::write(root.join(flag), b"<svg/>").unwrap();
        assert_eq!(now(flag), Fingerprint::project(b"<svg/>"));
    }

    #[test]
    fn a_run_keeps_the_fingerprint_of_what_it_read() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("templates/brief.typ.j2");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"first").unwrap();
        let assets = Assets::with_project(root.path());
        let (_, bytes) = assets.read("templates/brief.typ.j2").unwrap().unwrap();
        assert_eq!(&*bytes, b"first");
        // Changed after the run read it: the run goes on with what it hashed, so the
        // next run sees the change.
        std::fs::write(&path, b"second").unwrap();
        assert_eq!(
            assets.fingerprint("templates/brief.typ.j2").unwrap(),
            Fingerprint::project(b"first")
        );
        let (_, bytes) = assets.read("templates/brief.typ.j2").unwrap().unwrap();
        assert_eq!(&*bytes, b"first");
        assert_eq!(
            Assets::with_project(root.path())
                .fingerprint("templates/brief.typ.j2")
                .unwrap(),
            Fingerprint::project(b"second")
        );
        assert!(assets.noted().contains("templates/brief.typ.j2"));
    }

    #[test]
    fn the_font_listing_changes_with_a_new_font() {
        let root = tempfile::tempdir().unwrap();
        let assets = Assets::with_project(root.path());
        let names: Vec<String> = assets.fonts().unwrap().into_iter().map(|f| f.0).collect();
        assert!(names.contains(&"Inter-Regular.otf".to_string()));
        let before = assets.fingerprint(FONT_FILES).unwrap();
        assert_eq!(before, Fingerprint::listing(&names));
        // Listed, not read, by a run that has not read the fonts.
        assert_eq!(
            Assets::with_project(root.path())
                .fingerprint(FONT_FILES)
                .unwrap(),
            before
        );

        std::fs::create_dir_all(root.path().join("fonts")).unwrap();
        std::fs::write(root.path().join("fonts/README.txt"), b"not a font").unwrap();
        let unchanged = Assets::with_project(root.path())
            .fingerprint(FONT_FILES)
            .unwrap();
        assert_eq!(unchanged, before);
        std::fs::write(root.path().join("fonts/Extra.ttf"), b"font").unwrap();
        let after = Assets::with_project(root.path())
            .fingerprint(FONT_FILES)
            .unwrap();
        assert_ne!(after, before);
    }
}
