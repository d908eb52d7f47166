//! `proscribe catalog lint`: the rules of the catalog contract.
//!
//! Parsing already rejects unknown keys and malformed TOML (see [`crate::LoadError`]); this
//! pass checks what serde cannot: sources, ids, references, regexes, dates, deadlines, and
//! that registry-derived values are never typed by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use proscribe_model::IdentifierKind;
use toml::value::Datetime;

use crate::schema::{Alias, Entity, MatchKind, Signature, Vendor};
use crate::Catalog;

/// One problem found by the linter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `missing-source`.
    pub code: &'static str,
    /// The file the problem is in, relative to the catalog root.
    pub file: String,
    /// What is wrong, naming the offending value.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}: {}", self.code, self.file, self.message)
    }
}

/// Every lint code with its description, for docs and `--explain`.
pub const CODES: &[(&str, &str)] = &[
    (
        "missing-source",
        "a signature, alias, entity or act has no source",
    ),
    (
        "bad-source",
        "a source is neither an http(s) URL nor a registry reference",
    ),
    ("bad-id", "an id is not kebab-case"),
    ("duplicate-id", "two products or vendors share an id"),
    (
        "unknown-act",
        "a vendor or product refers to an act that does not exist",
    ),
    (
        "unknown-field",
        "a signature names a field items do not have",
    ),
    ("bad-regex", "a regex signature does not compile"),
    ("bad-date", "a date is not a plain calendar date"),
    ("bad-deadline", "a deadline is not of the form `<days>d`"),
    (
        "hand-typed-registry-value",
        "a MAC, USB, PCI or enterprise number typed by hand instead of generated",
    ),
    (
        "empty-value",
        "a name, alias or signature value is empty or has no words",
    ),
    (
        "unknown-vendor",
        "a generated table names a vendor the catalog does not have",
    ),
];

const REGISTRY_REFERENCES: &[&str] = &["ieee-oui", "usb.ids", "pci.ids", "iana-pen"];

/// Checks a loaded catalog and returns every problem found (empty when clean).
pub fn lint(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (id, act) in &catalog.acts {
        let file = format!("acts/{id}.toml");
        let mut d = |code, message: String| {
            diags.push(Diagnostic {
                code,
                file: file.clone(),
                message,
            })
        };
        if !is_kebab(id) {
            d("bad-id", format!("act id `{id}` is not kebab-case"));
        }
        check_source(&act.url, "act url", &mut d);
        for s in &act.sources {
            check_source(s, "act source", &mut d);
        }
        if act.quote.trim().is_empty() {
            d("missing-source", "act has an empty `quote`".into());
        }
        check_date(&act.date, "date", &mut d);
        if let Some(e) = &act.effective {
            check_date(e, "effective", &mut d);
        }
        if let Some(dl) = &act.deadlines {
            for (name, v) in [
                ("identify", &dl.identify),
                ("plan", &dl.plan),
                ("remove", &dl.remove),
            ] {
                if let Some(v) = v {
                    if parse_days(v).is_none() {
                        d(
                            "bad-deadline",
                            format!("deadline `{name} = \"{v}\"` is not `<days>d`"),
                        );
                    }
                }
            }
        }
    }
    let mut product_ids = BTreeMap::<&str, &str>::new();
    let mut vendor_ids = BTreeSet::new();
    for vendor in &catalog.vendors {
        let file = format!("vendors/{}.toml", vendor.id);
        let mut d = |code, message: String| {
            diags.push(Diagnostic {
                code,
                file: file.clone(),
                message,
            })
        };
        if !vendor_ids.insert(vendor.id.as_str()) {
            d(
                "duplicate-id",
                format!("vendor id `{}` appears twice", vendor.id),
            );
        }
        lint_vendor(catalog, vendor, &mut product_ids, &mut d);
    }
    for kind in [
        crate::RegistryKind::Oui,
        crate::RegistryKind::Usb,
        crate::RegistryKind::Pci,
        crate::RegistryKind::Iana,
    ] {
        for e in catalog.generated.entries(kind) {
            if !vendor_ids.contains(e.vendor.as_str()) {
                diags.push(Diagnostic {
                    code: "unknown-vendor",
                    file: format!("generated/{}", kind.file_name()),
                    message: format!("entry `{}` names unknown vendor `{}`", e.key, e.vendor),
                });
            }
        }
    }
    diags
}

fn lint_vendor<'a>(
    catalog: &Catalog,
    vendor: &'a Vendor,
    product_ids: &mut BTreeMap<&'a str, &'a str>,
    d: &mut impl FnMut(&'static str, String),
) {
    if !is_kebab(&vendor.id) {
        d(
            "bad-id",
            format!("vendor id `{}` is not kebab-case", vendor.id),
        );
    }
    if vendor.name.trim().is_empty() {
        d("empty-value", "vendor `name` is empty".into());
    }
    if vendor.sources.is_empty() {
        d(
            "missing-source",
            format!("vendor `{}` has no `sources`", vendor.id),
        );
    }
    for s in &vendor.sources {
        check_source(s, "vendor source", d);
    }
    check_aliases(
        &vendor.aliases,
        !vendor.sources.is_empty(),
        &format!("vendor `{}`", vendor.id),
        d,
    );
    for r in &vendor.acts {
        if !catalog.acts.contains_key(&r.id) {
            d(
                "unknown-act",
                format!("vendor `{}` refers to unknown act `{}`", vendor.id, r.id),
            );
        }
    }
    for (what, list) in [
        ("subsidiary", &vendor.subsidiaries),
        ("brand", &vendor.brands),
    ] {
        for e in list {
            lint_entity(e, what, d);
        }
    }
    for (i, sig) in vendor.signatures.iter().enumerate() {
        lint_signature(sig, &format!("{}#vendor{i}", vendor.id), d);
    }
    for product in &vendor.products {
        if !is_kebab(&product.id) {
            d(
                "bad-id",
                format!("product id `{}` is not kebab-case", product.id),
            );
        }
        if let Some(other) = product_ids.insert(&product.id, &vendor.id) {
            d(
                "duplicate-id",
                format!(
                    "product id `{}` is also used by vendor `{other}`",
                    product.id
                ),
            );
        }
        for s in &product.sources {
            check_source(s, "product source", d);
        }
        for r in &product.acts {
            if !catalog.acts.contains_key(&r.id) {
                d(
                    "unknown-act",
                    format!("product `{}` refers to unknown act `{}`", product.id, r.id),
                );
            }
        }
        for (i, sig) in product.signatures.iter().enumerate() {
            lint_signature(sig, &format!("{}#{i}", product.id), d);
        }
    }
}

fn lint_entity(e: &Entity, what: &str, d: &mut impl FnMut(&'static str, String)) {
    if e.name.trim().is_empty() {
        d("empty-value", format!("a {what} has an empty name"));
    }
    check_source(&e.source, &format!("{what} `{}` source", e.name), d);
    check_aliases(&e.aliases, true, &format!("{what} `{}`", e.name), d);
    for (name, date) in [("since", &e.since), ("until", &e.until)] {
        if let Some(date) = date {
            check_date(date, &format!("{what} `{}` {name}", e.name), d);
        }
    }
}

fn check_aliases(
    aliases: &[Alias],
    covered: bool,
    owner: &str,
    d: &mut impl FnMut(&'static str, String),
) {
    for alias in aliases {
        if !has_word(alias.name()) {
            d(
                "empty-value",
                format!("{owner} has an alias without words: `{}`", alias.name()),
            );
        }
        match alias.source() {
            Some(s) => check_source(s, &format!("{owner} alias `{}`", alias.name()), d),
            None if !covered => {
                d(
                    "missing-source",
                    format!("{owner} alias `{}` has no source", alias.name()),
                );
            }
            None => {}
        }
    }
}

fn lint_signature(sig: &Signature, label: &str, d: &mut impl FnMut(&'static str, String)) {
    check_source(&sig.source, &format!("signature {label}"), d);
    if sig.value.trim().is_empty() {
        d(
            "empty-value",
            format!("signature {label} has an empty value"),
        );
    }
    let field_kind = IdentifierKind::parse(&sig.field);
    if sig.field != "name" && sig.field != "publisher" && field_kind.is_none() {
        d(
            "unknown-field",
            format!("signature {label} compares unknown field `{}`", sig.field),
        );
    }
    if matches!(
        field_kind,
        Some(
            IdentifierKind::Mac
                | IdentifierKind::Usb
                | IdentifierKind::Pci
                | IdentifierKind::SnmpObjectId
        )
    ) {
        d(
            "hand-typed-registry-value",
            format!(
                "signature {label} types a `{}` value by hand; list the organisation under `[registry]` and run `cargo xtask gen-registry`",
                sig.field
            ),
        );
    }
    match sig.match_kind {
        MatchKind::Regex => {
            if let Err(e) = regex::Regex::new(&sig.value) {
                let first = e.to_string().lines().last().unwrap_or_default().to_owned();
                d(
                    "bad-regex",
                    format!("signature {label} regex does not compile: {first}"),
                );
            }
        }
        MatchKind::Words => {
            if !has_word(&sig.value) {
                d(
                    "empty-value",
                    format!("signature {label} has no words to match"),
                );
            }
        }
        MatchKind::Exact | MatchKind::Prefix => {}
    }
}

fn check_source(s: &str, what: &str, d: &mut impl FnMut(&'static str, String)) {
    let s = s.trim();
    if s.is_empty() {
        d("missing-source", format!("{what} is empty"));
    } else if !(s.starts_with("https://")
        || s.starts_with("http://")
        || REGISTRY_REFERENCES.contains(&s))
        || s.contains(char::is_whitespace)
    {
        d(
            "bad-source",
            format!("{what} `{s}` is not an http(s) URL or a registry reference"),
        );
    }
}

fn check_date(date: &Datetime, what: &str, d: &mut impl FnMut(&'static str, String)) {
    if date.date.is_none() || date.time.is_some() || date.offset.is_some() {
        d(
            "bad-date",
            format!("`{what} = {date}` is not a plain date (YYYY-MM-DD)"),
        );
    }
}

/// Parses a deadline offset such as `30d` into days.
pub fn parse_days(s: &str) -> Option<u32> {
    s.strip_suffix('d')?.parse().ok()
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn has_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}
