//! `marketbrief bundle NAME`: one printable PDF per language for a trade mission defined in
//! `marketbrief.yaml` — a cover with the mission's name and dates, a page with the contents
//! and the markets side by side (`glance`), then each country's brief, pages numbered
//! continuously, each brief starting on a right-hand page for double-sided printing.

use crate::cli::BundleArgs;
use crate::cmd::Outcome;
use crate::config::MissionConfig;
use crate::error::InputErrors;
use crate::i18n::format::LocaleFormatter;
use crate::output;
use crate::project::Project;
use crate::typeset::{Files, TypesetFailure};
use crate::validate;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::Write;

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
    /// The responsible publisher, once at the handout's end.
    colophon: Option<String>,
    keywords: Vec<String>,
    edition: String,
    date: [i32; 3],
    mission: MissionText,
    /// None when the mission says nothing of its programme, text or registration.
    programme: Option<Programme>,
    /// The agency's logo on the cover, when configured.
    logo: Option<Logo>,
    briefs: Vec<Part>,
    glance: crate::glance::Glance,
}

#[derive(Serialize)]
struct MissionText {
    name: String,
    when: Option<String>,
    /// Its cities.
    place: Option<String>,
}

/// The handout's programme page: what the mission offers, its days, and where to register.
#[derive(Serialize)]
struct Programme {
    /// "A fictional sample programme", for an illustrative mission.
    sample: Option<String>,
    text: Option<String>,
    days: Vec<Day>,
    register: Option<Register>,
}

#[derive(Serialize)]
struct Day {
    date: String,
    place: String,
    text: String,
}

#[derive(Serialize)]
struct Logo {
    path: String,
    alt: String,
}

/// The registration page, with its QR code among the handout's files.
#[derive(Serialize)]
struct Register {
    qr: String,
    url: String,
    shown: String,
    alt: String,
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
    // The briefs as `build` makes them: the same renderer, with the previous edition (the
    // "since the last edition" box the standalone briefs print).
    let (previous, previous_unreadable) = crate::builder::previous_edition(&project, &settings);
    if let Some(e) = previous_unreadable {
        writeln!(
            err,
            "warning: {}; the briefs have no \"since the last edition\" box",
            crate::error::chain(&e)
        )?;
    }
    let renderer = crate::builder::renderer(
        &project,
        project.assets.fonts()?,
        &crate::builder::Request::default(),
        previous,
    )?;
    let handout_mission = match mission {
        MissionConfig::Details(d) => d.as_brief_mission(),
        MissionConfig::Countries(_) => None,
    };
    let out_dir = settings.out_dir();
    // A folder that cannot be made is the machine's problem, not the inputs': said once,
    // with exit status 2 as for `build`, rather than once per language.
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    // The edition's lock, as a build takes it: a build's clean-up of leftover temporary
    // files would otherwise remove the handout being written ("cannot replace
    // mission-north-america-en.pdf").
    let lock_path = settings.edition_lock(edition);
    let lock = output::open_lock(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", lock_path.display()))?;
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
                // Inside the handout each brief's "next mission" is the handout's own (or
                // none), never another event.
                let mut profile = profile.clone();
                profile.mission = handout_mission.clone();
                let profile = &profile;
                let rendered = renderer.render(&entry.path, profile, lang, edition, true)?;
                let part_path = format!("/{}/brief.typ", entry.code);
                files.extend(rendered.files);
                files.insert(
                    part_path.clone(),
                    typst::foundations::Bytes::new(rendered.source.into_bytes()),
                );
                records.push(rendered.printed);
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
            let text = |localized: &crate::vocab::Localized| -> String {
                let text = localized.get(lang).unwrap_or_default();
                match lang {
                    crate::i18n::Lang::Fr => crate::i18n::format::french_spacing(text),
                    _ => text.to_string(),
                }
            };
            let programme = match mission {
                MissionConfig::Details(d)
                    if d.text.is_some() || d.url.is_some() || !d.programme.is_empty() =>
                {
                    let register = match &d.url {
                        Some(url) => {
                            let qr = "/mission/register.svg".to_string();
                            files.insert(
                                qr.clone(),
                                crate::qr::svg_bytes(url).map_err(anyhow::Error::msg)?,
                            );
                            let shown = crate::brief::sources::shown(url);
                            Some(Register {
                                qr,
                                url: url.clone(),
                                alt: cat.fill("brief.qr_alt", &[("address", &shown)])?,
                                shown,
                            })
                        }
                        None => None,
                    };
                    Some(Programme {
                        sample: if d.illustrative {
                            Some(cat.get("bundle.sample_programme")?.to_string())
                        } else {
                            None
                        },
                        text: d.text.as_ref().map(text),
                        days: d
                            .programme
                            .iter()
                            .map(|item| {
                                Ok(Day {
                                    date: fmt.date(&item.date)?,
                                    place: text(&item.place),
                                    text: text(&item.text),
                                })
                            })
                            .collect::<Result<_>>()?,
                        register,
                    })
                }
                _ => None,
            };
            // The logo was checked with the project; the briefs served it already.
            let logo = match &config.publisher.logo {
                Some(file) => {
                    let path = crate::logo::virtual_path(file).to_string();
                    if !files.contains_key(&path)
                        && let Some((_, bytes)) = project.assets.read(file)?
                    {
                        files.insert(
                            path.clone(),
                            typst::foundations::Bytes::new(bytes.into_owned()),
                        );
                    }
                    Some(Logo {
                        path,
                        alt: cat.fill(
                            "brief.logo_alt",
                            &[(
                                "publisher",
                                config.publisher.name.get(lang).unwrap_or_default(),
                            )],
                        )?,
                    })
                }
                None => None,
            };
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
                colophon: config
                    .publisher
                    .responsible
                    .as_ref()
                    .map(|r| {
                        cat.fill(
                            "brief.colophon",
                            &[
                                ("name", &r.name),
                                ("address", r.address.get(lang).unwrap_or_default()),
                            ],
                        )
                    })
                    .transpose()?,
                edition: fmt.edition(&edition)?,
                date: [date.0, i32::from(date.1), i32::from(date.2)],
                mission: MissionText {
                    name: mission_name,
                    when,
                    place: match mission {
                        MissionConfig::Details(d) => d.place.as_ref().map(text),
                        MissionConfig::Countries(_) => None,
                    },
                },
                programme,
                logo,
                briefs: parts,
                glance: crate::glance::glance(&records.iter().collect::<Vec<_>>()),
            };
            let source = renderer.templates().render(BUNDLE_TEMPLATE, &context)?;
            let ident = format!("marketbrief/{edition}/mission-{}/{lang}", args.name);
            let typeset = match renderer.typesetter().typeset(source, &files, date, &ident) {
                Ok(typeset) => typeset,
                Err(failure) => {
                    return Err(
                        match mission_text_at_fault(&project, &args.name, mission, lang, &failure) {
                            Some(input) => InputErrors(vec![input]).into(),
                            None => failure.into(),
                        },
                    );
                }
            };
            for warning in &typeset.warnings {
                writeln!(err, "warning: mission-{}-{lang}: {warning}", args.name)?;
            }
            output::write_atomic(&path, &typeset.pdf)?;
            crate::typeset::brief_finished(1);
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

/// The mission's own text in `marketbrief.yaml` that made the handout fail, located: a
/// character no font can draw in its name or season (PDF/A needs every one drawn), or a
/// name too long for the cover. `None` when the fault is elsewhere (a brief's own errors
/// are reported when it is rendered).
fn mission_text_at_fault(
    project: &Project,
    name: &str,
    mission: &MissionConfig,
    lang: crate::i18n::Lang,
    failure: &TypesetFailure,
) -> Option<crate::error::InputError> {
    let MissionConfig::Details(details) = mission else {
        return None;
    };
    let config = std::path::Path::new(crate::config::CONFIG_FILE);
    let fields = [
        ("name", Some(&details.name)),
        ("season", details.season.as_ref()),
    ];
    let (field, message) = match failure {
        TypesetFailure::Typst(typst) => {
            let missing = *typst.undisplayable().first()?;
            let (field, _) = fields.iter().find(|(_, text)| {
                text.and_then(|t| t.get(lang))
                    .is_some_and(|t| t.contains(missing))
            })?;
            (
                *field,
                format!(
                    "no font of the handout can display “{missing}”: PDF/A needs every character drawn; remove or replace it, or add a font that has it to fonts/"
                ),
            )
        }
        // The cover holds nothing else that could grow past the page.
        TypesetFailure::TextOffPage(off) if off.page == 1 => (
            "name",
            "the mission's name is too long for the handout's cover: shorten it".to_string(),
        ),
        _ => return None,
    };
    let field = format!("missions.{name}.{field}.{lang}");
    let (line, col) = project.sources.locate(config, &field);
    Some(
        crate::error::InputError::new(config, message)
            .at(line, col)
            .field(field),
    )
}
