//! Errors loading `invoices.csv` / `customers.csv`: file, line, column, what.

use std::path::{Path, PathBuf};

/// A CSV input that cannot be loaded. Nothing of the file is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {kind}", file.display(), location(*line, column.as_deref()))]
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
    /// The file is larger than pointage reads (see `ledger::MAX_FILE_BYTES`).
    #[error("the file is {bytes} bytes; files over {limit} bytes are refused before reading")]
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A known column named twice in the header: which one to use is unclear.
    #[error("column appears more than once in the header")]
    DuplicateColumn,
    /// A header name one or two letters away from a known column that is
    /// absent, or one taken for it (`ledger::lookalike`): refused, because
    /// the column would otherwise be ignored and its default (e.g.
    /// `open_amount` = `amount`) silently used.
    #[error("unknown column {found:?}: did you mean {known}?")]
    Misspelled {
        /// The known column it resembles.
        known: String,
        /// The header name as written.
        found: String,
    },
}

/// `: line 4, column amount`, `: line 1`, or nothing for the whole file.
fn location(line: u64, column: Option<&str>) -> String {
    match (line, column) {
        (0, None) => String::new(),
        (0, Some(c)) => format!(": column {c}"),
        (l, None) => format!(": line {l}"),
        (l, Some(c)) => format!(": line {l}, column {c}"),
    }
}

impl LedgerError {
    /// Builds an error.
    pub fn new(file: &Path, line: u64, column: Option<&str>, kind: LedgerErrorKind) -> Self {
        LedgerError {
            file: file.to_path_buf(),
            line,
            column: column.map(str::to_string),
            kind,
        }
    }

    /// An [`LedgerErrorKind::Invalid`] error; `found` as
    /// [`crate::refs::redact::shown`] shows it: a value in the wrong column
    /// is often a customer's name or IBAN (a row shifted by a stray
    /// separator), and error messages reach logs.
    pub fn invalid(
        file: &Path,
        line: u64,
        column: &str,
        expected: impl Into<String>,
        found: &str,
    ) -> Self {
        let found = crate::refs::redact::shown(found);
        LedgerError::new(
            file,
            line,
            Some(column),
            LedgerErrorKind::Invalid {
                expected: expected.into(),
                found,
            },
        )
    }

    /// Reads a whole input file, refusing one over `limit` bytes first.
    pub fn read_limited(file: &Path, limit: u64) -> Result<Vec<u8>, LedgerError> {
        let len = std::fs::metadata(file)
            .map_err(|e| LedgerError::io(file, &e))?
            .len();
        if len > limit {
            return Err(LedgerError::new(
                file,
                0,
                None,
                LedgerErrorKind::TooLarge { bytes: len, limit },
            ));
        }
        std::fs::read(file).map_err(|e| LedgerError::io(file, &e))
    }

    /// The file could not be read.
    pub fn io(file: &Path, err: &std::io::Error) -> Self {
        LedgerError::new(file, 0, None, LedgerErrorKind::Io(err.to_string()))
    }
}
