//! An entry's `balance_mismatch` (its details not adding up to what the bank
//! booked): the alert shows the account masked like every other import
//! alert, the entry's booked amount, and the payment's transaction id when
//! the entry details one payment (review 23 #10).

use crate::support::{Ntry, Tx, camt, csv_rows, run_ok};

const IBAN: &str = "FR7630006000011234567890189";

fn tx(amount: &'static str, e2e: &'static str, text: &'static str) -> Tx {
    Tx {
        amount,
        e2e: Some(e2e),
        name: Some("ALPHA SARL"),
        text: Some(text),
        ..Tx::default()
    }
}

#[test]
fn an_entry_mismatch_alert_names_its_payment_and_masks_the_account() {
    let root = tempfile::tempdir().unwrap();
    let c = root.path().join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount\n\
         F-1001,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00\n\
         F-1002,C1,Alpha SARL,2026-10-01,2026-10-31,750.00\n",
    )
    .unwrap();
    let entries = [
        // One payment of 1000.00 detailed, 900.00 booked.
        Ntry {
            reference: "BT-1",
            date: "2026-11-18",
            code: "RCDT/ESCT",
            amount: "900.00",
            txs: vec![tx("1000.00", "E2E-A", "F-1001")],
        },
        // Two payments detailed (1000.00), 800.00 booked.
        Ntry {
            reference: "BT-2",
            date: "2026-11-18",
            code: "RCDT/ESCT",
            amount: "800.00",
            txs: vec![
                tx("250.00", "E2E-B", "F-1002"),
                tx("750.00", "E2E-C", "F-1002"),
            ],
        },
    ];
    let xml = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        Some(("0.00", "1700.00")),
        &entries,
    );
    std::fs::write(c.join("statements/a.xml"), xml).unwrap();
    let out = root.path().join("out");
    run_ok(&c, "2026-11-19", &out);
    let rows = csv_rows(&out.join("alerts.csv"));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    let mismatches: Vec<(String, String, String)> = rows[1..]
        .iter()
        .filter(|r| r[0] == "balance_mismatch")
        .map(|r| {
            (
                r[col("entry_id")].clone(),
                r[col("amount")].clone(),
                r[col("message")].clone(),
            )
        })
        .collect();
    assert_eq!(mismatches.len(), 2, "{mismatches:?}");
    let (id1, amount1, message1) = &mismatches[0];
    assert_eq!((id1.as_str(), amount1.as_str()), ("BT-1", "900.00"));
    assert!(
        message1.contains("statement S1 of account FR76…0189: entry BT-1:"),
        "{message1}"
    );
    // Two payments in the entry: no single transaction to name; the
    // message names the entry.
    let (id2, amount2, message2) = &mismatches[1];
    assert_eq!((id2.as_str(), amount2.as_str()), ("", "800.00"));
    assert!(message2.contains("entry BT-2:"), "{message2}");
    for (_, _, m) in &mismatches {
        assert!(!m.contains(IBAN), "{m}");
    }
}

#[test]
fn an_entry_mismatch_alert_shows_the_entry_in_its_own_currency() {
    // Review 38 banks F2: a USD entry of an EUR statement whose details do
    // not add up was alerted as 900.00 EUR (alerts.csv, open_items.csv,
    // report.html).
    let root = tempfile::tempdir().unwrap();
    let c = root.path().join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount\n\
         F-1001,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00\n",
    )
    .unwrap();
    let mismatch = |reference, e2e| Ntry {
        reference,
        date: "2026-11-18",
        code: "RCDT/ESCT",
        amount: "900.00",
        txs: vec![tx("1000.00", e2e, "F-1001")],
    };
    let xml = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        Some(("0.00", "900.00")),
        &[mismatch("BT-USD", "E2E-U"), mismatch("BT-EUR", "E2E-E")],
    );
    // The first entry (and its detail) in USD; the second stays in EUR.
    let (head, tail) = xml.split_at(xml.find("<NtryRef>BT-EUR").unwrap());
    let head = head.replace("Ccy=\"EUR\">900.00", "Ccy=\"USD\">900.00");
    let head = head.replace("Ccy=\"EUR\">1000.00", "Ccy=\"USD\">1000.00");
    std::fs::write(c.join("statements/a.xml"), format!("{head}{tail}")).unwrap();
    let out = root.path().join("out");
    run_ok(&c, "2026-11-19", &out);
    for file in ["alerts.csv", "open_items.csv"] {
        let rows = csv_rows(&out.join(file));
        let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
        let mut got: Vec<(String, String)> = rows[1..]
            .iter()
            .filter(|r| r[0] == "balance_mismatch" && r[col("message")].contains("entry BT-"))
            .map(|r| (r[col("amount")].clone(), r[col("currency")].clone()))
            .collect();
        got.sort();
        let want = [("900.00", "EUR"), ("900.00", "USD")];
        assert_eq!(
            got,
            want.map(|(a, b)| (a.to_string(), b.to_string())),
            "{file}"
        );
    }
}
