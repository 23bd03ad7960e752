//! Synthetic ledgers: realistic invoices and customers, and the writers that
//! turn them into `invoices.csv` / `customers.csv` bytes in either style
//! (`,` with ISO dates and decimal points, or the French `;` with DD/MM/YYYY
//! and decimal commas). Used by the loading benchmark and the round-trip
//! property tests: whatever the writers produce, the loaders must read back
//! equal.

use std::io::Write;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::Rng;
use crate::ledger::{Customer, CustomerType, Invoice, PaymentMethod};
use crate::money::{Currency, Money};
use crate::refs::rf_from_reference;

const STEMS: &[&str] = &[
    "Boulangerie Martin",
    "Société Générale d'Électricité",
    "Dupont, Fils & Cie",
    "Atelier Lefèvre",
    "Transports Moreau",
    "Café de la Gare",
    "Garage Bernard",
    "Pharmacie Petit",
    "Menuiserie Roux",
    "Hôtel des Alpes",
    "Cabinet Fournier",
    "Imprimerie \"Le Lys\"",
    "Ferme du Val",
    "Bâtiment Girard",
    "Nordwind GmbH",
];
const FORMS: &[&str] = &["SARL", "SAS", "SA", "EURL", "", "SCI"];

/// `n` customers `C00001`… with names, some IBANs, aliases and mandates.
pub fn customers(rng: &mut Rng, n: usize) -> Vec<Customer> {
    (1..=n)
        .map(|i| {
            let stem = rng.pick(STEMS);
            let form = rng.pick(FORMS);
            let name = if form.is_empty() {
                format!("{stem} {i}")
            } else {
                format!("{stem} {i} {form}")
            };
            let b2c = rng.chance(15);
            let ibans = (0..rng.below(3))
                .filter_map(|_| {
                    let account = format!("{:011}", rng.below(100_000_000_000));
                    crate::refs::iban_from_rib("30004", "00823", &account)
                })
                .collect::<Vec<_>>();
            let mandate_ids = if rng.chance(30) {
                vec![format!("RUM-C{i:05}-01")]
            } else {
                Vec::new()
            };
            Customer {
                customer_id: format!("C{i:05}"),
                aliases: if rng.chance(20) {
                    vec![stem.to_uppercase()]
                } else {
                    Vec::new()
                },
                name,
                customer_type: if b2c {
                    CustomerType::B2c
                } else {
                    CustomerType::B2b
                },
                ibans,
                learned_ibans: Vec::new(),
                mandate_ids,
                email: rng.chance(80).then(|| format!("compta{i}@example.fr")),
                phone: rng.chance(50).then(|| {
                    format!(
                        "+33 1 {:02} {:02} {:02} {:02}",
                        rng.below(100),
                        rng.below(100),
                        rng.below(100),
                        rng.below(100)
                    )
                }),
                address: rng
                    .chance(60)
                    .then(|| format!("{} rue de la Paix\n75002 Paris", 1 + rng.below(120))),
                dunning_plan: rng.chance(5).then(|| "gentle".to_string()),
                line: 0,
            }
        })
        .collect()
}

/// `n_invoices` open items over `n_customers` customers (at least one):
/// ids `F-2026-000001`…, RF references on about 30 %, about 6 % credit notes,
/// partly paid items, due dates 30–60 days after issue, a few disputed,
/// instalments, discounts and foreign currencies. `line` is set to the line
/// each would have in a written file (header = 1).
pub fn invoices(rng: &mut Rng, n_customers: usize, n_invoices: usize) -> Vec<Invoice> {
    let custs = customers(rng, n_customers.max(1));
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    (1..=n_invoices)
        .map(|i| {
            let c = rng.pick(&custs);
            let issue_date = base + Days::new(rng.below(330));
            let due_date = issue_date + Days::new(*rng.pick(&[0, 30, 30, 45, 60]));
            let credit = rng.chance(6);
            let cents = 500 + rng.below(if credit { 200_000 } else { 5_000_000 });
            let mut amount = money(cents);
            let mut open_amount = if rng.chance(15) {
                money(cents.saturating_sub(1 + rng.below(cents)))
            } else {
                amount
            };
            if credit {
                amount = -amount;
                open_amount = -open_amount;
            }
            let invoice_id = format!("F-2026-{i:06}");
            let reference = if rng.chance(30) {
                rf_from_reference(&format!("2026{i:06}"))
            } else if rng.chance(50) {
                Some(invoice_id.clone())
            } else {
                None
            };
            let payment_method = if rng.chance(20) {
                None
            } else {
                Some(*rng.pick(&[
                    PaymentMethod::Transfer,
                    PaymentMethod::Transfer,
                    PaymentMethod::Transfer,
                    PaymentMethod::DirectDebit,
                    PaymentMethod::Cheque,
                    PaymentMethod::Card,
                    PaymentMethod::Lcr,
                ]))
            };
            let mandate_id = (payment_method == Some(PaymentMethod::DirectDebit))
                .then(|| format!("RUM-{}-01", c.customer_id));
            let discount = !credit && rng.chance(10);
            Invoice {
                invoice_id,
                customer_id: c.customer_id.clone(),
                customer_name: c.name.clone(),
                issue_date,
                due_date,
                amount,
                open_amount,
                currency: if rng.chance(2) {
                    *rng.pick(&[Currency::parse("USD"), Currency::parse("CHF")])
                } else {
                    Some(Currency::EUR)
                }
                .unwrap_or(Currency::EUR),
                reference,
                payment_method,
                mandate_id,
                disputed: rng.chance(3),
                installment: rng
                    .chance(5)
                    .then(|| format!("C-{} {}/4", 1000 + rng.below(9000), 1 + rng.below(4))),
                discount_percent: discount.then(|| {
                    let (m, scale) = *rng.pick(&[(2, 0), (15, 1), (3, 0)]);
                    Decimal::new(m, scale)
                }),
                discount_until: discount.then(|| issue_date + Days::new(10)),
                line: 0,
            }
        })
        .enumerate()
        .map(|(k, mut inv)| {
            inv.line = k as u64 + 2;
            inv
        })
        .collect()
}

fn money(cents: u64) -> Money {
    Money::from_scaled(i64::try_from(cents).unwrap_or(i64::MAX), 2).unwrap_or(Money::ZERO)
}

/// Generates and writes `invoices.csv` bytes (see [`invoices`] and
/// [`write_invoices_csv`]).
pub fn invoices_csv(
    rng: &mut Rng,
    n_customers: usize,
    n_invoices: usize,
    separator: u8,
    decimal_comma: bool,
) -> Vec<u8> {
    write_invoices_csv(
        &invoices(rng, n_customers, n_invoices),
        separator,
        decimal_comma,
    )
}

/// Writes invoices as `invoices.csv` with every column, `\n` line ends.
/// `decimal_comma` writes `1234,56` and DD/MM/YYYY dates (the French
/// spreadsheet style), else `1234.56` and ISO dates. Fields holding the
/// separator, a quote or a line end are quoted (so decimal-comma amounts in a
/// `,` file are quoted).
pub fn write_invoices_csv(invoices: &[Invoice], separator: u8, decimal_comma: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(invoices.len() * 160 + 200);
    let sep = char::from(separator);
    let header = [
        "invoice_id",
        "customer_id",
        "customer_name",
        "issue_date",
        "due_date",
        "amount",
        "open_amount",
        "currency",
        "reference",
        "payment_method",
        "mandate_id",
        "disputed",
        "installment",
        "discount_percent",
        "discount_until",
    ];
    out.extend_from_slice(header.join(&sep.to_string()).as_bytes());
    out.push(b'\n');
    let date = |d: NaiveDate| {
        if decimal_comma {
            d.format("%d/%m/%Y").to_string()
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    };
    let amount = |m: Money| {
        let s = m.to_plain();
        if decimal_comma {
            s.replace('.', ",")
        } else {
            s
        }
    };
    for inv in invoices {
        let percent = inv.discount_percent.map(|d| {
            let s = d.to_string();
            if decimal_comma {
                s.replace('.', ",")
            } else {
                s
            }
        });
        let fields: [&str; 15] = [
            &inv.invoice_id,
            &inv.customer_id,
            &inv.customer_name,
            &date(inv.issue_date),
            &date(inv.due_date),
            &amount(inv.amount),
            &amount(inv.open_amount),
            inv.currency.as_str(),
            inv.reference.as_deref().unwrap_or(""),
            inv.payment_method.map_or("", |p| p.as_str()),
            inv.mandate_id.as_deref().unwrap_or(""),
            if inv.disputed { "true" } else { "false" },
            inv.installment.as_deref().unwrap_or(""),
            percent.as_deref().unwrap_or(""),
            &inv.discount_until.map(date).unwrap_or_default(),
        ];
        write_row(&mut out, &fields, separator);
    }
    out
}

/// Writes customers as `customers.csv` with every column (`|` between
/// several IBANs, aliases or mandates).
pub fn write_customers_csv(customers: &[Customer], separator: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let sep = char::from(separator).to_string();
    let header = [
        "customer_id",
        "name",
        "customer_type",
        "iban",
        "aliases",
        "mandate_ids",
        "email",
        "phone",
        "address",
        "dunning_plan",
    ];
    out.extend_from_slice(header.join(&sep).as_bytes());
    out.push(b'\n');
    for c in customers {
        let fields: [&str; 10] = [
            &c.customer_id,
            &c.name,
            match c.customer_type {
                CustomerType::B2b => "b2b",
                CustomerType::B2c => "b2c",
            },
            &c.ibans.join("|"),
            &c.aliases.join("|"),
            &c.mandate_ids.join("|"),
            c.email.as_deref().unwrap_or(""),
            c.phone.as_deref().unwrap_or(""),
            c.address.as_deref().unwrap_or(""),
            c.dunning_plan.as_deref().unwrap_or(""),
        ];
        write_row(&mut out, &fields, separator);
    }
    out
}

fn write_row(out: &mut Vec<u8>, fields: &[&str], separator: u8) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        let needs_quotes = f
            .bytes()
            .any(|b| b == separator || matches!(b, b'"' | b'\r' | b'\n'));
        if needs_quotes {
            out.push(b'"');
            for b in f.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            let _ = out.write_all(f.as_bytes());
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_load_back_equal() {
        let mut rng = Rng::new(7);
        let invs = invoices(&mut rng, 20, 300);
        assert!(invs.iter().any(Invoice::is_credit_note));
        assert!(
            invs.iter()
                .any(|i| i.reference.as_deref().is_some_and(crate::refs::is_valid_rf))
        );
        for (sep, comma) in [(b',', false), (b';', true), (b',', true), (b'\t', false)] {
            let bytes = write_invoices_csv(&invs, sep, comma);
            let back = crate::ledger::read_invoices(&bytes, std::path::Path::new("i.csv"))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, invs, "separator {sep}, decimal comma {comma}");
        }
        let custs = customers(&mut rng, 50);
        let bytes = write_customers_csv(&custs, b';');
        let back = crate::ledger::read_customers(&bytes, std::path::Path::new("c.csv"))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut want = custs.clone();
        let mut line = 2;
        for c in &mut want {
            c.line = line;
            line += 1 + c
                .address
                .as_deref()
                .map_or(0, |a| a.matches('\n').count() as u64);
        }
        assert_eq!(back.into_values().collect::<Vec<_>>(), want);
    }
}
