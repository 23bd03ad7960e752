//! Matching ("pointage"): applies the money of bank payments to open
//! invoices, with the rule, the confidence and the evidence of every
//! application, and money nobody explained kept visible as `unapplied`.
//!
//! Flow: [`payment::payments_of_statement`] and [`item::OpenItem::from_invoice`]
//! build the matcher's inputs (the nightly run may instead feed carried-over
//! remainders and effective open amounts) → [`index::InvoiceIndex::build`]
//! (once) → [`rules::candidates`] per payment, in parallel → the
//! deterministic [`allocate::allocate`] pass (sequential per group of
//! payments sharing items) → [`output`] rows.
//!
//! Invariants (checked by [`check_invariants`], enforced by the tests): for
//! every payment, Σ `matched` + `unapplied` = its amount exactly; an item never
//! receives more than its open amount (applied plus written off); a payment never gives more than it
//! has; the result does not depend on the number of threads.
//! Does not: read files, read the clock, or keep state between runs.

pub mod allocate;
pub mod index;
pub mod item;
pub mod output;
pub mod payer;
pub mod payment;
pub mod rule;
pub mod rules;
pub mod strhash;
pub mod tokens;

#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_recall;
#[cfg(test)]
mod tests_strangers;

use std::collections::BTreeMap;

use rayon::prelude::*;
use rust_decimal::Decimal;

pub use allocate::Application;
pub use item::OpenItem;
pub use payment::{Payment, payment_of, payments_of_statement};
pub use rule::{Confidence, Rule, Status, WriteoffKind};

use crate::ledger::Customer;
use crate::money::Money;

/// Settings of a matching run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchConfig {
    /// Least confidence for an automatic match (default 0.90).
    pub threshold: Confidence,
    /// Most candidates (or candidate sets) proposed for one payment (default 3).
    pub max_suggestions: usize,
    /// Largest shortfall written off as a bank fee, absolute, in the
    /// invoice's currency (default 15.00).
    pub fee_tolerance_amount: Money,
    /// Largest shortfall written off as a bank fee, percent of the open
    /// amount (default 0.5); the smaller of the two limits applies.
    pub fee_tolerance_percent: Decimal,
    /// Open items per customer tried in a subset sum, oldest due first
    /// (default 40).
    pub max_invoices_per_customer: usize,
    /// Combinations tried per payment and customer in a subset sum
    /// (default 20,000).
    pub max_combinations: usize,
    /// Least name similarity for the payer-name rule, in thousandths
    /// (default 880 = 0.88).
    pub name_min_score: u16,
}

impl MatchConfig {
    /// The settings of a client's `client.toml` `[matching]` section (the
    /// threshold and the name score rounded to the matcher's integer
    /// hundredths and thousandths, clamped to their ranges).
    pub fn from_settings(m: &crate::config::MatchingConfig) -> MatchConfig {
        let h = (m.auto_threshold * 100.0).round().clamp(0.0, 100.0) as u8;
        MatchConfig {
            threshold: Confidence::from_hundredths(h),
            max_suggestions: m.max_suggestions,
            fee_tolerance_amount: Money::new(m.fee_tolerance_amount.0),
            fee_tolerance_percent: m.fee_tolerance_percent.0,
            max_invoices_per_customer: m.max_invoices_per_customer,
            max_combinations: m.max_combinations,
            name_min_score: (m.name_min_score * 1000.0).round().clamp(0.0, 1000.0) as u16,
        }
    }

    /// The largest shortfall written off as a fee on an item with `open`
    /// left: min(absolute, percent of `open`).
    pub fn fee_tolerance(&self, open: Money) -> Money {
        let pct = open
            .abs()
            .checked_mul(self.fee_tolerance_percent)
            .and_then(|m| m.checked_mul(Decimal::new(1, 2)))
            .unwrap_or(Money::ZERO);
        pct.min(self.fee_tolerance_amount)
    }
}

impl Default for MatchConfig {
    fn default() -> MatchConfig {
        MatchConfig {
            threshold: Confidence::from_hundredths(90),
            max_suggestions: 3,
            fee_tolerance_amount: Money::from_scaled(1500, 2).unwrap_or(Money::ZERO),
            fee_tolerance_percent: Decimal::new(5, 1),
            max_invoices_per_customer: 40,
            max_combinations: 20_000,
            name_min_score: 880,
        }
    }
}

/// Matches payments to open items. Candidate search runs in parallel (rayon,
/// order kept); allocation is sequential within each group of payments that
/// quote common items. Same inputs, same output, whatever the number of
/// threads.
pub fn reconcile(
    payments: &[Payment],
    items: &[OpenItem],
    customers: &BTreeMap<String, Customer>,
    cfg: &MatchConfig,
) -> Vec<Application> {
    let ix = index::InvoiceIndex::build(items, customers);
    let cands: Vec<rules::Candidates> = payments
        .par_iter()
        .map(|p| rules::candidates_with(p, items, &ix, cfg))
        .collect();
    allocate::allocate(payments, items, &cands, cfg)
}

/// Checks the invariants of a result; `Err` says which one broke and where.
pub fn check_invariants(
    payments: &[Payment],
    items: &[OpenItem],
    apps: &[Application],
) -> Result<(), String> {
    let mut given = vec![Money::ZERO; payments.len()];
    let mut unapplied_rows = vec![0usize; payments.len()];
    let mut received = vec![Money::ZERO; items.len()];
    for a in apps {
        let p = payments
            .get(a.payment)
            .ok_or_else(|| format!("application to unknown payment {}", a.payment))?;
        match a.status {
            Status::Suggested => continue,
            Status::Unapplied => {
                if a.item.is_some() {
                    return Err(format!("{}: unapplied row with an item", p.entry_id));
                }
                if !a.applied_amount.is_positive() {
                    return Err(format!("{}: unapplied row not positive", p.entry_id));
                }
                if let Some(n) = unapplied_rows.get_mut(a.payment) {
                    *n += 1;
                }
            }
            Status::Matched => {
                let i = a
                    .item
                    .ok_or_else(|| format!("{}: matched row without item", p.entry_id))?;
                let it = items
                    .get(i)
                    .ok_or_else(|| format!("{}: unknown item {i}", p.entry_id))?;
                if it.currency != p.currency {
                    return Err(format!(
                        "{} → {}: currency differs",
                        p.entry_id, it.invoice_id
                    ));
                }
                if a.writeoff_amount.is_negative()
                    || (a.writeoff_kind.is_none() && !a.writeoff_amount.is_zero())
                {
                    return Err(format!("{} → {}: bad write-off", p.entry_id, it.invoice_id));
                }
                // Applied money and write-offs both use up the open amount.
                let r = received.get_mut(i).ok_or("item index")?;
                *r = r
                    .checked_add(a.applied_amount)
                    .and_then(|x| x.checked_add(a.writeoff_amount))
                    .ok_or("overflow")?;
            }
        }
        let g = given.get_mut(a.payment).ok_or("payment index")?;
        *g = g.checked_add(a.applied_amount).ok_or("overflow")?;
    }
    for (i, p) in payments.iter().enumerate() {
        let g = given.get(i).copied().unwrap_or(Money::ZERO);
        let want = if p.amount.is_positive() {
            p.amount
        } else {
            Money::ZERO
        };
        if g != want {
            return Err(format!(
                "{}: matched + unapplied = {} but the amount is {}",
                p.entry_id, g, p.amount
            ));
        }
        if unapplied_rows.get(i).copied().unwrap_or(0) > 1 {
            return Err(format!("{}: several unapplied rows", p.entry_id));
        }
    }
    for (i, it) in items.iter().enumerate() {
        let r = received.get(i).copied().unwrap_or(Money::ZERO);
        let over = if it.open_amount.is_negative() {
            r < it.open_amount || r.is_positive()
        } else {
            r > it.open_amount || r.is_negative()
        };
        if over {
            return Err(format!(
                "{}: received {} but only {} was open",
                it.invoice_id, r, it.open_amount
            ));
        }
    }
    Ok(())
}
