//! `proscribe scan`: collect, match, judge, report.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};

use anyhow::Context;
use chrono::{DateTime, Utc};
use proscribe_catalog::Status;
use proscribe_collect::{Options, Target};
use proscribe_match::Matcher;
use proscribe_policy::Policy;
use proscribe_report::Report;

use crate::{ColorChoice, FailOn, Outcome, OutputFormat, ScanArgs};

pub(crate) fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let catalog = crate::load_catalog(args.catalog.as_deref())?;
    let policy = match &args.policy {
        Some(path) => Policy::load(path, &catalog).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => Policy::all(),
    };
    let forced = match &args.input_type {
        Some(name) => Some(proscribe_collect::registry::by_name(name).with_context(|| {
            let known: Vec<&str> = proscribe_collect::registry::COLLECTORS
                .iter()
                .map(|c| c.name())
                .collect();
            format!("unknown --type `{name}` (known: {})", known.join(", "))
        })?),
        None => None,
    };
    let matcher = Matcher::compile(&catalog)
        .map_err(|e| anyhow::anyhow!("cannot compile the catalog: {e}"))?;
    let now = now()?;

    let targets: Vec<Target> = if args.targets.is_empty() {
        vec![Target::Live]
    } else {
        args.targets
            .iter()
            .map(|t| {
                if t.as_os_str() == "-" {
                    Target::Stdin
                } else {
                    Target::Path(t.clone())
                }
            })
            .collect()
    };
    // The mapping lives for the whole run; leaking it once keeps `Options` `Copy`.
    let columns: &'static [_] = Box::leak(args.map.clone().into_boxed_slice());
    // Each item is matched and judged as soon as it is read, then dropped: only findings
    // are kept, so an SBOM of millions of components is scanned in bounded memory.
    let mut judge = Judge {
        catalog: &catalog,
        matcher: &matcher,
        policy: &policy,
        today: now.date_naive(),
        findings: Vec::new(),
    };
    let inventory =
        proscribe_collect::collect_each(&targets, Options { forced, columns }, &mut judge);
    let findings = judge.findings;
    finish(args, &catalog, &policy, now, &inventory, findings)
}

/// Matches, judges and reports an inventory collected elsewhere (`scan`, `probe --scan`).
pub(crate) fn report_inventory(
    args: &ScanArgs,
    inventory: &proscribe_model::Inventory,
) -> anyhow::Result<Outcome> {
    let catalog = crate::load_catalog(args.catalog.as_deref())?;
    let policy = match &args.policy {
        Some(path) => Policy::load(path, &catalog).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => Policy::all(),
    };
    let matcher = Matcher::compile(&catalog)
        .map_err(|e| anyhow::anyhow!("cannot compile the catalog: {e}"))?;
    let now = now()?;
    let mut judge = Judge {
        catalog: &catalog,
        matcher: &matcher,
        policy: &policy,
        today: now.date_naive(),
        findings: Vec::new(),
    };
    for item in &inventory.items {
        judge.judge(item);
    }
    let findings = judge.findings;
    finish(args, &catalog, &policy, now, inventory, findings)
}

/// Reports the findings of an inventory: errors on stderr, the report, the outcome.
fn finish(
    args: &ScanArgs,
    catalog: &proscribe_catalog::Catalog,
    policy: &Policy,
    now: DateTime<Utc>,
    inventory: &proscribe_model::Inventory,
    findings: Vec<proscribe_policy::Finding>,
) -> anyhow::Result<Outcome> {
    let today = now.date_naive();
    let mut report = Report::new(catalog, inventory, findings, now);
    let host = report.host.as_ref().and_then(|h| h.hostname.clone());
    let warnings = policy.apply_exceptions(&mut report.findings, host.as_deref(), today);
    report.summary.excepted = report.findings.iter().filter(|f| f.is_excepted()).count();
    report.warnings = warnings
        .into_iter()
        .map(|w| proscribe_report::ReportWarning {
            code: w.code.to_owned(),
            message: w.message,
        })
        .collect();

    for e in &report.errors {
        eprintln!("proscribe: error: {}: {}", e.target, e.reason);
    }
    if !args.quiet {
        for w in &report.warnings {
            eprintln!("proscribe: warning: {}", w.message);
        }
    }
    if !args.quiet {
        write_report(args, &report)?;
    }
    Ok(outcome(&report, args.fail_on))
}

/// Matches and judges items on their way out of the collectors.
struct Judge<'a> {
    catalog: &'a proscribe_catalog::Catalog,
    matcher: &'a Matcher,
    policy: &'a Policy,
    today: chrono::NaiveDate,
    findings: Vec<proscribe_policy::Finding>,
}

impl Judge<'_> {
    fn judge(&mut self, item: &proscribe_model::Item) {
        for m in self.matcher.find(item) {
            if let Some(f) = self.policy.judge(self.catalog, &m, item, self.today) {
                self.findings.push(f);
            }
        }
    }
}

impl proscribe_collect::Sink for Judge<'_> {
    fn push(&mut self, item: proscribe_model::Item) {
        self.judge(&item);
    }
}

fn write_report(args: &ScanArgs, report: &Report) -> anyhow::Result<()> {
    let (mut out, to_terminal): (Box<dyn Write>, bool) = match &args.output {
        Some(path) => (
            Box::new(BufWriter::new(
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
            )),
            false,
        ),
        None => (
            Box::new(BufWriter::new(std::io::stdout().lock())),
            std::io::stdout().is_terminal(),
        ),
    };
    let lang = args
        .lang
        .unwrap_or_else(proscribe_report::i18n::Lang::from_env);
    match args.format {
        OutputFormat::Html => proscribe_report::render_html(report, &mut out, lang)?,
        OutputFormat::Json => proscribe_report::render_json(report, &mut out)?,
        OutputFormat::Sarif => {
            let cwd = std::env::current_dir().ok();
            proscribe_report::render_sarif(
                report,
                &mut out,
                proscribe_report::SarifOptions {
                    base: cwd.as_deref(),
                },
            )?;
        }
        OutputFormat::Csv => proscribe_report::render_csv(report, &mut out)?,
        OutputFormat::Markdown => proscribe_report::render_markdown(report, &mut out, lang)?,
        OutputFormat::Table => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
            };
            let width = terminal_width().unwrap_or(100);
            proscribe_report::render_table(
                report,
                &mut out,
                proscribe_report::TableStyle { color, width, lang },
            )?;
        }
    }
    out.flush().with_context(|| match &args.output {
        Some(p) => format!("cannot write {}", p.display()),
        None => "cannot write the report".to_owned(),
    })?;
    Ok(())
}

fn outcome(report: &Report, fail_on: FailOn) -> Outcome {
    if !report.errors.is_empty() {
        return Outcome::Error;
    }
    let threshold = match fail_on {
        FailOn::Banned => Status::Banned,
        FailOn::Restricted => Status::Restricted,
        FailOn::Review => Status::Review,
        FailOn::Never => return Outcome::Clean,
    };
    // Findings under an active exception are listed but never fail the scan.
    if report
        .findings
        .iter()
        .any(|f| f.status >= threshold && !f.is_excepted())
    {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

/// The time the report is made at; `PROSCRIBE_NOW` (RFC 3339) pins it for reproducible reports.
pub(crate) fn now() -> anyhow::Result<DateTime<Utc>> {
    match std::env::var("PROSCRIBE_NOW") {
        Ok(s) => Ok(DateTime::parse_from_rfc3339(&s)
            .with_context(|| format!("PROSCRIBE_NOW=`{s}` is not an RFC 3339 time"))?
            .with_timezone(&Utc)),
        Err(_) => Ok(Utc::now()),
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w >= 40)
}
