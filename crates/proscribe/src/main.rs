//! The `proscribe` command: wires the collect → match → judge → report pipeline.
//!
//! Each subcommand lives in its own module; this file holds the clap definitions and
//! maps outcomes to the exit codes of the CLI contract: `0` nothing at or above
//! `--fail-on`, `1` findings at or above it, `2` a usage error or an unreadable input.

mod catalog_cmd;
mod plan;
mod policy_cmd;
mod probe;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Find software and equipment from banned or high-risk vendors, and say why.
#[derive(Debug, Parser)]
#[command(name = "proscribe", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan this machine, a mounted root, or inventory files, and report findings.
    Scan(ScanArgs),
    /// Inspect or check the catalog of vendors, products and acts.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Ask network devices who made them, and write an inventory (or judge it with --scan).
    #[command(subcommand)]
    Probe(probe::ProbeCommand),
    /// List the built-in policy presets, or show a policy as it will be applied.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Make a removal plan from one or more JSON reports.
    Plan(PlanArgs),
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// List the built-in presets.
    List,
    /// Show a policy with everything it builds on resolved: acts, overrides, exceptions.
    Show {
        /// A preset name (see `proscribe policy list`) or a policy file.
        policy: PathBuf,
        #[command(flatten)]
        opt: CatalogOpt,
        /// Judge exceptions as of this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DATE")]
        today: Option<chrono::NaiveDate>,
    },
}

/// Arguments of `proscribe plan`.
#[derive(Debug, clap::Args)]
struct PlanArgs {
    /// JSON reports (`proscribe scan --format json`), one per host or scan.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
    format: PlanFormat,
    /// Write the plan to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Language of the Markdown plan's text: en, de, fr or ja (default: from LC_ALL,
    /// LC_MESSAGES or LANG, else en). CSV and JSON stay English (machine formats).
    #[arg(long, value_name = "LANG")]
    lang: Option<proscribe_report::i18n::Lang>,
    #[command(flatten)]
    opt: CatalogOpt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    /// One section per vendor and product, with a table of hosts and items.
    Markdown,
    /// One row per item to remove.
    Csv,
    /// The `proscribe.plan/1` JSON document.
    Json,
}

/// Arguments of `proscribe scan`.
#[derive(Debug, clap::Args)]
struct ScanArgs {
    /// What to scan: nothing for this machine, a directory (a mounted root or a folder of
    /// inventory files), a file (format detected by content), or `-` for standard input.
    targets: Vec<PathBuf>,
    /// Read file targets as this format instead of detecting it.
    #[arg(long = "type", value_name = "FORMAT")]
    input_type: Option<String>,
    /// Say what a CSV column holds when its header is not recognised, e.g.
    /// `--map "Soft=name" --map "Maker=publisher"` (repeatable; fields: name, version,
    /// publisher, host, app-id, platform, ignore, or an identifier type such as bundle-id).
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = parse_column_map)]
    map: Vec<proscribe_collect::import::csv::ColumnMap>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Policy: a built-in preset name (`proscribe policy list`) or a policy file
    /// selecting acts, overriding statuses and granting exceptions (default: every act
    /// applies).
    #[arg(long, value_name = "NAME|FILE")]
    policy: Option<PathBuf>,
    /// Use the catalog in DIR instead of the built-in one.
    #[arg(long, value_name = "DIR", env = "PROSCRIBE_CATALOG")]
    catalog: Option<PathBuf>,
    /// Exit with 1 when a finding has this status or a stronger one.
    #[arg(long, value_enum, default_value_t = FailOn::Banned)]
    fail_on: FailOn,
    /// Print nothing but errors; the exit status tells the result.
    #[arg(short, long)]
    quiet: bool,
    /// Language of the report text: en, de, fr or ja (default: from LC_ALL, LC_MESSAGES
    /// or LANG, else en). Vendor, product and act names stay as the catalog sources them.
    #[arg(long, value_name = "LANG")]
    lang: Option<proscribe_report::i18n::Lang>,
    /// Colour in the table: auto (when standard output is a terminal), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// A readable table grouped by status and vendor.
    Table,
    /// A self-contained HTML page: summary, charts, a sortable and filterable table.
    Html,
    /// The `proscribe.report/1` JSON report.
    Json,
    /// SARIF 2.1.0, for code-scanning services and IDEs.
    Sarif,
    /// One row per finding, safe to open in a spreadsheet.
    Csv,
    /// A summary and tables in GitHub Flavored Markdown.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Banned,
    Restricted,
    Review,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// List the vendors with their products and acts.
    List(CatalogOpt),
    /// Show one vendor, product or act by id.
    Show {
        /// A vendor, product or act id.
        id: String,
        #[command(flatten)]
        opt: CatalogOpt,
    },
    /// List the legal acts with their dates and sources.
    Acts(CatalogOpt),
    /// Check a catalog directory (default: the built-in catalog) against the catalog rules.
    Lint {
        /// The catalog directory to check.
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, clap::Args)]
struct CatalogOpt {
    /// Use the catalog in DIR instead of the built-in one.
    #[arg(long, value_name = "DIR", env = "PROSCRIBE_CATALOG")]
    catalog: Option<PathBuf>,
}

/// Exit status of the CLI contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Clean,
    Findings,
    Error,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Catalog(cmd) => catalog_cmd::run(&cmd),
        Command::Probe(cmd) => probe::run(&cmd),
        Command::Policy(cmd) => policy_cmd::run(&cmd),
        Command::Plan(args) => plan::run(&args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::from(0),
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::Error) => ExitCode::from(2),
        Err(e) => {
            eprintln!("proscribe: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn parse_column_map(spec: &str) -> Result<proscribe_collect::import::csv::ColumnMap, String> {
    proscribe_collect::import::csv::ColumnMap::parse(spec)
}

/// Loads the catalog from `dir`, or the built-in one.
fn load_catalog(dir: Option<&std::path::Path>) -> anyhow::Result<proscribe_catalog::Catalog> {
    match dir {
        Some(dir) => proscribe_catalog::Catalog::load_dir(dir)
            .map_err(|e| anyhow::anyhow!("cannot load catalog {}:\n{e}", dir.display())),
        None => proscribe_catalog::Catalog::builtin()
            .map_err(|e| anyhow::anyhow!("the built-in catalog is broken:\n{e}")),
    }
}
