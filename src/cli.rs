//! Command-line arguments (clap). Parsing only: no I/O happens here.

use crate::config::Edition;
use crate::i18n::Lang;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "marketbrief",
    version,
    about = "Print-ready PDF country briefs from YAML market profiles and trade datasets, in French, Dutch and English.",
    after_help = "Exit status: 0 when everything succeeded; 1 when inputs have problems or a brief failed \
(each reported); 2 for a usage error or a file or folder that cannot be read or written."
)]
pub struct Cli {
    /// Print only errors and warnings (and what a command is asked to print: a diff, JSON
    /// diagnostics, a completion script).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more where a command has more to say: `build` names each brief skipped as
    /// unchanged and shows where the time went.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// How much a command prints besides its errors and warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

impl Cli {
    pub fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            (false, false) => Verbosity::Normal,
        }
    }
}

impl Cli {
    /// Run below a project's top folder (in `data/profiles`, say) without `--project`, a
    /// command works on the nearest folder up that holds `marketbrief.yaml`, as cargo finds
    /// its `Cargo.toml`. A `--project` naming another folder always wins.
    pub fn find_project(mut self) -> Self {
        let project = match &mut self.command {
            Command::Build(a) => &mut a.project,
            Command::Check(a) => &mut a.project,
            Command::Watch(a) => &mut a.project,
            Command::New(a) => &mut a.project,
            // A new project is made where it is asked for, never inside another one.
            Command::Init(_) | Command::Completions(_) | Command::Man(_) => return self,
            Command::Schema(a) => &mut a.project,
            Command::Import(ImportSource::Comext(a)) => &mut a.project,
            Command::Import(ImportSource::Csv(a)) => &mut a.project,
            Command::Import(ImportSource::Xlsx(a)) => &mut a.mapped.project,
            Command::Diff(a) => &mut a.project,
            Command::Bundle(a) => &mut a.project,
            Command::Mail(a) => &mut a.project,
        };
        if project.as_path() == std::path::Path::new(".")
            && let Some(root) = crate::project::find_root(project)
        {
            *project = root;
        }
        self
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build briefs: every profile in every configured language by default.
    Build(BuildArgs),
    /// Check every input a build would use and report all problems, without writing a PDF.
    Check(CheckArgs),
    /// Build, then rebuild the affected briefs whenever an input file changes.
    Watch(WatchArgs),
    /// Create a new project: configuration, an example profile and datasets (illustrative),
    /// a .gitignore and a README; `marketbrief build` in it works at once.
    Init(InitArgs),
    /// Start the profile of a new country, with every section present but empty.
    New(NewArgs),
    /// Write JSON Schemas of profiles, dataset metadata, marketbrief.yaml and import
    /// mappings, for editors to complete and check them.
    Schema(SchemaArgs),
    /// Print the shell completion script (bash, zsh, fish, powershell or elvish).
    Completions(CompletionsArgs),
    /// Write the manual pages (marketbrief.1 and one per command) into a folder.
    Man(ManArgs),
    /// Import real data into the project's datasets.
    #[command(subcommand)]
    Import(ImportSource),
    /// Show what changed between two editions' briefs, per country.
    Diff(DiffArgs),
    /// Build one printable handout per language for a trade mission in marketbrief.yaml.
    Bundle(BundleArgs),
    /// Prepare one message per company with its briefs attached, for review; send them
    /// with --send (see docs/guide/mailing.md).
    Mail(MailArgs),
}

#[derive(Debug, Args)]
pub struct MailArgs {
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Where the briefs are, as <out>/<edition>/; messages go to <out>/<edition>/mail/
    /// [default: <project>/output]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The edition, e.g. 2025-Q3 [default: the edition in marketbrief.yaml]
    #[arg(long, value_name = "ED")]
    pub edition: Option<Edition>,
    /// The recipients, CSV or .xlsx [default: <project>/data/recipients.csv]
    #[arg(long, value_name = "FILE")]
    pub recipients: Option<PathBuf>,
    /// Only this recipient; repeatable.
    #[arg(long = "to", value_name = "EMAIL")]
    pub to: Vec<String>,
    /// Only the briefs of this country (and the recipients who follow it); repeatable.
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Send the messages through SMTP (without it, nothing is sent).
    #[arg(long)]
    pub send: bool,
    /// Send at most N messages this run; the next run goes on with the others.
    #[arg(long, value_name = "N", requires = "send")]
    pub limit: Option<usize>,
    /// Send again the messages whose earlier sending was cut off before the server
    /// answered (they may have arrived).
    #[arg(long, requires = "send")]
    pub resend_uncertain: bool,
    /// Send again to the recipients already sent briefs of this edition that have been
    /// rebuilt since (a corrected brief); says how many before sending.
    #[arg(long, requires = "send")]
    pub resend_changed: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new project (created if need be; nothing in it is overwritten).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The languages of the briefs, in order, e.g. fr,nl,en.
    #[arg(
        long = "lang",
        value_name = "LANGS",
        value_delimiter = ',',
        default_value = "fr,nl,en"
    )]
    pub langs: Vec<Lang>,
    /// The region the agency works for (its ISO 3166-2 code): BE-BRU, BE-VLG or BE-WAL;
    /// BE (or none) for a national agency, whose briefs use the country's figures.
    #[arg(long, value_name = "CODE", default_value = "BE-BRU")]
    pub region: String,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Where to write the pages.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Where to write them [default: <project>/schemas, where the files' first lines
    /// point]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The country's ISO 3166-1 alpha-2 code, e.g. de.
    pub code: String,
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// A Eurostat Comext SDMX-CSV extract (monthly values by reporter, partner, CN8 product
    /// and flow).
    Comext(ImportArgs),
    /// Any CSV extract (National Bank of Belgium, IBSA…) read through a mapping file.
    Csv(MappedImportArgs),
    /// A workbook (.xlsx, .xls, .ods) read through the same mapping as a CSV extract:
    /// numbers and dates as the cells hold them.
    Xlsx(SheetImportArgs),
}

#[derive(Debug, Args)]
pub struct SheetImportArgs {
    #[command(flatten)]
    pub mapped: MappedImportArgs,
    /// The sheet to read [default: the first]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

#[derive(Debug, Args)]
pub struct MappedImportArgs {
    /// The extract to import.
    pub file: PathBuf,
    /// How to read it: separator, decimal mark, columns, flow codes… (see docs/guide/importing-data.md).
    #[arg(long, value_name = "FILE")]
    pub mapping: PathBuf,
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// The dataset to merge into: data/datasets/<ID>.csv and .yaml.
    #[arg(long, value_name = "ID", value_parser = crate::output::plain_name)]
    pub dataset: String,
    /// Show what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The extract to import.
    pub file: PathBuf,
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Keep only this reporter's rows.
    #[arg(long, value_name = "CODE", default_value = "BE")]
    pub reporter: String,
    /// The dataset to merge into: data/datasets/<ID>.csv and .yaml.
    #[arg(long, value_name = "ID", default_value = "comext-goods", value_parser = crate::output::plain_name)]
    pub dataset: String,
    /// Show what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct BundleArgs {
    /// The mission's name in marketbrief.yaml (`missions:`), e.g. north-america.
    pub name: String,
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Where to write, as <out>/<edition>/mission-<name>-<lang>.pdf [default: <project>/output]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Build only this language; repeatable.
    #[arg(long = "lang", value_name = "LANG")]
    pub langs: Vec<Lang>,
    /// The edition [default: the edition in marketbrief.yaml]
    #[arg(long, value_name = "ED")]
    pub edition: Option<Edition>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier edition, e.g. 2025-Q2.
    pub from: Edition,
    /// The later edition, e.g. 2025-Q3.
    pub to: Edition,
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Where the editions were built [default: <project>/output]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// The language of the labels and numbers [default: the first configured language]
    #[arg(long, value_name = "LANG")]
    pub lang: Option<Lang>,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// An aligned table for the terminal.
    Table,
    /// A Markdown table.
    Markdown,
    /// CSV, one change per row.
    Csv,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Where to write briefs [default: <project>/output]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Watch only this country's briefs; repeatable.
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Watch only this language's briefs; repeatable.
    #[arg(long = "lang", value_name = "LANG")]
    pub langs: Vec<Lang>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Check only this language (fr, nl or en); repeatable.
    #[arg(long = "lang", value_name = "LANG")]
    pub langs: Vec<Lang>,
    /// The recipients file of `marketbrief mail` to check [default:
    /// data/recipients.csv, when it exists]
    #[arg(long, value_name = "FILE")]
    pub recipients: Option<PathBuf>,
    /// Count warnings (the style of profile texts, recipients without consent…) as
    /// problems: the check fails on any, as CI wants.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Fix in place, in the profiles, what the style rules can fix safely — straight quotes
    /// made curly (’, « », “ ”), the space before : ; ! ? in French, doubled spaces —
    /// keeping comments and layout, list each change, then check
    #[arg(long)]
    pub fix: bool,
    /// With --fix: show the changes without writing them
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// `human`: diagnostics with the offending line; `json`: one JSON object per problem
    /// on stdout (severity, file, line, column, field, message, help), for CI annotations
    /// and editors, the summary on stderr.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
}

/// How `check` prints its problems.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagnosticFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project folder (holding marketbrief.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Where to write briefs, as <out>/<edition>/<code>-<lang>.pdf [default: <project>/output]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Build only this country (ISO 3166-1 alpha-2 code, e.g. ca); repeatable.
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Build only this language (fr, nl or en); repeatable.
    #[arg(long = "lang", value_name = "LANG")]
    pub langs: Vec<Lang>,
    /// The edition, e.g. 2025-Q3 [default: the edition in marketbrief.yaml]
    #[arg(long, value_name = "ED")]
    pub edition: Option<Edition>,
    /// Rebuild every brief, even those whose inputs have not changed.
    #[arg(long)]
    pub force: bool,
    /// How many briefs to build at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Print where the time went, per pipeline stage.
    #[arg(long)]
    pub timings: bool,
    /// Also write each brief's Typst project to DIR/<code>-<lang>/ (main.typ, charts,
    /// fonts) for a designer to open in Typst.
    #[arg(long, value_name = "DIR")]
    pub emit_typst: Option<PathBuf>,
    /// PDF standard to conform to, repeatable (a-2b, a-3b, ua-1…), or `none`
    /// [default: a-2b and ua-1]
    #[arg(long = "standard", value_name = "STD")]
    pub standards: Vec<String>,
    /// Build profiles that are not finished: missing texts show as still to write and
    /// every page is marked DRAFT.
    #[arg(long)]
    pub draft: bool,
}

impl BuildArgs {
    /// The defaults of `marketbrief build --project DIR`.
    pub fn for_project(project: impl Into<PathBuf>) -> Self {
        BuildArgs {
            project: project.into(),
            out: None,
            countries: Vec::new(),
            langs: Vec::new(),
            edition: None,
            force: false,
            jobs: None,
            timings: false,
            emit_typst: None,
            standards: Vec::new(),
            draft: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn build_flags_parse() {
        let cli = Cli::try_parse_from([
            "marketbrief",
            "build",
            "--project",
            "p",
            "--out",
            "o",
            "--country",
            "ca",
            "--country",
            "MX",
            "--lang",
            "fr",
            "--lang",
            "en",
            "--edition",
            "2025-Q3",
        ])
        .unwrap();
        let Command::Build(b) = cli.command else {
            panic!("expected the build command");
        };
        assert_eq!(b.project, PathBuf::from("p"));
        assert_eq!(b.out, Some(PathBuf::from("o")));
        assert_eq!(b.countries, ["ca", "MX"]);
        assert_eq!(b.langs, [Lang::Fr, Lang::En]);
        assert_eq!(
            b.edition,
            Some(Edition {
                year: 2025,
                quarter: 3
            })
        );
        assert!(Cli::try_parse_from(["marketbrief", "build", "--lang", "de"]).is_err());
        assert!(Cli::try_parse_from(["marketbrief", "build", "--edition", "2025-3"]).is_err());
    }
}
