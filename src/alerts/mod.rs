//! Alerts: what needs a person tonight — money nobody explained, returned
//! direct debits, a customer's second return, statements that don't add up or
//! are missing — as rows of `alerts.csv` / `open_items.csv`.
//!
//! Owns: the alert types, their stable kinds and keys, the CSV layout, and the
//! pure checks that need only statements ([`sequence`], [`stale`]). The nightly run
//! decides which alerts are new and which are still open.

pub mod sequence;
pub mod stale;

use std::io;

use serde::Serialize;

use crate::money::{Currency, Money};
use crate::output::neutralize;

/// The kinds of alert (stable snake-case names in `alerts.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AlertKind {
    /// A booked credit nobody explained.
    UnmatchedCredit,
    /// A debit tied to receivables (return, reversal, refund) not explained.
    UnmatchedDebit,
    /// A payment with candidates waiting for a person.
    SuggestedMatch,
    /// A rejected or returned SEPA direct debit.
    DirectDebitReturned,
    /// A remitted cheque came back unpaid.
    ChequeUnpaid,
    /// A bill of exchange (LCR) came back unpaid.
    BillUnpaid,
    /// The bank reversed or sent back a payment (a credit transfer) that
    /// paid invoices: they are open again, on their normal plan.
    PaymentReversed,
    /// The same customer's second return within the window.
    RepeatedDirectDebitReturn,
    /// A payment larger than what it settles.
    Overpayment,
    /// A payment smaller than the invoice it pays.
    PartialPayment,
    /// A statement whose balances don't close.
    BalanceMismatch,
    /// A missing statement number, or an opening that differs from the previous closing.
    SequenceGap,
    /// A statement already imported arrived again in another file.
    DuplicateStatement,
    /// A known statement id with different content (not imported).
    ConflictingStatement,
    /// A statement file imported whole before, byte for byte, that this
    /// version of pointage reads differently (the stored reading stands).
    StatementReadDifferently,
    /// A new statement's transactions whose ids another statement of the
    /// account already brought (not imported again).
    RepeatedTransaction,
    /// A currency code that is not ISO 4217.
    UnknownCurrency,
    /// An invoice's export fell by more than pointage's payments explain: it
    /// may owe less than shown, so it is held from dunning for a person.
    ErpExportUnexplained,
    /// A promise to pay whose date and grace passed without the money.
    BrokenPromise,
    /// A person's decision that no longer fits (invoice settled, entry unknown…).
    DecisionRejected,
    /// An account whose statements stopped arriving (or a client with none).
    StaleStatements,
    /// The ERP exports an invoice number it used before for a new invoice
    /// (another issue date): the earlier one's history is kept apart.
    InvoiceIdReused,
    /// The ERP moved an invoice to another customer: its reminders start
    /// again for the new customer.
    InvoiceMoved,
    /// An invoice whose currency changed with money applied to it before:
    /// that money may have paid it, so it is held from dunning for a person.
    InvoiceIdentityChanged,
    /// A `promises.csv` line that matches nothing pointage knows, or whose
    /// customer is not its invoice's.
    PromiseUnmatched,
    /// The ERP changed the issue date of an open invoice: the same invoice,
    /// whose payments and reminders stay with it.
    InvoiceRedated,
    /// `promises.csv` or `decisions.csv` is not in the client folder
    /// tonight: the copy kept from the last night it was there is used.
    PeopleFileMissing,
    /// An invoice's customer id is not in `customers.csv` (a typo?): its
    /// type, contacts and plan are unknown.
    CustomerUnknown,
    /// One customer id whose invoices carry several customers' names (an
    /// ERP's catch-all account): held from dunning until each has its own id.
    CustomerSeveralNames,
    /// A notification entry several statement entries of its amount and day
    /// could be, with nothing to tell them apart: linked to none, all counted
    /// until a person says which is the same payment.
    AmbiguousNotification,
    /// A statement booked another amount under the id of money a
    /// notification brought: the booked amount replaced the notified one.
    BookedAmountDiffers,
    /// Money a notification brought that the statement covering its day
    /// does not book: no longer counted, what it paid withdrawn.
    NotifiedNotBooked,
    /// The ERP's export lists no invoice tonight though an earlier night's
    /// listed some: more likely a failed export than everything settled.
    ErpExportEmpty,
}

impl AlertKind {
    /// Every kind, in output order.
    pub const ALL: [AlertKind; 33] = [
        AlertKind::UnmatchedCredit,
        AlertKind::UnmatchedDebit,
        AlertKind::SuggestedMatch,
        AlertKind::DirectDebitReturned,
        AlertKind::ChequeUnpaid,
        AlertKind::BillUnpaid,
        AlertKind::PaymentReversed,
        AlertKind::RepeatedDirectDebitReturn,
        AlertKind::Overpayment,
        AlertKind::PartialPayment,
        AlertKind::BalanceMismatch,
        AlertKind::SequenceGap,
        AlertKind::DuplicateStatement,
        AlertKind::ConflictingStatement,
        AlertKind::StatementReadDifferently,
        AlertKind::RepeatedTransaction,
        AlertKind::UnknownCurrency,
        AlertKind::ErpExportUnexplained,
        AlertKind::BrokenPromise,
        AlertKind::DecisionRejected,
        AlertKind::StaleStatements,
        AlertKind::InvoiceIdReused,
        AlertKind::InvoiceMoved,
        AlertKind::InvoiceIdentityChanged,
        AlertKind::PromiseUnmatched,
        AlertKind::InvoiceRedated,
        AlertKind::PeopleFileMissing,
        AlertKind::CustomerUnknown,
        AlertKind::CustomerSeveralNames,
        AlertKind::AmbiguousNotification,
        AlertKind::BookedAmountDiffers,
        AlertKind::NotifiedNotBooked,
        AlertKind::ErpExportEmpty,
    ];

    /// The kind named `s` (its snake-case name).
    pub fn parse(s: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Snake-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            AlertKind::UnmatchedCredit => "unmatched_credit",
            AlertKind::UnmatchedDebit => "unmatched_debit",
            AlertKind::SuggestedMatch => "suggested_match",
            AlertKind::DirectDebitReturned => "direct_debit_returned",
            AlertKind::ChequeUnpaid => "cheque_unpaid",
            AlertKind::BillUnpaid => "bill_unpaid",
            AlertKind::PaymentReversed => "payment_reversed",
            AlertKind::RepeatedDirectDebitReturn => "repeated_direct_debit_return",
            AlertKind::Overpayment => "overpayment",
            AlertKind::PartialPayment => "partial_payment",
            AlertKind::BalanceMismatch => "balance_mismatch",
            AlertKind::SequenceGap => "sequence_gap",
            AlertKind::DuplicateStatement => "duplicate_statement",
            AlertKind::ConflictingStatement => "conflicting_statement",
            AlertKind::StatementReadDifferently => "statement_read_differently",
            AlertKind::RepeatedTransaction => "repeated_transaction",
            AlertKind::UnknownCurrency => "unknown_currency",
            AlertKind::ErpExportUnexplained => "erp_export_unexplained",
            AlertKind::BrokenPromise => "broken_promise",
            AlertKind::DecisionRejected => "decision_rejected",
            AlertKind::StaleStatements => "stale_statements",
            AlertKind::InvoiceIdReused => "invoice_id_reused",
            AlertKind::InvoiceMoved => "invoice_moved",
            AlertKind::InvoiceIdentityChanged => "invoice_identity_changed",
            AlertKind::PromiseUnmatched => "promise_unmatched",
            AlertKind::InvoiceRedated => "invoice_redated",
            AlertKind::PeopleFileMissing => "people_file_missing",
            AlertKind::CustomerUnknown => "customer_unknown",
            AlertKind::CustomerSeveralNames => "customer_several_names",
            AlertKind::AmbiguousNotification => "ambiguous_notification",
            AlertKind::BookedAmountDiffers => "booked_amount_differs",
            AlertKind::NotifiedNotBooked => "notified_not_booked",
            AlertKind::ErpExportEmpty => "erp_export_empty",
        }
    }

    /// How urgent the kind is by default.
    pub fn severity(&self) -> Severity {
        match self {
            AlertKind::DirectDebitReturned
            | AlertKind::ChequeUnpaid
            | AlertKind::BillUnpaid
            | AlertKind::PaymentReversed
            | AlertKind::RepeatedDirectDebitReturn
            | AlertKind::SequenceGap
            | AlertKind::ConflictingStatement
            | AlertKind::StaleStatements
            | AlertKind::BookedAmountDiffers
            | AlertKind::NotifiedNotBooked
            | AlertKind::ErpExportEmpty => Severity::Critical,
            AlertKind::UnmatchedCredit
            | AlertKind::UnmatchedDebit
            | AlertKind::SuggestedMatch
            | AlertKind::Overpayment
            | AlertKind::BalanceMismatch
            | AlertKind::RepeatedTransaction
            | AlertKind::StatementReadDifferently
            | AlertKind::UnknownCurrency
            | AlertKind::ErpExportUnexplained
            | AlertKind::BrokenPromise
            | AlertKind::DecisionRejected
            | AlertKind::InvoiceIdReused
            | AlertKind::InvoiceMoved
            | AlertKind::InvoiceIdentityChanged
            | AlertKind::PromiseUnmatched
            | AlertKind::PeopleFileMissing
            | AlertKind::CustomerUnknown
            | AlertKind::CustomerSeveralNames
            | AlertKind::AmbiguousNotification => Severity::Warning,
            AlertKind::PartialPayment
            | AlertKind::DuplicateStatement
            | AlertKind::InvoiceRedated => Severity::Info,
        }
    }
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Needs a person.
    Warning,
    /// Needs a person today (money went back, statements missing).
    Critical,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Kind.
    pub kind: AlertKind,
    /// Severity.
    pub severity: Severity,
    /// Customer concerned, when known.
    pub customer_id: String,
    /// Invoice concerned, when known.
    pub invoice_id: String,
    /// Transaction concerned, when any.
    pub entry_id: String,
    /// Amount concerned (signed as on the statement), when any.
    pub amount: Option<Money>,
    /// Its currency.
    pub currency: Option<Currency>,
    /// Return reason code, for returns.
    pub reason_code: String,
    /// A sentence for a person.
    pub message: String,
    /// What makes two alerts the same across nights (kind + object).
    pub key: String,
}

impl Alert {
    /// An alert with the kind's default severity and a key built from the kind
    /// and `object` (e.g. an account and entry id).
    pub fn new(kind: AlertKind, object: &str, message: impl Into<String>) -> Alert {
        Alert {
            kind,
            severity: kind.severity(),
            customer_id: String::new(),
            invoice_id: String::new(),
            entry_id: String::new(),
            amount: None,
            currency: None,
            reason_code: String::new(),
            message: message.into(),
            key: format!("{}:{object}", kind.as_str()),
        }
    }
}

/// The columns of `alerts.csv` (public interface: add, never rename).
pub const ALERT_COLUMNS: [&str; 9] = [
    "kind",
    "severity",
    "customer_id",
    "invoice_id",
    "entry_id",
    "amount",
    "currency",
    "reason_code",
    "message",
];

/// Writes alerts as CSV. With `first_raised`, adds that column (open_items.csv).
/// The alerts are borrowed: the night's sets are written as they are.
pub fn write_csv<'a, W: io::Write>(
    w: W,
    alerts: impl IntoIterator<Item = (&'a Alert, Option<chrono::NaiveDate>)>,
    with_first_raised: bool,
) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<&str> = ALERT_COLUMNS.to_vec();
    if with_first_raised {
        header.push("first_raised");
    }
    out.write_record(&header)?;
    for (a, first) in alerts {
        let amount = a.amount.map(Money::to_plain).unwrap_or_default();
        let first = first.map(|d| d.to_string()).unwrap_or_default();
        let row = [
            a.kind.as_str(),
            a.severity.as_str(),
            &a.customer_id,
            &a.invoice_id,
            &a.entry_id,
            &amount,
            a.currency.as_ref().map_or("", Currency::as_str),
            &a.reason_code,
            &neutralize(&a.message),
            &first,
        ];
        let n = if with_first_raised { 10 } else { 9 };
        out.write_record(row.iter().take(n))?;
    }
    out.flush()?;
    Ok(())
}
