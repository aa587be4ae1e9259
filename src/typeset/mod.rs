//! Typesetting: compiles the generated Typst source in-process with the typst crates and
//! exports the PDF with typst-pdf.

pub mod world;

use crate::error::InputError;
use std::collections::BTreeMap;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Datetime;
use typst::syntax::Source;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use world::{BriefWorld, Shared};

/// The in-memory files a brief's Typst source may use (chart SVGs, the flag), by
/// virtual path (`/charts/trend.svg`).
/// A document's in-memory files by virtual path (charts, the flag, a handout's briefs), as
/// Typst takes them: shared, never copied per document.
pub type Files = BTreeMap<String, typst::foundations::Bytes>;

/// The typst release this binary is built with, for the PDF's creator field.
const TYPST_VERSION: &str = "0.15";

/// A typeset brief.
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// How far down each page its content reaches, from 0 (empty) to 1 (down to the
    /// footer), read from the laid-out frames: a half-empty page shows here.
    pub page_fill: Vec<f64>,
    pub warnings: Vec<String>,
    /// The laid-out pages the PDF was exported from, for whoever wants to look at them
    /// without reading the PDF back (the page snapshots render them to PNG).
    pub document: PagedDocument,
    /// Time spent compiling (layout) and exporting the PDF.
    pub compile_time: std::time::Duration,
    pub export_time: std::time::Duration,
}

/// The label a brief's template puts where its content ends, for [`Typeset::page_fill`].
pub const CONTENT_END: &str = "brief-end";

/// A last page filled less than this (a few lines above the footer) is set again tighter,
/// and is a fault the page tests report.
pub const SPARSE_LAST_PAGE: f64 = 0.25;

/// Compiles briefs; holds what every brief shares.
pub struct Typesetter {
    shared: Shared,
    standards: Vec<PdfStandard>,
    /// The names of the font files, in `fonts/`.
    font_names: Vec<String>,
}

/// The PDF standards briefs conform to unless told otherwise: PDF/A-2b for archiving and
/// PDF/UA-1 for accessibility (tagged, with alternative text).
pub const DEFAULT_STANDARDS: [PdfStandard; 2] = [PdfStandard::A_2b, PdfStandard::Ua_1];

/// Parses a standard as the typst CLI names it (`a-2b`, `ua-1`, `1.7`…).
pub fn parse_standard(name: &str) -> Result<PdfStandard, String> {
    let quoted = serde_json::Value::String(name.to_ascii_lowercase());
    serde_json::from_value(quoted)
        .map_err(|_| format!("unknown PDF standard `{name}` (expected e.g. a-2b, a-3b, ua-1, 1.7)"))
}

impl Typesetter {
    /// Loads the fonts (project fonts first, then the embedded ones) and the library.
    pub fn new(font_files: Vec<(String, Vec<u8>)>) -> Result<Self, InputError> {
        let mut fonts = Vec::new();
        let font_names = font_files.iter().map(|(name, _)| name.clone()).collect();
        for (name, data) in font_files {
            let before = fonts.len();
            fonts.extend(Font::iter(typst::foundations::Bytes::new(data)));
            if fonts.len() == before {
                return Err(InputError::new(
                    format!("fonts/{name}"),
                    "not a font Typst can read (use OTF or TTF)",
                ));
            }
        }
        let book = FontBook::from_fonts(&fonts);
        Ok(Typesetter {
            font_names,
            standards: DEFAULT_STANDARDS.to_vec(),
            shared: Shared {
                library: LazyHash::new(Library::builder().build()),
                book: LazyHash::new(book),
                fonts,
                lib: None,
            },
        })
    }

    /// Serves `text` as marketbrief's Typst library at [`world::LIB_PATH`] to every
    /// document this typesetter makes.
    pub fn with_lib(mut self, text: String) -> Self {
        self.shared.lib = world::file_id(world::LIB_PATH).map(|id| Source::new(id, text));
        self
    }

    /// The library's text, for `--emit-typst`.
    pub fn lib_text(&self) -> Option<&str> {
        self.shared.lib.as_ref().map(|lib| lib.text())
    }

    /// The font files and their listing, as project-relative paths: Typst chooses among
    /// (and falls back through) all of them, so each is an input of every document.
    pub fn font_files(&self) -> impl Iterator<Item = String> + '_ {
        self.font_names
            .iter()
            .map(|name| format!("fonts/{name}"))
            .chain([crate::assets::FONT_FILES.to_string()])
    }

    /// Chooses the PDF standards to conform to (none: a plain, still tagged, PDF).
    pub fn with_standards(mut self, standards: Vec<PdfStandard>) -> Self {
        self.standards = standards;
        self
    }

    /// Typesets `main` (Typst source) with its in-memory `files`, dated `date` so the
    /// same inputs give the same PDF.
    pub fn typeset(
        &self,
        main: String,
        files: &Files,
        date: (i32, u8, u8),
        ident: &str,
    ) -> Result<Typeset, TypesetFailure> {
        self.typeset_refitted(main, files, date, ident, |_, _| None)
            .map(|(typeset, _)| typeset)
    }

    /// Like [`Typesetter::typeset`], but once laid out, `refit` sees the number of pages
    /// and each page's fill and may return another source to lay out instead (the same
    /// brief set tighter): it is kept, and its source returned, when it takes fewer pages
    /// and compiles; the PDF is exported once, of the layout kept.
    pub fn typeset_refitted(
        &self,
        main: String,
        files: &Files,
        date: (i32, u8, u8),
        ident: &str,
        refit: impl FnOnce(usize, &[f64]) -> Option<String>,
    ) -> Result<(Typeset, Option<String>), TypesetFailure> {
        let today = Datetime::from_ymd(date.0, date.1, date.2)
            .ok_or_else(|| TypesetFailure::Settings(format!("invalid document date {date:?}")))?;
        let started = std::time::Instant::now();
        let compile = |main: &str| {
            let world = BriefWorld::new(&self.shared, main.to_string(), files, today);
            let result = typst::compile::<PagedDocument>(&world);
            let warnings: Vec<String> = result
                .warnings
                .iter()
                .map(|w| describe(&world, w))
                .collect();
            let document = result
                .output
                .map_err(|errors| diagnostics(&world, TypesetStage::Compile, errors.as_slice()))?;
            if let Some((page, text)) = text_off_page(&document) {
                return Err(TypesetFailure::TextOffPage(TextOffPage { page, text }));
            }
            let page_fill = page_fill(&document);
            Ok((document, warnings, page_fill))
        };
        let (mut document, mut warnings, mut page_fill) = compile(&main)?;
        let mut refitted = None;
        if let Some(other) = refit(document.pages().len(), &page_fill)
            && let Ok((tighter, w, fill)) = compile(&other)
            && tighter.pages().len() < document.pages().len()
        {
            (document, warnings, page_fill) = (tighter, w, fill);
            refitted = Some(other);
        }
        let compile_time = started.elapsed();
        let started = std::time::Instant::now();
        let options = PdfOptions {
            ident: typst::foundations::Smart::Custom(ident.to_string()),
            creator: typst::foundations::Smart::Custom(Some(format!(
                "marketbrief {} (Typst {})",
                env!("CARGO_PKG_VERSION"),
                TYPST_VERSION
            ))),
            timestamp: Some(Timestamp::new_utc(today)),
            standards: PdfStandards::new(&self.standards).map_err(|e| {
                TypesetFailure::Settings(format!(
                    "invalid combination of PDF standards: {}",
                    e.message()
                ))
            })?,
            ..PdfOptions::default()
        };
        // Export errors are located in the source laid out.
        let world = BriefWorld::new(&self.shared, refitted.clone().unwrap_or(main), files, today);
        let pdf = typst_pdf::pdf(&document, &options)
            .map_err(|errors| diagnostics(&world, TypesetStage::Export, errors.as_slice()))?;
        let pages = document.pages().len();
        Ok((
            Typeset {
                pdf,
                pages,
                page_fill,
                warnings,
                document,
                compile_time,
                export_time: started.elapsed(),
            },
            refitted,
        ))
    }
}

/// Trims Typst's memo cache after a brief is done: what the last few briefs used (the
/// shared library, fonts, images) stays, what only older ones used goes, so memory stays
/// flat however many briefs a run makes. Called by whoever runs the briefs, between them,
/// never from inside a compilation; `workers` briefs may be compiling at once.
pub fn brief_finished(workers: usize) {
    typst::comemo::evict(2 * workers.max(1));
    // glibc keeps what the briefs freed in its arenas, scattered between live blocks: the
    // heap stays flat (about 8 KB a brief, the manifest's entry) while the process's
    // resident memory crept up by some 50 KB a brief. Giving the free pages back every 16
    // briefs keeps it flat too, at no measurable cost (every brief: 10 % of the batch's
    // time). See docs/dev/performance.md.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static FINISHED: AtomicUsize = AtomicUsize::new(0);
        if FINISHED.fetch_add(1, Ordering::Relaxed) % 16 == 15 {
            // SAFETY: malloc_trim only releases free memory of glibc's own heap; it takes
            // glibc's locks and touches no memory the program holds.
            unsafe {
                libc::malloc_trim(0);
            }
        }
    }
}

/// Why a brief could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum TypesetFailure {
    /// Typst refused the source or could not write the PDF.
    #[error(transparent)]
    Typst(#[from] TypesetError),
    /// A block that may not break is taller than a page.
    #[error(transparent)]
    TextOffPage(#[from] TextOffPage),
    /// The date or the PDF standards asked for cannot be used.
    #[error("{0}")]
    Settings(String),
}

/// Text laid out beyond the bottom of its page: a block that may not break across pages
/// and is taller than one. The PDF would silently lose it.
#[derive(Debug)]
pub struct TextOffPage {
    /// The page it starts on, from 1.
    pub page: usize,
    /// The first line that is off the page.
    pub text: String,
}

impl std::fmt::Display for TextOffPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let start: String = self.text.chars().take(60).collect();
        let cut = if start.len() < self.text.len() {
            "…"
        } else {
            ""
        };
        write!(
            f,
            "text too long for one page: it runs off page {} at “…{start}{cut}”; shorten that text (a sector, city, mission or contact box must fit on one page)",
            self.page
        )
    }
}

impl std::error::Error for TextOffPage {}

/// Each page's fill: where its lowest content ends, between its first content and the
/// footer (the lowest text, set apart by a gap), as a fraction of that span.
fn page_fill(document: &PagedDocument) -> Vec<f64> {
    use typst::layout::{Abs, Frame, FrameItem, Transform};
    /// The top and bottom of every item: text by its baseline, images and shapes whole.
    fn extents(frame: &Frame, ts: Transform, found: &mut Vec<(Abs, Abs)>) {
        for (pos, item) in frame.items() {
            let at = pos.transform(ts);
            match item {
                FrameItem::Group(group) => {
                    let inner = ts
                        .pre_concat(Transform::translate(pos.x, pos.y))
                        .pre_concat(group.transform);
                    extents(&group.frame, inner, found);
                }
                FrameItem::Text(text) => found.push((at.y - text.size, at.y)),
                FrameItem::Image(_, size, _) => found.push((at.y, at.y + size.y)),
                FrameItem::Shape(shape, _) => {
                    let bbox = shape.bbox(false);
                    found.push((at.y + bbox.min.y, at.y + bbox.max.y))
                }
                _ => {}
            }
        }
    }
    // Where the brief's content ends, when its template marks it (`<brief-end>`): on the
    // last page, below it is only the footer and the colophon printed above it.
    let end = {
        use typst::foundations::Label;
        use typst::introspection::Introspector;
        let introspector = document.introspector();
        Label::new(typst::utils::PicoStr::intern(CONTENT_END))
            .and_then(|label| introspector.query_label(label).ok())
            .and_then(|content| content.location())
            .and_then(|location| introspector.position(location))
            .map(|p| (p.page.get(), p.point.y))
    };
    document
        .pages()
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let mut found = Vec::new();
            extents(&page.frame, Transform::identity(), &mut found);
            // The footer is the lowest text; content ends above it.
            let footer = found.iter().map(|e| e.1).fold(Abs::zero(), Abs::max);
            let gap = Abs::mm(5.0);
            let content: Vec<(Abs, Abs)> =
                found.into_iter().filter(|e| e.1 < footer - gap).collect();
            let top = content.iter().map(|e| e.0).fold(footer, Abs::min);
            let bottom = match end {
                Some((page, y)) if page == i + 1 => y,
                _ => content.iter().map(|e| e.1).fold(top, Abs::max),
            };
            let span = (footer - gap - top).to_pt();
            if span <= 0.0 {
                0.0
            } else {
                ((bottom - top).to_pt() / span).clamp(0.0, 1.0)
            }
        })
        .collect()
}

/// The first text of the document placed below the bottom edge of its page, with its page.
fn text_off_page(document: &PagedDocument) -> Option<(usize, String)> {
    use typst::layout::{Abs, Frame, FrameItem, Transform};
    fn walk(frame: &Frame, ts: Transform, bottom: Abs) -> Option<String> {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(group) => {
                    let inner = ts
                        .pre_concat(Transform::translate(pos.x, pos.y))
                        .pre_concat(group.transform);
                    if let Some(found) = walk(&group.frame, inner, bottom) {
                        return Some(found);
                    }
                }
                FrameItem::Text(text) if pos.transform(ts).y > bottom => {
                    return Some(text.text.to_string());
                }
                _ => {}
            }
        }
        None
    }
    document.pages().iter().enumerate().find_map(|(i, page)| {
        let bottom = page.frame.height();
        walk(&page.frame, Transform::identity(), bottom).map(|text| (i + 1, text))
    })
}

/// Where typesetting failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypesetStage {
    /// Compiling the source: a template problem, since every value is escaped.
    Compile,
    /// Writing the PDF, e.g. text that no font can show in a PDF/A document.
    Export,
}

/// Typst refused the generated source.
#[derive(Debug)]
pub struct TypesetError {
    /// Whether compiling or exporting the PDF failed.
    pub stage: TypesetStage,
    /// Each error, described, with the line it points at.
    pub messages: Vec<String>,
    /// Each error as Typst words it, without a place.
    pub bare: Vec<String>,
    /// The 1-based line of the generated source the first error points at, if any.
    pub line: Option<usize>,
    /// The 1-based line and column in the library (`templates/lib.typ`) the first error
    /// points at, when it is there rather than in the generated source.
    pub library_at: Option<(usize, usize)>,
}

impl TypesetError {
    /// The texts no font could draw, each once, in order, when exporting failed for that
    /// (typst-pdf says: the text "🍁" could not be displayed with font "Inter").
    ///
    /// typst-pdf gives these errors no code: its wording is matched here and only here,
    /// and `typst_pdf_words_a_missing_glyph_as_expected` pins it.
    pub fn undisplayable(&self) -> Vec<&str> {
        if self.stage != TypesetStage::Export {
            return Vec::new();
        }
        let mut texts: Vec<&str> = self
            .bare
            .iter()
            .filter(|m| m.contains(UNDISPLAYABLE))
            .filter_map(|m| m.split('"').nth(1))
            .collect();
        texts.sort_unstable();
        texts.dedup();
        texts
    }

    /// Whether exporting failed for characters no font has (rather than for the PDF
    /// standards chosen).
    pub fn missing_glyphs(&self) -> bool {
        self.stage == TypesetStage::Export
            && self
                .bare
                .iter()
                .any(|m| m.contains(UNDISPLAYABLE) || m.contains("glyph"))
    }
}

/// How typst-pdf says that no font has a character.
const UNDISPLAYABLE: &str = "could not be displayed";

impl std::fmt::Display for TypesetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "typesetting failed: {}", self.messages.join("; "))
    }
}

impl std::error::Error for TypesetError {}

fn diagnostics(
    world: &BriefWorld<'_>,
    stage: TypesetStage,
    errors: &[SourceDiagnostic],
) -> TypesetError {
    // The template's line, when the first error located in the generated source has one.
    let main = world.main_source();
    let line = errors.iter().find_map(|e| {
        (e.span.id() == Some(main.id())).then_some(())?;
        let range = world.range(e.span)?;
        main.lines().byte_to_line(range.start).map(|l| l + 1)
    });
    let library_at = errors.iter().find_map(|e| {
        let id = e.span.id()?;
        (world.describe_file(id) == crate::template::LIB_FILE).then_some(())?;
        let source = world.source(id).ok()?;
        let range = world.range(e.span)?;
        let line = source.lines().byte_to_line(range.start)?;
        let column = source.lines().byte_to_column(range.start)?;
        Some((line + 1, column + 1))
    });
    let messages = errors.iter().map(|e| describe(world, e)).collect();
    TypesetError {
        stage,
        messages,
        bare: errors.iter().map(|e| e.message.to_string()).collect(),
        line,
        library_at,
    }
}

/// One diagnostic with the line it points at, in the generated source or the library.
fn describe(world: &BriefWorld<'_>, diag: &SourceDiagnostic) -> String {
    let kind = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut text = format!("{kind}: {}", diag.message);
    if let (Some(id), Some(range)) = (diag.span.id(), world.range(diag.span))
        && let Ok(source) = world.source(id)
        && let Some(line) = source.lines().byte_to_line(range.start)
    {
        let snippet = source.text().lines().nth(line).unwrap_or("").trim();
        let snippet: String = snippet.chars().take(100).collect();
        text.push_str(&format!(
            " ({} line {}: `{snippet}`)",
            world.describe_file(id),
            line + 1
        ));
    }
    for hint in &diag.hints {
        text.push_str(&format!("\n    hint: {}", hint.v));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typesetter(lib: &str) -> Typesetter {
        let fonts = crate::assets::Assets::embedded().fonts().unwrap();
        Typesetter::new(fonts).unwrap().with_lib(lib.into())
    }

    /// typst-pdf gives a missing glyph no error code: `undisplayable` reads its wording,
    /// pinned here so that a Typst update that rewords it fails this test, not the error a
    /// user reads.
    #[test]
    fn typst_pdf_words_a_missing_glyph_as_expected() {
        let failure = typesetter("")
            .typeset("Maple 🍁 leaf".into(), &Files::new(), (2025, 9, 30), "t")
            .err()
            .expect("PDF/A refuses a character no font has");
        let TypesetFailure::Typst(typst) = failure else {
            panic!("{failure}")
        };
        assert_eq!(typst.stage, TypesetStage::Export);
        assert_eq!(typst.undisplayable(), ["🍁"], "{:?}", typst.bare);
        assert!(typst.missing_glyphs());
    }

    /// The library is served at /lib.typ to every document, and an error in it is located
    /// at its own line and column, not at the generated source's.
    #[test]
    fn the_library_is_imported_and_its_errors_located_in_it() {
        let document = typesetter("#let shout(body) = upper(body)\n")
            .typeset(
                "#set document(title: [t])\n#import \"/lib.typ\": shout\n#shout[quiet]".into(),
                &Files::new(),
                (2025, 9, 30),
                "t",
            )
            .unwrap();
        assert_eq!(document.pages, 1);
        let failure = typesetter("#let shout(body) = upper(body)\n#let broken = rgb(\"#12\")\n")
            .typeset(
                "#import \"/lib.typ\": broken\n#text(fill: broken)[x]".into(),
                &Files::new(),
                (2025, 9, 30),
                "t",
            )
            .err()
            .unwrap();
        let TypesetFailure::Typst(typst) = failure else {
            panic!("{failure}")
        };
        assert_eq!(typst.library_at, Some((2, 19)), "{:?}", typst.messages);
        assert_eq!(typst.line, None);
        assert!(
            typst.messages[0].contains("templates/lib.typ line 2"),
            "{:?}",
            typst.messages
        );
    }
}
