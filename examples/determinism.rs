//! Determinism of the whole batch (BENCHMARKS.md, "Reliability"): a firm of
//! conflict-rich clients (`synth::conflicts`) run by a real `pointage batch`
//! with `RAYON_NUM_THREADS` = 1, 2 and 8, ROUNDS times each, each from an
//! empty state; every output tree (batch summary included) must be
//! byte-identical to the first.
//!
//! `cargo build --release --bin pointage && cargo run --release --example determinism --
//!  [WORK_DIR] [CLIENTS] [TRANSACTIONS] [INVOICES] [ROUNDS]`
//! (defaults: a temporary folder, 20, 3000, 2000, 3). Exits 1 on any difference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use pointage::synth::conflicts::{RUN_DATE, write_conflict_firm};

fn tree(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            tree(&e.path(), root, out)?;
        } else {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap_or(&e.path())
                .to_path_buf();
            out.insert(rel, std::fs::read(e.path())?);
        }
    }
    Ok(())
}

/// CPU seconds (user + system) of this process's waited-for children.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 16 and 17 (cutime, cstime), counted from the state (field 3).
    (f.get(13).copied().unwrap_or(0.0) + f.get(14).copied().unwrap_or(0.0)) / 100.0
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let work = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("determinism"));
    let num = |i: usize, d: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (clients, transactions, invoices, rounds) =
        (num(1, 20), num(2, 3000), num(3, 2000), num(4, 3));
    let bin = std::env::var("POINTAGE_BIN").unwrap_or_else(|_| "target/release/pointage".into());
    let _ = std::fs::remove_dir_all(&work);
    let firm = work.join("firm");
    if let Err(e) = write_conflict_firm(&firm, clients, transactions, invoices, 2026) {
        eprintln!("cannot write the firm: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "firm: {clients} clients x {transactions} transactions x ~{invoices} invoices, seed 2026"
    );
    let mut reference: Option<BTreeMap<PathBuf, Vec<u8>>> = None;
    let mut ok = true;
    for round in 0..rounds {
        for threads in ["1", "2", "8"] {
            let base = work.join(format!("r{round}-t{threads}"));
            let cpu0 = children_cpu();
            let t0 = Instant::now();
            let status = Command::new(&bin)
                .arg("batch")
                .arg(&firm)
                .args([
                    "--date",
                    RUN_DATE,
                    "--allow-future-date",
                    "--quiet",
                    "--out",
                ])
                .arg(base.join("out"))
                .arg("--state")
                .arg(base.join("state"))
                .env("RAYON_NUM_THREADS", threads)
                .status();
            let wall = t0.elapsed().as_secs_f64();
            let cpu = children_cpu() - cpu0;
            if !status.is_ok_and(|s| s.success()) {
                eprintln!("round {round} threads {threads}: the batch failed");
                return ExitCode::FAILURE;
            }
            let mut files = BTreeMap::new();
            if let Err(e) = tree(&base.join("out"), &base.join("out"), &mut files) {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
            let bytes: usize = files.values().map(Vec::len).sum();
            let same = match &reference {
                None => {
                    reference = Some(files);
                    true
                }
                Some(r) => *r == files,
            };
            ok &= same;
            println!(
                "round {round} RAYON_NUM_THREADS={threads}: wall {wall:.1}s, cpu {cpu:.1}s, {bytes} bytes of output, identical: {}",
                if same { "yes" } else { "NO" }
            );
            if round + 1 < rounds || threads != "8" {
                let _ = std::fs::remove_dir_all(base.join("state"));
            }
        }
    }
    if let Some(r) = &reference {
        let summary = r
            .get(Path::new("batch-summary.csv"))
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let (mut matched, mut suggested) = (0u64, 0u64);
        for line in summary.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            matched += f.get(4).and_then(|x| x.parse().ok()).unwrap_or(0);
            suggested += f.get(5).and_then(|x| x.parse().ok()).unwrap_or(0);
        }
        println!(
            "{} files per run; {matched} payments matched, {suggested} suggested",
            r.len()
        );
    }
    println!("all runs identical: {}", if ok { "yes" } else { "NO" });
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
