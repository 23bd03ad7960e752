//! The review loop: tonight's `decisions.csv` rows, each applied once
//! (recorded in state), before the automatic matching so people's choices
//! win. A decision that no longer fits (entry unknown, invoice settled,
//! amount too large) is refused with a `decision_rejected` alert naming the
//! file line and why; when the cause can change (the entry or the invoice
//! not there yet, not enough money yet) the line is tried again every later
//! night while it stays in the file, and the alert, raised once, is resolved
//! the night it applies. A money line that replaces one applied on an earlier
//! night (same entry and invoice, another amount, the applied line gone from
//! the file) is an edit and is refused: the money is never applied twice.
//!
//! `accept`/`assign` apply money with rule `manual`; the payer's name and
//! IBAN then become aliases of the invoice's customer for later nights,
//! recorded with the decision that taught them and undone when that line is
//! removed from `decisions.csv`. `reject` removes the pair from every later
//! proposal; `ignore` takes the entry out of the money to explain; `writeoff`
//! settles an invoice's rest without money; `clear_gap` releases formal
//! notices held by a statement gap, balance mismatch or conflicting statement.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::Connection;

use super::effective::{effective_open_of, recorded_export};
use crate::alerts::{Alert, AlertKind};
use crate::ledger::{Decision, DecisionKind, Ledger};
use crate::money::Money;
use crate::state::{decisions as sd, events as ev, ledger as sl, transactions};

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

fn file_name(dir: &Path) -> String {
    dir.join("decisions.csv").display().to_string()
}

/// Applies the decisions not applied before.
pub fn run(
    conn: &Connection,
    client_dir: &Path,
    decisions: &[Decision],
    ledger: &Ledger,
    run_date: &str,
) -> rusqlite::Result<DecisionStep> {
    let mut step = DecisionStep::default();
    let present: BTreeSet<String> = decisions.iter().map(Decision::key).collect();
    step.aliases_undone = sd::undo_reverted(conn, &present)?;
    let invoices: BTreeMap<&str, &crate::ledger::Invoice> = ledger
        .invoices
        .iter()
        .map(|i| (i.invoice_id.as_str(), i))
        .collect();
    let applied = sd::applied_money_decisions(conn)?;
    let mut handled = BTreeSet::new();
    for d in decisions {
        let key = d.key();
        let before = sd::outcome(conn, &key)?;
        if !handled.insert(key.clone()) || before.as_deref().is_some_and(sd::is_final) {
            continue;
        }
        let result = match edited(conn, d, &applied, &present)? {
            Some(why) => Err(Refusal::never(why)),
            None => apply(conn, d, &key, &invoices, run_date, &mut step)?,
        };
        let alert_key = Alert::new(AlertKind::DecisionRejected, &key, "").key;
        let outcome = match result {
            Ok(()) => {
                if before.is_some() {
                    // Refused on an earlier night, applied now: its alert is
                    // answered.
                    ev::resolve_alert(conn, &alert_key, run_date, "applied on a later night")?;
                }
                sd::APPLIED.to_string()
            }
            Err(refusal) => {
                let then = if refusal.retry {
                    "tried again every night while the line stays in the file"
                } else {
                    "change or remove the line"
                };
                let why = refusal.why;
                let mut a = Alert::new(
                    AlertKind::DecisionRejected,
                    &key,
                    format!(
                        "{} line {}: {} {} {}: not applied: {why} ({then})",
                        file_name(client_dir),
                        d.line,
                        d.kind.as_str(),
                        d.entry_id,
                        d.invoice_id
                    ),
                );
                a.entry_id = d.entry_id.clone();
                a.invoice_id = d.invoice_id.clone();
                a.amount = d.amount;
                // Raised once per line: a night that refuses it again finds
                // the key already raised (alerting::settle) and raises
                // nothing new, but the open alert says tonight's reason (a
                // line refused for now may be refused for good later).
                ev::refresh_alert(conn, &a)?;
                step.alerts.push(a);
                sd::refused(&why, refusal.retry)
            }
        };
        sd::record(conn, d, run_date, &outcome)?;
        step.outcomes.push((d.line, d.kind.as_str(), outcome));
    }
    // A refused line people removed from the file: its question is gone.
    let rejected = Alert::new(AlertKind::DecisionRejected, "", "").key;
    for key in ev::open_alert_keys(conn, AlertKind::DecisionRejected.as_str())? {
        if key
            .strip_prefix(rejected.as_str())
            .is_some_and(|decision| !present.contains(decision))
        {
            ev::resolve_alert(conn, &key, run_date, "line removed from decisions.csv")?;
        }
    }
    Ok(step)
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

/// Decisions that move money on the same (entry, invoice) pair: `accept` and
/// `assign` both apply the entry to the invoice, `writeoff` settles without
/// money.
fn money_family(kind: &str) -> Option<&'static str> {
    match kind {
        "accept" | "assign" => Some("apply"),
        "writeoff" => Some("writeoff"),
        _ => None,
    }
}

/// Why a new money line is an edit of one applied on an earlier night: a line
/// for the same entry and invoice was applied and is gone from tonight's
/// file. Applying the edited line would apply the money a second time (the
/// key holds the amount, so `500.00` changed to `600.00` is a new key). A new
/// line next to the applied one, still in the file, is a further decision.
fn edited(
    conn: &Connection,
    d: &Decision,
    applied: &[sd::AppliedDecision],
    present: &BTreeSet<String>,
) -> rusqlite::Result<Option<String>> {
    let Some(family) = money_family(d.kind.as_str()) else {
        return Ok(None);
    };
    let Some(gone) = applied.iter().find(|a| {
        money_family(&a.kind) == Some(family)
            && a.entry_id == d.entry_id
            && a.invoice_id == d.invoice_id
            && !present.contains(&a.key)
    }) else {
        return Ok(None);
    };
    let amount = match &gone.amount {
        Some(a) => a.clone(),
        None => {
            let mut sum = Money::ZERO;
            for (applied, writeoff) in
                sd::manual_applied(conn, &gone.entry_id, &gone.invoice_id, &gone.run_date)?
            {
                for m in [applied, writeoff] {
                    let m: Money = m.parse().unwrap_or(Money::ZERO);
                    sum = sum.checked_add(m).unwrap_or(sum);
                }
            }
            sum.to_plain()
        }
    };
    let line = [gone.kind.as_str(), &gone.entry_id, &gone.invoice_id]
        .into_iter()
        .chain(gone.amount.as_deref())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some(format!(
        "{amount} was already applied on {} by the line \"{line}\", no longer in the file; \
         a changed line is not applied again, so the money is not applied twice. \
         To apply more, put that line back as it was and add a line for the extra \
         amount only; money already applied is not taken back by pointage",
        gone.run_date
    )))
}

/// The single stored transaction with this id, or why not.
fn entry(
    conn: &Connection,
    entry_id: &str,
) -> rusqlite::Result<Result<transactions::StoredTx, Refusal>> {
    let accounts = sd::accounts_of_entry(conn, entry_id)?;
    let unknown = || Refusal::later(format!("entry {entry_id} is unknown"));
    Ok(match accounts.as_slice() {
        [] => Err(unknown()),
        [account] => match transactions::get_tx(conn, account, entry_id)? {
            Some(tx) => Ok(tx),
            None => Err(unknown()),
        },
        _ => Err(Refusal::never(format!(
            "entry {entry_id} exists on several accounts"
        ))),
    })
}

/// The invoice's effective open amount tonight, and the export an
/// application of it records (see [`recorded_export`]), from one read of its
/// history.
fn open_of(conn: &Connection, inv: &crate::ledger::Invoice) -> rusqlite::Result<(Money, Money)> {
    let events = sl::app_events_of(conn, &inv.invoice_id)?;
    Ok((
        effective_open_of(inv.amount, inv.open_amount, &events).unwrap_or(Money::ZERO),
        recorded_export(inv.open_amount, &events).unwrap_or(inv.open_amount),
    ))
}

/// Marks the invoice settled when this decision pays or writes off all that
/// was open, as the matcher does for its own applications: the customer's
/// lateness (the `watch` plan) counts invoices settled by hand too.
fn settled(
    conn: &Connection,
    inv: &crate::ledger::Invoice,
    open: Money,
    amount: Money,
    run_date: &str,
) -> rusqlite::Result<()> {
    if open.checked_sub(amount).is_some_and(Money::is_zero) {
        sl::mark_settled(conn, &inv.invoice_id, run_date)?;
    }
    Ok(())
}

fn apply(
    conn: &Connection,
    d: &Decision,
    key: &str,
    invoices: &BTreeMap<&str, &crate::ledger::Invoice>,
    run_date: &str,
    step: &mut DecisionStep,
) -> rusqlite::Result<Result<(), Refusal>> {
    let note = if d.note.is_empty() {
        String::new()
    } else {
        format!(": {}", d.note)
    };
    match d.kind {
        DecisionKind::Accept | DecisionKind::Assign => {
            let tx = match entry(conn, &d.entry_id)? {
                Ok(tx) => tx,
                Err(why) => return Ok(Err(why)),
            };
            let Some(inv) = invoices.get(d.invoice_id.as_str()) else {
                return Ok(Err(Refusal::later(format!(
                    "invoice {} is not in tonight's invoices.csv",
                    d.invoice_id
                ))));
            };
            if !tx.tx.amount.is_positive() {
                return Ok(Err(Refusal::never(format!(
                    "entry {} is not money received",
                    d.entry_id
                ))));
            }
            if tx.currency != inv.currency {
                return Ok(Err(Refusal::never(format!(
                    "entry is in {} but invoice {} is in {}",
                    tx.currency, inv.invoice_id, inv.currency
                ))));
            }
            let (open, export) = open_of(conn, inv)?;
            if !open.is_positive() {
                // Final: were a return to reopen the invoice later, a row
                // written for another situation would take that money.
                return Ok(Err(Refusal::never(format!(
                    "invoice {} is already settled",
                    inv.invoice_id
                ))));
            }
            if !tx.remaining.is_positive() {
                return Ok(Err(Refusal::later(format!(
                    "entry {} has no money left to apply",
                    d.entry_id
                ))));
            }
            let amount = d.amount.unwrap_or_else(|| tx.remaining.min(open));
            if amount > tx.remaining || amount > open {
                return Ok(Err(Refusal::later(format!(
                    "amount {amount} is more than the entry's {} left or the invoice's {open} open",
                    tx.remaining
                ))));
            }
            let evidence = format!(
                "decision {} (decisions.csv line {}){note}",
                d.kind.as_str(),
                d.line
            );
            sl::record_application(
                conn,
                run_date,
                &sl::NewApplication {
                    account: &tx.account,
                    entry_id: &tx.tx.entry_id,
                    invoice_id: &inv.invoice_id,
                    customer_id: &inv.customer_id,
                    applied: amount,
                    writeoff: Money::ZERO,
                    writeoff_kind: "",
                    rule: "manual",
                    confidence: "1.00",
                    evidence: &evidence,
                    recorded_open: export,
                    paid_date: tx.entry.booking_date,
                },
            )?;
            settled(conn, inv, open, amount, run_date)?;
            let left = tx.remaining.checked_sub(amount).unwrap_or(Money::ZERO);
            transactions::settle_tx(
                conn,
                &tx.account,
                &tx.tx.entry_id,
                left,
                Some(run_date),
                None,
            )?;
            if let Some(name) = tx.tx.counterparty.name.as_deref().map(str::trim)
                && !name.is_empty()
                && !name.eq_ignore_ascii_case(&inv.customer_name)
            {
                sd::teach(conn, &inv.customer_id, "name", name, key, run_date)?;
            }
            if let Some(iban) = tx.tx.counterparty.iban.as_deref()
                && crate::refs::is_valid_iban(iban)
            {
                let iban = crate::refs::normalize_iban(iban);
                sd::teach(conn, &inv.customer_id, "iban", &iban, key, run_date)?;
            }
            step.manual.push(ManualApp {
                tx: Some(tx),
                invoice_id: inv.invoice_id.clone(),
                customer_id: inv.customer_id.clone(),
                applied: amount,
                writeoff: Money::ZERO,
                evidence,
            });
            Ok(Ok(()))
        }
        DecisionKind::Reject => {
            sd::reject(conn, &d.entry_id, &d.invoice_id, key)?;
            Ok(Ok(()))
        }
        DecisionKind::Ignore => {
            let tx = match entry(conn, &d.entry_id)? {
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
            for (k, (a, _)) in ev::open_alerts(conn)? {
                if a.entry_id == d.entry_id {
                    ev::resolve_alert(conn, &k, run_date, "ignored by decision")?;
                }
            }
            Ok(Ok(()))
        }
        DecisionKind::Writeoff => {
            // Both final: a write-off is decided about an invoice open now;
            // tried again, it would write off whatever a return reopened.
            let Some(inv) = invoices.get(d.invoice_id.as_str()) else {
                return Ok(Err(Refusal::never(format!(
                    "invoice {} is not in tonight's invoices.csv",
                    d.invoice_id
                ))));
            };
            let (open, export) = open_of(conn, inv)?;
            if !open.is_positive() {
                return Ok(Err(Refusal::never(format!(
                    "invoice {} is already settled",
                    inv.invoice_id
                ))));
            }
            let amount = d.amount.unwrap_or(open);
            if amount > open {
                // Final too: a return reopening the invoice later must not
                // make a row written about other figures fit.
                return Ok(Err(Refusal::never(format!(
                    "amount {amount} is more than the {open} open"
                ))));
            }
            let evidence = format!("decision writeoff (decisions.csv line {}){note}", d.line);
            sl::record_application(
                conn,
                run_date,
                &sl::NewApplication {
                    account: "",
                    entry_id: "",
                    invoice_id: &inv.invoice_id,
                    customer_id: &inv.customer_id,
                    applied: Money::ZERO,
                    writeoff: amount,
                    writeoff_kind: "decision",
                    rule: "manual",
                    confidence: "1.00",
                    evidence: &evidence,
                    recorded_open: export,
                    paid_date: None,
                },
            )?;
            settled(conn, inv, open, amount, run_date)?;
            step.manual.push(ManualApp {
                tx: None,
                invoice_id: inv.invoice_id.clone(),
                customer_id: inv.customer_id.clone(),
                applied: Money::ZERO,
                writeoff: amount,
                evidence,
            });
            Ok(Ok(()))
        }
        DecisionKind::ClearGap => {
            let account = if d.entry_id.is_empty() {
                "*".to_string()
            } else {
                crate::refs::normalize_iban(&d.entry_id)
            };
            sd::clear_account(conn, &account, key, run_date)?;
            for (k, (a, _)) in ev::open_alerts(conn)? {
                let gap = super::dunning_input::holds_formal(a.kind);
                // The whole account, never one that merely contains it.
                if gap && super::alerting::clears_statement_alert(&account, &k, a.kind) {
                    ev::resolve_alert(conn, &k, run_date, "cleared by decision")?;
                }
            }
            Ok(Ok(()))
        }
    }
}
