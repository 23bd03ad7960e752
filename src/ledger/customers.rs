//! `customers.csv` (optional): who the customers are and how they pay.
//!
//! Columns: `customer_id, name` required; `customer_type` (b2b default),
//! `iban`, `aliases`, `mandate_ids` (several values separated by `|`),
//! `email, phone, address, dunning_plan` optional.
//!
//! Owns: the meaning and validation of each customer cell and duplicate ids.
//! An invalid IBAN is an error, not a warning: a wrong customer IBAN would
//! attribute money to the wrong customer.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::Path;

use crate::refs::{is_valid_iban, normalize_iban};

use super::load::{Column, Row, Schema, Table};
use super::lookalike;
use super::values;
use super::{Customer, LedgerError, LedgerErrorKind};

const CUSTOMER_ID: usize = 0;
const NAME: usize = 1;
const CUSTOMER_TYPE: usize = 2;
const IBAN: usize = 3;
const ALIASES: usize = 4;
const MANDATE_IDS: usize = 5;
const EMAIL: usize = 6;
const PHONE: usize = 7;
const ADDRESS: usize = 8;
const DUNNING_PLAN: usize = 9;

/// The columns of `customers.csv`, indexed by the constants above.
const COLUMNS: &[Column] = &[
    Column {
        name: "customer_id",
        required: true,
    },
    Column {
        name: "name",
        required: true,
    },
    Column {
        name: "customer_type",
        required: false,
    },
    Column {
        name: "iban",
        required: false,
    },
    Column {
        name: "aliases",
        required: false,
    },
    Column {
        name: "mandate_ids",
        required: false,
    },
    Column {
        name: "email",
        required: false,
    },
    Column {
        name: "phone",
        required: false,
    },
    Column {
        name: "address",
        required: false,
    },
    Column {
        name: "dunning_plan",
        required: false,
    },
];

/// The columns, and the headers refused in their place (`lookalike`).
const SCHEMA: Schema = Schema {
    columns: COLUMNS,
    lookalikes: lookalike::CUSTOMERS,
};

/// Loads `customers.csv` from disk.
pub fn load_customers(path: &Path) -> Result<BTreeMap<String, Customer>, LedgerError> {
    let bytes = LedgerError::read_limited(path, super::MAX_FILE_BYTES)?;
    read_customers(&bytes, path)
}

/// Parses `customers.csv` content; `file` names it in errors. The first
/// error in file order is returned and nothing else.
pub fn read_customers(
    bytes: &[u8],
    file: &Path,
) -> Result<BTreeMap<String, Customer>, LedgerError> {
    let table = Table::new(bytes, file);
    let mut customers = BTreeMap::new();
    table.for_each_row(&SCHEMA, |row| {
        let c = customer(row)?;
        match customers.entry(c.customer_id.clone()) {
            Entry::Occupied(first) => {
                let first: &Customer = first.get();
                Err(row.error(
                    CUSTOMER_ID,
                    LedgerErrorKind::Duplicate {
                        what: "customer_id".into(),
                        id: c.customer_id,
                        first_line: first.line,
                    },
                ))
            }
            Entry::Vacant(slot) => {
                slot.insert(c);
                Ok(())
            }
        }
    })?;
    Ok(customers)
}

fn customer(row: &Row<'_>) -> Result<Customer, LedgerError> {
    let customer_id = row.required(CUSTOMER_ID)?.to_string();
    let name = row.required(NAME)?.to_string();
    let customer_type = values::parse_customer_type(row.get(CUSTOMER_TYPE))
        .ok_or_else(|| row.invalid(CUSTOMER_TYPE, values::CUSTOMER_TYPE_FORMS))?;
    let mut ibans = Vec::new();
    for part in split_list(row.get(IBAN)) {
        if !is_valid_iban(part) {
            // Masked: even a mistyped IBAN is a customer's bank account.
            return Err(row.invalid_found(
                IBAN,
                "IBANs with correct length and check digits, separated by |",
                &crate::refs::mask_iban(part),
            ));
        }
        let iban = normalize_iban(part);
        if !ibans.contains(&iban) {
            ibans.push(iban);
        }
    }
    let owned = |k| split_list(row.get(k)).map(str::to_string).collect();
    Ok(Customer {
        customer_id,
        name,
        customer_type,
        ibans,
        learned_ibans: Vec::new(),
        aliases: owned(ALIASES),
        mandate_ids: owned(MANDATE_IDS),
        email: row.optional(EMAIL).map(str::to_string),
        phone: row.optional(PHONE).map(str::to_string),
        address: row.optional(ADDRESS).map(str::to_string),
        dunning_plan: row.optional(DUNNING_PLAN).map(str::to_string),
        line: row.line,
    })
}

/// `a | b||c` → `a`, `b`, `c`.
pub(super) fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<BTreeMap<String, Customer>, LedgerError> {
        read_customers(text.as_bytes(), Path::new("customers.csv"))
    }

    #[test]
    fn an_iban_or_a_type_under_another_header_is_refused() {
        for (header, column) in [
            ("IBAN client", "iban"),
            ("bank_account", "iban"),
            ("segment", "customer_type"),
            ("b2c", "customer_type"),
            ("kind", "customer_type"),
        ] {
            let e = read(&format!("customer_id;name;{header}\nC1;Alpha;x\n")).unwrap_err();
            assert_eq!((e.line, e.column.as_deref()), (1, Some(column)), "{header}");
        }
        let c = read(
            "customer_id;name;iban;customer_type;IBAN client;segment;account_manager\n\
             C1;Alpha;DE89 3704 0044 0532 0130 00;b2c;x;y;z\n",
        )
        .unwrap();
        assert_eq!(c["C1"].ibans, ["DE89370400440532013000"]);
    }
}
