//! A statement reusing, for another payment, an id a notification already
//! holds: the statement's payment is stored under a distinct id and matched
//! like any other, never dropped as the notified money.

use std::fs;
use std::path::Path;

use crate::support::{IBAN, Ntry, Tx, camt, column_where, csv_rows, run_ok};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-1001,C1,Alpha SARL,2026-10-01,2026-10-31,100.00,100.00,EUR,,transfer,
F-1002,C2,Beta SAS,2026-10-01,2026-10-31,250.00,250.00,EUR,,transfer,
";

fn entry(
    date: &'static str,
    amount: &'static str,
    e2e: &'static str,
    name: &'static str,
    text: &'static str,
) -> Ntry {
    Ntry {
        reference: "X-REF-1",
        date,
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            e2e: Some(e2e),
            name: Some(name),
            text: Some(text),
            ..Tx::default()
        }],
    }
}

fn write(c: &Path, name: &str, xml: String) {
    fs::write(c.join("statements").join(name), xml).unwrap();
}

#[test]
fn a_statement_payment_under_a_notified_id_of_another_payment_is_imported() {
    let root = tempfile::tempdir().unwrap();
    let c = root.path().join("c");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    // Night 19: a camt.054 notifies X-REF-1, Alpha's 100.00 of 18/11.
    let alpha = entry(
        "2026-11-18",
        "100.00",
        "E2E-A",
        "ALPHA SARL",
        "FACTURE F-1001",
    );
    write(
        &c,
        "n18.xml",
        camt(
            true,
            "N18",
            1,
            IBAN,
            "2026-11-18",
            "2026-11-18",
            None,
            &[alpha],
        ),
    );
    let out19 = root.path().join("out19");
    run_ok(&c, "2026-11-19", &out19);
    // Night 22: the camt.053 of 21/11 books another payment (Beta's 250.00,
    // another day and end-to-end id) under the same reference.
    let beta = entry(
        "2026-11-21",
        "250.00",
        "E2E-B",
        "BETA SAS",
        "FACTURE F-1002",
    );
    write(
        &c,
        "s21.xml",
        camt(
            false,
            "S21",
            2,
            IBAN,
            "2026-11-21",
            "2026-11-21",
            Some(("0.00", "250.00")),
            &[beta],
        ),
    );
    let out = root.path().join("out22");
    run_ok(&c, "2026-11-22", &out);
    let status = csv_rows(&out.join("invoice_status.csv"));
    assert_eq!(
        column_where(&status, "invoice_id", "F-1002", "open_after"),
        ["0.00"]
    );
    let matches = csv_rows(&out.join("matches.csv"));
    assert_eq!(
        column_where(&matches, "invoice_id", "F-1002", "applied_amount"),
        ["250.00"]
    );
    // Beta paid: not chased.
    let dunning = fs::read_to_string(out.join("dunning.csv")).unwrap();
    assert!(!dunning.contains("C2"), "{dunning}");
}
