//! Crashes of a real `pointage batch`: a short SIGKILL crash loop over a
//! small generated firm and several nights (the long one is
//! `examples/crash_loop`); the batch stopped at each named fault point and
//! rerun; two runs on one client at once, and the next run after a
//! `kill -9` of the first. In every case the end result equals an
//! uninterrupted run, file for file and state row for row.

#[path = "../../examples/crash_loop/harness.rs"]
mod harness;

use std::path::PathBuf;
use std::time::Duration;

use pointage::synth::firm::FirmSize;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pointage"))
}

#[test]
fn killed_at_random_moments_the_reruns_equal_an_uninterrupted_run() {
    let work = tempfile::tempdir().unwrap();
    let cfg = harness::Config {
        bin: bin(),
        work: work.path().join("loop"),
        size: FirmSize {
            clients: 4,
            transactions: 150,
            invoices: 150,
        },
        nights: 3,
        seed: 11,
        min_kills: 20,
        max_rounds: 40,
        // A safety net against a hang, not a measure.
        time_budget: Duration::from_secs(600),
        jobs: Some(2),
    };
    let report = harness::run(&cfg).unwrap();
    assert!(
        report.differences.is_empty(),
        "after {} kills: {:#?}",
        report.kills,
        report.differences
    );
    assert!(
        report.compared.0 > 0 && report.compared.1 == 4,
        "{report:?}"
    );
    assert!(
        report.kills >= cfg.min_kills,
        "only {} kills in {} rounds",
        report.kills,
        report.rounds
    );
}

/// Fault points and locks need the `failpoints` feature (`POINTAGE_FAILPOINT`,
/// `POINTAGE_FAILPOINT_PAUSE`).
#[cfg(feature = "failpoints")]
mod fault_points {
    use std::fs;
    use std::io::{BufRead, BufReader};
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    use pointage::synth::firm::{FirmSize, night_date, stage_night, write_firm_nights};

    use super::harness;
    use crate::support::{dump_state, pointage, tree};

    fn batch(firm: &Path, base: &Path, n: usize, env: &[(&str, &str)]) -> std::process::Output {
        let mut c = pointage();
        c.arg("batch")
            .arg(firm)
            .args(["--date", &night_date(n).to_string(), "--out"])
            .arg(base.join("out").join(night_date(n).to_string()))
            .arg("--state")
            .arg(base.join("state"))
            .args(["--quiet", "--jobs", "2"]);
        c.env_remove("POINTAGE_FAILPOINT");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    #[test]
    fn a_batch_stopped_at_each_fault_point_and_rerun_equals_an_uninterrupted_batch() {
        let work = tempfile::tempdir().unwrap();
        let source = work.path().join("source");
        let size = FirmSize {
            clients: 3,
            transactions: 80,
            invoices: 100,
        };
        write_firm_nights(&source, size, 5, 2).unwrap();
        let reference = work.path().join("reference");
        for n in 0..2 {
            stage_night(&source, &reference.join("firm"), n).unwrap();
            let o = batch(&reference.join("firm"), &reference, n, &[]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let want = harness::snapshot(&reference).unwrap();
        for point in [
            "after_parse",
            "before_commit",
            "after_commit",
            "mid_rename",
            "before_summary",
        ] {
            let base = work.path().join(point);
            for n in 0..2 {
                stage_night(&source, &base.join("firm"), n).unwrap();
                let o = batch(
                    &base.join("firm"),
                    &base,
                    n,
                    &[("POINTAGE_FAILPOINT", point)],
                );
                assert_eq!(o.status.code(), Some(86), "{point} night {n}");
                let o = batch(&base.join("firm"), &base, n, &[]);
                assert!(
                    o.status.success(),
                    "{point} rerun: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            let got = harness::snapshot(&base).unwrap();
            let diffs = harness::compare(&want, &got);
            assert!(diffs.is_empty(), "{point}: {diffs:#?}");
        }
    }

    fn demo_client() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/acme")
    }

    fn run(out: &Path, state: &Path) -> Command {
        let mut c = pointage();
        c.arg("run")
            .arg(demo_client())
            .args(["--date", "2026-11-20", "--out"])
            .arg(out)
            .arg("--state")
            .arg(state);
        c.env_remove("POINTAGE_FAILPOINT");
        c.env_remove("POINTAGE_FAILPOINT_PAUSE");
        c
    }

    #[test]
    fn a_second_run_exits_at_once_while_the_first_holds_the_lock_and_a_kill_frees_it() {
        let t = tempfile::tempdir().unwrap();
        let state = t.path().join("state");
        // Run A stops after loading the folder, holding the lock, until killed.
        let mut a = run(&t.path().join("out-a"), &state)
            .env("POINTAGE_FAILPOINT_PAUSE", "after_parse")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(a.stderr.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert_eq!(first, "failpoint after_parse: paused");

        // Run B: refused at once, exit 5, naming the lock file.
        let b = run(&t.path().join("out-b"), &state).output().unwrap();
        assert_eq!(b.status.code(), Some(5));
        let msg = String::from_utf8_lossy(&b.stderr);
        let lock = state.join("lock");
        assert!(msg.contains(&lock.display().to_string()), "{msg}");
        assert!(msg.contains("locked by another pointage run"), "{msg}");
        assert!(!t.path().join("out-b").exists(), "B wrote nothing");
        assert!(a.try_wait().unwrap().is_none(), "A still runs");

        // kill -9 of A: the kernel drops the flock; the next run completes.
        a.kill().unwrap();
        let status = a.wait().unwrap();
        assert_eq!(status.code(), None, "A died of SIGKILL");
        let c = run(&t.path().join("out-c"), &state).output().unwrap();
        assert_eq!(
            c.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&c.stderr)
        );

        // The same as a run nobody interrupted.
        let clean = tempfile::tempdir().unwrap();
        let o = run(&clean.path().join("out"), &clean.path().join("state"))
            .output()
            .unwrap();
        assert!(o.status.success());
        assert_eq!(
            tree(&t.path().join("out-c")),
            tree(&clean.path().join("out"))
        );
        assert_eq!(
            dump_state(&state.join("state.sqlite")),
            dump_state(&clean.path().join("state/state.sqlite"))
        );
        assert!(!t.path().join("out-a").exists(), "A never wrote");
        let _ = fs::remove_dir_all(t.path());
    }

    /// Review 37 ops #11: the same batch started twice at once (a retry
    /// while the first still runs): the second runs nothing and says so,
    /// and the first's summary is the one written.
    #[test]
    fn a_second_copy_of_a_running_batch_runs_nothing() {
        let t = tempfile::tempdir().unwrap();
        let firm = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let batch = |pause: bool| {
            let mut c = pointage();
            c.arg("batch")
                .arg(&firm)
                .args(["--date", "2026-11-20", "--quiet", "--jobs", "1", "--out"])
                .arg(t.path().join("out"))
                .arg("--state")
                .arg(t.path().join("state"));
            for v in ["POINTAGE_FAILPOINT", "POINTAGE_FAILPOINT_PAUSE"] {
                c.env_remove(v);
            }
            for v in [
                "JOB_COMPLETION_INDEX",
                "POINTAGE_SHARDS",
                "SLURM_ARRAY_TASK_ID",
            ] {
                c.env_remove(v);
            }
            if pause {
                c.env("POINTAGE_FAILPOINT_PAUSE", "after_parse");
            }
            c
        };
        let mut a = batch(true).stderr(Stdio::piped()).spawn().unwrap();
        let mut lines = BufReader::new(a.stderr.take().unwrap()).lines();
        assert_eq!(
            lines.next().unwrap().unwrap(),
            "failpoint after_parse: paused"
        );

        let b = batch(false).output().unwrap();
        let msg = String::from_utf8_lossy(&b.stderr);
        assert_eq!(b.status.code(), Some(5), "{msg}");
        assert!(
            msg.contains("another pointage batch is running this batch"),
            "{msg}"
        );
        assert!(!t.path().join("out/batch-summary.csv").exists());
        assert!(
            !t.path().join("state/atelier-lefevre").exists(),
            "B ran a client"
        );

        a.kill().unwrap();
        a.wait().unwrap();
        let c = batch(false).output().unwrap();
        assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
        let rows = crate::support::csv_rows(&t.path().join("out/batch-summary.csv"));
        let col = rows[0].iter().position(|h| h == "status").unwrap();
        assert!(rows[1..].iter().all(|r| r[col] == "done"), "{rows:?}");
        assert_eq!(rows.len(), 6);
    }
}
