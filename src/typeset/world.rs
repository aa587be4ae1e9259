//! The Typst [`World`] of one brief: the shared library and fonts, the generated main
//! source, and the in-memory files it may use (chart SVGs, the flag). Nothing else: every
//! other path is "not found", so no brief can read a file or download a package.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// What every brief shares: the standard library and the fonts, loaded once per run.
pub struct Shared {
    pub library: LazyHash<Library>,
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
    /// marketbrief's Typst library (`templates/lib.typ`) at [`LIB_PATH`], parsed once:
    /// every brief imports the same source, so Typst evaluates it once for all of them.
    pub lib: Option<Source>,
}

/// The virtual path of the generated main file. Paths are kept the same for every brief:
/// Typst interns file ids for the life of the process.
pub const MAIN_PATH: &str = "/main.typ";

/// The virtual path the briefs import marketbrief's Typst library from.
pub const LIB_PATH: &str = "/lib.typ";

pub fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One brief's world.
pub struct BriefWorld<'a> {
    shared: &'a Shared,
    main: Source,
    files: HashMap<FileId, Bytes>,
    sources: HashMap<FileId, Source>,
    today: Datetime,
}

impl<'a> BriefWorld<'a> {
    pub fn new(
        shared: &'a Shared,
        main_text: String,
        files: &super::Files,
        today: Datetime,
    ) -> Self {
        let main_id = file_id(MAIN_PATH).expect("the main path is a valid virtual path");
        let mut sources = HashMap::new();
        let mut bytes_by_id = HashMap::new();
        for (path, bytes) in files {
            let Some(id) = file_id(path) else { continue };
            // Typst sources of the parts of a bundle (one per brief) are parsed once.
            if path.ends_with(".typ")
                && let Ok(text) = std::str::from_utf8(bytes)
            {
                sources.insert(id, Source::new(id, text.to_string()));
            }
            bytes_by_id.insert(id, bytes.clone());
        }
        BriefWorld {
            shared,
            main: Source::new(main_id, main_text),
            files: bytes_by_id,
            sources,
            today,
        }
    }

    pub fn main_source(&self) -> &Source {
        &self.main
    }

    /// Where a file of this world comes from, as a message names it: the generated main
    /// source, the library as the project's `templates/lib.typ`, or its virtual path.
    pub fn describe_file(&self, id: FileId) -> String {
        if id == self.main.id() {
            "generated main.typ".into()
        } else if self.shared.lib.as_ref().is_some_and(|lib| lib.id() == id) {
            crate::template::LIB_FILE.into()
        } else {
            id.get().vpath().get_with_slash().to_string()
        }
    }
}

impl World for BriefWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if let Some(source) = self.sources.get(&id) {
            Ok(source.clone())
        } else if let Some(lib) = self.shared.lib.as_ref().filter(|lib| lib.id() == id) {
            Ok(lib.clone())
        } else if self.files.contains_key(&id) {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.files.get(&id) {
            Ok(bytes.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else if let Some(lib) = self.shared.lib.as_ref().filter(|lib| lib.id() == id) {
            Ok(Bytes::from_string(lib.text().to_string()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_with_slash().into())
}
