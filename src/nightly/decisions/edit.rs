//! Telling an edited money line from a further one: a line for the same
//! entry and invoice whose earlier line was applied and is gone from the file
//! is an edit, refused so that the money is never applied twice.

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::ledger::Decision;
use crate::money::Money;
use crate::state::decisions as sd;

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

/// Whether an applied decision's entry may be the line's: same account, or
/// one of them does not say (a line without `account`, a decision applied
/// before accounts were recorded). In doubt it is the same: refusing an edit
/// that was not one costs a question, applying one twice costs money.
fn same_account(applied: &str, line: &str) -> bool {
    applied.is_empty() || line.is_empty() || applied == line
}

/// Why a new money line is an edit of one applied on an earlier night: a line
/// for the same entry (and account) and invoice was applied and is gone from
/// tonight's file. Applying the edited line would apply the money a second
/// time (the key holds the amount, so `500.00` changed to `600.00` is a new
/// key). A new line next to the applied one, still in the file, is a further
/// decision.
pub(super) fn edited(
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
            && same_account(&a.account, &d.account)
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
