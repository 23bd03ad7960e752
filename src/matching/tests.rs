//! Model-level tests of the whole matcher: hand-written adversarial cases
//! and a property test of the invariants (including thread-count
//! independence).

use std::collections::BTreeMap;

use super::testkit::{d, item, m, payment};
use super::*;
use crate::ledger::{Customer, CustomerType};
use crate::money::Currency;
use crate::statement::TxKind;

/// One line per row: `entry invoice applied status rule conf | evidence`.
fn run(payments: &[Payment], items: &[OpenItem]) -> Vec<String> {
    run_with(payments, items, &BTreeMap::new())
}

fn run_with(
    payments: &[Payment],
    items: &[OpenItem],
    customers: &BTreeMap<String, Customer>,
) -> Vec<String> {
    let apps = reconcile(payments, items, customers, &MatchConfig::default());
    check_invariants(payments, items, &apps).unwrap();
    output::rows(payments, items, &apps)
        .into_iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {} | {}",
                r.entry_id,
                if r.invoice_id.is_empty() {
                    "-"
                } else {
                    &r.invoice_id
                },
                r.applied_amount,
                r.status,
                if r.rule.is_empty() { "-" } else { &r.rule },
                r.confidence,
                r.evidence
            )
        })
        .collect()
}

fn with_text(mut p: Payment, pos: usize, text: &str) -> Payment {
    p.texts = vec![text.to_string()];
    p.remittance = text.to_string();
    p.position = pos;
    p
}

#[test]
fn rf_reference_with_a_valid_check_digit_matches() {
    let mut inv = item("F-2026-0042", "100.00");
    inv.reference = Some("RF18 5390 0754 7034".into());
    let mut p = payment("E1", "100.00");
    p.creditor_refs = vec!["rf18539007547034".into()];
    assert_eq!(
        run(&[p], &[inv]),
        ["E1 F-2026-0042 100.00 matched rf_reference 1.00 | RF ref RF18539007547034 → F-2026-0042"]
    );
}

#[test]
fn rf_reference_with_a_wrong_check_digit_is_never_a_structured_match() {
    let mut inv = item("F-2026-0042", "100.00");
    inv.reference = Some("RF19539007547034".into());
    let mut p = payment("E1", "100.00");
    p.creditor_refs = vec!["RF19 5390 0754 7034".into()];
    // As plain text it does not name the invoice either.
    p.texts = vec!["RF19 5390 0754 7034".into()];
    let got = run(&[p], &[inv]);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("E1 - 100.00 unapplied - 0.00"),
        "{got:?}"
    );
}

#[test]
fn end_to_end_id_equal_to_the_invoice_id() {
    let inv = item("F 2026 0042", "250.00");
    let mut p = payment("E1", "250.00");
    p.end_to_end_id = Some("f2026 0042".into());
    assert_eq!(
        run(&[p], &[inv]),
        [
            "E1 F 2026 0042 250.00 matched end_to_end_id 0.99 | end-to-end id F20260042 → F 2026 0042"
        ]
    );
}

#[test]
fn grouped_payment_with_a_credit_note_matches_exactly() {
    let items = [
        item("F-1001", "800.00"),
        item("F-1002", "600.00"),
        item("AV-1003", "-200.00"),
    ];
    let p = with_text(
        payment("E1", "1200.00"),
        0,
        "FACT F-1001 F-1002 AVOIR AV-1003",
    );
    let got = run(&[p], &items);
    let g = "grouped: F-1001 + F-1002 - AV-1003 = 1200.00";
    assert_eq!(
        got,
        [
            format!(
                "E1 AV-1003 -200.00 matched invoice_number 0.95 | text token \"AV-1003\" → AV-1003; {g}"
            ),
            format!(
                "E1 F-1001 800.00 matched invoice_number 0.95 | text token \"FACT F-1001\" → F-1001; {g}"
            ),
            format!(
                "E1 F-1002 600.00 matched invoice_number 0.95 | text token \"F-1002\" → F-1002; {g}"
            ),
        ]
    );
}

#[test]
fn partial_grouped_payment_goes_to_the_oldest_due_first_after_credit_notes() {
    let mut a = item("F-2001", "500.00");
    a.due_date = d(20);
    let mut b = item("F-2002", "700.00");
    b.due_date = d(5);
    let mut c = item("AV-2003", "-100.00");
    c.due_date = d(25);
    let p = with_text(payment("E1", "900.00"), 0, "F-2001 F-2002 AV-2003");
    let got = run(&[p], &[a, b, c]);
    let tail = "grouped: F-2001 + F-2002 - AV-2003 = 1100.00; partial: 900.00 of 1100.00 open, oldest due first";
    assert_eq!(
        got,
        [
            format!(
                "E1 AV-2003 -100.00 matched invoice_number 0.95 | text token \"AV-2003\" → AV-2003; {tail}"
            ),
            format!(
                "E1 F-2001 300.00 matched invoice_number 0.95 | text token \"F-2001\" → F-2001; {tail}"
            ),
            format!(
                "E1 F-2002 700.00 matched invoice_number 0.95 | text token \"F-2002\" → F-2002; {tail}"
            ),
        ]
    );
}

#[test]
fn single_partial_and_overpayment() {
    let items = [item("F-3001", "1000.00"), item("F-3002", "100.00")];
    let p1 = with_text(payment("E1", "400.00"), 0, "F-3001");
    let p2 = with_text(payment("E2", "150.00"), 1, "F-3002");
    assert_eq!(
        run(&[p1, p2], &items),
        [
            "E1 F-3001 400.00 matched invoice_number 0.95 | text token \"F-3001\" → F-3001; partial: 400.00 of 1000.00 open",
            "E2 F-3002 100.00 matched invoice_number 0.95 | text token \"F-3002\" → F-3002",
            "E2 - 50.00 unapplied invoice_number 0.00 | surplus 50.00 after applying 100.00 to the quoted items",
        ]
    );
}

#[test]
fn a_payment_in_another_currency_is_not_matched() {
    let inv = item("F-2026-0042", "100.00");
    let mut p = with_text(payment("E1", "100.00"), 0, "F-2026-0042");
    p.currency = Currency::parse("CHF").unwrap();
    assert_eq!(
        run(&[p], &[inv]),
        ["E1 - 100.00 unapplied - 0.00 | F-2026-0042 quoted but it is in EUR, the payment in CHF"]
    );
}

#[test]
fn the_same_reference_quoted_twice_goes_to_the_first_by_date_then_entry_id() {
    let inv = item("F-4001", "300.00");
    // Input order deliberately reversed: booking date decides, not order.
    let mut late = with_text(payment("A-LATE", "300.00"), 0, "F-4001");
    late.booking_date = Some(d(12));
    let mut early = with_text(payment("Z-EARLY", "300.00"), 1, "F-4001");
    early.booking_date = Some(d(11));
    assert_eq!(
        run(&[late, early], &[inv]),
        [
            "A-LATE - 300.00 unapplied invoice_number 0.00 | text token \"F-4001\" → F-4001; invoice F-4001 already settled by entry Z-EARLY",
            "Z-EARLY F-4001 300.00 matched invoice_number 0.95 | text token \"F-4001\" → F-4001",
        ]
    );
}

#[test]
fn stronger_evidence_wins_a_conflict_whatever_the_date() {
    let mut inv = item("F-4002", "300.00");
    inv.reference = Some("RF18539007547034".into());
    let text = with_text(payment("E1", "300.00"), 0, "F-4002");
    let mut rf = payment("E2", "300.00");
    rf.creditor_refs = vec!["RF18539007547034".into()];
    rf.booking_date = Some(d(20));
    rf.position = 1;
    let got = run(&[text, rf], &[inv]);
    assert!(
        got[0].starts_with("E1 - 300.00 unapplied invoice_number"),
        "{got:?}"
    );
    assert!(got[0].ends_with("already settled by entry E2"), "{got:?}");
    assert!(
        got[1].starts_with("E2 F-4002 300.00 matched rf_reference"),
        "{got:?}"
    );
}

#[test]
fn direct_debit_matched_by_mandate_and_amount() {
    let mut a = item("F-5001", "49.90");
    a.customer_id = "C9".into();
    let mut b = item("F-5002", "59.90");
    b.customer_id = "C9".into();
    let mut p = payment("E1", "59.90");
    p.kind = TxKind::DirectDebitCollected;
    p.mandate_id = Some("RUM-C9-01".into());
    let customers = BTreeMap::from([(
        "C9".to_string(),
        Customer {
            customer_id: "C9".into(),
            name: "Dupont".into(),
            customer_type: CustomerType::B2b,
            ibans: vec![],
            learned_ibans: Vec::new(),
            aliases: vec![],
            mandate_ids: vec!["RUM-C9-01".into()],
            email: None,
            phone: None,
            address: None,
            dunning_plan: None,
            line: 2,
        },
    )]);
    assert_eq!(
        run_with(
            std::slice::from_ref(&p),
            &[a.clone(), b.clone()],
            &customers
        ),
        ["E1 F-5002 59.90 matched mandate 0.97 | mandate RUM-C9-01 and amount 59.90 → F-5002"]
    );
    // The same collection booked as a transfer is not a mandate match.
    p.kind = TxKind::CreditTransferIn;
    assert!(run_with(&[p], &[a, b], &customers)[0].contains("unapplied"));
}

#[test]
fn ambiguity_gives_at_most_three_suggestions_and_keeps_the_money_unapplied() {
    let items = [
        item("F-2025-0042", "100.00"),
        item("G-2024-0042", "90.00"),
        item("H-2023-0042", "100.00"),
        item("K-2022-0042", "100.00"),
    ];
    let p = with_text(payment("E1", "100.00"), 0, "facture 42");
    let got = run(&[p], &items);
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got.iter().filter(|r| r.contains(" suggested ")).count(), 3);
    assert!(
        got[3].starts_with("E1 - 100.00 unapplied invoice_number"),
        "{got:?}"
    );
    // The candidate whose open amount differs ranks after those that equal it.
    assert!(
        !got.iter()
            .any(|r| r.contains("G-2024-0042 90.00 suggested")),
        "{got:?}"
    );
    assert!(
        got[0].contains("ambiguous: text token \"facture 42\""),
        "{got:?}"
    );
}

#[test]
fn a_weak_match_is_only_a_suggestion() {
    let items = [item("F-2026-0042", "100.00")];
    let p = with_text(payment("E1", "100.00"), 0, "fact 42");
    assert_eq!(
        run(&[p], &items),
        [
            "E1 F-2026-0042 100.00 suggested invoice_number 0.85 | text token \"fact 42\" → F-2026-0042",
            "E1 - 100.00 unapplied invoice_number 0.00 | not applied: confidence 0.85 below the 0.90 threshold; suggestion to confirm",
        ]
    );
}

#[test]
fn settled_and_disputed_items() {
    // open 0: not a candidate.
    let items = [item("F-6001", "0.00")];
    let p = with_text(payment("E1", "10.00"), 0, "F-6001");
    assert!(run(&[p], &items)[0].contains("unapplied - 0.00"));
}

#[test]
fn carried_over_remainder_only_gives_what_is_left() {
    let items = [item("F-7001", "500.00")];
    let mut p = with_text(payment("E1", "800.00"), 0, "F-7001");
    p.amount = m("300.00");
    assert_eq!(
        run(&[p], &items),
        [
            "E1 F-7001 300.00 matched invoice_number 0.95 | text token \"F-7001\" → F-7001; partial: 300.00 of 500.00 open"
        ]
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn arb_case() -> impl Strategy<Value = (Vec<Payment>, Vec<OpenItem>)> {
        let items = proptest::collection::vec((1u32..40, -300i64..3000, 0u32..3, 1u32..28), 1..25);
        let pays = proptest::collection::vec(
            (
                proptest::collection::vec(1u32..45, 0..4),
                1i64..5000,
                0u32..3,
                1u32..28,
                0u32..6,
            ),
            1..30,
        );
        (items, pays).prop_map(|(its, ps)| {
            let items: Vec<OpenItem> = its
                .iter()
                .enumerate()
                .map(|(n, &(id, open, cur, due))| {
                    // Ids may collide: duplicates make ambiguity.
                    let mut it = item(&format!("F-{id:04}"), "0");
                    it.invoice_id = format!("F-{id:04}-{}", n % 3);
                    it.open_amount = crate::money::Money::from_scaled(open * 10, 2).unwrap();
                    it.amount = it.open_amount;
                    it.currency = if cur == 2 {
                        Currency::parse("USD").unwrap()
                    } else {
                        Currency::EUR
                    };
                    it.due_date = d(due);
                    if id % 5 == 0 {
                        it.reference =
                            Some(crate::refs::rf_from_reference(&format!("R{id}")).unwrap());
                    }
                    it
                })
                .collect();
            let payments = ps
                .iter()
                .enumerate()
                .map(|(n, (ids, amt, cur, day, e))| {
                    let mut p = payment(&format!("E{}", e * 7 + n as u32 % 3), "1");
                    p.position = n;
                    p.amount = crate::money::Money::from_scaled(*amt * 10, 2).unwrap();
                    p.tx_amount = p.amount;
                    p.booking_date = Some(d(*day));
                    if *cur == 2 {
                        p.currency = Currency::parse("USD").unwrap();
                    }
                    p.texts = vec![
                        ids.iter()
                            .map(|i| format!("F-{i:04}-{}", i % 3))
                            .collect::<Vec<_>>()
                            .join(" "),
                    ];
                    if let Some(i) = ids.first().filter(|i| *i % 5 == 0) {
                        p.creditor_refs =
                            vec![crate::refs::rf_from_reference(&format!("R{i}")).unwrap()];
                    }
                    p
                })
                .collect();
            (payments, items)
        })
    }

    fn in_pool(n: usize, pays: &[Payment], items: &[OpenItem]) -> Vec<Application> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| reconcile(pays, items, &BTreeMap::new(), &MatchConfig::default()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn invariants_hold_and_threads_do_not_matter((pays, items) in arb_case()) {
            let one = in_pool(1, &pays, &items);
            if let Err(e) = check_invariants(&pays, &items, &one) {
                return Err(TestCaseError::fail(e));
            }
            let four = in_pool(4, &pays, &items);
            prop_assert_eq!(&one, &four);
            let r1 = output::to_csv(&output::rows(&pays, &items, &one)).unwrap();
            let r4 = output::to_csv(&output::rows(&pays, &items, &four)).unwrap();
            prop_assert_eq!(r1, r4);
        }
    }
}

mod arbitrary_text {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Whatever ids and texts look like (any Unicode, separators,
        /// absurd lengths), matching neither panics nor breaks an invariant.
        #[test]
        fn any_ids_and_texts(
            ids in proptest::collection::vec("\\PC{0,24}", 1..8),
            texts in proptest::collection::vec("\\PC{0,60}", 1..6),
            refs in proptest::collection::vec("(RF[0-9]{2})?\\PC{0,20}", 0..3),
        ) {
            let items: Vec<OpenItem> = ids.iter().enumerate().map(|(n, id)| {
                let mut it = item(id, if n % 3 == 2 { "-5.00" } else { "40.00" });
                it.reference = refs.first().cloned();
                it
            }).collect();
            let payments: Vec<Payment> = texts.iter().enumerate().map(|(n, t)| {
                let mut p = payment(&format!("E{n}"), "50.00");
                p.position = n;
                p.texts = vec![t.clone(), ids.get(n % ids.len()).cloned().unwrap_or_default()];
                p.creditor_refs = refs.clone();
                p.end_to_end_id = Some(t.clone());
                p
            }).collect();
            let apps = reconcile(&payments, &items, &BTreeMap::new(), &MatchConfig::default());
            if let Err(e) = check_invariants(&payments, &items, &apps) {
                return Err(TestCaseError::fail(e));
            }
            let _ = output::to_csv(&output::rows(&payments, &items, &apps)).unwrap();
        }
    }
}

/// (invoice id, applied, written off, kind, status) of every row with an item.
fn writeoffs(payments: &[Payment], items: &[OpenItem]) -> Vec<(String, String, String, String)> {
    let apps = reconcile(payments, items, &BTreeMap::new(), &MatchConfig::default());
    check_invariants(payments, items, &apps).unwrap();
    apps.iter()
        .map(|a| {
            (
                a.item
                    .and_then(|i| items.get(i))
                    .map_or("-".to_string(), |it| it.invoice_id.clone()),
                a.applied_amount.to_plain(),
                a.writeoff_kind.map_or("-".to_string(), |k| {
                    format!("{} {}", k.as_str(), a.writeoff_amount.to_plain())
                }),
                a.status.as_str().to_string(),
            )
        })
        .collect()
}

fn quoted(entry: &str, amount: &str, id: &str) -> Payment {
    let mut p = payment(entry, amount);
    p.texts = vec![format!("FACTURE {id}")];
    p
}

fn row(id: &str, applied: &str, w: &str, st: &str) -> (String, String, String, String) {
    (id.into(), applied.into(), w.into(), st.into())
}

#[test]
fn fee_within_tolerance_is_written_off_beyond_it_is_partial() {
    // 0.5 % of 1000.00 = 5.00 < 15.00: the smaller limit applies.
    let items = vec![
        item("F-2026-0001", "1000.00"),
        item("F-2026-0002", "1000.00"),
    ];
    let pays = vec![
        quoted("E1", "995.00", "F-2026-0001"),
        quoted("E2", "994.99", "F-2026-0002"),
    ];
    assert_eq!(
        writeoffs(&pays, &items),
        vec![
            row("F-2026-0001", "995.00", "fee 5.00", "matched"),
            row("F-2026-0002", "994.99", "-", "matched"),
        ]
    );
}

#[test]
fn discount_only_exact_and_in_time_and_never_on_overpayment() {
    let mut it = item("F-2026-0001", "1234.57");
    it.discount_percent = Some(rust_decimal::Decimal::new(2, 0));
    it.discount_until = Some(d(10));
    // 1234.57 × 0.98 = 1209.8786 → 1209.88 (half-up).
    let mut late = quoted("E2", "1209.88", "F-2026-0001");
    late.booking_date = Some(d(11));
    let items = vec![it.clone()];
    assert_eq!(
        writeoffs(&[quoted("E1", "1209.88", "F-2026-0001")], &items),
        vec![row("F-2026-0001", "1209.88", "discount 24.69", "matched")]
    );
    // A day late: the discount is gone; 24.69 short is beyond the fee
    // tolerance (6.17): a partial payment.
    assert_eq!(
        writeoffs(&[late], &items),
        vec![row("F-2026-0001", "1209.88", "-", "matched")]
    );
    // Overpaid: no write-off, the surplus stays unapplied.
    assert_eq!(
        writeoffs(&[quoted("E3", "1240.00", "F-2026-0001")], &items),
        vec![
            row("F-2026-0001", "1234.57", "-", "matched"),
            row("-", "5.43", "-", "unapplied"),
        ]
    );
}

#[test]
fn invariants_count_write_offs_against_the_open_amount() {
    let items = vec![item("F-2026-0001", "100.00")];
    let p = vec![payment("E1", "100.00")];
    let mut a = allocate::Application {
        payment: 0,
        item: Some(0),
        applied_amount: m("99.00"),
        writeoff_amount: m("2.00"),
        writeoff_kind: Some(WriteoffKind::Fee),
        rule: Some(Rule::InvoiceNumber),
        confidence: Confidence::FULL,
        status: Status::Matched,
        evidence: String::new(),
    };
    let rest = allocate::Application {
        item: None,
        applied_amount: m("1.00"),
        writeoff_amount: Money::ZERO,
        writeoff_kind: None,
        status: Status::Unapplied,
        ..a.clone()
    };
    let err = check_invariants(&p, &items, &[a.clone(), rest.clone()]).unwrap_err();
    assert!(err.contains("received 101.00"), "{err}");
    a.writeoff_amount = m("1.00");
    check_invariants(&p, &items, &[a, rest]).unwrap();
}

fn cust(id: &str, name: &str, ibans: &[&str], aliases: &[&str]) -> (String, Customer) {
    (
        id.to_string(),
        Customer {
            customer_id: id.into(),
            name: name.into(),
            customer_type: CustomerType::B2b,
            ibans: ibans.iter().map(|s| s.to_string()).collect(),
            learned_ibans: Vec::new(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            mandate_ids: vec![],
            email: None,
            phone: None,
            address: None,
            dunning_plan: None,
            line: 2,
        },
    )
}

fn owned(id: &str, open: &str, customer: &str) -> OpenItem {
    let mut it = item(id, open);
    it.customer_id = customer.into();
    it
}

#[test]
fn cfonb_label_name_and_taught_alias_find_the_payer() {
    let customers = BTreeMap::from([
        cust("C1", "SARL Boulangerie Martin", &[], &[]),
        cust("C2", "Garage Petit", &[], &["PETIT AUTOMOBILES"]),
    ]);
    let items = vec![owned("F-1", "120.00", "C1"), owned("F-2", "80.00", "C2")];
    // No counterparty name: the name is read from the label.
    let mut a = payment("E1", "120.00");
    a.texts = vec!["VIR SEPA BOULANGERIE MARTIN".into()];
    // The alias a person taught.
    let mut b = payment("E2", "80.00");
    b.counterparty_name = Some("PETIT AUTOMOBILES".into());
    let got = run_with(&[a, b], &items, &customers);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].starts_with("E1 F-1 120.00 matched payer_name 0.92 | payer name \"BOULANGERIE MARTIN\" ~ \"BOULANGERIE MARTIN\" (customer C1) score 1.000"),
        "{got:?}"
    );
    assert!(
        got[1].starts_with("E2 F-2 80.00 matched payer_name 0.92 | payer name \"PETIT AUTOMOBILES\" ~ \"PETIT AUTOMOBILES\""),
        "{got:?}"
    );
}

#[test]
fn an_iban_shared_by_two_customers_that_both_fit_is_only_suggested() {
    let iban = "FR7630004000031234567890143";
    let customers = BTreeMap::from([
        cust("C1", "Dupont Holding", &[iban], &[]),
        cust("C2", "Dupont Filiale", &[iban], &[]),
    ]);
    let items = vec![owned("F-1", "500.00", "C1"), owned("F-2", "500.00", "C2")];
    let mut p = payment("E1", "500.00");
    p.counterparty_iban = Some(iban.into());
    let got = run_with(&[p], &items, &customers);
    assert!(got.iter().all(|r| !r.contains(" matched ")), "{got:?}");
    assert_eq!(
        got.iter().filter(|r| r.contains(" suggested ")).count(),
        2,
        "{got:?}"
    );
}

#[test]
fn a_known_iban_that_fits_nothing_does_not_fall_back_to_the_name() {
    let iban = "FR7630004000031234567890143";
    let customers = BTreeMap::from([
        cust("C1", "Dupont", &[iban], &[]),
        cust("C2", "Martin Transports", &[], &[]),
    ]);
    let items = vec![owned("F-1", "500.00", "C1"), owned("F-2", "75.00", "C2")];
    let mut p = payment("E1", "75.00");
    p.counterparty_iban = Some(iban.into());
    p.counterparty_name = Some("MARTIN TRANSPORTS".into());
    let got = run_with(&[p], &items, &customers);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("unapplied") && got[0].contains("fits no open item"),
        "{got:?}"
    );
}

#[test]
fn a_payment_quoting_an_invoice_not_exported_yet_is_not_given_to_another() {
    // The customer pays F-300 (not in tonight's export) and says so; F-110
    // happens to be open for the same amount.
    let iban = "FR7630004000031234567890143";
    let customers = BTreeMap::from([cust("C1", "Dupont", &[iban], &[])]);
    let items = vec![owned("F-110", "400.00", "C1")];
    let mut p = payment("E1", "400.00");
    p.counterparty_iban = Some(iban.into());
    p.texts = vec!["FACTURE F-300".into()];
    let got = run_with(std::slice::from_ref(&p), &items, &customers);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[1].starts_with("E1 - 400.00 unapplied"), "{got:?}");
    assert!(
        got[0].starts_with("E1 F-110 400.00 suggested payer_iban 0.80"),
        "{got:?}"
    );
    assert!(
        got[0].contains("quotes invoice FACTURE F-300, which is no open invoice of this currency"),
        "{got:?}"
    );
    // However low a client sets its threshold, it stays a suggestion.
    let cfg = MatchConfig {
        threshold: Confidence::from_hundredths(70),
        ..MatchConfig::default()
    };
    let low = reconcile(std::slice::from_ref(&p), &items, &customers, &cfg);
    assert!(low.iter().all(|a| a.status != Status::Matched), "{low:?}");
    assert!(
        low.iter()
            .any(|a| a.confidence == Confidence::from_hundredths(69)),
        "{low:?}"
    );
    // A reference of the customer's own ("REF 300") is no invoice number:
    // the payer and the amount still match.
    p.texts = vec!["REF 300".into()];
    let got = run_with(&[p], &items, &customers);
    assert!(
        got[0].starts_with("E1 F-110 400.00 matched payer_iban 0.95"),
        "{got:?}"
    );
}
