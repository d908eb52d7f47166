//! CycloneDX import on BOMs written by real producers: Trivy, cyclonedx-py and
//! cyclonedx-python-lib (fixtures/cyclonedx/PROVENANCE), in JSON and XML, 1.2 to 1.6.

mod common;

use common::{by_name, fixture, ident, run, sniff};
use proscribe_collect::import::cyclonedx::CycloneDx;
use proscribe_collect::{registry, Confidence};
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind};

fn items(rel: &str) -> Vec<Item> {
    let (items, r) = run(&CycloneDx, &fixture(rel));
    r.unwrap_or_else(|e| panic!("{rel}: {e}"));
    items
}

/// Every fixture is recognised by content, as CycloneDX and by nothing else more surely.
#[test]
fn sniffed_by_content() {
    for rel in [
        "cyclonedx/trivy-dpkg.cdx.json",
        "cyclonedx/cyclonedx-py-venv-1.2.json",
        "cyclonedx/cyclonedx-py-venv-1.2.xml",
        "cyclonedx/cyclonedx-py-venv-1.4.json",
        "cyclonedx/cyclonedx-py-venv-1.4.xml",
        "cyclonedx/cyclonedx-py-venv-1.6.json",
        "cyclonedx/cyclonedx-py-venv-1.6.xml",
        "cyclonedx/inventory-1.3.xml",
        "cyclonedx/inventory-1.5.json",
        "cyclonedx/inventory-1.6.json",
        "cyclonedx/inventory-1.6.xml",
        "cyclonedx/cdxgen-npm-1.7.json",
        "cyclonedx/cdx-hbom-1.7.json",
    ] {
        let path = fixture(rel);
        let mine = sniff(&CycloneDx, &path);
        assert!(mine >= Some(Confidence::Medium), "{rel}: {mine:?}");
        for c in registry::COLLECTORS {
            if c.name() != "cyclonedx" {
                assert!(
                    sniff(*c, &path) < mine,
                    "{rel} also sniffed by {}",
                    c.name()
                );
            }
        }
    }
    assert_eq!(sniff(&CycloneDx, &fixture("dpkg/status")), None);
}

/// Trivy's CycloneDX of the dpkg fixture: the same packages and versions as the dpkg
/// collector reads (installed ones; Trivy leaves out `config-files` packages), with
/// the epoch restored from the purl, and the OS package identifier from the purl.
#[test]
fn trivy_cyclonedx_matches_dpkg() {
    let items = items("cyclonedx/trivy-dpkg.cdx.json");
    let (dpkg, r) = run(registry::by_name("dpkg").unwrap(), &fixture("dpkg/status"));
    r.unwrap();
    let want: std::collections::BTreeSet<_> = dpkg
        .iter()
        .filter(|i| i.attrs["status"].ends_with(" installed"))
        .map(|i| (i.name.clone(), i.version.clone()))
        .collect();
    let got: std::collections::BTreeSet<_> = items
        .iter()
        .filter(|i| i.identifiers_of(IdentifierKind::Package).count() == 1)
        .map(|i| (i.name.clone(), i.version.clone()))
        .collect();
    assert_eq!(got, want);
    let kesl = by_name(&items, "kesl");
    assert_eq!(kesl.kind, ItemKind::Package);
    assert!(kesl
        .identifiers
        .contains(&Identifier::package("deb", "kesl")));
    assert!(ident(kesl, IdentifierKind::Purl).starts_with("pkg:deb/debian/kesl@12.1.0.1297"));
    assert_eq!(kesl.publisher.as_deref(), Some("Proscribe Fixtures"));
    assert_eq!(kesl.location.collector, "cyclonedx");
    assert!(kesl
        .location
        .detail
        .as_deref()
        .unwrap()
        .starts_with("components["));
    // The operating system and the scanned root are components too.
    let os = by_name(&items, "debian");
    assert_eq!(
        (os.kind, os.attrs["type"].as_str()),
        (ItemKind::Component, "operating-system")
    );
    assert_eq!(
        by_name(&items, "root").location.detail.as_deref(),
        Some("metadata.component")
    );
}

/// cyclonedx-py's BOM of a small venv, in every version and both encodings, gives the
/// same items.
#[test]
fn cyclonedx_py_versions_agree() {
    type Key = (String, Option<String>, Vec<Identifier>, Option<String>);
    let key = |items: Vec<Item>| -> Vec<Key> {
        items
            .into_iter()
            .map(|i| (i.name, i.version, i.identifiers, i.location.detail))
            .collect()
    };
    let base = key(items("cyclonedx/cyclonedx-py-venv-1.6.json"));
    let names: Vec<&str> = base.iter().map(|b| b.0.as_str()).collect();
    assert_eq!(names, ["idna", "pip", "setuptools", "six"]);
    assert_eq!(
        base[0].2,
        [Identifier::new(IdentifierKind::Purl, "pkg:pypi/idna@3.7")]
    );
    for v in ["1.2", "1.4", "1.6"] {
        for ext in ["json", "xml"] {
            let rel = format!("cyclonedx/cyclonedx-py-venv-{v}.{ext}");
            assert_eq!(key(items(&rel)), base, "{rel}");
        }
    }
}

/// The cyclonedx-python-lib inventory: devices with their manufacturer, firmware nested
/// in a device, SWID, CPE, hashes, authors and metadata.component, the same in JSON and
/// XML.
#[test]
fn inventory_fields() {
    let json = items("cyclonedx/inventory-1.6.json");
    let xml = items("cyclonedx/inventory-1.6.xml");
    // The same items; only their order differs (XML has metadata first, cyclonedx-py's
    // JSON sorts members so metadata comes after the components).
    let sorted = |items: &[Item]| {
        let mut v: Vec<_> = items
            .iter()
            .map(|i| {
                let mut i = i.clone();
                i.location.path.clear();
                i.location.target.clear();
                i
            })
            .collect();
        v.sort_by(|a, b| a.location.detail.cmp(&b.location.detail));
        v
    };
    assert_eq!(sorted(&json), sorted(&xml));
    let camera = by_name(&json, "DS-2CD2143G2-I");
    assert_eq!(camera.kind, ItemKind::Component);
    assert_eq!(camera.attrs["type"], "device");
    assert_eq!(
        camera.publisher.as_deref(),
        Some("Hangzhou Hikvision Digital Technology Co., Ltd."),
        "a device's maker is its manufacturer, not its distributor"
    );
    assert_eq!(
        camera.attrs["supplier"],
        "Example Security Distribution GmbH"
    );
    let fw = by_name(&json, "IPC firmware");
    assert_eq!(fw.attrs["type"], "firmware");
    assert!(fw
        .location
        .detail
        .as_deref()
        .unwrap()
        .ends_with("].components[0]"));
    let kes = by_name(&json, "Kaspersky Endpoint Security for Windows");
    assert_eq!(kes.kind, ItemKind::Application);
    assert_eq!(kes.publisher.as_deref(), Some("AO Kaspersky Lab"));
    assert_eq!(
        ident(kes, IdentifierKind::Cpe),
        "cpe:2.3:a:kaspersky:endpoint_security:12.3.0.493:*:*:*:*:windows:*:*"
    );
    assert_eq!(kes.attrs["swid-tag-id"], "example-kes-win-12.3.0.493");
    assert_eq!(
        by_name(&json, "TikTok").publisher.as_deref(),
        Some("Bytedance Pte. Ltd.")
    );
    let agent = by_name(&json, "backup-agent");
    assert_eq!(agent.publisher.as_deref(), Some("Example Backup Team"));
    assert_eq!(ident(agent, IdentifierKind::Sha256).len(), 64);
    let office = by_name(&json, "office-inventory");
    assert_eq!(
        office.location.detail.as_deref(),
        Some("metadata.component")
    );
    assert_eq!(office.publisher.as_deref(), Some("Example Institution IT"));
    assert_eq!(json.len(), 11);
    // CycloneDX 1.5 has no component manufacturer: the supplier is all there is.
    let old = items("cyclonedx/inventory-1.5.json");
    assert_eq!(
        by_name(&old, "DS-2CD2143G2-I").publisher.as_deref(),
        Some("Example Security Distribution GmbH")
    );
    assert_eq!(items("cyclonedx/inventory-1.3.xml").len(), json.len());
}

/// cdxgen (CycloneDX 1.7, compact JSON) on an npm project: the two dependencies and the
/// project itself, with their npm purls.
#[test]
fn cdxgen_npm() {
    let items = items("cyclonedx/cdxgen-npm-1.7.json");
    let got: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.version.as_deref().unwrap(),
                i.location.detail.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("office-web", "1.0.0", "metadata.component"),
            ("left-pad", "1.3.0", "components[0]"),
            ("ms", "2.1.3", "components[1]"),
        ]
    );
    assert_eq!(
        ident(&items[1], IdentifierKind::Purl),
        "pkg:npm/left-pad@1.3.0"
    );
    assert_eq!(
        items[1].identifiers.len(),
        1,
        "SHA-512 hashes are not SHA-256"
    );
}

/// cdx-hbom's hardware BOM of a real machine: every device is a component of type
/// `device` whose publisher is its manufacturer (PCI vendor names).
#[test]
fn cdx_hbom_devices() {
    let items = items("cyclonedx/cdx-hbom-1.7.json");
    assert!(items.len() >= 10, "{}", items.len());
    assert!(items
        .iter()
        .all(|i| i.kind == ItemKind::Component && i.attrs["type"] == "device"));
    let bridge = items
        .iter()
        .find(|i| i.name.starts_with("Virtio 1.0 block device"))
        .expect("a virtio block device");
    assert_eq!(bridge.publisher.as_deref(), Some("Red Hat, Inc."));
    assert_eq!(bridge.attrs["manufacturer"], "Red Hat, Inc.");
    let host = by_name(&items, "Debian GNU/Linux");
    assert_eq!(host.location.detail.as_deref(), Some("metadata.component"));
}
