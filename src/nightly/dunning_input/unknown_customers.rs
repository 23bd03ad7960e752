//! Invoices whose `customer_id` is not in `customers.csv` (when the client
//! has one): a typo, or a customer the ERP's customer export left out. Each
//! such id is a `customer_unknown` condition, re-checked every night (it
//! leaves `open_items.csv` once the ids agree), naming the id, how many
//! invoices of tonight's export carry it, and the ids of `customers.csv`
//! that differ from it only in case, spaces, separators or leading zeros
//! (`0012` exported as `12` or as Excel's `="0012"`), and the customer of
//! `customers.csv` the ERP renamed to it (`nightly::identity`: same name,
//! the old id gone).
//!
//! The two ids are never merged (matching, contacts and plan stay the
//! invoice's own): a person says which one is right. But an unknown id
//! near a consumer's (`b2c`), or a consumer renamed, is charged as a
//! consumer — no late-payment charges — until then: the 40 € indemnity and
//! business interest are never a consumer's to pay, while a business left
//! uncharged for a few nights loses nothing it cannot be charged later.
//!
//! No `customers.csv` at all: nothing is said, every customer is the
//! invoice's own (a business by default), as before.

use std::collections::{BTreeMap, BTreeSet};

use crate::alerts::{Alert, AlertKind};
use crate::dunning::CustomerFile;
use crate::ledger::{CustomerType, Ledger};

/// Tonight's unknown customer ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnknownCustomers {
    /// One `customer_unknown` condition per id.
    pub alerts: Vec<Alert>,
    /// The ids near a consumer of `customers.csv`: charged as consumers.
    pub as_consumers: BTreeSet<String>,
}

/// `P 01`, `p01`, `P-001` and `="P01"` are the same id to a person reading
/// them (review 38 erp F11: a spreadsheet drops leading zeros).
fn folded(id: &str) -> String {
    crate::nightly::identity::number_key(id)
}

/// The ids of `ledger`'s invoices (as loaded: not the customers decisions
/// taught aliases for) that `customers.csv` does not list. `renames`: the
/// customer ids the ERP renamed (old → new, `state::moves::renames`).
pub fn unknown_customers(ledger: &Ledger, renames: &BTreeMap<String, String>) -> UnknownCustomers {
    let mut out = UnknownCustomers::default();
    if !ledger.customers_file {
        return out;
    }
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for inv in &ledger.invoices {
        if !ledger.customers.contains_key(&inv.customer_id) {
            *count.entry(inv.customer_id.as_str()).or_default() += 1;
        }
    }
    // Nearly every night every id is known: the folded ids are not built.
    if count.is_empty() {
        return out;
    }
    let mut by_folded: BTreeMap<String, Vec<(&str, CustomerType)>> = BTreeMap::new();
    for c in ledger.customers.values() {
        by_folded
            .entry(folded(&c.customer_id))
            .or_default()
            .push((c.customer_id.as_str(), c.customer_type));
    }
    for (id, n) in count {
        let mut near: Vec<(&str, CustomerType)> = by_folded
            .get(&folded(id))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .to_vec();
        // A customer of customers.csv the ERP renamed to this id (review 38
        // erp F14): its history follows it, its type too.
        let renamed_from: Vec<(&str, CustomerType)> = renames
            .iter()
            .filter(|(_, new)| new.as_str() == id)
            .filter_map(|(old, _)| ledger.customers.get(old))
            .map(|c| (c.customer_id.as_str(), c.customer_type))
            .filter(|c| !near.contains(c))
            .collect();
        near.retain(|c| !renamed_from.contains(c));
        let consumer = near
            .iter()
            .chain(&renamed_from)
            .any(|(_, t)| *t == CustomerType::B2c);
        let invoices = if n == 1 {
            "1 invoice".to_string()
        } else {
            format!("{n} invoices")
        };
        let mut message =
            format!("customer {id} ({invoices} in invoices.csv) is not in customers.csv");
        let listed = |ids: &[(&str, CustomerType)]| {
            ids.iter()
                .map(|(other, t)| format!("{other} ({})", type_name(*t)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if near.is_empty() && renamed_from.is_empty() {
            message.push_str(
                ": no type, contacts or plan of its own; dunning treats it as a business (b2b, the default)",
            );
        } else {
            if !near.is_empty() {
                message.push_str(&format!(
                    "; customers.csv has {}, differing only in case, spaces, separators or leading zeros (a typo?): the ids are not merged",
                    listed(&near)
                ));
            }
            if !renamed_from.is_empty() {
                message.push_str(&format!(
                    "; the ERP renamed {} to {id} (same name): its history follows it, but customers.csv does not list {id} yet",
                    listed(&renamed_from)
                ));
            }
            if consumer {
                message.push_str(&format!(
                    "; until they agree, {id} is charged as a consumer (no late-payment charges)"
                ));
            }
        }
        let mut a = Alert::new(AlertKind::CustomerUnknown, id, message);
        a.customer_id = id.to_string();
        out.alerts.push(a);
        if consumer {
            out.as_consumers.insert(id.to_string());
        }
    }
    out
}

fn type_name(t: CustomerType) -> &'static str {
    match t {
        CustomerType::B2b => "b2b",
        CustomerType::B2c => "b2c",
    }
}

/// Charges the ids near a consumer as consumers: the safer side while a
/// person fixes the id.
pub fn charge_as_consumers(customers: &mut [CustomerFile], unknown: &UnknownCustomers) {
    for c in customers
        .iter_mut()
        .filter(|c| unknown.as_consumers.contains(&c.customer_id))
    {
        c.customer_type = CustomerType::B2c;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::invoice;
    use super::*;
    use crate::ledger::Customer;

    fn listed(id: &str, t: CustomerType) -> (String, Customer) {
        (
            id.to_string(),
            Customer {
                customer_id: id.into(),
                name: "Dupont Marie".into(),
                customer_type: t,
                ibans: Vec::new(),
                learned_ibans: Vec::new(),
                aliases: Vec::new(),
                mandate_ids: Vec::new(),
                email: None,
                phone: None,
                address: None,
                dunning_plan: None,
                line: 2,
            },
        )
    }

    fn of(customer: &str, id: &str) -> crate::ledger::Invoice {
        let mut inv = invoice(id, "100.00");
        inv.customer_id = customer.into();
        inv
    }

    #[test]
    fn folding_ignores_case_spaces_separators_and_leading_zeros_only() {
        assert_eq!(folded(" P 01 "), folded("p01"));
        assert_eq!(folded("0012"), folded("12"));
        assert_eq!(folded("=\"0012\""), folded("12"));
        assert_ne!(folded("P01"), folded("P0l"));
        assert_ne!(folded("12"), folded("120"));
    }

    #[test]
    fn an_id_near_a_consumer_is_named_and_charged_as_one() {
        let ledger = Ledger {
            invoices: vec![of("p01", "F-1"), of("p01", "F-2"), of("Z9", "F-3")],
            customers: [listed("P01", CustomerType::B2c)].into(),
            customers_file: true,
        };
        let u = unknown_customers(&ledger, &BTreeMap::new());
        assert_eq!(u.alerts.len(), 2);
        assert_eq!(u.alerts[0].key, "customer_unknown:Z9");
        assert!(u.alerts[0].message.contains("treats it as a business"));
        assert_eq!(u.alerts[1].customer_id, "p01");
        assert!(
            u.alerts[1]
                .message
                .contains("customer p01 (2 invoices in invoices.csv) is not in customers.csv; customers.csv has P01 (b2c), differing only in case"),
            "{}",
            u.alerts[1].message
        );
        assert_eq!(u.as_consumers, BTreeSet::from(["p01".to_string()]));
        // No customers.csv: nothing to say.
        let none = Ledger {
            customers_file: false,
            customers: BTreeMap::new(),
            ..ledger
        };
        assert_eq!(
            unknown_customers(&none, &BTreeMap::new()),
            UnknownCustomers::default()
        );
    }

    #[test]
    fn a_consumer_the_erp_renamed_is_charged_as_one() {
        let ledger = Ledger {
            invoices: vec![of("CL-0001", "F-1"), of("12", "F-2")],
            customers: [
                listed("C1", CustomerType::B2c),
                listed("0012", CustomerType::B2c),
            ]
            .into(),
            customers_file: true,
        };
        let renames = BTreeMap::from([("C1".to_string(), "CL-0001".to_string())]);
        let u = unknown_customers(&ledger, &renames);
        assert_eq!(
            u.as_consumers,
            BTreeSet::from(["12".to_string(), "CL-0001".to_string()])
        );
        let cl = u
            .alerts
            .iter()
            .find(|a| a.customer_id == "CL-0001")
            .unwrap();
        assert!(
            cl.message.contains("the ERP renamed C1 (b2c) to CL-0001"),
            "{}",
            cl.message
        );
        // Without the rename, CL-0001 is a business.
        let u = unknown_customers(&ledger, &BTreeMap::new());
        assert_eq!(u.as_consumers, BTreeSet::from(["12".to_string()]));
    }
}
