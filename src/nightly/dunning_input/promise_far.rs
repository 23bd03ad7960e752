//! A promised date too far ahead (review 31 F14): a line whose date is more
//! than `promise_max_days` (default 92) after the night it was first read —
//! 2062 typed for 2026 — raises a `promise_unmatched` condition naming the
//! line, and holds its invoices only until that limit: from then on it is
//! judged as if promised for the limit (kept, or broken and the plan
//! resumes). The night a line was first read is the `first_raised` of its
//! alert (tonight when there is none yet), so the limit does not move on as
//! nights pass.

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension as _, params};

use super::promises::promise_key;
use crate::alerts::{Alert, AlertKind};
use crate::ledger::PromiseRow;

/// The alert key of a too-far line's condition.
fn alert_key(p: &PromiseRow) -> String {
    format!("promise_unmatched:far:{}", promise_key(p))
}

/// The night the too-far condition of `p` was first raised, if it was.
fn first_seen(conn: &Connection, p: &PromiseRow) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = conn
        .prepare_cached("SELECT first_raised FROM alerts WHERE alert_key = ?1")?
        .query_row(params![alert_key(p)], |r| r.get(0))
        .optional()?;
    Ok(s.and_then(|s| s.parse().ok()))
}

/// The `promise_unmatched` of a line whose date is a typo (`why`: `far`,
/// `past`), saying `what` after naming the line.
pub(super) fn line_alert(p: &PromiseRow, why: &str, what: &str) -> Alert {
    let mut a = Alert::new(
        AlertKind::PromiseUnmatched,
        &format!("{why}:{}", promise_key(p)),
        format!(
            "promises.csv line {}: {} {} {}: {what}",
            p.line,
            p.customer_id,
            p.invoice_id.as_deref().unwrap_or("(all invoices)"),
            p.promised_date,
        ),
    );
    a.customer_id = p.customer_id.clone();
    a.invoice_id = p.invoice_id.clone().unwrap_or_default();
    a
}

/// `rows` with every promised date capped at `promise_max_days` after the
/// night its line was first read, and one condition per capped line.
pub fn cap(
    conn: &Connection,
    rows: &[PromiseRow],
    run_date: NaiveDate,
    max_days: u32,
) -> rusqlite::Result<(Vec<PromiseRow>, Vec<Alert>)> {
    let mut capped = Vec::with_capacity(rows.len());
    let mut alerts = Vec::new();
    for p in rows {
        let seen = first_seen(conn, p)?.unwrap_or(run_date).min(run_date);
        let Some(limit) = seen.checked_add_days(Days::new(u64::from(max_days))) else {
            capped.push(p.clone());
            continue;
        };
        if p.promised_date <= limit {
            capped.push(p.clone());
            continue;
        }
        alerts.push(line_alert(
            p,
            "far",
            &format!(
                "the promised date is more than {max_days} days after the night the line was first read ({seen}) — a typo? It holds the invoices only until {limit} (promise_max_days), then is judged as if promised for that day"
            ),
        ));
        capped.push(PromiseRow {
            promised_date: limit,
            ..p.clone()
        });
    }
    Ok((capped, alerts))
}
