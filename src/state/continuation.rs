//! Whether a statement follows another of its account: it starts where
//! that one ended, so it cannot hold that one's movements again. Read by
//! [`super::tx_identity`] for transactions under a reused reference.

use rusqlite::{Connection, OptionalExtension, params};

use crate::statement::Statement;

/// Whether `statement` starts where the statement `held_in` of its account
/// ended, for a transaction in `currency`, the statement's own: its
/// balances add up, it opens at the balance that one closed at,
/// in the same currency, that one moved its balance (its opening and
/// closing differ), and it comes after it (a later sequence number and a period starting no earlier than
/// that one's end, where both are given). Such a statement covers the time
/// after the other: it cannot hold that one's movements again, whatever the
/// reference they share says (a bank issuing two statements a day and
/// numbering `NtryRef` from 1 in each, one payer paying twice that day
/// quoting its customer number: review 38 banks F7 left over). A statement
/// reissued, corrected or sent again opens where the first one opened.
pub(super) fn continues(
    conn: &Connection,
    account: &str,
    held_in: &str,
    statement: &Statement,
    currency: &str,
) -> rusqlite::Result<bool> {
    // The balances say nothing of money in another currency than theirs
    // (verify 39 round 2 G1).
    if currency != statement.currency.as_str() {
        return Ok(false);
    }
    let Some(opening) = statement.opening else {
        return Ok(false);
    };
    // Only a statement whose own movements add up to its closing balance
    // says where it starts: one that lists the other's movement again
    // does not close (verify 39 banks F3).
    if crate::statement::check::check_balances(statement)
        != crate::statement::check::BalanceCheck::Closes
    {
        return Ok(false);
    }
    type Header = (
        Option<String>,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
    );
    let held: Option<Header> = conn
        .prepare_cached(
            "SELECT opening, closing, currency, sequence, to_date FROM statements
             WHERE account = ?1 AND statement_id = ?2",
        )?
        .query_row(params![account, held_in], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((Some(held_opening), Some(held_closing), held_currency, sequence, to_date)) = held
    else {
        return Ok(false);
    };
    let money = |s: &str| s.parse::<rust_decimal::Decimal>().ok();
    let (Some(held_opening), Some(held_closing)) = (money(&held_opening), money(&held_closing))
    else {
        return Ok(false);
    };
    let later_number = match (sequence, statement.sequence) {
        (Some(held), Some(now)) => u64::try_from(held).is_ok_and(|held| now > held),
        _ => true,
    };
    let later_period = match (
        to_date.and_then(|d| d.parse::<chrono::NaiveDate>().ok()),
        statement.from_date.or(opening.date),
    ) {
        (Some(held_end), Some(start)) => start >= held_end,
        _ => true,
    };
    Ok(held_currency == statement.currency.as_str()
        && held_opening != held_closing
        && held_closing == opening.amount.decimal()
        && later_number
        && later_period)
}
