//! One brief, from a loaded profile to PDF bytes: validate → compute figures → write the
//! context, section by section, drawing the charts → render the template → typeset.
//!
//! Each section of the brief is a module that turns the data it needs into its part of the
//! template's context: `cover` (title, summary, facts, map and flag), `key_figures`
//! (cards, year to date, changes since the last edition), `trade` (charts and the
//! chapter table), `narrative` (why, sectors, cities, agreement), `next_steps`
//! (mission and contact) and `sources`. `writer` is what they write with: the
//! language's phrases and formats, and the record of every number printed.

mod context;
mod cover;
mod errors;
mod key_figures;
mod narrative;
pub(crate) mod next_steps;
pub(crate) mod sources;
mod trade;
mod writer;

use crate::config::Edition;
use crate::deps::Deps;
use crate::error::Result;
use crate::error::{Error, InputErrors};
use crate::figures::{self, Figures};
use crate::i18n::Lang;
use crate::i18n::format::LocaleFormatter;
use crate::profile::Profile;
use crate::project::Project;
use crate::template::{BRIEF_TEMPLATE, Templates};
use crate::timings::{Stage, Timings};
use crate::typeset::{Files, Typeset, TypesetFailure, Typesetter};
use crate::validate;
use context::BriefContext;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What every brief of a run shares, built once: templates, fonts, formatters.
pub struct Renderer<'p> {
    /// Drafts are built despite missing text, marked DRAFT (`build --draft`).
    draft: bool,
    /// The previous edition and what its briefs printed, for the "since the last edition"
    /// box.
    previous: Option<crate::store::Previous>,
    project: &'p Project,
    templates: Templates,
    typesetter: Typesetter,
    formatters: BTreeMap<Lang, LocaleFormatter>,
    /// Each country's figures, computed by the first of its briefs and shared by the
    /// others (its other languages, a handout): they do not depend on the language.
    figures: std::sync::Mutex<BTreeMap<String, Arc<std::sync::OnceLock<Arc<Figures>>>>>,
    /// The export rankings of the edition, worked out once for all its briefs.
    ranks: figures::Ranks<'p>,
}

/// A finished brief.
pub struct Brief {
    pub typeset: Typeset,
    /// The generated Typst source and the in-memory files it uses (`build --emit-typst`).
    pub source: String,
    pub files: Files,
    pub figures: Arc<Figures>,
    /// The key figures as printed, for `figures.json`.
    pub printed: BriefFigures,
    pub timings: Timings,
}

pub use crate::printed::BriefFigures;

impl<'p> Renderer<'p> {
    pub fn new(project: &'p Project) -> Result<Self> {
        Self::with_fonts(project, project.assets.fonts()?, None)
    }

    /// Like [`Renderer::new`] with the font files already read, conforming to the given
    /// PDF standards (`None`: the defaults, PDF/A-2b and PDF/UA-1).
    pub fn with_fonts(
        project: &'p Project,
        fonts: Vec<(String, Vec<u8>)>,
        standards: Option<Vec<typst_pdf::PdfStandard>>,
    ) -> Result<Self> {
        let mut typesetter = Typesetter::new(fonts)?;
        // marketbrief's Typst library, served to every brief: the project's
        // templates/lib.typ, or the built-in one.
        if let Some((_, lib)) = project.assets.read_text(crate::template::LIB_FILE)? {
            typesetter = typesetter.with_lib(lib);
        }
        if let Some(standards) = standards {
            typesetter = typesetter.with_standards(standards);
        }
        let mut formatters = BTreeMap::new();
        for lang in Lang::ALL {
            formatters.insert(lang, LocaleFormatter::new(project.catalogue(lang))?);
        }
        Ok(Renderer {
            draft: false,
            previous: None,
            project,
            templates: Templates::new(&project.assets),
            typesetter,
            formatters,
            figures: Default::default(),
            ranks: Default::default(),
        })
    }

    /// Builds one brief. Invalid inputs are refused before anything is drawn.
    pub fn build(
        &self,
        path: &Path,
        profile: &Profile,
        lang: Lang,
        edition: Edition,
    ) -> Result<Brief> {
        self.build_recording(path, profile, lang, edition, &Deps::default())
    }

    /// Like [`Renderer::build`], recording in `deps` every file the brief reads (also
    /// when it fails: what it read so far).
    pub fn build_recording(
        &self,
        path: &Path,
        profile: &Profile,
        lang: Lang,
        edition: Edition,
        deps: &Deps,
    ) -> Result<Brief> {
        let Rendered {
            mut context,
            mut source,
            files,
            figures,
            printed,
            mut timings,
        } = self.render_recording(path, profile, lang, edition, false, deps)?;
        deps.depends_on_all(self.typesetter.font_files());
        let ident = format!("marketbrief/{}/{}/{}", edition, profile.code(), lang);
        // A last page of a few lines is a page wasted on paper: the brief is laid out again
        // with less space between its parts, and kept so if that saves the page (the PDF is
        // exported once, of the layout kept).
        let refit = |pages: usize, fill: &[f64]| {
            let sparse = fill
                .last()
                .is_some_and(|f| *f < crate::typeset::SPARSE_LAST_PAGE);
            if pages < 2 || !sparse {
                return None;
            }
            context.tight = true;
            let tight = self.templates.render(BRIEF_TEMPLATE, &context).ok();
            context.tight = false;
            tight
        };
        let typeset = match self.typesetter.typeset_refitted(
            source.clone(),
            &files,
            edition.last_day(),
            &ident,
            refit,
        ) {
            Ok((typeset, refitted)) => {
                if let Some(tight) = refitted {
                    source = tight;
                    context.tight = true;
                }
                typeset
            }
            Err(TypesetFailure::TextOffPage(off)) => {
                return Err(self.text_off_page(&off, path, profile, lang).into());
            }
            Err(TypesetFailure::Typst(typst)) => {
                if let Some(missing) = self.missing_glyphs(&typst, path, profile, lang) {
                    return Err(missing.into());
                }
                return Err(
                    self.typst_error_in_template(&typst, path, &context, &files, edition, &ident)
                );
            }
            Err(TypesetFailure::Settings(why)) => return Err(Error::Typeset(why)),
        };
        timings.add(Stage::Typeset, typeset.compile_time);
        timings.add(Stage::Pdf, typeset.export_time);
        Ok(Brief {
            typeset,
            source,
            files,
            figures,
            printed,
            timings,
        })
    }

    /// Builds drafts: a profile's missing texts are shown as still to write, and every page
    /// is marked DRAFT, instead of failing the brief.
    pub fn with_draft(mut self, draft: bool) -> Self {
        self.draft = draft;
        self
    }

    /// Compares each brief with what the previous edition's briefs printed, in a box of the
    /// three largest changes.
    pub fn with_previous_edition(
        mut self,
        edition: Edition,
        figures: std::sync::Arc<crate::store::Spool>,
    ) -> Self {
        self.previous = Some((edition, figures));
        self
    }

    /// The templates, for documents made of several briefs.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The typesetter, for documents made of several briefs.
    pub fn typesetter(&self) -> &Typesetter {
        &self.typesetter
    }

    /// Validates, computes, draws and renders one brief to Typst source, without
    /// typesetting it. `bundled` renders it as a part of a mission bundle (no document
    /// metadata, headings one level down under the country's name).
    pub fn render(
        &self,
        path: &Path,
        profile: &Profile,
        lang: Lang,
        edition: Edition,
        bundled: bool,
    ) -> Result<Rendered> {
        self.render_recording(path, profile, lang, edition, bundled, &Deps::default())
    }

    /// Like [`Renderer::render`], recording in `deps` every file the brief reads.
    pub fn render_recording(
        &self,
        path: &Path,
        profile: &Profile,
        lang: Lang,
        edition: Edition,
        bundled: bool,
        deps: &Deps,
    ) -> Result<Rendered> {
        // Read by every brief; the figures consult every dataset (the first to have a
        // series wins, and ranks compare all partners), so all of them are inputs.
        deps.depends_on_path(path);
        deps.depends_on(crate::config::CONFIG_FILE);
        deps.depends_on(crate::assets::catalogue_file(lang));
        deps.depends_on_all(self.project.dataset_files());
        deps.depends_on(format!("templates/{BRIEF_TEMPLATE}"));
        deps.depends_on(crate::template::LIB_FILE);
        let mut timings = Timings::default();
        let errors = timings.time(Stage::Validate, || {
            if self.draft {
                validate::draft(self.project, path, profile)
            } else {
                validate::profile(self.project, path, profile, &[lang])
            }
        });
        if !errors.is_empty() {
            return Err(InputErrors(errors).into());
        }
        let country = profile.country.to_ascii_uppercase();
        let figures = timings.time(Stage::Figures, || self.figures_of(&country));
        let writer = writer::Writer::new(
            lang,
            &self.formatters[&lang],
            self.project.catalogue(lang),
            deps,
            profile.code(),
        );
        // What this brief printed in the previous edition, read from its spool.
        let previous = match &self.previous {
            Some((edition, briefs)) => match briefs.get(&format!("{}-{}", profile.code(), lang)) {
                Some(figures) => Some((
                    *edition,
                    figures.map_err(|e| {
                        Error::Internal(format!(
                            "cannot read the previous edition's figures back: {e}"
                        ))
                    })?,
                )),
                None => None,
            },
            None => None,
        };
        let inputs = context::Inputs {
            project: self.project,
            profile,
            figures: &figures,
            edition,
            bundled,
            draft: self.draft,
            previous: previous
                .as_ref()
                .map(|(edition, figures)| (*edition, figures)),
        };
        let (context, files, printed) = context::write(&writer, &inputs, &mut timings)?;
        let source = timings.time(Stage::Template, || {
            self.templates.render(BRIEF_TEMPLATE, &context)
        })?;
        deps.depends_on_all(self.templates.loaded());
        Ok(Rendered {
            context,
            source,
            files,
            figures,
            printed,
            timings,
        })
    }
}

impl Renderer<'_> {
    /// What the figures of the brief of `profile` call for saying (cards left out, example
    /// data), from the figures its briefs print.
    pub fn figure_notes(&self, path: &Path, profile: &Profile) -> crate::validate::FigureNotes {
        let figures = self.figures_of(&profile.country.to_ascii_uppercase());
        crate::validate::figure_notes(self.project, path, profile, &figures)
    }

    /// The figures of `country` (upper case), computed once per renderer: the first brief
    /// of the country computes them while the others wait, and all share them.
    fn figures_of(&self, country: &str) -> Arc<Figures> {
        // Briefs are built country by country: the last few countries are kept, so memory
        // does not grow with the edition (a country met again is computed again).
        const KEPT: usize = 16;
        let cell = {
            let mut cache = self.figures.lock().unwrap_or_else(|e| e.into_inner());
            if !cache.contains_key(country) && cache.len() >= KEPT {
                cache.clear();
            }
            cache.entry(country.to_string()).or_default().clone()
        };
        cell.get_or_init(|| {
            Arc::new(figures::compute_with(
                &self.project.datasets,
                &self.project.reference.classifications,
                &self.project.config.reporters(),
                country,
                &self.ranks,
            ))
        })
        .clone()
    }
}

/// A brief rendered to Typst source, not yet typeset.
pub struct Rendered {
    context: BriefContext,
    pub source: String,
    pub files: Files,
    pub figures: Arc<Figures>,
    pub printed: BriefFigures,
    pub timings: Timings,
}

#[cfg(test)]
mod tests;
