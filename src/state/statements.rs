//! Statements and transactions in state: what was imported, under which
//! files, and each transaction's money still waiting to be applied.
//!
//! A statement is known by (account, statement id) and its content hash: the
//! SHA-256 of the parsed statement (entry ids included, file positions
//! excluded), so the same statement in another file, or re-encoded, is the
//! same statement; the same id with other content is a conflict.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::statement::{Entry, EntryStatus, Statement, Transaction};

pub use super::canonical::{Encoded, content_hash, details_json, encode};

/// What state knows of a statement arriving tonight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// Never seen.
    New,
    /// Imported before with the same content.
    Same,
    /// Imported before with different content.
    Different {
        /// The hash on record.
        recorded_hash: String,
    },
}

/// Looks a statement up by account, id and content hash.
pub fn lookup(conn: &Connection, account: &str, id: &str, hash: &str) -> rusqlite::Result<Known> {
    let recorded: Option<String> = conn
        .query_row(
            "SELECT content_hash FROM statements WHERE account = ?1 AND statement_id = ?2",
            params![account, id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match recorded {
        None => Known::New,
        Some(h) if h == hash => Known::Same,
        Some(recorded_hash) => Known::Different { recorded_hash },
    })
}

/// The currency of a statement in state, if state has it.
pub fn statement_currency(
    conn: &Connection,
    account: &str,
    id: &str,
) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT currency FROM statements WHERE account = ?1 AND statement_id = ?2",
        params![account, id],
        |r| r.get(0),
    )
    .optional()
}

/// The statement an account's transaction came from, and whether that was a
/// notification (camt.052/054), or `None` when the account has no such id.
pub fn origin(
    conn: &Connection,
    account: &str,
    entry_id: &str,
) -> rusqlite::Result<Option<(String, bool)>> {
    conn.prepare_cached(
        "SELECT statement_id, notification FROM transactions WHERE account = ?1 AND entry_id = ?2",
    )?
    .query_row(params![account, entry_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// The reader recorded with a file imported whole: a newer pointage reads
/// every file again once.
const READER: &str = env!("CARGO_PKG_VERSION");

/// The statement files this pointage imported whole on earlier nights:
/// (file name, hex SHA-256 of the bytes) → how many statements they held.
pub fn seen_files(conn: &Connection) -> rusqlite::Result<HashMap<(String, String), usize>> {
    let mut stmt =
        conn.prepare("SELECT file_name, sha256, statements FROM seen_files WHERE reader = ?1")?;
    let rows = stmt.query_map(params![READER], |r| {
        Ok((
            (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
            usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
        ))
    })?;
    rows.collect()
}

/// Records a statement file whose every statement is now in state (imported
/// tonight or before): the next nights leave it unparsed.
pub fn record_seen_file(
    conn: &Connection,
    file_name: &str,
    sha256: &str,
    statements: usize,
    run_date: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO seen_files (file_name, sha256, reader, statements, run_date)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        file_name,
        sha256,
        READER,
        i64::try_from(statements).unwrap_or(i64::MAX),
        run_date
    ])?;
    Ok(())
}

/// Records that `file_name` carried the statement; returns false when that
/// file was already recorded for it.
pub fn record_file(
    conn: &Connection,
    account: &str,
    id: &str,
    file_name: &str,
    run_date: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO statement_files (account, statement_id, file_name, run_date)
         VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![account, id, file_name, run_date])?;
    Ok(n == 1)
}

/// Imports a new statement and its transactions. Booked credits and debits get
/// their full amount as `remaining`; the night that first matches them sets
/// `processed_run`. Notification (camt.054/052) transactions carry no money
/// until the nightly run links them or declares them payable.
///
/// Returns the ids of the transactions not stored because the account already
/// has a transaction with that id (a notification and a statement of the
/// same entry often share it): that row stays as it is, and the caller must
/// not take it for this statement's. A row that never was money (a pending
/// or information entry, or a notification a statement covered without
/// containing it) gives way to a booked transaction with its id; never one
/// money was ever applied from, even if a return undid it since (releases
/// before this rule marked some such rows covered).
pub fn import(
    conn: &Connection,
    statement: &Statement,
    encoded: &Encoded,
    run_date: &str,
) -> rusqlite::Result<Vec<String>> {
    let hash = encoded.hash.as_str();
    let account = statement.account.key();
    let money = |m: Option<crate::statement::Balance>| m.map(|b| b.amount.to_plain());
    conn.prepare_cached(
        "INSERT INTO statements (account, statement_id, content_hash, format, sequence,
             from_date, to_date, opening, closing, currency, run_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        account,
        statement.id,
        hash,
        statement.format.label(),
        statement.sequence.and_then(|s| i64::try_from(s).ok()),
        statement
            .from_date
            .or(statement.opening.and_then(|b| b.date))
            .map(|d| d.to_string()),
        statement
            .to_date
            .or(statement.closing.and_then(|b| b.date))
            .map(|d| d.to_string()),
        money(statement.opening),
        money(statement.closing),
        statement.currency.as_str(),
        run_date,
    ])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO transactions (account, entry_id, statement_id, position,
             booking_date, value_date, amount, currency, kind, status, notification, bank_ref,
             counterparty_name, counterparty_iban, end_to_end_id, mandate_id, remittance,
             return_reason, details, remaining, processed_run)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, NULL)
         ON CONFLICT (account, entry_id) DO UPDATE SET
             statement_id = excluded.statement_id, position = excluded.position,
             booking_date = excluded.booking_date, value_date = excluded.value_date,
             amount = excluded.amount, currency = excluded.currency, kind = excluded.kind,
             status = excluded.status, notification = excluded.notification,
             bank_ref = excluded.bank_ref, counterparty_name = excluded.counterparty_name,
             counterparty_iban = excluded.counterparty_iban,
             end_to_end_id = excluded.end_to_end_id, mandate_id = excluded.mandate_id,
             remittance = excluded.remittance, return_reason = excluded.return_reason,
             details = excluded.details, remaining = excluded.remaining,
             processed_run = NULL, linked_to = NULL
         WHERE excluded.status = 'booked'
           AND (transactions.status != 'booked'
                OR (transactions.notification = 1 AND transactions.linked_to = ?21))
           AND NOT EXISTS (SELECT 1 FROM applications a
                WHERE a.account = transactions.account AND a.entry_id = transactions.entry_id)",
    )?;
    let mut not_stored = Vec::new();
    for (position, (entry, tx)) in statement.transactions().enumerate() {
        let details = encoded.details(position);
        let booked = entry.status == EntryStatus::Booked;
        let stored = insert.execute(params![
            account,
            tx.entry_id,
            statement.id,
            i64::try_from(position).unwrap_or(i64::MAX),
            entry.booking_date.map(|d| d.to_string()),
            entry.value_date.map(|d| d.to_string()),
            tx.amount.to_plain(),
            statement.currency.as_str(),
            tx.kind(entry).as_str(),
            entry.status.as_str(),
            statement.format.is_notification(),
            entry.bank_ref,
            tx.counterparty.name,
            tx.counterparty.iban,
            tx.end_to_end_id,
            tx.mandate_id,
            tx.texts(entry).join(" | "),
            tx.return_reason.as_ref().map(|r| r.code.clone()),
            details,
            if booked && !statement.format.is_notification() {
                tx.amount.abs().to_plain()
            } else {
                "0.00".to_string()
            },
            NOT_MONEY,
        ])?;
        if stored == 0 {
            not_stored.push(tx.entry_id.clone());
        }
    }
    Ok(not_stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::statement::{Account, BankCode, Entry, SourceFormat, Transaction, TxKind};

    fn statement(line: u64) -> Statement {
        Statement {
            format: SourceFormat::Camt053 { version: 8 },
            id: "S-1".into(),
            sequence: Some(7),
            account: Account {
                iban: Some("FR7630001007941234567890185".into()),
                ..Default::default()
            },
            currency: Currency::EUR,
            opening: None,
            closing: None,
            from_date: None,
            to_date: None,
            entries: vec![Entry {
                booking_date: "2026-11-20".parse().ok(),
                value_date: None,
                amount: Money::from_scaled(12050, 2).unwrap(),
                status: EntryStatus::Booked,
                reversal: false,
                bank_ref: Some("B1".into()),
                bank_code: BankCode::None,
                kind: TxKind::CreditTransferIn,
                additional_info: None,
                transactions: vec![Transaction {
                    entry_id: "B1".into(),
                    amount: Money::from_scaled(12050, 2).unwrap(),
                    ..Default::default()
                }],
                line,
            }],
            line,
        }
    }

    #[test]
    fn the_hash_ignores_where_the_statement_sat_in_its_file() {
        assert_eq!(content_hash(&statement(3)), content_hash(&statement(90)));
        let mut other = statement(3);
        other.entries[0].amount = Money::from_scaled(12051, 2).unwrap();
        assert_ne!(content_hash(&statement(3)), content_hash(&other));
    }

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

    #[test]
    fn import_then_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let s = statement(1);
        let enc = encode(&s);
        let h = enc.hash.clone();
        let acc = s.account.key();
        assert_eq!(lookup(conn, &acc, "S-1", &h).unwrap(), Known::New);
        import(conn, &s, &enc, "2026-11-20").unwrap();
        assert_eq!(lookup(conn, &acc, "S-1", &h).unwrap(), Known::Same);
        assert!(matches!(
            lookup(conn, &acc, "S-1", "other").unwrap(),
            Known::Different { .. }
        ));
        assert!(record_file(conn, &acc, "S-1", "a.xml", "2026-11-20").unwrap());
        assert!(!record_file(conn, &acc, "S-1", "a.xml", "2026-11-21").unwrap());
        let remaining: String = conn
            .query_row("SELECT remaining FROM transactions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(remaining, "120.50");
    }
}

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

fn stored(
    r: &rusqlite::Row<'_>,
    memo: Option<&InMemory<'_>>,
) -> rusqlite::Result<Option<StoredTx>> {
    let account: String = r.get(0)?;
    let statement_id: String = r.get(1)?;
    let position = usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0);
    let (entry, tx) = match memo.and_then(|m| m.get(&account, &statement_id, position)) {
        Some(pair) => pair,
        None => {
            let details: String = r.get(4)?;
            serde_json::from_str(&details).map_err(|_| damaged(4, "details"))?
        }
    };
    let currency: String = r.get(3)?;
    Ok(Some(StoredTx {
        account,
        statement_id,
        position,
        currency: crate::money::Currency::parse(&currency).ok_or_else(|| damaged(3, "currency"))?,
        entry,
        tx,
        remaining: r
            .get::<_, String>(5)?
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

/// Unlinked transactions of an account that share the bank reference, or the
/// amount and booking date, from statements (`notification = false`) or from
/// notifications. The caller decides which of them really correspond.
pub fn counterpart_candidates(
    conn: &Connection,
    account: &str,
    notification: bool,
    bank_ref: Option<&str>,
    amount: &str,
    booking_date: Option<&str>,
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
                  WHERE account = ?1 AND notification = ?2 AND amount = ?4 AND booking_date IS ?5
                    AND linked_to IS NULL)
             ORDER BY statement_id, position"
        ),
        params![account, notification, bank_ref, amount, booking_date],
    )
}

/// True when a statement (not a notification) of the account covers the date.
pub fn statement_covers(conn: &Connection, account: &str, date: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM statements WHERE account = ?1
             AND format NOT LIKE 'camt.054%' AND format NOT LIKE 'camt.052%'
             AND from_date <= ?2 AND to_date >= ?2)",
        params![account, date],
        |r| r.get(0),
    )
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
    conn.prepare_cached(
        "UPDATE transactions SET remaining = ?3,
             processed_run = COALESCE(processed_run, ?4),
             linked_to = COALESCE(?5, linked_to)
         WHERE account = ?1 AND entry_id = ?2",
    )?
    .execute(params![
        account,
        entry_id,
        remaining.to_plain(),
        processed_run,
        linked_to
    ])?;
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
         ORDER BY booking_date DESC, entry_id"
    )
}

/// Every statement's header, for continuity checks, by account then date.
pub fn headers(
    conn: &Connection,
) -> rusqlite::Result<Vec<crate::alerts::sequence::StatementHeader>> {
    let mut stmt = conn.prepare(
        "SELECT account, statement_id, sequence, from_date, to_date, opening, closing, currency
         FROM statements
         WHERE format NOT LIKE 'camt.054%' AND format NOT LIKE 'camt.052%'
         ORDER BY account, currency, COALESCE(from_date, to_date), sequence, statement_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(crate::alerts::sequence::StatementHeader {
            account: r.get(0)?,
            statement_id: r.get(1)?,
            sequence: r
                .get::<_, Option<i64>>(2)?
                .and_then(|s| u64::try_from(s).ok()),
            from_date: r.get::<_, Option<String>>(3)?.and_then(|d| d.parse().ok()),
            to_date: r.get::<_, Option<String>>(4)?.and_then(|d| d.parse().ok()),
            opening: r.get::<_, Option<String>>(5)?.and_then(|d| d.parse().ok()),
            closing: r.get::<_, Option<String>>(6)?.and_then(|d| d.parse().ok()),
            currency: r.get(7)?,
        })
    })?;
    rows.collect()
}
