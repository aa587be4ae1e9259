//! `marketbrief schema [--out DIR]`: the JSON Schemas of the files advisers edit.

use crate::cli::SchemaArgs;
use crate::cmd::Outcome;
use crate::schema::{ALL, SCHEMAS_DIR};
use anyhow::Result;
use std::io::Write;

pub fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<Outcome> {
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| args.project.join(SCHEMAS_DIR));
    let written = crate::schema::write_all(&dir)?;
    for (path, schema) in written.iter().zip(ALL) {
        writeln!(out, "wrote {} ({})", path.display(), schema.describes)?;
    }
    writeln!(
        out,
        "An editor with the YAML language server (VS Code's YAML extension, among others) uses \
         them for files whose first line names them, e.g.\n  {}",
        crate::schema::PROFILE.modeline(std::path::Path::new("data/profiles/ca.yaml"))
    )?;
    Ok(Outcome::Success)
}
