//! Money waiting for a person that may have paid invoices no rule could
//! give it: while it waits (`unmatched_credit` or `suggested_match` open),
//! those invoices are not chased — formal notice included — for
//! `suggestion_hold_days` from the night the money was first told to a
//! person, as an invoice in a suggestion is. Such money is:
//! - a remittance the bank booked as one line, without detail
//!   (`matching::rules::remittance`: direct debits or cheques): every open
//!   item of its currency it may have gathered (a direct debit due on or
//!   before its booking date, an invoice payable by cheque);
//! - a payment in another currency than invoices it names
//!   (`matching::rules::Candidates::other_currency`; a code that is no ISO
//!   currency included; not by a loose number, nor those a person rejected
//!   for it), whether or not something of its currency is suggested: money
//!   is never set against an amount of another currency, but the customer
//!   may well have paid them.

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
    let mut raised: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for (a, d) in alerts.open.iter().filter(|(a, _)| {
        matches!(
            a.kind,
            AlertKind::UnmatchedCredit | AlertKind::SuggestedMatch
        )
    }) {
        let e = raised.entry(a.entry_id.as_str()).or_insert(*d);
        *e = (*e).min(*d);
    }
    let mut out: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for (pi, p) in credits.payments.iter().enumerate() {
        let lump = undetailed_remittance(p);
        // Named in another currency: only money told to a person (its
        // alert's first night starts the hold, so it ends), none of it
        // applied (a leftover of a payment that paid what it named in its
        // own currency is an overpayment: verify 39 round 2 C5).
        let told = raised.contains_key(p.entry_id.as_str())
            && !credits
                .apps
                .iter()
                .any(|a| a.payment == pi && a.status == Status::Matched);
        let quoted = credits
            .other_currency
            .get(pi)
            .filter(|_| told)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if lump.is_none() && quoted.is_empty() {
            continue;
        }
        // Left for a person: unapplied, or only suggested.
        let waiting = credits.apps.iter().any(|a| {
            a.payment == pi
                && (a.status == Status::Suggested
                    || (a.status == Status::Unapplied && a.applied_amount.is_positive()))
        });
        if !waiting {
            continue;
        }
        let since = raised.get(p.entry_id.as_str()).copied().unwrap_or(run_date);
        let is_quoted = |i: usize| u32::try_from(i).is_ok_and(|i| quoted.binary_search(&i).is_ok());
        for (_, it) in credits.items.iter().enumerate().filter(|(i, it)| {
            (lump.is_some_and(|l| may_have_collected(p, l, it)) || is_quoted(*i))
                && credits
                    .open_after(&it.invoice_id)
                    .is_some_and(|o| o.is_positive())
        }) {
            let e = out.entry(it.invoice_id.clone()).or_insert(since);
            *e = (*e).min(since);
        }
    }
    out
}
