//! marketbrief turns YAML market profiles and trade datasets into print-ready PDF country
//! briefs in French, Dutch and English.
//!
//! The pipeline runs one way, one module per stage:
//!
//! 1. [`project`] loads `marketbrief.yaml`, the profiles, datasets, classifications and
//!    catalogues into a [`project::Project`] (with [`config`], [`profile`], [`dataset`],
//!    [`reference`] and [`i18n`] for the pieces);
//! 2. [`validate`] checks that a profile is complete for the languages being built;
//! 3. [`figures`] computes the key figures, series and breakdowns from the datasets (pure);
//! 4. [`charts`] draws them as SVG with plotters (pure, in memory), [`map`] the locator
//!    map and [`qr`] the QR codes of the addresses printed;
//! 5. [`template`] renders the MiniJinja template into Typst source, escaping every value;
//! 6. [`typeset`] compiles that source with typst in-process and exports the PDF;
//! 7. [`output`] writes the PDF atomically.
//!
//! [`brief`] chains stages 2–6 for one brief, writing its context section by section;
//! [`builder`] builds an edition's out-of-date briefs in parallel and records them;
//! [`glance`] sets a mission handout's markets side by side from what their briefs
//! recorded; the
//! `cmd` modules drive whole commands and print. [`vocab`] holds the words every module shares
//! (languages, localized text, dates, editions) and depends on nothing: no two modules
//! import each other. `docs/dev/architecture.md` has the whole map.

pub mod assets;
pub mod brief;
pub mod builder;
pub mod charts;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod dataset;
pub mod deps;
pub mod diag;
pub mod error;
pub mod figures;
pub mod glance;
pub mod i18n;
pub mod import;
pub mod incremental;
pub mod limits;
pub mod logo;
pub mod mail;
pub mod map;
pub mod marks;
pub mod output;
pub mod printed;
pub mod profile;
pub mod project;
pub mod qr;
pub mod reference;
pub mod scaffold;
pub mod schema;
pub mod settings;
pub mod source;
pub mod store;
pub mod style;
pub mod template;
pub mod timings;
pub mod typeset;
pub mod validate;
pub mod vocab;
pub mod workbook;

pub use error::InputError;
pub use i18n::Lang;
