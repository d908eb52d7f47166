//! The dpkg collector on a status file written by dpkg (fixtures/dpkg, see its PROVENANCE).

mod common;

use common::{by_name, fixture, ident, run, sniff};
use proscribe_collect::linux::dpkg::Dpkg;
use proscribe_collect::{collect, registry, Confidence, Options, Target};
use proscribe_model::{Identifier, IdentifierKind, ItemKind};

/// Every paragraph of the fixture, in file order (`grep '^Package:' status`).
const NAMES: &[&str] = &[
    "adduser",
    "adwaita-icon-theme",
    "alsa-topology-conf",
    "alsa-ucm-conf",
    "appstream",
    "apt",
    "apt-transport-https",
    "at-spi2-common",
    "at-spi2-core",
    "av-vendor-notes",
    "base-files",
    "base-passwd",
    "bash",
    "bc",
    "binutils",
    "binutils-common",
    "binutils-x86-64-linux-gnu",
    "bsdextrautils",
    "bsdutils",
    "build-essential",
    "bzip2",
    "bzip2-doc",
    "ca-certificates",
    "ca-certificates-java",
    "coreutils",
    "cpp",
    "cpp-12",
    "cscope",
    "curl",
    "dash",
    "db5.3-util",
    "dbus",
    "dbus-bin",
    "dbus-daemon",
    "dbus-session-bus-common",
    "dbus-system-bus-common",
    "dbus-user-session",
    "dconf-gsettings-backend",
    "dconf-service",
    "debconf",
    "debian-archive-keyring",
    "kesl",
    "kesl-gui",
    "klnagent64",
    "libtrilinos-aztecoo-dev",
    "ztex-bmp",
];

/// All 46 paragraphs become package items, in order, and the file reads without error.
#[test]
fn every_paragraph_is_an_item() {
    let (items, result) = run(&Dpkg, &fixture("dpkg/status"));
    result.expect("the fixture is a valid status file");
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, NAMES);
    assert!(items.iter().all(|i| i.kind == ItemKind::Package));
    assert!(items.iter().all(|i| i.location.collector == "dpkg"));
}

/// The hypothetical `kesl` package: version, identifiers, publisher without e-mail, source.
#[test]
fn kesl_fields() {
    let (items, _) = run(&Dpkg, &fixture("dpkg/status"));
    let kesl = by_name(&items, "kesl");
    assert_eq!(kesl.version.as_deref(), Some("12.1.0.1297"));
    assert_eq!(kesl.publisher.as_deref(), Some("Proscribe Fixtures"));
    assert_eq!(
        kesl.attrs["maintainer"],
        "Proscribe Fixtures <fixtures@example.invalid>"
    );
    assert_eq!(kesl.attrs["architecture"], "amd64");
    assert_eq!(kesl.attrs["source"], "kesl-src");
    assert_eq!(kesl.attrs["source-version"], "12.1.0");
    assert_eq!(kesl.attrs["status"], "install ok installed");
    assert_eq!(
        kesl.identifiers,
        vec![
            Identifier::package("deb", "kesl"),
            Identifier::new(
                IdentifierKind::Purl,
                "pkg:deb/debian/kesl@12.1.0.1297?arch=amd64"
            ),
        ]
    );
    assert_eq!(kesl.location.detail.as_deref(), Some("line 984"));
    assert_eq!(
        kesl.location.path,
        fixture("dpkg/status").display().to_string()
    );
}

/// Held and config-files packages are kept and say their status.
#[test]
fn hold_and_config_files() {
    let (items, _) = run(&Dpkg, &fixture("dpkg/status"));
    let agent = by_name(&items, "klnagent64");
    assert_eq!(agent.attrs["status"], "hold ok installed");
    assert_eq!(agent.version.as_deref(), Some("15.0.0-12912"));
    assert_eq!(agent.location.detail.as_deref(), Some("line 1012"));
    let gui = by_name(&items, "kesl-gui");
    assert_eq!(gui.attrs["status"], "deinstall ok config-files");
    assert_eq!(gui.location.detail.as_deref(), Some("line 997"));
}

/// Real Debian paragraphs: `Source: name (version)`, `+` percent-encoded in the purl, line numbers.
#[test]
fn real_paragraphs() {
    let (items, _) = run(&Dpkg, &fixture("dpkg/status"));
    let ztex = by_name(&items, "ztex-bmp");
    assert_eq!(
        ident(ztex, IdentifierKind::Purl),
        "pkg:deb/debian/ztex-bmp@20120314-2%2Bb1?arch=amd64"
    );
    assert_eq!(ztex.attrs["source"], "ztex-bmp");
    assert_eq!(ztex.attrs["source-version"], "20120314-2");
    assert_eq!(ztex.publisher.as_deref(), Some("Steffen Moeller"));
    assert_eq!(ztex.location.detail.as_deref(), Some("line 1046"));
    let trilinos = by_name(&items, "libtrilinos-aztecoo-dev");
    assert_eq!(trilinos.attrs["source"], "trilinos");
    assert!(!trilinos.attrs.contains_key("source-version"));
    assert_eq!(
        trilinos.publisher.as_deref(),
        Some("Debian Science Maintainers")
    );
    assert_eq!(trilinos.location.detail.as_deref(), Some("line 1024"));
    let adduser = by_name(&items, "adduser");
    assert_eq!(adduser.location.detail.as_deref(), Some("line 1"));
    assert_eq!(
        ident(adduser, IdentifierKind::Purl),
        "pkg:deb/debian/adduser@3.134?arch=all"
    );
    assert_eq!(ident(adduser, IdentifierKind::Package), "adduser");
}

/// Descriptions are never copied into an item: the one that mentions Kaspersky stays out.
#[test]
fn descriptions_are_not_kept() {
    let (items, _) = run(&Dpkg, &fixture("dpkg/status"));
    let notes = by_name(&items, "av-vendor-notes");
    let json = serde_json::to_string(notes).unwrap();
    assert!(!json.contains("Kaspersky"), "{json}");
}

/// The status file is recognised by dpkg alone, with high confidence.
#[test]
fn sniffing() {
    let path = fixture("dpkg/status");
    for c in registry::COLLECTORS {
        let expected = (c.name() == "dpkg").then_some(Confidence::High);
        assert_eq!(sniff(*c, &path), expected, "collector {}", c.name());
    }
    let inv = collect(&[Target::Path(path.clone())], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.targets.len(), 1);
    assert_eq!(inv.targets[0].format, "dpkg");
    assert_eq!(inv.targets[0].items, NAMES.len());
}

/// An apt `Packages` index has the shape of a status file but no `Status`: not an inventory.
#[test]
fn packages_index_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Packages");
    std::fs::write(
        &path,
        "Package: curl\nVersion: 7.88.1-10\nArchitecture: amd64\n\n",
    )
    .unwrap();
    assert_eq!(sniff(&Dpkg, &path), None);
}

/// Inside a mounted root the purl namespace comes from the root's os-release `ID`.
#[test]
fn distro_from_os_release() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::create_dir_all(root.path().join("var/lib/dpkg")).unwrap();
    std::fs::write(
        root.path().join("etc/os-release"),
        "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n",
    )
    .unwrap();
    std::fs::copy(
        fixture("dpkg/status"),
        root.path().join("var/lib/dpkg/status"),
    )
    .unwrap();
    let inv = collect(&[Target::Path(root.path().to_owned())], Options::default());
    assert_eq!(inv.errors, vec![]);
    let kesl = by_name(&inv.items, "kesl");
    assert_eq!(
        ident(kesl, IdentifierKind::Purl),
        "pkg:deb/ubuntu/kesl@12.1.0.1297?arch=amd64"
    );
}

/// `dpkg-query` lists the packages of an admin directory; `None` when dpkg is not installed.
fn dpkg_query(admindir: &std::path::Path) -> Option<Vec<(String, String, String)>> {
    let out = std::process::Command::new("dpkg-query")
        .arg(format!("--admindir={}", admindir.display()))
        .args([
            "-W",
            "-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n",
        ])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "dpkg-query: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    Some(
        text.lines()
            .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
            // `n` as desired state with `n` status means not installed: not an item.
            .filter(|f| !f[3].starts_with("un") && !f[3].starts_with("pn"))
            .map(|f| (f[0].clone(), f[1].clone(), f[2].clone()))
            .collect(),
    )
}

/// dpkg's own reader and ours agree on every package of the fixture, and of this machine
/// when it is a dpkg system (skipped, with a note, where `dpkg-query` is missing).
#[test]
fn agrees_with_dpkg_query() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("dpkg/status"), dir.path().join("status")).unwrap();
    let live = std::path::Path::new("/var/lib/dpkg");
    let mut admindirs = vec![dir.path().to_owned()];
    if live.join("status").is_file() {
        admindirs.push(live.to_owned());
    }
    for admindir in admindirs {
        let Some(expected) = dpkg_query(&admindir) else {
            eprintln!("dpkg-query not found: comparison skipped");
            return;
        };
        let (items, result) = run(&Dpkg, &admindir.join("status"));
        result.unwrap();
        let got: Vec<(String, String, String)> = items
            .iter()
            .map(|i| {
                (
                    i.name.clone(),
                    i.version.clone().unwrap_or_default(),
                    i.attrs.get("architecture").cloned().unwrap_or_default(),
                )
            })
            .collect();
        let mut expected = expected;
        expected.sort();
        let mut got = got;
        got.sort();
        assert_eq!(got, expected, "admindir {}", admindir.display());
    }
}
