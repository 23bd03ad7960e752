//! Transactions in state, read back and settled: a stored row rebuilt into
//! the model (from tonight's statements in memory when they are still
//! there), the money waiting to be applied, the counterparts a notification
//! or a statement looks for, the collections a return may undo, and the
//! per-row updates of the debit and credit steps.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::statement::{Entry, Statement, Transaction};

/// A transaction as stored, rebuilt into the model.
#[derive(Debug, Clone)]
pub struct StoredTx {
    /// Account key.
    pub account: String,
    /// Statement id.
    pub statement_id: String,
    /// Position in the statement.
    pub position: usize,
    /// Currency.
    pub currency: crate::money::Currency,
    /// The entry (with only this transaction's data needed).
    pub entry: crate::statement::Entry,
    /// The transaction.
    pub tx: crate::statement::Transaction,
    /// Money not yet applied (absolute).
    pub remaining: crate::money::Money,
    /// Night it was first processed, if any.
    pub processed_run: Option<String>,
    /// True when it came from a notification (camt.054/052).
    pub notification: bool,
}

const STORED_COLUMNS: &str =
    "account, statement_id, position, currency, details, remaining, processed_run, notification";

/// A column state wrote that does not read back: state is damaged, and the
/// run stops rather than lose or misstate the transaction's money.
fn damaged(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("stored transaction: unreadable {what}").into(),
    )
}

/// A statement's (entry, transaction) pairs in row order.
type StatementRows<'a> = Vec<(&'a Entry, &'a Transaction)>;

/// Statements imported tonight and still in memory, by account and id:
/// their rows are rebuilt from them, exactly as their stored details would
/// read back, without decoding the details. Filled by the nightly run with
/// the statements whose stored details nothing changed since the import.
#[derive(Debug, Default)]
pub struct InMemory<'a> {
    by_account: HashMap<String, HashMap<&'a str, StatementRows<'a>>>,
}

impl<'a> InMemory<'a> {
    /// Adds a statement imported tonight under its account key.
    pub fn add(&mut self, account: String, statement: &'a Statement) {
        self.by_account
            .entry(account)
            .or_default()
            .insert(statement.id.as_str(), statement.transactions().collect());
    }

    /// The entry (without its transactions list, as stored) and transaction
    /// at `position` of a statement, when it is in memory.
    fn get(
        &self,
        account: &str,
        statement_id: &str,
        position: usize,
    ) -> Option<(Entry, Transaction)> {
        let &(e, tx) = self
            .by_account
            .get(account)?
            .get(statement_id)?
            .get(position)?;
        let shell = Entry {
            booking_date: e.booking_date,
            value_date: e.value_date,
            amount: e.amount,
            currency: e.currency,
            status: e.status,
            reversal: e.reversal,
            bank_ref: e.bank_ref.clone(),
            bank_code: e.bank_code.clone(),
            kind: e.kind,
            additional_info: e.additional_info.clone(),
            transactions: Vec::new(),
            line: e.line,
        };
        Some((shell, tx.clone()))
    }
}

/// Column `i` as text borrowed from the row (no copy for what is only
/// parsed); a column that is not text fails with the error `get::<String>`
/// gives.
fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    match r.get_ref(i)?.as_str() {
        Ok(s) => Ok(s),
        Err(_) => r.get::<_, String>(i).and(Err(damaged(i, "text"))),
    }
}

fn stored(
    r: &rusqlite::Row<'_>,
    memo: Option<&InMemory<'_>>,
) -> rusqlite::Result<Option<StoredTx>> {
    let account: String = r.get(0)?;
    let statement_id: String = r.get(1)?;
    let position = usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0);
    let (entry, tx) = match memo.and_then(|m| m.get(&account, &statement_id, position)) {
        Some(pair) => pair,
        None => serde_json::from_str(text(r, 4)?).map_err(|_| damaged(4, "details"))?,
    };
    let currency = text(r, 3)?;
    Ok(Some(StoredTx {
        account,
        statement_id,
        position,
        currency: crate::money::Currency::parse(currency).ok_or_else(|| damaged(3, "currency"))?,
        entry,
        tx,
        remaining: text(r, 5)?
            .parse()
            .map_err(|_| damaged(5, "remaining amount"))?,
        processed_run: r.get(6)?,
        notification: r.get(7)?,
    }))
}

fn query_stored(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> rusqlite::Result<Vec<StoredTx>> {
    query_stored_with(conn, sql, p, None)
}

fn query_stored_with(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    memo: Option<&InMemory<'_>>,
) -> rusqlite::Result<Vec<StoredTx>> {
    // Cached: the counterpart lookup runs once per imported entry.
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, |r| stored(r, memo))?;
    let mut out = Vec::new();
    for r in rows {
        out.extend(r?);
    }
    Ok(out)
}

/// The waiting debits (never processed): what the debit step reads.
pub fn waiting_debits(
    conn: &Connection,
    run_date: &str,
    memo: &InMemory<'_>,
) -> rusqlite::Result<Vec<StoredTx>> {
    waiting_where(
        conn,
        run_date,
        "amount LIKE '-%' AND processed_run IS NULL",
        memo,
    )
}

/// The waiting credits (new or carried over): what matching reads.
pub fn waiting_credits(
    conn: &Connection,
    run_date: &str,
    memo: &InMemory<'_>,
) -> rusqlite::Result<Vec<StoredTx>> {
    waiting_where(conn, run_date, "amount NOT LIKE '-%'", memo)
}

/// Booked transactions with money still to apply — never processed and
/// booked on or before `run_date`, or processed earlier with a remainder
/// (credits carried over) — narrowed by a fixed SQL condition so each step
/// decodes only the rows it uses. Ordered by account, statement, position.
fn waiting_where(
    conn: &Connection,
    run_date: &str,
    condition: &str,
    memo: &InMemory<'_>,
) -> rusqlite::Result<Vec<StoredTx>> {
    query_stored_with(conn, &waiting_sql(condition), params![run_date], Some(memo))
}

/// The query of [`waiting_where`]. Its first two conditions are those of the
/// partial index `transactions_open` (migration 5), which holds only the rows
/// with money left, in this order: the steps read what waits, never the
/// whole history.
fn waiting_sql(condition: &str) -> String {
    format!(
        "SELECT {STORED_COLUMNS} FROM transactions
         WHERE status = 'booked' AND remaining != '0.00'
           AND (booking_date IS NULL OR booking_date <= ?1)
           AND (processed_run IS NULL OR amount NOT LIKE '-%')
           AND ({condition})
         ORDER BY account, statement_id, position"
    )
}

/// Whether the account has any transaction on that side (statements when
/// `notification` is false) not yet linked to the other side: when it has
/// none, no entry of tonight's statement can have a counterpart, and the
/// per-entry lookup is skipped.
pub fn has_unlinked(
    conn: &Connection,
    account: &str,
    notification: bool,
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM transactions
             WHERE account = ?1 AND notification = ?2 AND linked_to IS NULL)",
    )?
    .query_row(params![account, notification], |r| r.get(0))
}

/// Whether any booked notification row, of any account, is linked to no
/// statement row: when none is, no payment can be one a notification
/// already counted. Through the partial index `transactions_notified`.
pub fn any_unlinked_notification(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM transactions
             WHERE notification = 1 AND linked_to IS NULL AND status = 'booked')",
    )?
    .query_row([], |r| r.get(0))
}

/// The booked rows of an account on one side (notifications when
/// `notification` is true) of this transaction amount (signed, as stored)
/// linked to nothing, whatever their day, in statement and row order.
/// Through the index `transactions_amount`.
pub fn unlinked_of_amount(
    conn: &Connection,
    account: &str,
    notification: bool,
    amount: &str,
) -> rusqlite::Result<Vec<StoredTx>> {
    query_stored(
        conn,
        &format!(
            "SELECT {STORED_COLUMNS} FROM transactions
             WHERE account = ?1 AND notification = ?2 AND amount = ?3
               AND linked_to IS NULL AND status = 'booked'
             ORDER BY statement_id, position"
        ),
        params![account, notification, amount],
    )
}

/// Unlinked transactions of an account that share the bank reference, or the
/// amount and day (booking date, else value date: a bank may give a booked
/// entry only one of them), from statements (`notification = false`) or from
/// notifications. The caller decides which of them really correspond.
pub fn counterpart_candidates(
    conn: &Connection,
    account: &str,
    notification: bool,
    bank_ref: Option<&str>,
    amount: &str,
    day: Option<&str>,
) -> rusqlite::Result<Vec<StoredTx>> {
    query_stored(
        conn,
        &format!(
            // Two indexed lookups (migration 2), not one OR that scans
            // every transaction of the client for every imported entry.
            // A row two documents share under one id (linked to itself)
            // is still found by its reference, never by amount and date.
            "SELECT {STORED_COLUMNS} FROM transactions
             WHERE rowid IN (
                 SELECT rowid FROM transactions
                  WHERE account = ?1 AND notification = ?2 AND bank_ref = ?3
                    AND (linked_to IS NULL OR linked_to = entry_id)
                 UNION
                 SELECT rowid FROM transactions
                  WHERE account = ?1 AND notification = ?2 AND amount = ?4
                    AND COALESCE(booking_date, value_date) IS ?5
                    AND linked_to IS NULL)
             ORDER BY statement_id, position"
        ),
        params![account, notification, bank_ref, amount, day],
    )
}

/// The booked notification rows of an account of the day `day` (booking
/// date, else value date; none: without either) not linked to any statement, in statement and row
/// order: the notification entries a statement entry may be, whatever their
/// split. Through the partial index `transactions_notified` (migration 14).
pub fn notified_on(
    conn: &Connection,
    account: &str,
    day: Option<&str>,
) -> rusqlite::Result<Vec<StoredTx>> {
    query_stored(conn, &notified_sql(), params![account, day])
}

fn notified_sql() -> String {
    format!(
        "SELECT {STORED_COLUMNS} FROM transactions
         WHERE notification = 1 AND linked_to IS NULL
           AND account = ?1 AND COALESCE(booking_date, value_date) IS ?2 AND status = 'booked'
         ORDER BY statement_id, position"
    )
}

/// [`notified_on`] for the days `from` to `to` (a statement's period).
pub fn notified_between(
    conn: &Connection,
    account: &str,
    from: &str,
    to: &str,
) -> rusqlite::Result<Vec<StoredTx>> {
    let sql = notified_sql().replace("IS ?2", "BETWEEN ?2 AND ?3");
    query_stored(conn, &sql, params![account, from, to])
}

/// Marks a transaction that a statement and a notification both carry under
/// its id as linked (to itself), its money untouched: no other entry takes
/// it for its counterpart by amount and date, while a document detailing it
/// still finds it by its reference. `notification` says which side's row.
pub fn link_shared(
    conn: &Connection,
    account: &str,
    entry_id: &str,
    notification: bool,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE transactions SET linked_to = entry_id
         WHERE account = ?1 AND entry_id = ?2 AND notification = ?3 AND linked_to IS NULL",
    )?
    .execute(params![account, entry_id, notification])?;
    Ok(())
}

/// `linked_to` of a notification's transaction that a statement covers
/// without containing it: never money.
pub const NOT_MONEY: &str = "(covered by a statement)";

/// Sets a transaction's remaining money, processed night and link.
pub fn settle_tx(
    conn: &Connection,
    account: &str,
    entry_id: &str,
    remaining: crate::money::Money,
    processed_run: Option<&str>,
    linked_to: Option<&str>,
) -> rusqlite::Result<()> {
    let remaining = remaining.to_plain();
    // A column the call leaves as it is stays out of the SET list: SQLite
    // then leaves alone the indexes only it concerns (`linked_to` is in the
    // WHERE of `transactions_notified`), which most calls (no link) spare.
    match (processed_run, linked_to) {
        (None, None) => conn
            .prepare_cached(
                "UPDATE transactions SET remaining = ?3 WHERE account = ?1 AND entry_id = ?2",
            )?
            .execute(params![account, entry_id, remaining])?,
        (Some(run), None) => conn
            .prepare_cached(
                "UPDATE transactions SET remaining = ?3,
                     processed_run = COALESCE(processed_run, ?4)
                 WHERE account = ?1 AND entry_id = ?2",
            )?
            .execute(params![account, entry_id, remaining, run])?,
        (processed_run, Some(link)) => conn
            .prepare_cached(
                "UPDATE transactions SET remaining = ?3,
                     processed_run = COALESCE(processed_run, ?4),
                     linked_to = ?5
                 WHERE account = ?1 AND entry_id = ?2",
            )?
            .execute(params![account, entry_id, remaining, processed_run, link])?,
    };
    Ok(())
}

/// Replaces a transaction's stored details (a notification added to them).
pub fn set_details(
    conn: &Connection,
    account: &str,
    entry_id: &str,
    details: &str,
    remittance: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE transactions SET details = ?3, remittance = ?4 WHERE account = ?1 AND entry_id = ?2")?.execute(params![account, entry_id, details, remittance])?;
    Ok(())
}

/// What a stored transaction is linked to (`None`: nothing), or `None`
/// when the account has no such id.
pub fn linked_to(
    conn: &Connection,
    account: &str,
    entry_id: &str,
) -> rusqlite::Result<Option<Option<String>>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT linked_to FROM transactions WHERE account = ?1 AND entry_id = ?2")?
        .query_row(params![account, entry_id], |r| r.get(0))
        .optional()
}

/// The stored transaction by key.
pub fn get_tx(
    conn: &Connection,
    account: &str,
    entry_id: &str,
) -> rusqlite::Result<Option<StoredTx>> {
    Ok(query_stored(
        conn,
        &format!("SELECT {STORED_COLUMNS} FROM transactions WHERE account = ?1 AND entry_id = ?2"),
        params![account, entry_id],
    )?
    .into_iter()
    .next())
}

/// Credit transactions (any night) with an end-to-end id or a mandate and
/// amount, newest first: the collections a return may undo.
pub fn collections_for(
    conn: &Connection,
    end_to_end_id: Option<&str>,
    mandate_id: Option<&str>,
    amount: &str,
) -> rusqlite::Result<Vec<StoredTx>> {
    query_stored(
        conn,
        &collections_sql(),
        params![end_to_end_id, mandate_id, amount],
    )
}

/// The query of [`collections_for`]: through the partial indexes
/// `transactions_e2e` and `transactions_mandate` (migration 5).
fn collections_sql() -> String {
    format!(
        "SELECT {STORED_COLUMNS} FROM transactions
         WHERE amount NOT LIKE '-%' AND status = 'booked'
           AND ((?1 IS NOT NULL AND end_to_end_id = ?1)
                OR (?2 IS NOT NULL AND mandate_id = ?2 AND amount = ?3))
         ORDER BY COALESCE(booking_date, value_date) DESC, entry_id"
    )
}

/// Credits of an account of exactly `amount`, booked from `from` to `to`
/// (their day: [`crate::statement::Entry::day`]), newest first: the cheque
/// remittances an unpaid cheque, which carries no end-to-end id or mandate,
/// may undo (the caller keeps the cheques).
pub fn credits_of_amount_between(
    conn: &Connection,
    account: &str,
    amount: &str,
    (from, to): (&str, &str),
) -> rusqlite::Result<Vec<StoredTx>> {
    query_stored(
        conn,
        &credits_between_sql(),
        params![account, amount, from, to],
    )
}

/// The query of [`credits_of_amount_between`]: through the index
/// `transactions_amount` (migration 2).
fn credits_between_sql() -> String {
    format!(
        "SELECT {STORED_COLUMNS} FROM transactions
         WHERE account = ?1 AND notification IN (0, 1) AND amount = ?2
           AND COALESCE(booking_date, value_date) BETWEEN ?3 AND ?4 AND status = 'booked'
         ORDER BY COALESCE(booking_date, value_date) DESC, entry_id"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::statements::{encode, import};

    #[test]
    fn rows_rebuilt_from_memory_equal_rows_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let mut memo = InMemory::default();
        let mut parsed = Vec::new();
        for f in [
            "v08_batches_reversal.xml",
            "v04_sdd_returns.xml",
            "v06_two_statements.xml",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/camt")
                .join(f);
            parsed.extend(crate::formats::parse_file(&path).unwrap().statements);
        }
        for s in &parsed {
            import(conn, s, &encode(s), "2026-12-31").unwrap();
            memo.add(s.account.key(), s);
        }
        let none = InMemory::default();
        for (a, b) in [
            (
                waiting_credits(conn, "2026-12-31", &none),
                waiting_credits(conn, "2026-12-31", &memo),
            ),
            (
                waiting_debits(conn, "2026-12-31", &none),
                waiting_debits(conn, "2026-12-31", &memo),
            ),
        ] {
            let (a, b) = (a.unwrap(), b.unwrap());
            assert!(!a.is_empty());
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
    }

    #[test]
    fn a_return_finds_its_collection_without_reading_every_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let p = crate::state::query_plan(
            st.conn(),
            &collections_sql(),
            params!["E2E", "M-1", "10.00"],
        );
        assert!(
            p.iter().any(|l| l.contains("USING INDEX transactions_e2e")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|l| l.contains("USING INDEX transactions_mandate")),
            "{p:?}"
        );
        assert!(!p.iter().any(|l| l == "SCAN transactions"), "{p:?}");
    }

    #[test]
    fn an_unpaid_cheque_finds_its_remittance_without_reading_every_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let p = crate::state::query_plan(
            st.conn(),
            &credits_between_sql(),
            params!["A", "450.00", "2026-08-29", "2026-11-27"],
        );
        assert!(
            p.iter()
                .any(|l| l.contains("USING INDEX transactions_amount")),
            "{p:?}"
        );
    }

    #[test]
    fn notified_entries_of_a_day_are_read_through_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let p = crate::state::query_plan(st.conn(), &notified_sql(), params!["A", "2026-11-18"]);
        assert!(
            p.iter()
                .any(|l| l.contains("USING INDEX transactions_notified")),
            "{p:?}"
        );
    }

    #[test]
    fn waiting_rows_are_read_through_the_index_of_open_money() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        for condition in [
            "amount NOT LIKE '-%'",
            "amount LIKE '-%' AND processed_run IS NULL",
        ] {
            assert_eq!(
                crate::state::query_plan(conn, &waiting_sql(condition), ["2026-12-31"]),
                ["SCAN transactions USING INDEX transactions_open"],
                "{condition}"
            );
        }
    }
}
