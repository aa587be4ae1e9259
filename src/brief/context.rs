//! Everything the template sees, assembled from the sections of the brief. Values are
//! plain text: the template escapes them.

use super::writer::Writer;
use super::{cover, key_figures, narrative, next_steps, sources, trade};
use crate::config::Edition;
use crate::error::Result;
use crate::figures::Figures;
use crate::printed::BriefFigures;
use crate::profile::Profile;
use crate::project::Project;
use crate::timings::{Stage, Timings};
use crate::typeset::Files;
use serde::Serialize;

/// The template's context: the document's settings, then each section's fields (the
/// template sees them side by side).
#[derive(Serialize)]
pub(super) struct BriefContext {
    lang: &'static str,
    /// Part of a mission bundle rather than a document of its own.
    bundled: bool,
    /// A draft: marked as such on every page.
    draft: bool,
    /// Set with less space between its parts: the brief's last page would hold only a few
    /// lines otherwise ([`super::Renderer::build`] decides).
    pub tight: bool,
    /// The locale's region for Typst (`BE` for fr-BE and nl-BE), if any.
    region_code: Option<&'static str>,
    /// The catalogue, for fixed phrases without placeholders.
    t: serde_yaml::Value,
    brand: String,
    #[serde(flatten)]
    cover: cover::CoverContext,
    #[serde(flatten)]
    key_figures: key_figures::KeyFiguresContext,
    #[serde(flatten)]
    trade: trade::TradeContext,
    #[serde(flatten)]
    narrative: narrative::NarrativeContext,
    #[serde(flatten)]
    next_steps: next_steps::NextStepsContext,
    #[serde(flatten)]
    sources: sources::SourcesContext,
}

/// What a brief is made from.
pub(super) struct Inputs<'a> {
    pub project: &'a Project,
    pub profile: &'a Profile,
    pub figures: &'a Figures,
    pub edition: Edition,
    pub bundled: bool,
    pub draft: bool,
    /// The previous edition and what this brief printed in it.
    pub previous: Option<(Edition, &'a BriefFigures)>,
}

/// Writes the context of one brief, with the files it shows (map, flag, charts) and the
/// record of every number it prints.
pub(super) fn write(
    w: &Writer,
    inputs: &Inputs,
    timings: &mut Timings,
) -> Result<(BriefContext, Files, BriefFigures)> {
    let Inputs {
        project,
        profile,
        figures,
        edition,
        ..
    } = *inputs;
    let (config, datasets, reference) =
        (&project.config, &project.datasets[..], &project.reference);
    let code = profile.country.to_ascii_uppercase();
    let mut files = Files::new();
    let (country, key_figures) = timings.time(Stage::Context, || -> Result<_> {
        let country = cover::country_name(w, reference, &code)?;
        let key_figures = key_figures::write(
            w,
            config,
            figures,
            datasets,
            edition,
            inputs.previous,
            &mut files,
        )?;
        Ok((country, key_figures))
    })?;
    let trade = timings.time(Stage::Charts, || {
        trade::write(
            w, config, figures, datasets, reference, &country, &mut files,
        )
    })?;
    let context = timings.time(Stage::Context, || -> Result<_> {
        let mut cover = cover::write(
            w,
            &cover::Cover {
                config,
                profile,
                figures,
                datasets,
                reference,
                assets: &project.assets,
                edition,
                country: &country,
            },
            &mut files,
        )?;
        // A draft says so in the PDF's title and subject, where a mail client, a file
        // browser and a search index read them.
        if inputs.draft {
            cover.title = w.fill("brief.draft_title", &[("title", &cover.title)])?;
            cover.subject = w.fill("brief.draft_title", &[("title", &cover.subject)])?;
        }
        let world_bank = cover.world_bank;
        Ok(BriefContext {
            lang: w.lang.code(),
            bundled: inputs.bundled,
            draft: inputs.draft,
            tight: false,
            region_code: w.lang.region(),
            t: w.cat.tree.clone(),
            brand: config.brand_colour.0.clone(),
            cover,
            key_figures,
            trade,
            narrative: narrative::write(w, profile, reference)?,
            next_steps: next_steps::write(w, profile, &mut files)?,
            sources: sources::write(w, config, profile, figures, datasets, world_bank)?,
        })
    })?;
    let record = BriefFigures {
        country: code,
        language: w.lang.code().to_string(),
        figures: w.take_printed(),
        legacy: false,
    };
    Ok((context, files, record))
}
