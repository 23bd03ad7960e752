//! `invoices.csv` loading in CPU seconds, for a shared machine where the
//! criterion bench's wall times (`benches/ledger.rs`) swing with other
//! processes' load: a generated 1,000,000-row file (`,` / decimal point /
//! ISO dates, and the French `;` / decimal comma / DD/MM/YYYY form) read by
//! `read_invoices` 3 times, best CPU time kept; the same comma file read by
//! plain `csv` + serde into a typed row as the calibration baseline.
//!
//! `cargo run --release --example ledger_speed -- [ROWS]`. Figures in
//! BENCHMARKS.md ("Ledger loading").

use std::path::Path;

use pointage::synth::{Rng, ledger::invoices_csv};

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The calibration baseline's typed row (less work than pointage does).
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

fn main() {
    pointage::alloc::tune();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let comma = invoices_csv(&mut Rng::new(1), 20_000, n, b',', false);
    let french = invoices_csv(&mut Rng::new(1), 20_000, n, b';', true);
    for (name, bytes) in [("comma_point", &comma), ("semicolon_comma", &french)] {
        let best = best_of(3, || {
            pointage::ledger::read_invoices(bytes, Path::new("invoices.csv")).unwrap_or_default()
        });
        report(name, n, best);
    }
    let best = best_of(3, || {
        csv::Reader::from_reader(&comma[..])
            .deserialize::<SerdeRow>()
            .filter_map(Result::ok)
            .collect::<Vec<_>>()
    });
    report("baseline_csv_serde_comma_point", n, best);
}

/// Best CPU seconds of `k` calls; each result is dropped after the clock
/// is read (freeing 1 M rows is not loading them).
fn best_of<T>(k: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..k {
        let c = cpu();
        let out = std::hint::black_box(f());
        best = best.min(cpu() - c);
        drop(out);
    }
    best
}

fn report(name: &str, n: usize, secs: f64) {
    println!(
        "{name}: best CPU {secs:.2} s for {n} rows = {:.2} M rows per CPU-second",
        n as f64 / secs.max(0.01) / 1e6
    );
}

/// CPU seconds (user + system) of this process so far (`/proc/self/stat`,
/// 10 ms ticks); 0 where unreadable.
fn cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
