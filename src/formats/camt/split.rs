//! How an entry whose transactions' amounts differ from the amount booked
//! is read ([`Split`]): the bank's charges, money beyond the details, a
//! shortfall, or details that may not have happened. `entry` builds the
//! difference row each case calls for.

use crate::money::Money;
use crate::statement::FindingKind;

/// Most of the detailed amount, in percent, that a shortfall may be and
/// still read as the bank's charges.
const CHARGES_PERCENT: i64 = 1;

/// How an entry whose transactions' amounts differ from the amount booked
/// is read. Whatever the file cannot settle goes to a person, and never
/// against a customer: a payer the details credit is credited (never chased
/// for money the bank kept), a return the bank did not book in full undoes
/// no collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Split {
    /// The amounts agree.
    Agree,
    /// The bank took a little (less came in, or more went out, than
    /// detailed, by at most [`CHARGES_PERCENT`] of the detailed amount, or
    /// by exactly the charges the file states): its
    /// charges, a row `ACMT/MDOP/CHRG` after the details, which keep their
    /// amounts (a customer who sent 1,000.00 paid 1,000.00).
    Charges,
    /// More came in than detailed: a credit row for a person to place (of
    /// one payment: its payer's, and a `balance_mismatch` finding).
    Excess,
    /// The bank took more than charges: the details keep their amounts
    /// (but a credit in a debit entry is not taken, as in [`Split::Doubt`]),
    /// the difference is a row, and a `balance_mismatch` finding (an alert
    /// that asks a person and holds formal notices): which payment fell
    /// short, nobody can tell from the file.
    Short,
    /// More came in, or less went out, than details holding a debit say: a
    /// debit among them (a return, a refund) may not have happened, and
    /// nobody can tell which, so none is taken (a customer's invoice is
    /// never reopened by a return the bank may not have made): each stays
    /// in its place with no money, the credits are kept (unless the entry is
    /// a debit: money that left credits nobody), the rest is a row, and a
    /// `balance_mismatch` finding names the details not taken.
    Doubt,
}

impl Split {
    /// `has_debit`: whether a detail is a debit; `charged`: whether the
    /// charges the file states take exactly this difference.
    pub(super) fn of(
        booked: Money,
        detailed: Money,
        has_debit: bool,
        charged: &dyn Fn(Option<Money>) -> bool,
    ) -> Split {
        let Some(diff) = booked.checked_sub(detailed) else {
            return Split::Short;
        };
        let charges = || {
            detailed
                .abs()
                .checked_mul(rust_decimal::Decimal::new(CHARGES_PERCENT, 2))
                .is_some_and(|most| diff.abs() <= most)
        };
        if diff.is_zero() {
            Split::Agree
        } else if diff.is_positive() {
            // More in, or less out, than detailed.
            if has_debit {
                Split::Doubt
            } else {
                Split::Excess
            }
        } else if charges() || charged(Some(diff)) {
            Split::Charges
        } else {
            Split::Short
        }
    }

    /// The finding for `n` details summing to `detailed`, `booked` booked
    /// (written only when they differ: the usual entry costs nothing).
    pub(super) fn note(
        self,
        n: usize,
        detailed: Money,
        booked: Money,
    ) -> Option<(FindingKind, String)> {
        let (kind, says) = match self {
            Split::Agree => return None,
            // One payment's excess is its payer's, yet the file contradicts
            // itself: a person checks (formal notices wait meanwhile).
            Split::Excess if n == 1 => (
                FindingKind::BalanceMismatch,
                "more came in than the payment's detail says: the difference is a transaction of its own, its payer's, and a person must check",
            ),
            Split::Charges | Split::Excess => (
                FindingKind::BatchSumMismatch,
                "the difference is a transaction of its own",
            ),
            Split::Short => (
                FindingKind::BalanceMismatch,
                "the bank kept more than charges: the difference is a transaction of its own, and a person must check which payment did not come in full",
            ),
            Split::Doubt => (
                FindingKind::BalanceMismatch,
                "more came in, or less went out, than the details say: their debits are not taken (a return among them may not have happened), the rest is a transaction of its own, and a person must check",
            ),
        };
        let what = if n == 1 {
            format!("transaction amount {detailed}, entry amount")
        } else {
            format!("{n} transactions sum to {detailed}, entry amount")
        };
        Some((kind, format!("{what} {booked}: {says}")))
    }
}
