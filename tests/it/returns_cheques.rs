//! A cheque returned unpaid, over nights: it carries no end-to-end id or
//! mandate, so it links to the cheque it undoes only by amount, currency,
//! date and the cheque number in both texts (or the payer's account), when
//! exactly one cheque credit fits —
//! the invoice then takes the unpaid-cheque path. Two cheques that could
//! each be it, or one booked after it, or another payer's, reopen nothing: an
//! `unmatched_debit` asks a person.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, column_where, csv_rows, run_ok, write_statement};

const HEADER: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,payment_method,mandate_id,disputed\n";

fn client(root: &Path, invoices: &str) -> PathBuf {
    let c = root.join("c");
    crate::support::quiet_client(&c, "");
    std::fs::write(
        c.join("customers.csv"),
        "customer_id,name\nC1,Alpha SARL\nC2,Beta SAS\n",
    )
    .unwrap();
    std::fs::write(c.join("invoices.csv"), format!("{HEADER}{invoices}")).unwrap();
    c
}

fn night(c: &Path, seq: u32, date: &str, entries: &[Ntry]) -> PathBuf {
    write_statement(c, seq, date, entries);
    let out = c.parent().unwrap().join("out").join(date);
    run_ok(c, date, &out);
    out
}

/// A cheque entry: `RCHQ/CCHQ` remitted (credit) or `RCHQ/UPCQ` unpaid.
fn cheque(
    reference: &'static str,
    date: &'static str,
    code: &'static str,
    amount: &'static str,
    name: Option<&'static str>,
    text: Option<&'static str>,
) -> Ntry {
    Ntry {
        reference,
        date,
        code,
        amount,
        txs: vec![Tx {
            amount,
            name,
            text,
            reason: code.ends_with("UPCQ").then_some("AM04"),
            ..Tx::default()
        }],
    }
}

fn status(out: &Path, invoice: &str) -> String {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    column_where(&rows, "invoice_id", invoice, "status").concat()
}

fn kinds(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("alerts.csv"));
    let at = rows[0].iter().position(|c| c == "kind").unwrap();
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

fn steps(out: &Path, invoice: &str) -> Vec<(String, String)> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = |c: &str| column_where(&rows, "invoice_ids", invoice, c);
    let mut v: Vec<_> = col("step").into_iter().zip(col("reason")).collect();
    v.sort();
    v
}

const F1: &str = "F-1,C1,Alpha SARL,2026-10-01,2026-11-20,450.00,450.00,EUR,cheque,,false\n";
const F2: &str = "F-2,C1,Alpha SARL,2026-10-02,2026-11-20,450.00,450.00,EUR,cheque,,false\n";
const F3: &str = "F-3,C2,Beta SAS,2026-10-02,2026-11-20,450.00,450.00,EUR,cheque,,false\n";

#[test]
fn a_cheque_returned_unpaid_reopens_the_invoice_its_cheque_number_names() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), F1);
    let out = night(
        &c,
        1,
        "2026-11-25",
        &[cheque(
            "CHQ1",
            "2026-11-25",
            "RCHQ/CCHQ",
            "450.00",
            Some("ALPHA SARL"),
            Some("REMISE CHQ 7788123 FACTURE F-1"),
        )],
    );
    assert_eq!(status(&out, "F-1"), "paid");
    // The bank names nobody: the cheque number alone says which cheque.
    let out = night(
        &c,
        2,
        "2026-11-27",
        &[cheque(
            "UNP1",
            "2026-11-27",
            "RCHQ/UPCQ",
            "-450.00",
            None,
            Some("CHQ IMPAYE 7788123"),
        )],
    );
    assert_eq!(status(&out, "F-1"), "returned");
    assert_eq!(kinds(&out), ["cheque_unpaid"]);
    let s = steps(&out, "F-1");
    assert_eq!(
        s.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["return_call", "return_letter"]
    );
    assert!(
        s[0].1.starts_with("cheque returned unpaid on 2026-11-27"),
        "{s:?}"
    );
    // The next nights keep it open and on its path, never paid again.
    let out = night(&c, 3, "2026-11-30", &[]);
    assert_eq!(status(&out, "F-1"), "returned");
}

#[test]
fn a_cheque_returned_unpaid_by_its_payers_name_alone_reopens_nothing() {
    // Review 37 verify2 N1: a namesake's (or the same payer's other)
    // cheque of the same amount may be the one that cleared: without the
    // cheque number in both texts, a person links it.
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), &format!("{F1}{F3}"));
    night(
        &c,
        1,
        "2026-11-25",
        &[
            cheque(
                "CHQ1",
                "2026-11-25",
                "RCHQ/CCHQ",
                "450.00",
                Some("ALPHA SARL"),
                Some("FACTURE F-1"),
            ),
            cheque(
                "CHQ2",
                "2026-11-25",
                "RCHQ/CCHQ",
                "450.00",
                Some("BETA SAS"),
                Some("FACTURE F-3"),
            ),
        ],
    );
    let out = night(
        &c,
        2,
        "2026-11-27",
        &[cheque(
            "UNP1",
            "2026-11-27",
            "RCHQ/UPCQ",
            "-450.00",
            Some("ALPHA SARL"),
            Some("CHQ IMPAYE"),
        )],
    );
    assert_eq!(status(&out, "F-1"), "paid");
    assert_eq!(status(&out, "F-3"), "paid");
    assert_eq!(kinds(&out), ["unmatched_debit"]);
}

#[test]
fn a_cheque_returned_unpaid_that_could_be_either_of_two_cheques_reopens_neither() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), &format!("{F1}{F2}"));
    night(
        &c,
        1,
        "2026-11-25",
        &[
            cheque(
                "CHQ1",
                "2026-11-25",
                "RCHQ/CCHQ",
                "450.00",
                Some("ALPHA SARL"),
                Some("FACTURE F-1"),
            ),
            cheque(
                "CHQ2",
                "2026-11-25",
                "RCHQ/CCHQ",
                "450.00",
                Some("ALPHA SARL"),
                Some("FACTURE F-2"),
            ),
        ],
    );
    let out = night(
        &c,
        2,
        "2026-11-27",
        &[cheque(
            "UNP1",
            "2026-11-27",
            "RCHQ/UPCQ",
            "-450.00",
            Some("ALPHA SARL"),
            Some("CHQ IMPAYE"),
        )],
    );
    assert_eq!(status(&out, "F-1"), "paid");
    assert_eq!(status(&out, "F-2"), "paid");
    assert_eq!(kinds(&out), ["unmatched_debit"]);
}

#[test]
fn a_cheque_returned_unpaid_never_undoes_another_payers_cheque_or_a_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), &format!("{F1}{F3}"));
    night(
        &c,
        1,
        "2026-11-25",
        &[cheque(
            "CHQ1",
            "2026-11-25",
            "RCHQ/CCHQ",
            "450.00",
            Some("BETA SAS"),
            Some("REMISE CHQ 1111111 FACTURE F-3"),
        )],
    );
    // Alpha's cheque is unpaid the day before Alpha's own cheque is booked:
    // Beta's cheque is not its money, nor is the later one.
    let out = night(
        &c,
        2,
        "2026-11-26",
        &[cheque(
            "UNP1",
            "2026-11-26",
            "RCHQ/UPCQ",
            "-450.00",
            Some("ALPHA SARL"),
            Some("CHQ IMPAYE 7788123"),
        )],
    );
    assert_eq!(kinds(&out), ["unmatched_debit"]);
    assert_eq!(status(&out, "F-3"), "paid");
    let out = night(
        &c,
        3,
        "2026-11-27",
        &[cheque(
            "CHQ2",
            "2026-11-27",
            "RCHQ/CCHQ",
            "450.00",
            Some("ALPHA SARL"),
            Some("REMISE CHQ 7788123 FACTURE F-1"),
        )],
    );
    assert_eq!(status(&out, "F-1"), "paid");
    assert_eq!(status(&out, "F-3"), "paid");
    assert!(kinds(&out).is_empty(), "{:?}", kinds(&out));
}

#[test]
fn a_cheque_returned_unpaid_before_its_remittance_statement_arrives_is_linked_when_it_does() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), F1);
    night(&c, 1, "2026-11-24", &[]);
    let out = night(
        &c,
        3,
        "2026-11-26",
        &[cheque(
            "UNP1",
            "2026-11-26",
            "RCHQ/UPCQ",
            "-450.00",
            None,
            Some("CHQ IMPAYE 7788123"),
        )],
    );
    assert_eq!(kinds(&out), ["unmatched_debit", "sequence_gap"]);
    // The remittance's statement of 11-25 comes late: the cheque is the one
    // that bounced, never money paying F-1.
    write_statement(
        &c,
        2,
        "2026-11-25",
        &[cheque(
            "CHQ1",
            "2026-11-25",
            "RCHQ/CCHQ",
            "450.00",
            Some("ALPHA SARL"),
            Some("REMISE CHQ 7788123 FACTURE F-1"),
        )],
    );
    let out = night(&c, 4, "2026-11-27", &[]);
    assert_eq!(kinds(&out), ["cheque_unpaid"]);
    assert_eq!(status(&out, "F-1"), "open");
    let rows = csv_rows(&out.join("open_items.csv"));
    assert!(column_where(&rows, "kind", "unmatched_debit", "kind").is_empty());
}

#[test]
fn a_cheque_returned_unpaid_months_after_a_cheque_of_its_number_reopens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), F1);
    night(
        &c,
        1,
        "2026-07-01",
        &[cheque(
            "CHQ1",
            "2026-07-01",
            "RCHQ/CCHQ",
            "450.00",
            Some("ALPHA SARL"),
            Some("REMISE CHQ 7788123 FACTURE F-1"),
        )],
    );
    // Banks send an unpaid cheque back within days: five months on, the
    // cheque paid in July is not taken for it on a guess.
    let out = night(
        &c,
        2,
        "2026-11-27",
        &[cheque(
            "UNP1",
            "2026-11-27",
            "RCHQ/UPCQ",
            "-450.00",
            Some("ALPHA SARL"),
            Some("CHQ IMPAYE 7788123"),
        )],
    );
    assert_eq!(kinds(&out), ["unmatched_debit"]);
    assert_eq!(status(&out, "F-1"), "paid");
}
