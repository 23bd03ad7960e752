//! Consistency checks on a parsed statement: does the opening balance plus the
//! booked entries equal the closing balance?
//!
//! A statement that does not close is still returned; the check only produces a
//! [`Finding`] naming both figures (many real files don't close). Only entries
//! in the statement's currency count: an entry in another currency is money
//! of another balance, never added to this one 1:1.

use super::{EntryStatus, Finding, FindingKind, Location, Statement};
use crate::money::Money;

/// Outcome of the balance check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BalanceCheck {
    /// Opening + entries = closing.
    Closes,
    /// They differ.
    Mismatch {
        /// Opening balance.
        opening: Money,
        /// Sum of booked entries.
        movements: Money,
        /// Opening + movements.
        expected: Money,
        /// Closing balance as the bank stated it.
        closing: Money,
    },
    /// One of the balances is missing, or the statement is a notification.
    NotApplicable,
    /// The sum overflowed (absurd amounts).
    Overflow,
}

/// Checks the statement's balances against its booked entries.
pub fn check_balances(statement: &Statement) -> BalanceCheck {
    if statement.format.is_notification() {
        return BalanceCheck::NotApplicable;
    }
    let (Some(open), Some(close)) = (statement.opening, statement.closing) else {
        return BalanceCheck::NotApplicable;
    };
    let booked = statement
        .entries
        .iter()
        .filter(|e| e.status == EntryStatus::Booked && counts_in_balance(statement, e))
        .map(|e| e.amount);
    let Some(movements) = Money::checked_sum(booked) else {
        return BalanceCheck::Overflow;
    };
    let Some(expected) = open.amount.checked_add(movements) else {
        return BalanceCheck::Overflow;
    };
    if expected == close.amount {
        BalanceCheck::Closes
    } else {
        BalanceCheck::Mismatch {
            opening: open.amount,
            movements,
            expected,
            closing: close.amount,
        }
    }
}

/// True when an entry's money is in the statement's currency, so it moves
/// the balances the statement states: an entry in another currency (a
/// multi-currency account) is never added to them as if it were the same
/// money.
pub fn counts_in_balance(statement: &Statement, entry: &super::Entry) -> bool {
    statement.currency_of(entry) == statement.currency
}

/// The finding for a statement whose balances do not close, if any; for a
/// statement (not a report or notification) without an opening or closing
/// balance in its currency, a finding saying its movements are not checked
/// (`other`: many test and some real files omit them).
pub fn balance_finding(statement: &Statement) -> Option<Finding> {
    let location = Location {
        line: statement.line,
        ..Location::default()
    };
    if !statement.format.is_notification()
        && (statement.opening.is_none() || statement.closing.is_none())
    {
        let missing = match (statement.opening, statement.closing) {
            (None, None) => "opening or closing",
            (None, Some(_)) => "opening",
            _ => "closing",
        };
        let message = format!(
            "statement {} of account {} has no {missing} booked balance in {}: its movements are not checked",
            statement.id,
            statement.account.key(),
            statement.currency,
        );
        return Some(
            Finding::new(FindingKind::Other, location, message).in_statement(&statement.id),
        );
    }
    let message = match check_balances(statement) {
        BalanceCheck::Closes | BalanceCheck::NotApplicable => return None,
        BalanceCheck::Overflow => "balance check overflowed: amounts out of range".to_string(),
        BalanceCheck::Mismatch {
            opening,
            movements,
            expected,
            closing,
        } => format!(
            "statement {} of account {}: opening {} + movements {} = {} but closing balance is {} (difference {})",
            statement.id,
            statement.account.key(),
            opening,
            movements,
            expected,
            closing,
            closing.checked_sub(expected).unwrap_or(Money::ZERO)
        ),
    };
    Some(Finding::new(FindingKind::BalanceMismatch, location, message).in_statement(&statement.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_in_another_currency_is_not_added_to_the_balances() {
        let f = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/camt/v02_transfers.xml");
        let mut s = crate::formats::parse_file(&f).unwrap().statements.remove(0);
        let (open, close) = (s.opening.unwrap().amount, s.closing.unwrap().amount);
        let booked = |s: &Statement| {
            Money::checked_sum(
                s.entries
                    .iter()
                    .filter(|e| e.status == EntryStatus::Booked)
                    .map(|e| e.amount),
            )
            .unwrap()
        };
        let all = booked(&s);
        let i = s
            .entries
            .iter()
            .position(|e| e.status == EntryStatus::Booked && !e.amount.is_zero())
            .unwrap();
        let moved = s.entries[i].amount;
        s.entries[i].currency = crate::money::Currency::parse("USD");
        let without = all.checked_sub(moved).unwrap();
        let expected = open.checked_add(without).unwrap();
        let want = if expected == close {
            BalanceCheck::Closes
        } else {
            BalanceCheck::Mismatch {
                opening: open,
                movements: without,
                expected,
                closing: close,
            }
        };
        assert_eq!(check_balances(&s), want);
        assert!(!counts_in_balance(&s, &s.entries[i]));
        assert_ne!(
            want,
            check_balances(&{
                let mut t = s.clone();
                t.entries[i].currency = None;
                t
            })
        );
    }
}
