//! What every section of the brief writes with: the language's catalogue and formatter,
//! the record of every number printed, and the files read.

use crate::InputError;
use crate::dataset::{Dataset, Status};
use crate::deps::Deps;
use crate::error::Result;
use crate::figures::Origin;
use crate::i18n::Lang;
use crate::i18n::catalogue::Catalogue;
use crate::i18n::format::LocaleFormatter;
use crate::printed::PrintedFigure;
use crate::profile::Localized;
use crate::reference::Reference;
use std::cell::RefCell;

/// Writes text for one brief in one language, and notes every number it prints.
pub(super) struct Writer<'a> {
    pub lang: Lang,
    pub fmt: &'a LocaleFormatter,
    pub cat: &'a Catalogue,
    pub deps: &'a Deps,
    /// The brief's country code in lower case: its files live under it.
    pub code: String,
    /// Every number written into the context so far, for `figures.json`.
    printed: RefCell<Vec<PrintedFigure>>,
}

impl<'a> Writer<'a> {
    pub fn new(
        lang: Lang,
        fmt: &'a LocaleFormatter,
        cat: &'a Catalogue,
        deps: &'a Deps,
        code: String,
    ) -> Self {
        Writer {
            lang,
            fmt,
            cat,
            deps,
            code,
            printed: RefCell::new(Vec::new()),
        }
    }

    /// Notes a number the brief prints.
    pub fn note(&self, figure: PrintedFigure) {
        self.printed.borrow_mut().push(figure);
    }

    /// Every number noted, for the brief's record.
    pub fn take_printed(&self) -> Vec<PrintedFigure> {
        self.printed.take()
    }

    /// A profile or configuration text in the brief's language, set as the language sets
    /// it (French spacing before high punctuation).
    pub fn text(&self, localized: &Localized) -> String {
        // Validation has checked every field for this language, except in drafts.
        let Some(text) = localized.get(self.lang) else {
            return self.cat.get("brief.to_write").unwrap_or("…").to_string();
        };
        match self.lang {
            Lang::Fr => crate::i18n::format::french_spacing(text),
            _ => text.to_string(),
        }
    }

    /// A fixed phrase of the catalogue.
    pub fn phrase(&self, key: &str) -> Result<String> {
        Ok(self.cat.get(key)?.to_string())
    }

    /// A phrase of the catalogue with its placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> Result<String> {
        Ok(self.cat.fill(key, args)?)
    }

    /// The virtual path of one of the brief's files: under the country's code, so the
    /// briefs of a bundle do not collide, and the same for every build of that country.
    pub fn path(&self, name: &str) -> String {
        format!("/{}/{name}", self.code)
    }

    /// The caption line that says where the values shown come from: the sources of their
    /// real rows only, then `illustrative_note` when some values are illustrative; when
    /// every value shown is illustrative, it says so and names no source.
    pub fn source_line<'o>(
        &self,
        datasets: &[Dataset],
        origins: impl Iterator<Item = &'o Origin>,
        illustrative_note: &str,
    ) -> Result<String> {
        let mut real: Vec<&str> = Vec::new();
        let mut any_illustrative = false;
        for origin in origins {
            any_illustrative |= origin.illustrative();
            if origin.statuses.iter().any(|s| *s != Status::Illustrative)
                && !real.contains(&origin.dataset.as_str())
            {
                real.push(&origin.dataset);
            }
        }
        if real.is_empty() {
            return self.phrase("charts.source_illustrative");
        }
        let mut names: Vec<String> = Vec::new();
        for id in real {
            let name = self.text(&dataset(datasets, id)?.meta.source);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let mut line = self.fill("charts.source", &[("source", &names.join("; "))])?;
        if any_illustrative {
            line.push(' ');
            line.push_str(illustrative_note);
        }
        Ok(line)
    }

    /// The partial-coverage mark of figures from `dataset`, if it covers only some products.
    pub fn partial_mark(&self, datasets: &[Dataset], id: &str) -> Result<Option<String>> {
        Ok(if dataset(datasets, id)?.meta.coverage.is_partial() {
            Some(self.phrase("brief.partial_mark")?)
        } else {
            None
        })
    }

    /// The label of a category in the brief's language; a missing one is an error, never the
    /// bare code in a printed brief.
    pub fn category_label<'r>(
        &self,
        reference: &'r Reference,
        classification: &str,
        code: &str,
    ) -> Result<&'r str> {
        self.deps
            .depends_on(crate::reference::classification_file(classification));
        reference
            .label(classification, code, self.lang)
            .ok_or_else(|| {
                InputError::new(
                    crate::reference::classification_file(classification),
                    format!("missing translation: no {} label for `{code}`", self.lang),
                )
                .into()
            })
    }
}

/// A dataset the figures name.
pub(super) fn dataset<'d>(datasets: &'d [Dataset], id: &str) -> Result<&'d Dataset> {
    crate::dataset::by_id(datasets, id).ok_or_else(|| {
        InputError::new(
            crate::project::DATASETS_DIR,
            format!("no dataset `{id}`: the brief needs {id}.csv and {id}.yaml here"),
        )
        .into()
    })
}
