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
    let out = night(root, 3, "2026-12-01", &f1("USD"), &[]);
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
