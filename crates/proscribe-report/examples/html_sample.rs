//! Writes the synthetic report of the HTML bench to a file, for opening in a browser:
//! `cargo run --release -p proscribe-report --example html_sample -- 100000 out.html`.

use std::io::{BufWriter, Write};

#[path = "../benches/common/synth.rs"]
mod synth;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let path = args.next().unwrap_or_else(|| "report.html".to_owned());
    let report = synth::report(n);
    let start = std::time::Instant::now();
    let mut out = BufWriter::new(std::fs::File::create(&path)?);
    proscribe_report::render_html(&report, &mut out, proscribe_report::i18n::Lang::En)?;
    out.flush()?;
    let took = start.elapsed();
    let size = std::fs::metadata(&path)?.len();
    println!(
        "{path}: {} findings, {:.1} MB, rendered in {:.0} ms",
        report.findings.len(),
        size as f64 / 1_048_576.0,
        took.as_secs_f64() * 1000.0
    );
    Ok(())
}
