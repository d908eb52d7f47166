//! Hostile and broken SBOMs: XML bombs, deep nesting, cut files, and very large files
//! read in bounded memory. (Random bytes and cut copies of every fixture go through every
//! importer in bad_input.rs, which covers all registered collectors.)

use std::io::Write;
use std::path::Path;

use proscribe_collect::import::cyclonedx::CycloneDx;
use proscribe_collect::{collect, head_of, Collector, Input, Options, Sink, Target};
use proscribe_model::Item;

fn run_on(c: &dyn Collector, path: &Path) -> (Vec<Item>, Result<(), String>) {
    let head = head_of(path).unwrap();
    let display = path.display().to_string();
    let input = Input {
        path,
        display: &display,
        target: &display,
        head: &head,
        is_dir: false,
    };
    let mut items = Vec::new();
    let r = c.collect(&input, &mut items).map_err(|e| e.to_string());
    (items, r)
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The "billion laughs" XML bomb is refused at its DOCTYPE, at once and in little memory;
/// an entity used without a definition is an error, never expanded.
#[test]
fn xml_bomb() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE bom [\n <!ENTITY lol \"lol\">\n");
    bomb.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..10 {
        let prev = format!("&lol{};", i - 1);
        bomb.push_str(&format!(" <!ENTITY lol{i} \"{}\">\n", prev.repeat(10)));
    }
    bomb.push_str("]>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>");
    bomb.push_str(
        "<component type=\"library\"><name>&lol9;</name></component></components></bom>\n",
    );
    let path = write(dir.path(), "bomb.xml", &bomb);
    let inv = collect(&[Target::Path(path.clone())], Options::default());
    assert_eq!(
        inv.targets[0].format, "cyclonedx",
        "sniffed as CycloneDX XML"
    );
    assert!(inv.items.is_empty());
    assert_eq!(inv.errors.len(), 1);
    assert!(
        inv.errors[0]
            .reason
            .starts_with("cyclonedx: document type declaration at byte "),
        "{}",
        inv.errors[0].reason
    );

    let undefined = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>\
        <component type=\"library\"><name>a</name></component>\
        <component type=\"library\"><name>&lol9;</name></component></components></bom>";
    let path = write(dir.path(), "undefined.xml", undefined);
    let (items, r) = run_on(&CycloneDx, &path);
    assert_eq!(items.len(), 1, "the component before the entity is kept");
    let msg = r.unwrap_err();
    assert!(
        msg.starts_with("undefined entity `&lol9;` at byte")
            && msg.ends_with("entities are not expanded"),
        "{msg}"
    );
    // Predefined entities and character references are text, as XML says.
    let ok = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components>\
        <component type=\"library\"><name>a&amp;b&#x41;&#66;</name></component></components></bom>";
    let path = write(dir.path(), "ok.xml", ok);
    let (items, r) = run_on(&CycloneDx, &path);
    r.unwrap();
    assert_eq!(items[0].name, "a&bAB");
}

/// XML: deep nesting, a cut file, a foreign root element, a missing namespace.
#[test]
fn broken_xml() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">{}",
        "<a>".repeat(100_000)
    );
    let (_, r) = run_on(&CycloneDx, &write(dir.path(), "deep.xml", &deep));
    let msg = r.unwrap_err();
    assert!(
        msg.starts_with("elements nested deeper than 256 levels at byte"),
        "{msg}"
    );

    let cut = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>\
        <component type=\"library\"><name>a</name></component><component type=\"library\"><name>b";
    let (items, r) = run_on(&CycloneDx, &write(dir.path(), "cut.xml", cut));
    assert_eq!(items.len(), 1);
    assert_eq!(r.unwrap_err(), "file ends inside `<name>` (cut short?)");

    let (_, r) = run_on(
        &CycloneDx,
        &write(dir.path(), "html.xml", "<html><body/></html>"),
    );
    assert_eq!(
        r.unwrap_err(),
        "root element is `<html>`, not a CycloneDX `<bom>`"
    );
    let (_, r) = run_on(
        &CycloneDx,
        &write(dir.path(), "nons.xml", "<bom><components/></bom>"),
    );
    assert!(r
        .unwrap_err()
        .starts_with("`<bom>` is not in the CycloneDX namespace"));
    let (_, r) = run_on(
        &CycloneDx,
        &write(
            dir.path(),
            "mismatch.xml",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><a></b></bom>",
        ),
    );
    assert!(r.unwrap_err().starts_with("invalid XML at byte "));
}

/// Writes a CycloneDX JSON BOM of about `bytes` bytes; returns its component count.
fn generated_bom(path: &Path, bytes: u64) -> usize {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(
        b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[\n",
    )
    .unwrap();
    let mut written = 0u64;
    let mut n = 0usize;
    while written < bytes {
        let c = format!(
            "{}{{\"type\":\"library\",\"bom-ref\":\"pkg:deb/debian/generated-{n}@1.{n}-1?arch=amd64\",\
             \"name\":\"generated-{n}\",\"version\":\"1.{n}-1\",\"supplier\":{{\"name\":\"Generated Maintainers <gen@example.invalid>\"}},\
             \"purl\":\"pkg:deb/debian/generated-{n}@1.{n}-1?arch=amd64\",\
             \"properties\":[{{\"name\":\"aquasecurity:trivy:SrcName\",\"value\":\"generated-source-{n}\"}}]}}\n",
            if n == 0 { "" } else { "," }
        );
        out.write_all(c.as_bytes()).unwrap();
        written += c.len() as u64;
        n += 1;
    }
    out.write_all(b"]}\n").unwrap();
    out.flush().unwrap();
    n
}

/// Runs [`big_bom_child`] in a child process on a generated BOM of `bytes` bytes and
/// returns its peak RSS in kB.
fn child_peak(bytes: u64) -> u64 {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "big_bom_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PROSCRIBE_BIG_BOM_BYTES", bytes.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    print!("{stdout}");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("child printed no peak: {stdout}"))
}

/// A 20 MB CycloneDX BOM is streamed: every component read, peak memory small.
#[test]
#[cfg(target_os = "linux")]
fn large_bom_bounded_memory() {
    let peak = child_peak(20_000_000);
    assert!(peak < 48 * 1024, "a 20 MB BOM peaked at {peak} kB");
}

/// The same with a 300 MB BOM (slow: run with `--ignored`).
#[test]
#[ignore = "writes a 300 MB file; run explicitly"]
#[cfg(target_os = "linux")]
fn huge_bom_300mb_bounded_memory() {
    let peak = child_peak(300_000_000);
    assert!(peak < 48 * 1024, "a 300 MB BOM peaked at {peak} kB");
}

/// The child of the two tests above; ignored when run on its own.
#[test]
#[ignore = "run by the bounded-memory tests in a child process"]
fn big_bom_child() {
    let Some(bytes) = std::env::var("PROSCRIBE_BIG_BOM_BYTES")
        .ok()
        .and_then(|b| b.parse().ok())
    else {
        return;
    };
    struct Counter(usize);
    impl Sink for Counter {
        fn push(&mut self, _item: Item) {
            self.0 += 1;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.json");
    let n = generated_bom(&path, bytes);
    let started = std::time::Instant::now();
    let head = head_of(&path).unwrap();
    let display = path.display().to_string();
    let input = Input {
        path: &path,
        display: &display,
        target: &display,
        head: &head,
        is_dir: false,
    };
    let mut counter = Counter(0);
    CycloneDx.collect(&input, &mut counter).unwrap();
    assert_eq!(counter.0, n);
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap();
    println!(
        "{bytes} byte BOM: {n} components in {:?}",
        started.elapsed()
    );
    println!("peak-rss-kb={}", peak.trim().trim_end_matches("kB").trim());
}
