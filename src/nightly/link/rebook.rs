//! What the bank booked decides: a statement booking another amount under
//! the id of money a notification brought (charges taken, a partial
//! credit) replaces the notified row with its own, as the same files on one
//! night would have left it. The notified money's applications are
//! withdrawn and the booked amount is matched again tonight, and a critical
//! `booked_amount_differs` says so: money is never taken back in silence.
//! A later statement booking under its id money a notification brought and
//! an earlier statement did not book ([`super::unbooked`]) is that money,
//! booked: it replaces the notified row the same way.

use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::money::Money;
use crate::state::ledger as sl;
use crate::state::statements as st;
use crate::state::transactions;
use crate::statement::{Entry, EntryStatus, Statement, Transaction};

/// The statement's booked transaction `t` whose id a notification's row
/// holds as money with another signed amount (or currency): the statement's
/// row replaces it. A debit notified (a return already undone) is left for
/// a person: the alert says what the bank booked.
pub(super) fn booked_over_notified(
    conn: &Connection,
    s: &Statement,
    entry: &Entry,
    t: &Transaction,
    run_date: &str,
) -> rusqlite::Result<Option<Alert>> {
    let account = s.account.key();
    if entry.status != EntryStatus::Booked {
        return Ok(None);
    }
    let Some(row) = transactions::get_tx(conn, &account, &t.entry_id)? else {
        return Ok(None);
    };
    let currency = s.currency_of(entry);
    if row.notification
        && row.entry.status == EntryStatus::Booked
        && transactions::linked_to(conn, &account, &t.entry_id)?
            .flatten()
            .as_deref()
            == Some(transactions::NOT_MONEY)
        && !st::another_than_notified((&row.entry, &row.tx), (entry, t))
    {
        // Money a notification brought that a statement covering its day
        // did not book (its applications withdrawn: [`super::unbooked`]),
        // booked now by a later statement: the booked row is the money,
        // matched again tonight, and the alert is answered.
        rebook(conn, s, entry, t)?;
        super::unbooked::answered(conn, &account, &t.entry_id, &s.id, run_date)?;
        return Ok(None);
    }
    if !row.notification
        || row.entry.status != EntryStatus::Booked
        || (row.tx.amount == t.amount && row.currency == currency)
    {
        return Ok(None);
    }
    // Only money the notification brought and no statement confirmed: a
    // row another entry holds the money of, a statement covers, or a
    // statement already booked under its id (linked to itself) is left.
    if transactions::linked_to(conn, &account, &t.entry_id)? != Some(None) {
        return Ok(None);
    }
    // The same payment, not another one under a reused reference: the
    // rule the import stored it by (`st::another_than_notified`: an equal
    // end-to-end id or payer IBAN is the same payment, a fee taken and a
    // day later notwithstanding).
    if st::another_than_notified((&row.entry, &row.tx), (entry, t)) {
        return Ok(None);
    }
    let notified = format!("{} {}", row.tx.amount, row.currency);
    let booked = format!("{} {currency}", t.amount);
    let mut a = Alert::new(
        AlertKind::BookedAmountDiffers,
        &format!("{account}:{}:{}", t.entry_id, s.id),
        String::new(),
    );
    a.entry_id.clone_from(&t.entry_id);
    a.amount = Some(t.amount);
    a.currency = Some(currency);
    let credit = row.tx.amount.is_positive() && t.amount.is_positive() && row.currency == currency;
    if !credit {
        a.message = format!(
            "entry {} of account {}: notified as {notified} by {}, booked as {booked} by statement {}: the notified amount stays as it was processed; check with the bank and correct by hand",
            t.entry_id,
            crate::refs::mask_iban(&account),
            row.statement_id,
            s.id
        );
        return Ok(Some(a));
    }
    let mut withdrawn = Vec::new();
    for app in withdraw(conn, &account, &t.entry_id, run_date)? {
        if a.invoice_id.is_empty() {
            a.invoice_id.clone_from(&app.invoice_id);
            a.customer_id.clone_from(&app.customer_id);
        }
        withdrawn.push(format!("{} from {}", app.applied, app.invoice_id));
    }
    rebook(conn, s, entry, t)?;
    a.message = format!(
        "entry {} of account {}: notified as {notified} by {}, booked as {booked} by statement {}: what the bank booked stands{}; {booked} is matched again tonight",
        t.entry_id,
        crate::refs::mask_iban(&account),
        row.statement_id,
        s.id,
        if withdrawn.is_empty() {
            String::new()
        } else {
            format!(
                ", so the notified money applied is withdrawn ({})",
                withdrawn.join(", ")
            )
        }
    );
    Ok(Some(a))
}

/// Withdraws the live applications of a notified row whose money no
/// statement confirms: each invoice is open again by what it paid (its
/// exported open amount tonight recorded with the reversal). Returns what
/// was withdrawn.
pub(super) fn withdraw(
    conn: &Connection,
    account: &str,
    entry_id: &str,
    run_date: &str,
) -> rusqlite::Result<Vec<sl::LiveApplication>> {
    let apps = sl::live_applications(conn, account, entry_id)?;
    for app in &apps {
        let exported = sl::invoice_customer(conn, &app.invoice_id)?
            .map(|(_, o)| o)
            .unwrap_or(Money::ZERO);
        sl::reverse_application(conn, app.id, run_date, exported)?;
    }
    Ok(apps)
}

/// Stores a statement's transaction in place of the notification's row of
/// that id: a booked row of the statement, waiting to be matched.
fn rebook(
    conn: &Connection,
    statement: &Statement,
    entry: &Entry,
    tx: &Transaction,
) -> rusqlite::Result<()> {
    let account = statement.account.key();
    let position = statement
        .transactions()
        .position(|(_, x)| std::ptr::eq(x, tx))
        .unwrap_or(0);
    conn.prepare_cached("DELETE FROM transactions WHERE account = ?1 AND entry_id = ?2")?
        .execute(rusqlite::params![account, tx.entry_id])?;
    let mut insert = conn.prepare_cached(st::INSERT_TX)?;
    let details = st::details_json(entry, tx);
    st::insert_tx(
        &mut insert,
        &account,
        statement,
        position,
        entry,
        tx,
        &details,
    )
    .map(|_| ())
}
