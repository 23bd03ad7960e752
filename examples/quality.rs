//! Matching quality on labelled synthetic clients: precision and recall of
//! `matched`, recall of `matched` + `suggested`, per difficulty class and
//! overall (payment-level; definitions in `pointage::synth::quality::score`).
//!
//! `cargo run --release --example quality [seeds] [customers] [payments]`
//! (defaults 5 seeds × 2,000 customers × 5,000 payments). Table in
//! BENCHMARKS.md ("Matching quality").

use std::collections::BTreeMap;

use pointage::matching::{self, MatchConfig, OpenItem};
use pointage::synth::quality::{self, Score};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let seeds = args.first().copied().unwrap_or(5);
    let customers = args.get(1).copied().unwrap_or(2_000);
    let payments = args.get(2).copied().unwrap_or(5_000);
    let cfg = MatchConfig::default();
    let mut total: BTreeMap<_, Score> = BTreeMap::new();
    for seed in 0..seeds as u64 {
        let set = quality::generate(1000 + seed, customers, payments);
        let items: Vec<OpenItem> = set.invoices.iter().map(OpenItem::from_invoice).collect();
        let apps = matching::reconcile(&set.payments, &items, &set.customers, &cfg);
        if let Err(e) = matching::check_invariants(&set.payments, &items, &apps) {
            eprintln!("invariant broken: {e}");
            std::process::exit(1);
        }
        if std::env::var_os("QUALITY_WRONG").is_some() {
            show_wrong(&set, &items, &apps);
        }
        for (k, s) in quality::score(&set, &items, &apps) {
            let t = total.entry(k).or_default();
            t.payments += s.payments;
            t.paying += s.paying;
            t.matched += s.matched;
            t.matched_right += s.matched_right;
            t.found += s.found;
        }
    }
    println!(
        "{seeds} seeds × {customers} customers × {payments} payments, threshold {}",
        cfg.threshold
    );
    print!("{}", quality::report(&total));
}

/// Prints the payments matched wrongly (with `QUALITY_WRONG=1`).
fn show_wrong(set: &quality::QualitySet, items: &[OpenItem], apps: &[matching::Application]) {
    for (i, t) in set.truth.iter().enumerate() {
        let mut got: Vec<_> = apps
            .iter()
            .filter(|a| a.payment == i && a.status == matching::Status::Matched)
            .filter_map(|a| Some((items.get(a.item?)?.invoice_id.clone(), a.applied_amount)))
            .collect();
        let mut want = t.pays.clone();
        got.sort();
        want.sort();
        let missed = std::env::var("QUALITY_MISSED").ok();
        let show = match &missed {
            Some(c) => got.is_empty() && !want.is_empty() && format!("{:?}", t.class) == *c,
            None => !got.is_empty() && got != want,
        };
        if show {
            let p = &set.payments[i];
            let ev: Vec<&str> = apps
                .iter()
                .filter(|a| a.payment == i)
                .map(|a| a.evidence.as_str())
                .collect();
            println!(
                "WRONG {:?} amount {} name {:?} texts {:?}\n  want {:?}\n  got {:?}\n  {:?}",
                t.class, p.amount, p.counterparty_name, p.texts, want, got, ev
            );
        }
    }
}
