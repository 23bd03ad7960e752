//! What state holds that a statement arriving tonight may be delivered
//! again: the blocks of a CFONB day, the statements of an account over a
//! period, and the rows each brought. How these are judged is
//! [`crate::nightly::delivery`]'s job.

use rusqlite::{Connection, params};

/// A statement in state, as far as telling what a newcomer repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Statement id.
    pub id: String,
    /// Format label (`cfonb120`, `camt.053.001.08`…).
    pub format: String,
    /// Content hash on record.
    pub hash: String,
    /// Opening balance, plain decimal.
    pub opening: Option<String>,
    /// Closing balance, plain decimal.
    pub closing: Option<String>,
    /// The night it was imported.
    pub run_date: String,
    /// First and last day it covers (`YYYY-MM-DD`), when known.
    pub period: (Option<String>, Option<String>),
}

fn held(r: &rusqlite::Row<'_>) -> rusqlite::Result<Held> {
    Ok(Held {
        id: r.get(0)?,
        format: r.get(1)?,
        hash: r.get(2)?,
        opening: r.get(3)?,
        closing: r.get(4)?,
        run_date: r.get(5)?,
        period: (r.get(6)?, r.get(7)?),
    })
}

const COLUMNS: &str =
    "statement_id, format, content_hash, opening, closing, run_date, from_date, to_date";

/// The account's statements `base` or `base-2`, `-3`… (a CFONB day's
/// blocks), in id order.
pub fn family(conn: &Connection, account: &str, base: &str) -> rusqlite::Result<Vec<Held>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM statements WHERE account = ?1
             AND (statement_id = ?2 OR substr(statement_id, 1, length(?2) + 1) = ?2 || '-')
         ORDER BY length(statement_id), statement_id"
    ))?;
    let rows = stmt.query_map(params![account, base], held)?;
    let all: Vec<Held> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(all
        .into_iter()
        .filter(|h| crate::formats::cfonb120::is_block_of(&h.id, base))
        .collect())
}

/// The account's statements (not notifications) in `currency` other than
/// `id` whose period meets `from..=to`, in import order.
pub fn overlapping(
    conn: &Connection,
    account: &str,
    currency: &str,
    id: &str,
    from: &str,
    to: &str,
) -> rusqlite::Result<Vec<Held>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM statements WHERE account = ?1 AND currency = ?2
             AND statement_id != ?3
             AND format NOT LIKE 'camt.054%' AND format NOT LIKE 'camt.052%'
             AND COALESCE(from_date, to_date) <= ?5 AND COALESCE(to_date, from_date) >= ?4
         ORDER BY rowid"
    ))?;
    let rows = stmt.query_map(params![account, currency, id, from, to], held)?;
    rows.collect()
}

/// A booked row a statement brought into state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its id in state.
    pub entry_id: String,
    /// Booking date, `YYYY-MM-DD`.
    pub booking_date: Option<String>,
    /// Signed amount, plain decimal.
    pub amount: String,
    /// Currency.
    pub currency: String,
    /// End-to-end id.
    pub end_to_end_id: Option<String>,
}

/// The booked rows statement `id` of the account brought, in its order.
pub fn rows(conn: &Connection, account: &str, id: &str) -> rusqlite::Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id, booking_date, amount, currency, end_to_end_id FROM transactions
         WHERE account = ?1 AND statement_id = ?2 AND status = 'booked'
         ORDER BY position, entry_id",
    )?;
    let rows = stmt.query_map(params![account, id], |r| {
        Ok(Row {
            entry_id: r.get(0)?,
            booking_date: r.get(1)?,
            amount: r.get(2)?,
            currency: r.get(3)?,
            end_to_end_id: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// The ids of every row (any status) statement `id` of the account brought.
pub fn row_ids(conn: &Connection, account: &str, id: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id FROM transactions WHERE account = ?1 AND statement_id = ?2
         ORDER BY position, entry_id",
    )?;
    let rows = stmt.query_map(params![account, id], |r| r.get(0))?;
    rows.collect()
}

/// A row a statement brought into state, as it was delivered: what
/// telling identical lines apart by content needs.
#[derive(Debug, Clone)]
pub struct Line {
    /// Its id in state.
    pub entry_id: String,
    /// Currency.
    pub currency: String,
    /// Its entry (without the entry's other transactions) as delivered.
    pub entry: crate::statement::Entry,
    /// The transaction as delivered (its id the one state gave it).
    pub tx: crate::statement::Transaction,
}

/// The rows (any status) statement `id` of the account brought, in its
/// order, as delivered.
pub fn lines(conn: &Connection, account: &str, id: &str) -> rusqlite::Result<Vec<Line>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id, currency, details FROM transactions
         WHERE account = ?1 AND statement_id = ?2
         ORDER BY position, entry_id",
    )?;
    let rows = stmt.query_map(params![account, id], |r| {
        let details: String = r.get(2)?;
        let (entry, tx) = serde_json::from_str(&details).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("stored transaction of statement {id}: unreadable details").into(),
            )
        })?;
        Ok(Line {
            entry_id: r.get(0)?,
            currency: r.get(1)?,
            entry,
            tx,
        })
    })?;
    rows.collect()
}
