//! The byte stream under the XML reader: BOM and declared-encoding handling,
//! streaming transcoding to UTF-8 (ISO-8859-1, windows-1252 and any other
//! ASCII-compatible encoding `encoding_rs` knows), and a counting buffer that
//! tracks line and column as the reader consumes bytes.
//!
//! The [`Counter`] is the `BufRead` quick-xml reads from. Because quick-xml
//! consumes exactly one event's bytes at a time, the counter's position taken
//! just before an event is read is where that event starts. The counter also
//! refuses NUL bytes (never legal in XML) and events larger than a limit, so a
//! hostile file cannot make the reader buffer without bound.

use std::io::{self, BufRead, Read};

/// Largest raw event (tag, text run, comment…) the reader may buffer.
pub(super) const MAX_EVENT_BYTES: u64 = (1 << 20) + 4096;

/// How far we look for the XML declaration.
const PROLOG_SNIFF: usize = 512;

/// What the input prefix told us about the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Declared {
    /// UTF-8 (declared, BOM, or nothing declared).
    Utf8 {
        /// True when the file said nothing (no BOM, no encoding attribute).
        implicit: bool,
    },
    /// Another ASCII-compatible encoding, transcoded on the fly.
    Other(&'static encoding_rs::Encoding),
}

/// Reads the start of the input (up to the end of the XML declaration) and
/// works out its encoding. Returns the bytes read (BOM removed) and the
/// encoding, or the label of an encoding pointage cannot read.
pub(super) fn sniff<R: BufRead>(src: &mut R) -> io::Result<(Vec<u8>, Result<Declared, String>)> {
    let mut head = Vec::with_capacity(PROLOG_SNIFF);
    while head.len() < PROLOG_SNIFF {
        let buf = src.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let take = buf.len().min(PROLOG_SNIFF - head.len());
        head.extend_from_slice(&buf[..take]);
        src.consume(take);
    }
    let mut bom = false;
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
        bom = true;
    }
    if head.starts_with(b"\xFE\xFF") || head.starts_with(b"\xFF\xFE") {
        return Ok((head, Err("UTF-16".to_string())));
    }
    let declared = declared_label(&head);
    let enc = match declared {
        None => Ok(Declared::Utf8 { implicit: !bom }),
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Ok(Declared::Utf8 { implicit: false }),
            Some(e) if e.is_ascii_compatible() && !bom => Ok(Declared::Other(e)),
            Some(e) if e.is_ascii_compatible() => Ok(Declared::Utf8 { implicit: false }),
            _ => Err(label),
        },
    };
    Ok((head, enc))
}

/// The `encoding="…"` value of an XML declaration at the very start.
fn declared_label(head: &[u8]) -> Option<String> {
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = head.get(start..)?;
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(rest, b"?>")?;
    let decl = std::str::from_utf8(rest.get(..end)?).ok()?;
    let at = decl.find("encoding")?;
    let after = decl.get(at + "encoding".len()..)?.trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let value = after.get(1..)?;
    let close = value.find(quote)?;
    Some(value.get(..close)?.trim().to_string())
}

/// Streaming transcoder: bytes in some ASCII-compatible encoding in, UTF-8 out.
pub(super) struct Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    done: bool,
}

impl<R: BufRead> Transcoder<R> {
    pub(super) fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Transcoder {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            done: false,
        }
    }
}

impl<R: BufRead> Read for Transcoder<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        // A decoder may need up to 4 output bytes of room for one character.
        if self.done || dst.len() < 8 {
            return Ok(0);
        }
        loop {
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let (res, read, written) = self
                .decoder
                .decode_to_utf8_without_replacement(src, dst, last);
            self.inner.consume(read);
            if let encoding_rs::DecoderResult::Malformed(_, _) = res {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "byte sequence invalid in the declared encoding",
                ));
            }
            if last && matches!(res, encoding_rs::DecoderResult::InputEmpty) {
                self.done = true;
            }
            if written > 0 || self.done {
                return Ok(written);
            }
        }
    }
}

/// Why the counter stopped the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fault {
    /// A NUL byte at this position.
    Nul(Pos),
    /// One event grew beyond [`MAX_EVENT_BYTES`].
    TooLarge,
}

/// A position in the decoded text: 1-based line, 1-based column in
/// characters, byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Pos {
    pub line: u64,
    pub column: u32,
    pub byte: u64,
}

/// A byte offset whose line and column are worked out only when asked for
/// (or when its buffer is about to be replaced).
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    byte: u64,
    pos: Option<Pos>,
}

/// Line/column bookkeeping, done lazily over whole spans of the buffer
/// rather than per event: most positions are never asked for.
#[derive(Debug)]
struct Lines {
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// Index in the buffer up to which `line` and `col` are counted.
    counted: usize,
    line: u64,
    col: u64,
    /// Start offsets of the open elements, outermost first.
    marks: Vec<Mark>,
    /// Start of the event being read.
    event: Mark,
    /// The reader was told to skip whitespace at the start of the event
    /// and `event` has not been moved past it yet (see [`Lines::settle`]).
    skipping: bool,
    /// Where the event started before any skipped whitespace.
    skip: Mark,
    /// The first byte after the skipped whitespace, once settled.
    settled_on: u8,
    /// Skipped whitespace from buffers already replaced, kept for
    /// [`Counter::skipped_whitespace`] (never more than the event limit).
    saved: Vec<u8>,
}

impl Lines {
    /// Moves the event's start past the whitespace the reader skipped, as
    /// far as `buf[..upto]` shows it: to the first other byte. Until one is
    /// seen the skip may go on, and the event stays where it was.
    fn settle(&mut self, buf: &[u8], upto: usize) {
        if !self.skipping {
            return;
        }
        let from = usize::try_from(self.event.byte.saturating_sub(self.base)).unwrap_or(usize::MAX);
        let Some(span) = buf.get(from..upto) else {
            return;
        };
        if let Some(i) = span.iter().position(|&b| !is_xml_space(b)) {
            self.event = Mark {
                byte: self.base + (from + i) as u64,
                pos: None,
            };
            self.settled_on = span.get(i).copied().unwrap_or(0);
            self.skipping = false;
        }
    }

    /// Counts `buf[counted..to]`.
    fn count_to(&mut self, buf: &[u8], to: usize) {
        let Some(span) = buf.get(self.counted..to) else {
            return;
        };
        let newlines = count_newlines(span);
        if newlines == 0 {
            self.col += chars(span);
        } else {
            let last = memchr::memrchr(b'\n', span).unwrap_or(0);
            self.line += newlines;
            self.col = chars(span.get(last + 1..).unwrap_or_default());
        }
        self.counted = to;
    }

    fn here(&self) -> Pos {
        Pos {
            line: self.line,
            column: u32::try_from(self.col + 1).unwrap_or(u32::MAX),
            byte: self.base + self.counted as u64,
        }
    }

    /// Resolves every pending mark at or before `byte` (they are in file
    /// order), then counts up to `byte`.
    fn resolve(&mut self, buf: &[u8], byte: u64) -> Pos {
        let mut marks = std::mem::take(&mut self.marks);
        let mut skip = self.skip;
        let mut event = self.event;
        let last = [&mut skip, &mut event];
        for m in marks.iter_mut().chain(last) {
            if m.pos.is_none() && m.byte <= byte && m.byte >= self.base + self.counted as u64 {
                let rel = usize::try_from(m.byte - self.base).unwrap_or(usize::MAX);
                self.count_to(buf, rel);
                m.pos = Some(self.here());
            }
        }
        self.marks = marks;
        self.skip = skip;
        self.event = event;
        if byte >= self.base + self.counted as u64 {
            let rel = usize::try_from(byte - self.base).unwrap_or(usize::MAX);
            self.count_to(buf, rel);
        }
        self.here()
    }
}

/// XML whitespace: what quick-xml's `trim_text_start` skips.
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A buffered reader that knows the line and column of any recent offset.
pub(super) struct Counter<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    lines: std::cell::RefCell<Lines>,
    /// Absolute offset of `buf[0]` (a copy of `Lines::base`, read per event).
    base: u64,
    /// Absolute offset of the first NUL byte of the current buffer, if any.
    nul_at: Option<u64>,
    /// Absolute offset where the current event started.
    event_start: u64,
    /// `consume` checks for faults only once `start` passes this index: the
    /// first NUL of the buffer or the event size limit, whichever is first.
    trip: usize,
    pub(super) fault: Option<Fault>,
}

impl<R: Read> Counter<R> {
    pub(super) fn new(inner: R) -> Self {
        Counter {
            inner,
            buf: vec![0u8; 64 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
            lines: std::cell::RefCell::new(Lines {
                base: 0,
                counted: 0,
                line: 1,
                col: 0,
                marks: Vec::with_capacity(32),
                event: Mark::default(),
                skipping: false,
                skip: Mark::default(),
                settled_on: 0,
                saved: Vec::new(),
            }),
            base: 0,
            nul_at: None,
            event_start: 0,
            trip: usize::MAX,
            fault: None,
        }
    }

    #[inline]
    fn abs(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Recomputes [`Counter::trip`] after the event start or the buffer changed.
    #[inline]
    fn set_trip(&mut self) {
        let limit = (self.event_start + MAX_EVENT_BYTES).saturating_sub(self.base);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let nul = self
            .nul_at
            .and_then(|n| usize::try_from(n.saturating_sub(self.base)).ok())
            .unwrap_or(usize::MAX);
        self.trip = limit.min(nul);
    }

    /// The line bookkeeping, with the event's start moved past any
    /// whitespace skipped so far (before anything is resolved past it).
    fn lines_settled(&self) -> std::cell::RefMut<'_, Lines> {
        let mut l = self.lines.borrow_mut();
        l.settle(&self.buf, self.start);
        l
    }

    /// Where the next unread byte is.
    pub(super) fn pos(&self) -> Pos {
        let at = self.abs();
        self.lines_settled().resolve(&self.buf, at)
    }

    /// Called before each event: the size limit is per event, and the
    /// event's start is remembered. `skips_whitespace`: the reader will skip
    /// leading whitespace first (quick-xml's `trim_text_start`), which then
    /// does not count as part of the event.
    ///
    /// The skipped whitespace is found lazily, only when a position is asked
    /// for, a buffer is replaced or a limit looks exceeded: a start tag's
    /// own position comes from its length ([`Counter::open_element`]).
    #[inline]
    pub(super) fn start_event(&mut self, skips_whitespace: bool) {
        let byte = self.abs();
        self.event_start = byte;
        self.set_trip();
        let l = self.lines.get_mut();
        let mark = Mark { byte, pos: None };
        l.event = mark;
        l.skip = mark;
        l.skipping = skips_whitespace;
        if !l.saved.is_empty() {
            l.saved.clear();
        }
    }

    /// The whitespace skipped at the start of the event just read (which
    /// began with something else), appended to `out`.
    #[inline]
    pub(super) fn skipped_whitespace(&mut self, out: &mut String) {
        let l = self.lines.get_mut();
        l.settle(&self.buf, self.start);
        if l.event.byte == l.skip.byte {
            return;
        }
        // Whitespace in buffers already replaced is in `saved`; the rest, if
        // the event starts in this buffer, is still here.
        let from = l.skip.byte.max(l.base) - l.base;
        let to = l.event.byte.saturating_sub(l.base);
        let here = usize::try_from(from)
            .ok()
            .zip(usize::try_from(to).ok())
            .and_then(|(f, t)| self.buf.get(f..t))
            .unwrap_or_default();
        // Only XML whitespace (ASCII) was skipped.
        for &b in l.saved.iter().chain(here) {
            out.push(char::from(b));
        }
    }

    /// Where the event being read (or just read) starts. After skipped
    /// whitespace that is where the text run it skipped into started, as when
    /// whitespace and text were one event; for markup or a reference, the
    /// `<` or `&` (a whitespace-only text was an event of its own).
    pub(super) fn event_pos(&self) -> Pos {
        let mut l = self.lines_settled();
        if l.skip.byte < l.event.byte && !matches!(l.settled_on, b'<' | b'&') {
            if let Some(p) = l.skip.pos {
                return p;
            }
            let byte = l.skip.byte;
            l.resolve(&self.buf, byte);
            return l.skip.pos.unwrap_or_default();
        }
        if let Some(p) = l.event.pos {
            return p;
        }
        let byte = l.event.byte;
        l.resolve(&self.buf, byte);
        l.event.pos.unwrap_or_default()
    }

    /// The event just read opened an element; its tag, `<` to `>`, was
    /// `tag_bytes` long and ends where the reader now is.
    #[inline]
    pub(super) fn open_element(&mut self, tag_bytes: usize) {
        let byte = self.abs().saturating_sub(tag_bytes as u64);
        let l = self.lines.get_mut();
        // The mark is built in place rather than stored and read back (a
        // store-to-load stall on every start tag after skipped whitespace).
        let mark = if l.event.byte == byte {
            l.event
        } else {
            let m = Mark { byte, pos: None };
            l.event = m;
            m
        };
        l.skipping = false;
        l.skip = mark;
        l.marks.push(mark);
    }

    /// The innermost element closed.
    pub(super) fn close_element(&mut self) {
        self.lines.get_mut().marks.pop();
    }

    /// Where the element at `depth` (0 = root) starts; the innermost one
    /// when `depth` is `None`.
    pub(super) fn element_pos(&self, depth: Option<usize>) -> Pos {
        let mut l = self.lines_settled();
        let i = match depth {
            Some(d) => d,
            None => l.marks.len().saturating_sub(1),
        };
        let Some(m) = l.marks.get(i).copied() else {
            drop(l);
            return self.event_pos();
        };
        if let Some(p) = m.pos {
            return p;
        }
        l.resolve(&self.buf, m.byte);
        l.marks.get(i).and_then(|m| m.pos).unwrap_or_default()
    }
}

/// Newlines in a span: 32 byte-wide counters, each summed over at most 255
/// blocks of 32 bytes before it could overflow (a loop compilers turn into
/// SIMD code), then the tail byte by byte.
fn count_newlines(span: &[u8]) -> u64 {
    const LANES: usize = 32;
    let mut total = 0u64;
    let mut blocks = span.chunks_exact(LANES);
    loop {
        let mut acc = [0u8; LANES];
        let mut n = 0;
        for block in blocks.by_ref().take(255) {
            for (a, &b) in acc.iter_mut().zip(block) {
                *a += u8::from(b == b'\n');
            }
            n += 1;
        }
        total += acc.iter().map(|&a| u64::from(a)).sum::<u64>();
        if n < 255 {
            break;
        }
    }
    let tail = blocks.remainder();
    total + tail.iter().filter(|&&b| b == b'\n').count() as u64
}

/// UTF-8 characters in a byte slice (bytes that are not continuation bytes).
fn chars(s: &[u8]) -> u64 {
    s.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

impl<R: Read> Read for Counter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Counter<R> {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.start >= self.end || self.fault.is_some() {
            return self.refill();
        }
        Ok(self.buf.get(self.start..self.end).unwrap_or_default())
    }

    #[inline]
    fn consume(&mut self, amt: usize) {
        self.start = self.start.saturating_add(amt).min(self.end);
        if self.start > self.trip {
            self.check_faults();
        }
    }
}

impl<R: Read> Counter<R> {
    #[inline(never)]
    fn refill(&mut self) -> io::Result<&[u8]> {
        if self.fault.is_some() {
            return Err(io::Error::other("input refused"));
        }
        if self.start >= self.end {
            // Settle every pending position in the old buffer before it goes.
            let end_abs = self.abs();
            let l = self.lines.get_mut();
            let was_skipping = l.skipping;
            l.settle(&self.buf, self.start);
            if was_skipping {
                // Keep the whitespace this buffer held (all of it when the
                // skip goes on into the next one), in case the element's
                // text needs it back (`skipped_whitespace`).
                let from = l.skip.byte.max(l.base) - l.base;
                let to = if l.skipping {
                    self.start as u64
                } else {
                    l.event.byte.saturating_sub(l.base)
                };
                let kept = usize::try_from(from)
                    .ok()
                    .zip(usize::try_from(to).ok())
                    .and_then(|(f, t)| self.buf.get(f..t))
                    .unwrap_or_default();
                l.saved.extend_from_slice(kept);
            }
            if !l.skipping {
                self.event_start = self.event_start.max(l.event.byte);
            }
            l.resolve(&self.buf, end_abs);
            l.base = end_abs;
            l.counted = 0;
            self.base = end_abs;
            self.start = 0;
            self.end = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            self.nul_at = self
                .buf
                .get(..self.end)
                .and_then(|b| memchr::memchr(0, b))
                .map(|i| end_abs + i as u64);
            self.set_trip();
        }
        Ok(self.buf.get(self.start..self.end).unwrap_or_default())
    }

    #[inline(never)]
    fn check_faults(&mut self) {
        // Whitespace skipped before the event is not part of it.
        let l = self.lines.get_mut();
        if l.skipping {
            l.settle(&self.buf, self.start);
            if !l.skipping {
                self.event_start = self.event_start.max(l.event.byte);
                self.set_trip();
            }
        }
        if self.fault.is_none() {
            if let Some(nul) = self.nul_at.filter(|&n| n < self.abs()) {
                let p = self.lines.get_mut().resolve(&self.buf, nul);
                self.fault = Some(Fault::Nul(p));
            } else if self.abs().saturating_sub(self.event_start) > MAX_EVENT_BYTES {
                self.fault = Some(Fault::TooLarge);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_encodings() {
        let (_, e) = sniff(&mut &b"<?xml version='1.0' encoding='ISO-8859-1'?><a/>"[..]).unwrap();
        assert_eq!(e, Ok(Declared::Other(encoding_rs::WINDOWS_1252)));
        let (h, e) =
            sniff(&mut &b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>"[..]).unwrap();
        assert_eq!(e, Ok(Declared::Utf8 { implicit: false }));
        assert!(h.starts_with(b"<?xml"));
        let (_, e) = sniff(&mut &b"<Document/>"[..]).unwrap();
        assert_eq!(e, Ok(Declared::Utf8 { implicit: true }));
        let (_, e) = sniff(&mut &b"<?xml version='1.0' encoding='UTF-16'?>"[..]).unwrap();
        assert!(e.is_err());
    }

    #[test]
    fn transcodes_latin1_in_small_reads() {
        let src: &[u8] = b"Soci\xe9t\xe9 G\xe9n\xe9rale";
        let mut t = Transcoder::new(src, encoding_rs::WINDOWS_1252);
        let mut out = String::new();
        t.read_to_string(&mut out).unwrap();
        assert_eq!(out, "Société Générale");
    }

    #[test]
    fn counts_lines_and_character_columns() {
        let mut c = Counter::new("ab\ncé\nxyz"[..].as_bytes());
        let n = c.fill_buf().unwrap().len();
        c.consume(n - 2);
        assert_eq!(
            c.pos(),
            Pos {
                line: 3,
                column: 2,
                byte: 8
            }
        );
        let mut c = Counter::new("é\n"[..].as_bytes());
        c.fill_buf().unwrap();
        c.consume(2);
        assert_eq!(c.pos().column, 2);
    }

    #[test]
    fn nul_bytes_are_refused_where_they_are() {
        let mut c = Counter::new(&b"<a>\n x\0"[..]);
        let n = c.fill_buf().unwrap().len();
        c.consume(n);
        assert_eq!(
            c.fault,
            Some(Fault::Nul(Pos {
                line: 2,
                column: 3,
                byte: 6
            }))
        );
        assert!(c.fill_buf().is_err());
    }
}
