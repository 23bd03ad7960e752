//! A firm night after night: how a night's cost grows with the history in
//! state and in the statements folder.
//!
//! `cargo run --release --example firm_nights -- WORK CLIENTS TRANSACTIONS INVOICES NIGHTS [BIN]`
//! writes a firm whose statements arrive one file per night
//! (`synth::firm::write_firm_nights`: TRANSACTIONS spread over NIGHTS files),
//! then runs `BIN batch` (default `target/release/pointage`) once per night,
//! each night's statement added to the folder beforehand, under
//! `/usr/bin/time`, and prints wall, CPU and peak memory per night.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use pointage::synth::firm::{FirmSize, night_date, stage_night, write_firm_nights};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|s| s.parse::<usize>().ok());
    let (Some(work), Some(clients), Some(transactions), Some(invoices), Some(nights)) =
        (args.first(), num(1), num(2), num(3), num(4))
    else {
        eprintln!("usage: firm_nights WORK CLIENTS TRANSACTIONS INVOICES NIGHTS [BIN]");
        return ExitCode::from(2);
    };
    let bin = args
        .get(5)
        .map_or_else(|| PathBuf::from("target/release/pointage"), PathBuf::from);
    let work = PathBuf::from(work);
    let (source, firm) = (work.join("source"), work.join("firm"));
    let size = FirmSize {
        clients,
        transactions,
        invoices,
    };
    let _ = std::fs::remove_dir_all(&work);
    if let Err(e) = write_firm_nights(&source, size, 2026, nights) {
        eprintln!("firm_nights: {}: {e}", source.display());
        return ExitCode::from(4);
    }
    println!("night,date,wall_s,user_s,sys_s,max_rss_kb");
    for n in 0..nights {
        if let Err(e) = stage_night(&source, &firm, n) {
            eprintln!("firm_nights: {}: {e}", firm.display());
            return ExitCode::from(4);
        }
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%e,%U,%S,%M"])
            .arg(&bin)
            .arg("batch")
            .arg(&firm)
            .args([
                "--date",
                &night_date(n).to_string(),
                "--allow-future-date",
                "--quiet",
                "--out",
            ])
            .arg(work.join("out"))
            .arg("--state")
            .arg(work.join("state"))
            .output();
        let out = match out {
            Ok(o) if o.status.success() => o,
            Ok(o) => {
                eprintln!("night {n}: {}", String::from_utf8_lossy(&o.stderr));
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("firm_nights: /usr/bin/time {}: {e}", bin.display());
                return ExitCode::from(4);
            }
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        let times = stderr.lines().last().unwrap_or_default();
        println!("{n},{},{times}", night_date(n));
    }
    ExitCode::SUCCESS
}
