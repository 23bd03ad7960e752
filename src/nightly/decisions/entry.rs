//! Finding a line's entry: by its id, on the account the line names (column
//! `account`) or on the one account that has it; and whether tonight may use
//! it (an entry booked after the run date waits for its night).

use rusqlite::Connection;

use super::Refusal;
use crate::ledger::{Decision, account_key};
use crate::state::{decisions as sd, transactions};

/// `A and B`, `A, B and C`.
fn listed(accounts: &[String]) -> String {
    match accounts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The account of the line's entry, or why not: the one the line names
/// (among those holding the id), else the only account holding it. `None`
/// when no account holds the id yet.
pub(super) fn account_of(
    conn: &Connection,
    d: &Decision,
) -> rusqlite::Result<Result<Option<String>, Refusal>> {
    let accounts = sd::accounts_of_entry(conn, &d.entry_id)?;
    if !d.account.is_empty() {
        return Ok(
            match accounts.iter().find(|a| account_key(a) == d.account) {
                Some(a) => Ok(Some(a.clone())),
                None if accounts.is_empty() => Ok(None),
                None => Err(Refusal::later(format!(
                    "entry {} is not on account {} (it is on {})",
                    d.entry_id,
                    d.account,
                    listed(&accounts)
                ))),
            },
        );
    }
    Ok(match accounts.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        several => Err(Refusal::never(format!(
            "entry {} exists on several accounts, {}: name the one meant in a column \
             `account` (add `account` to the header line, and the account to this line)",
            d.entry_id,
            listed(several),
        ))),
    })
}

/// The single stored transaction the line means, or why not. An entry booked
/// after the run date is a later night's money: it waits for that night.
pub(super) fn entry(
    conn: &Connection,
    d: &Decision,
    run_date: &str,
) -> rusqlite::Result<Result<transactions::StoredTx, Refusal>> {
    let unknown = || Refusal::later(format!("entry {} is unknown", d.entry_id));
    let account = match account_of(conn, d)? {
        Ok(Some(a)) => a,
        Ok(None) => return Ok(Err(unknown())),
        Err(why) => return Ok(Err(why)),
    };
    let Some(tx) = transactions::get_tx(conn, &account, &d.entry_id)? else {
        return Ok(Err(unknown()));
    };
    if let Some(booked) = tx.entry.booking_date.map(|b| b.to_string())
        && booked.as_str() > run_date
    {
        return Ok(Err(Refusal::later(format!(
            "entry {} is booked on {booked}, after tonight's date {run_date}: \
             it is money of that night",
            d.entry_id
        ))));
    }
    Ok(Ok(tx))
}
