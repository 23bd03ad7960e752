//! Tests of what keeps a stranger's money off a customer's invoice when
//! the evidence could be chance (review 32): a short end-to-end id the
//! payer's software numbers its transfers with, a bare number (post code,
//! client number), a typo reading that would move a part payment to another
//! customer, and a payer named more closely as another customer whose
//! items fit nothing. Each with the case that must still match.

use std::collections::BTreeMap;

use super::testkit::payment;
use super::tests_recall::{cust, matched, owned, rows};

#[test]
fn a_short_end_to_end_id_names_no_invoice() {
    let items = vec![owned("1042", "500.00", "C1"), owned("7", "700.00", "C2")];
    for (e2e, amount) in [("1042", "120.00"), ("7", "55.00"), ("NONREF", "700.00")] {
        let mut p = payment("E1", amount);
        p.end_to_end_id = Some(e2e.into());
        p.texts = vec![e2e.into()];
        let got = rows(&[p], &items, &BTreeMap::new());
        assert!(matched(&got).is_empty(), "{e2e}: {got:?}");
    }
    // The customer's own software putting the invoice number there, with
    // the exact amount: matched.
    let mut p = payment("E1", "500.00");
    p.end_to_end_id = Some("1042".into());
    let got = rows(&[p], &items, &BTreeMap::new());
    assert_eq!(got, ["1042 500.00 matched end_to_end_id 0.95 -"]);
    // A real id the payer copied from the invoice still matches.
    let items = vec![owned("F-2026-0103", "75.50", "C1")];
    let mut p = payment("E1", "75.50");
    p.end_to_end_id = Some("f-2026-0103".into());
    let got = rows(&[p], &items, &BTreeMap::new());
    assert_eq!(got, ["F-2026-0103 75.50 matched end_to_end_id 0.99 -"]);
}

#[test]
fn a_bare_number_needs_the_amount_or_the_payer() {
    let items = vec![
        owned("FA-75008", "150.00", "C5"),
        owned("FA-13001", "99.00", "C6"),
    ];
    let mut p = payment("E1", "40.00");
    p.texts = vec!["LIVRAISON 12 RUE DE RIVOLI 75008 PARIS".into()];
    let got = rows(&[p], &items, &BTreeMap::new());
    assert!(matched(&got).is_empty(), "{got:?}");
    assert!(
        got[0].starts_with("FA-75008 40.00 suggested invoice_number 0.85"),
        "{got:?}"
    );
    // The exact amount confirms it; so does an invoice word before it.
    let mut p = payment("E1", "99.00");
    p.texts = vec!["CLIENT 13001".into()];
    assert_eq!(
        rows(&[p], &items, &BTreeMap::new()),
        ["FA-13001 99.00 matched invoice_number 0.95 -"]
    );
    let mut p = payment("E1", "40.00");
    p.texts = vec!["FACTURE 75008".into()];
    assert!(rows(&[p], &items, &BTreeMap::new())[0].contains(" matched "));
}

#[test]
fn a_part_payment_quoting_its_invoice_never_moves_to_another_customer_by_a_typo() {
    let items = vec![
        owned("F-2026-0051", "650.00", "C5"),
        owned("F-2026-0015", "90.00", "C6"),
    ];
    let mut p = payment("E1", "90.00");
    p.texts = vec!["ACOMPTE FACTURE F-2026-0051".into()];
    let got = rows(&[p], &items, &BTreeMap::new());
    assert!(matched(&got).is_empty(), "{got:?}");
    let suggested: Vec<&String> = got.iter().filter(|r| r.contains(" suggested ")).collect();
    assert_eq!(suggested.len(), 2, "{got:?}");
}

#[test]
fn a_payer_named_more_closely_as_a_customer_whose_items_fit_nothing_is_only_suggested() {
    let customers = BTreeMap::from([
        cust("C1", "Boulangerie Martin", &[]),
        cust("C10", "Boulangerie Martinez", &[]),
    ]);
    let items = vec![owned("F-1", "300.00", "C1"), owned("F-10", "350.00", "C10")];
    let mut p = payment("E1", "300.00");
    p.counterparty_name = Some("BOULANGERIE MARTINEZ".into());
    let got = rows(&[p.clone()], &items, &customers);
    assert!(matched(&got).is_empty(), "{got:?}");
    assert!(
        got[0].starts_with("F-1 300.00 suggested payer_name"),
        "{got:?}"
    );
    // Martin itself paying its 300.00 still matches.
    p.counterparty_name = Some("BOULANGERIE MARTIN".into());
    let got = rows(&[p], &items, &customers);
    assert_eq!(matched(&got).len(), 1, "{got:?}");
}

#[test]
fn an_rf_reference_typed_in_the_free_text_pays_its_invoice() {
    let mut items = vec![
        owned("F-100", "420.00", "C1"),
        owned("F-200", "615.00", "C2"),
    ];
    items[0].reference = Some("RF18539007547034".into());
    items[1].reference = Some("RF4720260101".into());
    let mut p = payment("E1", "420.00");
    p.texts = vec!["RF18 5390 0754 7034".into()];
    let mut q = payment("E2", "615.00");
    q.texts = vec!["RF4720260101 | VIR SEPA M LEROY".into()];
    let got = rows(&[p, q], &items, &BTreeMap::new());
    assert_eq!(
        got,
        [
            "F-100 420.00 matched rf_reference 1.00 -",
            "F-200 615.00 matched rf_reference 1.00 -"
        ]
    );
    // With a check-digit typo it is only text, and matches nothing here.
    let mut p = payment("E1", "420.00");
    p.texts = vec!["RF19 5390 0754 7034".into()];
    assert!(matched(&rows(&[p], &items, &BTreeMap::new())).is_empty());
}

#[test]
fn an_rf_reference_that_explains_nothing_is_named_for_the_person() {
    let items = vec![owned("F-100", "420.00", "C1")];
    let ix = super::index::InvoiceIndex::build(&items, &BTreeMap::new());
    let mut p = payment("E1", "420.00");
    p.creditor_refs = vec!["RF19539007547034".into()];
    let c = super::rules::candidates(&p, &items, &ix);
    assert_eq!(
        c.note.as_deref(),
        Some(
            "the RF reference RF19539007547034 has wrong check digits (a typo?), and nothing else was found"
        )
    );
    p.creditor_refs = vec!["RF18539007547034".into()];
    let c = super::rules::candidates(&p, &items, &ix);
    assert!(c.note.unwrap().contains("is no open invoice's reference"));
}

#[test]
fn invoices_of_several_customers_the_amount_does_not_pay_together_are_only_suggested() {
    let items = vec![
        owned("F-2026-0042", "420.00", "C3"),
        owned("F-2025-0042", "300.00", "C1"),
    ];
    let mut p = payment("E1", "420.00");
    p.texts = vec!["FACTURE F-2026-0042 ET F-2025-0042".into()];
    let got = rows(&[p], &items, &BTreeMap::new());
    assert!(matched(&got).is_empty(), "{got:?}");
    // Paying both exactly: a grouped payment, matched.
    let mut p = payment("E1", "720.00");
    p.texts = vec!["FACTURE F-2026-0042 ET F-2025-0042".into()];
    assert_eq!(matched(&rows(&[p], &items, &BTreeMap::new())).len(), 2);
}

#[test]
fn a_batch_without_amounts_pays_the_invoices_its_details_quote_only_exactly() {
    let items = vec![
        owned("F-1", "100.00", "C1"),
        owned("F-2", "200.00", "C2"),
        owned("F-3", "300.00", "C3"),
    ];
    let batch = |texts: &[&str]| {
        let mut p = payment("B1", "600.00");
        p.undetailed = true;
        p.texts = texts.iter().map(|t| t.to_string()).collect();
        p
    };
    let got = rows(
        &[batch(&["FACTURE F-1", "FACTURE F-2", "FACTURE F-3"])],
        &items,
        &BTreeMap::new(),
    );
    assert_eq!(matched(&got).len(), 3, "{got:?}");
    // Only one detail names an invoice: what that payer sent is unknown.
    let got = rows(
        &[batch(&["FACTURE F-1", "COTISATION", "DON"])],
        &items,
        &BTreeMap::new(),
    );
    assert!(matched(&got).is_empty(), "{got:?}");
}
