//! Whose unapplied money is by the payer's name (review 37 L1): money
//! from a payer whose name is exactly one customer's is that customer's
//! while it waits for a person, as money from their IBAN is — no letter
//! asks for what they are known to have sent. Exactly, as the matcher's
//! payer rule reads names ([`crate::matching::payer::normalize_name`]:
//! case, accents, punctuation, legal forms and fillers aside, so
//! `ALPHA SARL` is `Alpha S.A.R.L.`), against the names it compares: a
//! customer's name and aliases in `customers.csv` (and those decisions
//! taught), else the name its invoices give. A name only similar, cut short
//! by the bank, or shared by two customers (namesakes, `Alpha SARL` and
//! `Alpha SAS`) is no one's: the money stays a person's question. A payer
//! account known for a customer decides instead, as in the matcher.

use std::collections::{BTreeMap, BTreeSet};

use crate::ledger::Ledger;
use crate::matching::Payment;
use crate::matching::payer::{name_in_label, normalize_name};
use crate::refs::normalize_iban;

/// Customers by their names as compared, and the payer accounts known.
#[derive(Debug, Default)]
pub(super) struct NamedPayers<'a> {
    by_name: BTreeMap<String, BTreeSet<&'a str>>,
    ibans: BTreeSet<String>,
}

impl<'a> NamedPayers<'a> {
    /// The names and accounts of tonight's customers.
    pub(super) fn of(ledger: &'a Ledger) -> Self {
        let mut out = NamedPayers::default();
        let mut add = |name: &str, id: &'a str| {
            let n = normalize_name(name);
            if !n.is_empty() {
                out.by_name.entry(n).or_default().insert(id);
            }
        };
        for c in ledger.customers.values() {
            add(&c.name, &c.customer_id);
            for a in &c.aliases {
                add(a, &c.customer_id);
            }
        }
        for inv in &ledger.invoices {
            if !ledger.customers.contains_key(&inv.customer_id) {
                add(&inv.customer_name, &inv.customer_id);
            }
        }
        out.ibans = ledger
            .customers
            .values()
            .flat_map(|c| c.ibans.iter().chain(&c.learned_ibans))
            .map(|i| normalize_iban(i))
            .filter(|i| !i.is_empty())
            .collect();
        out
    }

    /// The one customer the payment's payer is by name (its name, else the
    /// one a bank's label gives, as the matcher reads it), if exactly one;
    /// `None` when its account is known for a customer (the account says).
    pub(super) fn customer(&self, p: &Payment) -> Option<&'a str> {
        if p.counterparty_iban
            .as_deref()
            .is_some_and(|i| self.ibans.contains(&normalize_iban(i)))
        {
            return None;
        }
        let name = match p.counterparty_name.as_deref() {
            Some(n) => normalize_name(n),
            None => p.texts.iter().take(2).find_map(|t| name_in_label(t))?,
        };
        match self
            .by_name
            .get(&name)?
            .iter()
            .collect::<Vec<_>>()
            .as_slice()
        {
            [one] => Some(**one),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::invoice;
    use super::*;
    use crate::ledger::{Customer, CustomerType};

    fn customer(id: &str, name: &str, iban: Option<&str>) -> Customer {
        Customer {
            customer_id: id.into(),
            name: name.into(),
            customer_type: CustomerType::B2b,
            ibans: iban.map(|i| vec![i.to_string()]).unwrap_or_default(),
            learned_ibans: Vec::new(),
            aliases: Vec::new(),
            mandate_ids: Vec::new(),
            email: None,
            phone: None,
            address: None,
            dunning_plan: None,
            line: 2,
        }
    }

    fn paid_by(name: Option<&str>, iban: Option<&str>, text: &str) -> Payment {
        let amount: crate::money::Money = "350.00".parse().unwrap();
        Payment {
            statement_id: "S1".into(),
            account: "FR7630001007941234567890185".into(),
            entry_id: "E1".into(),
            position: 0,
            booking_date: None,
            value_date: None,
            tx_amount: amount,
            amount,
            currency: crate::money::Currency::EUR,
            kind: crate::statement::TxKind::CreditTransferIn,
            counterparty_name: name.map(Into::into),
            counterparty_iban: iban.map(Into::into),
            texts: vec![text.into()],
            seams: Vec::new(),
            creditor_refs: Vec::new(),
            end_to_end_id: None,
            mandate_id: None,
            remittance: text.into(),
            undetailed: false,
            difference: false,
        }
    }

    const BETA_IBAN: &str = "FR7630006000011234567890189";

    #[test]
    fn a_payers_exact_name_of_one_customer_is_that_customers() {
        let mut ledger = Ledger::default();
        ledger
            .customers
            .insert("C1".into(), customer("C1", "Alpha SARL", None));
        ledger
            .customers
            .insert("C2".into(), customer("C2", "Beta SAS", Some(BETA_IBAN)));
        // A customer only in the invoices, by their name.
        let mut gamma = invoice("F-9", "100.00");
        gamma.customer_id = "C3".into();
        gamma.customer_name = "Gamma Textiles".into();
        ledger.invoices.push(gamma);
        let names = NamedPayers::of(&ledger);
        let who = |n: Option<&str>, i: Option<&str>, t: &str| names.customer(&paid_by(n, i, t));
        assert_eq!(who(Some("ALPHA SARL"), None, "PAIEMENT 1/2"), Some("C1"));
        assert_eq!(who(Some("S.A.R.L. Alpha"), None, ""), Some("C1"));
        assert_eq!(who(Some("GAMMA TEXTILES"), None, ""), Some("C3"));
        // A bank's label naming the payer (CFONB), as the matcher reads it.
        assert_eq!(who(None, None, "VIR SEPA ALPHA SARL"), Some("C1"));
        // Only similar, or cut short: no one's.
        assert_eq!(who(Some("ALPHA SERVICES"), None, ""), None);
        assert_eq!(who(Some("ALPH"), None, ""), None);
        // An account known for a customer says whose, not the name.
        assert_eq!(who(Some("ALPHA SARL"), Some(BETA_IBAN), ""), None);
        // An account known for no one: the name still says.
        assert_eq!(
            who(Some("ALPHA SARL"), Some("FR1420041010050500013M02606"), ""),
            Some("C1")
        );
    }

    #[test]
    fn a_name_two_customers_share_is_neither_customers() {
        let mut ledger = Ledger::default();
        ledger
            .customers
            .insert("C1".into(), customer("C1", "Alpha SARL", None));
        ledger
            .customers
            .insert("C4".into(), customer("C4", "ALPHA SAS", None));
        let names = NamedPayers::of(&ledger);
        assert_eq!(names.customer(&paid_by(Some("ALPHA"), None, "")), None);
        // An alias another customer's name: neither's either.
        let mut ledger = Ledger::default();
        let mut beta = customer("C2", "Beta SAS", None);
        beta.aliases.push("Alpha Export".into());
        ledger.customers.insert("C2".into(), beta);
        ledger
            .customers
            .insert("C5".into(), customer("C5", "ALPHA EXPORT SARL", None));
        let names = NamedPayers::of(&ledger);
        let p = paid_by(Some("ALPHA EXPORT"), None, "");
        assert_eq!(names.customer(&p), None);
        assert_eq!(names.customer(&paid_by(Some("BETA"), None, "")), Some("C2"));
    }
}
