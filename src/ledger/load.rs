//! The CSV reading shared by the ledger files (`invoices.csv`,
//! `customers.csv`, `promises.csv`, `decisions.csv`): reading a file within
//! the size limit, decoding, separator sniffing, header mapping, physical
//! line numbers, field-count and quote checks. Hands each data row to the
//! file's own loader as a [`Row`].
//!
//! Owns: everything about the bytes of a ledger CSV that is not a cell value.
//! Does not: interpret cells (see `values`, `invoices`, `customers`…), or
//! decide what a missing people's file means (`nightly::people`).

use std::borrow::Cow;
use std::path::Path;

use csv::StringRecord;

use super::lookalike::{self, Lookalike};
use super::quotes;
use super::{LedgerError, LedgerErrorKind};

/// A column a loader knows: its canonical (header) name and whether the file
/// must have it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    /// Canonical name, lower-case snake case.
    pub name: &'static str,
    /// A required column must be in the header.
    pub required: bool,
}

/// What a loader reads of its file: its columns, the headers taken for
/// them when absent ([`lookalike`]), and whether other columns are refused.
pub(crate) struct Schema {
    /// The known columns, in the loader's index order.
    pub columns: &'static [Column],
    /// The file's look-alike headers.
    pub lookalikes: &'static [Lookalike],
}

/// A decoded CSV file ready to be read row by row.
pub(crate) struct Table<'a> {
    file: &'a Path,
    text: Cow<'a, str>,
    separator: u8,
    /// True when the first line is Excel's `sep=;` hint (not a header).
    sep_line: bool,
    /// The file mixes encodings: the error, given instead of any row.
    mixed: Option<LedgerError>,
}

impl<'a> Table<'a> {
    /// Decodes `bytes` and sniffs the separator. Never fails: problems show
    /// when the header is read.
    pub fn new(bytes: &'a [u8], file: &'a Path) -> Table<'a> {
        let (text, mixed) = match decode(bytes) {
            Ok(text) => (text, None),
            Err(at) => (Cow::Borrowed(""), Some(mixed_encoding(bytes, at, file))),
        };
        let (separator, sep_line) = sniff(text.as_bytes());
        Table {
            file,
            text,
            separator,
            sep_line,
            mixed,
        }
    }

    /// An upper bound on the number of data rows of at least `min_row_bytes`
    /// bytes each, to size the output once: line ends in the file, and no
    /// more than the bytes allow (so a file of blank lines reserves little).
    pub fn max_rows(&self, min_row_bytes: usize) -> usize {
        let text = self.text.as_bytes();
        let lines = memchr::memchr_iter(b'\n', text).count() + 1;
        lines.min(text.len() / min_row_bytes.max(1) + 1)
    }

    /// Reads the header, maps `columns` to field positions, then calls
    /// `on_row` for each non-empty data row in file order. Stops at the first
    /// error, which names file, line and (when one is at fault) column.
    pub fn for_each_row(
        &self,
        schema: &Schema,
        mut on_row: impl FnMut(&Row<'_>) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        if let Some(e) = &self.mixed {
            return Err(e.clone());
        }
        let text = self.text.as_bytes();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(self.separator)
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut record = StringRecord::new();
        let mut lines = LineCounter::new(text);
        let mut mapping: Option<Vec<Option<usize>>> = None;
        let mut n_fields = 0;
        let mut skip_sep_line = self.sep_line;
        let columns = schema.columns;
        let mut names: Vec<String> = Vec::new();
        loop {
            let more = reader.read_record(&mut record).map_err(|e| {
                LedgerError::new(
                    self.file,
                    lines.line,
                    None,
                    LedgerErrorKind::Csv(e.to_string()),
                )
            })?;
            if !more {
                break;
            }
            let start = record.position().map_or(0, |p| p.byte());
            let line = lines.advance(start);
            let end = reader.position().byte();
            if end >= text.len() as u64 {
                self.check_quotes(lines.byte, line, mapping.as_deref(), columns)?;
            }
            if let Some(map) = &mapping {
                self.check_stray_quote(start, end, line, n_fields, map, columns)?;
            }
            if skip_sep_line {
                skip_sep_line = false;
                continue;
            }
            // Blank lines, and rows of empty cells (`;;;;` as spreadsheets
            // export them), are skipped, before the header too.
            if record.iter().all(|f| trim(f).is_empty()) {
                continue;
            }
            let Some(map) = &mapping else {
                // A column name over lines is a stray quote swallowing the
                // first rows into the header (never read, never told).
                if record.iter().any(|f| f.contains(['\n', '\r'])) {
                    return Err(LedgerError::new(
                        self.file,
                        line,
                        None,
                        LedgerErrorKind::Csv(
                            "a quote (\") in the header runs over the next lines, taking rows for a column name: remove the stray quote".into(),
                        ),
                    ));
                }
                names = record.iter().map(normalize_header).collect();
                let m = self.map_header(&names, line, schema)?;
                n_fields = record.len();
                mapping = Some(m);
                continue;
            };
            if record.len() != n_fields {
                return Err(self.field_count_error(line, record.len(), n_fields));
            }
            on_row(&Row {
                file: self.file,
                line,
                record: &record,
                map,
                columns,
                names: &names,
            })?;
        }
        if mapping.is_none() {
            return Err(LedgerError::new(
                self.file,
                0,
                None,
                LedgerErrorKind::Csv("no header line: the file is empty".into()),
            ));
        }
        Ok(())
    }

    /// Maps each known column to its field position in the header `names`
    /// (normalised; on `line`: 1 unless blank lines or a `sep=` line come
    /// first).
    fn map_header(
        &self,
        names: &[String],
        line: u64,
        schema: &Schema,
    ) -> Result<Vec<Option<usize>>, LedgerError> {
        let columns = schema.columns;
        let mut map = vec![None; columns.len()];
        for (pos, name) in names.iter().enumerate() {
            if let Some(k) = columns.iter().position(|c| c.name == name) {
                if map.get(k).copied().flatten().is_some() {
                    return Err(LedgerError::new(
                        self.file,
                        line,
                        Some(name),
                        LedgerErrorKind::DuplicateColumn,
                    ));
                }
                if let Some(slot) = map.get_mut(k) {
                    *slot = Some(pos);
                }
            }
        }
        // A misspelt or look-alike column would be ignored and its default
        // used: refuse.
        for name in names {
            if name.is_empty() || columns.iter().any(|c| c.name == name) {
                continue;
            }
            let len = name.chars().count();
            let near = columns.iter().zip(&map).find(|(c, found)| {
                // The distance is at least the difference in length: skip
                // the quadratic computation for names that cannot be close.
                found.is_none()
                    && (lookalike::looks_like(schema.lookalikes, name, c.name)
                        || len.abs_diff(c.name.len()) <= 2 && {
                            let d = strsim::levenshtein(c.name, name);
                            d <= 2 && d * 4 <= c.name.len()
                        })
            });
            if let Some((c, _)) = near {
                return Err(LedgerError::new(
                    self.file,
                    line,
                    Some(c.name),
                    LedgerErrorKind::Misspelled {
                        known: c.name.to_string(),
                        found: name.clone(),
                    },
                ));
            }
        }
        for (c, found) in columns.iter().zip(&map) {
            if c.required && found.is_none() {
                return Err(LedgerError::new(
                    self.file,
                    line,
                    Some(c.name),
                    LedgerErrorKind::MissingColumn,
                ));
            }
        }
        Ok(map)
    }

    fn field_count_error(&self, line: u64, found: usize, expected: usize) -> LedgerError {
        let sep = match self.separator {
            b'\t' => "tab".to_string(),
            s => format!("'{}'", char::from(s)),
        };
        let mut msg = format!("{found} fields where the header has {expected} (separator {sep})");
        if self.separator == b',' && found > expected {
            msg.push_str("; in a comma-separated file a decimal comma must be quoted: \"12,50\"");
        }
        LedgerError::new(self.file, line, None, LedgerErrorKind::Csv(msg))
    }

    /// A quote that runs a field over line breaks into what reads as rows of
    /// their own (a lone `"` closed rows later): refused, never one row
    /// made of several (an invoice given another's amount).
    fn check_stray_quote(
        &self,
        start: u64,
        end: u64,
        line: u64,
        fields: usize,
        map: &[Option<usize>],
        columns: &[Column],
    ) -> Result<(), LedgerError> {
        let text = self.text.as_bytes();
        let raw = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(a, b)| text.get(a..b))
            .unwrap_or_default();
        // Most records hold no quote at all: nothing to look at, and the
        // row's shape is not worth building (it showed in profiles).
        if memchr::memchr(b'"', raw).is_none() {
            return Ok(());
        }
        // The columns a swallowed row shows itself by: its required dates,
        // amounts and decisions; else an IBAN or an e-mail address.
        let kind_of = |name: &str| match name {
            n if n.contains("date") => Some(quotes::Typed::Date),
            n if n.contains("amount") => Some(quotes::Typed::Amount),
            "decision" => Some(quotes::Typed::Decision),
            "iban" => Some(quotes::Typed::Iban),
            "email" => Some(quotes::Typed::Email),
            _ => None,
        };
        let (mut typed, mut markers) = (Vec::new(), Vec::new());
        for (c, p) in columns.iter().zip(map) {
            if let (Some(kind), Some(p)) = (kind_of(c.name), *p) {
                if c.required {
                    typed.push((p, kind));
                } else if matches!(kind, quotes::Typed::Iban | quotes::Typed::Email) {
                    markers.push((p, kind));
                }
            }
        }
        let ids: Vec<usize> = columns
            .iter()
            .zip(map)
            .filter(|(c, _)| c.required && c.name.ends_with("_id"))
            .filter_map(|(_, p)| *p)
            .collect();
        // Free text may run over lines: addresses, notes, and the columns
        // pointage does not read.
        let strict: Vec<usize> = columns
            .iter()
            .zip(map)
            .filter(|(c, _)| !matches!(c.name, "address" | "note"))
            .filter_map(|(_, p)| *p)
            .collect();
        let shape = quotes::RowShape {
            sep: self.separator,
            fields,
            typed: &typed,
            markers: &markers,
            ids: &ids,
            strict: &strict,
        };
        let Some(k) = quotes::stray_quote_line(raw, &shape) else {
            return Ok(());
        };
        let next = line + k as u64;
        Err(LedgerError::new(
            self.file,
            line,
            None,
            LedgerErrorKind::Csv(format!(
                "a quote (\") opened on this line runs into line {next}, which reads as a row of its own: a stray quote would merge those rows into one; remove it, or double it (\"\") inside a quoted field"
            )),
        ))
    }

    /// Called for a record that reaches the end of the file: an unclosed
    /// quote makes the csv reader swallow everything after it into one field.
    fn check_quotes(
        &self,
        start: usize,
        line: u64,
        mapping: Option<&[Option<usize>]>,
        columns: &[Column],
    ) -> Result<(), LedgerError> {
        let raw = self.text.as_bytes().get(start..).unwrap_or_default();
        let Some(field) = quotes::unclosed_quote_field(raw, self.separator) else {
            return Ok(());
        };
        let column = mapping.and_then(|m| {
            m.iter()
                .position(|p| *p == Some(field))
                .and_then(|k| columns.get(k))
                .map(|c| c.name)
        });
        Err(LedgerError::new(
            self.file,
            line,
            column,
            LedgerErrorKind::Csv(
                "a quoted field opened on this line is never closed (unbalanced \")".into(),
            ),
        ))
    }
}

/// One data row, with its physical line, giving trimmed cells by known column.
pub(crate) struct Row<'r> {
    file: &'r Path,
    /// 1-based physical line where the row starts (header = line 1).
    pub line: u64,
    record: &'r StringRecord,
    map: &'r [Option<usize>],
    columns: &'r [Column],
    /// The header's names, normalised.
    names: &'r [String],
}

impl Row<'_> {
    /// Field at position `i`, trimmed; empty when absent.
    fn field(&self, i: usize) -> &str {
        self.record.get(i).map_or("", trim)
    }

    /// The trimmed cell of known column `k`; empty when the column is absent.
    pub fn get(&self, k: usize) -> &str {
        match self.map.get(k) {
            Some(Some(i)) => self.field(*i),
            _ => "",
        }
    }

    /// The cell of required column `k`, or an `Empty` error.
    pub fn required(&self, k: usize) -> Result<&str, LedgerError> {
        let v = self.get(k);
        if v.is_empty() {
            Err(self.error(k, LedgerErrorKind::Empty))
        } else {
            Ok(v)
        }
    }

    /// The cell of column `k`, `None` when empty.
    pub fn optional(&self, k: usize) -> Option<&str> {
        Some(self.get(k)).filter(|v| !v.is_empty())
    }

    /// The columns of the file its schema does not know: position and
    /// header (normalised).
    pub fn other_columns(&self) -> impl Iterator<Item = (usize, &str)> {
        self.names
            .iter()
            .enumerate()
            .filter(|(i, n)| !n.is_empty() && !self.map.contains(&Some(*i)))
            .map(|(i, n)| (i, n.as_str()))
    }

    /// The trimmed cell at field position `i` (of [`Row::other_columns`]).
    pub fn at(&self, i: usize) -> &str {
        self.field(i)
    }

    /// Name of known column `k`.
    pub fn column(&self, k: usize) -> &'static str {
        self.columns.get(k).map_or("?", |c| c.name)
    }

    /// An error at this row, column `k`.
    pub fn error(&self, k: usize, kind: LedgerErrorKind) -> LedgerError {
        LedgerError::new(self.file, self.line, Some(self.column(k)), kind)
    }

    /// An `Invalid` error at this row, column `k`, quoting the cell.
    pub fn invalid(&self, k: usize, expected: &str) -> LedgerError {
        self.invalid_found(k, expected, self.get(k))
    }

    /// An `Invalid` error at this row, column `k`, quoting `found` (part of
    /// the cell).
    pub fn invalid_found(&self, k: usize, expected: &str, found: &str) -> LedgerError {
        LedgerError::invalid(self.file, self.line, self.column(k), expected, found)
    }
}

/// Trims white space (Unicode's, so no-break spaces too), quickly when the
/// ends are ASCII.
fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(a), Some(b)) if !a.is_ascii() || !b.is_ascii() => t.trim(),
        _ => t,
    }
}

/// Turns byte offsets of record starts into physical line numbers, counting
/// line ends once over the whole file.
struct LineCounter<'t> {
    text: &'t [u8],
    /// Line ends are `\n`, or `\r` in a file that has no `\n` at all.
    eol: u8,
    /// Byte offset counted up to.
    byte: usize,
    /// Line number at `byte`.
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t [u8]) -> Self {
        let eol = if memchr::memchr(b'\n', text).is_none() {
            b'\r'
        } else {
            b'\n'
        };
        LineCounter {
            text,
            eol,
            byte: 0,
            line: 1,
        }
    }

    /// The line of a record the csv reader says starts at `start` (the
    /// reader's offset is before any blank lines and line-end bytes that
    /// precede the record: skip them).
    fn advance(&mut self, start: u64) -> u64 {
        let mut s = usize::try_from(start).unwrap_or(usize::MAX).max(self.byte);
        while matches!(self.text.get(s), Some(b'\r' | b'\n')) {
            s += 1;
        }
        let s = s.min(self.text.len());
        if let Some(between) = self.text.get(self.byte..s) {
            self.line += memchr::memchr_iter(self.eol, between).count() as u64;
        }
        self.byte = s;
        self.line
    }
}

/// Decodes a ledger CSV: UTF-8 (BOM stripped); UTF-16 with a BOM (Excel's
/// "Unicode text"); otherwise windows-1252, the superset of ISO-8859-1 that
/// Excel and French ERPs write (so `€`, `’`, `œ` come out right; every other
/// byte reads as in ISO-8859-1).
///
/// A file that is UTF-8 but for some bytes — a BOM, or a valid multi-byte
/// sequence (`é` as two bytes), and invalid bytes elsewhere: a row appended
/// by a Latin-1 tool — is neither: read as windows-1252 every correct
/// accent would turn to mojibake (`SociÃ©tÃ©`) and the payer's name match
/// no more. `Err` gives the offset of its first invalid byte.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, usize> {
    if let Some(b) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(b)
            .map(Cow::Borrowed)
            .map_err(|e| e.valid_up_to() + 3);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (s, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return Ok(s);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => {
            // UTF-8 as French and European text writes it: accented
            // letters, no-break spaces, quotes and dashes, the euro sign. A
            // windows-1252 file holds such byte pairs only by chance, and
            // mostly of other characters (`É` then a no-break space reads
            // as U+0260: verify 38 V1).
            let some_utf8 = bytes.utf8_chunks().any(|chunk| {
                chunk
                    .valid()
                    .chars()
                    .any(|c| matches!(u32::from(c), 0xA0..=0x17F | 0x2000..=0x206F | 0x20AC))
            });
            if some_utf8 {
                return Err(e.valid_up_to());
            }
            Ok(encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0)
        }
    }
}

/// The error for a file mixing encodings, naming the line of the byte at
/// `at` (lines as [`LineCounter`] counts them).
fn mixed_encoding(bytes: &[u8], at: usize, file: &Path) -> LedgerError {
    let before = bytes.get(..at).unwrap_or(bytes);
    let eol = if memchr::memchr(b'\n', bytes).is_none() {
        b'\r'
    } else {
        b'\n'
    };
    let line = 1 + memchr::memchr_iter(eol, before).count() as u64;
    let byte = bytes.get(at).copied().unwrap_or(0);
    LedgerError::new(
        file,
        line,
        None,
        LedgerErrorKind::Csv(format!(
            "byte 0x{byte:02X} is not UTF-8, while the file holds UTF-8 text elsewhere: \
             the file mixes encodings (a row added by another tool?); save it whole \
             in UTF-8 (or whole in windows-1252)"
        )),
    )
}

/// Finds the separator from the header line: the most frequent of `;`, `,`
/// and tab outside quotes (ties: `;`, then `,`, then tab; none: `,`). An
/// Excel `sep=X` first line decides instead (second value `true`).
pub(crate) fn sniff(text: &[u8]) -> (u8, bool) {
    let start = text
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(text.len());
    let text = text.get(start..).unwrap_or_default();
    if let (Some(prefix), Some(&s)) = (text.get(..4), text.get(4)) {
        let line_end = matches!(text.get(5), None | Some(b'\r' | b'\n'));
        if prefix.eq_ignore_ascii_case(b"sep=")
            && line_end
            && matches!(s, b';' | b',' | b'\t' | b'|')
        {
            return (s, true);
        }
    }
    let (mut semi, mut comma, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b';' if !quoted => semi += 1,
            b',' if !quoted => comma += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    let sep = if semi >= comma && semi >= tab && semi > 0 {
        b';'
    } else if comma >= tab && comma > 0 {
        b','
    } else if tab > 0 {
        b'\t'
    } else {
        b','
    };
    (sep, false)
}

/// Header cell → canonical name: trimmed, lower-case, spaces and hyphens as
/// underscores (`Invoice ID` → `invoice_id`).
fn normalize_header(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_sniffing() {
        let table: &[(&[u8], (u8, bool))] = &[
            (b"a;b;c\n1,5;2;3", (b';', false)),
            (b"a,b,c\n1;2;3", (b',', false)),
            (b"a\tb\tc", (b'\t', false)),
            (b"\"x;y\",b,c", (b',', false)),
            (b"\r\n\na;b", (b';', false)),
            (b"sep=;\na,b;c", (b';', true)),
            (b"SEP=,\r\na;b", (b',', true)),
            (b"sep=;x\na,b", (b';', false)),
            (b"abc", (b',', false)),
            (b"", (b',', false)),
            (b"a;b,c", (b';', false)),
        ];
        for (text, want) in table {
            assert_eq!(sniff(text), *want, "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn decoding() {
        assert_eq!(decode(b"\xEF\xBB\xBFa;b").unwrap(), "a;b");
        assert_eq!(
            decode(b"Soci\xe9t\xe9 G\xe9n\xe9rale").unwrap(),
            "Société Générale"
        );
        assert_eq!(decode(b"C\x9cur \x80").unwrap(), "Cœur €");
        assert_eq!(decode(b"\xFF\xFEa\0;\0\xe9\0").unwrap(), "a;é");
        assert_eq!(decode("Société".as_bytes()).unwrap(), "Société");
        // Whole windows-1252 whose byte pairs happen to be UTF-8 of other
        // characters (`É` + no-break space, `Ê` + `’`): windows-1252.
        assert_eq!(
            decode(b"CAF\xc9\xa0DU PORT;\xca\x92A;Soci\xe9t\xe9").unwrap(),
            "CAF\u{c9}\u{a0}DU PORT;\u{ca}\u{2019}A;Soci\u{e9}t\u{e9}"
        );
    }

    #[test]
    fn utf8_with_some_other_bytes_is_refused_at_the_first() {
        assert_eq!(decode(b"\xEF\xBB\xBF\xe9;a"), Err(3));
        assert_eq!(decode(b"Soci\xc3\xa9t\xc3\xa9\nCaf\xe9"), Err(13));
        let e = mixed_encoding(
            b"h\nSoci\xc3\xa9t\xc3\xa9\nCaf\xe9\n",
            15,
            Path::new("i.csv"),
        );
        assert_eq!(e.line, 3);
        assert!(e.to_string().contains("0xE9"), "{e}");
    }

    #[test]
    fn header_names() {
        assert_eq!(normalize_header("  Invoice ID "), "invoice_id");
        assert_eq!(normalize_header("OPEN-AMOUNT"), "open_amount");
        assert_eq!(normalize_header("\u{feff}invoice_id"), "invoice_id");
    }

    #[test]
    fn line_numbers_skip_blank_lines() {
        let text = b"h\n\n\na\r\n\"x\ny\"\nb";
        let mut lc = LineCounter::new(text);
        assert_eq!(lc.advance(0), 1);
        assert_eq!(lc.advance(2), 4);
        assert_eq!(lc.advance(6), 5);
        assert_eq!(lc.advance(12), 7);
    }
}
