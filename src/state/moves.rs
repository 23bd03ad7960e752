//! What state remembers of customers across an invoice's moves and a
//! customer's renames: the ladder an invoice had with a customer when it
//! moved away (its steps kept under `{id}~{customer}`, and the night its
//! ladder counted from), so it comes back when the invoice moves back; and
//! customer ids the ERP renamed, so a `promises.csv` line naming the old id
//! still holds. Stores and answers; `nightly::identity` decides.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

/// A ladder put aside when its invoice moved away from a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The row's id, to mark it restored.
    rowid: i64,
    /// Where its steps are kept (`None` when none had gone out).
    pub archived_id: Option<String>,
    /// The night the invoice's ladder counted from then (`None`: its due date).
    pub ladder_from: Option<String>,
    /// The night it moved away.
    pub set_aside_run: String,
}

/// Records that `invoice_id` moved away from `customer_id` tonight: its
/// steps for that customer are kept under `archived_id` (if any went out),
/// and its ladder counted from `ladder_from`.
pub fn set_aside(
    conn: &Connection,
    invoice_id: &str,
    customer_id: &str,
    archived_id: Option<&str>,
    run_date: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO ladders_set_aside (invoice_id, customer_id, archived_id, ladder_from,
             set_aside_run)
         VALUES (?1, ?2, ?3, (SELECT ladder_from FROM invoices WHERE invoice_id = ?1), ?4)",
    )?
    .execute(params![invoice_id, customer_id, archived_id, run_date])?;
    Ok(())
}

/// The ladder `invoice_id` had with `customer_id` when it last moved away
/// from that customer, not restored since and put aside after the number
/// was last reused for a new invoice (an earlier invoice's steps are never
/// this one's).
pub fn set_aside_for(
    conn: &Connection,
    invoice_id: &str,
    customer_id: &str,
) -> rusqlite::Result<Option<SetAside>> {
    conn.prepare_cached(
        "SELECT s.rowid, s.archived_id, s.ladder_from, s.set_aside_run
         FROM ladders_set_aside s
         WHERE s.invoice_id = ?1 AND s.customer_id = ?2 AND s.restored_run IS NULL
           AND s.set_aside_run >= COALESCE((SELECT MAX(archived_run) FROM invoices
                 WHERE archived_from = ?1 AND archive_reason = 'reused'), '')
         ORDER BY s.set_aside_run DESC, s.rowid DESC LIMIT 1",
    )?
    .query_row(params![invoice_id, customer_id], |r| {
        Ok(SetAside {
            rowid: r.get(0)?,
            archived_id: r.get(1)?,
            ladder_from: r.get(2)?,
            set_aside_run: r.get(3)?,
        })
    })
    .optional()
}

/// Brings a ladder put aside back to `invoice_id` (whose own steps must be
/// put aside first): its steps and the night its ladder counted from.
pub fn restore(
    conn: &Connection,
    invoice_id: &str,
    aside: &SetAside,
    run_date: &str,
) -> rusqlite::Result<()> {
    if let Some(archived) = &aside.archived_id {
        conn.prepare_cached("UPDATE dunning_steps SET invoice_id = ?1 WHERE invoice_id = ?2")?
            .execute(params![invoice_id, archived])?;
    }
    conn.prepare_cached("UPDATE invoices SET ladder_from = ?2 WHERE invoice_id = ?1")?
        .execute(params![invoice_id, aside.ladder_from])?;
    conn.prepare_cached("UPDATE ladders_set_aside SET restored_run = ?2 WHERE rowid = ?1")?
        .execute(params![aside.rowid, run_date])?;
    Ok(())
}

/// Records that the ERP renamed customer `old_id` to `new_id` tonight.
pub fn record_rename(
    conn: &Connection,
    old_id: &str,
    new_id: &str,
    run_date: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO customer_renames (old_id, new_id, run_date) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![old_id, new_id, run_date])?;
    Ok(())
}

/// Every customer id renamed, to the id it was last renamed to.
pub fn renames(conn: &Connection) -> rusqlite::Result<BTreeMap<String, String>> {
    let mut stmt = conn
        .prepare_cached("SELECT old_id, new_id FROM customer_renames ORDER BY run_date, rowid")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (old, new) = row?;
        out.insert(old, new);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ladder_put_aside_before_the_number_was_reused_is_not_the_new_invoice_s() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        set_aside(conn, "F-1", "C1", Some("F-1~C1"), "2026-03-01").unwrap();
        let got = set_aside_for(conn, "F-1", "C1").unwrap().unwrap();
        assert_eq!(got.archived_id.as_deref(), Some("F-1~C1"));
        assert_eq!(got.set_aside_run, "2026-03-01");
        assert!(set_aside_for(conn, "F-1", "C2").unwrap().is_none());
        // The number names a new invoice from 2026-04-01.
        conn.execute(
            "INSERT INTO invoices (invoice_id, customer_id, customer_name, issue_date, due_date,
                 amount, currency, exported_open, first_seen_run, last_seen_run, archived_from,
                 archived_run, archive_reason)
             VALUES ('F-1~2026-01-01', 'C1', 'A', '2026-01-01', '2026-02-01', '1.00', 'EUR',
                 '1.00', '2026-01-02', '2026-03-31', 'F-1', '2026-04-01', 'reused')",
            [],
        )
        .unwrap();
        assert!(set_aside_for(conn, "F-1", "C1").unwrap().is_none());
    }

    #[test]
    fn the_last_rename_of_an_id_wins() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        record_rename(conn, "C1", "K1", "2026-03-01").unwrap();
        record_rename(conn, "C1", "K1", "2026-03-02").unwrap();
        record_rename(conn, "K1", "CL-1", "2026-04-01").unwrap();
        let r = renames(conn).unwrap();
        assert_eq!(r["C1"], "K1");
        assert_eq!(r["K1"], "CL-1");
    }
}
