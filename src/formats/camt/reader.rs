//! The XML event layer: quick-xml events turned into the three things the
//! builders need — an element opens (with its interned local name), an element
//! closes (with its whole text, however many text, entity-reference and CDATA
//! pieces it arrived in), and the end of the document.
//!
//! Owns: the element path (for error messages, by local name whatever the
//! prefix), positions (line and character column of every start tag), and the
//! safety rules: no DOCTYPE (so no DTD and no entity definition is ever read),
//! only the five predefined entities and character references, a text limit
//! per element, a nesting-depth limit, and a clean error for truncated input.
//!
//! Speed: inside the root, quick-xml skips the whitespace after each tag
//! (`trim_text_start`, set per event) rather than returning the indentation
//! as events of its own; when an element's text follows after all, the
//! counter (`input`) gives the skipped bytes back, and positions are those of
//! the old event boundaries. The path is spelled out only for an error.

use std::io::Read;
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::input::{Counter, Fault, Pos};
use super::tag::Tag;
use crate::formats::{ParseError, ParseErrorKind};
use crate::statement::Location;

/// Longest text one element may hold.
pub(super) const MAX_TEXT_BYTES: usize = 1 << 20;
/// Deepest element nesting accepted (CAMT needs about 15).
pub(super) const MAX_DEPTH: usize = 64;

/// What the builders see.
#[derive(Debug)]
pub(super) enum Ev {
    /// An element opens. `attr`: it has [`Xml::attr`], the `Ccy` attribute of
    /// an amount ([`Tag::holds_amount`]), or the namespace URI of the root
    /// element; `None` otherwise.
    Start { tag: Tag, attr: bool },
    /// An element closes. `has_text`: it held no child element, and its whole
    /// text is [`Xml::text`].
    End { tag: Tag, has_text: bool },
    /// End of the document (every element closed).
    Eof,
}

/// The XML reader with path and position tracking.
///
/// The quick-xml reader, its event buffer and the rest of the state are
/// separate fields so that an event (which borrows the buffer) can be handled
/// in place, without moving the buffer out and back for every event.
pub(super) struct Xml<R: Read> {
    reader: Reader<Counter<R>>,
    buf: Vec<u8>,
    st: State,
}

/// Everything but the reader and its buffer.
struct State {
    file: PathBuf,
    stack: Vec<Tag>,
    /// The local names of the open elements that are [`Tag::Other`], in
    /// order, end to end; `other_lens` their lengths. Known names come
    /// from their tag: the path is only spelled out for an error.
    others: String,
    other_lens: Vec<usize>,
    text: String,
    attr: String,
    capturing: bool,
    /// An element just opened and nothing else was read since: the reader
    /// skipped the whitespace that follows, to be given back if it turns
    /// out to start the element's text.
    fresh: bool,
    pending_end: bool,
    pop_pending: bool,
    root_done: bool,
}

impl<R: Read> Xml<R> {
    pub(super) fn new(src: R, file: &Path) -> Self {
        let mut reader = Reader::from_reader(Counter::new(src));
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
        Xml {
            reader,
            buf: Vec::with_capacity(1024),
            st: State {
                file: file.to_path_buf(),
                stack: Vec::with_capacity(32),
                others: String::with_capacity(64),
                other_lens: Vec::with_capacity(8),
                text: String::with_capacity(256),
                attr: String::with_capacity(16),
                capturing: false,
                fresh: false,
                pending_end: false,
                pop_pending: false,
                root_done: false,
            },
        }
    }

    /// The open elements, outermost first (the closing one included during `End`).
    #[inline]
    pub(super) fn stack(&self) -> &[Tag] {
        &self.st.stack
    }

    /// The text of the element that just closed.
    #[inline]
    pub(super) fn text(&self) -> &str {
        &self.st.text
    }

    /// `Document/BkToCstmrStmt/Stmt/Ntry/Amt`.
    pub(super) fn path(&self) -> String {
        self.st.path(self.st.stack.len())
    }

    /// The path of the element at `depth` (0 = root).
    pub(super) fn path_at(&self, depth: usize) -> String {
        self.st.path(depth + 1)
    }

    /// Where the current element's start tag is.
    pub(super) fn here(&self) -> Location {
        let p = self.reader.get_ref().element_pos(None);
        Location::at(p.line, p.column, p.byte)
    }

    /// An error at the current element.
    pub(super) fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError::new(&self.st.file, self.here(), self.path(), kind)
    }

    /// An `Invalid` error at the current element.
    pub(super) fn invalid(&self, expected: &str, found: &str) -> ParseError {
        ParseError::invalid(&self.st.file, self.here(), self.path(), expected, found)
    }

    /// The attribute of the element that just opened, when `Ev::Start` said so.
    #[inline]
    pub(super) fn attr(&self) -> &str {
        &self.st.attr
    }

    fn xml_error(&self, e: quick_xml::Error) -> ParseError {
        let counter = self.reader.get_ref();
        if let Some(fault) = &counter.fault {
            return self.st.fault_error(counter, fault);
        }
        use quick_xml::errors::SyntaxError;
        let kind = match &e {
            quick_xml::Error::Syntax(
                s @ (SyntaxError::UnclosedTag
                | SyntaxError::UnclosedComment
                | SyntaxError::UnclosedCData
                | SyntaxError::UnclosedDoctype
                | SyntaxError::UnclosedPI
                | SyntaxError::UnclosedXmlDecl
                | SyntaxError::UnclosedSingleQuotedAttributeValue
                | SyntaxError::UnclosedDoubleQuotedAttributeValue),
            ) => ParseErrorKind::Truncated(s.to_string()),
            quick_xml::Error::Encoding(_) => ParseErrorKind::Xml(
                "text is not valid UTF-8 (declare the encoding, e.g. encoding=\"ISO-8859-1\")"
                    .to_string(),
            ),
            quick_xml::Error::Io(io) => ParseErrorKind::Xml(io.to_string()),
            other => ParseErrorKind::Xml(other.to_string()),
        };
        self.st.error_at(counter.event_pos(), kind)
    }

    /// True when the error came from bytes that are not UTF-8.
    pub(super) fn is_encoding_error(e: &ParseError) -> bool {
        matches!(&e.kind, ParseErrorKind::Xml(m) if m.starts_with("text is not valid UTF-8"))
    }

    /// The next event for the builders.
    pub(super) fn next(&mut self) -> Result<Ev, ParseError> {
        if self.st.pop_pending {
            self.st.pop(self.reader.get_mut());
        }
        if self.st.pending_end {
            let st = &mut self.st;
            st.pending_end = false;
            st.pop_pending = true;
            st.capturing = false;
            st.fresh = false;
            st.text.clear();
            let tag = st.stack.last().copied().unwrap_or(Tag::Other);
            return Ok(Ev::End {
                tag,
                has_text: true,
            });
        }
        loop {
            self.buf.clear();
            // Inside the root, quick-xml skips the whitespace after a tag
            // instead of returning it as a text event of its own: the
            // indentation after every end tag and inside every element that
            // holds other elements (two events in five). After an end tag
            // that text is never read; after a start tag it is given back if
            // the element's text follows (`State::handle`). The counter moves
            // the event's start past what was skipped, so positions and the
            // size limit are those of what follows.
            let trim = !self.st.stack.is_empty() && (!self.st.capturing || self.st.fresh);
            self.reader.config_mut().trim_text_start = trim;
            self.reader.get_mut().start_event(trim);
            // The event borrows `buf` only, so the reader's counter and the
            // state can be updated while it is handled.
            match self.reader.read_event_into(&mut self.buf) {
                Ok(ev) => {
                    if let Some(out) = self.st.handle(self.reader.get_mut(), ev)? {
                        return Ok(out);
                    }
                }
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }
}

impl State {
    /// The local names of the outermost `levels` open elements, joined by `/`.
    fn path(&self, levels: usize) -> String {
        let mut path = String::new();
        let mut others = 0;
        let mut other_at = 0;
        for &tag in self.stack.iter().take(levels) {
            if !path.is_empty() {
                path.push('/');
            }
            match tag.name() {
                Some(name) => path.push_str(name),
                None => {
                    let len = self.other_lens.get(others).copied().unwrap_or(0);
                    path.push_str(self.others.get(other_at..other_at + len).unwrap_or(""));
                    others += 1;
                    other_at += len;
                }
            }
        }
        path
    }

    fn error_at(&self, pos: Pos, kind: ParseErrorKind) -> ParseError {
        let field = if self.stack.is_empty() {
            "document".to_string()
        } else {
            self.path(self.stack.len())
        };
        ParseError::new(
            &self.file,
            Location::at(pos.line, pos.column, pos.byte),
            field,
            kind,
        )
    }

    /// An error at the element whose start tag is being handled.
    fn error_here<R: Read>(&self, counter: &Counter<R>, kind: ParseErrorKind) -> ParseError {
        let p = counter.element_pos(None);
        ParseError::new(
            &self.file,
            Location::at(p.line, p.column, p.byte),
            self.path(self.stack.len()),
            kind,
        )
    }

    fn pop<R: Read>(&mut self, counter: &mut Counter<R>) {
        self.pop_pending = false;
        if self.stack.pop() == Some(Tag::Other)
            && let Some(len) = self.other_lens.pop()
        {
            self.others.truncate(self.others.len().saturating_sub(len));
        }
        counter.close_element();
        if self.stack.is_empty() {
            self.root_done = true;
        }
    }

    /// An element opens; its tag, `<` to `>`, was `tag_bytes` long.
    fn push<R: Read>(
        &mut self,
        counter: &mut Counter<R>,
        start: &BytesStart<'_>,
        tag_bytes: usize,
    ) -> Result<Tag, ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error_at(
                counter.event_pos(),
                ParseErrorKind::Limit(format!("elements nested deeper than {MAX_DEPTH}")),
            ));
        }
        if self.stack.is_empty() && self.root_done {
            return Err(self.error_at(
                counter.event_pos(),
                ParseErrorKind::Unexpected("a second root element".to_string()),
            ));
        }
        let raw = start.name().into_inner();
        // The local name: after the prefix's `:`, if any. Most documents use
        // a default namespace, so the whole name is looked up first and only
        // an unknown one is searched for a prefix.
        let mut name = raw;
        let mut tag = Tag::intern(raw.as_bytes());
        if tag == Tag::Other
            && let Some(i) = raw.bytes().position(|b| b == b':')
        {
            name = raw.get(i + 1..).unwrap_or(raw);
            tag = Tag::intern(name.as_bytes());
        }
        if tag == Tag::Other {
            self.other_lens.push(name.len());
            self.others.push_str(name);
        }
        self.stack.push(tag);
        counter.open_element(tag_bytes);
        self.text.clear();
        self.capturing = true;
        self.fresh = true;
        Ok(tag)
    }

    /// Reads the attribute the builders want (see [`Ev::Start`]) into
    /// `self.attr`, a buffer reused for every element. True when there is one.
    #[inline]
    fn read_attr(&mut self, start: &BytesStart<'_>, tag: Tag) -> bool {
        if !tag.holds_amount() && self.stack.len() != 1 {
            return false;
        }
        self.read_wanted_attr(start, tag)
    }

    #[inline(never)]
    fn read_wanted_attr(&mut self, start: &BytesStart<'_>, tag: Tag) -> bool {
        let value = if tag.holds_amount() {
            start.try_get_attribute("Ccy").ok().flatten()
        } else if self.stack.len() == 1 {
            // The root: its namespace, default or bound to its own prefix.
            let want = match start.name().prefix() {
                Some(p) => format!("xmlns:{}", p.into_inner()),
                None => "xmlns".to_string(),
            };
            start
                .attributes()
                .flatten()
                .find(|a| a.key.into_inner() == want)
        } else {
            return false;
        };
        self.attr.clear();
        value
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| self.attr.push_str(&v))
            })
            .is_some()
    }

    #[inline]
    fn append<R: Read>(&mut self, counter: &Counter<R>, s: &str) -> Result<(), ParseError> {
        if self.text.len() + s.len() > MAX_TEXT_BYTES {
            return Err(self.error_here(
                counter,
                ParseErrorKind::Limit(format!("element text longer than {MAX_TEXT_BYTES} bytes")),
            ));
        }
        self.text.push_str(s);
        Ok(())
    }

    fn reference<R: Read>(
        &mut self,
        counter: &Counter<R>,
        r: &BytesRef<'_>,
    ) -> Result<(), ParseError> {
        let c = match r.resolve_char_ref() {
            Ok(Some(c)) => c,
            Ok(None) => match &**r {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "apos" => '\'',
                "quot" => '"',
                other => {
                    let other: String = other.chars().take(40).collect();
                    return Err(self.error_at(
                        counter.event_pos(),
                        ParseErrorKind::Xml(format!(
                            "undefined entity &{other}; (only the predefined entities are allowed)"
                        )),
                    ));
                }
            },
            Err(e) => {
                return Err(self.error_at(counter.event_pos(), ParseErrorKind::Xml(e.to_string())));
            }
        };
        if c == '\0' {
            return Err(self.error_at(
                counter.event_pos(),
                ParseErrorKind::Xml("character reference to NUL".to_string()),
            ));
        }
        if !self.capturing {
            return Ok(());
        }
        let mut tmp = [0u8; 4];
        self.append(counter, c.encode_utf8(&mut tmp))
    }

    fn fault_error<R: Read>(&self, counter: &Counter<R>, fault: &Fault) -> ParseError {
        match fault {
            Fault::Nul(p) => self.error_at(
                *p,
                ParseErrorKind::Xml("NUL byte (not allowed anywhere in XML)".to_string()),
            ),
            Fault::TooLarge => self.error_at(
                counter.event_pos(),
                ParseErrorKind::Limit(format!(
                    "a tag or text run longer than {} bytes",
                    super::input::MAX_EVENT_BYTES
                )),
            ),
        }
    }

    /// Handles one quick-xml event: `Some` when the builders must see it.
    #[inline]
    fn handle<R: Read>(
        &mut self,
        counter: &mut Counter<R>,
        ev: Event<'_>,
    ) -> Result<Option<Ev>, ParseError> {
        if let Some(fault) = &counter.fault {
            return Err(self.fault_error(counter, fault));
        }
        if self.fresh && !matches!(ev, Event::Start(_) | Event::Empty(_)) {
            // The whitespace skipped after the start tag belongs to the
            // element's text after all.
            self.fresh = false;
            counter.skipped_whitespace(&mut self.text);
            if self.text.len() > MAX_TEXT_BYTES {
                return Err(self.error_here(
                    counter,
                    ParseErrorKind::Limit(format!(
                        "element text longer than {MAX_TEXT_BYTES} bytes"
                    )),
                ));
            }
        }
        match ev {
            Event::Text(t) => {
                if self.capturing {
                    self.append(counter, &t)?;
                } else if self.stack.is_empty() && !t.trim().is_empty() {
                    return Err(self.error_at(
                        counter.event_pos(),
                        ParseErrorKind::Xml("text outside the root element".to_string()),
                    ));
                }
                Ok(None)
            }
            Event::Start(s) => {
                // `<` + content + `>` (quick-xml's content is what lies between).
                let tag = self.push(counter, &s, s.len() + 2)?;
                let attr = self.read_attr(&s, tag);
                Ok(Some(Ev::Start { tag, attr }))
            }
            Event::End(_) => {
                let Some(&tag) = self.stack.last() else {
                    return Err(self.error_at(
                        counter.event_pos(),
                        ParseErrorKind::Xml("end tag without start tag".to_string()),
                    ));
                };
                self.pop_pending = true;
                let has_text = self.capturing;
                self.capturing = false;
                if has_text && self.text.as_bytes().contains(&b'\r') {
                    self.text = self.text.replace("\r\n", "\n").replace('\r', "\n");
                }
                Ok(Some(Ev::End { tag, has_text }))
            }
            Event::Empty(s) => {
                // `<` + content + `/>`.
                let tag = self.push(counter, &s, s.len() + 3)?;
                let attr = self.read_attr(&s, tag);
                self.pending_end = true;
                Ok(Some(Ev::Start { tag, attr }))
            }
            Event::CData(c) => {
                if self.capturing {
                    self.append(counter, &c)?;
                }
                Ok(None)
            }
            Event::GeneralRef(r) => {
                self.reference(counter, &r)?;
                Ok(None)
            }
            Event::DocType(_) => Err(self.error_at(
                counter.event_pos(),
                ParseErrorKind::Xml(
                    "DOCTYPE is not allowed (no DTD or entity definition is ever read)".to_string(),
                ),
            )),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Ok(None),
            Event::Eof => {
                let pos = counter.pos();
                if !self.stack.is_empty() {
                    return Err(self.error_at(
                        pos,
                        ParseErrorKind::Truncated(format!(
                            "{} is not closed",
                            self.path(self.stack.len())
                        )),
                    ));
                }
                if !self.root_done {
                    return Err(self.error_at(
                        pos,
                        ParseErrorKind::Missing("root element Document".to_string()),
                    ));
                }
                Ok(Some(Ev::Eof))
            }
        }
    }
}
