//! Helpers shared by the collector tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use proscribe_collect::{head_of, CollectError, Collector, Confidence, Input};
use proscribe_model::{IdentifierKind, Item};

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Runs one collector directly on a file or directory, as the driver would.
pub fn run(collector: &dyn Collector, path: &Path) -> (Vec<Item>, Result<(), CollectError>) {
    let is_dir = path.is_dir();
    let head = if is_dir {
        Vec::new()
    } else {
        head_of(path).expect("readable fixture")
    };
    let display = path.display().to_string();
    let input = Input {
        path,
        display: &display,
        target: &display,
        head: &head,
        is_dir,
    };
    let mut items = Vec::new();
    let result = collector.collect(&input, &mut items);
    (items, result)
}

/// What one collector's sniffer says about a file or directory.
pub fn sniff(collector: &dyn Collector, path: &Path) -> Option<Confidence> {
    let is_dir = path.is_dir();
    let head = if is_dir {
        Vec::new()
    } else {
        head_of(path).expect("readable fixture")
    };
    let display = path.display().to_string();
    let input = Input {
        path,
        display: &display,
        target: &display,
        head: &head,
        is_dir,
    };
    collector.sniff(&input)
}

/// The single identifier of a kind (panics when there is not exactly one).
pub fn ident(item: &Item, kind: IdentifierKind) -> String {
    let all: Vec<_> = item.identifiers_of(kind).collect();
    assert_eq!(all.len(), 1, "{kind} identifiers of {}: {all:?}", item.name);
    all[0].value.clone()
}

/// The item with a name (panics when absent).
pub fn by_name<'a>(items: &'a [Item], name: &str) -> &'a Item {
    items
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no item named {name}"))
}
