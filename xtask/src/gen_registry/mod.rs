//! `cargo xtask gen-registry`: derive `catalog/generated/{oui,usb,pci,iana}.tsv` from public
//! registries and the organisation names the catalog lists under `[registry]`.
//!
//! The catalog never holds a hand-typed OUI or vendor id: reviewers check a *name* against the
//! registry, and this task expands the name into every key the registry gives it. A listed name
//! that matches nothing is reported, because a typo would otherwise silently drop a vendor's
//! hardware from every scan; `--check` turns that and any stale table into a failure for CI.

mod sources;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use proscribe_catalog::{Catalog, RegistryKind};

use sources::{Record, Registry};

/// Options of `cargo xtask gen-registry`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// Directory with the IEEE CSVs `oui.csv` (MA-L), `mam.csv` (MA-M), `oui36.csv` (MA-S) and,
    /// if present, `iab.csv` (Debian package ieee-data; newer copies from standards-oui.ieee.org)
    #[arg(long, value_name = "DIR", default_value = sources::DEFAULT_IEEE_DIR)]
    pub(crate) ieee_dir: PathBuf,
    /// The usb.ids file (Debian package usb.ids; newer copies from http://www.linux-usb.org/usb.ids)
    #[arg(long, value_name = "FILE", default_value = sources::DEFAULT_USB_IDS)]
    pub(crate) usb_ids: PathBuf,
    /// The pci.ids file (Debian package pci.ids; newer copies from https://pci-ids.ucw.cz/)
    #[arg(long, value_name = "FILE", default_value = sources::DEFAULT_PCI_IDS)]
    pub(crate) pci_ids: PathBuf,
    /// IANA enterprise numbers: Wireshark's enterprises.tsv (Debian package libwireshark-data)
    /// or IANA's own enterprise-numbers.txt
    #[arg(long, value_name = "FILE", default_value = sources::DEFAULT_IANA)]
    pub(crate) iana: PathBuf,
    /// The catalog directory [default: the repository's catalog/]
    #[arg(long, value_name = "DIR")]
    pub(crate) catalog: Option<PathBuf>,
    /// Regenerate in memory and fail if catalog/generated differs or a listed name matches nothing
    #[arg(long)]
    pub(crate) check: bool,
}

/// The `[registry]` field that feeds a table.
fn field(kind: RegistryKind) -> &'static str {
    match kind {
        RegistryKind::Oui => "ieee",
        RegistryKind::Usb => "usb",
        RegistryKind::Pci => "pci",
        RegistryKind::Iana => "iana",
    }
}

/// What the registry is called in messages.
fn registry_title(kind: RegistryKind) -> &'static str {
    match kind {
        RegistryKind::Oui => "IEEE MA-L/MA-M/MA-S/IAB assignments",
        RegistryKind::Usb => "usb.ids vendors",
        RegistryKind::Pci => "pci.ids vendors",
        RegistryKind::Iana => "IANA Private Enterprise Numbers",
    }
}

/// One organisation name the catalog lists for a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    /// The vendor id.
    pub(crate) vendor: String,
    /// The subsidiary or brand whose `registry` lists the name.
    pub(crate) entity: Option<String>,
    /// The name as written in the catalog.
    pub(crate) name: String,
}

/// One line of a generated table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Row {
    key: String,
    vendor: String,
    entity: String,
    organization: String,
}

/// A listed name that matches no registry entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unmatched {
    pub(crate) kind: RegistryKind,
    pub(crate) listed: Listed,
    /// Registry spellings that differ only in punctuation, spacing or length, to spot a typo.
    pub(crate) near: Vec<String>,
}

/// Everything one run produces.
#[derive(Debug, Clone, Default)]
pub(crate) struct Output {
    /// (file name in `generated/`, contents), in the order oui, usb, pci, iana.
    pub(crate) files: Vec<(&'static str, String)>,
    /// Names that matched nothing.
    pub(crate) unmatched: Vec<Unmatched>,
    /// Other warnings (a name listed twice).
    pub(crate) warnings: Vec<String>,
    /// Per file: entries per vendor, for the summary.
    pub(crate) counts: Vec<(&'static str, BTreeMap<String, usize>)>,
}

/// Case-insensitive, trimmed, internal whitespace collapsed: how listed names are compared.
pub(crate) fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Letters and digits only, lower-cased: the looser comparison used for typo hints.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A table cell: tabs and line breaks would break the TSV, so they become spaces.
fn cell(s: &str) -> String {
    s.replace(['\t', '\r', '\n'], " ")
}

/// Every name the catalog lists for `kind`, vendor level first, then subsidiaries and brands.
pub(crate) fn listed_names(catalog: &Catalog, kind: RegistryKind) -> Vec<Listed> {
    let pick = |r: &proscribe_catalog::Registry| -> Vec<String> {
        match kind {
            RegistryKind::Oui => r.ieee.clone(),
            RegistryKind::Usb => r.usb.clone(),
            RegistryKind::Pci => r.pci.clone(),
            RegistryKind::Iana => r.iana.clone(),
        }
    };
    let mut out = Vec::new();
    for vendor in &catalog.vendors {
        for name in pick(&vendor.registry) {
            out.push(Listed {
                vendor: vendor.id.clone(),
                entity: None,
                name,
            });
        }
        for entity in vendor.subsidiaries.iter().chain(&vendor.brands) {
            for name in pick(&entity.registry) {
                out.push(Listed {
                    vendor: vendor.id.clone(),
                    entity: Some(entity.name.clone()),
                    name,
                });
            }
        }
    }
    out
}

/// Expands listed names into table rows; returns the rows (sorted, deduplicated) and the
/// names that matched nothing.
pub(crate) fn match_names(
    kind: RegistryKind,
    listed: &[Listed],
    records: &[Record],
) -> (Vec<Row>, Vec<Unmatched>) {
    let mut by_name: HashMap<String, Vec<&Record>> = HashMap::new();
    for r in records {
        by_name
            .entry(normalise(&r.organization))
            .or_default()
            .push(r);
    }
    let mut rows = BTreeSet::new();
    let mut unmatched = Vec::new();
    for l in listed {
        match by_name.get(&normalise(&l.name)) {
            Some(hits) => {
                for r in hits {
                    rows.insert(Row {
                        key: r.key.clone(),
                        vendor: cell(&l.vendor),
                        entity: cell(l.entity.as_deref().unwrap_or("")),
                        organization: cell(r.organization.trim()),
                    });
                }
            }
            None => unmatched.push(Unmatched {
                kind,
                listed: l.clone(),
                near: near_names(&l.name, records),
            }),
        }
    }
    let mut rows: Vec<Row> = rows.into_iter().collect();
    if kind == RegistryKind::Iana {
        // Decimal keys read best in numeric order.
        rows.sort_by(|a, b| {
            (a.key.len(), &a.key, &a.vendor, &a.entity).cmp(&(
                b.key.len(),
                &b.key,
                &b.vendor,
                &b.entity,
            ))
        });
    }
    (rows, unmatched)
}

/// Up to three registry spellings close to `name`: equal ignoring punctuation and spacing,
/// else containing it (or contained in it) that way.
fn near_names(name: &str, records: &[Record]) -> Vec<String> {
    let want = loose(name);
    if want.is_empty() {
        return Vec::new();
    }
    let mut equal = BTreeSet::new();
    let mut containing = BTreeSet::new();
    for r in records {
        let have = loose(&r.organization);
        if have == want {
            equal.insert(r.organization.trim().to_owned());
        } else if want.chars().count() >= 4
            && (have.contains(&want) || (have.chars().count() >= 4 && want.contains(&have)))
        {
            containing.insert(r.organization.trim().to_owned());
        }
    }
    let pool = if equal.is_empty() { containing } else { equal };
    pool.into_iter().take(3).collect()
}

/// Renders one table with its provenance header.
fn render(kind: RegistryKind, registry: &Registry, rows: &[Row]) -> String {
    let mut out = String::new();
    let file = kind.file_name();
    let _ = writeln!(
        out,
        "# {file}: {} of the catalog's vendors.",
        registry_title(kind)
    );
    let _ = writeln!(
        out,
        "# Generated by `cargo xtask gen-registry` from the `registry.{}` names in catalog/vendors/*.toml; do not edit.",
        field(kind)
    );
    let _ = writeln!(out, "# Registry: {}", registry.licence);
    for input in &registry.inputs {
        let _ = writeln!(
            out,
            "# Input: {} {} snapshot {}",
            input.path, input.sha256, input.snapshot
        );
    }
    let _ = writeln!(
        out,
        "# Columns: key, vendor, entity, organization ({} entries)",
        rows.len()
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}",
            r.key, r.vendor, r.entity, r.organization
        );
    }
    out
}

/// Warnings for a name listed more than once for the same registry (its keys would be
/// attributed twice).
fn duplicate_warnings(kind: RegistryKind, listed: &[Listed]) -> Vec<String> {
    let mut seen: BTreeMap<String, Vec<&Listed>> = BTreeMap::new();
    for l in listed {
        seen.entry(normalise(&l.name)).or_default().push(l);
    }
    seen.values()
        .filter(|ls| ls.len() > 1)
        .map(|ls| {
            let places: Vec<String> = ls.iter().map(|l| describe_owner(l)).collect();
            format!(
                "registry.{} name `{}` is listed {} times: {}",
                field(kind),
                ls[0].name,
                ls.len(),
                places.join(", ")
            )
        })
        .collect()
}

fn describe_owner(l: &Listed) -> String {
    match &l.entity {
        Some(e) => format!("vendors/{}.toml (entity `{e}`)", l.vendor),
        None => format!("vendors/{}.toml", l.vendor),
    }
}

/// Builds every table from the catalog and the registries (given in the order oui, usb, pci, iana).
pub(crate) fn generate(catalog: &Catalog, registries: &[(RegistryKind, Registry)]) -> Output {
    let mut output = Output::default();
    for (kind, registry) in registries {
        let listed = listed_names(catalog, *kind);
        let (rows, unmatched) = match_names(*kind, &listed, &registry.records);
        let mut counts = BTreeMap::new();
        for r in &rows {
            *counts.entry(r.vendor.clone()).or_insert(0) += 1;
        }
        output
            .files
            .push((kind.file_name(), render(*kind, registry, &rows)));
        output.counts.push((kind.file_name(), counts));
        output.unmatched.extend(unmatched);
        output.warnings.extend(duplicate_warnings(*kind, &listed));
    }
    output
}

/// A one-paragraph account of how `actual` (on disk) differs from `expected`, or `None`.
pub(crate) fn diff_summary(file: &str, expected: &str, actual: Option<&str>) -> Option<String> {
    let Some(actual) = actual else {
        return Some(format!(
            "generated/{file}: missing (run `cargo xtask gen-registry`)"
        ));
    };
    if actual == expected {
        return None;
    }
    let split = |text: &str| -> (Vec<String>, BTreeSet<String>) {
        let mut header = Vec::new();
        let mut rows = BTreeSet::new();
        for line in text.lines() {
            if line.starts_with('#') {
                header.push(line.to_owned());
            } else if !line.trim().is_empty() {
                rows.insert(line.to_owned());
            }
        }
        (header, rows)
    };
    let (want_header, want_rows) = split(expected);
    let (have_header, have_rows) = split(actual);
    let added: Vec<&String> = want_rows.difference(&have_rows).collect();
    let removed: Vec<&String> = have_rows.difference(&want_rows).collect();
    let mut out = format!(
        "generated/{file}: out of date: {} entries to add, {} to remove{}",
        added.len(),
        removed.len(),
        if want_header == have_header {
            ""
        } else {
            ", header changed"
        }
    );
    const SHOWN: usize = 10;
    for (sign, lines) in [("+", &added), ("-", &removed)] {
        for line in lines.iter().take(SHOWN) {
            let _ = write!(out, "\n  {sign} {line}");
        }
        if lines.len() > SHOWN {
            let _ = write!(out, "\n  {sign} … and {} more", lines.len() - SHOWN);
        }
    }
    if want_header != have_header {
        for line in have_header.iter().filter(|l| !want_header.contains(l)) {
            let _ = write!(out, "\n  - {line}");
        }
        for line in want_header.iter().filter(|l| !have_header.contains(l)) {
            let _ = write!(out, "\n  + {line}");
        }
    }
    if added.is_empty() && removed.is_empty() && want_header == have_header {
        out.push_str(" (ordering or blank lines differ)");
    }
    Some(out)
}

/// The message for a listed name that matches nothing.
pub(crate) fn unmatched_message(u: &Unmatched) -> String {
    let mut msg = format!(
        "{}: registry.{} name `{}` matches no entry in the {}",
        describe_owner(&u.listed),
        field(u.kind),
        u.listed.name,
        registry_title(u.kind)
    );
    if !u.near.is_empty() {
        let near: Vec<String> = u.near.iter().map(|n| format!("`{n}`")).collect();
        let _ = write!(msg, "; similar registry names: {}", near.join(", "));
    }
    msg
}

/// The repository's catalog directory.
pub(crate) fn default_catalog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog")
}

/// Loads the catalog and reads every registry.
pub(crate) fn build(args: &Args) -> Result<Output> {
    let dir = args.catalog.clone().unwrap_or_else(default_catalog_dir);
    let catalog = Catalog::load_dir(&dir).map_err(|e| {
        let only_generated = e.problems.iter().all(|(f, _, _)| f.starts_with("generated/"));
        let hint = if only_generated {
            "\n\nhint: only the generated tables are broken; delete them and run `cargo xtask gen-registry` again"
        } else {
            ""
        };
        anyhow::anyhow!("cannot load the catalog at `{}`:\n{e}{hint}", dir.display())
    })?;
    let registries = vec![
        (RegistryKind::Oui, sources::read_ieee(&args.ieee_dir)?),
        (
            RegistryKind::Usb,
            sources::read_ids(
                &args.usb_ids,
                "The Linux USB ID Repository, http://www.linux-usb.org/usb-ids.html (GPL-2.0-or-later or BSD-3-Clause)",
            )?,
        ),
        (
            RegistryKind::Pci,
            sources::read_ids(
                &args.pci_ids,
                "The PCI ID Repository, https://pci-ids.ucw.cz/ (GPL-2.0-or-later or BSD-3-Clause)",
            )?,
        ),
        (RegistryKind::Iana, sources::read_iana(&args.iana)?),
    ];
    Ok(generate(&catalog, &registries))
}

/// Compares `output` with the tables in `<catalog>/generated`; one summary per differing file.
pub(crate) fn stale_files(catalog_dir: &Path, output: &Output) -> Result<Vec<String>> {
    let mut diffs = Vec::new();
    for (file, expected) in &output.files {
        let path = catalog_dir.join("generated").join(file);
        let actual = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        };
        diffs.extend(diff_summary(file, expected, actual.as_deref()));
    }
    Ok(diffs)
}

/// Runs the task; returns whether it succeeded (under `--check`: nothing stale, nothing unmatched).
pub(crate) fn run(args: &Args) -> Result<bool> {
    let dir = args.catalog.clone().unwrap_or_else(default_catalog_dir);
    let output = build(args)?;
    for w in &output.warnings {
        eprintln!("warning: {w}");
    }
    for u in &output.unmatched {
        eprintln!("warning: {}", unmatched_message(u));
    }
    if args.check {
        let stale = stale_files(&dir, &output)?;
        for s in &stale {
            eprintln!("{s}");
        }
        let ok = stale.is_empty() && output.unmatched.is_empty();
        if ok {
            eprintln!("catalog/generated is up to date");
        } else {
            eprintln!(
                "gen-registry --check failed: {} stale table(s), {} listed name(s) matching nothing",
                stale.len(),
                output.unmatched.len()
            );
        }
        return Ok(ok);
    }
    let generated = dir.join("generated");
    std::fs::create_dir_all(&generated)
        .with_context(|| format!("cannot create `{}`", generated.display()))?;
    for ((file, text), (_, counts)) in output.files.iter().zip(&output.counts) {
        let path = generated.join(file);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == *text);
        if !unchanged {
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        let per_vendor: Vec<String> = counts.iter().map(|(v, n)| format!("{v} {n}")).collect();
        let total: usize = counts.values().sum();
        println!(
            "{}: {total} entries{}{}",
            path.display(),
            if per_vendor.is_empty() {
                String::new()
            } else {
                format!(" ({})", per_vendor.join(", "))
            },
            if unchanged {
                ", unchanged"
            } else {
                ", written"
            }
        );
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
