//! `summary.json`: the night's counts and totals per currency (never a
//! mixed-currency sum) and the SHA-256 of every other file; no timestamps, so
//! it is reproducible. Tonight's money counts whoever applied it: the matcher
//! or a person's decision (applied before the matcher, so the money a line
//! took is no longer among the payments the matcher tried).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::outputs::Outputs;
use super::render::NightData;
use crate::matching::Status;
use crate::money::{Currency, Money};

#[derive(Default)]
struct Totals {
    received: Money,
    carried_over: Money,
    applied: Money,
    written_off: Money,
    credit_notes_written_off: Money,
    unapplied: Money,
    suggested_payments: usize,
}

/// Every amount a night adds comes from a file held to
/// [`Money::is_input_sized`], so no sum of a night's amounts can overflow;
/// the check only keeps this free of panics.
fn add(m: &mut Money, x: Money) {
    *m = m.checked_add(x).unwrap_or(*m);
}

impl Totals {
    /// A write-off: an invoice's (positive) to `written_off`, a credit
    /// note's (negative) to `credit_notes_written_off`, as a positive
    /// amount: the two never net against each other.
    fn write_off(&mut self, x: Money) {
        if x.is_negative() {
            add(&mut self.credit_notes_written_off, x.abs());
        } else {
            add(&mut self.written_off, x);
        }
    }
}

/// Tonight's credits and the earlier nights' ones handled tonight, by the
/// matcher or by people's decisions, each counted once (a credit a line
/// applied part of, the matcher trying the rest, is one credit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreditCounts {
    /// Tonight's credits (the match rate's denominator).
    pub tonight: usize,
    /// Credits of earlier nights tried again or decided tonight.
    pub carried_over: usize,
    /// Tonight's credits people's decisions applied money from tonight.
    pub decided: usize,
    /// Credits of earlier nights people's decisions applied money from tonight.
    pub carried_over_decided: usize,
}

/// Counts the night's credits (see [`CreditCounts`]).
pub fn credit_counts(d: &NightData<'_>) -> CreditCounts {
    let c = d.credits;
    let mut tonight: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut carried: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (i, p) in c.payments.iter().enumerate() {
        let set = if c.is_carried_over(i) {
            &mut carried
        } else {
            &mut tonight
        };
        set.insert((p.account.as_str(), p.entry_id.as_str()));
    }
    let mut decided: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut carried_decided: BTreeSet<(&str, &str)> = BTreeSet::new();
    for m in &d.decisions.manual {
        let Some(tx) = &m.tx else { continue };
        let id = (tx.account.as_str(), tx.tx.entry_id.as_str());
        if m.tonight {
            tonight.insert(id);
            decided.insert(id);
        } else {
            carried.insert(id);
            carried_decided.insert(id);
        }
    }
    CreditCounts {
        tonight: tonight.len(),
        carried_over: carried.len(),
        decided: decided.len(),
        carried_over_decided: carried_decided.len(),
    }
}

/// The night's `summary.json`.
pub fn summary(d: &NightData<'_>, out: &Outputs, counts: &CreditCounts) -> Value {
    let c = d.credits;
    let mut per_currency: BTreeMap<Currency, Totals> = BTreeMap::new();
    let mut status_of: BTreeMap<usize, (bool, bool, bool)> = BTreeMap::new();
    // Tonight's money is received; money of earlier nights tried again is
    // carried over, never received a second time.
    for (i, p) in c.payments.iter().enumerate() {
        let t = per_currency.entry(p.currency).or_default();
        if c.is_carried_over(i) {
            add(&mut t.carried_over, p.amount);
        } else {
            add(&mut t.received, p.amount);
        }
    }
    // What people's decisions applied tonight: money of tonight's or earlier
    // nights' credits (no longer among the payments above), and write-offs.
    for m in &d.decisions.manual {
        let t = per_currency.entry(m.currency).or_default();
        if m.tx.is_some() {
            if m.tonight {
                add(&mut t.received, m.applied);
            } else {
                add(&mut t.carried_over, m.applied);
            }
            add(&mut t.applied, m.applied);
        }
        t.write_off(m.writeoff);
    }
    for a in &c.apps {
        let Some(p) = c.payments.get(a.payment) else {
            continue;
        };
        let t = per_currency.entry(p.currency).or_default();
        let s = status_of.entry(a.payment).or_default();
        match a.status {
            Status::Matched => {
                add(&mut t.applied, a.applied_amount);
                t.write_off(a.writeoff_amount);
                s.0 = true;
            }
            Status::Suggested => s.1 = true,
            Status::Unapplied => {
                add(&mut t.unapplied, a.applied_amount);
                s.2 = true;
            }
        }
    }
    // Money paid beyond an invoice the ERP lowered: the customer's
    // unapplied money, counted as the report counts it.
    for (inv, b) in super::report_input::paid_beyond(d) {
        add(
            &mut per_currency.entry(inv.currency).or_default().unapplied,
            b.surplus,
        );
    }
    for (i, s) in &status_of {
        if s.1
            && let Some(p) = c.payments.get(*i)
        {
            per_currency
                .entry(p.currency)
                .or_default()
                .suggested_payments += 1;
        }
    }
    let currencies: BTreeMap<String, Value> = per_currency
        .iter()
        .map(|(cur, t)| {
            (
                cur.to_string(),
                json!({
                    "received": t.received.to_plain(),
                    "carried_over": t.carried_over.to_plain(),
                    "applied": t.applied.to_plain(),
                    "written_off": t.written_off.to_plain(),
                    "credit_notes_written_off": t.credit_notes_written_off.to_plain(),
                    "unapplied": t.unapplied.to_plain(),
                    "suggested_payments": t.suggested_payments,
                }),
            )
        })
        .collect();
    let mut debits: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for ((kind, cur), (n, total)) in &d.debits.by_kind {
        debits.entry(kind.clone()).or_default().insert(
            cur.to_string(),
            json!({"count": n, "amount": total.to_plain()}),
        );
    }
    let mut new_by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &d.alerts.new {
        *new_by_kind.entry(a.kind.as_str()).or_default() += 1;
    }
    let mut open_by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (a, _) in &d.alerts.open {
        *open_by_kind.entry(a.kind.as_str()).or_default() += 1;
    }
    let mut by_step: BTreeMap<&str, usize> = BTreeMap::new();
    for a in d.actions {
        *by_step.entry(a.step.as_str()).or_default() += 1;
    }
    // Tonight's bank activity (`tried`, `matched`) counts tonight's credits,
    // those people's decisions took too (`decided`); credits of earlier
    // nights applied tonight are counted apart. What waits for a person
    // (`suggested`, `unexplained`) counts every payment still waiting,
    // whatever night it came.
    let matched = status_of
        .iter()
        .filter(|(i, s)| !c.is_carried_over(**i) && s.0)
        .count();
    let carried_matched = status_of
        .iter()
        .filter(|(i, s)| c.is_carried_over(**i) && s.0)
        .count();
    let suggested = status_of.values().filter(|s| s.1).count();
    let unexplained = status_of.values().filter(|s| !s.0 && !s.1).count();
    let outputs: BTreeMap<String, String> = out.hashes().into_iter().collect();
    json!({
        "client": d.client_id,
        "run_date": d.run_date.to_string(),
        "statements": {
            "imported": d.import.imported,
            "already_imported": d.import.already_imported,
            "duplicate_files": d.import.duplicates,
            "conflicting": d.import.conflicting,
            "notifications_linked": d.import.notifications_linked,
        },
        "payments": {
            "tried": counts.tonight,
            "matched": matched,
            "decided": counts.decided,
            "suggested": suggested,
            "unexplained": unexplained,
            "carried_over": counts.carried_over,
            "carried_over_matched": carried_matched,
            "carried_over_decided": counts.carried_over_decided,
            "skipped_unknown_currency": c.skipped_unknown_currency,
        },
        "currencies": currencies,
        "debits_by_kind": debits,
        "alerts": {
            "new": d.alerts.new.len(),
            "open": d.alerts.open.len(),
            "new_by_kind": new_by_kind,
            "open_by_kind": open_by_kind,
        },
        "dunning": {
            "actions": d.actions.len(),
            "by_step": by_step,
        },
        "invoices": {
            "exported": d.ledger.invoices.len(),
        },
        "decisions": {
            "handled": d.decisions.outcomes.len(),
            "applied": d.decisions.outcomes.iter().filter(|o| o.2 == "applied").count(),
            "refused": d.decisions.outcomes.iter().filter(|o| o.2 != "applied").count(),
            "aliases_known": d.aliases.values().map(Vec::len).sum::<usize>(),
            "aliases_undone": d.decisions.aliases_undone,
        },
        "outputs": outputs,
    })
}
