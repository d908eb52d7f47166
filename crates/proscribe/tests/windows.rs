//! End to end on Windows inputs: a mounted Windows root (hives built by hivexregedit), `.reg`
//! exports in UTF-16LE and UTF-8, and a damaged hive among good ones.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../proscribe-collect/fixtures")
}

fn proscribe(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("proscribe").unwrap();
    cmd.current_dir(dir)
        .env("PROSCRIBE_NOW", "2026-11-25T12:00:00Z")
        .env_remove("PROSCRIBE_CATALOG")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs `scan --format json` on targets relative to `dir`; returns the exit code and report.
fn scan(dir: &Path, targets: &[&str]) -> (i32, Value, String) {
    let out = proscribe(dir)
        .args(["scan", "--format", "json"])
        .args(targets)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    (
        out.status.code().unwrap(),
        report,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// (vendor, product, item kind, item name) of every finding, sorted.
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    let mut all: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["vendor"]["id"].as_str().unwrap().to_owned(),
                f["product"]["id"].as_str().unwrap_or("-").to_owned(),
                f["item"]["kind"].as_str().unwrap().to_owned(),
                f["item"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    all.sort();
    all
}

fn finding<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"]["name"] == name)
        .unwrap_or_else(|| panic!("no finding for {name}"))
}

/// (field, value) of each piece of evidence.
fn evidence(f: &Value) -> Vec<(String, String)> {
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
}

fn t(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
    (a.into(), b.into(), c.into(), d.into())
}

const KES_KEY: &str = "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{5B7C9A1E-2D3F-4C6B-8E0A-1F2E3D4C5B6A}";

/// The findings the mounted-root fixture must give, and nothing else: no near misses
/// (Kasper Sky Tools, Aztech, Aztec Backup Service), no benign root, nothing from the
/// ControlSet002 decoy (klnagent) or the Disallowed store.
fn expected_root_findings() -> Vec<(String, String, String, String)> {
    vec![
        t("kaspersky", "-", "driver", "klif"),
        t(
            "kaspersky",
            "kaspersky-endpoint-security",
            "application",
            "Kaspersky Endpoint Security for Windows",
        ),
        t(
            "kaspersky",
            "kaspersky-endpoint-security",
            "service",
            "Kaspersky Endpoint Security Service",
        ),
        t(
            "kaspersky",
            "kaspersky-root-certificate",
            "certificate",
            "Kaspersky Anti-Virus Personal Root Certificate",
        ),
        t(
            "telegram",
            "telegram-messenger",
            "application",
            "Telegram Desktop",
        ),
        t("tencent", "wechat", "application", "WeChat"),
    ]
}

/// A mounted Windows root: KES under WOW6432Node, the per-user Telegram, the klif driver,
/// the AVP service and the root certificate, each with its evidence and location.
#[test]
fn mounted_windows_root() {
    let dir = fixtures();
    let (code, report, stderr) = scan(&dir, &["roots/windows"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["errors"], Value::Array(vec![]));
    // Collectors of other systems look into `Users` too (macOS apps, browser profiles) and
    // find nothing there in this root.
    let targets: Vec<_> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["items"] != 0)
        .map(|t| (t["target"].as_str().unwrap(), t["format"].as_str().unwrap()))
        .collect();
    assert_eq!(
        targets,
        [
            (
                "roots/windows/Windows/System32/config/SOFTWARE",
                "windows-hive"
            ),
            (
                "roots/windows/Windows/System32/config/SYSTEM",
                "windows-hive"
            ),
            ("roots/windows/Users/alice/NTUSER.DAT", "windows-hive"),
        ]
    );
    assert_eq!(findings(&report), expected_root_findings());

    let kes = finding(&report, "Kaspersky Endpoint Security for Windows");
    assert_eq!(kes["status"], "banned");
    assert_eq!(
        kes["location"]["path"],
        "roots/windows/Windows/System32/config/SOFTWARE"
    );
    assert_eq!(kes["location"]["detail"], KES_KEY);
    assert_eq!(kes["location"]["collector"], "windows-hive");
    assert_eq!(
        evidence(kes),
        [
            (
                "name".into(),
                "Kaspersky Endpoint Security for Windows".into()
            ),
            ("publisher".into(), "АО «Лаборатория Касперского»".into()),
        ]
    );
    assert_eq!(kes["item"]["version"], "11.11.0.452");

    let tg = finding(&report, "Telegram Desktop");
    assert_eq!(
        tg["location"]["path"],
        "roots/windows/Users/alice/NTUSER.DAT"
    );
    assert_eq!(
        evidence(tg)[0],
        (
            "windows-product-code".into(),
            "{53F49750-6209-4FBF-9CA8-7A333C87D1ED}_is1".into()
        )
    );

    let klif = finding(&report, "klif");
    assert_eq!(
        klif["location"]["detail"],
        "HKLM\\SYSTEM\\ControlSet001\\Services\\klif"
    );
    assert_eq!(evidence(klif), [("file-name".into(), "klif.sys".into())]);

    let avp = finding(&report, "Kaspersky Endpoint Security Service");
    assert!(evidence(avp).contains(&("service-name".into(), "AVP21.3".into())));
    assert_eq!(
        avp["location"]["detail"],
        "HKLM\\SYSTEM\\ControlSet001\\Services\\AVP21.3"
    );

    let root = finding(&report, "Kaspersky Anti-Virus Personal Root Certificate");
    assert_eq!(root["item"]["publisher"], "AO Kaspersky Lab");
    assert!(root["location"]["detail"]
        .as_str()
        .unwrap()
        .starts_with("HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates\\"));
    assert_eq!(
        evidence(root)[0],
        (
            "cert-subject".into(),
            "CN=Kaspersky Anti-Virus Personal Root Certificate,O=AO Kaspersky Lab".into()
        )
    );
}

/// `reg export` output in UTF-16LE (BOM, CRLF), hivexregedit's UTF-8 export of SYSTEM and a
/// REGEDIT4 user export: the same findings as from the hives, located by key and line.
#[test]
fn reg_exports_both_encodings() {
    let dir = fixtures().join("windows-reg");
    let (code, report, stderr) = scan(
        &dir,
        &[
            "wow64-uninstall-utf16.reg",
            "system-hivex-utf8.reg",
            "hku-regedit4-utf8.reg",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["errors"], Value::Array(vec![]));
    let formats: Vec<_> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["windows-reg"; 3]);
    assert_eq!(
        findings(&report),
        [
            t("kaspersky", "-", "driver", "klif"),
            t(
                "kaspersky",
                "kaspersky-endpoint-security",
                "application",
                "Kaspersky Endpoint Security for Windows"
            ),
            t(
                "kaspersky",
                "kaspersky-endpoint-security",
                "service",
                "Kaspersky Endpoint Security Service"
            ),
            t(
                "telegram",
                "telegram-messenger",
                "application",
                "Telegram Desktop"
            ),
        ]
    );
    let kes = finding(&report, "Kaspersky Endpoint Security for Windows");
    assert_eq!(kes["location"]["path"], "wow64-uninstall-utf16.reg");
    assert_eq!(
        kes["location"]["detail"],
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{5B7C9A1E-2D3F-4C6B-8E0A-1F2E3D4C5B6A} (line 5)"
    );
    let avp = finding(&report, "Kaspersky Endpoint Security Service");
    assert!(avp["location"]["detail"]
        .as_str()
        .unwrap()
        .starts_with("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\AVP21.3 (line "));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A truncated NTUSER.DAT and a file that only claims to be a hive: one error each, naming
/// the file, exit status 2, and every finding of the good hives still reported.
#[test]
fn damaged_hives_among_good_ones() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("roots/windows"), &tmp.path().join("win"));
    let good = std::fs::read(tmp.path().join("win/Users/alice/NTUSER.DAT")).unwrap();
    std::fs::create_dir_all(tmp.path().join("win/Users/bob")).unwrap();
    std::fs::write(
        tmp.path().join("win/Users/bob/NTUSER.DAT"),
        &good[..good.len() / 3],
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join("win/Users/carol")).unwrap();
    let mut bad = good.clone();
    bad[4096..4100].copy_from_slice(b"XXXX");
    std::fs::write(tmp.path().join("win/Users/carol/NTUSER.DAT"), bad).unwrap();

    let (code, report, stderr) = scan(tmp.path(), &["win"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(findings(&report), expected_root_findings());
    let errors: Vec<_> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["target"].as_str().unwrap().to_owned(),
                e["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "win/Users/bob/NTUSER.DAT");
    assert!(
        errors[0].1.starts_with("windows-hive: truncated hive:"),
        "{}",
        errors[0].1
    );
    assert_eq!(errors[1].0, "win/Users/carol/NTUSER.DAT");
    assert_eq!(
        errors[1].1,
        "windows-hive: truncated hive: no hive bin (`hbin`) at file offset 0x1000"
    );
    assert!(stderr.contains("win/Users/bob/NTUSER.DAT"), "{stderr}");
}
