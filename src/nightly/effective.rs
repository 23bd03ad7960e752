//! An invoice's effective open amount tonight: what is really still owed,
//! from the ERP's export (which may or may not yet include what pointage
//! applied on earlier nights) and pointage's own history, without counting a
//! payment twice.
//!
//! With each application pointage records the invoice's exported open amount
//! at that time (`recorded_open`). For an invoice (positive amounts):
//!
//! ```text
//! effective = min( exported_adjusted,
//!                  min over live applications k of  recorded_open_k − Σ_{j ≥ k} x_j )
//! ```
//!
//! where `x_j` is application j's applied + written-off money and the sum runs
//! over live (not reversed) applications from k on; money of an earlier
//! application the ERP had booked when k was recorded, and reversed after,
//! is added back to k's term (it was in k's recorded export as paid, and is
//! owed again). If the ERP
//! already booked the applications, its export is the smaller term; if it did not, the
//! recorded term is. Either way a payment is subtracted once.
//!
//! That bound assumes the export moves only by pointage's applications. The
//! ERP also moves on its own — a credit note lettered against the invoice
//! before it books pointage's payment — and then the bound says more is owed
//! than is; or it raises an invoice while booking them, and a lower reading
//! would lose money. The export alone cannot tell the two apart. So when
//! nothing was reversed, for every live application k whose recorded amount
//! the export has fallen from by a drop D_k that no set of the applications
//! from k on sums to exactly, a second reading is
//!
//! ```text
//! exported − (Σ_{j ≥ k} x_j − B_k)   B_k = the largest sum of a set of those x_j ≤ D_k
//! ```
//!
//! (the ERP booked at most B_k of that money, the rest of the drop its own).
//! When it is lower than the bound, [`unexplained`] says by how much: the
//! invoice keeps the bound, is not chased, and a person is told
//! (`erp_export_unexplained`) — doubt goes to a person, never a guess.
//!
//! A reversed application (its direct debit came back) no longer counts. Its
//! money is added back to the export while the ERP shows the collection
//! booked and not the return: when, as it was reversed, the ERP had already
//! booked it (the export then at most `recorded_open − x`) and the export has
//! not moved since; or when the ERP booked the collection only after the
//! return (the export fell by exactly x since) — "not moved" allowing for
//! any set of the payments applied since, which the ERP may have booked
//! first: `exported_adjusted = exported + x`. Otherwise `exported_adjusted
//! = exported`. A new application records `exported_adjusted` as its
//! export ([`recorded_export`]), counting the collection as booked before
//! the return only when the export then was exactly `recorded_open − x`.
//!
//! The result is clamped to zero, never past it: an invoice is never owed back
//! by the customer because of this arithmetic. Credit notes (negative amounts)
//! are the mirror image.
//!
//! What the clamp cuts off is not always arithmetic: when the ERP corrects
//! an invoice's amount downwards after pointage applied a payment (1000,
//! 600 applied, then corrected to 500), the recorded term moves with the
//! amount (500 − 600) and the invoice truly owes −100: money paid beyond
//! it. [`beyond`] says how much: the signed bound (the same minimum,
//! unclamped, of the export and the recorded terms) below what the
//! invoice shows. It is the customer's unapplied money, told to a person
//! and set against what they are chased for — the same as when the
//! correction came first and the matcher left the surplus unapplied. The
//! ERP booking the payment later changes nothing: its export falls to 0
//! (the terms stay the lower), so the surplus is counted once. A recorded
//! open below zero (a payment the ERP had booked before the correction)
//! sends the invoice through the mirror reading, which shows it at most 0:
//! [`beyond`] is whatever the shown amount does not carry, either way.
//! Histories with a reversed application are left out (an add-back can
//! make a term negative that owes nothing back).

use crate::money::Money;
pub use crate::state::ledger::AppEvent;

/// The effective open amount; `events` in the order they happened.
/// `None` on overflow.
pub fn effective_open(exported: Money, events: &[AppEvent]) -> Option<Money> {
    if exported.is_negative() || events.iter().any(|e| e.recorded_open.is_negative()) {
        return positive(-exported, &mirror(events)).map(|m| -m);
    }
    positive(exported, events)
}

/// [`effective_open`] for an invoice of `amount`: never more than the
/// invoice, or than the ERP's export when the ERP shows more (charges it
/// added), however returned money was added back.
pub fn effective_open_of(amount: Money, exported: Money, events: &[AppEvent]) -> Option<Money> {
    let open = effective_open(exported, events)?;
    Some(if open.is_positive() {
        open.min(amount.max(exported))
    } else {
        open
    })
}

/// The export as a new application must record it: tonight's export plus
/// the returned money the ERP still shows as collected (the same add-back
/// as the effective amount's). Recorded bare, a payment made after a return
/// the ERP had not booked would read as settling the invoice outright.
/// `None` on overflow.
pub fn recorded_export(exported: Money, events: &[AppEvent]) -> Option<Money> {
    if exported.is_negative() || events.iter().any(|e| e.recorded_open.is_negative()) {
        return added_back(-exported, &mirror(events), true).map(|m| -m);
    }
    added_back(exported, events, true)
}

fn mirror(events: &[AppEvent]) -> Vec<AppEvent> {
    events
        .iter()
        .map(|e| AppEvent {
            recorded_open: -e.recorded_open,
            amount: -e.amount,
            written_off: -e.written_off,
            reversed_at_open: e.reversed_at_open.map(|m| -m),
            applied_on: e.applied_on,
            reversed_on: e.reversed_on,
        })
        .collect()
}

/// The export plus each reversed application's money the ERP shows as
/// collected and not returned.
///
/// `proven`: count the ERP as having booked a collection before its return
/// only when the export then was exactly the recorded amount less it (for
/// what a new application records: an export lowered by a credit note the
/// ERP lettered must not be taken for the collection, or a customer paying
/// what they owe would be read as still owing the returned money).
///
/// The export "has not moved" since the return when it is the export then,
/// less any set of the live payments applied since (the ERP booking a
/// transfer before the return must not erase the returned money).
fn added_back(exported: Money, events: &[AppEvent], proven: bool) -> Option<Money> {
    let mut adjusted = exported;
    for (i, e) in events.iter().enumerate() {
        let Some(open_then) = e.reversed_at_open else {
            continue;
        };
        let after = e.recorded_open.checked_sub(e.amount)?;
        let erp_had_booked = if proven {
            open_then == after
        } else {
            open_then <= after
        };
        // The export as the ERP shows it with the collection booked and
        // the return not, before any later payment.
        let expected = if erp_had_booked {
            open_then
        } else {
            open_then.checked_sub(e.amount)?
        };
        let since: Vec<&AppEvent> = events
            .iter()
            .skip(i + 1)
            .filter(|l| l.reversed_at_open.is_none())
            .filter(|l| match (l.applied_on, e.reversed_on) {
                (Some(on), Some(undone)) => on >= undone,
                _ => true,
            })
            .collect();
        let shows_collection_only = exported == expected
            || (exported < expected
                && since.len() <= MAX_SETS_OF
                && set_sums(&since)?.contains(&expected.checked_sub(exported)?));
        if shows_collection_only {
            adjusted = adjusted.checked_add(e.amount)?;
        }
    }
    Some(adjusted)
}

fn positive(exported: Money, events: &[AppEvent]) -> Option<Money> {
    Some(readings(exported, events)?.0.max(Money::ZERO))
}

/// The upper bound (what is owed if the export moves only by pointage's
/// applications) and, when lower, what is owed if an unexplained drop of
/// the export is the ERP's own move.
fn readings(exported: Money, events: &[AppEvent]) -> Option<(Money, Option<Money>)> {
    let adjusted = added_back(exported, events, false)?;
    let live: Vec<&AppEvent> = events
        .iter()
        .filter(|e| e.reversed_at_open.is_none())
        .collect();
    let mut best = adjusted;
    let mut suffix = Money::ZERO;
    for (k, e) in events.iter().enumerate().rev() {
        if e.reversed_at_open.is_some() {
            continue;
        }
        suffix = suffix.checked_add(e.amount)?;
        // Money applied before e, booked by the ERP by the time e was
        // recorded (e's recorded export already lacked it), and reversed
        // after: e's term counted it as paid; it is owed again.
        let mut back = Money::ZERO;
        for r in events.iter().take(k) {
            if let (Some(undone), Some(on)) = (r.reversed_on, e.applied_on)
                && undone > on
                && e.recorded_open <= r.recorded_open.checked_sub(r.amount)?
            {
                back = back.checked_add(r.amount)?;
            }
        }
        best = best.min(e.recorded_open.checked_sub(suffix)?.checked_add(back)?);
    }
    // The ERP's own moves, when no return complicates the history: since
    // application k was recorded, the export fell by a drop no set of the
    // applications from k on explains. If that drop is the ERP's own (a
    // credit note lettered), it has booked at most the largest such set
    // that fits in the drop (in whatever order); the rest of them is not in
    // the export yet.
    let mut own = None::<Money>;
    if live.len() <= MAX_SETS_OF && events.iter().all(|e| e.reversed_at_open.is_none()) {
        for k in 0..live.len() {
            let (Some(first), Some(from_k)) = (live.get(k), live.get(k..)) else {
                break;
            };
            if adjusted > first.recorded_open {
                continue;
            }
            let drop = first.recorded_open.checked_sub(adjusted)?;
            let sums = set_sums(from_k)?;
            if sums.contains(&drop) {
                continue;
            }
            let booked = sums
                .range(..=drop)
                .next_back()
                .copied()
                .unwrap_or(Money::ZERO);
            let all = Money::checked_sum(from_k.iter().map(|e| e.amount))?;
            let reading = adjusted.checked_sub(all.checked_sub(booked)?)?;
            own = Some(own.map_or(reading, |o| o.min(reading)));
        }
    }
    let own = own
        .map(|o| o.max(Money::ZERO))
        .filter(|o| *o < best.max(Money::ZERO));
    Some((best, own))
}

/// How much less than [`effective_open`] the invoice may owe: when the
/// ERP's export fell by more than pointage's payments it can have booked
/// explain (a credit note lettered before it booked them — or it booked
/// them and raised the invoice on its own: the export cannot tell), the
/// difference between the two readings. Such an invoice is held for a
/// person rather than chased or written down. `None` when the readings
/// agree, for credit notes, and on overflow.
pub fn unexplained(exported: Money, events: &[AppEvent]) -> Option<Money> {
    if exported.is_negative() || events.iter().any(|e| e.recorded_open.is_negative()) {
        return None;
    }
    let (upper, own) = readings(exported, events)?;
    upper.max(Money::ZERO).checked_sub(own?)
}

/// Money paid to an invoice of `amount` beyond what it owes now (see the
/// module doc): what the signed bound, reckoned with the money paid only,
/// is below [`effective_open_of`].
/// `None` when there is none, for credit notes, for histories with a
/// reversed application, and on overflow.
pub fn beyond(amount: Money, exported: Money, events: &[AppEvent]) -> Option<Money> {
    if !amount.is_positive()
        || events.is_empty()
        || events.iter().any(|e| e.reversed_at_open.is_some())
    {
        return None;
    }
    let shown = effective_open_of(amount, exported, events)?;
    // Written-off money is not the customer's: only money paid counts
    // beyond (a discount written off, then booked by the ERP as a lower
    // amount, leaves nothing over).
    let paid: Vec<AppEvent> = events
        .iter()
        .map(|e| {
            Some(AppEvent {
                amount: e.amount.checked_sub(e.written_off)?,
                written_off: Money::ZERO,
                ..*e
            })
        })
        .collect::<Option<_>>()?;
    let (signed, _) = readings(exported, &paid)?;
    let gap = shown.checked_sub(signed)?;
    gap.is_positive().then_some(gap)
}

/// Most live applications whose sets are summed (2^12 sums); an invoice
/// with more keeps the upper bound alone.
const MAX_SETS_OF: usize = 12;

/// Every sum of a set of the applications' amounts, the empty set included.
fn set_sums(live: &[&AppEvent]) -> Option<std::collections::BTreeSet<Money>> {
    let mut sums = std::collections::BTreeSet::from([Money::ZERO]);
    for e in live {
        let more: Vec<Money> = sums
            .iter()
            .map(|s| s.checked_add(e.amount))
            .collect::<Option<_>>()?;
        sums.extend(more);
    }
    Some(sums)
}

#[cfg(test)]
mod tests;
