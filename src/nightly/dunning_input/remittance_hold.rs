//! Money waiting for a person that may have paid invoices no rule could
//! give it: while it waits (`unmatched_credit` or `suggested_match` open),
//! those invoices are not chased — formal notice included — for
//! `suggestion_hold_days` from the night the money was first told to a
//! person (whatever its alert became since), as an invoice in a suggestion
//! is. Such money is:
//! - a remittance the bank booked as one line, without detail
//!   (`matching::rules::remittance`: direct debits or cheques): every open
//!   item of its currency it may have gathered (a direct debit due on or
//!   before its booking date, an invoice payable by cheque);
//! - a payment in another currency than invoices it names
//!   (`matching::rules::Candidates::other_currency`; a code that is no ISO
//!   currency included; not by a loose number, nor those a person rejected
//!   for it), whether or not something of its currency is suggested: money
//!   is never set against an amount of another currency, but the customer
//!   may well have paid them. When part of it paid invoices of its own
//!   currency, the rest waiting as an `overpayment`, only the invoices that
//!   rest may have paid are held: at least half their open amount, the
//!   figures compared whatever their currencies (110 USD left for a 100
//!   EUR invoice, never 5 USD: verify 39 round 3 H1, round 2 C4).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::alerts::AlertKind;
use crate::matching::Status;
use crate::matching::rules::remittance::{may_have_collected, undetailed_remittance};
use crate::nightly::alerting::AlertSet;
use crate::nightly::credits::CreditStep;

/// The invoices such waiting money may have paid, each with the night the
/// earliest of it was first raised (the start of its hold).
pub fn held_by_remittances(
    credits: &CreditStep,
    alerts: &AlertSet,
    run_date: NaiveDate,
) -> BTreeMap<String, NaiveDate> {
    // The first night each entry's money (`{account}:{entry_id}`, the
    // alert's object: ids are per account) was told to a person, waiting
    // whole (unmatched or suggested), or its rest (an overpayment).
    let first_night = |kinds: &[AlertKind]| {
        let mut raised: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        for (a, d) in alerts.open.iter().filter(|(a, _)| kinds.contains(&a.kind)) {
            let Some(object) = a
                .key
                .strip_prefix(a.kind.as_str())
                .and_then(|k| k.strip_prefix(':'))
            else {
                continue;
            };
            let e = raised.entry(object).or_insert(*d);
            *e = (*e).min(*d);
        }
        raised
    };
    let raised = first_night(&[AlertKind::UnmatchedCredit, AlertKind::SuggestedMatch]);
    let overpaid = first_night(&[AlertKind::Overpayment]);
    let mut out: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for (pi, p) in credits.payments.iter().enumerate() {
        let lump = undetailed_remittance(p);
        let object = format!("{}:{}", p.account, p.entry_id);
        // Named in another currency: only money told to a person (its
        // alert's first night starts the hold, so it ends). When some of it
        // paid invoices of its own currency, tonight or on an earlier night
        // (verify 40 H2), the rest is an overpayment, and holds only what it
        // may have paid (below).
        let paid_some = p.amount < p.tx_amount
            || credits
                .apps
                .iter()
                .any(|a| a.payment == pi && a.status == Status::Matched);
        // (The rest of it may wait as an overpayment, or as an unmatched
        // credit when a person assigned part of it: verify 40 H3.)
        let told = if paid_some {
            overpaid
                .get(object.as_str())
                .or(raised.get(object.as_str()))
        } else {
            raised.get(object.as_str())
        };
        let quoted = credits
            .other_currency
            .get(pi)
            .filter(|_| told.is_some())
            .map(Vec::as_slice)
            .unwrap_or_default();
        if lump.is_none() && quoted.is_empty() {
            continue;
        }
        // Left for a person: unapplied, or only suggested.
        let left = credits
            .apps
            .iter()
            .filter(|a| a.payment == pi && a.status == Status::Unapplied)
            .map(|a| a.applied_amount.decimal())
            .sum::<rust_decimal::Decimal>();
        let waiting = left > rust_decimal::Decimal::ZERO
            || credits
                .apps
                .iter()
                .any(|a| a.payment == pi && a.status == Status::Suggested);
        if !waiting {
            continue;
        }
        // From the night the money was first told to a person, whatever
        // its alert has become since (a suggestion rejected: verify 39
        // erp2 C2, C3).
        let since = told
            .or(raised.get(object.as_str()))
            .copied()
            .unwrap_or(run_date);
        let since = alerts
            .first_told
            .get(object.as_str())
            .map_or(since, |&first| first.min(since));
        let is_quoted = |i: usize| u32::try_from(i).is_ok_and(|i| quoted.binary_search(&i).is_ok());
        // (A rest too small to have paid it does not hold it.)
        let may_pay =
            |open: rust_decimal::Decimal| !paid_some || left * rust_decimal::Decimal::TWO >= open;
        for (_, it) in credits.items.iter().enumerate().filter(|(i, it)| {
            let open = credits.open_after(&it.invoice_id);
            (lump.is_some_and(|l| may_have_collected(p, l, it))
                || (is_quoted(*i) && open.is_some_and(|o| may_pay(o.decimal()))))
                && open.is_some_and(|o| o.is_positive())
        }) {
            let e = out.entry(it.invoice_id.clone()).or_insert(since);
            *e = (*e).min(since);
        }
    }
    out
}
