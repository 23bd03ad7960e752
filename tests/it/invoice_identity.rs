//! An invoice number across nights when the ERP reuses it for a new
//! invoice, moves the invoice to another customer, or relabels its
//! currency: the new invoice never inherits the old one's payments or
//! reminders, and money is never set against an amount of another currency.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, column_where, csv_rows, paying, run_ok, statement_night};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

fn night(root: &Path, seq: u32, date: &str, invoices: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, entries)
}

/// The rows of `file` in `out` whose `key` column is `value`, as lines.
fn rows_where(out: &Path, file: &str, key: &str, value: &str) -> Vec<String> {
    let rows = csv_rows(&out.join(file));
    let k = rows[0].iter().position(|h| h == key).expect("key column");
    rows[1..]
        .iter()
        .filter(|r| r[k] == value)
        .map(|r| r.join(","))
        .collect()
}

fn steps(out: &Path, customer: &str) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    column_where(&rows, "customer_id", customer, "step")
}

#[test]
fn a_reused_invoice_number_starts_with_no_payment() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // C1's F-100 is paid, then leaves the export.
    let old = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    let out = night(
        root,
        1,
        "2026-11-02",
        old,
        &[paying("P1", "2026-11-02", "1000.00", "FACTURE F-100")],
    );
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C1,1000.00,1000.00,0.00,0.00,paid,2026-11-02,EUR"]
    );
    night(root, 2, "2026-11-03", "", &[]);
    // The ERP reuses the number for a new invoice of C2.
    let new = "F-100,C2,Beta Commerce SARL,2026-10-20,2026-11-01,500.00,500.00,EUR\n";
    // A night killed before its commit puts nothing apart: the rerun does
    // it once.
    #[cfg(feature = "failpoints")]
    {
        let client = root.join("c");
        std::fs::write(client.join("invoices.csv"), format!("{HEADER}{new}")).unwrap();
        crate::support::write_statement(&client, 3, "2026-11-04", &[]);
        let o = crate::support::run_night(
            &client,
            "2026-11-04",
            &root.join("out/2026-11-04"),
            &[("POINTAGE_FAILPOINT", "before_commit")],
        );
        assert!(!o.status.success());
    }
    let out = night(root, 3, "2026-11-04", new, &[]);
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,500.00,0.00,0.00,500.00,open,,EUR"],
        "the new invoice is shown paid by C1's money"
    );
    let replayed = crate::support::tree(&out);
    run_ok(&root.join("c"), "2026-11-04", &out);
    assert_eq!(crate::support::tree(&out), replayed);
    let db = rusqlite::Connection::open(root.join("c/.pointage/state.sqlite")).unwrap();
    let ids: Vec<String> = db
        .prepare("SELECT invoice_id FROM invoices ORDER BY invoice_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, ["F-100", "F-100~2026-09-01"]);
    let alerts = rows_where(&out, "alerts.csv", "kind", "invoice_id_reused");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(
        alerts[0].starts_with("invoice_id_reused,warning,C2,F-100,,500.00,EUR,,")
            && alerts[0].contains("C1 (Alpha Industrie SAS), issued 2026-09-01")
            && alerts[0].contains("as F-100~2026-09-01"),
        "{alerts:?}"
    );
    // It is not an open question: the night tells it once.
    assert!(rows_where(&out, "open_items.csv", "kind", "invoice_id_reused").is_empty());
    // C2's payment pays it.
    let out = night(
        root,
        4,
        "2026-11-05",
        new,
        &[paying("P2", "2026-11-05", "500.00", "FACTURE F-100")],
    );
    assert_eq!(
        column_where(
            &csv_rows(&out.join("matches.csv")),
            "entry_id",
            "P2",
            "status"
        ),
        ["matched"]
    );
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,500.00,500.00,0.00,0.00,paid,2026-11-05,EUR"]
    );
    assert!(rows_where(&out, "alerts.csv", "kind", "unmatched_credit").is_empty());
    // A rerun of the night writes the same bytes.
    let before: Vec<_> = crate::support::tree(&out);
    run_ok(&root.join("c"), "2026-11-05", &out);
    assert_eq!(crate::support::tree(&out), before);
}

#[test]
fn a_reused_invoice_number_is_chased_from_its_first_step_for_its_amount() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let old = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    let out = night(root, 1, "2026-11-02", old, &[]);
    assert_eq!(steps(&out, "C1"), ["formal_notice"]);
    night(
        root,
        2,
        "2026-11-03",
        old,
        &[paying("P1", "2026-11-03", "1000.00", "FACTURE F-100")],
    );
    night(root, 3, "2026-11-04", "", &[]);
    let new = "F-100,C2,Beta Commerce SARL,2026-11-20,2026-12-01,1200.00,1200.00,EUR\n";
    let out = night(root, 4, "2026-12-02", new, &[]);
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,1200.00,0.00,0.00,1200.00,open,,EUR"]
    );
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(steps(&out, "C2"), ["courtesy_reminder"], "{dunning:?}");
    assert_eq!(
        column_where(&dunning, "customer_id", "C2", "amount_due"),
        ["1200.00"]
    );
    let out = night(root, 5, "2026-12-09", new, &[]);
    assert_eq!(steps(&out, "C2"), ["firm_reminder"]);
    let out = night(root, 6, "2027-01-04", new, &[]);
    assert_eq!(steps(&out, "C2"), ["formal_notice"]);
    // The handover comes after C2's own formal notice, for what C2 owes:
    // 30 days after it (sent 01-05), though its date (+60) was 01-30.
    let out = night(root, 7, "2027-02-01", new, &[]);
    assert_eq!(steps(&out, "C2"), Vec::<String>::new());
    let out = night(root, 8, "2027-02-03", new, &[]);
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(steps(&out, "C2"), ["litigation_handover"]);
    assert_eq!(
        column_where(&dunning, "customer_id", "C2", "amount_due"),
        ["1200.00"]
    );
}

#[test]
fn an_invoice_moved_to_another_customer_starts_its_reminders_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let f2 = |who: &str| format!("F-2,{who},2026-09-01,2026-10-01,250.00,250.00,EUR\n");
    let out = night(root, 1, "2026-11-02", &f2("C2,Beta Commerce SARL"), &[]);
    assert_eq!(steps(&out, "C2"), ["formal_notice"]);
    // The customer id renamed, same company: nothing starts again.
    let out = night(root, 2, "2026-11-03", &f2("K2,Beta Commerce SARL"), &[]);
    assert!(steps(&out, "K2").is_empty());
    assert!(rows_where(&out, "alerts.csv", "kind", "invoice_moved").is_empty());
    // Moved to another company: it is told, and C3's ladder starts.
    let out = night(root, 3, "2026-11-04", &f2("C3,Gamma Services SA"), &[]);
    assert_eq!(steps(&out, "C3"), ["courtesy_reminder"]);
    let moved = rows_where(&out, "alerts.csv", "kind", "invoice_moved");
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(
        moved[0].starts_with("invoice_moved,warning,C3,F-2,,250.00,EUR,,")
            && moved[0].contains("from customer K2 (Beta Commerce SARL) to C3 (Gamma Services SA)")
            && moved[0].contains("formal_notice 2026-11-02"),
        "{moved:?}"
    );
    // No handover for C3 on the night it would have come after C2's notice.
    let out = night(root, 4, "2026-11-30", &f2("C3,Gamma Services SA"), &[]);
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(steps(&out, "C3"), ["phone_call"], "{dunning:?}");
    let out = night(root, 5, "2026-12-04", &f2("C3,Gamma Services SA"), &[]);
    assert_eq!(steps(&out, "C3"), ["formal_notice"]);
}

#[test]
fn an_invoice_whose_currency_changed_is_held_not_netted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let f1 = |cur: &str, open: &str| {
        format!("F-1,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,{open},{cur}\n")
    };
    let out = night(
        root,
        1,
        "2026-11-02",
        &f1("EUR", "1000.00"),
        &[paying("P1", "2026-11-02", "400.00", "FACTURE F-1")],
    );
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,1000.00,400.00,0.00,600.00,partly_paid,2026-11-02,EUR"]
    );
    // Relabelled USD: the EUR money stays EUR money (no 600.00 USD left),
    // and a person is told; held, as the ERP's unexplained moves are.
    let out = night(root, 2, "2026-11-03", &f1("USD", "1000.00"), &[]);
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,1000.00,0.00,0.00,1000.00,disputed,,USD"]
    );
    let changed = rows_where(&out, "alerts.csv", "kind", "invoice_identity_changed");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0].starts_with("invoice_identity_changed,warning,C1,F-1,,400.00,EUR,,")
            && changed[0].contains("400.00 EUR as F-1~EUR"),
        "{changed:?}"
    );
    // Not chased meanwhile, however late: the customer may have paid.
    let out = night(root, 3, "2026-12-01", &f1("USD", "1000.00"), &[]);
    assert!(steps(&out, "C1").is_empty());
    assert_eq!(
        column_where(
            &csv_rows(&out.join("open_items.csv")),
            "kind",
            "invoice_identity_changed",
            "invoice_id"
        ),
        ["F-1"]
    );
    // The ERP books something on it (the money in USD, or a credit note):
    // EUR money cannot be compared with a USD amount, so it stays held.
    let out = night(root, 4, "2026-12-02", &f1("USD", "560.00"), &[]);
    assert_eq!(
        column_where(
            &csv_rows(&out.join("open_items.csv")),
            "kind",
            "invoice_identity_changed",
            "invoice_id"
        ),
        ["F-1"]
    );
    assert!(steps(&out, "C1").is_empty());
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,560.00,0.00,0.00,560.00,disputed,,USD"]
    );
    // A person says the ERP's open amount already counts that money (a
    // reject line for its entry and F-1): the question goes away, and F-1
    // follows its plan for what is open.
    std::fs::write(
        root.join("c/decisions.csv"),
        "entry_id,invoice_id,decision,amount,note\nP1,F-1,reject,,booked in USD by the ERP\n",
    )
    .unwrap();
    let out = night(root, 5, "2026-12-03", &f1("USD", "560.00"), &[]);
    assert!(rows_where(&out, "open_items.csv", "kind", "invoice_identity_changed").is_empty());
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,560.00,0.00,0.00,560.00,partly_paid,,USD"]
    );
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "amount_due"),
        ["560.00"],
        "{dunning:?}"
    );
}

#[test]
fn an_open_invoice_redated_keeps_its_payments() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let f1 = |issue: &str| {
        format!("F-1,C1,Alpha Industrie SAS,{issue},2026-10-01,1000.00,1000.00,EUR\n")
    };
    let out = night(root, 1, "2026-11-02", &f1("2026-09-01"), &[]);
    assert_eq!(steps(&out, "C1"), ["formal_notice"]);
    night(
        root,
        2,
        "2026-11-03",
        &f1("2026-09-01"),
        &[paying("P1", "2026-11-03", "1000.00", "FACTURE F-1")],
    );
    // The ERP corrects the issue date before booking the payment: the same
    // invoice, still paid by P1. Nobody is chased, and the night says it
    // once, for information.
    let out = night(root, 3, "2026-12-01", &f1("2026-09-02"), &[]);
    assert!(steps(&out, "C1").is_empty());
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,0.00,0.00,0.00,0.00,paid,2026-11-03,EUR"]
    );
    let redated = rows_where(&out, "alerts.csv", "kind", "invoice_redated");
    assert!(
        redated.len() == 1
            && redated[0].starts_with("invoice_redated,info,C1,F-1,,1000.00,EUR,,")
            && redated[0].contains("now dated 2026-09-02 (was 2026-09-01)"),
        "{redated:?}"
    );
    assert!(rows_where(&out, "alerts.csv", "kind", "invoice_identity_changed").is_empty());
    assert!(rows_where(&out, "alerts.csv", "kind", "invoice_id_reused").is_empty());
    assert!(rows_where(&out, "open_items.csv", "kind", "invoice_redated").is_empty());
}

#[test]
fn a_redated_invoice_keeps_its_payments_when_the_erp_books_something_else() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let f100 = |issue: &str, open: &str| {
        format!("F-100,C1,Alpha Industrie SAS,{issue},2026-10-01,1000.00,{open},EUR\n")
    };
    let out = night(
        root,
        1,
        "2026-11-02",
        &f100("2026-09-01", "1000.00"),
        &[paying("P1", "2026-11-02", "400.00", "FACTURE F-100")],
    );
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C1,1000.00,400.00,0.00,600.00,partly_paid,2026-11-02,EUR"]
    );
    night(root, 2, "2026-11-03", &f100("2026-09-02", "1000.00"), &[]);
    // A 100.00 credit note lettered on it; the ERP has still not booked
    // the 400.00: C1 owes 500.00 at most, never 900.00.
    let out = night(root, 3, "2026-11-04", &f100("2026-09-02", "900.00"), &[]);
    let status = rows_where(&out, "invoice_status.csv", "invoice_id", "F-100");
    assert!(
        status.len() == 1 && !status[0].contains(",900.00,partly_paid"),
        "{status:?}"
    );
    let out = night(root, 4, "2026-12-01", &f100("2026-09-02", "900.00"), &[]);
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert!(
        column_where(&dunning, "invoice_ids", "F-100", "amount_due")
            .iter()
            .all(|a| a != "900.00"),
        "{dunning:?}"
    );
    assert!(
        !column_where(&dunning, "invoice_ids", "F-100", "step")
            .iter()
            .any(|s| s == "litigation_handover"),
        "{dunning:?}"
    );
}

#[test]
fn an_invoice_back_after_a_night_missing_with_its_issue_date_corrected_keeps_its_payments() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let f1 = |issue: &str| {
        format!("F-1,C1,Alpha Industrie SAS,{issue},2026-10-01,1000.00,1000.00,EUR\n")
    };
    let f2 = "F-2,C1,Alpha Industrie SAS,2026-11-20,2026-12-20,10.00,10.00,EUR\n";
    let out = night(
        root,
        1,
        "2026-10-30",
        &format!("{}{f2}", f1("2026-09-01")),
        &[paying("P1", "2026-10-30", "600.00", "FACTURE F-1")],
    );
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(steps(&out, "C1"), ["formal_notice"]);
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "amount_due"),
        ["400.00"]
    );
    // The ERP's export misses F-1 for a night, then brings it back with
    // its issue date corrected: the same invoice, still 600.00 paid.
    night(root, 2, "2026-11-02", f2, &[]);
    let out = night(
        root,
        3,
        "2026-11-03",
        &format!("{}{f2}", f1("2026-09-02")),
        &[],
    );
    assert!(steps(&out, "C1").is_empty());
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,400.00,0.00,0.00,400.00,partly_paid,2026-10-30,EUR"]
    );
    let redated = rows_where(&out, "alerts.csv", "kind", "invoice_redated");
    assert!(
        redated.len() == 1
            && redated[0].starts_with("invoice_redated,info,C1,F-1,,1000.00,EUR,,")
            && redated[0].contains("open when last exported on 2026-10-30")
            && redated[0].contains("dated 2026-09-02 (was 2026-09-01)"),
        "{redated:?}"
    );
    assert!(rows_where(&out, "alerts.csv", "kind", "invoice_id_reused").is_empty());
    // Its ladder goes on: no second formal notice, the handover for 400.00.
    let out = night(
        root,
        4,
        "2026-11-20",
        &format!("{}{f2}", f1("2026-09-02")),
        &[],
    );
    assert!(steps(&out, "C1").is_empty());
    let out = night(
        root,
        5,
        "2026-12-01",
        &format!("{}{f2}", f1("2026-09-02")),
        &[],
    );
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(steps(&out, "C1"), ["litigation_handover"], "{dunning:?}");
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "amount_due"),
        ["400.00"]
    );
}

#[test]
fn a_number_reused_for_the_same_customer_and_amount_after_a_gap_is_a_new_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A monthly fee: C1's F-100 of 1000.00 is paid and leaves the export;
    // the ERP reuses the number for the next 1000.00, due another day.
    let old = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    night(
        root,
        1,
        "2026-11-02",
        old,
        &[paying("P1", "2026-11-02", "1000.00", "FACTURE F-100")],
    );
    night(root, 2, "2026-11-03", "", &[]);
    let new = "F-100,C1,Alpha Industrie SAS,2026-10-01,2026-11-01,1000.00,1000.00,EUR\n";
    let out = night(root, 3, "2026-11-04", new, &[]);
    assert_eq!(
        rows_where(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C1,1000.00,0.00,0.00,1000.00,open,,EUR"]
    );
    assert_eq!(
        rows_where(&out, "alerts.csv", "kind", "invoice_id_reused").len(),
        1
    );
    assert!(rows_where(&out, "alerts.csv", "kind", "invoice_redated").is_empty());
}
