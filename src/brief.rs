//! One brief, from a loaded profile to PDF bytes: validate → compute figures → draw charts
//! → render the template → typeset.

use crate::charts::{self, Bar, TrendLabels};
use crate::config::Edition;
use crate::dataset::{Dataset, Status};
use crate::deps::Deps;
use crate::error::{InputError, InputErrors};
use crate::figures::{self, Breakdown, Figures, KeyFigure, KeyFigureId, Reporters};
use crate::i18n::Lang;
use crate::i18n::catalogue::Catalogue;
use crate::i18n::format::LocaleFormatter;
use crate::profile::{Localized, Profile};
use crate::project::Project;
use crate::reference::Reference;
use crate::template::{BRIEF_TEMPLATE, Templates};
use crate::timings::{Stage, Timings};
use crate::typeset::{Files, Typeset, TypesetError, TypesetStage, Typesetter};
use crate::validate;
use anyhow::{Result, anyhow};
use serde::Serialize;
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

/// What one brief printed: kept in `figures.json` so editions can be compared.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct BriefFigures {
    pub country: String,
    pub language: String,
    pub key_figures: Vec<FigureRecord>,
    pub top_products: Vec<CategoryRecord>,
    /// Absent from records written before CN chapters were shown.
    #[serde(default)]
    pub top_chapters: Vec<CategoryRecord>,
    pub services: Vec<CategoryRecord>,
}

/// A key figure as printed.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct FigureRecord {
    pub id: String,
    pub label: String,
    pub year: i32,
    /// Euros, or the rank.
    pub value: f64,
    pub previous: Option<f64>,
    pub printed: String,
    pub illustrative: bool,
}

/// A category of a breakdown chart.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct CategoryRecord {
    pub code: String,
    pub label: String,
    pub year: i32,
    pub value: f64,
    pub previous: Option<f64>,
}

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
            let messages: Vec<&str> = typst
                .messages
                .iter()
                .map(|m| m.split(" (generated main.typ").next().unwrap_or(m))
                .collect();
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
    key_figures_heading: String,
    card_groups: Vec<CardGroup>,
    /// Year-to-date lines, when the data go beyond the last complete year.
    year_to_date: Vec<String>,
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
    url: String,
    illustrative: bool,
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
}

impl ContextWriter<'_> {
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
        let mut records = BriefFigures {
            country: code.clone(),
            language: lang.code().to_string(),
            key_figures: Vec::new(),
            top_products: self.categories(self.figures.top_products.as_ref()),
            top_chapters: self.categories(self.figures.top_chapters.as_ref()),
            services: self.categories(self.figures.services.as_ref()),
        };
        for k in &self.figures.key_figures {
            let card = self.card(k, &region_of, &national_of)?;
            records.key_figures.push(FigureRecord {
                id: k.id.key().to_string(),
                label: card.label.clone(),
                year: k.year,
                value: k.value,
                previous: k.previous,
                printed: format!("{}{}{}", card.before, card.number, card.after),
                illustrative: k.illustrative,
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
        let key_year = self
            .figures
            .key_figures
            .first()
            .map(|k| k.year)
            .unwrap_or(self.edition.year);
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
        let mut datasets = self
            .figures
            .datasets
            .iter()
            .filter_map(|id| self.project.datasets.iter().find(|d| &d.id == id))
            .map(|d| self.source(d))
            .collect::<Result<Vec<_>>>()?;
        if facts.is_some() {
            datasets.push(SourceContext {
                title: self.cat.get("sources.world_bank_title")?.to_string(),
                details: self.cat.get("sources.world_bank_details")?.to_string(),
                url: "https://data.worldbank.org/".into(),
                illustrative: false,
            });
        }
        // A dataset's publications are cited only when this country's figures quote them.
        let quotes_publications = |d: &&Dataset| {
            d.observations.iter().any(|(k, o)| {
                k.partner == code && matches!(o.status, Status::Published | Status::Derived)
            })
        };
        let mut publications = Vec::new();
        for d in self
            .figures
            .datasets
            .iter()
            .filter_map(|id| self.project.datasets.iter().find(|d| &d.id == id))
            .filter(quotes_publications)
        {
            for p in &d.meta.publications {
                publications.push(self.link(p)?);
            }
        }
        for p in &self.profile.sources {
            publications.push(self.link(p)?);
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
                key_figures_heading: self
                    .fill("brief.key_figures", &[("year", &key_year.to_string())])?,
                year_to_date: self.year_to_date(&records)?,
                since_last: self.since_last(&records)?,
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
            records,
        ))
    }

    /// One line per year-to-date figure, labelled with its months and compared with the
    /// same months of the year before.
    fn year_to_date(&self, records: &BriefFigures) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        for ytd in &self.figures.year_to_date {
            let label = records
                .key_figures
                .iter()
                .find(|r| r.id == ytd.id.key())
                .map(|r| r.label.clone())
                .unwrap_or_default();
            let period = self.fmt.months_to(ytd.year, ytd.last_month)?;
            let value = self.fmt.money(ytd.value)?.full();
            let line = match ytd.change() {
                Some(change) => self.fill(
                    "figures.ytd_line",
                    &[
                        ("label", &label),
                        ("period", &period),
                        ("value", &value),
                        ("change", &self.fmt.percent_change(change)?),
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
            lines.push(line);
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
        if let Some((year, people)) = facts.population {
            let value = self.fmt.scaled("people", people)?.full();
            parts.push(self.fill(
                "brief.facts_population",
                &[("value", &value), ("year", &year.to_string())],
            )?);
        }
        if let Some((year, usd)) = facts.gdp_usd {
            let value = self.fmt.scaled("usd", usd)?.full();
            parts.push(self.fill(
                "brief.facts_gdp",
                &[("value", &value), ("year", &year.to_string())],
            )?);
        }
        if parts.is_empty() {
            return Ok(None);
        }
        parts.push(self.cat.get("brief.facts_source")?.to_string());
        Ok(Some(parts.join(" · ")))
    }

    /// The three key figures that moved most since the previous edition printed them.
    fn since_last(&self, current: &BriefFigures) -> Result<Option<SinceLast>> {
        let Some((edition, previous)) = self.previous else {
            return Ok(None);
        };
        let mut moves: Vec<(f64, String)> = Vec::new();
        for new in &current.key_figures {
            let Some(old) = previous.key_figures.iter().find(|f| f.id == new.id) else {
                continue;
            };
            if old.value == new.value && old.year == new.year {
                continue;
            }
            let (weight, change) = if new.id == KeyFigureId::RegionExportRank.key() {
                // A move of one place weighs like a change of 10 %.
                ((old.value - new.value).abs() / 10.0, String::new())
            } else if old.value > 0.0 {
                let ratio = new.value / old.value - 1.0;
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

    fn categories(&self, breakdown: Option<&Breakdown>) -> Vec<CategoryRecord> {
        let Some(b) = breakdown else {
            return Vec::new();
        };
        b.items
            .iter()
            .map(|item| CategoryRecord {
                code: item.code.clone(),
                label: self
                    .project
                    .reference
                    .label(&b.classification, &item.code, self.lang)
                    .unwrap_or(&item.code)
                    .to_string(),
                year: b.year,
                value: item.value,
                previous: item.previous,
            })
            .collect()
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

    fn dataset_source_names(&self, ids: &[&str]) -> String {
        let mut names: Vec<String> = ids
            .iter()
            .filter_map(|id| self.project.datasets.iter().find(|d| d.id == *id))
            .map(|d| self.text(&d.meta.source))
            .collect();
        names.dedup();
        names.join("; ")
    }

    fn charts(&self, country: &str, files: &mut Files) -> Result<Vec<ChartContext>> {
        let config = &self.project.config;
        let region = self.text(&config.region.short);
        let national = self.text(&config.country.short);
        let unit = self.cat.get("charts.unit_millions")?.to_string();
        let mut out = Vec::new();
        let trend = &self.figures.trend;
        let illustrative_note = |any: bool| -> Result<String> {
            Ok(if any {
                format!(" {}", self.cat.get("charts.illustrative_note")?)
            } else {
                String::new()
            })
        };

        if !trend.exports.is_empty() || !trend.imports.is_empty() {
            let labels = TrendLabels {
                exports: self.cat.get("charts.exports")?.to_string(),
                imports: self.cat.get("charts.imports")?.to_string(),
            };
            let svg = charts::trend(self.fmt, &labels, &trend.exports, &trend.imports)
                .map_err(|e| anyhow!("cannot draw the trend chart: {e}"))?;
            files.insert(self.path("charts/trend.svg"), Arc::new(svg.into_bytes()));
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
            let ids: Vec<&str> = trend.datasets.iter().map(String::as_str).collect();
            let any_illustrative = trend
                .exports
                .iter()
                .chain(&trend.imports)
                .any(|p| p.illustrative);
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
                caption: format!(
                    "{}{}",
                    self.fill(
                        "charts.source",
                        &[("source", &self.dataset_source_names(&ids))]
                    )?,
                    illustrative_note(any_illustrative)?
                ),
                alt,
            });
        }
        for (breakdown, name, title_key, who) in [
            (
                &self.figures.top_products,
                "products",
                "charts.products_title",
                &region,
            ),
            (
                &self.figures.services,
                "services",
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
            let (svg, alt) = self.breakdown_chart(b, &title)?;
            files.insert(path.clone(), Arc::new(svg.into_bytes()));
            let any_illustrative = b.items.iter().any(|i| i.illustrative);
            let mut caption = self.fill(
                "charts.source",
                &[("source", &self.dataset_source_names(&[&b.dataset]))],
            )?;
            if let Some(total) = b.total {
                let share: f64 = b.items.iter().map(|i| i.value).sum::<f64>() / total;
                caption.push(' ');
                caption.push_str(&self.fill(
                    "charts.share_of_total",
                    &[
                        ("share", &self.fmt.percent(share.min(1.0))?),
                        ("total", &self.fmt.money(total)?.full()),
                    ],
                )?);
            }
            caption.push_str(&illustrative_note(any_illustrative)?);
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
        let dataset = self.project.datasets.iter().find(|d| d.id == b.dataset);
        let partial = dataset.is_some_and(|d| d.meta.coverage.is_some());
        let previous_year = (b.year - 1).to_string();
        let mut rows = Vec::new();
        for item in &b.items {
            let label = self.category_label(&b.classification, &item.code)?;
            rows.push(ChapterRow {
                code: item.code.clone(),
                label: label.to_string(),
                value: self.fmt.millions(item.value),
                change: match item.change() {
                    Some(c) => self.fmt.percent_change(c)?,
                    None => "–".into(),
                },
                share: match b.total {
                    Some(total) if total > 0.0 => self.fmt.percent(item.value / total)?,
                    _ => "–".into(),
                },
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
            self.fill(
                "charts.source",
                &[("source", &self.dataset_source_names(&[&b.dataset]))]
            )?
        );
        if partial {
            caption.push(' ');
            caption.push_str(self.cat.get("brief.partial_mark")?);
        }
        if b.items.iter().any(|i| i.illustrative) {
            caption.push(' ');
            caption.push_str(self.cat.get("brief.illustrative_mark")?);
        }
        let share_key = if partial {
            "charts.col_share_covered"
        } else {
            "charts.col_share"
        };
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

    fn breakdown_chart(&self, b: &Breakdown, title: &str) -> Result<(String, String)> {
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

    fn source(&self, d: &Dataset) -> Result<SourceContext> {
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
            url: d.meta.url.clone(),
            illustrative: d.meta.illustrative,
        })
    }

    fn link(&self, p: &crate::profile::Source) -> Result<LinkContext> {
        Ok(LinkContext {
            title: self.text(&p.title),
            url: p.url.clone(),
            date: p.date.as_ref().map(|d| self.fmt.date(d)).transpose()?,
        })
    }
}
