//! `marketbrief init`: a new project's files from the skeleton in `templates/init/` — the
//! configuration (commented), one example profile and two example datasets marked
//! illustrative, a `.gitignore` and a README for the team — such that `build` works at once.

use crate::error::{Error, IoResultExt, Result};
use crate::vocab::{Edition, Lang};
use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

static SKELETON: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates/init");

/// A region an agency can work for, with its names as the briefs print them.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Region {
    /// The ISO 3166-2 code, the datasets' reporter.
    pub code: &'static str,
    pub name: Names,
    /// The short name ("Bruxelles").
    pub short: Names,
    /// "of the region" ("de Bruxelles").
    pub of: Names,
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Names {
    pub fr: &'static str,
    pub nl: &'static str,
    pub en: &'static str,
}

/// The regions `init` knows: Belgium's three, whose agencies publish such briefs.
pub const REGIONS: [Region; 3] = [
    Region {
        code: "BE-BRU",
        name: Names {
            fr: "Région de Bruxelles-Capitale",
            nl: "Brussels Hoofdstedelijk Gewest",
            en: "Brussels-Capital Region",
        },
        short: Names {
            fr: "Bruxelles",
            nl: "Brussel",
            en: "Brussels",
        },
        of: Names {
            fr: "de Bruxelles",
            nl: "van Brussel",
            en: "of Brussels",
        },
    },
    Region {
        code: "BE-VLG",
        name: Names {
            fr: "Région flamande",
            nl: "Vlaams Gewest",
            en: "Flemish Region",
        },
        short: Names {
            fr: "Flandre",
            nl: "Vlaanderen",
            en: "Flanders",
        },
        of: Names {
            fr: "de la Flandre",
            nl: "van Vlaanderen",
            en: "of Flanders",
        },
    },
    Region {
        code: "BE-WAL",
        name: Names {
            fr: "Région wallonne",
            nl: "Waals Gewest",
            en: "Walloon Region",
        },
        short: Names {
            fr: "Wallonie",
            nl: "Wallonië",
            en: "Wallonia",
        },
        of: Names {
            fr: "de la Wallonie",
            nl: "van Wallonië",
            en: "of Wallonia",
        },
    },
];

/// The region of a code, in any letter case; `None` for a national agency (`BE` or
/// `none`).
pub fn region(code: &str) -> Result<Option<&'static Region>> {
    if code.eq_ignore_ascii_case("BE") || code.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    REGIONS
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
        .map(Some)
        .ok_or_else(|| {
            let known: Vec<&str> = REGIONS.iter().map(|r| r.code).collect();
            Error::Request(format!(
                "unknown region `{code}`: init knows {} and BE (a national agency); for another region, start with one of them and edit `region:` in marketbrief.yaml",
                known.join(", ")
            ))
        })
}

/// Writes a new project into `dir` (created if need be) and returns the files written,
/// relative to `dir`. Nothing is written when any of them exists already.
pub fn init(
    dir: &Path,
    langs: &[Lang],
    region: Option<&Region>,
    edition: Edition,
) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    collect(&SKELETON, &mut files);
    let targets: Vec<(PathBuf, &include_dir::File)> = files
        .into_iter()
        .map(|file| (target_path(file.path()), file))
        .collect();
    // The schemas the YAML files' first lines point to, for editors.
    let schemas: Vec<(PathBuf, String)> = crate::schema::ALL
        .iter()
        .map(|s| (Path::new(crate::schema::SCHEMAS_DIR).join(s.name), s.json()))
        .collect();
    let mut existing: Vec<String> = targets
        .iter()
        .map(|(rel, _)| rel)
        .chain(schemas.iter().map(|(rel, _)| rel))
        .filter(|rel| dir.join(rel).symlink_metadata().is_ok())
        .map(|rel| rel.display().to_string())
        .collect();
    // Every folder the files go in must be a real folder, or not exist yet: never a file
    // or a link that would take the files elsewhere.
    for (rel, _) in &targets {
        for folder in rel
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
        {
            let is_folder = dir.join(folder).symlink_metadata().map(|m| m.is_dir());
            let name = folder.display().to_string();
            if is_folder.is_ok_and(|d| !d) && !existing.contains(&name) {
                existing.push(name);
            }
        }
    }
    if dir.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
        return Err(Error::Request(format!(
            "{} is not a folder: init makes a project in a folder",
            dir.display()
        )));
    }
    if !existing.is_empty() {
        return Err(Error::Request(format!(
            "{} already holds {}: init never overwrites a file; choose an empty folder",
            dir.display(),
            existing.join(", ")
        )));
    }
    let names: Vec<&str> = langs.iter().map(|l| l.code()).collect();
    let language_names: Vec<&str> = langs
        .iter()
        .map(|l| match l {
            Lang::Fr => "French",
            Lang::Nl => "Dutch",
            Lang::En => "English",
        })
        .collect();
    let context = minijinja::context! {
        region => region.map(|r| minijinja::Value::from(minijinja::value::Serde(r))),
        languages => names.join(", "),
        language_names => join_words(&language_names),
        edition => edition.to_string(),
    };
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| Error::asset("templates/init", e.to_string()))?;
    env.set_syntax(syntax);
    let mut contents = Vec::new();
    for (rel, file) in targets {
        let mut bytes = if file.path().extension().is_some_and(|e| e == "j2") {
            let text = file.contents_utf8().unwrap_or_default();
            let name = file.path().display().to_string();
            env.render_str(text, &context)
                .map_err(|e| Error::asset(format!("templates/init/{name}"), e.to_string()))?
                .into_bytes()
        } else {
            file.contents().to_vec()
        };
        if let Some(schema) = schema_of(&rel) {
            let mut with_line = schema.modeline(&rel).into_bytes();
            with_line.push(b'\n');
            with_line.extend(bytes);
            bytes = with_line;
        }
        contents.push((rel, bytes));
    }
    contents.extend(
        schemas
            .into_iter()
            .map(|(rel, json)| (rel, json.into_bytes())),
    );
    let mut made = Made::default();
    match write_all(dir, contents, &mut made) {
        Ok(written) => Ok(written),
        Err(e) => {
            // Nothing half-made stays behind: a second `init` would refuse it.
            made.undo();
            Err(e)
        }
    }
}

/// What `init` created, to remove it all when it fails halfway.
#[derive(Default)]
struct Made {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Made {
    fn undo(self) {
        for file in self.files.iter().rev() {
            let _ = std::fs::remove_file(file);
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

fn write_all(
    dir: &Path,
    contents: Vec<(PathBuf, Vec<u8>)>,
    made: &mut Made,
) -> Result<Vec<PathBuf>> {
    use std::io::Write;
    let mut written = Vec::new();
    for (rel, bytes) in contents {
        let path = dir.join(&rel);
        // Each missing folder is created and noted, outermost first.
        let mut missing: Vec<PathBuf> = path
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty() && a.symlink_metadata().is_err())
            .map(Path::to_path_buf)
            .collect();
        missing.reverse();
        for folder in missing {
            std::fs::create_dir(&folder).io("create", &folder)?;
            made.folders.push(folder);
        }
        // `create_new`: a file that appeared meanwhile is still never overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .io("write", &path)?;
        made.files.push(path.clone());
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .io("write", &path)?;
        written.push(rel);
    }
    Ok(written)
}

/// The edition of today's quarter.
pub fn current_edition() -> Edition {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (year, month, _) = crate::vocab::civil_from_days(days);
    Edition {
        year,
        quarter: (month - 1) / 3 + 1,
    }
}

/// The schema of a project file, by where it is.
pub fn schema_of(rel: &Path) -> Option<crate::schema::SchemaFile> {
    let yaml = rel.extension().is_some_and(|e| e == "yaml");
    let parent = rel.parent().unwrap_or(Path::new(""));
    if rel == Path::new(crate::config::CONFIG_FILE) {
        Some(crate::schema::CONFIG)
    } else if yaml && parent == Path::new(crate::project::PROFILES_DIR) {
        Some(crate::schema::PROFILE)
    } else if yaml && parent == Path::new(crate::project::DATASETS_DIR) {
        Some(crate::schema::DATASET)
    } else {
        None
    }
}

fn collect<'a>(dir: &'a Dir<'a>, files: &mut Vec<&'a include_dir::File<'a>>) {
    files.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, files);
    }
}

/// Where a skeleton file goes: without `.j2`, and `gitignore` as `.gitignore` (a dotfile
/// would be left out of the skeleton by packaging tools).
fn target_path(path: &Path) -> PathBuf {
    if path == Path::new("gitignore") {
        return PathBuf::from(".gitignore");
    }
    match path.to_str().and_then(|p| p.strip_suffix(".j2")) {
        Some(stripped) => PathBuf::from(stripped),
        None => path.to_path_buf(),
    }
}

/// "French, Dutch and English".
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        use crate::vocab::civil_from_days;
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_786), (2026, 11, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn skeleton_paths() {
        assert_eq!(target_path(Path::new("gitignore")), Path::new(".gitignore"));
        assert_eq!(
            target_path(Path::new("data/datasets/example-goods.csv.j2")),
            Path::new("data/datasets/example-goods.csv")
        );
        assert_eq!(
            join_words(&["French", "Dutch", "English"]),
            "French, Dutch and English"
        );
    }
}
