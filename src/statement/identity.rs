//! Transaction identity: the `entry_id` every later output and every person's
//! decision refers to.
//!
//! Rule, in order, for each transaction of a statement:
//! 1. the transaction's own bank reference (`TxDtls/Refs/AcctSvcrRef`);
//! 2. else, in an entry with several transactions, the entry's bank reference
//!    followed by `/n` (n = position of the transaction in the entry, from 1);
//! 3. else the entry's bank reference (CAMT `AcctSvcrRef`, else `NtryRef`;
//!    CFONB the reference zone, columns 105–120);
//! 4. else a fingerprint `FP-` + the first 12 hex digits of the SHA-256 of
//!    `account|booking date|amount|label|reference`, then `-k` where k counts
//!    identical lines within the statement from 1.
//!
//! A candidate from rules 1–3 that is already used by an earlier transaction of
//! the same statement is not unique, so that transaction falls back to rule 4.
//! (For CFONB this is the "reference field when non-blank and unique" rule.)
//! Nothing here depends on the file name or on the order of files, so the same
//! statement gets the same ids whatever file it arrives in.
//!
//! These are the ids a statement gives its transactions. Across statements,
//! state decides: a transaction whose id another statement of the account
//! already brought is that transaction delivered again when its content is
//! the same, else another payment under a reused reference, stored as
//! `{id}~{YYYYMMDD}` (then `~2`, `~3`…): see [`crate::state::statements`]
//! (README, "Transaction identity", rules 5 and 6).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;
use sha2::{Digest, Sha256};

use super::{Entry, Statement, Transaction};

/// Fills `entry_id` on every transaction of the statement. Returns the number of
/// transactions that fell back to a fingerprint because their reference was not
/// unique within the statement.
pub fn assign_entry_ids(statement: &mut Statement) -> usize {
    let account = statement.account.key();
    let mut assigner = IdAssigner::new(account);
    let mut collisions = 0;
    for entry in &mut statement.entries {
        collisions += assigner.assign_entry(entry);
    }
    collisions
}

/// Streaming form of [`assign_entry_ids`]: feed entries in file order.
#[derive(Debug)]
pub struct IdAssigner {
    account: String,
    used: UsedIds,
    /// Identical lines so far, by the first 6 bytes of their digest (the
    /// `FP-` id's hex).
    fingerprints: HashMap<[u8; 6], u32>,
    /// Scratch for `ref/n` candidates and fingerprint text (reused).
    scratch: String,
}

impl IdAssigner {
    /// A fresh assigner for one statement of `account` (its [`super::Account::key`]).
    pub fn new(account: String) -> IdAssigner {
        IdAssigner {
            account,
            used: UsedIds::default(),
            fingerprints: HashMap::new(),
            scratch: String::new(),
        }
    }

    /// Assigns ids to one entry's transactions. Returns how many collided.
    pub fn assign_entry(&mut self, entry: &mut Entry) -> usize {
        // A difference row (charges the bank deducted) is numbered after the
        // transactions and does not count among them: a one-payment entry
        // keeps the entry's reference as its id, as before such rows existed.
        let n = entry.transactions.iter().filter(|t| !t.difference).count();
        let mut collisions = 0;
        for i in 0..entry.transactions.len() {
            let tx = &entry.transactions[i];
            let entry_ref = clean(entry.bank_ref.as_deref());
            let candidate = match (clean(tx.bank_ref.as_deref()), entry_ref) {
                (Some(own), _) => Some(own),
                (None, Some(r)) if n > 1 || tx.difference => {
                    self.scratch.clear();
                    let _ = write!(self.scratch, "{r}/{}", i + 1);
                    Some(self.scratch.as_str())
                }
                (None, Some(r)) => Some(r),
                (None, None) => None,
            };
            let (id, hash) = match candidate {
                Some(c) => {
                    let hash = self.used.hash(c);
                    if self.used.contains(c, hash) {
                        collisions += 1;
                        self.fingerprint(entry, tx)
                    } else {
                        (c.to_string(), hash)
                    }
                }
                None => self.fingerprint(entry, tx),
            };
            self.used.insert(&id, hash);
            entry.transactions[i].entry_id = id;
        }
        collisions
    }

    /// The rule-4 id of `tx` and its hash in `used`.
    fn fingerprint(&mut self, entry: &Entry, tx: &Transaction) -> (String, u64) {
        let (label, reference) = line_content(entry, tx);
        let text = &mut self.scratch;
        text.clear();
        text.push_str(&self.account);
        text.push('|');
        if let Some(d) = entry.booking_date {
            // `%Y-%m-%d`, written without a format string parser.
            use chrono::Datelike;
            let _ = write!(text, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        }
        let _ = write!(text, "|{}|{label}|{reference}", tx.amount.to_plain());
        let digest = Sha256::digest(text.as_bytes());
        let mut key = [0u8; 6];
        key.copy_from_slice(&digest[..6]);
        let counter = self.fingerprints.entry(key).or_insert(0);
        loop {
            *counter += 1;
            let mut id = String::with_capacity(20);
            id.push_str("FP-");
            crate::hex::push_hex(&mut id, &key);
            let _ = write!(id, "-{counter}");
            let hash = self.used.hash(&id);
            if !self.used.contains(&id, hash) {
                return (id, hash);
            }
        }
    }
}

/// The label and the reference a rule-4 fingerprint covers (beside the
/// account, booking date and amount), trimmed: the transaction's first
/// remittance line (else its entry's additional information) and its
/// end-to-end id (else its entry's bank reference). Two lines with these,
/// the day and the amount equal are identical lines, whatever id each got
/// (`nightly::delivery` compares the blocks of a CFONB day so).
pub fn line_content<'a>(entry: &'a Entry, tx: &'a Transaction) -> (&'a str, &'a str) {
    let label = tx
        .remittance
        .first()
        .map(String::as_str)
        .or(entry.additional_info.as_deref())
        .unwrap_or("");
    let reference = tx
        .end_to_end_id
        .as_deref()
        .or(entry.bank_ref.as_deref())
        .unwrap_or("");
    (label.trim(), reference.trim())
}

/// The ids already given in one statement: their text kept end to end in one
/// string, found through a table of spans — no allocation per id. Hashed with
/// std's randomly keyed SipHash, so a crafted file cannot make it quadratic.
/// Each span keeps its id's hash, so the table grows without hashing every
/// id again.
#[derive(Debug, Default)]
struct UsedIds {
    text: String,
    /// `(hash, start, end)` of each id in `text`.
    spans: HashTable<(u64, usize, usize)>,
    hasher: RandomState,
}

impl UsedIds {
    fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// Whether `id` (of hash `hash`) is already used.
    fn contains(&self, id: &str, hash: u64) -> bool {
        let text = &self.text;
        self.spans
            .find(hash, |&(h, start, end)| {
                h == hash && text.get(start..end) == Some(id)
            })
            .is_some()
    }

    /// Adds `id` of hash `hash` (the caller has checked it is not there yet).
    fn insert(&mut self, id: &str, hash: u64) {
        let start = self.text.len();
        self.text.push_str(id);
        let span = (hash, start, self.text.len());
        self.spans.insert_unique(hash, span, |&(h, _, _)| h);
    }
}

fn clean(s: Option<&str>) -> Option<&str> {
    s.map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("NOTPROVIDED"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::statement::{Account, BankCode, EntryStatus, SourceFormat, TxKind};

    fn entry(bank_ref: Option<&str>, txs: Vec<Option<&str>>) -> Entry {
        Entry {
            booking_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
            value_date: None,
            amount: Money::from_scaled(1000, 2).unwrap(),
            currency: None,
            status: EntryStatus::Booked,
            reversal: false,
            bank_ref: bank_ref.map(String::from),
            bank_code: BankCode::None,
            kind: TxKind::Other,
            additional_info: Some("VIR SEPA".into()),
            transactions: txs
                .into_iter()
                .map(|r| Transaction {
                    bank_ref: r.map(String::from),
                    amount: Money::from_scaled(1000, 2).unwrap(),
                    ..Default::default()
                })
                .collect(),
            line: 1,
        }
    }

    fn statement(entries: Vec<Entry>) -> Statement {
        Statement {
            format: SourceFormat::Cfonb120,
            id: "S1".into(),
            sequence: None,
            account: Account {
                iban: Some("FR7630001007941234567890185".into()),
                ..Default::default()
            },
            currency: Currency::EUR,
            opening: None,
            closing: None,
            from_date: None,
            to_date: None,
            entries,
            line: 1,
        }
    }

    fn ids(s: &Statement) -> Vec<String> {
        s.transactions().map(|(_, t)| t.entry_id.clone()).collect()
    }

    #[test]
    fn rules_in_order() {
        let mut s = statement(vec![
            entry(Some("E1"), vec![Some("T1")]),
            entry(Some("E2"), vec![None, None]),
            entry(Some("E3"), vec![None]),
        ]);
        assert_eq!(assign_entry_ids(&mut s), 0);
        assert_eq!(ids(&s), ["T1", "E2/1", "E2/2", "E3"]);
    }

    #[test]
    fn a_difference_row_is_numbered_after_and_renumbers_nothing() {
        let charges = |mut e: Entry| {
            e.transactions.push(Transaction {
                difference: true,
                ..Default::default()
            });
            e
        };
        let mut s = statement(vec![
            charges(entry(Some("E1"), vec![None])),
            charges(entry(Some("E2"), vec![None, None])),
        ]);
        assign_entry_ids(&mut s);
        // One payment keeps the entry's reference, as without the row.
        assert_eq!(ids(&s), ["E1", "E1/2", "E2/1", "E2/2", "E2/3"]);
    }

    #[test]
    fn identical_lines_without_reference_get_counted_fingerprints() {
        let mut s = statement(vec![entry(None, vec![None]), entry(None, vec![None])]);
        assign_entry_ids(&mut s);
        let got = ids(&s);
        assert!(
            got[0].starts_with("FP-") && got[0].ends_with("-1"),
            "{got:?}"
        );
        let base = got[0].strip_suffix("-1").unwrap();
        assert_eq!(got[1], format!("{base}-2"));
        // Stable: the same statement read again gives the same ids.
        let mut again = statement(vec![entry(None, vec![None]), entry(None, vec![None])]);
        assign_entry_ids(&mut again);
        assert_eq!(ids(&again), got);
    }

    #[test]
    fn a_reused_reference_is_not_unique_and_falls_back() {
        let mut s = statement(vec![
            entry(Some("R"), vec![None]),
            entry(Some("R"), vec![None]),
        ]);
        assert_eq!(assign_entry_ids(&mut s), 1);
        let got = ids(&s);
        assert_eq!(got[0], "R");
        assert!(got[1].starts_with("FP-"));
    }
}
