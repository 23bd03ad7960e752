//! The batch summary, one row per client, in client order:
//! `OUT/batch-summary.csv` and `.json` (with a shard: `batch-summary.K-of-N.*`,
//! so shards writing to one shared OUT never overwrite each other).
//!
//! Columns: `client, status, statements, transactions, matched, suggested,
//! unapplied, alerts, dunning_actions, error, generation` — `unapplied` per
//! currency (`EUR 120.00|USD 5.00`), `alerts` by kind
//! (`unmatched_credit=2|…`), `generation` the summary's (see
//! [`super::generation`]), the same on every row.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::discover::Skipped;
use super::run::ClientOutcome;

/// Summary columns (public interface: add, never rename).
pub const COLUMNS: [&str; 11] = [
    "client",
    "status",
    "statements",
    "transactions",
    "matched",
    "suggested",
    "unapplied",
    "alerts",
    "dunning_actions",
    "error",
    super::generation::COLUMN,
];

fn unapplied(s: &Value) -> String {
    s["currencies"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(c, v)| format!("{c} {}", v["unapplied"].as_str().unwrap_or("0.00")))
                .collect::<Vec<_>>()
                .join("|")
        })
        .unwrap_or_default()
}

fn alerts(s: &Value) -> String {
    s["alerts"]["new_by_kind"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_u64().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join("|")
        })
        .unwrap_or_default()
}

fn row(o: &ClientOutcome, generation: u64) -> [String; 11] {
    let s = o.summary.clone().unwrap_or(Value::Null);
    let n = |v: &Value| v.as_u64().map(|x| x.to_string()).unwrap_or_default();
    [
        o.id.clone(),
        o.status.as_str().to_string(),
        n(&s["statements"]["imported"]),
        if o.summary.is_some() {
            o.transactions().to_string()
        } else {
            String::new()
        },
        n(&s["payments"]["matched"]),
        n(&s["payments"]["suggested"]),
        unapplied(&s),
        alerts(&s),
        n(&s["dunning"]["actions"]),
        o.error.clone().unwrap_or_default(),
        generation.to_string(),
    ]
}

/// The CSV bytes; `generation` from [`super::generation::next`].
pub fn csv(outcomes: &[ClientOutcome], generation: u64) -> csv::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for o in outcomes {
        let r = row(o, generation);
        let safe: Vec<String> = r
            .iter()
            .map(|c| crate::output::neutralize(c).into_owned())
            .collect();
        w.write_record(&safe)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The JSON bytes: clients in order, skipped folders, totals by status.
pub fn json(
    outcomes: &[ClientOutcome],
    skipped: &[Skipped],
    date: &str,
    shard: Option<&str>,
    generation: u64,
) -> Vec<u8> {
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for o in outcomes {
        *by_status.entry(o.status.as_str()).or_default() += 1;
    }
    let clients: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let r = row(o, generation);
            let mut m = serde_json::Map::new();
            for (k, v) in COLUMNS.iter().zip(r) {
                m.insert((*k).to_string(), Value::String(v));
            }
            Value::Object(m)
        })
        .collect();
    let skipped: Vec<Value> = skipped
        .iter()
        .map(|s| json!({"name": s.name, "reason": s.reason}))
        .collect();
    let v = json!({
        "date": date,
        "shard": shard,
        "generation": generation,
        "clients": clients,
        "skipped": skipped,
        "by_status": by_status,
    });
    let mut b = serde_json::to_vec_pretty(&v).unwrap_or_default();
    b.push(b'\n');
    b
}
