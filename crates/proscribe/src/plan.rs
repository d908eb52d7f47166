//! `proscribe plan`: a removal plan from one or more JSON reports.

use std::fs::File;
use std::io::{BufWriter, Read, Write};

use anyhow::Context;
use proscribe_policy::plan::{self, ReportInput};

use crate::{Outcome, PlanArgs, PlanFormat};

pub(crate) fn run(args: &PlanArgs) -> anyhow::Result<Outcome> {
    let catalog = crate::load_catalog(args.opt.catalog.as_deref())?;
    // Every report is read before anything is written: one bad file, no plan.
    let mut reports = Vec::new();
    let mut problems = Vec::new();
    for path in &args.reports {
        let name = path.display().to_string();
        let mut text = String::new();
        let read = if path.as_os_str() == "-" {
            std::io::stdin().read_to_string(&mut text).map(|_| ())
        } else {
            File::open(path).and_then(|mut f| f.read_to_string(&mut text).map(|_| ()))
        };
        if let Err(e) = read {
            problems.push(format!("{name}: cannot read: {e}"));
            continue;
        }
        match serde_json::from_str::<ReportInput>(&text) {
            Ok(r) => reports.push((name, r)),
            Err(e) => problems.push(format!(
                "{name}:{}:{}: not a proscribe JSON report: {e}",
                e.line(),
                e.column()
            )),
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("proscribe: error: {p}");
        }
        anyhow::bail!(
            "no plan written: {} of {} reports could not be read",
            problems.len(),
            args.reports.len()
        );
    }
    let plan = plan::build(&reports, &catalog)?;

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let lang = args
        .lang
        .unwrap_or_else(proscribe_report::i18n::Lang::from_env);
    match args.format {
        PlanFormat::Markdown => proscribe_report::render_plan_markdown(&plan, &mut out, lang)?,
        PlanFormat::Csv => proscribe_report::render_plan_csv(&plan, &mut out)?,
        PlanFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &plan)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush().context("cannot write the plan")?;
    Ok(Outcome::Clean)
}
