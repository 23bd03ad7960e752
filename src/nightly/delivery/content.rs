//! The movements of a CFONB block compared with those of the stored blocks
//! of its day by content, not by id (README, "A statement already imported
//! is skipped"): a line without a unique reference gets `FP-{hash}-k`, where
//! `k` counts identical lines *per block*, and state stores a line identical
//! to one of another block of its day as `{id}~{day}` (a second instalment).
//! So one payment has other ids in the whole day and in its afternoon
//! block: `FP-x-2` in the day, `FP-x-1` in the block, `FP-x-1~20261118` if
//! that block came first. Two movements are the same line when their
//! signed amount, currency, booking date, label and reference (what the
//! fingerprint covers: [`crate::statement::identity::line_content`]) are
//! equal; they are paired one for one, as a multiset, so two identical
//! instalments pair with two, never with one.

use rusqlite::Connection;

use crate::money::Money;
use crate::state::delivered;
use crate::statement::{Entry, Statement, Transaction};

/// One movement of a block, as compared across the blocks of its day.
#[derive(Debug, Clone)]
pub(super) struct Movement {
    /// Its id (in the arriving block, or in state).
    id: String,
    /// What makes two lines identical.
    key: Key,
    /// Its signed amount.
    amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    day: Option<chrono::NaiveDate>,
    amount: String,
    currency: String,
    label: String,
    reference: String,
}

fn movement(entry: &Entry, tx: &Transaction, currency: &str) -> Movement {
    let (label, reference) = crate::statement::identity::line_content(entry, tx);
    Movement {
        id: tx.entry_id.clone(),
        key: Key {
            day: entry.booking_date,
            amount: tx.amount.to_plain(),
            currency: currency.to_string(),
            label: label.to_string(),
            reference: reference.to_string(),
        },
        amount: tx.amount,
    }
}

/// The movements of an arriving block, in its order.
pub(super) fn arriving(statement: &Statement) -> Vec<Movement> {
    statement
        .transactions()
        .map(|(e, t)| movement(e, t, statement.currency_of(e).as_str()))
        .collect()
}

/// The movements stored block `id` of the account brought, in its order.
pub(super) fn stored(
    conn: &Connection,
    account: &str,
    id: &str,
) -> rusqlite::Result<Vec<Movement>> {
    Ok(delivered::lines(conn, account, id)?
        .iter()
        .map(|l| {
            let mut m = movement(&l.entry, &l.tx, &l.currency);
            m.id.clone_from(&l.entry_id);
            m
        })
        .collect())
}

/// Whether two movements are the same line: identical content, or the
/// same id with the same day, amount and currency (a line with its own
/// reference, whose label the bank wrote otherwise, as ids always said).
fn same_line(a: &Movement, b: &Movement) -> bool {
    a.key == b.key
        || (a.id == b.id
            && a.key.day == b.key.day
            && a.key.amount == b.key.amount
            && a.key.currency == b.key.currency)
}

/// For each arriving movement, the stored one it pairs with (each stored
/// one used once): the same line under its own id first, then the same
/// line under another id, in order.
pub(super) fn pair(arriving: &[Movement], stored: &[Movement]) -> Vec<Option<usize>> {
    let mut free = vec![true; stored.len()];
    let mut pairs = vec![None; arriving.len()];
    let mut take = |by_id: bool, pairs: &mut Vec<Option<usize>>| {
        for (a, slot) in arriving.iter().zip(pairs.iter_mut()) {
            if slot.is_some() {
                continue;
            }
            let found = stored
                .iter()
                .enumerate()
                .position(|(i, s)| free[i] && same_line(a, s) && (!by_id || s.id == a.id));
            if let Some(i) = found {
                free[i] = false;
                *slot = Some(i);
            }
        }
    };
    take(true, &mut pairs);
    take(false, &mut pairs);
    pairs
}

/// Whether every arriving movement pairs with a stored one.
pub(super) fn all_within(arriving: &[Movement], stored: &[Movement]) -> bool {
    pair(arriving, stored).iter().all(Option::is_some)
}

/// Whether every stored movement pairs with an arriving one.
pub(super) fn keeps_all(arriving: &[Movement], stored: &[Movement]) -> bool {
    pair(stored, arriving).iter().all(Option::is_some)
}

/// The places (in the arriving block's order) of its movements that pair
/// with stored ones: repeats, never imported again.
pub(super) fn repeats(arriving: &[Movement], stored: &[Movement]) -> Vec<usize> {
    pair(arriving, stored)
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|_| i))
        .collect()
}

/// The places in `stored` where the arriving movements are, in their
/// order, a run of consecutive stored movements (the same lines).
pub(super) fn runs_in(arriving: &[Movement], stored: &[Movement]) -> Vec<usize> {
    let Some(last) = stored.len().checked_sub(arriving.len()) else {
        return Vec::new();
    };
    (0..=last)
        .filter(|&at| {
            stored[at..]
                .iter()
                .zip(arriving)
                .all(|(s, a)| same_line(a, s))
        })
        .collect()
}

/// The stored block's balance after its first `n` movements, from its
/// `opening` (plain decimal); `None` when unreadable.
pub(super) fn balance_after(opening: Option<&str>, stored: &[Movement], n: usize) -> Option<Money> {
    let opening = Money::new(opening?.parse().ok()?);
    stored
        .get(..n)?
        .iter()
        .try_fold(opening, |b, m| b.checked_add(m.amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, label: &str, cents: i64) -> Movement {
        let amount = Money::new(rust_decimal::Decimal::new(cents, 2));
        Movement {
            id: id.into(),
            key: Key {
                day: chrono::NaiveDate::from_ymd_opt(2026, 11, 18),
                amount: amount.to_plain(),
                currency: "EUR".into(),
                label: label.into(),
                reference: String::new(),
            },
            amount,
        }
    }

    #[test]
    fn identical_lines_pair_one_for_one_whatever_their_ids() {
        // The whole day's two instalments, and the afternoon's stored as
        // another block's `~day` copy.
        let day = [
            line("FP-x-1", "ALPHA", 50_000),
            line("FP-x-2", "ALPHA", 50_000),
        ];
        let blocks = [
            line("FP-x-1", "ALPHA", 50_000),
            line("FP-x-1~20261118", "ALPHA", 50_000),
        ];
        assert_eq!(pair(&day, &blocks), [Some(0), Some(1)]);
        assert!(keeps_all(&day, &blocks) && all_within(&day, &blocks));
        // One stored instalment is kept by the day, which adds the other.
        assert!(keeps_all(&day, &blocks[..1]));
        assert!(!all_within(&day, &blocks[..1]));
        // The line with its own id pairs first: the other is the new one.
        assert_eq!(repeats(&day, &day[1..]), [1]);
        // Another label, amount or day is another line.
        let other = [line("FP-y-1", "BETA", 50_000)];
        assert_eq!(pair(&other, &blocks), [None]);
    }

    #[test]
    fn a_part_is_a_run_of_consecutive_lines_in_order() {
        let whole = [
            line("FP-a-1", "ALPHA", 50_000),
            line("FP-b-1", "BETA", 75_000),
            line("FP-a-2", "ALPHA", 50_000),
        ];
        let pm = [line("FP-a-1", "ALPHA", 50_000)];
        assert_eq!(runs_in(&pm, &whole), [0, 2]);
        let gapped = [whole[0].clone(), whole[2].clone()];
        assert_eq!(runs_in(&gapped, &whole), Vec::<usize>::new());
        let opening = Some("100.00");
        let after = |n| balance_after(opening, &whole, n).map(Money::to_plain);
        assert_eq!(after(0).as_deref(), Some("100.00"));
        assert_eq!(after(2).as_deref(), Some("1350.00"));
        assert_eq!(balance_after(opening, &whole, 4), None);
    }
}
