//! CSV loaders for `invoices.csv` and `customers.csv` (placeholder until the
//! ledger work lands).

use std::collections::BTreeMap;
use std::path::Path;

use super::{Customer, Invoice, LedgerError};

/// Loads `invoices.csv` from disk.
pub fn load_invoices(_path: &Path) -> Result<Vec<Invoice>, LedgerError> {
    Ok(Vec::new())
}

/// Parses `invoices.csv` content; `file` names it in errors.
pub fn read_invoices(_bytes: &[u8], _file: &Path) -> Result<Vec<Invoice>, LedgerError> {
    Ok(Vec::new())
}

/// Loads `customers.csv` from disk.
pub fn load_customers(_path: &Path) -> Result<BTreeMap<String, Customer>, LedgerError> {
    Ok(BTreeMap::new())
}

/// Parses `customers.csv` content; `file` names it in errors.
pub fn read_customers(
    _bytes: &[u8],
    _file: &Path,
) -> Result<BTreeMap<String, Customer>, LedgerError> {
    Ok(BTreeMap::new())
}
