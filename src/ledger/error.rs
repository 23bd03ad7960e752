//! Errors loading `invoices.csv` / `customers.csv`: file, line, column, what.

use std::path::PathBuf;

/// A CSV input that cannot be loaded. Nothing of the file is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: line {line}{}: {kind}", file.display(), column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct LedgerError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (the header is line 1); 0 for the whole file.
    pub line: u64,
    /// Column name, when one is at fault.
    pub column: Option<String>,
    /// What is wrong.
    pub kind: LedgerErrorKind,
}

/// What is wrong with a CSV input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerErrorKind {
    /// A required column is absent from the header.
    #[error("missing required column")]
    MissingColumn,
    /// A required value is empty.
    #[error("empty value in a required column")]
    Empty,
    /// A value that does not fit the column.
    #[error("expected {expected}, found {found:?}")]
    Invalid {
        /// What was expected.
        expected: String,
        /// What was found (cut to 40 characters).
        found: String,
    },
    /// An id that appears twice.
    #[error("duplicate {what} {id:?} (first on line {first_line})")]
    Duplicate {
        /// `invoice_id` or `customer_id`.
        what: String,
        /// The id.
        id: String,
        /// Where it first appeared.
        first_line: u64,
    },
    /// Malformed CSV (unbalanced quotes, wrong field count…).
    #[error("malformed CSV: {0}")]
    Csv(String),
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(String),
}
