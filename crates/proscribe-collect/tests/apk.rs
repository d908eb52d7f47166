//! The apk collector on an installed database (fixtures/apk, see its PROVENANCE).

mod common;

use common::{by_name, fixture, ident, run, sniff};
use proscribe_collect::linux::apk::Apk;
use proscribe_collect::{collect, registry, Confidence, Options, Target};
use proscribe_model::{Identifier, IdentifierKind, ItemKind};

/// Every entry, in file order, with the line its paragraph starts on.
const ENTRIES: &[(&str, usize)] = &[
    ("musl", 1),
    ("busybox", 20),
    ("alpine-baselayout", 43),
    ("zlib", 66),
    ("libcrypto1.1", 86),
    ("apk-tools", 104),
    ("aztec-tools", 122),
    ("kesla", 137),
];

/// Eight package items, in order, with their paragraph's first line as location.
#[test]
fn every_entry_is_an_item() {
    let (items, result) = run(&Apk, &fixture("apk/installed"));
    result.expect("the fixture is a valid installed database");
    let got: Vec<(&str, usize)> = items
        .iter()
        .map(|i| {
            let line = i
                .location
                .detail
                .as_deref()
                .and_then(|d| d.strip_prefix("line "))
                .unwrap();
            (i.name.as_str(), line.parse().unwrap())
        })
        .collect();
    assert_eq!(got, ENTRIES);
    assert!(items
        .iter()
        .all(|i| i.kind == ItemKind::Package && i.location.collector == "apk"));
}

/// A real entry: version, maintainer without e-mail (non-ASCII kept), origin, license, purl.
#[test]
fn musl_fields() {
    let (items, _) = run(&Apk, &fixture("apk/installed"));
    let musl = by_name(&items, "musl");
    assert_eq!(musl.version.as_deref(), Some("1.2.2-r3"));
    assert_eq!(musl.publisher.as_deref(), Some("Timo Teräs"));
    assert_eq!(musl.attrs["maintainer"], "Timo Teräs <timo.teras@iki.fi>");
    assert_eq!(musl.attrs["origin"], "musl");
    assert_eq!(musl.attrs["license"], "MIT");
    assert_eq!(musl.attrs["architecture"], "armv7");
    assert_eq!(musl.attrs["url"], "https://musl.libc.org/");
    assert_eq!(
        musl.identifiers,
        vec![
            Identifier::package("apk", "musl"),
            Identifier::new(
                IdentifierKind::Purl,
                "pkg:apk/alpine/musl@1.2.2-r3?arch=armv7"
            ),
        ]
    );
}

/// A subpackage keeps its origin (the source package) apart from its name.
#[test]
fn origin_of_subpackage() {
    let (items, _) = run(&Apk, &fixture("apk/installed"));
    let crypto = by_name(&items, "libcrypto1.1");
    assert_eq!(crypto.attrs["origin"], "openssl");
    assert_eq!(
        ident(crypto, IdentifierKind::Purl),
        "pkg:apk/alpine/libcrypto1.1@1.1.1k-r0?arch=armv7"
    );
    assert_eq!(crypto.publisher.as_deref(), Some("Timo Teras"));
}

/// The description (which mentions Kaspersky in the near-miss entry) is never kept.
#[test]
fn descriptions_are_not_kept() {
    let (items, _) = run(&Apk, &fixture("apk/installed"));
    let json = serde_json::to_string(by_name(&items, "aztec-tools")).unwrap();
    assert!(!json.contains("Kaspersky"), "{json}");
}

/// The database is recognised by apk alone, with high confidence, also through the driver.
#[test]
fn sniffing() {
    let path = fixture("apk/installed");
    for c in registry::COLLECTORS {
        let expected = (c.name() == "apk").then_some(Confidence::High);
        assert_eq!(sniff(*c, &path), expected, "collector {}", c.name());
    }
    let inv = collect(&[Target::Path(path)], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.targets.len(), 1);
    assert_eq!(
        (inv.targets[0].format.as_str(), inv.targets[0].items),
        ("apk", ENTRIES.len())
    );
}

/// An entry without a name is reported with its line; its neighbours are kept.
#[test]
fn entry_without_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("installed");
    std::fs::write(&path, "P:a\nV:1-r0\n\nV:2-r0\nA:x86_64\n\nP:b\nV:3-r0\n").unwrap();
    let (items, result) = run(&Apk, &path);
    assert_eq!(
        items.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(
        result.unwrap_err().to_string(),
        "line 4: package entry has no `P:` (name) field"
    );
}
