//! A promised date already past the night its line is first read (review
//! 38 erp F6): `01/11/2026` typed for `01/12/2026` would be judged broken
//! that very night, and the formal notice would say so. A promise cannot
//! have been broken before anyone wrote it down: a line whose date and grace
//! days were over when it was first read raises a `promise_unmatched`
//! condition naming the line, holds nothing and is never judged. State
//! records the night each line (by its key) was first read; lines there the
//! first night after an upgrade count as read long before.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::promises::promise_key;
use crate::alerts::Alert;
use crate::calendar::Calendar;
use crate::ledger::PromiseRow;

/// The night the line of `key` was first read, recorded as tonight when it
/// is read for the first time; `None` when unknown (read before this was
/// recorded: see [`set_apart`]).
fn first_read(
    conn: &Connection,
    key: &str,
    tonight: &str,
    upgrading: bool,
) -> rusqlite::Result<Option<NaiveDate>> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO promise_lines (promise_key, first_read) VALUES (?1, ?2)",
    )?
    .execute(params![key, if upgrading { "" } else { tonight }])?;
    let first: Option<String> = conn
        .prepare_cached("SELECT first_read FROM promise_lines WHERE promise_key = ?1")?
        .query_row(params![key], |r| r.get(0))
        .optional()?;
    Ok(first.and_then(|s| s.parse().ok()))
}

/// `rows` without the lines already past (grace days included) when first
/// read, and one condition per such line.
pub fn set_apart(
    conn: &Connection,
    rows: &[PromiseRow],
    calendar: &Calendar,
    grace_days: u32,
    run_date: NaiveDate,
) -> rusqlite::Result<(Vec<PromiseRow>, Vec<Alert>)> {
    // The first night after the release that records lines (its migration
    // left a marker when the client had nights before): the lines there
    // may have been read on any earlier night, so none is taken for new.
    let upgrading = conn
        .prepare_cached("DELETE FROM promise_lines WHERE promise_key = '~upgrade'")?
        .execute([])?
        == 1;
    let tonight = run_date.to_string();
    let mut kept = Vec::with_capacity(rows.len());
    let mut alerts = Vec::new();
    for p in rows {
        let key = promise_key(p);
        let grace_end = calendar.add_business_days(p.promised_date, grace_days);
        let Some(first) = first_read(conn, &key, &tonight, upgrading)? else {
            kept.push(p.clone());
            continue;
        };
        if grace_end >= first.min(run_date) {
            kept.push(p.clone());
            continue;
        }
        alerts.push(super::promise_far::line_alert(
            p,
            "past",
            &format!(
                "the promised date and its grace days were already over the night the line was first read ({first}) — a typo? It holds nothing and is not judged: correct the date or remove the line"
            ),
        ));
    }
    Ok((kept, alerts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nightly::dunning_input::testkit::d;
    use crate::state::schema::MIGRATIONS;

    fn line(date: &str) -> PromiseRow {
        PromiseRow {
            customer_id: "C1".into(),
            invoice_id: Some("F-1".into()),
            promised_date: d(date),
            line: 2,
        }
    }

    /// A database of `upto` migrations, with a night committed when
    /// `night` is given, then migrated to the end.
    fn state(upto: usize, night: Option<&str>) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for m in &MIGRATIONS[..upto] {
            conn.execute_batch(m).unwrap();
        }
        if let Some(n) = night {
            conn.execute(
                "INSERT INTO runs (run_date, outputs_hash) VALUES (?1, 'h')",
                params![n],
            )
            .unwrap();
        }
        for m in &MIGRATIONS[upto..] {
            conn.execute_batch(m).unwrap();
        }
        conn
    }

    #[test]
    fn a_line_over_when_first_read_is_set_apart_and_stays_so() {
        let conn = state(MIGRATIONS.len(), None);
        let cal = Calendar::new([]);
        // Dated 11-01, first read 11-20: over (3 business days of grace).
        let (kept, alerts) =
            set_apart(&conn, &[line("2026-11-01")], &cal, 3, d("2026-11-20")).unwrap();
        assert!(kept.is_empty());
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, crate::alerts::AlertKind::PromiseUnmatched);
        // The next night too: first read is still 11-20.
        let (kept, alerts) =
            set_apart(&conn, &[line("2026-11-01")], &cal, 3, d("2026-11-21")).unwrap();
        assert!(kept.is_empty() && alerts.len() == 1);
        // A line read within its grace days is kept, and judged later.
        let (kept, alerts) =
            set_apart(&conn, &[line("2026-11-18")], &cal, 3, d("2026-11-20")).unwrap();
        assert_eq!(kept.len(), 1);
        assert!(alerts.is_empty());
        let (kept, _) = set_apart(&conn, &[line("2026-11-18")], &cal, 3, d("2026-12-20")).unwrap();
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn lines_there_the_first_night_after_an_upgrade_count_as_read_before() {
        let before = MIGRATIONS
            .iter()
            .position(|m| m.contains("CREATE TABLE promise_lines"))
            .unwrap();
        let conn = state(before, Some("2026-11-19"));
        let cal = Calendar::new([]);
        let (kept, alerts) =
            set_apart(&conn, &[line("2026-11-01")], &cal, 3, d("2026-11-20")).unwrap();
        assert_eq!(
            kept.len(),
            1,
            "read on some earlier night: judged as before"
        );
        assert!(alerts.is_empty());
        // A line first seen on a later night is new.
        let (kept, alerts) =
            set_apart(&conn, &[line("2026-11-02")], &cal, 3, d("2026-11-21")).unwrap();
        assert!(kept.is_empty() && alerts.len() == 1);
    }
}
