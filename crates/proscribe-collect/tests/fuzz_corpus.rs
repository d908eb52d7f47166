//! Replays the cargo-fuzz corpus (fuzz/corpus/<target>/) as ordinary tests, so every input
//! the fuzzer kept stays a regression test without nightly Rust or cargo-fuzz installed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use proscribe_model::Location;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// Every kept plist input: no panic, and either an item or a one-line reason.
#[test]
fn plist_corpus() {
    let files = corpus("plist");
    assert!(files.len() >= 10, "corpus too small: {}", files.len());
    let mut items = 0;
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let path = Path::new("X.app/Contents/Info.plist");
        let result = catch_unwind(AssertUnwindSafe(|| {
            proscribe_collect::macos::item_of_plist(&data, path, Location::default())
        }));
        match result {
            Ok(Ok(_)) => items += 1,
            Ok(Err(reason)) => assert!(
                !reason.is_empty() && !reason.contains('\n'),
                "{}: {reason:?}",
                file.display()
            ),
            Err(_) => panic!("{}: the plist reader panicked", file.display()),
        }
    }
    // The seeds (the fixtures' plists) hold apps, receipts and jobs.
    assert!(
        items >= 10,
        "only {items} of {} inputs gave items",
        files.len()
    );
}
