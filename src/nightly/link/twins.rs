//! A statement row and a notification row that may be one payment counted
//! twice: never applied on a guess.
//!
//! [`super::pairs`] links a statement entry to the notification entry it
//! books only when their details say so; when the bank words the two
//! differently (a text cut inside a number, a prefix with digits, a
//! reference regrouped) or several fit alike, both stay money. The
//! matcher would then apply the second copy to the payer's other invoice
//! of that amount: one payment settling two invoices, the unpaid one never
//! chased (verify 40 round 5 G1, round 4 F3). So a payment the matcher
//! would apply is held — its rows become suggestions, all of it waits —
//! while a row on the other side of its account, booked, of its amount and
//! currency, of one of its days (booking or value date), linked to nothing
//! and still money, could be the same payment: its details do not
//! contradict (another IBAN, end-to-end id or payer name), and it came no
//! later (two of one night hold each other). A person says which it is
//! (`ignore` for a copy, `accept` for a payment of its own).
//!
//! A payment applied by the invoice number, RF reference or end-to-end id
//! it quotes, to invoices the other row neither quotes nor paid, is
//! another payment of the payer (verify 40 N1: Alpha's second transfer,
//! naming F-1002, beside its notified F-1001 one) and is applied.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::pairs::{self, Fit};
use crate::matching::{Application, OpenItem, Rule, Status};
use crate::nightly::credits::CreditStep;
use crate::state::ledger as sl;
use crate::state::transactions::{self, StoredTx};

/// Holds every payment the matcher would apply that may be a copy of money
/// already counted on the other side (see the module doc).
pub(in crate::nightly) fn hold(
    conn: &Connection,
    step: &mut CreditStep,
    run_date: &str,
) -> rusqlite::Result<()> {
    if !transactions::any_unlinked_notification(conn)? {
        return Ok(());
    }
    let applied: BTreeSet<usize> = step
        .apps
        .iter()
        .filter(|a| a.status == Status::Matched)
        .map(|a| a.payment)
        .collect();
    for i in applied {
        let Some(p) = step.payments.get(i) else {
            continue;
        };
        let Some(me) = transactions::get_tx(conn, &p.account, &p.entry_id)? else {
            continue;
        };
        let mine: Vec<(&Application, &OpenItem)> = step
            .apps
            .iter()
            .filter(|a| a.payment == i && a.status == Status::Matched)
            .filter_map(|a| Some((a, step.items.get(a.item?)?)))
            .collect();
        let Some(twin) = twin_of(conn, &me, &mine, run_date)? else {
            continue;
        };
        let note = format!(
            "; held: {} {} brought {} from this payer on {} (entry {}), linked to no {} entry: this may be that payment counted twice; not applied (if it is, an `ignore` line for entry {} in decisions.csv stops counting it)",
            side(twin.notification),
            twin.statement_id,
            twin.tx.amount.abs(),
            twin.entry.day().map(|d| d.to_string()).unwrap_or_default(),
            twin.tx.entry_id,
            side(!twin.notification),
            p.entry_id
        );
        let amount = p.amount;
        crate::nightly::waiting::leave_unapplied(&mut step.apps, i, amount, &note);
    }
    Ok(())
}

fn side(notification: bool) -> &'static str {
    if notification {
        "notification"
    } else {
        "statement"
    }
}

/// The first row on the other side that may be `me`'s money counted again
/// (see the module doc), `mine` being what the matcher would apply of it.
fn twin_of(
    conn: &Connection,
    me: &StoredTx,
    mine: &[(&Application, &OpenItem)],
    run_date: &str,
) -> rusqlite::Result<Option<StoredTx>> {
    let came = |r: &StoredTx| {
        r.processed_run
            .clone()
            .unwrap_or_else(|| run_date.to_string())
    };
    let others = transactions::unlinked_of_amount(
        conn,
        &me.account,
        !me.notification,
        &me.tx.amount.to_plain(),
    )?;
    for other in others {
        if other.tx.entry_id == me.tx.entry_id
            || other.currency != me.currency
            || !shares_a_day(me, &other)
            || came(&other) > came(me)
            || !may_be_one(me, &other)
        {
            continue;
        }
        let paid = sl::live_applications(conn, &other.account, &other.tx.entry_id)?;
        if !other.remaining.is_positive() && paid.is_empty() {
            // Ignored by a person, or no money any more.
            continue;
        }
        let paid: BTreeSet<&str> = paid.iter().map(|a| a.invoice_id.as_str()).collect();
        if quotes_its_own(mine, &other, &paid) || copy_ignored(conn, me, &other)? {
            continue;
        }
        return Ok(Some(other));
    }
    Ok(None)
}

/// Whether another row on `me`'s side that `other` could be the same
/// payment as was taken out by a person (`ignore`: processed, no money
/// left, nothing applied): the copy of `other` is gone, `me` is money of
/// its own (an `ambiguous_notification` answered for one of its rows).
fn copy_ignored(conn: &Connection, me: &StoredTx, other: &StoredTx) -> rusqlite::Result<bool> {
    let rows = transactions::unlinked_of_amount(
        conn,
        &me.account,
        me.notification,
        &me.tx.amount.to_plain(),
    )?;
    for r in rows {
        if r.tx.entry_id == me.tx.entry_id
            || r.currency != me.currency
            || r.processed_run.is_none()
            || r.remaining.is_positive()
            || !shares_a_day(&r, other)
            || !may_be_one(&r, other)
        {
            continue;
        }
        if sl::live_applications(conn, &r.account, &r.tx.entry_id)?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether two rows have a day in common (booking or value date).
fn shares_a_day(a: &StoredTx, b: &StoredTx) -> bool {
    let days = [b.entry.booking_date, b.entry.value_date];
    [a.entry.booking_date, a.entry.value_date]
        .iter()
        .flatten()
        .any(|d| days.contains(&Some(*d)))
}

/// Whether two rows' details do not tell them apart as two payments.
fn may_be_one(a: &StoredTx, b: &StoredTx) -> bool {
    pairs::fit(&[&a.tx], &[&b.tx]).is_some_and(|f| f >= Fit::Neutral)
}

/// Whether every application is by a reference the payment quotes, to an
/// invoice `other` neither quotes nor paid: another payment of the payer.
fn quotes_its_own(
    mine: &[(&Application, &OpenItem)],
    other: &StoredTx,
    paid: &BTreeSet<&str>,
) -> bool {
    let mut text: Vec<&str> = other.tx.free_text();
    text.extend(other.tx.end_to_end_id.as_deref());
    text.extend(other.tx.creditor_refs.iter().map(|r| r.reference.as_str()));
    let theirs = pairs::norm(&text.join(" "));
    let quoted = |s: &str| {
        let s = pairs::norm(s);
        !s.is_empty() && theirs.contains(&s)
    };
    !mine.is_empty()
        && mine.iter().all(|(a, item)| {
            matches!(
                a.rule,
                Some(Rule::InvoiceNumber | Rule::RfReference | Rule::EndToEndId)
            ) && !paid.contains(item.invoice_id.as_str())
                && !quoted(&item.invoice_id)
                && !item.reference.as_deref().is_some_and(quoted)
        })
}
