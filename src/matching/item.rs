//! The matcher's view of what is owed: [`OpenItem`], an invoice or credit
//! note with an explicit open amount (tonight's effective open amount, which
//! the nightly run may compute from earlier nights' applications).

use chrono::NaiveDate;
use rust_decimal::Decimal;

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
    /// Customer name as on the invoice (the payer rules' name for customers
    /// absent from `customers.csv`).
    pub customer_name: String,
    /// Early-payment discount in percent (2 for 2 %).
    pub discount_percent: Option<Decimal>,
    /// Last booking date on which the discount applies.
    pub discount_until: Option<NaiveDate>,
    /// Collected by direct debit (`payment_method` direct_debit, or a
    /// mandate): a remittance without detail may have collected it.
    pub direct_debit: bool,
    /// Payable by cheque (`payment_method` cheque): a cheque remittance
    /// booked as its total may have gathered it.
    pub cheque: bool,
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
            customer_name: inv.customer_name.clone(),
            discount_percent: inv.discount_percent,
            discount_until: inv.discount_until,
            direct_debit: inv.payment_method == Some(crate::ledger::PaymentMethod::DirectDebit)
                || inv.mandate_id.is_some(),
            cheque: inv.payment_method == Some(crate::ledger::PaymentMethod::Cheque),
        }
    }

    /// The amount that settles `open` with the early-payment discount when
    /// paid on `booked`: `open × (100 − percent) / 100`, rounded half-up to
    /// the currency's minor unit (the cent for EUR, the unit for JPY or XOF,
    /// the millime for TND); `None` without a discount, after its last day,
    /// or for a credit note.
    pub fn discounted(&self, open: Money, booked: Option<NaiveDate>) -> Option<Money> {
        let pct = self.discount_percent?;
        let until = self.discount_until?;
        if booked? > until
            || !open.is_positive()
            || pct <= Decimal::ZERO
            || pct >= Decimal::ONE_HUNDRED
        {
            return None;
        }
        let keep = Decimal::ONE_HUNDRED
            .checked_sub(pct)?
            .checked_div(Decimal::ONE_HUNDRED)?;
        Some(
            open.checked_mul(keep)?
                .round_half_up(self.currency.minor_units()),
        )
    }

    /// True for a credit note.
    pub fn is_credit_note(&self) -> bool {
        self.open_amount.is_negative()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn item(currency: &str, open: &str) -> OpenItem {
        let mut it = crate::matching::testkit::item("F-1", open);
        it.currency = Currency::parse(currency).unwrap();
        it.discount_percent = Some(Decimal::new(2, 0));
        it.discount_until = NaiveDate::from_ymd_opt(2026, 3, 10);
        it
    }

    #[test]
    fn the_discounted_amount_is_rounded_to_the_currencys_minor_unit() {
        let on = NaiveDate::from_ymd_opt(2026, 3, 9);
        let cases = [
            ("EUR", "1000.13", "980.13"),   // 980.1274
            ("TND", "1000.125", "980.123"), // 980.1225
            ("JPY", "100001", "98001"),     // 98000.98
        ];
        for (currency, open, expected) in cases {
            let it = item(currency, open);
            let open: Money = open.parse().unwrap();
            assert_eq!(
                it.discounted(open, on),
                Some(expected.parse().unwrap()),
                "{currency} {open}"
            );
        }
    }
}
