//! Text decoding shared by the parsers and the CSV loaders: UTF-8 with or
//! without BOM, else ISO-8859-1 (which never fails: every byte is a character).
//! Banks and French spreadsheet exports send both.

use std::borrow::Cow;

/// Which decoding was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Valid UTF-8 (a BOM, if any, removed).
    Utf8,
    /// Not UTF-8: read as ISO-8859-1 (Latin-1).
    Latin1,
}

/// Decodes bytes to text: UTF-8 when valid (BOM stripped), else ISO-8859-1.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(_) => (Cow::Owned(latin1(b)), Encoding::Latin1),
    }
}

/// ISO-8859-1 to UTF-8: each byte is the code point of the same value.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_latin1() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFabc"),
            (Cow::Borrowed("abc"), Encoding::Utf8)
        );
        let (s, e) = decode(b"Soci\xe9t\xe9");
        assert_eq!((s.as_ref(), e), ("Société", Encoding::Latin1));
        assert_eq!(decode("Société".as_bytes()).0, "Société");
    }
}
