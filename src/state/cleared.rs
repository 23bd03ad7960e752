//! The accounts `client.toml` clears (`[dunning] cleared_gaps`), and what
//! each clears: the statement gaps, balance mismatches, conflicting and
//! stopped statements of its account (the whole account, or `*` for every
//! account and a client with none) raised on or before the first night the
//! value was in the file. A gap found later on that account — or statements
//! that stop again after arriving, a new stop being a new alert — holds the
//! formal notices again, as after a `clear_gap` decision. A value removed
//! from the file is forgotten: put back later, it clears what was raised by
//! then.

use std::collections::BTreeSet;

use rusqlite::{Connection, params};

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

/// The keys of the statement alerts `client.toml` clears tonight: those of
/// each remembered value's account raised on or before its first night.
pub fn cleared_keys(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT a.alert_key FROM alerts a JOIN config_cleared c
           ON c.account = '*'
              OR substr(a.alert_key, length(a.kind) + 2, length(c.account) + 1) = c.account || ':'
         WHERE a.kind IN ('sequence_gap', 'balance_mismatch', 'conflicting_statement', 'stale_statements')
           AND a.first_raised <= c.first_night",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::{Alert, AlertKind};

    const A: &str = "FR7630004012340001020304077";
    const B: &str = "FR7630004012340001020304078";

    fn raise(conn: &Connection, kind: AlertKind, object: &str, night: &str) {
        crate::state::events::insert_alert(conn, &Alert::new(kind, object, "x"), night).unwrap();
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
        assert_eq!(cleared_keys(conn).unwrap(), only_a);
        // A part of a number clears nothing.
        remember(
            conn,
            &[A.to_string(), A[..26].to_string(), "FR76".into()],
            "2026-11-03",
        )
        .unwrap();
        assert_eq!(cleared_keys(conn).unwrap(), only_a);
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
        assert_eq!(cleared_keys(conn).unwrap(), only_a);
        // Removed, the value is forgotten; put back, it clears what was
        // raised by then.
        remember(conn, &[], "2026-11-18").unwrap();
        assert!(cleared_keys(conn).unwrap().is_empty());
        remember(conn, &[A.to_string()], "2026-11-19").unwrap();
        assert_eq!(cleared_keys(conn).unwrap().len(), 3);
        // `*` clears every account's, and a client with none.
        raise(conn, AlertKind::StaleStatements, "*", "2026-11-19");
        remember(conn, &["*".to_string()], "2026-11-20").unwrap();
        assert_eq!(cleared_keys(conn).unwrap().len(), 5);
    }
}
