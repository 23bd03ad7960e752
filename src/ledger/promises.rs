//! `promises.csv` (optional): `customer_id, invoice_id, promised_date`; an
//! empty `invoice_id` covers all of the customer's invoices. Read like the
//! other ledger files (either separator, UTF-8 or ISO-8859-1, quoted fields);
//! a bad row is an error naming the file, line and column. Which bytes are
//! read — tonight's file, or the copy kept of it — is `nightly::people`'s.

use std::path::Path;

use chrono::NaiveDate;

use super::load::{Column, Schema, Table};
use super::lookalike;
use super::{LedgerError, values};

/// One promise to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRow {
    /// Customer.
    pub customer_id: String,
    /// Invoice, or `None` for all of the customer's invoices.
    pub invoice_id: Option<String>,
    /// The date the customer promised to pay by.
    pub promised_date: NaiveDate,
    /// 1-based physical line in the file (for a person's alert).
    pub line: u64,
}

const CUSTOMER_ID: usize = 0;
const INVOICE_ID: usize = 1;
const PROMISED_DATE: usize = 2;

const COLUMNS: &[Column] = &[
    Column {
        name: "customer_id",
        required: true,
    },
    Column {
        name: "invoice_id",
        required: false,
    },
    Column {
        name: "promised_date",
        required: true,
    },
];

/// The columns, and the headers refused in their place (`lookalike`).
const SCHEMA: Schema = Schema {
    columns: COLUMNS,
    lookalikes: lookalike::PROMISES,
};

/// The file's name in the client folder.
pub const PROMISES_FILE: &str = "promises.csv";

/// Parses promises; `file` names it in errors.
pub fn read_promises(bytes: &[u8], file: &Path) -> Result<Vec<PromiseRow>, LedgerError> {
    let table = Table::new(bytes, file);
    let mut out = Vec::new();
    table.for_each_row(&SCHEMA, |row| {
        let customer_id = row.required(CUSTOMER_ID)?.to_string();
        let promised_date = values::parse_plausible_date(row.required(PROMISED_DATE)?)
            .map_err(|expected| row.invalid(PROMISED_DATE, expected))?;
        out.push(PromiseRow {
            customer_id,
            invoice_id: row.optional(INVOICE_ID).map(str::to_string),
            promised_date,
            line: row.line,
        });
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_errors() {
        let p = Path::new("acme/promises.csv");
        let rows = read_promises(
            b"customer_id;invoice_id;promised_date\nC1;;30/11/2026\nC2;F9;2026-12-01\n",
            p,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].invoice_id, None);
        assert_eq!((rows[0].line, rows[1].line), (2, 3));
        assert_eq!(
            rows[0].promised_date,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        let e =
            read_promises(b"customer_id,invoice_id,promised_date\nC1,F1,soon\n", p).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.column.as_deref(), Some("promised_date"));
    }

    #[test]
    fn a_promised_year_typed_wrong_is_refused() {
        let p = Path::new("acme/promises.csv");
        let e = read_promises(
            b"customer_id;invoice_id;promised_date\nC2;F2;01/12/0026\n",
            p,
        )
        .unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("promised_date")));
        assert!(e.to_string().contains("from 1990 to 2099"), "{e}");
        let rows = read_promises(
            b"customer_id;invoice_id;promised_date\nC2;F2;01/12/2026\n",
            p,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn a_persons_own_column_and_a_comment_are_read() {
        let p = Path::new("acme/promises.csv");
        // An amount column pointage does not read is left alone (verify 38
        // V5): a promise holds whatever is paid by its date.
        let rows = read_promises(
            b"customer_id;invoice_id;promised_date;amount\nC1;F1;01/12/2026;100\n",
            p,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        let rows = read_promises(
            b"customer_id;invoice_id;promised_date;comment\nC1;F1;01/12/2026;called\n",
            p,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
    }
}
