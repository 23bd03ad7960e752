//! The customer's second direct-debit return within the window: the
//! `repeated_direct_debit_return` alert (demand the whole balance instead of
//! re-presenting). A technical rejection (the firm's own data) never counts.

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};
use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::returns::{ReturnCategory, reason};
use crate::state::events as ev;
use crate::state::transactions;

/// `repeated_direct_debit_return` when the customer's returns within the
/// window, this one recorded, name two collections or more (`collection_key`
/// names this one, in the alert's key: one alert per collection returned):
/// whether or not
/// this return could be linked to its collection (on a first night it
/// rarely can), it is the customer's second rejection all the same.
pub(super) fn repeated_return(
    conn: &Connection,
    repeat_months: u32,
    d: &transactions::StoredTx,
    customer: &str,
    collection_key: &str,
    invoice: &str,
    code: String,
) -> rusqlite::Result<Option<Alert>> {
    let amount = d.tx.amount.abs();
    let Some(date) = d.entry.day() else {
        return Ok(None);
    };
    // A technical rejection is the firm's own error: never the customer's
    // second return, nor counted towards one.
    let technical = |c: &str| reason(c).category == ReturnCategory::Technical;
    if technical(&code) {
        return Ok(None);
    }
    let since = date
        .checked_sub_months(Months::new(repeat_months))
        .unwrap_or(NaiveDate::MIN);
    let returns = ev::returns_by_customer(conn)?;
    let collections: BTreeSet<&str> = returns
        .get(customer)
        .map(|v| {
            v.iter()
                .filter(|r| r.booking_date.is_some_and(|b| b > since && b <= date))
                .filter(|r| !technical(r.reason_code.as_deref().unwrap_or_default()))
                .map(|r| r.collection.as_str())
                .collect()
        })
        .unwrap_or_default();
    if collections.len() < 2 {
        return Ok(None);
    }
    let mut r = Alert::new(
        AlertKind::RepeatedDirectDebitReturn,
        &format!("{customer}:{collection_key}"),
        format!(
            "customer {customer}: {} direct debits returned within {repeat_months} months (latest {} on {date}, reason {}): demand the full balance instead of re-presenting",
            collections.len(),
            amount,
            if code.is_empty() { "none" } else { &code }
        ),
    );
    r.customer_id = customer.to_string();
    r.entry_id = d.tx.entry_id.clone();
    r.invoice_id = invoice.to_string();
    r.amount = Some(d.tx.amount);
    r.currency = Some(d.currency);
    r.reason_code = code;
    Ok(Some(r))
}
