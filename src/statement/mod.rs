//! The normalised statement model every format parses into.
//!
//! A [`Statement`] is one account over one period (a CFONB 01…07 block, a CAMT
//! `Stmt` or `Ntfctn`). It holds [`Entry`]s (booking lines) and each entry holds
//! one or more [`Transaction`]s (the money of one payer or payee). Matching,
//! alerts and dunning only ever see this model, never a format.
//!
//! Owns: the types, transaction identity ([`identity`]), the balance check
//! ([`check`]) and the [`Finding`]s a parser returns beside its result.
//! Does not: read files, know any format's layout, or read the clock.

pub mod check;
mod finding;
pub mod identity;
mod kind;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};

pub use finding::{Finding, FindingKind, Location};

/// Placeholders banks and payers' software write where a reference (an
/// end-to-end id) is required but none was given: the same text on
/// unrelated payments, so never evidence that two are one.
const PLACEHOLDERS: &[&str] = &[
    "NOTPROVIDED",
    "NOT PROVIDED",
    "NONREF",
    "NONE",
    "N/A",
    "NA",
    "-",
    "NOREF",
    "UNKNOWN",
];

/// A reference a bank or payer really gave: trimmed, `None` when empty or a
/// placeholder (`NOTPROVIDED`, `NONREF`…). What comparisons of two
/// transactions' references go by (ids keep the parser's own reading).
pub fn given_reference(s: Option<&str>) -> Option<&str> {
    s.map(str::trim)
        .filter(|s| !s.is_empty() && !PLACEHOLDERS.iter().any(|p| s.eq_ignore_ascii_case(p)))
}

/// Whether a reference a payer's software chose (an end-to-end id) is a real
/// id: given ([`given_reference`]) and at least four letters or digits, six
/// when digits only. `1`, `00001`, `REF` are set by hand or by software for
/// every payment and prove nothing: not that two payments are one, nor that
/// a payment pays the invoice numbered `1`.
pub fn is_real_id(s: Option<&str>) -> bool {
    given_reference(s).is_some_and(|id| {
        let significant: Vec<char> = id.chars().filter(|c| c.is_alphanumeric()).collect();
        let digits_only = significant.iter().all(char::is_ascii_digit);
        significant.len() >= if digits_only { 6 } else { 4 }
    })
}

pub use kind::{BankCode, TxKind};

/// The format a statement was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceFormat {
    /// French CFONB 120-character account statement.
    Cfonb120,
    /// ISO 20022 camt.053 bank-to-customer statement, with its version (2…13).
    Camt053 {
        /// The `camt.053.001.NN` version number, 0 when no namespace said.
        version: u8,
    },
    /// ISO 20022 camt.054 debit/credit notification, with its version.
    Camt054 {
        /// The `camt.054.001.NN` version number, 0 when no namespace said.
        version: u8,
    },
    /// ISO 20022 camt.052 intraday account report, with its version.
    Camt052 {
        /// The `camt.052.001.NN` version number, 0 when no namespace said.
        version: u8,
    },
}

impl SourceFormat {
    /// A short name for outputs and messages (`cfonb120`, `camt.053.001.08`).
    pub fn label(&self) -> String {
        match self {
            SourceFormat::Cfonb120 => "cfonb120".to_string(),
            SourceFormat::Camt053 { version } => format!("camt.053.001.{version:02}"),
            SourceFormat::Camt054 { version } => format!("camt.054.001.{version:02}"),
            SourceFormat::Camt052 { version } => format!("camt.052.001.{version:02}"),
        }
    }

    /// True for notifications and reports, which carry no authoritative
    /// balances and detail money that a statement also books.
    pub fn is_notification(&self) -> bool {
        matches!(
            self,
            SourceFormat::Camt054 { .. } | SourceFormat::Camt052 { .. }
        )
    }
}

/// The account a statement belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Account {
    /// IBAN, upper-case without spaces. For CFONB, computed from bank, branch,
    /// account number and the RIB key.
    pub iban: Option<String>,
    /// A non-IBAN account identifier (`Acct/Id/Othr/Id`).
    pub other_id: Option<String>,
    /// Servicing bank BIC when given.
    pub bic: Option<String>,
    /// CFONB: code banque (5 digits).
    pub bank_code: Option<String>,
    /// CFONB: code guichet (5 digits).
    pub branch_code: Option<String>,
    /// CFONB: numéro de compte (11 characters).
    pub account_number: Option<String>,
}

impl Account {
    /// The key that identifies the account across files and formats: the IBAN,
    /// else the other id, else `bank-branch-account` (CFONB without IBAN).
    pub fn key(&self) -> String {
        if let Some(iban) = &self.iban {
            return iban.clone();
        }
        if let Some(id) = &self.other_id {
            return id.clone();
        }
        format!(
            "{}-{}-{}",
            self.bank_code.as_deref().unwrap_or(""),
            self.branch_code.as_deref().unwrap_or(""),
            self.account_number.as_deref().unwrap_or("")
        )
    }
}

/// A booked balance: amount (negative = overdrawn) and its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Signed amount.
    pub amount: Money,
    /// The date the balance is at, when given.
    pub date: Option<NaiveDate>,
}

/// One statement: one account over one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Format it was read from.
    pub format: SourceFormat,
    /// Statement id (`Stmt/Id`; for CFONB, built from account and dates).
    pub id: String,
    /// Electronic (else legal) sequence number, when the format has one.
    pub sequence: Option<u64>,
    /// Account.
    pub account: Account,
    /// Account currency.
    pub currency: Currency,
    /// Opening booked balance (OPBD, else PRCD; CFONB record 01).
    pub opening: Option<Balance>,
    /// Closing booked balance (CLBD; CFONB record 07).
    pub closing: Option<Balance>,
    /// First day covered, when known.
    pub from_date: Option<NaiveDate>,
    /// Last day covered, when known.
    pub to_date: Option<NaiveDate>,
    /// Booking lines in file order.
    pub entries: Vec<Entry>,
    /// 1-based line in the source file where the statement starts.
    pub line: u64,
}

/// Whether an entry is booked (carries money) or only announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntryStatus {
    /// Booked: moves the balance; the only status matched against invoices.
    Booked,
    /// Pending: not yet booked.
    Pending,
    /// Information only (also `FUTR` and unknown codes).
    Info,
}

impl EntryStatus {
    /// Lower-case name used in outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            EntryStatus::Booked => "booked",
            EntryStatus::Pending => "pending",
            EntryStatus::Info => "info",
        }
    }
}

/// One booking line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Booking date.
    pub booking_date: Option<NaiveDate>,
    /// Value date.
    pub value_date: Option<NaiveDate>,
    /// Signed amount (credit positive).
    pub amount: Money,
    /// The entry's own currency when it is not the statement's (a
    /// multi-currency account's camt without `Acct/Ccy`, a camt.054, a CFONB
    /// 04 in another currency than its 01); `None` means the statement's.
    /// Its amount is in this currency, never converted: see
    /// [`Statement::currency_of`]. Left out of the serialized form when
    /// `None`, so the content hash of a statement in one currency is the one
    /// earlier releases recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Booked, pending or information.
    pub status: EntryStatus,
    /// True when the entry reverses an earlier one (`RvslInd`).
    pub reversal: bool,
    /// The bank's reference for the entry (`AcctSvcrRef`, else `NtryRef`;
    /// CFONB: the reference zone, columns 105–120).
    pub bank_ref: Option<String>,
    /// The bank transaction code as sent.
    pub bank_code: BankCode,
    /// The normalised kind.
    pub kind: TxKind,
    /// Free text about the entry (`AddtlNtryInf`; CFONB: the 04 label).
    pub additional_info: Option<String>,
    /// One transaction per `TxDtls` (at least one).
    pub transactions: Vec<Transaction>,
    /// 1-based line in the source file where the entry starts.
    pub line: u64,
}

/// A party's name and account as the bank reported them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Party {
    /// Name, as sent (often truncated or upper-cased).
    pub name: Option<String>,
    /// IBAN (or other account id), upper-case without spaces.
    pub iban: Option<String>,
    /// BIC of the party's bank.
    pub bic: Option<String>,
}

/// A structured creditor reference (`Strd/CdtrRefInf`, CFONB `LCS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditorRef {
    /// `SCOR`, a proprietary type such as `QRR`, or empty when untyped.
    pub kind: String,
    /// The reference as sent (spaces kept).
    pub reference: String,
}

/// Why a payment came back (direct-debit return, rejected transfer…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnReason {
    /// ISO reason code (`AM04`) or the CFONB numeric code.
    pub code: String,
    /// Additional text from the bank, if any.
    pub text: Option<String>,
}

/// The money of one payer or payee inside an entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Transaction {
    /// Identity used by every later output (see [`identity`]).
    pub entry_id: String,
    /// Signed amount of this transaction.
    pub amount: Money,
    /// The transaction's own bank reference (`TxDtls/Refs/AcctSvcrRef`).
    pub bank_ref: Option<String>,
    /// End-to-end id (`NOTPROVIDED` dropped).
    pub end_to_end_id: Option<String>,
    /// SEPA mandate id (RUM).
    pub mandate_id: Option<String>,
    /// Instruction id.
    pub instruction_id: Option<String>,
    /// Transaction id.
    pub transaction_id: Option<String>,
    /// Payment information / batch id.
    pub payment_info_id: Option<String>,
    /// The other side: the payer of a credit, the payee of a debit.
    pub counterparty: Party,
    /// Ultimate debtor name (a third party paying for the customer).
    pub ultimate_debtor: Option<String>,
    /// Unstructured remittance lines in order.
    pub remittance: Vec<String>,
    /// Structured creditor references.
    pub creditor_refs: Vec<CreditorRef>,
    /// Referred document numbers (`RfrdDocInf/Nb`).
    pub document_numbers: Vec<String>,
    /// Return reason for returns and rejects.
    pub return_reason: Option<ReturnReason>,
    /// Free text about the transaction (`AddtlTxInf`).
    pub additional_info: Option<String>,
    /// A more precise code for this transaction, if it differs from the entry's.
    pub bank_code: Option<BankCode>,
    /// CFONB complements (record 05): qualifier and text, in file order.
    pub complements: Vec<(String, String)>,
    /// The difference between what the bank booked for the entry and what
    /// its other transactions say (charges deducted, money beyond the
    /// details): numbered after them, never renumbering them (see
    /// [`identity`]). Absent from the serialized form when false, so
    /// statements without one hash as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub difference: bool,
    /// A batch whose details carry no amount, kept whole: given to no
    /// payer, with what every detail quotes (the invoices it names are paid
    /// only when exactly its amount together). Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undetailed: bool,
}

impl Entry {
    /// The day its money moved: the booking date, else the value date (a
    /// bank may give only one of them, even on a booked entry). What a
    /// payment's day, a return's day or a window of days is reckoned on;
    /// outputs still show the booking date as the bank gave it.
    pub fn day(&self) -> Option<NaiveDate> {
        self.booking_date.or(self.value_date)
    }
}

impl Statement {
    /// The currency of an entry's money: its own, else the statement's.
    pub fn currency_of(&self, entry: &Entry) -> Currency {
        entry.currency.unwrap_or(self.currency)
    }

    /// All transactions with their entry, in file order.
    pub fn transactions(&self) -> impl Iterator<Item = (&Entry, &Transaction)> {
        self.entries
            .iter()
            .flat_map(|e| e.transactions.iter().map(move |t| (e, t)))
    }
}

impl Transaction {
    /// Every piece of free text a person or a bank attached to the money, in
    /// order: remittance lines, additional info, CFONB label complements.
    pub fn free_text(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.remittance.iter().map(String::as_str).collect();
        out.extend(self.additional_info.as_deref());
        out
    }

    /// What a person reads to match: the transaction's free text, then the
    /// entry's label (CFONB 04 label, CAMT `AddtlNtryInf`) when not already
    /// there. Banks often put the invoice number only in that label.
    pub fn texts<'a>(&'a self, entry: &'a Entry) -> Vec<&'a str> {
        let mut parts = self.free_text();
        // A difference row is no payer's: the label quoting their invoices
        // is not its evidence.
        if !self.difference
            && let Some(label) = entry.additional_info.as_deref()
            && !label.trim().is_empty()
            && !parts.contains(&label)
        {
            parts.push(label);
        }
        parts
    }

    /// The kind of this transaction: its own code's kind, else the entry's
    /// code read with this transaction's sign when that differs from the
    /// entry's (a debit inside a collection batch is a collection going
    /// back, not one collected), else the entry's kind.
    pub fn kind(&self, entry: &Entry) -> TxKind {
        let debit = self.amount.is_negative();
        if let Some(code) = &self.bank_code {
            let k = code.kind(debit, entry.reversal);
            // A difference row is never a collection, return or cheque of
            // the entry's: its own code says what it is.
            if k != TxKind::Other || self.difference {
                return k;
            }
        }
        if !self.amount.is_zero() && debit != entry.amount.is_negative() {
            return entry.bank_code.kind(debit, entry.reversal);
        }
        entry.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(amount: &str, code: BankCode) -> Entry {
        let amount: Money = amount.parse().unwrap();
        Entry {
            booking_date: None,
            value_date: None,
            amount,
            status: EntryStatus::Booked,
            reversal: false,
            bank_ref: None,
            currency: None,
            kind: code.kind(amount.is_negative(), false),
            bank_code: code,
            additional_info: None,
            transactions: Vec::new(),
            line: 1,
        }
    }

    fn tx(amount: &str) -> Transaction {
        Transaction {
            amount: amount.parse().unwrap(),
            ..Transaction::default()
        }
    }

    fn iso(family: &str, subfamily: &str) -> BankCode {
        BankCode::Iso {
            domain: "PMNT".into(),
            family: family.into(),
            subfamily: subfamily.into(),
            proprietary: None,
        }
    }

    #[test]
    fn a_debit_inside_a_collection_batch_is_a_return_not_a_collection() {
        let batch = entry("250.00", iso("IDDT", "ESDD"));
        assert_eq!(tx("1000.00").kind(&batch), TxKind::DirectDebitCollected);
        assert_eq!(tx("-750.00").kind(&batch), TxKind::DirectDebitReturned);
        // A debit inside a batch of transfers received is no transfer received.
        let transfers = entry("100.00", iso("RCDT", "ESCT"));
        assert_eq!(tx("-50.00").kind(&transfers), TxKind::Other);
        // A detail of the entry's own sign keeps the entry's kind.
        let returns = entry("-750.00", iso("IDDT", "UPDD"));
        assert_eq!(tx("-750.00").kind(&returns), TxKind::DirectDebitReturned);
    }

    #[test]
    fn a_difference_row_is_not_quoted_by_the_entrys_label() {
        let mut e = entry("1300.00", iso("RCDT", "ESCT"));
        e.additional_info = Some("FACTURE F-3".into());
        let payment = tx("1000.00");
        assert_eq!(payment.texts(&e), ["FACTURE F-3"]);
        // The 300.00 beyond the details is nobody's by that label.
        let excess = Transaction {
            difference: true,
            bank_code: Some(BankCode::Iso {
                domain: "ACMT".into(),
                family: "MDOP".into(),
                subfamily: "OTHR".into(),
                proprietary: None,
            }),
            ..tx("300.00")
        };
        assert!(excess.texts(&e).is_empty());
        // Nor is a row of a collection batch a collection or a return.
        let batch = entry("250.00", iso("IDDT", "ESDD"));
        let short = Transaction {
            amount: "-50.00".parse().unwrap(),
            ..excess
        };
        assert_eq!(short.kind(&batch), TxKind::Other);
    }
}
