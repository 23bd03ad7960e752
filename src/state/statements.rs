//! Statements in state: what was imported, under which files, and the
//! headers the continuity checks read. The transactions they brought are
//! read back and settled by [`super::transactions`].
//!
//! A statement is known by (account, statement id) and its content hash: the
//! SHA-256 of the parsed statement (entry ids included, file positions
//! excluded), so the same statement in another file, or re-encoded, is the
//! same statement; the same id with other content is a conflict.
//!
//! A transaction is known by (account, `entry_id`). A new statement's
//! transaction whose id another statement of the account already brought is
//! the same transaction delivered again when its content is the same,
//! payer and texts included (see `same_transaction`): it is not stored again. Otherwise it is another
//! payment given a reference the bank reused (many banks number `NtryRef`
//! 1, 2, 3… in every statement): it is stored under `{id}~{day}` (`day` =
//! its booking date, else its value date, as `YYYYMMDD`, else `0`), then
//! `{id}~{day}~2`, `~3`… — the first such id free, or already holding this
//! same transaction (then that is the repeat, not stored again). The first
//! transaction stored under an id keeps it, so ids that never collide never
//! change; the statement's content hash is that of the statement as read.
//! An id a notification (camt.054/052) holds is the entry the statement
//! books — linked, not stored again — unless the statement's transaction is
//! plainly another payment (end-to-end ids or payer IBANs that contradict,
//! or another day and another amount): then it too gets `{id}~{day}`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::statement::{EntryStatus, Statement};

use super::transactions::NOT_MONEY;

pub use super::canonical::{Encoded, content_hash, details_json, encode};
pub use super::tx_identity::{another_than_notified, same_strong_end_to_end};
use super::tx_identity::{distinct_id, held, same_transaction};

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

/// The earlier night and pointage version that imported a file of exactly
/// these bytes whole (under any name), if one did: a statement of it that
/// reads differently now differs by the reader, not by the bank.
pub fn imported_whole_before(
    conn: &Connection,
    sha256: &str,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(
        "SELECT run_date, reader FROM seen_files WHERE sha256 = ?1
         ORDER BY run_date, reader LIMIT 1",
    )?
    .query_row(params![sha256], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
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

/// What a new statement's transactions became in state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// Ids not stored because the account already has that transaction
    /// (the same content, or a notification's row: see [`import`]).
    pub not_stored: Vec<String>,
    /// Transactions stored under another id than the statement's because a
    /// different transaction of another statement holds theirs: (position
    /// in [`Statement::transactions`] order, id in state).
    pub renamed: Vec<(usize, String)>,
}

/// Imports a new statement and its transactions. Booked credits and debits get
/// their full amount as `remaining`; the night that first matches them sets
/// `processed_run`. Notification (camt.054/052) transactions carry no money
/// until the nightly run links them or declares them payable.
///
/// Returns the ids of the transactions not stored because the account already
/// has that transaction (a notification and a statement of the same entry
/// often share its id): that row stays as it is, and the caller must not take
/// it for this statement's; and the transactions stored under another id
/// because a different transaction of another statement has theirs (see the
/// module doc; never for a notification). A row that never was money (a pending
/// or information entry, or a notification a statement covered without
/// containing it) gives way to a booked transaction with its id; never one
/// money was ever applied from, even if a return undid it since (releases
/// before this rule marked some such rows covered).
pub fn import(
    conn: &Connection,
    statement: &Statement,
    encoded: &Encoded,
    run_date: &str,
) -> rusqlite::Result<Stored> {
    let hash = encoded.hash.as_str();
    let account = statement.account.key();
    let [from, to, opening, closing] = period_and_balances(statement);
    conn.prepare_cached(
        "INSERT INTO statements (account, statement_id, content_hash, format, sequence,
             from_date, to_date, opening, closing, currency, run_date, closes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        account,
        statement.id,
        hash,
        statement.format.label(),
        statement.sequence.and_then(|s| i64::try_from(s).ok()),
        from,
        to,
        opening,
        closing,
        statement.currency.as_str(),
        run_date,
        closes(statement),
    ])?;
    insert_transactions(conn, statement, encoded, None)
}

/// A camt.052 report known under its id that grew (see
/// [`crate::nightly::delivery`]): its header becomes tonight's, and only its
/// transactions state does not hold yet are stored; those it holds are
/// returned as not stored, and so are those at `repeats` (places in
/// [`Statement::transactions`] order: a grown CFONB block's lines that
/// state holds under other ids, `nightly::delivery`).
pub fn grow(
    conn: &Connection,
    statement: &Statement,
    encoded: &Encoded,
    repeats: &[usize],
) -> rusqlite::Result<Stored> {
    let account = statement.account.key();
    let [from, to, opening, closing] = period_and_balances(statement);
    conn.prepare_cached(
        "UPDATE statements SET content_hash = ?3, from_date = ?4, to_date = ?5, opening = ?6,
             closing = ?7, closes = ?8
         WHERE account = ?1 AND statement_id = ?2",
    )?
    .execute(params![
        account,
        statement.id,
        encoded.hash,
        from,
        to,
        opening,
        closing,
        closes(statement)
    ])?;
    insert_transactions(conn, statement, encoded, Some(repeats))
}

/// Records that the CFONB block `id` of the account is inside the block
/// `into` of its day, grown over it (the whole day re-sent after its
/// blocks): left out of continuity checks, its continuity being `into`'s.
pub fn mark_grown_into(
    conn: &Connection,
    account: &str,
    id: &str,
    into: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE statements SET grown_into = ?3 WHERE account = ?1 AND statement_id = ?2",
    )?
    .execute(params![account, id, into])?;
    Ok(())
}

/// A statement's period as state keeps it (its `FrToDt`, else its balances'
/// dates) and its opening and closing balances, as text.
/// Whether the statement's own movements add up to its closing balance.
fn closes(statement: &Statement) -> bool {
    crate::statement::check::check_balances(statement)
        == crate::statement::check::BalanceCheck::Closes
}

fn period_and_balances(statement: &Statement) -> [Option<String>; 4] {
    let money = |m: Option<crate::statement::Balance>| m.map(|b| b.amount.to_plain());
    [
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
    ]
}

/// Whether the account holds a transaction under `tx`'s id, and if so
/// whether it is that same transaction (see `same_transaction`).
pub fn holds_same(
    conn: &Connection,
    statement: &Statement,
    entry: &crate::statement::Entry,
    tx: &crate::statement::Transaction,
) -> rusqlite::Result<Option<bool>> {
    let currency = statement.currency_of(entry);
    Ok(held(conn, &statement.account.key(), &tx.entry_id)?
        .map(|h| same_transaction(&h, entry, tx, currency.as_str())))
}

/// Stores a statement's transactions (see [`import`]); with `skip_held`
/// (a grown statement), one whose id the account holds already, or at one
/// of the places given, is left as it is.
fn insert_transactions(
    conn: &Connection,
    statement: &Statement,
    encoded: &Encoded,
    skip_held: Option<&[usize]>,
) -> rusqlite::Result<Stored> {
    let account = statement.account.key();
    let mut insert = conn.prepare_cached(INSERT_TX)?;
    let mut out = Stored::default();
    for (position, (entry, tx)) in statement.transactions().enumerate() {
        if let Some(repeats) = skip_held
            && (repeats.contains(&position) || held(conn, &account, &tx.entry_id)?.is_some())
        {
            out.not_stored.push(tx.entry_id.clone());
            continue;
        }
        let details = encoded.details(position);
        if insert_tx(
            &mut insert,
            &account,
            statement,
            position,
            entry,
            tx,
            &details,
        )? == 1
        {
            continue;
        }
        let renamed = distinct_id(conn, &account, statement, entry, tx)?;
        match renamed {
            None => out.not_stored.push(tx.entry_id.clone()),
            Some(id) => {
                let mut tx = tx.clone();
                tx.entry_id.clone_from(&id);
                let details = details_json(entry, &tx);
                if insert_tx(
                    &mut insert,
                    &account,
                    statement,
                    position,
                    entry,
                    &tx,
                    &details,
                )? == 0
                {
                    out.not_stored.push(id.clone());
                }
                out.renamed.push((position, id));
            }
        }
    }
    Ok(out)
}

/// The insert of [`import`]: a row already there under the id is replaced
/// only by a booked row when it was not booked, or a notification's row a
/// statement covers, with no application.
pub(crate) const INSERT_TX: &str =
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
                WHERE a.account = transactions.account AND a.entry_id = transactions.entry_id)";

/// Inserts one transaction of a new statement (see [`import`]'s SQL);
/// returns the rows written (0: not stored).
pub(crate) fn insert_tx(
    insert: &mut rusqlite::CachedStatement<'_>,
    account: &str,
    statement: &Statement,
    position: usize,
    entry: &crate::statement::Entry,
    tx: &crate::statement::Transaction,
    details: &str,
) -> rusqlite::Result<usize> {
    let booked = entry.status == EntryStatus::Booked;
    insert.execute(params![
        account,
        tx.entry_id,
        statement.id,
        i64::try_from(position).unwrap_or(i64::MAX),
        super::SqlDay::opt(entry.booking_date),
        super::SqlDay::opt(entry.value_date),
        tx.amount.to_plain(),
        statement.currency_of(entry).as_str(),
        tx.kind(entry).as_str(),
        entry.status.as_str(),
        statement.format.is_notification(),
        entry.bank_ref,
        tx.counterparty.name,
        tx.counterparty.iban,
        tx.end_to_end_id,
        tx.mandate_id,
        tx.texts(entry).join(" | "),
        tx.return_reason.as_ref().map(|r| r.code.as_str()),
        details,
        if booked && !statement.format.is_notification() {
            std::borrow::Cow::Owned(tx.amount.abs().to_plain())
        } else {
            std::borrow::Cow::Borrowed("0.00")
        },
        NOT_MONEY,
    ])
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

/// The first statement (not a notification) of the account covering the
/// date, by id.
pub fn covering(conn: &Connection, account: &str, date: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT statement_id FROM statements WHERE account = ?1
             AND format NOT LIKE 'camt.054%' AND format NOT LIKE 'camt.052%'
             AND from_date <= ?2 AND to_date >= ?2
         ORDER BY statement_id LIMIT 1",
        params![account, date],
        |r| r.get(0),
    )
    .optional()
}

/// The last day a statement (not a notification) of the account covers.
pub fn covered_through(conn: &Connection, account: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT MAX(to_date) FROM statements WHERE account = ?1
             AND format NOT LIKE 'camt.054%' AND format NOT LIKE 'camt.052%'",
        params![account],
        |r| r.get(0),
    )
}

/// Every statement's header, for continuity checks, by account then date
/// (a block inside another of its day grown over it left out).
pub fn headers(
    conn: &Connection,
) -> rusqlite::Result<Vec<crate::alerts::sequence::StatementHeader>> {
    let mut stmt = conn.prepare(
        "SELECT account, statement_id, sequence, from_date, to_date, opening, closing, currency
         FROM statements
         WHERE format NOT LIKE 'camt.054%' AND format NOT LIKE 'camt.052%'
             AND grown_into IS NULL
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
                currency: None,
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
    fn a_reference_another_statement_holds_for_another_transaction_gets_a_distinct_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let day = |id: &str, date: &str, cents: i64| {
            let mut s = statement(1);
            s.id = id.into();
            s.entries[0].booking_date = date.parse().ok();
            s.entries[0].amount = Money::from_scaled(cents, 2).unwrap();
            s.entries[0].transactions[0].amount = s.entries[0].amount;
            s
        };
        let run = |s: &Statement| import(conn, s, &encode(s), "2026-11-21").unwrap();
        assert_eq!(run(&day("S-1", "2026-11-20", 12050)), Stored::default());
        // Another day, another payment, the same bank reference.
        let other = run(&day("S-2", "2026-11-21", 12050));
        assert_eq!(other.renamed, [(0, "B1~20261121".to_string())]);
        assert!(other.not_stored.is_empty());
        // That payment delivered again: the id it was given, not stored.
        let again = run(&day("S-2-BIS", "2026-11-21", 12050));
        assert_eq!(again.renamed, [(0, "B1~20261121".to_string())]);
        assert_eq!(again.not_stored, ["B1~20261121"]);
        // A third payment of that day under the reference.
        let third = run(&day("S-3", "2026-11-21", 9900));
        assert_eq!(third.renamed, [(0, "B1~20261121~2".to_string())]);
        // The first one delivered again keeps its plain id: a repeat.
        let first = run(&day("S-1-BIS", "2026-11-20", 12050));
        assert_eq!(first.not_stored, ["B1"]);
        assert!(first.renamed.is_empty());
        let rows: Vec<(String, String, String)> = conn
            .prepare("SELECT entry_id, statement_id, amount FROM transactions ORDER BY entry_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let want = [
            ("B1", "S-1", "120.50"),
            ("B1~20261121", "S-2", "120.50"),
            ("B1~20261121~2", "S-3", "99.00"),
        ];
        assert_eq!(
            rows,
            want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        );
        // The details matching reads carry the id in state.
        let details: String = conn
            .query_row(
                "SELECT details FROM transactions WHERE entry_id = 'B1~20261121~2'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(details.contains("\"B1~20261121~2\""), "{details}");
    }

    #[test]
    fn a_reused_reference_with_another_payer_or_label_is_another_payment() {
        // Review 38 banks F7, F8: `NtryRef` 1 in two statements of a day (or
        // a CFONB reference zone of zeros), 120.50 each on 20/11: Gamma's
        // payment was dropped as Alpha's delivered again.
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let said = |id: &str, name: &str, texts: &[&str]| {
            let mut s = statement(1);
            s.id = id.into();
            let tx = &mut s.entries[0].transactions[0];
            tx.counterparty.name = Some(name.into());
            tx.remittance = texts.iter().map(|t| (*t).to_string()).collect();
            s
        };
        let run = |s: &Statement| import(conn, s, &encode(s), "2026-11-21").unwrap();
        assert_eq!(
            run(&said("S-1", "ALPHA SARL", &["FACT F45"])),
            Stored::default()
        );
        // Another payer: another payment.
        let gamma = run(&said("S-2", "GAMMA SA", &["FACT F47"]));
        assert_eq!(gamma.renamed, [(0, "B1~20261120".to_string())]);
        assert!(gamma.not_stored.is_empty());
        // The same payer's name, another invoice quoted: another payment.
        let other = run(&said("S-3", "ALPHA SARL", &["FACT F46"]));
        assert_eq!(other.renamed, [(0, "B1~20261120~2".to_string())]);
        // No name on one side, the labels differ: another payment.
        let mut bare = statement(1);
        bare.id = "S-4".into();
        bare.entries[0].additional_info = Some("VIR SEPA DELTA FACT F48".into());
        assert_eq!(run(&bare).renamed, [(0, "B1~20261120~3".to_string())]);
        // The look-alikes that are repeats: Alpha's statement reissued under
        // another id, its name cut short or written in other spaces and
        // case, a complement added; Gamma's again.
        for again in [
            said("S-1-BIS", "ALPHA SARL", &["FACT F45"]),
            said("S-1-TER", "Alpha Sarl", &["FACT  F45"]),
            said("S-1-CUT", "ALPHA", &["FACT F45", "MERCI"]),
        ] {
            let got = run(&again);
            assert_eq!(got.not_stored, ["B1"], "{}", again.id);
            assert!(got.renamed.is_empty(), "{}", again.id);
        }
        let got = run(&said("S-2-BIS", "GAMMA SA", &["FACT F47"]));
        assert_eq!(got.not_stored, ["B1~20261120"]);
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM transactions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 4);
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
