//! CFONB 120 ("relevé de compte 120 caractères"): the French fixed-width
//! account statement. This file is the driver: it walks the records
//! ([`lines`]) and hands each to the 01…07 block being read ([`block`]), which
//! reads their fields ([`record`], [`amount`], [`complement`]) and builds one
//! [`Statement`], named by [`block_id`]. [`render`] writes statements back.
//!
//! # Record layout (columns 1-based, inclusive, in characters)
//!
//! | cols | 01 old balance | 04 movement | 05 complement | 07 new balance |
//! |---|---|---|---|---|
//! | 1-2 | `01` | `04` | `05` | `07` |
//! | 3-7 | bank code | bank code | bank code | bank code |
//! | 8-11 | reserved | bank-internal operation code | internal op code | reserved |
//! | 12-16 | branch code | branch code | branch code | branch code |
//! | 17-19 | currency (blank = EUR) | currency (blank = the 01's) | currency | currency (blank = the 01's) |
//! | 20 | number of decimals (blank = currency's usual) | decimals (blank = the 01's) | decimals | decimals (blank = the 01's) |
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
//!
//! [`Statement`]: crate::statement::Statement
//! [`Entry`]: crate::statement::Entry
//! [`Entry::currency`]: crate::statement::Entry::currency
//! [`Transaction`]: crate::statement::Transaction
//! [`BankCode::Cfonb`]: crate::statement::BankCode::Cfonb
//! [`FindingKind::UnknownCode`]: crate::statement::FindingKind::UnknownCode
//! [`FindingKind::InvalidIban`]: crate::statement::FindingKind::InvalidIban
//! [`refs::iban_from_rib`]: crate::refs::iban_from_rib

pub mod amount;
mod block;
pub mod block_id;
pub mod complement;
pub mod lines;
pub mod record;
mod render;

use std::path::Path;

pub use block_id::{is_block_of, legacy_statement_id, statement_id, undated_statement_id};
pub use render::render;

use super::ibans::IbanChecks;
use super::{ParseError, ParseErrorKind, Parsed};
use crate::statement::Location;
use block::{Block, Scratch};
use lines::{Line, Lines};
use record::Code;

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
