//! How quotes run in the raw text of one CSV record of a ledger file, read
//! the way the csv reader reads them (RFC 4180: a quote opens a field only at
//! its start, `""` inside is a quote): the checks that keep a lone quote from
//! swallowing rows into one field.
//!
//! Owns: [`unclosed_quote_field`], [`stray_quote_line`]. Does not: read
//! records or report errors (`load`).

/// Where a byte leaves the reader.
#[derive(PartialEq)]
enum S {
    Start,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// The next state after byte `b` (`sep` the separator); `None` at a line
/// end outside quotes (the record ends).
fn step(state: S, b: u8, sep: u8, field: &mut usize) -> Option<S> {
    Some(match state {
        S::Start | S::Unquoted | S::QuoteInQuoted if b == sep => {
            *field += 1;
            S::Start
        }
        S::Start | S::Unquoted | S::QuoteInQuoted if matches!(b, b'\r' | b'\n') => {
            return None;
        }
        S::Start if b == b'"' => S::Quoted,
        S::Start | S::Unquoted => S::Unquoted,
        S::Quoted if b == b'"' => S::QuoteInQuoted,
        S::Quoted => S::Quoted,
        S::QuoteInQuoted if b == b'"' => S::Quoted,
        S::QuoteInQuoted => S::Unquoted,
    })
}

/// Reads one CSV record from `raw` and returns the 0-based field index where
/// a quote is opened and never closed before the end, if any.
pub(super) fn unclosed_quote_field(raw: &[u8], sep: u8) -> Option<usize> {
    let mut state = S::Start;
    let mut field = 0usize;
    for &b in raw {
        state = step(state, b, sep, &mut field)?;
    }
    (state == S::Quoted).then_some(field)
}

/// Reads one CSV record from `raw`, of a file whose rows have `fields`
/// fields, and returns, when a quoted field runs over a line break, the
/// number of line breaks before the first sign that its quote is a stray
/// one swallowing rows: its first line and a later one each holding a row's
/// worth of separators (`fields - 1`, quoted or not: whole rows of the file
/// joined), or text after the closing quote of a field written over lines
/// (`Gamma" SA`). A field legitimately written over lines (an address, a
/// comma or two in it) shows neither. `None` when the record has no such
/// field.
pub(super) fn stray_quote_line(raw: &[u8], sep: u8, fields: usize) -> Option<usize> {
    // Most records hold no quote at all: one fast look.
    memchr::memchr(b'"', raw)?;
    let mut state = S::Start;
    let mut field = 0usize;
    let mut breaks = 0usize;
    // Line breaks inside the current quoted field; inside any.
    let (mut spanning, mut spanned) = (false, false);
    let mut text_after_close = None;
    for &b in raw {
        match state {
            S::Quoted if b == b'\n' => {
                breaks += 1;
                spanning = true;
                spanned = true;
            }
            S::QuoteInQuoted
                if spanning
                    && text_after_close.is_none()
                    && !matches!(b, b'"' | b'\r' | b'\n')
                    && b != sep =>
            {
                text_after_close = Some(breaks);
            }
            _ => {}
        }
        let before = field;
        match step(state, b, sep, &mut field) {
            Some(next) => state = next,
            None => break,
        }
        if field != before {
            spanning = false;
        }
    }
    if !spanned {
        return None;
    }
    // Lines holding a row's worth of separators, quoted or not: the first
    // one and a later one both, when a stray quote joined whole rows.
    let a_row =
        |line: &[u8]| fields >= 2 && line.iter().filter(|&&b| b == sep).count() >= fields - 1;
    let mut lines = raw.split(|&b| b == b'\n');
    let row = lines
        .next()
        .is_some_and(a_row)
        .then(|| lines.position(a_row).map(|k| k + 1))
        .flatten();
    match (row, text_after_close) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_quotes() {
        assert_eq!(unclosed_quote_field(b"a;\"b\nc", b';'), Some(1));
        assert_eq!(unclosed_quote_field(b"a;\"b\"\"c", b';'), Some(1));
        assert_eq!(unclosed_quote_field(b"a;\"b\"\"\"", b';'), None);
        assert_eq!(unclosed_quote_field(b"a;b\"c", b';'), None);
        assert_eq!(unclosed_quote_field(b"\"a\nb\";c\n", b';'), None);
        assert_eq!(unclosed_quote_field(b"\"a\"x;\"c", b';'), Some(1));
    }

    #[test]
    fn stray_quotes_swallowing_rows() {
        let stray = |raw: &[u8]| stray_quote_line(raw, b';', 4);
        // Fields written over lines, as an address is: no stray quote.
        assert_eq!(stray(b"C1;\"12 rue X\nParis\";FR;x\n"), None);
        assert_eq!(stray(b"C1;\"12 \"\"X\"\"\nParis\";FR;x\n"), None);
        assert_eq!(stray(b"C1;\"Bat B; 3e\n75001; Paris\";FR;x\n"), None);
        let comma = |raw: &[u8]| stray_quote_line(raw, b',', 4);
        assert_eq!(
            comma(b"C1,\"12 rue X, Bat B\n75001 Paris, France\",FR,x\n"),
            None
        );
        assert_eq!(stray(b"F-1;\"Alpha; SARL\";100;x\n"), None);
        // A lone quote closed rows later: the rows it swallowed hold a row's
        // separators, and text follows the quote that closes it.
        let raw = b"F-1;C1;\"Alpha;100\nF-2;C2;Beta;200\nF-3;Gamma\" SA;300\n";
        assert_eq!(stray(raw), Some(1));
        assert_eq!(stray(b"F-1;C1;\"Alpha\nF-2 Beta\" SA;300\n"), Some(1));
        // Closed at a field's end on the next row.
        assert_eq!(stray(b"F-1;C1;\"Alpha;100\nF-2;C2;Beta\";200\n"), Some(1));
    }
}
