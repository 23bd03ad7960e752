//! The builder of the labelled set: invoices and payments added one by one,
//! each payment with its truth, invoice numbers quoted with a bank's noise.

use std::collections::BTreeMap;

use super::names::{bank_name, iban};
use rust_decimal::Decimal;

use super::{Class, Rng, Truth, date};
use crate::ledger::{Customer, Invoice, PaymentMethod};
use crate::matching::Payment;
use crate::money::{Currency, Money};
use crate::statement::TxKind;

pub(super) struct Builder {
    pub(super) rng: Rng,
    pub(super) customers: BTreeMap<String, Customer>,
    pub(super) invoices: Vec<Invoice>,
    pub(super) names: Vec<String>,
    pub(super) ibans: Vec<String>,
    pub(super) payments: Vec<Payment>,
    pub(super) truth: Vec<Truth>,
    pub(super) used: Vec<bool>,
    pub(super) by_customer: Vec<Vec<usize>>,
}

impl Builder {
    pub(super) fn invoice(&mut self, cust: usize, amount: Money, due: i64) -> usize {
        let n = self.invoices.len();
        let credit = amount.is_negative();
        let id = if credit {
            format!("AV-2026-{:05}", n + 1)
        } else {
            format!("F-2026-{:05}", n + 1)
        };
        let reference = if self.rng.chance(30) {
            crate::refs::rf_from_reference(&format!("2026{:05}", n + 1))
        } else {
            None
        };
        let discount = !credit && self.rng.chance(15);
        self.invoices.push(Invoice {
            invoice_id: id,
            customer_id: format!("C{cust:04}"),
            customer_name: self.names.get(cust).cloned().unwrap_or_default(),
            issue_date: date(due - 30),
            due_date: date(due),
            amount,
            open_amount: amount,
            currency: Currency::EUR,
            reference,
            payment_method: Some(PaymentMethod::Transfer),
            mandate_id: None,
            disputed: false,
            installment: None,
            discount_percent: discount.then(|| Decimal::new(2, 0)),
            discount_until: discount.then(|| date(due - 20)),
            line: n as u64 + 2,
        });
        self.used.push(false);
        if let Some(v) = self.by_customer.get_mut(cust) {
            v.push(n);
        }
        n
    }

    pub(super) fn payment(&mut self, class: Class, amount: Money, day: i64) -> &mut Payment {
        let n = self.payments.len();
        self.payments.push(Payment {
            statement_id: format!("Q{}", day),
            account: "FR7630001007941234567890185".into(),
            entry_id: format!("Q{n:06}"),
            position: n,
            booking_date: Some(date(day)),
            value_date: Some(date(day)),
            tx_amount: amount,
            amount,
            currency: Currency::EUR,
            kind: TxKind::CreditTransferIn,
            counterparty_name: None,
            counterparty_iban: None,
            texts: Vec::new(),
            seams: Vec::new(),
            creditor_refs: Vec::new(),
            end_to_end_id: None,
            mandate_id: None,
            remittance: String::new(),
            undetailed: false,
            difference: false,
        });
        self.truth.push(Truth {
            class,
            pays: Vec::new(),
        });
        let last = self.payments.len() - 1;
        &mut self.payments[last]
    }

    pub(super) fn pays(&mut self, list: Vec<(usize, Money)>) {
        let pays = list
            .iter()
            .filter_map(|&(i, m)| {
                if let Some(u) = self.used.get_mut(i) {
                    *u = true;
                }
                Some((self.invoices.get(i)?.invoice_id.clone(), m))
            })
            .collect();
        if let Some(t) = self.truth.last_mut() {
            t.pays = pays;
        }
    }

    /// An unused open invoice (positive) of a random ordinary customer.
    pub(super) fn pick_open(&mut self, ordinary: usize) -> Option<(usize, usize)> {
        for _ in 0..50 {
            let c = self.rng.below(ordinary as u64) as usize;
            let list = self.by_customer.get(c)?;
            if list.is_empty() {
                continue;
            }
            let i = *list.get(self.rng.below(list.len() as u64) as usize)?;
            let inv = self.invoices.get(i)?;
            if !self.used.get(i).copied().unwrap_or(true) && inv.amount.is_positive() {
                return Some((c, i));
            }
        }
        None
    }

    pub(super) fn amount_of(&self, i: usize) -> Money {
        self.invoices.get(i).map_or(Money::ZERO, |v| v.open_amount)
    }

    pub(super) fn id_of(&self, i: usize) -> String {
        self.invoices
            .get(i)
            .map_or(String::new(), |v| v.invoice_id.clone())
    }

    /// The payer's name and IBAN as seen on the statement.
    pub(super) fn payer(
        &mut self,
        c: usize,
        with_iban: bool,
        with_name: bool,
    ) -> (Option<String>, Option<String>) {
        let width = *self.rng.pick(&[30usize, 35, 70]);
        let name = self.names.get(c).cloned().unwrap_or_default();
        let name = with_name.then(|| bank_name(&mut self.rng, &name, width));
        let iban = if with_iban {
            self.ibans.get(c).cloned()
        } else {
            // An account the customer never used before.
            Some(iban(900_000 + self.rng.below(1_000_000)))
        };
        (name, iban)
    }
}

/// Noisy writings of an invoice id such as `F-2026-00042`.
pub(super) fn noisy_id(rng: &mut Rng, id: &str) -> (String, bool) {
    let digits: String = id.chars().filter(|c| c.is_ascii_digit()).collect();
    let seq = digits.get(4..).unwrap_or("");
    let short = seq.trim_start_matches('0');
    match rng.below(6) {
        0 => (format!("fact {}", id.to_lowercase()), true),
        1 => (format!("FACTURE F 2026 {seq}"), true),
        2 => (format!("REGLT F2026{seq}"), true),
        3 => (format!("Facture F-2026-{short} merci"), true),
        4 => (format!("VIR {}", id.replace('-', " ")), true),
        _ => {
            // A typo: one digit wrong. Must not match that other invoice.
            let mut b: Vec<char> = id.chars().collect();
            if let Some(c) = b.iter_mut().rev().find(|c| c.is_ascii_digit()) {
                *c = if *c == '9' {
                    '0'
                } else {
                    (*c as u8 + 1) as char
                };
            }
            (format!("FACT {}", b.into_iter().collect::<String>()), false)
        }
    }
}
