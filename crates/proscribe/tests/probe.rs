//! `proscribe probe snmp` against real agents: Debian's `snmpd` started by the test on
//! 127.0.0.1 with its own configuration (a Huawei-like sysObjectID and VRP sysDescr, or
//! net-snmp's own enterprise), `snmpget` from the `snmp` package as the oracle for what the
//! agent says, and sockets that never answer for timeouts.
//!
//! `snmpd` and `snmpget` come from Debian's `snmpd` and `snmp` packages (scripts/test
//! installs them). Without them the tests print why and pass, except under CI (`CI=true`),
//! where a missing tool is a failure.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// A program from PATH or the usual sbin directories.
fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into(), "/usr/bin".into()])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// `snmpd` and `snmpget`, or `None` (with the reason printed) when they are not installed
/// and this is not CI.
fn tools() -> Option<(PathBuf, PathBuf)> {
    match (tool("snmpd"), tool("snmpget")) {
        (Some(d), Some(g)) => Some((d, g)),
        _ => {
            let msg = "snmpd or snmpget not installed (apt-get install snmpd snmp)";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{msg}: required under CI"
            );
            eprintln!("skipping: {msg}");
            None
        }
    }
}

/// A UDP port that was free a moment ago.
fn free_port() -> u16 {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.local_addr().unwrap().port()
}

/// One `snmpd` run by the test; killed when dropped.
struct Agent {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const VRP: &str = "Huawei Versatile Routing Platform Software VRP (R) software, Version 5.170 (S5720 V200R011C10SPC500)";
const HUAWEI_OID: &str = ".1.3.6.1.4.1.2011.2.23.96";
const NETSNMP_OID: &str = ".1.3.6.1.4.1.8072.3.2.10";
const V3_USER: &str = "opsv3";
const V3_AUTH: &str = "authpass123";
const V3_PRIV: &str = "privpass123";

/// Starts `snmpd` on a free 127.0.0.1 port with community `test`, the given system group,
/// and an SNMPv3 authPriv user (SHA/AES); waits until `snmpget` gets an answer.
fn agent(snmpd: &Path, snmpget: &Path, object_id: &str, descr: &str, name: &str) -> Agent {
    for _attempt in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let conf = dir.path().join("snmpd.conf");
        std::fs::write(
            &conf,
            format!(
                "agentAddress udp:127.0.0.1:{port}\n\
                 rocommunity test 127.0.0.1\n\
                 sysObjectID {object_id}\n\
                 sysDescr {descr}\n\
                 sysName {name}\n\
                 createUser {V3_USER} SHA {V3_AUTH} AES {V3_PRIV}\n\
                 rouser {V3_USER} priv\n"
            ),
        )
        .unwrap();
        let persist = dir.path().join("persist");
        std::fs::create_dir(&persist).unwrap();
        let log = std::fs::File::create(dir.path().join("snmpd.log")).unwrap();
        let child = Command::new(snmpd)
            .args(["-f", "-Lo", "-C", "-c"])
            .arg(&conf)
            .env("SNMP_PERSISTENT_DIR", &persist)
            .env("MIBS", "")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("snmpd starts");
        let mut agent = Agent {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if agent.child.try_wait().unwrap().is_some() {
                break; // the port was taken meanwhile: try another
            }
            if oracle(snmpget, port, "1.3.6.1.2.1.1.5.0").as_deref() == Some(name) {
                return agent;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = agent.child.kill();
    }
    panic!("snmpd did not come up");
}

/// What `snmpget` (net-snmp) reads for one OID, value only.
fn oracle(snmpget: &Path, port: u16, oid: &str) -> Option<String> {
    let out = Command::new(snmpget)
        .args([
            "-v2c", "-c", "test", "-t", "0.3", "-r", "0", "-On", "-Oqv", "-m", "",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg(oid)
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .trim_matches('"')
            .to_owned()
    })
}

fn proscribe() -> Command {
    let mut c = Command::cargo_bin("proscribe").unwrap();
    c.env("PROSCRIBE_NOW", "2026-11-25T19:00:00Z")
        .env_remove("PROSCRIBE_CATALOG")
        .env_remove("PROSCRIBE_SNMP_COMMUNITY")
        .env_remove("PROSCRIBE_SNMP_V3");
    c
}

/// Runs proscribe; returns (exit code, stdout as JSON, stderr).
fn run(args: &[&str]) -> (i32, Value, String) {
    let out = proscribe().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn evidence_of(finding: &Value) -> Vec<(String, String, String)> {
    finding["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["signature"].as_str().unwrap().to_owned(),
                e["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A VRP-style agent under enterprise 2011 is found as Huawei with the enterprise number
/// (from the IANA table) and the sysDescr banner as evidence; what the probe recorded is
/// what `snmpget` reads.
#[test]
fn huawei_agent_is_found_with_evidence() {
    let Some((snmpd, snmpget)) = tools() else {
        return;
    };
    let a = agent(&snmpd, &snmpget, HUAWEI_OID, VRP, "core-sw-1");
    let target = format!("127.0.0.1:{}", a.port);
    let (code, report, stderr) = run(&[
        "probe",
        "snmp",
        &target,
        "--community",
        "test",
        "--scan",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["summary"]["items"], 1);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report:#}");
    let f = &findings[0];
    assert_eq!(f["vendor"]["id"], "huawei");
    assert_eq!(f["product"]["id"], "huawei-network-equipment");
    assert_eq!(f["status"], "banned");
    assert_eq!(f["item"]["kind"], "network-device");
    assert_eq!(f["location"]["collector"], "snmp");
    assert_eq!(f["location"]["path"], target);
    let ev = evidence_of(f);
    assert!(
        ev.contains(&(
            "snmp-object-id".into(),
            "huawei#iana:2011".into(),
            "iana-pen".into()
        )),
        "{ev:?}"
    );
    assert!(
        ev.iter().any(|(field, sig, src)| field == "banner"
            && sig == "huawei-network-equipment#1"
            && src.contains("rapid7/recog")),
        "{ev:?}"
    );
    let acts: Vec<&str> = f["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(acts.contains(&"us-ndaa-fy2019-889"), "{acts:?}");

    // The oracle: net-snmp's own client reads the same values.
    let ids = f["item"]["identifiers"].as_array().unwrap();
    let id = |ty: &str| {
        ids.iter()
            .find(|i| i["type"] == ty)
            .and_then(|i| i["value"].as_str())
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        format!(".{}", id("snmp-object-id")),
        oracle(&snmpget, a.port, "1.3.6.1.2.1.1.2.0").unwrap()
    );
    assert_eq!(
        id("banner"),
        oracle(&snmpget, a.port, "1.3.6.1.2.1.1.1.0").unwrap()
    );
    assert_eq!(f["item"]["name"], "127.0.0.1");
}

/// The inventory written by `probe` is read back by `scan`, which judges it the same way;
/// the file's location is the scan target.
#[test]
fn inventory_file_round_trips_through_scan() {
    let Some((snmpd, snmpget)) = tools() else {
        return;
    };
    let a = agent(&snmpd, &snmpget, HUAWEI_OID, VRP, "core-sw-1");
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory.json");
    let inv_s = inv.to_str().unwrap();
    let out = proscribe()
        .args(["probe", "snmp", &format!("127.0.0.1:{}", a.port)])
        .args(["--community", "test", "-o", inv_s])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&inv).unwrap()).unwrap();
    assert_eq!(doc["schema"], "proscribe.inventory/1");
    assert_eq!(doc["items"].as_array().unwrap().len(), 1);
    assert_eq!(doc["items"][0]["attrs"]["sys-name"], "core-sw-1");
    assert!(doc["errors"].as_array().unwrap().is_empty());

    let (code, report, stderr) = run(&["scan", inv_s, "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["targets"][0]["format"], "inventory");
    let f = &report["findings"][0];
    assert_eq!(f["vendor"]["id"], "huawei");
    assert_eq!(f["location"]["target"], inv_s);
    assert_eq!(f["location"]["collector"], "snmp");
}

/// An agent under net-snmp's own enterprise (8072) with a plain Linux sysDescr is a device
/// with no finding.
#[test]
fn unrelated_enterprise_gives_nothing() {
    let Some((snmpd, snmpget)) = tools() else {
        return;
    };
    let a = agent(
        &snmpd,
        &snmpget,
        NETSNMP_OID,
        "Linux buildhost 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 x86_64",
        "buildhost",
    );
    let (code, report, stderr) = run(&[
        "probe",
        "snmp",
        &format!("127.0.0.1:{}", a.port),
        "--community",
        "test",
        "--scan",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["summary"]["items"], 1);
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
}

/// A port that never answers and a closed port become errors within the timeout budget
/// (timeout × tries, hosts in parallel), exit 2, while an answering agent in the same run
/// is still judged.
#[test]
fn unreachable_targets_time_out_cleanly() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let closed_port = free_port();
    let agent = tools().map(|(snmpd, snmpget)| agent(&snmpd, &snmpget, HUAWEI_OID, VRP, "sw"));
    let mut targets = vec![
        format!("127.0.0.1:{silent_port}"),
        format!("127.0.0.1:{closed_port}"),
    ];
    if let Some(a) = &agent {
        targets.push(format!("127.0.0.1:{}", a.port));
    }
    let started = Instant::now();
    let out = proscribe()
        .args(["probe", "snmp"])
        .args(&targets)
        .args(["--community", "test", "--timeout", "300", "--retries", "1"])
        .args(["--scan", "--format", "json"])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // Two tries of 300 ms for the silent host, in parallel with the others.
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{report:#}");
    assert_eq!(errors[0]["target"], targets[0]);
    let reason = errors[0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("no response after 2 tries of 300 ms each"),
        "{reason}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("proscribe: error: {}: no response", targets[0])),
        "{stderr}"
    );
    if agent.is_some() {
        assert_eq!(report["findings"][0]["vendor"]["id"], "huawei");
    }

    // Without --scan the errors are kept in the inventory, and the exit status is 2 too.
    let out = proscribe()
        .args([
            "probe",
            "snmp",
            &targets[0],
            "--timeout",
            "100",
            "--retries",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["errors"][0]["target"], targets[0]);
    drop(silent);
}

/// SNMPv3 authPriv (SHA/AES) with the right user answers; wrong pass phrases fail with a
/// per-target error instead of a finding.
#[test]
fn v3_auth_priv() {
    let Some((snmpd, snmpget)) = tools() else {
        return;
    };
    let a = agent(&snmpd, &snmpget, HUAWEI_OID, VRP, "core-sw-1");
    let target = format!("127.0.0.1:{}", a.port);
    let good = format!("{V3_USER}:{V3_AUTH}:{V3_PRIV}");
    let (code, report, stderr) = run(&[
        "probe",
        "snmp",
        &target,
        "--v3",
        &good,
        "--auth-protocol",
        "sha",
        "--priv-protocol",
        "aes",
        "--scan",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let f = &report["findings"][0];
    assert_eq!(f["vendor"]["id"], "huawei");
    assert_eq!(
        f["location"]["detail"],
        format!("SNMPv3 (user `{V3_USER}`, authPriv)")
    );

    // The same through the environment, so secrets stay off the command line.
    let out = proscribe()
        .args(["probe", "snmp", &target, "--scan", "--format", "json"])
        .env("PROSCRIBE_SNMP_V3", &good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");

    for bad in [
        format!("{V3_USER}:wrongpass1:{V3_PRIV}"),
        format!("{V3_USER}:{V3_AUTH}:wrongpass1"),
        format!("nosuchuser:{V3_AUTH}:{V3_PRIV}"),
    ] {
        let (code, report, stderr) = run(&[
            "probe",
            "snmp",
            &target,
            "--v3",
            &bad,
            "--timeout",
            "300",
            "--scan",
            "--format",
            "json",
        ]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(report["findings"].as_array().unwrap().is_empty());
        assert_eq!(report["errors"].as_array().unwrap().len(), 1, "{bad}");
        assert!(!stderr.contains("wrongpass1"), "secrets leak: {stderr}");
    }
}

/// Targets are checked before any packet is sent: a range over the cap, a malformed
/// address and a short SNMPv3 pass phrase are usage errors (exit 2) naming the problem.
#[test]
fn bad_targets_and_credentials_are_usage_errors() {
    for (args, expect) in [
        (vec!["10.0.0.0/8"], "the most one range may have is 65536"),
        (vec!["10.0.0.1:99999"], "is not a UDP port"),
        (
            vec!["bad host"],
            "not an IP address, host name or CIDR range",
        ),
        (
            vec!["127.0.0.1", "--v3", "ops:short"],
            "fewer than 8 characters",
        ),
    ] {
        let out = proscribe()
            .args(["probe", "snmp"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}
