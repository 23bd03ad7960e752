//! One 01…07 block being read: what its records become in its
//! [`Statement`] (the 01's account, currency and old balance; one entry per
//! 04, filled by the 05s after it; the 07's new balance, the statement's id
//! and its balance check), and the findings on records that disagree with
//! their 01. [`Scratch`] is what the parse keeps across blocks: vectors lent
//! to the movement being read, and the ids given so far.

use std::path::Path;

use super::block_id;
use super::complement;
use super::lines::Line;
use super::record::{self, AccountFields};
use super::structural;
use crate::formats::ibans::IbanChecks;
use crate::formats::{ParseError, ParseErrorKind, Parsed};
use crate::money::Currency;
use crate::refs;
use crate::statement::{
    Account, Balance, BankCode, Entry, EntryStatus, Finding, FindingKind, ReturnReason,
    SourceFormat, Statement, Transaction, TxKind, check, identity,
};

/// Vectors lent to the movement being read while its complements (05)
/// arrive, then taken back: each transaction keeps vectors of exactly its
/// size. (A `Vec` of complements grows to 4 on its first push, 192 bytes,
/// for the two a movement usually has; the same for remittance lines. That
/// slack was a tenth of the model's memory, paid in page faults by a
/// one-shot parse.)
#[derive(Default)]
pub(super) struct Scratch {
    complements: Vec<(String, String)>,
    remittance: Vec<String>,
    /// The blocks closed so far, by id: their places in the output's
    /// statements.
    blocks: std::collections::HashMap<String, block_id::DayBlocks>,
}

/// Moves `v`'s items into a vector of exactly their number; the old buffer,
/// emptied, goes back to `spare` when it is the larger.
fn fit<T>(v: &mut Vec<T>, spare: &mut Vec<T>) {
    if v.len() == v.capacity() {
        return;
    }
    let mut fitted = Vec::with_capacity(v.len());
    fitted.append(v);
    let emptied = std::mem::replace(v, fitted);
    if emptied.capacity() > spare.capacity() {
        *spare = emptied;
    }
}

/// A 01…07 block being read.
pub(super) struct Block {
    pub(super) statement: Statement,
    /// Bank, branch and account of the 01 as written (cols 3-7, 12-16, 22-32).
    key: [String; 3],
    /// What a blank currency or number of decimals means on its 04s and 07:
    /// the 01's.
    blank: record::Blank,
    findings: Vec<Finding>,
    account_mismatch_reported: bool,
    currency_mismatch_reported: bool,
    extra_decimals_reported: bool,
}

impl Block {
    pub(super) fn open(line: &Line<'_>, file: &Path, expected: usize) -> Result<Block, ParseError> {
        let fields = AccountFields::of(line);
        let (currency, known) = record::currency(line, record::Blank::OPENING, file)?;
        let decimals = record::decimals(line, currency, record::Blank::OPENING, file)?;
        let date = record::date(line, 35, 40, "old balance date", file)?;
        let (amount, negative_zero) = record::amount(line, decimals, file)?;
        let bank = fields.bank.trim().to_string();
        let branch = fields.branch.trim().to_string();
        let number = fields.account.trim().to_string();
        let iban = refs::iban_from_rib(fields.bank, fields.branch, fields.account);
        let mut findings = Vec::new();
        if iban.is_none() {
            findings.push(Finding::new(
                FindingKind::InvalidIban,
                line.at(3, 32),
                format!(
                    "account {} is not a French bank/branch/account number: no IBAN computed",
                    fields.display()
                ),
            ));
        }
        if !known {
            findings.push(Finding::new(
                FindingKind::UnknownCurrency,
                line.at(17, 19),
                format!("currency {currency} is not an active ISO 4217 code"),
            ));
        }
        let mut block = Block {
            statement: Statement {
                format: SourceFormat::Cfonb120,
                id: String::new(),
                sequence: None,
                account: Account {
                    iban,
                    other_id: None,
                    bic: None,
                    bank_code: Some(bank),
                    branch_code: Some(branch),
                    account_number: Some(number),
                },
                currency,
                opening: Some(Balance { amount, date }),
                closing: None,
                from_date: date,
                to_date: None,
                // Daily blocks usually hold a few dozen movements.
                entries: Vec::with_capacity(expected.clamp(32, 1 << 16)),
                line: line.number,
            },
            key: [
                fields.bank.to_string(),
                fields.branch.to_string(),
                fields.account.to_string(),
            ],
            blank: record::Blank { currency, decimals },
            findings,
            account_mismatch_reported: false,
            currency_mismatch_reported: false,
            extra_decimals_reported: false,
        };
        block.note_decimals(line, currency, decimals);
        block.note_negative_zero(line, negative_zero);
        Ok(block)
    }

    /// The last movement is complete: its vectors are fitted (see [`Scratch`]).
    fn fit_last(&mut self, scratch: &mut Scratch) {
        if let Some(tx) = self
            .statement
            .entries
            .last_mut()
            .and_then(|e| e.transactions.last_mut())
        {
            fit(&mut tx.complements, &mut scratch.complements);
            fit(&mut tx.remittance, &mut scratch.remittance);
        }
    }

    pub(super) fn movement(
        &mut self,
        line: &Line<'_>,
        file: &Path,
        scratch: &mut Scratch,
    ) -> Result<(), ParseError> {
        self.fit_last(scratch);
        self.check_account(line, "movement (04)", false);
        let (currency, _) = record::currency(line, self.blank, file)?;
        self.check_currency(line, currency);
        let decimals = record::decimals(line, currency, self.blank, file)?;
        let booking_date = record::date(line, 35, 40, "booking date", file)?;
        let value_date = record::date(line, 43, 48, "value date", file)?;
        let (amount, negative_zero) = record::amount(line, decimals, file)?;
        self.note_decimals(line, currency, decimals);
        self.note_negative_zero(line, negative_zero);
        let interbank = line.col(33, 34);
        let bank_code = BankCode::Cfonb {
            interbank: interbank.to_string(),
            internal: line.col(8, 11).trim().to_string(),
        };
        let debit = amount.is_negative();
        let kind = bank_code.kind(debit, false);
        if kind == TxKind::Other && !bank_code.is_known(debit) {
            self.findings.push(Finding::new(
                FindingKind::UnknownCode,
                line.at(33, 34),
                format!("unknown interbank operation code {interbank:?}: kind \"other\""),
            ));
        }
        let reason = line.col(41, 42);
        let label = record::text(line, 49, 79);
        let return_reason = if !reason.trim().is_empty() && reason != "00" {
            Some(ReturnReason {
                code: reason.trim().to_string(),
                text: None,
            })
        } else if debit && kind.is_receivable_debit() {
            // No reason in cols 41-42: the label may open with the ISO one
            // (review 38 banks F5), as a 05 may (`complement`).
            label.as_deref().and_then(complement::iso_return_reason)
        } else {
            None
        };
        let transaction = Transaction {
            amount,
            return_reason,
            ..Transaction::default()
        };
        self.statement.entries.push(Entry {
            booking_date,
            value_date,
            amount,
            currency: (currency != self.statement.currency).then_some(currency),
            status: EntryStatus::Booked,
            reversal: false,
            bank_ref: record::text(line, 105, 120),
            bank_code,
            kind,
            additional_info: label,
            transactions: vec![transaction],
            line: line.number,
        });
        Ok(())
    }

    pub(super) fn complement(
        &mut self,
        line: &Line<'_>,
        file: &Path,
        ibans: &mut IbanChecks,
        scratch: &mut Scratch,
    ) -> Result<(), ParseError> {
        self.check_account(line, "complement (05)", false);
        let qualifier = line.col(46, 48);
        let info = line.col(49, 118);
        if qualifier.trim_start().is_empty() && info.trim_start().is_empty() {
            self.findings.push(Finding::new(
                FindingKind::Ignored,
                line.at(46, 118),
                "complement (05) with neither qualifier nor text: ignored",
            ));
            return Ok(());
        }
        let Some(entry) = self.statement.entries.last_mut() else {
            return Err(structural(
                file,
                line,
                ParseErrorKind::Unexpected("complement (05) without a movement (04)".to_string()),
            ));
        };
        let payer = entry.amount.is_positive() || entry.kind.is_receivable_debit();
        let Some(tx) = entry.transactions.last_mut() else {
            return Ok(());
        };
        if tx.complements.capacity() == 0 {
            std::mem::swap(&mut tx.complements, &mut scratch.complements);
        }
        if tx.remittance.capacity() == 0 {
            std::mem::swap(&mut tx.remittance, &mut scratch.remittance);
        }
        if let Some(w) = complement::apply_checked(tx, qualifier, info, payer, Some(ibans)) {
            self.findings
                .push(Finding::new(FindingKind::InvalidIban, line.at(49, 83), w));
        }
        Ok(())
    }

    pub(super) fn close(
        mut self,
        line: &Line<'_>,
        file: &Path,
        out: &mut Parsed,
        scratch: &mut Scratch,
    ) -> Result<(), ParseError> {
        self.fit_last(scratch);
        self.check_account(line, "new balance (07)", true);
        let (currency, _) = record::currency(line, self.blank, file)?;
        self.check_currency(line, currency);
        let decimals = record::decimals(line, currency, self.blank, file)?;
        let date = record::date(line, 35, 40, "new balance date", file)?;
        let (amount, negative_zero) = record::amount(line, decimals, file)?;
        self.note_negative_zero(line, negative_zero);
        let mut s = self.statement;
        s.closing = Some(Balance { amount, date });
        s.to_date = date;
        s.id = block_id::statement_id(&s);
        identity::assign_entry_ids(&mut s);
        block_id::tell_apart(&mut s, &mut scratch.blocks, &out.statements);
        out.findings
            .extend(self.findings.into_iter().map(|f| f.in_statement(&s.id)));
        out.findings.extend(check::balance_finding(&s));
        out.statements.push(s);
        Ok(())
    }

    fn check_account(&mut self, line: &Line<'_>, what: &str, closing: bool) {
        if self.account_mismatch_reported {
            return;
        }
        let f = AccountFields::of(line);
        // Movements often carry another bank code than their 01 (the code of
        // the bank that handled the operation): only branch and account count
        // there. A 07 closes the 01 and should repeat it whole.
        let differs = f.branch != self.key[1]
            || f.account != self.key[2]
            || (closing && f.bank != self.key[0]);
        if differs {
            self.account_mismatch_reported = true;
            self.findings.push(Finding::new(
                FindingKind::Other,
                line.at(3, 32),
                format!(
                    "{what} is for account {} but its block's old balance (01, line {}) is for \
                     {}-{}-{}; kept in that block",
                    f.display(),
                    self.statement.line,
                    self.key[0].trim(),
                    self.key[1].trim(),
                    self.key[2].trim()
                ),
            ));
        }
    }

    fn check_currency(&mut self, line: &Line<'_>, currency: Currency) {
        if currency != self.statement.currency && !self.currency_mismatch_reported {
            self.currency_mismatch_reported = true;
            self.findings.push(Finding::new(
                FindingKind::Other,
                line.at(17, 19),
                format!(
                    "record in {currency} inside a statement in {} (line {}): a movement keeps \
                     its own currency and is not counted in the balances",
                    self.statement.currency, self.statement.line
                ),
            ));
        }
    }

    fn note_decimals(&mut self, line: &Line<'_>, currency: Currency, decimals: u32) {
        if decimals > currency.minor_units() && !self.extra_decimals_reported {
            self.extra_decimals_reported = true;
            self.findings.push(Finding::new(
                FindingKind::ExtraDecimals,
                line.at(20, 20),
                format!(
                    "amounts with {decimals} decimals in {currency}, which has {}",
                    currency.minor_units()
                ),
            ));
        }
    }

    fn note_negative_zero(&mut self, line: &Line<'_>, negative_zero: bool) {
        if negative_zero {
            self.findings.push(Finding::new(
                FindingKind::NegativeZero,
                line.at(91, 104),
                "amount written as a negative zero; read as 0",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_the_items_and_lends_the_buffer_back() {
        let mut spare: Vec<u32> = Vec::new();
        let mut v = Vec::with_capacity(8);
        v.extend([1, 2, 3]);
        fit(&mut v, &mut spare);
        assert_eq!((v.as_slice(), v.capacity()), (&[1, 2, 3][..], 3));
        assert!(spare.is_empty() && spare.capacity() >= 8);
        // Already exact: nothing moves.
        fit(&mut v, &mut spare);
        assert_eq!(v.capacity(), 3);
    }

    /// A record of `kind` (01, 04 or 07) with cols 17-20 `ccy_dec` and the
    /// signed amount field `amount` (cols 91-104).
    fn record(kind: &str, ccy_dec: &str, amount: &str) -> String {
        let mut r = match kind {
            "04" => "0430001000000794     1234567890105201126  201126VIR ALPHA SARL FACTURE F-1       0000000000000000001000{                ",
            _ => "0130001    00794     12345678901  201126                                                  0000000000000{                ",
        }
        .to_string();
        r.replace_range(0..2, kind);
        r.replace_range(16..20, ccy_dec);
        r.replace_range(90..104, amount);
        r
    }

    fn parse(records: &[String]) -> crate::formats::Parsed {
        let file = records.join("\r\n");
        crate::formats::cfonb120::parse(file.as_bytes(), Path::new("f")).unwrap()
    }

    #[test]
    fn blank_currency_and_decimals_of_a_movement_and_closing_are_their_01s() {
        // review 37 F2: a USD block whose 04 and 07 leave cols 17-20 blank.
        let p = parse(&[
            record("01", "USD2", "0000000010000{"),
            record("04", "    ", "0000000001000{"),
            record("07", "    ", "0000000011000{"),
        ]);
        let s = &p.statements[0];
        assert_eq!(Some(s.currency), Currency::parse("USD"));
        assert_eq!(s.entries[0].amount.to_plain(), "100.00");
        assert_eq!(s.entries[0].currency, None);
        assert_eq!(
            s.closing.as_ref().map(|b| b.amount.to_plain()).as_deref(),
            Some("1100.00")
        );
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        // An XPF block has no decimals: its 04's 1000{ is 10000 XPF, never 100.00.
        let p = parse(&[
            record("01", "XPF0", "0000000000100{"),
            record("04", "    ", "0000000001000{"),
            record("07", "    ", "0000000001100{"),
        ]);
        let s = &p.statements[0];
        assert_eq!(s.entries[0].amount.to_plain(), "10000.00");
        assert_eq!(s.entries[0].currency, None);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        // Only the blank field is inherited: a 04 that says its currency
        // keeps it (with that currency's usual decimals when col 20 is blank).
        let p = parse(&[
            record("01", "XPF0", "0000000000100{"),
            record("04", "EUR ", "0000000001000{"),
            record("07", "    ", "0000000000100{"),
        ]);
        let e = &p.statements[0].entries[0];
        assert_eq!(
            (e.amount.to_plain().as_str(), e.currency),
            ("100.00", Some(Currency::EUR))
        );
    }

    #[test]
    fn a_blank_01_still_reads_eur_with_2_decimals() {
        // Banks such as LCL leave cols 17-20 blank on every record.
        let p = parse(&[
            record("01", "    ", "0000000010000{"),
            record("04", "    ", "0000000001000{"),
            record("07", "    ", "0000000011000{"),
        ]);
        let s = &p.statements[0];
        assert_eq!(s.currency, Currency::EUR);
        assert_eq!(s.entries[0].amount.to_plain(), "100.00");
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }
}
