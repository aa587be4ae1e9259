//! JSON Schemas of the files advisers edit, generated from the Rust types that read them
//! (schemars), with their doc comments as descriptions. Editors that speak the YAML
//! language server complete field names, flag unknown ones and show each field's help
//! from a file's first line: `# yaml-language-server: $schema=…`.

use crate::error::Result;
use std::path::{Path, PathBuf};

/// The folder of a project where `init` and `schema` put the schemas.
pub const SCHEMAS_DIR: &str = "schemas";

/// One schema file: its name and the files it describes.
#[derive(Debug, Clone, Copy)]
pub struct SchemaFile {
    /// `profile.schema.json`.
    pub name: &'static str,
    /// What it describes, for humans.
    pub describes: &'static str,
    generate: fn() -> schemars::Schema,
}

impl SchemaFile {
    /// The schema as pretty JSON, ending with a newline.
    pub fn json(&self) -> String {
        let schema = (self.generate)();
        serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
    }

    /// The line that ties a YAML file at `file` (relative to the project) to this schema.
    pub fn modeline(&self, file: &Path) -> String {
        let up = file.parent().map_or(0, |p| p.components().count());
        let mut path = "../".repeat(up);
        path.push_str(SCHEMAS_DIR);
        path.push('/');
        path.push_str(self.name);
        format!("# yaml-language-server: $schema={path}")
    }
}

/// Draft-07, which every YAML language server reads.
fn generate<T: schemars::JsonSchema>() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
}

pub const PROFILE: SchemaFile = SchemaFile {
    name: "profile.schema.json",
    describes: "market profiles, data/profiles/<code>.yaml",
    generate: generate::<crate::profile::Profile>,
};

pub const DATASET: SchemaFile = SchemaFile {
    name: "dataset.schema.json",
    describes: "dataset metadata, data/datasets/<id>.yaml",
    generate: generate::<crate::dataset::Metadata>,
};

pub const CONFIG: SchemaFile = SchemaFile {
    name: "config.schema.json",
    describes: "the project configuration, marketbrief.yaml",
    generate: generate::<crate::config::Config>,
};

pub const MAPPING: SchemaFile = SchemaFile {
    name: "mapping.schema.json",
    describes: "import mappings, --mapping FILE.yaml",
    generate: generate::<crate::import::mapped::Mapping>,
};

/// Every schema, as `marketbrief schema` writes them.
pub const ALL: [SchemaFile; 4] = [PROFILE, DATASET, CONFIG, MAPPING];

/// Writes every schema into `dir` (created if need be), replacing older versions; returns
/// the files written.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for schema in ALL {
        let path = dir.join(schema.name);
        crate::output::write_atomic(&path, schema.json().as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modelines_point_up_to_the_project() {
        assert_eq!(
            PROFILE.modeline(Path::new("data/profiles/ca.yaml")),
            "# yaml-language-server: $schema=../../schemas/profile.schema.json"
        );
        assert_eq!(
            CONFIG.modeline(Path::new("marketbrief.yaml")),
            "# yaml-language-server: $schema=schemas/config.schema.json"
        );
    }

    #[test]
    fn schemas_carry_the_fields_and_their_help() {
        let profile: serde_json::Value = serde_json::from_str(&PROFILE.json()).unwrap();
        let properties = &profile["properties"];
        assert!(
            properties["summary"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("page 1"))
        );
        assert_eq!(profile["additionalProperties"], false);
        let required = profile["required"].as_array().unwrap();
        assert!(required.iter().any(|r| r == "country"));
        assert!(!required.iter().any(|r| r == "mission"));
    }
}
