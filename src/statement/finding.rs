//! Findings: what a parser noticed that does not stop reading (a balance that
//! does not close, an unknown code, a padded short line…), with where it is.

use std::fmt;

use serde::Serialize;

/// Where something is in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based first column (character), 0 when unknown.
    pub column: u32,
    /// 1-based last column (inclusive) for fixed-width fields, 0 otherwise.
    pub column_end: u32,
    /// Byte offset from the start of the file.
    pub byte: u64,
}

impl Location {
    /// A line and a column range (fixed-width formats).
    pub fn columns(line: u64, byte: u64, first: u32, last: u32) -> Location {
        Location {
            line,
            column: first,
            column_end: last,
            byte,
        }
    }

    /// A line and column (XML).
    pub fn at(line: u64, column: u32, byte: u64) -> Location {
        Location {
            line,
            column,
            column_end: 0,
            byte,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "byte {}", self.byte);
        }
        write!(f, "line {}", self.line)?;
        match (self.column, self.column_end) {
            (0, _) => Ok(()),
            (c, 0) => write!(f, ", column {c}"),
            (a, b) if a == b => write!(f, ", column {a}"),
            (a, b) => write!(f, ", columns {a}-{b}"),
        }
    }
}

/// The kinds of finding, as stable snake-case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum FindingKind {
    /// Opening balance plus entries differs from the closing balance.
    BalanceMismatch,
    /// A bank transaction code pointage does not know.
    UnknownCode,
    /// An IBAN whose check digits or length are wrong.
    InvalidIban,
    /// A CFONB line shorter than 120 characters, padded with spaces.
    ShortLinePadded,
    /// A batch entry whose transactions carry no amounts (kept whole).
    BatchWithoutAmounts,
    /// Batch transaction amounts that do not add up to the entry amount.
    BatchSumMismatch,
    /// More decimals than the currency has.
    ExtraDecimals,
    /// A negative zero amount.
    NegativeZero,
    /// A currency code that is not an active ISO 4217 code.
    UnknownCurrency,
    /// A record or element pointage ignored (e.g. a CFONB 05 with no text).
    Ignored,
    /// Two transactions of one statement had the same bank reference.
    DuplicateReference,
    /// Anything else worth a person's look.
    Other,
}

impl FindingKind {
    /// Snake-case name used in outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            FindingKind::BalanceMismatch => "balance_mismatch",
            FindingKind::UnknownCode => "unknown_code",
            FindingKind::InvalidIban => "invalid_iban",
            FindingKind::ShortLinePadded => "short_line_padded",
            FindingKind::BatchWithoutAmounts => "batch_without_amounts",
            FindingKind::BatchSumMismatch => "batch_sum_mismatch",
            FindingKind::ExtraDecimals => "extra_decimals",
            FindingKind::NegativeZero => "negative_zero",
            FindingKind::UnknownCurrency => "unknown_currency",
            FindingKind::Ignored => "ignored",
            FindingKind::DuplicateReference => "duplicate_reference",
            FindingKind::Other => "other",
        }
    }
}

/// Something a parser noticed that does not stop reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// Where in the file.
    pub location: Location,
    /// The statement it concerns, when there is one.
    pub statement_id: Option<String>,
    /// A sentence for a person.
    pub message: String,
}

impl Finding {
    /// Builds a finding.
    pub fn new(kind: FindingKind, location: Location, message: impl Into<String>) -> Finding {
        Finding {
            kind,
            location,
            statement_id: None,
            message: message.into(),
        }
    }

    /// Attaches the statement id.
    pub fn in_statement(mut self, id: &str) -> Finding {
        self.statement_id = Some(id.to_string());
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location,
            self.kind.as_str(),
            self.message
        )
    }
}
