//! Statement formats: turn the bytes of a bank file into [`Statement`]s.
//!
//! One file per format: [`cfonb120`] (French fixed-width "relevé 120
//! caractères") and [`camt`] (ISO 20022 camt.053 / .052 / .054, every version).
//! The format is found from the content ([`detect`]), never from the file name.
//!
//! Owns: decoding, layout, per-format quirks, mapping bank codes to the model.
//! Does not: match, alert, or touch any state. Reads only the input it is given.
//! Invariant: no input, however broken, makes a parser panic; a malformed file
//! is a [`ParseError`] naming file, location and field; a recoverable oddity is
//! a [`Finding`] returned beside the statements.

pub mod camt;
pub mod cfonb120;
mod error;
mod ibans;
pub mod text;

use std::path::Path;

pub use error::{ParseError, ParseErrorKind};

use crate::statement::{Finding, Statement};

/// The formats pointage reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CFONB 120.
    Cfonb120,
    /// ISO 20022 XML (camt.052/053/054).
    Camt,
}

/// What a parser returns: the statements in file order and what it noticed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Statements in file order, entry ids assigned.
    pub statements: Vec<Statement>,
    /// Findings in file order.
    pub findings: Vec<Finding>,
}

/// Guesses the format from the first meaningful bytes: XML starts with `<`
/// (after an optional BOM and white space); CFONB with a record code `01`.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let b = &b[start..];
    if b.first() == Some(&b'<') {
        return Some(Format::Camt);
    }
    if b.len() >= 2 && (b.starts_with(b"01") || b.starts_with(b"04") || b.starts_with(b"07")) {
        return Some(Format::Cfonb120);
    }
    None
}

/// Parses a whole file held in memory, whatever its format. `file` is used in
/// errors and findings only.
pub fn parse_bytes(bytes: &[u8], file: &Path) -> Result<Parsed, ParseError> {
    match detect(bytes) {
        Some(Format::Cfonb120) => cfonb120::parse(bytes, file),
        Some(Format::Camt) => camt::parse(bytes, file),
        None => Err(ParseError::new(
            file,
            Default::default(),
            "file",
            ParseErrorKind::UnknownFormat,
        )),
    }
}

/// Statement files larger than this are refused before parsing (a night
/// holds its statements in memory; 256 MiB of statements is years of a busy
/// account). A bank that sends more is sending something else, or should
/// split the file by day.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a statement file whole, refusing one over [`MAX_FILE_BYTES`] before
/// reading it.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ParseError> {
    let len = std::fs::metadata(path)
        .map_err(|e| ParseError::io(path, &e))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(ParseError::new(
            path,
            crate::statement::Location::default(),
            "file",
            ParseErrorKind::Limit(format!(
                "the file is {len} bytes; statement files over {MAX_FILE_BYTES} bytes (256 MiB) are refused before parsing: ask the bank for daily files"
            )),
        ));
    }
    std::fs::read(path).map_err(|e| ParseError::io(path, &e))
}

/// Reads and parses a file.
pub fn parse_file(path: &Path) -> Result<Parsed, ParseError> {
    parse_bytes(&read_file(path)?, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_is_by_content() {
        assert_eq!(detect(b"\xEF\xBB\xBF  <?xml"), Some(Format::Camt));
        assert_eq!(detect(b"\n0110278    02204EUR2"), Some(Format::Cfonb120));
        assert_eq!(detect(b"invoice_id;customer"), None);
        assert_eq!(detect(b""), None);
    }
}
