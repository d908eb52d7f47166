//! The pacman collector on a local database written by pacman (fixtures/pacman, see its PROVENANCE).

mod common;

use common::{by_name, fixture, ident, run, sniff};
use proscribe_collect::linux::pacman::Pacman;
use proscribe_collect::{collect, registry, Confidence, Options, Target};
use proscribe_model::{Identifier, IdentifierKind, ItemKind};

/// The package directories of the fixture, in sorted order.
const NAMES: &[&str] = &["aztec-tools", "kesl", "kesla", "klnagent64"];

/// One item per package directory, located at its `desc` file.
#[test]
fn every_package_is_an_item() {
    let local = fixture("pacman/local");
    let (items, result) = run(&Pacman, &local);
    result.expect("the fixture is a valid local database");
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, NAMES);
    assert!(items
        .iter()
        .all(|i| i.kind == ItemKind::Package && i.location.collector == "pacman"));
    let kesl = by_name(&items, "kesl");
    assert_eq!(
        kesl.location.path,
        format!("{}/kesl-12.1.0.1297-1/desc", local.display())
    );
    assert_eq!(kesl.location.target, local.display().to_string());
}

/// The hypothetical `kesl` package: version, packager without e-mail, identifiers, license.
#[test]
fn kesl_fields() {
    let (items, _) = run(&Pacman, &fixture("pacman/local"));
    let kesl = by_name(&items, "kesl");
    assert_eq!(kesl.version.as_deref(), Some("12.1.0.1297-1"));
    assert_eq!(kesl.publisher.as_deref(), Some("Proscribe Fixtures"));
    assert_eq!(
        kesl.attrs["packager"],
        "Proscribe Fixtures <fixtures@example.invalid>"
    );
    assert_eq!(kesl.attrs["architecture"], "x86_64");
    assert_eq!(kesl.attrs["license"], "custom");
    assert_eq!(kesl.attrs["url"], "https://example.invalid/kesl");
    assert_eq!(
        kesl.identifiers,
        vec![
            Identifier::package("pacman", "kesl"),
            Identifier::new(
                IdentifierKind::Purl,
                "pkg:alpm/arch/kesl@12.1.0.1297-1?arch=x86_64"
            ),
        ]
    );
}

/// One `desc` file alone is also read, and the description is never kept.
#[test]
fn single_desc_file() {
    let desc = fixture("pacman/local/aztec-tools-1.0-2/desc");
    assert_eq!(sniff(&Pacman, &desc), Some(Confidence::High));
    let (items, result) = run(&Pacman, &desc);
    result.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        ident(&items[0], IdentifierKind::Purl),
        "pkg:alpm/arch/aztec-tools@1.0-2?arch=x86_64"
    );
    assert_eq!(items[0].attrs["license"], "MIT");
    let json = serde_json::to_string(&items[0]).unwrap();
    assert!(!json.contains("Kaspersky"), "{json}");
}

/// The database directory is recognised by pacman alone; its `files` lists by no one.
#[test]
fn sniffing() {
    let local = fixture("pacman/local");
    for c in registry::COLLECTORS {
        let expected = (c.name() == "pacman").then_some(Confidence::High);
        assert_eq!(sniff(*c, &local), expected, "collector {}", c.name());
        assert_eq!(
            sniff(*c, &local.join("kesl-12.1.0.1297-1/files")),
            None,
            "collector {}",
            c.name()
        );
    }
    let inv = collect(&[Target::Path(local)], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.targets.len(), 1);
    assert_eq!(
        (inv.targets[0].format.as_str(), inv.targets[0].items),
        ("pacman", NAMES.len())
    );
}

/// A package directory without `desc` is named in the error; the other packages are kept.
#[test]
fn missing_desc() {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    std::fs::create_dir(&local).unwrap();
    std::fs::write(local.join("ALPM_DB_VERSION"), "9\n").unwrap();
    for name in ["kesl-12.1.0.1297-1", "kesla-0.3-1"] {
        std::fs::create_dir(local.join(name)).unwrap();
    }
    std::fs::copy(
        fixture("pacman/local/kesla-0.3-1/desc"),
        local.join("kesla-0.3-1/desc"),
    )
    .unwrap();
    let (items, result) = run(&Pacman, &local);
    assert_eq!(items.len(), 1);
    assert_eq!(
        result.unwrap_err().to_string(),
        "kesl-12.1.0.1297-1/desc: cannot read: No such file or directory (os error 2)"
    );
}

/// pacman's own reader (`pacman -Q`) and ours agree on every package of the fixture
/// (skipped, with a note, where pacman is not installed).
#[test]
fn agrees_with_pacman_query() {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    std::fs::create_dir(&local).unwrap();
    for entry in std::fs::read_dir(fixture("pacman/local"))
        .unwrap()
        .flatten()
    {
        let to = local.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir(&to).unwrap();
            for f in std::fs::read_dir(entry.path()).unwrap().flatten() {
                std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
            }
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
    let out = std::process::Command::new("pacman")
        .args(["-Q", "--config", "/dev/null", "--dbpath"])
        .arg(dir.path())
        .output();
    let Ok(out) = out else {
        eprintln!("pacman not found: comparison skipped");
        return;
    };
    assert!(
        out.status.success(),
        "pacman: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let (items, result) = run(&Pacman, &local);
    result.unwrap();
    let got: Vec<String> = items
        .iter()
        .map(|i| format!("{} {}", i.name, i.version.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(got, expected);
}
