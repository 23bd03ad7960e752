//! The ordinary ladder: which step, on which day, for which invoices, and
//! what holds it (payments, credit notes, disputes, promises, gaps, August).

use super::*;

#[test]
fn courtesy_reminder_the_day_after_the_due_date() {
    // Run Monday 2026-11-23 → actions Tuesday 24 = due + 1.
    let a = run(
        "2026-11-23",
        &[customer(vec![invoice("F1", "2026-11-23", "100")])],
    );
    assert_eq!(steps(&a), one("courtesy_reminder", "email", "F1"));
    assert_eq!(a[0].action_date, d("2026-11-24"));
    assert_eq!(a[0].days_overdue, 1);
    assert_eq!(a[0].penalty_amount, Money::ZERO);
    assert!(
        a[0].reason.starts_with("1 day overdue (due 2026-11-23)"),
        "{}",
        a[0].reason
    );
}

#[test]
fn friday_runs_act_on_monday_and_holidays_are_skipped() {
    let a = run(
        "2026-11-20",
        &[customer(vec![invoice("F1", "2026-11-01", "100")])],
    );
    assert_eq!(a[0].action_date, d("2026-11-23"));
    // Tuesday 10 Nov 2026: 11 Nov is Armistice Day → Thursday 12.
    let a = run(
        "2026-11-10",
        &[customer(vec![invoice("F1", "2026-11-01", "100")])],
    );
    assert_eq!(a[0].action_date, d("2026-11-12"));
}

#[test]
fn a_first_run_over_an_old_invoice_issues_only_the_highest_step() {
    // The handover is due too, but waits for a formal notice (`notice`):
    // the formal notice is the highest step that may go out, none before it.
    let a = run(
        "2026-11-23",
        &[customer(vec![invoice("F1", "2025-11-20", "100")])],
    );
    assert_eq!(steps(&a), one("formal_notice", "registered_letter", "F1"));
}

#[test]
fn a_ladder_that_started_again_counts_its_steps_from_that_night() {
    // Due 2025-11-20, moved to this customer on 2026-11-20: the courtesy
    // reminder first, not the handover; charges still from the due date.
    let mut inv = invoice("F1", "2025-11-20", "100");
    inv.ladder_from = Some(d("2026-11-20"));
    let a = run("2026-11-23", &[customer(vec![inv.clone()])]);
    assert_eq!(steps(&a), one("courtesy_reminder", "email", "F1"));
    assert_eq!(a[0].days_overdue, 369);
    inv.steps_done
        .insert("courtesy_reminder".into(), d("2026-11-23"));
    let a = run("2026-12-21", &[customer(vec![inv])]);
    assert_eq!(steps(&a), one("formal_notice", "registered_letter", "F1"));
    assert!(a[0].penalty_amount > m("40.00"));
}

#[test]
fn a_step_is_never_issued_twice_nor_a_lower_one_after_it() {
    let mut inv = invoice("F1", "2026-11-10", "100"); // due + 14 → firm_reminder is highest
    inv.steps_done
        .insert("firm_reminder".into(), d("2026-11-18"));
    assert!(run("2026-11-23", &[customer(vec![inv.clone()])]).is_empty());
    // Two days later the phone call is due.
    let a = run("2026-11-25", &[customer(vec![inv])]);
    assert_eq!(steps(&a), one("phone_call", "phone", "F1"));
}

#[test]
fn paid_credit_notes_and_disputed_invoices_are_not_chased() {
    let mut disputed = invoice("F3", "2026-10-01", "100");
    disputed.disputed = true;
    let c = customer(vec![
        invoice("F1", "2026-10-01", "0.00"),
        invoice("AV2", "2026-10-01", "-50"),
        disputed,
    ]);
    assert!(run("2026-11-23", &[c]).is_empty());
}

#[test]
fn one_letter_covers_all_invoices_at_the_same_step() {
    let c = customer(vec![
        invoice("F2", "2026-11-12", "200.50"),
        invoice("F1", "2026-11-13", "100"),
    ]);
    let a = run("2026-11-23", &[c]);
    assert_eq!(steps(&a), one("firm_reminder", "letter", "F1|F2"));
    assert_eq!(a[0].amount_due, m("300.50"));
    assert_eq!(a[0].oldest_due_date, d("2026-11-12"));
}

#[test]
fn a_fresh_suggestion_holds_dunning_then_expires() {
    let mut inv = invoice("F1", "2026-11-01", "100");
    inv.suggested_since = Some(d("2026-11-21"));
    assert!(run("2026-11-23", &[customer(vec![inv.clone()])]).is_empty());
    inv.suggested_since = Some(d("2026-11-18"));
    assert_eq!(run("2026-11-23", &[customer(vec![inv])]).len(), 1);
}

#[test]
fn unapplied_money_covering_the_debt_stops_dunning() {
    let mut c = customer(vec![invoice("F1", "2026-11-01", "100")]);
    c.unapplied
        .insert(Currency::EUR, Received::on(m("100"), d("2026-11-02")));
    assert!(run("2026-11-23", std::slice::from_ref(&c)).is_empty());
    c.unapplied
        .insert(Currency::EUR, Received::on(m("99.99"), d("2026-11-02")));
    assert_eq!(run("2026-11-23", &[c]).len(), 1);
}

#[test]
fn a_statement_gap_holds_the_formal_notice() {
    // Due 2026-10-20: +30 = 11-19, formal notice due on 11-24.
    let inv = invoice("F1", "2026-10-20", "1000");
    let cfg = DunningConfig::default();
    let held = run_with("2026-11-23", &cfg, true, &[customer(vec![inv.clone()])]);
    assert_eq!(steps(&held), one("phone_call", "phone", "F1"));
    let mut called = inv.clone();
    called
        .steps_done
        .insert("phone_call".into(), d("2026-11-05"));
    assert!(run_with("2026-11-23", &cfg, true, &[customer(vec![called.clone()])]).is_empty());
    let a = run_with("2026-11-23", &cfg, false, &[customer(vec![called])]);
    assert_eq!(steps(&a), one("formal_notice", "registered_letter", "F1"));
}

#[test]
fn late_charges_for_b2b_only_from_the_formal_notice() {
    // 1000.00 due 2026-10-20, action 2026-11-24: 35 days × 12.15 % / 365
    // = 11.6506… → 11.65, + 40.00 = 51.65.
    let a = run(
        "2026-11-23",
        &[customer(vec![invoice("F1", "2026-10-20", "1000.00")])],
    );
    assert_eq!(a[0].step, "formal_notice");
    assert_eq!(a[0].penalty_amount, m("51.65"));
    let mut b2c = customer(vec![invoice("F1", "2026-10-20", "1000.00")]);
    b2c.customer_type = CustomerType::B2c;
    let a = run("2026-11-23", &[b2c]);
    assert_eq!(a[0].step, "formal_notice");
    assert_eq!(a[0].penalty_amount, Money::ZERO);
}

#[test]
fn late_interest_runs_on_what_is_owed_after_credit_notes() {
    // 1000.00 less a 400.00 credit note: 600.00 owed, 35 days late.
    // 600 × 12.15 % × 35 / 365 = 6.9904… → 6.99, + 40.00 = 46.99.
    let a = run(
        "2026-11-23",
        &[customer(vec![
            invoice("F1", "2026-10-20", "1000.00"),
            invoice("AV1", "2026-11-05", "-400.00"),
        ])],
    );
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].step, "formal_notice");
    assert_eq!(a[0].amount_due, m("600.00"));
    assert_eq!(a[0].penalty_amount, m("46.99"));
    // F1 fully offset by a credit note, F2 still owed: one indemnity only.
    // F2: 500 × 12.15 % × 35 / 365 = 5.8253… → 5.83, + 40.00 = 45.83.
    let a = run(
        "2026-11-23",
        &[customer(vec![
            invoice("F1", "2026-10-20", "300.00"),
            invoice("F2", "2026-10-20", "500.00"),
            invoice("AV1", "2026-11-05", "-300.00"),
        ])],
    );
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].amount_due, m("500.00"));
    assert_eq!(a[0].penalty_amount, m("45.83"));
}

#[test]
fn august_moves_reminders_to_september() {
    let mut inv = invoice("F1", "2026-07-25", "100");
    inv.steps_done
        .insert("courtesy_reminder".into(), d("2026-07-27"));
    // Firm reminder would be 08-02: quiet. Nothing during August.
    assert!(run("2026-08-10", &[customer(vec![inv.clone()])]).is_empty());
    assert!(run("2026-08-28", &[customer(vec![inv.clone()])]).is_empty());
    // Monday 31 Aug → action Tuesday 1 Sep: the firm reminder, moved out of
    // August; later steps keep their spacing (phone call 7 days later).
    let a = run("2026-08-31", &[customer(vec![inv.clone()])]);
    assert_eq!(steps(&a), one("firm_reminder", "letter", "F1"));
    assert_eq!(a[0].action_date, d("2026-09-01"));
    inv.steps_done
        .insert("firm_reminder".into(), d("2026-08-31"));
    assert!(run("2026-09-04", &[customer(vec![inv.clone()])]).is_empty());
    let a = run("2026-09-07", &[customer(vec![inv])]);
    assert_eq!(steps(&a), one("phone_call", "phone", "F1"));
}

#[test]
fn an_august_due_date_gets_a_preventive_contact_in_july() {
    let mut inv = invoice("F1", "2026-08-14", "100");
    inv.discount_percent = Some(rust_decimal::Decimal::new(2, 0));
    assert!(run("2026-06-29", &[customer(vec![inv.clone()])]).is_empty());
    let a = run("2026-07-06", &[customer(vec![inv.clone()])]);
    assert_eq!(steps(&a), one("quiet_period_preventive", "email", "F1"));
    assert!(a[0].reason.contains("LCR") && a[0].reason.contains("2 % discount"));
    inv.steps_done
        .insert("quiet_period_preventive".into(), d("2026-07-06"));
    assert!(run("2026-07-13", &[customer(vec![inv])]).is_empty());
}

#[test]
fn one_step_per_channel_per_day() {
    let mut c = customer(vec![
        invoice("F1", "2026-11-27", "100"), // watch: preventive call (−5)
        invoice("F2", "2026-11-10", "100"), // watch: phone call (+10)
    ]);
    c.plan = "watch".into();
    let a = run("2026-11-23", &[c]);
    assert_eq!(steps(&a), one("phone_call", "phone", "F2"));
}

#[test]
fn promises_pause_and_a_broken_one_resumes_at_once() {
    let mut inv = invoice("F1", "2026-11-01", "100");
    inv.steps_done
        .insert("courtesy_reminder".into(), d("2026-11-02"));
    inv.promise = Promise::Until(d("2026-11-04")); // + 3 business days = 11-09
    assert!(run("2026-11-05", &[customer(vec![inv.clone()])]).is_empty());
    // Broken on 11-05, acting 11-06: the next step at once, before its date
    // (+8 = 11-09).
    inv.promise = Promise::BrokenTonight;
    let a = run("2026-11-05", &[customer(vec![inv.clone()])]);
    assert_eq!(steps(&a), one("firm_reminder", "letter", "F1"));
    assert!(a[0].reason.contains("promise"));
    // A long promise broken on 12-03 (acting 12-04, 33 days): straight to the
    // formal notice its dates have reached (+30 = 12-01), not a firm reminder
    // today and a formal notice tomorrow.
    let a = run("2026-12-03", &[customer(vec![inv])]);
    assert_eq!(steps(&a), one("formal_notice", "registered_letter", "F1"));
}

#[test]
fn a_broken_promise_leaves_an_invoice_not_yet_due_to_its_own_dates() {
    // Due 11-30; the promise (on all invoices, say) broke on 11-05. Nothing
    // is owed yet: no courtesy reminder 24 days before the due date, which
    // would also spend the step before the invoice is late.
    let mut inv = invoice("F1", "2026-11-30", "100");
    inv.promise = Promise::BrokenTonight;
    assert!(run("2026-11-05", &[customer(vec![inv.clone()])]).is_empty());
    // Its plan's own steps still come on their dates: on `watch`, the
    // preventive call at −5 (acting 11-25).
    let mut c = customer(vec![inv.clone()]);
    c.plan = "watch".into();
    let a = run("2026-11-24", &[c]);
    assert_eq!(steps(&a), one("preventive_contact", "phone", "F1"));
    assert!(!a[0].reason.contains("promise"), "{}", a[0].reason);
    // Overdue on the action date (due 11-30, acting 12-01): resumed.
    let a = run("2026-11-30", &[customer(vec![inv])]);
    assert_eq!(steps(&a), one("courtesy_reminder", "email", "F1"));
    assert!(a[0].reason.contains("promise to pay broken"));
}

#[test]
fn a_step_under_its_minimum_leaves_the_channel_to_a_lower_one() {
    // All e-mails; the firm reminder only from 500.00 owed.
    let step = |name: &str, offset_days: i32, min: Option<&str>| crate::config::PlanStep {
        name: name.into(),
        offset_days,
        channel: Channel::Email,
        min_amount: min.map(|m| crate::config::DecimalSetting(m.parse().unwrap())),
    };
    let mut config = DunningConfig::default();
    config.plans.insert(
        "emails".into(),
        vec![
            step("courtesy_reminder", 1, None),
            step("firm_reminder", 8, Some("500.00")),
        ],
    );
    // F-A (100.00, due 11-01) is at its firm reminder, under the minimum;
    // F-B (1000.00, due 11-23) at its courtesy reminder (acting 11-24).
    let mut c = customer(vec![
        invoice("F-A", "2026-11-01", "100"),
        invoice("F-B", "2026-11-23", "1000"),
    ]);
    c.plan = "emails".into();
    let a = run_with("2026-11-23", &config, false, std::slice::from_ref(&c));
    // F-B's reminder goes out; F-A gets nothing (never a courtesy reminder
    // once its firm reminder is due).
    assert_eq!(steps(&a), one("courtesy_reminder", "email", "F-B"));
    assert_eq!(a[0].amount_due, m("1000.00"));
    // Once F-B is at its firm reminder too, one e-mail for both (1100.00).
    c.invoices[1]
        .steps_done
        .insert("courtesy_reminder".into(), d("2026-11-24"));
    let a = run_with("2026-12-01", &config, false, &[c]);
    assert_eq!(steps(&a), one("firm_reminder", "email", "F-A|F-B"));
    assert_eq!(a[0].amount_due, m("1100.00"));
}

#[test]
fn action_ids_are_stable_and_distinct() {
    let c = customer(vec![invoice("F1", "2026-11-01", "100")]);
    let a = run("2026-11-23", std::slice::from_ref(&c));
    let b = run("2026-11-23", &[c]);
    assert_eq!(a[0].action_id, b[0].action_id);
    assert_eq!(a[0].action_id.len(), 16);
    let other = action_id(
        "acme",
        "C1",
        "firm_reminder",
        Channel::Letter,
        &["F1".into()],
        d("2026-11-25"),
    );
    assert_ne!(a[0].action_id, other);
}

#[test]
fn the_csv_keeps_phone_numbers_and_defuses_formulas() {
    let mut c = customer(vec![invoice("F1", "2026-11-01", "100")]);
    c.name = "=HYPERLINK(\"http://x\")".into();
    let a = run("2026-11-23", &[c]);
    let mut buf = Vec::new();
    write_csv(&mut buf, &a).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.starts_with("action_id,action_date,customer_id,customer_name,step,"));
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains(",+33 1 23 45 67 89,"), "{text}");
}

#[test]
fn open_credit_notes_are_set_against_what_is_chased() {
    let c = customer(vec![
        invoice("F1", "2026-11-01", "1000.00"),
        invoice("AV1", "2026-11-05", "-300.00"),
    ]);
    let a = run("2026-11-23", &[c]);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].amount_due, m("700.00"));
    assert!(
        a[0].reason
            .contains("1000.00 less 300.00 of open credit notes"),
        "{}",
        a[0].reason
    );
    // A credit note covering everything: nobody is chased.
    let c = customer(vec![
        invoice("F1", "2026-11-01", "100.00"),
        invoice("AV1", "2026-11-05", "-100.00"),
    ]);
    assert!(run("2026-11-23", &[c]).is_empty());
}

#[test]
fn unapplied_money_covering_what_is_due_stops_dunning() {
    let mut c = customer(vec![
        invoice("F1", "2026-11-01", "100"),
        invoice("F2", "2026-12-20", "500"), // not yet due
    ]);
    c.unapplied
        .insert(Currency::EUR, Received::on(m("100"), d("2026-11-02")));
    let a = run("2026-11-23", std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    // Short of what is due: chased as before.
    c.unapplied
        .insert(Currency::EUR, Received::on(m("99.99"), d("2026-11-02")));
    assert_eq!(
        steps(&run("2026-11-23", &[c])),
        one("phone_call", "phone", "F1")
    );
}

#[test]
fn a_demand_on_a_friday_stands_for_the_formal_notice_of_a_saturday_due_date() {
    // Demanded on the night of Fri 2026-03-27, acted on Mon 03-30: F2, due
    // Sat 03-28, was overdue on the letter (and charged as such), so the
    // demand stands for its formal notice (watch +20 = 04-17).
    let mut c = customer(vec![invoice("F2", "2026-03-28", "650")]);
    c.plan = "watch".into();
    c.invoices[0]
        .steps_done
        .insert("full_balance_demand".into(), d("2026-03-27"));
    let a = run("2026-04-16", std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    // Demanded on Thu 03-26, acted on Fri 03-27: F2 was not yet due then, so
    // its formal notice still comes.
    c.invoices[0]
        .steps_done
        .insert("full_balance_demand".into(), d("2026-03-26"));
    assert_eq!(
        steps(&run("2026-04-16", &[c])),
        one("formal_notice", "registered_letter", "F2")
    );
}

#[test]
fn a_credit_note_smaller_than_the_debt_never_stops_a_preventive_contact() {
    // Nothing due yet; a 100.00 credit note against a 5 000.00 invoice due in
    // 5 days: the preventive contact still goes, for 4 900.00.
    let mut c = customer(vec![
        invoice("F1", "2026-11-29", "5000.00"),
        invoice("AV1", "2026-11-10", "-100.00"),
    ]);
    c.plan = "watch".into();
    let a = run("2026-11-23", &[c]);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].amount_due, m("4900.00"));
}

#[test]
fn money_that_spares_one_invoice_its_step_is_not_deducted_again_from_another() {
    // Review 37 D1: F1's formal notice and F2's firm reminder are due. A
    // 100.00 credit note pays F1 (no notice: nothing left to ask); F2's
    // letter then asks its whole 200.00, never 200.00 less the same 100.00.
    let credit = |amount: &str| {
        customer(vec![
            invoice("F1", "2026-11-01", "100.00"),
            invoice("F2", "2026-11-25", "200.00"),
            invoice("AV1", "2026-10-01", amount),
        ])
    };
    let a = run("2026-12-04", &[credit("-100.00")]);
    assert_eq!(steps(&a), one("firm_reminder", "letter", "F2"));
    assert_eq!(a[0].amount_due, m("200.00"));
    // 150.00 of credit: F1 takes 100.00, F2 the 50.00 left.
    let a = run("2026-12-04", &[credit("-150.00")]);
    assert_eq!(steps(&a), one("firm_reminder", "letter", "F2"));
    assert_eq!(a[0].amount_due, m("150.00"));
    // 99.99: F1's notice asks its cent, F2 is asked in full as before.
    let a = run("2026-12-04", &[credit("-99.99")]);
    assert_eq!(a.len(), 2, "{:?}", steps(&a));
}

#[test]
fn a_credit_note_covering_what_is_due_is_not_deducted_again_from_a_preventive_contact() {
    // Review 37 D1 (cn6): the overdue F0 is covered by the credit note, so
    // it is not chased; the preventive contact about F1 asks all of F1.
    let mut c = customer(vec![
        invoice("F0", "2026-11-01", "100.00"),
        invoice("AV1", "2026-10-01", "-100.00"),
        invoice("F1", "2026-11-26", "500.00"),
    ]);
    c.plan = "watch".into();
    let a = run("2026-11-23", &[c]);
    assert_eq!(a.len(), 1, "{:?}", steps(&a));
    assert_eq!(a[0].amount_due, m("500.00"));
}
