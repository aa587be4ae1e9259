//! Loading a project: `marketbrief.yaml`, `data/profiles/*.yaml`, `data/datasets/*`,
//! reference data and catalogues, each read and parsed once per run.

use crate::assets::Assets;
use crate::config::{CONFIG_FILE, Config};
use crate::dataset::Dataset;
use crate::error::InputError;
use crate::error::{Error, IoResultExt, Result};
use crate::i18n::Lang;
use crate::i18n::catalogue::{self, Catalogue};
use crate::profile::Profile;
use crate::reference::Reference;
use crate::source::Sources;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const PROFILES_DIR: &str = "data/profiles";
pub const DATASETS_DIR: &str = "data/datasets";
/// The profile files, as a listing: a new one is a new brief.
pub const PROFILE_FILES: &str = "data/profiles/*.yaml";
/// The dataset files, as a listing: figures consult every dataset, so a new one is an
/// input of every brief.
pub const DATASET_FILES: &str = "data/datasets/*.csv";

/// Whether something other than a folder is at `path` — a file, or a pipe or a broken link
/// that reading will refuse, named, rather than take for nothing there.
fn present(path: &Path) -> bool {
    path.symlink_metadata().is_ok() && !path.is_dir()
}

/// The project `start` is in: `start` itself or the nearest folder above it that holds
/// `marketbrief.yaml`, as a path relative to `start` (`..`, `../..`) so that messages stay
/// short; `None` outside any project.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    let mut relative = PathBuf::from(start);
    for dir in absolute.ancestors() {
        if present(&dir.join(CONFIG_FILE)) {
            return Some(relative);
        }
        relative = if relative == Path::new(".") {
            PathBuf::from("..")
        } else {
            relative.join("..")
        };
    }
    None
}

/// A profile file and what came of parsing it: one bad profile does not stop the others.
#[derive(Debug)]
pub struct ProfileEntry {
    /// Lower-case country code from the file name (`ca`).
    pub code: String,
    /// Path relative to the project root.
    pub path: PathBuf,
    pub profile: Result<Profile, Vec<InputError>>,
}

/// Everything a build reads, loaded once.
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub profiles: Vec<ProfileEntry>,
    pub datasets: Vec<Dataset>,
    pub reference: Reference,
    pub catalogues: BTreeMap<Lang, Catalogue>,
    pub assets: Assets,
    /// Problems that concern every brief (datasets, catalogues): `check` reports them,
    /// `build` refuses to start while there are any.
    pub problems: Vec<InputError>,
    /// The text of every YAML file loaded, for placing errors.
    pub sources: Sources,
}

/// Reads a project file that a build uses as UTF-8 text, noting its fingerprint, and keeps
/// its text in `sources` for diagnostics. A file that cannot be read at all (gone since it
/// was listed, a folder, a broken link, no permission) is an [`Error::Io`], not an input to
/// fix: the command stops with exit status 2, naming it. A file too large, not UTF-8 or
/// empty is an input error, at the file.
fn read_input(root: &Path, assets: &Assets, rel: &Path, sources: &mut Sources) -> Result<String> {
    let bytes = match assets.read_project_file(rel) {
        Err(e) if e.kind() != std::io::ErrorKind::FileTooLarge => {
            return Err(Error::io("read", root.join(rel), e));
        }
        read => read,
    };
    let text = crate::source::decode(rel, bytes)?;
    if rel.extension().is_some_and(|e| e == "yaml") {
        sources.add(rel, &text);
    }
    Ok(text)
}

impl Project {
    /// Loads the project at `root`. Problems shared by every brief (configuration,
    /// catalogues, datasets) fail the load; a bad profile only fails its own briefs.
    pub fn load(root: &Path) -> Result<Project> {
        Project::load_with(root, Assets::with_project(root))
    }

    /// Loads the project at `root` reading through `assets` (a clone of which keeps the
    /// fingerprints of what was read, even when the load fails).
    pub fn load_with(root: &Path, assets: Assets) -> Result<Project> {
        if !present(&root.join(CONFIG_FILE)) {
            return Err(Error::NoProject {
                root: root.to_path_buf(),
                config: CONFIG_FILE,
            });
        }
        let mut sources = Sources::default();
        let config_text = read_input(root, &assets, Path::new(CONFIG_FILE), &mut sources)?;
        let config = Config::parse(Path::new(CONFIG_FILE), &config_text)?;

        let mut catalogues = BTreeMap::new();
        for lang in Lang::ALL {
            catalogues.insert(lang, assets.catalogue(lang)?);
        }
        let all: Vec<Catalogue> = catalogues.values().cloned().collect();
        let mut problems = catalogue::check_complete(&all);

        let reference = Reference::load(&assets)?;
        let (datasets, dataset_problems) = load_datasets(root, &assets, &mut sources)?;
        problems.extend(dataset_problems);
        let profiles = load_profiles(root, &assets, &mut sources)?;
        problems.extend(misnamed_profiles(root)?);
        Ok(Project {
            root: root.to_path_buf(),
            config,
            profiles,
            datasets,
            reference,
            catalogues,
            assets,
            problems,
            sources,
        })
    }

    /// The catalogue of a language.
    pub fn catalogue(&self, lang: Lang) -> &Catalogue {
        // Every language's catalogue is loaded in `load`.
        &self.catalogues[&lang]
    }

    /// The files of every dataset and their listing, as project-relative paths.
    pub fn dataset_files(&self) -> Vec<String> {
        let mut files = vec![DATASET_FILES.to_string()];
        for dataset in &self.datasets {
            files.push(crate::deps::rel_path(&dataset.csv_path));
            files.push(crate::deps::rel_path(&dataset.meta_path));
        }
        files
    }
}

fn sorted_files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .io("list", dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        // Not only files: a broken link, a folder or an unreadable entry named `.yaml` is
        // reported when read (it cannot be), never skipped in silence.
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
        .collect();
    files.sort();
    Ok(files)
}

fn load_profiles(root: &Path, assets: &Assets, sources: &mut Sources) -> Result<Vec<ProfileEntry>> {
    let mut entries = Vec::new();
    for path in sorted_files(&root.join(PROFILES_DIR), "yaml")? {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let rel = Path::new(PROFILES_DIR).join(path.file_name().unwrap_or_default());
        // One bad profile fails its own briefs only; one that cannot be read stops the load.
        let text = match read_input(root, assets, &rel, sources) {
            Ok(text) => Ok(text),
            Err(Error::Input(errors)) => Err(errors.0),
            Err(e) => return Err(e),
        };
        let profile = text
            .and_then(|text| {
                Profile::parse(&rel, &text)
                    .map(|profile| (profile, text))
                    .map_err(|e| vec![e])
            })
            .and_then(|(profile, text)| {
                let valid_name = stem.len() == 2 && stem.chars().all(|c| c.is_ascii_lowercase());
                if !valid_name {
                    Err(vec![InputError::new(
                        &rel,
                        "profile files are named by lower-case ISO 3166-1 alpha-2 code, e.g. ca.yaml",
                    )])
                } else if profile.code() != stem {
                    let (line, column) = crate::source::locate(&text, "country");
                    Err(vec![InputError::new(
                        &rel,
                        format!(
                            "the file is named {stem}.yaml but its country is `{}`",
                            profile.country
                        ),
                    )
                    .at(line, column)
                    .field("country")])
                } else {
                    Ok(profile)
                }
            });
        entries.push(ProfileEntry {
            code: stem,
            path: rel,
            profile,
        });
    }
    Ok(entries)
}

/// Profiles that would be skipped for their extension (`ca.yml`, `ca.YAML`): an error, so
/// that a brief is never left out without a word.
fn misnamed_profiles(root: &Path) -> Result<Vec<InputError>> {
    let dir = root.join(PROFILES_DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut misnamed: Vec<PathBuf> = std::fs::read_dir(&dir)
        .io("list", &dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
            ext != "yaml" && matches!(ext.to_ascii_lowercase().as_str(), "yaml" | "yml")
        })
        .collect();
    misnamed.sort();
    Ok(misnamed
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            InputError::new(
                Path::new(PROFILES_DIR).join(&*name),
                format!(
                    "profiles are read from `.yaml` files only, so this one is not read: rename it {stem}.yaml"
                ),
            )
        })
        .collect())
}

fn load_datasets(
    root: &Path,
    assets: &Assets,
    sources: &mut Sources,
) -> Result<(Vec<Dataset>, Vec<InputError>)> {
    let mut datasets = Vec::new();
    let mut errors = Vec::new();
    let csv_files = sorted_files(&root.join(DATASETS_DIR), "csv")?;
    // Noted from the very listing loaded, so that a dataset added meanwhile is noticed.
    let names: Vec<String> = csv_files
        .iter()
        .filter_map(|p| Some(p.file_name()?.to_str()?.to_string()))
        .collect();
    assets.note_with(DATASET_FILES, || crate::deps::Fingerprint::listing(&names));
    for csv_path in csv_files {
        let id = csv_path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let csv_rel = Path::new(DATASETS_DIR).join(format!("{id}.csv"));
        let meta_rel = Path::new(DATASETS_DIR).join(format!("{id}.yaml"));
        if !present(&root.join(&meta_rel)) {
            // Looked for, so that writing it is noticed (by `watch`).
            assets.note_with(&crate::deps::rel_path(&meta_rel), || {
                crate::deps::Fingerprint::Missing
            });
            errors.push(InputError::new(
                &csv_rel,
                format!("the dataset has no metadata file {}", meta_rel.display()),
            ));
            continue;
        }
        let texts = read_input(root, assets, &meta_rel, sources)
            .and_then(|m| Ok((m, read_input(root, assets, &csv_rel, sources)?)));
        match texts {
            Err(Error::Input(problems)) => errors.extend(problems.0),
            Err(e) => return Err(e),
            Ok((meta_text, csv_text)) => {
                let (dataset, problems) =
                    Dataset::parse_lenient(&id, &meta_rel, &meta_text, &csv_rel, &csv_text);
                datasets.extend(dataset);
                errors.extend(problems);
            }
        }
    }
    Ok((datasets, errors))
}
