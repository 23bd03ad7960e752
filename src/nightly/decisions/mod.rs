//! The review loop: tonight's `decisions.csv` rows, each applied once
//! (recorded in state), before the automatic matching so people's choices
//! win. A decision that no longer fits (entry unknown, invoice settled,
//! amount too large) is refused with a `decision_rejected` alert naming the
//! file line and why; when the cause can change (the entry or the invoice
//! not there yet, not enough money yet) the line is tried again every later
//! night while it stays in the file, and the alert, raised once (again when
//! the line comes to be refused for good), is resolved the night it applies. A money line that replaces one applied on an earlier
//! night (same entry and invoice, another amount, the applied line gone from
//! the file) is an edit and is refused: the money is never applied twice
//! ([`edit`]). Each line is a decision: an identical second line is a further
//! one. An entry id two accounts share needs the line's `account` ([`entry`]);
//! an entry booked after the run date waits for its night.
//!
//! `accept`/`assign` apply money with rule `manual`; the payer's name and
//! IBAN then become aliases of the invoice's customer for later nights,
//! recorded with the decision that taught them and undone when that line is
//! removed from `decisions.csv`. `reject` removes the pair from every later
//! proposal; `ignore` takes the entry out of the money to explain; `writeoff`
//! settles an invoice's (or a credit note's) rest without money ([`apply`]);
//! `clear_gap` releases formal notices held by a statement gap, balance
//! mismatch or conflicting statement of a whole account ([`gap`]).

mod apply;
mod edit;
mod entry;
mod gap;
mod rekey;
mod reused;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::ledger::{Decision, DecisionKind, Ledger};
use crate::money::{Currency, Money};
use crate::state::{decisions as sd, events as ev, transactions};

/// A manual application made tonight, for `matches.csv`.
#[derive(Debug, Clone)]
pub struct ManualApp {
    /// The transaction (absent for a write-off).
    pub tx: Option<transactions::StoredTx>,
    /// Invoice.
    pub invoice_id: String,
    /// Customer.
    pub customer_id: String,
    /// Money applied.
    pub applied: Money,
    /// Written off.
    pub writeoff: Money,
    /// Evidence.
    pub evidence: String,
    /// The money's currency (the invoice's for a write-off).
    pub currency: Currency,
    /// True when the entry's money is tonight's (first processed tonight),
    /// false when it came on an earlier night (or for a write-off).
    pub tonight: bool,
}

/// What the decisions did tonight.
#[derive(Debug, Clone, Default)]
pub struct DecisionStep {
    /// Applications made by decisions.
    pub manual: Vec<ManualApp>,
    /// Refused decisions.
    pub alerts: Vec<Alert>,
    /// Outcome of each decision handled tonight: (line, kind, outcome).
    pub outcomes: Vec<(u64, &'static str, String)>,
    /// Aliases undone because their decision was removed.
    pub aliases_undone: usize,
}

/// Applies the decisions not applied before. `decisions` are tonight's rows
/// (the file's, or those of the copy kept of it when it is missing): a row
/// recorded before and not among them was removed. `file` is how their
/// `decision_rejected` alerts name the file: the client folder's
/// `decisions.csv`, or `decisions.csv (copy kept from …)` on a night it is
/// missing.
pub fn run(
    conn: &Connection,
    file: &Path,
    decisions: &[Decision],
    ledger: &Ledger,
    run_date: &str,
) -> rusqlite::Result<DecisionStep> {
    let mut step = DecisionStep::default();
    let present: BTreeSet<String> = decisions.iter().map(Decision::key).collect();
    rekey::rekey_accounts(conn, decisions, &present)?;
    step.aliases_undone = sd::undo_reverted(conn, &present)?;
    let invoices: BTreeMap<&str, &crate::ledger::Invoice> = ledger
        .invoices
        .iter()
        .map(|i| (i.invoice_id.as_str(), i))
        .collect();
    let applied = sd::applied_money_decisions(conn)?;
    let open_refusals: BTreeSet<String> =
        ev::open_alert_keys(conn, AlertKind::DecisionRejected.as_str())?
            .into_iter()
            .collect();
    for d in decisions {
        let key = d.key();
        let before = sd::outcome(conn, &key)?;
        if let Some((outcome, _)) = &before
            && sd::is_final(outcome)
        {
            // Refused for good, removed and written back (or its alert
            // closed by an earlier release): not judged again, but said
            // again, so that the line is never skipped without a word.
            if let Some(why) = sd::final_refusal(outcome) {
                let a = refusal_alert(file, d, &key, why, false);
                if !open_refusals.contains(&a.key) {
                    step.alerts.push(a);
                }
            }
            continue;
        }
        // A line refused before about an invoice its number no longer names.
        let renamed = match &before {
            Some((_, night)) => {
                let tonight = invoices.get(d.invoice_id.as_str()).copied();
                reused::refusal(conn, d, night, tonight)?
            }
            None => None,
        };
        let result = match (renamed, edit::edited(conn, d, &applied, &present)?) {
            (Some(refusal), _) => Err(refusal),
            (None, Some(why)) => Err(Refusal::never(why)),
            (None, None) => decide(conn, d, &key, &invoices, run_date, &mut step)?,
        };
        let alert_key = Alert::new(AlertKind::DecisionRejected, &key, "").key;
        let (outcome, account) = match result {
            Ok(account) => {
                if before.is_some() {
                    // Refused on an earlier night, applied now: its alert is
                    // answered.
                    ev::resolve_alert(conn, &alert_key, run_date, "applied on a later night")?;
                }
                (sd::APPLIED.to_string(), account)
            }
            Err(refusal) => {
                let why = refusal.why;
                let a = refusal_alert(file, d, &key, &why, refusal.retry);
                // Raised once per line: a night that refuses it again finds
                // the key already raised (alerting::settle) and raises
                // nothing new, but the open alert says tonight's reason. A
                // line refused for now and now for good is said again in
                // tonight's alerts.csv: its alert is closed here and
                // reopened by settle as new.
                if !refusal.retry && before.is_some() {
                    ev::resolve_alert(conn, &alert_key, run_date, "refused for good")?;
                }
                ev::refresh_alert(conn, &a)?;
                step.alerts.push(a);
                (sd::refused(&why, refusal.retry), d.account.clone())
            }
        };
        sd::record(conn, d, &account, run_date, &outcome)?;
        step.outcomes.push((d.line, d.kind.as_str(), outcome));
    }
    // A refused line people removed from the file: its question is gone.
    // Written again later, a line that was waiting, or refused because its
    // invoice number was reused since, is a new decision judged afresh; one
    // refused for good for another reason stays refused (removed for a
    // night and written back, a line written for another situation must not
    // take money a return reopened since), and is said again when written
    // back.
    let rejected = Alert::new(AlertKind::DecisionRejected, "", "").key;
    for key in &open_refusals {
        if let Some(decision) = key
            .strip_prefix(rejected.as_str())
            .filter(|decision| !present.contains(*decision))
        {
            ev::resolve_alert(conn, key, run_date, "line removed from decisions.csv")?;
            if let Some((outcome, _)) = sd::outcome(conn, decision)?
                && (!sd::is_final(&outcome) || reused::is_reused_refusal(&outcome))
            {
                sd::forget(conn, decision)?;
            }
        }
    }
    Ok(step)
}

/// The `decision_rejected` alert of a line: what it says, why it was not
/// applied, and what the person can do.
fn refusal_alert(file: &Path, d: &Decision, key: &str, why: &str, retry: bool) -> Alert {
    let then = if retry {
        "tried again every night while the line stays in the file"
    } else {
        "change or remove the line"
    };
    let on = (!d.account.is_empty()).then(|| format!("(account {})", d.account));
    let line = [d.kind.as_str(), &d.entry_id]
        .into_iter()
        .chain(on.as_deref())
        .chain([d.invoice_id.as_str()])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut a = Alert::new(
        AlertKind::DecisionRejected,
        key,
        format!(
            "{} line {}: {line}: not applied: {why} ({then})",
            file.display(),
            d.line,
        ),
    );
    a.entry_id = d.entry_id.clone();
    a.invoice_id = d.invoice_id.clone();
    a.amount = d.amount;
    a
}

/// Why a decision was not applied tonight, and whether a later night may
/// apply it: an entry not imported yet, an invoice not exported yet or
/// settled, money not there yet can all change while the line stays in the
/// file; a debit, another currency, an edited line never.
#[derive(Debug)]
struct Refusal {
    why: String,
    retry: bool,
}

impl Refusal {
    /// A cause a later night may remove: the line is tried again.
    fn later(why: String) -> Refusal {
        Refusal { why, retry: true }
    }

    /// A cause no later night removes.
    fn never(why: String) -> Refusal {
        Refusal { why, retry: false }
    }
}

/// Applies one decision; returns the account of its entry (empty when it
/// has none), or why it is refused.
fn decide(
    conn: &Connection,
    d: &Decision,
    key: &str,
    invoices: &BTreeMap<&str, &crate::ledger::Invoice>,
    run_date: &str,
    step: &mut DecisionStep,
) -> rusqlite::Result<Result<String, Refusal>> {
    match d.kind {
        DecisionKind::Accept | DecisionKind::Assign => {
            apply::money(conn, d, key, invoices, run_date, step)
        }
        DecisionKind::Writeoff => apply::writeoff(conn, d, invoices, run_date, step),
        DecisionKind::Reject => {
            // The entry of the account the line names, or of the one account
            // holding it; an entry not imported yet is rejected on every
            // account (as before accounts were named).
            let account = match entry::account_of(conn, d)? {
                Ok(a) => a.unwrap_or_else(|| d.account.clone()),
                Err(why) => return Ok(Err(why)),
            };
            sd::reject(conn, &account, &d.entry_id, &d.invoice_id, key)?;
            Ok(Ok(account))
        }
        DecisionKind::Ignore => {
            let tx = match entry::entry(conn, d, run_date)? {
                Ok(tx) => tx,
                Err(why) => return Ok(Err(why)),
            };
            transactions::settle_tx(
                conn,
                &tx.account,
                &tx.tx.entry_id,
                Money::ZERO,
                Some(run_date),
                None,
            )?;
            // Its alerts, never those of another account's entry with the
            // same id (their keys name that account).
            let others: Vec<String> = sd::accounts_of_entry(conn, &d.entry_id)?
                .into_iter()
                .filter(|a| *a != tx.account)
                .map(|a| format!(":{a}:"))
                .collect();
            for (k, (a, _)) in ev::open_alerts(conn)? {
                if a.entry_id == d.entry_id && !others.iter().any(|o| k.contains(o.as_str())) {
                    ev::resolve_alert(conn, &k, run_date, "ignored by decision")?;
                }
            }
            Ok(Ok(tx.account))
        }
        DecisionKind::ClearGap => {
            let account = match gap::account(conn, d)? {
                Ok(a) => a,
                Err(why) => return Ok(Err(why)),
            };
            gap::clear(conn, &account, key, run_date)?;
            Ok(Ok(account))
        }
    }
}
