//! A direct-debit remittance booked as one line (a CFONB 120 `REMISE PRLV
//! SEPA`, a camt entry without transaction details): the bank credits the
//! total of the firm's collections with no mandate, end-to-end id or debtor.
//! The open direct-debit items due by its booking date that sum exactly to
//! it may be what it collected: each such set is suggested, never applied
//! (amounts can add up by chance; a person checks the remittance's detail
//! with the bank or in the collection file sent). The dunning input holds
//! every such item while the money waits (`nightly::dunning_input`).

use chrono::NaiveDate;

use super::{C_SETS, Ctx, Hit, Proposal};
use crate::matching::MatchConfig;
use crate::matching::item::OpenItem;
use crate::matching::payment::Payment;
use crate::matching::rule::Rule;
use crate::statement::TxKind;

/// A collection credit without mandate: a remittance whose debtors the
/// statement does not say. Its booking date.
pub(crate) fn undetailed_collection(p: &Payment) -> Option<NaiveDate> {
    (p.kind == TxKind::DirectDebitCollected && p.mandate_id.is_none())
        .then_some(p.booking_date)
        .flatten()
}

/// An open direct-debit item such a remittance, booked `on`, may have
/// collected: of its currency, due on or before that day.
pub(crate) fn may_have_collected(p: &Payment, on: NaiveDate, it: &OpenItem) -> bool {
    it.direct_debit
        && it.currency == p.currency
        && it.open_amount.is_positive()
        && it.due_date <= on
}

impl Ctx<'_> {
    /// The sets of open direct-debit items due by the remittance's date
    /// summing exactly to it, nearest due date first, at most
    /// `max_invoices_per_customer` items and `max_combinations` tries: each
    /// set only suggested (the empty marker set keeps a single one
    /// ambiguous, whatever the threshold).
    pub(super) fn remittance(&mut self, cfg: &MatchConfig) -> Option<Proposal> {
        let p = self.p;
        let on = undetailed_collection(p)?;
        let mut pool: Vec<u32> = (0..self.items.len())
            .filter_map(|i| u32::try_from(i).ok())
            .filter(|&i| self.item(i).is_some_and(|it| may_have_collected(p, on, it)))
            .collect();
        pool.sort_by_key(|&i| (std::cmp::Reverse(self.item(i).map(|it| it.due_date)), i));
        pool.truncate(cfg.max_invoices_per_customer);
        let dec = p.currency.minor_units();
        let target = crate::matching::payer::minor_units(p.amount, dec)?;
        let values: Vec<(u32, i64)> = pool
            .iter()
            .filter_map(|&i| {
                let it = self.item(i)?;
                Some((i, crate::matching::payer::minor_units(it.open_amount, dec)?))
            })
            .collect();
        let want = cfg.max_suggestions.max(1) + 1;
        let mut sets: Vec<Vec<u32>> = values
            .iter()
            .filter(|(_, v)| *v == target)
            .map(|(i, _)| vec![*i])
            .take(want)
            .collect();
        let amounts: Vec<i64> = values.iter().map(|(_, v)| *v).collect();
        let (more, complete) = crate::matching::payer::subsets(
            &amounts,
            target,
            want.saturating_sub(sets.len()),
            cfg.max_combinations,
        );
        sets.extend(more.into_iter().map(|s| {
            s.iter()
                .filter_map(|&k| values.get(k).map(|(i, _)| *i))
                .collect()
        }));
        if sets.is_empty() {
            if self.note.is_none() && !pool.is_empty() {
                self.note = Some(format!(
                    "a direct-debit remittance booked without detail: no set of the {} open direct-debit invoices due by {on} sums to {}; they are not chased while it waits (suggestion_hold_days)",
                    pool.len(),
                    p.amount.to_plain()
                ));
            }
            return None;
        }
        let id = |i: u32| self.item(i).map_or("", |it| it.invoice_id.as_str());
        let amount = p.amount.to_plain();
        let label = match (sets.len(), complete) {
            (1, true) => format!(
                "direct-debit remittance without detail: {} (open direct-debit invoices due by {on}) sum exactly to {amount}, the only such set",
                sets[0]
                    .iter()
                    .map(|&i| id(i))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
            (n, true) => format!(
                "direct-debit remittance without detail: {n} sets of open direct-debit invoices due by {on} sum to {amount}"
            ),
            _ => format!(
                "direct-debit remittance without detail: a set of open direct-debit invoices due by {on} sums to {amount}, but the search stopped at its bound"
            ),
        };
        let mut items: Vec<u32> = sets.iter().flatten().copied().collect();
        items.sort_unstable();
        items.dedup();
        if sets.len() == 1 {
            sets.push(Vec::new());
        }
        Some(Proposal {
            rule: Rule::Remittance,
            hits: vec![Hit {
                label,
                items,
                confidence: C_SETS,
            }],
            sets,
        })
    }
}
