//! A `promises.csv` line edited since the file was last read into one that
//! matches nothing (a customer id mistyped while the date was moved, say):
//! the promise it replaced held invoices, and a person has to look at the
//! `promise_unmatched` alert before they go out to a formal notice. For the
//! night the edit is first read, the invoices the line held before (still
//! within that promise's grace days, under no other promise tonight) get
//! no formal notice and no later step, and the alert says so. The next
//! night the file as read tonight is the one compared with: the plan
//! resumes unless the line was corrected.
//!
//! A line is the one at the same line number of the file, whose promise
//! (customer, invoice, date) is no longer anywhere in it; a line removed
//! holds nothing (removing a promise lifts it).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::Connection;

use super::promises::{covers, promise_key};
use super::renamed::Renamed;
use crate::alerts::Alert;
use crate::calendar::Calendar;
use crate::config::ClientConfig;
use crate::dunning::{CustomerFile, Promise};
use crate::ledger::{Ledger, PromiseRow};
use crate::money::Money;

/// Tonight's lines and the file as last read.
pub struct Lines<'a> {
    /// Tonight's `promises.csv`.
    pub rows: &'a [PromiseRow],
    /// The copy read on an earlier night.
    pub previous: &'a [PromiseRow],
}

/// What tonight's promises say.
#[derive(Debug, Default)]
pub struct PromiseNight {
    /// Promise status per invoice ([`super::promises()`]).
    pub status: BTreeMap<String, Promise>,
    /// `broken_promise` alerts of tonight.
    pub broken: Vec<Alert>,
    /// `promise_unmatched` conditions ([`super::promise_row_conditions`]).
    pub unmatched: Vec<Alert>,
    /// Invoices whose formal notice waits tonight ([`edited_holds`]).
    pub edited_holds: BTreeSet<String>,
}

/// Tonight's promises: which invoices they hold, which are broken, which
/// lines match nothing, and what a line edited into one matching nothing
/// still holds from formal notices. `open_after`: an invoice's open amount
/// after tonight's payments.
pub fn promise_night(
    conn: &Connection,
    ledger: &Ledger,
    lines: &Lines<'_>,
    calendar: &Calendar,
    config: &ClientConfig,
    run_date: NaiveDate,
    open_after: impl Fn(&str) -> Option<Money>,
) -> rusqlite::Result<PromiseNight> {
    // A date too far ahead holds only until promise_max_days.
    let (capped, far) =
        super::promise_far::cap(conn, lines.rows, run_date, config.dunning.promise_max_days)?;
    // One already over when first read holds nothing and is never judged.
    let (capped, past) = super::promise_past::set_apart(
        conn,
        &capped,
        calendar,
        config.dunning.promise_grace_days,
        run_date,
    )?;
    let (status, broken) = super::promises(
        conn, ledger, &capped, calendar, config, run_date, open_after,
    )?;
    let mut unmatched = super::promise_row_conditions(conn, ledger, lines.rows)?;
    let edited_holds = edited_holds(
        conn,
        ledger,
        lines,
        &status,
        &mut unmatched,
        (calendar, config, run_date),
    )?;
    unmatched.extend(far);
    unmatched.extend(past);
    Ok(PromiseNight {
        status,
        broken,
        unmatched,
        edited_holds,
    })
}

/// The invoices whose formal notice and later steps wait tonight because
/// the line that held them was edited into one matching nothing; names them
/// in that line's `promise_unmatched` alert (in `unmatched`).
fn edited_holds(
    conn: &Connection,
    ledger: &Ledger,
    lines: &Lines<'_>,
    status: &BTreeMap<String, Promise>,
    unmatched: &mut [Alert],
    (calendar, config, run_date): (&Calendar, &ClientConfig, NaiveDate),
) -> rusqlite::Result<BTreeSet<String>> {
    let mut held = BTreeSet::new();
    if lines.previous.is_empty() || unmatched.is_empty() {
        return Ok(held);
    }
    let renamed = Renamed::load(conn, ledger)?;
    let tonight: BTreeSet<String> = lines.rows.iter().map(promise_key).collect();
    for p in lines.rows {
        let key = format!("promise_unmatched:{}", promise_key(p));
        let Some(alert) = unmatched.iter_mut().find(|a| a.key == key) else {
            continue;
        };
        if ledger.invoices.iter().any(|inv| covers(p, inv, &renamed)) {
            continue;
        }
        let Some(was) = lines.previous.iter().find(|q| q.line == p.line) else {
            continue;
        };
        if tonight.contains(&promise_key(was)) {
            continue;
        }
        let grace_end =
            calendar.add_business_days(was.promised_date, config.dunning.promise_grace_days);
        if run_date > grace_end {
            continue;
        }
        let ids: Vec<&str> = ledger
            .invoices
            .iter()
            .filter(|inv| covers(was, inv, &renamed) && !status.contains_key(&inv.invoice_id))
            .map(|inv| inv.invoice_id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        alert.message.push_str(&format!(
            "; the line read {} {} {} before, which held {}: no formal notice or later step for them tonight, the plan resumes tomorrow unless the line is corrected",
            was.customer_id,
            was.invoice_id.as_deref().unwrap_or("(all invoices)"),
            was.promised_date,
            ids.join(", ")
        ));
        held.extend(ids.into_iter().map(str::to_string));
    }
    Ok(held)
}

/// Holds the formal notice and later steps of `invoices` tonight.
pub fn hold_edited(customers: &mut [CustomerFile], invoices: &BTreeSet<String>) {
    if invoices.is_empty() {
        return;
    }
    for inv in customers.iter_mut().flat_map(|c| c.invoices.iter_mut()) {
        if invoices.contains(&inv.invoice_id) {
            inv.formal_held = true;
        }
    }
}
