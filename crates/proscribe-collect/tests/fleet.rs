//! The Fleet importer on the example responses of Fleet's REST API reference.

mod common;

use common::{by_name, fixture, ident, run, sniff};
use proscribe_collect::import::fleet::Fleet;
use proscribe_collect::Confidence;
use proscribe_model::{IdentifierKind, ItemKind};

/// `software/titles`: one item per version, kind from `source`.
#[test]
fn titles() {
    let (items, r) = run(&Fleet, &fixture("fleet/software_titles.json"));
    r.unwrap();
    assert_eq!(items.len(), 3 + 4 + 1);
    let firefox: Vec<_> = items.iter().filter(|i| i.name == "Firefox.app").collect();
    let versions: Vec<_> = firefox
        .iter()
        .map(|i| i.version.as_deref().unwrap())
        .collect();
    assert_eq!(versions, ["1.12", "3.4", "1.13"]);
    assert_eq!(firefox[0].kind, ItemKind::Application);
    assert_eq!(firefox[0].attrs["hosts-count"], "48");
    let ext = by_name(&items, "1Password – Password Manager");
    assert_eq!(ext.kind, ItemKind::BrowserExtension);
    assert_eq!(ext.attrs["browser"], "chrome");
}

/// `software/versions`: rpm release, vendor, CPE and extension id.
#[test]
fn versions() {
    let (items, r) = run(&Fleet, &fixture("fleet/software_versions.json"));
    r.unwrap();
    let glibc = by_name(&items, "glibc");
    assert_eq!(glibc.version.as_deref(), Some("2.12-1.212.el6"));
    assert_eq!(glibc.publisher.as_deref(), Some("CentOS"));
    assert_eq!(
        ident(glibc, IdentifierKind::Cpe),
        "cpe:2.3:a:gnu:glibc:2.12:*:*:*:*:*:*:*"
    );
    assert_eq!(
        glibc
            .identifiers_of(IdentifierKind::Package)
            .next()
            .unwrap()
            .ecosystem
            .as_deref(),
        Some("rpm")
    );
    let ext = by_name(&items, "1Password – Password Manager");
    assert_eq!(
        ident(ext, IdentifierKind::ExtensionId),
        "aeblfdkhhhdcdjpifhhbdiojplfjncoa"
    );
}

/// `hosts/:id/software`: installed versions with their paths; an entry with no installed
/// version (pending uninstall) still names the software.
#[test]
fn host_software() {
    let (items, r) = run(&Fleet, &fixture("fleet/host_software.json"));
    r.unwrap();
    assert_eq!(items.len(), 3);
    let chrome = by_name(&items, "Google Chrome.app");
    assert_eq!(chrome.version.as_deref(), Some("121.0"));
    assert_eq!(
        chrome.attrs["installed-path"],
        "/Applications/Google Chrome.app"
    );
    assert_eq!(by_name(&items, "Falcon.app").version, None);
    assert!(chrome
        .location
        .detail
        .as_deref()
        .unwrap()
        .starts_with("line "));
}

/// Sniffing tells Fleet responses from other JSON; a JSON object without software lists
/// is an error, and so is a cut file (keeping what was read).
#[test]
fn sniff_and_bad_input() {
    for rel in [
        "fleet/software_titles.json",
        "fleet/software_versions.json",
        "fleet/host_software.json",
    ] {
        assert_eq!(
            sniff(&Fleet, &fixture(rel)),
            Some(Confidence::High),
            "{rel}"
        );
    }
    assert_eq!(sniff(&Fleet, &fixture("osquery/deb_packages.json")), None);
    assert_eq!(
        sniff(&Fleet, &fixture("osquery/osqueryd.results.log")),
        None
    );
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(&other, br#"{"hosts": [{"id": 1}]}"#).unwrap();
    let (items, r) = run(&Fleet, &other);
    assert!(items.is_empty());
    assert_eq!(
        r.unwrap_err().to_string(),
        "no `software_titles`, `software` or `software_title` key: not a Fleet software export"
    );
    let full = std::fs::read(fixture("fleet/software_titles.json")).unwrap();
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, &full[..full.len() * 2 / 3]).unwrap();
    let (items, r) = run(&Fleet, &cut);
    assert!(!items.is_empty());
    assert!(r
        .unwrap_err()
        .to_string()
        .contains("file ends in the middle of the JSON"));
}
