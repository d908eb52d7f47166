//! A large report made the way a scan makes one: items named after the built-in catalog's
//! products and published by its vendors, in dpkg, Windows registry and nmap locations,
//! run through the real matcher and `Policy::all()`. Shared by the HTML bench and the
//! `html_sample` example that `bench/html.sh` opens in Chromium.

use chrono::{DateTime, Utc};
use proscribe_catalog::Catalog;
use proscribe_match::Matcher;
use proscribe_model::{Identifier, Inventory, Item, ItemKind, Location, TargetSummary};
use proscribe_policy::Policy;
use proscribe_report::Report;

/// A report with exactly `n` findings (or fewer if the catalog matched too little).
pub(crate) fn report(n: usize) -> Report {
    let catalog = Catalog::builtin().expect("the built-in catalog loads");
    let matcher = Matcher::compile(&catalog).expect("the built-in catalog compiles");
    let policy = Policy::all();
    let now: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().expect("a time");
    let products: Vec<_> = catalog
        .vendors
        .iter()
        .flat_map(|v| v.products.iter().map(move |p| (v, p)))
        .collect();
    let mut inventory = Inventory::default();
    let mut findings = Vec::with_capacity(n);
    let mut i = 0usize;
    while findings.len() < n && i < n * 4 {
        let (v, p) = products[i % products.len()];
        let (kind, location) = match i % 3 {
            0 => (
                ItemKind::Package,
                Location {
                    target: format!("hosts/host-{:04}/var/lib/dpkg/status", i / 300),
                    collector: "dpkg".into(),
                    path: format!("hosts/host-{:04}/var/lib/dpkg/status", i / 300),
                    detail: Some(format!("line {}", i * 31 + 1)),
                },
            ),
            1 => (
                ItemKind::Application,
                Location {
                    target: format!("hosts/ws-{:04}/SOFTWARE", i / 300),
                    collector: "windows-programs".into(),
                    path: format!("hosts/ws-{:04}/SOFTWARE", i / 300),
                    detail: Some(format!(
                        r"Microsoft\Windows\CurrentVersion\Uninstall\{{{i:08X}-AC2D-4127-940B-0445A526AB2F}}"
                    )),
                },
            ),
            _ => (
                ItemKind::NetworkDevice,
                Location {
                    target: "scans/nmap.xml".into(),
                    collector: "nmap-xml".into(),
                    path: "scans/nmap.xml".into(),
                    detail: Some(format!(
                        "host 10.{}.{}.{}",
                        (i >> 16) & 255,
                        (i >> 8) & 255,
                        i & 255
                    )),
                },
            ),
        };
        let mut item = Item::new(kind, format!("{} {}", p.name, i % 977), location);
        item.version = Some(format!("{}.{}.{}", 10 + i % 7, i % 10, i % 1000));
        item.publisher = Some(v.name.clone());
        item.identifiers
            .push(Identifier::package("deb", format!("pkg-{i}")));
        for m in matcher.find(&item) {
            if findings.len() < n {
                findings.extend(policy.judge(&catalog, &m, &item, now.date_naive()));
            }
        }
        inventory.items.push(item);
        i += 1;
    }
    inventory.targets.push(TargetSummary {
        target: "hosts".into(),
        format: "mixed".into(),
        items: inventory.items.len(),
    });
    Report::new(&catalog, &inventory, findings, now)
}
