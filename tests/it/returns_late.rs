//! A return whose collection's statement arrives a night later: the earlier
//! night's unlinked return is linked to it when it comes and undone as on
//! one night — the invoice open again and on the return path, the return
//! counted once — while a re-presentation booked after the return, or
//! another collection of the same mandate, is never taken for its money.

use std::path::{Path, PathBuf};

use crate::returns::{collection, returned};
use crate::support::{Ntry, column_where, csv_rows, statement_night, write_statement};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

const F401: &str = "F-401;C4;Delta;2026-11-01;2026-11-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n";

fn night(root: &Path, invoices: &str, seq: u32, date: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, entries)
}

/// A statement of an earlier day delivered late: imported by the next night.
fn late(root: &Path, seq: u32, date: &str, entries: &[Ntry]) {
    write_statement(&root.join("c"), seq, date, entries);
}

fn count(out: &Path, file: &str, column: &str, value: &str) -> usize {
    let rows = csv_rows(&out.join(file));
    column_where(&rows, column, value, column).len()
}

fn status(out: &Path, invoice: &str) -> (String, String) {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let get = |c: &str| column_where(&rows, "invoice_id", invoice, c).concat();
    (get("open_after"), get("status"))
}

fn steps(out: &Path, invoice: &str) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let mut s = column_where(&rows, "invoice_ids", invoice, "step");
    s.sort();
    s
}

/// F-401's return (AM04, `E2E-1`) booked 11-26, its collection's statement
/// (11-25) not there yet: an `unmatched_debit`.
fn return_first(root: &Path, invoices: &str, seq: u32) -> PathBuf {
    let out = night(
        root,
        invoices,
        seq,
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
    assert_eq!(count(&out, "alerts.csv", "kind", "unmatched_debit"), 1);
    out
}

#[test]
fn a_return_whose_collection_arrives_a_night_later_reopens_its_invoice_as_on_one_night() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    night(root, F401, 1, "2026-11-24", &[]);
    return_first(root, F401, 3);
    late(
        root,
        2,
        "2026-11-25",
        &[collection(
            "COL1",
            "2026-11-25",
            "600.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    let out = night(root, F401, 4, "2026-11-27", &[]);
    assert_eq!(
        status(&out, "F-401"),
        ("600.00".to_string(), "returned".to_string())
    );
    assert_eq!(count(&out, "matches.csv", "entry_id", "COL1"), 0);
    assert_eq!(
        count(&out, "alerts.csv", "kind", "direct_debit_returned"),
        1
    );
    assert_eq!(
        count(&out, "alerts.csv", "kind", "repeated_direct_debit_return"),
        0
    );
    assert_eq!(steps(&out, "F-401"), ["return_call", "return_letter"]);
    // The unlinked return's alert is answered: only the return is open.
    assert_eq!(count(&out, "open_items.csv", "kind", "unmatched_debit"), 0);
    assert_eq!(
        count(&out, "open_items.csv", "kind", "direct_debit_returned"),
        1
    );
    let out = night(root, F401, 5, "2026-11-30", &[]);
    assert_eq!(
        status(&out, "F-401"),
        ("600.00".to_string(), "returned".to_string())
    );
    assert!(
        steps(&out, "F-401").is_empty(),
        "{:?}",
        steps(&out, "F-401")
    );
}

#[test]
fn a_second_return_linked_a_night_later_is_still_one_second_return() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let invoices = format!(
        "F-300;C4;Delta;2026-09-01;2026-10-01;300,00;300,00;EUR;;direct_debit;RUM-D1\n{F401}"
    );
    night(
        root,
        &invoices,
        1,
        "2026-10-01",
        &[collection(
            "COL0",
            "2026-10-01",
            "300.00",
            "E2E-0",
            "RUM-D1",
        )],
    );
    night(
        root,
        &invoices,
        2,
        "2026-10-05",
        &[returned(
            "RET0",
            "2026-10-05",
            "-300.00",
            "E2E-0",
            "RUM-D1",
            "AM04",
        )],
    );
    night(root, &invoices, 3, "2026-11-24", &[]);
    // The second return, unlinked: the customer's second all the same.
    let mut outs = vec![return_first(root, &invoices, 5)];
    late(
        root,
        4,
        "2026-11-25",
        &[collection(
            "COL1",
            "2026-11-25",
            "600.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    outs.push(night(root, &invoices, 6, "2026-11-27", &[]));
    outs.push(night(root, &invoices, 7, "2026-11-30", &[]));
    assert_eq!(
        status(&outs[1], "F-401"),
        ("600.00".to_string(), "returned".to_string())
    );
    // Linked late, it is the same second return: one alert, one demand.
    let repeated: usize = outs
        .iter()
        .map(|o| count(o, "alerts.csv", "kind", "repeated_direct_debit_return"))
        .sum();
    assert_eq!(repeated, 1);
    let demands: usize = outs
        .iter()
        .map(|o| count(o, "dunning.csv", "step", "full_balance_demand"))
        .sum();
    assert!(demands >= 1, "no demand");
    let nights_demanded = outs
        .iter()
        .filter(|o| count(o, "dunning.csv", "step", "full_balance_demand") > 0)
        .count();
    assert_eq!(nights_demanded, 1);
}

#[test]
fn a_re_presentation_booked_after_an_unlinked_return_is_never_taken_for_its_collection() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    night(root, F401, 1, "2026-11-24", &[]);
    return_first(root, F401, 2);
    // Presented again under the same end-to-end id, and paid this time.
    let out = night(
        root,
        F401,
        3,
        "2026-12-03",
        &[collection(
            "COL2",
            "2026-12-03",
            "600.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    assert_eq!(
        count(&out, "alerts.csv", "kind", "direct_debit_returned"),
        0
    );
    assert_eq!(count(&out, "matches.csv", "entry_id", "COL2"), 1);
    assert_eq!(
        status(&out, "F-401"),
        ("0.00".to_string(), "paid".to_string())
    );
    assert_eq!(count(&out, "open_items.csv", "kind", "unmatched_debit"), 1);
}

#[test]
fn another_collection_of_the_mandate_arriving_late_is_not_the_returns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let invoices = format!(
        "F-400;C4;Delta;2026-10-01;2026-10-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n{F401}"
    );
    night(root, &invoices, 1, "2026-11-24", &[]);
    return_first(root, &invoices, 3);
    // The late statement brings F-400's collection, under its own
    // end-to-end id: the same mandate and amount, not the money returned.
    late(
        root,
        2,
        "2026-11-25",
        &[collection(
            "COL0",
            "2026-11-25",
            "600.00",
            "E2E-400",
            "RUM-D1",
        )],
    );
    let out = night(root, &invoices, 4, "2026-11-27", &[]);
    assert_eq!(
        count(&out, "alerts.csv", "kind", "direct_debit_returned"),
        0
    );
    assert_eq!(count(&out, "open_items.csv", "kind", "unmatched_debit"), 1);
    assert_ne!(status(&out, "F-400").1, "returned");
}

#[test]
fn the_same_return_booked_on_two_nights_before_its_collection_arrives_is_one_return() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    night(root, F401, 1, "2026-11-24", &[]);
    let mut outs = vec![return_first(root, F401, 3)];
    outs.push(night(
        root,
        F401,
        4,
        "2026-11-27",
        &[returned(
            "RET1B",
            "2026-11-27",
            "-600.00",
            "E2E-1",
            "RUM-D1",
            "AM04",
        )],
    ));
    late(
        root,
        2,
        "2026-11-25",
        &[collection(
            "COL1",
            "2026-11-25",
            "600.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    outs.push(night(root, F401, 5, "2026-11-30", &[]));
    outs.push(night(root, F401, 6, "2026-12-01", &[]));
    let last = &outs[2];
    assert_eq!(
        status(last, "F-401"),
        ("600.00".to_string(), "returned".to_string())
    );
    assert_eq!(count(last, "open_items.csv", "kind", "unmatched_debit"), 0);
    for o in &outs {
        assert_eq!(
            count(o, "alerts.csv", "kind", "repeated_direct_debit_return"),
            0
        );
        assert_eq!(count(o, "dunning.csv", "step", "full_balance_demand"), 0);
    }
}

#[test]
fn a_monthly_return_never_reopens_last_months_collection_under_another_end_to_end_id() {
    // Review 37 verify2 G1: F-400 (October) was collected under `E2E-OCT`
    // and paid; November's return (`E2E-NOV`, same mandate and amount) is
    // booked before November's collection is seen. October's collection is
    // not its money: a person links it (or November's statement does).
    const F400: &str =
        "F-400;C4;Delta;2026-10-01;2026-10-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let invoices = format!("{F400}{F401}");
    night(
        root,
        F400,
        1,
        "2026-10-26",
        &[collection(
            "COL-OCT",
            "2026-10-26",
            "600.00",
            "E2E-OCT",
            "RUM-D1",
        )],
    );
    let out = night(
        root,
        &invoices,
        2,
        "2026-11-26",
        &[returned(
            "RET-NOV",
            "2026-11-26",
            "-600.00",
            "E2E-NOV",
            "RUM-D1",
            "AM04",
        )],
    );
    assert_eq!(status(&out, "F-400").1, "paid");
    assert!(
        steps(&out, "F-400").is_empty(),
        "{:?}",
        steps(&out, "F-400")
    );
    assert_eq!(count(&out, "alerts.csv", "kind", "unmatched_debit"), 1);
}

#[test]
fn a_bank_without_end_to_end_ids_never_links_a_return_to_an_earlier_months_collection() {
    // Review 37 verify3 V4: no end-to-end id on either side. November's
    // return for insufficient funds (AM04), booked before November's
    // collection is seen, is not October's collection: SEPA returns come
    // within days. It waits for a person, or for November's statement.
    const F400: &str =
        "F-400;C4;Delta;2026-10-01;2026-10-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n";
    let entry = crate::returns::mandate_only;
    // With a reason, a refusal (verify5 X1), or none (as CFONB returns
    // often come: verify4 W2).
    for reason in [Some("AM04"), Some("MS02"), None] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        night(
            root,
            F400,
            1,
            "2026-10-26",
            &[entry("COL-OCT", "2026-10-26", "IDDT/ESDD", "600.00", None)],
        );
        let out = night(
            root,
            &format!("{F400}{F401}"),
            2,
            "2026-11-26",
            &[entry(
                "RET-NOV",
                "2026-11-26",
                "IDDT/UPDD",
                "-600.00",
                reason,
            )],
        );
        assert_eq!(status(&out, "F-400").1, "paid", "{reason:?}");
        assert!(
            steps(&out, "F-400").is_empty(),
            "{:?}",
            steps(&out, "F-400")
        );
        assert_eq!(count(&out, "alerts.csv", "kind", "unmatched_debit"), 1);
    }
}
