//! proscribe.inventory/1 files: the probe's real output is read back with its items and its
//! recorded errors; what `write` produces, `collect` reads; damaged files are clear errors.

mod common;

use common::{fixture, run};
use proscribe_collect::inventory::{write, ProscribeInventory};
use proscribe_collect::{head_of, Collector, Confidence, Input};
use proscribe_model::{IdentifierKind, InputError, Inventory, ItemKind};

/// The probe's file: one Huawei-like device with its identifiers, and the silent host's
/// error reported again.
#[test]
fn probe_output_is_read_back() {
    let path = fixture("inventory/snmp-probe.json");
    let head = head_of(&path).unwrap();
    let display = path.display().to_string();
    let input = Input {
        path: &path,
        display: &display,
        target: &display,
        head: &head,
        is_dir: false,
    };
    assert_eq!(ProscribeInventory.sniff(&input), Some(Confidence::High));
    let (items, result) = run(&ProscribeInventory, &path);
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.kind, ItemKind::NetworkDevice);
    assert_eq!(item.location.target, display);
    assert_eq!(item.location.collector, "snmp");
    assert_eq!(item.location.path, "127.0.0.1:16161");
    let oid: Vec<&str> = item
        .identifiers_of(IdentifierKind::SnmpObjectId)
        .map(|i| i.value.as_str())
        .collect();
    assert_eq!(oid, ["1.3.6.1.4.1.2011.2.23.96"]);
    let banner = item.identifiers_of(IdentifierKind::Banner).next().unwrap();
    assert_eq!(banner.ecosystem.as_deref(), Some("snmp-sysdescr"));
    assert!(banner
        .value
        .starts_with("Huawei Versatile Routing Platform"));
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("records an input error: 127.0.0.1:16999: no response"),
        "{err}"
    );
}

/// `write` then `collect` gives back the same items (with the file as their target).
#[test]
fn written_inventories_round_trip() {
    let (items, _) = run(&ProscribeInventory, &fixture("inventory/snmp-probe.json"));
    let inv = Inventory {
        items: items.clone(),
        ..Inventory::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    let mut buf = Vec::new();
    write(&inv, &mut buf).unwrap();
    std::fs::write(&path, &buf).unwrap();
    let (again, result) = run(&ProscribeInventory, &path);
    result.unwrap();
    assert_eq!(again.len(), items.len());
    assert_eq!(again[0].identifiers, items[0].identifiers);
    assert_eq!(again[0].attrs, items[0].attrs);
    assert_eq!(again[0].location.target, path.display().to_string());

    let inv = Inventory {
        errors: vec![
            InputError {
                target: "a".into(),
                reason: "x\ny".into(),
            },
            InputError {
                target: "b".into(),
                reason: "z".into(),
            },
        ],
        ..Inventory::default()
    };
    let mut buf = Vec::new();
    write(&inv, &mut buf).unwrap();
    std::fs::write(&path, &buf).unwrap();
    let err = run(&ProscribeInventory, &path).1.unwrap_err().to_string();
    assert_eq!(err, "the inventory records 2 input errors, first: a: x y");
}

/// Another schema version, broken JSON and unknown members are errors that say so; JSON
/// that is not a proscribe inventory is not sniffed.
#[test]
fn damaged_inventories_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"{"schema": "proscribe.inventory/9", "items": []}"#,
            "unsupported schema `proscribe.inventory/9`",
        ),
        (
            r#"{"schema": "proscribe.inventory/1", "items": [{"kind": "toaster"}]}"#,
            "not a proscribe inventory: unknown variant `toaster`",
        ),
        (
            r#"{"schema": "proscribe.inventory/1", "items": [], "extra": 1}"#,
            "unknown field `extra`",
        ),
        (
            "{\"schema\": \"proscribe.inventory/1\", \"items\": [",
            "line 1 column",
        ),
    ];
    for (i, (text, expect)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("{i}.json"));
        std::fs::write(&path, text).unwrap();
        let (items, result) = run(&ProscribeInventory, &path);
        assert!(items.is_empty());
        let err = result.unwrap_err().to_string();
        assert!(err.contains(expect), "{text}: {err}");
        assert!(!err.contains('\n'));
    }
    let other = dir.path().join("other.json");
    std::fs::write(&other, r#"{"bomFormat": "CycloneDX", "schema": "x"}"#).unwrap();
    let head = head_of(&other).unwrap();
    let display = other.display().to_string();
    let input = Input {
        path: &other,
        display: &display,
        target: &display,
        head: &head,
        is_dir: false,
    };
    assert_eq!(ProscribeInventory.sniff(&input), None);
}
