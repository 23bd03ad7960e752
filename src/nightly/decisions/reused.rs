//! A line tried again night after night (refused for now: its invoice not
//! exported, its entry not there yet…) is about the invoice its number named
//! when it was written. When the ERP reuses the number for another invoice,
//! or moves the invoice to another customer, before the line applies
//! (`nightly::identity`, which runs first), the line is refused for good:
//! applied, it would give one customer's money to another and teach the
//! payer's name as the other customer's alias. Removed from the file, such a
//! refusal is forgotten, so the line written again later is a new decision
//! about the new invoice.

use rusqlite::Connection;

use super::Refusal;
use crate::ledger::{Decision, Invoice};
use crate::state::{decisions as sd, incarnations as inc};

/// How such a refusal's reason starts (see [`is_reused_refusal`]).
const WHY: &str = "written before invoice number ";

/// Why a line last handled on `last_night` can no longer apply to the
/// invoice its number names tonight, if it cannot.
pub(super) fn refusal(
    conn: &Connection,
    d: &Decision,
    last_night: &str,
    tonight: Option<&Invoice>,
) -> rusqlite::Result<Option<Refusal>> {
    if d.invoice_id.is_empty() {
        return Ok(None);
    }
    let again = "If the line is meant for the invoice the number names now, \
                 remove it, and write it again once a night has run without it";
    let id = &d.invoice_id;
    Ok(match inc::changed_since(conn, id, last_night)? {
        None => None,
        Some(inc::ChangedSince::Reused { archived_id, night }) => Some(Refusal::never(format!(
            "{WHY}{id} was reused for another invoice on {night}: the line is about the \
             earlier invoice, now {archived_id}, and is not applied to the new {id}{}. {again}",
            tonight.map_or(String::new(), |i| format!(" of customer {}", i.customer_id)),
        ))),
        Some(inc::ChangedSince::Moved { night }) => Some(Refusal::never(format!(
            "{WHY}{id} moved to another customer{} on {night}: the line was written while it \
             was the earlier customer's and is not applied. {again}",
            tonight.map_or(String::new(), |i| format!(", {}", i.customer_id)),
        ))),
    })
}

/// Whether a recorded outcome is a refusal by [`refusal`]: removed from the
/// file and written again, the line is a new decision.
pub(super) fn is_reused_refusal(outcome: &str) -> bool {
    outcome
        .strip_prefix(sd::REFUSED_FOR_GOOD)
        .is_some_and(|why| why.starts_with(WHY))
}
