//! Builders for the matcher's unit tests: items and payments in two lines.

use chrono::NaiveDate;

use super::item::OpenItem;
use super::payment::Payment;
use crate::money::{Currency, Money};
use crate::statement::TxKind;

/// Parses an amount written in a test.
pub fn m(s: &str) -> Money {
    s.parse().expect("test amount")
}

/// A date in March 2026.
pub fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).expect("test date")
}

/// An open EUR invoice (credit note when `open` is negative), due 2026-03-01.
pub fn item(id: &str, open: &str) -> OpenItem {
    OpenItem {
        invoice_id: id.into(),
        customer_id: "C1".into(),
        issue_date: d(1),
        due_date: d(1),
        amount: m(open),
        open_amount: m(open),
        currency: Currency::EUR,
        reference: None,
        mandate_id: None,
        customer_name: "CLIENT 1".into(),
        discount_percent: None,
        discount_until: None,
        direct_debit: false,
        cheque: false,
    }
}

/// A booked EUR credit transfer of `amount`, booked 2026-03-10.
pub fn payment(entry_id: &str, amount: &str) -> Payment {
    Payment {
        statement_id: "S1".into(),
        account: "FR7630001007941234567890185".into(),
        entry_id: entry_id.into(),
        position: 0,
        booking_date: Some(d(10)),
        value_date: Some(d(10)),
        tx_amount: m(amount),
        amount: m(amount),
        currency: Currency::EUR,
        kind: TxKind::CreditTransferIn,
        counterparty_name: None,
        counterparty_iban: None,
        texts: Vec::new(),
        seams: Vec::new(),
        creditor_refs: Vec::new(),
        end_to_end_id: None,
        mandate_id: None,
        remittance: String::new(),
        undetailed: false,
        difference: false,
    }
}
