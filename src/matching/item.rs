//! The matcher's view of what is owed: [`OpenItem`], an invoice or credit
//! note with an explicit open amount (tonight's effective open amount, which
//! the nightly run may compute from earlier nights' applications).

use chrono::NaiveDate;

use crate::ledger::Invoice;
use crate::money::{Currency, Money};

/// An invoice (positive) or credit note (negative) still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    /// Invoice number.
    pub invoice_id: String,
    /// Customer account.
    pub customer_id: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date (partial payments go to the oldest first).
    pub due_date: NaiveDate,
    /// Invoice total (negative for a credit note).
    pub amount: Money,
    /// What may still be applied; zero means not a candidate.
    pub open_amount: Money,
    /// Currency: a payment only ever goes to an item of its currency.
    pub currency: Currency,
    /// What the customer was asked to quote (often an RF reference).
    pub reference: Option<String>,
    /// SEPA mandate id (RUM).
    pub mandate_id: Option<String>,
}

impl OpenItem {
    /// The item of an invoice as loaded tonight (`open_amount` from the ERP).
    pub fn from_invoice(inv: &Invoice) -> OpenItem {
        OpenItem {
            invoice_id: inv.invoice_id.clone(),
            customer_id: inv.customer_id.clone(),
            issue_date: inv.issue_date,
            due_date: inv.due_date,
            amount: inv.amount,
            open_amount: inv.open_amount,
            currency: inv.currency,
            reference: inv.reference.clone(),
            mandate_id: inv.mandate_id.clone(),
        }
    }

    /// True for a credit note.
    pub fn is_credit_note(&self) -> bool {
        self.open_amount.is_negative()
    }
}
