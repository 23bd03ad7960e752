//! Money that goes back without an ISO return code still reaches the
//! return path: a return coded only by a proprietary (German DK) code, as a
//! supplier's direct debit or unknown, or netted inside a collection batch.
//! A credit transfer the bank reversed reopens its invoice on its normal
//! plan and is not called a direct-debit return. Supplier payments and fees
//! stay what they are.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, column_where, csv_rows, statement_night};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

/// F-1 (750.00, Epsilon, collected under mandate M-1) and F-2 (1000.00,
/// Alpha, paid by transfer), both due on 2026-03-01.
const INVOICES: &str = "F-1;C5;Epsilon;2026-02-01;2026-03-01;750,00;750,00;EUR;;direct_debit;M-1\n\
F-2;C1;Alpha;2026-02-01;2026-03-01;1000,00;1000,00;EUR;;transfer;\n";

fn night(root: &Path, seq: u32, date: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, INVOICES, seq, date, entries)
}

fn entry(reference: &'static str, date: &'static str, code: &'static str, tx: Tx) -> Ntry {
    Ntry {
        reference,
        date,
        code,
        amount: tx.amount,
        txs: vec![tx],
    }
}

/// Night 1: F-1's collection of 750.00 (end-to-end id E-1, mandate M-1).
fn collected(root: &Path) {
    let out = night(
        root,
        1,
        "2026-03-02",
        &[entry(
            "COL-1",
            "2026-03-02",
            "IDDT/ESDD",
            Tx {
                amount: "750.00",
                e2e: Some("E-1"),
                mandate: Some("M-1"),
                text: Some("F-1"),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(status(&out, "F-1"), ("0.00".into(), "paid".into()));
}

/// The collection coming back: E-1 and M-1, reason AM04, under `code`.
fn back(reference: &'static str, code: &'static str, reason: Option<&'static str>) -> Ntry {
    entry(
        reference,
        "2026-03-04",
        code,
        Tx {
            amount: "-750.00",
            e2e: Some("E-1"),
            mandate: Some("M-1"),
            reason,
            ..Tx::default()
        },
    )
}

fn status(out: &Path, invoice: &str) -> (String, String) {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let get = |c: &str| column_where(&rows, "invoice_id", invoice, c).concat();
    (get("open_after"), get("status"))
}

/// `(kind, invoice_id, reason_code)` of every alert of the night.
fn alerts(out: &Path) -> Vec<(String, String, String)> {
    csv_rows(&out.join("alerts.csv"))
        .iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[3].clone(), r[7].clone()))
        .collect()
}

/// The dunning steps naming `invoice`, sorted.
fn steps(out: &Path, invoice: &str) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let mut s = column_where(&rows, "invoice_ids", invoice, "step");
    s.sort();
    s
}

fn returned_on_path(out: &Path, what: &str) {
    assert_eq!(
        alerts(out),
        [(
            "direct_debit_returned".to_string(),
            "F-1".to_string(),
            "AM04".to_string()
        )],
        "{what}"
    );
    assert_eq!(
        status(out, "F-1"),
        ("750.00".into(), "returned".into()),
        "{what}"
    );
    assert_eq!(
        steps(out, "F-1"),
        ["return_call", "return_letter"],
        "{what}: insufficient funds takes the return path"
    );
}

#[test]
fn a_return_not_coded_as_one_still_reopens_its_invoice_on_the_return_path() {
    // German banks send only a DK code; others file returns under the
    // supplier direct-debit family or a code nobody knows. The return
    // reason, end-to-end id and mandate say what it is.
    for code in ["P:NRLS+109", "RDDT/ESDD", "XXXX/YYYY"] {
        let dir = tempfile::tempdir().unwrap();
        collected(dir.path());
        let out = night(
            dir.path(),
            2,
            "2026-03-04",
            &[back("RET-1", code, Some("AM04"))],
        );
        returned_on_path(&out, code);
    }
}

#[test]
fn a_return_netted_inside_a_collection_batch_reopens_its_invoice() {
    // The bank books 250.00: F-2's 1000.00 collected and F-1's collection
    // of 750.00 returned, both details of one IDDT entry; with a reason, or
    // with none (the detail's sign says the collection went back).
    for (reason, steps_due) in [
        (Some("AM04"), vec!["return_call", "return_letter"]),
        // No reason: the unspecified path (call and letter), as MS03.
        (None, vec!["return_call", "return_letter"]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        collected(dir.path());
        let batch = Ntry {
            reference: "COL-2",
            date: "2026-03-04",
            code: "IDDT/ESDD",
            amount: "250.00",
            txs: vec![
                Tx {
                    amount: "1000.00",
                    e2e: Some("E-2"),
                    text: Some("F-2"),
                    ..Tx::default()
                },
                Tx {
                    amount: "-750.00",
                    e2e: Some("E-1"),
                    mandate: Some("M-1"),
                    reason,
                    ..Tx::default()
                },
            ],
        };
        let out = night(dir.path(), 2, "2026-03-04", &[batch]);
        assert_eq!(
            alerts(&out),
            [(
                "direct_debit_returned".to_string(),
                "F-1".to_string(),
                reason.unwrap_or_default().to_string()
            )],
            "{reason:?}"
        );
        assert_eq!(status(&out, "F-1"), ("750.00".into(), "returned".into()));
        assert_eq!(steps(&out, "F-1"), steps_due, "{reason:?}");
        assert_eq!(status(&out, "F-2"), ("0.00".into(), "paid".into()));
    }
}

#[test]
fn a_debit_of_unknown_code_naming_a_collection_is_its_return() {
    // No return reason at all: the collection's end-to-end id and amount.
    let dir = tempfile::tempdir().unwrap();
    collected(dir.path());
    let out = night(
        dir.path(),
        2,
        "2026-03-04",
        &[back("RET-1", "P:NRLS+109", None)],
    );
    assert_eq!(
        alerts(&out),
        [(
            "direct_debit_returned".to_string(),
            "F-1".to_string(),
            String::new()
        )]
    );
    assert_eq!(status(&out, "F-1"), ("750.00".into(), "returned".into()));
    assert_eq!(
        steps(&out, "F-1"),
        ["return_call", "return_letter"],
        "an unknown reason takes the unspecified path: call and letter"
    );
}

#[test]
fn a_second_return_coded_only_by_the_bank_is_the_customers_second() {
    let dir = tempfile::tempdir().unwrap();
    collected(dir.path());
    // An ISO-coded return of F-1's collection, then another collection of
    // it returned under a proprietary code.
    night(
        dir.path(),
        2,
        "2026-03-04",
        &[back("RET-1", "IDDT/UPDD", Some("AM04"))],
    );
    let again = entry(
        "COL-2",
        "2026-03-06",
        "IDDT/ESDD",
        Tx {
            amount: "750.00",
            e2e: Some("E-1B"),
            mandate: Some("M-1"),
            text: Some("F-1"),
            ..Tx::default()
        },
    );
    night(dir.path(), 3, "2026-03-06", &[again]);
    let second = entry(
        "RET-2",
        "2026-03-09",
        "P:NRLS+109",
        Tx {
            amount: "-750.00",
            e2e: Some("E-1B"),
            mandate: Some("M-1"),
            reason: Some("AM04"),
            ..Tx::default()
        },
    );
    let out = night(dir.path(), 4, "2026-03-09", &[second]);
    let kinds: Vec<String> = alerts(&out).into_iter().map(|a| a.0).collect();
    assert_eq!(
        kinds,
        ["direct_debit_returned", "repeated_direct_debit_return"],
        "{:?}",
        alerts(&out)
    );
    assert_eq!(steps(&out, "F-1"), ["full_balance_demand"]);
}

#[test]
fn supplier_payments_and_fees_are_not_taken_for_returns() {
    let dir = tempfile::tempdir().unwrap();
    collected(dir.path());
    let out = night(
        dir.path(),
        2,
        "2026-03-04",
        &[
            // A supplier's direct debit of the same amount under its own
            // mandate and end-to-end id.
            entry(
                "SUP-1",
                "2026-03-04",
                "RDDT/ESDD",
                Tx {
                    amount: "-750.00",
                    e2e: Some("SUP-E2E"),
                    mandate: Some("M-SUPPLIER"),
                    ..Tx::default()
                },
            ),
            // One that happens to reuse our end-to-end id, for another amount.
            entry(
                "SUP-2",
                "2026-03-04",
                "RDDT/ESDD",
                Tx {
                    amount: "-75.00",
                    e2e: Some("E-1"),
                    mandate: Some("M-SUPPLIER"),
                    ..Tx::default()
                },
            ),
            // The bank's fee for a return, copying its reason.
            entry(
                "FEE-1",
                "2026-03-04",
                "MDOP/CHRG",
                Tx {
                    amount: "-7.50",
                    e2e: Some("E-1"),
                    reason: Some("AM04"),
                    ..Tx::default()
                },
            ),
        ],
    );
    assert_eq!(alerts(&out), []);
    assert_eq!(status(&out, "F-1"), ("0.00".into(), "paid".into()));
}

#[test]
fn an_unlinked_debit_with_a_return_reason_is_an_unmatched_debit() {
    // A return of a collection pointage never saw, under a proprietary code:
    // it never vanishes.
    let dir = tempfile::tempdir().unwrap();
    let out = night(
        dir.path(),
        1,
        "2026-03-04",
        &[entry(
            "RET-9",
            "2026-03-04",
            "P:NRLS+109",
            Tx {
                amount: "-90.00",
                e2e: Some("E-OLD"),
                reason: Some("AM04"),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(
        alerts(&out),
        [(
            "unmatched_debit".to_string(),
            String::new(),
            "AM04".to_string()
        )]
    );
}

#[test]
fn a_reversed_credit_transfer_reopens_its_invoice_on_its_normal_plan() {
    let dir = tempfile::tempdir().unwrap();
    let transfer = |amount: &'static str| Tx {
        amount,
        e2e: Some("ALPHA-E2E-1"),
        name: Some("Alpha"),
        text: Some("Facture F-2"),
        ..Tx::default()
    };
    let out1 = night(
        dir.path(),
        1,
        "2026-03-02",
        &[entry("T-1", "2026-03-02", "RCDT/ESCT", transfer("1000.00"))],
    );
    assert_eq!(status(&out1, "F-2"), ("0.00".into(), "paid".into()));
    // The bank reverses it (RvslInd, same code, the original end-to-end id).
    let out = night(
        dir.path(),
        2,
        "2026-04-20",
        &[entry(
            "R-1",
            "2026-04-20",
            "rev:RCDT/ESCT",
            transfer("-1000.00"),
        )],
    );
    let rows = csv_rows(&out.join("alerts.csv"));
    assert_eq!(
        alerts(&out),
        [(
            "payment_reversed".to_string(),
            "F-2".to_string(),
            String::new()
        )],
        "{rows:?}"
    );
    let message = column_where(&rows, "kind", "payment_reversed", "message").concat();
    assert!(
        message.contains("reversed the credit transfer T-1") && !message.contains("direct debit"),
        "{message}"
    );
    assert_eq!(status(&out, "F-2"), ("1000.00".into(), "returned".into()));
    // Its normal plan, 50 days overdue: no return call or letter, and no
    // word of a direct debit.
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(steps(&out, "F-2"), ["formal_notice"], "{dunning:?}");
    let reason = column_where(&dunning, "invoice_ids", "F-2", "reason").concat();
    assert!(!reason.contains("direct debit"), "{reason}");
}
