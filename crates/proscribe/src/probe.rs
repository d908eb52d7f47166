//! `proscribe probe snmp`: ask the named network devices who made them.
//!
//! Writes a `proscribe.inventory/1` file (or standard output) that `proscribe scan` judges
//! later, or with `--scan` judges it at once and prints the normal report with the normal
//! exit codes. Hosts that do not answer are errors in the inventory (exit 2), never a hang.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use proscribe_probe::snmp::{AuthProtocol, PrivProtocol, V3User};
use proscribe_probe::{Credentials, Options, Timing};

use crate::{ColorChoice, FailOn, Outcome, OutputFormat, ScanArgs};

#[derive(Debug, Subcommand)]
pub(crate) enum ProbeCommand {
    /// Ask devices over SNMP for sysDescr, sysObjectID, sysName and interface MACs.
    ///
    /// Sends GET 1.3.6.1.2.1.1.{1,2,5}.0 and walks 1.3.6.1.2.1.2.2.1.6 (ifPhysAddress),
    /// to the named hosts only.
    Snmp(SnmpArgs),
}

/// Arguments of `proscribe probe snmp`.
#[derive(Debug, clap::Args)]
pub(crate) struct SnmpArgs {
    /// Hosts to ask, and only these: IP addresses, host names or CIDR ranges (at most a
    /// /16 each), optionally with a port (`192.0.2.1:1161`, `[2001:db8::1]:1161`).
    #[arg(required = true, value_name = "TARGET")]
    targets: Vec<String>,
    /// SNMPv2c community (not used with --v3).
    #[arg(
        long,
        value_name = "C",
        env = "PROSCRIBE_SNMP_COMMUNITY",
        hide_env_values = true,
        default_value = "public"
    )]
    community: String,
    /// Use SNMPv3 as USER (noAuthNoPriv), USER:AUTHPASS (authNoPriv) or
    /// USER:AUTHPASS:PRIVPASS (authPriv). Prefer the environment variable over the command
    /// line, which other users can see.
    #[arg(
        long,
        value_name = "USER:AUTH:PRIV",
        env = "PROSCRIBE_SNMP_V3",
        hide_env_values = true
    )]
    v3: Option<String>,
    /// SNMPv3 authentication protocol.
    #[arg(long, value_enum, default_value_t = AuthArg::Sha)]
    auth_protocol: AuthArg,
    /// SNMPv3 privacy protocol.
    #[arg(long, value_enum, default_value_t = PrivArg::Aes)]
    priv_protocol: PrivArg,
    /// How long to wait for each response, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    timeout: u64,
    /// How many times a request is sent again when no response comes.
    #[arg(long, value_name = "N", default_value_t = 1)]
    retries: u32,
    /// How many hosts are asked at the same time.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// UDP port of targets that do not name one.
    #[arg(long, value_name = "P", default_value_t = 161)]
    port: u16,
    /// Write the inventory (or, with --scan, the report) to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Judge the answers at once and print the report instead of the inventory.
    #[arg(long)]
    scan: bool,
    /// Report format (with --scan).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table, requires = "scan")]
    format: OutputFormat,
    /// Policy file (with --scan).
    #[arg(long, value_name = "FILE", requires = "scan")]
    policy: Option<PathBuf>,
    /// Use the catalog in DIR instead of the built-in one (with --scan).
    #[arg(long, value_name = "DIR", env = "PROSCRIBE_CATALOG")]
    catalog: Option<PathBuf>,
    /// Exit with 1 when a finding has this status or a stronger one (with --scan).
    #[arg(long, value_enum, default_value_t = FailOn::Banned)]
    fail_on: FailOn,
    /// Print nothing but errors; the exit status tells the result.
    #[arg(short, long)]
    quiet: bool,
    /// Colour in the table (with --scan).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuthArg {
    Md5,
    Sha,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PrivArg {
    Des,
    Aes,
    Aes192,
    Aes256,
}

pub(crate) fn run(cmd: &ProbeCommand) -> anyhow::Result<Outcome> {
    match cmd {
        ProbeCommand::Snmp(args) => snmp_run(args),
    }
}

fn snmp_run(args: &SnmpArgs) -> anyhow::Result<Outcome> {
    let creds = credentials(args)?;
    let targets = proscribe_probe::targets::expand(&args.targets, args.port)?;
    let options = Options {
        timing: Timing {
            timeout: Duration::from_millis(args.timeout.max(1)),
            retries: args.retries,
        },
        concurrency: usize::from(args.concurrency),
    };

    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(targets.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} snmp {pos}/{len} hosts [{bar:30}] {elapsed_precise} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    });
    let answered = std::sync::atomic::AtomicUsize::new(0);
    let outcomes = proscribe_probe::probe_all(&targets, &creds, options, &|o| {
        if o.result.is_ok() {
            answered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(bar) = &bar {
            bar.set_message(format!(
                "{} answered",
                answered.load(std::sync::atomic::Ordering::Relaxed)
            ));
            bar.inc(1);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let inventory = proscribe_probe::inventory(&outcomes, &creds);

    if args.scan {
        let scan_args = ScanArgs {
            targets: Vec::new(),
            input_type: None,
            map: Vec::new(),
            format: args.format,
            output: args.output.clone(),
            policy: args.policy.clone(),
            catalog: args.catalog.clone(),
            fail_on: args.fail_on,
            quiet: args.quiet,
            color: args.color,
            lang: None,
        };
        return crate::scan::report_inventory(&scan_args, &inventory);
    }

    for e in &inventory.errors {
        eprintln!("proscribe: error: {}: {}", e.target, e.reason);
    }
    if !args.quiet || args.output.is_some() {
        write_inventory(args, &inventory)?;
    }
    Ok(if inventory.errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Error
    })
}

fn credentials(args: &SnmpArgs) -> anyhow::Result<Credentials> {
    match &args.v3 {
        None => Ok(Credentials::V2c {
            community: args.community.as_bytes().to_vec(),
        }),
        Some(spec) => {
            let auth = match args.auth_protocol {
                AuthArg::Md5 => AuthProtocol::Md5,
                AuthArg::Sha => AuthProtocol::Sha1,
                AuthArg::Sha224 => AuthProtocol::Sha224,
                AuthArg::Sha256 => AuthProtocol::Sha256,
                AuthArg::Sha384 => AuthProtocol::Sha384,
                AuthArg::Sha512 => AuthProtocol::Sha512,
            };
            let privacy = match args.priv_protocol {
                PrivArg::Des => PrivProtocol::Des,
                PrivArg::Aes => PrivProtocol::Aes128,
                PrivArg::Aes192 => PrivProtocol::Aes192,
                PrivArg::Aes256 => PrivProtocol::Aes256,
            };
            let user =
                V3User::parse(spec, auth, privacy).map_err(|e| anyhow::anyhow!("--v3: {e}"))?;
            Ok(Credentials::V3(user))
        }
    }
}

fn write_inventory(args: &SnmpArgs, inventory: &proscribe_model::Inventory) -> anyhow::Result<()> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    proscribe_collect::inventory::write(inventory, &mut out)
        .and_then(|()| out.flush())
        .with_context(|| match &args.output {
            Some(p) => format!("cannot write {}", p.display()),
            None => "cannot write the inventory".to_owned(),
        })
}
