//! An invoice number's identity across nights. State keys an invoice's
//! history (applications, dunning steps, direct debits, alerts) by its
//! number, and the ERP does not keep numbers for ever: it may reuse one for
//! a new invoice, relabel an invoice's currency, or move an invoice to
//! another customer. Before tonight's export is recorded, each exported
//! invoice is compared with the one stored under its number:
//!
//! - **another issue date**: another invoice (a number reused). Its history
//!   is put under `{id}~{old issue date}` (state::incarnations) and tonight's
//!   starts with no payment and no step sent; `invoice_id_reused` names both.
//!   When the stored one was still open in the last night's export, for the
//!   same customer and currency, it may be the same invoice redated: its
//!   steps stay (none is sent twice) and its money is held (below).
//! - **another currency** (same issue date): money of one currency is never
//!   set against an amount of another. The history is put under
//!   `{id}~{old currency}`; the steps stay with the customer's invoice.
//! - **another customer** (id and name both differ; an id alone renamed
//!   under the same name is the same customer, whose payments follow it):
//!   the invoice moved. Money applied stays applied, but the steps sent to
//!   the first customer are put under `{id}~{old customer}` and the ladder
//!   starts again for the new one from tonight (`invoice_moved`). Moved
//!   and redated or relabelled at once: another invoice (a number reused).
//!
//! Money applied to a redated or relabelled invoice may have paid it:
//! while the ERP still shows it wholly open, it is held from dunning and
//! `invoice_identity_changed` asks a person ([`held`]).
//!
//! A night already committed is replayed, never run again, and a stored
//! invoice compared equal once archived: nothing is archived twice.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::credits::CreditStep;
use crate::alerts::{Alert, AlertKind};
use crate::ledger::{Invoice, Ledger};
use crate::money::Money;
use crate::state::incarnations as inc;

/// How tonight's row differs from the invoice stored under its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Another invoice under a number used before.
    Reused,
    /// Another issue date while the stored one was still open, same
    /// customer and currency: perhaps the same invoice redated.
    Redated,
    /// The same issue date in another currency.
    Currency,
}

impl Reading {
    fn as_str(self) -> &'static str {
        match self {
            Reading::Reused => "reused",
            Reading::Redated => "redated",
            Reading::Currency => "currency",
        }
    }
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
    let previous = inc::previous_night(conn, run_date)?;
    let mut alerts = Vec::new();
    for inv in &ledger.invoices {
        let Some(old) = inc::stored(conn, &inv.invoice_id)? else {
            continue;
        };
        let issue = inv.issue_date.to_string();
        let redated = old.issue_date != issue;
        let relabelled = old.currency != inv.currency.as_str();
        let other_id = old.customer_id != inv.customer_id;
        let moved = other_id && !same_name(&old.customer_name, &inv.customer_name);
        let still_open =
            previous.as_deref() == Some(old.last_seen_run.as_str()) && !old.exported_open.is_zero();
        let reading = if !(redated || relabelled) {
            None
        } else if moved || (redated && !still_open) {
            Some(Reading::Reused)
        } else if relabelled {
            Some(Reading::Currency)
        } else {
            Some(Reading::Redated)
        };
        if let Some(reading) = reading {
            let base = if redated {
                format!("{}~{}", inv.invoice_id, old.issue_date)
            } else {
                format!("{}~{}", inv.invoice_id, old.currency)
            };
            let archived = inc::free_id(conn, &base)?;
            let new_invoice = reading == Reading::Reused;
            inc::archive(
                conn,
                &inv.invoice_id,
                &archived,
                reading.as_str(),
                run_date,
                new_invoice,
            )?;
            if new_invoice {
                alerts.push(reused_alert(inv, &old, &archived));
                continue;
            }
        } else if other_id && !moved {
            inc::rename_customer(conn, &inv.invoice_id, &inv.customer_id)?;
        }
        if moved {
            let sent = inc::steps_of(conn, &inv.invoice_id)?;
            if !sent.is_empty() {
                let archived =
                    inc::free_id(conn, &format!("{}~{}", inv.invoice_id, old.customer_id))?;
                inc::archive_steps(conn, &inv.invoice_id, &archived)?;
            }
            inc::restart_ladder(conn, &inv.invoice_id, run_date)?;
            alerts.push(moved_alert(inv, &old, &sent, run_date));
        }
    }
    Ok(alerts)
}

fn who(id: &str, name: &str) -> String {
    if name.is_empty() {
        id.to_string()
    } else {
        format!("{id} ({name})")
    }
}

fn reused_alert(inv: &Invoice, old: &inc::Stored, archived: &str) -> Alert {
    let mut a = Alert::new(
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
    a.customer_id = inv.customer_id.clone();
    a.invoice_id = inv.invoice_id.clone();
    a.amount = Some(inv.amount);
    a.currency = Some(inv.currency);
    a
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
    let mut a = Alert::new(
        AlertKind::InvoiceMoved,
        &format!(
            "{}:{}:{}:{run_date}",
            inv.invoice_id, old.customer_id, inv.customer_id
        ),
        format!(
            "invoice {id} moved from customer {from} to {to}: {steps}; its reminders start again for {new} from the first step; money already applied to it stays applied",
            id = inv.invoice_id,
            from = who(&old.customer_id, &old.customer_name),
            to = who(&inv.customer_id, &inv.customer_name),
            new = inv.customer_id,
        ),
    );
    a.customer_id = inv.customer_id.clone();
    a.invoice_id = inv.invoice_id.clone();
    a.amount = Some(inv.amount);
    a.currency = Some(inv.currency);
    a
}

/// One `invoice_identity_changed` per invoice of tonight's export that
/// money applied to it under an earlier currency or issue date may have
/// paid: while the ERP shows it wholly open (it has booked no money on it
/// under its new reading) and pointage sees it open. Re-checked every
/// night; it leaves `open_items.csv`, and the invoice follows its plan,
/// once the ERP books money on it, that money is returned, or it is
/// settled (a person's `writeoff`).
pub fn held(conn: &Connection, ledger: &Ledger, step: &CreditStep) -> rusqlite::Result<Vec<Alert>> {
    let mut out = Vec::new();
    if !inc::any_archived(conn)? {
        return Ok(out);
    }
    for inv in &ledger.invoices {
        if !inv.amount.is_positive() || inv.open_amount < inv.amount {
            continue;
        }
        let Some(open) = step.open_after(&inv.invoice_id).filter(|m| m.is_positive()) else {
            continue;
        };
        let money = inc::money_held(conn, &inv.invoice_id)?;
        if money.is_empty() {
            continue;
        }
        let mut per_currency: BTreeMap<String, Money> = BTreeMap::new();
        let mut named = Vec::new();
        for (id, cur, m) in &money {
            let code = cur.map(|c| c.to_string()).unwrap_or_default();
            let e = per_currency.entry(code.clone()).or_insert(Money::ZERO);
            *e = e.checked_add(*m).unwrap_or(*e);
            named.push(format!("{m} {code} as {id}"));
        }
        let mut a = Alert::new(
            AlertKind::InvoiceIdentityChanged,
            &inv.invoice_id,
            format!(
                "invoice {id} ({issue}, {open} {cur} open) changed since money was applied to it: {named}; money is never set against an amount of another invoice or currency, and it may have paid this one: not chased until the ERP shows money received on it or a person settles it",
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
