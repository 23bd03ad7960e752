//! A CFONB debit coded 99 (cancellation) or C4 (instant transfer recall)
//! naming an earlier credit — its end-to-end id, or its payer's account and
//! amount — is an `unmatched_debit` naming that payment and the invoice it
//! paid; nothing is reopened by itself (review 38 banks F6: it was only
//! counted, F-1001 kept showing paid with no word).

use std::path::{Path, PathBuf};

use crate::returns_cfonb_reason::movement;
use crate::statement_identity::{balance, client, write};
use crate::support::{csv_rows, run_ok};

const PAYER: &str = "FR7610107001011234567890129";

/// Alpha's 1000.00 for F-1001 on night 21/11, then a debit coded `code` of
/// 1000.00 on 24/11 with these complements: night 25's output folder.
fn taken_back(root: &Path, code: &str, complements: &[(&str, &str)]) -> PathBuf {
    let c = client(root);
    let paid = [
        ("NPY", "ALPHA SARL"),
        ("CPY", PAYER),
        ("RCN", "E2E-ALPHA-1001"),
        ("LCC", "FACTURE F-1001"),
    ];
    let mut s1 = vec![balance("01", "191126", 0)];
    s1.extend(movement(
        "05",
        "201126",
        100_000,
        "VIR SEPA ALPHA SARL",
        &paid,
    ));
    s1.push(balance("07", "201126", 100_000));
    write(&c, "s1.txt", &s1);
    run_ok(&c, "2026-11-21", &root.join("out1"));
    let mut s2 = vec![balance("01", "231126", 100_000)];
    s2.extend(movement(
        code,
        "241126",
        -100_000,
        "ANNULATION VIR SEPA",
        complements,
    ));
    s2.push(balance("07", "241126", 0));
    write(&c, "s2.txt", &s2);
    let out = root.join("out2");
    run_ok(&c, "2026-11-25", &out);
    out
}

/// (kind, invoice_id, message) of the night's alerts about debits.
fn debit_alerts(out: &Path) -> Vec<(String, String, String)> {
    let rows = csv_rows(&out.join("alerts.csv"));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    rows[1..]
        .iter()
        .filter(|r| r[0] == "unmatched_debit" || r[0] == "payment_reversed")
        .map(|r| {
            (
                r[0].clone(),
                r[col("invoice_id")].clone(),
                r[col("message")].clone(),
            )
        })
        .collect()
}

fn status(out: &Path) -> String {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    rows[1..]
        .iter()
        .find(|r| r[col("invoice_id")] == "F-1001")
        .map(|r| r[col("status")].clone())
        .unwrap()
}

#[test]
fn a_cfonb_cancellation_naming_a_payment_is_said_never_undone_by_itself() {
    let by_e2e = [("RCN", "E2E-ALPHA-1001"), ("LCC", "FACTURE F-1001")];
    let by_account = [("NPY", "ALPHA SARL"), ("CPY", PAYER)];
    for (code, complements) in [
        ("99", &by_e2e[..]),
        ("C4", &by_e2e[..]),
        ("99", &by_account[..]),
    ] {
        let root = tempfile::tempdir().unwrap();
        let out = taken_back(root.path(), code, complements);
        let alerts = debit_alerts(&out);
        assert_eq!(alerts.len(), 1, "{code} {alerts:?}");
        let (kind, invoice, message) = &alerts[0];
        assert_eq!(kind, "unmatched_debit");
        assert_eq!(invoice, "F-1001");
        assert!(message.contains("nothing was reopened"), "{message}");
        assert_eq!(status(&out), "paid", "{code}");
    }
}

#[test]
fn a_cfonb_cancellation_naming_no_payment_of_ours_is_only_counted() {
    // The look-alike: a regularisation of the same amount under another
    // end-to-end id and another payer account.
    let root = tempfile::tempdir().unwrap();
    let other = [
        ("RCN", "E2E-OTHER-77"),
        ("CPY", "FR7630006000011234567890189"),
    ];
    let out = taken_back(root.path(), "99", &other);
    assert!(debit_alerts(&out).is_empty(), "{:?}", debit_alerts(&out));
    assert_eq!(status(&out), "paid");
}
