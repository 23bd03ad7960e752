//! Ledger loading throughput: `read_invoices` over a generated 1-million-row
//! `invoices.csv`, in the `,` / decimal-point style and the French `;` /
//! decimal-comma / DD/MM/YYYY style. Rows per second is the figure the issue
//! sets (≥ 1 M rows/s on one core); the `bytes` group gives MB/s.
//!
//! `cargo bench --bench ledger` (set `LEDGER_ROWS` for another size).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pointage::synth::{Rng, ledger::invoices_csv};

fn rows() -> usize {
    std::env::var("LEDGER_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

fn bench(c: &mut Criterion) {
    let n = rows();
    let files = [
        (
            "comma_point",
            invoices_csv(&mut Rng::new(1), 20_000, n, b',', false),
        ),
        (
            "semicolon_comma",
            invoices_csv(&mut Rng::new(1), 20_000, n, b';', true),
        ),
    ];
    for (unit, throughput) in [("rows", None), ("bytes", Some(()))] {
        let mut g = c.benchmark_group(format!("read_invoices_{unit}"));
        g.sample_size(10);
        for (name, bytes) in &files {
            g.throughput(match throughput {
                None => Throughput::Elements(n as u64),
                Some(()) => Throughput::Bytes(bytes.len() as u64),
            });
            g.bench_function(*name, |b| {
                b.iter(|| {
                    let invoices = pointage::ledger::read_invoices(
                        black_box(bytes),
                        Path::new("invoices.csv"),
                    )
                    .expect("generated file loads");
                    assert_eq!(invoices.len(), n);
                    invoices
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
