//! A CFONB debit coded 99 (cancellation, regularisation) or C4 (instant
//! transfer recall) naming an earlier credit of the account — its real
//! end-to-end id, else its payer's account (05 `CPY`) — of the same amount
//! and currency may be that payment taken back. CFONB has no reversal flag
//! (camt's `RvslInd`), so nothing says so for sure: an `unmatched_debit`
//! names the payment and the invoices it paid, and nothing is reopened; a
//! person checks with the bank (review 38 banks F6: the debit was only
//! counted, the invoice kept showing paid). Its alert is never taken up
//! by `late` as a return waiting for its collection.

use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::state::{ledger as sl, transactions};
use crate::statement::BankCode;

use super::linking::{could_return, same_e2e};

/// How far back a recalled payment is looked for by its payer's account
/// (an end-to-end id names it at any age).
const RECALL_WINDOW_DAYS: u64 = 60;

/// Whether the debit's CFONB code is a cancellation or a recall.
pub(super) fn is_recall(d: &transactions::StoredTx) -> bool {
    matches!(&d.entry.bank_code, BankCode::Cfonb { interbank, .. } if interbank == "99" || interbank == "C4")
}

/// The payer's account a 05 `CPY` gives (kept raw: for a debit the parser
/// reads only the beneficiary's).
fn payer_account(d: &transactions::StoredTx) -> Option<String> {
    d.tx.complements
        .iter()
        .find(|(q, _)| q == "CPY")
        .map(|(_, info)| {
            let (first, _) = crate::formats::cfonb120::complement::split35(info);
            first
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
}

/// The earlier credits debit `d` (a 99 or C4) names, oldest first.
fn named(
    conn: &Connection,
    d: &transactions::StoredTx,
) -> rusqlite::Result<(Vec<transactions::StoredTx>, &'static str)> {
    let amount = d.tx.amount.abs().to_plain();
    let mine = |c: &transactions::StoredTx| {
        c.account == d.account && c.tx.entry_id != d.tx.entry_id && could_return(d, c)
    };
    let e2e = d.tx.end_to_end_id.as_deref();
    if let Some(e) = e2e.filter(|e| crate::statement::is_real_id(Some(e))) {
        let mut found = transactions::collections_for(conn, Some(e), None, &amount)?;
        found.retain(|c| same_e2e(c, e) && mine(c));
        if !found.is_empty() {
            found.reverse();
            return Ok((found, "its end-to-end id"));
        }
    }
    let (Some(iban), Some(day)) = (payer_account(d), d.entry.day()) else {
        return Ok((Vec::new(), ""));
    };
    let from = day
        .checked_sub_days(chrono::Days::new(RECALL_WINDOW_DAYS))
        .unwrap_or(chrono::NaiveDate::MIN);
    let mut found = transactions::credits_of_amount_between(
        conn,
        &d.account,
        &amount,
        (&from.to_string(), &day.to_string()),
    )?;
    found.retain(|c| {
        mine(c)
            && c.tx
                .counterparty
                .iban
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(&iban))
    });
    found.reverse();
    Ok((found, "its payer's account and amount"))
}

/// The alert for debit `d` when it is a 99 or C4 naming earlier credits.
pub(super) fn recall_alert(
    conn: &Connection,
    d: &transactions::StoredTx,
) -> rusqlite::Result<Option<Alert>> {
    if !is_recall(d) {
        return Ok(None);
    }
    let (credits, by) = named(conn, d)?;
    if credits.is_empty() {
        return Ok(None);
    }
    let mut invoices: Vec<String> = Vec::new();
    let mut customers: Vec<String> = Vec::new();
    let mut payments = Vec::new();
    for c in &credits {
        for l in sl::live_applications(conn, &c.account, &c.tx.entry_id)? {
            if !invoices.contains(&l.invoice_id) {
                invoices.push(l.invoice_id);
            }
            if !customers.contains(&l.customer_id) {
                customers.push(l.customer_id);
            }
        }
        let day = c.entry.day().map(|x| x.to_string()).unwrap_or_default();
        payments.push(format!("{} of {day}", c.tx.entry_id));
    }
    let paid = if invoices.is_empty() {
        "applied to no invoice".to_string()
    } else {
        format!("applied to {}", invoices.join(", "))
    };
    let code = d.entry.bank_code.raw();
    let mut a = Alert::new(
        AlertKind::UnmatchedDebit,
        &format!("{}:{}", d.account, d.tx.entry_id),
        format!(
            "debit of {} on {} coded {code} (a cancellation or recall) names by {by} the payment {} ({paid}): if the bank took that payment back, it is unpaid again; nothing was reopened, check with the bank",
            d.tx.amount.abs(),
            d.entry.day().map(|x| x.to_string()).unwrap_or_default(),
            payments.join(" or "),
        ),
    );
    a.entry_id = d.tx.entry_id.clone();
    a.amount = Some(d.tx.amount);
    a.currency = Some(d.currency);
    a.invoice_id = invoices.join("|");
    if let [one] = customers.as_slice() {
        a.customer_id = one.clone();
    }
    Ok(Some(a))
}
