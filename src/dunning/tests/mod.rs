//! Dunning rules, one scenario each, with dates worked out by hand: the
//! ordinary ladder in `ladder`, the return path and full-balance demands in
//! `returns`, the handover's wait for a formal notice in `notice`. The helpers below build customers and read plans back.

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
        waiting_for_it: Money::ZERO,
        held: false,
        steps_done: BTreeMap::new(),
        notice_delay: None,
        promise: Promise::None,
        ladder_from: None,
        formal_notice_sent: None,
        handover_sent: None,
        returned_on: None,
        formal_held: false,
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

fn returned(c: &mut CustomerFile, code: &str, date: &str, repeated: bool) {
    c.returns.push(ReturnCase {
        invoice_ids: vec!["F1".into()],
        return_date: d(date),
        reason_code: code.into(),
        category: crate::returns::reason(code).category,
        repeated,
        what: "direct debit returned",
    });
}

mod ladder;
mod notice;
mod returns;
