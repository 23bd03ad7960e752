//! Which money a debit sends back: the collection or payment a return, a
//! reversal or a debit known by its ids alone undoes. An ISO-coded return or
//! a reversal takes the collection its end-to-end id names
//! ([`link_coded`]); a debit known by its ids alone only the very money of
//! it ([`could_return`], [`link_by_ids`]): payers choose their transfers'
//! end-to-end ids, and a bank fee may copy a return's.

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::state::{ledger as sl, transactions};
use crate::statement::TxKind;

/// Whether a debit the code calls nothing tied to receivables (an unknown
/// or proprietary code, a supplier's direct debit) still names one of our
/// direct-debit collections: same end-to-end id, and the very money of it
/// ([`could_return`]). Banks that code a return that way send it back whole,
/// under the collection's end-to-end id. Supplier payments, fees, cards and
/// cheques we wrote are never taken for returns by their ids alone.
pub(super) fn names_a_collection(
    conn: &Connection,
    d: &transactions::StoredTx,
    kind: TxKind,
) -> rusqlite::Result<bool> {
    if !matches!(kind, TxKind::Other | TxKind::DirectDebitPaid) {
        return Ok(false);
    }
    let Some(e2e) = d.tx.end_to_end_id.as_deref() else {
        return Ok(false);
    };
    let amount = d.tx.amount.abs();
    let candidates = transactions::collections_for(conn, Some(e2e), None, &amount.to_plain())?;
    Ok(candidates.iter().any(|c| {
        !(c.account == d.account && c.tx.entry_id == d.tx.entry_id)
            && same_e2e(c, e2e)
            && could_return(d, c)
            && c.tx.kind(&c.entry) == TxKind::DirectDebitCollected
    }))
}

/// Whether debit `d` could send back the very money of credit `c`: the same
/// amount in the same currency, from the same payer account when both name
/// one, under the same mandate when both carry one. A debit recognised only
/// by its return reason or its end-to-end id links to nothing else: a fee
/// copying a return's ids, or a transfer sharing another payer's
/// end-to-end id, is not that money.
pub(super) fn could_return(d: &transactions::StoredTx, c: &transactions::StoredTx) -> bool {
    let agree = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => true,
    };
    // A return often names both parties, and the parser may take the
    // creditor (us) for its counterparty: the same mandate on both already
    // names the payer. Without one, the account must agree (a recall naming
    // us and another payer is not this payer's money).
    let same_mandate = matches!(
        (d.tx.mandate_id.as_deref(), c.tx.mandate_id.as_deref()),
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b)
    );
    let payer = d.tx.counterparty.iban.as_deref().filter(|_| !same_mandate);
    c.tx.amount == d.tx.amount.abs()
        && c.currency == d.currency
        && agree(payer, c.tx.counterparty.iban.as_deref())
        && agree(d.tx.mandate_id.as_deref(), c.tx.mandate_id.as_deref())
}

/// What a receivable debit links to.
pub(super) enum Link {
    /// The collection or payment it undoes, with its live applications.
    To(Box<transactions::StoredTx>, Vec<sl::LiveApplication>),
    /// No collection or payment we know is named by its ids.
    Unknown,
    /// Some are named, none is its money (another amount, currency, payer).
    NoneFits(Vec<String>),
    /// Several could be its money: a person says which.
    Ambiguous(Vec<String>),
}

/// The collection an ISO-coded return or a reversal undoes: the one its
/// end-to-end id names, preferring one that still has applications to undo,
/// then one with money not yet applied (a zero-money twin never is the
/// money).
pub(super) fn link_coded(
    conn: &Connection,
    candidates: &[transactions::StoredTx],
) -> rusqlite::Result<Link> {
    let mut fallback = None;
    for c in candidates {
        let live = sl::live_applications(conn, &c.account, &c.tx.entry_id)?;
        if !live.is_empty() {
            return Ok(Link::To(Box::new(c.clone()), live));
        }
        if fallback.is_none() && c.remaining.is_positive() {
            fallback = Some(Link::To(Box::new(c.clone()), live));
        }
    }
    Ok(fallback
        .or_else(|| {
            candidates
                .first()
                .map(|c| Link::To(Box::new(c.clone()), Vec::new()))
        })
        .unwrap_or(Link::Unknown))
}

/// The payment or collection a debit recognised by its ids alone (a return
/// reason, our end-to-end id) sends back: only the very money of it
/// ([`could_return`]). Payers' software chooses the end-to-end ids of
/// credit transfers, so two payers may share one: among several, money not
/// yet applied (the duplicate being refunded, the unknown payer's transfer
/// sent back) is taken before money applied to invoices; a choice still
/// left is a person's.
pub(super) fn link_by_ids(
    conn: &Connection,
    d: &transactions::StoredTx,
    candidates: &[transactions::StoredTx],
) -> rusqlite::Result<Link> {
    if candidates.is_empty() {
        return Ok(Link::Unknown);
    }
    let amount = d.tx.amount.abs();
    let mut applied = Vec::new();
    let mut unapplied = Vec::new();
    for c in candidates.iter().filter(|c| could_return(d, c)) {
        let live = sl::live_applications(conn, &c.account, &c.tx.entry_id)?;
        if !live.is_empty() {
            applied.push((c.clone(), live));
        } else if c.remaining >= amount {
            unapplied.push((c.clone(), live));
        }
        // Else no money of it is left to send back (a zero-money twin, or
        // already returned).
    }
    let mut pool = if unapplied.is_empty() {
        applied
    } else {
        unapplied
    };
    Ok(match pool.len() {
        0 => {
            let named: BTreeSet<String> =
                candidates.iter().map(|c| c.tx.entry_id.clone()).collect();
            Link::NoneFits(named.into_iter().collect())
        }
        1 => match pool.pop() {
            Some((c, live)) => Link::To(Box::new(c), live),
            None => Link::Unknown,
        },
        _ => Link::Ambiguous(pool.into_iter().map(|(c, _)| c.tx.entry_id).collect()),
    })
}

pub(super) fn same_e2e(c: &transactions::StoredTx, e2e: &str) -> bool {
    c.tx.end_to_end_id
        .as_deref()
        .is_some_and(|x| x.eq_ignore_ascii_case(e2e))
}
