//! Ledger loading throughput: `read_invoices` over a generated
//! 1-million-row `invoices.csv`, in the `,` / decimal-point / ISO-date style
//! and the French `;` / decimal-comma / DD/MM/YYYY style. The issue's target
//! is ≥ 1 M rows/s on one core. For calibration on a shared machine, the
//! same file is also read by plain `csv` + serde into a typed row (`f64`
//! amounts, dates as text: less work than pointage does) — not pointage code.
//!
//! `cargo bench --bench ledger` (`LEDGER_ROWS=n` for another size). File
//! sizes are printed, for MB/s.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pointage::synth::{Rng, ledger::invoices_csv};

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn rows() -> usize {
    std::env::var("LEDGER_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

/// The typed row of the calibration baseline.
#[allow(dead_code)]
#[derive(serde::Deserialize)]
struct SerdeRow {
    invoice_id: String,
    customer_id: String,
    customer_name: String,
    issue_date: String,
    due_date: String,
    amount: f64,
    open_amount: f64,
    currency: String,
    reference: Option<String>,
    payment_method: Option<String>,
    mandate_id: Option<String>,
    disputed: bool,
    installment: Option<String>,
    discount_percent: Option<f64>,
    discount_until: Option<String>,
}

fn bench(c: &mut Criterion) {
    pointage::alloc::tune();
    let n = rows();
    let comma = invoices_csv(&mut Rng::new(1), 20_000, n, b',', false);
    let french = invoices_csv(&mut Rng::new(1), 20_000, n, b';', true);
    eprintln!(
        "ledger bench: {n} rows; comma_point {} bytes, semicolon_comma {} bytes",
        comma.len(),
        french.len()
    );
    let mut g = c.benchmark_group("read_invoices");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for (name, bytes) in [("comma_point", &comma), ("semicolon_comma", &french)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let invoices =
                    pointage::ledger::read_invoices(black_box(bytes), Path::new("invoices.csv"))
                        .expect("generated file loads");
                assert_eq!(invoices.len(), n);
                invoices
            })
        });
    }
    g.bench_function("baseline_csv_serde_comma_point", |b| {
        b.iter(|| {
            let rows: Vec<SerdeRow> = csv::Reader::from_reader(black_box(&comma[..]))
                .deserialize()
                .collect::<Result<_, _>>()
                .expect("generated file deserializes");
            assert_eq!(rows.len(), n);
            rows
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
