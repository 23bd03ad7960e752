//! Statements and transactions in state: what was imported, under which
//! files, and each transaction's money still waiting to be applied.
//!
//! A statement is known by (account, statement id) and its content hash: the
//! SHA-256 of the parsed statement (entry ids included, file positions
//! excluded), so the same statement in another file, or re-encoded, is the
//! same statement; the same id with other content is a conflict.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::statement::{EntryStatus, Statement};

/// The content hash of a parsed statement (hex SHA-256).
pub fn content_hash(statement: &Statement) -> String {
    let mut canonical = statement.clone();
    canonical.line = 0;
    for e in &mut canonical.entries {
        e.line = 0;
    }
    let json = serde_json::to_vec(&canonical).unwrap_or_default();
    hex(&Sha256::digest(&json))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

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

/// Records that `file_name` carried the statement; returns false when that
/// file was already recorded for it.
pub fn record_file(
    conn: &Connection,
    account: &str,
    id: &str,
    file_name: &str,
    run_date: &str,
) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO statement_files (account, statement_id, file_name, run_date)
         VALUES (?1, ?2, ?3, ?4)",
        params![account, id, file_name, run_date],
    )?;
    Ok(n == 1)
}

/// Imports a new statement and its transactions. Booked credits and debits get
/// their full amount as `remaining`; the night that first matches them sets
/// `processed_run`.
pub fn import(
    conn: &Connection,
    statement: &Statement,
    hash: &str,
    run_date: &str,
) -> rusqlite::Result<()> {
    let account = statement.account.key();
    let money = |m: Option<crate::statement::Balance>| m.map(|b| b.amount.to_plain());
    conn.execute(
        "INSERT INTO statements (account, statement_id, content_hash, format, sequence,
             from_date, to_date, opening, closing, currency, run_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
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
        ],
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO transactions (account, entry_id, statement_id, position,
             booking_date, value_date, amount, currency, kind, status, notification, bank_ref,
             counterparty_name, counterparty_iban, end_to_end_id, mandate_id, remittance,
             return_reason, details, remaining, processed_run)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, NULL)",
    )?;
    for (position, (entry, tx)) in statement.transactions().enumerate() {
        let details = serde_json::to_string(&(entry, tx)).unwrap_or_default();
        let booked = entry.status == EntryStatus::Booked;
        insert.execute(params![
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
            tx.free_text().join(" | "),
            tx.return_reason.as_ref().map(|r| r.code.clone()),
            details,
            if booked {
                tx.amount.abs().to_plain()
            } else {
                "0.00".to_string()
            },
        ])?;
    }
    Ok(())
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
    fn import_then_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let s = statement(1);
        let h = content_hash(&s);
        let acc = s.account.key();
        assert_eq!(lookup(conn, &acc, "S-1", &h).unwrap(), Known::New);
        import(conn, &s, &h, "2026-11-20").unwrap();
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
