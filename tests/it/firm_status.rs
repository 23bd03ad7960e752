//! `pointage firm` takes each client's status from its newest batch summary
//! (the highest `generation`), not from the file whose name sorts last: an
//! old unsharded `batch-summary.csv` must not hide a shard's later run. It
//! reads a client's figures only from a complete night, and refuses an OUT
//! with no client outputs at all.

use std::fs;
use std::path::Path;

use crate::support::{column_where, csv_rows, pointage};

const GOOD: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;Alpha;2026-10-01;2026-11-01;100,00\n";

fn batch(root: &Path, out: &Path, extra: &[&str]) -> i32 {
    let o = pointage()
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("POINTAGE_SHARDS")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .env_remove("SLURM_ARRAY_TASK_MIN")
        .arg("batch")
        .arg(root)
        // The night of 2026-11-20 unless `extra` names another.
        .args(if extra.contains(&"--date") {
            &[][..]
        } else {
            &["--date", "2026-11-20"][..]
        })
        .args(["--quiet", "--out"])
        .arg(out)
        .arg("--state")
        .arg(root.join("../state"))
        .args(extra)
        .output()
        .unwrap();
    o.status.code().unwrap_or(-1)
}

#[test]
fn a_shard_run_after_an_unsharded_one_gives_the_client_s_status() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    for c in ["acme", "zeta"] {
        fs::create_dir_all(root.join(c)).unwrap();
        fs::write(root.join(c).join("invoices.csv"), GOOD).unwrap();
    }
    // acme's export is broken on the first run of the night.
    fs::write(
        root.join("acme/invoices.csv"),
        format!("{GOOD}F-2;C1;Alpha;31/11/2026;2026-12-01;5,00\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    assert_eq!(batch(&root, &out, &[]), 1);
    let first = csv_rows(&out.join("batch-summary.csv"));
    assert_eq!(column_where(&first, "client", "acme", "status"), ["failed"]);
    assert_eq!(column_where(&first, "client", "acme", "generation"), ["1"]);

    // Fixed, then run again in two shards into the same OUT.
    fs::write(root.join("acme/invoices.csv"), GOOD).unwrap();
    for k in ["0/2", "1/2"] {
        assert_eq!(batch(&root, &out, &["--shard", k]), 0, "shard {k}");
    }
    let shard_of_acme = ["0-of-2", "1-of-2"]
        .into_iter()
        .find(|s| {
            let rows = csv_rows(&out.join(format!("batch-summary.{s}.csv")));
            !column_where(&rows, "client", "acme", "status").is_empty()
        })
        .unwrap();
    let rows = csv_rows(&out.join(format!("batch-summary.{shard_of_acme}.csv")));
    assert_eq!(column_where(&rows, "client", "acme", "status"), ["done"]);

    let o = pointage().arg("firm").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let kpis = csv_rows(&out.join("firm_kpis.csv"));
    assert_eq!(column_where(&kpis, "client", "acme", "status"), ["done"]);
    assert_eq!(
        column_where(&kpis, "client", "zeta", "status"),
        ["replayed"]
    );
    let html = fs::read_to_string(out.join("firm-report.html")).unwrap();
    assert!(!html.contains("failed"), "{html}");
}

#[test]
fn the_same_batch_run_again_keeps_its_generation() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    fs::create_dir_all(root.join("acme")).unwrap();
    fs::write(root.join("acme").join("invoices.csv"), GOOD).unwrap();
    let out = dir.path().join("out");
    let generation = |name: &str| {
        let text = fs::read_to_string(out.join(format!("{name}.json"))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["generation"].as_u64().unwrap()
    };
    assert_eq!(batch(&root, &out, &[]), 0);
    assert_eq!(generation("batch-summary"), 1);
    // Run again (the night is replayed): it replaces its own summary, which
    // does not make it newer than itself.
    assert_eq!(batch(&root, &out, &[]), 0);
    assert_eq!(generation("batch-summary"), 1);
    // A shard written after it is newer, and stays so when run again.
    for _ in 0..2 {
        assert_eq!(batch(&root, &out, &["--shard", "1/2"]), 0);
        assert_eq!(generation("batch-summary.1-of-2"), 2);
    }
}

fn firm(out: &Path) -> std::process::Output {
    pointage().arg("firm").arg(out).output().unwrap()
}

#[test]
fn summaries_without_client_outputs_are_no_firm_report() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    fs::create_dir_all(root.join("acme")).unwrap();
    fs::write(root.join("acme/invoices.csv"), GOOD).unwrap();
    let out = dir.path().join("out");
    assert_eq!(batch(&root, &out, &[]), 0);
    // Only the summaries copied (the client folders on another volume).
    let copy = dir.path().join("copy");
    fs::create_dir_all(&copy).unwrap();
    for f in ["batch-summary.csv", "batch-summary.json"] {
        fs::copy(out.join(f), copy.join(f)).unwrap();
    }
    let o = firm(&copy);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("no client outputs"));
    assert!(!copy.join("firm_kpis.csv").exists());
}

#[test]
fn a_client_whose_outputs_mix_two_nights_or_are_gone_has_no_figures() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    for c in ["acme", "beta", "zeta"] {
        fs::create_dir_all(root.join(c)).unwrap();
        fs::write(root.join(c).join("invoices.csv"), GOOD).unwrap();
    }
    let out = dir.path().join("out");
    assert_eq!(batch(&root, &out, &[]), 0);
    // acme's aged balance is not the one its summary lists (a night whose
    // outputs were not all put in place); beta's folder is gone.
    let aged = out.join("acme/aged_balance.csv");
    let text = fs::read_to_string(&aged).unwrap();
    fs::write(&aged, text.replace("100.00", "900.00")).unwrap();
    fs::remove_dir_all(out.join("beta")).unwrap();

    let o = firm(&out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("client acme: listed without figures: outputs of two nights mixed"),
        "{err}"
    );
    assert!(
        err.contains("client beta: listed without figures: no outputs under OUT"),
        "{err}"
    );
    let kpis = csv_rows(&out.join("firm_kpis.csv"));
    assert_eq!(column_where(&kpis, "client", "acme", "open"), [""]);
    assert_eq!(column_where(&kpis, "client", "beta", "open"), [""]);
    assert_eq!(column_where(&kpis, "client", "beta", "status"), ["done"]);
    assert_eq!(column_where(&kpis, "client", "zeta", "open"), ["100.00"]);
    let aged = csv_rows(&out.join("firm_aged_balance.csv"));
    let clients: Vec<&str> = aged.iter().skip(1).map(|r| r[0].as_str()).collect();
    assert_eq!(clients, ["zeta"], "{aged:?}");
}

#[test]
fn a_client_failed_tonight_or_gone_from_root_is_not_counted_with_an_earlier_night() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    for c in ["acme", "beta", "zeta"] {
        fs::create_dir_all(root.join(c)).unwrap();
        fs::write(root.join(c).join("invoices.csv"), GOOD).unwrap();
    }
    let out = dir.path().join("out");
    assert_eq!(batch(&root, &out, &[]), 0);
    // The next night into the same OUT: acme's export is broken (its folder
    // keeps the 2026-11-20 outputs), zeta left ROOT.
    fs::write(
        root.join("acme/invoices.csv"),
        format!("{GOOD}F-2;C1;Alpha;31/11/2026;2026-12-01;5,00\n"),
    )
    .unwrap();
    fs::remove_dir_all(root.join("zeta")).unwrap();
    assert_eq!(batch(&root, &out, &["--date", "2026-11-21"]), 1);

    let o = firm(&out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    for c in ["acme", "zeta"] {
        assert!(
            err.contains(&format!(
                "client {c}: listed without figures: its outputs are of the night of 2026-11-20, not of this report's night"
            )),
            "{err}"
        );
    }
    let kpis = csv_rows(&out.join("firm_kpis.csv"));
    // Before the fix: acme `failed` and zeta `` ranked with 100.00 overdue
    // of 2026-11-20 next to beta's 2026-11-21.
    assert_eq!(column_where(&kpis, "client", "acme", "status"), ["failed"]);
    assert_eq!(column_where(&kpis, "client", "acme", "overdue"), [""]);
    assert_eq!(column_where(&kpis, "client", "zeta", "overdue"), [""]);
    assert_eq!(column_where(&kpis, "client", "beta", "overdue"), ["100.00"]);
    assert_eq!(
        column_where(&kpis, "client", "beta", "run_date"),
        ["2026-11-21"]
    );
    let aged = csv_rows(&out.join("firm_aged_balance.csv"));
    let clients: Vec<&str> = aged.iter().skip(1).map(|r| r[0].as_str()).collect();
    assert_eq!(clients, ["beta"], "{aged:?}");
    let html = fs::read_to_string(out.join("firm-report.html")).unwrap();
    assert!(html.contains("total échu 100,00"), "{html}");
    assert!(!html.contains("2026-11-20"), "{html}");
}
