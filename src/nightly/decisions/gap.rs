//! `clear_gap`: which account a line releases, refused when it is not a whole
//! account (an IBAN with wrong check digits, a part of a number), since such a
//! line would release nothing while reading as done.

use rusqlite::Connection;

use super::Refusal;
use crate::ledger::{Decision, account_key};
use crate::state::{decisions as sd, events as ev};

/// The account a `clear_gap` line names (`entry_id`, else `account`), as
/// statements key it: `*` for every account (an empty line too), a whole
/// valid IBAN, or the key of an account whose statements were imported (a
/// CFONB account without IBAN); else why not.
pub(super) fn account(
    conn: &Connection,
    d: &Decision,
) -> rusqlite::Result<Result<String, Refusal>> {
    let entry = account_key(&d.entry_id);
    if !entry.is_empty() && !d.account.is_empty() && entry != d.account {
        return Ok(Err(Refusal::never(format!(
            "the line names two accounts, {entry} in entry_id and {} in account: keep one",
            d.account
        ))));
    }
    let key = if entry.is_empty() {
        d.account.clone()
    } else {
        entry
    };
    if key.is_empty() {
        return Ok(Ok("*".to_string()));
    }
    if let Some(whole) = crate::refs::whole_account(&key) {
        return Ok(Ok(whole));
    }
    let known = sd::statement_accounts(conn)?;
    if let Some(a) = known.iter().find(|a| account_key(a) == key) {
        return Ok(Ok(a.clone()));
    }
    let whole = "write the account's whole IBAN, as in the `account` column of matches.csv \
                 (or leave entry_id empty for every account)";
    let why = if let Some(a) = known.iter().find(|a| account_key(a).contains(&key)) {
        format!("{key} is only a part of account {a}: {whole}")
    } else if crate::refs::looks_like_iban(&key) {
        format!("{key} is not a valid IBAN (its length or check digits are wrong): {whole}")
    } else {
        format!("no statement of an account {key} was ever imported: {whole}")
    };
    Ok(Err(Refusal::never(why)))
}

/// Releases the formal notices held by the account's statement alerts
/// already raised, for as long as the line stays.
pub(super) fn clear(
    conn: &Connection,
    account: &str,
    key: &str,
    run_date: &str,
) -> rusqlite::Result<()> {
    sd::clear_account(conn, account, key, run_date)?;
    for (k, (a, _)) in ev::open_alerts(conn)? {
        let gap = super::super::dunning_input::holds_formal(a.kind);
        // The whole account, never one that merely contains it.
        if gap && super::super::alerting::clears_statement_alert(account, &k, a.kind) {
            ev::resolve_alert(conn, &k, run_date, "cleared by decision")?;
        }
    }
    Ok(())
}
