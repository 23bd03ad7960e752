//! A CFONB block that is the day's next block (README, "A statement already
//! imported is skipped"): it opens with the closing balance of the last
//! stored block of its day, even when that balance is an earlier block's
//! opening too (an intraday sweep: 0→1000, 1000→0, then 0→750). Checked
//! before the same-opening rule of [`super::cfonb_block`], which would take
//! such a block for the morning block corrected and refuse its money.

use rusqlite::Connection;

use crate::state::delivered::Held;
use crate::state::statements as st;
use crate::statement::Statement;

/// True when `statement` is the day's next block: it opens with the closing
/// balance of the last stored block of its day (it follows it, even when
/// the balance came back to an earlier block's opening: an intraday sweep),
/// brings movements none of which state holds, and does not have both the
/// opening and the closing balance of a stored block that brought money (a
/// corrected copy of it: never imported beside it).
pub(super) fn follows_last(
    conn: &Connection,
    statement: &Statement,
    family: &[Held],
) -> rusqlite::Result<bool> {
    let opening = statement.opening.map(|b| b.amount.to_plain());
    let closing = statement.closing.map(|b| b.amount.to_plain());
    let Some(last) = family.last() else {
        return Ok(false);
    };
    if opening.is_none() || last.closing != opening || statement.transactions().next().is_none() {
        return Ok(false);
    }
    if family
        .iter()
        .any(|h| h.opening == opening && h.closing == closing && h.opening != h.closing)
    {
        return Ok(false);
    }
    for (entry, tx) in statement.transactions() {
        if st::holds_same(conn, statement, entry, tx)?.is_some() {
            return Ok(false);
        }
    }
    Ok(true)
}
