//! End-to-end tests of the `proscribe` command: what a user sees, and every exit code.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../proscribe-collect/fixtures")
}

/// The command, run from the fixtures folder with a pinned clock so output is reproducible.
fn proscribe() -> Command {
    let mut cmd = Command::cargo_bin("proscribe").unwrap();
    cmd.current_dir(fixtures())
        .env("PROSCRIBE_NOW", "2026-11-25T12:00:00Z")
        .env("COLUMNS", "110")
        .env_remove("PROSCRIBE_CATALOG")
        .env("NO_COLOR", "1");
    cmd
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("stdout is JSON")
}

fn finding<'a>(report: &'a Value, item: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"]["name"] == item)
}

/// Scanning a dpkg status file with Kaspersky packages: exit 1 and a readable table.
#[test]
fn scan_dpkg_table() {
    let out = proscribe()
        .args(["scan", "dpkg/status"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("scan_dpkg_table", stdout);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The JSON report follows `proscribe.report/1` and explains each finding.
#[test]
fn scan_dpkg_json() {
    let out = proscribe()
        .args(["scan", "--format", "json", "dpkg/status"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report = json_of(&out.stdout);
    assert_eq!(report["schema"], "proscribe.report/1");
    assert_eq!(report["tool"]["name"], "proscribe");
    assert!(report["catalog"]["digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert_eq!(report["generated_at"], "2026-11-25T12:00:00Z");
    assert_eq!(report["targets"][0]["format"], "dpkg");
    assert_eq!(report["targets"][0]["items"], report["summary"]["items"]);

    let kesl = finding(&report, "kesl").expect("kesl is a finding");
    assert_eq!(kesl["status"], "banned");
    assert_eq!(kesl["vendor"]["id"], "kaspersky");
    assert_eq!(kesl["item"]["kind"], "package");
    assert_eq!(kesl["item"]["version"], "12.1.0.1297");
    let evidence = &kesl["evidence"][0];
    assert_eq!(evidence["field"], "package");
    assert_eq!(evidence["value"], "kesl");
    assert!(evidence["source"].as_str().unwrap().starts_with("https://"));
    let acts: Vec<&str> = kesl["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(acts.contains(&"us-bod-17-01"), "{acts:?}");
    let bod = kesl["acts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "us-bod-17-01")
        .unwrap();
    assert_eq!(bod["date"], "2017-09-13");
    assert!(bod["url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(kesl["location"]["collector"], "dpkg");
    assert_eq!(kesl["location"]["path"], "dpkg/status");
    assert!(kesl["location"]["detail"]
        .as_str()
        .unwrap()
        .starts_with("line "));
    assert!(finding(&report, "klnagent64").is_some());

    // Near misses and descriptions that mention a vendor are not findings.
    let names: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["item"]["name"].as_str().unwrap())
        .collect();
    for name in &names {
        assert!(!name.contains("aztec"), "near miss reported: {names:?}");
    }
    assert_eq!(report["summary"]["findings"], names.len());
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);
}

/// Nothing banned → exit 0, and `--fail-on never` always exits 0 when inputs are readable.
#[test]
fn exit_0_when_clean_or_never() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::fs::read_to_string(fixtures().join("dpkg/status")).unwrap();
    let clean: Vec<&str> = status
        .split("\n\n")
        .filter(|p| !p.contains("Package: kesl") && !p.contains("Package: klnagent"))
        .collect();
    let path = dir.path().join("status");
    std::fs::write(&path, clean.join("\n\n")).unwrap();
    let out = proscribe()
        .args(["scan", "--format", "json"])
        .arg(&path)
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(json_of(&out.stdout)["summary"]["findings"], 0);
    proscribe()
        .args(["scan", "--fail-on", "never", "dpkg/status"])
        .assert()
        .code(0);
}

/// An unreadable input: exit 2, a one-line error naming it, and the other inputs still scanned.
#[test]
fn bad_input_exit_2_keeps_other_findings() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(
        &junk,
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let out = proscribe()
        .args(["scan", "--format", "json", "dpkg/status", "no-such-file"])
        .arg(&junk)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let report = json_of(&out.stdout);
    assert!(
        finding(&report, "kesl").is_some(),
        "findings of the good input are kept"
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["target"], "no-such-file");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].contains("no-such-file") && lines[0].contains("no such file"),
        "{stderr}"
    );
    assert!(
        lines[1].contains("junk.bin") && lines[1].contains("not recognised"),
        "{stderr}"
    );
}

/// Usage errors exit 2 with a message.
#[test]
fn usage_errors_exit_2() {
    proscribe()
        .args(["scan", "--format", "nope"])
        .assert()
        .code(2);
    let out = proscribe()
        .args(["scan", "--type", "nope", "dpkg/status"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown --type `nope`"));
    proscribe().args(["frobnicate"]).assert().code(2);
}

/// Standard input with a forced type.
#[test]
fn stdin_with_forced_type() {
    let status = std::fs::read(fixtures().join("dpkg/status")).unwrap();
    let out = proscribe()
        .args(["scan", "--format", "json", "--type", "dpkg", "-"])
        .write_stdin(status)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report = json_of(&out.stdout);
    assert_eq!(finding(&report, "kesl").unwrap()["location"]["path"], "-");
}

/// `--fail-on review` turns any finding into exit 1; the table of a clean scan says so.
#[test]
fn fail_on_levels() {
    proscribe()
        .args(["scan", "--fail-on", "review", "dpkg/status"])
        .assert()
        .code(1);
}

/// A policy that selects only German acts judges Kaspersky by the BSI warning alone.
#[test]
fn policy_selects_jurisdiction() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "jurisdictions = [\"DE\"]\n").unwrap();
    let out = proscribe()
        .args(["scan", "--format", "json", "--fail-on", "never", "--policy"])
        .arg(&policy)
        .arg("dpkg/status")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let report = json_of(&out.stdout);
    let kesl = finding(&report, "kesl").expect("still a finding under the BSI warning");
    let acts: Vec<&str> = kesl["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(acts, ["de-bsi-2022-03-15"]);
}

/// A policy naming an unknown act is refused before anything runs.
#[test]
fn bad_policy_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "acts = [\"no-such-act\"]\n").unwrap();
    let out = proscribe()
        .args(["scan", "--policy"])
        .arg(&policy)
        .arg("dpkg/status")
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-act"));
}

/// The built-in catalog passes its own linter; `list`, `acts` and `show` work.
#[test]
fn catalog_commands() {
    let out = proscribe()
        .args(["catalog", "lint"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stdout).contains(": ok"));
    let list = proscribe()
        .args(["catalog", "list"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&list).contains("kaspersky"));
    let acts = proscribe()
        .args(["catalog", "acts"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&acts).contains("us-bod-17-01"));
    let show = proscribe()
        .args(["catalog", "show", "us-bod-17-01"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&show).contains("2017-09-13"));
    proscribe()
        .args(["catalog", "show", "no-such-id"])
        .assert()
        .code(2);
}

/// A broken catalog directory: lint names the file and line and exits 1.
#[test]
fn catalog_lint_reports_broken_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("vendors")).unwrap();
    std::fs::write(
        dir.path().join("catalog.toml"),
        "version = \"1\"\nschema = 1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("vendors/x.toml"),
        "id = \"x\"\nname = \"X\"\nsources = []\nbogus = 1\n",
    )
    .unwrap();
    let out = proscribe()
        .args(["catalog", "lint"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("vendors/x.toml:4"), "{stderr}");
}

/// Mounted roots of every supported distribution family: each database is found at its
/// usual path and Kaspersky's packages are reported, nothing else.
#[test]
fn mounted_roots_of_each_distribution() {
    for (root, format, os) in [
        ("roots/debian", "dpkg", "Debian GNU/Linux 12 (bookworm)"),
        ("roots/fedora", "rpm", "Fedora Linux 40 (Server Edition)"),
        ("roots/centos7", "rpm", "CentOS Linux 7 (Core)"),
        ("roots/alpine", "apk", "Alpine Linux v3.14"),
        ("roots/arch", "pacman", "Arch Linux"),
    ] {
        let out = proscribe()
            .args(["scan", "--format", "json", "--fail-on", "never", root])
            .assert()
            .code(0)
            .get_output()
            .clone();
        let report = json_of(&out.stdout);
        assert_eq!(
            report["targets"].as_array().unwrap().len(),
            1,
            "{root}: {}",
            report["targets"]
        );
        assert_eq!(report["targets"][0]["format"], format, "{root}");
        assert_eq!(report["host"]["os"], os, "{root}");
        let vendors: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["vendor"]["id"].as_str().unwrap())
            .collect();
        assert!(
            vendors.iter().all(|v| *v == "kaspersky"),
            "{root}: {vendors:?}"
        );
        let expected = if root == "roots/alpine" { 0 } else { 2 };
        assert!(vendors.len() >= expected, "{root}: {vendors:?}");
    }
}

/// Scanning this machine (no target) reads its package database and finishes cleanly.
#[test]
fn live_scan_of_this_machine() {
    let out = proscribe()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .assert()
        .get_output()
        .clone();
    let report = json_of(&out.stdout);
    assert!(report["host"].is_object());
    if std::path::Path::new("/var/lib/dpkg/status").exists() {
        let dpkg = report["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["format"] == "dpkg")
            .expect("dpkg read");
        assert!(dpkg["items"].as_u64().unwrap() > 10);
    }
}
