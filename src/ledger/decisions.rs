//! `decisions.csv` (optional): what a person decided about what pointage
//! could not settle alone. Columns `entry_id, invoice_id, decision, amount,
//! note` and, optionally, `account` (the account of `entry_id`, for an id
//! that two accounts share); `decision` is one of:
//!
//! | decision | meaning | needs |
//! |---|---|---|
//! | `accept` | apply this suggestion | entry_id, invoice_id |
//! | `reject` | never propose this pair again | entry_id, invoice_id |
//! | `assign` | apply this entry to this invoice, suggestion or not, for `amount` or all | entry_id, invoice_id |
//! | `ignore` | this entry is not a customer payment: stop alerting | entry_id |
//! | `writeoff` | settle the rest of this invoice without money | invoice_id |
//! | `clear_gap` | release dunning held by a statement gap, balance mismatch or conflicting statement on the account in `entry_id` (an IBAN; empty = every account) | — |
//!
//! Read like the other ledger files; amounts by the same rules as
//! `invoices.csv`'s (`amount_cells`: `1,000` refused unless another amount
//! of the file proves the separator). A row missing what its decision needs is
//! an error naming the file, line and column. Each line is a decision: a line
//! identical to an earlier one of the file (same decision, entry, account,
//! invoice and amount, `100` and `100.00` alike) is a further decision, known
//! by its rank among them (the second `E1;F-1;assign;100` is its own).
//! Which bytes are read — tonight's file, or the copy kept of it — is
//! `nightly::people`'s.

use std::path::Path;

use super::amount_cells::SeparatorEvidence;
use super::load::{Column, Schema, Table};
use super::lookalike;
use super::{LedgerError, LedgerErrorKind};
use crate::money::Money;

/// A kind of decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecisionKind {
    /// Apply this suggestion.
    Accept,
    /// Never propose this pair again.
    Reject,
    /// Apply this entry to this invoice.
    Assign,
    /// Not a customer payment.
    Ignore,
    /// Settle the rest of the invoice without money.
    Writeoff,
    /// Release held dunning after a statement gap.
    ClearGap,
}

impl DecisionKind {
    /// Lower-case name as in the file.
    pub fn as_str(&self) -> &'static str {
        match self {
            DecisionKind::Accept => "accept",
            DecisionKind::Reject => "reject",
            DecisionKind::Assign => "assign",
            DecisionKind::Ignore => "ignore",
            DecisionKind::Writeoff => "writeoff",
            DecisionKind::ClearGap => "clear_gap",
        }
    }

    /// The decision a cell names (`assign`, `write-off`…), if any.
    pub(super) fn parse(s: &str) -> Option<DecisionKind> {
        Some(
            match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "accept" => DecisionKind::Accept,
                "reject" => DecisionKind::Reject,
                "assign" => DecisionKind::Assign,
                "ignore" => DecisionKind::Ignore,
                "writeoff" | "write_off" => DecisionKind::Writeoff,
                "clear_gap" => DecisionKind::ClearGap,
                _ => return None,
            },
        )
    }
}

/// One decision row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Transaction (or, for `clear_gap`, an account).
    pub entry_id: String,
    /// Invoice.
    pub invoice_id: String,
    /// What was decided.
    pub kind: DecisionKind,
    /// Amount, when given.
    pub amount: Option<Money>,
    /// Free note.
    pub note: String,
    /// 1-based line.
    pub line: u64,
    /// The account the line names for its entry (column `account`, white
    /// space removed, upper case); empty when not given.
    pub account: String,
    /// 1 for the first line of the file with this decision, entry, account,
    /// invoice and amount, 2 for the second identical one…
    pub rank: u32,
}

impl Decision {
    /// What identifies the decision across nights (applied once): its kind,
    /// entry, invoice and amount, then the account when the line names one
    /// (`|@ACCOUNT`) and its rank among identical lines from the second
    /// (`|#2`). A line of earlier releases (no account, first of its kind)
    /// keeps the key it had.
    pub fn key(&self) -> String {
        let mut key = self.base_key();
        if self.rank > 1 {
            key.push_str(&format!("|#{}", self.rank));
        }
        key
    }

    /// The key without the rank: equal for identical lines.
    fn base_key(&self) -> String {
        let mut key = format!(
            "{}|{}|{}|{}",
            self.kind.as_str(),
            self.entry_id,
            self.invoice_id,
            self.amount.map(Money::to_plain).unwrap_or_default()
        );
        if !self.account.is_empty() {
            key.push_str("|@");
            key.push_str(&self.account);
        }
        key
    }
}

pub use crate::refs::account_key;

const ENTRY_ID: usize = 0;
const INVOICE_ID: usize = 1;
const DECISION: usize = 2;
const AMOUNT: usize = 3;
const NOTE: usize = 4;
const ACCOUNT: usize = 5;

const COLUMNS: &[Column] = &[
    Column {
        name: "entry_id",
        required: true,
    },
    Column {
        name: "invoice_id",
        required: true,
    },
    Column {
        name: "decision",
        required: true,
    },
    Column {
        name: "amount",
        required: false,
    },
    Column {
        name: "note",
        required: false,
    },
    Column {
        name: "account",
        required: false,
    },
];

/// The columns, and the headers refused in their place (`lookalike`).
const SCHEMA: Schema = Schema {
    columns: COLUMNS,
    lookalikes: lookalike::DECISIONS,
};

/// The file's name in the client folder.
pub const DECISIONS_FILE: &str = "decisions.csv";

/// Parses decisions; `file` names it in errors.
pub fn read_decisions(bytes: &[u8], file: &Path) -> Result<Vec<Decision>, LedgerError> {
    let table = Table::new(bytes, file);
    let mut out = Vec::new();
    let mut evidence = SeparatorEvidence::default();
    table.for_each_row(&SCHEMA, |row| {
        let kind = DecisionKind::parse(row.get(DECISION)).ok_or_else(|| {
            row.invalid(
                DECISION,
                "accept, reject, assign, ignore, writeoff or clear_gap",
            )
        })?;
        let amount = match row.optional(AMOUNT) {
            None => None,
            Some(_) => {
                let v = evidence.amount(row, AMOUNT)?;
                if !v.is_positive() {
                    return Err(row.invalid(AMOUNT, "a positive amount"));
                }
                Some(v)
            }
        };
        let needs_entry = !matches!(kind, DecisionKind::Writeoff | DecisionKind::ClearGap);
        let needs_invoice = !matches!(kind, DecisionKind::Ignore | DecisionKind::ClearGap);
        if needs_entry && row.get(ENTRY_ID).is_empty() {
            return Err(row.error(ENTRY_ID, LedgerErrorKind::Empty));
        }
        if needs_invoice && row.get(INVOICE_ID).is_empty() {
            return Err(row.error(INVOICE_ID, LedgerErrorKind::Empty));
        }
        out.push(Decision {
            entry_id: row.get(ENTRY_ID).to_string(),
            invoice_id: row.get(INVOICE_ID).to_string(),
            kind,
            amount,
            note: row.get(NOTE).to_string(),
            line: row.line,
            account: account_key(row.get(ACCOUNT)),
            rank: 1,
        });
        Ok(())
    })?;
    evidence.check()?;
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for d in &mut out {
        let n = seen.entry(d.base_key()).or_insert(0);
        *n += 1;
        d.rank = *n;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_the_errors() {
        let p = Path::new("acme/decisions.csv");
        let rows = read_decisions(
            "entry_id;invoice_id;decision;amount;note\n\
             BQ-1;F-1;accept;;ok\n\
             BQ-2;F-2;assign;120,50;téléphone du 3/11\n\
             BQ-3;;ignore;;remboursement fournisseur\n\
             ;F-4;writeoff;;petit solde\n\
             FR7630001007941234567890185;;clear_gap;;relevé 42 reçu\n"
                .as_bytes(),
            p,
        )
        .unwrap();
        let kinds: Vec<&str> = rows.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["accept", "assign", "ignore", "writeoff", "clear_gap"]
        );
        assert_eq!(rows[1].amount, Some("120.50".parse().unwrap()));
        assert_eq!(rows[1].line, 3);
        let e = read_decisions(b"entry_id,invoice_id,decision\nBQ-1,,accept\n", p).unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("invoice_id")));
        let e = read_decisions(b"entry_id,invoice_id,decision\nBQ-1,F-1,maybe\n", p).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("decision"));
    }

    #[test]
    fn identical_lines_are_ranked_and_the_account_is_part_of_the_key() {
        let p = Path::new("acme/decisions.csv");
        let rows = read_decisions(
            "entry_id,invoice_id,decision,amount,note,account\n\
             E1,F-1,assign,100,,\n\
             E1,F-1,assign,100.00,the other 100,\n\
             E1,F-1,assign,50,,\n\
             E1,F-1,assign,100,,fr76 3000 4008 2200 0102 2045 587\n"
                .as_bytes(),
            p,
        )
        .unwrap();
        let keys: Vec<String> = rows.iter().map(Decision::key).collect();
        assert_eq!(
            keys,
            [
                "assign|E1|F-1|100.00",
                "assign|E1|F-1|100.00|#2",
                "assign|E1|F-1|50.00",
                "assign|E1|F-1|100.00|@FR7630004008220001022045587",
            ]
        );
        // A file without the column reads as before.
        let rows = read_decisions(b"entry_id,invoice_id,decision\nE1,F-1,accept\n", p).unwrap();
        assert_eq!((rows[0].account.as_str(), rows[0].rank), ("", 1));
    }

    #[test]
    fn a_thousands_separator_is_refused_as_in_invoices_csv() {
        let p = Path::new("acme/decisions.csv");
        for amount in ["1,000", "1.000"] {
            let text =
                format!("entry_id;invoice_id;decision;amount;note\n;F1;writeoff;{amount};x\n");
            let e = read_decisions(text.as_bytes(), p).unwrap_err();
            assert_eq!(
                (e.line, e.column.as_deref()),
                (2, Some("amount")),
                "{amount}"
            );
            assert!(e.to_string().contains("unambiguous"), "{e}");
        }
        // Proven by another amount of the file, or written unambiguously.
        let rows = read_decisions(
            b"entry_id;invoice_id;decision;amount;note\n;F1;writeoff;1,000;x\n;F2;writeoff;2,5;y\n\
              ;F3;writeoff;1 000,00;z\n",
            p,
        )
        .unwrap();
        let amounts: Vec<String> = rows.iter().map(|d| d.amount.unwrap().to_plain()).collect();
        assert_eq!(amounts, ["1.00", "2.50", "1000.00"]);
        let e = read_decisions(
            b"entry_id;invoice_id;decision;amount\n;F1;writeoff;1 0\n",
            p,
        )
        .unwrap_err();
        assert_eq!(e.column.as_deref(), Some("amount"));
    }

    #[test]
    fn an_amount_under_another_header_is_refused_a_persons_own_column_read() {
        let p = Path::new("acme/decisions.csv");
        for header in ["montant", "Amount (EUR)", "amt", "value"] {
            let text =
                format!("entry_id;invoice_id;decision;{header};note\nE1;F1;assign;100,00;x\n");
            let e = read_decisions(text.as_bytes(), p).unwrap_err();
            assert_eq!(
                (e.line, e.column.as_deref()),
                (1, Some("amount")),
                "{header}"
            );
            assert!(e.to_string().contains("did you mean amount?"), "{e}");
        }
        // A person's own column is left alone (verify 38 V5).
        let rows = read_decisions(
            b"entry_id;invoice_id;decision;amount;who\nE1;F1;accept;;me\n",
            p,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        // The documented columns, and a comment column, are read.
        let rows = read_decisions(
            b"entry_id;invoice_id;decision;amount;note;account;Commentaire\nE1;F1;accept;;n;;c\n",
            p,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
    }
}
