//! Consistency checks on a parsed statement: does the opening balance plus the
//! booked entries equal the closing balance?
//!
//! A statement that does not close is still returned; the check only produces a
//! [`Finding`] naming both figures (many real files don't close).

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
        .filter(|e| e.status == EntryStatus::Booked)
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

/// The finding for a statement whose balances do not close, if any.
pub fn balance_finding(statement: &Statement) -> Option<Finding> {
    let location = Location {
        line: statement.line,
        ..Location::default()
    };
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
