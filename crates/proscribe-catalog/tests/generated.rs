//! The registry-derived tables agree with the vendor files they were generated from.
//!
//! `cargo xtask gen-registry --check` needs the registry files; this test needs only the catalog,
//! so it also runs where they are not installed: every row must belong to a name its vendor
//! (or that vendor's subsidiary or brand) still lists, and every table must say where it came from.

use std::path::Path;

use proscribe_catalog::{Catalog, Registry, RegistryKind};

const KINDS: [RegistryKind; 4] = [
    RegistryKind::Oui,
    RegistryKind::Usb,
    RegistryKind::Pci,
    RegistryKind::Iana,
];

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn names(registry: &Registry, kind: RegistryKind) -> &[String] {
    match kind {
        RegistryKind::Oui => &registry.ieee,
        RegistryKind::Usb => &registry.usb,
        RegistryKind::Pci => &registry.pci,
        RegistryKind::Iana => &registry.iana,
    }
}

/// Every way the generated tables disagree with the vendor files, one message each.
fn inconsistencies(catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    for kind in KINDS {
        let file = kind.file_name();
        let entries = catalog.generated.entries(kind);
        for e in entries {
            let Some(vendor) = catalog.vendor(&e.vendor) else {
                problems.push(format!(
                    "{file}: `{}` names unknown vendor `{}`",
                    e.key, e.vendor
                ));
                continue;
            };
            let registry = match &e.entity {
                None => Some(&vendor.registry),
                Some(entity) => vendor
                    .subsidiaries
                    .iter()
                    .chain(&vendor.brands)
                    .find(|s| &s.name == entity)
                    .map(|s| &s.registry),
            };
            let Some(registry) = registry else {
                problems.push(format!(
                    "{file}: `{}` names entity `{}` that vendor `{}` does not have",
                    e.key,
                    e.entity.as_deref().unwrap_or(""),
                    e.vendor
                ));
                continue;
            };
            let org = normalise(&e.organization);
            if !names(registry, kind).iter().any(|n| normalise(n) == org) {
                problems.push(format!(
                    "{file}: `{}` organisation `{}` is not listed by `{}`{} any more; run `cargo xtask gen-registry`",
                    e.key,
                    e.organization,
                    e.vendor,
                    e.entity.as_deref().map(|s| format!(" / `{s}`")).unwrap_or_default()
                ));
            }
        }
        for pair in entries.windows(2) {
            let order = |k: &str| {
                if kind == RegistryKind::Iana {
                    (k.len(), k.to_owned())
                } else {
                    (0, k.to_owned())
                }
            };
            let a = (order(&pair[0].key), &pair[0].vendor, &pair[0].entity);
            let b = (order(&pair[1].key), &pair[1].vendor, &pair[1].entity);
            if a >= b {
                problems.push(format!(
                    "{file}: `{}` and `{}` are duplicated or out of order",
                    pair[0].key, pair[1].key
                ));
            }
        }
    }
    for (file, header) in &catalog.generated.provenance {
        if !header
            .iter()
            .any(|l| l.contains("cargo xtask gen-registry"))
        {
            problems.push(format!("{file}: header does not say what generated it"));
        }
        if !header
            .iter()
            .any(|l| l.starts_with("Input: ") && l.contains("sha256:") && l.contains(" snapshot "))
        {
            problems.push(format!(
                "{file}: header has no `Input:` line with checksum and snapshot date"
            ));
        }
        if !header.iter().any(|l| {
            l.starts_with("Registry: ") && (l.contains("https://") || l.contains("http://"))
        }) {
            problems.push(format!("{file}: header does not name the registry's URL"));
        }
    }
    problems
}

/// The shipped tables match the shipped vendor files.
#[test]
fn builtin_generated_tables_match_vendor_registry_names() {
    let catalog = Catalog::builtin().expect("built-in catalog loads");
    let problems = inconsistencies(&catalog);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The check above notices a row whose name the vendor no longer lists, an unknown entity,
/// disorder, and a table without provenance.
#[test]
fn stale_rows_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "catalog.toml",
        "version = \"2026.01.01\"\nschema = 1\n",
    );
    write(
        dir.path(),
        "vendors/huawei.toml",
        "id = \"huawei\"\nname = \"Huawei\"\nsources = [\"https://www.huawei.com/\"]\n[registry]\nieee = [\"HUAWEI TECHNOLOGIES CO.,LTD\"]\n",
    );
    let header = "# Generated by `cargo xtask gen-registry`\n# Registry: IEEE, https://standards-oui.ieee.org/\n# Input: oui.csv sha256:00 snapshot 2022-08-27\n";
    write(
        dir.path(),
        "generated/oui.tsv",
        &format!("{header}30FBB8\thuawei\t\thuawei  technologies co.,ltd\n001882\thuawei\t\tHUAWEI TECHNOLOGIES CO.,LTD\n"),
    );
    let catalog = Catalog::load_dir(dir.path()).unwrap();
    let problems = inconsistencies(&catalog);
    assert_eq!(
        problems.len(),
        1,
        "only the ordering is wrong: {problems:?}"
    );
    assert!(problems[0].contains("out of order"));

    write(
        dir.path(),
        "generated/oui.tsv",
        &format!("{header}001882\thuawei\tHonor\tHUAWEI TECHNOLOGIES CO.,LTD\n30FBB8\thuawei\t\tHuawei Device Co., Ltd.\n"),
    );
    write(
        dir.path(),
        "generated/usb.tsv",
        "12d1\thuawei\t\tHUAWEI TECHNOLOGIES CO.,LTD\n",
    );
    let catalog = Catalog::load_dir(dir.path()).unwrap();
    let problems = inconsistencies(&catalog).join("\n");
    assert!(problems.contains("entity `Honor`"), "{problems}");
    assert!(
        problems.contains("`Huawei Device Co., Ltd.` is not listed"),
        "{problems}"
    );
    assert!(
        problems.contains("usb.tsv: `12d1` organisation"),
        "{problems}"
    );
    assert!(
        problems.contains("usb.tsv: header does not say what generated it"),
        "{problems}"
    );
}
