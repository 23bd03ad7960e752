//! People's files about an invoice number the ERP relabelled or reused: a
//! `writeoff` line settles what money of the old currency paid, and a
//! promise about the earlier invoice of a reused number is never taken for
//! the new invoice of another customer.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, column_where, csv_rows, paying, statement_night};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

fn night(root: &Path, seq: u32, date: &str, invoices: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, entries)
}

fn kinds(out: &Path, file: &str, kind: &str) -> Vec<String> {
    let rows = csv_rows(&out.join(file));
    column_where(&rows, "kind", kind, "message")
}

#[test]
fn a_writeoff_settles_what_the_old_currency_paid_and_the_rest_is_chased() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let f1 = |cur: &str| {
        format!("F-1,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,{cur}\n")
    };
    night(
        root,
        1,
        "2026-11-02",
        &f1("EUR"),
        &[paying("P1", "2026-11-02", "400.00", "FACTURE F-1")],
    );
    let out = night(root, 2, "2026-11-03", &f1("USD"), &[]);
    let held = kinds(&out, "alerts.csv", "invoice_identity_changed");
    assert!(
        held.len() == 1
            && held[0].contains("400.00 EUR as F-1~EUR (entry P1)")
            && held[0].contains("a writeoff line for F-1 (amount in USD)"),
        "{held:?}"
    );
    // The person decides the EUR money paid 440.00 USD of it; the ERP still
    // shows it wholly open.
    std::fs::write(
        root.join("c/decisions.csv"),
        "entry_id,invoice_id,decision,amount,note\n,F-1,writeoff,440,the EUR 400 paid\n",
    )
    .unwrap();
    // 12-03: the handover (+60 = 11-30) waits 30 days after the formal
    // notice of 11-03.
    let out = night(root, 3, "2026-12-02", &f1("USD"), &[]);
    assert!(kinds(&out, "open_items.csv", "invoice_identity_changed").is_empty());
    let rows = csv_rows(&out.join("invoice_status.csv"));
    assert_eq!(
        column_where(&rows, "invoice_id", "F-1", "status"),
        ["partly_paid"]
    );
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "amount_due"),
        ["560.00"],
        "{dunning:?}"
    );
}

#[test]
fn a_kept_promise_on_a_reused_number_neither_holds_nor_blames() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("c")).unwrap();
    std::fs::write(
        root.join("c/promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,F-100,2026-11-20\n",
    )
    .unwrap();
    let c2 = "F-2,C2,Beta Commerce SARL,2026-09-01,2026-12-20,250.00,250.00,EUR\n";
    let old = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    // C1 keeps its promise early; F-100 leaves the export.
    night(
        root,
        1,
        "2026-11-02",
        &format!("{old}{c2}"),
        &[paying("P1", "2026-11-02", "1000.00", "FACTURE F-100")],
    );
    night(root, 2, "2026-11-03", c2, &[]);
    // The number now names C2's new invoice, overdue.
    let new = "F-100,C2,Beta Commerce SARL,2026-10-20,2026-10-21,1200.00,1200.00,EUR\n";
    let out = night(root, 3, "2026-11-04", &format!("{new}{c2}"), &[]);
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "invoice_ids", "F-100", "customer_id"),
        ["C2"],
        "C1's promise holds C2's new invoice: {dunning:?}"
    );
    let unmatched = kinds(&out, "alerts.csv", "promise_unmatched");
    assert!(
        unmatched.len() == 1
            && unmatched[0]
                .contains("C1's earlier F-100 is kept as F-100~2026-09-01 and was settled")
            && unmatched[0].contains("holds nothing"),
        "{unmatched:?}"
    );
    // After the promise's grace days: kept, never broken by C2's invoice.
    let out = night(root, 4, "2026-11-30", &format!("{new}{c2}"), &[]);
    assert!(
        kinds(&out, "alerts.csv", "broken_promise").is_empty(),
        "{:?}",
        kinds(&out, "alerts.csv", "broken_promise")
    );
    let db = rusqlite::Connection::open(root.join("c/.pointage/state.sqlite")).unwrap();
    let kept: Vec<String> = db
        .prepare("SELECT promise_key FROM promises_kept")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept, ["C1:F-100:2026-11-20"]);
}

#[test]
fn a_promise_on_an_invoice_that_moved_holds_it_even_after_an_earlier_reuse_of_the_number() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("c")).unwrap();
    // C1's first F-100 is paid and leaves the export.
    let first = "F-100,C1,Alpha Industrie SAS,2026-06-01,2026-07-01,300.00,300.00,EUR\n";
    night(
        root,
        1,
        "2026-10-01",
        first,
        &[paying("P1", "2026-10-01", "300.00", "FACTURE F-100")],
    );
    night(root, 2, "2026-10-02", "", &[]);
    // The number is reused for a new invoice of C1, overdue…
    let second = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    night(root, 3, "2026-10-05", second, &[]);
    // …about which C1 promises to pay; then the ERP moves it to C2.
    std::fs::write(
        root.join("c/promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,F-100,2026-11-20\n",
    )
    .unwrap();
    night(root, 4, "2026-11-02", second, &[]);
    let moved = "F-100,C2,Beta Commerce SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    let out = night(root, 5, "2026-11-03", moved, &[]);
    // The promise still holds the invoice it was written about.
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert!(
        column_where(&dunning, "invoice_ids", "F-100", "step").is_empty(),
        "the promised invoice was chased: {dunning:?}"
    );
    let unmatched = kinds(&out, "open_items.csv", "promise_unmatched");
    assert!(
        unmatched.iter().all(|m| !m.contains("holds nothing")),
        "{unmatched:?}"
    );
}

#[test]
fn a_promise_on_a_number_reused_twice_is_still_about_the_first_customers_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("c")).unwrap();
    std::fs::write(
        root.join("c/promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,F-100,2026-11-20\n",
    )
    .unwrap();
    let first = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    night(root, 1, "2026-11-02", first, &[]);
    let second = "F-100,C2,Beta Commerce SARL,2026-10-01,2026-10-15,300.00,300.00,EUR\n";
    night(root, 2, "2026-11-03", second, &[]);
    // Reused again, for C3, overdue: C1's promise does not hold it.
    let third = "F-100,C3,Gamma Services SA,2026-10-02,2026-10-16,500.00,500.00,EUR\n";
    let out = night(root, 3, "2026-11-04", third, &[]);
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "invoice_ids", "F-100", "customer_id"),
        ["C3"],
        "C1's promise holds C3's invoice: {dunning:?}"
    );
    // After its grace days, C1 is not blamed for C3's invoice.
    let out = night(root, 4, "2026-11-30", third, &[]);
    let broken = kinds(&out, "alerts.csv", "broken_promise");
    assert!(broken.iter().all(|m| !m.contains("500.00")), "{broken:?}");
}

#[test]
fn a_promise_is_about_the_first_customers_invoice_after_its_number_was_reused_then_moved() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("c")).unwrap();
    std::fs::write(
        root.join("c/promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,F-100,2026-11-20\n",
    )
    .unwrap();
    let first = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    night(root, 1, "2026-11-02", first, &[]);
    // Reused for C2, then moved from C2 to C3: never C1's again.
    let reused = "F-100,C2,Beta Commerce SARL,2026-10-01,2026-10-15,700.00,700.00,EUR\n";
    night(root, 2, "2026-11-03", reused, &[]);
    let moved = "F-100,C3,Gamma Services SA,2026-10-01,2026-10-15,700.00,700.00,EUR\n";
    let out = night(root, 3, "2026-11-04", moved, &[]);
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "invoice_ids", "F-100", "customer_id"),
        ["C3"],
        "C1's promise holds C3's invoice: {dunning:?}"
    );
    let out = night(root, 4, "2026-11-30", moved, &[]);
    let broken = kinds(&out, "alerts.csv", "broken_promise");
    assert!(broken.is_empty(), "{broken:?}");
}
