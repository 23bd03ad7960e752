//! The decisions that move money: `accept`/`assign` apply an entry's money to
//! an invoice (rule `manual`, teaching the payer's name and IBAN), `writeoff`
//! settles an invoice's or a credit note's rest without money.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::{DecisionStep, ManualApp, Refusal, entry::entry};
use crate::ledger::{Decision, Invoice};
use crate::money::Money;
use crate::nightly::effective::{effective_open_of, recorded_export};
use crate::state::{decisions as sd, ledger as sl, transactions};

/// The invoice's effective open amount tonight, and the export an
/// application of it records (see [`recorded_export`]), from one read of its
/// history.
fn open_of(conn: &Connection, inv: &Invoice) -> rusqlite::Result<(Money, Money)> {
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
    inv: &Invoice,
    open: Money,
    amount: Money,
    run_date: &str,
) -> rusqlite::Result<()> {
    if open.checked_sub(amount).is_some_and(Money::is_zero) {
        sl::mark_settled(conn, &inv.invoice_id, run_date)?;
    }
    Ok(())
}

/// What a person can do with a credit note instead.
fn credit_note_hint(inv: &Invoice) -> String {
    format!(
        "to close credit note {id} (refunded, or kept by the firm), write it off: \
         a line with decision writeoff, invoice_id {id} and entry_id empty",
        id = inv.invoice_id
    )
}

fn note(d: &Decision) -> String {
    if d.note.is_empty() {
        String::new()
    } else {
        format!(": {}", d.note)
    }
}

/// `accept` / `assign`: the entry's money to the invoice. Returns the
/// entry's account.
pub(super) fn money(
    conn: &Connection,
    d: &Decision,
    key: &str,
    invoices: &BTreeMap<&str, &Invoice>,
    run_date: &str,
    step: &mut DecisionStep,
) -> rusqlite::Result<Result<String, Refusal>> {
    let tx = match entry(conn, d, run_date)? {
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
        let mut why = format!("entry {} is not money received", d.entry_id);
        if inv.open_amount.is_negative() || inv.amount.is_negative() {
            why = format!("{why}; {}", credit_note_hint(inv));
        }
        return Ok(Err(Refusal::never(why)));
    }
    if tx.currency != inv.currency {
        return Ok(Err(Refusal::never(format!(
            "entry is in {} but invoice {} is in {}",
            tx.currency, inv.invoice_id, inv.currency
        ))));
    }
    let (open, export) = open_of(conn, inv)?;
    if open.is_negative() {
        return Ok(Err(Refusal::never(format!(
            "invoice {} is a credit note ({open} open): money received does not pay it; {}",
            inv.invoice_id,
            credit_note_hint(inv)
        ))));
    }
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
        "decision {} (decisions.csv line {}){}",
        d.kind.as_str(),
        d.line,
        note(d)
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
            paid_date: tx.entry.day(),
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
    // Money of tonight (never processed before, or first processed by an
    // earlier line tonight) or of an earlier night, for the summaries.
    let tonight = tx
        .processed_run
        .as_deref()
        .is_none_or(|night| night == run_date);
    let account = tx.account.clone();
    step.manual.push(ManualApp {
        currency: tx.currency,
        tonight,
        tx: Some(tx),
        invoice_id: inv.invoice_id.clone(),
        customer_id: inv.customer_id.clone(),
        applied: amount,
        writeoff: Money::ZERO,
        evidence,
    });
    Ok(Ok(account))
}

/// `writeoff`: the invoice's rest (or `amount` of it) settled without money.
/// A credit note (open amount below zero) is closed the same way: `amount`,
/// given positive, is how much of it to write off.
pub(super) fn writeoff(
    conn: &Connection,
    d: &Decision,
    invoices: &BTreeMap<&str, &Invoice>,
    run_date: &str,
    step: &mut DecisionStep,
) -> rusqlite::Result<Result<String, Refusal>> {
    // Both final: a write-off is decided about an invoice open now;
    // tried again, it would write off whatever a return reopened.
    let Some(inv) = invoices.get(d.invoice_id.as_str()) else {
        return Ok(Err(Refusal::never(format!(
            "invoice {} is not in tonight's invoices.csv",
            d.invoice_id
        ))));
    };
    let (open, export) = open_of(conn, inv)?;
    if open.is_zero() {
        return Ok(Err(Refusal::never(format!(
            "invoice {} is already settled",
            inv.invoice_id
        ))));
    }
    let amount = d.amount.unwrap_or(open.abs());
    if amount > open.abs() {
        // Final too: a return reopening the invoice later must not
        // make a row written about other figures fit.
        return Ok(Err(Refusal::never(format!(
            "amount {amount} is more than the {} open",
            open.abs()
        ))));
    }
    // A credit note's write-off is negative, as its open amount.
    let amount = if open.is_negative() { -amount } else { amount };
    let evidence = format!(
        "decision writeoff (decisions.csv line {}){}",
        d.line,
        note(d)
    );
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
        currency: inv.currency,
        tonight: false,
        invoice_id: inv.invoice_id.clone(),
        customer_id: inv.customer_id.clone(),
        applied: Money::ZERO,
        writeoff: amount,
        evidence,
    });
    Ok(Ok(String::new()))
}
