//! The entry an entry-level finding (`balance_mismatch`: an entry's details
//! not adding up to what the bank booked) is about, for its alert's
//! columns: the entry's booked amount, and its payment's transaction id
//! when it details exactly one (the difference the parser adds as a
//! transaction of its own aside: the payment is what a person checks). An
//! entry detailing several payments leaves `entry_id` empty: the column
//! names one transaction, and a decision on it would touch only that one;
//! the message names the entry by its bank reference.

use crate::alerts::Alert;
use crate::statement::{Entry, Finding, Statement};

/// The statement's entry `f` is about: the one whose bank reference the
/// parser's message names (`entry {reference}: …`), else the one on the
/// finding's line; none when that does not single one out.
fn entry_of<'a>(statement: &'a Statement, f: &Finding) -> Option<&'a Entry> {
    let single = |v: Vec<&'a Entry>| match v.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let named: Vec<&Entry> = statement
        .entries
        .iter()
        .filter(|e| {
            e.bank_ref
                .as_deref()
                .is_some_and(|r| f.message.starts_with(&format!("entry {r}: ")))
        })
        .collect();
    if !named.is_empty() {
        return single(named);
    }
    single(
        statement
            .entries
            .iter()
            .filter(|e| e.line == f.location.line)
            .collect(),
    )
}

/// Fills `a`'s amount (the entry's booked amount) and, for an entry
/// detailing one payment, its `entry_id`.
pub fn describe(statement: &Statement, f: &Finding, a: &mut Alert) {
    let Some(entry) = entry_of(statement, f) else {
        return;
    };
    a.amount = Some(entry.amount);
    let mut ids = entry
        .transactions
        .iter()
        .filter(|t| !t.difference)
        .map(|t| t.entry_id.as_str());
    if let Some(first) = ids.next()
        && ids.all(|id| id == first)
    {
        a.entry_id = first.to_string();
    }
}
