//! Rendering 100,000 findings to each format (target: under 2 s each).
//!
//! The findings are shaped like real ones (the built-in catalog's vendors, products and
//! acts; dpkg, Windows registry and nmap locations; a share under exceptions) with
//! distinct item names, so no writer gets an easy, repetitive input.

use std::collections::BTreeMap;
use std::io;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use proscribe_catalog::{Catalog, MatchKind, Status};
use proscribe_match::Evidence;
use proscribe_model::{Identifier, IdentifierKind, Inventory, ItemKind, Location};
use proscribe_policy::{
    Deadline, DeadlineKind, ExceptionRef, ExceptionState, Finding, FindingAct, FindingItem, Named,
};
use proscribe_report::{
    render_csv, render_json, render_markdown, render_sarif, Report, SarifOptions,
};

const N: usize = 100_000;

fn findings(catalog: &Catalog) -> Vec<Finding> {
    let products: Vec<_> = catalog
        .vendors
        .iter()
        .flat_map(|v| v.products.iter().map(move |p| (v, p)))
        .collect();
    (0..N)
        .map(|i| {
            let (v, p) = products[i % products.len()];
            let acts: Vec<FindingAct> = catalog
                .acts_for(v, Some(p))
                .into_iter()
                .filter_map(|r| catalog.acts.get(&r.id).map(|a| (r, a)))
                .map(|(r, a)| FindingAct {
                    id: a.id.clone(),
                    status: r.status,
                    title: a.title.clone(),
                    date: NaiveDate::from_ymd_opt(2017, 9, 13),
                    url: a.url.clone(),
                })
                .collect();
            let status = acts.iter().map(|a| a.status).max().unwrap_or(Status::Review);
            let (kind, location, ids) = match i % 3 {
                0 => (
                    ItemKind::Package,
                    Location {
                        target: "status".into(),
                        collector: "dpkg".into(),
                        path: "/srv/images/host-0001/var/lib/dpkg/status".into(),
                        detail: Some(format!("line {}", i * 31 + 1)),
                    },
                    vec![Identifier::package("deb", format!("pkg-{i}"))],
                ),
                1 => (
                    ItemKind::Application,
                    Location {
                        target: "SOFTWARE".into(),
                        collector: "windows-programs".into(),
                        path: r"C:\Windows\System32\config\SOFTWARE".into(),
                        detail: Some(format!(
                            r"Microsoft\Windows\CurrentVersion\Uninstall\{{{i:08X}-AC2D-4127-940B-0445A526AB2F}}"
                        )),
                    },
                    vec![Identifier::new(
                        IdentifierKind::WindowsProductCode,
                        format!("{{{i:08X}-AC2D-4127-940B-0445A526AB2F}}"),
                    )],
                ),
                _ => (
                    ItemKind::NetworkDevice,
                    Location {
                        target: "nmap.xml".into(),
                        collector: "nmap-xml".into(),
                        path: "nmap.xml".into(),
                        detail: Some(format!("host 10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255)),
                    },
                    vec![Identifier::new(IdentifierKind::Cpe, "cpe:/h:hikvision:ds-2cd2142fwd-i")],
                ),
            };
            Finding {
                id: format!("{i:032x}"),
                status,
                vendor: Named {
                    id: v.id.clone(),
                    name: v.name.clone(),
                },
                product: Some(Named {
                    id: p.id.clone(),
                    name: p.name.clone(),
                }),
                entity: None,
                item: FindingItem {
                    kind,
                    name: format!("{} | component {i} =cmd <x>", p.name),
                    version: Some(format!("12.{}.{}", i % 10, i % 1000)),
                    publisher: Some(v.name.clone()),
                    identifiers: ids,
                    attrs: BTreeMap::new(),
                },
                evidence: vec![Evidence {
                    field: "name".into(),
                    value: p.name.clone(),
                    signature: format!("{}#0", p.id),
                    source: "https://example.org/source".into(),
                    how: MatchKind::Words,
                }],
                acts,
                deadline: Some(Deadline {
                    act: "us-bod-17-01".into(),
                    kind: DeadlineKind::Remove,
                    date: NaiveDate::from_ymd_opt(2017, 12, 12).unwrap_or_default(),
                    overdue: true,
                    counted_from: NaiveDate::from_ymd_opt(2017, 9, 13),
                }),
                exception: (i % 10 == 0).then(|| ExceptionRef {
                    id: format!("EX-{}", i % 97),
                    until: NaiveDate::from_ymd_opt(2027, 3, 31),
                    reason: "malware-analysis lab, air-gapped".into(),
                    approved_by: "CISO".into(),
                    reference: Some("CHG-20250114-7".into()),
                    state: ExceptionState::Active,
                }),
                location,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("built-in catalog");
    let report = Report::new(
        &catalog,
        &Inventory::default(),
        findings(&catalog),
        "2026-11-25T19:00:00Z".parse().expect("time"),
    );
    assert_eq!(report.findings.len(), N);
    let mut g = c.benchmark_group("render_100k");
    g.sample_size(10);
    g.bench_function("sarif", |b| {
        b.iter(|| {
            render_sarif(
                &report,
                &mut io::sink(),
                SarifOptions {
                    base: Some(std::path::Path::new("/srv/images")),
                },
            )
        })
    });
    g.bench_function("csv", |b| b.iter(|| render_csv(&report, &mut io::sink())));
    g.bench_function("markdown", |b| {
        b.iter(|| render_markdown(&report, &mut io::sink(), proscribe_report::i18n::Lang::En))
    });
    g.bench_function("json", |b| b.iter(|| render_json(&report, &mut io::sink())));
    g.finish();
    // Sizes, for the record.
    for (name, f) in [("sarif", 0), ("csv", 1), ("markdown", 2)] {
        let mut buf = Vec::new();
        let _ = match f {
            0 => render_sarif(&report, &mut buf, SarifOptions::default()),
            1 => render_csv(&report, &mut buf),
            _ => render_markdown(&report, &mut buf, proscribe_report::i18n::Lang::En),
        };
        eprintln!("{name}: {} MB for {N} findings", buf.len() / 1_000_000);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
