//! The rpm collector against real databases written by rpm 4.18, Berkeley DB 5.3 and rpm's
//! ndb code (see `fixtures/rpm/PROVENANCE.md`), and against damaged copies of them.

use std::path::{Path, PathBuf};

use proscribe_collect::linux::rpm::Rpm;
use proscribe_collect::{
    collect, head_of, CollectError, Collector, Confidence, Input, Options, Target,
};
use proscribe_model::{IdentifierKind, Item};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

const SQLITE: &str = "rpm/sqlite/rpmdb.sqlite";
const NDB: &str = "rpm/ndb/Packages.db";
const BDB_LE: &str = "rpm/bdb/le-4k/Packages";
const BDB_BE: &str = "rpm/bdb/be-16k/Packages";
const ALL: [&str; 4] = [SQLITE, NDB, BDB_LE, BDB_BE];

/// Runs the collector on one file, as the driver would after sniffing.
fn run(path: &Path) -> (Vec<Item>, Result<(), CollectError>) {
    let head = head_of(path).expect("readable fixture");
    let display = path.display().to_string();
    let input = Input {
        path,
        display: &display,
        target: &display,
        head: &head,
        is_dir: false,
    };
    let mut items = Vec::new();
    let result = Rpm.collect(&input, &mut items);
    (items, result)
}

fn sniff(path: &Path) -> Option<Confidence> {
    let head = if path.is_dir() {
        Vec::new()
    } else {
        head_of(path).unwrap()
    };
    let display = path.display().to_string();
    Rpm.sniff(&Input {
        path,
        display: &display,
        target: &display,
        head: &head,
        is_dir: path.is_dir(),
    })
}

fn purl(item: &Item) -> &str {
    &item
        .identifiers_of(IdentifierKind::Purl)
        .next()
        .expect("purl")
        .value
}

/// What an item says, without where it came from: the part every backend must agree on.
fn identity(item: &Item) -> String {
    format!(
        "{} | {:?} | {:?} | {:?} | {:?} | {:?}",
        item.name, item.version, item.publisher, item.identifiers, item.attrs, item.location.detail
    )
}

/// The SQLite database rpm 4.18 wrote yields the four test packages with exact fields.
#[test]
fn sqlite_packages_and_fields() {
    let path = fixture(SQLITE);
    let (items, result) = run(&path);
    result.unwrap();
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["klnagent64", "kesl", "hello", "aztec-tools"]);

    let kla = &items[0];
    assert_eq!(kla.version.as_deref(), Some("1:14.2.0-35148"));
    assert_eq!(kla.publisher.as_deref(), Some("AO Kaspersky Lab"));
    assert_eq!(
        purl(kla),
        "pkg:rpm/ao%20kaspersky%20lab/klnagent64@14.2.0-35148?arch=noarch&epoch=1"
    );
    assert_eq!(kla.attrs.get("epoch").map(String::as_str), Some("1"));
    assert_eq!(kla.location.detail.as_deref(), Some("hnum 1"));

    let kesl = &items[1];
    assert_eq!(kesl.kind.as_str(), "package");
    assert_eq!(kesl.version.as_deref(), Some("12.1.0-1268"));
    assert_eq!(kesl.publisher.as_deref(), Some("AO Kaspersky Lab"));
    let pkg = kesl.identifiers_of(IdentifierKind::Package).next().unwrap();
    assert_eq!(
        (pkg.value.as_str(), pkg.ecosystem.as_deref()),
        ("kesl", Some("rpm"))
    );
    assert_eq!(
        purl(kesl),
        "pkg:rpm/ao%20kaspersky%20lab/kesl@12.1.0-1268?arch=noarch"
    );
    assert_eq!(kesl.attrs.get("arch").map(String::as_str), Some("noarch"));
    assert_eq!(
        kesl.attrs.get("packager").map(String::as_str),
        Some("proscribe test fixtures")
    );
    assert_eq!(
        kesl.attrs.get("sourcerpm").map(String::as_str),
        Some("kesl-12.1.0-1268.src.rpm")
    );
    assert_eq!(kesl.location.collector, "rpm");
    assert_eq!(kesl.location.path, path.display().to_string());
    assert_eq!(kesl.location.detail.as_deref(), Some("hnum 2"));

    // No Vendor tag: the Packager is the publisher, and the purl has no namespace.
    let hello = &items[2];
    assert_eq!(hello.version.as_deref(), Some("2.12.1-5.fc40"));
    assert_eq!(hello.publisher.as_deref(), Some("Fedora Project"));
    assert_eq!(purl(hello), "pkg:rpm/hello@2.12.1-5.fc40?arch=noarch");
    assert_eq!(
        hello.attrs.get("url").map(String::as_str),
        Some("https://www.gnu.org/software/hello/")
    );

    let aztec = &items[3];
    assert_eq!(aztec.version.as_deref(), Some("0.9-2"));
    assert_eq!(
        aztec.publisher.as_deref(),
        Some("Aztec Software Cooperative")
    );
    assert_eq!(aztec.attrs.get("license").map(String::as_str), Some("MIT"));
}

/// SQLite, ndb and both Berkeley DB byte orders hold the same headers and give the same items.
#[test]
fn backends_agree() {
    let reference: Vec<String> = run(&fixture(SQLITE)).0.iter().map(identity).collect();
    assert_eq!(reference.len(), 4);
    for rel in [NDB, BDB_LE, BDB_BE] {
        let (items, result) = run(&fixture(rel));
        result.unwrap_or_else(|e| panic!("{rel}: {e}"));
        let got: Vec<String> = items.iter().map(identity).collect();
        assert_eq!(got, reference, "{rel}");
    }
}

/// Every backend is recognised from its first bytes; rpm's directory is recognised too.
#[test]
fn sniffing() {
    assert_eq!(sniff(&fixture(SQLITE)), Some(Confidence::High));
    assert_eq!(sniff(&fixture(NDB)), Some(Confidence::High));
    assert_eq!(sniff(&fixture(BDB_LE)), Some(Confidence::High));
    assert_eq!(sniff(&fixture(BDB_BE)), Some(Confidence::High));
    assert_eq!(sniff(&fixture("rpm/ndb")), Some(Confidence::High));
    assert_eq!(sniff(&fixture("rpm/specs/kesl.spec")), None);
    // rpm's BDB index files (Name, Basenames…) share the magic but hold no headers.
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("Basenames");
    std::fs::copy(fixture(BDB_LE), &index).unwrap();
    assert_eq!(sniff(&index), Some(Confidence::Low));
    assert_eq!(sniff(&fixture("roots/fedora/etc/os-release")), None);

    // Through the driver: each file target is read by the rpm collector without --type.
    for rel in ALL.iter().copied().chain(["rpm/sqlite"]) {
        let inv = collect(&[Target::Path(fixture(rel))], Options::default());
        assert!(inv.errors.is_empty(), "{rel}: {:?}", inv.errors);
        assert_eq!(inv.targets.len(), 1, "{rel}");
        assert_eq!(inv.targets[0].format, "rpm", "{rel}");
        assert_eq!(inv.items.len(), 4, "{rel}");
    }
}

/// A SQLite file without rpm's table is not claimed; a renamed one with the table is.
#[test]
fn sqlite_sniff_looks_inside() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("history.sqlite");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch(
        "CREATE TABLE urls(id INTEGER PRIMARY KEY, url TEXT); INSERT INTO urls(url) VALUES ('x');",
    )
    .unwrap();
    drop(conn);
    assert_eq!(sniff(&other), None);
    let renamed = dir.path().join("copy-of-db");
    std::fs::copy(fixture(SQLITE), &renamed).unwrap();
    assert_eq!(sniff(&renamed), Some(Confidence::High));
    assert!(
        !dir.path().join("copy-of-db-shm").exists(),
        "reading must not create -shm"
    );
    assert!(
        !dir.path().join("copy-of-db-wal").exists(),
        "reading must not create -wal"
    );
}

/// A mounted Fedora root: the database is read once (var/lib/rpm links to usr/lib/sysimage/rpm)
/// and the purl carries the distribution from etc/os-release.
#[test]
fn fedora_mounted_root() {
    let root = fixture("roots/fedora");
    let inv = collect(&[Target::Path(root)], Options::default());
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert_eq!(
        inv.host.as_ref().and_then(|h| h.os.as_deref()),
        Some("Fedora Linux 40 (Server Edition)")
    );
    let rpm: Vec<&Item> = inv
        .items
        .iter()
        .filter(|i| i.location.collector == "rpm")
        .collect();
    assert_eq!(rpm.len(), 4, "{:?}", inv.targets);
    let kesl = rpm.iter().find(|i| i.name == "kesl").unwrap();
    assert_eq!(
        purl(kesl),
        "pkg:rpm/fedora/kesl@12.1.0-1268?arch=noarch&distro=fedora-40"
    );
    assert!(
        kesl.location
            .path
            .ends_with("usr/lib/sysimage/rpm/rpmdb.sqlite"),
        "{}",
        kesl.location.path
    );
}

/// A mounted CentOS 7 root with a Berkeley DB Packages file.
#[test]
fn centos7_mounted_root() {
    let inv = collect(
        &[Target::Path(fixture("roots/centos7"))],
        Options::default(),
    );
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let names: Vec<&str> = inv.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["klnagent64", "kesl", "hello", "aztec-tools"]);
    assert_eq!(
        purl(&inv.items[0]),
        "pkg:rpm/centos/klnagent64@14.2.0-35148?arch=noarch&distro=centos-7&epoch=1"
    );
}

/// Offset of index entry `i`'s offset field in a header blob.
fn entry_offset_field(i: usize) -> std::ops::Range<usize> {
    let at = 8 + 16 * i + 8;
    at..at + 4
}

/// One header whose index points past its data store costs that package only, and the error
/// says which record and which entry.
#[test]
fn damaged_header_in_sqlite_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rpmdb.sqlite");
    std::fs::copy(fixture(SQLITE), &path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut blob: Vec<u8> = conn
        .query_row("SELECT blob FROM Packages WHERE hnum = 3", [], |r| r.get(0))
        .unwrap();
    blob[entry_offset_field(5)].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
    conn.execute("UPDATE Packages SET blob = ?1 WHERE hnum = 3", [&blob])
        .unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .unwrap();
    drop(conn);

    let (items, result) = run(&path);
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["klnagent64", "kesl", "aztec-tools"]);
    let msg = result.unwrap_err().to_string();
    assert!(
        msg.starts_with("hnum 3: header index entry 5 (tag "),
        "{msg}"
    );
    assert!(msg.contains("points past the data store"), "{msg}");

    // Through the driver the error names the file and keeps the items.
    let inv = collect(&[Target::Path(path.clone())], Options::default());
    assert_eq!(inv.items.len(), 3);
    assert_eq!(inv.errors.len(), 1);
    assert_eq!(inv.errors[0].target, path.display().to_string());
    assert!(
        inv.errors[0].reason.starts_with("rpm: hnum 3:"),
        "{}",
        inv.errors[0].reason
    );
    assert!(
        inv.errors[0].reason.contains("kept the 3 items"),
        "{}",
        inv.errors[0].reason
    );
}

/// A truncated SQLite database is an error naming what failed, never a panic.
#[test]
fn truncated_sqlite_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rpmdb.sqlite");
    let bytes = std::fs::read(fixture(SQLITE)).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    let (_, result) = run(&path);
    let msg = result.unwrap_err().to_string();
    assert!(!msg.is_empty());
    let inv = collect(&[Target::Path(path.clone())], Options::default());
    assert_eq!(inv.errors.len(), 1, "{:?}", inv.errors);
    assert!(
        inv.errors[0].reason.starts_with("rpm: "),
        "{}",
        inv.errors[0].reason
    );
}

/// A non-empty write-ahead log is reported, since immutable mode does not read it.
#[test]
fn pending_wal_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rpmdb.sqlite");
    std::fs::copy(fixture(SQLITE), &path).unwrap();
    std::fs::write(dir.path().join("rpmdb.sqlite-wal"), [0u8; 32]).unwrap();
    let (items, result) = run(&path);
    assert_eq!(items.len(), 4);
    assert!(result
        .unwrap_err()
        .to_string()
        .contains("rpmdb.sqlite-wal holds 32 bytes"));
}

/// A flipped byte inside one ndb blob fails its checksum; the other packages are read.
#[test]
fn ndb_checksum_damage_costs_one_package() {
    let mut bytes = std::fs::read(fixture(NDB)).unwrap();
    // Slot 3 (hnum 2) sits at byte 48: magic, pkgidx, blkoff, blkcnt.
    assert_eq!(&bytes[48..52], b"Slot");
    assert_eq!(u32::from_le_bytes(bytes[52..56].try_into().unwrap()), 2);
    let blkoff = u32::from_le_bytes(bytes[56..60].try_into().unwrap()) as usize;
    bytes[blkoff * 16 + 16 + 100] ^= 0xff;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Packages.db");
    std::fs::write(&path, bytes).unwrap();
    let (items, result) = run(&path);
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["klnagent64", "hello", "aztec-tools"]);
    let msg = result.unwrap_err().to_string();
    assert!(msg.starts_with("hnum 2: blob of slot 3 at byte"), "{msg}");
    assert!(msg.contains("checksum mismatch"), "{msg}");
}

/// A Berkeley DB file cut short loses the packages on missing pages and says so.
#[test]
fn truncated_bdb_reports_missing_pages() {
    let bytes = std::fs::read(fixture(BDB_LE)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Packages");
    std::fs::write(&path, &bytes[..4096 * 4]).unwrap();
    let (items, result) = run(&path);
    assert!(items.len() < 4);
    let msg = result.unwrap_err().to_string();
    assert!(msg.contains("truncated?"), "{msg}");
}

/// Every prefix and many random corruptions of every fixture: errors, never panics.
#[test]
fn damaged_copies_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for rel in ALL {
        let bytes = std::fs::read(fixture(rel)).unwrap();
        let name = Path::new(rel).file_name().unwrap();
        let path = dir.path().join(name);
        let step = (bytes.len() / 97).max(1);
        for len in (0..bytes.len())
            .step_by(step)
            .chain([8, 16, 31, 32, 33, 511, 512, 513])
        {
            std::fs::write(&path, &bytes[..len.min(bytes.len())]).unwrap();
            let _ = collect(
                &[Target::Path(path.clone())],
                Options {
                    forced: Some(&Rpm),
                    ..Options::default()
                },
            );
        }
        for _ in 0..150 {
            let mut copy = bytes.clone();
            for _ in 0..1 + next() % 8 {
                let at = (next() as usize) % copy.len();
                copy[at] = next() as u8;
            }
            std::fs::write(&path, &copy).unwrap();
            let (_, _result) = run(&path);
        }
    }
    for len in [0usize, 1, 100, 4096, 20000] {
        let noise: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let path = dir.path().join("noise");
        std::fs::write(&path, &noise).unwrap();
        let inv = collect(
            &[Target::Path(path.clone())],
            Options {
                forced: Some(&Rpm),
                ..Options::default()
            },
        );
        assert!(inv.items.is_empty());
        assert_eq!(inv.errors.len(), 1);
    }
}
