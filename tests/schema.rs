//! The JSON Schemas (`marketbrief schema`) against real files, read as an editor's YAML
//! language server reads them: every sample file validates, a broken one fails with the
//! schema's message.

mod common;

use marketbrief::schema::{CONFIG, DATASET, MAPPING, PROFILE, SchemaFile};
use std::path::{Path, PathBuf};

/// A YAML file as the JSON value a schema validator sees.
fn as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    serde_json::to_value(yaml).unwrap()
}

fn problems(schema: SchemaFile, instance: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(&schema.json()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Every profile, dataset metadata file and configuration of a project, with its schema.
fn project_files(root: &Path) -> Vec<(SchemaFile, PathBuf)> {
    let mut files = vec![(CONFIG, root.join("marketbrief.yaml"))];
    files.extend(
        yaml_files(&root.join("data/profiles"))
            .into_iter()
            .map(|p| (PROFILE, p)),
    );
    files.extend(
        yaml_files(&root.join("data/datasets"))
            .into_iter()
            .map(|p| (DATASET, p)),
    );
    files
}

#[test]
fn every_sample_file_validates_against_its_schema() {
    let mut checked = 0;
    for root in [common::sample_project(), common::corpus_base()] {
        for (schema, path) in project_files(&root) {
            let found = problems(schema, &as_json(&path));
            assert!(found.is_empty(), "{}: {found:#?}", path.display());
            checked += 1;
        }
    }
    // The import mappings the tests use, as advisers copy them.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    for path in yaml_files(&fixtures) {
        let found = problems(MAPPING, &as_json(&path));
        assert!(found.is_empty(), "{}: {found:#?}", path.display());
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} files checked");
}

#[test]
fn a_new_project_validates_and_its_files_name_their_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let edition = marketbrief::scaffold::current_edition();
    let region = marketbrief::scaffold::region("BE-BRU").unwrap();
    marketbrief::scaffold::init(dir.path(), &marketbrief::Lang::ALL, region, edition).unwrap();
    for (schema, path) in project_files(dir.path()) {
        let found = problems(schema, &as_json(&path));
        assert!(found.is_empty(), "{}: {found:#?}", path.display());
        let first = std::fs::read_to_string(&path).unwrap();
        let line = first.lines().next().unwrap();
        let target = line
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{}: no schema line", path.display()));
        // The line points at the schema written beside the project.
        let schema_path = path.parent().unwrap().join(target);
        assert_eq!(
            std::fs::read_to_string(&schema_path).unwrap(),
            schema.json(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_broken_profile_fails_with_the_schemas_message() {
    let mut profile = as_json(&common::sample_project().join("data/profiles/ca.yaml"));
    let map = profile.as_object_mut().unwrap();
    let summary = map.remove("summary").unwrap();
    map.insert("sumary".into(), summary);
    map["agreement"]["status"] = "in-force".into();
    let found = problems(PROFILE, &profile).join("\n");
    assert!(
        found.contains("\"summary\" is a required property"),
        "{found}"
    );
    assert!(found.contains("sumary"), "{found}");
    assert!(found.contains("in-force"), "{found}");
}
