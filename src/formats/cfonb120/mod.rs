//! CFONB 120 parser (placeholder until the CFONB work lands).

use std::path::Path;

use super::{ParseError, Parsed};

/// Parses a CFONB 120 file.
pub fn parse(_bytes: &[u8], _file: &Path) -> Result<Parsed, ParseError> {
    Ok(Parsed::default())
}
