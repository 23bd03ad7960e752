//! A customer's returns count per collection, the bank entry: a
//! re-presentation under the same end-to-end id (many ERPs put the invoice
//! number or the mandate there) returned again is the customer's second
//! return, while one return that comes in several lines (the same line sent
//! twice, a return split over nights) is one, and no step of its path goes
//! out twice.

use std::path::{Path, PathBuf};

use crate::returns::{collection, returned};
use crate::support::{Ntry, column_where, csv_rows, statement_night};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

const F401: &str = "F-401;C4;Delta;2026-11-01;2026-11-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n";

fn night(root: &Path, seq: u32, date: &str, entries: &[Ntry]) -> PathBuf {
    night_of(root, seq, date, F401, entries)
}

fn night_of(root: &Path, seq: u32, date: &str, invoices: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, entries)
}

/// The steps in `out`'s dunning.csv, as `step invoice_ids`.
fn steps(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let s = column_where(&rows, "customer_id", "C4", "step");
    let i = column_where(&rows, "customer_id", "C4", "invoice_ids");
    s.iter().zip(&i).map(|(s, i)| format!("{s} {i}")).collect()
}

fn kinds(out: &Path, kind: &str) -> usize {
    let rows = csv_rows(&out.join("alerts.csv"));
    column_where(&rows, "kind", kind, "kind").len()
}

/// F-401 collected on 11-25 under `E2E-1`, returned AM04 on 11-26: the
/// return path's call and letter.
fn first_return(root: &Path) {
    night(
        root,
        1,
        "2026-11-25",
        &[collection(
            "COL1",
            "2026-11-25",
            "600.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    let out = night(
        root,
        2,
        "2026-11-26",
        &[returned(
            "RET1",
            "2026-11-26",
            "-600.00",
            "E2E-1",
            "RUM-D1",
            "AM04",
        )],
    );
    assert_eq!(steps(&out), ["return_letter F-401", "return_call F-401"]);
}

#[test]
fn a_collection_presented_again_under_the_same_end_to_end_id_and_returned_is_a_second_return() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    first_return(root);
    night(root, 3, "2026-11-27", &[]);
    let out = night(
        root,
        4,
        "2026-11-30",
        &[collection(
            "COL2",
            "2026-11-30",
            "600.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    assert!(steps(&out).is_empty());
    let out = night(
        root,
        5,
        "2026-12-01",
        &[returned(
            "RET2",
            "2026-12-01",
            "-600.00",
            "E2E-1",
            "RUM-D1",
            "AM04",
        )],
    );
    assert_eq!(kinds(&out, "repeated_direct_debit_return"), 1);
    // The whole balance is demanded; the path's call and letter are not
    // sent a second time for F-401.
    assert_eq!(steps(&out), ["full_balance_demand F-401"]);
}

#[test]
fn a_third_return_under_the_same_end_to_end_id_is_said_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    first_return(root);
    let again = |seq, col: &'static str, ret: &'static str, on, back| {
        night(
            root,
            seq,
            on,
            &[collection(col, on, "600.00", "E2E-1", "RUM-D1")],
        );
        night(
            root,
            seq + 1,
            back,
            &[returned(ret, back, "-600.00", "E2E-1", "RUM-D1", "AM04")],
        )
    };
    let out = again(3, "COL2", "RET2", "2026-11-30", "2026-12-01");
    assert_eq!(kinds(&out, "repeated_direct_debit_return"), 1);
    let out = again(5, "COL3", "RET3", "2026-12-10", "2026-12-11");
    let alerts = csv_rows(&out.join("alerts.csv"));
    assert_eq!(
        column_where(&alerts, "kind", "repeated_direct_debit_return", "entry_id"),
        ["RET3"],
        "{alerts:?}"
    );
}

#[test]
fn the_same_return_sent_twice_is_one_return_and_no_step_goes_out_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    first_return(root);
    // The bank books the same return again the next day, under another
    // reference.
    let out = night(
        root,
        3,
        "2026-11-27",
        &[returned(
            "RET1B",
            "2026-11-27",
            "-600.00",
            "E2E-1",
            "RUM-D1",
            "AM04",
        )],
    );
    assert_eq!(kinds(&out, "repeated_direct_debit_return"), 0);
    assert!(steps(&out).is_empty(), "{:?}", steps(&out));
    let out = night(root, 4, "2026-11-30", &[]);
    assert!(steps(&out).is_empty(), "{:?}", steps(&out));
    // The second letter still comes 15 days after the first return.
    let out = night(root, 5, "2026-12-10", &[]);
    assert_eq!(steps(&out), ["return_second_letter F-401"]);
}

#[test]
fn a_grouped_collection_returned_in_two_parts_on_two_nights_is_one_return() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let both = "F-401;C4;Delta;2026-11-01;2026-11-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n\
F-402;C4;Delta;2026-11-01;2026-11-25;400,00;400,00;EUR;;direct_debit;RUM-D1\n";
    night_of(
        root,
        1,
        "2026-11-25",
        both,
        &[collection(
            "COL1",
            "2026-11-25",
            "1000.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    let out = night_of(
        root,
        2,
        "2026-11-26",
        both,
        &[returned(
            "RET1",
            "2026-11-26",
            "-600.00",
            "E2E-1",
            "RUM-D1",
            "AM04",
        )],
    );
    assert_eq!(steps(&out), ["return_letter F-401", "return_call F-401"]);
    let out = night_of(
        root,
        3,
        "2026-11-27",
        both,
        &[returned(
            "RET2",
            "2026-11-27",
            "-400.00",
            "E2E-1",
            "RUM-D1",
            "AM04",
        )],
    );
    // The rest of the same collection: not a second return; F-402 goes on
    // the path, F-401 gets nothing again.
    assert_eq!(kinds(&out, "repeated_direct_debit_return"), 0);
    assert_eq!(steps(&out), ["return_letter F-402", "return_call F-402"]);
}
