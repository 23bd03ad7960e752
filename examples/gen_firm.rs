//! Writes a synthetic accounting firm for the batch benchmark:
//! `cargo run --release --example gen_firm -- DIR CLIENTS TRANSACTIONS INVOICES [SEED]`.
//! Then: `pointage batch DIR --date 2026-12-31 --out OUT --state STATE`.

use std::path::PathBuf;
use std::process::ExitCode;

use pointage::synth::firm::{FirmSize, RUN_DATE, write_firm};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|s| s.parse::<usize>().ok());
    let (Some(dir), Some(clients), Some(transactions), Some(invoices)) =
        (args.first(), num(1), num(2), num(3))
    else {
        eprintln!("usage: gen_firm DIR CLIENTS TRANSACTIONS INVOICES [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(2026);
    let size = FirmSize {
        clients,
        transactions,
        invoices,
    };
    let start = std::time::Instant::now();
    if let Err(e) = write_firm(&PathBuf::from(dir), size, seed) {
        eprintln!("gen_firm: {dir}: {e}");
        return ExitCode::from(4);
    }
    eprintln!(
        "wrote {clients} clients x {transactions} transactions x {invoices} invoices in {dir} ({:.1} s); run date {RUN_DATE}",
        start.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
