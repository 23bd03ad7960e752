//! No litigation handover without a formal notice before it, as long before
//! as the plan puts between the two steps (30 days on `default`, 25 on
//! `watch`): a notice left out by its `min_amount`, a first run over an old
//! invoice, a notice sent late.

use super::*;
use crate::config::{DecimalSetting, PlanStep};

fn step(name: &str, offset_days: i32, channel: Channel, min: Option<&str>) -> PlanStep {
    PlanStep {
        name: name.into(),
        offset_days,
        channel,
        min_amount: min.map(|m| DecimalSetting(m.parse().unwrap())),
    }
}

fn done(inv: &mut DunningInvoice, step: &str, night: &str) {
    inv.steps_done.insert(step.into(), d(night));
}

#[test]
fn a_formal_notice_left_out_by_its_minimum_never_lets_the_handover_through() {
    // Audit 9, c6: courtesy +1, formal notice +30 from 1 000.00 owed,
    // handover +60; one invoice of 700.00 due 2026-09-01.
    let mut config = DunningConfig::default();
    config.plans.insert(
        "c6".into(),
        vec![
            step("courtesy", 1, Channel::Email, None),
            step(
                "formal_notice",
                30,
                Channel::RegisteredLetter,
                Some("1000.00"),
            ),
            step("litigation_handover", 60, Channel::Handover, None),
        ],
    );
    let mut inv = invoice("F-1", "2026-09-01", "700.00");
    done(&mut inv, "courtesy", "2026-09-01");
    let mut c = customer(vec![inv]);
    c.plan = "c6".into();
    // The handover's date (10-31) and long after: nothing, ever (before the
    // fix: `litigation_handover,handover,F-1,700.00` on 10-30's night).
    for night in ["2026-10-01", "2026-10-30", "2026-11-30", "2027-06-01"] {
        let a = run_with(night, &config, false, std::slice::from_ref(&c));
        assert!(a.is_empty(), "{night}: {:?}", steps(&a));
    }
    // Another invoice brings the total over the minimum: the formal notice
    // goes out for both, and the handover only 30 days after it.
    let mut other = invoice("F-2", "2026-09-15", "500.00");
    done(&mut other, "courtesy", "2026-09-15");
    c.invoices.push(other);
    let a = run_with("2026-11-30", &config, false, std::slice::from_ref(&c));
    assert_eq!(
        steps(&a),
        one("formal_notice", "registered_letter", "F-1|F-2")
    );
    for inv in &mut c.invoices {
        done(inv, "formal_notice", "2026-11-30");
    }
    // Sent Tue 12-01: not on Wed 12-30, on Thu 12-31.
    let a = run_with("2026-12-29", &config, false, std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    let a = run_with("2026-12-30", &config, false, &[c]);
    assert_eq!(steps(&a), one("litigation_handover", "handover", "F-1|F-2"));
}

#[test]
fn a_first_run_over_an_old_invoice_sends_the_formal_notice_then_the_handover() {
    // Due 2025-11-03, first run Mon 2026-11-02 (acting Tue 11-03, 365 days):
    // the formal notice, not the handover, and none of the steps below it.
    let mut inv = invoice("F-801", "2025-11-03", "800.00");
    let a = run("2026-11-02", &[customer(vec![inv.clone()])]);
    assert_eq!(
        steps(&a),
        one("formal_notice", "registered_letter", "F-801")
    );
    assert_eq!(a[0].days_overdue, 365);
    assert!(
        a[0].reason
            .ends_with("; litigation_handover only 30 days after a formal notice"),
        "{}",
        a[0].reason
    );
    // B2B charges from the formal notice on: 800.00 × 12.15 % + 40.00.
    assert_eq!(a[0].penalty_amount, m("137.20"));
    done(&mut inv, "formal_notice", "2026-11-02");
    // Thirty days after it was sent (11-03 + 30 = 12-03): not on 12-02.
    let a = run("2026-12-01", &[customer(vec![inv.clone()])]);
    assert!(a.is_empty(), "{:?}", steps(&a));
    let a = run("2026-12-02", &[customer(vec![inv.clone()])]);
    assert_eq!(steps(&a), one("litigation_handover", "handover", "F-801"));
    assert_eq!(a[0].action_date, d("2026-12-03"));
    // A statement gap holding the formal notice on the first night: the
    // highest lower step (the phone call), never the handover.
    let fresh = invoice("F-801", "2025-11-03", "800.00");
    let a = run_with(
        "2026-11-02",
        &DunningConfig::default(),
        true,
        &[customer(vec![fresh])],
    );
    assert_eq!(steps(&a), one("phone_call", "phone", "F-801"));
}

#[test]
fn a_formal_notice_sent_late_keeps_its_full_delay_before_the_handover() {
    // Due 2026-09-01 (+30 = 10-01, +60 = 10-31). A promise held the formal
    // notice until Wed 10-28's night: sent Thu 10-29, so the handover waits
    // until 11-28 (a Saturday): not on Fri 11-27, on Mon 11-30.
    let mut inv = invoice("F1", "2026-09-01", "1000.00");
    done(&mut inv, "courtesy_reminder", "2026-09-01");
    done(&mut inv, "formal_notice", "2026-10-28");
    for night in ["2026-10-30", "2026-11-02", "2026-11-26"] {
        let a = run(night, &[customer(vec![inv.clone()])]);
        assert!(a.is_empty(), "{night}: {:?}", steps(&a));
    }
    let a = run("2026-11-27", &[customer(vec![inv.clone()])]);
    assert_eq!(steps(&a), one("litigation_handover", "handover", "F1"));
    assert_eq!(a[0].action_date, d("2026-11-30"));

    // A long promise broken after the handover's date (acting 11-13): the
    // formal notice at once, not the handover.
    let mut broken = invoice("F1", "2026-09-01", "1000.00");
    done(&mut broken, "courtesy_reminder", "2026-09-01");
    broken.promise = Promise::BrokenTonight;
    let a = run("2026-11-12", &[customer(vec![broken])]);
    assert_eq!(steps(&a), one("formal_notice", "registered_letter", "F1"));

    // On `watch` the delay is 25 days (+20 → +45): 10-29 + 25 = 11-23.
    let mut c = customer(vec![inv.clone()]);
    c.plan = "watch".into();
    let a = run("2026-11-19", std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    let a = run("2026-11-20", &[c]);
    assert_eq!(steps(&a), one("litigation_handover", "handover", "F1"));
}

#[test]
fn a_full_balance_demand_stands_for_the_formal_notice_and_its_delay() {
    // Watch plan, due 2026-09-01 (+45 = 10-16). A full-balance demand on
    // 10-12's night (acting 10-13) stood for the formal notice: the handover
    // comes 25 days after it (11-07, a Saturday → acting Mon 11-09).
    let mut inv = invoice("F1", "2026-09-01", "400.00");
    done(&mut inv, returns_path::FULL_BALANCE_STEP, "2026-10-12");
    let mut c = customer(vec![inv]);
    c.plan = "watch".into();
    let a = run("2026-10-16", std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    let a = run("2026-11-05", std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    let a = run("2026-11-06", &[c]);
    assert_eq!(steps(&a), one("litigation_handover", "handover", "F1"));
}

#[test]
fn a_registered_letter_stands_for_the_formal_notice_when_none_is_named_so() {
    // Review 22 #1: before the fix the gate looked for a step named
    // `formal_notice` only, and the handover went out with no notice ever
    // sent (`agency,handover,F1` on the first night).
    let mut config = DunningConfig::default();
    config.plans.insert(
        "short".into(),
        vec![
            step("reminder", 1, Channel::Email, None),
            step("final_letter", 30, Channel::RegisteredLetter, None),
            step("agency", 60, Channel::Handover, None),
        ],
    );
    let mut c = customer(vec![invoice("F1", "2025-11-03", "800.00")]);
    c.plan = "short".into();
    let a = run_with("2026-11-02", &config, false, std::slice::from_ref(&c));
    assert_eq!(steps(&a), one("final_letter", "registered_letter", "F1"));
    assert!(
        a[0].reason
            .contains("agency only 30 days after a formal notice"),
        "{}",
        a[0].reason
    );
    // The letter's delay (30 days, from its action date 11-03) runs out
    // on 12-03: the handover goes on the night before, not sooner.
    done(&mut c.invoices[0], "final_letter", "2026-11-02");
    let a = run_with("2026-12-01", &config, false, std::slice::from_ref(&c));
    assert!(a.is_empty(), "{:?}", steps(&a));
    let a = run_with("2026-12-02", &config, false, &[c]);
    assert_eq!(steps(&a), one("agency", "handover", "F1"));
}

#[test]
fn a_customer_moved_to_a_shorter_plan_still_gets_the_delay_the_notice_gave() {
    // Review 22 #2: the notice went out under `default` (30 days to the
    // handover), the customer is on `watch` (25) since. Notice night
    // 2026-11-02, action date 11-03: no handover before 12-03 (before the
    // fix: on the 11-27 night, action date 11-28).
    let mut inv = invoice("A-1", "2026-09-01", "500.00");
    for s in ["courtesy_reminder", "firm_reminder", "phone_call"] {
        done(&mut inv, s, "2026-09-20");
    }
    done(&mut inv, "formal_notice", "2026-11-02");
    inv.notice_delay = Some(30);
    let mut c = customer(vec![inv]);
    c.plan = "watch".into();
    for night in ["2026-11-27", "2026-12-01"] {
        let a = run(night, std::slice::from_ref(&c));
        assert!(a.is_empty(), "{night}: {:?}", steps(&a));
    }
    let a = run("2026-12-02", std::slice::from_ref(&c));
    assert_eq!(steps(&a), one("litigation_handover", "handover", "A-1"));
    // Without a delay recorded (a notice from before this release), the
    // plan of the night decides, as before.
    c.invoices[0].notice_delay = None;
    let a = run("2026-11-27", &[c]);
    assert_eq!(steps(&a), one("litigation_handover", "handover", "A-1"));
}

#[test]
fn the_delay_kept_with_a_notice_is_its_plan_s_wait_until_the_handover() {
    let config = DunningConfig::default();
    let cal = Calendar::new([]);
    let run = DunningRun::new("acme", d("2026-11-02"), &cal, &config, false);
    let mut c = customer(vec![]);
    assert_eq!(notice_delay(&run, &c, "formal_notice"), Some(30));
    assert_eq!(notice_delay(&run, &c, "phone_call"), None);
    c.plan = "watch".into();
    assert_eq!(notice_delay(&run, &c, "formal_notice"), Some(25));
}
