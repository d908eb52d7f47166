//! Rendering 100,000 findings to the HTML report (target: under 2 s, file under 30 MB).
//!
//! Prints the file size once; the render time is criterion's figure. `bench/html.sh`
//! measures how long Chromium takes to make the same page usable.

use criterion::{criterion_group, criterion_main, Criterion};
use proscribe_report::i18n::Lang;
use proscribe_report::render_html;

#[path = "common/synth.rs"]
mod synth;

const N: usize = 100_000;

fn bench(c: &mut Criterion) {
    let report = synth::report(N);
    assert_eq!(
        report.findings.len(),
        N,
        "the synthetic scan yields {N} findings"
    );
    let mut out = Vec::with_capacity(32 << 20);
    render_html(&report, &mut out, Lang::En).expect("renders");
    eprintln!(
        "html: {} findings → {:.1} MB",
        report.findings.len(),
        out.len() as f64 / 1_048_576.0
    );
    assert!(out.len() < 30 << 20, "the page stays under 30 MB");
    let mut group = c.benchmark_group("html");
    group.sample_size(10);
    group.bench_function("render_100k_findings", |b| {
        b.iter(|| {
            out.clear();
            render_html(&report, &mut out, Lang::En).expect("renders");
            out.len()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
