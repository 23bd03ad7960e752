//! `invoices.csv` / `customers.csv` loading as a client's ERP export reaches
//! us: fixtures in `fixtures/ledger/ok` (golden JSON next to each, rewritten
//! with `UPDATE_GOLDEN=1`) and `fixtures/ledger/err` (exact messages below),
//! plus a round-trip property over generated invoice lists.

use std::path::{Path, PathBuf};

use pointage::ledger::{
    CustomerType, Invoice, LedgerErrorKind, PaymentMethod, read_customers, read_invoices,
};
use pointage::money::{Currency, Money};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ledger")
        .join(rel)
}

/// Reads a fixture, naming it in errors by its bare file name.
fn invoices(rel: &str) -> Result<Vec<Invoice>, pointage::ledger::LedgerError> {
    let bytes = std::fs::read(fixture(rel)).unwrap();
    let name = Path::new(rel).file_name().unwrap();
    read_invoices(&bytes, Path::new(name))
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

/// Compares `value` as pretty JSON with `expected`, or rewrites it.
fn golden(value: &impl serde::Serialize, expected: &Path) {
    let got = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(expected, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", expected.display()));
    assert_eq!(got, want, "{} differs", expected.display());
}

#[test]
fn ok_fixtures_match_their_golden_json() {
    let dir = fixture("ok");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    for name in names {
        let path = dir.join(&name);
        let bytes = std::fs::read(&path).unwrap();
        let expected = path.with_extension("json");
        if name.starts_with("customers") {
            let c = read_customers(&bytes, Path::new(&name)).unwrap_or_else(|e| panic!("{e}"));
            golden(&c, &expected);
        } else {
            let i = read_invoices(&bytes, Path::new(&name)).unwrap_or_else(|e| panic!("{e}"));
            golden(&i, &expected);
        }
    }
}

#[test]
fn comma_file_with_every_column() {
    let inv = invoices("ok/comma.csv").unwrap();
    assert_eq!(inv.len(), 4);
    let a = &inv[0];
    assert_eq!(a.invoice_id, "F-2026-000101");
    assert_eq!(a.amount, m("1250.00"));
    assert_eq!(a.reference.as_deref(), Some("RF18539007547034"));
    assert_eq!(a.payment_method, Some(PaymentMethod::Transfer));
    assert_eq!(a.discount_percent, Some(2.into()));
    assert_eq!(a.discount_until.unwrap().to_string(), "2026-01-15");
    assert_eq!(inv[1].customer_name, "Dupont, Fils & Cie");
    assert_eq!(inv[1].open_amount, m("200.25"));
    // Empty open_amount defaults to amount.
    assert_eq!(inv[2].open_amount, m("9800"));
    assert_eq!(inv[2].currency, Currency::parse("CHF").unwrap());
    assert_eq!(inv[2].installment.as_deref(), Some("C-2291 2/4"));
    assert_eq!(inv[2].mandate_id.as_deref(), Some("RUM-C003-01"));
    // The credit note.
    assert!(inv[3].is_credit_note());
    assert_eq!(inv[3].amount, m("-150"));
    assert_eq!(inv[3].currency, Currency::EUR);
    assert!(inv[3].disputed);
    assert_eq!(inv.iter().map(|i| i.line).collect::<Vec<_>>(), [2, 3, 4, 5]);
}

#[test]
fn french_semicolon_decimal_comma_file() {
    let inv = invoices("ok/semicolon_decimal_comma.csv").unwrap();
    assert_eq!(inv.len(), 4);
    assert_eq!(inv[0].amount, m("1234.56"));
    assert_eq!(inv[0].issue_date.to_string(), "2026-01-05");
    assert_eq!(inv[0].discount_percent.unwrap().to_string(), "1.5");
    assert_eq!(inv[1].amount, m("12480"));
    assert_eq!(inv[1].open_amount, m("2480"));
    assert_eq!(inv[1].payment_method, Some(PaymentMethod::DirectDebit));
    assert!(inv[1].disputed);
    assert_eq!(inv[2].issue_date.to_string(), "2026-01-07");
    assert_eq!(inv[2].open_amount, m("99.90"));
    assert_eq!(inv[2].payment_method, None);
    assert_eq!(inv[3].amount, m("-45"));
}

#[test]
fn bom_crlf_and_latin1_names() {
    let inv = invoices("ok/bom_crlf.csv").unwrap();
    assert_eq!(inv[0].invoice_id, "F-3001");
    assert_eq!(inv[0].customer_name, "Atelier Lefèvre");
    assert_eq!(inv[1].line, 3);
    let inv = invoices("ok/latin1.csv").unwrap();
    assert_eq!(inv[0].customer_name, "Société Générale d'Électricité");
    assert_eq!(inv[0].amount, m("5000"));
    assert_eq!(inv[1].customer_name, "Bâtiment Girard & Frères");
}

#[test]
fn quoted_fields_keep_separators_newlines_and_quotes() {
    let inv = invoices("ok/quoted_multiline.csv").unwrap();
    assert_eq!(inv[0].customer_name, "Imprimerie \"Le Lys\"; Paris");
    assert_eq!(inv[0].reference.as_deref(), Some("ligne 1\nligne 2"));
    assert_eq!(inv[1].customer_name, "Menuiserie Roux\nAtelier \"B\"");
    assert_eq!(inv[1].amount, m("1000"));
    // Physical lines: each row's first line.
    assert_eq!(inv.iter().map(|i| i.line).collect::<Vec<_>>(), [2, 4, 6]);
}

#[test]
fn only_required_columns_in_any_order_with_blank_rows() {
    let inv = invoices("ok/minimal_columns.csv").unwrap();
    assert_eq!(inv.len(), 2);
    assert_eq!(inv[0].invoice_id, "F-6001");
    assert_eq!(inv[0].amount, m("12"));
    assert_eq!(inv[0].open_amount, m("12"));
    assert_eq!(inv[0].currency, Currency::EUR);
    assert!(!inv[0].disputed);
    assert_eq!(inv[1].line, 5);
}

#[test]
fn quoted_decimal_comma_in_a_comma_file() {
    let inv = invoices("ok/comma_quoted_decimal_comma.csv").unwrap();
    assert_eq!(inv[0].amount, m("1234.56"));
    assert_eq!(inv[0].open_amount, m("234.56"));
    assert_eq!(inv[1].amount, m("-10"));
}

#[test]
fn customers_with_lists_and_types() {
    let bytes = std::fs::read(fixture("ok/customers.csv")).unwrap();
    let c = read_customers(&bytes, Path::new("customers.csv")).unwrap();
    assert_eq!(c.keys().collect::<Vec<_>>(), ["C001", "C002", "C003"]);
    let a = &c["C001"];
    assert_eq!(a.customer_type, CustomerType::B2b);
    assert_eq!(a.ibans, ["FR7630001007941234567890185"]);
    assert_eq!(a.aliases, ["BOULANGERIE MARTIN", "B. MARTIN"]);
    assert_eq!(a.address.as_deref(), Some("12 rue de la Paix\n75002 Paris"));
    let b = &c["C002"];
    assert_eq!(b.customer_type, CustomerType::B2c);
    assert_eq!(
        b.ibans,
        ["FR1420041010050500013M02606", "DE89370400440532013000"]
    );
    assert_eq!(b.mandate_ids, ["RUM-C002-01", "RUM-C002-02"]);
    assert_eq!(b.dunning_plan.as_deref(), Some("gentle"));
    assert_eq!(b.line, 4);
    assert_eq!(c["C003"].customer_type, CustomerType::B2b);
    assert_eq!(c["C003"].ibans, Vec::<String>::new());
}

#[test]
fn error_fixtures_name_file_line_and_column() {
    let invoice_errors: &[(&str, &str)] = &[
        (
            "missing_column.csv",
            "missing_column.csv: line 1, column due_date: missing required column",
        ),
        (
            "bad_date.csv",
            "bad_date.csv: line 3, column due_date: expected a date (YYYY-MM-DD, DD/MM/YYYY or \
             DD.MM.YYYY), found \"31/02/2026\"",
        ),
        (
            "bad_amount.csv",
            "bad_amount.csv: line 3, column amount: expected an amount (1234.56 or 1234,56; \
             spaces between thousands, in groups of three digits; no currency sign; below 10^13, at most 5 decimals), found \"12,50 €\"",
        ),
        (
            "duplicate_invoice_id.csv",
            "duplicate_invoice_id.csv: line 5, column invoice_id: duplicate invoice_id \"F-1\" \
             (first on line 2)",
        ),
        (
            "open_amount_above_amount.csv",
            "open_amount_above_amount.csv: line 3, column open_amount: expected an open amount \
             of the same sign as amount and no larger than 100.00, found \"100.01\"",
        ),
        (
            "open_amount_wrong_sign.csv",
            "open_amount_wrong_sign.csv: line 2, column open_amount: expected an open amount \
             of the same sign as amount and no larger than -100.00, found \"50.00\"",
        ),
        (
            "unbalanced_quote.csv",
            "unbalanced_quote.csv: line 3, column installment: malformed CSV: a quoted field \
             opened on this line is never closed (unbalanced \")",
        ),
        (
            "unquoted_decimal_comma.csv",
            "unquoted_decimal_comma.csv: line 3: malformed CSV: 7 fields where the header has \
             6 (separator ','); in a comma-separated file a decimal comma must be quoted: \
             \"12,50\"",
        ),
        (
            "ambiguous_amount.csv",
            "ambiguous_amount.csv: line 3, column amount: expected an amount whose decimal \
             separator is unambiguous (1,234 could mean 1234: write 1234 or 1234,000, or give \
             two decimals), found \"1.250\"",
        ),
        (
            "misspelt_column.csv",
            "misspelt_column.csv: line 1, column open_amount: unknown column \"open_amout\": \
             did you mean open_amount?",
        ),
        (
            "bad_discount.csv",
            "bad_discount.csv: line 2, column discount_percent: expected a percentage from 0 \
             to less than 100 (2 or 2,5 or 2.5%), found \"100\"",
        ),
        (
            "bad_currency.csv",
            "bad_currency.csv: line 2, column currency: expected a three-letter currency code \
             (EUR), found \"EURO\"",
        ),
        (
            "empty_required.csv",
            "empty_required.csv: line 2, column customer_id: empty value in a required column",
        ),
    ];
    for (name, want) in invoice_errors {
        let e = invoices(&format!("err/{name}")).expect_err(name);
        assert_eq!(e.to_string(), *want);
    }
    let customer_errors: &[(&str, &str)] = &[
        (
            "customers_bad_iban.csv",
            "customers_bad_iban.csv: line 3, column iban: expected IBANs with correct length \
             and check digits, separated by |, found \"FR76…0186\"",
        ),
        (
            "customers_duplicate_id.csv",
            "customers_duplicate_id.csv: line 4, column customer_id: duplicate customer_id \
             \"C1\" (first on line 2)",
        ),
        (
            "customers_missing_name.csv",
            "customers_missing_name.csv: line 1, column name: missing required column",
        ),
    ];
    for (name, want) in customer_errors {
        let bytes = std::fs::read(fixture(&format!("err/{name}"))).unwrap();
        let e = read_customers(&bytes, Path::new(name)).expect_err(name);
        assert_eq!(e.to_string(), *want);
    }
}

#[test]
fn an_unreadable_file_is_an_io_error_naming_it() {
    let e = pointage::ledger::load_invoices(Path::new("/nonexistent/invoices.csv")).unwrap_err();
    assert!(matches!(e.kind, LedgerErrorKind::Io(_)));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/invoices.csv: cannot read: "),
        "{e}"
    );
}

#[test]
fn the_ambiguous_form_is_read_when_the_file_proves_the_separator() {
    let csv = "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
               F-1;C1;A;2026-01-01;2026-01-31;1,250\n\
               F-2;C1;A;2026-01-01;2026-01-31;1234,5\n";
    let inv = read_invoices(csv.as_bytes(), Path::new("i.csv")).unwrap();
    assert_eq!(inv[0].amount, m("1.25"));
}

mod roundtrip {
    use super::*;
    use chrono::NaiveDate;
    use pointage::synth::ledger::write_invoices_csv;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// Text a cell can hold and get back: anything on one line, without
    /// surrounding white space (cells are trimmed), never empty. (An id or
    /// a name over lines is refused when a later line reads as a row: a
    /// stray quote, `ledger::quotes`; every column here is one.)
    fn text() -> impl Strategy<Value = String> {
        "[^\\s]([^\\r\\n]{0,12}[^\\s])?"
    }

    /// A date in the years a file may hold (1990 to 2099).
    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..40_000)
            .prop_map(|d| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Duration::days(d))
    }

    fn invoice() -> impl Strategy<Value = Invoice> {
        let ids = (text(), text(), text(), date(), date());
        let amounts = (
            -1_000_000_000_000i64..1_000_000_000_000,
            0u64..=100,
            "[A-Z]{3}",
        );
        let optional = (
            proptest::option::of(text()),
            proptest::option::of(0usize..5),
            proptest::option::of(text()),
            any::<bool>(),
            proptest::option::of(text()),
            proptest::option::of((0i64..10_000, date())),
        );
        (ids, amounts, optional).prop_map(
            |(
                (invoice_id, customer_id, customer_name, issue_date, due_date),
                (cents, open_pct, currency),
                (reference, method, mandate_id, disputed, installment, discount),
            )| {
                let currency = Currency::parse(&currency).unwrap();
                // A currency without minor units holds whole amounts only.
                let whole = |c: i64| {
                    if currency.minor_units() == 0 {
                        c / 100 * 100
                    } else {
                        c
                    }
                };
                let cents = whole(cents);
                let amount = Money::from_scaled(cents, 2).unwrap();
                let open_cents =
                    whole(i64::try_from(i128::from(cents) * i128::from(open_pct) / 100).unwrap());
                let methods = [
                    PaymentMethod::Transfer,
                    PaymentMethod::DirectDebit,
                    PaymentMethod::Cheque,
                    PaymentMethod::Card,
                    PaymentMethod::Lcr,
                ];
                Invoice {
                    invoice_id,
                    customer_id,
                    customer_name,
                    issue_date,
                    due_date,
                    amount,
                    open_amount: Money::from_scaled(open_cents, 2).unwrap(),
                    currency,
                    reference,
                    payment_method: method.map(|k| methods[k]),
                    mandate_id,
                    disputed,
                    installment,
                    discount_percent: discount.map(|(p, _)| Decimal::new(p, 2)),
                    discount_until: discount.map(|(_, d)| d),
                    line: 0,
                }
            },
        )
    }

    /// Unique ids, and the physical line each row will start on.
    fn fix_up(mut list: Vec<Invoice>) -> Vec<Invoice> {
        let mut line = 2;
        for (k, inv) in list.iter_mut().enumerate() {
            inv.invoice_id = format!("{k}-{}", inv.invoice_id);
            inv.line = line;
            // Due on or after issue, as a file must have it.
            if inv.due_date < inv.issue_date {
                std::mem::swap(&mut inv.due_date, &mut inv.issue_date);
            }
            let texts = [
                Some(&inv.invoice_id),
                Some(&inv.customer_id),
                Some(&inv.customer_name),
                inv.reference.as_ref(),
                inv.mandate_id.as_ref(),
                inv.installment.as_ref(),
            ];
            line += 1 + texts
                .iter()
                .flatten()
                .map(|t| t.matches('\n').count() as u64)
                .sum::<u64>();
        }
        list
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn written_invoices_load_back_equal(
            list in proptest::collection::vec(invoice(), 0..12).prop_map(fix_up),
            sep in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
            decimal_comma in any::<bool>(),
        ) {
            let bytes = write_invoices_csv(&list, sep, decimal_comma);
            let back = read_invoices(&bytes, Path::new("invoices.csv"));
            prop_assert_eq!(back, Ok(list));
        }
    }
}

#[test]
fn the_readme_examples_load() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```csv\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(blocks.len() >= 3, "README lost its CSV examples");
    for b in blocks {
        if b.starts_with("invoice_id") {
            let inv = read_invoices(b.as_bytes(), Path::new("README.md"))
                .unwrap_or_else(|e| panic!("{e}\n{b}"));
            assert_eq!(inv.len(), 3);
            assert!(inv[2].is_credit_note());
        } else {
            let c = read_customers(b.as_bytes(), Path::new("README.md"))
                .unwrap_or_else(|e| panic!("{e}\n{b}"));
            assert_eq!(c.len(), 2);
        }
    }
}
