//! A fixed report built the way a scan builds one: a small copy of the catalog, a mixed
//! inventory, matches as the matcher records them, judged by `Policy::all()`.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use proscribe_catalog::{Catalog, MatchKind};
use proscribe_match::{Evidence, Match};
use proscribe_model::{
    Host, Identifier, IdentifierKind, InputError, Inventory, Item, ItemKind, Location,
    TargetSummary,
};
use proscribe_policy::Policy;
use proscribe_report::Report;

pub(crate) fn catalog() -> Catalog {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog");
    Catalog::load_dir(&dir).unwrap_or_else(|e| panic!("fixture catalog: {e}"))
}

fn at(target: &str, collector: &str, path: &str, detail: &str) -> Location {
    Location {
        target: target.into(),
        collector: collector.into(),
        path: path.into(),
        detail: Some(detail.into()),
    }
}

fn item(kind: ItemKind, name: &str, version: Option<&str>, location: Location) -> Item {
    let mut item = Item::new(kind, name, location);
    item.version = version.map(Into::into);
    item
}

fn evidence(field: &str, value: &str, signature: &str, source: &str, how: MatchKind) -> Evidence {
    Evidence {
        field: field.into(),
        value: value.into(),
        signature: signature.into(),
        source: source.into(),
        how,
    }
}

/// The inventory and, for each item, the matches the matcher would report.
fn scan() -> (Inventory, Vec<(usize, Match)>) {
    let mut items = Vec::new();
    let mut matches = Vec::new();

    for (name, version, line) in [
        ("bash", "5.2.15-2+b7", "line 1"),
        ("coreutils", "9.1-1", "line 210"),
    ] {
        let mut i = item(
            ItemKind::Package,
            name,
            Some(version),
            at("dpkg-status", "dpkg", "dpkg-status", line),
        );
        i.identifiers.push(Identifier::package("deb", name));
        items.push(i);
    }
    let mut kesl = item(
        ItemKind::Package,
        "kesl",
        Some("12.1.0-1268"),
        at("dpkg-status", "dpkg", "dpkg-status", "line 20431"),
    );
    kesl.identifiers.push(Identifier::package("deb", "kesl"));
    matches.push((
        items.len(),
        Match {
            vendor: "kaspersky".into(),
            product: Some("kaspersky-endpoint-security".into()),
            entity: None,
            evidence: vec![evidence(
                "package",
                "kesl",
                "kaspersky-endpoint-security#1",
                "https://support.kaspersky.com/kes-for-linux/11.3.0/236383",
                MatchKind::Exact,
            )],
        },
    ));
    items.push(kesl);

    let mut kes = item(
        ItemKind::Application,
        "Kaspersky Endpoint Security for Windows",
        Some("12.3.0.493"),
        at(
            "SOFTWARE",
            "windows-programs",
            "SOFTWARE",
            r"Microsoft\Windows\CurrentVersion\Uninstall\{7EC66A95-AC2D-4127-940B-0445A526AB2F}",
        ),
    );
    kes.publisher = Some("AO Kaspersky Lab".into());
    kes.identifiers.push(Identifier::new(
        IdentifierKind::WindowsProductCode,
        "{7EC66A95-AC2D-4127-940B-0445A526AB2F}",
    ));
    matches.push((
        items.len(),
        Match {
            vendor: "kaspersky".into(),
            product: Some("kaspersky-endpoint-security".into()),
            entity: None,
            evidence: vec![
                evidence(
                    "name",
                    "Kaspersky Endpoint Security for Windows",
                    "kaspersky-endpoint-security#0",
                    "https://support.kaspersky.com/KESWin/11.7.0/en-US/123468.htm",
                    MatchKind::Words,
                ),
                evidence(
                    "publisher",
                    "AO Kaspersky Lab",
                    "kaspersky#0",
                    "https://github.com/microsoft/winget-pkgs/tree/master/manifests/k/Kaspersky/Lab",
                    MatchKind::Words,
                ),
            ],
        },
    ));
    items.push(kes);
    let mut zip = item(
        ItemKind::Application,
        "7-Zip 23.01 (x64)",
        Some("23.01"),
        at(
            "SOFTWARE",
            "windows-programs",
            "SOFTWARE",
            r"Microsoft\Windows\CurrentVersion\Uninstall\7-Zip",
        ),
    );
    zip.publisher = Some("Igor Pavlov".into());
    items.push(zip);

    let mut camera = item(
        ItemKind::NetworkDevice,
        "192.168.1.64",
        Some("V5.5.0"),
        at(
            "nmap.xml",
            "nmap-xml",
            "nmap.xml",
            "host 192.168.1.64, port 80/tcp",
        ),
    );
    camera.identifiers.push(Identifier::new(
        IdentifierKind::Cpe,
        "cpe:/h:hikvision:ds-2cd2142fwd-i",
    ));
    matches.push((
        items.len(),
        Match {
            vendor: "hikvision".into(),
            product: Some("hikvision-video-surveillance-equipment".into()),
            entity: None,
            evidence: vec![evidence(
                "cpe",
                "cpe:/h:hikvision:ds-2cd2142fwd-i",
                "hikvision-video-surveillance-equipment#0",
                "https://nvd.nist.gov/vuln/detail/CVE-2021-36260",
                MatchKind::Regex,
            )],
        },
    ));
    items.push(camera);

    let mut hik = item(
        ItemKind::MobileApp,
        "Hik-Connect",
        Some("6.11.150.0308"),
        at("packages.xml", "android", "packages.xml", "line 88"),
    );
    hik.identifiers.push(Identifier::new(
        IdentifierKind::AndroidPackage,
        "com.connect.enduser",
    ));
    matches.push((
        items.len(),
        Match {
            vendor: "hikvision".into(),
            product: Some("hik-connect".into()),
            entity: None,
            evidence: vec![evidence(
                "android-package",
                "com.connect.enduser",
                "hik-connect#0",
                "https://play.google.com/store/apps/details?id=com.connect.enduser",
                MatchKind::Exact,
            )],
        },
    ));
    items.push(hik);
    let mut firefox = item(
        ItemKind::MobileApp,
        "Firefox",
        Some("133.0"),
        at("packages.xml", "android", "packages.xml", "line 95"),
    );
    firefox.identifiers.push(Identifier::new(
        IdentifierKind::AndroidPackage,
        "org.mozilla.firefox",
    ));
    items.push(firefox);

    let inventory = Inventory {
        host: Some(Host {
            hostname: Some("ws-0142".into()),
            os: Some("Debian GNU/Linux 12 (bookworm)".into()),
        }),
        targets: vec![
            TargetSummary {
                target: "dpkg-status".into(),
                format: "dpkg-status".into(),
                items: 3,
            },
            TargetSummary {
                target: "SOFTWARE".into(),
                format: "windows-programs".into(),
                items: 2,
            },
            TargetSummary {
                target: "nmap.xml".into(),
                format: "nmap-xml".into(),
                items: 1,
            },
            TargetSummary {
                target: "packages.xml".into(),
                format: "android".into(),
                items: 2,
            },
        ],
        items,
        errors: vec![InputError {
            target: "broken.hive".into(),
            reason: "not a registry hive: bad signature at offset 0".into(),
        }],
    };
    (inventory, matches)
}

pub(crate) fn generated_at() -> DateTime<Utc> {
    "2026-11-25T19:00:00.250Z".parse().unwrap()
}

/// The fixed report.
pub(crate) fn report() -> Report {
    let catalog = catalog();
    let (inventory, matches) = scan();
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let findings = matches
        .iter()
        .filter_map(|(i, m)| Policy::all().judge(&catalog, m, &inventory.items[*i], today))
        .collect();
    let mut report = Report::new(&catalog, &inventory, findings, generated_at());
    // The snapshot should not change with every release.
    report.tool.version = "0.1.0".into();
    report
}
