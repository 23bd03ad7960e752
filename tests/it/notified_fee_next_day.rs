//! A camt.054 notifying a payment, then the camt.053 booking it a day later
//! with a fee taken, under the same id and end-to-end id: the same payment,
//! booked at 997.50, counted once, in either order and on one night alike
//! (review 24 #3); and the same without an end-to-end id, or with a
//! placeholder, when both sides name the same payer (review 26 #4: 997.50
//! was counted beside 1000.00 when the notification came first).

use std::fs;
use std::path::Path;

use crate::support::{IBAN, Ntry, Tx, camt, column_where, csv_rows, run_ok};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-1001,C1,Alpha SARL,2026-10-01,2026-11-10,1000.00,1000.00,EUR,,transfer,
F-1005,C1,Alpha SARL,2026-10-01,2026-11-10,997.50,997.50,EUR,,transfer,
";

fn entry(date: &'static str, amount: &'static str, e2e: Option<&'static str>) -> Ntry {
    Ntry {
        reference: "X1",
        date,
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            e2e,
            name: Some("ALPHA SARL"),
            text: Some("FACTURE F-1001"),
            ..Tx::default()
        }],
    }
}

fn notification(c: &Path, e2e: Option<&'static str>) {
    let n = camt(
        true,
        "N1",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        None,
        &[entry("2026-11-18", "1000.00", e2e)],
    );
    fs::write(c.join("statements").join("n.xml"), n).unwrap();
}

fn statement(c: &Path, e2e: Option<&'static str>) {
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-11-19",
        "2026-11-19",
        Some(("0.00", "997.50")),
        &[entry("2026-11-19", "997.50", e2e)],
    );
    fs::write(c.join("statements").join("s.xml"), s).unwrap();
}

/// Runs the files in `order` ("ns": notification on night 19, statement on
/// night 20; "sn" the other way; "both": both on night 20) and returns
/// night 20's output folder. `e2e`: the notification's end-to-end id and
/// the statement's.
fn run(root: &Path, order: &str, e2e: E2e) -> std::path::PathBuf {
    let (n, s) = e2e;
    let c = root.join(order);
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    match order {
        "ns" => notification(&c, n),
        "sn" => statement(&c, s),
        _ => {}
    }
    if order != "both" {
        run_ok(&c, "2026-11-19", &root.join(format!("{order}19")));
    }
    notification(&c, n);
    statement(&c, s);
    let out = root.join(format!("{order}20"));
    run_ok(&c, "2026-11-20", &out);
    out
}

fn received(out: &Path) -> serde_json::Value {
    let s: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    s["currencies"]["EUR"]["received"].clone()
}

type E2e = (Option<&'static str>, Option<&'static str>);

#[test]
fn the_booked_payment_a_day_later_with_a_fee_is_the_notified_one_in_either_order() {
    for e2e in [
        (Some("E2E-A"), Some("E2E-A")),
        (Some("NOTPROVIDED"), None),
        (None, None),
    ] {
        one_payment(e2e);
    }
}

fn one_payment(e2e: E2e) {
    let root = tempfile::tempdir().unwrap();
    let one_night = run(root.path(), "both", e2e);
    for order in ["both", "ns", "sn"] {
        let out = run(root.path(), order, e2e);
        let order = format!("{order} {e2e:?}");
        // F-1001 paid by the 997.50 booked, once; Alpha's other invoice
        // F-1005 is left open, never paid or held by a phantom payment.
        let status = csv_rows(&out.join("invoice_status.csv"));
        assert_eq!(
            column_where(&status, "invoice_id", "F-1005", "open_after"),
            ["997.50"],
            "{order}"
        );
        let matches = csv_rows(&out.join("matches.csv"));
        assert!(
            column_where(&matches, "invoice_id", "F-1005", "applied_amount").is_empty(),
            "{order}"
        );
        let all = fs::read_to_string(out.join("matches.csv")).unwrap();
        assert!(!all.contains("X1~"), "{order}: {all}");
        let alerts = fs::read_to_string(out.join("alerts.csv")).unwrap();
        assert!(!alerts.contains("unmatched_credit"), "{order}: {alerts}");
        assert!(!alerts.contains("suggested_match"), "{order}: {alerts}");
        let dunning = fs::read_to_string(out.join("dunning.csv")).unwrap();
        // Chased for F-1005 the first night it is read (a courtesy
        // reminder); never for F-1001, paid.
        if order.starts_with("both") {
            assert!(dunning.contains("F-1005"), "{order}: {dunning}");
        }
        assert!(!dunning.contains("F-1001"), "{order}: {dunning}");
        let after = |rows: &[Vec<String>]| {
            ["F-1001", "F-1005"].map(|i| {
                [
                    column_where(rows, "invoice_id", i, "open_after"),
                    column_where(rows, "invoice_id", i, "status"),
                ]
            })
        };
        let once = csv_rows(&one_night.join("invoice_status.csv"));
        assert_eq!(after(&status), after(&once), "{order}");
    }
    // The notification first: what the bank booked stands, said so.
    let ns = root.path().join("ns20");
    let alerts = fs::read_to_string(ns.join("alerts.csv")).unwrap();
    assert!(alerts.contains("booked_amount_differs"), "{e2e:?} {alerts}");
    assert_eq!(received(&ns), received(&one_night));
}
