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

/// `str::trim`, quicker on the space padding of fixed-width fields: ASCII
/// spaces are cut byte by byte first, then any other white space exactly as
/// `str::trim` would (so the result is always the same as `s.trim()`).
pub fn trim(s: &str) -> &str {
    trim_end(s).trim_start()
}

/// `str::trim_end`, with trailing ASCII spaces cut byte by byte first (the
/// result is always the same as `s.trim_end()`).
pub fn trim_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    // Eight spaces at a time through the padding, then one by one.
    while end >= 8 && b.get(end - 8..end) == Some(b"        ".as_slice()) {
        end -= 8;
    }
    while end > 0 && b[end - 1] == b' ' {
        end -= 1;
    }
    // A space is one byte: `end` is a character boundary.
    s.get(..end).unwrap_or(s).trim_end()
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

    #[test]
    fn quick_trims_agree_with_std() {
        for s in [
            "",
            "   ",
            "  ab  ",
            "ab\u{a0}  ",
            "\u{a0} é \t",
            "x",
            " é",
            "\u{2003}a\u{2003} ",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
        }
    }
}
