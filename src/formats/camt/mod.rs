//! CAMT parser (placeholder until the CAMT work lands).

use std::path::Path;

use super::{ParseError, Parsed};

/// Parses a CAMT document.
pub fn parse(_bytes: &[u8], _file: &Path) -> Result<Parsed, ParseError> {
    Ok(Parsed::default())
}
