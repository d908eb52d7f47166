//! OUI lookup of ten million MAC addresses (issue 5: at least 20 million lookups per second
//! per core). Each lookup parses the address text, as collectors hand it over, and finds
//! the longest MA-S/MA-M/MA-L block of a catalog vendor.
//!
//! The addresses: one in ten from a catalog vendor's block (keys of
//! `catalog/generated/oui.tsv`), the rest pseudo-random (a fixed xorshift seed), a quarter of
//! those locally administered or group addresses; in the colon, hyphen and Cisco dotted
//! notations. Also times `Matcher::find` on network-device items that carry one MAC.
//!
//! "Per core" is measured as such: the clock is this thread's CPU time (from
//! `/proc/thread-self/schedstat`, in nanoseconds), so other processes on a shared machine
//! do not dilute the figure.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use proscribe_catalog::Catalog;
use proscribe_match::Matcher;
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

const MACS: usize = 10_000_000;

/// This thread's time on a CPU, in nanoseconds.
fn cpu_ns() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").expect("schedstat (Linux)");
    text.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .expect("schedstat starts with the run time")
}

/// Criterion measurement of thread CPU time, printed like wall time.
struct CpuTime(WallTime);

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = std::time::Duration;
    fn start(&self) -> u64 {
        cpu_ns()
    }
    fn end(&self, start: u64) -> std::time::Duration {
        std::time::Duration::from_nanos(cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Self::Value, b: &Self::Value) -> Self::Value {
        *a + *b
    }
    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }
    fn to_f64(&self, v: &Self::Value) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        self.0.formatter()
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Catalog OUI blocks as (prefix bits, prefix value).
fn catalog_blocks() -> Vec<(u32, u64)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../catalog/generated/oui.tsv"
    );
    let text = std::fs::read_to_string(path).expect("catalog/generated/oui.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let key = l.split('\t').next()?;
            let bits = (key.len() * 4) as u32;
            Some((bits, u64::from_str_radix(key, 16).ok()?))
        })
        .collect()
}

fn text(mac: u64, style: u64) -> String {
    let b = mac.to_be_bytes();
    match style % 3 {
        0 => format!(
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[2], b[3], b[4], b[5], b[6], b[7]
        ),
        1 => format!(
            "{:02X}-{:02X}-{:02X}-{:02X}-{:02X}-{:02X}",
            b[2], b[3], b[4], b[5], b[6], b[7]
        ),
        _ => format!(
            "{:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}",
            b[2], b[3], b[4], b[5], b[6], b[7]
        ),
    }
}

/// The addresses as one text, one per line (as a collector reads them from a file), and
/// their spans.
struct Macs {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Macs {
    fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(a, b)| &self.text[a..b])
    }
}

fn macs() -> Macs {
    let mut out = Macs {
        text: String::with_capacity(MACS * 18),
        spans: Vec::with_capacity(MACS),
    };
    for m in mac_strings() {
        let start = out.text.len();
        out.text.push_str(&m);
        out.spans.push((start, out.text.len()));
        out.text.push('\n');
    }
    out
}

fn mac_strings() -> impl Iterator<Item = String> {
    let blocks = catalog_blocks();
    let mut rng = Rng(0x5eed_00f1);
    (0..MACS).map(move |i| {
        let r = rng.next();
        let mac = if i % 10 == 0 {
            let (bits, prefix) = blocks[(r as usize >> 8) % blocks.len()];
            (prefix << (48 - bits)) | (r & ((1 << (48 - bits)) - 1))
        } else if i % 4 == 0 {
            (r & 0xffff_ffff_ffff) | (1 << 41)
        } else {
            r & 0xfcff_ffff_ffff
        };
        text(mac, r >> 60)
    })
}

fn bench(c: &mut Criterion<CpuTime>) {
    let catalog = Catalog::builtin().expect("built-in catalog loads");
    let matcher = Matcher::compile(&catalog).expect("built-in catalog compiles");
    let macs = macs();
    let owned = macs
        .iter()
        .filter(|m| matcher.mac_owner(m).is_some())
        .count();
    eprintln!(
        "{owned} of {} MACs are in a catalog vendor's block",
        macs.spans.len()
    );

    let mut g = c.benchmark_group("oui");
    g.sample_size(10);
    g.throughput(Throughput::Elements(macs.spans.len() as u64));
    g.bench_function("mac_owner_10m", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for m in macs.iter() {
                n += usize::from(matcher.mac_owner(black_box(m)).is_some());
            }
            n
        });
    });
    // The two halves apart: parsing the text, and the lookup of parsed addresses.
    g.bench_function("parse_10m", |b| {
        b.iter(|| {
            let mut n = 0u64;
            for m in macs.iter() {
                n ^= proscribe_model::mac::parse(black_box(m)).unwrap_or(0);
            }
            n
        });
    });
    g.finish();

    let items: Vec<Item> = macs
        .iter()
        .take(1_000_000)
        .map(|m| {
            let mut it = Item::new(ItemKind::NetworkDevice, "10.0.0.1", Location::default());
            it.identifiers.push(Identifier::new(IdentifierKind::Mac, m));
            it
        })
        .collect();
    let mut g = c.benchmark_group("oui");
    g.sample_size(10);
    g.throughput(Throughput::Elements(items.len() as u64));
    g.bench_function("find_1m_network_devices", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for it in &items {
                n += matcher.find(black_box(it)).len();
            }
            n
        });
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime(WallTime));
    targets = bench
}
criterion_main!(benches);
