//! `marketbrief watch`: builds, then rebuilds the affected briefs whenever an input file
//! changes, printing each result (errors included), until interrupted.

use crate::cli::{BuildArgs, WatchArgs};
use crate::cmd::{Outcome, build};
use anyhow::{Context, Result};
use notify_debouncer_mini::notify::{self, EventKind, RecursiveMode, Watcher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Editors write a file in several steps; wait this long for them to settle.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// The folders whose files are inputs to a build.
const INPUT_DIRS: [&str; 3] = ["data", "templates", "fonts"];

pub fn run(args: &WatchArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let build_args = BuildArgs {
        out: args.out.clone(),
        countries: args.countries.clone(),
        langs: args.langs.clone(),
        ..BuildArgs::for_project(&args.project)
    };
    rebuild(&build_args, out, err)?;

    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).context("cannot watch for file changes")?;
    let root = &args.project;
    // The root itself, not recursively: marketbrief.yaml (and not the output folder).
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    for dir in INPUT_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
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
                    changed.extend(event.paths.into_iter().filter(|p| is_input(root, p)));
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
        rebuild(&build_args, out, err)?;
    }
    Ok(Outcome::Success)
}

/// Whether a changed path is a build input (not a temporary or hidden file).
fn is_input(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Editors and tools save through temporary files (`ca.yaml~`, `.swp`, sed's `sedXXXXXX`):
    // only files of the kinds a build reads count.
    let known = [
        "yaml", "yml", "csv", "j2", "typ", "otf", "ttf", "ttc", "svg", "json",
    ];
    let temporary = name.ends_with('~')
        || !rel
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| known.contains(&e));
    let under_inputs = rel == Path::new(crate::config::CONFIG_FILE)
        || INPUT_DIRS.iter().any(|d| rel.starts_with(d));
    under_inputs && !hidden && !temporary
}

/// One incremental build; its errors are printed and watching goes on.
fn rebuild(args: &BuildArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    if let Err(e) = build::run(args, out, err) {
        writeln!(err, "error: {e:#}")?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inputs_trigger_a_rebuild() {
        let root = Path::new("/p");
        assert!(is_input(root, Path::new("/p/marketbrief.yaml")));
        assert!(is_input(root, Path::new("/p/data/profiles/ca.yaml")));
        assert!(is_input(root, Path::new("/p/templates/brief.typ.j2")));
        assert!(!is_input(root, Path::new("/p/output/2025-Q3/ca-fr.pdf")));
        assert!(!is_input(root, Path::new("/p/data/profiles/.ca.yaml.swp")));
        assert!(!is_input(root, Path::new("/p/data/profiles/ca.yaml~")));
        assert!(!is_input(root, Path::new("/p/README.md")));
    }
}
