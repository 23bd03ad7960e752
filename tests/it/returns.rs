//! Returned direct debits undo exactly the collection they name: the right
//! month's invoice, every invoice and credit note a grouped collection paid,
//! and the return path takes all of them.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, column_where, csv_rows, paying, statement_night};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

pub(crate) fn collection(
    reference: &'static str,
    date: &'static str,
    amount: &'static str,
    e2e: &'static str,
    mandate: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date,
        code: "IDDT/ESDD",
        amount,
        txs: vec![Tx {
            amount,
            e2e: Some(e2e),
            mandate: Some(mandate),
            ..Tx::default()
        }],
    }
}

pub(crate) fn returned(
    reference: &'static str,
    date: &'static str,
    amount: &'static str,
    e2e: &'static str,
    mandate: &'static str,
    reason: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date,
        code: "IDDT/UPDD",
        amount,
        txs: vec![Tx {
            amount,
            e2e: Some(e2e),
            mandate: Some(mandate),
            reason: Some(reason),
            ..Tx::default()
        }],
    }
}

/// An entry under mandate `RUM-D1` with no end-to-end id (a bank that gives
/// none), coded `code`, with return `reason` if any.
pub(crate) fn mandate_only(
    reference: &'static str,
    date: &'static str,
    code: &'static str,
    amount: &'static str,
    reason: Option<&'static str>,
) -> Ntry {
    Ntry {
        reference,
        date,
        code,
        amount,
        txs: vec![Tx {
            amount,
            mandate: Some("RUM-D1"),
            reason,
            ..Tx::default()
        }],
    }
}

fn night(root: &Path, seq: u32, date: &str, invoices: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, entries)
}

fn status_of(out: &Path, invoice: &str) -> (String, String) {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let get = |c: &str| column_where(&rows, "invoice_id", invoice, c).concat();
    (get("open_after"), get("status"))
}

/// A monthly subscription (mandate M-1, 50.00 a month): night 1 collects
/// January's invoice.
fn january_collected(root: &Path) {
    let jan = "F-JAN;C1;Alpha;2026-01-01;2026-03-01;50,00;50,00;EUR;;direct_debit;M-1\n";
    night(
        root,
        1,
        "2026-03-02",
        jan,
        &[collection("C1", "2026-03-02", "50.00", "E-JAN", "M-1")],
    );
}

/// The export once January is paid and February is due.
const BOTH_MONTHS: &str = "F-JAN;C1;Alpha;2026-01-01;2026-03-01;50,00;0,00;EUR;;direct_debit;M-1\n\
F-FEB;C1;Alpha;2026-02-01;2026-03-03;50,00;50,00;EUR;;direct_debit;M-1\n";

#[test]
fn a_return_reopens_the_month_its_end_to_end_id_names() {
    // A monthly subscription: same mandate, same amount, one end-to-end id
    // a month. The debtor has January refunded after February was paid.
    let dir = tempfile::tempdir().unwrap();
    january_collected(dir.path());
    let out2 = night(
        dir.path(),
        2,
        "2026-03-03",
        BOTH_MONTHS,
        &[collection("C2", "2026-03-03", "50.00", "E-FEB", "M-1")],
    );
    assert_eq!(status_of(&out2, "F-FEB").0, "0.00");
    let out3 = night(
        dir.path(),
        3,
        "2026-03-04",
        BOTH_MONTHS,
        &[returned(
            "D1",
            "2026-03-04",
            "-50.00",
            "E-JAN",
            "M-1",
            "MD06",
        )],
    );
    assert_eq!(
        status_of(&out3, "F-JAN"),
        ("50.00".into(), "disputed".into())
    );
    assert_eq!(status_of(&out3, "F-FEB"), ("0.00".into(), "paid".into()));
}

#[test]
fn a_collection_returned_the_night_it_is_booked_is_not_taken_from_last_month() {
    let dir = tempfile::tempdir().unwrap();
    january_collected(dir.path());
    // February's collection and its return in one statement.
    let out = night(
        dir.path(),
        2,
        "2026-03-03",
        BOTH_MONTHS,
        &[
            collection("C2", "2026-03-03", "50.00", "E-FEB", "M-1"),
            returned("D2", "2026-03-03", "-50.00", "E-FEB", "M-1", "AM04"),
        ],
    );
    assert_eq!(status_of(&out, "F-JAN"), ("0.00".into(), "paid".into()));
    assert_eq!(
        status_of(&out, "F-FEB"),
        ("50.00".into(), "returned".into())
    );
    // The return names February's invoice, the one its collection was for.
    let alerts = csv_rows(&out.join("alerts.csv"));
    assert_eq!(
        column_where(&alerts, "kind", "direct_debit_returned", "invoice_id"),
        ["F-FEB"]
    );
    let m = csv_rows(&out.join("matches.csv"));
    assert!(
        column_where(&m, "entry_id", "C2", "status")
            .iter()
            .all(|s| s != "matched"),
        "the returned collection's money must not pay anything: {m:?}"
    );
}

#[test]
fn a_collection_returned_before_it_was_applied_names_this_months_invoice_even_when_the_erp_lags() {
    // The ERP has not posted January's collection yet: both invoices read
    // 50,00 open. February's collection comes back the night it is booked.
    let dir = tempfile::tempdir().unwrap();
    january_collected(dir.path());
    let lagging = "F-JAN;C1;Alpha;2026-01-01;2026-03-01;50,00;50,00;EUR;;direct_debit;M-1\n\
F-FEB;C1;Alpha;2026-02-01;2026-03-03;50,00;50,00;EUR;;direct_debit;M-1\n";
    let out = night(
        dir.path(),
        2,
        "2026-03-03",
        lagging,
        &[
            collection("C2", "2026-03-03", "50.00", "E-FEB", "M-1"),
            returned("D2", "2026-03-03", "-50.00", "E-FEB", "M-1", "MS02"),
        ],
    );
    assert_eq!(status_of(&out, "F-JAN").0, "0.00");
    assert_eq!(
        status_of(&out, "F-FEB"),
        ("50.00".into(), "disputed".into())
    );
    let alerts = csv_rows(&out.join("alerts.csv"));
    assert_eq!(
        column_where(&alerts, "kind", "direct_debit_returned", "invoice_id"),
        ["F-FEB"]
    );
}

#[test]
fn a_returned_grouped_collection_reopens_every_invoice_and_credit_note_it_paid() {
    // One collection of 300.00 for F-1 (400.00) net of the credit note AV-1.
    let dir = tempfile::tempdir().unwrap();
    let rows = "F-1;C1;Alpha;2026-02-01;2026-03-02;400,00;400,00;EUR;;direct_debit;M-1\n\
AV-1;C1;Alpha;2026-02-10;2026-03-02;-100,00;-100,00;EUR;;direct_debit;M-1\n";
    let out1 = night(
        dir.path(),
        1,
        "2026-03-02",
        rows,
        &[collection("K1", "2026-03-02", "300.00", "E-1", "M-1")],
    );
    assert_eq!(status_of(&out1, "F-1").0, "0.00");
    assert_eq!(status_of(&out1, "AV-1").0, "0.00");
    let out2 = night(
        dir.path(),
        2,
        "2026-03-03",
        rows,
        &[returned(
            "R1",
            "2026-03-03",
            "-300.00",
            "E-1",
            "M-1",
            "AM04",
        )],
    );
    assert_eq!(status_of(&out2, "F-1").0, "400.00");
    assert_eq!(status_of(&out2, "AV-1"), ("-100.00".into(), "open".into()));
    // The alert names the invoice the customer must pay again, not the
    // credit note (open until used, it would keep the alert open for ever).
    let alerts = csv_rows(&out2.join("alerts.csv"));
    assert_eq!(
        column_where(&alerts, "kind", "direct_debit_returned", "invoice_id"),
        ["F-1"]
    );
    // The return path's call and letter ask for what the collection was.
    let dunning = csv_rows(&out2.join("dunning.csv"));
    for step in ["return_call", "return_letter"] {
        assert_eq!(
            column_where(&dunning, "step", step, "amount_due"),
            ["300.00"],
            "{step}"
        );
    }
}

#[test]
fn a_disputed_grouped_collection_puts_all_its_invoices_on_the_return_path() {
    let dir = tempfile::tempdir().unwrap();
    let rows = "F-1;R2;Roux;2026-02-01;2026-03-02;200,00;200,00;EUR;;direct_debit;M-R2\n\
F-2;R2;Roux;2026-02-01;2026-03-02;150,00;150,00;EUR;;direct_debit;M-R2\n";
    night(
        dir.path(),
        1,
        "2026-03-02",
        rows,
        &[collection("K1", "2026-03-02", "350.00", "E-R2", "M-R2")],
    );
    let out = night(
        dir.path(),
        2,
        "2026-03-05",
        rows,
        &[returned(
            "R1",
            "2026-03-05",
            "-350.00",
            "E-R2",
            "M-R2",
            "MS02",
        )],
    );
    assert_eq!(status_of(&out, "F-1"), ("200.00".into(), "disputed".into()));
    assert_eq!(status_of(&out, "F-2"), ("150.00".into(), "disputed".into()));
    let dunning = csv_rows(&out.join("dunning.csv"));
    let steps: Vec<(String, String)> = dunning[1..]
        .iter()
        .map(|r| (r[4].clone(), r[6].clone()))
        .collect();
    assert_eq!(steps, [("dispute_call".to_string(), "F-1|F-2".to_string())]);
    // Nor are they chased on the next nights.
    let later = night(dir.path(), 3, "2026-03-20", rows, &[]);
    assert_eq!(csv_rows(&later.join("dunning.csv")).len(), 1, "header only");
}

#[test]
fn a_second_return_of_collections_never_seen_is_still_the_customers_second() {
    // A first night: two returns under mandate M-1 within the window, of
    // collections made before pointage ran (nothing to link them to).
    let dir = tempfile::tempdir().unwrap();
    let open = "F-MAR;C1;Alpha;2026-02-01;2026-03-01;120,00;120,00;EUR;;direct_debit;M-1\n";
    let out = night(
        dir.path(),
        1,
        "2026-03-04",
        open,
        &[
            returned("D1", "2026-01-12", "-80.00", "E-OLD1", "M-1", "AM04"),
            returned("D2", "2026-03-04", "-90.00", "E-OLD2", "M-1", "AM04"),
        ],
    );
    let alerts = csv_rows(&out.join("alerts.csv"));
    assert_eq!(
        column_where(
            &alerts,
            "kind",
            "repeated_direct_debit_return",
            "customer_id"
        ),
        ["C1"],
        "{alerts:?}"
    );
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "step"),
        ["full_balance_demand"],
        "{dunning:?}"
    );
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "amount_due"),
        ["120.00"]
    );
}

#[test]
fn a_return_on_an_invoice_the_erp_already_closed_stays_open_until_the_erp_books_it() {
    let dir = tempfile::tempdir().unwrap();
    january_collected(dir.path());
    // The ERP books the collection: January leaves its export of open items.
    night(dir.path(), 2, "2026-03-03", "", &[]);
    // The collection comes back.
    let out3 = night(
        dir.path(),
        3,
        "2026-03-04",
        "",
        &[returned(
            "D1",
            "2026-03-04",
            "-50.00",
            "E-JAN",
            "M-1",
            "AM04",
        )],
    );
    let alerts = csv_rows(&out3.join("alerts.csv"));
    assert_eq!(
        column_where(&alerts, "kind", "direct_debit_returned", "invoice_id"),
        ["F-JAN"]
    );
    // A night later the ERP still shows nothing: the money that came back is
    // still owed, and the critical alert must not close as "settled".
    let out4 = night(dir.path(), 4, "2026-03-05", "", &[]);
    let open = csv_rows(&out4.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "kind", "direct_debit_returned", "invoice_id"),
        ["F-JAN"],
        "{open:?}"
    );
    // The ERP books the return: January is exported open again, then paid
    // by transfer; the alert closes once the invoice is settled.
    let jan_open = "F-JAN;C1;Alpha;2026-01-01;2026-03-01;50,00;50,00;EUR;;direct_debit;M-1\n";
    let paid = paying("T1", "2026-03-06", "50.00", "FACTURE F-JAN");
    let out5 = night(dir.path(), 5, "2026-03-06", jan_open, &[paid]);
    let open = csv_rows(&out5.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "kind", "direct_debit_returned", "invoice_id"),
        Vec::<String>::new(),
        "{open:?}"
    );
}

#[test]
fn a_write_off_refused_on_a_settled_invoice_never_takes_what_a_return_reopens() {
    let dir = tempfile::tempdir().unwrap();
    january_collected(dir.path());
    // Someone writes F-JAN off while it is paid: refused, settled.
    std::fs::write(
        dir.path().join("c/decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\n;F-JAN;writeoff;;\n",
    )
    .unwrap();
    let jan = "F-JAN;C1;Alpha;2026-01-01;2026-03-01;50,00;50,00;EUR;;direct_debit;M-1\n";
    let out2 = night(dir.path(), 2, "2026-03-03", jan, &[]);
    let alerts = csv_rows(&out2.join("alerts.csv"));
    assert_eq!(
        column_where(&alerts, "kind", "decision_rejected", "kind").len(),
        1,
        "{alerts:?}"
    );
    // The collection comes back, the line still in the file: the money is
    // owed again and chased, not written off.
    let out3 = night(
        dir.path(),
        3,
        "2026-03-04",
        jan,
        &[returned(
            "D1",
            "2026-03-04",
            "-50.00",
            "E-JAN",
            "M-1",
            "AM04",
        )],
    );
    assert_eq!(status_of(&out3, "F-JAN").0, "50.00");
}

#[test]
fn a_transfer_after_a_return_pays_only_itself() {
    // 400.00 on mandate M-1: 200.00 collected and booked by the ERP, then
    // returned; the customer transfers 200.00. 200.00 is still owed.
    let dir = tempfile::tempdir().unwrap();
    let row = |open: &str| {
        format!("F-400;C1;Alpha;2026-02-01;2026-03-01;400,00;{open};EUR;;direct_debit;M-1\n")
    };
    // The first instalment, collected quoting the invoice: applied.
    let mut first = collection("C1", "2026-03-02", "200.00", "E-1", "M-1");
    first.txs[0].text = Some("FACTURE F-400 ECHEANCE 1");
    let out1 = night(dir.path(), 1, "2026-03-02", &row("400,00"), &[first]);
    assert_eq!(status_of(&out1, "F-400").0, "200.00");
    night(dir.path(), 2, "2026-03-03", &row("200,00"), &[]);
    night(
        dir.path(),
        3,
        "2026-03-04",
        &row("200,00"),
        &[returned(
            "D1",
            "2026-03-04",
            "-200.00",
            "E-1",
            "M-1",
            "AM04",
        )],
    );
    let transfer = paying("T1", "2026-03-05", "200.00", "FACTURE F-400");
    let out4 = night(dir.path(), 4, "2026-03-05", &row("200,00"), &[transfer]);
    assert_eq!(status_of(&out4, "F-400").0, "200.00");
    // The ERP books the return (400 open again): still 200.
    let out5 = night(dir.path(), 5, "2026-03-06", &row("400,00"), &[]);
    assert_eq!(status_of(&out5, "F-400").0, "200.00");
}

#[test]
fn an_instalment_returned_after_the_rest_was_paid_is_owed_again() {
    // 300.00 on mandate M-1: a first instalment of 150.00 collected and
    // booked, the other 150.00 paid by transfer, then the instalment comes
    // back. 150.00 is owed.
    let dir = tempfile::tempdir().unwrap();
    let row = |open: &str| {
        format!("F-300;C1;Alpha;2026-02-01;2026-03-01;300,00;{open};EUR;;direct_debit;M-1\n")
    };
    let mut first = collection("C1", "2026-03-02", "150.00", "E-1", "M-1");
    first.txs[0].text = Some("FACTURE F-300 ECHEANCE 1");
    night(dir.path(), 1, "2026-03-02", &row("300,00"), &[first]);
    let transfer = paying("T1", "2026-03-03", "150.00", "FACTURE F-300");
    let out2 = night(dir.path(), 2, "2026-03-03", &row("150,00"), &[transfer]);
    assert_eq!(status_of(&out2, "F-300").0, "0.00");
    let out3 = night(
        dir.path(),
        3,
        "2026-03-04",
        &row("150,00"),
        &[returned(
            "D1",
            "2026-03-04",
            "-150.00",
            "E-1",
            "M-1",
            "AM04",
        )],
    );
    assert_eq!(status_of(&out3, "F-300").0, "150.00");
}

#[test]
fn two_accounts_sharing_a_bank_reference_show_each_debit_with_its_own_payee() {
    let dir = tempfile::tempdir().unwrap();
    let debit = |name: &'static str| Ntry {
        reference: "R1",
        date: "2026-03-02",
        code: "IDDT/UPDD",
        amount: "-80.00",
        txs: vec![Tx {
            amount: "-80.00",
            e2e: Some("E-UNKNOWN"),
            name: Some(name),
            reason: Some("AM04"),
            ..Tx::default()
        }],
    };
    let client = dir.path().join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    let other = crate::support::camt(
        false,
        "S-OTHER",
        1,
        "FR1420041010050500013M02606",
        "2026-03-02",
        "2026-03-02",
        None,
        &[debit("PAYEUR DEUX")],
    );
    std::fs::write(client.join("statements/other.xml"), other).unwrap();
    let out = night(dir.path(), 1, "2026-03-02", "", &[debit("PAYEUR UN")]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("PAYEUR UN"), "first account's payee missing");
    assert!(
        html.contains("PAYEUR DEUX"),
        "second account's payee missing"
    );
}
