//! Whole matching stage throughput at one size: index build (invoice keys
//! and payer index), parallel candidate search, allocation and output rows,
//! on the synthetic client generator's data.
//!
//! `cargo run --release --example match_speed -- TX INVOICES` (defaults
//! 100,000 and 200,000); run under `/usr/bin/time -v` for CPU time.
//! Figures in BENCHMARKS.md ("Matching").

use std::time::Instant;

use pointage::matching::{self, MatchConfig, OpenItem, Payment};
use pointage::synth::client::generate;

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n_tx = args.first().copied().unwrap_or(100_000);
    let n_inv = args.get(1).copied().unwrap_or(200_000);
    let client = generate(42, n_tx + n_tx / 9, n_inv);
    let payments: Vec<Payment> = client
        .statements
        .iter()
        .flat_map(matching::payments_of_statement)
        .take(n_tx)
        .collect();
    let items: Vec<OpenItem> = client.invoices.iter().map(OpenItem::from_invoice).collect();
    let cfg = MatchConfig::default();
    let mut best = f64::MAX;
    let mut rows = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let apps = matching::reconcile(&payments, &items, &client.customers, &cfg);
        rows = matching::output::rows(&payments, &items, &apps).len();
        best = best.min(t.elapsed().as_secs_f64());
    }
    // Phases, once more, for where the time goes.
    let t = Instant::now();
    let ix = matching::index::InvoiceIndex::build(&items, &client.customers);
    let t_ix = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let cands: Vec<_> = {
        use rayon::prelude::*;
        payments
            .par_iter()
            .map(|p| matching::rules::candidates_with(p, &items, &ix, &cfg))
            .collect()
    };
    let t_c = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let apps = matching::allocate::allocate(&payments, &items, &cands, &cfg);
    let t_a = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let n = matching::output::rows(&payments, &items, &apps).len();
    let t_r = t.elapsed().as_secs_f64();
    println!(
        "phases: index {t_ix:.3} s, candidates {t_c:.3} s, allocation {t_a:.3} s, rows {t_r:.3} s ({n} rows)"
    );
    println!(
        "{} payments, {} items: best of 3 {:.3} s, {:.0} payments/s, {} rows",
        payments.len(),
        items.len(),
        best,
        payments.len() as f64 / best,
        rows
    );
}
