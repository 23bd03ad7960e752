//! Client loading alone, as a night does it: every client folder of a firm
//! read with `client::load_client` (ledger, then each statement file read,
//! hashed and parsed), `ROUNDS` times, on one thread.
//!
//! ```text
//! load_clients ROOT [ROUNDS]     e.g. load_clients /tmp/firm100 5
//! ```
//! Measure with `/usr/bin/time`: user CPU over the bytes of statements read.

use std::path::Path;
use std::time::Instant;

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    pointage::alloc::tune();
    let mut args = std::env::args().skip(1);
    let root = args.next().ok_or("usage: load_clients ROOT [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(1), |r| r.parse())?;
    let mut dirs: Vec<_> = std::fs::read_dir(Path::new(&root))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let t = Instant::now();
    let (mut files, mut bytes, mut entries) = (0u64, 0u64, 0u64);
    for _ in 0..rounds {
        for dir in &dirs {
            let client = pointage::client::load_client(dir)?;
            for f in &client.statements {
                files += 1;
                bytes += std::fs::metadata(&f.path)?.len();
                entries += f
                    .parsed
                    .statements
                    .iter()
                    .map(|s| s.entries.len() as u64)
                    .sum::<u64>();
            }
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} clients x {rounds}: {files} statement files, {:.1} MB, {entries} entries in {s:.2} s wall ({:.0} MB/s)",
        dirs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / s
    );
    Ok(())
}
