//! `marketbrief bundle NAME`: one printable PDF per language for a trade mission defined in
//! `marketbrief.yaml` — a cover with the mission's name and dates, a page with the contents
//! and the markets side by side (`glance`), then each country's brief, pages numbered
//! continuously, each brief starting on a right-hand page for double-sided printing.

use crate::brief::Renderer;
use crate::cli::BundleArgs;
use crate::cmd::Outcome;
use crate::config::MissionConfig;
use crate::error::InputErrors;
use crate::i18n::format::LocaleFormatter;
use crate::output;
use crate::project::Project;
use crate::typeset::Files;
use crate::validate;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::Write;
use std::sync::Arc;

/// The bundle template's name.
pub const BUNDLE_TEMPLATE: &str = "bundle.typ.j2";

#[derive(Serialize)]
struct BundleContext {
    lang: &'static str,
    region_code: Option<&'static str>,
    t: serde_yaml::Value,
    brand: String,
    title: String,
    publisher: String,
    keywords: Vec<String>,
    edition: String,
    date: [i32; 3],
    mission: MissionText,
    briefs: Vec<Part>,
    glance: crate::glance::Glance,
}

#[derive(Serialize)]
struct MissionText {
    name: String,
    when: Option<String>,
}

#[derive(Serialize)]
struct Part {
    name: String,
    path: String,
    flag_path: Option<String>,
    flag_alt: String,
}

pub fn run(args: &BundleArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let project = Project::load(&args.project)?;
    let config = &project.config;
    let Some(mission) = config.missions.get(&args.name) else {
        let known: Vec<&str> = config.missions.keys().map(String::as_str).collect();
        bail!(
            "no mission `{}` in marketbrief.yaml (missions: {})",
            args.name,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
    };
    let settings = crate::settings::Settings::resolve(
        &project,
        &args.project,
        &args.langs,
        args.edition,
        args.out.as_deref(),
    );
    let (edition, langs) = (settings.edition, &settings.langs);
    let mut problems = project.problems.clone();
    problems.extend(validate::project(&project, langs));
    problems.extend(validate::missions(&project));
    if !problems.is_empty() {
        return Err(InputErrors(problems).into());
    }
    let entries = mission
        .countries()
        .iter()
        .map(|code| {
            let code = code.to_ascii_lowercase();
            project
                .profiles
                .iter()
                .find(|p| p.code == code)
                .with_context(|| {
                    format!(
                        "mission `{}`: no profile data/profiles/{code}.yaml",
                        args.name
                    )
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let renderer = Renderer::new(&project)?;
    let out_dir = settings.out_dir();
    let mut failed = false;
    for &lang in langs {
        let path = out_dir.join(format!("mission-{}-{lang}.pdf", args.name));
        let result = (|| -> Result<(usize, usize)> {
            let cat = project.catalogue(lang);
            let fmt = LocaleFormatter::new(cat)?;
            let mut files = Files::new();
            let mut parts = Vec::new();
            let mut records = Vec::new();
            for entry in &entries {
                let profile = entry.profile.as_ref().map_err(|e| InputErrors(e.clone()))?;
                let rendered = renderer.render(&entry.path, profile, lang, edition, true)?;
                let part_path = format!("/{}/brief.typ", entry.code);
                files.extend(rendered.files);
                files.insert(part_path.clone(), Arc::new(rendered.source.into_bytes()));
                records.push(rendered.record);
                let name = project
                    .reference
                    .country_name(&profile.country.to_ascii_uppercase(), lang)?
                    .to_string();
                let flag_path = format!("/{}/flag.svg", entry.code);
                parts.push(Part {
                    flag_alt: cat.fill("brief.flag_alt", &[("country", &name)])?,
                    flag_path: files.contains_key(&flag_path).then_some(flag_path),
                    name,
                    path: part_path,
                });
            }
            let (mission_name, when) = match mission {
                MissionConfig::Countries(_) => (args.name.clone(), None),
                MissionConfig::Details(d) => {
                    let name = d.name.get(lang).unwrap_or(&args.name).to_string();
                    let when = crate::brief::next_steps::mission_when(
                        cat,
                        &fmt,
                        d.start.as_ref(),
                        d.end.as_ref(),
                        d.season
                            .as_ref()
                            .and_then(|s| s.get(lang))
                            .map(str::to_string),
                    )?;
                    (name, when)
                }
            };
            let publisher = config
                .publisher
                .name
                .get(lang)
                .unwrap_or_default()
                .to_string();
            let date = edition.last_day();
            let context = BundleContext {
                lang: lang.code(),
                region_code: lang.region(),
                t: cat.tree.clone(),
                brand: config.brand_colour.0.clone(),
                title: cat.fill("bundle.title", &[("mission", &mission_name)])?,
                keywords: vec![
                    cat.get("bundle.kind")?.to_string(),
                    mission_name.clone(),
                    edition.to_string(),
                ],
                publisher,
                edition: fmt.edition(&edition)?,
                date: [date.0, i32::from(date.1), i32::from(date.2)],
                mission: MissionText {
                    name: mission_name,
                    when,
                },
                briefs: parts,
                glance: crate::glance::glance(&records.iter().collect::<Vec<_>>()),
            };
            let source = renderer.templates().render(BUNDLE_TEMPLATE, &context)?;
            let ident = format!("marketbrief/{edition}/mission-{}/{lang}", args.name);
            let typeset = renderer
                .typesetter()
                .typeset(source, &files, date, &ident)?;
            for warning in &typeset.warnings {
                writeln!(err, "warning: mission-{}-{lang}: {warning}", args.name)?;
            }
            output::write_atomic(&path, &typeset.pdf)?;
            Ok((typeset.pages, typeset.pdf.len()))
        })();
        match result {
            Ok((pages, bytes)) => writeln!(
                out,
                "wrote {} ({pages} pages, {} KB)",
                path.display(),
                bytes.div_ceil(1024)
            )?,
            Err(e) => {
                failed = true;
                writeln!(err, "error: mission-{}-{lang}: {e:#}", args.name)?;
            }
        }
    }
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
