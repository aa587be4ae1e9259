//! `marketbrief watch`: builds, then rebuilds the affected briefs whenever an input file
//! changes, printing each result (errors included), until interrupted.
//!
//! What is watched comes from the build itself: every file the briefs recorded as read
//! (see [`crate::deps`]) and every file the build loaded, plus `marketbrief.yaml` and the
//! profiles folder, so that a new profile is picked up. After a change, the incremental
//! build rebuilds only the briefs whose recorded files changed.

use crate::cli::{BuildArgs, WatchArgs};
use crate::cmd::{Outcome, build};
use crate::deps::{Listing, rel_path};
use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Editors write a file in several steps; wait this long for them to settle.
const DEBOUNCE: Duration = Duration::from_millis(150);

pub fn run(args: &WatchArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let build_args = BuildArgs {
        out: args.out.clone(),
        countries: args.countries.clone(),
        langs: args.langs.clone(),
        ..BuildArgs::for_project(&args.project)
    };
    // The watcher reports absolute paths (`/home/me/./data/…` for `--project .`): the
    // project's own path must be absolute and canonical for them to be recognised.
    let root = &args
        .project
        .canonicalize()
        .with_context(|| format!("cannot find the project folder {}", args.project.display()))?;
    let mut inputs = WatchSet::new(root, rebuild(&build_args, out, err)?);

    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).context("cannot watch for file changes")?;
    let mut watched = BTreeSet::new();
    watch_folders(&mut watcher, &inputs, &mut watched, err)?;
    writeln!(
        out,
        "watching {} for changes (Ctrl-C to stop)",
        root.display()
    )?;
    out.flush()?;
    while let Ok(first) = rx.recv() {
        // Gather the burst of events an editor's save makes, then rebuild once.
        let mut events = vec![first];
        while let Ok(event) = rx.recv_timeout(DEBOUNCE) {
            events.push(event);
        }
        let mut changed: Vec<PathBuf> = Vec::new();
        for event in events {
            match event {
                // Reading files (as a build does) is not a change.
                Ok(event) if !matches!(event.kind, EventKind::Access(_) | EventKind::Other) => {
                    changed.extend(event.paths.into_iter().filter(|p| inputs.affects(p)));
                }
                Ok(_) => {}
                Err(e) => writeln!(err, "error: watching files: {e}")?,
            }
        }
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        let names: Vec<String> = changed
            .iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        writeln!(out, "changed: {}", names.join(", "))?;
        // A folder just made on the way to an input is watched before the build reads it.
        watch_folders(&mut watcher, &inputs, &mut watched, err)?;
        inputs = WatchSet::new(root, rebuild(&build_args, out, err)?);
        watch_folders(&mut watcher, &inputs, &mut watched, err)?;
    }
    Ok(Outcome::Success)
}

/// One incremental build; its errors are printed and watching goes on. Returns every file
/// the build read or its briefs recorded.
fn rebuild(args: &BuildArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<BTreeSet<String>> {
    let (outcome, inputs) = build::run_reporting_inputs(args, out, err);
    if let Err(e) = outcome {
        writeln!(err, "error: {e:#}")?;
    }
    out.flush()?;
    Ok(inputs)
}

/// Watches the folders `inputs` needs and no others. Every folder is watched again, so
/// that one removed and made anew is watched too.
fn watch_folders(
    watcher: &mut impl Watcher,
    inputs: &WatchSet,
    watched: &mut BTreeSet<PathBuf>,
    err: &mut dyn Write,
) -> Result<()> {
    let wanted = inputs.folders();
    for dir in watched.difference(&wanted) {
        // A folder that was removed is no longer watched anyway.
        let _ = watcher.unwatch(dir);
    }
    watched.clear();
    for dir in wanted {
        match watcher.watch(&dir, RecursiveMode::NonRecursive) {
            Ok(()) => {
                watched.insert(dir);
            }
            Err(e) => writeln!(err, "warning: cannot watch {}: {e}", dir.display())?,
        }
    }
    Ok(())
}

/// The files a build depends on, and how to notice their changes.
#[derive(Debug)]
pub struct WatchSet {
    root: PathBuf,
    /// Project-relative paths of files, whether they exist or not (a project file may
    /// come to override an embedded default, or a flag appear).
    files: BTreeSet<String>,
    /// [`Listing`]s: folders whose matching files are all inputs.
    listings: BTreeSet<String>,
}

impl WatchSet {
    /// The set for the project at `root` whose build read `inputs` (project-relative
    /// paths and listings), with `marketbrief.yaml` and the profiles, which a build needs
    /// even before it has read anything.
    pub fn new(root: &Path, inputs: impl IntoIterator<Item = String>) -> WatchSet {
        let mut set = WatchSet {
            root: root.to_path_buf(),
            files: BTreeSet::from([crate::config::CONFIG_FILE.to_string()]),
            // `.yml` too: `build` refuses a profile named so (rename it), and `watch` must
            // show that as soon as one appears.
            listings: BTreeSet::from([
                crate::project::PROFILE_FILES.to_string(),
                format!("{}/*.yml", crate::project::PROFILES_DIR),
            ]),
        };
        for path in inputs {
            if Listing::parse(&path).is_some() {
                set.listings.insert(path);
            } else {
                set.files.insert(path);
            }
        }
        set
    }

    /// The folders to watch, each on its own (not recursively): the folder of every file
    /// and listing or, while it does not exist, its nearest existing ancestor, where making
    /// it shows.
    pub fn folders(&self) -> BTreeSet<PathBuf> {
        let file_dirs = self
            .files
            .iter()
            .map(|f| f.rsplit_once('/').map_or("", |(dir, _)| dir));
        let listing_dirs = self
            .listings
            .iter()
            .filter_map(|l| Listing::parse(l).map(|l| l.dir));
        file_dirs
            .chain(listing_dirs)
            .map(|dir| {
                let mut path = self.root.join(dir);
                while !path.is_dir() && path != self.root {
                    match path.parent() {
                        Some(parent) => path = parent.to_path_buf(),
                        None => break,
                    }
                }
                path
            })
            .collect()
    }

    /// Whether a change at `path` can change a build: a recorded file, a file a listing
    /// lists, or a folder on the way to one (made, removed or renamed). Anything else —
    /// the output, editors' temporary files, other files in a watched folder — cannot.
    pub fn affects(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let rel = rel_path(rel);
        if rel.is_empty() {
            return false;
        }
        let folder = format!("{rel}/");
        self.files
            .iter()
            .any(|f| *f == rel || f.starts_with(&folder))
            || self
                .listings
                .iter()
                .filter_map(|l| Listing::parse(l))
                .any(|l| l.matches_path(&rel) || l.dir == rel || l.dir.starts_with(&folder))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_files_listings_and_folders_on_the_way_trigger_a_rebuild() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        for dir in ["data/profiles", "data/datasets", "output"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let inputs = WatchSet::new(
            root,
            [
                "data/profiles/ca.yaml",
                "data/datasets/*.csv",
                "data/datasets/a.csv",
                "data/datasets/a.yaml",
                "data/reference/world-bank/population.csv",
                "fonts/*.{otf,ttf,ttc}",
                "fonts/Inter-Regular.otf",
            ]
            .map(String::from),
        );
        let affects = |rel: &str| inputs.affects(&root.join(rel));
        assert!(affects("marketbrief.yaml"));
        assert!(affects("data/profiles/ca.yaml"));
        assert!(affects("data/profiles/de.yaml"), "a new profile");
        assert!(
            affects("data/profiles/de.yml"),
            "a profile build refuses for its name"
        );
        assert!(affects("data/datasets/a.csv"));
        assert!(affects("data/datasets/b.csv"), "a new dataset");
        // Not yet there: an override of the embedded default, and the folders it needs.
        assert!(affects("data/reference/world-bank/population.csv"));
        assert!(affects("data/reference/world-bank"));
        assert!(affects("data/reference"));
        assert!(affects("fonts"));
        assert!(affects("fonts/Extra.ttf"), "a new font");

        assert!(!affects("data/reference/world-bank/gdp_current_usd.csv"));
        assert!(!affects("data/datasets/b.yaml"), "not read: no b.csv");
        assert!(!affects("data/profiles/.ca.yaml.swp"));
        assert!(!affects("data/profiles/ca.yaml~"));
        assert!(!affects("output/2025-Q3/ca-fr.pdf"));
        assert!(!affects("output"));
        assert!(!affects("README.md"));
        assert!(!inputs.affects(Path::new("/elsewhere/marketbrief.yaml")));

        // Each folder once; missing ones by their nearest existing ancestor.
        let folders: Vec<PathBuf> = inputs.folders().into_iter().collect();
        assert_eq!(
            folders,
            [
                root.to_path_buf(),
                root.join("data"),
                root.join("data/datasets"),
                root.join("data/profiles"),
            ]
        );
        std::fs::create_dir_all(root.join("data/reference/world-bank")).unwrap();
        assert!(
            inputs
                .folders()
                .contains(&root.join("data/reference/world-bank"))
        );
    }
}
