//! `Matcher::find` over one million items made from real names (see `data/PROVENANCE`):
//! Debian packages with their maintainers, cycled, with one catalog hit in every 500.
//! Also times `normalize` alone and `Matcher::compile` of the built-in catalog.

use std::hint::black_box;
use std::io::Read;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use proscribe_catalog::Catalog;
use proscribe_match::Matcher;
use proscribe_model::{Identifier, Item, ItemKind, Location};

const ITEMS: usize = 1_000_000;
const HIT_EVERY: usize = 500;

/// (source, name, publisher) rows: the bulk, and the catalog hits.
fn rows() -> (Vec<[String; 3]>, Vec<[String; 3]>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/names.tsv.gz");
    let file = std::fs::File::open(path).expect("bench data exists");
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("bench data is gzip UTF-8");
    let (mut bulk, mut hits) = (Vec::new(), Vec::new());
    let mut in_hits = false;
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix('#') {
            in_hits |= comment.contains("catalog hits");
            continue;
        }
        let mut f = line.split('\t').map(str::to_owned);
        let row = [
            f.next().unwrap_or_default(),
            f.next().unwrap_or_default(),
            f.next().unwrap_or_default(),
        ];
        if in_hits {
            hits.push(row)
        } else {
            bulk.push(row)
        }
    }
    (bulk, hits)
}

fn to_item([source, name, publisher]: &[String; 3]) -> Item {
    let kind = if source == "deb" {
        ItemKind::Package
    } else {
        ItemKind::Application
    };
    let mut it = Item::new(kind, name.clone(), Location::default());
    if source == "deb" {
        it.identifiers
            .push(Identifier::package("deb", name.clone()));
    }
    if !publisher.is_empty() {
        it.publisher = Some(publisher.clone());
    }
    it
}

fn items() -> Vec<Item> {
    let (bulk, hits) = rows();
    (0..ITEMS)
        .map(|i| {
            if i % HIT_EVERY == HIT_EVERY - 1 {
                to_item(&hits[(i / HIT_EVERY) % hits.len()])
            } else {
                to_item(&bulk[i % bulk.len()])
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("built-in catalog loads");
    let start = Instant::now();
    let matcher = Matcher::compile(&catalog).expect("built-in catalog compiles");
    eprintln!(
        "compile: {:?} for {} vendors",
        start.elapsed(),
        catalog.vendors.len()
    );
    let items = items();

    let matched = items
        .iter()
        .filter(|it| !matcher.find(it).is_empty())
        .count();
    eprintln!(
        "{} of {} items match the built-in catalog",
        matched,
        items.len()
    );

    let mut g = c.benchmark_group("matcher");
    g.sample_size(10);
    g.throughput(Throughput::Elements(items.len() as u64));
    g.bench_function("find_1m_real_items", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for it in &items {
                n += matcher.find(black_box(it)).len();
            }
            n
        });
    });
    g.bench_function("normalize_1m_names_and_publishers", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for it in &items {
                n += proscribe_match::normalize(black_box(&it.name)).len();
                if let Some(p) = &it.publisher {
                    n += proscribe_match::normalize(black_box(p)).len();
                }
            }
            n
        });
    });
    g.finish();
    c.bench_function("compile_builtin", |b| {
        b.iter(|| Matcher::compile(black_box(&catalog)).map(|_| ()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
