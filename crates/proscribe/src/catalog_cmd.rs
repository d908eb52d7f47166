//! `proscribe catalog`: list, show, acts, lint.

use std::fmt::Write as _;

use proscribe_catalog::{Act, Catalog, Product, Vendor};

use crate::{CatalogCommand, Outcome};

pub(crate) fn run(cmd: &CatalogCommand) -> anyhow::Result<Outcome> {
    match cmd {
        CatalogCommand::List(opt) => {
            let catalog = crate::load_catalog(opt.catalog.as_deref())?;
            print(&list(&catalog));
            Ok(Outcome::Clean)
        }
        CatalogCommand::Acts(opt) => {
            let catalog = crate::load_catalog(opt.catalog.as_deref())?;
            print(&acts(&catalog));
            Ok(Outcome::Clean)
        }
        CatalogCommand::Show { id, opt } => {
            let catalog = crate::load_catalog(opt.catalog.as_deref())?;
            let text = if let Some(act) = catalog.acts.get(id) {
                show_act(act)
            } else if let Some(vendor) = catalog.vendor(id) {
                show_vendor(&catalog, vendor)
            } else if let Some((vendor, product)) = catalog.product(id) {
                show_product(&catalog, vendor, product)
            } else {
                anyhow::bail!("no vendor, product or act with id `{id}`; see `proscribe catalog list` and `proscribe catalog acts`");
            };
            print(&text);
            Ok(Outcome::Clean)
        }
        CatalogCommand::Lint { dir } => lint(dir.as_deref()),
    }
}

fn print(text: &str) {
    use std::io::Write;
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn lint(dir: Option<&std::path::Path>) -> anyhow::Result<Outcome> {
    let loaded = match dir {
        Some(dir) => Catalog::load_dir(dir),
        None => Catalog::builtin(),
    };
    let name = dir.map_or_else(
        || "built-in catalog".to_owned(),
        |d| d.display().to_string(),
    );
    let catalog = match loaded {
        Ok(c) => c,
        Err(e) => {
            for (file, line, msg) in &e.problems {
                match line {
                    Some(line) => eprintln!("error[parse]: {file}:{line}: {msg}"),
                    None => eprintln!("error[parse]: {file}: {msg}"),
                }
            }
            eprintln!("{name}: {} files cannot be read", e.problems.len());
            return Ok(Outcome::Findings);
        }
    };
    let diags = proscribe_catalog::lint(&catalog);
    for d in &diags {
        eprintln!("{d}");
    }
    let products: usize = catalog.vendors.iter().map(|v| v.products.len()).sum();
    let signatures: usize = catalog
        .vendors
        .iter()
        .map(|v| v.signatures.len() + v.products.iter().map(|p| p.signatures.len()).sum::<usize>())
        .sum();
    let summary = format!(
        "{name} {}: {} acts, {} vendors, {products} products, {signatures} signatures, {} registry entries: {}",
        catalog.version,
        catalog.acts.len(),
        catalog.vendors.len(),
        catalog.generated.oui.len() + catalog.generated.usb.len() + catalog.generated.pci.len() + catalog.generated.iana.len(),
        if diags.is_empty() { "ok".to_owned() } else { format!("{} problems", diags.len()) }
    );
    if diags.is_empty() {
        println!("{summary}");
        Ok(Outcome::Clean)
    } else {
        eprintln!("{summary}");
        Ok(Outcome::Findings)
    }
}

fn list(catalog: &Catalog) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<18} {:<48} {:>8}  ACTS",
        "VENDOR", "NAME", "PRODUCTS"
    );
    for v in &catalog.vendors {
        let acts: Vec<&str> = v.acts.iter().map(|a| a.id.as_str()).collect();
        let _ = writeln!(
            out,
            "{:<18} {:<48} {:>8}  {}",
            v.id,
            clip(&v.name, 48),
            v.products.len(),
            acts.join(", ")
        );
    }
    let _ = writeln!(out, "\ncatalog {} ({})", catalog.version, catalog.digest);
    out
}

fn acts(catalog: &Catalog) -> String {
    let mut acts: Vec<&Act> = catalog.acts.values().collect();
    acts.sort_by(|a, b| {
        a.date
            .to_string()
            .cmp(&b.date.to_string())
            .then(a.id.cmp(&b.id))
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<10}  {:<36} {:<16} {:<8} TITLE",
        "DATE", "ACT", "JURISDICTION", "BINDING"
    );
    for a in acts {
        let _ = writeln!(
            out,
            "{:<10}  {:<36} {:<16} {:<8} {}",
            a.date.to_string(),
            a.id,
            a.jurisdiction,
            if a.binding { "yes" } else { "no" },
            a.title
        );
    }
    out
}

fn show_act(a: &Act) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", a.id, a.title);
    let _ = writeln!(out, "  issuer:       {}", a.issuer);
    let _ = writeln!(out, "  jurisdiction: {}", a.jurisdiction);
    let _ = writeln!(out, "  date:         {}", a.date);
    if let Some(e) = &a.effective {
        let _ = writeln!(out, "  effective:    {e}");
    }
    let _ = writeln!(
        out,
        "  binding:      {}",
        if a.binding { "yes" } else { "no" }
    );
    if let Some(d) = &a.deadlines {
        let parts: Vec<String> = [
            ("identify", &d.identify),
            ("plan", &d.plan),
            ("remove", &d.remove),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} +{v}")))
        .collect();
        let _ = writeln!(out, "  deadlines:    {}", parts.join(", "));
    }
    let _ = writeln!(out, "  source:       {}", a.url);
    for s in &a.sources {
        let _ = writeln!(out, "                {s}");
    }
    let _ = writeln!(out, "  quote:        “{}”", a.quote.trim());
    if let Some(n) = &a.notes {
        let _ = writeln!(out, "  notes:        {}", n.trim());
    }
    out
}

fn show_vendor(catalog: &Catalog, v: &Vendor) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", v.id, v.name);
    if !v.aliases.is_empty() {
        let names: Vec<&str> = v.aliases.iter().map(|a| a.name()).collect();
        let _ = writeln!(out, "  also known as: {}", names.join("; "));
    }
    for s in &v.sources {
        let _ = writeln!(out, "  source: {s}");
    }
    let _ = writeln!(out, "  acts:");
    for r in &v.acts {
        let title = catalog.acts.get(&r.id).map_or("?", |a| a.title.as_str());
        let _ = writeln!(out, "    {:<10} {} — {}", r.status.as_str(), r.id, title);
    }
    for (what, list) in [("subsidiary", &v.subsidiaries), ("brand", &v.brands)] {
        for e in list {
            let dates = match (&e.since, &e.until) {
                (Some(s), Some(u)) => format!(" ({s} – {u})"),
                (Some(s), None) => format!(" (since {s})"),
                (None, Some(u)) => format!(" (until {u})"),
                (None, None) => String::new(),
            };
            let _ = writeln!(out, "  {what}: {}{dates}", e.name);
        }
    }
    let _ = writeln!(out, "  products:");
    for p in &v.products {
        let _ = writeln!(
            out,
            "    {:<40} {} ({} signatures)",
            p.id,
            p.name,
            p.signatures.len()
        );
    }
    let _ = writeln!(out, "  vendor signatures: {}", v.signatures.len());
    out
}

fn show_product(catalog: &Catalog, v: &Vendor, p: &Product) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} (vendor {})", p.id, p.name, v.id);
    if let Some(c) = &p.category {
        let _ = writeln!(out, "  category: {c}");
    }
    let _ = writeln!(out, "  acts:");
    for r in catalog.acts_for(v, Some(p)) {
        let _ = writeln!(out, "    {:<10} {}", r.status.as_str(), r.id);
    }
    let _ = writeln!(out, "  signatures:");
    for (i, s) in p.signatures.iter().enumerate() {
        let how = serde_json::to_value(s.match_kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(out, "    #{i:<3} {:<20} {:<8} {}", s.field, how, s.value);
        let _ = writeln!(out, "          source: {}", s.source);
    }
    out
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
