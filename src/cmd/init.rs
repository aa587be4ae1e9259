//! `marketbrief init [DIR]`: a new project, ready to build.

use crate::cli::InitArgs;
use crate::cmd::Outcome;
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(args: &InitArgs, out: &mut dyn Write) -> Result<Outcome> {
    let region = crate::scaffold::region(&args.region)?;
    let mut langs = Vec::new();
    for &lang in &args.langs {
        if langs.contains(&lang) {
            bail!("--lang names {lang} twice");
        }
        langs.push(lang);
    }
    let edition = crate::scaffold::current_edition();
    let written = crate::scaffold::init(&args.dir, &langs, region, edition)?;
    for file in &written {
        writeln!(out, "created {}", args.dir.join(file).display())?;
    }
    let cd = if args.dir == std::path::Path::new(".") {
        String::new()
    } else {
        let dir = args.dir.display().to_string();
        // Quoted for the shell when it needs it.
        if dir.contains(|c: char| !c.is_alphanumeric() && !"/._-".contains(c)) {
            format!("cd '{}' && ", dir.replace('\'', "'\\''"))
        } else {
            format!("cd {dir} && ")
        }
    };
    writeln!(
        out,
        "\nA new project for {} (edition {edition}). The example profile and datasets are \
         illustrative: replace them with your own.\nNext: {cd}marketbrief build",
        match region {
            Some(region) => format!("the {}", region.name.en),
            None => "a national agency (Belgium's figures, no region)".to_string(),
        }
    )?;
    Ok(Outcome::Success)
}
