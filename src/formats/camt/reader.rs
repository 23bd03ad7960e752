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
    /// An element opens. `attr`: it has [`Xml::attr`], the `Ccy` attribute of an `Amt`, or the
    /// namespace URI of the root element; `None` otherwise.
    Start { tag: Tag, attr: bool },
    /// An element closes. `has_text`: it held no child element, and its whole
    /// text is [`Xml::text`].
    End { tag: Tag, has_text: bool },
    /// End of the document (every element closed).
    Eof,
}

/// The XML reader with path and position tracking.
pub(super) struct Xml<R: Read> {
    reader: Reader<Counter<R>>,
    buf: Vec<u8>,
    file: PathBuf,
    stack: Vec<Tag>,
    path: String,
    path_lens: Vec<usize>,
    text: String,
    attr: String,
    capturing: bool,
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
            file: file.to_path_buf(),
            stack: Vec::with_capacity(32),
            path: String::with_capacity(256),
            path_lens: Vec::with_capacity(32),
            text: String::with_capacity(256),
            attr: String::with_capacity(16),
            capturing: false,
            pending_end: false,
            pop_pending: false,
            root_done: false,
        }
    }

    /// The open elements, outermost first (the closing one included during `End`).
    pub(super) fn stack(&self) -> &[Tag] {
        &self.stack
    }

    /// The text of the element that just closed.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// `Document/BkToCstmrStmt/Stmt/Ntry/Amt`.
    pub(super) fn path(&self) -> &str {
        &self.path
    }

    /// The path of the element at `depth` (0 = root).
    pub(super) fn path_at(&self, depth: usize) -> String {
        let end = self
            .path_lens
            .get(depth + 1)
            .map(|l| l.saturating_sub(1))
            .unwrap_or(self.path.len());
        self.path.get(..end).unwrap_or(&self.path).to_string()
    }

    /// Where the current element's start tag is.
    pub(super) fn here(&self) -> Location {
        let p = self.reader.get_ref().element_pos(None);
        Location::at(p.line, p.column, p.byte)
    }

    /// An error at the current element.
    pub(super) fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError::new(&self.file, self.here(), self.path(), kind)
    }

    /// An `Invalid` error at the current element.
    pub(super) fn invalid(&self, expected: &str, found: &str) -> ParseError {
        ParseError::invalid(&self.file, self.here(), self.path(), expected, found)
    }

    fn error_at(&self, pos: Pos, kind: ParseErrorKind) -> ParseError {
        let field = if self.path.is_empty() {
            "document".to_string()
        } else {
            self.path.clone()
        };
        ParseError::new(
            &self.file,
            Location::at(pos.line, pos.column, pos.byte),
            field,
            kind,
        )
    }

    fn event_pos(&self) -> Pos {
        self.reader.get_ref().event_pos()
    }

    fn pop(&mut self) {
        self.stack.pop();
        self.reader.get_mut().close_element();
        if let Some(len) = self.path_lens.pop() {
            self.path.truncate(len);
        }
    }

    fn push(&mut self, start: &BytesStart<'_>) -> Result<Tag, ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error_at(
                self.event_pos(),
                ParseErrorKind::Limit(format!("elements nested deeper than {MAX_DEPTH}")),
            ));
        }
        if self.stack.is_empty() && self.root_done {
            return Err(self.error_at(
                self.event_pos(),
                ParseErrorKind::Unexpected("a second root element".to_string()),
            ));
        }
        let raw = start.name().into_inner();
        // The local name: after the prefix's `:`, if any.
        let name = match raw.bytes().position(|b| b == b':') {
            Some(i) => raw.get(i + 1..).unwrap_or(raw),
            None => raw,
        };
        let tag = Tag::intern(name.as_bytes());
        self.path_lens.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push('/');
        }
        self.path.push_str(name);
        self.stack.push(tag);
        self.reader.get_mut().open_element();
        self.text.clear();
        self.capturing = true;
        Ok(tag)
    }

    /// Reads the attribute the builders want (see [`Ev::Start`]) into
    /// `self.attr`, a buffer reused for every element. True when there is one.
    fn read_attr(&mut self, start: &BytesStart<'_>, tag: Tag) -> bool {
        self.attr.clear();
        let value = if tag == Tag::Amt {
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
            None
        };
        value
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| self.attr.push_str(&v))
            })
            .is_some()
    }

    /// The attribute of the element that just opened, when `Ev::Start` said so.
    pub(super) fn attr(&self) -> &str {
        &self.attr
    }

    fn append(&mut self, s: &str) -> Result<(), ParseError> {
        if !self.capturing {
            return Ok(());
        }
        if self.text.len() + s.len() > MAX_TEXT_BYTES {
            return Err(self.error(ParseErrorKind::Limit(format!(
                "element text longer than {MAX_TEXT_BYTES} bytes"
            ))));
        }
        self.text.push_str(s);
        Ok(())
    }

    fn reference(&mut self, r: &BytesRef<'_>) -> Result<(), ParseError> {
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
                        self.event_pos(),
                        ParseErrorKind::Xml(format!(
                            "undefined entity &{other}; (only the predefined entities are allowed)"
                        )),
                    ));
                }
            },
            Err(e) => {
                return Err(self.error_at(self.event_pos(), ParseErrorKind::Xml(e.to_string())));
            }
        };
        if c == '\0' {
            return Err(self.error_at(
                self.event_pos(),
                ParseErrorKind::Xml("character reference to NUL".to_string()),
            ));
        }
        let mut tmp = [0u8; 4];
        self.append(c.encode_utf8(&mut tmp))
    }

    fn xml_error(&self, e: quick_xml::Error) -> ParseError {
        if let Some(fault) = &self.reader.get_ref().fault {
            return self.fault_error(fault);
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
        self.error_at(self.event_pos(), kind)
    }

    /// True when the error came from bytes that are not UTF-8.
    pub(super) fn is_encoding_error(e: &ParseError) -> bool {
        matches!(&e.kind, ParseErrorKind::Xml(m) if m.starts_with("text is not valid UTF-8"))
    }

    /// The next event for the builders.
    pub(super) fn next(&mut self) -> Result<Ev, ParseError> {
        if self.pop_pending {
            self.pop();
            self.pop_pending = false;
            if self.stack.is_empty() {
                self.root_done = true;
            }
        }
        if self.pending_end {
            self.pending_end = false;
            self.pop_pending = true;
            self.capturing = false;
            self.text.clear();
            let tag = self.stack.last().copied().unwrap_or(Tag::Other);
            return Ok(Ev::End {
                tag,
                has_text: true,
            });
        }
        loop {
            // The buffer is moved out so the event can borrow it while `self` is updated.
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            self.reader.get_mut().start_event();
            let step = match self.reader.read_event_into(&mut buf) {
                Ok(ev) => self.handle(ev),
                Err(e) => Err(self.xml_error(e)),
            };
            self.buf = buf;
            match step? {
                Step::Continue => {}
                Step::Start(tag, attr) => return Ok(Ev::Start { tag, attr }),
                Step::End(tag, has_text) => {
                    if has_text && self.text.as_bytes().contains(&b'\r') {
                        self.text = self.text.replace("\r\n", "\n").replace('\r', "\n");
                    }
                    return Ok(Ev::End { tag, has_text });
                }
                Step::Eof => return Ok(Ev::Eof),
            }
        }
    }

    fn fault_error(&self, fault: &Fault) -> ParseError {
        match fault {
            Fault::Nul(p) => self.error_at(
                *p,
                ParseErrorKind::Xml("NUL byte (not allowed anywhere in XML)".to_string()),
            ),
            Fault::TooLarge => self.error_at(
                self.event_pos(),
                ParseErrorKind::Limit(format!(
                    "a tag or text run longer than {} bytes",
                    super::input::MAX_EVENT_BYTES
                )),
            ),
        }
    }

    fn handle(&mut self, ev: Event<'_>) -> Result<Step, ParseError> {
        if let Some(fault) = &self.reader.get_ref().fault {
            return Err(self.fault_error(fault));
        }
        match ev {
            Event::Start(s) => {
                let tag = self.push(&s)?;
                let attr = self.read_attr(&s, tag);
                Ok(Step::Start(tag, attr))
            }
            Event::Empty(s) => {
                let tag = self.push(&s)?;
                let attr = self.read_attr(&s, tag);
                self.pending_end = true;
                Ok(Step::Start(tag, attr))
            }
            Event::End(_) => {
                if self.stack.is_empty() {
                    return Err(self.error_at(
                        self.event_pos(),
                        ParseErrorKind::Xml("end tag without start tag".to_string()),
                    ));
                }
                self.pop_pending = true;
                let tag = self.stack.last().copied().unwrap_or(Tag::Other);
                let has_text = self.capturing;
                self.capturing = false;
                Ok(Step::End(tag, has_text))
            }
            Event::Text(t) => {
                if self.capturing {
                    self.append(&t)?;
                } else if self.stack.is_empty() && !t.trim().is_empty() {
                    return Err(self.error_at(
                        self.event_pos(),
                        ParseErrorKind::Xml("text outside the root element".to_string()),
                    ));
                }
                Ok(Step::Continue)
            }
            Event::CData(c) => {
                self.append(&c)?;
                Ok(Step::Continue)
            }
            Event::GeneralRef(r) => {
                self.reference(&r)?;
                Ok(Step::Continue)
            }
            Event::DocType(_) => Err(self.error_at(
                self.event_pos(),
                ParseErrorKind::Xml(
                    "DOCTYPE is not allowed (no DTD or entity definition is ever read)".to_string(),
                ),
            )),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Ok(Step::Continue),
            Event::Eof => {
                let pos = self.reader.get_ref().pos();
                if !self.stack.is_empty() {
                    return Err(self.error_at(
                        pos,
                        ParseErrorKind::Truncated(format!("{} is not closed", self.path)),
                    ));
                }
                if !self.root_done {
                    return Err(self.error_at(
                        pos,
                        ParseErrorKind::Missing("root element Document".to_string()),
                    ));
                }
                Ok(Step::Eof)
            }
        }
    }
}

/// What one quick-xml event amounts to.
enum Step {
    Continue,
    Start(Tag, bool),
    End(Tag, bool),
    Eof,
}
