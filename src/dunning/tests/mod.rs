//! Dunning rules, one scenario each, with dates worked out by hand.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;
use crate::config::DunningConfig;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn invoice(id: &str, due: &str, open: &str) -> DunningInvoice {
    DunningInvoice {
        invoice_id: id.into(),
        due_date: d(due),
        open: m(open),
        currency: Currency::EUR,
        disputed: false,
        discount_percent: None,
        suggested_since: None,
        steps_done: BTreeMap::new(),
        promise: Promise::None,
    }
}

fn customer(invoices: Vec<DunningInvoice>) -> CustomerFile {
    CustomerFile {
        customer_id: "C1".into(),
        name: "Dupont SARL".into(),
        customer_type: CustomerType::B2b,
        email: Some("compta@dupont.example".into()),
        phone: Some("+33 1 23 45 67 89".into()),
        address: None,
        plan: "default".into(),
        plan_reason: "no history".into(),
        invoices,
        unapplied: BTreeMap::new(),
        returns: Vec::new(),
    }
}

fn run_with(
    date: &str,
    config: &DunningConfig,
    hold: bool,
    customers: &[CustomerFile],
) -> Vec<DunningAction> {
    let cal = Calendar::new([]);
    let run = DunningRun::new("acme", d(date), &cal, config, hold);
    plan_actions(&run, customers)
}

fn run(date: &str, customers: &[CustomerFile]) -> Vec<DunningAction> {
    run_with(date, &DunningConfig::default(), false, customers)
}

fn steps(actions: &[DunningAction]) -> Vec<(String, &'static str, String)> {
    actions
        .iter()
        .map(|a| (a.step.clone(), a.channel.as_str(), a.invoice_ids.join("|")))
        .collect()
}

fn one(step: &str, channel: &'static str, ids: &str) -> Vec<(String, &'static str, String)> {
    vec![(step.to_string(), channel, ids.to_string())]
}

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
    let a = run(
        "2026-11-23",
        &[customer(vec![invoice("F1", "2025-11-20", "100")])],
    );
    assert_eq!(steps(&a), one("litigation_handover", "handover", "F1"));
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
    c.unapplied.insert(Currency::EUR, m("100"));
    assert!(run("2026-11-23", std::slice::from_ref(&c)).is_empty());
    c.unapplied.insert(Currency::EUR, m("99.99"));
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

fn returned(c: &mut CustomerFile, code: &str, date: &str, repeated: bool) {
    c.returns.push(ReturnCase {
        invoice_ids: vec!["F1".into()],
        return_date: d(date),
        reason_code: code.into(),
        category: crate::returns::reason(code).category,
        repeated,
    });
}

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
fn unapplied_money_covering_what_is_due_stops_dunning() {
    let mut c = customer(vec![
        invoice("F1", "2026-11-01", "100"),
        invoice("F2", "2026-12-20", "500"), // not yet due
    ]);
    c.unapplied.insert(Currency::EUR, m("100"));
    let a = run("2026-11-23", std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    // Short of what is due: chased as before.
    c.unapplied.insert(Currency::EUR, m("99.99"));
    assert_eq!(
        steps(&run("2026-11-23", &[c])),
        one("phone_call", "phone", "F1")
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
