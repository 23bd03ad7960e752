//! The JSON forms state hashes and stores, written straight from borrowed
//! statements: no copy of a statement to blank its file positions.
//!
//! Both forms are exactly what `serde_json` writes for the model with the
//! fields shown blanked (tests below compare byte for byte): a statement's
//! content hash must stay the same from release to release, or every
//! statement already imported would read as a conflict.

use serde::Serialize;
use serde::ser::Serializer;
use sha2::{Digest, Sha256};

use crate::statement::{Entry, Statement, Transaction};

/// A statement as hashed: `line` 0 on the statement and on every entry.
#[derive(Serialize)]
struct StatementView<'a> {
    format: &'a crate::statement::SourceFormat,
    id: &'a str,
    sequence: Option<u64>,
    account: &'a crate::statement::Account,
    currency: &'a crate::money::Currency,
    opening: &'a Option<crate::statement::Balance>,
    closing: &'a Option<crate::statement::Balance>,
    from_date: &'a Option<chrono::NaiveDate>,
    to_date: &'a Option<chrono::NaiveDate>,
    entries: Entries<'a>,
    line: u64,
}

/// An entry with the transactions given and the line given.
#[derive(Serialize)]
struct EntryView<'a> {
    booking_date: &'a Option<chrono::NaiveDate>,
    value_date: &'a Option<chrono::NaiveDate>,
    amount: &'a crate::money::Money,
    status: &'a crate::statement::EntryStatus,
    reversal: bool,
    bank_ref: &'a Option<String>,
    bank_code: &'a crate::statement::BankCode,
    kind: &'a crate::statement::TxKind,
    additional_info: &'a Option<String>,
    transactions: &'a [Transaction],
    line: u64,
}

impl<'a> EntryView<'a> {
    fn new(e: &'a Entry, transactions: &'a [Transaction], line: u64) -> Self {
        EntryView {
            booking_date: &e.booking_date,
            value_date: &e.value_date,
            amount: &e.amount,
            status: &e.status,
            reversal: e.reversal,
            bank_ref: &e.bank_ref,
            bank_code: &e.bank_code,
            kind: &e.kind,
            additional_info: &e.additional_info,
            transactions,
            line,
        }
    }
}

/// A statement's entries, each with line 0.
struct Entries<'a>(&'a [Entry]);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|e| EntryView::new(e, &e.transactions, 0)))
    }
}

/// The content hash of a parsed statement (hex SHA-256 of its JSON with the
/// file positions blanked): the same statement read from another file, or
/// from another place in a file, has the same hash.
pub fn content_hash(statement: &Statement) -> String {
    let view = StatementView {
        format: &statement.format,
        id: &statement.id,
        sequence: statement.sequence,
        account: &statement.account,
        currency: &statement.currency,
        opening: &statement.opening,
        closing: &statement.closing,
        from_date: &statement.from_date,
        to_date: &statement.to_date,
        entries: Entries(&statement.entries),
        line: 0,
    };
    // Into one buffer, then hashed at once: serde_json writes many short
    // pieces, which a Vec takes fastest.
    let mut json = Vec::with_capacity(1024 * (1 + statement.entries.len()));
    // The model serializes to JSON without error (string keys only), and a
    // Vec never fails: nothing to report.
    let _ = serde_json::to_writer(&mut json, &view);
    super::statements::hex(&Sha256::digest(&json))
}

/// What matching reads of a stored transaction, as JSON: its entry without
/// the entry's other transactions (each has its own row) and the transaction.
pub fn details_json(entry: &Entry, tx: &Transaction) -> String {
    serde_json::to_string(&(&EntryView::new(entry, &[], entry.line), tx)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every statement of the CAMT, CFONB and demo fixtures: batches,
    /// returns, reversals, notifications, several statements per file.
    fn fixture_statements() -> Vec<Statement> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut dirs = vec![root.join("camt"), root.join("cfonb120")];
        if let Ok(rd) = std::fs::read_dir(root.join("demo")) {
            dirs.extend(rd.flatten().map(|e| e.path().join("statements")));
        }
        let mut files: Vec<_> = dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flat_map(|rd| rd.flatten().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|f| crate::formats::parse_file(f).ok())
            .flat_map(|p| p.statements)
            .collect()
    }

    /// The form every earlier release hashed: a copy with lines blanked.
    fn hash_of_copy(statement: &Statement) -> String {
        let mut c = statement.clone();
        c.line = 0;
        for e in &mut c.entries {
            e.line = 0;
        }
        let json = serde_json::to_vec(&c).unwrap();
        super::super::statements::hex(&Sha256::digest(&json))
    }

    #[test]
    fn the_hash_is_the_one_earlier_releases_recorded() {
        let all = fixture_statements();
        assert!(all.len() >= 20, "demo statements found: {}", all.len());
        for s in &all {
            assert_eq!(content_hash(s), hash_of_copy(s), "statement {}", s.id);
        }
    }

    #[test]
    fn details_are_the_entry_without_its_transactions_and_the_transaction() {
        for s in fixture_statements() {
            for e in &s.entries {
                for tx in &e.transactions {
                    let mut shell = e.clone();
                    shell.transactions.clear();
                    let old = serde_json::to_string(&(&shell, tx)).unwrap();
                    assert_eq!(details_json(e, tx), old);
                }
            }
        }
    }

    #[test]
    fn a_recorded_hash_does_not_move() {
        // What releases up to this one recorded (pinned 2026-12-06):
        // if the model's serialized form changes, statements imported
        // before would read as conflicts.
        let f = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/camt/v08_batches_reversal.xml");
        let parsed = crate::formats::parse_file(&f).unwrap();
        assert_eq!(
            content_hash(&parsed.statements[0]),
            "a82d352c7f7340f848191429e51cb227bf1ab1670ce4c87bbf23eb063dcb6b89"
        );
    }
}
