//! A remittance the bank booked as one line, without detail
//! (`matching::rules::remittance`: direct debits or cheques), that no rule
//! explained: while its money waits for a person (`unmatched_credit` or
//! `suggested_match` open), every open item of its currency it may have
//! gathered (a direct debit due on or before its booking date, an invoice
//! payable by cheque) may be paid, so none of them is chased — formal
//! notice included — for `suggestion_hold_days` from the night the money was
//! first told to a person, as an invoice in a suggestion is.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::alerts::AlertKind;
use crate::matching::Status;
use crate::matching::rules::remittance::{may_have_collected, undetailed_remittance};
use crate::nightly::alerting::AlertSet;
use crate::nightly::credits::CreditStep;

/// The invoices such waiting remittances may have collected, each with the
/// night the earliest of them was first raised (the start of its hold).
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
        let Some(lump) = undetailed_remittance(p) else {
            continue;
        };
        let waiting = credits.apps.iter().any(|a| {
            a.payment == pi && a.status == Status::Unapplied && a.applied_amount.is_positive()
        });
        if !waiting {
            continue;
        }
        let since = raised.get(p.entry_id.as_str()).copied().unwrap_or(run_date);
        for it in credits.items.iter().filter(|it| {
            may_have_collected(p, lump, it)
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
