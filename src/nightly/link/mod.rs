//! Statements and notifications (camt.052/054) telling the same money: a
//! notification entry that details a booked statement entry adds its details
//! to it (a lump batch entry is split into its transactions) and never adds
//! money; one with no such entry is money only when no statement covers its
//! booking date and no other notification brought the same entry; a
//! statement entry arriving later for money a notification brought adds
//! nothing. Rows two documents share under one id are linked to themselves:
//! found by their reference, never taken by amount and date.
//!
//! Which entries are the same money when the references differ is
//! [`pairs`]' job; a statement booking another amount than a notification
//! said under its id is [`rebook`]'s; a notified row the statement
//! covering its day does not book stops counting ([`unbooked`]).

mod pairs;
mod rebook;
mod twins;
mod unbooked;

pub(super) use twins::hold as hold_twins;
pub(super) use unbooked::not_booked;

use rusqlite::Connection;

use crate::alerts::Alert;
use crate::money::Money;
use crate::state::statements as st;
use crate::state::transactions::{self, NOT_MONEY, StoredTx};
use crate::statement::{Entry, EntryStatus, Statement, Transaction};

/// Marks the statement rows that these notifications' booked entries repeat
/// under their own ids as shared (linked to themselves): found by their
/// reference, never taken by another entry by amount and date, whichever
/// notification file comes first. Only notifications not yet in state count
/// (one imported on an earlier night, or refused as conflicting, repeats
/// nothing tonight).
pub(super) fn mark_repeated_rows<'a>(
    conn: &Connection,
    notifications: impl Iterator<Item = &'a Statement>,
) -> rusqlite::Result<()> {
    for n in notifications {
        let account = n.account.key();
        if st::statement_currency(conn, &account, &n.id)?.is_some() {
            continue;
        }
        for entry in n.entries.iter().filter(|e| e.status == EntryStatus::Booked) {
            for t in &entry.transactions {
                if let Some((_, false)) = st::origin(conn, &account, &t.entry_id)? {
                    transactions::link_shared(conn, &account, &t.entry_id, false)?;
                }
            }
        }
    }
    Ok(())
}

/// The stored transactions that correspond to `entry` on the other side
/// (statements for a notification entry, notifications for a statement
/// entry) by bank reference; else, for a notification entry, the statement
/// row of the same amount and booking date its details make the single best
/// fit ([`pairs`]: two customers paying the same amount on the same day
/// are never taken for one). Only booked rows count: a pending or
/// information entry never was money, so a booked entry linked to it would
/// lose its own. Only rows in the entry's `currency` count: 1000 USD is
/// never the same money as 1000 EUR.
fn counterparts(
    conn: &Connection,
    account: &str,
    other_side_is_notification: bool,
    entry: &Entry,
    currency: crate::money::Currency,
) -> rusqlite::Result<Vec<StoredTx>> {
    let date = entry.day().map(|d| d.to_string());
    let all = transactions::counterpart_candidates(
        conn,
        account,
        other_side_is_notification,
        entry.bank_ref.as_deref(),
        &entry.amount.to_plain(),
        date.as_deref(),
    )?;
    let all: Vec<StoredTx> = all
        .into_iter()
        .filter(|c| c.entry.status == EntryStatus::Booked && c.currency == currency)
        .collect();
    // A row of the reference on the other side that is plainly another
    // payment than every transaction of the entry (a reused reference) is
    // not its counterpart: the entry was stored as money of its own.
    let another = |c: &StoredTx, t: &Transaction| {
        if other_side_is_notification {
            st::another_than_notified((&c.entry, &c.tx), (entry, t))
        } else {
            st::another_than_notified((entry, t), (&c.entry, &c.tx))
        }
    };
    let by_ref: Vec<StoredTx> = all
        .iter()
        .filter(|c| c.entry.bank_ref.is_some() && c.entry.bank_ref == entry.bank_ref)
        .filter(|c| {
            entry.transactions.is_empty() || !entry.transactions.iter().all(|t| another(c, t))
        })
        .cloned()
        .collect();
    if !by_ref.is_empty() || other_side_is_notification {
        return Ok(by_ref);
    }
    Ok(pairs::statement_row_by_amount(all, entry)
        .into_iter()
        .collect())
}

/// Links each booked entry of a notification to the statement entry it
/// details. Returns how many entries were linked. `stored` tells the
/// notification's own rows from the transactions whose id the account already
/// had (the statement's own rows, or an earlier notification's): those are
/// never settled here, and an entry made only of them adds nothing.
pub(super) fn link_notification(
    conn: &Connection,
    n: &Statement,
    run_date: &str,
    stored: &impl Fn(&&Transaction) -> bool,
    alerts: &mut Vec<Alert>,
) -> rusqlite::Result<usize> {
    let account = n.account.key();
    let mut linked = 0;
    // (Statement rows this notification repeats under their own ids were
    // marked by [`mark_repeated_rows`]: no other entry takes them by amount.)
    for entry in n.entries.iter().filter(|e| e.status == EntryStatus::Booked) {
        let own: Vec<&Transaction> = entry.transactions.iter().filter(stored).collect();
        if own.is_empty() && !entry.transactions.is_empty() {
            // The statement's own row under the same id (taken by that id,
            // whatever references the two documents give the entry): the
            // notification adds its details, never money. The row is linked
            // to itself: no entry of another notification takes it by amount
            // and date, and a later camt.054 still finds it by reference to
            // split or detail.
            if let [t] = entry.transactions.as_slice()
                && let Some(row) = transactions::get_tx(conn, &account, &t.entry_id)?
                && !row.notification
            {
                enrich(conn, &account, &row, entry)?;
                linked += 1;
            }
            for t in &entry.transactions {
                transactions::link_shared(conn, &account, &t.entry_id, false)?;
            }
            continue;
        }
        let mut found = counterparts(conn, &account, false, entry, n.currency_of(entry))?;
        if found.is_empty() && entry.amount.is_positive() {
            // No statement yet, but another notification may have brought
            // this credit already (a camt.052 at entry level, then the
            // camt.054 detailing it): it is treated as the statement would
            // be. Same bank reference, amount and day only: two notified
            // payments of one amount and day are not one. (Debits are left
            // to the debit step, which links a return by its own details.)
            found = counterparts(conn, &account, true, entry, n.currency_of(entry))?;
            found.retain(|r| {
                r.statement_id != n.id
                    && r.entry.bank_ref.is_some()
                    && r.entry.bank_ref == entry.bank_ref
                    && r.entry.amount == entry.amount
                    && r.entry.day() == entry.day()
            });
        }
        if let [lump] = found.as_slice() {
            linked += 1;
            let whole = lump.remaining == entry.amount.abs()
                && (lump.processed_run.is_none()
                    || crate::state::ledger::live_applications(conn, &account, &lump.tx.entry_id)?
                        .is_empty());
            let unlinked_debit = !whole && debit_left_unlinked(conn, &account, lump, entry)?;
            if own.len() > 1 && own.len() == entry.transactions.len() && (whole || unlinked_debit) {
                // A lump batch entry becomes its detailed transactions: the
                // lump keeps no money, the notification's transactions carry it.
                // So does a lump tried on an earlier night that nothing was
                // applied from: its money is all there, waiting. A lump another
                // notification brought is split the same way; it is linked to
                // itself, so the statement booking it later still finds it by
                // its reference (and adds nothing), while its details, linked
                // to it, are nobody's counterpart by amount.
                let by_notification = lump.notification;
                let first = own
                    .first()
                    .map(|t| t.entry_id.as_str())
                    .filter(|_| !by_notification);
                transactions::settle_tx(
                    conn,
                    &account,
                    &lump.tx.entry_id,
                    Money::ZERO,
                    Some(run_date),
                    first,
                )?;
                for t in &own {
                    transactions::settle_tx(
                        conn,
                        &account,
                        &t.entry_id,
                        t.amount.abs(),
                        None,
                        Some(&lump.tx.entry_id),
                    )?;
                }
                if by_notification {
                    transactions::link_shared(conn, &account, &lump.tx.entry_id, true)?;
                }
                if unlinked_debit {
                    // Its returns are undone tonight from the details: the
                    // lump's own alert is answered.
                    crate::state::events::resolve_alert(
                        conn,
                        &format!("unmatched_debit:{account}:{}", lump.tx.entry_id),
                        run_date,
                        &format!("detailed by notification {}", n.id),
                    )?;
                }
            } else {
                enrich(conn, &account, lump, entry)?;
                not_money(conn, &account, &own, run_date, &lump.tx.entry_id)?;
            }
            continue;
        }
        if !found.is_empty() {
            // Several statement transactions share its reference: the statement
            // already has the detail.
            linked += 1;
            not_money(conn, &account, &own, run_date, &found[0].tx.entry_id)?;
            continue;
        }
        // Covered: a statement covers its day and the account's statements
        // reach past it by the days a bank may take to book it
        // ([`unbooked`]); until then it is money, as before any statement.
        let covered = match entry.booking_date {
            Some(d) => {
                st::statement_covers(conn, &account, &d.to_string())?
                    && st::covered_through(conn, &account)?
                        .and_then(|t| t.parse::<chrono::NaiveDate>().ok())
                        .is_some_and(|t| {
                            d.checked_add_days(chrono::Days::new(unbooked::BOOKING_GRACE_DAYS))
                                .is_some_and(|g| t >= g)
                        })
            }
            None => false,
        };
        for t in &own {
            if covered {
                // The statements covering its day and the days after did
                // not book it: no money, said as in the other order.
                if let (Some(row), Some(day)) = (
                    transactions::get_tx(conn, &account, &t.entry_id)?,
                    entry.booking_date,
                ) && let (Some(by), Some(through)) = (
                    st::covering(conn, &account, &day.to_string())?,
                    st::covered_through(conn, &account)?,
                ) {
                    alerts.push(unbooked::withdraw(
                        conn,
                        &account,
                        &row,
                        &by,
                        (run_date, &through),
                    )?);
                    continue;
                }
                transactions::settle_tx(
                    conn,
                    &account,
                    &t.entry_id,
                    Money::ZERO,
                    Some(run_date),
                    Some(NOT_MONEY),
                )?;
            } else {
                // No statement yet for that day: the notification is the money.
                transactions::settle_tx(conn, &account, &t.entry_id, t.amount.abs(), None, None)?;
            }
        }
    }
    Ok(linked)
}

/// A statement's debit lump an earlier night processed without linking it
/// to anything (its `unmatched_debit` still open, no return recorded for
/// it): its details, arriving now, are processed as they would have been on
/// that night — returns split out and undone — instead of being dropped.
fn debit_left_unlinked(
    conn: &Connection,
    account: &str,
    lump: &StoredTx,
    entry: &Entry,
) -> rusqlite::Result<bool> {
    if lump.notification
        || !entry.amount.is_negative()
        || lump.tx.amount != entry.amount
        || lump.processed_run.is_none()
    {
        return Ok(false);
    }
    let key = format!("unmatched_debit:{account}:{}", lump.tx.entry_id);
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM alerts WHERE alert_key = ?1 AND resolved_run IS NULL)
            AND NOT EXISTS(SELECT 1 FROM direct_debits WHERE account = ?2 AND entry_id = ?3)",
        rusqlite::params![key, account, lump.tx.entry_id],
        |r| r.get(0),
    )
}

/// These rows carry no money: the row `to` holds it.
fn not_money(
    conn: &Connection,
    account: &str,
    rows: &[&Transaction],
    run_date: &str,
    to: &str,
) -> rusqlite::Result<()> {
    for t in rows {
        transactions::settle_tx(
            conn,
            account,
            &t.entry_id,
            Money::ZERO,
            Some(run_date),
            Some(to),
        )?;
    }
    Ok(())
}

/// Adds a single-transaction notification's details to the statement
/// transaction it details, filling only what the statement left empty.
fn enrich(conn: &Connection, account: &str, stored: &StoredTx, n: &Entry) -> rusqlite::Result<()> {
    // The payment's detail; a charges row beside it adds nothing to say.
    let mut payments = n.transactions.iter().filter(|t| !t.difference);
    let (Some(detail), None) = (payments.next(), payments.next()) else {
        return Ok(());
    };
    let mut tx = stored.tx.clone();
    if tx.counterparty.name.is_none() {
        tx.counterparty = detail.counterparty.clone();
    }
    if tx.remittance.is_empty() {
        tx.remittance = detail.remittance.clone();
    }
    if tx.creditor_refs.is_empty() {
        tx.creditor_refs = detail.creditor_refs.clone();
    }
    tx.end_to_end_id = tx.end_to_end_id.or_else(|| detail.end_to_end_id.clone());
    tx.mandate_id = tx.mandate_id.or_else(|| detail.mandate_id.clone());
    tx.return_reason = tx.return_reason.or_else(|| detail.return_reason.clone());
    if tx == stored.tx {
        return Ok(());
    }
    let details = st::details_json(&stored.entry, &tx);
    transactions::set_details(
        conn,
        account,
        &stored.tx.entry_id,
        &details,
        &tx.free_text().join(" | "),
    )
}

/// A statement entry for money a notification already brought adds nothing:
/// the notification rows of its bank reference; else, by amount and date,
/// the one notification entry (its total, however split) each is the
/// other's single best fit with ([`pairs`]). A notification entry several
/// statement entries fit and nothing tells apart is linked to none: all
/// stay money, and an `ambiguous_notification` alert asks a person which
/// is the same payment (money counted twice is a person's unmatched credit;
/// money dropped would be a paid invoice chased).
/// A transaction whose id the notification's row already has was not stored
/// (`stored` is false): that row is the money, and it is left as it is,
/// unless the statement booked another amount ([`rebook`]).
pub(super) fn link_to_notifications(
    conn: &Connection,
    s: &Statement,
    run_date: &str,
    stored: &impl Fn(&&Transaction) -> bool,
) -> rusqlite::Result<Vec<Alert>> {
    let account = s.account.key();
    let mut alerts = Vec::new();
    for (entry, t) in s.transactions() {
        if !stored(&t) {
            alerts.extend(rebook::booked_over_notified(conn, s, entry, t, run_date)?);
        }
    }
    if !transactions::has_unlinked(conn, &account, true)? {
        return Ok(alerts);
    }
    // A notification row under one of this statement's own ids is that
    // entry's money: linked first, so no other entry of the statement takes
    // it, whatever their order.
    for (_, t) in s.transactions() {
        if !stored(&t) {
            transactions::link_shared(conn, &account, &t.entry_id, true)?;
        }
    }
    let booked: Vec<(usize, &Entry, Vec<&Transaction>)> = s
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == EntryStatus::Booked)
        .map(|(i, e)| (i, e, e.transactions.iter().filter(stored).collect()))
        .filter(|(_, _, own): &(usize, &Entry, Vec<&Transaction>)| !own.is_empty())
        .collect();
    // By reference first, for every entry: rows so linked are nobody's
    // counterpart by amount.
    let mut by_amount = Vec::new();
    for (i, entry, own) in &booked {
        let found = counterparts(conn, &account, true, entry, s.currency_of(entry))?;
        if found.is_empty() {
            by_amount.push((*i, *entry, own));
        } else {
            link_rows(conn, &account, &found, own, run_date)?;
        }
    }
    let mut groups: Vec<Vec<StoredTx>> = Vec::new();
    let mut fits = Vec::new();
    for (i, entry, own) in &by_amount {
        let date = entry.day().map(|d| d.to_string());
        let mut candidates: Vec<(Vec<StoredTx>, bool)> = pairs::notified_entries(
            conn,
            &account,
            date.as_deref(),
            entry.amount,
            s.currency_of(entry),
        )?
        .into_iter()
        .map(|g| (g, false))
        .collect();
        if candidates.is_empty()
            && let Some(day) = entry.day()
        {
            // None that day: the notified payment the bank booked a day or
            // a weekend later (the days [`unbooked`] waits), taken only when
            // they carry one real end-to-end id (a payer's second payment,
            // or another payer's with a like text, never is: review 29 #1).
            for back in 1..=unbooked::BOOKING_GRACE_DAYS {
                let Some(earlier) = day.checked_sub_days(chrono::Days::new(back)) else {
                    break;
                };
                candidates.extend(
                    pairs::notified_entries(
                        conn,
                        &account,
                        Some(earlier.to_string().as_str()),
                        entry.amount,
                        s.currency_of(entry),
                    )?
                    .into_iter()
                    .map(|g| (g, true)),
                );
            }
        }
        for (g, later) in candidates {
            let rows: Vec<&Transaction> = g.iter().map(|r| &r.tx).collect();
            let Some(fit) = pairs::fit(own, &rows) else {
                continue;
            };
            // Days told by a value date (a bank giving no booking date) are
            // loose too: a payer's other payment of the day fits as well by
            // IBAN (verify 40 N1, P3); one real end-to-end id, the same
            // text, or a bare batch line and its detail join them.
            let by_value =
                entry.booking_date.is_none() || g.iter().any(|r| r.entry.booking_date.is_none());
            if (later && !pairs::one_strong_id(own, &rows))
                || (by_value
                    && !pairs::lump_and_detail(own, &rows)
                    && !pairs::one_payment(own, &rows))
            {
                continue;
            }
            let at = match groups
                .iter()
                .position(|x| x[0].tx.entry_id == g[0].tx.entry_id)
            {
                Some(at) => at,
                None => {
                    groups.push(g);
                    groups.len() - 1
                }
            };
            fits.push((*i, at, fit));
        }
    }
    let (paired, unpaired) = pairs::pair(&fits);
    for (i, at) in paired {
        if let (Some((_, _, own)), Some(g)) =
            (by_amount.iter().find(|(x, _, _)| *x == i), groups.get(at))
        {
            link_rows(conn, &account, g, own, run_date)?;
        }
    }
    for (at, entries) in unpaired {
        if let Some(g) = groups.get(at) {
            let ids: Vec<&str> = entries
                .iter()
                .filter_map(|i| by_amount.iter().find(|(x, _, _)| x == i))
                .filter_map(|(_, _, own)| own.first().map(|t| t.entry_id.as_str()))
                .collect();
            alerts.push(pairs::ambiguous(&account, s, g, &ids));
        }
    }
    Ok(alerts)
}

/// The notification rows `found` keep their money, linked to the statement
/// entry's first row; the statement entry's rows (`own`) carry none.
fn link_rows(
    conn: &Connection,
    account: &str,
    found: &[StoredTx],
    own: &[&Transaction],
    run_date: &str,
) -> rusqlite::Result<()> {
    let (Some(link), Some(first)) = (own.first(), found.first()) else {
        return Ok(());
    };
    for n in found {
        transactions::settle_tx(
            conn,
            account,
            &n.tx.entry_id,
            n.remaining,
            None,
            Some(&link.entry_id),
        )?;
    }
    not_money(conn, account, own, run_date, &first.tx.entry_id)
}
