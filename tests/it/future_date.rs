//! Review 31 F5: a `--date` typed a year ahead is refused (exit 2) before
//! anything runs, unless `--allow-future-date`; "today" is injected with
//! `POINTAGE_TODAY`, never read from the test machine's clock.

use std::fs;

use crate::support::{csv_rows, pointage, run_night, write_statement};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

#[test]
fn a_date_a_year_ahead_is_refused_and_real_nights_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let firm = dir.path().join("firm");
    let c = firm.join("c");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(
        c.join("invoices.csv"),
        format!(
            "{HEADER}F-100,C1,Alpha SARL,2026-10-01,2026-10-30,1000.00,1000.00,EUR\n\
             F-101,C2,Beta SAS,2026-10-20,2026-11-20,500.00,500.00,EUR\n"
        ),
    )
    .unwrap();
    write_statement(&c, 1, "2026-11-02", &[]);
    let today = [("POINTAGE_TODAY", "2026-11-02")];
    let o = run_night(&c, "2026-11-02", &dir.path().join("o1"), &today);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The typo: refused, nothing written, nothing recorded.
    let typo = dir.path().join("o2");
    let o = run_night(&c, "2027-11-03", &typo, &today);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--date 2027-11-03 is after today (2026-11-02, UTC)")
            && err.contains("--allow-future-date"),
        "{err}"
    );
    assert!(!typo.exists());
    // The same in a batch.
    let o = pointage()
        .env("POINTAGE_TODAY", "2026-11-02")
        .args(["batch", "--quiet", "--date", "2027-11-03"])
        .arg(&firm)
        .arg("--out")
        .arg(dir.path().join("b"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("b").exists());

    // Tomorrow (a client already past midnight) runs; so does the real
    // next night, C2's invoice not chased before it is due.
    let o = run_night(&c, "2026-11-03", &dir.path().join("o3"), &today);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&dir.path().join("o3/dunning.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");

    // Asked for explicitly, a future night runs.
    let o = pointage()
        .env("POINTAGE_TODAY", "2026-11-02")
        .args(["run", "--allow-future-date", "--date", "2026-11-20"])
        .arg(&c)
        .arg("--out")
        .arg(dir.path().join("o4"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
