//! `marketbrief import comext FILE`, `marketbrief import csv FILE --mapping MAPPING` and
//! `marketbrief import xlsx FILE --mapping MAPPING`: merge real extracts into the project's
//! datasets (see [`crate::import`]).

use crate::cli::{ImportArgs, MappedImportArgs, SheetImportArgs};
use crate::cmd::Outcome;
use crate::import;
use crate::import::merge::{Imported, Periods};
use crate::project::DATASETS_DIR;
use anyhow::{Context, Result, bail};
use std::io::Write;

/// A folder named as the file to import cannot be read: said as such (exit status 2, as
/// for any file that cannot be read), not as a problem in an extract.
fn a_file(path: &std::path::Path) -> Result<()> {
    if path.is_dir() {
        bail!(
            "cannot read {}: it is a folder; name the file to import",
            path.display()
        );
    }
    Ok(())
}

pub fn run(args: &ImportArgs, out: &mut dyn Write) -> Result<Outcome> {
    a_file(&args.file)?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let (sums, report) = import::read_comext(
        &args.file,
        crate::limits::LineLimit::new(std::io::BufReader::new(file)),
        &args.reporter,
    )?;
    let has_total = sums.keys().any(|k| k.2 == crate::dataset::TOTAL);
    let rows = import::aggregate(&sums, &args.reporter, !has_total);

    let kept = format!("values in euros reported by {}", args.reporter);
    report_counts(
        out,
        &args.file,
        (report.rows_read, report.rows_kept),
        &kept,
        &report.skipped,
        "line",
    )?;
    report_coverage(out, &report.coverage)?;
    if report.zero_months > 0 {
        writeln!(
            out,
            "{} partner-month{} without a row, in months released for the partner's group (intra-EU or extra-EU), taken as zero trade (Comext omits zeros)",
            report.zero_months,
            if report.zero_months == 1 { "" } else { "s" }
        )?;
    }

    let older = older_extract(&args.project, &args.dataset, &report.last_update)?;
    // An older extract that only adds periods leaves the dataset's date as it was.
    let last_update = match &older {
        Some((_, current)) => *current,
        None => import::last_update_date(&report.last_update)
            .context("the extract's LAST UPDATE is not a date")?,
    };
    let meta_text = metadata(&report, !has_total, last_update);
    let imported = Imported {
        rows: &rows,
        status: crate::dataset::Status::Reported,
        meta_text: &meta_text,
        periods: Periods::FromMergedMonths,
        older: older.map(|(why, _)| why),
    };
    merge(&args.project, &args.dataset, imported, args.dry_run, out)
}

/// Why an extract last updated before the dataset's data may not replace any of them, with
/// the dataset's date, or `None` when it is not older.
fn older_extract(
    project: &std::path::Path,
    dataset: &str,
    last_update: &str,
) -> Result<Option<(String, crate::profile::Date)>> {
    if last_update.is_empty() {
        bail!("the extract has no data rows: nothing to import");
    }
    let Some(extract) = import::last_update_date(last_update) else {
        bail!("the extract's LAST UPDATE `{last_update}` is not a date (DD/MM/YY hh:mm:ss)");
    };
    let meta_path = project.join(DATASETS_DIR).join(format!("{dataset}.yaml"));
    let Ok(text) = crate::limits::read_to_string(&meta_path) else {
        return Ok(None);
    };
    crate::InputError::check_yaml_bounds(&meta_path, &text)?;
    let current = serde_yaml::from_str::<serde_yaml::Value>(&text)
        .ok()
        .and_then(|meta| {
            meta.get("last_update")?
                .as_str()?
                .parse::<crate::profile::Date>()
                .ok()
        });
    Ok(match current {
        Some(current) if extract < current => Some((
            format!(
                "the extract was last updated on {extract}, before the data already in {} ({current}): importing it would replace newer figures with older ones; import it into another dataset with --dataset",
                meta_path.display()
            ),
            current,
        )),
        _ => None,
    })
}

/// `marketbrief import csv FILE --mapping MAPPING`: any CSV extract read through a mapping.
pub fn run_mapped(args: &MappedImportArgs, out: &mut dyn Write) -> Result<Outcome> {
    a_file(&args.file)?;
    let mapping = import::mapped::Mapping::load(&args.mapping)?;
    let bytes = crate::limits::read_given(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "{}: the file is not UTF-8 (save it as UTF-8)",
            args.file.display()
        )
    })?;
    let read = import::mapped::read(&args.file, &text, &mapping)?;
    merge_mapped(args, &mapping, read, "csv", out)
}

/// `marketbrief import xlsx FILE --mapping MAPPING [--sheet NAME]`: a workbook's sheet read
/// through the same mapping.
pub fn run_sheet(args: &SheetImportArgs, out: &mut dyn Write) -> Result<Outcome> {
    let mapped = &args.mapped;
    a_file(&mapped.file)?;
    let mapping = import::mapped::Mapping::load(&mapped.mapping)?;
    let bytes = crate::limits::read_given(&mapped.file)
        .with_context(|| format!("cannot read {}", mapped.file.display()))?;
    let read = import::sheet::read(&mapped.file, bytes, args.sheet.as_deref(), &mapping)?;
    merge_mapped(mapped, &mapping, read, "xlsx", out)
}

/// Reports what a mapped import read and merges its rows with the mapping's metadata;
/// `command` is the import's name in the metadata's first line.
fn merge_mapped(
    args: &MappedImportArgs,
    mapping: &import::mapped::Mapping,
    (rows, report): (import::Rows, import::mapped::MappedReport),
    command: &str,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let kept = format!("read through {}", args.mapping.display());
    // A sheet's rows are placed by row number, as the spreadsheet shows them.
    let noun = if command == "xlsx" { "row" } else { "line" };
    report_counts(
        out,
        &args.file,
        (report.rows_read, report.rows_kept),
        &kept,
        &report.skipped,
        noun,
    )?;
    report_coverage(out, &report.coverage)?;
    let mut metadata = mapping.metadata.clone();
    if matches!(mapping.products, import::mapped::Products::Cn8)
        && let Some(fields) = metadata.as_mapping_mut()
    {
        // CN8 codes are rolled up to sections and chapters: the dataset holds both levels.
        fields.insert(
            "classification".into(),
            serde_yaml::to_value(["hs-section", "cn-chapter"])?,
        );
    }
    let meta_text = format!(
        "# Written by `marketbrief import {command}` from the metadata in {}.\n{}",
        args.mapping.display(),
        serde_yaml::to_string(&metadata)?
    );
    let imported = Imported {
        rows: &rows,
        status: mapping.status,
        meta_text: &meta_text,
        periods: Periods::AsImported,
        older: None,
    };
    merge(&args.project, &args.dataset, imported, args.dry_run, out)
}

/// Says how many rows were read, kept and skipped, why, and where the skipped ones are
/// (the first of them for each reason), `noun` being what the file calls a row's place:
/// `skipped 3 rows: no value, at lines 12, 40, 41`.
fn report_counts(
    out: &mut dyn Write,
    file: &std::path::Path,
    (read, kept): (u64, u64),
    what_was_kept: &str,
    skipped: &import::SkippedRows,
    noun: &str,
) -> Result<()> {
    writeln!(out, "read {read} rows from {}", file.display())?;
    writeln!(out, "kept {kept} rows ({what_was_kept})")?;
    for (why, rows) in skipped {
        let n = rows.count;
        let plural = if n == 1 { "" } else { "s" };
        writeln!(
            out,
            "skipped {n} row{plural}: {why}, at {}",
            rows.places(noun)
        )?;
    }
    Ok(())
}

/// Says which months the file covers, year by year and partner by partner, and what that
/// means for the annual figures.
fn report_coverage(out: &mut dyn Write, coverage: &import::Coverage) -> Result<()> {
    for line in import::coverage_lines(coverage) {
        writeln!(out, "{line}")?;
    }
    let partial = coverage
        .values()
        .flat_map(|years| years.values())
        .any(|months| months.len() < 12);
    if partial {
        writeln!(
            out,
            "a partner's year gets an annual figure only once the dataset holds all its months (this file's and those imported before): until then its briefs show the latest complete year, and the months as year to date"
        )?;
    }
    Ok(())
}

/// Merges what an import brings into `data/datasets/<id>.csv` and its metadata (see
/// [`import::merge`]), and says what it changes.
fn merge(
    project: &std::path::Path,
    dataset: &str,
    imported: Imported<'_>,
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let plan = import::merge::plan(project, dataset, imported)?;
    writeln!(
        out,
        "{}: {} rows to add, {} to change, {} to remove, {} unchanged",
        plan.csv_path
            .strip_prefix(project)
            .unwrap_or(&plan.csv_path)
            .display(),
        plan.added,
        plan.changed,
        plan.removed,
        plan.unchanged
    )?;
    if dry_run {
        writeln!(out, "dry run: nothing written")?;
        return Ok(Outcome::Success);
    }
    for path in plan.write()? {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(Outcome::Success)
}

fn metadata(
    report: &import::ImportReport,
    partial: bool,
    last_update: crate::profile::Date,
) -> String {
    let dataset_id = report
        .dataflow
        .split(':')
        .nth(1)
        .and_then(|s| s.split('(').next())
        .unwrap_or("DS-045409")
        .to_string();
    // The products the extract covers, when it has no total of all products: the
    // dataset's TOTAL rows are then their sum, and briefs print them only in a table
    // titled with the coverage.
    let coverage = if partial {
        let mut list = String::from("coverage:\n");
        for product in &report.products {
            list.push_str(&format!("  - \"{product}\"\n"));
        }
        list
    } else {
        "coverage: all\n".to_string()
    };
    format!(
        "# Written by `marketbrief import comext` from Eurostat {dataset_id}; importing again rewrites it.\n\
title:\n  fr: Commerce de biens de la Belgique par partenaire (Eurostat Comext)\n  nl: Goederenhandel van België per partner (Eurostat Comext)\n  en: Goods trade of Belgium by partner (Eurostat Comext)\n\
kind: goods\nclassification: [hs-section, cn-chapter]\n\
source: {{fr: Eurostat, nl: Eurostat, en: Eurostat}}\n\
url: https://ec.europa.eu/eurostat/databrowser/view/{}/default/table\n\
licence:\n  fr: \"politique de réutilisation d’Eurostat (mention : « Source : Eurostat »)\"\n  nl: \"hergebruikbeleid van Eurostat (vermelding: ‘Bron: Eurostat’)\"\n  en: \"Eurostat reuse policy (credit: “Source: Eurostat”)\"\n\
concept:\n  fr: Concept communautaire, commerce de biens déclaré par la Belgique\n  nl: Communautair concept, goederenhandel gerapporteerd door België\n  en: Community concept, goods trade reported by Belgium\n\
last_update: {last_update}\nillustrative: false\ndataset_id: {dataset_id}\n{coverage}",
        dataset_id.to_ascii_lowercase()
    )
}
