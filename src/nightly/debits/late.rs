//! A return whose collection arrives on a later night. An earlier night's
//! return linked to nothing (its `unmatched_debit` still open) is linked
//! tonight to a collection tonight's import brings — one its end-to-end id,
//! else its mandate and amount, names, booked on or before the return (one
//! booked after is a re-presentation, never the money that went back) — and
//! undone as it would have been with both statements on one night, before
//! tonight's credits can match the collection to the invoice it paid. An
//! unpaid cheque takes the one cheque credit that fits it (`cheque`), when
//! that is tonight's.
//!
//! Only tonight's collections are tried: one known on the return's night
//! was the linker's to take then, and one it left is a person's. A
//! collection under another end-to-end id than the return's is another
//! month's of the same mandate, not this one. The return the unlinked night
//! recorded for the customer (`unlinked`: named by its ids, with no
//! collection) is replaced by the linked one, so it is never counted twice
//! towards a second return, and a `repeated_direct_debit_return` that night
//! raised is not raised again. Its `unmatched_debit` is resolved.

use rusqlite::{Connection, params};

use super::linking::{Link, link_by_ids, link_coded, same_e2e};
use super::{DebitStep, candidates, cheque, undo_linked};
use crate::alerts::AlertKind;
use crate::state::{events as ev, transactions};
use crate::statement::TxKind;

/// Links the earlier nights' unlinked returns to the collections tonight's
/// import brings (see the module).
pub(super) fn relink(
    conn: &Connection,
    run_date: &str,
    repeat_months: u32,
    mandate_customer: &dyn Fn(Option<&str>) -> Option<String>,
    step: &mut DebitStep,
) -> rusqlite::Result<()> {
    for (key, account, entry_id) in unlinked_debits(conn)? {
        let Some(d) = transactions::get_tx(conn, &account, &entry_id)? else {
            continue;
        };
        // Tonight's debits are the debit step's own; a debit booked on no
        // day cannot say which collections came before it.
        let (Some(processed), Some(day)) = (d.processed_run.as_deref(), d.entry.day()) else {
            continue;
        };
        if processed == run_date || !d.tx.amount.is_negative() {
            continue;
        }
        let earlier =
            |c: &transactions::StoredTx| c.processed_run.as_deref().is_some_and(|r| r != run_date);
        let e2e = d.tx.end_to_end_id.as_deref();
        let candidates = candidates(conn, &d, |c| {
            super::days_against(&d, c).is_some_and(|(first, _)| first <= day)
                && !(c.account == d.account && c.tx.entry_id == d.tx.entry_id)
                && e2e.is_none_or(|e| c.tx.end_to_end_id.is_none() || same_e2e(c, e))
        })?;
        let kind = d.tx.kind(&d.entry);
        // A cancellation or recall said for a person (`recall`) is no
        // return waiting for its collection: nothing links it by itself.
        if super::recall::is_recall(&d)
            && !kind.is_receivable_debit()
            && !d.entry.reversal
            && d.tx.return_reason.is_none()
        {
            continue;
        }
        let link = if kind == TxKind::ChequeUnpaid && candidates.is_empty() {
            // No ids: the one cheque credit that fits, as on one night.
            cheque::link_cheque(conn, &d)?
        } else if candidates.is_empty() || candidates.iter().any(earlier) {
            continue;
        } else if kind.is_receivable_debit() {
            link_coded(conn, &candidates)?
        } else {
            link_by_ids(conn, &d, &candidates)?
        };
        let Link::To(c, live) = link else {
            continue;
        };
        // One known before tonight was left for a person. One an earlier
        // return linked tonight took whole is still this return's when it
        // names only it (the same return booked twice): linked, it counts
        // once with it, as on one night.
        if earlier(&c) {
            continue;
        }
        let repeat = !repeated_raised(conn, &d.tx.entry_id)?;
        forget_unlinked_return(conn, &d)?;
        undo_linked(
            conn,
            run_date,
            repeat_months,
            &d,
            kind,
            (&c, &live),
            mandate_customer,
            step,
            repeat,
        )?;
        ev::resolve_alert(
            conn,
            &key,
            run_date,
            &format!(
                "linked to collection {} of a statement imported later",
                c.tx.entry_id
            ),
        )?;
    }
    Ok(())
}

/// The open `unmatched_debit` alerts: (key, account, entry id), the account
/// read from the key (`unmatched_debit:{account}:{entry}`).
fn unlinked_debits(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT alert_key, entry_id FROM alerts
         WHERE kind = ?1 AND resolved_run IS NULL ORDER BY first_raised, alert_key",
    )?;
    let rows = stmt.query_map(params![AlertKind::UnmatchedDebit.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (key, entry) = row?;
        let account = key
            .strip_prefix("unmatched_debit:")
            .and_then(|k| k.strip_suffix(entry.as_str()))
            .and_then(|k| k.strip_suffix(':'))
            .map(str::to_string);
        if let Some(account) = account {
            out.push((key, account, entry));
        }
    }
    Ok(out)
}

/// Whether a `repeated_direct_debit_return` was raised for this return.
fn repeated_raised(conn: &Connection, entry_id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM alerts WHERE kind = ?1 AND entry_id = ?2)")?
        .query_row(
            params![AlertKind::RepeatedDirectDebitReturn.as_str(), entry_id],
            |r| r.get(0),
        )
}

/// Removes the customer's return an earlier night recorded for `d` linked
/// to no collection: the linked one replaces it.
fn forget_unlinked_return(conn: &Connection, d: &transactions::StoredTx) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM direct_debits WHERE event = 'returned' AND account = ?1 AND entry_id = ?2
             AND collection_entry IS NULL",
    )?
    .execute(params![d.account, d.tx.entry_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::Alert;

    fn alert(kind: AlertKind, object: &str, entry: &str) -> Alert {
        let mut a = Alert::new(kind, object, "m");
        a.entry_id = entry.to_string();
        a
    }

    #[test]
    fn only_open_unmatched_debits_are_tried_again_with_their_account_from_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        for (kind, object, entry) in [
            (AlertKind::UnmatchedDebit, "ACC:1:RET1", "RET1"),
            (AlertKind::UnmatchedDebit, "ACC2:RET2", "RET2"),
            (AlertKind::UnmatchedCredit, "ACC2:CR1", "CR1"),
        ] {
            ev::insert_alert(conn, &alert(kind, object, entry), "2026-11-26").unwrap();
        }
        ev::resolve_alert(conn, "unmatched_debit:ACC2:RET2", "2026-11-27", "x").unwrap();
        assert_eq!(
            unlinked_debits(conn).unwrap(),
            [(
                "unmatched_debit:ACC:1:RET1".to_string(),
                "ACC:1".to_string(),
                "RET1".to_string()
            )]
        );
    }

    #[test]
    fn a_second_return_raised_unlinked_is_known_by_its_entry() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let a = alert(AlertKind::RepeatedDirectDebitReturn, "C4:E2E-1", "RET1");
        ev::insert_alert(conn, &a, "2026-11-26").unwrap();
        assert!(repeated_raised(conn, "RET1").unwrap());
        assert!(!repeated_raised(conn, "RET2").unwrap());
    }
}
