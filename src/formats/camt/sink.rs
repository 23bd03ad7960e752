//! Where the streaming parser delivers what it reads: a [`CamtSink`] receives
//! each statement's header, then its entries one at a time, then its end
//! (with the final balances, which a file may give after the entries).
//! [`Collect`] is the sink behind [`super::parse`]: it keeps everything.

use crate::statement::{Balance, Entry, Statement};

/// The end of one statement, report or notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementEnd {
    /// Opening booked balance (OPBD, else PRCD), final.
    pub opening: Option<Balance>,
    /// Closing booked balance (CLBD), final.
    pub closing: Option<Balance>,
    /// Number of entries delivered for this statement.
    pub entries: u64,
}

/// Receives a CAMT document as it is read. Memory stays flat as long as the
/// sink does not keep what it receives.
pub trait CamtSink {
    /// A statement starts. `header` has everything but the entries
    /// (`header.entries` is empty); balances given after the entries arrive
    /// with [`CamtSink::end_statement`].
    fn statement(&mut self, header: &Statement);
    /// One entry of the current statement, in file order, ids assigned.
    fn entry(&mut self, entry: Entry);
    /// The current statement is complete.
    fn end_statement(&mut self, end: &StatementEnd);
}

/// Keeps every statement with its entries.
#[derive(Debug, Default)]
pub struct Collect {
    /// The statements read so far.
    pub statements: Vec<Statement>,
}

impl CamtSink for Collect {
    fn statement(&mut self, header: &Statement) {
        self.statements.push(header.clone());
    }

    fn entry(&mut self, entry: Entry) {
        if let Some(s) = self.statements.last_mut() {
            s.entries.push(entry);
        }
    }

    fn end_statement(&mut self, end: &StatementEnd) {
        if let Some(s) = self.statements.last_mut() {
            s.opening = end.opening;
            s.closing = end.closing;
        }
    }
}
