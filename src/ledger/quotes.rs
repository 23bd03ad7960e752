//! How quotes run in the raw text of one CSV record of a ledger file, read
//! the way the csv reader reads them (RFC 4180: a quote opens a field only at
//! its start, `""` inside is a quote): the checks that keep a lone quote from
//! swallowing rows into one field.
//!
//! Owns: [`unclosed_quote_field`], [`stray_quote_line`], [`RowShape`],
//! [`Typed`]. Does not: read
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

/// What a row of the file looks like, for telling a row swallowed by a
/// stray quote from text written over lines.
pub(super) struct RowShape<'a> {
    /// The separator.
    pub sep: u8,
    /// Fields per row (the header's).
    pub fields: usize,
    /// The required columns of a known kind (dates, amounts, decisions):
    /// their positions and kinds; a row shows every one.
    pub typed: &'a [(usize, Typed)],
    /// When no column is `typed`: optional columns that mark a row (an
    /// IBAN, an e-mail address); a row shows one at least. Neither: rows
    /// are told only by text after a closing quote.
    pub markers: &'a [(usize, Typed)],
    /// The required id columns: a swallowed row has a digit in one of them
    /// (`F-1002`, `C3`, `BQ-7`), where a line of a note does not (`accept,
    /// ignore, assign`, `Paul, 21/11, assign`: round 4 R2, P2).
    pub ids: &'a [usize],
    /// The columns no value is written over lines in (ids, names, IBANs,
    /// dates, amounts: all but addresses, notes and columns pointage does
    /// not read). A quote opened in one of them is a stray as soon as a
    /// line between its first and the one closing it reads as a row,
    /// whatever its first line shows and whatever its ids (a customer with
    /// a phone only, or two IBANs: round 4 B2; ids without a digit: verify
    /// 40 S1). The closing line holds the record's own last columns: a
    /// name legitimately on two lines is no stray (verify 40 L1).
    pub strict: &'a [usize],
}

/// The kind of a column a row is told by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Typed {
    /// A date (`issue_date`, `promised_date`…).
    Date,
    /// An amount (`amount`).
    Amount,
    /// A decision keyword (`decisions.csv`).
    Decision,
    /// A valid IBAN.
    Iban,
    /// An e-mail address.
    Email,
}

impl Typed {
    fn fits(self, v: &str) -> bool {
        match self {
            Typed::Date => super::values::parse_date(v).is_some(),
            Typed::Amount => super::values::parse_amount(v).is_some(),
            Typed::Decision => super::decisions::DecisionKind::parse(v).is_some(),
            Typed::Iban => {
                let mut ibans = super::customers::split_list(v).peekable();
                ibans.peek().is_some() && ibans.all(crate::refs::is_valid_iban)
            }
            Typed::Email => {
                v.contains('@') && !v.contains(char::is_whitespace) && !v.starts_with('@')
            }
        }
    }
}

impl RowShape<'_> {
    /// Whether the first line of a record, whose field `from` opens the
    /// quote run over lines, reads as the start of a whole row: a row's
    /// worth of separators, and values of their kinds in the columns from
    /// `from` on, counted from the line's end (those before it are the
    /// row's own whatever the quote: round 4 B1, R1). With no such column,
    /// the separators alone.
    fn starts_a_row(&self, line: &[u8], from: usize) -> bool {
        let Ok(line) = std::str::from_utf8(line) else {
            return false;
        };
        let pieces: Vec<&str> = line.split(char::from(self.sep)).collect();
        if self.fields < 2 || pieces.len() < self.fields {
            return false;
        }
        let shift = pieces.len() - self.fields;
        let fits = |&&(k, kind): &&(usize, Typed)| {
            pieces
                .get(k + shift)
                .is_some_and(|p| kind.fits(p.trim().trim_matches('"').trim()))
        };
        let after = |list: &[(usize, Typed)]| -> Vec<(usize, Typed)> {
            list.iter().copied().filter(|&(k, _)| k >= from).collect()
        };
        let (typed, markers) = (after(self.typed), after(self.markers));
        if !self.typed.is_empty() {
            typed.iter().all(|t| fits(&t))
        } else {
            markers.is_empty() || markers.iter().any(|t| fits(&t))
        }
    }

    /// Whether a physical line reads as a whole row: a row's worth of
    /// separators, and in the columns of a known kind values of that kind,
    /// the columns counted from the line's start or from its end (a quoted
    /// value holding the separator, `"Alpha, SARL`, shifts those after it).
    /// A line of an address or a comment (`Lyon, Rhône, France`, `she says:
    /// 100 sent, rest on 15/12`) has none there.
    fn reads_as_row(&self, line: &[u8], need_id: bool) -> bool {
        let Ok(line) = std::str::from_utf8(line) else {
            return false;
        };
        let pieces: Vec<&str> = line.split(char::from(self.sep)).collect();
        if self.fields < 2 || pieces.len() < self.fields {
            return false;
        }
        let value = |shift: usize, k: usize| {
            pieces
                .get(k + shift)
                .map(|p| p.trim().trim_matches('"').trim())
        };
        let shifts = [0, pieces.len() - self.fields];
        shifts.iter().any(|&shift| {
            let fits = |&(k, kind): &(usize, Typed)| value(shift, k).is_some_and(|v| kind.fits(v));
            let an_id = !need_id
                || self.ids.is_empty()
                || self.ids.iter().any(|&k| {
                    value(shift, k).is_some_and(|v| v.bytes().any(|b| b.is_ascii_digit()))
                });
            an_id
                && if self.typed.is_empty() {
                    self.markers.iter().any(fits)
                } else {
                    self.typed.iter().all(fits)
                }
        })
    }

    /// Whether the line closing a quote opened in a strict column reads
    /// as a row of its own: as [`Self::reads_as_row`], its required ids
    /// shaped as the record's own on its first line (`C3` after `C1`: a
    /// row swallowed; `Site 2, Service compta` after `C1`: the rest of a
    /// name on two lines). With no required id, nothing tells.
    fn closes_a_row(&self, first: &[u8], closing: &[u8]) -> bool {
        let (Ok(first), Ok(closing)) = (std::str::from_utf8(first), std::str::from_utf8(closing))
        else {
            return false;
        };
        let sep = char::from(self.sep);
        let (a, b): (Vec<&str>, Vec<&str>) =
            (first.split(sep).collect(), closing.split(sep).collect());
        !self.ids.is_empty()
            && self.ids.iter().all(|&k| {
                matches!((a.get(k), b.get(k)), (Some(x), Some(y))
                    if !id_shape(x).is_empty() && id_shape(x) == id_shape(y))
            })
            && self.reads_as_row(closing.as_bytes(), false)
    }
}

/// The shape of an id: letters, digits and the rest as classes, runs of
/// one class as one (`C1` and `C3`, `F-1001` and `F-1003`, `ALPHA` and
/// `GAMMA` alike; `Site 2` not like `C1`).
fn id_shape(v: &str) -> Vec<u8> {
    let mut shape: Vec<u8> = Vec::new();
    for c in v.trim().trim_matches('"').trim().chars() {
        let class = if c.is_alphabetic() {
            b'A'
        } else if c.is_ascii_digit() {
            b'9'
        } else if c.is_whitespace() {
            b' '
        } else {
            u8::try_from(c).unwrap_or(b'?')
        };
        if shape.last() != Some(&class) {
            shape.push(class);
        }
    }
    shape
}

/// The physical lines of `raw` (line ends `\n`, `\r\n` or a lone `\r`).
fn physical_lines(raw: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i < raw.len() {
        match raw.get(i) {
            Some(b'\n') => {
                lines.push(raw.get(from..i).unwrap_or_default());
                from = i + 1;
            }
            Some(b'\r') => {
                lines.push(raw.get(from..i).unwrap_or_default());
                if raw.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push(raw.get(from..).unwrap_or_default());
    lines
}

/// Reads one CSV record from `raw` (a row of the shape `row`) and returns,
/// when a quoted field runs over a line break, the number of lines from the
/// record's first to the first sign that its quote is a stray one
/// swallowing rows: its first line and a later one both reading as whole
/// rows ([`RowShape::reads_as_row`]), or text after the closing quote of a
/// field written over lines (`Gamma" SA`; blanks before the separator are
/// allowed). A field legitimately written over lines (an address, a
/// comment, commas in it) shows neither. `None` when the record has no such
/// field.
pub(super) fn stray_quote_line(raw: &[u8], row: &RowShape<'_>) -> Option<usize> {
    // Most records hold no quote at all: one fast look.
    memchr::memchr(b'"', raw)?;
    // The reader's offset may sit on the line end before the record.
    let start = raw.iter().position(|&b| !matches!(b, b'\r' | b'\n'))?;
    let raw = raw.get(start..)?;
    let mut state = S::Start;
    let mut field = 0usize;
    let mut breaks = 0usize;
    // Line breaks inside the current quoted field; inside any; the field
    // the first such quote opened.
    let (mut spanning, mut spanned) = (false, false);
    let mut opened_in = None;
    // Just after the closing quote of a field written over lines; the
    // line the first such quote is on.
    let mut after_close = false;
    let mut close_line = None;
    let mut text_after_close = None;
    let mut prev = 0u8;
    for &b in raw {
        if after_close {
            match b {
                // (The separator first: a tab may be one.)
                _ if b == row.sep => after_close = false,
                b' ' | b'\t' => {}
                b'"' | b'\r' | b'\n' => after_close = false,
                _ => {
                    text_after_close.get_or_insert(breaks);
                    after_close = false;
                }
            }
        }
        if state == S::Quoted && (b == b'\r' || (b == b'\n' && prev != b'\r')) {
            breaks += 1;
            spanning = true;
            spanned = true;
            opened_in.get_or_insert(field);
        }
        if state == S::Quoted && b == b'"' && spanning {
            after_close = true;
            close_line.get_or_insert(breaks);
        }
        let before = field;
        match step(state, b, row.sep, &mut field) {
            Some(next) => state = next,
            None => break,
        }
        if field != before {
            spanning = false;
        }
        prev = b;
    }
    if !spanned {
        return None;
    }
    let lines = physical_lines(raw);
    let opened_in = opened_in.unwrap_or(0);
    let inside = row
        .strict
        .contains(&opened_in)
        .then(|| {
            let close = close_line.unwrap_or(lines.len());
            let first = lines.first().copied().unwrap_or_default();
            lines
                .iter()
                .take(close)
                .skip(1)
                .position(|l| row.reads_as_row(l, false))
                .map(|k| k + 1)
                .or_else(|| {
                    lines
                        .get(close)
                        .filter(|l| close > 0 && row.closes_a_row(first, l))
                        .map(|_| close)
                })
        })
        .flatten();
    let swallowed = lines
        .first()
        .is_some_and(|l| row.starts_a_row(l, opened_in))
        .then(|| {
            lines
                .iter()
                .skip(1)
                .position(|l| row.reads_as_row(l, true))
                .map(|k| k + 1)
        })
        .flatten();
    [inside, swallowed, text_after_close]
        .into_iter()
        .flatten()
        .min()
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
        // An invoices-like file: 4 fields, an amount last.
        let shape = RowShape {
            sep: b';',
            fields: 4,
            typed: &[(3, Typed::Amount)],
            markers: &[],
            ids: &[],
            strict: &[],
        };
        let stray = |raw: &[u8]| stray_quote_line(raw, &shape);
        // Fields written over lines, as an address or a comment is: no
        // stray quote.
        assert_eq!(stray(b"C1;\"12 rue X\nParis\";FR;x\n"), None);
        assert_eq!(stray(b"C1;\"12 \"\"X\"\"\nParis\";FR;x\n"), None);
        assert_eq!(stray(b"C1;\"Bat B; 3e\n75001; Paris\";FR;x\n"), None);
        assert_eq!(stray(b"F-1;\"Alpha; SARL\";100;x\n"), None);
        assert_eq!(
            stray(b"C1;x;y;\"she said: 100 sent;\nrest on 15/12; by cheque; ok\"\n"),
            None
        );
        // Blanks between a closing quote and the separator.
        assert_eq!(stray(b"C1;\"Alpha\r\nCompta\" ;x;y\r\n"), None);
        let comma = RowShape {
            sep: b',',
            fields: 3,
            typed: &[],
            markers: &[],
            ids: &[],
            strict: &[],
        };
        let addr = b"C1,Alpha SARL,\"12 rue X, Bat B\nZI Nord, 75001 Paris, France\"\n";
        assert_eq!(stray_quote_line(addr, &comma), None);
        // A lone quote closed rows later: the rows it swallowed read as
        // rows, and text follows the quote that closes it; whatever the
        // line ends, and after the line end the reader leaves before.
        for raw in [
            &b"F-1;C1;\"Alpha;100\nF-2;C2;Beta;200\nF-3;Gamma\" SA;300\n"[..],
            b"F-1;C1;\"Alpha;100\r\nF-2;C2;Beta;200\r\nF-3;Gamma\" SA;300\r\n",
            b"\r\n\r\nF-1;C1;\"Alpha;100\r\nF-2;C2;Beta;200\r\nF-3;Gamma\" SA;300\r\n",
            b"F-1;C1;\"Alpha;100\rF-2;C2;Beta;200\rF-3;Gamma\" SA;300\r",
        ] {
            assert_eq!(stray(raw), Some(1), "{}", String::from_utf8_lossy(raw));
        }
        assert_eq!(stray(b"F-1;C1;\"Alpha\nF-2 Beta\" SA;300\n"), Some(1));
        // Closed at a field's end on the next row.
        assert_eq!(stray(b"F-1;C1;\"Alpha;100\nF-2;C2;Beta\";200\n"), Some(1));
        // A quoted name holding the separator on the stray quote's line
        // (round 3 Q1); a decisions file, told by its keywords (D1); a
        // customers file, by its IBANs and e-mails (K1).
        let raw = b"F-1;C1;\"Alpha; SARL;100\nF-2;C2;Beta;200\";\n";
        assert_eq!(stray(raw), Some(1));
        let decisions = RowShape {
            sep: b';',
            fields: 4,
            typed: &[(2, Typed::Decision)],
            markers: &[],
            ids: &[],
            strict: &[],
        };
        let raw = b"E1;F-1;assign;\"called\nE2;F-2;assign;ok\nE3;F-3;assign;end\"\n";
        assert_eq!(stray_quote_line(raw, &decisions), Some(1));
        let customers = RowShape {
            sep: b',',
            fields: 4,
            typed: &[],
            markers: &[(2, Typed::Iban), (3, Typed::Email)],
            ids: &[0],
            strict: &[],
        };
        let raw = b"C1,\"Alpha,FR7630006000011234567890189,a@alpha.fr\nC2,Gamma SA\",,g@gamma.fr\n";
        assert_eq!(stray_quote_line(raw, &customers), Some(1));
        let addr = b"C1,Alpha,\"12 rue X, Lyon\nRhone, France, Europe, Terre\"\n";
        assert_eq!(stray_quote_line(addr, &customers), None);
        // A quote opened in a name (a column no value runs over lines in):
        // the first line need not read as a row (round 4 B2), and a name
        // written over lines still reads.
        let strict = RowShape {
            strict: &[0, 1, 2, 3],
            ..customers
        };
        let raw = b"C1,\"Alpha,,\nC2,Beta SA,,b@beta.fr\nC3,Gamma SA\",,g@gamma.fr\n";
        assert_eq!(stray_quote_line(raw, &customers), None);
        assert_eq!(stray_quote_line(raw, &strict), Some(1));
        let raw = b"C1,\"Alpha,A|B,\nC2,Beta SA,FR7630006000011234567890189|DE89370400440532013000,\nC3,Gamma\",,\n";
        assert_eq!(stray_quote_line(raw, &strict), Some(1));
        // Closed on the very next line, in a row of its own: its id shaped
        // as the record's (verify 40 Q1), whatever the first line shows.
        let raw = b"C1,\"Alpha SARL,,,01 23 45 67 89\nC3,Gamma SA\",FR7630006000011234567890189,g@gamma.fr,\n";
        let five = RowShape {
            fields: 5,
            ..strict
        };
        assert_eq!(stray_quote_line(raw, &five), Some(1));
        let raw = b"ALPHA,\"Alpha SARL,,,\nGAMMA,Gamma SA\",,g@gamma.fr,\n";
        assert_eq!(stray_quote_line(raw, &five), Some(1));
        // Ids without a digit (verify 40 S1).
        let raw = b"ALPHA,\"Alpha,,\nBETA,Beta SA,,b@beta.fr\nGAMMA,Gamma SA\",,g@gamma.fr\n";
        assert_eq!(stray_quote_line(raw, &strict), Some(1));
        // A name written over two lines, its second holding the separator
        // and a digit: the closing line is the record's own (verify 40 L1).
        let name = b"C1,\"Alpha SARL\nService compta\",,a@alpha.fr\n";
        assert_eq!(stray_quote_line(name, &strict), None);
        let name =
            b"C1,\"Alpha SARL\nSite 2, Service compta\",FR7630006000011234567890189,a@alpha.fr\n";
        assert_eq!(stray_quote_line(name, &strict), None);
        // Round 4: a date before the name holding the separator (B1); an
        // address over lines before the IBAN column, its last line holding
        // the row's own IBAN (R1).
        let dated = RowShape {
            sep: b',',
            fields: 5,
            typed: &[(1, Typed::Date), (4, Typed::Amount)],
            markers: &[],
            ids: &[],
            strict: &[],
        };
        let raw = b"F-1,2026-09-01,C1,\"Alpha, SARL,100\nF-2,2026-09-01,C2,Beta,200\",\n";
        assert_eq!(stray_quote_line(raw, &dated), Some(1));
        let addr = b"C1,a@alpha.fr,\"12 rue X, Bat B, 3e\nCS 40012, 69001 Lyon\",FR7630006000011234567890189\n";
        assert_eq!(
            stray_quote_line(
                addr,
                &RowShape {
                    sep: b',',
                    fields: 4,
                    typed: &[],
                    markers: &[(1, Typed::Email), (3, Typed::Iban)],
                    ids: &[0],
                    strict: &[],
                }
            ),
            None
        );
        // A note over lines listing decisions, in a decisions file: its
        // lines have no id (round 4 R2).
        let decisions = RowShape {
            sep: b',',
            fields: 5,
            typed: &[(2, Typed::Decision)],
            markers: &[],
            ids: &[0, 1],
            strict: &[],
        };
        let note = b"BQ-1,F-1,assign,,\"options: see below,\naccept, ignore, assign, reject, write-off\"\n";
        assert_eq!(stray_quote_line(note, &decisions), None);
        // A tab-separated file: the tab after a closing quote is the
        // separator, not a blank before it.
        let tabs = RowShape {
            sep: b'\t',
            fields: 4,
            typed: &[(2, Typed::Date)],
            markers: &[],
            ids: &[],
            strict: &[],
        };
        let raw = b"0-A\t\"x\ny\"\t1990-01-01\t0.00\n";
        assert_eq!(stray_quote_line(raw, &tabs), None);
    }
}
