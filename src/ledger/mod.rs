//! The ledger side of reconciliation: the client's open invoices
//! (`invoices.csv`) and customers (`customers.csv`) as the ERP exports them
//! tonight, and what people add to them: promises to pay (`promises.csv`)
//! and decisions on what pointage could not settle (`decisions.csv`).
//!
//! Owns: those types and their CSV loaders (comma or
//! semicolon, decimal point or comma, UTF-8 with or without BOM, ISO-8859-1,
//! quoted fields). A bad row is a [`LedgerError`] naming file, row and column;
//! nothing is half-loaded.
//! Does not: read statements, match, or keep state.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Currency, Money};

mod amount_cells;
mod customers;
mod decisions;
mod error;
mod invoices;
mod load;
mod lookalike;
mod people_file;
mod promises;
mod quotes;
mod values;

use std::path::Path;

pub use customers::{load_customers, read_customers};
pub use decisions::{DECISIONS_FILE, Decision, DecisionKind, account_key, read_decisions};
pub use error::{LedgerError, LedgerErrorKind};
pub use invoices::{load_invoices, read_invoices};
pub use people_file::{PeopleFile, read_people_file};
pub use promises::{PROMISES_FILE, PromiseRow, read_promises};

/// Input CSV files larger than this (1 GiB) are refused before reading: the
/// loaders hold a file in memory while checking it whole.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// How the customer was asked to pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PaymentMethod {
    /// Credit transfer (virement).
    Transfer,
    /// SEPA direct debit (prélèvement).
    DirectDebit,
    /// Cheque.
    Cheque,
    /// Card.
    Card,
    /// Bill of exchange (LCR).
    Lcr,
}

impl PaymentMethod {
    /// Parses `transfer`, `direct_debit`, `cheque`, `card`, `lcr` (case-insensitive;
    /// French and common variants accepted: `virement`, `prelevement`, `sdd`, `cheque`).
    pub fn parse(s: &str) -> Option<PaymentMethod> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match t.as_str() {
            "transfer" | "virement" | "credit_transfer" | "sct" | "vir" => PaymentMethod::Transfer,
            "direct_debit" | "prelevement" | "prélèvement" | "sdd" | "prlv" => {
                PaymentMethod::DirectDebit
            }
            "cheque" | "check" | "chèque" | "chq" => PaymentMethod::Cheque,
            "card" | "carte" | "cb" => PaymentMethod::Card,
            "lcr" | "bill" | "traite" | "effet" => PaymentMethod::Lcr,
            _ => return None,
        })
    }

    /// Snake-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::DirectDebit => "direct_debit",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::Card => "card",
            PaymentMethod::Lcr => "lcr",
        }
    }
}

/// One open item as the ERP sees it tonight. A negative `amount` is a credit note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    /// Invoice number, unique within the client.
    pub invoice_id: String,
    /// Customer account in the ERP.
    pub customer_id: String,
    /// Customer name as on the invoice.
    pub customer_name: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Invoice total (negative for a credit note).
    pub amount: Money,
    /// What is still open tonight according to the ERP (defaults to `amount`).
    pub open_amount: Money,
    /// Currency (defaults to EUR).
    pub currency: Currency,
    /// What the customer was asked to quote (often an RF creditor reference).
    pub reference: Option<String>,
    /// How the customer was asked to pay.
    pub payment_method: Option<PaymentMethod>,
    /// SEPA mandate id (RUM).
    pub mandate_id: Option<String>,
    /// Disputed invoices are never chased.
    pub disputed: bool,
    /// Groups instalments of one contract (`C-2291 2/4`).
    pub installment: Option<String>,
    /// Early-payment discount in percent (e.g. 2 for 2 %).
    pub discount_percent: Option<Decimal>,
    /// Last day the discount applies.
    pub discount_until: Option<NaiveDate>,
    /// 1-based line of the row in the file (header is line 1).
    pub line: u64,
}

impl Invoice {
    /// True for a credit note (negative amount).
    pub fn is_credit_note(&self) -> bool {
        self.amount.is_negative()
    }
}

/// B2B or B2C: late-payment charges apply to businesses only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub enum CustomerType {
    /// A business (default).
    #[default]
    B2b,
    /// A consumer.
    B2c,
}

/// One customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// Customer account in the ERP.
    pub customer_id: String,
    /// Name.
    pub name: String,
    /// B2B or B2C.
    pub customer_type: CustomerType,
    /// Known IBANs (normalised), `|`-separated in the file.
    pub ibans: Vec<String>,
    /// IBANs a person's decision taught (`decisions.csv`, kept in state):
    /// weaker than `ibans`, for a factor or a parent company may pay for
    /// several customers from one account. Never in `customers.csv`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub learned_ibans: Vec<String>,
    /// Other names the customer pays under.
    pub aliases: Vec<String>,
    /// SEPA mandate ids.
    pub mandate_ids: Vec<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Dunning plan name, overriding the one derived from history.
    pub dunning_plan: Option<String>,
    /// 1-based line of the row in the file.
    pub line: u64,
}

/// Loads a client's `invoices.csv` and, when given, its `customers.csv`.
/// An invoice whose `customer_id` is not in `customers.csv` is accepted: its
/// own `customer_name` stands for the customer (the nightly run says so:
/// `nightly::dunning_input::unknown_customers`).
pub fn load_ledger(invoices: &Path, customers: Option<&Path>) -> Result<Ledger, LedgerError> {
    Ok(Ledger {
        invoices: load_invoices(invoices)?,
        customers: match customers {
            Some(path) => load_customers(path)?,
            None => BTreeMap::new(),
        },
        customers_file: customers.is_some(),
    })
}

/// A client's invoices and customers, loaded and validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Invoices in file order.
    pub invoices: Vec<Invoice>,
    /// Customers by id (ordered).
    pub customers: BTreeMap<String, Customer>,
    /// The client has a `customers.csv` (possibly listing nobody): an
    /// invoice's customer missing from it is then worth a person's look.
    pub customers_file: bool,
}
