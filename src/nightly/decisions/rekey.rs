//! A line that only gained its `account`: people add the column to lines
//! already applied (as the refusal for an entry id two accounts share tells
//! them to). Its key now names the account, but it is the decision applied
//! before when the account is the one that decision was applied on: it is
//! put under its new key in state, so it is neither an edit (refused) nor a
//! removed line (its aliases undone).

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::ledger::{Decision, account_key};
use crate::state::decisions as sd;

/// Re-keys in state every applied decision tonight's lines name again with
/// the account it was applied on (recorded, or, for a decision applied
/// before accounts were recorded, the only account holding its entry).
/// `present`: tonight's keys; a line without account still in the file is
/// a decision of its own and keeps its key.
pub(super) fn rekey_accounts(
    conn: &Connection,
    decisions: &[Decision],
    present: &BTreeSet<String>,
) -> rusqlite::Result<()> {
    for d in decisions.iter().filter(|d| !d.account.is_empty()) {
        let key = d.key();
        if sd::outcome(conn, &key)?.is_some() {
            continue;
        }
        let bare = Decision {
            account: String::new(),
            ..d.clone()
        }
        .key();
        if present.contains(&bare) {
            continue;
        }
        let Some(recorded) = sd::applied_account(conn, &bare)? else {
            continue;
        };
        // The account it was applied on, as statements key it.
        let on = if recorded.is_empty() {
            match sd::accounts_of_entry(conn, &d.entry_id)?.as_slice() {
                [one] => one.clone(),
                _ => continue,
            }
        } else {
            recorded
        };
        if account_key(&on) == d.account {
            sd::rekey(conn, &bare, &key, &on)?;
        }
    }
    Ok(())
}
