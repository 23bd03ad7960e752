//! `decisions.csv` (optional): what a person decided about what pointage
//! could not settle alone. Columns `entry_id, invoice_id, decision, amount,
//! note`; `decision` is one of:
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
//! Read like the other ledger files. A row missing what its decision needs is
//! an error naming the file, line and column.

use std::path::Path;

use super::load::{Column, Table};
use super::{LedgerError, LedgerErrorKind, values};
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

    fn parse(s: &str) -> Option<DecisionKind> {
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
}

impl Decision {
    /// What identifies the decision across nights (applied once): its kind,
    /// entry, invoice and amount.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.kind.as_str(),
            self.entry_id,
            self.invoice_id,
            self.amount.map(Money::to_plain).unwrap_or_default()
        )
    }
}

const ENTRY_ID: usize = 0;
const INVOICE_ID: usize = 1;
const DECISION: usize = 2;
const AMOUNT: usize = 3;
const NOTE: usize = 4;

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
];

/// Loads `dir/decisions.csv`; no file means no decisions.
pub fn load_decisions(dir: &Path) -> Result<Vec<Decision>, LedgerError> {
    super::load::load_optional(dir, "decisions.csv", read_decisions)
}

/// Parses decisions; `file` names it in errors.
pub fn read_decisions(bytes: &[u8], file: &Path) -> Result<Vec<Decision>, LedgerError> {
    let table = Table::new(bytes, file);
    let mut out = Vec::new();
    table.for_each_row(COLUMNS, |row| {
        let kind = DecisionKind::parse(row.get(DECISION)).ok_or_else(|| {
            row.invalid(
                DECISION,
                "accept, reject, assign, ignore, writeoff or clear_gap",
            )
        })?;
        let amount = match row.optional(AMOUNT) {
            None => None,
            Some(a) => {
                let v = values::parse_amount(a)
                    .ok_or_else(|| row.invalid(AMOUNT, "an amount"))?
                    .money;
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
        });
        Ok(())
    })?;
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
}
