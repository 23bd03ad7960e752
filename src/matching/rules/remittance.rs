//! A remittance booked as one line: the bank credits the total of what the
//! firm paid in, with no debtor. Either a direct-debit remittance (a CFONB
//! 120 `REMISE PRLV SEPA`, a camt entry without transaction details: no
//! mandate, end-to-end id or debtor) or a cheque remittance (a `REMISE
//! CHEQUES` slip booked as its total). The open items of its kind (direct
//! debits due by its booking date; invoices payable by cheque, whatever
//! their due date, since cheques are often sent early) that sum exactly to
//! it may be what it gathered: each such set is suggested, never applied
//! (amounts can add up by chance; a person checks the remittance's detail
//! with the bank, the collection file sent or the paying-in slip). The
//! dunning input holds every such item while the money waits
//! (`nightly::dunning_input`).

use chrono::NaiveDate;

use super::{C_SETS, Ctx, Hit, Proposal};
use crate::matching::MatchConfig;
use crate::matching::item::OpenItem;
use crate::matching::payment::Payment;
use crate::matching::rule::Rule;
use crate::statement::TxKind;

/// What a remittance booked as one line gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lump {
    /// The firm's SEPA direct debits.
    DirectDebits,
    /// The cheques the firm paid in.
    Cheques,
}

impl Lump {
    /// Its name in evidence texts.
    fn words(self) -> &'static str {
        match self {
            Lump::DirectDebits => "direct-debit remittance",
            Lump::Cheques => "cheque remittance",
        }
    }

    /// The items it may have gathered, as evidence texts say them.
    fn items(self, on: NaiveDate) -> String {
        match self {
            Lump::DirectDebits => format!("open direct-debit invoices due by {on}"),
            Lump::Cheques => "open invoices payable by cheque".to_string(),
        }
    }
}

/// A remittance whose debtors the statement does not say (a collection
/// credit without mandate, or a cheque remittance): what it gathered and
/// its day ([`Payment::day`]).
pub(crate) fn undetailed_remittance(p: &Payment) -> Option<(Lump, NaiveDate)> {
    let lump = match p.kind {
        TxKind::DirectDebitCollected if p.mandate_id.is_none() => Lump::DirectDebits,
        TxKind::ChequeRemitted => Lump::Cheques,
        _ => return None,
    };
    Some((lump, p.day()?))
}

/// An open item such a remittance, booked `on`, may have gathered: of its
/// currency, a direct debit due on or before that day, or an invoice
/// payable by cheque.
pub(crate) fn may_have_collected(
    p: &Payment,
    (lump, on): (Lump, NaiveDate),
    it: &OpenItem,
) -> bool {
    let of_kind = match lump {
        Lump::DirectDebits => it.direct_debit && it.due_date <= on,
        Lump::Cheques => it.cheque,
    };
    of_kind && it.currency == p.currency && it.open_amount.is_positive()
}

impl Ctx<'_> {
    /// The sets of open items the remittance may have gathered summing
    /// exactly to it, due date nearest its booking date first, at most
    /// `max_invoices_per_customer` items and `max_combinations` tries: each
    /// set only suggested (the empty marker set keeps a single one
    /// ambiguous, whatever the threshold).
    pub(super) fn remittance(&mut self, cfg: &MatchConfig) -> Option<Proposal> {
        let p = self.p;
        let lump = undetailed_remittance(p)?;
        let (kind, on) = lump;
        let mut pool: Vec<u32> = (0..self.items.len())
            .filter_map(|i| u32::try_from(i).ok())
            .filter(|&i| {
                self.item(i)
                    .is_some_and(|it| may_have_collected(p, lump, it))
            })
            .collect();
        pool.sort_by_key(|&i| {
            let days = self
                .item(i)
                .map_or(i64::MAX, |it| (on - it.due_date).num_days().abs());
            (days, i)
        });
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
                    "a {} booked without detail: no set of the {} {} sums to {}; they are not chased while it waits (suggestion_hold_days)",
                    kind.words(),
                    pool.len(),
                    kind.items(on),
                    p.amount.to_plain()
                ));
            }
            return None;
        }
        let id = |i: u32| self.item(i).map_or("", |it| it.invoice_id.as_str());
        let amount = p.amount.to_plain();
        let (what, items) = (kind.words(), kind.items(on));
        let label = match (sets.len(), complete) {
            (1, true) => format!(
                "{what} without detail: {} ({items}) sum exactly to {amount}, the only such set",
                sets[0]
                    .iter()
                    .map(|&i| id(i))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
            (n, true) => format!("{what} without detail: {n} sets of {items} sum to {amount}"),
            _ => format!(
                "{what} without detail: a set of {items} sums to {amount}, but the search stopped at its bound"
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
