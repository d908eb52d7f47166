//! The osquery importer on real `osqueryi --json` output and real `osqueryd` result logs
//! (fixtures/osquery/make.sh), on rows written from osquery's table specs, and on bad input.

mod common;

use common::{by_name, fixture, ident, run, sniff};
use proscribe_collect::import::osquery::Osquery;
use proscribe_collect::linux::dpkg::Dpkg;
use proscribe_collect::{collect, Confidence, Options, Target};
use proscribe_model::{IdentifierKind, Item, ItemKind};

fn items(rel: &str) -> Vec<Item> {
    let (items, r) = run(&Osquery, &fixture(rel));
    r.unwrap_or_else(|e| panic!("{rel}: {e}"));
    items
}

/// `osqueryi --json "select * from deb_packages"` on the dpkg fixture gives the same
/// packages, versions, identifiers and publishers as the dpkg collector on that file.
#[test]
fn deb_packages_agree_with_dpkg() {
    let osq = items("osquery/deb_packages.json");
    let (dpkg, r) = run(&Dpkg, &fixture("dpkg/status"));
    r.unwrap();
    let key = |i: &Item| {
        (
            i.name.clone(),
            i.version.clone(),
            i.publisher.clone(),
            i.identifiers.clone(),
        )
    };
    let mut a: Vec<_> = osq.iter().map(key).collect();
    let mut b: Vec<_> = dpkg.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let kesl = by_name(&osq, "kesl");
    assert_eq!(kesl.kind, ItemKind::Package);
    assert_eq!(kesl.attrs["osquery-table"], "deb_packages");
    assert_eq!(kesl.location.collector, "osquery");
    assert!(kesl
        .location
        .detail
        .as_deref()
        .unwrap()
        .starts_with("line "));
}

/// Each table maps to its kind and identifiers.
#[test]
fn tables_map_to_items() {
    let p = items("osquery/programs.json");
    let t = by_name(&p, "Telegram Desktop");
    assert_eq!(t.kind, ItemKind::Application);
    assert_eq!(
        ident(t, IdentifierKind::WindowsProductCode),
        "{53F49750-6209-4FBF-9CA8-7A333C87D1ED}_is1"
    );
    assert_eq!(t.publisher.as_deref(), Some("Telegram FZ-LLC"));

    let a = items("osquery/apps.json");
    let kpm = by_name(&a, "Kaspersky Password Manager");
    assert_eq!(
        ident(kpm, IdentifierKind::BundleId),
        "com.kaspersky.passwordmanager"
    );
    assert_eq!(kpm.version.as_deref(), Some("9.2.1"));

    let c = items("osquery/chrome_extensions.json");
    assert_eq!(c[0].kind, ItemKind::BrowserExtension);
    assert_eq!(
        ident(&c[0], IdentifierKind::ExtensionId),
        "amkpcclbbgegoafihnpgomddadjhcadd"
    );
    let f = items("osquery/firefox_addons.json");
    assert_eq!(
        ident(&f[0], IdentifierKind::ExtensionId),
        "uBlock0@raymondhill.net"
    );
    assert_eq!(f[0].publisher.as_deref(), Some("Mozilla"));

    let s = items("osquery/services.json");
    let k = by_name(&s, "Kaspersky Security Service");
    assert_eq!(ident(k, IdentifierKind::ServiceName), "KAVFS");
    assert_eq!(ident(k, IdentifierKind::FileName), "kavfs.exe");
    let w = by_name(&s, "Windows Update");
    let files: Vec<_> = w
        .identifiers_of(IdentifierKind::FileName)
        .map(|i| i.value.as_str())
        .collect();
    assert_eq!(files, ["svchost.exe", "wuaueng.dll"]);

    let u = items("osquery/usb_devices.json");
    assert_eq!(ident(&u[0], IdentifierKind::Usb), "12d1:14dc");
    assert_eq!(u[0].kind, ItemKind::UsbDevice);
    assert_eq!(
        u[0].publisher.as_deref(),
        Some("Huawei Technologies Co., Ltd.")
    );

    let r = items("osquery/rpm_packages.json");
    let kesl = by_name(&r, "kesl");
    assert_eq!(kesl.version.as_deref(), Some("12.1.0-1297"));
    assert_eq!(kesl.publisher.as_deref(), Some("AO Kaspersky Lab"));
    assert_eq!(
        kesl.identifiers_of(IdentifierKind::Package)
            .next()
            .unwrap()
            .ecosystem
            .as_deref(),
        Some("rpm")
    );

    let h = items("osquery/homebrew_packages.json");
    assert_eq!(h.len(), 2);
    assert_eq!(
        by_name(&h, "telegram").identifiers[0].ecosystem.as_deref(),
        Some("homebrew")
    );
}

/// Real output of tables this machine has: certificates, PCI devices, ARP cache, npm and
/// Python packages; kernel_modules is empty here (no /proc/modules in this container).
#[test]
fn real_osqueryi_tables() {
    let certs = items("osquery/certificates.json");
    assert_eq!(certs.len(), 4);
    let gdca = by_name(&certs, "GDCA TrustAUTH R5 ROOT");
    assert_eq!(gdca.kind, ItemKind::Certificate);
    assert!(ident(gdca, IdentifierKind::CertSubject).contains("GUANG DONG CERTIFICATE AUTHORITY"));
    assert_eq!(gdca.attrs["sha1"].len(), 40);

    let pci = items("osquery/pci_devices.json");
    assert!(!pci.is_empty());
    for d in &pci {
        let id = ident(d, IdentifierKind::Pci);
        assert_eq!(id.len(), 9, "{id}");
        assert!(!id.contains("0x"));
    }
    let arp = items("osquery/arp_cache.json");
    assert!(arp.iter().all(|i| i.kind == ItemKind::NetworkDevice));
    let npm = items("osquery/npm_packages.json");
    assert!(ident(&npm[0], IdentifierKind::Purl).starts_with("pkg:npm/"));
    let py = items("osquery/python_packages.json");
    assert!(py
        .iter()
        .all(|i| ident(i, IdentifierKind::Purl).starts_with("pkg:pypi/")));
    assert!(items("osquery/kernel_modules.json").is_empty());
}

/// The differential log: kesl was added, then removed (make.sh deleted its paragraph), so
/// it is not reported; everything else is, with the host identifier.
#[test]
fn result_log_applies_removals() {
    let log = items("osquery/osqueryd.results.log");
    let snapshot_names: Vec<_> = items("osquery/deb_packages.json")
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(log.len(), snapshot_names.len() - 1);
    assert!(log.iter().all(|i| i.name != "kesl"));
    assert!(log.iter().all(|i| i.attrs["host"] == "fixture-host"));
    let d = by_name(&log, "klnagent64").location.detail.clone().unwrap();
    assert!(d.starts_with("line "), "{d}");

    // Snapshots: only the last snapshot of each query counts (it no longer has kesl).
    let snap = items("osquery/osqueryd.snapshots.log");
    let mut names: Vec<_> = snap.iter().map(|i| i.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["kesl-gui", "klnagent64"]);

    // Batched format (`--logger_event_type=false`): every added row.
    let batch = items("osquery/osqueryd.batch.log");
    assert_eq!(batch.len(), snapshot_names.len());
}

/// Sniffing: real output is recognised with high confidence, also when the first log line
/// is longer than the sniffed head.
#[test]
fn sniffing() {
    for rel in [
        "osquery/deb_packages.json",
        "osquery/programs.json",
        "osquery/osqueryd.results.log",
    ] {
        assert_eq!(
            sniff(&Osquery, &fixture(rel)),
            Some(Confidence::High),
            "{rel}"
        );
    }
    assert!(sniff(&Osquery, &fixture("osquery/osqueryd.batch.log")).is_some());
    assert!(sniff(&Osquery, &fixture("osquery/osqueryd.snapshots.log")).is_some());
    assert_eq!(sniff(&Osquery, &fixture("dpkg/status")), None);
    assert_eq!(
        sniff(&Osquery, &fixture("fleet/software_titles.json")),
        None
    );
}

/// A table proscribe does not read is an error naming the columns seen, not silence.
#[test]
fn unknown_table_names_columns() {
    let (items, r) = run(&Osquery, &fixture("osquery/unknown_table.json"));
    assert!(items.is_empty());
    let e = r.unwrap_err().to_string();
    assert!(
        e.starts_with("line 2: columns [cmdline, name, path, pid] match no osquery table"),
        "{e}"
    );
}

fn write(dir: &tempfile::TempDir, name: &str, data: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, data).unwrap();
    p
}

/// Bad input: a cut array keeps the rows before the cut; deep nesting, a nested value, bad
/// log lines and a file forced with `--type` give one-line errors.
#[test]
fn bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(fixture("osquery/deb_packages.json")).unwrap();
    let cut = write(&dir, "cut.json", &full[..full.len() / 2]);
    let (items, r) = run(&Osquery, &cut);
    assert!(items.len() > 10);
    let e = r.unwrap_err().to_string();
    assert!(e.contains("file ends in the middle of the JSON"), "{e}");

    let deep = write(
        &dir,
        "deep.json",
        format!("[{}", "[".repeat(100_000)).as_bytes(),
    );
    let (items, r) = run(&Osquery, &deep);
    assert!(items.is_empty());
    assert!(r.unwrap_err().to_string().contains("line 1"));

    let nested = write(
        &dir,
        "nested.json",
        br#"[{"name":"x","identifying_number":{"a":[1]}}]"#,
    );
    let e = run(&Osquery, &nested).1.unwrap_err().to_string();
    assert_eq!(
        e,
        "line 1: column `identifying_number` holds an object or array, not an osquery value"
    );

    let log = std::fs::read_to_string(fixture("osquery/osqueryd.results.log")).unwrap();
    let mut lines: Vec<&str> = log.lines().collect();
    lines.insert(3, "{not json");
    lines.insert(
        5,
        r#"{"name":"x","action":"changed","columns":{"name":"a","admindir":"/"}}"#,
    );
    let broken = write(&dir, "broken.log", lines.join("\n").as_bytes());
    let (items, r) = run(&Osquery, &broken);
    assert_eq!(items.len(), 45, "the good lines are still read");
    let e = r.unwrap_err().to_string();
    assert!(e.starts_with("line 4: "), "{e}");
    assert!(e.ends_with("(and 1 more problem)"), "{e}");

    // The dpkg status file forced to osquery, and an osquery file forced to dpkg.
    let inv = collect(
        &[Target::Path(fixture("dpkg/status"))],
        Options {
            forced: Some(&Osquery),
            ..Options::default()
        },
    );
    assert!(inv.items.is_empty());
    assert!(
        inv.errors[0]
            .reason
            .starts_with("osquery: not osquery results"),
        "{:?}",
        inv.errors
    );
    let inv = collect(
        &[Target::Path(fixture("osquery/deb_packages.json"))],
        Options {
            forced: Some(&Dpkg),
            ..Options::default()
        },
    );
    assert!(inv.items.is_empty());
    assert_eq!(inv.errors.len(), 1);
}

/// Writes `bytes` of generated osqueryd event lines; returns the number of lines.
fn generated_log(path: &std::path::Path, bytes: u64) -> usize {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let (mut written, mut n) = (0u64, 0usize);
    while written < bytes {
        let line = format!(
            "{{\"name\":\"deb_packages\",\"hostIdentifier\":\"h{}\",\"calendarTime\":\"Wed Nov 25 21:26:14 2026 UTC\",\"unixTime\":1795641974,\"epoch\":0,\"counter\":0,\"numerics\":false,\"columns\":{{\"admindir\":\"/var/lib/dpkg\",\"arch\":\"amd64\",\"maintainer\":\"Generated <g@example.invalid>\",\"name\":\"generated-{n}\",\"priority\":\"optional\",\"revision\":\"1\",\"section\":\"misc\",\"size\":\"1\",\"source\":\"\",\"status\":\"install ok installed\",\"version\":\"1.{n}-1\"}},\"action\":\"added\"}}\n",
            n % 1000
        );
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        n += 1;
    }
    out.flush().unwrap();
    n
}

/// A 300 MB result log is read line by line in bounded memory (run once, by hand:
/// `cargo test -p proscribe-collect --test osquery -- --ignored --nocapture`).
#[test]
#[ignore = "writes 300 MB; run by hand"]
fn huge_result_log() {
    struct Count(usize);
    impl proscribe_collect::Sink for Count {
        fn push(&mut self, _: Item) {
            self.0 += 1;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.log");
    let n = generated_log(&path, 300_000_000);
    let start = std::time::Instant::now();
    let head = proscribe_collect::head_of(&path).unwrap();
    let display = path.display().to_string();
    let input = proscribe_collect::Input {
        path: &path,
        display: &display,
        target: &display,
        head: &head,
        is_dir: false,
    };
    let mut count = Count(0);
    proscribe_collect::Collector::collect(&Osquery, &input, &mut count).unwrap();
    assert_eq!(count.0, n);
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap()
        .to_owned();
    println!("300 MB log: {n} lines in {:?}; {peak}", start.elapsed());
}

/// A generated 20 MB log is read completely.
#[test]
fn large_result_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.log");
    let n = generated_log(&path, 20_000_000);
    let inv = collect(&[Target::Path(path)], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), n);
    assert_eq!(inv.targets[0].format, "osquery");
}
