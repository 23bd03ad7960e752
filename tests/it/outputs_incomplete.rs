//! Review 31 F10: a night committed whose files could not all be renamed
//! into place says so (exit 7, batch status `committed_incomplete`), and no
//! later night runs until it is run again — its reminders are recorded as
//! sent and would otherwise never reach anyone.

use std::fs;
use std::path::Path;

use crate::support::{csv_rows, pointage, run_night, write_statement};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

fn client(root: &Path) -> std::path::PathBuf {
    let c = root.join("firm").join("c");
    crate::support::quiet_client(&c, "");
    fs::write(
        c.join("invoices.csv"),
        format!("{HEADER}F-100,C1,Alpha SARL,2026-10-01,2026-10-30,1000.00,1000.00,EUR\n"),
    )
    .unwrap();
    write_statement(&c, 1, "2026-11-02", &[]);
    c
}

fn steps(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = |n: &str| rows[0].iter().position(|c| c == n).unwrap();
    let (s, i) = (col("step"), col("invoice_ids"));
    rows[1..]
        .iter()
        .map(|r| format!("{} {}", r[s], r[i]))
        .collect()
}

#[test]
fn a_rename_failing_after_the_commit_is_reported_and_blocks_the_next_night() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let out1 = dir.path().join("out/2026-11-02");
    // Any rename failure after the commit: here dunning.csv is a folder.
    fs::create_dir_all(out1.join("dunning.csv/x")).unwrap();
    let o = run_night(&c, "2026-11-02", &out1, &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(7), "{err}");
    assert!(
        err.contains(
            "night 2026-11-02 committed; outputs incomplete: run this night again to write them"
        ) && err.contains("dunning.csv"),
        "{err}"
    );
    assert!(!out1.join("summary.json").exists());

    // The next night is refused, naming the night to run again.
    let out2 = dir.path().join("out/2026-11-03");
    let o = run_night(&c, "2026-11-03", &out2, &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(7), "{err}");
    assert!(err.contains("run --date 2026-11-02 again"), "{err}");
    assert!(!out2.exists());

    // Run again once the folder is fixed: the reminder is written, and the
    // next night runs.
    fs::remove_dir_all(out1.join("dunning.csv")).unwrap();
    let o = run_night(&c, "2026-11-02", &out1, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(steps(&out1), ["courtesy_reminder F-100"]);
    assert!(out1.join("summary.json").exists());
    let o = run_night(&c, "2026-11-03", &out2, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(steps(&out2), Vec::<String>::new());
}

#[test]
fn a_batch_client_committed_with_outputs_incomplete_has_its_own_status() {
    let dir = tempfile::tempdir().unwrap();
    client(dir.path());
    let firm = dir.path().join("firm");
    let (out, state) = (dir.path().join("bout"), dir.path().join("bstate"));
    fs::create_dir_all(out.join("2026-11-02/c/dunning.csv/x")).unwrap();
    let batch = |date: &str| {
        pointage()
            .args(["batch", "--quiet", "--date", date])
            .arg(&firm)
            .arg("--out")
            .arg(out.join(date))
            .arg("--state")
            .arg(&state)
            .output()
            .unwrap()
    };
    let status = |date: &str| {
        let rows = csv_rows(&out.join(date).join("batch-summary.csv"));
        let col = |n: &str| rows[0].iter().position(|c| c == n).unwrap();
        (
            rows[1][col("status")].clone(),
            rows[1][col("error")].clone(),
        )
    };
    let o = batch("2026-11-02");
    assert_eq!(o.status.code(), Some(1));
    let (s, e) = status("2026-11-02");
    assert_eq!(s, "committed_incomplete");
    assert!(e.contains("run this night again to write them"), "{e}");
    let o = batch("2026-11-03");
    assert_eq!(o.status.code(), Some(1));
    let (s, e) = status("2026-11-03");
    assert_eq!(s, "failed");
    assert!(e.contains("run --date 2026-11-02 again"), "{e}");
}

/// Review 37 ops #9: an I/O error once the commit is durable (a failed sync
/// after the journal's truncation) is a committed night with its outputs
/// not written (exit 7), never exit 4 "nothing committed".
#[cfg(feature = "failpoints")]
#[test]
fn an_error_after_the_commit_point_is_a_committed_night_to_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let out = dir.path().join("out");
    let o = run_night(
        &c,
        "2026-11-02",
        &out,
        &[("POINTAGE_FAILPOINT", "commit_reports_error")],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(7), "{err}");
    assert!(
        err.contains("night 2026-11-02 committed; outputs incomplete")
            && err.contains("disk I/O error"),
        "{err}"
    );
    // Its files were removed, not left half in place.
    assert!(!out.join("dunning.csv").exists());
    assert!(fs::read_dir(&out).unwrap().next().is_none(), "{out:?}");
    // Run again: the night's reminder is written once, from the commit.
    let o = run_night(&c, "2026-11-02", &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(steps(&out), ["courtesy_reminder F-100"]);
}
