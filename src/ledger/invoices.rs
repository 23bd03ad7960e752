//! `invoices.csv`: one row per open item as the ERP sees it tonight.
//!
//! Columns (found by header name, any order, case-insensitive; unknown
//! columns ignored): `invoice_id, customer_id, customer_name, issue_date,
//! due_date, amount` required; `open_amount` (default `amount`), `currency`
//! (default EUR), `reference`, `payment_method`, `mandate_id`, `disputed`,
//! `installment`, `discount_percent`, `discount_until` optional.
//!
//! Owns: the meaning and validation of each invoice cell and duplicate ids
//! (amounts are read by `amount_cells`, as in `decisions.csv`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;

use crate::money::Currency;

use super::amount_cells::SeparatorEvidence;
use super::load::{Column, Row, Schema, Table};
use super::lookalike;
use super::values;
use super::{Invoice, LedgerError, LedgerErrorKind, PaymentMethod};

const INVOICE_ID: usize = 0;
const CUSTOMER_ID: usize = 1;
const CUSTOMER_NAME: usize = 2;
const ISSUE_DATE: usize = 3;
const DUE_DATE: usize = 4;
const AMOUNT: usize = 5;
const OPEN_AMOUNT: usize = 6;
const CURRENCY: usize = 7;
const REFERENCE: usize = 8;
const PAYMENT_METHOD: usize = 9;
const MANDATE_ID: usize = 10;
const DISPUTED: usize = 11;
const INSTALLMENT: usize = 12;
const DISCOUNT_PERCENT: usize = 13;
const DISCOUNT_UNTIL: usize = 14;

/// The columns of `invoices.csv`, indexed by the constants above.
const COLUMNS: &[Column] = &[
    Column {
        name: "invoice_id",
        required: true,
    },
    Column {
        name: "customer_id",
        required: true,
    },
    Column {
        name: "customer_name",
        required: true,
    },
    Column {
        name: "issue_date",
        required: true,
    },
    Column {
        name: "due_date",
        required: true,
    },
    Column {
        name: "amount",
        required: true,
    },
    Column {
        name: "open_amount",
        required: false,
    },
    Column {
        name: "currency",
        required: false,
    },
    Column {
        name: "reference",
        required: false,
    },
    Column {
        name: "payment_method",
        required: false,
    },
    Column {
        name: "mandate_id",
        required: false,
    },
    Column {
        name: "disputed",
        required: false,
    },
    Column {
        name: "installment",
        required: false,
    },
    Column {
        name: "discount_percent",
        required: false,
    },
    Column {
        name: "discount_until",
        required: false,
    },
];

/// The columns, and the headers refused in their place (`lookalike`).
const SCHEMA: Schema = Schema {
    columns: COLUMNS,
    lookalikes: lookalike::INVOICES,
};

/// Loads `invoices.csv` from disk.
pub fn load_invoices(path: &Path) -> Result<Vec<Invoice>, LedgerError> {
    let bytes = LedgerError::read_limited(path, super::MAX_FILE_BYTES)?;
    read_invoices(&bytes, path)
}

/// Parses `invoices.csv` content; `file` names it in errors. Invoices come
/// back in file order; the first error (in file order; duplicate ids are
/// checked after every row has read well) is returned and nothing else.
pub fn read_invoices(bytes: &[u8], file: &Path) -> Result<Vec<Invoice>, LedgerError> {
    let table = Table::new(bytes, file);
    // Six required cells, two of them dates: no row is shorter than 24 bytes.
    let mut invoices = Vec::with_capacity(table.max_rows(24));
    let mut evidence = SeparatorEvidence::default();
    // Columns the schema does not read that name a document type (`type`,
    // `sens`): found on the first row, the header being the same for all.
    let mut doc_types: Option<Vec<(usize, String)>> = None;
    table.for_each_row(&SCHEMA, |row| {
        let doc_types = doc_types.get_or_insert_with(|| {
            row.other_columns()
                .filter(|(_, h)| lookalike::is_document_type(h))
                .map(|(i, h)| (i, h.to_string()))
                .collect()
        });
        invoices.push(invoice(row, &mut evidence, doc_types)?);
        Ok(())
    })?;
    evidence.check()?;
    check_duplicates(&invoices, file)?;
    Ok(invoices)
}

/// One row to an invoice; `doc_types` are the columns naming a document type.
fn invoice(
    row: &Row<'_>,
    evidence: &mut SeparatorEvidence,
    doc_types: &[(usize, String)],
) -> Result<Invoice, LedgerError> {
    let invoice_id = row.required(INVOICE_ID)?;
    let customer_id = row.required(CUSTOMER_ID)?;
    let customer_name = row.required(CUSTOMER_NAME)?;
    let issue_date = date(row, ISSUE_DATE)?;
    let due_date = date(row, DUE_DATE)?;
    // A due date before the issue date is read as written: ERPs date some
    // invoices from delivery, and a credit note's due date is no one's
    // (verify 38 V2); the window of plausible years above catches the typos
    // that would charge years of interest.
    let currency = match row.optional(CURRENCY) {
        None => Currency::EUR,
        Some(c) => Currency::parse(c)
            .ok_or_else(|| row.invalid(CURRENCY, "a three-letter currency code (EUR)"))?,
    };
    row.required(AMOUNT)?;
    let amount = evidence.amount(row, AMOUNT)?;
    // An export writing every amount positive and telling credit notes by
    // a column: read as is, the credit note is chased as an invoice.
    if amount.is_positive() {
        for (i, header) in doc_types {
            let mark = row.at(*i);
            if values::marks_credit_note(header, mark) {
                return Err(row.invalid(
                    AMOUNT,
                    &format!(
                        "a negative amount: column {header:?} says this row is a credit note \
                         ({mark:?}), and invoices.csv takes a credit note as a negative amount"
                    ),
                ));
            }
        }
    }
    let open_amount = match row.optional(OPEN_AMOUNT) {
        None => amount,
        Some(_) => evidence.amount(row, OPEN_AMOUNT)?,
    };
    // A currency without minor units (JPY, XOF…) has no 1.25: such a value
    // is a thousands separator read as a decimal one (`1,250`) or a typo.
    if currency.minor_units() == 0 {
        for (k, money) in [(AMOUNT, amount), (OPEN_AMOUNT, open_amount)] {
            if !money.decimal().fract().is_zero() {
                return Err(row.invalid(k, &format!("a whole amount: {currency} has no decimals")));
            }
        }
    }
    let same_sign = open_amount.is_zero() || open_amount.is_negative() == amount.is_negative();
    if !same_sign || open_amount.abs() > amount.abs() {
        return Err(row.invalid(
            OPEN_AMOUNT,
            &format!("an open amount of the same sign as amount and no larger than {amount}"),
        ));
    }
    let payment_method = match row.optional(PAYMENT_METHOD) {
        None => None,
        Some(p) => Some(payment_method(p).ok_or_else(|| {
            row.invalid(
                PAYMENT_METHOD,
                "transfer, direct_debit, cheque, card or lcr",
            )
        })?),
    };
    let disputed = values::parse_bool(row.get(DISPUTED))
        .ok_or_else(|| row.invalid(DISPUTED, values::BOOL_FORMS))?;
    let discount_percent = match row.optional(DISCOUNT_PERCENT) {
        None => None,
        Some(p) => Some(
            values::parse_percent(p)
                .ok_or_else(|| row.invalid(DISCOUNT_PERCENT, values::PERCENT_FORMS))?,
        ),
    };
    // The null dates SQL Server ERPs write for "none" (1900-01-01,
    // 1753-01-01, 9999-12-31) are no discount date (verify 38 V8).
    let discount_until = match row.optional(DISCOUNT_UNTIL) {
        None => None,
        Some(text) if values::is_null_date(text) => None,
        Some(_) => Some(date(row, DISCOUNT_UNTIL)?),
    };
    Ok(Invoice {
        invoice_id: invoice_id.to_string(),
        customer_id: customer_id.to_string(),
        customer_name: customer_name.to_string(),
        issue_date,
        due_date,
        amount,
        open_amount,
        currency,
        reference: row.optional(REFERENCE).map(str::to_string),
        payment_method,
        mandate_id: row.optional(MANDATE_ID).map(str::to_string),
        disputed,
        installment: row.optional(INSTALLMENT).map(str::to_string),
        discount_percent,
        discount_until,
        line: row.line,
    })
}

/// [`PaymentMethod::parse`], without its allocations for the canonical names.
fn payment_method(s: &str) -> Option<PaymentMethod> {
    const CANONICAL: [PaymentMethod; 5] = [
        PaymentMethod::Transfer,
        PaymentMethod::DirectDebit,
        PaymentMethod::Cheque,
        PaymentMethod::Card,
        PaymentMethod::Lcr,
    ];
    CANONICAL
        .into_iter()
        .find(|p| p.as_str().eq_ignore_ascii_case(s))
        .or_else(|| PaymentMethod::parse(s))
}

fn date(row: &Row<'_>, k: usize) -> Result<chrono::NaiveDate, LedgerError> {
    values::parse_plausible_date(row.required(k)?).map_err(|expected| row.invalid(k, expected))
}

/// The first row (in file order) whose `invoice_id` an earlier row already has.
fn check_duplicates(invoices: &[Invoice], file: &Path) -> Result<(), LedgerError> {
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(invoices.len());
    for inv in invoices {
        match seen.entry(inv.invoice_id.as_str()) {
            Entry::Vacant(slot) => {
                slot.insert(inv.line);
            }
            Entry::Occupied(first) => {
                return Err(LedgerError::new(
                    file,
                    inv.line,
                    Some("invoice_id"),
                    LedgerErrorKind::Duplicate {
                        what: "invoice_id".into(),
                        id: inv.invoice_id.clone(),
                        first_line: *first.get(),
                    },
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Vec<Invoice>, LedgerError> {
        read_invoices(bytes, Path::new("invoices.csv"))
    }

    #[test]
    fn excel_unicode_text_is_utf16_with_tabs() {
        let text = "invoice_id\tcustomer_id\tcustomer_name\tissue_date\tdue_date\tamount\r\n\
                    F-1\tC1\tSociété Œuvre\t01/01/2026\t31/01/2026\t1 234,50\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let inv = read(&bytes).unwrap();
        assert_eq!(inv[0].customer_name, "Société Œuvre");
        assert_eq!(inv[0].amount.to_plain(), "1234.50");
    }

    #[test]
    fn excel_sep_line_and_old_mac_line_ends() {
        let inv = read(
            b"sep=;\rinvoice_id;customer_id;customer_name;issue_date;due_date;amount\r\
              F-1;C1;A;2026-01-01;2026-01-31;1,5\rF-2;C1;A;2026-01-01;2026-01-31;x\r",
        );
        let e = inv.unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (4, Some("amount")));
    }

    #[test]
    fn header_only_is_no_invoices_and_empty_is_an_error() {
        let header = b"invoice_id,customer_id,customer_name,issue_date,due_date,amount\n";
        assert_eq!(read(header), Ok(Vec::new()));
        let e = read(b" \n,,\ninvoice_id,customer_id\n").unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (3, Some("customer_name")));
        assert_eq!(
            read(b"").unwrap_err().to_string(),
            "invoices.csv: malformed CSV: no header line: the file is empty"
        );
    }

    #[test]
    fn a_known_column_twice_is_refused() {
        let e = read(b"invoice_id;customer_id;customer_name;issue_date;due_date;amount;Amount\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invoices.csv: line 1, column amount: column appears more than once in the header"
        );
    }

    #[test]
    fn windows_1252_punctuation() {
        let inv = read(
            b"invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
              F-1;C1;L\x92\x9cuvre \x80;2026-01-01;2026-01-31;10\n",
        )
        .unwrap();
        assert_eq!(inv[0].customer_name, "L’œuvre €");
    }

    const HEADER: &str =
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount\n";

    fn read_rows(rows: &str) -> Result<Vec<Invoice>, LedgerError> {
        read(format!("{HEADER}{rows}").as_bytes())
    }

    #[test]
    fn a_year_typed_wrong_is_refused_naming_line_and_column() {
        for (row, column) in [
            (
                "F1;C1;A;01/09/2026;01/10/0026;1 000,00;1 000,00\n",
                "due_date",
            ),
            (
                "F1;C1;A;01/09/2026;01/10/2206;1 000,00;1 000,00\n",
                "due_date",
            ),
            (
                "F1;C1;A;01/09/0026;01/10/2026;1 000,00;1 000,00\n",
                "issue_date",
            ),
        ] {
            let e = read_rows(row).unwrap_err();
            assert_eq!((e.line, e.column.as_deref()), (2, Some(column)), "{row}");
            assert!(e.to_string().contains("from 1990 to 2099"), "{e}");
        }
    }

    #[test]
    fn dates_within_the_window_and_due_on_issue_are_read() {
        let inv = read_rows(
            "F1;C1;A;01/09/1990;31/12/2099;1 000,00;\n\
             AV1;C1;A;05/09/2026;05/09/2026;-100,00;\n",
        )
        .unwrap();
        assert_eq!(inv.len(), 2);
    }

    #[test]
    fn a_due_date_before_the_issue_date_is_read_as_written() {
        let inv = read_rows("F1;C1;A;01/10/2026;01/09/2026;1 000,00;\n").unwrap();
        assert_eq!(inv[0].due_date.to_string(), "2026-09-01");
    }

    #[test]
    fn a_thousands_group_cut_short_is_refused() {
        let e = read_rows("F2;C2;B;01/09/2026;01/10/2026;12 500,00;12 5").unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("open_amount")));
        let e = read_rows("F2;C2;B;01/09/2026;01/10/2026;1 23;\n").unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("amount")));
        let inv = read_rows(
            "F1;C1;A;01/09/2026;01/10/2026;12 500,00;12\u{a0}500,00\n\
             F2;C1;A;01/09/2026;01/10/2026;1\u{202f}234,56;1'234,56\n",
        )
        .unwrap();
        assert_eq!(inv[0].open_amount.to_plain(), "12500.00");
        assert_eq!(inv[1].open_amount.to_plain(), "1234.56");
    }

    #[test]
    fn a_known_column_under_another_header_is_refused() {
        for (header, column) in [
            ("Open amount (EUR)", "open_amount"),
            ("solde", "open_amount"),
            ("amount_open", "open_amount"),
            ("outstanding", "open_amount"),
            ("reste_du", "open_amount"),
            ("devise", "currency"),
            ("currency_code", "currency"),
            ("litige", "disputed"),
            ("contested", "disputed"),
        ] {
            let text = format!(
                "invoice_id;customer_id;customer_name;issue_date;due_date;amount;{header}\n\
                 F1;C1;A;01/09/2026;01/10/2026;100,00;x\n"
            );
            let e = read(text.as_bytes()).unwrap_err();
            assert_eq!((e.line, e.column.as_deref()), (1, Some(column)), "{header}");
            assert!(
                e.to_string().contains(&format!("did you mean {column}?")),
                "{e}"
            );
        }
        // Next to the real column, or not like one, it is another column.
        let inv = read(
            b"invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;solde;\
              open_date;project\nF1;C1;A;01/09/2026;01/10/2026;100,00;40,00;x;y;z\n",
        )
        .unwrap();
        assert_eq!(inv[0].open_amount.to_plain(), "40.00");
    }

    #[test]
    fn a_positive_credit_note_told_by_a_type_column_is_refused() {
        for (header, mark) in [
            ("sens", "C"),
            ("type", "Avoir"),
            ("document_type", "Credit note"),
            ("Nature", "AV"),
        ] {
            let text = format!(
                "invoice_id;customer_id;customer_name;issue_date;due_date;amount;{header}\n\
                 F1;C1;A;01/09/2026;01/10/2026;1 000,00;D\n\
                 AV1;C1;A;05/09/2026;05/09/2026;1 000,00;{mark}\n"
            );
            let e = read(text.as_bytes()).unwrap_err();
            assert_eq!(
                (e.line, e.column.as_deref()),
                (3, Some("amount")),
                "{header}"
            );
            assert!(e.to_string().contains("credit note"), "{e}");
        }
        // Written negative, or a harmless type: read.
        let inv = read(
            "invoice_id;customer_id;customer_name;issue_date;due_date;amount;type\n\
             F1;C1;A;01/09/2026;01/10/2026;1 000,00;service\n\
             F2;C1;A;01/09/2026;01/10/2026;500,00;goods\n\
             AV1;C1;A;05/09/2026;05/09/2026;-1 000,00;Avoir\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(inv.len(), 3);
        assert!(inv[2].is_credit_note());
    }

    #[test]
    fn decimals_in_a_currency_without_minor_units_are_refused() {
        let head = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency\n";
        let e = read(format!("{head}F1;C1;A;01/09/2026;01/10/2026;1,250;;JPY\nF2;C1;A;01/09/2026;01/10/2026;99,5;;EUR\n").as_bytes())
            .unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("amount")));
        assert!(e.to_string().contains("JPY has no decimals"), "{e}");
        let e = read(format!("{head}F1;C1;A;01/09/2026;01/10/2026;1 250;0,5;XOF\n").as_bytes())
            .unwrap_err();
        assert_eq!(e.column.as_deref(), Some("open_amount"));
        let inv = read(
            format!("{head}F1;C1;A;01/09/2026;01/10/2026;1 250,00;1250;JPY\nF2;C1;A;01/09/2026;01/10/2026;99,5;;EUR\n")
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(inv[0].amount.to_plain(), "1250.00");
    }
}
