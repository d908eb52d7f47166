//! `proscribe policy list | show`: the presets, and a policy as a scan will apply it.

use std::fmt::Write as _;

use proscribe_policy::{Policy, Subject};

use crate::{Outcome, PolicyCommand};

pub(crate) fn run(cmd: &PolicyCommand) -> anyhow::Result<Outcome> {
    match cmd {
        PolicyCommand::List => {
            let presets = proscribe_policy::presets();
            let width = presets.iter().map(|p| p.name.len()).max().unwrap_or(0);
            let mut out = String::new();
            for p in presets {
                let _ = writeln!(out, "{:width$}  {}", p.name, p.description);
            }
            print!("{out}");
            Ok(Outcome::Clean)
        }
        PolicyCommand::Show { policy, opt, today } => {
            let catalog = crate::load_catalog(opt.catalog.as_deref())?;
            let p = Policy::load(policy, &catalog).map_err(|e| anyhow::anyhow!("{e}"))?;
            let today = match today {
                Some(d) => *d,
                None => crate::scan::now()?.date_naive(),
            };
            print!("{}", show(&p, &catalog, today));
            Ok(Outcome::Clean)
        }
    }
}

fn show(p: &Policy, catalog: &proscribe_catalog::Catalog, today: chrono::NaiveDate) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Policy: {}", p.layers().join(" <- "));
    if let Some(d) = p.description() {
        let _ = writeln!(out, "  {d}");
    }
    match p.start() {
        Some(s) => {
            let _ = writeln!(
                out,
                "Start: {s} (deadlines count from the later of this day and the act's date)"
            );
        }
        None => out.push_str("Start: none (deadlines count from each act's date)\n"),
    }
    let acts = p.acts(catalog);
    let _ = writeln!(
        out,
        "\nActs ({}{}):",
        acts.len(),
        if p.selects_everything() {
            ", every act in the catalog"
        } else {
            ""
        }
    );
    for a in acts {
        let date = a
            .date
            .date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "?".into());
        let _ = writeln!(
            out,
            "  {}  {date}  {}  {}",
            a.id,
            a.jurisdiction,
            if a.binding { "binding" } else { "non-binding" }
        );
        let _ = writeln!(out, "      {}", a.title);
        if let Some(d) = &a.deadlines {
            let parts: Vec<String> = [
                ("identify", &d.identify),
                ("plan", &d.plan),
                ("remove", &d.remove),
            ]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} +{v}")))
            .collect();
            let from = proscribe_policy::deadline_base(a, p.start())
                .map(|d| d.to_string())
                .unwrap_or_default();
            let _ = writeln!(out, "      deadlines: {} from {from}", parts.join(", "));
        }
        let _ = writeln!(out, "      {}", a.url);
    }
    out.push_str("\nOverrides:");
    if p.overrides().is_empty() {
        out.push_str(" none\n");
    } else {
        out.push('\n');
        for o in p.overrides() {
            let name = match &o.subject {
                Subject::Vendor(id) => catalog.vendor(id).map(|v| v.name.clone()),
                Subject::Product(id) => catalog.product(id).map(|(_, p)| p.name.clone()),
            };
            let _ = writeln!(
                out,
                "  {} -> {}{}",
                o.describe(),
                o.status.as_str(),
                name.map(|n| format!("  ({n})")).unwrap_or_default()
            );
        }
    }
    out.push_str("\nExceptions:");
    if p.exceptions().is_empty() {
        out.push_str(" none\n");
    } else {
        out.push('\n');
        for e in p.exceptions() {
            let _ = writeln!(
                out,
                "  {}  {}  until {} ({})",
                e.id,
                e.scope(),
                e.until,
                e.state_on(today).as_str()
            );
            let _ = writeln!(out, "      reason: {}", e.reason);
            let _ = writeln!(out, "      approved by: {}", e.approved_by);
            if let Some(r) = &e.reference {
                let _ = writeln!(out, "      reference: {r}");
            }
            let _ = writeln!(out, "      declared at: {}", e.origin);
        }
    }
    out
}
