//! The event loop: reads [`Ev`]s, keeps track of which statement, entry and
//! transaction is open, routes each leaf value to its builder by its path
//! relative to that element, and hands finished headers and entries to the
//! sink. Entry ids (`identity::IdAssigner`) and the balance check
//! (`check::balance_finding`) are applied here, one statement at a time.

use std::io::Read;
use std::path::Path;

use super::entry::{Amount, EntryBuilder, MissingElement, Note, TxBuilder};
use super::reader::{Ev, Xml};
use super::sink::{CamtSink, StatementEnd};
use super::statement::{StatementBuilder, add_booked};
use super::tag::Tag;
use super::values;
use super::version::{self, Message};
use crate::formats::ibans::IbanChecks;
use crate::formats::{ParseError, ParseErrorKind};
use crate::money::{Currency, Money};
use crate::statement::identity::IdAssigner;
use crate::statement::{
    BankCode, Entry, EntryStatus, Finding, FindingKind, Location, Statement, TxKind, check,
};

/// Findings kept per file; beyond this only a count is reported, so a file
/// with millions of odd lines cannot exhaust memory.
const MAX_FINDINGS: usize = 10_000;

/// Depths (root = 0) of the elements the loop cares about.
const BLOCK_DEPTH: usize = 2;
const ENTRY_DEPTH: usize = 3;
const TX_DEPTH: usize = 5;

struct Open {
    builder: StatementBuilder,
    header: Option<Statement>,
    assigner: Option<IdAssigner>,
    booked: Option<Money>,
    entries: u64,
}

/// The state of one document being read.
pub(super) struct Parser<'a, S: CamtSink> {
    file: &'a Path,
    sink: &'a mut S,
    findings: Vec<Finding>,
    dropped: u64,
    namespace: Option<String>,
    message: Option<Message>,
    format_version: u8,
    statement: Option<Open>,
    entry: Option<EntryBuilder>,
    amount_ccy: String,
    has_ccy: bool,
    /// The last `Ccy` found active: a file names the same one on every
    /// amount, so the ISO 4217 list is searched once, not per amount.
    known_ccy: Option<Currency>,
    notes: Vec<Note>,
    ibans: IbanChecks,
}

impl<'a, S: CamtSink> Parser<'a, S> {
    pub(super) fn new(file: &'a Path, sink: &'a mut S) -> Self {
        Parser {
            file,
            sink,
            findings: Vec::new(),
            dropped: 0,
            namespace: None,
            message: None,
            format_version: 0,
            statement: None,
            entry: None,
            amount_ccy: String::new(),
            has_ccy: false,
            known_ccy: None,
            notes: Vec::new(),
            ibans: IbanChecks::default(),
        }
    }

    /// A finding outside any builder.
    pub(super) fn note(&mut self, kind: FindingKind, location: Location, message: String) {
        self.notes.push((kind, location, message));
        self.flush_notes();
    }

    fn flush_notes(&mut self) {
        let id = self.statement.as_ref().and_then(|s| s.builder.id.clone());
        for (kind, location, message) in self.notes.drain(..) {
            if self.findings.len() >= MAX_FINDINGS {
                self.dropped += 1;
                continue;
            }
            let mut f = Finding::new(kind, location, message);
            f.statement_id = id.clone();
            self.findings.push(f);
        }
    }

    /// Reads the whole document.
    pub(super) fn run<R: Read>(mut self, xml: &mut Xml<R>) -> Result<Vec<Finding>, ParseError> {
        loop {
            match xml.next()? {
                Ev::Start { tag, attr } => self.start(xml, tag, attr.then(|| xml.attr()))?,
                Ev::End { tag, has_text } => self.end(xml, tag, has_text)?,
                Ev::Eof => break,
            }
            if !self.notes.is_empty() {
                self.flush_notes();
            }
        }
        if self.message.is_none() {
            return Err(ParseError::new(
                self.file,
                Location::default(),
                "Document",
                ParseErrorKind::Missing(
                    "BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn".into(),
                ),
            ));
        }
        if self.dropped > 0 {
            let f = Finding::new(
                FindingKind::Other,
                Location::default(),
                format!("{} more findings not listed", self.dropped),
            );
            self.findings.push(f);
        }
        Ok(self.findings)
    }

    fn start<R: Read>(
        &mut self,
        xml: &Xml<R>,
        tag: Tag,
        attr: Option<&str>,
    ) -> Result<(), ParseError> {
        let depth = xml.stack().len().saturating_sub(1);
        match depth {
            0 => {
                if tag != Tag::Document {
                    return Err(xml.error(ParseErrorKind::Unexpected(format!(
                        "root element {} (expected Document)",
                        xml.path()
                    ))));
                }
                self.namespace = attr.map(str::to_string);
            }
            1 => {
                let Some(message) = Message::from_tag(tag) else {
                    return Err(xml.error(ParseErrorKind::Unexpected(format!(
                        "message element {} (expected BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn)",
                        xml.path().rsplit('/').next().unwrap_or("")
                    ))));
                };
                let (v, note) = version::version(message, self.namespace.as_deref());
                self.message = Some(message);
                self.format_version = v;
                if let Some(n) = note {
                    self.note(FindingKind::Other, xml.here(), n);
                }
            }
            BLOCK_DEPTH => {
                if let Some(m) = self.message.filter(|m| m.block() == tag) {
                    self.statement = Some(Open {
                        builder: StatementBuilder::new(m.format(self.format_version), xml.here()),
                        header: None,
                        assigner: None,
                        booked: Some(Money::ZERO),
                        entries: 0,
                    });
                }
            }
            ENTRY_DEPTH => match (tag, self.statement.as_mut()) {
                (Tag::Ntry, Some(_)) => self.entry = Some(EntryBuilder::new(xml.here())),
                (Tag::Bal, Some(open)) => open.builder.open_balance(xml.here()),
                _ => {}
            },
            TX_DEPTH => {
                if tag == Tag::TxDtls
                    && xml.stack().get(ENTRY_DEPTH + 1) == Some(&Tag::NtryDtls)
                    && let Some(e) = self.entry.as_mut()
                {
                    e.close_tx();
                    e.current = Some(TxBuilder::new(xml.here()));
                }
            }
            _ => {}
        }
        if tag == Tag::Amt {
            // Kept in a reused buffer: one `Ccy` per amount, millions per file.
            self.amount_ccy.clear();
            self.has_ccy = attr.is_some();
            self.amount_ccy.push_str(attr.unwrap_or(""));
        }
        Ok(())
    }

    fn end<R: Read>(&mut self, xml: &Xml<R>, tag: Tag, has_text: bool) -> Result<(), ParseError> {
        let depth = xml.stack().len().saturating_sub(1);
        if has_text && self.statement.is_some() && depth > BLOCK_DEPTH {
            self.leaf(xml, tag, depth)?;
        }
        match (depth, tag) {
            (_, Tag::CdtrRefInf) => {
                if let Some(tx) = self.entry.as_mut().and_then(|e| e.current.as_mut()) {
                    tx.close_creditor_ref();
                }
            }
            (TX_DEPTH, Tag::TxDtls) => {
                if let Some(e) = self.entry.as_mut() {
                    e.close_tx();
                }
            }
            (ENTRY_DEPTH, Tag::Ntry) => self.finish_entry(xml)?,
            (ENTRY_DEPTH, Tag::Bal) => {
                if let Some(open) = self.statement.as_mut() {
                    open.builder
                        .close_balance(&mut self.notes)
                        .map_err(|m| missing(xml, m))?;
                }
            }
            (BLOCK_DEPTH, _) if self.statement.is_some() => self.finish_statement(xml)?,
            _ => {}
        }
        Ok(())
    }

    fn leaf<R: Read>(&mut self, xml: &Xml<R>, tag: Tag, depth: usize) -> Result<(), ParseError> {
        let text = xml.text();
        let amount = if tag == Tag::Amt {
            Some(self.amount(xml, text)?)
        } else {
            None
        };
        if tag == Tag::IBAN && xml.stack().get(BLOCK_DEPTH + 1) != Some(&Tag::Acct) {
            // Checked as `entry::iban` will store it, without a copy when the
            // text is already upper-case without spaces.
            let t = text.trim();
            let normalized;
            let iban = if t
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                t
            } else {
                normalized = crate::refs::normalize_iban(t);
                normalized.as_str()
            };
            if !iban.is_empty() && !self.ibans.is_valid(iban) {
                self.notes.push((
                    FindingKind::InvalidIban,
                    xml.here(),
                    format!("IBAN {iban} has wrong check digits or length"),
                ));
            }
        }
        let stack = xml.stack();
        let result = match self.entry.as_mut() {
            Some(e) if depth > ENTRY_DEPTH => match e.current.as_mut() {
                Some(tx) if depth > TX_DEPTH && stack.get(TX_DEPTH) == Some(&Tag::TxDtls) => {
                    tx.text(stack.get(TX_DEPTH + 1..).unwrap_or_default(), text, amount)
                }
                _ => e.text(
                    stack.get(ENTRY_DEPTH + 1..).unwrap_or_default(),
                    text,
                    amount,
                ),
            },
            _ => match self.statement.as_mut() {
                Some(open) => open.builder.text(
                    stack.get(BLOCK_DEPTH + 1..).unwrap_or_default(),
                    text,
                    amount,
                ),
                None => Ok(()),
            },
        };
        result.map_err(|expected| xml.invalid(expected, text))
    }

    fn amount<R: Read>(&mut self, xml: &Xml<R>, text: &str) -> Result<Amount, ParseError> {
        let value = values::amount(text)
            .ok_or_else(|| xml.invalid(
                "a decimal amount (digits and an optional '.'; at most 13 digits before the point and 5 after)",
                text,
            ))?;
        let ccy = if std::mem::take(&mut self.has_ccy) {
            let c = self.amount_ccy.as_str();
            let ccy = Currency::parse(c)
                .ok_or_else(|| xml.invalid("an ISO 4217 currency code in Ccy", c))?;
            if self.known_ccy != Some(ccy) {
                if ccy.is_known() {
                    self.known_ccy = Some(ccy);
                } else {
                    self.notes.push((
                        FindingKind::UnknownCurrency,
                        xml.here(),
                        format!("currency {ccy} is not an active ISO 4217 code"),
                    ));
                }
            }
            Some(ccy)
        } else {
            None
        };
        let units = ccy
            .or_else(|| {
                self.statement
                    .as_ref()
                    .and_then(|s| s.builder.known_currency())
            })
            .unwrap_or(Currency::EUR)
            .minor_units();
        if value.significant_decimals() > units {
            self.notes.push((
                FindingKind::ExtraDecimals,
                xml.here(),
                format!("amount {} has more than {units} decimals", text.trim()),
            ));
        }
        Ok(Amount { value, ccy })
    }

    fn ensure_header<R: Read>(
        &mut self,
        xml: &Xml<R>,
        entry_ccy: Option<Currency>,
    ) -> Result<(), ParseError> {
        let Some(open) = self.statement.as_mut() else {
            return Ok(());
        };
        if open.header.is_some() {
            return Ok(());
        }
        let header = open
            .builder
            .header(entry_ccy, &mut self.notes)
            .map_err(|m| {
                ParseError::new(
                    self.file,
                    open.builder.location().clone(),
                    xml.path_at(BLOCK_DEPTH),
                    ParseErrorKind::Missing(m.0.to_string()),
                )
            })?;
        open.assigner = Some(IdAssigner::new(header.account.key()));
        self.sink.statement(&header);
        open.header = Some(header);
        Ok(())
    }

    fn finish_entry<R: Read>(&mut self, xml: &Xml<R>) -> Result<(), ParseError> {
        let Some(builder) = self.entry.take() else {
            return Ok(());
        };
        let ccy = builder.currency();
        self.ensure_header(xml, ccy)?;
        let Some(open) = self.statement.as_mut() else {
            return Ok(());
        };
        let statement_ccy = open.header.as_ref().map_or(Currency::EUR, |h| h.currency);
        let mut entry = builder
            .finish(statement_ccy, &mut self.notes)
            .map_err(|m| missing(xml, m))?;
        if let Some(assigner) = open.assigner.as_mut()
            && assigner.assign_entry(&mut entry) > 0
        {
            self.notes.push((
                FindingKind::DuplicateReference,
                xml.here(),
                "bank reference already used in this statement: fingerprint id used".into(),
            ));
        }
        if entry.status == EntryStatus::Booked && entry.currency.is_none() {
            open.booked = add_booked(open.booked, entry.amount);
        }
        open.entries += 1;
        self.sink.entry(entry);
        Ok(())
    }

    fn finish_statement<R: Read>(&mut self, xml: &Xml<R>) -> Result<(), ParseError> {
        self.ensure_header(xml, None)?;
        self.flush_notes();
        let Some(open) = self.statement.take() else {
            return Ok(());
        };
        let end = StatementEnd {
            opening: open.builder.opening,
            closing: open.builder.closing,
            entries: open.entries,
        };
        self.sink.end_statement(&end);
        if let Some(mut s) = open.header {
            s.opening = end.opening;
            s.closing = end.closing;
            let finding = match open.booked {
                // `balance_finding` sums the booked entries: one entry holding
                // the running sum gives the same figures without keeping them.
                Some(sum) => {
                    s.entries = vec![sum_entry(sum, s.line)];
                    check::balance_finding(&s)
                }
                None if !s.format.is_notification() => Some(
                    Finding::new(
                        FindingKind::BalanceMismatch,
                        Location::at(s.line, 0, 0),
                        "balance check overflowed: amounts out of range",
                    )
                    .in_statement(&s.id),
                ),
                None => None,
            };
            if let Some(f) = finding {
                if self.findings.len() < MAX_FINDINGS {
                    self.findings.push(f);
                } else {
                    self.dropped += 1;
                }
            }
        }
        Ok(())
    }
}

fn missing<R: Read>(xml: &Xml<R>, m: MissingElement) -> ParseError {
    xml.error(ParseErrorKind::Missing(m.0.to_string()))
}

fn sum_entry(amount: Money, line: u64) -> Entry {
    Entry {
        booking_date: None,
        value_date: None,
        amount,
        currency: None,
        status: EntryStatus::Booked,
        reversal: false,
        bank_ref: None,
        bank_code: BankCode::None,
        kind: TxKind::Other,
        additional_info: None,
        transactions: Vec::new(),
        line,
    }
}
