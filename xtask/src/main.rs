//! Developer tasks for the proscribe workspace, run as `cargo xtask <task>`.
//!
//! Exit status: 0 success, 1 a `--check` found stale or unmatched data, 2 the task could not run.

mod gen_registry;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Developer tasks for proscribe")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Derive catalog/generated/{oui,usb,pci,iana}.tsv from the IEEE, usb.ids, pci.ids and IANA
    /// registries, using the organisation names listed under `[registry]` in the vendor files
    GenRegistry(gen_registry::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.task {
        Task::GenRegistry(args) => gen_registry::run(args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
