//! End-to-end: policy presets and files, exceptions (active, expired, unmatched) and the
//! exit code, `proscribe plan` over two reports, and the SARIF, CSV and Markdown outputs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../proscribe-collect/fixtures")
}

/// The command, run from the fixtures folder with a pinned clock.
fn proscribe() -> Command {
    let mut cmd = Command::cargo_bin("proscribe").unwrap();
    cmd.current_dir(fixtures())
        .env("PROSCRIBE_NOW", "2026-11-25T12:00:00Z")
        .env("COLUMNS", "110")
        .env_remove("PROSCRIBE_CATALOG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env("NO_COLOR", "1");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = proscribe().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).expect("JSON")
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

/// `policy list` names the seven presets with their descriptions.
#[test]
fn policy_list() {
    let r = run(&["policy", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in [
        "eu-institutions",
        "us-federal",
        "de-federal",
        "nl-government",
        "lt-government",
        "ua-government",
        "au-government",
    ] {
        assert!(
            r.stdout.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{}",
            r.stdout
        );
    }
}

/// `policy show` resolves a preset and a file that builds on it.
#[test]
fn policy_show() {
    let r = run(&["policy", "show", "us-federal"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Policy: built-in preset `us-federal`"));
    assert!(r.stdout.contains("Acts (5):"));
    assert!(r
        .stdout
        .contains("deadlines: identify +30d, plan +60d, remove +90d from 2017-09-13"));
    assert!(!r.stdout.contains("us-fcc-covered-list"));

    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "agency.toml",
        "preset = \"us-federal\"\nstart = 2026-10-01\n\n[[exception]]\nid = \"EX-7\"\nproduct = \"kaspersky-security-center\"\nuntil = 2026-12-31\nreason = \"lab\"\napproved_by = \"CISO\"\nreference = \"CHG-7\"\n",
    );
    let r = run(&["policy", "show", &p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("<- "), "{}", r.stdout);
    assert!(r.stdout.contains("from 2026-10-01"));
    assert!(r
        .stdout
        .contains("EX-7  product `kaspersky-security-center`  until 2026-12-31 (active)"));
    assert!(r.stdout.contains("reference: CHG-7"));
}

/// Presets change what a scan enforces: the US federal preset bans kesl; the German one
/// only restricts it (a BSI warning), so the default `--fail-on banned` passes.
#[test]
fn presets_in_scan() {
    let us = run(&[
        "scan",
        "dpkg/status",
        "--policy",
        "us-federal",
        "--format",
        "json",
    ]);
    assert_eq!(us.code, 1, "{}", us.stderr);
    let report = json(&us.stdout);
    let kesl = findings(&report)
        .iter()
        .find(|f| f["item"]["name"] == "kesl")
        .unwrap();
    assert_eq!(kesl["status"], "banned");
    let acts: Vec<&str> = kesl["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(acts.contains(&"us-bod-17-01") && !acts.contains(&"de-bsi-2022-03-15"));
    assert_eq!(kesl["deadline"]["overdue"], true);

    let de = run(&[
        "scan",
        "dpkg/status",
        "--policy",
        "de-federal",
        "--format",
        "json",
    ]);
    assert_eq!(de.code, 0, "{}", de.stderr);
    let report = json(&de.stdout);
    assert!(findings(&report)
        .iter()
        .all(|f| f["status"] == "restricted"));
    let au = run(&[
        "scan",
        "dpkg/status",
        "--policy",
        "au-government",
        "--format",
        "json",
    ]);
    assert_eq!(au.code, 0);
    assert_eq!(json(&au.stdout)["summary"]["findings"], 0);
}

const EXCEPTIONS: &str = r#"preset = "us-federal"

[[exception]]
id = "EX-LAB"
vendor = "kaspersky"
item = "kesl*"
until = 2027-03-31
reason = "Malware-analysis lab"
approved_by = "CISO"
reference = "CHG-20260114-7"

[[exception]]
id = "EX-OLD"
product = "kaspersky-security-center"
until = 2026-06-30
reason = "Migration"
approved_by = "CIO"

[[exception]]
id = "EX-GONE"
vendor = "huawei"
until = 2027-01-01
reason = "Switches being replaced"
approved_by = "CIO"
"#;

/// Active exceptions keep findings listed but out of the exit code; an expired one turns
/// its finding back on and says so; an unmatched one is a warning on stderr and in JSON.
#[test]
fn exceptions_active_expired_unmatched() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "policy.toml", EXCEPTIONS);
    let r = run(&["scan", "dpkg/status", "--policy", &p, "--format", "json"]);
    // klnagent64's exception expired: it fails the scan again.
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = json(&r.stdout);
    let by_name = |n: &str| {
        findings(&report)
            .iter()
            .find(|f| f["item"]["name"] == n)
            .unwrap_or_else(|| panic!("{n}"))
            .clone()
    };
    for n in ["kesl", "kesl-gui"] {
        let x = &by_name(n)["exception"];
        assert_eq!(x["id"], "EX-LAB");
        assert_eq!(x["state"], "active");
        assert_eq!(x["until"], "2027-03-31");
        assert_eq!(x["approved_by"], "CISO");
        assert_eq!(x["reference"], "CHG-20260114-7");
    }
    let old = by_name("klnagent64");
    assert_eq!(old["exception"]["state"], "expired");
    assert_eq!(report["summary"]["excepted"], 2);
    assert_eq!(report["summary"]["findings"], 3);
    let codes: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["exception-expired", "exception-unmatched"]);
    assert!(
        r.stderr.contains("proscribe: warning: exception `EX-OLD`")
            && r.stderr.contains("expired on 2026-06-30"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("exception `EX-GONE` (vendor `huawei`, ")
            && r.stderr.contains("policy.toml:19) covered no finding"),
        "{}",
        r.stderr
    );

    // An exception for one product leaves the other product's finding failing the scan.
    let p = write(
        dir.path(),
        "policy2.toml",
        "preset = \"us-federal\"\n[[exception]]\nid = \"KES\"\nproduct = \"kaspersky-endpoint-security\"\nuntil = 2027-06-30\nreason = \"r\"\napproved_by = \"a\"\n",
    );
    let r = run(&["scan", "dpkg/status", "--policy", &p, "--format", "json"]);
    let report = json(&r.stdout);
    assert_eq!(report["summary"]["excepted"], 2);
    assert_eq!(r.code, 1, "klnagent64 is still banned\n{}", r.stderr);
    // Every finding excepted: exit 0, the findings still listed.
    let p = write(
        dir.path(),
        "policy3.toml",
        "preset = \"us-federal\"\n[[exception]]\nid = \"ALL\"\nvendor = \"kaspersky\"\nuntil = 2026-11-25\nreason = \"r\"\napproved_by = \"a\"\n",
    );
    let r = run(&["scan", "dpkg/status", "--policy", &p]);
    assert_eq!(
        r.code, 0,
        "an exception holds through its `until` day\n{}",
        r.stderr
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    // The same exception the next day has expired.
    let r = proscribe()
        .env("PROSCRIBE_NOW", "2026-11-26T00:00:00Z")
        .args(["scan", "dpkg/status", "--policy", &p])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("expired on 2026-11-25"));
}

/// A broken policy stops everything: every problem at its file and line, exit 2, no
/// report on stdout.
#[test]
fn bad_policy_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.toml",
        "acts = [\"us-bod-17-01\", \"us-bod-99\"]\nstart = 2026-01-01\n\n[[exception]]\nid = \"EX-1\"\nvendor = \"kaspersky\"\nreason = \"r\"\napproved_by = \"a\"\n",
    );
    let r = run(&["scan", "dpkg/status", "--policy", &p, "--format", "json"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("bad.toml:1: unknown act `us-bod-99`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("bad.toml:4: exception `EX-1` needs `until`"),
        "{}",
        r.stderr
    );
    let p = write(dir.path(), "date.toml", "start = 2026-02-30\n");
    let r = run(&["scan", "dpkg/status", "--policy", &p]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("date.toml:1:"), "{}", r.stderr);
    let r = run(&["scan", "dpkg/status", "--policy", "us-federl"]);
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .contains("no policy file or built-in preset named `us-federl`"));
    let r = run(&["policy", "show", &p]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
}

/// Two reports (a Debian status file and a Fedora root) make one plan grouped by
/// product and host, with the package manager's removal command.
#[test]
fn plan_from_two_reports() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("debian.json");
    let b = dir.path().join("fedora.json");
    let p = write(
        dir.path(),
        "policy.toml",
        "preset = \"us-federal\"\n[[exception]]\nid = \"EX-KSC\"\nproduct = \"kaspersky-security-center\"\nuntil = 2027-01-31\nreason = \"lab\"\napproved_by = \"CISO\"\n",
    );
    for (target, out) in [("dpkg/status", &a), ("roots/fedora", &b)] {
        let r = run(&[
            "scan",
            target,
            "--policy",
            &p,
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
    }
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let r = run(&["plan", a, b, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = json(&r.stdout);
    assert_eq!(plan["schema"], "proscribe.plan/1");
    assert_eq!(plan["reports"].as_array().unwrap().len(), 2);
    let groups = plan["groups"].as_array().unwrap();
    let ids: Vec<&str> = groups
        .iter()
        .map(|g| g["product"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["kaspersky-endpoint-security", "kaspersky-security-center"]
    );
    assert_eq!(groups[0]["category"], "endpoint-protection");
    let commands: Vec<&str> = groups
        .iter()
        .flat_map(|g| g["hosts"].as_array().unwrap())
        .flat_map(|h| h["items"].as_array().unwrap())
        .map(|i| i["uninstall"]["command"].as_str().unwrap())
        .collect();
    assert!(commands.contains(&"apt-get purge kesl"), "{commands:?}");
    assert!(commands.contains(&"dnf remove kesl"), "{commands:?}");
    assert!(commands.contains(&"dnf remove klnagent64"), "{commands:?}");
    let hosts: Vec<&str> = groups[1]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["host"].as_str().unwrap())
        .collect();
    assert_eq!(hosts.len(), 2, "{hosts:?}");
    assert!(hosts.contains(&"fedora-srv"), "{hosts:?}");
    assert_eq!(plan["summary"]["excepted"], 2);
    assert_eq!(
        groups[1]["hosts"][0]["items"][0]["exception"]["id"],
        "EX-KSC"
    );

    let md = run(&["plan", a, b]);
    assert_eq!(md.code, 0);
    assert!(md.stdout.starts_with("# Removal plan\n"));
    assert!(md
        .stdout
        .contains("## 1. Kaspersky Endpoint Security (AO Kaspersky Lab)"));
    assert!(md.stdout.contains("`apt-get purge kesl`"));
    assert!(md
        .stdout
        .contains("- Replace with: another endpoint-protection product"));

    let de = run(&["plan", a, b, "--lang", "de"]);
    assert_eq!(de.code, 0, "{}", de.stderr);
    assert!(
        de.stdout.starts_with("# Entfernungsplan\n"),
        "{}",
        de.stdout
    );
    assert!(de
        .stdout
        .contains("## 1. Kaspersky Endpoint Security (AO Kaspersky Lab)"));
    assert!(de.stdout.contains("`apt-get purge kesl`"));

    let csv = run(&["plan", a, b, "--format", "csv"]);
    assert_eq!(csv.code, 0);
    let rows: Vec<&str> = csv.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows.len(),
        1 + plan["summary"]["items"].as_u64().unwrap() as usize
    );
    assert!(rows[0].starts_with("vendor_id,vendor,product_id"));

    // A file that is not a report: the file and place, exit 2, no plan.
    let bad = write(
        dir.path(),
        "bad.json",
        "{\"schema\": \"proscribe.report/1\", \"findings\": [}",
    );
    let r = run(&["plan", a, &bad]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("bad.json:1:"), "{}", r.stderr);
    let other = write(
        dir.path(),
        "other.json",
        "{\"schema\": \"proscribe.plan/1\", \"findings\": []}",
    );
    let r = run(&["plan", &other]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a `proscribe.report/1` report"),
        "{}",
        r.stderr
    );
}

/// `--format sarif|csv|markdown` on a real scan: one result, row or table row per finding.
#[test]
fn scan_formats() {
    let j = json(&run(&["scan", "dpkg/status", "--format", "json"]).stdout);
    let n = findings(&j).len();
    assert!(n >= 3);

    let s = run(&["scan", "dpkg/status", "--format", "sarif"]);
    assert_eq!(s.code, 1);
    let sarif = json(&s.stdout);
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), n);
    let kesl = results
        .iter()
        .find(|r| r["properties"]["item"] == "kesl")
        .unwrap();
    assert_eq!(kesl["ruleId"], "kaspersky-endpoint-security");
    assert_eq!(kesl["level"], "error");
    let loc = &kesl["locations"][0]["physicalLocation"];
    // Relative to the working directory (the fixtures folder).
    assert_eq!(loc["artifactLocation"]["uri"], "dpkg/status");
    assert!(loc["region"]["startLine"].as_u64().unwrap() > 1);

    let c = run(&["scan", "dpkg/status", "--format", "csv"]);
    assert_eq!(c.code, 1);
    let rows: Vec<&str> = c.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), n + 1);
    assert!(rows[0].starts_with("id,status,excepted,vendor_id"));

    let m = run(&["scan", "dpkg/status", "--format", "markdown"]);
    assert_eq!(m.code, 1);
    assert!(m.stdout.starts_with("# proscribe report\n"));
    let table_rows = m
        .stdout
        .lines()
        .filter(|l| l.starts_with("| **BANNED** | AO Kaspersky Lab"))
        .count();
    assert_eq!(table_rows, n);

    // To a file with -o.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.sarif");
    let r = run(&[
        "scan",
        "dpkg/status",
        "--format",
        "sarif",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(
        json(&std::fs::read_to_string(out).unwrap())["version"],
        "2.1.0"
    );
}

/// The policy file example in the README is a valid policy.
#[test]
fn readme_policy_example_is_valid() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let start = readme
        .find("```toml\ndescription = ")
        .expect("the README has the example");
    let body = &readme[start + "```toml\n".len()..];
    let example = &body[..body.find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "example.toml", example);
    let r = run(&["policy", "show", &p, "--today", "2025-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("EX-2025-014  product `kaspersky-endpoint-security`, item `kesl*`, host `lab-*`  until 2026-06-30 (active)"), "{}", r.stdout);
    assert!(r
        .stdout
        .contains("vendor `kaspersky` under act `uk-ncsc-kaspersky-2017` -> banned"));
}
