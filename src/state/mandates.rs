//! Direct-debit mandates in state: the customer a mandate is, the invoice
//! a collection was for, and the invoices whose collection came back never
//! applied (their ERP reading as settled stands on that collection alone).

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use crate::money::Money;

/// Invoices a returned collection was for that pointage never applied to
/// them (the ERP had lettered the invoice when it sent the collection, so
/// the collection found it settled), and that no live application of
/// pointage's pays: the ERP's reading of them as settled stands on that
/// collection alone, which came back (review 37 L10). Not when the
/// collection was presented again (same mandate and amount, booked later)
/// and that one did not come back: it may have paid the invoice.
pub fn returned_never_applied(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    conn.prepare_cached(
        "SELECT DISTINCT d.invoice_id FROM direct_debits d
         WHERE d.event = 'returned' AND d.invoice_id IS NOT NULL
           AND d.collection_entry IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM applications a
               WHERE a.invoice_id = d.invoice_id AND a.account = d.collection_account
                 AND a.entry_id = d.collection_entry)
           AND NOT EXISTS (SELECT 1 FROM applications a
               WHERE a.invoice_id = d.invoice_id AND a.reversed_run IS NULL)
           AND NOT EXISTS (SELECT 1 FROM transactions col JOIN transactions again
               ON again.account = col.account AND again.mandate_id = col.mandate_id
                  AND again.amount = col.amount AND again.entry_id <> col.entry_id
                  AND COALESCE(again.booking_date, again.value_date)
                      > COALESCE(col.booking_date, col.value_date)
               WHERE col.account = d.collection_account AND col.entry_id = d.collection_entry
                 AND NOT EXISTS (SELECT 1 FROM direct_debits r WHERE r.event = 'returned'
                     AND r.collection_account = again.account
                     AND r.collection_entry = again.entry_id))",
    )?
    .query_map([], |r| r.get::<_, String>(0))?
    .collect()
}

/// Invoices (ever exported) carrying a mandate id, with their customer.
pub fn customer_of_mandate(
    conn: &Connection,
    mandate_id: &str,
) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT customer_id FROM invoices WHERE mandate_id = ?1 ORDER BY last_seen_run DESC, invoice_id LIMIT 1",
        params![mandate_id],
        |r| r.get(0),
    )
    .optional()
}

/// The invoice under a mandate that a collection of `amount` in `currency`
/// not applied yet was for, with its customer. Pointage's own view decides first: an invoice
/// its live applications (payments, write-offs, people's decisions) do not
/// already settle in full (a monthly subscription has last month's, paid, under the
/// same mandate and amount, and the ERP may not show it paid yet); then one
/// the ERP shows open for that amount, then one still open; the oldest due
/// first.
pub fn invoice_of_mandate(
    conn: &Connection,
    mandate_id: &str,
    amount: Money,
    currency: crate::money::Currency,
) -> rusqlite::Result<Option<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT invoice_id, customer_id, exported_open, due_date, amount FROM invoices
         WHERE mandate_id = ?1 AND currency = ?3 AND (amount = ?2 OR exported_open = ?2)
           AND archived_from IS NULL",
    )?;
    let rows = stmt.query_map(
        params![mandate_id, amount.to_plain(), currency.as_str()],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        },
    )?;
    let mut live = conn.prepare_cached(
        "SELECT applied, writeoff FROM applications WHERE invoice_id = ?1 AND reversed_run IS NULL",
    )?;
    let mut best: Option<((bool, u8, String, String), String)> = None;
    for row in rows {
        let (invoice, customer, exported, due, total) = row?;
        let mut covered = Money::ZERO;
        for m in live.query_map(params![invoice], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (applied, writeoff) = m?;
            for x in [applied, writeoff] {
                let x: Money = x.parse().unwrap_or(Money::ZERO);
                covered = covered.checked_add(x).unwrap_or(covered);
            }
        }
        let exported: Money = exported.parse().unwrap_or(Money::ZERO);
        let erp = if exported == amount {
            0
        } else if exported.is_positive() {
            1
        } else {
            2
        };
        let total: Money = total.parse().unwrap_or(amount);
        let key = (covered >= total, erp, due, invoice);
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, customer));
        }
    }
    Ok(best.map(|((_, _, _, invoice), customer)| (invoice, customer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Invoices under mandate M-1 (50.00 each, `(id, due, exported open)`)
    /// and applications (`(invoice, reversed)`), in a fresh state.
    fn mandate_state(
        invoices: &[(&str, &str, &str)],
        applications: &[(&str, bool)],
    ) -> (tempfile::TempDir, crate::state::State) {
        let dir = tempfile::tempdir().unwrap();
        let mut state = crate::state::State::open(dir.path()).unwrap();
        let conn = state.conn();
        for (id, due, open) in invoices {
            conn.execute(
                "INSERT INTO invoices (invoice_id, customer_id, customer_name, issue_date, due_date,
                     amount, currency, mandate_id, exported_open, first_seen_run, last_seen_run)
                 VALUES (?1, 'C1', 'Alpha', '2026-01-01', ?2, '50.00', 'EUR', 'M-1', ?3,
                     '2026-01-01', '2026-03-03')",
                params![id, due, open],
            )
            .unwrap();
        }
        for (invoice, reversed) in applications {
            conn.execute(
                "INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
                     applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open,
                     reversed_run)
                 VALUES ('2026-02-01', 'A', ?1, ?1, 'C1', '50.00', '0.00', '', 'mandate', '0.97',
                     '', '50.00', ?2)",
                params![invoice, reversed.then_some("2026-02-05")],
            )
            .unwrap();
        }
        (dir, state)
    }

    /// A collection `entry` of 600.00 under RUM-D1 booked on `day`.
    fn collected(conn: &Connection, entry: &str, day: &str) {
        conn.execute(
            "INSERT INTO transactions (account, entry_id, statement_id, position, booking_date,
                 amount, currency, kind, status, notification, end_to_end_id, mandate_id,
                 remittance, details, remaining)
             VALUES ('A', ?1, 'S', 0, ?2, '600.00', 'EUR', 'direct_debit_collected', 'booked',
                 0, ?1, 'RUM-D1', '', '{}', '600.00')",
            params![entry, day],
        )
        .unwrap();
    }

    /// Collection `entry` returned for F-401 on `day`.
    fn came_back(conn: &Connection, entry: &str, day: &str) {
        conn.execute(
            "INSERT INTO direct_debits (run_date, event, account, entry_id, customer_id,
                 invoice_id, mandate_id, end_to_end_id, amount, booking_date, reason_code,
                 collection_account, collection_entry)
             VALUES (?2, 'returned', 'A', 'R-' || ?1, 'C4', 'F-401', 'RUM-D1', ?1, '600.00',
                 ?2, 'AM04', 'A', ?1)",
            params![entry, day],
        )
        .unwrap();
    }

    #[test]
    fn an_invoice_whose_only_collection_came_back_unapplied_is_not_read_settled() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = crate::state::State::open(dir.path()).unwrap();
        let conn = state.conn();
        collected(conn, "COL1", "2026-11-25");
        came_back(conn, "COL1", "2026-11-26");
        let held = |c: &Connection| returned_never_applied(c).unwrap();
        assert_eq!(held(conn), BTreeSet::from(["F-401".to_string()]));
        // Presented again and kept: it may have paid the invoice.
        collected(conn, "COL2", "2026-11-30");
        assert!(held(conn).is_empty());
        // That one came back too: held again.
        came_back(conn, "COL2", "2026-12-01");
        assert_eq!(held(conn), BTreeSet::from(["F-401".to_string()]));
        // A payment pointage applied to it: its own reading decides.
        conn.execute(
            "INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
                 applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open)
             VALUES ('2026-12-02', 'A', 'P1', 'F-401', 'C4', '600.00', '0.00', '', 'invoice_number',
                 '0.95', '', '600.00')",
            [],
        )
        .unwrap();
        assert!(held(conn).is_empty());
    }

    #[test]
    fn a_returned_collection_that_was_applied_holds_nothing() {
        // The normal return: the collection was applied, then reversed; the
        // effective amount's add-back reopens the invoice, not this.
        let dir = tempfile::tempdir().unwrap();
        let mut state = crate::state::State::open(dir.path()).unwrap();
        let conn = state.conn();
        collected(conn, "COL1", "2026-11-25");
        conn.execute(
            "INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
                 applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open,
                 reversed_run, reversed_open)
             VALUES ('2026-11-25', 'A', 'COL1', 'F-401', 'C4', '600.00', '0.00', '', 'mandate',
                 '0.97', '', '600.00', '2026-11-26', '0.00')",
            [],
        )
        .unwrap();
        came_back(conn, "COL1", "2026-11-26");
        assert!(returned_never_applied(conn).unwrap().is_empty());
    }

    fn pick(state: &mut crate::state::State) -> String {
        invoice_of_mandate(
            state.conn(),
            "M-1",
            "50.00".parse().unwrap(),
            crate::money::Currency::EUR,
        )
        .unwrap()
        .unwrap()
        .0
    }

    #[test]
    fn a_collection_not_applied_is_for_the_invoice_pointage_still_sees_open() {
        // The ERP lags: January, paid (by a person's decision, say), still
        // reads 50.00 open; February is the one collected.
        let (_d, mut s) = mandate_state(
            &[
                ("F-JAN", "2026-01-31", "50.00"),
                ("F-FEB", "2026-02-28", "50.00"),
            ],
            &[("F-JAN", false)],
        );
        assert_eq!(pick(&mut s), "F-FEB");
        // January was returned (its payment reversed) and is re-presented;
        // February is paid; March is not due and never collected.
        let (_d, mut s) = mandate_state(
            &[
                ("F-JAN", "2026-01-31", "50.00"),
                ("F-FEB", "2026-02-28", "0.00"),
                ("F-MAR", "2026-03-10", "50.00"),
            ],
            &[("F-JAN", true), ("F-FEB", false)],
        );
        assert_eq!(pick(&mut s), "F-JAN");
        // A 100.00 invoice paid in two instalments: the first applied, the
        // second collected and returned tonight. It is not settled, so the
        // 50.00 invoice not yet due is not the one.
        let (_d, mut s) = mandate_state(
            &[
                ("F-SETUP", "2026-02-15", "50.00"),
                ("F-MAR", "2026-03-10", "50.00"),
            ],
            &[("F-SETUP", false)],
        );
        s.conn()
            .execute(
                "UPDATE invoices SET amount = '100.00' WHERE invoice_id = 'F-SETUP'",
                [],
            )
            .unwrap();
        assert_eq!(pick(&mut s), "F-SETUP");
    }
}
