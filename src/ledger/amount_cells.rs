//! Amount cells of the ledger files read by one set of rules: `invoices.csv`
//! and `decisions.csv` alike (a `1,000` refused in one is refused in the
//! other), with the file-wide evidence on the decimal separator.
//!
//! Owns: [`SeparatorEvidence`]. Does not: parse the text of a number
//! (`values::parse_amount`), or say what an amount means in its file.

use crate::money::Money;

use super::LedgerError;
use super::load::Row;
use super::values::{self, Amount};

/// What the file's amounts say about `.` and `,`.
///
/// `1,234` or `12.500` (one to three integer digits, exactly three decimals)
/// would be written the same by an export that uses that character between
/// thousands. Such a value is read as a decimal only if another amount of the
/// same file uses the same character unambiguously as a decimal separator
/// (`1234,5`, `0,125`, `1 234,567`…); otherwise the file is refused at the
/// first ambiguous value: a wrong amount is worse than no amount.
#[derive(Debug, Default)]
pub(crate) struct SeparatorEvidence {
    /// `[.]`, `[,]`: some amount used it unambiguously as a decimal separator.
    proof: [bool; 2],
    /// `[.]`, `[,]`: the first ambiguous amount using it.
    first_ambiguous: [Option<LedgerError>; 2],
}

impl SeparatorEvidence {
    /// Parses the amount in column `k` and records its evidence.
    pub fn amount(&mut self, row: &Row<'_>, k: usize) -> Result<Money, LedgerError> {
        let text = row.get(k);
        let Some(Amount {
            money,
            separator,
            ambiguous,
        }) = values::parse_amount(text)
        else {
            return Err(row.invalid(k, values::AMOUNT_FORMS));
        };
        if let Some(sep) = separator {
            let i = usize::from(sep == b',');
            if ambiguous {
                if let Some(slot @ None) = self.first_ambiguous.get_mut(i) {
                    *slot = Some(row.invalid(
                        k,
                        "an amount whose decimal separator is unambiguous \
                         (1,234 could mean 1234: write 1234 or 1234,000, \
                         or give two decimals)",
                    ));
                }
            } else if let Some(p) = self.proof.get_mut(i) {
                *p = true;
            }
        }
        Ok(money)
    }

    /// The first ambiguous amount whose separator no other amount proves.
    pub fn check(self) -> Result<(), LedgerError> {
        let [dot, comma] = self.first_ambiguous;
        let unproven = |e: Option<LedgerError>, proof: bool| e.filter(|_| !proof);
        let mut errors: Vec<LedgerError> =
            [unproven(dot, self.proof[0]), unproven(comma, self.proof[1])]
                .into_iter()
                .flatten()
                .collect();
        errors.sort_by_key(|e| e.line);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
