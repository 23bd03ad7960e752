//! The long SIGKILL crash loop (BENCHMARKS.md, "Reliability"): a generated
//! firm run night after night by a real `pointage batch`, killed at random
//! moments and rerun, until at least KILLS kills; then every output and
//! every state database must equal those of an uninterrupted run.
//!
//! `cargo build --release --bin pointage && cargo run --release --example crash_loop --
//!  [--bin target/release/pointage] [--work /tmp/crash-loop] [--clients 20] [--nights 5]
//!  [--transactions 1000] [--invoices 1000] [--kills 200] [--seed 2026]
//!  [--minutes 30] [--jobs N]`
//!
//! Exits 1 when anything differs.

#[path = "harness.rs"]
mod harness;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use pointage::synth::firm::FirmSize;

fn main() -> ExitCode {
    let mut cfg = harness::Config {
        bin: PathBuf::from("target/release/pointage"),
        work: std::env::temp_dir().join("crash-loop"),
        size: FirmSize {
            clients: 20,
            transactions: 1000,
            invoices: 1000,
        },
        nights: 5,
        seed: 2026,
        min_kills: 200,
        max_rounds: 1000,
        time_budget: Duration::from_secs(30 * 60),
        jobs: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let [flag, value] = pair else {
            eprintln!("usage: see the header of examples/crash_loop/main.rs");
            return ExitCode::from(2);
        };
        let num = || value.parse::<usize>().unwrap_or(0);
        match flag.as_str() {
            "--bin" => cfg.bin = PathBuf::from(value),
            "--work" => cfg.work = PathBuf::from(value),
            "--clients" => cfg.size.clients = num(),
            "--nights" => cfg.nights = num(),
            "--transactions" => cfg.size.transactions = num(),
            "--invoices" => cfg.size.invoices = num(),
            "--kills" => cfg.min_kills = num(),
            "--seed" => cfg.seed = num() as u64,
            "--minutes" => cfg.time_budget = Duration::from_secs(num() as u64 * 60),
            "--jobs" => cfg.jobs = Some(num()),
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let report = match harness::run(&cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("crash loop failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "firm: {} clients x {} transactions x {} invoices over {} nights, seed {}",
        cfg.size.clients, cfg.size.transactions, cfg.size.invoices, cfg.nights, cfg.seed
    );
    println!(
        "reference nights (wall): {:?}",
        report
            .reference
            .iter()
            .map(|d| format!("{:.2}s", d.as_secs_f64()))
            .collect::<Vec<_>>()
    );
    println!(
        "rounds {}, batch runs {}, kills {}, kills by night {:?}",
        report.rounds, report.runs, report.kills, report.kills_by_night
    );
    println!(
        "clients in flight at a kill, by phase: {:?}",
        report.by_phase
    );
    println!(
        "client-nights replayed by a rerun (committed before the kill): {}",
        report.replayed_client_nights
    );
    println!(
        "compared each round: {} output files, {} state databases",
        report.compared.0, report.compared.1
    );
    println!("wall {:.1}s", report.wall.as_secs_f64());
    if report.differences.is_empty() {
        println!("identical to the uninterrupted run: yes");
        ExitCode::SUCCESS
    } else {
        for d in report.differences.iter().take(50) {
            println!("DIFF {d}");
        }
        println!("identical to the uninterrupted run: NO");
        ExitCode::FAILURE
    }
}
