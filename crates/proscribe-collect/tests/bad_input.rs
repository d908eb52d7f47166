//! Bad input never panics, never stops the run, and every error says which file and why.
//!
//! Runs every collector of `registry::COLLECTORS` over random bytes, truncated copies of
//! every fixture file (fixtures/**, so new collectors' fixtures are included
//! automatically), a binary file, directories where files are expected and files where
//! directories are expected, both directly (with `catch_unwind`, because the driver
//! swallows panics) and through the driver.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use common::fixture;
use proscribe_collect::linux::{apk::Apk, dpkg::Dpkg};
use proscribe_collect::{collect, head_of, registry, Collector, Input, Options, Target};
use proscribe_model::Item;

/// A small deterministic generator (xorshift64*), so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next() >> 32) as u8).collect()
    }
}

/// What a direct call of one collector did with one input.
struct Outcome {
    items: Vec<Item>,
    error: Option<String>,
}

/// Calls `sniff` and `collect` of one collector directly; fails the test on a panic or on
/// an error message that is empty or longer than one line.
fn direct(c: &dyn Collector, path: &Path) -> Outcome {
    let is_dir = path.is_dir();
    let head = if is_dir {
        Vec::new()
    } else {
        head_of(path).unwrap_or_default()
    };
    let display = path.display().to_string();
    let input = Input {
        path,
        display: &display,
        target: &display,
        head: &head,
        is_dir,
    };
    let sniffed = catch_unwind(AssertUnwindSafe(|| c.sniff(&input)));
    assert!(sniffed.is_ok(), "{}: sniff panicked on {display}", c.name());
    let mut items = Vec::new();
    let result = catch_unwind(AssertUnwindSafe(|| c.collect(&input, &mut items)));
    let Ok(result) = result else {
        panic!("{}: collect panicked on {display}", c.name());
    };
    let error = result.err().map(|e| e.to_string());
    if let Some(msg) = &error {
        assert!(
            !msg.trim().is_empty(),
            "{}: empty error on {display}",
            c.name()
        );
        assert!(
            !msg.contains('\n'),
            "{}: multi-line error on {display}: {msg}",
            c.name()
        );
    }
    Outcome { items, error }
}

/// Runs the driver on a path, sniffing and then forced to every collector; every error must
/// name the path as its target, give a one-line reason, and not come from a panic.
fn through_driver(path: &Path) {
    let display = path.display().to_string();
    let mut runs = vec![Options::default()];
    runs.extend(registry::COLLECTORS.iter().map(|c| Options {
        forced: Some(*c),
        ..Options::default()
    }));
    for options in runs {
        let inv = collect(&[Target::Path(path.to_owned())], options);
        for e in &inv.errors {
            assert!(
                e.target == display || e.target.starts_with(&format!("{display}/")),
                "error target {} is not {display}",
                e.target
            );
            assert!(
                !e.reason.trim().is_empty() && !e.reason.contains('\n'),
                "reason for {display}: {:?}",
                e.reason
            );
            assert!(
                !e.reason.contains("internal error"),
                "a collector panicked on {display}: {}",
                e.reason
            );
        }
    }
}

/// Every regular file under fixtures/ (symbolic links are skipped: they point at fixtures
/// that are visited anyway).
fn fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let ty = e.file_type().unwrap();
            if ty.is_symlink() {
                continue;
            } else if ty.is_dir() {
                walk(&e.path(), out);
            } else {
                out.push(e.path());
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixture(""), &mut out);
    out
}

/// Where to cut a file of `len` bytes: the first and last bytes one by one, and evenly in
/// between (fewer cuts for large files, which cost a copy each).
fn cut_points(len: usize) -> Vec<usize> {
    let (edge, steps) = if len > 4 << 20 { (2, 10) } else { (12, 48) };
    let mut cuts: Vec<usize> = (0..edge.min(len)).collect();
    cuts.extend((1..steps).map(|i| len * i / steps));
    cuts.extend(len.saturating_sub(edge)..len);
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// Random bytes of several sizes, from empty to 1 MiB, through every collector.
#[test]
fn random_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x5eed_0001);
    for (i, size) in [0usize, 1, 2, 7, 64, 511, 4096, 8192, 8193, 65_537, 1 << 20]
        .into_iter()
        .enumerate()
    {
        let path = dir.path().join(format!("random-{i}-{size}"));
        std::fs::write(&path, rng.bytes(size)).unwrap();
        for c in registry::COLLECTORS {
            let out = direct(*c, &path);
            assert!(
                out.items.is_empty() || size > 0,
                "{} found items in an empty file",
                c.name()
            );
        }
        through_driver(&path);
    }
}

/// Text that looks almost right: lines of every text fixture shuffled with junk lines.
#[test]
fn shuffled_fixture_lines() {
    let mut pool: Vec<Vec<u8>> = Vec::new();
    for path in fixture_files() {
        let data = std::fs::read(&path).unwrap();
        if std::str::from_utf8(&data).is_ok() {
            pool.extend(data.split(|b| *b == b'\n').map(<[u8]>::to_vec));
        }
    }
    pool.extend(
        [
            &b""[..],
            b" continuation",
            b":",
            b"P:",
            b"%%",
            b"%NAME%",
            b"Status: x",
            b"Package:",
        ]
        .map(<[u8]>::to_vec),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x5eed_0002);
    for round in 0..60 {
        let mut text = Vec::new();
        for _ in 0..(rng.next() % 400) {
            text.extend_from_slice(&pool[(rng.next() % pool.len() as u64) as usize]);
            if rng.next() >> 58 != 0 {
                text.push(b'\n');
            }
        }
        let path = dir.path().join(format!("soup-{round}"));
        std::fs::write(&path, &text).unwrap();
        for c in registry::COLLECTORS {
            direct(*c, &path);
        }
        if round < 6 {
            through_driver(&path);
        }
    }
}

/// Truncated copies of every fixture file, at many cut points, through every collector.
#[test]
fn truncated_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let files = fixture_files();
    assert!(files.len() >= 10, "fixtures not found: {files:?}");
    for (n, src) in files.iter().enumerate() {
        let data = std::fs::read(src).unwrap();
        for cut in cut_points(data.len()) {
            let path = dir.path().join(format!("cut-{n}-{cut}"));
            std::fs::write(&path, &data[..cut]).unwrap();
            for c in registry::COLLECTORS {
                direct(*c, &path);
            }
            std::fs::remove_file(&path).unwrap();
        }
        // The driver, on a few cuts per file (it runs every collector again per call).
        for cut in [0, data.len() / 3, data.len() - data.len().min(1)] {
            let path = dir.path().join(format!("cut-{n}-{cut}-driver"));
            std::fs::write(&path, &data[..cut]).unwrap();
            through_driver(&path);
        }
    }
}

/// How many paragraphs of a paragraph-per-package text end before `cut` (a paragraph is
/// complete when the blank line after it is there).
fn complete_paragraphs(data: &[u8], cut: usize) -> usize {
    let text = &data[..cut];
    text.windows(2).filter(|w| w == b"\n\n").count()
}

/// Items read before the cut are kept, equal to the same items of the whole file.
#[test]
fn truncation_keeps_earlier_items() {
    let dir = tempfile::tempdir().unwrap();
    let collectors: [(&dyn Collector, &str); 2] = [(&Dpkg, "dpkg/status"), (&Apk, "apk/installed")];
    for (c, rel) in collectors {
        let src = fixture(rel);
        let data = std::fs::read(&src).unwrap();
        let full = direct(c, &src);
        assert!(full.error.is_none());
        for cut in cut_points(data.len()) {
            let path = dir.path().join(format!("{}-{cut}", c.name()));
            std::fs::write(&path, &data[..cut]).unwrap();
            let out = direct(c, &path);
            let complete = complete_paragraphs(&data, cut);
            assert!(
                out.items.len() >= complete,
                "{rel} cut at {cut}: {} items, {complete} complete paragraphs",
                out.items.len()
            );
            for (got, want) in out.items.iter().zip(&full.items).take(complete) {
                assert_eq!(
                    (&got.name, &got.version, &got.identifiers),
                    (&want.name, &want.version, &want.identifiers)
                );
                assert_eq!(got.location.detail, want.location.detail);
            }
            let cut_mid_line = cut > 0 && data[cut - 1] != b'\n';
            if cut_mid_line {
                let msg = out.error.unwrap_or_default();
                assert!(
                    msg.contains("file ends in the middle of a line"),
                    "{rel} cut at {cut}: {msg}"
                );
            }
        }
    }
}

/// A binary file (the first 256 KiB of this test executable) through every collector.
#[test]
fn binary_file() {
    let exe = std::env::current_exe().unwrap();
    let mut data = std::fs::read(exe).unwrap();
    data.truncate(256 * 1024);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("binary");
    std::fs::write(&path, &data).unwrap();
    for c in registry::COLLECTORS {
        let out = direct(*c, &path);
        assert!(
            out.items.is_empty(),
            "{} found items in an ELF file",
            c.name()
        );
        assert!(
            out.error.is_some(),
            "{} accepted an ELF file silently",
            c.name()
        );
    }
    through_driver(&path);
    let inv = collect(&[Target::Path(path.clone())], Options::default());
    assert_eq!(inv.errors.len(), 1, "{:?}", inv.errors);
    assert!(
        inv.errors[0].reason.starts_with("format not recognised"),
        "{}",
        inv.errors[0].reason
    );
}

/// Directories where files are expected, and files where a directory is expected.
#[test]
fn wrong_kind_of_path() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty-dir");
    std::fs::create_dir(&empty).unwrap();
    let as_dir = dir.path().join("status");
    std::fs::create_dir(&as_dir).unwrap();
    for c in registry::COLLECTORS {
        for path in [&empty, &as_dir] {
            let out = direct(*c, path);
            assert!(
                out.items.is_empty(),
                "{} found items in an empty directory",
                c.name()
            );
        }
    }
    for (c, _) in [(&Dpkg as &dyn Collector, ()), (&Apk, ())] {
        let msg = direct(c, &as_dir).error.unwrap_or_default();
        assert!(msg.starts_with("is a directory"), "{}: {msg}", c.name());
    }
    let msg = direct(pacman_collector(), &empty).error.unwrap_or_default();
    assert!(msg.starts_with("not a pacman local database"), "{msg}");
    // A file given to the pacman collector, which wants the local database directory.
    let msg = direct(pacman_collector(), &fixture("dpkg/status"))
        .error
        .unwrap_or_default();
    assert!(msg.contains("not a pacman desc file"), "{msg}");
    through_driver(&empty);
    through_driver(&as_dir);
    // A path that does not exist: one error naming it.
    let missing = dir.path().join("missing");
    let inv = collect(&[Target::Path(missing.clone())], Options::default());
    assert_eq!(inv.errors.len(), 1);
    assert_eq!(inv.errors[0].target, missing.display().to_string());
    assert_eq!(inv.errors[0].reason, "no such file or directory");
}

fn pacman_collector() -> &'static dyn Collector {
    registry::by_name("pacman").unwrap()
}

/// The driver's error for a damaged file names the file and the line.
#[test]
fn driver_error_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("status");
    std::fs::write(&path, "Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: install ok installed\nnonsense\n").unwrap();
    let inv = collect(&[Target::Path(path.clone())], Options::default());
    assert_eq!(inv.items.len(), 2);
    assert_eq!(inv.errors.len(), 1);
    assert_eq!(inv.errors[0].target, path.display().to_string());
    assert_eq!(
        inv.errors[0].reason,
        "dpkg: line 6: expected `Field: value`, found `nonsense` (kept the 2 items read before it)"
    );
}

/// Writes a generated dpkg status file of about `bytes` bytes; returns its paragraph count.
fn generated_status(path: &Path, bytes: u64) -> usize {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut written = 0u64;
    let mut n = 0usize;
    while written < bytes {
        let para = format!(
            "Package: generated-package-{n}\nStatus: install ok installed\nPriority: optional\nSection: misc\n\
             Installed-Size: {n}\nMaintainer: Generated Maintainers <gen@example.invalid>\nArchitecture: amd64\n\
             Version: 1.{n}-1\nDepends: libc6 (>= 2.36)\nDescription: generated paragraph {n}\n \
             a continuation line that makes the paragraph about as long as a real one\n .\n \
             another continuation line, to be skipped by the parser without being kept\n\n"
        );
        out.write_all(para.as_bytes()).unwrap();
        written += para.len() as u64;
        n += 1;
    }
    out.flush().unwrap();
    n
}

/// A generated 20 MB status file is streamed and every paragraph counted.
#[test]
fn large_status_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("status");
    let n = generated_status(&path, 20_000_000);
    let inv = collect(&[Target::Path(path)], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), n);
}

/// A generated 200 MB status file is streamed: every paragraph is counted and the peak
/// memory of a process doing only that stays small. The work runs in a child process (this
/// test binary, running only [`huge_status_file_child`]) so that other tests' memory does
/// not count.
#[test]
#[cfg(target_os = "linux")]
fn huge_status_file_bounded_memory() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "huge_status_file_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PROSCRIBE_HUGE_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak_kb: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("child printed no peak: {stdout}"));
    assert!(
        peak_kb < 64 * 1024,
        "reading a 200 MB status file peaked at {peak_kb} kB"
    );
}

/// The child of [`huge_status_file_bounded_memory`]; ignored when run on its own.
#[test]
#[ignore = "run by huge_status_file_bounded_memory in a child process"]
fn huge_status_file_child() {
    if std::env::var_os("PROSCRIBE_HUGE_CHILD").is_none() {
        return;
    }
    struct Counter(usize);
    impl proscribe_collect::Sink for Counter {
        fn push(&mut self, _item: Item) {
            self.0 += 1;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("status");
    let n = generated_status(&path, 200_000_000);
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
    Dpkg.collect(&input, &mut counter).unwrap();
    assert_eq!(counter.0, n);
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap();
    let peak_kb = peak.trim().trim_end_matches("kB").trim();
    println!(
        "200 MB status file: {n} paragraphs in {:?}",
        started.elapsed()
    );
    println!("peak-rss-kb={peak_kb}");
}
