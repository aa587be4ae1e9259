//! What `check` and `build` note about a brief's figures without refusing it: the cards
//! it leaves out and why, the numbers it takes from an example dataset, and an edition
//! older than its data.

use super::*;

/// The configured key-figure cards a profile's brief leaves out because the datasets cannot
/// fill them ("no BE-WAL goods exports to DE in data/datasets"): warnings of `check`, at
/// the profile's `country`. A card is never filled with anything else.
fn left_out_cards(
    project: &Project,
    path: &Path,
    code: &str,
    figures: &crate::figures::Figures,
) -> Vec<InputError> {
    use crate::figures::Measure;
    let (line, column) = project.sources.locate(path, "country");
    figures
        .left_out
        .iter()
        .map(|left| {
            let id = left.id;
            let reporter = left.reporter.as_deref().unwrap_or("the region");
            let what = match id.measure {
                Measure::Goods | Measure::Services => {
                    let measure = if id.measure == Measure::Goods {
                        "goods"
                    } else {
                        "services"
                    };
                    match id.flow {
                        crate::dataset::Flow::Export => {
                            format!("no {reporter} {measure} exports to {code}")
                        }
                        crate::dataset::Flow::Import => {
                            format!("no {reporter} {measure} imports from {code}")
                        }
                    }
                }
                Measure::Rank => format!(
                    "no year in which {reporter}'s goods exports to {code} and to every other market have their annual total"
                ),
            };
            // Months without a complete year (a partner whose year is still running in the
            // data): said as such, not as no trade at all.
            let months_only = left.reporter.as_deref().is_some_and(|reporter| {
                !id.is_rank()
                    && project.datasets.iter().any(|d| {
                        !d.meta.coverage.is_partial()
                            && d.observations.keys().any(|k| {
                                k.reporter == reporter
                                    && k.partner == code
                                    && k.flow == id.flow
                                    && k.product == TOTAL
                                    && !matches!(k.period, crate::dataset::Period::Year(_))
                            })
                    })
            });
            let why = if months_only {
                format!(
                    "{what} for a complete year in {} yet, only months (the brief shows them once their year is complete; until then it has no such card)",
                    crate::project::DATASETS_DIR
                )
            } else if left.partial {
                format!(
                    "the only total of {reporter} with {code} in {} is over the products a dataset covers (its `coverage`), never a key figure; the products table shows them, titled with what it covers",
                    crate::project::DATASETS_DIR
                )
            } else {
                format!("{what} in {}", crate::project::DATASETS_DIR)
            };
            InputError::new(
                path,
                format!(
                    "the brief leaves out the key-figure card `{}` of marketbrief.yaml: {why}",
                    id.key(),
                ),
            )
            .at(line, column)
            .field("country")
        })
        .collect()
}

/// A brief that prints numbers from one of `init`'s example datasets while the project has
/// datasets of its own: an illustrative BE-WAL→DE row from `init` reached a real Germany
/// brief unnoticed. Warnings of `check` and `build`, at the profile's `country`.
fn example_data(
    project: &Project,
    path: &Path,
    figures: &crate::figures::Figures,
) -> Vec<InputError> {
    if !project.datasets.iter().any(|d| !d.meta.example) {
        return Vec::new();
    }
    let (line, column) = project.sources.locate(path, "country");
    figures
        .datasets
        .iter()
        .filter_map(|id| crate::dataset::by_id(&project.datasets, id))
        .filter(|d| d.meta.example)
        .map(|d| {
            InputError::new(
                path,
                format!(
                    "the brief prints figures from {}, an example dataset of `marketbrief init` (`example: true`), beside the project's own datasets: delete its two files once your data are imported",
                    crate::deps::rel_path(&d.csv_path)
                ),
            )
            .at(line, column)
            .field("country")
        })
        .collect()
}

/// What a brief's figures call for saying, computed once per profile: the cards it leaves
/// out, and the numbers it takes from `init`'s example data.
pub struct FigureNotes {
    /// Warnings of `check`.
    pub left_out: Vec<InputError>,
    /// Warnings of `check` and `build`.
    pub examples: Vec<InputError>,
}

/// The [`FigureNotes`] of the brief of `profile`, from its country's `figures` (those the
/// renderer computed for its briefs).
pub fn figure_notes(
    project: &Project,
    path: &Path,
    profile: &Profile,
    figures: &crate::figures::Figures,
) -> FigureNotes {
    let code = profile.country.to_ascii_uppercase();
    FigureNotes {
        left_out: left_out_cards(project, path, &code, figures),
        examples: example_data(project, path, figures),
    }
}

/// Datasets updated after the edition's last day: the edition is older than its data
/// ("Q3 2025 edition · data as of 13 February 2026"), most likely an `edition:` left behind.
/// Warnings of `check`, at each dataset's `last_update`.
pub fn edition_dates(project: &Project, edition: crate::vocab::Edition) -> Vec<InputError> {
    let (year, month, day) = edition.last_day();
    project
        .datasets
        .iter()
        .filter(|d| {
            let u = &d.meta.last_update;
            (u.year, u.month, u.day) > (year, month, day)
        })
        .map(|d| {
            let (line, column) = project.sources.locate(&d.meta_path, "last_update");
            InputError::new(
                &d.meta_path,
                format!(
                    "the data were updated on {} but the edition {edition} ends on {year:04}-{month:02}-{day:02}: \
                     the briefs would say \"{edition} edition · data as of\" a later date; set `edition:` in \
                     marketbrief.yaml to the current quarter (or `--edition`)",
                    d.meta.last_update
                ),
            )
            .at(line, column)
            .field("last_update")
        })
        .collect()
}

/// A warning when the configuration names no responsible publisher: Belgian law asks every
/// printed publication to name one, with a postal address, and the colophon prints it.
pub fn legal_mentions(project: &Project) -> Vec<InputError> {
    if project.config.publisher.responsible.is_some() {
        return Vec::new();
    }
    let config = Path::new(crate::config::CONFIG_FILE);
    let (line, column) = project.sources.locate(config, "publisher");
    vec![
        InputError::new(
            config,
            "no responsible publisher: Belgian law asks printed matter to name one with a postal address (éditeur responsable, verantwoordelijke uitgever); add `responsible: {name: …, address: {fr: …, nl: …, en: …}}` under `publisher:` and every brief's colophon prints it",
        )
        .at(line, column)
        .field("publisher.responsible"),
    ]
}
