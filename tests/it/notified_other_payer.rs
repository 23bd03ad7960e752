//! A camt.054 notifying Alpha's payment, then the camt.053 booking Beta's
//! under the same bank reference with a weak end-to-end id (`1`, `NOREF`,
//! set by software for every payment): the payer names contradict, so it
//! is another payment, never booked in place of Alpha's, in any order
//! (review 26 #7: F-1001 reopened and Alpha chased for money it paid; #2:
//! on one night or the statement first, the same silently).

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{IBAN, Ntry, Tx, camt, column_where, csv_rows, run_ok};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-1001,C1,Alpha SARL,2026-10-01,2026-11-10,1000.00,1000.00,EUR,,transfer,
F-1002,C2,Beta SAS,2026-10-01,2026-11-10,750.00,750.00,EUR,,transfer,
F-1006,C2,Beta SAS,2026-10-01,2026-11-10,1000.00,1000.00,EUR,,transfer,
";

fn entry(
    date: &'static str,
    amount: &'static str,
    e2e: &'static str,
    name: &'static str,
    text: &'static str,
) -> Ntry {
    Ntry {
        reference: "X1",
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

/// A client folder with the invoices under `root`.
fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    c
}

/// The camt.054 notifying `amount` from `name` under `X1` on 18/11,
/// paying F-1001.
fn notified(amount: &'static str, e2e: &'static str, name: &'static str) -> String {
    camt(
        true,
        "N1",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        None,
        &[entry("2026-11-18", amount, e2e, name, "FACTURE F-1001")],
    )
}

/// The camt.053 of `day` booking `booked` alone, from 0.00 to `close`.
fn booking(day: &str, close: &str, booked: Ntry) -> String {
    camt(
        false,
        "S1",
        1,
        IBAN,
        day,
        day,
        Some(("0.00", close)),
        &[booked],
    )
}

#[test]
fn a_weak_end_to_end_id_never_books_one_payers_money_for_anothers() {
    // In every order (review 26 #2: on one night, or the statement first,
    // Alpha's notified money was folded into Beta's booking silently).
    for weak in ["1", "NOREF", "NONREF"] {
        for order in ["ns", "both", "sn"] {
            one_order(weak, order, ("ALPHA SARL", "BETA SAS"));
        }
    }
    // Two customers named alike by a title, no end-to-end id (review 27 #3:
    // Beta's 750.00 booked in place of Alpha's 1000.00, Alpha chased).
    for order in ["ns", "both", "sn"] {
        one_order("NOTPROVIDED", order, ("MME DUPONT", "MME MARTIN"));
    }
}

/// Beta's booking: 750.00 paying F-1002 on 20/11, or (`same_day`) 1000.00
/// paying F-1006 on 18/11, Alpha's day and amount.
fn beta_entry(weak: &'static str, beta: &'static str, same_day: bool) -> (Ntry, &'static str) {
    if same_day {
        let e = entry("2026-11-18", "1000.00", weak, beta, "FACTURE F-1006");
        (e, "F-1006")
    } else {
        let e = entry("2026-11-20", "750.00", weak, beta, "FACTURE F-1002");
        (e, "F-1002")
    }
}

#[test]
fn another_payer_on_the_same_day_for_the_same_amount_is_another_payment() {
    // Review 27 #4: Beta's 1000.00 booked on Alpha's notified day under
    // the same reference was taken for Alpha's (the day and amount alike),
    // Beta's invoice left open and Beta chased, or the other way round
    // with the files in the other order.
    for order in ["ns", "both", "sn"] {
        one_payer_each(order, true);
    }
}

fn one_order(weak: &'static str, order: &str, (alpha, beta): (&'static str, &'static str)) {
    one(weak, order, (alpha, beta), false);
}

fn one_payer_each(order: &str, same_day: bool) {
    one("NOTPROVIDED", order, ("ALPHA SARL", "BETA SAS"), same_day);
}

fn one(
    weak: &'static str,
    order: &str,
    (alpha, beta): (&'static str, &'static str),
    same_day: bool,
) {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let n = notified("1000.00", weak, alpha);
    let (booked, betas) = beta_entry(weak, beta, same_day);
    let (day, close) = if same_day {
        ("2026-11-18", "1000.00")
    } else {
        ("2026-11-20", "750.00")
    };
    let s = booking(day, close, booked);
    let (first, then) = match order {
        "ns" => (Some(("n.xml", &n)), ("s.xml", &s)),
        "sn" => (Some(("s.xml", &s)), ("n.xml", &n)),
        _ => (None, ("s.xml", &s)),
    };
    if order == "both" {
        fs::write(c.join("statements/n.xml"), &n).unwrap();
    }
    if let Some((name, body)) = first {
        fs::write(c.join("statements").join(name), body).unwrap();
        run_ok(&c, "2026-11-20", &root.path().join("o20"));
    }
    fs::write(c.join("statements").join(then.0), then.1).unwrap();
    let out = root.path().join("o21");
    run_ok(&c, "2026-11-21", &out);
    let what = format!("{weak} {order} {alpha}");
    let status = csv_rows(&out.join("invoice_status.csv"));
    for invoice in ["F-1001", betas] {
        assert_eq!(
            column_where(&status, "invoice_id", invoice, "status"),
            ["paid"],
            "{what} {invoice}"
        );
    }
    let alerts = fs::read_to_string(out.join("alerts.csv")).unwrap();
    assert!(
        !alerts.contains("booked_amount_differs"),
        "{what}: {alerts}"
    );
    let dunning = fs::read_to_string(out.join("dunning.csv")).unwrap();
    assert!(!dunning.contains("F-1001"), "{what}: {dunning}");
}

#[test]
fn one_payers_second_instalment_under_a_reused_reference_is_a_second_payment() {
    // Review 27 #2: Alpha's 500.00 notified on 18/11, its 300.00 booked on
    // 20/11 under the same bank reference, no end-to-end id: F-1001 showed
    // 700.00 open (the 500.00 withdrawn as if the bank had taken a fee) and
    // Alpha was chased for money it paid.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let n = notified("500.00", "NOTPROVIDED", "ALPHA SARL");
    fs::write(c.join("statements/n.xml"), n).unwrap();
    run_ok(&c, "2026-11-19", &root.path().join("o19"));
    let second = entry(
        "2026-11-20",
        "300.00",
        "NOTPROVIDED",
        "ALPHA SARL",
        "FACTURE F-1001",
    );
    let s = booking("2026-11-20", "300.00", second);
    fs::write(c.join("statements/s.xml"), s).unwrap();
    let out = root.path().join("o21");
    run_ok(&c, "2026-11-21", &out);
    let status = csv_rows(&out.join("invoice_status.csv"));
    assert_eq!(
        column_where(&status, "invoice_id", "F-1001", "open_after"),
        ["200.00"]
    );
    let alerts = fs::read_to_string(out.join("alerts.csv")).unwrap();
    assert!(!alerts.contains("booked_amount_differs"), "{alerts}");
}
