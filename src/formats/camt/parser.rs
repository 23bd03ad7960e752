//! The event loop: reads [`Ev`]s, keeps track of which statement, entry and
//! transaction is open, routes each leaf value to its builder by its path
//! relative to that element, and hands finished headers and entries to the
//! sink. Entry ids (`identity::IdAssigner`) and the balance check
//! (`check::balance_finding`) are applied here, one statement at a time.

use std::io::Read;
use std::path::Path;

use super::entry::{EntryBuilder, MissingElement, Note};
use super::leaf_amount::{AmountState, LeafAmount};
use super::reader::{Ev, Xml};
use super::sink::{CamtSink, StatementEnd};
use super::statement::{StatementBuilder, add_booked};
use super::tag::Tag;
use super::tx_builder::TxBuilder;
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
    amounts: AmountState,
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
            amounts: AmountState::default(),
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
                    self.amounts.missing_ccy_said = false;
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
        if tag.holds_amount() {
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
            (_, Tag::Rcrd) => {
                if let Some(parent) = depth.checked_sub(1)
                    && xml.stack().get(parent) == Some(&Tag::Chrgs)
                {
                    self.close_charge(xml, parent);
                }
            }
            (_, Tag::Chrgs) => self.close_charge(xml, depth),
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
        let stack = xml.stack();
        // A bank's or a scheme's own data, in its own schema: nothing
        // pointage reads, so nothing in it can fail the file (review 37 L5).
        if stack.contains(&Tag::SplmtryData) {
            return Ok(());
        }
        let text = xml.text();
        if tag == Tag::IBAN && stack.get(BLOCK_DEPTH + 1) != Some(&Tag::Acct) {
            // Checked as `values::iban` will store it, without a copy when the
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
        // An amount is parsed only when a builder reads it: the same
        // element name elsewhere is no amount of pointage's.
        let statement_ccy = self.statement.as_ref().and_then(|s| {
            s.header
                .as_ref()
                .map(|h| h.currency)
                .or_else(|| s.builder.known_currency())
        });
        let fallback = match self.entry.as_ref() {
            // Below the entry's own `Amt`: its charges, its details.
            Some(e) if depth > ENTRY_DEPTH + 1 => ("entry", e.currency().or(statement_ccy)),
            _ => ("statement", statement_ccy),
        };
        let mut amount = LeafAmount {
            xml,
            ccy: (tag.holds_amount() && self.has_ccy).then_some(self.amount_ccy.as_str()),
            fallback,
            state: &mut self.amounts,
            notes: &mut self.notes,
            error: None,
        };
        let result = match self.entry.as_mut() {
            Some(e) if depth > ENTRY_DEPTH => match e.current.as_mut() {
                Some(tx) if depth > TX_DEPTH && stack.get(TX_DEPTH) == Some(&Tag::TxDtls) => tx
                    .text(
                        stack.get(TX_DEPTH + 1..).unwrap_or_default(),
                        text,
                        &mut amount,
                    ),
                _ => e.text(
                    stack.get(ENTRY_DEPTH + 1..).unwrap_or_default(),
                    text,
                    &mut amount,
                ),
            },
            _ => match self.statement.as_mut() {
                Some(open) => open.builder.text(
                    stack.get(BLOCK_DEPTH + 1..).unwrap_or_default(),
                    text,
                    &mut amount,
                ),
                None => Ok(()),
            },
        };
        if let Some(e) = amount.error {
            return Err(e);
        }
        result.map_err(|expected| xml.invalid(expected, text))
    }

    /// A charge record closed, in the `Chrgs` at `depth`: the entry's or
    /// its transaction's (any other `Chrgs` is no entry's).
    fn close_charge<R: Read>(&mut self, xml: &Xml<R>, depth: usize) {
        let Some(e) = self.entry.as_mut() else {
            return;
        };
        if depth == ENTRY_DEPTH + 1 {
            e.charges.close_record();
        } else if depth == TX_DEPTH + 1
            && xml.stack().get(TX_DEPTH) == Some(&Tag::TxDtls)
            && let Some(tx) = e.current.as_mut()
        {
            tx.charges.close_record();
        }
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
