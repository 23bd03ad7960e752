//! Tests of the rules that raised recall of `matched` (issue 6): a typo'd
//! invoice number, a strong payer name with the only exact subset sum, a
//! known IBAN short by a fee above the tolerance (a partial payment), and a
//! discount found by a close name — each with the case that must stay a
//! suggestion.

use std::collections::BTreeMap;

use super::testkit::{d, item, payment};
use super::*;
use crate::ledger::{Customer, CustomerType};

pub(super) fn cust(id: &str, name: &str, ibans: &[&str]) -> (String, Customer) {
    (
        id.to_string(),
        Customer {
            customer_id: id.into(),
            name: name.into(),
            customer_type: CustomerType::B2b,
            ibans: ibans.iter().map(|s| s.to_string()).collect(),
            learned_ibans: Vec::new(),
            aliases: vec![],
            mandate_ids: vec![],
            email: None,
            phone: None,
            address: None,
            dunning_plan: None,
            line: 2,
        },
    )
}

pub(super) fn owned(id: &str, open: &str, customer: &str) -> OpenItem {
    let mut it = item(id, open);
    it.customer_id = customer.into();
    it
}

/// `invoice applied status rule confidence write-off` per row with an item,
/// `- amount unapplied` for the rest.
pub(super) fn rows(
    payments: &[Payment],
    items: &[OpenItem],
    customers: &BTreeMap<String, Customer>,
) -> Vec<String> {
    let apps = reconcile(payments, items, customers, &MatchConfig::default());
    check_invariants(payments, items, &apps).unwrap();
    apps.iter()
        .map(|a| {
            format!(
                "{} {} {} {} {} {}",
                a.item
                    .and_then(|i| items.get(i))
                    .map_or("-", |it| it.invoice_id.as_str()),
                a.applied_amount.to_plain(),
                a.status.as_str(),
                a.rule.map_or("-", |r| r.as_str()),
                a.confidence,
                a.writeoff_kind.map_or("-".to_string(), |k| {
                    format!("{} {}", k.as_str(), a.writeoff_amount.to_plain())
                }),
            )
        })
        .collect()
}

pub(super) fn matched(r: &[String]) -> Vec<&String> {
    r.iter().filter(|s| s.contains(" matched ")).collect()
}

const IBAN: &str = "FR7630004000031234567890143";

#[test]
fn a_typo_in_the_last_digit_matches_the_neighbour_open_for_the_amount() {
    let items = vec![
        owned("F-2026-00042", "1200.00", "C1"),
        owned("F-2026-00043", "310.55", "C1"),
    ];
    let mut p = payment("E1", "1200.00");
    p.texts = vec!["FACT F-2026-00043".into()];
    let got = rows(&[p], &items, &BTreeMap::new());
    assert_eq!(
        got,
        ["F-2026-00042 1200.00 matched invoice_number 0.91 -"],
        "{got:?}"
    );
}

#[test]
fn swapped_digits_are_a_typo_too() {
    let items = vec![
        owned("F-2026-00042", "1200.00", "C1"),
        owned("F-2026-00024", "99.00", "C2"),
    ];
    let mut p = payment("E1", "1200.00");
    p.texts = vec!["virement F-2026-00024".into()];
    let got = rows(&[p], &items, &BTreeMap::new());
    assert_eq!(matched(&got).len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("F-2026-00042 1200.00 matched"),
        "{got:?}"
    );
}

#[test]
fn a_typo_with_two_neighbours_open_for_the_amount_is_not_matched() {
    // 43 → 42 or 44: both one digit away with exactly the amount.
    let items = vec![
        owned("F-2026-00042", "1200.00", "C1"),
        owned("F-2026-00043", "310.55", "C1"),
        owned("F-2026-00044", "1200.00", "C1"),
    ];
    let mut p = payment("E1", "1200.00");
    p.texts = vec!["FACT F-2026-00043".into()];
    let got = rows(&[p], &items, &BTreeMap::new());
    assert!(matched(&got).is_empty(), "{got:?}");
}

#[test]
fn a_typo_neighbour_of_another_customer_than_the_known_payer_is_not_matched() {
    let customers = BTreeMap::from([
        cust("C1", "Dupont", &[IBAN]),
        cust("C2", "Martin", &[]),
        cust("C3", "Durand", &[]),
    ]);
    let items = vec![
        owned("F-2026-00042", "1200.00", "C2"),
        owned("F-2026-00043", "310.55", "C3"),
        owned("F-2026-00100", "5.00", "C1"),
    ];
    let mut p = payment("E1", "1200.00");
    p.counterparty_iban = Some(IBAN.into());
    p.texts = vec!["FACT F-2026-00043".into()];
    let got = rows(&[p], &items, &customers);
    assert!(matched(&got).is_empty(), "{got:?}");
}

#[test]
fn a_strong_name_and_the_only_exact_subset_match_a_weak_name_suggests() {
    // C1 is only in the invoices: no IBAN to go by, the name decides.
    let mut items = vec![
        owned("F-1", "100.00", "C1"),
        owned("F-2", "250.50", "C1"),
        owned("F-3", "75.25", "C1"),
    ];
    for it in &mut items {
        it.customer_name = "Boulangerie Martin Freres SARL".into();
    }
    let mut p = payment("E1", "350.50");
    p.counterparty_name = Some("BOULANGERIE MARTIN FRERES".into());
    let got = rows(std::slice::from_ref(&p), &items, &BTreeMap::new());
    assert_eq!(
        got,
        [
            "F-1 100.00 matched payer_name 0.90 -",
            "F-2 250.50 matched payer_name 0.90 -"
        ],
        "{got:?}"
    );
    // One letter off twice (score < 0.97): a suggestion only.
    p.counterparty_name = Some("BOULANGERIE MARTIM FRERAS".into());
    let got = rows(&[p], &items, &BTreeMap::new());
    assert!(matched(&got).is_empty(), "{got:?}");
    assert_eq!(
        got.iter().filter(|r| r.contains(" suggested ")).count(),
        2,
        "{got:?}"
    );
}

#[test]
fn a_known_iban_short_by_a_fee_above_the_tolerance_is_a_partial_payment() {
    let customers = BTreeMap::from([cust("C1", "Dupont", &[IBAN])]);
    // 0.5 % of 1000.00 = 5.00: 12.00 short is beyond the tolerance but
    // within the 15.00 limit. 3000.00 is far from the amount.
    let items = vec![owned("F-1", "1000.00", "C1"), owned("F-2", "3000.00", "C1")];
    let mut p = payment("E1", "988.00");
    p.counterparty_iban = Some(IBAN.into());
    let got = rows(std::slice::from_ref(&p), &items, &customers);
    // Applied as received, nothing written off: 12.00 stays open.
    assert_eq!(got, ["F-1 988.00 matched payer_iban 0.90 -"], "{got:?}");
    // 15.01 short: beyond the limit, nothing fits.
    p.amount = "984.99".parse().unwrap();
    p.tx_amount = p.amount;
    let got = rows(std::slice::from_ref(&p), &items, &customers);
    assert!(matched(&got).is_empty(), "{got:?}");
    // Two items in the window: a person chooses.
    let two = vec![owned("F-1", "1000.00", "C1"), owned("F-2", "1001.00", "C1")];
    p.amount = "988.00".parse().unwrap();
    let got = rows(&[p], &two, &customers);
    assert!(matched(&got).is_empty(), "{got:?}");
}

#[test]
fn a_name_short_by_a_fee_above_the_tolerance_is_only_suggested() {
    let customers = BTreeMap::from([cust("C1", "Dupont Transports", &[])]);
    let items = vec![owned("F-1", "1000.00", "C1")];
    let mut p = payment("E1", "988.00");
    p.counterparty_name = Some("DUPONT TRANSPORTS".into());
    let got = rows(&[p], &items, &customers);
    assert!(matched(&got).is_empty(), "{got:?}");
    assert!(got.iter().any(|r| r.contains(" suggested ")), "{got:?}");
}

#[test]
fn a_close_name_and_the_exact_discounted_amount_match() {
    let customers = BTreeMap::from([cust("C1", "Legrand Roussel", &[])]);
    let mut it = owned("F-1", "1000.00", "C1");
    it.discount_percent = Some(rust_decimal::Decimal::new(2, 0));
    it.discount_until = Some(d(10));
    let mut p = payment("E1", "980.00");
    // One letter wrong: score about 0.93.
    p.counterparty_name = Some("LEGSAND ROUSSEL".into());
    let got = rows(&[p], &[it], &customers);
    assert_eq!(
        got,
        ["F-1 980.00 matched payer_name 0.90 discount 20.00"],
        "{got:?}"
    );
}
