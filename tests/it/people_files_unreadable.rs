//! A people's file that is there but not a readable file of rows (review
//! 22): a dangling symbolic link or a loop stops the client naming it
//! (never taken for missing); a 0-byte file (a failed copy's leftover) is
//! read as missing, from the kept copy, and said to be empty; on a night
//! read from the copy, `decision_rejected` names the copy.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{csv_rows, paying, pointage, write_statement};

const INVOICES: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
A-1;C1;Alpha SAS;2026-05-01;2026-06-01;800,00\n";

const PROMISES: &str = "customer_id;invoice_id;promised_date\nC1;A-1;2026-12-15\n";

fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    fs::write(
        c.join("client.toml"),
        "[alerts]\nstale_statement_days = 0\n",
    )
    .unwrap();
    c
}

/// The night `date` run from `root` on the client `c`: exit code, stderr,
/// output folder.
fn night(root: &Path, date: &str) -> (Option<i32>, String, PathBuf) {
    let out = format!("out-{date}");
    let o = pointage()
        .current_dir(root)
        .args(["run", "c", "--date", date, "--out", &out])
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        root.join(out),
    )
}

/// `kind: message` of the alerts of `file` of the kinds asked for.
fn alerts(out: &Path, file: &str, kind: &str) -> Vec<String> {
    let rows = csv_rows(&out.join(file));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    rows[1..]
        .iter()
        .filter(|r| r[col("kind")] == kind)
        .map(|r| r[col("message")].clone())
        .collect()
}

fn steps(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    rows[1..].iter().map(|r| r[4].clone()).collect()
}

#[cfg(unix)]
#[test]
fn a_promises_csv_there_but_unreadable_stops_the_client_naming_it() {
    for (what, target) in [
        ("a loop", "promises.csv"),
        ("a dangling link", "/nonexistent-share/promises.csv"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let c = client(root);
        fs::write(c.join("promises.csv"), PROMISES).unwrap();
        let (code, err, _) = night(root, "2026-11-02");
        assert_eq!(code, Some(0), "{err}");
        fs::remove_file(c.join("promises.csv")).unwrap();
        std::os::unix::fs::symlink(target, c.join("promises.csv")).unwrap();
        // Before the fix: exit 0, the copy of 11-02 used, and the alert
        // said the file was not in the folder.
        let (code, err, out) = night(root, "2026-11-03");
        // As for a directory named promises.csv: an unreadable input.
        assert_eq!(code, Some(3), "{what}: {err}");
        assert!(err.contains("c/promises.csv"), "{what}: {err}");
        assert!(err.contains("symbolic link"), "{what}: {err}");
        assert!(!out.join("alerts.csv").exists(), "{what}");
    }
}

#[test]
fn an_empty_promises_csv_is_read_as_missing_and_said_to_be_empty() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = client(root);
    fs::write(c.join("promises.csv"), PROMISES).unwrap();
    let (code, err, out) = night(root, "2026-11-02");
    assert_eq!(code, Some(0), "{err}");
    assert!(steps(&out).is_empty(), "promised: {:?}", steps(&out));
    // A copy that failed leaves 0 bytes. Before the fix: exit 3, "no
    // header line: the file is empty", no matching, no alerts, no dunning.
    fs::write(c.join("promises.csv"), "").unwrap();
    let (code, err, out) = night(root, "2026-11-03");
    assert_eq!(code, Some(0), "{err}");
    assert!(steps(&out).is_empty(), "promise lifted: {:?}", steps(&out));
    let said = alerts(&out, "alerts.csv", "people_file_missing");
    assert_eq!(said.len(), 1, "{said:?}");
    for part in [
        "promises.csv is empty (0 bytes) in the client folder tonight",
        "the copy kept from 2026-11-02",
        "its promises still hold",
    ] {
        assert!(said[0].contains(part), "{part}: {}", said[0]);
    }
    // A header line alone still means no rows: the promise is lifted.
    fs::write(
        c.join("promises.csv"),
        "customer_id;invoice_id;promised_date\n",
    )
    .unwrap();
    let (code, err, out) = night(root, "2026-11-04");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(steps(&out), ["formal_notice"]);
    assert!(alerts(&out, "alerts.csv", "people_file_missing").is_empty());
}

#[test]
fn an_empty_decisions_csv_with_no_copy_kept_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = client(root);
    fs::write(c.join("decisions.csv"), "").unwrap();
    let (code, err, out) = night(root, "2026-11-02");
    assert_eq!(code, Some(0), "{err}");
    let said = alerts(&out, "alerts.csv", "people_file_missing");
    assert_eq!(said.len(), 1, "{said:?}");
    for part in [
        "decisions.csv is empty (0 bytes)",
        "no copy of it is kept yet",
        "none of its rows is applied tonight",
    ] {
        assert!(said[0].contains(part), "{part}: {}", said[0]);
    }
}

#[test]
fn a_decision_refused_on_a_night_read_from_the_copy_names_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = client(root);
    fs::write(
        c.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\nR5;A-1;assign;1500;x\n",
    )
    .unwrap();
    write_statement(&c, 1, "2026-11-02", &[]);
    let (code, err, out) = night(root, "2026-11-02");
    assert_eq!(code, Some(0), "{err}");
    let said = alerts(&out, "open_items.csv", "decision_rejected");
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with("c/decisions.csv line 2:"),
        "{}",
        said[0]
    );
    fs::remove_file(c.join("decisions.csv")).unwrap();
    write_statement(
        &c,
        2,
        "2026-11-03",
        &[paying("R5", "2026-11-03", "200.00", "VIR")],
    );
    let (code, err, out) = night(root, "2026-11-03");
    assert_eq!(code, Some(0), "{err}");
    let said = alerts(&out, "open_items.csv", "decision_rejected");
    assert_eq!(said.len(), 1, "{said:?}");
    // Before the fix: "c/decisions.csv line 2: …", a file not in the folder.
    assert!(
        said[0].starts_with("c/decisions.csv (copy kept from 2026-11-02) line 2: assign R5 A-1"),
        "{}",
        said[0]
    );
}
