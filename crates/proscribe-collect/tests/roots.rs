//! Mounted filesystem roots (fixtures/roots): the driver finds each database at its root path.

mod common;

use common::{by_name, fixture, ident};
use proscribe_collect::{collect, Options, Target};
use proscribe_model::IdentifierKind;

/// A Debian root: the dpkg status is collected and the host is described from etc/.
#[test]
fn debian_root() {
    let root = fixture("roots/debian");
    let inv = collect(&[Target::Path(root.clone())], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.targets.len(), 1);
    assert_eq!(inv.targets[0].format, "dpkg");
    assert_eq!(inv.items.len(), 46);
    let host = inv.host.expect("a root describes its host");
    assert_eq!(host.os.as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
    assert_eq!(host.hostname.as_deref(), Some("debian-fixture"));
    let kesl = by_name(&inv.items, "kesl");
    assert_eq!(kesl.location.target, root.display().to_string());
    assert_eq!(
        kesl.location.path,
        root.join("var/lib/dpkg/status").display().to_string()
    );
    assert_eq!(
        ident(kesl, IdentifierKind::Purl),
        "pkg:deb/debian/kesl@12.1.0.1297?arch=amd64"
    );
}

/// An Alpine root: the apk installed database is collected.
#[test]
fn alpine_root() {
    let inv = collect(&[Target::Path(fixture("roots/alpine"))], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(
        inv.targets
            .iter()
            .map(|t| t.format.as_str())
            .collect::<Vec<_>>(),
        ["apk"]
    );
    assert_eq!(inv.items.len(), 8);
    assert_eq!(
        inv.host.and_then(|h| h.os).as_deref(),
        Some("Alpine Linux v3.14")
    );
}

/// An Arch root: the pacman local database directory is collected.
#[test]
fn arch_root() {
    let inv = collect(&[Target::Path(fixture("roots/arch"))], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(
        inv.targets
            .iter()
            .map(|t| t.format.as_str())
            .collect::<Vec<_>>(),
        ["pacman"]
    );
    assert_eq!(inv.items.len(), 4);
    assert_eq!(inv.host.and_then(|h| h.os).as_deref(), Some("Arch Linux"));
}

/// All three roots in one run: items add up and nothing is read twice.
#[test]
fn three_roots_at_once() {
    let targets: Vec<Target> = ["roots/debian", "roots/alpine", "roots/arch"]
        .iter()
        .map(|r| Target::Path(fixture(r)))
        .collect();
    let inv = collect(&targets, Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), 46 + 8 + 4);
    assert_eq!(inv.targets.len(), 3);
}
