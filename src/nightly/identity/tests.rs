//! How `archive_changed` reads an invoice number whose issue date moved:
//! the same invoice or a number reused.

use rusqlite::{Connection, params};

use super::archive_changed;
use crate::alerts::AlertKind;
use crate::ledger::{Invoice, Ledger};
use crate::money::Currency;

/// C1's F-1 of 1000.00, due 2026-10-01, issued 2026-09-01, as state holds
/// it: last exported on `last_seen`, open `open` then.
fn stored(conn: &Connection, last_seen: &str, open: &str) {
    conn.execute(
        "INSERT INTO invoices (invoice_id, customer_id, customer_name, issue_date, due_date,
             amount, currency, exported_open, first_seen_run, last_seen_run)
         VALUES ('F-1', 'C1', 'Alpha', '2026-09-01', '2026-10-01', '1000.00', 'EUR', ?2,
             '2026-10-30', ?1)",
        params![last_seen, open],
    )
    .unwrap();
}

fn night(conn: &Connection, date: &str) {
    conn.execute(
        "INSERT INTO runs (run_date, outputs_hash) VALUES (?1, 'h')",
        params![date],
    )
    .unwrap();
}

/// Tonight's F-1 of C1, issued 2026-09-02.
fn tonight(due: &str, amount: &str) -> Ledger {
    let d = |s: &str| s.parse().unwrap();
    Ledger {
        invoices: vec![Invoice {
            invoice_id: "F-1".into(),
            customer_id: "C1".into(),
            customer_name: "Alpha".into(),
            issue_date: d("2026-09-02"),
            due_date: d(due),
            amount: amount.parse().unwrap(),
            open_amount: amount.parse().unwrap(),
            currency: Currency::EUR,
            reference: None,
            payment_method: None,
            mandate_id: None,
            disputed: false,
            installment: None,
            discount_percent: None,
            discount_until: None,
            line: 2,
        }],
        ..Ledger::default()
    }
}

/// The alert kinds of reading `ledger` on 2026-11-03, after F-1 was last
/// exported on `last_seen` (open `open`) and nights 2026-10-30 and
/// 2026-11-02 ran; and the live ids in state then.
fn read(last_seen: &str, open: &str, ledger: &Ledger) -> (Vec<AlertKind>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut st = crate::state::State::open(dir.path()).unwrap();
    let conn = st.conn();
    stored(conn, last_seen, open);
    night(conn, "2026-10-30");
    night(conn, "2026-11-02");
    let alerts = archive_changed(conn, ledger, "2026-11-03").unwrap();
    let ids = conn
        .prepare("SELECT invoice_id FROM invoices ORDER BY invoice_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (alerts.iter().map(|a| a.kind).collect(), ids)
}

#[test]
fn an_open_invoice_back_after_a_night_missing_with_its_terms_is_redated() {
    let (kinds, ids) = read("2026-10-30", "1000.00", &tonight("2026-10-01", "1000.00"));
    assert_eq!(kinds, [AlertKind::InvoiceRedated]);
    assert_eq!(ids, ["F-1"]);
}

#[test]
fn an_open_invoice_redated_in_the_last_export_is_redated_whatever_its_terms() {
    let (kinds, ids) = read("2026-11-02", "1000.00", &tonight("2026-10-15", "1200.00"));
    assert_eq!(kinds, [AlertKind::InvoiceRedated]);
    assert_eq!(ids, ["F-1"]);
}

#[test]
fn a_number_back_after_a_gap_with_another_due_date_is_reused() {
    let (kinds, ids) = read("2026-10-30", "1000.00", &tonight("2026-12-01", "1000.00"));
    assert_eq!(kinds, [AlertKind::InvoiceIdReused]);
    // Put apart; tonight's F-1 is recorded after.
    assert_eq!(ids, ["F-1~2026-09-01"]);
}

#[test]
fn a_number_back_after_a_gap_with_another_amount_is_reused() {
    let (kinds, _) = read("2026-10-30", "1000.00", &tonight("2026-10-01", "999.00"));
    assert_eq!(kinds, [AlertKind::InvoiceIdReused]);
}

#[test]
fn a_settled_invoice_back_after_a_gap_is_reused_as_before() {
    let (kinds, _) = read("2026-10-30", "0.00", &tonight("2026-10-01", "1000.00"));
    assert_eq!(kinds, [AlertKind::InvoiceIdReused]);
}

#[test]
fn invoice_numbers_compare_without_their_form() {
    use super::number_key as k;
    assert_eq!(k("000042"), k("42"));
    assert_eq!(k("F-2026-0042"), k("F-2026-42"));
    assert_eq!(k("F-2026-0042"), k("f2026-0042"));
    assert_eq!(k("F 2026.0042"), k("F-2026-42"));
    assert_eq!(k("000"), k("0"));
    // Digits that differ, or numbers run together, stay apart.
    assert_ne!(k("F-2026-0042"), k("F-2026-0043"));
    assert_ne!(k("42"), k("420"));
    assert_ne!(k("F-2026-42"), k("F-202-642"));
}
