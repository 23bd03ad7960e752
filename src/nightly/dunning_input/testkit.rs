//! Builders for this module's unit tests: dates and invoices in one line.

use chrono::NaiveDate;

use crate::ledger::Invoice;
use crate::money::Currency;

/// A date written `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An EUR invoice of customer P3 with `open` both its amount and open amount,
/// issued 2026-02-02 and due 2026-03-02.
pub fn invoice(id: &str, open: &str) -> Invoice {
    Invoice {
        invoice_id: id.into(),
        customer_id: "P3".into(),
        customer_name: "Roche Textiles".into(),
        issue_date: d("2026-02-02"),
        due_date: d("2026-03-02"),
        amount: open.parse().unwrap(),
        open_amount: open.parse().unwrap(),
        currency: Currency::EUR,
        reference: None,
        payment_method: None,
        mandate_id: None,
        disputed: false,
        installment: None,
        discount_percent: None,
        discount_until: None,
        line: 2,
    }
}
