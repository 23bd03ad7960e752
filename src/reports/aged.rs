//! The aged balance: open invoices by days past due — not yet due, 1–30,
//! 31–60, 61–90, over 90 — per customer and currency. Credit notes reduce the
//! bucket of their own due date.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::money::{Currency, Money};

/// The age buckets, in order.
pub const BUCKETS: [&str; 5] = ["not_due", "1_30", "31_60", "61_90", "over_90"];

/// The bucket index of an invoice due on `due` seen on `date`.
pub fn bucket(due: NaiveDate, date: NaiveDate) -> usize {
    match (date - due).num_days() {
        d if d <= 0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

/// An open item to age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// Customer.
    pub customer_id: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Open amount (negative for a credit note).
    pub open: Money,
    /// Currency.
    pub currency: Currency,
}

/// Amounts per bucket for one customer and currency.
pub type Row = [Money; 5];

/// Ages open items on `date`: (customer, currency) → amounts per bucket.
/// `None` on overflow.
pub fn aged_balance(items: &[Open], date: NaiveDate) -> Option<BTreeMap<(String, Currency), Row>> {
    let mut out: BTreeMap<(String, Currency), Row> = BTreeMap::new();
    for it in items.iter().filter(|i| !i.open.is_zero()) {
        let row = out
            .entry((it.customer_id.clone(), it.currency))
            .or_insert([Money::ZERO; 5]);
        let b = bucket(it.due_date, date);
        row[b] = row[b].checked_add(it.open)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn buckets_by_days_past_due() {
        let date = d("2026-11-23");
        assert_eq!(bucket(d("2026-11-23"), date), 0);
        assert_eq!(bucket(d("2026-11-22"), date), 1);
        assert_eq!(bucket(d("2026-10-24"), date), 1); // 30 days
        assert_eq!(bucket(d("2026-10-23"), date), 2); // 31 days
        assert_eq!(bucket(d("2026-08-25"), date), 3); // 90 days
        assert_eq!(bucket(d("2026-08-24"), date), 4); // 91 days
    }

    #[test]
    fn credit_notes_reduce_their_bucket() {
        let items = vec![
            Open {
                customer_id: "C1".into(),
                due_date: d("2026-11-01"),
                open: "100".parse().unwrap(),
                currency: Currency::EUR,
            },
            Open {
                customer_id: "C1".into(),
                due_date: d("2026-11-10"),
                open: "-30".parse().unwrap(),
                currency: Currency::EUR,
            },
        ];
        let aged = aged_balance(&items, d("2026-11-23")).unwrap();
        let row = aged[&("C1".to_string(), Currency::EUR)];
        assert_eq!(row[1], "70".parse().unwrap());
    }
}
