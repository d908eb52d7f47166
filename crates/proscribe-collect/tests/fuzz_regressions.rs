//! Inputs kept from fuzzing the hive and `.reg` parsers (fuzz/README.md): each must be read
//! without a panic, in bounded time, with at most a one-line error.

mod common;

use std::time::{Duration, Instant};

use common::fixture;
use proscribe_collect::windows::{hive, hive_items, reg_items};
use proscribe_model::Location;

fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(fixture(&format!("fuzz-regressions/{target}")))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

fn check(name: &std::path::Path, started: Instant, error: Option<String>) {
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{}: took {:?}",
        name.display(),
        started.elapsed()
    );
    if let Some(e) = error {
        assert!(
            !e.is_empty() && !e.contains('\n'),
            "{}: {e:?}",
            name.display()
        );
    }
}

/// The kept hive corpus: the reader, the full walk and the item mapping.
#[test]
fn hive_corpus() {
    let files = inputs("hive");
    assert!(files.len() >= 10, "corpus missing: {files:?}");
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let started = Instant::now();
        if let Ok(h) = hive::Hive::parse(data.clone()) {
            let _ = hive::walk(&h, |_, _, values| {
                for v in values {
                    let _ = v.text();
                }
            });
        }
        let mut items = Vec::new();
        let result = hive_items(data, "SOFTWARE", None, Location::default(), &mut items);
        check(&path, started, result.err().map(|e| e.to_string()));
    }
}

/// The kept `.reg` corpus through the parser and the item mapping.
#[test]
fn reg_corpus() {
    let files = inputs("reg");
    assert!(files.len() >= 5, "corpus missing: {files:?}");
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let started = Instant::now();
        let mut items = Vec::new();
        let result = reg_items(&data, &Location::default(), &mut items);
        check(&path, started, result.err().map(|e| e.to_string()));
    }
}
