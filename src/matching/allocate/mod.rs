//! The allocation pass: turns every payment's candidates into applications,
//! deterministically, so that across a run an item never receives more than
//! its open amount and a payment never gives more than its amount.
//!
//! Payments are split into groups connected by the items they quote; each
//! group is allocated sequentially in the order below, groups in parallel
//! (they share no item, so this is exactly one sequential pass).
//!
//! Order (the tie-break, written down): strongest evidence first (rule rank,
//! then higher confidence), then earlier booking date (undated last), then
//! `entry_id`, then statement id, then input position. The first payment in
//! that order to quote an item gets it; a later one finds it settled and its
//! money stays `unapplied`, with the settling entry named in the evidence.
//!
//! Per payment (`amount` = what it has to give):
//! - nothing found → one `unapplied` row of `amount`;
//! - ambiguous evidence or confidence below the threshold → up to
//!   `max_suggestions` `suggested` rows (proposed amount, not applied) and one
//!   `unapplied` row of `amount`;
//! - otherwise the quoted items still open are settled: one item → up to its
//!   open amount; several (a grouped payment) → all of them when the amount
//!   covers their sum, else credit notes first, then invoices by oldest due
//!   date (then id) until the money runs out; a surplus is `unapplied`;
//! - one item and less money than it has open: the exact early-payment
//!   discounted amount (booked by `discount_until`) settles it with the
//!   difference written off as `discount`; else a shortfall of at most
//!   [`MatchConfig::fee_tolerance`] settles it as `fee`; else it is a
//!   partial payment. Never a write-off on an overpayment;
//! - a payer-rule fit (IBAN or name + amount) on an item an earlier payment
//!   of the run already changed no longer holds: suggestions only.

mod groups;
mod settle;

use std::cmp::Reverse;

use rayon::prelude::*;

use super::MatchConfig;
use super::item::OpenItem;
use super::payment::Payment;
use super::rule::{Confidence, Rule, Status, WriteoffKind};
use super::rules::{Candidates, Proposal};
use crate::money::Money;
use groups::{Groups, ItemMap};
use settle::State;

/// One application of a payment's money (or one unapplied remainder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Index of the payment in the input slice.
    pub payment: usize,
    /// Index of the item in the input slice; `None` for `unapplied`.
    pub item: Option<usize>,
    /// Money applied (`matched`), proposed (`suggested`) or left (`unapplied`).
    /// Negative when a credit note is used inside a grouped payment.
    pub applied_amount: Money,
    /// Written off with this application (part 2; zero in part 1).
    pub writeoff_amount: Money,
    /// Why it was written off (part 2).
    pub writeoff_kind: Option<WriteoffKind>,
    /// The rule that found the item (also on an `unapplied` row whose item
    /// was already settled).
    pub rule: Option<Rule>,
    /// How sure.
    pub confidence: Confidence,
    /// Matched, suggested or unapplied.
    pub status: Status,
    /// Why, in words an accountant can audit.
    pub evidence: String,
}

/// Allocates every payment; `cands[i]` are payment `i`'s candidates.
/// Returns applications grouped by payment: groups in order of their first
/// payment, each group in allocation order — the same whatever the number
/// of threads (see [`super::output`] for the output order).
pub fn allocate(
    payments: &[Payment],
    items: &[OpenItem],
    cands: &[Candidates],
    cfg: &MatchConfig,
) -> Vec<Application> {
    let mut order: Vec<_> = payments
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let prop = cands.get(i).and_then(|c| c.proposal.as_ref());
            (
                prop.map_or(u8::MAX, |pr| pr.rule.rank()),
                Reverse(prop.map_or(Confidence::NONE, Proposal::confidence)),
                (p.day().is_none(), p.day()),
                p.entry_id.as_str(),
                p.statement_id.as_str(),
                i,
            )
        })
        .collect();
    // Keys are unique (the input position is last): the order is total.
    order.par_sort_unstable();
    // Payments that quote no common item cannot affect each other: split
    // them into groups (connected by shared items), allocate each group
    // sequentially in the global order, groups in parallel. Every decision
    // is exactly that of one sequential pass, whatever the threads.
    let Groups { starts, members } =
        groups::groups(order.iter().map(|&(.., i)| i), cands, items.len());
    let n_groups = starts.len().saturating_sub(1);
    // Groups share no item, so one state can serve a whole chunk of them:
    // fewer allocations, same result.
    let outs: Vec<Vec<Application>> = (0..n_groups.div_ceil(GROUPS_PER_TASK))
        .into_par_iter()
        .map(|t| {
            let from = starts.get(t * GROUPS_PER_TASK).copied().unwrap_or(0);
            let to = starts
                .get(((t + 1) * GROUPS_PER_TASK).min(n_groups))
                .copied()
                .unwrap_or(from);
            let chunk = members.get(from..to).unwrap_or(&[]);
            let mut state = State {
                items,
                remaining: ItemMap::default(),
                settled_by: ItemMap::default(),
                out: Vec::with_capacity(chunk.len() + chunk.len() / 2),
            };
            for &i in chunk {
                if let (Some(p), Some(c)) = (payments.get(i), cands.get(i)) {
                    state.payment(i, p, items, payments, c, cfg);
                }
            }
            state.out
        })
        .collect();
    // Groups in order of their first payment, each in allocation order:
    // deterministic whatever the threads (`output::rows` sorts for output).
    let mut all = Vec::with_capacity(outs.iter().map(Vec::len).sum());
    for o in outs {
        all.extend(o);
    }
    all
}

/// Why a payment no rule explained stays unapplied: every rule tried, in
/// cascade order.
pub const NOTHING_FOUND: &str = "nothing found: no RF reference, end-to-end id, mandate or invoice number, and no known payer (IBAN or name) whose open items fit the amount (exactly, less a discount or a fee, or as a sum)";

/// Groups allocated by one rayon task.
const GROUPS_PER_TASK: usize = 512;
