//! `marketbrief new CODE`: starts `data/profiles/<code>.yaml` for a new country — its names
//! in every language from CLDR, every section present but empty — so that `check` lists what
//! is still to write and `build --draft` can already show the figures.

use crate::cli::NewArgs;
use crate::cmd::Outcome;
use crate::i18n::Lang;
use crate::project::{PROFILES_DIR, Project};
use crate::reference::Reference;
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(args: &NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let project = Project::load(&args.project)?;
    let code = args.code.to_ascii_uppercase();
    // CLDR also names groups and placeholders (ZZ, EU, QO): `check` refuses those, so `new`
    // does too rather than write a profile no build accepts.
    let territory = code == "XK" || isocountry::CountryCode::for_alpha2(&code).is_ok();
    let names = project
        .reference
        .country_names
        .get(&code)
        .filter(|_| territory);
    let Some(names) = names else {
        bail!(
            "unknown country code `{}`: expected an ISO 3166-1 alpha-2 code such as de",
            args.code
        );
    };
    let path = args
        .project
        .join(PROFILES_DIR)
        .join(format!("{}.yaml", code.to_ascii_lowercase()));
    if path.exists() {
        bail!(
            "{} already exists: edit it, or remove it to start again",
            path.display()
        );
    }
    let name = |lang: Lang| names.get(lang).unwrap_or(&code).to_string();
    let flag = if Reference::flag(&project.assets, &code)?.is_some() {
        format!("data/reference/flags/{code}.svg (built in)")
    } else {
        format!("none found: add data/reference/flags/{code}.svg")
    };
    let empty = r#"{fr: "", nl: "", en: ""}"#;
    // The "in <country>" form the headings use: shown from the shipped table so it can be
    // checked, or left to write when the table has none.
    let in_country = match project.reference.in_country.get(&code) {
        Some(forms) => format!(
            "# Headings say \"{}\" / \"{}\" / \"{}\" (data/reference/in-country.csv);\n\
# to say it otherwise: in_country: {{fr: …, nl: …, en: …}}\n",
            forms.get(Lang::Fr).unwrap_or_default(),
            forms.get(Lang::Nl).unwrap_or_default(),
            forms.get(Lang::En).unwrap_or_default(),
        ),
        None => format!(
            "# How a sentence says \"in\" this country, for the headings (au Canada, in Canada…).\n\
in_country: {empty}\n"
        ),
    };
    let text = format!(
        "# Market profile: {en} (fr: {fr}, nl: {nl}). Flag: {flag}.\n\
# Write every text in French, Dutch and English; Markdown works in summary, why and the\n\
# texts. `marketbrief check` lists what is still to write; `marketbrief build --draft`\n\
# builds the brief meanwhile, marked DRAFT.\n\
country: {code}\n\
{in_country}\
# Two or three sentences for page 1: why this market matters.\n\
summary: {empty}\n\
# Why this market: a few bullet points.\n\
why: {empty}\n\
sectors:\n  - title: {empty}\n    text: {empty}\n\
cities:\n  - name: {empty}\n    text: {empty}\n\
agreement:\n  name: {empty}\n  # in_force, provisional (applied before full ratification), signed, negotiating or none\n  status: \n  # since: 2019\n  text: {empty}\n\
# mission:\n#   title: {empty}\n#   start: 2026-05-18\n#   end: 2026-05-22\n#   place: {empty}\n#   text: {empty}\n\
contact:\n  name: \"\"\n  role: {empty}\n  email: \"\"\n\
sources: []\n",
        en = name(Lang::En),
        fr = name(Lang::Fr),
        nl = name(Lang::Nl),
    );
    // Editors with the YAML language server complete and check the profile from its
    // schema, named on the first line.
    let rel =
        std::path::Path::new(PROFILES_DIR).join(format!("{}.yaml", code.to_ascii_lowercase()));
    let text = format!("{}\n{text}", crate::schema::PROFILE.modeline(&rel));
    crate::output::write_atomic(&path, text.as_bytes())?;
    writeln!(
        out,
        "wrote {}: fill it in, then run `marketbrief check`",
        path.display()
    )?;
    // A brief needs a trade figure: said now, not when the draft comes out without one.
    let partner = code.as_str();
    let with_rows: Vec<&str> = project
        .datasets
        .iter()
        .filter(|d| d.observations.keys().any(|k| k.partner == partner))
        .map(|d| d.id.as_str())
        .collect();
    if with_rows.is_empty() {
        writeln!(
            err,
            "warning: no dataset in {} has rows for {code}: the brief will have no trade figure until one does \
             (import Eurostat Comext with `marketbrief import comext FILE`, or your own with `import csv`/`import xlsx`)",
            crate::project::DATASETS_DIR,
        )?;
    }
    let schema = args
        .project
        .join(crate::schema::SCHEMAS_DIR)
        .join(crate::schema::PROFILE.name);
    if !schema.is_file() {
        writeln!(
            out,
            "(run `marketbrief schema` once for your editor to complete and check it)"
        )?;
    }
    Ok(Outcome::Success)
}
