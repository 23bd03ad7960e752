//! Returned direct debits: each reason's path, the second return's
//! full-balance demand, and what holds or follows them.

use super::*;

#[test]
fn insufficient_funds_call_and_letter_then_a_second_letter() {
    let mut c = customer(vec![invoice("F1", "2026-11-05", "80")]);
    returned(&mut c, "AM04", "2026-11-23", false);
    let a = run("2026-11-23", std::slice::from_ref(&c));
    let mut got = steps(&a);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("return_call".to_string(), "phone", "F1".to_string()),
            ("return_letter".to_string(), "letter", "F1".to_string())
        ]
    );
    // Never the normal plan's formal notice on the same day.
    for (step, _) in [("return_call", 0), ("return_letter", 0)] {
        c.invoices[0]
            .steps_done
            .insert(step.into(), d("2026-11-23"));
    }
    assert!(run("2026-11-30", std::slice::from_ref(&c)).is_empty());
    let a = run("2026-12-08", &[c]);
    assert_eq!(steps(&a), one("return_second_letter", "letter", "F1"));
}

#[test]
fn each_return_category_has_its_path() {
    let paths = [
        ("MS02", vec!["dispute_call"]),
        ("AC04", vec!["new_details_letter", "return_call"]),
        ("MD01", vec!["new_details_letter", "return_call"]),
        ("MD07", vec![]),
    ];
    for (code, want) in paths {
        let mut c = customer(vec![invoice("F1", "2026-11-05", "80")]);
        returned(&mut c, code, "2026-11-23", false);
        let mut got: Vec<String> = run("2026-11-23", &[c])
            .into_iter()
            .map(|a| a.step)
            .collect();
        got.sort();
        assert_eq!(got, want, "{code}");
    }
}

#[test]
fn after_a_death_no_invoice_of_the_customer_is_chased() {
    // F1 was returned MD07 (debtor deceased); F2, paid by transfer, is as
    // overdue and must not bring a reminder to the family either.
    let mut c = customer(vec![
        invoice("F1", "2026-10-05", "80"),
        invoice("F2", "2026-10-05", "45"),
    ]);
    returned(&mut c, "MD07", "2026-10-07", false);
    for night in ["2026-10-07", "2026-10-14", "2026-12-21"] {
        assert!(run(night, std::slice::from_ref(&c)).is_empty(), "{night}");
    }
    // Even when the death comes as the second return within the window: no
    // registered demand for the whole balance to a deceased debtor.
    let mut c = customer(vec![invoice("F1", "2026-10-05", "80")]);
    returned(&mut c, "AM04", "2026-08-05", false);
    returned(&mut c, "MD07", "2026-10-07", true);
    assert!(run("2026-10-07", &[c]).is_empty());
}

#[test]
fn a_second_return_demands_the_whole_balance() {
    let mut c = customer(vec![
        invoice("F1", "2026-11-05", "80"),
        invoice("F2", "2026-12-05", "80"), // not yet due
    ]);
    returned(&mut c, "AM04", "2026-11-23", true);
    let a = run("2026-11-23", &[c]);
    assert_eq!(
        steps(&a),
        one("full_balance_demand", "registered_letter", "F1|F2")
    );
    assert_eq!(a[0].amount_due, m("160"));
    // B2B: the demand stands for the formal notice of the overdue F1 (due
    // 2026-11-05, acted on 2026-11-24: 19 days): 40.00 + 80 × 12.15 % × 19 /
    // 365 = 40.00 + 0.5059… → 40.51; nothing on F2, not yet due.
    assert_eq!(a[0].penalty_amount, m("40.51"));
    // One reason for both invoices, not "oldest second direct-debit return".
    assert!(
        a[0].reason
            .starts_with("2 invoices; second direct-debit return"),
        "{}",
        a[0].reason
    );
}

#[test]
fn a_second_return_linked_to_no_collection_still_demands_the_whole_balance() {
    let mut c = customer(vec![invoice("F1", "2026-11-05", "80")]);
    returned(&mut c, "AM04", "2026-11-23", true);
    c.returns[0].invoice_ids.clear();
    let a = run("2026-11-23", &[c.clone()]);
    assert_eq!(
        steps(&a),
        one("full_balance_demand", "registered_letter", "F1")
    );
    // A second return whose invoices were all settled since: no demand (F1
    // goes on with its ordinary plan).
    c.returns[0].invoice_ids = vec!["F-PAID".into()];
    let a = run("2026-11-23", &[c]);
    assert!(!a.is_empty());
    assert!(a.iter().all(|x| x.step != "full_balance_demand"), "{a:?}");
}

#[test]
fn a_full_balance_demand_is_the_only_action_about_its_invoices_that_day() {
    // F0, 49 days overdue, is not in the returned collection: alone it
    // would get its plan's next step; F1's first return's second letter
    // (return 2026-11-03, +15 days) also falls due tomorrow.
    let mut c = customer(vec![
        invoice("F0", "2026-10-05", "960"),
        invoice("F1", "2026-11-05", "80"),
    ]);
    let alone = run("2026-11-23", std::slice::from_ref(&c));
    assert!(
        steps(&alone).iter().any(|(_, _, ids)| ids == "F0"),
        "{:?}",
        steps(&alone)
    );
    returned(&mut c, "AM04", "2026-11-03", false);
    c.invoices[1]
        .steps_done
        .insert("return_call".into(), d("2026-11-03"));
    c.invoices[1]
        .steps_done
        .insert("return_letter".into(), d("2026-11-03"));
    returned(&mut c, "AM04", "2026-11-23", true);
    let a = run("2026-11-23", &[c]);
    assert_eq!(
        steps(&a),
        one("full_balance_demand", "registered_letter", "F0|F1")
    );
}

#[test]
fn after_a_full_balance_demand_no_milder_step_follows() {
    // First return 2026-03-04 (call and letter sent), re-presented, returned
    // again 2026-03-11: the whole balance was demanded on 2026-03-11.
    let mut c = customer(vec![
        invoice("F1", "2026-03-02", "400"),
        invoice("F2", "2026-04-02", "650"),
    ]);
    returned(&mut c, "AM04", "2026-03-04", false);
    returned(&mut c, "AM04", "2026-03-11", true);
    for step in ["return_call", "return_letter"] {
        c.invoices[0]
            .steps_done
            .insert(step.into(), d("2026-03-04"));
    }
    for inv in &mut c.invoices {
        inv.steps_done
            .insert("full_balance_demand".into(), d("2026-03-11"));
    }
    // The first return's second letter (due 2026-03-19) would weaken the
    // registered demand sent a week before.
    assert!(run("2026-03-18", std::slice::from_ref(&c)).is_empty());
    // F2 falls due: no courtesy reminder after a registered demand.
    assert!(run("2026-04-02", std::slice::from_ref(&c)).is_empty());
    // Off the return path (2026-04-10), F1 (due when demanded) goes on after
    // the formal notice: nothing until the handover at +60 (2026-05-01);
    // F2 (not yet due when demanded) skips the reminders and gets its formal
    // notice at +30 (2026-05-02).
    assert!(run("2026-04-13", std::slice::from_ref(&c)).is_empty());
    let a = run("2026-04-30", &[c]); // acts on Mon 2026-05-04 (1 May is a holiday)
    let mut got = steps(&a);
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "formal_notice".to_string(),
                "registered_letter",
                "F2".to_string()
            ),
            (
                "litigation_handover".to_string(),
                "handover",
                "F1".to_string()
            ),
        ]
    );
}

#[test]
fn a_full_balance_demand_is_sent_once_even_if_the_returned_invoice_is_disputed() {
    // The second return is MD06 (refund requested): F1 becomes disputed, so
    // the demand names F2 only. It must still count as sent.
    let mut c = customer(vec![
        invoice("F1", "2026-03-02", "400"),
        invoice("F2", "2026-04-02", "650"),
    ]);
    c.invoices[0].disputed = true;
    returned(&mut c, "AM04", "2026-03-04", false);
    returned(&mut c, "MD06", "2026-03-11", true);
    for s in ["return_call", "return_letter"] {
        c.invoices[0].steps_done.insert(s.into(), d("2026-03-04"));
    }
    let a = run("2026-03-11", std::slice::from_ref(&c));
    assert_eq!(
        steps(&a),
        one("full_balance_demand", "registered_letter", "F2")
    );
    c.invoices[1]
        .steps_done
        .insert("full_balance_demand".into(), d("2026-03-11"));
    let b = run("2026-03-12", std::slice::from_ref(&c));
    assert!(b.is_empty(), "{:?}", steps(&b));
    // The first return's second letter (03-04 + 15 = 03-19) neither.
    let b = run("2026-03-18", std::slice::from_ref(&c));
    assert!(b.is_empty(), "{:?}", steps(&b));
    // Even for an invoice of that case still chaseable: once the customer
    // was sent the demand, no milder step of the path follows.
    c.invoices[0].disputed = false;
    let b = run("2026-03-18", &[c]);
    assert!(b.is_empty(), "{:?}", steps(&b));
}

#[test]
fn the_return_path_respects_promises_disputes_and_suggestions() {
    let base = {
        let mut c = customer(vec![invoice("F1", "2026-11-05", "80")]);
        returned(&mut c, "AM04", "2026-11-23", false);
        for s in ["return_call", "return_letter"] {
            c.invoices[0].steps_done.insert(s.into(), d("2026-11-23"));
        }
        c
    };
    // The control: the second letter is due (11-23 + 15 = 12-08, acted 12-09).
    assert_eq!(
        steps(&run("2026-12-08", std::slice::from_ref(&base))),
        one("return_second_letter", "letter", "F1")
    );
    let mut promised = base.clone();
    promised.invoices[0].promise = Promise::Until(d("2026-12-15"));
    let a = run("2026-12-08", &[promised]);
    assert!(a.is_empty(), "promise: {:?}", steps(&a));
    let mut disputed = base.clone();
    disputed.invoices[0].disputed = true;
    let a = run("2026-12-08", &[disputed]);
    assert!(a.is_empty(), "dispute: {:?}", steps(&a));
    let mut suggested = base;
    suggested.invoices[0].suggested_since = Some(d("2026-12-07"));
    let a = run("2026-12-08", &[suggested]);
    assert!(a.is_empty(), "suggestion: {:?}", steps(&a));
}

#[test]
fn a_dispute_call_is_held_by_a_promise_or_a_suggestion_only() {
    // An MS02 return marks its invoice disputed: the dispute call is for
    // that very dispute, so the flag does not stop it.
    let mut c = customer(vec![invoice("F1", "2026-11-05", "80")]);
    c.invoices[0].disputed = true;
    returned(&mut c, "MS02", "2026-11-23", false);
    assert_eq!(
        steps(&run("2026-11-23", std::slice::from_ref(&c))),
        one("dispute_call", "phone", "F1")
    );
    let mut promised = c.clone();
    promised.invoices[0].promise = Promise::Until(d("2026-11-30"));
    let a = run("2026-11-23", &[promised]);
    assert!(a.is_empty(), "promise: {:?}", steps(&a));
    let mut suggested = c;
    suggested.invoices[0].suggested_since = Some(d("2026-11-22"));
    let a = run("2026-11-23", &[suggested]);
    assert!(a.is_empty(), "suggestion: {:?}", steps(&a));
}

#[test]
fn a_full_balance_demand_leaves_out_invoices_that_are_not_chased() {
    let mut c = customer(vec![
        invoice("F0", "2026-10-05", "960"),
        invoice("F1", "2026-11-05", "80"),
        invoice("F2", "2026-11-10", "120"), // under a promise
        invoice("F3", "2026-11-12", "50"),  // its payment waits as a suggestion
    ]);
    c.invoices[2].promise = Promise::Until(d("2026-11-30"));
    c.invoices[3].suggested_since = Some(d("2026-11-20"));
    returned(&mut c, "AM04", "2026-11-23", true);
    let a = run("2026-11-23", &[c]);
    assert_eq!(
        steps(&a),
        one("full_balance_demand", "registered_letter", "F0|F1")
    );
}

#[test]
fn a_late_return_never_sends_the_first_letter_after_the_second() {
    // Returned Thu 11-05, seen only on Fri 11-20 (acting Mon 11-23 ≥ 11-05 +
    // 15): the call and the second letter, the first letter skipped for good.
    let mut c = customer(vec![invoice("F1", "2026-11-02", "80")]);
    returned(&mut c, "AM04", "2026-11-05", false);
    let a = run("2026-11-20", std::slice::from_ref(&c));
    let mut got = steps(&a);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("return_call".to_string(), "phone", "F1".to_string()),
            (
                "return_second_letter".to_string(),
                "letter",
                "F1".to_string()
            )
        ]
    );
    for x in &a {
        c.invoices[0]
            .steps_done
            .insert(x.step.clone(), d("2026-11-20"));
    }
    let b = run("2026-11-23", &[c]);
    assert!(b.is_empty(), "{:?}", steps(&b));
}

#[test]
fn a_statement_gap_holds_the_full_balance_demand() {
    let mut c = customer(vec![
        invoice("F0", "2026-10-05", "960"),
        invoice("F1", "2026-11-05", "80"),
    ]);
    returned(&mut c, "AM04", "2026-11-03", false);
    returned(&mut c, "AM04", "2026-11-23", true);
    let cfg = DunningConfig::default();
    let a = run_with("2026-11-23", &cfg, true, std::slice::from_ref(&c));
    assert!(
        a.iter().all(|x| x.step != "full_balance_demand"),
        "{:?}",
        steps(&a)
    );
    for x in &a {
        for id in &x.invoice_ids {
            let inv = c.invoices.iter_mut().find(|i| &i.invoice_id == id).unwrap();
            inv.steps_done.insert(x.step.clone(), d("2026-11-23"));
        }
    }
    // The gap filled, a later night within the path sends it.
    let b = run_with("2026-11-24", &cfg, false, &[c]);
    assert_eq!(
        steps(&b),
        one("full_balance_demand", "registered_letter", "F0|F1")
    );
}

#[test]
fn a_call_and_a_letter_about_the_same_invoice_state_the_same_amount() {
    // F1 was collected net of the credit note AV1 and came back: the call
    // and the letter both ask for 300.00, not one 300.00 and one 400.00.
    let mut c = customer(vec![
        invoice("F1", "2026-11-05", "400.00"),
        invoice("AV1", "2026-11-05", "-100.00"),
    ]);
    returned(&mut c, "AM04", "2026-11-23", false);
    let a = run("2026-11-23", &[c]);
    let amounts: Vec<(String, Money)> = a.iter().map(|x| (x.step.clone(), x.amount_due)).collect();
    assert_eq!(
        amounts,
        [
            ("return_letter".to_string(), m("300.00")),
            ("return_call".to_string(), m("300.00"))
        ]
    );
}
