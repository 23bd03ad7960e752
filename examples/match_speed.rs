//! Whole matching stage throughput at one size: index build (invoice keys
//! and payer index), parallel candidate search, allocation and output rows,
//! on the synthetic client generator's data.
//!
//! `cargo run --release --example match_speed -- TX INVOICES [RUNS]`
//! (defaults 100,000, 200,000 and 3 timed runs of the whole stage; more runs
//! make a `perf record` of the process mostly the stage, not the data
//! generation); run under `/usr/bin/time -v` for CPU time. On a
//! shared machine the CPU seconds of the process (all threads, from
//! `/proc/self/stat`, Linux; 10 ms ticks) are printed per phase too: they
//! do not grow with other processes' load as wall time does.
//! Figures in BENCHMARKS.md ("Matching").

use std::time::Instant;

use sha2::Digest;

use pointage::matching::{self, MatchConfig, OpenItem, Payment};
use pointage::synth::client::generate;

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    pointage::alloc::tune();
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n_tx = args.first().copied().unwrap_or(100_000);
    let n_inv = args.get(1).copied().unwrap_or(200_000);
    let runs = args.get(2).copied().unwrap_or(3).max(1);
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
    let mut best_cpu = f64::MAX;
    let mut rows = 0;
    let mut digest = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let c = cpu();
        let apps = matching::reconcile(&payments, &items, &client.customers, &cfg);
        let out = matching::output::rows(&payments, &items, &apps);
        best = best.min(t.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(cpu() - c);
        rows = out.len();
        // Outside the timing: what `matches.csv` would hold, to compare
        // code versions and thread counts byte for byte.
        let csv = matching::output::to_csv(&out).unwrap_or_default();
        digest = sha2::Sha256::digest(&csv)
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
    }
    // Phases, once more, for where the time goes.
    let c0 = cpu();
    let t = Instant::now();
    let ix = matching::index::InvoiceIndex::build(&items, &client.customers);
    let t_ix = t.elapsed().as_secs_f64();
    let c1 = cpu();
    let t = Instant::now();
    let cands: Vec<_> = {
        use rayon::prelude::*;
        payments
            .par_iter()
            .map(|p| matching::rules::candidates_with(p, &items, &ix, &cfg))
            .collect()
    };
    let t_c = t.elapsed().as_secs_f64();
    let c2 = cpu();
    let t = Instant::now();
    let apps = matching::allocate::allocate(&payments, &items, &cands, &cfg);
    let t_a = t.elapsed().as_secs_f64();
    let c3 = cpu();
    let t = Instant::now();
    let n = matching::output::rows(&payments, &items, &apps).len();
    let t_r = t.elapsed().as_secs_f64();
    let c4 = cpu();
    println!(
        "phases: index {t_ix:.3} s, candidates {t_c:.3} s, allocation {t_a:.3} s, rows {t_r:.3} s ({n} rows)"
    );
    println!(
        "phases, CPU s (all threads): index {:.2}, candidates {:.2}, allocation {:.2}, rows {:.2}; whole stage best CPU of {runs} {best_cpu:.2} s = {:.0} payments per CPU-second",
        c1 - c0,
        c2 - c1,
        c3 - c2,
        c4 - c3,
        payments.len() as f64 / best_cpu.max(0.01)
    );
    println!(
        "{} payments, {} items: best of {runs} {:.3} s, {:.0} payments/s, {} rows, matches.csv sha256 {digest}…",
        payments.len(),
        items.len(),
        best,
        payments.len() as f64 / best,
        rows
    );
}

/// CPU seconds (user + system) of this process so far, all threads;
/// 0 where `/proc/self/stat` is unreadable. Clock ticks of 10 ms assumed
/// (`CLK_TCK` = 100 on Linux).
fn cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after `)`.
    (ticks(11) + ticks(12)) / 100.0
}
