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
//! currency, linked to nothing, could be the same payment: the statement's
//! day (booking or value date) is the notification's or up to five days
//! after it (a bank books a notified payment a day or a weekend later),
//! their details do not contradict (another IBAN, end-to-end id or payer
//! name), and it is money already applied, or money waiting that came no
//! later (two of one night hold each other). A person says which it is
//! (`ignore` for a copy, `accept` for a payment of its own); each copy a
//! person takes out answers for one such row.
//!
//! A payment applied by the invoice number, RF reference or end-to-end id
//! it quotes, to invoices the other row neither quotes nor paid, while the
//! other row quotes an invoice it paid, is another payment of the payer
//! (verify 40 N1: Alpha's second transfer, naming F-1002, beside its
//! notified F-1001 one) and is applied.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::pairs::{self, Fit};
use super::unbooked;
use crate::matching::{Application, OpenItem, Rule, Status};
use crate::nightly::credits::CreditStep;
use crate::nightly::waiting::quoted_in;
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
/// (see the module doc), `mine` being what the matcher would apply of it;
/// none when people took out as copies (`ignore`) as many rows of `me`'s
/// side as there are such rows.
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
    let mut twins = Vec::new();
    for other in others {
        if other.tx.entry_id == me.tx.entry_id
            || other.currency != me.currency
            || !booked_after(me, &other)
            || !may_be_one(me, &other)
        {
            continue;
        }
        let paid = sl::live_applications(conn, &other.account, &other.tx.entry_id)?;
        // Money already applied is counted, whenever it came (verify 41
        // T2); money waiting as well is a copy of `me` only if it came no
        // later (two of one night hold each other).
        if paid.is_empty() && (!other.remaining.is_positive() || came(&other) > came(me)) {
            // Ignored by a person, no money any more, or later money.
            continue;
        }
        let paid: BTreeSet<&str> = paid.iter().map(|a| a.invoice_id.as_str()).collect();
        if !quotes_its_own(mine, &other, &paid) {
            twins.push(other);
        }
    }
    if twins.is_empty() || copies_ignored(conn, me, &twins)? >= twins.len() {
        return Ok(None);
    }
    Ok(twins.into_iter().next())
}

/// How many other rows of `me`'s side whose details say they are one of
/// `twins` (name, IBAN or text in common; or no details at all) were taken
/// out by a person (`ignore`: processed, no money left, nothing applied):
/// each is the copy of one of them (an `ambiguous_notification` answered
/// for one of its rows; one copy taken out leaves the other twins' copies
/// in: verify 41 T1).
fn copies_ignored(conn: &Connection, me: &StoredTx, twins: &[StoredTx]) -> rusqlite::Result<usize> {
    let rows = transactions::unlinked_of_amount(
        conn,
        &me.account,
        me.notification,
        &me.tx.amount.to_plain(),
    )?;
    let mut n = 0;
    for r in rows {
        if r.tx.entry_id == me.tx.entry_id
            || r.currency != me.currency
            || r.processed_run.is_none()
            || r.remaining.is_positive()
            || !twins.iter().any(|t| {
                // Told to be that payment by its details (name, IBAN,
                // text), not merely not contradicting them: an own transfer
                // of the amount taken out says nothing of the copy (verify
                // 41 twins3 H3). A row with no details at all is the bank's
                // bare booking of it (verify 41 twins4 H1).
                booked_after(&r, t)
                    && match pairs::fit(&[&r.tx], &[&t.tx]) {
                        Some(Fit::Agrees) => true,
                        Some(Fit::Neutral) => bare(&r),
                        _ => false,
                    }
            })
        {
            continue;
        }
        if sl::live_applications(conn, &r.account, &r.tx.entry_id)?.is_empty() {
            n += 1;
        }
    }
    Ok(n)
}

/// Whether a row says nothing of its payer: no name, account or text.
fn bare(r: &StoredTx) -> bool {
    r.tx.counterparty.name.is_none()
        && r.tx.counterparty.iban.is_none()
        && r.tx.free_text().iter().all(|t| t.trim().is_empty())
}

/// Whether one of the two rows, a statement's and a notification's, may
/// be the other booked: the statement's day (booking or value date) on the
/// notification's or up to [`unbooked::BOOKING_GRACE_DAYS`] after it (a
/// bank books a notified payment a day or a weekend later: verify 41 T3).
fn booked_after(a: &StoredTx, b: &StoredTx) -> bool {
    let (statement, notification) = if a.notification { (b, a) } else { (a, b) };
    let days = |r: &StoredTx| [r.entry.booking_date, r.entry.value_date];
    days(notification).iter().flatten().any(|n| {
        days(statement).iter().flatten().any(|s| {
            *s >= *n
                && n.checked_add_days(chrono::Days::new(unbooked::BOOKING_GRACE_DAYS))
                    .is_some_and(|last| *s <= last)
        })
    })
}

/// Whether two rows' details do not tell them apart as two payments.
fn may_be_one(a: &StoredTx, b: &StoredTx) -> bool {
    pairs::fit(&[&a.tx], &[&b.tx]).is_some_and(|f| f >= Fit::Neutral)
}

/// Whether every application is by a reference the payment quotes, to an
/// invoice `other` neither quotes nor paid, while `other` quotes an invoice
/// it paid: another payment of the payer.
fn quotes_its_own(
    mine: &[(&Application, &OpenItem)],
    other: &StoredTx,
    paid: &BTreeSet<&str>,
) -> bool {
    let mut text: Vec<&str> = other.tx.free_text();
    text.extend(other.tx.end_to_end_id.as_deref());
    text.extend(other.tx.creditor_refs.iter().map(|r| r.reference.as_str()));
    let theirs = text.join(" ");
    let quoted = |s: &str| quoted_in(&theirs, s);
    // The other row must quote a reference of its own (an invoice it paid):
    // one quoting nothing tells no payment from another (verify 41 T4).
    !mine.is_empty()
        && paid.iter().any(|id| quoted(id))
        && mine.iter().all(|(a, item)| {
            matches!(
                a.rule,
                Some(Rule::InvoiceNumber | Rule::RfReference | Rule::EndToEndId)
            ) && !paid.contains(item.invoice_id.as_str())
                && !quoted(&item.invoice_id)
                && !item.reference.as_deref().is_some_and(quoted)
        })
}
