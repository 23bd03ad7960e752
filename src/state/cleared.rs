//! The accounts `client.toml` clears (`[dunning] cleared_gaps`), and what
//! each clears: the statement gaps, balance mismatches, conflicting and
//! stopped statements of its account (the whole account, or `*` for every
//! account and a client with none) raised on or before the first night the
//! value was in the file. A gap found later on that account — or statements
//! that stop again after arriving, a new stop being a new alert — holds the
//! formal notices again, as after a `clear_gap` decision. A value removed
//! from the file is forgotten: put back later, it clears what was raised by
//! then. A `clear_gap` decision clears the same way from the night it was
//! applied (its accounts kept by `state::decisions`): one function,
//! [`cleared_keys`], answers for both. An alert found tonight and not stored
//! yet counts as raised tonight, so a value or line of tonight clears it.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, params};

use crate::alerts::{Alert, AlertKind};

/// Records tonight's `cleared_gaps` values (already as statements key
/// accounts): a value not seen before is remembered with tonight as its
/// first night; one no longer in the file is forgotten.
pub fn remember(conn: &Connection, values: &[String], run_date: &str) -> rusqlite::Result<()> {
    let values: BTreeSet<&str> = values
        .iter()
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .collect();
    let known: Vec<String> = {
        let mut stmt = conn.prepare("SELECT account FROM config_cleared")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for gone in known.iter().filter(|k| !values.contains(k.as_str())) {
        conn.prepare_cached("DELETE FROM config_cleared WHERE account = ?1")?
            .execute(params![gone])?;
    }
    for v in values {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO config_cleared (account, first_night) VALUES (?1, ?2)",
        )?
        .execute(params![v, run_date])?;
    }
    Ok(())
}

/// Who cleared an account: `client.toml` (`[dunning] cleared_gaps`, table
/// `config_cleared`, from the first night each value was there) or a
/// `clear_gap` decision (table `cleared_accounts`, from the night it was
/// applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearedBy {
    /// `client.toml`'s `cleared_gaps`.
    Config,
    /// A `clear_gap` line of `decisions.csv`.
    Decision,
}

impl ClearedBy {
    /// The (account, night) table, and its night column.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            ClearedBy::Config => ("config_cleared", "first_night"),
            ClearedBy::Decision => ("cleared_accounts", "run_date"),
        }
    }
}

/// The statement alerts an account's clearing releases.
pub const KINDS: [AlertKind; 4] = [
    AlertKind::SequenceGap,
    AlertKind::BalanceMismatch,
    AlertKind::ConflictingStatement,
    AlertKind::StaleStatements,
];

/// Whether the statement alert `key` (`kind:account:…`) is of `account`
/// (the whole account, never a part of its number) or `account` is `*`.
fn of_account(key: &str, kind: &str, account: &str) -> bool {
    account == "*"
        || key
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix(':'))
            .and_then(|r| r.strip_prefix(account))
            .is_some_and(|r| r.starts_with(':'))
}

/// Whether an alert with this key was ever raised.
fn stored(conn: &Connection, key: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM alerts WHERE alert_key = ?1)")?
        .query_row(params![key], |r| r.get(0))
}

/// The keys of the statement alerts cleared tonight by `by`: those of each
/// cleared account raised on or before the night it was cleared. `tonight`:
/// the statement alerts found tonight; one not stored yet is first raised
/// tonight, so an account cleared tonight clears it too (a value in
/// `client.toml` from the first night, or an upgrade night raising a gap the
/// earlier release never stored).
pub fn cleared_keys<'a>(
    conn: &Connection,
    by: ClearedBy,
    tonight: impl IntoIterator<Item = &'a Alert>,
    run_date: &str,
) -> rusqlite::Result<BTreeSet<String>> {
    let (table, night) = by.table();
    let kinds = KINDS
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT DISTINCT a.alert_key FROM alerts a JOIN {table} c
           ON c.account = '*'
              OR substr(a.alert_key, length(a.kind) + 2, length(c.account) + 1) = c.account || ':'
         WHERE a.kind IN ({kinds}) AND a.first_raised <= c.{night}"
    ))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out: BTreeSet<String> = rows.collect::<rusqlite::Result<_>>()?;
    let cleared_tonight: Vec<String> = {
        let mut stmt = conn.prepare(&format!(
            "SELECT account FROM {table} WHERE {night} >= ?1 AND account <> ''"
        ))?;
        let rows = stmt.query_map(params![run_date], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if cleared_tonight.is_empty() {
        return Ok(out);
    }
    for a in tonight {
        if !KINDS.contains(&a.kind) || out.contains(&a.key) {
            continue;
        }
        if cleared_tonight
            .iter()
            .any(|c| of_account(&a.key, a.kind.as_str(), c))
            && !stored(conn, &a.key)?
        {
            out.insert(a.key.clone());
        }
    }
    Ok(out)
}

/// Every statement alert cleared tonight ([`cleared_keys`]), by `clear_gap`
/// decisions and `client.toml`, with the resolution to record for it. One
/// found tonight and not stored yet is recorded as raised and resolved
/// tonight (never listed as new): later nights find it raised by the night
/// its account was cleared.
pub fn cleared<'a>(
    conn: &Connection,
    tonight: impl Iterator<Item = &'a Alert> + Clone,
    run_date: &str,
) -> rusqlite::Result<BTreeMap<String, &'static str>> {
    let mut out = BTreeMap::new();
    for (by, why) in [
        (ClearedBy::Decision, "cleared by decision"),
        (ClearedBy::Config, "cleared in client.toml"),
    ] {
        for key in cleared_keys(conn, by, tonight.clone(), run_date)? {
            out.insert(key, why);
        }
    }
    for a in tonight {
        if let Some(why) = out.get(&a.key)
            && !stored(conn, &a.key)?
        {
            crate::state::events::insert_alert(conn, a, run_date)?;
            crate::state::events::resolve_alert(conn, &a.key, run_date, why)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "FR7630004012340001020304077";
    const B: &str = "FR7630004012340001020304078";

    fn raise(conn: &Connection, kind: AlertKind, object: &str, night: &str) {
        crate::state::events::insert_alert(conn, &Alert::new(kind, object, "x"), night).unwrap();
    }

    fn keys(conn: &Connection) -> BTreeSet<String> {
        cleared_keys(conn, ClearedBy::Config, [], "2026-12-31").unwrap()
    }

    #[test]
    fn a_value_clears_what_its_account_raised_by_its_first_night_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        raise(
            conn,
            AlertKind::SequenceGap,
            &format!("{A}:S3"),
            "2026-11-02",
        );
        raise(
            conn,
            AlertKind::SequenceGap,
            &format!("{B}:S3"),
            "2026-11-02",
        );
        remember(conn, &[A.to_string()], "2026-11-03").unwrap();
        let only_a = BTreeSet::from([format!("sequence_gap:{A}:S3")]);
        assert_eq!(keys(conn), only_a);
        // A part of a number clears nothing.
        remember(
            conn,
            &[A.to_string(), A[..26].to_string(), "FR76".into()],
            "2026-11-03",
        )
        .unwrap();
        assert_eq!(keys(conn), only_a);
        // A gap raised later on the same account is not cleared, on any night.
        raise(
            conn,
            AlertKind::SequenceGap,
            &format!("{A}:S5"),
            "2026-11-16",
        );
        raise(
            conn,
            AlertKind::BalanceMismatch,
            &format!("{A}:S5"),
            "2026-11-16",
        );
        remember(conn, &[A.to_string()], "2026-11-17").unwrap();
        assert_eq!(keys(conn), only_a);
        // Removed, the value is forgotten; put back, it clears what was
        // raised by then.
        remember(conn, &[], "2026-11-18").unwrap();
        assert!(keys(conn).is_empty());
        remember(conn, &[A.to_string()], "2026-11-19").unwrap();
        assert_eq!(keys(conn).len(), 3);
        // `*` clears every account's, and a client with none.
        raise(conn, AlertKind::StaleStatements, "*", "2026-11-19");
        remember(conn, &["*".to_string()], "2026-11-20").unwrap();
        assert_eq!(keys(conn).len(), 5);
    }
}
