//! The whole batch on a generated firm full of conflicting candidates
//! (identical amounts, an invoice quoted by two payments, customers sharing a
//! name — so suggestions) gives byte-identical outputs, batch summary
//! included, with `RAYON_NUM_THREADS` = 1, 2 and 8, twice each. The bigger
//! run is `examples/determinism.rs` (BENCHMARKS.md, "Reliability").

use std::path::Path;

use pointage::synth::conflicts::{RUN_DATE, write_conflict_firm};

use crate::support::{csv_rows, pointage, tree};

#[test]
fn the_batch_gives_the_same_bytes_on_1_2_and_8_threads_every_time() {
    let t = tempfile::tempdir().unwrap();
    let firm = t.path().join("firm");
    write_conflict_firm(&firm, 3, 400, 300, 2026).unwrap();
    let run = |name: &str, threads: &str| {
        let base = t.path().join(name);
        let o = pointage()
            .arg("batch")
            .arg(&firm)
            .args(["--date", RUN_DATE, "--quiet", "--out"])
            .arg(base.join("out"))
            .arg("--state")
            .arg(base.join("state"))
            .env("RAYON_NUM_THREADS", threads)
            .env_remove("POINTAGE_FAILPOINT")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        tree(&base.join("out"))
    };
    let reference = run("t1-a", "1");
    for (name, threads) in [
        ("t2-a", "2"),
        ("t8-a", "8"),
        ("t1-b", "1"),
        ("t2-b", "2"),
        ("t8-b", "8"),
    ] {
        let got = run(name, threads);
        assert_eq!(got.len(), reference.len(), "{name}");
        for (a, b) in reference.iter().zip(&got) {
            assert_eq!(a.0, b.0, "{name}");
            assert!(a.1 == b.1, "{name}: {} differs", a.0.display());
        }
    }
    // The firm really puts the matcher in doubt.
    let summary = csv_rows(&t.path().join("t1-a/out/batch-summary.csv"));
    let suggested: u64 = summary[1..]
        .iter()
        .map(|r| r[5].parse::<u64>().unwrap())
        .sum();
    assert!(suggested > 0, "{summary:?}");
    let matches = std::fs::read_to_string(Path::new(
        &t.path().join("t1-a/out/conflicts-0001/matches.csv"),
    ))
    .unwrap();
    assert!(matches.contains(",suggested,"), "no suggestion");
}
