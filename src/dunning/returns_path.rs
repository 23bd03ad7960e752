//! Returned direct debits follow their own path, decided by the return
//! reason's category, as collection teams do:
//!
//! | category | actions |
//! |---|---|
//! | insufficient funds, unspecified, unknown or narrative (AM04, MS03, NARR, no code…) | `return_call` (phone) and `return_letter` the next business day; `return_second_letter` 15 days after the return if still unpaid |
//! | refused or disputed by the debtor (MS02, MD06…) | `dispute_call` (phone) only; the invoice is marked disputed for the path's 30 days |
//! | account closed, no or revoked mandate, wrong account (AC04, MD01, AC01…) | `new_details_letter` (asks for new bank details or a new mandate) and `return_call` |
//! | debtor deceased (MD07) | nothing: an alert only |
//! | technical (our data: MD02, FF01, AG02…) | nothing: an alert asks a person to fix and re-present; not the customer's return (no `watch` plan, never a second return) |
//! | the customer's second return within the window | `full_balance_demand` (registered letter) for every open invoice of the customer, due or not, that is chased (not disputed, promised or in a pending suggestion); held, like the formal notice it stands for, while a statement gap, balance mismatch or conflicting statement is open, then sent on a later night of the path |
//!
//! While on the path (30 days from the return; for ever after a death, and
//! then for every invoice of the customer), the invoice leaves its normal plan, so a formal notice and a return call never
//! land on the same day. When the path is over and no written step (a
//! letter, an e-mail, a registered letter: the path's or the plan's) went
//! out about the invoice during it, the normal plan starts again from the
//! path's end ([`resume_from`]): the customer's first letter is the plan's
//! first written step not sent yet, never straight a formal notice.
//!
//! As on the normal plan, per invoice and channel only the highest step due
//! is issued, and never one below a step of that channel already issued for
//! the return: a return seen 15 days late gets `return_call` and
//! `return_second_letter`, and `return_letter` never follows.
//!
//! Each step goes only to the invoices the normal plan would chase
//! ([`chaseable`]: open, not disputed, no payment waiting as a suggestion, no
//! promise within its grace); the full-balance demand names every such invoice
//! of the customer. The one exception is `dispute_call`: the return itself
//! marked its invoice disputed, so only a promise or a suggestion holds it.
//!
//! The path itself never hands over: its steps are calls and letters, and
//! the demand for the whole balance stands for the formal notice, so the
//! normal plan's handover after it waits as after a formal notice (the
//! plan's delay between the two, counted from the demand: `plan`).
//!
//! The demand for the whole balance is sent once per return: it counts as
//! sent when any invoice of the customer has it on or after the return date
//! (the returned invoice may have been left out of it). From then on, and on
//! the night it goes out, no step of a path whose return came before it is
//! sent, whichever invoice it would name.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};

use super::{Candidate, CustomerFile, DunningInvoice, DunningRun, ReturnCase, chaseable, on_hold};
use crate::config::{Channel, PlanStep};
use crate::returns::ReturnCategory;

/// Days an invoice stays on the return path before its normal plan resumes.
pub const PATH_DAYS: u64 = 30;

/// Step name of the demand for the whole balance after a second return.
pub const FULL_BALANCE_STEP: &str = "full_balance_demand";

/// Step name of the call after a return the debtor refused or disputed.
const DISPUTE_STEP: &str = "dispute_call";

fn on_path(case: &ReturnCase, run_date: NaiveDate) -> bool {
    case.category == ReturnCategory::Deceased
        || case
            .return_date
            .checked_add_days(Days::new(PATH_DAYS))
            .is_some_and(|end| run_date <= end)
}

/// Invoices that are on a return path tonight (they leave the normal plan).
/// Once a return says the debtor died, none of their invoices is chased any
/// more: the estate is a person's job, not a reminder's.
pub(super) fn invoices_on_path<'c>(
    run: &DunningRun<'_>,
    _action_date: NaiveDate,
    customer: &'c CustomerFile,
) -> BTreeSet<&'c str> {
    if customer
        .returns
        .iter()
        .any(|c| c.category == ReturnCategory::Deceased)
    {
        return customer
            .invoices
            .iter()
            .map(|i| i.invoice_id.as_str())
            .collect();
    }
    customer
        .returns
        .iter()
        .filter(|c| on_path(c, run.run_date))
        .flat_map(|c| c.invoice_ids.iter().map(String::as_str))
        .collect()
}

fn done_since(inv: &DunningInvoice, step: &str, since: NaiveDate) -> bool {
    inv.steps_done.get(step).is_some_and(|d| *d >= since)
}

/// The customer was sent a demand for the whole balance on or after `since`,
/// whichever of their invoices it named: the returned invoice itself may have
/// been left out of it (disputed, or its currency covered by the customer's
/// money), so every invoice of the customer is looked at.
fn demanded_since(customer: &CustomerFile, since: NaiveDate) -> bool {
    customer
        .invoices
        .iter()
        .any(|i| done_since(i, FULL_BALANCE_STEP, since))
}

/// The return-path actions due tomorrow for this customer.
pub(super) fn candidates<'c>(
    run: &DunningRun<'_>,
    action_date: NaiveDate,
    customer: &'c CustomerFile,
) -> Vec<Candidate<'c>> {
    let mut out = Vec::new();
    // After a death, an alert only: no call, no letter, no demand for the
    // whole balance (even when the death comes as a second return).
    if customer
        .returns
        .iter()
        .any(|c| c.category == ReturnCategory::Deceased)
    {
        return out;
    }
    let open = |id: &str| {
        customer
            .invoices
            .iter()
            .find(|i| i.invoice_id == id && i.open.is_positive())
    };
    for case in customer.returns.iter().filter(|c| on_path(c, run.run_date)) {
        let invoices: Vec<&DunningInvoice> =
            case.invoice_ids.iter().filter_map(|id| open(id)).collect();
        // A return linked to no collection names no invoice: a second one
        // still demands the whole balance. One that named invoices, all
        // settled since, needs nothing more.
        let unlinked_second = case.repeated && case.invoice_ids.is_empty();
        if invoices.is_empty() && !unlinked_second {
            continue;
        }
        let words = crate::returns::reason(&case.reason_code).en;
        let why = if case.reason_code.is_empty() {
            format!("{} on {} ({words})", case.what, case.return_date)
        } else {
            format!(
                "{} on {} ({} {words})",
                case.what, case.return_date, case.reason_code
            )
        };
        // After the whole balance was demanded, the path's milder letters
        // and calls would only blur that demand, whichever invoice they name;
        // and one demand per return.
        if demanded_since(customer, case.return_date) {
            continue;
        }
        if case.repeated {
            // It stands for the formal notice, so a statement gap or a
            // balance mismatch holds it as it holds the notice (the payment
            // may be in the missing statement); it goes out on a later night
            // of the path, once the hold lifts.
            if run.hold_formal {
                continue;
            }
            // Every invoice the normal plan would chase: not a disputed one,
            // nor one under a promise or whose payment waits as a suggestion.
            for inv in customer.invoices.iter().filter(|i| chaseable(run, i)) {
                out.push(Candidate {
                    invoice: inv,
                    step: FULL_BALANCE_STEP.into(),
                    channel: Channel::RegisteredLetter,
                    rank: 1000,
                    // It stands for the formal notice of what is overdue on
                    // its action date (the rule plan.rs applies afterwards).
                    charges: inv.due_date < action_date,
                    reason: format!(
                        "second direct-debit return within the window: whole remaining balance demanded instead of re-presenting; {why}"
                    ),
                });
            }
            continue;
        }
        let steps = path_steps(case.category);
        let due = |after: u64| {
            case.return_date
                .checked_add_days(Days::new(after))
                .is_some_and(|d| d <= action_date)
        };
        for (rank, (step, channel, after)) in steps.iter().enumerate() {
            if !due(*after) {
                continue;
            }
            let later_same_channel = steps.iter().skip(rank + 1).filter(|(_, c, _)| c == channel);
            for inv in &invoices {
                // Per channel, as on the normal plan: only the highest step
                // due is issued, and never one below a step of its channel
                // already issued for this return (a late or missed night
                // skips the first letter; it never sends it after the second).
                if later_same_channel
                    .clone()
                    .any(|(s, _, a)| due(*a) || done_since(inv, s, case.return_date))
                {
                    continue;
                }
                // The same invoices as the normal plan chases; but the
                // dispute call is about the dispute this very return raised,
                // so the dispute flag does not stop it (a promise or a
                // payment waiting as a suggestion still does).
                let may = if *step == DISPUTE_STEP {
                    !on_hold(run, inv)
                } else {
                    chaseable(run, inv)
                };
                if !may || done_since(inv, step, case.return_date) {
                    continue;
                }
                out.push(Candidate {
                    invoice: inv,
                    step: (*step).to_string(),
                    channel: *channel,
                    rank: 500 + u32::try_from(rank).unwrap_or(0),
                    charges: false,
                    reason: why.clone(),
                });
            }
        }
    }
    // A demand for the whole balance tomorrow already stands for the milder
    // steps of every case returned before it, as on the nights after it.
    if out.iter().any(|c| c.step == FULL_BALANCE_STEP) {
        out.retain(|c| c.step == FULL_BALANCE_STEP);
    }
    out
}

/// The return path's steps for a category: name, channel, days after the
/// return. Their names are reserved for custom plans
/// (`config::plan_check::RESERVED_STEPS`).
pub(crate) fn path_steps(category: ReturnCategory) -> &'static [(&'static str, Channel, u64)] {
    match category {
        ReturnCategory::InsufficientFunds | ReturnCategory::Unknown => &[
            ("return_call", Channel::Phone, 0),
            ("return_letter", Channel::Letter, 0),
            ("return_second_letter", Channel::Letter, 15),
        ],
        ReturnCategory::Disputed => &[(DISPUTE_STEP, Channel::Phone, 0)],
        ReturnCategory::AccountOrMandate => &[
            ("new_details_letter", Channel::Letter, 0),
            ("return_call", Channel::Phone, 0),
        ],
        ReturnCategory::Deceased | ReturnCategory::Technical => &[],
    }
}

/// A written channel: what the customer reads (a call is not one, nor a
/// handover).
fn written(channel: Channel) -> bool {
    matches!(
        channel,
        Channel::Email | Channel::Letter | Channel::RegisteredLetter
    )
}

/// The night the normal plan starts again for an invoice whose return path
/// is over with no written step about it during the path (a technical
/// rejection, a dispute call, letters held by a promise): the path's end, so
/// its steps fall due from then as if it fell due that day, and the first
/// one the customer reads is the plan's first written step not sent yet
/// (never a formal notice straight after 30 silent days). `None` while on
/// the path, and when a written step went out during it (the plan then goes
/// on from its own dates, as after an insufficient-funds letter).
pub(super) fn resume_from(
    run: &DunningRun<'_>,
    steps: &[PlanStep],
    inv: &DunningInvoice,
) -> Option<NaiveDate> {
    let returned = inv.returned_on?;
    let end = returned.checked_add_days(Days::new(PATH_DAYS))?;
    if run.run_date <= end {
        return None;
    }
    const ALL: [ReturnCategory; 3] = [
        ReturnCategory::InsufficientFunds,
        ReturnCategory::Disputed,
        ReturnCategory::AccountOrMandate,
    ];
    let path_written = ALL
        .iter()
        .flat_map(|c| path_steps(*c).iter())
        .filter(|(_, c, _)| written(*c))
        .map(|(n, _, _)| *n)
        .chain([FULL_BALANCE_STEP]);
    let plan_written = steps
        .iter()
        .filter(|s| written(s.channel))
        .map(|s| s.name.as_str());
    let wrote = path_written.chain(plan_written).any(|n| {
        inv.steps_done
            .get(n)
            .is_some_and(|d| *d >= returned && *d <= end)
    });
    (!wrote).then_some(end)
}
