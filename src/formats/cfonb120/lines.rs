//! Cutting a CFONB file into 120-character records, decoded to text.
//!
//! Owns: line ends (CRLF, LF, lone CR, or none at all), blank lines, the
//! character set, padding of short lines and the refusal of long ones, NUL
//! bytes. Does not look inside a record.
//!
//! * **Line mode** (the usual): records end with CRLF, LF or CR. Blank lines
//!   (spaces, tabs, a DOS `^Z`) are skipped. A line shorter than 120
//!   characters is right-padded with spaces (some emitters trim trailing
//!   spaces) and reported as a [`FindingKind::ShortLinePadded`]; a longer one is
//!   an error naming the line and its length — never silently cut.
//! * **Stream mode**: when the file's only non-blank line is longer than 120
//!   characters, it is a stream of records without line breaks; its length
//!   must be a multiple of 120, and "line" in locations then counts records.
//! * **Characters, not bytes**: a file that is valid UTF-8 is read as UTF-8
//!   (BOM skipped); otherwise each non-ASCII line is decoded as windows-1252
//!   (the superset of ISO-8859-1 that banks really send: one byte is one
//!   character). Columns count characters. Pure-ASCII lines are borrowed
//!   without copying (the fast path).

use std::borrow::Cow;
use std::path::Path;

use crate::formats::{ParseError, ParseErrorKind};
use crate::statement::{Finding, FindingKind, Location};

/// The record length.
pub const RECORD: usize = 120;

/// How many short lines are reported one by one before a summary finding.
const SHORT_LINES_REPORTED: u64 = 10;

/// One record: exactly 120 characters of text.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// The record text, padded to 120 characters.
    pub text: Cow<'a, str>,
    /// True when every character is ASCII (one byte per column).
    pub ascii: bool,
    /// 1-based line number (record number in stream mode).
    pub number: u64,
    /// Byte offset of the record in the file.
    pub byte: u64,
}

impl Line<'_> {
    /// Columns `first..=last` (1-based, characters). Always in range for a
    /// 120-character record; empty if asked past its end.
    pub fn col(&self, first: usize, last: usize) -> &str {
        let t: &str = &self.text;
        if self.ascii {
            return t.get(first.saturating_sub(1)..last).unwrap_or("");
        }
        let offset = |n: usize| t.char_indices().nth(n).map_or(t.len(), |(i, _)| i);
        let (a, b) = (offset(first.saturating_sub(1)), offset(last));
        t.get(a..b).unwrap_or("")
    }

    /// Location of columns `first..=last` of this record.
    pub fn at(&self, first: usize, last: usize) -> Location {
        Location::columns(self.number, self.byte, first as u32, last as u32)
    }
}

/// The record reader.
#[derive(Debug)]
pub struct Lines<'a> {
    bytes: &'a [u8],
    /// Offset of `bytes` in the file (a skipped BOM).
    base: u64,
    pos: usize,
    number: u64,
    /// The whole file as text when it is valid UTF-8 (records are sliced
    /// from it without validating each again).
    utf8: Option<&'a str>,
    /// Stream mode: the single line to cut into records.
    stream: Option<(usize, usize)>,
    short_lines: u64,
    first_short: Option<(u64, usize)>,
}

impl<'a> Lines<'a> {
    /// Prepares to read `bytes`. Fails on a NUL byte, naming where it is.
    pub fn new(bytes: &'a [u8], file: &Path) -> Result<Lines<'a>, ParseError> {
        let (bytes, base) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (rest, 3),
            None => (bytes, 0),
        };
        if let Some(nul) = memchr::memchr(0, bytes) {
            return Err(nul_error(bytes, base, nul, file));
        }
        let utf8 = std::str::from_utf8(bytes).ok();
        let stream = single_long_line(bytes);
        Ok(Lines {
            bytes,
            base,
            pos: 0,
            number: 0,
            utf8,
            stream,
            short_lines: 0,
            first_short: None,
        })
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_line(
        &mut self,
        file: &Path,
        findings: &mut Vec<Finding>,
    ) -> Result<Option<Line<'a>>, ParseError> {
        if let Some((start, end)) = self.stream {
            return self.next_streamed(start, end, file);
        }
        loop {
            let Some(rest) = self.bytes.get(self.pos..) else {
                return Ok(None);
            };
            if rest.is_empty() {
                return Ok(None);
            }
            let start = self.pos;
            let (len, next) = match memchr::memchr2(b'\n', b'\r', rest) {
                Some(i) => {
                    let crlf = rest.get(i) == Some(&b'\r') && rest.get(i + 1) == Some(&b'\n');
                    (i, start + i + if crlf { 2 } else { 1 })
                }
                None => (rest.len(), self.bytes.len()),
            };
            self.pos = next;
            self.number += 1;
            let raw = &rest[..len];
            if is_blank(raw) {
                continue;
            }
            let byte = self.base + start as u64;
            let (text, ascii) = self.decode(start, start + len, self.number, byte, file)?;
            let chars = if ascii {
                text.len()
            } else {
                text.chars().count()
            };
            // Blanks or a DOS end-of-file mark (Ctrl-Z) after the 120th
            // character are no data: the record is its first 120 (review 38
            // banks F1). Anything else there is a record too long.
            let text = if chars > RECORD {
                let cut = text
                    .char_indices()
                    .nth(RECORD)
                    .map_or(text.len(), |(i, _)| i);
                if !is_blank(text[cut..].as_bytes()) {
                    return Err(too_long(self.number, byte, chars, file));
                }
                match text {
                    Cow::Borrowed(t) => Cow::Borrowed(&t[..cut]),
                    Cow::Owned(mut t) => {
                        t.truncate(cut);
                        Cow::Owned(t)
                    }
                }
            } else {
                text
            };
            let chars = chars.min(RECORD);
            let text = if chars < RECORD {
                self.short_line(self.number, byte, chars, findings);
                let mut padded = text.into_owned();
                padded.extend(std::iter::repeat_n(' ', RECORD - chars));
                Cow::Owned(padded)
            } else {
                text
            };
            return Ok(Some(Line {
                text,
                ascii,
                number: self.number,
                byte,
            }));
        }
    }

    /// Adds the summary finding for short lines beyond the first ones.
    pub fn finish(&self, findings: &mut Vec<Finding>) {
        if self.short_lines > SHORT_LINES_REPORTED {
            let (line, chars) = self.first_short.unwrap_or((0, 0));
            findings.push(Finding::new(
                FindingKind::ShortLinePadded,
                Location {
                    line,
                    ..Location::default()
                },
                format!(
                    "{} lines in all were shorter than {RECORD} characters and padded with spaces \
                     (the first, line {line}, had {chars}); only the first {SHORT_LINES_REPORTED} \
                     are listed",
                    self.short_lines
                ),
            ));
        }
    }

    fn short_line(&mut self, line: u64, byte: u64, chars: usize, findings: &mut Vec<Finding>) {
        self.short_lines += 1;
        if self.first_short.is_none() {
            self.first_short = Some((line, chars));
        }
        if self.short_lines <= SHORT_LINES_REPORTED {
            findings.push(Finding::new(
                FindingKind::ShortLinePadded,
                Location::columns(line, byte, chars as u32 + 1, RECORD as u32),
                format!(
                    "line has {chars} characters instead of {RECORD}: padded with spaces \
                     (columns {}-{RECORD})",
                    chars + 1
                ),
            ));
        }
    }

    fn next_streamed(
        &mut self,
        start: usize,
        end: usize,
        file: &Path,
    ) -> Result<Option<Line<'a>>, ParseError> {
        if self.pos < start {
            self.pos = start;
        }
        if self.pos >= end {
            return Ok(None);
        }
        let rest = self.bytes.get(self.pos..end).unwrap_or_default();
        // One record: 120 characters, i.e. 120 bytes unless non-ASCII UTF-8.
        // Only the next record is looked at, so a long stream stays linear.
        let len = match self.utf8.and_then(|t| t.get(self.pos..end)) {
            Some(s) if !rest.get(..RECORD).unwrap_or(rest).is_ascii() => {
                s.char_indices().nth(RECORD).map_or(s.len(), |(i, _)| i)
            }
            _ => RECORD.min(rest.len()),
        };
        let first = self.pos;
        let byte = self.base + first as u64;
        self.pos += len;
        self.number += 1;
        let (text, ascii) = self.decode(first, first + len, self.number, byte, file)?;
        let chars = if ascii {
            text.len()
        } else {
            text.chars().count()
        };
        // The stream's tail shorter than a record and blank (spaces, a DOS
        // end-of-file mark) ends it (review 38 banks F1).
        if chars < RECORD && self.pos >= end && is_blank(text.as_bytes()) {
            return Ok(None);
        }
        if chars != RECORD {
            let total = self.bytes.get(start..end).map_or(0, char_count);
            return Err(ParseError::new(
                file,
                Location::columns(1, self.base + start as u64, 1, total as u32),
                "line length",
                ParseErrorKind::Invalid {
                    expected: format!(
                        "records of {RECORD} characters (a file without line breaks must be a \
                         multiple of {RECORD} characters long)"
                    ),
                    found: format!("{total} characters"),
                },
            ));
        }
        Ok(Some(Line {
            text,
            ascii,
            number: self.number,
            byte,
        }))
    }

    fn decode(
        &self,
        start: usize,
        end: usize,
        number: u64,
        byte: u64,
        file: &Path,
    ) -> Result<(Cow<'a, str>, bool), ParseError> {
        let raw = self.bytes.get(start..end).unwrap_or_default();
        let ascii = is_ascii(raw);
        // Line ends are ASCII, so a line of a valid UTF-8 file is valid UTF-8.
        let text = match self.utf8 {
            Some(t) => t.get(start..end),
            None if ascii => std::str::from_utf8(raw).ok(),
            None => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(raw);
                return Ok((Cow::Owned(text.into_owned()), false));
            }
        };
        match text {
            Some(s) => Ok((Cow::Borrowed(s), ascii)),
            None => Err(ParseError::invalid(
                file,
                Location::at(number, 1, byte),
                "text",
                "UTF-8 or ISO-8859-1 text",
                &String::from_utf8_lossy(raw),
            )),
        }
    }
}

/// `<[u8]>::is_ascii`, eight bytes at a time (a record is 120 bytes; the
/// standard one went byte by byte here).
fn is_ascii(b: &[u8]) -> bool {
    let mut chunks = b.chunks_exact(8);
    let mut high = 0u64;
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        high |= u64::from_le_bytes(word);
    }
    high & 0x8080_8080_8080_8080 == 0 && chunks.remainder().is_ascii()
}

fn char_count(b: &[u8]) -> usize {
    match std::str::from_utf8(b) {
        Ok(s) => s.chars().count(),
        Err(_) => b.len(),
    }
}

fn is_blank(raw: &[u8]) -> bool {
    raw.iter().all(|b| matches!(b, b' ' | b'\t' | 0x1A))
}

/// `Some((start, end))` of the only non-blank line when there is exactly one
/// and it is longer than one record (a stream without line breaks).
fn single_long_line(bytes: &[u8]) -> Option<(usize, usize)> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | 0x1A | b'\r' | b'\n');
    let first = bytes.iter().position(|b| !is_space(b))?;
    // Back to the start of that line (leading spaces belong to it).
    let start = bytes[..first]
        .iter()
        .rposition(|b| matches!(b, b'\r' | b'\n'))
        .map_or(0, |i| i + 1);
    let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
    let rest_blank = bytes[end..].iter().all(is_space);
    (rest_blank && char_count(&bytes[start..end]) > RECORD).then_some((start, end))
}

fn nul_error(bytes: &[u8], base: u64, at: usize, file: &Path) -> ParseError {
    let before = &bytes[..at];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = char_count(&before[line_start..]) as u32 + 1;
    ParseError::new(
        file,
        Location::columns(line, base + at as u64, column, column),
        "character",
        ParseErrorKind::Invalid {
            expected: "text (a NUL byte means a binary or corrupted file)".to_string(),
            found: "NUL (0x00)".to_string(),
        },
    )
}

fn too_long(line: u64, byte: u64, chars: usize, file: &Path) -> ParseError {
    ParseError::new(
        file,
        Location::columns(line, byte, RECORD as u32 + 1, chars as u32),
        "line length",
        ParseErrorKind::Invalid {
            expected: format!("{RECORD} characters per record"),
            found: format!("{chars} characters"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = (Vec<(u64, String)>, Vec<Finding>);

    fn read(bytes: &[u8]) -> Result<Read, ParseError> {
        let file = Path::new("t.cfonb");
        let mut lines = Lines::new(bytes, file)?;
        let mut findings = Vec::new();
        let mut out = Vec::new();
        while let Some(l) = lines.next_line(file, &mut findings)? {
            out.push((l.number, l.text.into_owned()));
        }
        lines.finish(&mut findings);
        Ok((out, findings))
    }

    fn rec(c: char) -> String {
        std::iter::repeat_n(c, RECORD).collect()
    }

    #[test]
    fn line_ends_of_every_kind() {
        let (a, b) = (rec('a'), rec('b'));
        for sep in ["\n", "\r\n", "\r"] {
            let text = format!("{a}{sep}{sep}{b}{sep}");
            let (got, f) = read(text.as_bytes()).unwrap();
            assert_eq!(got.len(), 2, "{sep:?}");
            assert_eq!(got[1].1, b);
            assert!(f.is_empty());
        }
        let (got, _) = read(format!("{a}\r\n\r\n{b}").as_bytes()).unwrap();
        assert_eq!((got[0].0, got[1].0), (1, 3));
    }

    #[test]
    fn stream_without_line_breaks() {
        let text = format!("{}{}{}\r\n", rec('a'), rec('b'), rec('c'));
        let (got, _) = read(text.as_bytes()).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[2], (3, rec('c')));
        let err = read(format!("{}x", rec('a').repeat(2)).as_bytes()).unwrap_err();
        assert!(err.to_string().contains("241 characters"), "{err}");
    }

    #[test]
    fn a_long_accented_utf8_stream_is_read_in_linear_time() {
        // Each record is validated alone: a quadratic reader would take
        // minutes here (20 000 records × 2.4 MB).
        let record = format!("{}é{}", "a".repeat(60), "b".repeat(59));
        let text = record.repeat(20_000);
        let (got, _) = read(text.as_bytes()).unwrap();
        assert_eq!(got.len(), 20_000);
        assert_eq!(got[19_999], (20_000, record));
    }

    #[test]
    fn short_lines_are_padded_long_ones_refused() {
        let (got, f) = read(format!("{}\n{}", rec('a'), "01ab").as_bytes()).unwrap();
        assert_eq!(got[1].1.len(), RECORD);
        assert!(got[1].1.starts_with("01ab   "));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FindingKind::ShortLinePadded);
        assert_eq!(f[0].location.line, 2);
        let err = read(format!("{}\n{}x\n", rec('a'), rec('b')).as_bytes()).unwrap_err();
        assert_eq!(err.location.line, 2);
        assert_eq!(
            err.to_string(),
            "t.cfonb: line 2, column 121: line length: expected 120 characters per record, \
             found \"121 characters\""
        );
    }

    #[test]
    fn blanks_or_a_dos_end_mark_after_a_record_are_no_data() {
        let (a, b) = (rec('a'), rec('b'));
        // Ctrl-Z straight after the last record, trailing spaces.
        for text in [
            format!("{a}\r\n{b}\x1a"),
            format!("{a}   \r\n{b}  \x1a\r\n"),
            format!("{a}{b}\x1a"),
            format!("{a}{b}   \x1a"),
        ] {
            let (got, f) = read(text.as_bytes()).unwrap();
            assert_eq!(got.len(), 2, "{text:?}");
            assert_eq!(
                (got[0].1.as_str(), got[1].1.as_str()),
                (a.as_str(), b.as_str())
            );
            assert!(f.is_empty(), "{text:?}");
        }
        // Data after the 120th character is still a record too long, and
        // a stream's unfinished record is still refused.
        assert!(read(format!("{a}  x\r\n").as_bytes()).is_err());
        assert!(read(format!("{a}{b}x\x1a").as_bytes()).is_err());
    }

    #[test]
    fn many_short_lines_are_summarised() {
        let text = "01x\n".repeat(25);
        let (_, f) = read(text.as_bytes()).unwrap();
        assert_eq!(f.len(), 11);
        assert!(f[10].message.starts_with("25 lines"), "{}", f[10].message);
    }

    #[test]
    fn columns_are_characters() {
        let utf8 = format!("{}é{}", "a".repeat(50), "b".repeat(69));
        let (got, _) = read(utf8.as_bytes()).unwrap();
        assert_eq!(got[0].1.chars().count(), RECORD);
        let mut latin = vec![b'a'; 50];
        latin.push(0xE9);
        latin.extend(std::iter::repeat_n(b'b', 69));
        latin.extend_from_slice(b"\r\n");
        latin.extend(std::iter::repeat_n(b'c', RECORD));
        let (got, _) = read(&latin).unwrap();
        assert_eq!(got[0].1, utf8);
        let file = Path::new("t");
        let mut lines = Lines::new(utf8.as_bytes(), file).unwrap();
        let l = lines.next_line(file, &mut Vec::new()).unwrap().unwrap();
        assert!(!l.ascii);
        assert_eq!(l.col(50, 52), "aéb");
        assert_eq!(l.col(119, 120), "bb");
    }

    #[test]
    fn ascii_check_agrees_with_std() {
        let mut b = vec![b'a'; 130];
        for i in 0..b.len() {
            assert!(is_ascii(&b[..i]));
            b[i] = 0xE9;
            assert!(!is_ascii(&b[..=i]) && !is_ascii(&b));
            b[i] = b'a';
        }
    }

    #[test]
    fn nul_bytes_are_refused_with_their_place() {
        let err = read(b"0101\n01\x0001\n").unwrap_err();
        assert_eq!(err.location.line, 2);
        assert_eq!(err.location.column, 3);
    }
}
