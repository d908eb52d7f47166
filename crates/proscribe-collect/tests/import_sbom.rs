//! SPDX, Trivy and Syft import on real producers' output (fixtures/{spdx,trivy,syft}),
//! checked against the dpkg collector on the same status file, plus the shared bad-input
//! cases of the JSON and XML importers.

mod common;

use std::collections::BTreeSet;

use common::{by_name, fixture, ident, run, sniff};
use proscribe_collect::import::{spdx::Spdx, syft::Syft, trivy::Trivy};
use proscribe_collect::{collect, registry, Collector, Confidence, Options, Target};
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind};

fn items(c: &dyn Collector, rel: &str) -> Vec<Item> {
    let (items, r) = run(c, &fixture(rel));
    r.unwrap_or_else(|e| panic!("{rel}: {e}"));
    items
}

/// (name, version) of the dpkg fixture's installed packages: what Trivy lists (it leaves
/// out `config-files` packages).
fn dpkg_installed() -> BTreeSet<(String, Option<String>)> {
    let (items, r) = run(registry::by_name("dpkg").unwrap(), &fixture("dpkg/status"));
    r.unwrap();
    items
        .into_iter()
        .filter(|i| i.attrs["status"].ends_with(" installed"))
        .map(|i| (i.name, i.version))
        .collect()
}

fn deb_set(items: &[Item]) -> BTreeSet<(String, Option<String>)> {
    items
        .iter()
        .filter(|i| {
            i.identifiers.iter().any(|id| {
                id.kind == IdentifierKind::Package && id.ecosystem.as_deref() == Some("deb")
            })
        })
        .map(|i| (i.name.clone(), i.version.clone()))
        .collect()
}

/// Each fixture is sniffed by its own collector, surer than by any other.
#[test]
fn sniffed_by_content() {
    for (rel, name) in [
        ("spdx/trivy-dpkg.spdx.json", "spdx"),
        ("spdx/trivy-dpkg.spdx", "spdx"),
        ("trivy/dpkg.trivy.json", "trivy"),
        ("syft/derived.syft.json", "syft"),
    ] {
        let path = fixture(rel);
        let mine = sniff(registry::by_name(name).unwrap(), &path);
        assert_eq!(mine, Some(Confidence::High), "{rel}");
        for c in registry::COLLECTORS {
            if c.name() != name {
                assert!(
                    sniff(*c, &path) < mine,
                    "{rel} also sniffed by {}",
                    c.name()
                );
            }
        }
        let inv = collect(&[Target::Path(path.clone())], Options::default());
        assert_eq!(inv.targets[0].format, name, "{rel}");
        assert!(inv.errors.is_empty(), "{rel}: {:?}", inv.errors);
    }
}

/// Trivy's SPDX JSON and tag-value and its own JSON list the dpkg fixture's installed
/// packages with the versions dpkg shows.
#[test]
fn trivy_outputs_match_dpkg() {
    let want = dpkg_installed();
    assert_eq!(want.len(), 45);
    for (c, rel) in [
        (&Spdx as &dyn Collector, "spdx/trivy-dpkg.spdx.json"),
        (&Spdx, "spdx/trivy-dpkg.spdx"),
        (&Trivy, "trivy/dpkg.trivy.json"),
    ] {
        let items = items(c, rel);
        assert_eq!(deb_set(&items), want, "{rel}");
        let kesl = by_name(&items, "kesl");
        assert_eq!(kesl.kind, ItemKind::Package, "{rel}");
        assert!(
            kesl.identifiers
                .contains(&Identifier::package("deb", "kesl")),
            "{rel}"
        );
        assert_eq!(
            kesl.publisher.as_deref(),
            Some("Proscribe Fixtures"),
            "{rel}"
        );
    }
}

/// SPDX details: supplier prefix removed, purl and purpose, package paths or lines.
#[test]
fn spdx_fields() {
    let json = items(&Spdx, "spdx/trivy-dpkg.spdx.json");
    let tv = items(&Spdx, "spdx/trivy-dpkg.spdx");
    type Key = (
        String,
        Option<String>,
        Option<String>,
        Vec<Identifier>,
        ItemKind,
    );
    let strip = |items: &[Item]| -> Vec<Key> {
        let mut v: Vec<_> = items
            .iter()
            .map(|i| {
                (
                    i.name.clone(),
                    i.version.clone(),
                    i.publisher.clone(),
                    i.identifiers.clone(),
                    i.kind,
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(strip(&json), strip(&tv), "JSON and tag-value agree");
    let kesl = by_name(&json, "kesl");
    assert_eq!(
        kesl.attrs["supplier"],
        "Organization: Proscribe Fixtures <fixtures@example.invalid>"
    );
    assert!(
        ident(kesl, IdentifierKind::Purl).starts_with("pkg:deb/debian/kesl@12.1.0.1297?arch=amd64")
    );
    assert!(kesl
        .location
        .detail
        .as_deref()
        .unwrap()
        .starts_with("packages["));
    let kesl_tv = by_name(&tv, "kesl");
    assert!(kesl_tv
        .location
        .detail
        .as_deref()
        .unwrap()
        .starts_with("line "));
    let os = by_name(&json, "debian");
    assert_eq!(
        (os.kind, os.attrs["type"].as_str()),
        (ItemKind::Component, "operating-system")
    );
}

/// Trivy JSON: version rebuilt from Epoch/Version/Release, OS package id from the
/// result's Type, attributes kept.
#[test]
fn trivy_fields() {
    let items = items(&Trivy, "trivy/dpkg.trivy.json");
    let k = by_name(&items, "klnagent64");
    assert_eq!(k.version.as_deref(), Some("15.0.0-12912"));
    assert!(k
        .location
        .detail
        .as_deref()
        .unwrap()
        .starts_with("Results[0].Packages["));
    assert_eq!(k.attrs["class"], "os-pkgs");
    assert_eq!(k.attrs["type"], "debian");
    assert_eq!(k.identifiers, [Identifier::package("deb", "klnagent64")]);
}

/// Syft JSON (a fixture in the exact layout of Syft's own golden files): purls, both
/// CPE forms, publisher from each metadata shape, epoch kept.
#[test]
fn syft_fields() {
    let items = items(&Syft, "syft/derived.syft.json");
    assert_eq!(items.len(), 4);
    let kesl = by_name(&items, "kesl");
    assert!(kesl
        .identifiers
        .contains(&Identifier::package("deb", "kesl")));
    assert_eq!(kesl.publisher.as_deref(), Some("Proscribe Fixtures"));
    assert_eq!(
        ident(kesl, IdentifierKind::Cpe),
        "cpe:2.3:a:kesl:kesl:12.1.0.1297:*:*:*:*:*:*:*"
    );
    assert_eq!(kesl.attrs["found-by"], "dpkg-db-cataloger");
    assert_eq!(kesl.location.detail.as_deref(), Some("artifacts[0]"));
    let bsd = by_name(&items, "bsdutils");
    assert_eq!(bsd.version.as_deref(), Some("1:2.38.1-5+deb12u3"));
    let req = by_name(&items, "requests");
    assert_eq!(req.publisher.as_deref(), Some("Kenneth Reitz"));
    assert_eq!(
        ident(req, IdentifierKind::Cpe),
        "cpe:2.3:a:python-requests:requests:2.31.0:*:*:*:*:python:*:*"
    );
    assert_eq!(
        req.identifiers_of(IdentifierKind::Package).count(),
        0,
        "pypi is not an OS package"
    );
}

/// A file of one format forced through another importer: a clear error, nothing found.
#[test]
fn wrong_format_forced() {
    let cases = [
        (
            "spdx/trivy-dpkg.spdx.json",
            "cyclonedx",
            "no `bomFormat` member: not a CycloneDX JSON BOM",
        ),
        (
            "cyclonedx/trivy-dpkg.cdx.json",
            "spdx",
            "no `spdxVersion` member: not an SPDX JSON document",
        ),
        (
            "cyclonedx/trivy-dpkg.cdx.json",
            "trivy",
            "no `SchemaVersion` member: not a Trivy JSON report",
        ),
        (
            "trivy/dpkg.trivy.json",
            "syft",
            "no `descriptor` naming syft: not a Syft JSON document",
        ),
        (
            "dpkg/status",
            "cyclonedx",
            "invalid JSON: expected value at line 1 column 1",
        ),
        (
            "dpkg/status",
            "spdx",
            "no `SPDXVersion` tag: not an SPDX tag-value document",
        ),
        (
            "cyclonedx/inventory-1.6.xml",
            "trivy",
            "invalid JSON: expected value at line 1 column 1",
        ),
    ];
    for (rel, forced, want) in cases {
        let c = registry::by_name(forced).unwrap();
        let inv = collect(
            &[Target::Path(fixture(rel))],
            Options {
                forced: Some(c),
                ..Options::default()
            },
        );
        assert_eq!(inv.errors.len(), 1, "{rel} as {forced}");
        let reason = &inv.errors[0].reason;
        assert!(
            reason.starts_with(&format!("{forced}: {want}")),
            "{rel} as {forced}: {reason}"
        );
    }
}
