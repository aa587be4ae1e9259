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

/// What the loader says of a file's text, read as `schema` describes it: `Ok` or its error.
fn load(schema: SchemaFile, text: &str) -> Result<(), String> {
    use marketbrief::error::InputError;
    let file = Path::new("file.yaml");
    match schema.name {
        "profile.schema.json" => marketbrief::profile::Profile::parse(file, text).map(drop),
        "config.schema.json" => marketbrief::config::Config::parse(file, text).map(drop),
        "dataset.schema.json" => {
            InputError::parse_yaml::<marketbrief::dataset::Metadata>(file, text).map(drop)
        }
        _ => InputError::parse_yaml::<marketbrief::import::mapped::Mapping>(file, text).map(drop),
    }
    .map_err(|e| e.to_string())
}

/// Editors (through the schema) and `check` (through the loader) never disagree on a value
/// written as a YAML number where text is expected: a phone number is refused by both (a
/// number loses its leading `+` or `0`); a code, a header or a constant is taken as written
/// by both.
#[test]
fn the_loader_and_the_schema_agree_on_numbers_written_for_text() {
    let sample = common::sample_project();
    let read = |rel: &str| std::fs::read_to_string(sample.join(rel)).unwrap();
    let profile = read("data/profiles/ca.yaml");
    let config = read("marketbrief.yaml");
    let dataset = read("data/datasets/bru-goods.yaml");
    let mapping = read("tests/fixtures/import/generic.yaml");
    let cases = [
        // (schema, file, text, replaced by, accepted)
        (
            PROFILE,
            &profile,
            "phone: +32 2 000 00 01",
            "phone: 3220000001",
            false,
        ),
        (
            PROFILE,
            &profile,
            "phone: +32 2 000 00 01",
            "phone: +3220000001",
            false,
        ),
        (
            PROFILE,
            &profile,
            "phone: +32 2 000 00 01",
            "phone: 3.2",
            false,
        ),
        (
            PROFILE,
            &profile,
            "phone: +32 2 000 00 01",
            "phone: \"+3220000001\"",
            true,
        ),
        (
            PROFILE,
            &profile,
            "phone: +32 2 000 00 01",
            "phone: 022000001",
            true,
        ),
        (
            PROFILE,
            &profile,
            "phone: +32 2 000 00 01",
            "phone: ~",
            true,
        ),
        (
            CONFIG,
            &config,
            "phone: +32 2 000 00 00",
            "phone: 3220000000",
            false,
        ),
        (
            CONFIG,
            &config,
            "phone: +32 2 000 00 01",
            "phone: 3220000001",
            false,
        ),
        (CONFIG, &config, "code: BE-BRU", "code: 21", true),
        (
            DATASET,
            &dataset,
            "kind: goods",
            "kind: goods\ndataset_id: 12345",
            true,
        ),
        (MAPPING, &mapping, "period: Year", "period: 2024", true),
        (
            MAPPING,
            &mapping,
            "status: illustrative",
            "status: illustrative\nconstants: {reporter: 21}",
            true,
        ),
        (MAPPING, &mapping, "value: Value (EUR)", "value: 2025", true),
        (MAPPING, &mapping, "reporter: Reporter", "reporter: 1", true),
        // Our product codes are text: a number is refused by both.
        (
            MAPPING,
            &mapping,
            "products: hs-section",
            "products: {table: {Food: 16}}",
            false,
        ),
    ];
    let mut disagreements = Vec::new();
    for (schema, text, from, to, accepted) in cases {
        assert!(text.contains(from), "{}: no `{from}`", schema.name);
        let text = text.replacen(from, to, 1);
        let loaded = load(schema, &text);
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let found = problems(schema, &serde_json::to_value(yaml).unwrap());
        if let Err(message) = &loaded
            && to.starts_with("phone: ")
        {
            // Located, with the way out.
            let line = message.split(':').nth(1).unwrap_or_default();
            assert!(line.parse::<usize>().is_ok(), "{message}");
            assert!(message.contains(": field `"), "{message}");
            assert!(message.contains("quotes"), "{message}");
        }
        if loaded.is_ok() != accepted || found.is_empty() != accepted {
            disagreements.push(format!(
                "{} `{to}`: expected {}, loader {loaded:?}, schema {found:?}",
                schema.name,
                if accepted { "accepted" } else { "refused" },
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
