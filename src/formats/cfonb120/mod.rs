//! CFONB 120 ("relevé de compte 120 caractères"): the French fixed-width
//! account statement. This file is the driver: it walks the records
//! ([`lines`]), reads their fields ([`record`], [`amount`], [`complement`]) and
//! builds one [`Statement`] per 01…07 block. [`render`] writes statements back.
//!
//! # Record layout (columns 1-based, inclusive, in characters)
//!
//! | cols | 01 old balance | 04 movement | 05 complement | 07 new balance |
//! |---|---|---|---|---|
//! | 1-2 | `01` | `04` | `05` | `07` |
//! | 3-7 | bank code | bank code | bank code | bank code |
//! | 8-11 | reserved | bank-internal operation code | internal op code | reserved |
//! | 12-16 | branch code | branch code | branch code | branch code |
//! | 17-19 | currency (blank = EUR) | currency | currency | currency |
//! | 20 | number of decimals (blank = currency's usual) | decimals | decimals | decimals |
//! | 21 | reserved | reserved | reserved | reserved |
//! | 22-32 | account number | account number | account number | account number |
//! | 33-34 | reserved | interbank operation code | interbank op code | reserved |
//! | 35-40 | balance date DDMMYY | booking date DDMMYY | booking date | balance date DDMMYY |
//! | 41-42 | reserved | reject reason code | reserved | reserved |
//! | 43-45 | reserved | value date DDMMYY (43-48) | reserved | reserved |
//! | 46-48 | reserved | (value date) | qualifier (`LIB`, `NPY`, `RCN`…) | reserved |
//! | 49-79 | reserved | label | information (49-118) | reserved |
//! | 80-81 | reserved | reserved | (information) | reserved |
//! | 82-88 | reserved | entry number (not unique) | (information) | reserved |
//! | 89 | reserved | commission exemption flag | (information) | reserved |
//! | 90 | reserved | unavailability flag | (information) | reserved |
//! | 91-104 | signed amount | signed amount | (information) | signed amount |
//! | 105-118 | unused | reference zone (105-120) | (information) | unused |
//! | 119-120 | unused | (reference zone) | reserved | unused |
//!
//! Signed amounts: 13 digits then a letter carrying the last digit and the
//! sign (`{`, `A`–`I` credit; `}`, `J`–`R` debit), see [`amount`]. Dates are
//! DDMMYY in 20YY; `000000` or blank is absent. Interbank operation codes
//! (cols 33-34) are classified by [`BankCode::Cfonb`]; an unknown one is a
//! [`FindingKind::UnknownCode`] finding. Reserved zones are never read.
//!
//! # Statements
//!
//! Each 01…07 block is one [`Statement`]:
//! * `id` = `{bank}-{branch}-{account}-{YYYYMMDD of the 01 date}-{YYYYMMDD of the
//!   07 date}`, with the rules for a currency other than EUR, undated blocks
//!   and a day split into two blocks in [`block_id`].
//! * `account`: bank, branch and account number as written, and the IBAN
//!   computed with [`refs::iban_from_rib`] (an account that cannot form one is
//!   an [`FindingKind::InvalidIban`] finding, not a failure).
//! * `opening` from the 01 (with its date), `closing` from the 07; `from_date`
//!   and `to_date` are those two dates; `sequence` is `None`; the currency is
//!   the 01's.
//! * One [`Entry`] with one [`Transaction`] per 04: booking date (35-40), value
//!   date (43-48), amount, the 04's own currency when it is not the 01's
//!   ([`Entry::currency`]: never relabelled, and left out of the balance
//!   check), status booked, `bank_ref` = reference zone (105-120)
//!   trimmed, `additional_info` = the label (49-79) trimmed, reject reason
//!   (41-42, when not blank or `00`) as the transaction's `return_reason`.
//!   The 05 records that follow fill the transaction ([`complement`]).
//! * Entry ids are assigned ([`crate::statement::identity`]) and the balance
//!   checked ([`crate::statement::check`]) when the 07 arrives.
//!
//! # What is an error and what is a finding
//!
//! Errors (the file is refused, naming line, columns and field): a malformed
//! amount, date, currency or decimals; an unknown record code; a line longer
//! than 120 characters; a NUL byte; and every structural break that could lose
//! money — a 04 or 05 outside a 01…07 block, a 05 with no 04 before it in its
//! block, a 07 without its 01, a 01 while a block is still open, and a file
//! that ends inside a block (missing final 07: a truncated transfer may have
//! lost movements, so the file is refused rather than half-read).
//!
//! Findings (reading goes on): a short line padded, a 04/05 whose branch or
//! account number differs from its 01, a 07 whose bank, branch or account
//! differs (seen in real files: a 07 with bank code 15489 after a 01 with
//! 15589; movements carrying another bank code than their 01 are common and
//! not reported), a movement in another currency than its 01, an
//! unknown operation code, an unknown currency, more decimals than the
//! currency has, a negative zero, an empty 05, an invalid IBAN, a balance that
//! does not close.

pub mod amount;
pub mod block_id;
pub mod complement;
pub mod lines;
pub mod record;
mod render;

use std::path::Path;

pub use block_id::{legacy_statement_id, statement_id, undated_statement_id};
pub use render::render;

use super::ibans::IbanChecks;
use super::{ParseError, ParseErrorKind, Parsed};
use crate::money::Currency;
use crate::refs;
use crate::statement::{
    Account, Balance, BankCode, Entry, EntryStatus, Finding, FindingKind, Location, ReturnReason,
    SourceFormat, Statement, Transaction, TxKind, check, identity,
};
use lines::{Line, Lines};
use record::{AccountFields, Code};

/// Parses a CFONB 120 file held in memory. `file` names it in errors and
/// findings. See the module documentation for what fails and what is noted.
pub fn parse(bytes: &[u8], file: &Path) -> Result<Parsed, ParseError> {
    let mut lines = Lines::new(bytes, file)?;
    let mut out = Parsed::default();
    let mut open: Option<Block> = None;
    // Entries of the previous block: the next one is usually alike (same
    // account, next day), so its vector is sized once instead of regrown.
    let mut last_len = 0;
    // Counterparty IBANs repeat through a file: their checks are remembered.
    let mut ibans = IbanChecks::default();
    let mut scratch = Scratch::default();
    while let Some(line) = lines.next_line(file, &mut out.findings)? {
        match record::code(&line, file)? {
            Code::Open => {
                if let Some(block) = &open {
                    return Err(structural(
                        file,
                        &line,
                        ParseErrorKind::Missing(format!(
                            "record 07 (new balance) closing the statement opened at line {} \
                             before this 01",
                            block.statement.line
                        )),
                    ));
                }
                open = Some(Block::open(&line, file, last_len)?);
            }
            Code::Movement => match open.as_mut() {
                Some(block) => block.movement(&line, file, &mut scratch)?,
                None => {
                    return Err(structural(
                        file,
                        &line,
                        ParseErrorKind::Unexpected(
                            "movement (04) outside a 01…07 block (no 01 before it)".to_string(),
                        ),
                    ));
                }
            },
            Code::Complement => match open.as_mut() {
                Some(block) if !block.statement.entries.is_empty() => {
                    block.complement(&line, file, &mut ibans, &mut scratch)?;
                }
                _ => {
                    return Err(structural(
                        file,
                        &line,
                        ParseErrorKind::Unexpected(
                            "complement (05) without a movement (04) before it in its block"
                                .to_string(),
                        ),
                    ));
                }
            },
            Code::Close => match open.take() {
                Some(block) => {
                    last_len = block.statement.entries.len();
                    block.close(&line, file, &mut out, &mut scratch)?;
                }
                None => {
                    return Err(structural(
                        file,
                        &line,
                        ParseErrorKind::Unexpected(
                            "new balance (07) without an old balance (01) before it".to_string(),
                        ),
                    ));
                }
            },
        }
    }
    if let Some(block) = open {
        return Err(ParseError::new(
            file,
            Location {
                line: block.statement.line,
                ..Location::default()
            },
            "record code (cols 1-2)",
            ParseErrorKind::Truncated(format!(
                "no record 07 (new balance) closes the statement opened at line {} (file cut \
                 short?)",
                block.statement.line
            )),
        ));
    }
    lines.finish(&mut out.findings);
    // Line findings arrive as lines are read, a statement's when its 07 is:
    // put them back in file order (stable, so a statement's keep theirs).
    out.findings.sort_by_key(|f| f.location.line);
    Ok(out)
}

fn structural(file: &Path, line: &Line<'_>, kind: ParseErrorKind) -> ParseError {
    ParseError::new(file, line.at(1, 2), "record code (cols 1-2)", kind)
}

/// Vectors lent to the movement being read while its complements (05)
/// arrive, then taken back: each transaction keeps vectors of exactly its
/// size. (A `Vec` of complements grows to 4 on its first push, 192 bytes,
/// for the two a movement usually has; the same for remittance lines. That
/// slack was a tenth of the model's memory, paid in page faults by a
/// one-shot parse.)
#[derive(Default)]
struct Scratch {
    complements: Vec<(String, String)>,
    remittance: Vec<String>,
    /// The blocks closed so far, by id: their places in the output's
    /// statements, one per different content.
    blocks: std::collections::HashMap<String, Vec<usize>>,
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
struct Block {
    statement: Statement,
    /// Bank, branch and account of the 01 as written (cols 3-7, 12-16, 22-32).
    key: [String; 3],
    findings: Vec<Finding>,
    account_mismatch_reported: bool,
    currency_mismatch_reported: bool,
    extra_decimals_reported: bool,
}

impl Block {
    fn open(line: &Line<'_>, file: &Path, expected: usize) -> Result<Block, ParseError> {
        let fields = AccountFields::of(line);
        let (currency, known) = record::currency(line, file)?;
        let decimals = record::decimals(line, currency, file)?;
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

    fn movement(
        &mut self,
        line: &Line<'_>,
        file: &Path,
        scratch: &mut Scratch,
    ) -> Result<(), ParseError> {
        self.fit_last(scratch);
        self.check_account(line, "movement (04)", false);
        let (currency, _) = record::currency(line, file)?;
        self.check_currency(line, currency);
        let decimals = record::decimals(line, currency, file)?;
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
        let return_reason = (!reason.trim().is_empty() && reason != "00").then(|| ReturnReason {
            code: reason.trim().to_string(),
            text: None,
        });
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
            additional_info: record::text(line, 49, 79),
            transactions: vec![transaction],
            line: line.number,
        });
        Ok(())
    }

    fn complement(
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

    fn close(
        mut self,
        line: &Line<'_>,
        file: &Path,
        out: &mut Parsed,
        scratch: &mut Scratch,
    ) -> Result<(), ParseError> {
        self.fit_last(scratch);
        self.check_account(line, "new balance (07)", true);
        let (currency, _) = record::currency(line, file)?;
        self.check_currency(line, currency);
        let decimals = record::decimals(line, currency, file)?;
        let date = record::date(line, 35, 40, "new balance date", file)?;
        let (amount, negative_zero) = record::amount(line, decimals, file)?;
        self.note_negative_zero(line, negative_zero);
        let mut s = self.statement;
        s.closing = Some(Balance { amount, date });
        s.to_date = date;
        s.id = statement_id(&s);
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
}
