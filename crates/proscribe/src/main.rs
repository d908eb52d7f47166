//! The `proscribe` command: wires the collect → match → judge → report pipeline.
//!
//! Each subcommand lives in its own module; this file holds the clap definitions and
//! maps outcomes to the exit codes of the CLI contract: `0` nothing at or above
//! `--fail-on`, `1` findings at or above it, `2` a usage error or an unreadable input.

mod catalog_cmd;
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Policy file selecting acts and overriding statuses (default: every act applies).
    #[arg(long, value_name = "FILE")]
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
    /// Colour in the table: auto (when standard output is a terminal), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// A readable table grouped by status and vendor.
    Table,
    /// The `proscribe.report/1` JSON report.
    Json,
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

/// Loads the catalog from `dir`, or the built-in one.
fn load_catalog(dir: Option<&std::path::Path>) -> anyhow::Result<proscribe_catalog::Catalog> {
    match dir {
        Some(dir) => proscribe_catalog::Catalog::load_dir(dir)
            .map_err(|e| anyhow::anyhow!("cannot load catalog {}:\n{e}", dir.display())),
        None => proscribe_catalog::Catalog::builtin()
            .map_err(|e| anyhow::anyhow!("the built-in catalog is broken:\n{e}")),
    }
}
