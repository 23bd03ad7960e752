//! An invoice number's identity across nights. State keys an invoice's
//! history (applications, dunning steps, direct debits, alerts) by its
//! number, and the ERP does not keep numbers for ever: it may reuse one for
//! a new invoice, relabel an invoice's currency, or move an invoice to
//! another customer. Before tonight's export is recorded, each exported
//! invoice is compared with the one stored under its number (all of them
//! read in one query, compared in memory):
//!
//! - **another issue date**: another invoice (a number reused). Its history
//!   is put under `{id}~{old issue date}` (state::incarnations) and tonight's
//!   starts with no payment and no step sent; `invoice_id_reused` names both.
//!   When the stored one was still open in the last night's export (or, in
//!   an export that missed it since, open when last exported and back with
//!   the same amount and due date), for the same customer and currency, it
//!   is the same invoice redated: nothing is
//!   put apart (its payments and steps stay with it, its open amount is
//!   pointage's as before), and `invoice_redated` tells it once.
//! - **another currency** (same issue date): money of one currency is never
//!   set against an amount of another. The history is put under
//!   `{id}~{old currency}`; the steps stay with the customer's invoice.
//! - **another customer**: the invoice moved. Money applied stays applied,
//!   but the steps sent to the first customer are put under
//!   `{id}~{old customer}` (state::moves remembers them, with the night the
//!   ladder counted from) and the ladder starts again for the new one from
//!   tonight (`invoice_moved`). Back to a customer it moved away from (an
//!   ERP mistake corrected), that customer's steps and ladder come back
//!   with it: no step is sent twice to anyone. Moved and redated or
//!   relabelled at once: another invoice (a number reused).
//! - an id alone changed under the same name: the same customer renamed,
//!   whose payments follow it; the rename is remembered for `promises.csv`
//!   lines naming the old id (state::moves). Unless the old id still has
//!   invoices tonight, or `customers.csv` lists both ids with contact
//!   details that differ: another customer of the same name (two consumers
//!   called Jean Martin), a move ([`two_customers`]).
//!
//! Money applied to a relabelled invoice may have paid it: it is held from
//! dunning and `invoice_identity_changed` asks a person ([`held`]).
//!
//! A night already committed is replayed, never run again, and a stored
//! invoice compared equal once archived: nothing is archived twice.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use super::credits::CreditStep;
use crate::alerts::{Alert, AlertKind};
use crate::ledger::{Invoice, Ledger};
use crate::money::Money;
use crate::state::incarnations as inc;
use crate::state::moves;

/// How tonight's row differs from the invoice stored under its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Another invoice under a number used before.
    Reused,
    /// Another issue date while the stored one was still open, same
    /// customer and currency: the same invoice redated.
    Redated,
    /// The same invoice in another currency.
    Currency,
}

/// Names compared as a person reads them: case and spacing aside.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

/// Compares tonight's export with state and puts the history of every
/// number that names another invoice, or moved, apart. Runs before the
/// export is recorded; returns the alerts to raise tonight.
pub fn archive_changed(
    conn: &Connection,
    ledger: &Ledger,
    run_date: &str,
) -> rusqlite::Result<Vec<Alert>> {
    let mut alerts = Vec::new();
    let known = inc::identities(conn)?;
    if known.is_empty() {
        return Ok(alerts);
    }
    let mut previous: Option<Option<String>> = None;
    // Customer ids with invoices tonight: an id changed under the same name
    // while the old one still has invoices is another customer of that
    // name, not a rename.
    let billed: BTreeSet<&str> = ledger
        .invoices
        .iter()
        .map(|i| i.customer_id.as_str())
        .collect();
    for inv in &ledger.invoices {
        let Some((customer, issue, currency)) = known.get(&inv.invoice_id) else {
            continue;
        };
        if *customer == inv.customer_id
            && *currency == inv.currency.as_str()
            && issue.parse::<chrono::NaiveDate>().ok() == Some(inv.issue_date)
        {
            continue;
        }
        let Some(old) = inc::stored(conn, &inv.invoice_id)? else {
            continue;
        };
        if previous.is_none() {
            previous = Some(inc::previous_night(conn, run_date)?);
        }
        let previous = previous.as_ref().and_then(|p| p.as_deref());
        let issue = inv.issue_date.to_string();
        let redated = old.issue_date != issue;
        let relabelled = old.currency != inv.currency.as_str();
        let other_id = old.customer_id != inv.customer_id;
        let renamed = other_id
            && same_name(&old.customer_name, &inv.customer_name)
            && !two_customers(ledger, &billed, &old.customer_id, &inv.customer_id);
        let moved = other_id && !renamed;
        let last_night = previous == Some(old.last_seen_run.as_str());
        // An ERP's export may miss an invoice for a night or more; back with
        // its amount and due date unchanged, a moved issue date is a
        // correction, not a new invoice: a number reused for a new invoice
        // brings its own amount or due date (review 37 L8).
        let back = !last_night && same_terms(inv, &old);
        let still_open = (last_night || back) && !old.exported_open.is_zero();
        let reading = if !(redated || relabelled) {
            None
        } else if moved || (redated && !still_open) {
            Some(Reading::Reused)
        } else if relabelled {
            Some(Reading::Currency)
        } else {
            Some(Reading::Redated)
        };
        match reading {
            Some(reading @ (Reading::Reused | Reading::Currency)) => {
                let base = if redated {
                    format!("{}~{}", inv.invoice_id, old.issue_date)
                } else {
                    format!("{}~{}", inv.invoice_id, old.currency)
                };
                let archived = inc::free_id(conn, &base)?;
                let new_invoice = reading == Reading::Reused;
                let reason = if new_invoice { "reused" } else { "currency" };
                inc::archive(
                    conn,
                    &inv.invoice_id,
                    &archived,
                    reason,
                    run_date,
                    new_invoice,
                )?;
                if new_invoice {
                    alerts.push(reused_alert(inv, &old, &archived));
                    continue;
                }
            }
            // The same invoice: its history stays with it.
            Some(Reading::Redated) => alerts.push(redated_alert(inv, &old, run_date, back)),
            None => {}
        }
        if renamed {
            inc::rename_customer(conn, &inv.invoice_id, &inv.customer_id)?;
            moves::record_rename(conn, &old.customer_id, &inv.customer_id, run_date)?;
        }
        if moved {
            alerts.push(move_ladder(conn, inv, &old, run_date)?);
        }
    }
    Ok(alerts)
}

/// Whether tonight's row keeps the stored invoice's amount and due date.
fn same_terms(inv: &Invoice, old: &inc::Stored) -> bool {
    inv.amount == old.amount && inv.due_date.to_string() == old.due_date
}

/// Whether the ids `old` and `new`, of one name, are two customers (two
/// consumers called Jean Martin) rather than one renamed: the old id still
/// has invoices tonight, or `customers.csv` lists both with contact details
/// that differ (an e-mail, phone or address given for both, not the same).
/// An old id left in `customers.csv` with the same details, or none, is the
/// customer the ERP renumbered (its file not yet updated).
fn two_customers(ledger: &Ledger, billed: &BTreeSet<&str>, old: &str, new: &str) -> bool {
    if billed.contains(old) {
        return true;
    }
    let (Some(a), Some(b)) = (ledger.customers.get(old), ledger.customers.get(new)) else {
        return false;
    };
    let differ = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => !x.trim().eq_ignore_ascii_case(y.trim()),
        _ => false,
    };
    differ(&a.email, &b.email) || differ(&a.phone, &b.phone) || differ(&a.address, &b.address)
}

/// Puts the steps the invoice's first customer got aside, and starts its
/// ladder again for the new one, unless it had the invoice before: then its
/// steps and ladder come back. The `invoice_moved` alert says which.
fn move_ladder(
    conn: &Connection,
    inv: &Invoice,
    old: &inc::Stored,
    run_date: &str,
) -> rusqlite::Result<Alert> {
    let id = &inv.invoice_id;
    let sent = inc::steps_of(conn, id)?;
    let archived = if sent.is_empty() {
        None
    } else {
        let archived = inc::free_id(conn, &format!("{id}~{}", old.customer_id))?;
        inc::archive_steps(conn, id, &archived)?;
        Some(archived)
    };
    // Before the ladder restarts: the night it counted from is kept.
    moves::set_aside(conn, id, &old.customer_id, archived.as_deref(), run_date)?;
    match moves::set_aside_for(conn, id, &inv.customer_id)? {
        Some(back) => {
            moves::restore(conn, id, &back, run_date)?;
            let again = inc::steps_of(conn, id)?;
            Ok(moved_back_alert(inv, old, &sent, &again, &back, run_date))
        }
        None => {
            inc::restart_ladder(conn, id, run_date)?;
            Ok(moved_alert(inv, old, &sent, run_date))
        }
    }
}

/// The alert about tonight's invoice: its customer, number and amount.
fn about(mut a: Alert, inv: &Invoice) -> Alert {
    a.customer_id = inv.customer_id.clone();
    a.invoice_id = inv.invoice_id.clone();
    a.amount = Some(inv.amount);
    a.currency = Some(inv.currency);
    a
}

fn who(id: &str, name: &str) -> String {
    if name.is_empty() {
        id.to_string()
    } else {
        format!("{id} ({name})")
    }
}

fn reused_alert(inv: &Invoice, old: &inc::Stored, archived: &str) -> Alert {
    let a = Alert::new(
        AlertKind::InvoiceIdReused,
        archived,
        format!(
            "invoice number {id} now names another invoice: {new_who}, issued {issue}, {amount} {cur}; the earlier invoice {id} of {old_who}, issued {old_issue}, {old_amount} {old_cur}, keeps its payments and reminders as {archived}: the new one starts with none",
            id = inv.invoice_id,
            new_who = who(&inv.customer_id, &inv.customer_name),
            issue = inv.issue_date,
            amount = inv.amount,
            cur = inv.currency,
            old_who = who(&old.customer_id, &old.customer_name),
            old_issue = old.issue_date,
            old_amount = old.amount,
            old_cur = old.currency,
        ),
    );
    about(a, inv)
}

/// `invoice_redated`; `back`: the invoice was missing from the export
/// since `old.last_seen_run`, and is back with its amount and due date.
fn redated_alert(inv: &Invoice, old: &inc::Stored, run_date: &str, back: bool) -> Alert {
    let state = if back {
        format!(
            "open when last exported on {}, is back in the export with the same amount and due date, dated",
            old.last_seen_run
        )
    } else {
        "open, is now dated".to_string()
    };
    let a = Alert::new(
        AlertKind::InvoiceRedated,
        &format!(
            "{}:{}:{}:{run_date}",
            inv.invoice_id, old.issue_date, inv.issue_date
        ),
        format!(
            "invoice {id} of {who}, {state} {issue} (was {old_issue}): taken as the same invoice, whose payments and reminders stay with it (a number reused for a new invoice while the old one is open is not expected)",
            id = inv.invoice_id,
            who = who(&inv.customer_id, &inv.customer_name),
            issue = inv.issue_date,
            old_issue = old.issue_date,
        ),
    );
    about(a, inv)
}

fn moved_alert(
    inv: &Invoice,
    old: &inc::Stored,
    sent: &[(String, String)],
    run_date: &str,
) -> Alert {
    let steps = if sent.is_empty() {
        "no reminder had been sent".to_string()
    } else {
        let list: Vec<String> = sent.iter().map(|(s, d)| format!("{s} {d}")).collect();
        format!(
            "the reminders sent to {} ({}) no longer count",
            old.customer_id,
            list.join(", ")
        )
    };
    let message = format!(
        "invoice {id} moved from customer {from} to {to}: {steps}; its reminders start again for {new} from the first step; money already applied to it stays applied",
        id = inv.invoice_id,
        from = who(&old.customer_id, &old.customer_name),
        to = who(&inv.customer_id, &inv.customer_name),
        new = inv.customer_id,
    );
    invoice_moved(inv, old, run_date, message)
}

/// The `invoice_moved` alert of tonight's move of `inv` away from `old`'s
/// customer, saying `message`.
fn invoice_moved(inv: &Invoice, old: &inc::Stored, run_date: &str, message: String) -> Alert {
    let key = format!(
        "{}:{}:{}:{run_date}",
        inv.invoice_id, old.customer_id, inv.customer_id
    );
    about(Alert::new(AlertKind::InvoiceMoved, &key, message), inv)
}

/// `invoice_moved` for an invoice back with a customer it moved away from:
/// what the customer in between got no longer counts, the steps the
/// customer had before count again.
fn moved_back_alert(
    inv: &Invoice,
    old: &inc::Stored,
    sent: &[(String, String)],
    again: &[(String, String)],
    back: &moves::SetAside,
    run_date: &str,
) -> Alert {
    let list = |steps: &[(String, String)]| {
        steps
            .iter()
            .map(|(s, d)| format!("{s} {d}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let between = if sent.is_empty() {
        format!("{} had been sent no reminder", old.customer_id)
    } else {
        format!(
            "the reminders sent to {} ({}) no longer count",
            old.customer_id,
            list(sent)
        )
    };
    let before = if again.is_empty() {
        format!(
            "{} had been sent no reminder about it: its reminders follow its plan from its due date",
            inv.customer_id
        )
    } else {
        format!(
            "the reminders {} was sent before ({}) count again and its plan goes on from there: none is sent twice",
            inv.customer_id,
            list(again)
        )
    };
    let message = format!(
        "invoice {id} moved from customer {from} back to {to}, whose invoice it was until {until}: {between}; {before}; money already applied to it stays applied",
        id = inv.invoice_id,
        from = who(&old.customer_id, &old.customer_name),
        to = who(&inv.customer_id, &inv.customer_name),
        until = back.set_aside_run,
    );
    invoice_moved(inv, old, run_date, message)
}

/// An invoice number as a spreadsheet or an ERP's new format may rewrite
/// it: letters and digits, upper case, each run of digits without its
/// leading zeros, one `.` between two runs of digits a separator parted
/// (`000042` → `42`, `f-2026-0042` → `F2026.42`).
pub(crate) fn number_key(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            let kept = digits.trim_start_matches('0');
            out.push_str(if kept.is_empty() { "0" } else { kept });
            digits.clear();
        }
    };
    // Between two runs of digits a separator stays (as `.`), whatever it
    // was: `2026-42` is not `202-642`.
    let mut apart = false;
    for c in id.chars() {
        if c.is_ascii_digit() {
            if digits.is_empty() && apart {
                out.push('.');
            }
            apart = false;
            digits.push(c);
            continue;
        }
        let after_digits = !digits.is_empty();
        flush(&mut digits, &mut out);
        if c.is_alphanumeric() {
            out.extend(c.to_uppercase());
            apart = false;
        } else if after_digits {
            apart = true;
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// One `invoice_identity_changed` per invoice of tonight's export whose
/// number is, but for its form (leading zeros, case, separators), that of
/// an invoice with a history in state (money applied, reminders sent) that
/// left the export: the same customer (its id compared the same way), the
/// same currency, amount and issue date. The ERP's numbers changed form (an
/// export re-saved through a spreadsheet, a new numbering format): under
/// its new number the invoice would start again, so the customer who paid
/// would be chased and another sent a step twice. Not chased while the
/// alert is open (re-checked every night): until the export gives the
/// earlier number again, or the earlier invoice's history no longer
/// applies (review 38 erp F10).
pub fn renumbered(conn: &Connection, ledger: &Ledger) -> rusqlite::Result<Vec<Alert>> {
    let exported: std::collections::HashSet<&str> = ledger
        .invoices
        .iter()
        .map(|i| i.invoice_id.as_str())
        .collect();
    let keys: std::collections::HashSet<String> = ledger
        .invoices
        .iter()
        .map(|i| number_key(&i.invoice_id))
        .collect();
    let gone = inc::with_history_not_in(conn, &exported, |id| keys.contains(&number_key(id)))?;
    if gone.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_key: BTreeMap<String, Vec<&inc::WithHistory>> = BTreeMap::new();
    for g in &gone {
        by_key.entry(number_key(&g.invoice_id)).or_default().push(g);
    }
    let mut out = Vec::new();
    for inv in &ledger.invoices {
        let Some(candidates) = by_key.get(&number_key(&inv.invoice_id)) else {
            continue;
        };
        let issue = inv.issue_date.to_string();
        let Some(old) = candidates.iter().find(|g| {
            number_key(&g.stored.customer_id) == number_key(&inv.customer_id)
                && g.stored.currency == inv.currency.as_str()
                && g.stored.amount == inv.amount
                && g.stored.issue_date == issue
        }) else {
            continue;
        };
        let mut history = Vec::new();
        if !old.applied.is_zero() {
            history.push(format!("{} {} applied", old.applied, old.stored.currency));
        }
        if !old.steps.is_empty() {
            let steps: Vec<String> = old.steps.iter().map(|(s, d)| format!("{s} {d}")).collect();
            history.push(format!("reminders sent: {}", steps.join(", ")));
        }
        let mut a = Alert::new(
            AlertKind::InvoiceIdentityChanged,
            &format!("{}:renumbered:{}", inv.invoice_id, old.invoice_id),
            format!(
                "invoice {id} of {who} ({issue}, {amount} {cur}) looks like invoice {old_id}, which left the export (last exported {seen}) with the same customer, amount and issue date: the ERP's numbers seem to have changed form; {old_id}'s history ({history}) stays under {old_id}, and {id} is not chased until the export gives {old_id} again or a person settles it in the ERP",
                id = inv.invoice_id,
                who = who(&inv.customer_id, &inv.customer_name),
                amount = inv.amount,
                cur = inv.currency,
                old_id = old.invoice_id,
                seen = old.stored.last_seen_run,
                history = history.join("; "),
            ),
        );
        a = about(a, inv);
        out.push(a);
    }
    Ok(out)
}

/// One `invoice_identity_changed` per invoice of tonight's export that
/// money applied to it under an earlier currency may have paid, while the
/// ERP and pointage both see it open. Money of one currency cannot be
/// compared with an amount of another, so what the ERP books on it (a
/// credit note, a payment) does not release it: re-checked every night, it
/// leaves `open_items.csv`, and the invoice follows its plan for what is
/// open, once the ERP shows it settled, that money is returned, or a person
/// decides (a `writeoff` line for the part it paid; a `reject` line for an
/// entry that paid none of it or that the ERP already counts).
pub fn held(conn: &Connection, ledger: &Ledger, step: &CreditStep) -> rusqlite::Result<Vec<Alert>> {
    let mut out = Vec::new();
    let held = inc::money_held(conn)?;
    if held.is_empty() {
        return Ok(out);
    }
    for inv in &ledger.invoices {
        let Some(money) = held.get(&inv.invoice_id) else {
            continue;
        };
        if !inv.open_amount.is_positive() {
            continue;
        }
        let Some(open) = step.open_after(&inv.invoice_id).filter(|m| m.is_positive()) else {
            continue;
        };
        let mut per_currency: BTreeMap<String, Money> = BTreeMap::new();
        let mut named = Vec::new();
        let mut entries: Vec<&str> = Vec::new();
        for h in money {
            let code = h.currency.map(|c| c.to_string()).unwrap_or_default();
            let e = per_currency.entry(code.clone()).or_insert(Money::ZERO);
            *e = e.checked_add(h.money).unwrap_or(*e);
            named.push(format!("{} {code} as {}", h.money, h.archived_id));
            entries.extend(h.entries.iter().map(String::as_str));
        }
        let entries = if entries.is_empty() {
            String::new()
        } else {
            format!(" (entry {})", entries.join(", "))
        };
        let mut a = Alert::new(
            AlertKind::InvoiceIdentityChanged,
            &inv.invoice_id,
            format!(
                "invoice {id} ({issue}, {open} {cur} open) changed currency since money was applied to it: {named}{entries}; money is never set against an amount of another currency, and it may have paid this one: not chased until the ERP shows it settled, that money is returned, or a person decides: a writeoff line for {id} (amount in {cur}) writes off the part that money paid, and {id} is then chased for the rest; a reject line (the entry, {id}) says an entry paid none of it, or that the ERP's open amount already counts it",
                id = inv.invoice_id,
                issue = inv.issue_date,
                cur = inv.currency,
                named = named.join(", "),
            ),
        );
        a.customer_id = inv.customer_id.clone();
        a.invoice_id = inv.invoice_id.clone();
        // The money held, when all in one currency (the invoice's own
        // amount is in the message).
        if let (1, Some((code, m))) = (per_currency.len(), per_currency.iter().next()) {
            a.amount = Some(*m);
            a.currency = crate::money::Currency::parse(code);
        }
        out.push(a);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
