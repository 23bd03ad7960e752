//! The typed error a parser returns for a malformed file: which file, where
//! (line and columns, or line:column and byte offset), which field, and what
//! was expected.

use std::path::{Path, PathBuf};

use crate::statement::Location;

/// A malformed input file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {location}: {field}: {kind}", file.display())]
pub struct ParseError {
    /// The file.
    pub file: PathBuf,
    /// Where in it.
    pub location: Location,
    /// The field (CFONB field name, XML element path).
    pub field: String,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// Neither CFONB 120 nor ISO 20022 XML.
    #[error("not a CFONB 120 or CAMT (ISO 20022) statement")]
    UnknownFormat,
    /// A value that does not fit the field.
    #[error("expected {expected}, found {found:?}")]
    Invalid {
        /// What the field should hold.
        expected: String,
        /// What it held (truncated for display).
        found: String,
    },
    /// A record or element missing where the format requires one.
    #[error("missing {0}")]
    Missing(String),
    /// Something present where the format forbids it.
    #[error("unexpected {0}")]
    Unexpected(String),
    /// The file ended in the middle of something.
    #[error("unexpected end of file: {0}")]
    Truncated(String),
    /// XML that is not well-formed, or forbidden (DTDs, entity definitions).
    #[error("malformed XML: {0}")]
    Xml(String),
    /// A limit pointage sets to protect itself (line length, nesting depth…).
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(String),
}

impl ParseError {
    /// Builds an error.
    pub fn new(
        file: &Path,
        location: Location,
        field: impl Into<String>,
        kind: ParseErrorKind,
    ) -> ParseError {
        ParseError {
            file: file.to_path_buf(),
            location,
            field: field.into(),
            kind,
        }
    }

    /// An `Invalid` error; `found` as [`crate::refs::redact::shown`] shows it
    /// (names and IBANs masked), except in a format code's element.
    pub fn invalid(
        file: &Path,
        location: Location,
        field: impl Into<String>,
        expected: impl Into<String>,
        found: &str,
    ) -> ParseError {
        let field = field.into();
        let found = if is_code(&field) {
            found.chars().take(40).collect()
        } else {
            crate::refs::redact::shown(found)
        };
        ParseError::new(
            file,
            location,
            field,
            ParseErrorKind::Invalid {
                expected: expected.into(),
                found,
            },
        )
    }

    /// An I/O error while reading the file.
    pub fn io(file: &Path, err: &std::io::Error) -> ParseError {
        ParseError::new(
            file,
            Location::default(),
            "file",
            ParseErrorKind::Io(err.to_string()),
        )
    }
}

/// An XML element holding a code of the format (a direction, a status, a
/// flag), never a name: its value is shown as found, which is what a
/// person needs to see (`DEBIT` for `DBIT`).
fn is_code(field: &str) -> bool {
    let last = field.rsplit('/').next().unwrap_or(field);
    matches!(last, "CdtDbtInd" | "Cd" | "RvslInd" | "ChrgInclInd" | "Sts")
}

#[cfg(test)]
mod tests {
    #[test]
    fn format_codes_are_shown_as_found() {
        assert!(super::is_code("Document/BkToCstmrStmt/Stmt/Ntry/CdtDbtInd"));
        assert!(!super::is_code("Document/BkToCstmrStmt/Stmt/Ntry/Amt"));
    }
}
