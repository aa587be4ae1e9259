//! Merging imported rows into a project's dataset: under the dataset's import lock, into
//! what the dataset holds (rows with the same key replaced), its quarters and years summed
//! again from the merged months where the extract has months only, checked to load as
//! `check` loads it, and written — the CSV, then its metadata recording the CSV's hash.
//! `marketbrief import` prints what [`plan`] and [`Plan::write`] return.

use crate::dataset::{Flow, Period, Status};
use crate::error::{Error, IoResultExt, Result};
use crate::import::Rows;
use crate::output;
use crate::project::DATASETS_DIR;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What becomes of a dataset's quarters and years when months are merged into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Periods {
    /// Summed again from the months the merged dataset holds (Comext: monthly data only).
    FromMergedMonths,
    /// As the file gives them (a mapped file may give years and quarters of its own).
    AsImported,
}

/// What an import brings to a dataset.
pub struct Imported<'a> {
    pub rows: &'a Rows,
    /// The status of every row.
    pub status: Status,
    /// The dataset's metadata file, but its `csv_sha256`.
    pub meta_text: &'a str,
    pub periods: Periods,
    /// Set when the extract is older than the dataset's data, saying so: it may add periods
    /// the dataset lacks, never replace one it has.
    pub older: Option<String>,
}

/// A merge worked out and checked, not yet written; the dataset stays locked until it is
/// dropped.
pub struct Plan {
    pub csv_path: PathBuf,
    pub meta_path: PathBuf,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    csv_text: String,
    meta_text: String,
    _lock: std::fs::File,
}

type Merged = BTreeMap<(String, String, Flow, Period, String), (f64, Status)>;

/// Works out the merge of `imported` into the dataset `dataset` of the project at
/// `project`, and checks that what would be written loads as a dataset of this project.
/// Refused, with nothing written, when the dataset's metadata was written by hand, when
/// the dataset cannot be read, when an older extract would replace a month, or when the
/// result would not load.
pub fn plan(project: &Path, dataset: &str, imported: Imported<'_>) -> Result<Plan> {
    let Imported {
        rows,
        status,
        meta_text,
        periods,
        older,
    } = imported;
    let dir = project.join(DATASETS_DIR);
    let csv_path = dir.join(format!("{dataset}.csv"));
    let meta_path = dir.join(format!("{dataset}.yaml"));
    // One import of a dataset at a time, from reading what it holds to writing the merge:
    // two at once each merged into what the other had not written yet, and one's rows were
    // lost.
    std::fs::create_dir_all(&dir).io("create", &dir)?;
    let lock_path = dir.join(format!(".{dataset}.import.lock"));
    let lock = output::open_lock(&lock_path).io("open", &lock_path)?;
    lock.lock().io("lock", &lock_path)?;
    // An import rewrites its dataset's metadata: metadata written by hand (sources,
    // publications, licence) would be lost.
    if let Ok(current) = crate::limits::read_to_string(&meta_path)
        && !current
            .trim_start_matches('\u{feff}')
            .starts_with("# Written by `marketbrief import")
    {
        return Err(Error::Import(format!(
            "{} was not written by an import: importing into it would replace its metadata; import into another dataset with --dataset",
            meta_path.display()
        )));
    }
    let existing = read_existing(&csv_path)?;
    if let Some(why) = older
        && rows
            .keys()
            .any(|k| matches!(k.3, Period::Month(..)) && existing.contains_key(k))
    {
        return Err(Error::Import(why));
    }
    let mut merged = existing.clone();
    for (key, value) in rows {
        merged.insert(key.clone(), (*value, status));
    }
    if periods == Periods::FromMergedMonths {
        // A year is complete when the months merged from every import are: two extracts
        // of half a year each make one, and a newer extract's revised months are never
        // summed with an older extract's. A sum is as trustworthy as its least part.
        crate::import::derive_periods(&mut merged, |sum, (value, status)| match sum {
            None => (*value, *status),
            Some((total, first)) => (total + value, (*first).max(*status)),
        });
    }
    let (mut added, mut changed, mut unchanged) = (0, 0, 0);
    for (key, value) in &merged {
        match existing.get(key) {
            None => added += 1,
            Some(old) if old == value => unchanged += 1,
            Some(_) => changed += 1,
        }
    }
    let removed = existing.keys().filter(|k| !merged.contains_key(*k)).count();
    let csv_text = crate::dataset::write_csv(merged.iter().map(
        |((reporter, partner, flow, period, product), (value, status))| crate::dataset::CsvRow {
            reporter,
            partner,
            flow: *flow,
            period: *period,
            product,
            value_eur: *value,
            status: status.as_str(),
        },
    ))
    .map_err(|e| Error::Internal(format!("cannot write the merged rows: {e}")))?;
    // The metadata records its CSV: a pair torn by a crash between the two writes is
    // found when the project loads, and the next import writes both again.
    let meta_text = format!(
        "{meta_text}csv_sha256: {}\n",
        crate::deps::sha256(csv_text.as_bytes())
    );
    // What is about to be written must load as a dataset does for `check` and `build`…
    let parsed =
        crate::dataset::Dataset::parse(dataset, &meta_path, &meta_text, &csv_path, &csv_text);
    // …and pass what `check` asks of a dataset in this project (known product codes,
    // partners), when the rest of the project loads: an import never leaves a project that
    // no longer checks.
    let parsed = parsed.and_then(|dataset| {
        let Ok(loaded) = crate::project::Project::load(project) else {
            return Ok(dataset);
        };
        let errors = crate::validate::dataset(&loaded, &dataset, &loaded.config.languages);
        if errors.is_empty() {
            Ok(dataset)
        } else {
            Err(errors)
        }
    });
    if let Err(errors) = parsed {
        let shown: Vec<String> = errors.iter().take(10).map(|e| format!("  {e}")).collect();
        return Err(Error::Import(format!(
            "the import would write a dataset that does not load, so nothing was written ({} problem{}):\n{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            shown.join("\n")
        )));
    }
    Ok(Plan {
        csv_path,
        meta_path,
        added,
        changed,
        removed,
        unchanged,
        csv_text,
        meta_text,
        _lock: lock,
    })
}

impl Plan {
    /// Writes the dataset, the CSV first and then its metadata, leaving alone a file whose
    /// content would not change; returns the files written.
    pub fn write(self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for (path, text) in [
            (&self.csv_path, &self.csv_text),
            (&self.meta_path, &self.meta_text),
        ] {
            if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                output::write_atomic(path, text.as_bytes())?;
                written.push(path.clone());
            }
        }
        Ok(written)
    }
}

/// The dataset's rows as they are, or none for a dataset that does not exist yet.
fn read_existing(path: &Path) -> Result<Merged> {
    let mut merged = Merged::new();
    // Only a dataset that does not exist yet starts empty: one that cannot be read would be
    // overwritten by the new rows alone, its other rows lost.
    let text = match crate::limits::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(merged),
        Err(e) => {
            return Err(Error::Import(format!(
                "cannot read the existing dataset {}: {e}; nothing was written",
                path.display()
            )));
        }
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Error::Import(format!(
                "{}:{line}: the existing dataset is not UTF-8; fix or remove it and import again (nothing was written)",
                path.display()
            ))
        })?,
    };
    // Read as `check` reads it: a dataset with a bad row is not merged into, since the
    // merge would rewrite the file without it.
    let (observations, errors) = match crate::dataset::read_csv(path, &text) {
        Ok((observations, errors)) => (observations, errors),
        Err(errors) => (Default::default(), errors),
    };
    if let Some(first) = errors.first() {
        return Err(Error::Import(format!(
            "{first}; fix or remove the existing dataset and import again (nothing was written{})",
            match errors.len() {
                1 => String::new(),
                n => format!("; {} more problems", n - 1),
            }
        )));
    }
    for (key, observation) in observations {
        merged.insert(
            (key.reporter, key.partner, key.flow, key.period, key.product),
            (observation.value_eur, observation.status),
        );
    }
    Ok(merged)
}
