//! Matching throughput: 100,000 payments against 200,000 open items, the
//! whole stage (index build, parallel candidate search, allocation, output
//! rows), on model objects from the synthetic client generator.
//!
//! `cargo bench --bench matching`; figure in BENCHMARKS.md ("Matching").

use std::collections::BTreeMap;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pointage::matching::{self, MatchConfig, OpenItem, Payment};
use pointage::synth::client::generate;

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    pointage::alloc::tune();
    let client = generate(42, 111_000, 200_000);
    let payments: Vec<Payment> = client
        .statements
        .iter()
        .flat_map(matching::payments_of_statement)
        .take(100_000)
        .collect();
    let items: Vec<OpenItem> = client.invoices.iter().map(OpenItem::from_invoice).collect();
    let customers: BTreeMap<_, _> = client.customers.clone();
    let cfg = MatchConfig::default();
    let mut g = c.benchmark_group("matching");
    g.sample_size(10);
    g.throughput(Throughput::Elements(payments.len() as u64));
    g.bench_function("100k_payments_200k_items", |b| {
        b.iter(|| {
            let apps = matching::reconcile(&payments, &items, &customers, &cfg);
            let rows = matching::output::rows(&payments, &items, &apps);
            std::hint::black_box(rows.len())
        })
    });
    g.bench_function("100k_payments_200k_items_no_rows", |b| {
        b.iter(|| {
            std::hint::black_box(matching::reconcile(&payments, &items, &customers, &cfg).len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
