//! End-to-end scans of endpoint sources: a mounted macOS root, Linux and Windows homes with
//! browser profiles, phone app lists, certificates and systemd units. Each scan must give
//! exactly the expected findings with their evidence, nothing for near misses, and a
//! one-line error naming each damaged file while the other files are still scanned.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../proscribe-collect/fixtures")
}

fn proscribe() -> Command {
    let mut cmd = Command::cargo_bin("proscribe").unwrap();
    cmd.current_dir(fixtures())
        .env("PROSCRIBE_NOW", "2026-11-25T12:00:00Z")
        .env("COLUMNS", "110")
        .env_remove("PROSCRIBE_CATALOG")
        .env("NO_COLOR", "1");
    cmd
}

/// What a scan gave: each finding as `kind | name | vendor/product | evidence | where`,
/// sorted, and the errors as `target: reason`.
struct Scan {
    findings: Vec<String>,
    errors: Vec<String>,
    items: u64,
    stderr: String,
}

fn scan(targets: &[&str], code: i32) -> Scan {
    let out = proscribe()
        .args(["scan", "--format", "json"])
        .args(targets)
        .assert()
        .code(code)
        .get_output()
        .clone();
    let report: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let mut findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let evidence: Vec<String> = f["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    format!(
                        "{}={}",
                        e["field"].as_str().unwrap(),
                        e["value"].as_str().unwrap()
                    )
                })
                .collect();
            let place = match f["location"]["detail"].as_str() {
                Some(d) => format!("{} ({d})", f["location"]["path"].as_str().unwrap()),
                None => f["location"]["path"].as_str().unwrap().to_owned(),
            };
            format!(
                "{} | {} | {}/{} | {} | {}",
                f["item"]["kind"].as_str().unwrap(),
                f["item"]["name"].as_str().unwrap(),
                f["vendor"]["id"].as_str().unwrap(),
                f["product"]["id"].as_str().unwrap_or("-"),
                evidence.join(", "),
                place
            )
        })
        .collect();
    findings.sort();
    findings.dedup();
    let errors = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["target"].as_str().unwrap(),
                e["reason"].as_str().unwrap()
            )
        })
        .collect();
    Scan {
        findings,
        errors,
        items: report["summary"]["items"].as_u64().unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// A mounted macOS root: apps (also per user), receipts, install history, launchd jobs and
/// a user's Chrome profile; near-miss apps and jobs give nothing.
#[test]
fn macos_root() {
    let s = scan(&["macos/root"], 1);
    assert_eq!(s.errors, Vec::<String>::new());
    // 4 + 1 apps, 2 receipts + 2 install-history entries, 3 jobs, 1 extension.
    assert_eq!(s.items, 13);
    assert_eq!(
        s.findings,
        sorted(&[
            "application | Kaspersky Internet Security | kaspersky/kaspersky-home-security | name=Kaspersky Internet Security, bundle-id=com.kaspersky.kav, bundle-id=com.kaspersky.kav | macos/root/Applications/Kaspersky Internet Security.app/Contents/Info.plist",
            "application | Telegram | telegram/telegram-messenger | bundle-id=ru.keepcoder.Telegram | macos/root/Users/bob/Applications/Telegram.app/Contents/Info.plist",
            "browser-extension | Kaspersky Protection | kaspersky/kaspersky-protection-extension | extension-id=amkpcclbbgegoafihnpgomddadjhcadd | macos/root/Users/bob/Library/Application Support/Google/Chrome/Default/Extensions/amkpcclbbgegoafihnpgomddadjhcadd/4.0.97.0_0/manifest.json",
            "package | Kaspersky Internet Security | kaspersky/kaspersky-home-security | name=Kaspersky Internet Security, bundle-id=com.kaspersky.kav.core | macos/root/Library/Receipts/InstallHistory.plist (entry 0)",
            "package | com.kaspersky.kav.core | kaspersky/- | bundle-id=com.kaspersky.kav.core | macos/root/var/db/receipts/com.kaspersky.kav.core.plist",
            "service | com.kaspersky.kav | kaspersky/- | service-name=com.kaspersky.kav | macos/root/Library/LaunchDaemons/com.kaspersky.kav.plist",
        ])
    );
}

/// Linux homes (`home/*`, `root`) with Chrome, Edge, Chromium and Firefox profiles: the
/// `__MSG_` name is resolved from `_locales`, the newest version folder is read, and
/// Kasper-named extensions give nothing.
#[test]
fn linux_home_browsers() {
    let s = scan(&["browser/linux-root"], 1);
    assert_eq!(s.errors, Vec::<String>::new());
    assert_eq!(s.items, 8);
    assert_eq!(
        s.findings,
        sorted(&[
            "browser-extension | Kaspersky Protection | kaspersky/- | publisher=AO Kaspersky Lab | browser/linux-root/home/alice/.mozilla/firefox/k3x9q2ab.default-release/extensions.json (addons[0])",
            "browser-extension | Kaspersky Protection | kaspersky/kaspersky-protection-extension | extension-id=amkpcclbbgegoafihnpgomddadjhcadd | browser/linux-root/home/alice/.config/google-chrome/Default/Extensions/amkpcclbbgegoafihnpgomddadjhcadd/4.0.97.0_0/manifest.json",
        ])
    );
}

/// A Windows root's Edge (`AppData/Local/Microsoft/Edge/User Data`) and Firefox
/// (`AppData/Roaming/Mozilla/Firefox/Profiles`).
#[test]
fn windows_home_browsers() {
    let s = scan(&["browser/windows-root"], 1);
    assert_eq!(s.errors, Vec::<String>::new());
    assert_eq!(s.items, 2);
    assert_eq!(
        s.findings,
        sorted(&["browser-extension | Kaspersky Protection | kaspersky/kaspersky-protection-extension | extension-id=amkpcclbbgegoafihnpgomddadjhcadd | browser/windows-root/Users/dave/AppData/Local/Microsoft/Edge/User Data/Default/Extensions/amkpcclbbgegoafihnpgomddadjhcadd/4.0.97.0_0/manifest.json"])
    );
}

/// Phone lists: `pm list packages` plain and with `-f -U --show-versioncode`, `dumpsys
/// package`, and Intune's discovered-apps export.
#[test]
fn phone_lists() {
    let s = scan(
        &[
            "mobile/pm-list-packages.txt",
            "mobile/pm-list-packages-f-U-versioncode.txt",
            "mobile/dumpsys-package.txt",
            "mobile/intune-discovered-apps.csv",
        ],
        1,
    );
    assert_eq!(s.errors, Vec::<String>::new());
    // 5 + 5 + 3 (Chrome once, though also under hidden system packages) + 6.
    assert_eq!(s.items, 19);
    assert_eq!(
        s.findings,
        sorted(&[
            "mobile-app | com.zhiliaoapp.musically | bytedance/tiktok | android-package=com.zhiliaoapp.musically | mobile/pm-list-packages.txt (line 2)",
            "mobile-app | org.telegram.messenger | telegram/telegram-messenger | android-package=org.telegram.messenger | mobile/pm-list-packages.txt (line 3)",
            "mobile-app | com.kms.free | kaspersky/kaspersky-home-security | android-package=com.kms.free | mobile/pm-list-packages.txt (line 5)",
            "mobile-app | com.ss.android.ugc.trill | bytedance/tiktok | android-package=com.ss.android.ugc.trill | mobile/pm-list-packages-f-U-versioncode.txt (line 1)",
            "mobile-app | com.deepseek.chat | deepseek/deepseek-chat | android-package=com.deepseek.chat | mobile/pm-list-packages-f-U-versioncode.txt (line 4)",
            "mobile-app | com.tencent.mm | tencent/wechat | android-package=com.tencent.mm | mobile/dumpsys-package.txt (line 11)",
            "mobile-app | org.telegram.messenger | telegram/telegram-messenger | android-package=org.telegram.messenger | mobile/dumpsys-package.txt (line 31)",
            "mobile-app | TikTok | bytedance/tiktok | android-package=com.zhiliaoapp.musically, name=TikTok | mobile/intune-discovered-apps.csv (line 2)",
            "mobile-app | Telegram | telegram/telegram-messenger | android-package=org.telegram.messenger | mobile/intune-discovered-apps.csv (line 3)",
            "application | Kaspersky Endpoint Security for Windows | kaspersky/kaspersky-endpoint-security | name=Kaspersky Endpoint Security for Windows, publisher=AO Kaspersky Lab | mobile/intune-discovered-apps.csv (line 6)",
        ])
    );
}

/// Certificates: a trust store written by update-ca-certificates (the bundle's Kaspersky
/// root once, the local copy once; links skipped), a RHEL anchor in DER, a PEM bundle with
/// junk between blocks. Every Kaspersky item is found by its subject; the public CAs are not.
#[test]
fn certificates() {
    let s = scan(
        &[
            "certificate/root-debian",
            "certificate/root-rhel",
            "certificate/bundle-with-junk.pem",
        ],
        1,
    );
    assert_eq!(s.errors, Vec::<String>::new());
    // Debian: 3 in the bundle + 1 local; RHEL: 1; bundle: 2.
    assert_eq!(s.items, 7);
    // The CN is also the root-certificate product's name signature (merge with i3-win), which
    // keeps the item from being read as the "Kaspersky Anti-Virus" product as well.
    let subject = "cert-subject=CN=Kaspersky Anti-Virus Personal Root Certificate,O=AO Kaspersky Lab,C=RU, name=Kaspersky Anti-Virus Personal Root Certificate, publisher=AO Kaspersky Lab";
    let by_subject: Vec<&String> = s
        .findings
        .iter()
        .filter(|f| f.contains("kaspersky/kaspersky-root-certificate"))
        .collect();
    let places = [
        "certificate/root-debian/etc/ssl/certs/ca-certificates.crt (line 54)",
        "certificate/root-debian/usr/local/share/ca-certificates/kaspersky-root.crt",
        "certificate/root-rhel/etc/pki/ca-trust/source/anchors/kaspersky.cer",
        "certificate/bundle-with-junk.pem (line 59)",
    ];
    assert_eq!(
        by_subject.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        sorted(&places.map(|p| format!(
            "certificate | Kaspersky Anti-Virus Personal Root Certificate | kaspersky/kaspersky-root-certificate | {subject} | {p}"
        )).iter().map(String::as_str).collect::<Vec<_>>())
    );
    // Every finding is about one of those four Kaspersky certificates.
    for f in &s.findings {
        assert!(
            f.starts_with(
                "certificate | Kaspersky Anti-Virus Personal Root Certificate | kaspersky/"
            ) && places.iter().any(|p| f.ends_with(p)),
            "{f}"
        );
    }
}

/// systemd units from a mounted root: files and absolute alias links resolved inside the
/// root; masks, escapes and Kasper-named units give nothing.
#[test]
fn systemd_units() {
    let s = scan(&["systemd/root"], 1);
    assert_eq!(s.errors, Vec::<String>::new());
    assert_eq!(s.items, 8);
    assert_eq!(
        s.findings,
        sorted(&[
            "service | klnagent.service | kaspersky/kaspersky-security-center | service-name=klnagent | systemd/root/etc/systemd/system/klnagent.service",
            "service | klnagent64.service | kaspersky/kaspersky-security-center | service-name=klnagent64 | systemd/root/usr/lib/systemd/system/klnagent64.service",
        ])
    );
}

/// Near misses of every source: items are read, nothing is found.
#[test]
fn near_misses_find_nothing() {
    let s = scan(
        &[
            "mobile/pm-list-near-miss.txt",
            "certificate/near-miss-kasper.pem",
            "certificate/near-miss-antivirus.der",
        ],
        0,
    );
    assert_eq!(s.errors, Vec::<String>::new());
    assert_eq!(s.items, 7);
    assert_eq!(s.findings, Vec::<String>::new());
}

/// Damaged files: a plist that is not a plist, a cut binary plist, a manifest and an
/// extensions.json that are not JSON, a certificate that is not DER, a damaged PEM block,
/// a pm list with an error line, a CSV with a broken row. Each is one line naming the
/// file; everything else is still scanned and found.
#[test]
fn bad_input_is_one_line_each_and_the_rest_is_scanned() {
    let s = scan(
        &[
            "macos/bad-root",
            "browser/bad-root",
            "certificate/not-a-certificate.der",
            "certificate/bad-base64.pem",
            "mobile/pm-list-bad.txt",
            "mobile/intune-bad.csv",
            "macos/single/not-a-plist.plist",
        ],
        2,
    );
    assert_eq!(
        s.errors,
        [
            "macos/bad-root/Applications: macos-app: macos/bad-root/Applications/Broken.app/Contents/Info.plist: not a property list: neither binary (`bplist00`) nor XML (`<?xml`, `<plist`) (kept the 1 items read before it)",
            "macos/bad-root/Library/LaunchDaemons: launchd: macos/bad-root/Library/LaunchDaemons/com.example.cut.plist: not a property list: InvalidTrailerObjectOffsetSize (offset 16) (kept the 1 items read before it)",
            "browser/bad-root/home: chromium-extensions: browser/bad-root/home/carol/.config/google-chrome/Default/Extensions/ffffffffffffffffffffffffffffffff/1.0_0/manifest.json: not JSON: EOF while parsing a value at line 1 column 33 (kept the 1 items read before it)",
            "browser/bad-root/home: firefox-extensions: browser/bad-root/home/carol/.mozilla/firefox/zz.default/extensions.json: not JSON: expected ident at line 1 column 2",
            "certificate/not-a-certificate.der: certificate: not a DER X.509 certificate: Parsing Error: InvalidSerial",
            "certificate/bad-base64.pem: certificate: damaged PEM block: line 1: byte '!' at offset 64 of the base64 body is not base64",
            "mobile/pm-list-bad.txt: android-pm: line 3: expected `package:<application id>`, found `Error: java.lang.SecurityException: Permission Denial` (kept the 2 items read before it)",
            "mobile/intune-bad.csv: intune-csv: line 3: 2 fields where the header has 6 (kept the 1 items read before it)",
            "macos/single/not-a-plist.plist: plist: not a property list: UnexpectedEndOfEventStream",
        ]
        .map(str::to_owned)
    );
    assert_eq!(s.stderr.lines().count(), s.errors.len(), "{}", s.stderr);
    assert_eq!(
        s.findings,
        sorted(&[
            "application | Telegram | telegram/telegram-messenger | bundle-id=ru.keepcoder.Telegram | macos/bad-root/Applications/Telegram.app/Contents/Info.plist",
            "service | com.kaspersky.kav | kaspersky/- | service-name=com.kaspersky.kav | macos/bad-root/Library/LaunchDaemons/com.kaspersky.kav.plist",
            "browser-extension | Kaspersky Protection | kaspersky/kaspersky-protection-extension | extension-id=amkpcclbbgegoafihnpgomddadjhcadd | browser/bad-root/home/carol/.config/google-chrome/Default/Extensions/amkpcclbbgegoafihnpgomddadjhcadd/4.0.97.0_0/manifest.json",
            "mobile-app | com.tencent.mm | tencent/wechat | android-package=com.tencent.mm | mobile/pm-list-bad.txt (line 2)",
            "mobile-app | WeChat | tencent/wechat | android-package=com.tencent.mm, name=WeChat | mobile/intune-bad.csv (line 2)",
        ])
    );
}

/// Single plists, sniffed by content: an XML Info.plist, a binary receipt.
#[test]
fn single_plists() {
    let s = scan(
        &["macos/single/Info.plist", "macos/single/receipt.plist"],
        1,
    );
    assert_eq!(s.errors, Vec::<String>::new());
    assert_eq!(
        s.findings,
        sorted(&[
            "application | Kaspersky Internet Security | kaspersky/kaspersky-home-security | name=Kaspersky Internet Security, bundle-id=com.kaspersky.kav, bundle-id=com.kaspersky.kav | macos/single/Info.plist",
            "package | com.kaspersky.kav.core | kaspersky/- | bundle-id=com.kaspersky.kav.core | macos/single/receipt.plist",
        ])
    );
}
