//! End-to-end: network scans, neighbour tables, leases and LLDP through `proscribe scan`,
//! judged against the built-in catalog; and a real `nmap` run inside network namespaces
//! this test creates (and removes).

use std::path::PathBuf;
use std::process::Command as StdCommand;

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

/// Runs `proscribe scan --format json` on fixture paths; returns the exit code and report.
fn scan_json(args: &[&str]) -> (i32, Value) {
    let out = proscribe()
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap_or(-1), report)
}

fn findings_for<'a>(report: &'a Value, item: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item"]["name"] == item)
        .collect()
}

fn act_ids(finding: &Value) -> Vec<&str> {
    finding["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect()
}

/// Checks the findings of the four kinds of device every network test uses.
fn assert_lan_findings(report: &Value, huawei: &str, ezviz: &str, others: &[&str]) {
    let hw = findings_for(report, huawei);
    assert_eq!(hw.len(), 1, "{huawei}: {hw:?}");
    let hw = hw[0];
    assert_eq!(hw["vendor"]["id"], "huawei");
    assert_eq!(hw["entity"], Value::Null);
    assert_eq!(hw["status"], "banned");
    assert_eq!(hw["evidence"][0]["field"], "mac");
    assert_eq!(hw["evidence"][0]["signature"], "huawei#oui:001882");
    assert_eq!(hw["evidence"][0]["source"], "ieee-oui");
    let acts = act_ids(hw);
    assert!(acts.contains(&"us-ndaa-fy2019-889"), "{acts:?}");
    assert!(acts.contains(&"us-fcc-covered-list-2021-03-12"), "{acts:?}");

    let ez = findings_for(report, ezviz);
    assert_eq!(ez.len(), 1, "{ezviz}: {ez:?}");
    assert_eq!(ez[0]["vendor"]["id"], "hikvision");
    assert_eq!(ez[0]["entity"], "Hangzhou EZVIZ Network Co., Ltd.");
    assert_eq!(ez[0]["evidence"][0]["signature"], "hikvision#oui:588FCF");
    assert!(act_ids(ez[0]).contains(&"us-ndaa-fy2019-889"));

    for other in others {
        assert_eq!(findings_for(report, other), Vec::<&Value>::new(), "{other}");
    }
}

/// nmap's ARP sweep (fixture): Huawei and EZVIZ (reported under Hikvision) by their OUIs,
/// with §889 and the FCC Covered List; the Intel, locally administered and Honor devices
/// give nothing (Honor is not Huawei's without a date before the sale).
#[test]
fn nmap_sweep_findings() {
    let (code, report) = scan_json(&["net/nmap/ping-sweep.xml"]);
    assert_eq!(code, 1);
    assert_eq!(report["targets"][0]["format"], "nmap");
    assert_eq!(report["summary"]["items"], 7);
    assert_lan_findings(
        &report,
        "10.231.0.2",
        "10.231.0.3",
        &["10.231.0.1", "10.231.0.5", "10.231.0.6", "10.231.0.7"],
    );
    let hik = findings_for(&report, "10.231.0.4");
    assert_eq!(hik[0]["vendor"]["id"], "hikvision");
    assert_eq!(hik[0]["entity"], Value::Null);
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
}

/// Version detection: the Huawei VRP SSH service is Huawei's by its OUI and by nmap's
/// service CPE (the catalog's `cpe` signature), both shown as evidence.
#[test]
fn nmap_service_cpe_evidence() {
    let (code, report) = scan_json(&["net/nmap/service-scan.xml"]);
    assert_eq!(code, 1);
    let hw = findings_for(&report, "10.231.0.2");
    let fields: Vec<&str> = hw
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"mac"), "{fields:?}");
    assert!(fields.contains(&"cpe"), "{fields:?}");
}

/// The same LAN seen through the scanner's neighbour table, and Windows' tables.
#[test]
fn neighbour_table_findings() {
    let (code, report) = scan_json(&["net/neigh/ip-neigh.txt"]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
    for rel in [
        "net/neigh/windows-arp-a.txt",
        "net/neigh/windows-arp-a-utf16.txt",
    ] {
        let (code, report) = scan_json(&[rel]);
        assert_eq!(code, 1, "{rel}");
        let names: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["item"]["name"].as_str().unwrap())
            .collect();
        // 00:e0:fc Huawei, 64:f2:fb EZVIZ; ac:ed:5c Intel and 02:… (local) give nothing.
        assert_eq!(names, ["192.168.1.1", "192.168.1.20"], "{rel}");
    }
}

/// DHCP leases of all three servers: the Huawei phone is found; the Honor phone is not.
#[test]
fn dhcp_lease_findings() {
    for rel in [
        "net/dhcp/dnsmasq.leases",
        "net/dhcp/dhcpd.leases",
        "net/dhcp/kea-leases4.csv",
    ] {
        let (code, report) = scan_json(&[rel]);
        assert_eq!(code, 1, "{rel}");
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{rel}: {findings:?}");
        assert_eq!(findings[0]["vendor"]["id"], "huawei");
        assert_eq!(
            findings[0]["item"]["identifiers"][0]["value"],
            "00:18:82:00:01:01"
        );
    }
}

/// Every (field, signature) of the evidence of an item's findings.
fn evidence_of(report: &Value, item: &str) -> Vec<(String, String)> {
    findings_for(report, item)
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["signature"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// LLDP: the Huawei switch by its chassis MAC and by its VRP system description (a
/// sysDescr signature); the Debian host gives nothing.
#[test]
fn lldp_findings() {
    let (code, report) = scan_json(&["net/lldp/lldpctl.json"]);
    assert_eq!(code, 1);
    let f = report["findings"].as_array().unwrap();
    assert!(f.iter().all(|f| f["item"]["name"] == "10.233.1.2"), "{f:?}");
    assert!(f.iter().all(|f| f["vendor"]["id"] == "huawei"));
    let ev = evidence_of(&report, "10.233.1.2");
    assert!(
        ev.contains(&("mac".into(), "huawei#oui:00E0FC".into())),
        "{ev:?}"
    );
    assert!(ev.iter().any(|(field, _)| field == "banner"), "{ev:?}");
}

/// ISC dhcpd recorded the Huawei phone's vendor class: a second piece of evidence.
#[test]
fn dhcp_vendor_class_evidence() {
    let (_, report) = scan_json(&["net/dhcp/dhcpd.leases"]);
    let ev = evidence_of(&report, "10.232.0.100");
    assert!(
        ev.contains(&("mac".into(), "huawei#oui:001882".into())),
        "{ev:?}"
    );
    assert!(
        ev.iter()
            .any(|(field, sig)| field == "banner" && sig.starts_with("huawei#")),
        "{ev:?}"
    );
    // The Honor phone's `HONOR:android:` class is not Huawei's.
    assert_eq!(findings_for(&report, "10.232.0.101"), Vec::<&Value>::new());
}

/// USB: the Huawei stick by its usb.ids vendor id, an equipment act on a `usb-device`.
#[test]
fn usb_findings() {
    let (code, report) = scan_json(&["hw/lsusb.txt"]);
    assert_eq!(code, 1);
    let f = report["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["item"]["kind"], "usb-device");
    assert_eq!(f[0]["evidence"][0]["signature"], "huawei#usb:12d1");
    assert!(act_ids(&f[0]).contains(&"us-ndaa-fy2019-889"));
}

/// Honor's OUI: not Huawei's for an undated or later device, Huawei's (naming Honor) for
/// one dated before the sale on 2020-11-17. Dates come from inventories that know them,
/// so this runs the library stages directly on a collected item.
#[test]
fn honor_ownership_dates() {
    let inv = proscribe_collect::collect(
        &[proscribe_collect::Target::Path(
            fixtures().join("net/nmap/ping-sweep.xml"),
        )],
        proscribe_collect::Options::default(),
    );
    let catalog = proscribe_catalog::Catalog::builtin().unwrap();
    let matcher = proscribe_match::Matcher::compile(&catalog).unwrap();
    let honor = inv
        .items
        .iter()
        .find(|i| i.name == "10.231.0.7")
        .unwrap()
        .clone();
    assert_eq!(
        matcher.mac_owner("04:79:75:00:00:07"),
        Some(("huawei", Some("Honor Device Co., Ltd.")))
    );
    assert_eq!(matcher.find(&honor), vec![]);
    let mut later = honor.clone();
    later.attrs.insert("date".into(), "2021-03-01".into());
    assert_eq!(matcher.find(&later), vec![]);
    let mut earlier = honor;
    earlier.attrs.insert("date".into(), "2020-06-01".into());
    let m = matcher.find(&earlier);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].vendor, "huawei");
    assert_eq!(m[0].entity.as_deref(), Some("Honor Device Co., Ltd."));
}

/// Network namespaces made by one test, removed when it ends (even on a failed assert).
struct Namespaces(Vec<String>);

impl Drop for Namespaces {
    fn drop(&mut self) {
        for ns in &self.0 {
            let _ = StdCommand::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = StdCommand::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|u| u.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Builds the LAN: a bridge in namespace `br`, one namespace per device with a veth port on
/// it, the device's MAC and address 10.231.0.<n>. Every namespace goes to `guard` as soon
/// as it exists.
fn lan(
    tag: &str,
    br: &str,
    devices: &[(&str, &str)],
    guard: &mut Namespaces,
) -> Result<(), String> {
    ip(&["-n", br, "link", "add", "br0", "type", "bridge"])?;
    ip(&["-n", br, "link", "set", "br0", "up"])?;
    for (i, (role, mac)) in devices.iter().enumerate() {
        let ns = format!("{tag}-{role}");
        ip(&["netns", "add", &ns])?;
        guard.0.push(ns.clone());
        let port = format!("p{i}");
        ip(&[
            "-n", br, "link", "add", &port, "type", "veth", "peer", "name", "eth0", "netns", &ns,
        ])?;
        ip(&["-n", br, "link", "set", &port, "master", "br0", "up"])?;
        ip(&["-n", &ns, "link", "set", "eth0", "address", mac])?;
        let addr = format!("10.231.0.{}/24", i + 1);
        ip(&["-n", &ns, "addr", "add", &addr, "dev", "eth0"])?;
        ip(&["-n", &ns, "link", "set", "eth0", "up"])?;
        ip(&["-n", &ns, "link", "set", "lo", "up"])?;
    }
    Ok(())
}

/// A real `nmap -sn -oX` of a LAN of namespaces joined by a bridge in its own namespace:
/// devices with a Huawei MAC, an EZVIZ MAC, an Intel MAC and a locally administered one,
/// scanned from a fifth. No interface is made outside the test's namespaces.
#[test]
fn real_nmap_in_network_namespaces() {
    if !is_root() {
        eprintln!("skipped real_nmap_in_network_namespaces: needs root for network namespaces");
        return;
    }
    if StdCommand::new("nmap").arg("--version").output().is_err() {
        eprintln!("skipped real_nmap_in_network_namespaces: nmap is not installed (scripts/test installs it)");
        return;
    }
    let tag = format!("psc{}", std::process::id());
    let br = format!("{tag}-br");
    let mut guard = Namespaces(Vec::new());
    if let Err(e) = ip(&["netns", "add", &br]) {
        eprintln!(
            "skipped real_nmap_in_network_namespaces: cannot create a network namespace: {e}"
        );
        return;
    }
    guard.0.push(br.clone());
    let devices = [
        ("scan", "ac:ed:5c:5e:00:01"),
        ("hw", "00:18:82:5e:00:02"),
        ("ez", "58:8f:cf:5e:00:03"),
        ("oth", "ac:ed:5c:5e:00:04"),
        ("laa", "02:18:82:5e:00:05"),
    ];
    lan(&tag, &br, &devices, &mut guard).unwrap();

    let scanner = format!("{tag}-scan");
    let out = StdCommand::new("ip")
        .args([
            "netns",
            "exec",
            &scanner,
            "nmap",
            "-sn",
            "-n",
            "-oX",
            "-",
            "10.231.0.1-5",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nmap failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = out.stdout;
    let run = proscribe()
        .args(["scan", "--format", "json", "-"])
        .write_stdin(xml.clone())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&run.stdout).unwrap();
    let context = String::from_utf8_lossy(&xml);
    assert_eq!(run.status.code(), Some(1), "{context}");
    assert_eq!(report["summary"]["items"], 5, "{context}");
    assert_lan_findings(
        &report,
        "10.231.0.2",
        "10.231.0.3",
        &["10.231.0.1", "10.231.0.4", "10.231.0.5"],
    );
    assert_eq!(report["findings"].as_array().unwrap().len(), 2, "{context}");
}
