//! The CSV importer: encodings, delimiters, header mapping, `--map`, ragged rows.

mod common;

use common::{by_name, fixture, run, sniff};
use proscribe_collect::import::csv::{ColumnMap, Csv};
use proscribe_collect::{collect, Confidence, Options, Target};
use proscribe_model::{IdentifierKind, Item, ItemKind};

fn items(rel: &str) -> Vec<Item> {
    let (items, r) = run(&Csv, &fixture(rel));
    r.unwrap_or_else(|e| panic!("{rel}: {e}"));
    items
}

/// The same rows read from UTF-8 with BOM (Intune's export), UTF-16LE and UTF-16BE with
/// BOM (Excel "Unicode text", tab-separated) and a semicolon-separated file give the same
/// names, versions, publishers and hosts.
#[test]
fn encodings_and_delimiters_agree() {
    let key = |i: &Item| {
        (
            i.name.clone(),
            i.version.clone(),
            i.publisher.clone(),
            i.attrs.get("host").cloned(),
        )
    };
    let base: Vec<_> = items("csv/intune-appinvrawdata.csv")
        .iter()
        .map(key)
        .collect();
    assert_eq!(base.len(), 5);
    for rel in [
        "csv/excel-unicode.txt",
        "csv/utf16be.txt",
        "csv/semicolon.csv",
    ] {
        let got: Vec<_> = items(rel).iter().map(key).collect();
        assert_eq!(got, base, "{rel}");
    }
    let all = items("csv/intune-appinvrawdata.csv");
    let ru = by_name(&all, "Лаборатория Касперского: Kaspersky Free");
    assert_eq!(
        ru.publisher.as_deref(),
        Some("АО «Лаборатория Касперского»")
    );
    assert_eq!(ru.attrs["host"], "ПК-БУХ-02");
    assert_eq!(ru.location.detail.as_deref(), Some("line 6"));
    // Intune's Platform column makes the Android row a mobile app.
    assert_eq!(by_name(&all, "TikTok").kind, ItemKind::MobileApp);
    assert_eq!(by_name(&all, "Microsoft Edge").kind, ItemKind::Application);
    // Unmapped columns are kept as attributes.
    assert_eq!(
        by_name(&all, "Microsoft Edge").attrs["OSVersion"],
        "10.0.22631.4460"
    );
}

/// Unknown headers need `--map`; with it, the columns are read.
#[test]
fn column_map() {
    let path = fixture("csv/custom-headers.psv");
    let (items, r) = run(&Csv, &path);
    assert!(items.is_empty());
    assert_eq!(
        r.unwrap_err().to_string(),
        "no column holds the item name (columns: Soft, Maker, Rev, Box); name it with --map COLUMN=name"
    );
    let maps: Vec<ColumnMap> = ["Soft=name", "maker=publisher", "Rev=version", "Box=host"]
        .iter()
        .map(|s| ColumnMap::parse(s).unwrap())
        .collect();
    let maps: &'static [ColumnMap] = Box::leak(maps.into_boxed_slice());
    let inv = collect(
        &[Target::Path(path.clone())],
        Options {
            columns: maps,
            ..Options::default()
        },
    );
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), 5);
    let k = by_name(&inv.items, "Kaspersky Endpoint Security for Windows");
    assert_eq!(k.publisher.as_deref(), Some("AO Kaspersky Lab"));
    assert_eq!(k.version.as_deref(), Some("12.5.0.538"));
    assert_eq!(k.attrs["host"], "PC-ACCOUNTING-01");

    let bad: &'static [ColumnMap] =
        Box::leak(vec![ColumnMap::parse("Nope=name").unwrap()].into_boxed_slice());
    let inv = collect(
        &[Target::Path(path)],
        Options {
            columns: bad,
            ..Options::default()
        },
    );
    assert!(
        inv.errors[0]
            .reason
            .contains("--map column `Nope` is not in the header"),
        "{:?}",
        inv.errors
    );
}

/// Ragged rows are reported with their line numbers; the other rows are kept.
#[test]
fn ragged_rows() {
    let (items, r) = run(&Csv, &fixture("csv/ragged.csv"));
    let names: Vec<_> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Kaspersky Endpoint Security for Windows",
            "TikTok",
            "Лаборатория Касперского: Kaspersky Free"
        ]
    );
    assert_eq!(
        r.unwrap_err().to_string(),
        "line 3: 2 fields, the header has 3; row skipped (and 1 more problem)"
    );
}

/// App ids become bundle-id and android-package identifiers, narrowed by the platform.
#[test]
fn app_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mdm.csv");
    std::fs::write(
        &p,
        "App name,Bundle ID,Platform\nTikTok,com.zhiliaoapp.musically,Android\nTikTok,com.zhiliaoapp.musically,iOS\nX,{0000-GUID},Windows\n",
    )
    .unwrap();
    let (items, r) = run(&Csv, &p);
    r.unwrap();
    let kinds = |i: &Item| i.identifiers.iter().map(|id| id.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&items[0]), [IdentifierKind::AndroidPackage]);
    assert_eq!(kinds(&items[1]), [IdentifierKind::BundleId]);
    assert!(kinds(&items[2]).is_empty());
}

/// Sniffing: known headers are Medium, other delimited text Low, JSON and binary nothing;
/// non-UTF-8 text is read with replacement characters and reported.
#[test]
fn sniff_and_encoding_problems() {
    assert_eq!(
        sniff(&Csv, &fixture("csv/intune-appinvrawdata.csv")),
        Some(Confidence::Medium)
    );
    assert_eq!(
        sniff(&Csv, &fixture("csv/excel-unicode.txt")),
        Some(Confidence::Medium)
    );
    assert_eq!(
        sniff(&Csv, &fixture("csv/custom-headers.psv")),
        Some(Confidence::Low)
    );
    assert_eq!(sniff(&Csv, &fixture("osquery/deb_packages.json")), None);
    assert_eq!(sniff(&Csv, &fixture("fleet/software_titles.json")), None);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.csv");
    std::fs::write(&p, b"Name,Publisher\nCaf\xe9 App,Soci\xe9t\xe9\n").unwrap();
    let (items, r) = run(&Csv, &p);
    assert_eq!(items[0].name, "Caf\u{FFFD} App");
    assert_eq!(
        r.unwrap_err().to_string(),
        "line 2: 2 field(s) are not valid UTF-8 and were read with replacement characters; save the file as UTF-8 or UTF-16"
    );
}
