//! `kpis.json`: the few figures the firm-wide report needs from each client,
//! so `pointage firm` never re-derives them: match rate, items waiting,
//! returns, dunning actions, and per currency the open and overdue amounts
//! and DSO. Amounts as exact decimal strings; no timestamp.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::dso::Dso;
use super::model::ClientReport;

/// The file name.
pub const KPIS: &str = "kpis.json";

/// The JSON value of `kpis.json`.
pub fn kpis(r: &ClientReport) -> Value {
    let totals = r.aged_totals();
    let overdue = r.overdue_by_currency();
    let mut currencies: BTreeMap<String, Value> = BTreeMap::new();
    let all: std::collections::BTreeSet<_> = totals.keys().chain(r.dso.keys()).copied().collect();
    for c in all {
        let open = totals
            .get(&c)
            .map(|b| {
                b.iter().fold(crate::money::Money::ZERO, |a, m| {
                    a.checked_add(*m).unwrap_or(a)
                })
            })
            .unwrap_or(crate::money::Money::ZERO);
        let (days, status) = match r.dso.get(&c) {
            Some(Dso::Days(d)) => (Value::String(d.to_string()), "days"),
            Some(Dso::NothingOwed) => (Value::Null, "nothing_owed"),
            Some(Dso::InsufficientHistory) | None => (Value::Null, "insufficient_history"),
        };
        currencies.insert(
            c.as_str().to_string(),
            json!({
                "open": open.to_plain(),
                "overdue": overdue.get(&c).copied().unwrap_or(crate::money::Money::ZERO).to_plain(),
                "dso_days": days,
                "dso": status,
            }),
        );
    }
    let f = &r.figures;
    json!({
        "client": r.client_id,
        "run_date": r.run_date.to_string(),
        "payments_tried": f.tried,
        "matched": f.matched,
        "suggested": f.suggested,
        "match_rate": f.match_rate().map(|x| x.to_string()),
        "payments_carried_over": f.carried_over,
        "carried_over_matched": f.carried_over_matched,
        "unmatched_items": r.waiting.len(),
        "returns": f.returns,
        "dunning_actions": r.actions.len(),
        "open_alerts": r.alerts.len(),
        "currencies": currencies,
    })
}

/// The bytes of `kpis.json` (pretty, newline-terminated).
pub fn kpis_bytes(r: &ClientReport) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(&kpis(r)).unwrap_or_default();
    b.push(b'\n');
    b
}
