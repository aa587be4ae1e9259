//! One brief, from a loaded profile to PDF bytes: validate → compute figures → draw charts
//! → render the template → typeset.

use crate::charts::{self, Bar, TrendLabels};
use crate::config::Edition;
use crate::dataset::{Dataset, Status};
use crate::deps::Deps;
use crate::error::{InputError, InputErrors};
use crate::figures::{self, Breakdown, Figures, KeyFigure, KeyFigureId, Origin, Reporters};
use crate::i18n::Lang;
use crate::i18n::catalogue::Catalogue;
use crate::i18n::format::LocaleFormatter;
use crate::profile::{Localized, Profile};
use crate::project::Project;
use crate::record::{Base, Part, PrintedFigure};
use crate::reference::Reference;
use crate::template::{BRIEF_TEMPLATE, Templates};
use crate::timings::{Stage, Timings};
use crate::typeset::{Files, Typeset, TypesetError, TypesetStage, Typesetter};
use crate::validate;
use anyhow::{Result, anyhow};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What every brief of a run shares, built once: templates, fonts, formatters.
pub struct Renderer<'p> {
    /// Drafts are built despite missing text, marked DRAFT (`build --draft`).
    draft: bool,
    /// The previous edition and what its briefs printed, for the "since the last edition"
    /// box.
    previous: Option<(Edition, BTreeMap<String, BriefFigures>)>,
    project: &'p Project,
    templates: Templates,
    typesetter: Typesetter,
    formatters: BTreeMap<Lang, LocaleFormatter>,
}

/// A finished brief.
pub struct Brief {
    pub typeset: Typeset,
    /// The generated Typst source and the in-memory files it uses (`build --emit-typst`).
    pub source: String,
    pub files: Files,
    pub figures: Figures,
    /// The key figures as printed, for `figures.json`.
    pub record: BriefFigures,
    pub timings: Timings,
}

pub use crate::record::BriefFigures;

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
            context,
            source,
            files,
            figures,
            record,
            mut timings,
        } = self.render_recording(path, profile, lang, edition, false, deps)?;
        deps.read_all(self.typesetter.font_files());
        let ident = format!("marketbrief/{}/{}/{}", edition, profile.code(), lang);
        let typeset =
            match self
                .typesetter
                .typeset(source.clone(), &files, edition.last_day(), &ident)
            {
                Ok(typeset) => typeset,
                Err(e) => {
                    if let Some(off) = e.downcast_ref::<crate::typeset::TextOffPage>() {
                        return Err(self.text_off_page(off, path, profile, lang).into());
                    }
                    return Err(
                        self.typst_error_in_template(e, path, &context, &files, edition, &ident)
                    );
                }
            };
        timings.add(Stage::Typeset, typeset.compile_time);
        timings.add(Stage::Pdf, typeset.export_time);
        Ok(Brief {
            typeset,
            source,
            files,
            figures,
            record,
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
        figures: BTreeMap<String, BriefFigures>,
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
        deps.read_path(path);
        deps.read(crate::config::CONFIG_FILE);
        deps.read(crate::assets::catalogue_file(lang));
        deps.read_all(self.project.dataset_files());
        deps.read(format!("templates/{BRIEF_TEMPLATE}"));
        let mut timings = Timings::default();
        let mut errors = timings.time(Stage::Validate, || {
            validate::profile(self.project, path, profile, &[lang])
        });
        if self.draft {
            // A draft only needs a known country; everything else may still be missing.
            errors.retain(|e| {
                e.field.as_deref() == Some("country") && !e.message.starts_with("no trade rows")
            });
        }
        if !errors.is_empty() {
            return Err(InputErrors(errors).into());
        }
        let config = &self.project.config;
        let country = profile.country.to_ascii_uppercase();
        let figures = timings.time(Stage::Figures, || {
            figures::compute(
                &self.project.datasets,
                &self.project.reference.classifications,
                &Reporters {
                    region: &config.region.code,
                    national: &config.country.code,
                },
                &country,
            )
        });
        let fmt = &self.formatters[&lang];
        let cat = self.project.catalogue(lang);
        let writer = ContextWriter {
            deps,
            project: self.project,
            fmt,
            cat,
            lang,
            profile,
            figures: &figures,
            edition,
            bundled,
            draft: self.draft,
            previous: self.previous.as_ref().and_then(|(edition, briefs)| {
                Some((
                    *edition,
                    briefs.get(&format!("{}-{}", profile.code(), lang))?,
                ))
            }),
            printed: RefCell::new(Vec::new()),
        };
        // Charts are drawn while the context is written.
        let (context, files, record) = timings.time(Stage::Charts, || writer.write())?;
        let source = timings.time(Stage::Template, || {
            self.templates.render(BRIEF_TEMPLATE, &context)
        })?;
        deps.read_all(self.templates.loaded());
        Ok(Rendered {
            context,
            source,
            files,
            figures,
            record,
            timings,
        })
    }
}

/// A brief rendered to Typst source, not yet typeset.
pub struct Rendered {
    context: BriefContext,
    pub source: String,
    pub files: Files,
    pub figures: Figures,
    pub record: BriefFigures,
    pub timings: Timings,
}

impl Renderer<'_> {
    /// Reports text that runs off its page at the profile field it comes from, found by the
    /// words of the line that is off the page (the field, line and column when one field
    /// holds them; the profile alone otherwise).
    fn text_off_page(
        &self,
        off: &crate::typeset::TextOffPage,
        path: &Path,
        profile: &Profile,
        lang: Lang,
    ) -> InputError {
        let words = |text: &str| -> Vec<String> {
            text.split(|c: char| c.is_whitespace() || "*_`#[]()".contains(c))
                .map(|w| {
                    w.trim_matches(|c: char| c == '\u{AD}' || c == '-')
                        .to_string()
                })
                .filter(|w| !w.is_empty())
                .collect()
        };
        // The line's first and last words may be parts of hyphenated words.
        let line = words(&off.text);
        let inner: &[String] = if line.len() > 2 {
            &line[1..line.len() - 1]
        } else {
            &line
        };
        let needle = inner.iter().take(6).cloned().collect::<Vec<_>>().join(" ");
        let fields: Vec<String> = profile
            .localized_fields()
            .into_iter()
            .filter(|(_, text)| {
                !needle.is_empty()
                    && text
                        .get(lang)
                        .is_some_and(|t| words(t).join(" ").contains(&needle))
            })
            .map(|(field, _)| format!("{field}.{lang}"))
            .collect();
        let error = InputError::new(path, off.to_string());
        match fields.as_slice() {
            [field] => {
                let text =
                    std::fs::read_to_string(self.project.root.join(path)).unwrap_or_default();
                let (line, col) = validate::locate(&text, field);
                error.at(line, col).field(field.clone())
            }
            _ => error,
        }
    }

    /// Reports a Typst error at the template line that produced the failing source.
    fn typst_error_in_template(
        &self,
        error: anyhow::Error,
        profile_path: &Path,
        context: &impl Serialize,
        files: &Files,
        edition: Edition,
        ident: &str,
    ) -> anyhow::Error {
        let Some(typst) = error.downcast_ref::<TypesetError>() else {
            return error;
        };
        if typst.stage == TypesetStage::Export {
            // The source compiled: what the PDF cannot hold comes from the brief's text.
            let mut messages: Vec<&str> = typst
                .messages
                .iter()
                .map(|m| m.split(" (generated main.typ").next().unwrap_or(m))
                .collect();
            messages.dedup();
            // Missing glyphs come from the brief's text; anything else from the standards
            // chosen, which no profile can mend.
            let glyphs = messages
                .iter()
                .any(|m| m.contains("could not be displayed") || m.contains("glyph"));
            if !glyphs {
                return anyhow!(
                    "cannot write the PDF: {}; choose other PDF standards with --standard (the default, a-2b and ua-1, suits briefs)",
                    messages.join("; ")
                );
            }
            return InputError::new(
                profile_path,
                format!(
                    "cannot write the PDF: {}; add a font that has these characters to fonts/, or choose other PDF standards with --standard",
                    messages.join("; ")
                ),
            )
            .into();
        }
        let line = self
            .templates
            .template_line(BRIEF_TEMPLATE, context, |annotated| {
                match self
                    .typesetter
                    .typeset(annotated, files, edition.last_day(), ident)
                {
                    Err(e) => e.downcast_ref::<TypesetError>().and_then(|t| t.line),
                    Ok(_) => None,
                }
            });
        InputError::new(
            format!("templates/{BRIEF_TEMPLATE}"),
            format!(
                "the template produces Typst that does not compile: {}",
                typst.messages.join("; ")
            ),
        )
        .at(line, None)
        .into()
    }
}

/// Everything the template sees. Values are plain text: the template escapes them.
#[derive(Serialize)]
struct BriefContext {
    lang: &'static str,
    /// Part of a mission bundle rather than a document of its own.
    bundled: bool,
    /// A draft: marked as such on every page.
    draft: bool,
    /// The locale's region for Typst (`BE` for fr-BE and nl-BE), if any.
    region_code: Option<&'static str>,
    /// The catalogue, for fixed phrases without placeholders.
    t: serde_yaml::Value,
    brand: String,
    title: String,
    subject: String,
    keywords: Vec<String>,
    country: Named,
    region: Named,
    publisher: Publisher,
    edition: EditionText,
    summary: String,
    illustrative: bool,
    /// Every trade figure printed is illustrative: the notice says so plainly.
    all_illustrative: bool,
    key_figures_heading: String,
    card_groups: Vec<CardGroup>,
    /// Year-to-date lines, when the data go beyond the last complete year.
    year_to_date: Vec<YearToDateLine>,
    since_last: Option<SinceLast>,
    /// Population and GDP (World Bank), one line.
    facts: Option<String>,
    map_path: Option<String>,
    map_alt: String,
    has_flag: bool,
    flag_path: String,
    flag_alt: String,
    /// Section headings that name the country ("Why do business in Canada?").
    headings: Headings,
    charts: Vec<ChartContext>,
    /// The largest CN chapters of goods exports, as a table.
    chapters: Option<ChapterTable>,
    why: String,
    sectors: Vec<TitledText>,
    cities: Vec<TitledText>,
    agreement: TitledText,
    mission: Option<MissionContext>,
    contact: ContactContext,
    datasets: Vec<SourceContext>,
    publications: Vec<LinkContext>,
    method: String,
    date: [i32; 3],
}

#[derive(Serialize)]
struct Named {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct Publisher {
    name: String,
    email: String,
    phone: Option<String>,
    website: Option<String>,
}

#[derive(Serialize)]
struct EditionText {
    id: String,
    label: String,
    line: String,
}

/// A line of the year-to-date box.
#[derive(Serialize)]
struct YearToDateLine {
    text: String,
    /// From a dataset that covers only some products.
    partial: bool,
    /// Computed from illustrative rows.
    illustrative: bool,
}

/// The largest changes since the previous edition.
#[derive(Serialize)]
struct SinceLast {
    heading: String,
    items: Vec<String>,
}

/// Key-figure cards of one reporter (the region, then the country).
#[derive(Serialize)]
struct CardGroup {
    name: String,
    cards: Vec<Card>,
}

#[derive(Serialize)]
struct Card {
    id: KeyFigureId,
    label: String,
    before: String,
    number: String,
    after: String,
    year: i32,
    /// The card's period when it is not the heading's year ("2023"): a partner whose latest
    /// year is not complete yet shows its last complete one.
    period: Option<String>,
    change: Option<String>,
    /// "up", "down" or "flat"; for ranks "up" means a better (smaller) rank.
    direction: &'static str,
    illustrative: bool,
    /// Set when the figure comes from a dataset that covers only some products.
    partial: Option<String>,
}

#[derive(Serialize)]
struct ChartContext {
    path: String,
    title: String,
    unit: String,
    caption: String,
    alt: String,
}

#[derive(Serialize)]
struct Headings {
    why: String,
    cities: String,
}

#[derive(Serialize)]
struct ChapterTable {
    title: String,
    unit: String,
    /// Column headings: chapter, value, change, share.
    headings: [String; 4],
    rows: Vec<ChapterRow>,
    caption: String,
}

#[derive(Serialize)]
struct ChapterRow {
    code: String,
    label: String,
    value: String,
    change: String,
    share: String,
    /// The illustrative mark, when the row rests on illustrative data.
    mark: String,
}

#[derive(Serialize)]
struct TitledText {
    title: String,
    text: String,
}

#[derive(Serialize)]
struct MissionContext {
    title: String,
    when: String,
    place: String,
    text: String,
}

#[derive(Serialize)]
struct ContactContext {
    heading: String,
    name: String,
    role: String,
    email: String,
    phone: Option<String>,
}

#[derive(Serialize)]
struct SourceContext {
    title: String,
    details: String,
    /// The source's address; none for data that are only illustrative here.
    url: Option<String>,
    /// What is illustrative in what this brief shows from it.
    note: Option<String>,
}

#[derive(Serialize)]
struct LinkContext {
    title: String,
    url: String,
    date: Option<String>,
}

/// Turns figures and profile into the template context, formatted for one language.
struct ContextWriter<'a> {
    deps: &'a Deps,
    bundled: bool,
    draft: bool,
    previous: Option<(Edition, &'a BriefFigures)>,
    project: &'a Project,
    fmt: &'a LocaleFormatter,
    cat: &'a Catalogue,
    lang: Lang,
    profile: &'a Profile,
    figures: &'a Figures,
    edition: Edition,
    /// Every number written into the context so far, for `figures.json`.
    printed: RefCell<Vec<PrintedFigure>>,
}

impl ContextWriter<'_> {
    /// Notes a number the brief prints.
    fn note(&self, figure: PrintedFigure) {
        self.printed.borrow_mut().push(figure);
    }
    fn text(&self, localized: &Localized) -> String {
        // Validation has checked every field for this language, except in drafts.
        let Some(text) = localized.get(self.lang) else {
            return self.cat.get("brief.to_write").unwrap_or("…").to_string();
        };
        match self.lang {
            Lang::Fr => crate::i18n::format::french_spacing(text),
            _ => text.to_string(),
        }
    }

    /// The virtual path of one of the brief's files: under the country's code, so the
    /// briefs of a bundle do not collide, and the same for every build of that country.
    fn path(&self, name: &str) -> String {
        format!("/{}/{name}", self.profile.code())
    }

    fn fill(&self, key: &str, args: &[(&str, &str)]) -> Result<String> {
        Ok(self.cat.fill(key, args)?)
    }

    fn write(&self) -> Result<(BriefContext, Files, BriefFigures)> {
        let config = &self.project.config;
        let lang = self.lang;
        let code = self.profile.country.to_ascii_uppercase();
        self.deps.read(crate::reference::territories_file(lang));
        let country_name = self
            .project
            .reference
            .country_names
            .get(&code)
            .and_then(|n| n.get(lang))
            .ok_or_else(|| anyhow!("no CLDR name for country {code} in {lang}"))?
            .to_string();
        let region_of = self.text(&config.region.of);
        let national_of = self.text(&config.country.of);
        let publisher = self.text(&config.publisher.name);
        let edition_label = self.fmt.edition(&self.edition)?;
        let kind = self.cat.get("brief.kind")?.to_string();
        let title = self.fill("brief.title", &[("country", &country_name)])?;

        let mut files: Files = BTreeMap::new();
        self.deps.read(crate::reference::WORLD_ATLAS);
        if let Some(map) = self
            .project
            .reference
            .locator_map(&code, &config.brand_colour.0)
        {
            files.insert(self.path("map.svg"), Arc::new(map.into_bytes()));
        }
        self.deps.read(crate::reference::flag_file(&code));
        if let Some(flag) = Reference::flag(&self.project.assets, &code)? {
            files.insert(self.path("flag.svg"), Arc::new(flag));
        }

        let mut region_cards = Vec::new();
        let mut national_cards = Vec::new();
        // The heading names the first card's year; any card of another year says its own.
        let key_year = self
            .figures
            .key_figures
            .first()
            .map(|k| k.year)
            .unwrap_or(self.edition.year);
        for k in &self.figures.key_figures {
            let mut card = self.card(k, &region_of, &national_of)?;
            if k.year != key_year {
                card.period = Some(self.fill("figures.period", &[("year", &k.year.to_string())])?);
            }
            let base = match (k.previous, &k.previous_origin) {
                (Some(value), Some(origin)) => Some(Base {
                    period: (k.year - 1).to_string(),
                    value,
                    printed: if k.id == KeyFigureId::RegionExportRank {
                        self.fmt.rank(value as u32)?
                    } else {
                        self.fmt.money(value)?.full()
                    },
                    rows: origin.rows.clone(),
                }),
                _ => None,
            };
            self.note(PrintedFigure {
                id: format!("key/{}", k.id.key()),
                part: Part::KeyFigure,
                label: card.label.clone(),
                period: k.year.to_string(),
                value: k.value,
                printed: format!("{}{}{}", card.before, card.number, card.after),
                base,
                change: card.change.clone(),
                illustrative: k.illustrative,
                rows: k.origin.rows.clone(),
            });
            match k.id {
                KeyFigureId::NationalGoodsExports | KeyFigureId::NationalServicesExports => {
                    national_cards.push(card)
                }
                _ => region_cards.push(card),
            }
        }
        let card_groups: Vec<CardGroup> = [
            (self.text(&config.region.name), region_cards),
            (self.text(&config.country.name), national_cards),
        ]
        .into_iter()
        .filter(|(_, cards)| !cards.is_empty())
        .map(|(name, cards)| CardGroup { name, cards })
        .collect();
        let charts = self.charts(&country_name, &mut files)?;
        let chapters = self.chapter_table(&country_name)?;
        self.deps.read_all(Reference::in_country_file(
            self.profile.in_country.as_ref(),
            lang,
        ));
        // Validation makes sure the form exists; only a draft gets this far without it.
        let in_country =
            match self
                .project
                .reference
                .in_country(&code, self.profile.in_country.as_ref(), lang)
            {
                Some(form) => form.to_string(),
                None => self.cat.get("brief.to_write")?.to_string(),
            };
        let headings = Headings {
            why: self.fill("sections.why", &[("in_country", &in_country)])?,
            cities: self.fill("sections.cities", &[("in_country", &in_country)])?,
        };

        let mission = match &self.profile.mission {
            Some(m) => {
                let when = match (&m.start, &m.end, &m.season) {
                    (Some(start), Some(end), _) if end != start => self.fill(
                        "brief.date_range",
                        &[
                            ("start", &self.fmt.date(start)?),
                            ("end", &self.fmt.date(end)?),
                        ],
                    )?,
                    (Some(start), _, _) => self.fmt.date(start)?,
                    (None, _, Some(season)) => self.text(season),
                    (None, _, None) => String::new(),
                };
                Some(MissionContext {
                    title: self.text(&m.title),
                    when,
                    place: self.text(&m.place),
                    text: self.text(&m.text),
                })
            }
            None => None,
        };
        let agreement_title = match self.profile.agreement.in_force_since {
            Some(year) => self.fill(
                "brief.agreement_since",
                &[
                    ("name", &self.text(&self.profile.agreement.name)),
                    ("year", &year.to_string()),
                ],
            )?,
            None => self.text(&self.profile.agreement.name),
        };

        let facts = self.facts_line(&code)?;
        let year_to_date = self.year_to_date()?;
        // Each source is described by what this brief took from it: the statuses of the
        // rows behind its printed figures.
        let statuses = self.figures.statuses_by_dataset();
        let mut datasets = Vec::new();
        let mut publications = Vec::new();
        for id in &self.figures.datasets {
            let d = self.dataset(id)?;
            let used = statuses.get(id.as_str()).cloned().unwrap_or_default();
            datasets.push(self.source(d, &used)?);
            // A publication is cited only for a figure on this brief that quotes it.
            for p in &d.meta.publications {
                let quoted = self
                    .figures
                    .origins()
                    .filter(|o| o.dataset == d.id)
                    .flat_map(|o| &o.quoted)
                    .any(|(partner, period)| p.quoted_by(partner, *period));
                if quoted {
                    publications.push(self.link(&p.title, &p.url, p.date.as_ref())?);
                }
            }
        }
        if facts.is_some() {
            datasets.push(SourceContext {
                title: self.cat.get("sources.world_bank_title")?.to_string(),
                details: self.cat.get("sources.world_bank_details")?.to_string(),
                url: Some("https://data.worldbank.org/".into()),
                note: None,
            });
        }
        for p in &self.profile.sources {
            publications.push(self.link(&p.title, &p.url, p.date.as_ref())?);
        }
        let mut seen = std::collections::BTreeSet::new();
        publications.retain(|p| seen.insert((p.url.clone(), p.title.clone())));

        let date = self.edition.last_day();
        let data_as_of = self
            .figures
            .datasets
            .iter()
            .filter_map(|id| self.project.datasets.iter().find(|d| &d.id == id))
            .map(|d| d.meta.last_update)
            .max();
        let edition_line = match data_as_of {
            Some(d) => self.fill(
                "brief.edition_line",
                &[("edition", &edition_label), ("date", &self.fmt.date(&d)?)],
            )?,
            None => edition_label.clone(),
        };
        Ok((
            BriefContext {
                lang: lang.code(),
                bundled: self.bundled,
                draft: self.draft,
                region_code: lang.locale().split_once('-').map(|(_, region)| region),
                t: self.cat.tree.clone(),
                brand: config.brand_colour.0.clone(),
                subject: self.fill(
                    "brief.subject",
                    &[("country", &country_name), ("edition", &edition_label)],
                )?,
                keywords: vec![
                    kind.clone(),
                    country_name.clone(),
                    self.text(&config.region.short),
                    self.edition.to_string(),
                    edition_label.clone(),
                ],
                title,
                country: Named {
                    code: code.clone(),
                    name: country_name.clone(),
                },
                region: Named {
                    code: config.region.code.clone(),
                    name: self.text(&config.region.name),
                },
                publisher: Publisher {
                    name: publisher,
                    email: config.publisher.email.clone(),
                    phone: config.publisher.phone.clone(),
                    website: config.publisher.website.clone(),
                },
                edition: EditionText {
                    id: self.edition.to_string(),
                    label: edition_label,
                    line: edition_line,
                },
                summary: self.text(&self.profile.summary),
                illustrative: self.figures.illustrative,
                all_illustrative: self.figures.illustrative
                    && self
                        .figures
                        .origins()
                        .all(|o| o.statuses.iter().all(|s| *s == Status::Illustrative)),
                key_figures_heading: self
                    .fill("brief.key_figures", &[("year", &key_year.to_string())])?,
                year_to_date,
                since_last: self.since_last()?,
                facts: facts.clone(),
                map_path: files
                    .contains_key(&self.path("map.svg"))
                    .then(|| self.path("map.svg")),
                map_alt: self.fill("brief.map_alt", &[("country", &country_name)])?,
                card_groups,
                has_flag: files.contains_key(&self.path("flag.svg")),
                flag_path: self.path("flag.svg"),
                flag_alt: self.fill("brief.flag_alt", &[("country", &country_name)])?,
                headings,
                charts,
                chapters,
                why: self.text(&self.profile.why),
                sectors: self
                    .profile
                    .sectors
                    .iter()
                    .map(|s| TitledText {
                        title: self.text(&s.title),
                        text: self.text(&s.text),
                    })
                    .collect(),
                cities: self
                    .profile
                    .cities
                    .iter()
                    .map(|c| TitledText {
                        title: self.text(&c.name),
                        text: self.text(&c.text),
                    })
                    .collect(),
                agreement: TitledText {
                    title: agreement_title,
                    text: self.text(&self.profile.agreement.text),
                },
                mission,
                contact: ContactContext {
                    heading: self.cat.get("brief.contact")?.to_string(),
                    name: self.profile.contact.name.clone(),
                    role: self.text(&self.profile.contact.role),
                    email: self.profile.contact.email.clone(),
                    phone: self.profile.contact.phone.clone(),
                },
                datasets,
                publications,
                method: self.fill("brief.method", &[("region", &region_of)])?,
                date: [date.0, i32::from(date.1), i32::from(date.2)],
            },
            files,
            BriefFigures {
                country: code,
                language: lang.code().to_string(),
                figures: self.printed.take(),
                legacy: false,
            },
        ))
    }

    /// One line per year-to-date figure, labelled with its months and compared with the
    /// same months of the year before.
    fn year_to_date(&self) -> Result<Vec<YearToDateLine>> {
        let mut lines = Vec::new();
        let months = |year: i32, last: u8| format!("{year}-01..{year}-{last:02}");
        for ytd in &self.figures.year_to_date {
            let label = self
                .printed
                .borrow()
                .iter()
                .find(|r| r.id == format!("key/{}", ytd.id.key()))
                .map(|r| r.label.clone())
                .unwrap_or_default();
            let period = self.fmt.months_to(ytd.year, ytd.last_month)?;
            let value = self.fmt.money(ytd.value)?.full();
            let change = ytd
                .change()
                .map(|c| self.fmt.percent_change(c))
                .transpose()?;
            let line = match &change {
                Some(change) => self.fill(
                    "figures.ytd_line",
                    &[
                        ("label", &label),
                        ("period", &period),
                        ("value", &value),
                        ("change", change),
                        (
                            "previous_period",
                            &self.fmt.months_to(ytd.year - 1, ytd.last_month)?,
                        ),
                    ],
                )?,
                None => self.fill(
                    "figures.ytd_line_no_previous",
                    &[("label", &label), ("period", &period), ("value", &value)],
                )?,
            };
            let base = match (ytd.previous, &ytd.previous_origin) {
                (Some(previous), Some(origin)) => Some(Base {
                    period: months(ytd.year - 1, ytd.last_month),
                    value: previous,
                    printed: self.fmt.money(previous)?.full(),
                    rows: origin.rows.clone(),
                }),
                _ => None,
            };
            self.note(PrintedFigure {
                id: format!("ytd/{}", ytd.id.key()),
                part: Part::YearToDate,
                label,
                period: months(ytd.year, ytd.last_month),
                value: ytd.value,
                printed: value,
                base,
                change,
                illustrative: ytd.origin.illustrative()
                    || ytd
                        .previous_origin
                        .as_ref()
                        .is_some_and(|o| o.illustrative()),
                rows: ytd.origin.rows.clone(),
            });
            lines.push(YearToDateLine {
                text: line,
                partial: self.dataset(&ytd.origin.dataset)?.meta.coverage.is_some(),
                illustrative: ytd.origin.illustrative()
                    || ytd
                        .previous_origin
                        .as_ref()
                        .is_some_and(|o| o.illustrative()),
            });
        }
        Ok(lines)
    }

    /// "Population: … (2024) · GDP: … (2023) · Source: World Bank", when known.
    fn facts_line(&self, code: &str) -> Result<Option<String>> {
        self.deps.read_all(crate::reference::WORLD_BANK_FILES);
        let Some(facts) = self.project.reference.facts.get(code) else {
            return Ok(None);
        };
        let mut parts = Vec::new();
        for (id, key, label, unit, fact, file) in [
            (
                "facts/population",
                "brief.facts_population",
                "brief.facts_population_label",
                "people",
                facts.population,
                "data/reference/world-bank/population.csv",
            ),
            (
                "facts/gdp",
                "brief.facts_gdp",
                "brief.facts_gdp_label",
                "usd",
                facts.gdp_usd,
                "data/reference/world-bank/gdp_current_usd.csv",
            ),
        ] {
            let Some((year, amount)) = fact else { continue };
            let value = self.fmt.scaled(unit, amount)?.full();
            let text = self.fill(key, &[("value", &value), ("year", &year.to_string())])?;
            self.note(PrintedFigure {
                id: id.to_string(),
                part: Part::Facts,
                label: self.cat.get(label)?.to_string(),
                period: year.to_string(),
                value: amount,
                printed: value,
                base: None,
                change: None,
                illustrative: false,
                rows: vec![format!("{file} ({code})")],
            });
            parts.push(text);
        }
        if parts.is_empty() {
            return Ok(None);
        }
        parts.push(self.cat.get("brief.facts_source")?.to_string());
        Ok(Some(parts.join(" · ")))
    }

    /// The three key figures that moved most since the previous edition printed them.
    fn since_last(&self) -> Result<Option<SinceLast>> {
        let Some((edition, previous)) = self.previous else {
            return Ok(None);
        };
        let current = BriefFigures {
            country: previous.country.clone(),
            language: previous.language.clone(),
            figures: self.printed.borrow().clone(),
            legacy: false,
        };
        let mut moves: Vec<(f64, String)> = Vec::new();
        for change in crate::record::compare(previous, &current) {
            let (Some(old), Some(new)) = (change.old, change.new) else {
                continue;
            };
            if new.part != Part::KeyFigure {
                continue;
            }
            let rank = new.id == format!("key/{}", KeyFigureId::RegionExportRank.key());
            let (weight, item) = match &change.revision {
                Some((period, before, after)) => {
                    let Some(ratio) = change.ratio() else {
                        continue;
                    };
                    let item = self.fill(
                        "brief.since_revised",
                        &[
                            ("label", &new.label),
                            ("period", period),
                            ("from", &before.text),
                            ("to", &after.text),
                        ],
                    )?;
                    (ratio.abs(), item)
                }
                None => {
                    let (weight, change) = if rank {
                        // A move of one place weighs like a change of 10 %.
                        ((old.value - new.value).abs() / 10.0, String::new())
                    } else if let Some(ratio) = change.ratio() {
                        (
                            ratio.abs(),
                            format!(" ({})", self.fmt.percent_change(ratio)?),
                        )
                    } else {
                        continue;
                    };
                    let item = self.fill(
                        "brief.since_item",
                        &[
                            ("label", &new.label),
                            ("from", &old.printed),
                            ("to", &new.printed),
                            ("change", &change),
                        ],
                    )?;
                    (weight, item)
                }
            };
            moves.push((weight, item));
        }
        if moves.is_empty() {
            return Ok(None);
        }
        moves.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(Some(SinceLast {
            heading: self.fill(
                "brief.since_last",
                &[("edition", &self.fmt.edition(&edition)?)],
            )?,
            items: moves.into_iter().take(3).map(|(_, text)| text).collect(),
        }))
    }

    fn card(&self, k: &KeyFigure, region_of: &str, national_of: &str) -> Result<Card> {
        let (key, who) = match k.id {
            KeyFigureId::RegionGoodsExports => ("figures.goods_exports", region_of),
            KeyFigureId::RegionGoodsImports => ("figures.goods_imports", region_of),
            KeyFigureId::NationalGoodsExports => ("figures.goods_exports", national_of),
            KeyFigureId::NationalServicesExports => ("figures.services_exports", national_of),
            KeyFigureId::RegionExportRank => ("figures.export_rank", region_of),
        };
        let label = self.fill(key, &[("who", who)])?;
        let previous_year = (k.year - 1).to_string();
        if k.id == KeyFigureId::RegionExportRank {
            let rank = k.value as u32;
            let number = self.fmt.rank(rank)?;
            let after = match k.out_of {
                Some(n) => self.fill("figures.rank_of", &[("n", &n.to_string())])?,
                None => String::new(),
            };
            let (change, direction) = match k.previous {
                Some(prev) => {
                    let prev = prev as u32;
                    let direction = match prev.cmp(&rank) {
                        std::cmp::Ordering::Greater => "up",
                        std::cmp::Ordering::Less => "down",
                        std::cmp::Ordering::Equal => "flat",
                    };
                    let text = self.fill(
                        "figures.rank_previous",
                        &[("rank", &self.fmt.rank(prev)?), ("year", &previous_year)],
                    )?;
                    (Some(text), direction)
                }
                None => (None, "flat"),
            };
            return Ok(Card {
                id: k.id,
                label,
                before: String::new(),
                number,
                after,
                year: k.year,
                period: None,
                change,
                direction,
                illustrative: k.illustrative,
                partial: self.partial_mark(&k.dataset)?,
            });
        }
        let amount = self.fmt.money(k.value)?;
        let (change, direction) = match k.change() {
            Some(c) => (
                Some(self.fill(
                    "figures.change",
                    &[
                        ("change", &self.fmt.percent_change(c)?),
                        ("year", &previous_year),
                    ],
                )?),
                if c > 0.0005 {
                    "up"
                } else if c < -0.0005 {
                    "down"
                } else {
                    "flat"
                },
            ),
            None => (
                Some(self.fill("figures.no_previous", &[("year", &previous_year)])?),
                "flat",
            ),
        };
        Ok(Card {
            id: k.id,
            label,
            before: amount.before,
            number: amount.number,
            after: amount.after,
            year: k.year,
            period: None,
            change,
            direction,
            illustrative: k.illustrative,
            partial: self.partial_mark(&k.dataset)?,
        })
    }

    /// The partial-coverage mark of figures from `dataset`, if it covers only some products.
    fn partial_mark(&self, dataset: &str) -> Result<Option<String>> {
        let partial = self
            .project
            .datasets
            .iter()
            .any(|d| d.id == dataset && d.meta.coverage.is_some());
        Ok(if partial {
            Some(self.cat.get("brief.partial_mark")?.to_string())
        } else {
            None
        })
    }

    /// The caption line that says where the values shown come from: the sources of their
    /// real rows only, then `illustrative_note` when some values are illustrative; when
    /// every value shown is illustrative, it says so and names no source.
    fn source_line<'o>(
        &self,
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
            return Ok(self.cat.get("charts.source_illustrative")?.to_string());
        }
        let mut names: Vec<String> = Vec::new();
        for id in real {
            let name = self.text(&self.dataset(id)?.meta.source);
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

    /// A dataset the figures name.
    fn dataset(&self, id: &str) -> Result<&Dataset> {
        self.project
            .datasets
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| anyhow!("no dataset `{id}`"))
    }

    fn charts(&self, country: &str, files: &mut Files) -> Result<Vec<ChartContext>> {
        let config = &self.project.config;
        let region = self.text(&config.region.short);
        let national = self.text(&config.country.short);
        let unit = self.cat.get("charts.unit_millions")?.to_string();
        let mut out = Vec::new();
        let trend = &self.figures.trend;
        let illustrative_note = self.cat.get("charts.illustrative_note")?;

        // A trend needs two years at least: one point is not a line.
        let years: std::collections::BTreeSet<i32> = trend
            .exports
            .iter()
            .chain(&trend.imports)
            .map(|p| p.year)
            .collect();
        if years.len() >= 2 {
            let labels = TrendLabels {
                exports: self.cat.get("charts.exports")?.to_string(),
                imports: self.cat.get("charts.imports")?.to_string(),
            };
            let (svg, axis) = charts::trend(self.fmt, &labels, &trend.exports, &trend.imports)
                .map_err(|e| anyhow!("cannot draw the trend chart: {e}"))?;
            files.insert(self.path("charts/trend.svg"), Arc::new(svg.into_bytes()));
            for (points, name, label) in [
                (&trend.exports, "exports", &labels.exports),
                (&trend.imports, "imports", &labels.imports),
            ] {
                for p in points {
                    self.note(PrintedFigure {
                        id: format!("trend/{name}/{}", p.year),
                        part: Part::Trend,
                        label: label.to_string(),
                        period: p.year.to_string(),
                        value: p.value,
                        printed: self.fmt.millions(p.value),
                        base: None,
                        change: None,
                        illustrative: p.illustrative,
                        rows: p.origin.rows.clone(),
                    });
                }
            }
            self.note_axis("trend", &axis);
            let years: Vec<i32> = trend
                .exports
                .iter()
                .chain(&trend.imports)
                .map(|p| p.year)
                .collect();
            let (first, last) = (
                years.iter().min().copied().unwrap_or(0),
                years.iter().max().copied().unwrap_or(0),
            );
            let alt = self.trend_alt(country, &region, first, last)?;
            out.push(ChartContext {
                path: self.path("charts/trend.svg"),
                title: self.fill(
                    "charts.trend_title",
                    &[
                        ("who", &region),
                        ("country", country),
                        ("first", &first.to_string()),
                        ("last", &last.to_string()),
                    ],
                )?,
                unit: unit.clone(),
                caption: self.source_line(
                    trend
                        .exports
                        .iter()
                        .chain(&trend.imports)
                        .map(|p| &p.origin),
                    illustrative_note,
                )?,
                alt,
            });
        }
        for (breakdown, name, part, title_key, who) in [
            (
                &self.figures.top_products,
                "products",
                Part::Products,
                "charts.products_title",
                &region,
            ),
            (
                &self.figures.services,
                "services",
                Part::Services,
                "charts.services_title",
                &national,
            ),
        ] {
            let Some(b) = breakdown else { continue };
            if b.items.is_empty() {
                continue;
            }
            let path = self.path(&format!("charts/{name}.svg"));
            let title = self.fill(
                title_key,
                &[
                    ("who", who),
                    ("country", country),
                    ("year", &b.year.to_string()),
                ],
            )?;
            let (svg, alt) = self.breakdown_chart(b, part, &title)?;
            files.insert(path.clone(), Arc::new(svg.into_bytes()));
            // The total printed in the caption is a value shown too.
            let mut caption = self.source_line(
                b.items
                    .iter()
                    .flat_map(|i| std::iter::once(&i.origin).chain(&i.previous_origin))
                    .chain(&b.total_origin),
                illustrative_note,
            )?;
            if let (Some(total), Some(total_origin)) = (b.total, &b.total_origin) {
                let share: f64 = b.items.iter().map(|i| i.value).sum::<f64>() / total;
                let share_text = self.fmt.percent(share.min(1.0))?;
                let total_text = self.fmt.money(total)?.full();
                caption.push(' ');
                caption.push_str(&self.fill(
                    "charts.share_of_total",
                    &[("share", &share_text), ("total", &total_text)],
                )?);
                let rows: Vec<String> = b
                    .items
                    .iter()
                    .flat_map(|i| i.origin.rows.iter().cloned())
                    .chain(total_origin.rows.iter().cloned())
                    .collect();
                self.note(PrintedFigure {
                    id: format!("{name}/share"),
                    part: Part::Share,
                    label: self.cat.get("charts.share_label")?.to_string(),
                    period: b.year.to_string(),
                    value: share.min(1.0),
                    printed: share_text,
                    base: None,
                    change: None,
                    illustrative: total_origin.illustrative()
                        || b.items.iter().any(|i| i.origin.illustrative()),
                    rows,
                });
                self.note(PrintedFigure {
                    id: format!("{name}/total"),
                    part: Part::Share,
                    label: self.cat.get("charts.total_label")?.to_string(),
                    period: b.year.to_string(),
                    value: total,
                    printed: total_text,
                    base: None,
                    change: None,
                    illustrative: total_origin.illustrative(),
                    rows: total_origin.rows.clone(),
                });
            }
            out.push(ChartContext {
                path,
                title,
                unit: unit.clone(),
                caption,
                alt,
            });
        }
        Ok(out)
    }

    /// Records the value-axis labels a chart drew: a scale, not figures.
    fn note_axis(&self, chart: &str, labels: &[String]) {
        for (n, label) in labels.iter().enumerate() {
            self.note(PrintedFigure {
                id: format!("{chart}/axis/{n}"),
                part: Part::Axis,
                label: format!("{chart} axis"),
                period: String::new(),
                value: 0.0,
                printed: label.clone(),
                base: None,
                change: None,
                illustrative: false,
                rows: Vec::new(),
            });
        }
    }

    /// Records a category of a breakdown as printed.
    fn note_item(
        &self,
        b: &Breakdown,
        part: Part,
        item: &figures::Item,
        label: &str,
        printed: String,
        change: Option<String>,
    ) -> Result<()> {
        let base = match (item.previous, &item.previous_origin) {
            (Some(value), Some(origin)) => Some(Base {
                period: (b.year - 1).to_string(),
                value,
                printed: self.fmt.millions(value),
                rows: origin.rows.clone(),
            }),
            _ => None,
        };
        self.note(PrintedFigure {
            id: format!("{}/{}", part.id(), item.code),
            part,
            label: label.to_string(),
            period: b.year.to_string(),
            value: item.value,
            printed,
            base,
            change,
            illustrative: item.illustrative,
            rows: item.origin.rows.clone(),
        });
        Ok(())
    }

    /// The largest CN chapters of goods exports with their change and share. On a dataset
    /// that covers only some products, shares are of the covered products, said so.
    fn chapter_table(&self, country: &str) -> Result<Option<ChapterTable>> {
        let Some(b) = &self.figures.top_chapters else {
            return Ok(None);
        };
        let config = &self.project.config;
        let who = if b.reporter == config.region.code {
            self.text(&config.region.short)
        } else {
            self.text(&config.country.short)
        };
        let partial = self.dataset(&b.dataset)?.meta.coverage.is_some();
        let previous_year = (b.year - 1).to_string();
        let share_key = if partial {
            "charts.col_share_covered"
        } else {
            "charts.col_share"
        };
        let mut rows = Vec::new();
        for item in &b.items {
            let label = self.category_label(&b.classification, &item.code)?;
            let value = self.fmt.millions(item.value);
            let change = item
                .change()
                .map(|c| self.fmt.percent_change(c))
                .transpose()?;
            let share = match b.total {
                Some(total) if total > 0.0 => Some((item.value / total, total)),
                _ => None,
            };
            let share_text = share.map(|(s, _)| self.fmt.percent(s)).transpose()?;
            self.note_item(
                b,
                Part::Chapters,
                item,
                label,
                value.clone(),
                change.clone(),
            )?;
            if let (Some((ratio, _)), Some(text), Some(total_origin)) =
                (share, &share_text, &b.total_origin)
            {
                self.note(PrintedFigure {
                    id: format!("chapters/{}/share", item.code),
                    part: Part::Share,
                    label: format!("{label} ({})", self.cat.get(share_key)?),
                    period: b.year.to_string(),
                    value: ratio,
                    printed: text.clone(),
                    base: None,
                    change: None,
                    illustrative: item.illustrative || total_origin.illustrative(),
                    rows: item
                        .origin
                        .rows
                        .iter()
                        .chain(&total_origin.rows)
                        .cloned()
                        .collect(),
                });
            }
            rows.push(ChapterRow {
                code: item.code.clone(),
                label: label.to_string(),
                value,
                change: change.unwrap_or_else(|| "–".into()),
                share: share_text.unwrap_or_else(|| "–".into()),
                mark: if item.illustrative {
                    " †".into()
                } else {
                    String::new()
                },
            });
        }
        let mut caption = format!(
            "{} {}",
            self.cat.get("charts.chapters_note")?,
            self.source_line(
                b.items
                    .iter()
                    .flat_map(|i| std::iter::once(&i.origin).chain(&i.previous_origin)),
                self.cat.get("brief.illustrative_mark")?,
            )?
        );
        if partial {
            caption.push(' ');
            caption.push_str(self.cat.get("brief.partial_mark")?);
        }
        Ok(Some(ChapterTable {
            title: self.fill(
                "charts.chapters_title",
                &[
                    ("who", &who),
                    ("country", country),
                    ("year", &b.year.to_string()),
                ],
            )?,
            unit: self.cat.get("charts.unit_millions")?.to_string(),
            headings: [
                self.cat.get("charts.col_chapter")?.to_string(),
                self.fill("charts.col_value", &[("year", &b.year.to_string())])?,
                self.fill(
                    "charts.col_change",
                    &[("from", &previous_year), ("to", &b.year.to_string())],
                )?,
                format!(
                    "{}{}",
                    self.cat.get(share_key)?,
                    if partial { " ‡" } else { "" }
                ),
            ],
            rows,
            caption,
        }))
    }

    /// The label of a category in the brief's language; a missing one is an error, never the
    /// bare code in a printed brief.
    fn category_label(&self, classification: &str, code: &str) -> Result<&str> {
        self.deps
            .read(crate::reference::classification_file(classification));
        self.project
            .reference
            .label(classification, code, self.lang)
            .ok_or_else(|| {
                anyhow!(
                    "missing translation: no {} label for {classification} `{code}`",
                    self.lang
                )
            })
    }

    fn breakdown_chart(&self, b: &Breakdown, part: Part, title: &str) -> Result<(String, String)> {
        let previous_year = (b.year - 1).to_string();
        let mut bars = Vec::new();
        let mut described = Vec::new();
        for item in &b.items {
            let label = self
                .category_label(&b.classification, &item.code)?
                .to_string();
            let note = match item.change() {
                Some(c) => Some(self.fill(
                    "charts.change_short",
                    &[
                        ("change", &self.fmt.percent_change(c)?),
                        ("year", &previous_year),
                    ],
                )?),
                None => None,
            };
            described.push(format!("{} {}", label, self.fmt.money(item.value)?.full()));
            self.note_item(
                b,
                part,
                item,
                &label,
                self.fmt.millions(item.value),
                note.clone(),
            )?;
            bars.push(Bar::from_item(item, label, note));
        }
        let svg = charts::bars(self.fmt, &bars, charts::EXPORTS)
            .map_err(|e| anyhow!("cannot draw a chart: {e}"))?;
        let alt = self.fill(
            "charts.bars_alt",
            &[("title", title), ("items", &described.join("; "))],
        )?;
        Ok((svg, alt))
    }

    fn trend_alt(&self, country: &str, region: &str, first: i32, last: i32) -> Result<String> {
        let t = &self.figures.trend;
        let value = |points: &[figures::Point], year: i32| -> Result<String> {
            match points.iter().find(|p| p.year == year) {
                Some(p) => Ok(self.fmt.money(p.value)?.full()),
                None => Ok("–".into()),
            }
        };
        self.fill(
            "charts.trend_alt",
            &[
                ("who", region),
                ("country", country),
                ("first", &first.to_string()),
                ("last", &last.to_string()),
                ("exports_first", &value(&t.exports, first)?),
                ("exports_last", &value(&t.exports, last)?),
                ("imports_first", &value(&t.imports, first)?),
                ("imports_last", &value(&t.imports, last)?),
            ],
        )
    }

    /// A dataset in the sources, as far as this brief used it: a source that gave it only
    /// illustrative rows is named as such, with none of the real source's details.
    fn source(
        &self,
        d: &Dataset,
        used: &std::collections::BTreeSet<Status>,
    ) -> Result<SourceContext> {
        if used.iter().all(|s| *s == Status::Illustrative) {
            return Ok(SourceContext {
                title: self.text(&d.meta.title),
                details: String::new(),
                url: None,
                note: Some(self.cat.get("sources.illustrative_only")?.to_string()),
            });
        }
        let period = match d.year_span() {
            Some((a, b)) if a == b => a.to_string(),
            Some((a, b)) => format!("{a}–{b}"),
            None => String::new(),
        };
        let details = self.fill(
            "sources.dataset",
            &[
                ("source", &self.text(&d.meta.source)),
                ("concept", &self.text(&d.meta.concept)),
                ("period", &period),
                ("date", &self.fmt.date(&d.meta.last_update)?),
                (
                    "licence",
                    &match &d.meta.licence {
                        crate::dataset::Licence::Name(name) => name.clone(),
                        crate::dataset::Licence::Text(text) => self.text(text),
                    },
                ),
            ],
        )?;
        let details = match &d.meta.coverage {
            Some(coverage) => format!("{details} {}", self.text(coverage)),
            None => details,
        };
        Ok(SourceContext {
            title: self.text(&d.meta.title),
            details,
            url: Some(d.meta.url.clone()),
            note: if used.contains(&Status::Illustrative) {
                Some(self.cat.get("sources.illustrative")?.to_string())
            } else {
                None
            },
        })
    }

    fn link(
        &self,
        title: &Localized,
        url: &str,
        date: Option<&crate::profile::Date>,
    ) -> Result<LinkContext> {
        Ok(LinkContext {
            title: self.text(title),
            url: url.to_string(),
            date: date.map(|d| self.fmt.date(d)).transpose()?,
        })
    }
}
