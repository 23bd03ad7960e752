//! Events in state: direct-debit collections and returns per customer,
//! alerts with their first night and resolution, dunning steps issued,
//! promises to pay judged kept.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use crate::alerts::{Alert, AlertKind};
use crate::money::{Currency, Money};

/// A direct-debit event to record.
#[derive(Debug, Clone)]
pub struct DirectDebitEvent<'a> {
    /// `collected` or `returned`.
    pub event: &'a str,
    /// Account.
    pub account: &'a str,
    /// The transaction.
    pub entry_id: &'a str,
    /// Customer, when known.
    pub customer_id: Option<&'a str>,
    /// Invoice, when known.
    pub invoice_id: Option<&'a str>,
    /// Mandate.
    pub mandate_id: Option<&'a str>,
    /// End-to-end id.
    pub end_to_end_id: Option<&'a str>,
    /// A return's collection: its account and entry id (none when the
    /// return is linked to no collection).
    pub collection: Option<(&'a str, &'a str)>,
    /// Amount (absolute).
    pub amount: Money,
    /// Booking date.
    pub booking_date: Option<NaiveDate>,
    /// Return reason.
    pub reason_code: Option<&'a str>,
}

/// Records a direct-debit event.
pub fn record_direct_debit(
    conn: &Connection,
    run_date: &str,
    e: &DirectDebitEvent<'_>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO direct_debits (run_date, event, account, entry_id, customer_id, invoice_id,
             mandate_id, end_to_end_id, amount, booking_date, reason_code, collection_account,
             collection_entry)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        run_date,
        e.event,
        e.account,
        e.entry_id,
        e.customer_id,
        e.invoice_id,
        e.mandate_id,
        e.end_to_end_id,
        e.amount.to_plain(),
        super::SqlDay::opt(e.booking_date),
        e.reason_code,
        e.collection.map(|c| c.0),
        e.collection.map(|c| c.1),
    ])?;
    Ok(())
}

/// A customer's recorded return: the collection it undid and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedReturn {
    /// What names the returned collection: its bank entry (account and entry
    /// id) when the return was linked to one, else the return's end-to-end
    /// id (or its own entry id when it has none). Two returns name the same
    /// collection when these are equal: a re-presentation under the same
    /// end-to-end id is another entry, so another collection.
    pub collection: String,
    /// Booking date of the return.
    pub booking_date: Option<NaiveDate>,
    /// Invoice concerned.
    pub invoice_id: Option<String>,
    /// Reason code.
    pub reason_code: Option<String>,
    /// The bank's kind of the returning debit (`cheque_unpaid`…; empty when
    /// its transaction is not kept): says what came back, for wording.
    pub kind: String,
}

/// Returns recorded for each customer, oldest first.
pub fn returns_by_customer(
    conn: &Connection,
) -> rusqlite::Result<BTreeMap<String, Vec<RecordedReturn>>> {
    let mut stmt = conn.prepare(
        "SELECT d.customer_id, d.end_to_end_id, d.entry_id, d.booking_date, d.invoice_id,
             d.reason_code, COALESCE(t.kind, ''), d.collection_account, d.collection_entry
         FROM direct_debits d
         LEFT JOIN transactions t ON t.account = d.account AND t.entry_id = d.entry_id
         WHERE d.event = 'returned' AND d.customer_id IS NOT NULL
         ORDER BY d.booking_date, d.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
        ))
    })?;
    let mut out: BTreeMap<String, Vec<RecordedReturn>> = BTreeMap::new();
    for row in rows {
        let (customer, ids, entry, date, invoice, reason, kind, c_account, c_entry) = row?;
        // Two spaces of names that never meet: a unit separator keeps an
        // account and entry id apart from any end-to-end id.
        let collection = match (c_account, c_entry) {
            (Some(a), Some(e)) => format!("entry\u{1f}{a}\u{1f}{e}"),
            _ => format!("ids\u{1f}{}", ids.unwrap_or(entry)),
        };
        out.entry(customer).or_default().push(RecordedReturn {
            collection,
            booking_date: date.and_then(|d| d.parse().ok()),
            invoice_id: invoice,
            reason_code: reason,
            kind,
        });
    }
    Ok(out)
}

/// An alert as stored: the alert and the night it was first raised.
pub type StoredAlert = (Alert, NaiveDate);

/// Alerts not yet resolved, by key.
pub fn open_alerts(conn: &Connection) -> rusqlite::Result<BTreeMap<String, StoredAlert>> {
    let mut stmt = conn.prepare(
        "SELECT alert_key, kind, customer_id, invoice_id, entry_id, amount, currency,
             reason_code, message, first_raised
         FROM alerts WHERE resolved_run IS NULL",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, String>(9)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (key, kind, customer, invoice, entry, amount, currency, reason, message, first) = row?;
        let (Some(kind), Ok(first)) = (AlertKind::parse(&kind), first.parse::<NaiveDate>()) else {
            continue;
        };
        let mut a = Alert::new(kind, "", message);
        a.key = key.clone();
        a.customer_id = customer;
        a.invoice_id = invoice;
        a.entry_id = entry;
        a.amount = amount.parse().ok();
        a.currency = Currency::parse(&currency);
        a.reason_code = reason;
        out.insert(key, (a, first));
    }
    Ok(out)
}

/// For each object an alert of one of `kinds` was raised for (its key
/// without the kind: `{account}:{entry_id}` for money), the first night
/// one was, resolved since or not: the night that money was first told to
/// a person, whatever the alert became.
pub fn first_raised_by_object(
    conn: &Connection,
    kinds: &[AlertKind],
) -> rusqlite::Result<BTreeMap<String, NaiveDate>> {
    // (Only those kinds are read: the table keeps every alert ever raised.)
    let marks = vec!["?"; kinds.len()].join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT kind, alert_key, first_raised FROM alerts WHERE kind IN ({marks})"
    ))?;
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let rows = stmt.query_map(rusqlite::params_from_iter(names), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for row in rows {
        let (kind, key, first) = row?;
        let (Some(kind), Ok(first)) = (AlertKind::parse(&kind), first.parse::<NaiveDate>()) else {
            continue;
        };
        let Some(object) = key
            .strip_prefix(kind.as_str())
            .and_then(|k| k.strip_prefix(':'))
        else {
            continue;
        };
        let e = out.entry(object.to_string()).or_insert(first);
        *e = (*e).min(first);
    }
    Ok(out)
}

/// The night the alert `key` was first raised, while it is open.
pub fn open_since(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT first_raised FROM alerts WHERE alert_key = ?1 AND resolved_run IS NULL",
    )?
    .query_row(params![key], |r| r.get(0))
    .optional()
}

/// All alert keys ever raised (resolved or not).
pub fn alert_keys(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let mut stmt = conn.prepare("SELECT alert_key FROM alerts")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// The promises to pay judged kept (`customer:invoice or *:promised date`).
pub fn kept_promises(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let mut stmt = conn.prepare("SELECT promise_key FROM promises_kept")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// Records a promise to pay judged kept tonight: never judged again.
pub fn record_promise_kept(conn: &Connection, key: &str, run_date: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO promises_kept (promise_key, run_date) VALUES (?1, ?2)",
    )?
    .execute(params![key, run_date])?;
    Ok(())
}

/// Records a new alert raised tonight.
pub fn insert_alert(conn: &Connection, a: &Alert, run_date: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO alerts (alert_key, kind, severity, customer_id, invoice_id, entry_id,
             amount, currency, reason_code, message, first_raised)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        a.key,
        a.kind.as_str(),
        a.severity.as_str(),
        a.customer_id,
        a.invoice_id,
        a.entry_id,
        a.amount.map(Money::to_plain).unwrap_or_default(),
        a.currency.map(|c| c.to_string()).unwrap_or_default(),
        a.reason_code,
        a.message,
        run_date,
    ])?;
    Ok(())
}

/// Rewrites what an open alert says with tonight's view of it (customer,
/// invoice, entry, amount, currency, reason, message), keeping its key, kind
/// and the night it was first raised: a condition still open tells tonight's
/// amount, not the one of its first night. A resolved alert keeps what it
/// said; no alert, nothing done.
pub fn refresh_alert(conn: &Connection, a: &Alert) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE alerts SET customer_id = ?2, invoice_id = ?3, entry_id = ?4, amount = ?5,
             currency = ?6, reason_code = ?7, message = ?8
         WHERE alert_key = ?1 AND resolved_run IS NULL",
    )?
    .execute(params![
        a.key,
        a.customer_id,
        a.invoice_id,
        a.entry_id,
        a.amount.map(Money::to_plain).unwrap_or_default(),
        a.currency.map(|c| c.to_string()).unwrap_or_default(),
        a.reason_code,
        a.message,
    ])?;
    Ok(())
}

/// The keys of the open alerts of one kind.
pub fn open_alert_keys(conn: &Connection, kind: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT alert_key FROM alerts WHERE kind = ?1 AND resolved_run IS NULL ORDER BY alert_key",
    )?;
    let rows = stmt.query_map(params![kind], |r| r.get(0))?;
    rows.collect()
}

/// Marks an alert resolved tonight.
pub fn resolve_alert(
    conn: &Connection,
    key: &str,
    run_date: &str,
    resolution: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE alerts SET resolved_run = ?2, resolution = ?3 WHERE alert_key = ?1 AND resolved_run IS NULL")?.execute(params![key, run_date, resolution])?;
    Ok(())
}

/// Steps issued per invoice, with the night.
pub fn dunning_steps(
    conn: &Connection,
) -> rusqlite::Result<BTreeMap<String, BTreeMap<String, NaiveDate>>> {
    let mut stmt = conn.prepare("SELECT invoice_id, step, run_date FROM dunning_steps")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out: BTreeMap<String, BTreeMap<String, NaiveDate>> = BTreeMap::new();
    for row in rows {
        let (invoice, step, date) = row?;
        if let Ok(d) = date.parse() {
            out.entry(invoice).or_default().insert(step, d);
        }
    }
    Ok(out)
}

/// The delay recorded with each invoice's formal notice
/// ([`record_action`]'s `notice_delay`), the longest when several.
pub fn notice_delays(conn: &Connection) -> rusqlite::Result<BTreeMap<String, u32>> {
    let mut stmt = conn.prepare(
        "SELECT invoice_id, MAX(notice_delay_days) FROM dunning_steps
         WHERE notice_delay_days IS NOT NULL GROUP BY invoice_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (invoice, days) = row?;
        if let Ok(days) = u32::try_from(days) {
            out.insert(invoice, days);
        }
    }
    Ok(out)
}

/// The role of a plan's formal notice (mise en demeure), kept with the step.
pub const ROLE_FORMAL_NOTICE: &str = "formal_notice";
/// The role of a handover step, kept with the step.
pub const ROLE_HANDOVER: &str = "handover";

/// The night each invoice's first step of this `role` ([`ROLE_FORMAL_NOTICE`],
/// [`ROLE_HANDOVER`]) went out, under whichever plan and step name
/// ([`record_action`]'s `role`).
pub fn first_by_role(
    conn: &Connection,
    role: &str,
) -> rusqlite::Result<BTreeMap<String, NaiveDate>> {
    let mut stmt = conn.prepare(
        "SELECT invoice_id, MIN(run_date) FROM dunning_steps
         WHERE role = ?1 GROUP BY invoice_id",
    )?;
    let rows = stmt.query_map([role], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (invoice, night) = row?;
        if let Ok(d) = night.parse() {
            out.insert(invoice, d);
        }
    }
    Ok(out)
}

/// Records a dunning action and the step for each of its invoices, with
/// the delay a formal notice gives the customer (`dunning::notice_delay`)
/// and the step's role in its plan ([`ROLE_FORMAL_NOTICE`],
/// [`ROLE_HANDOVER`], `None` for the others).
pub fn record_action(
    conn: &Connection,
    run_date: &str,
    a: &crate::dunning::DunningAction,
    notice_delay: Option<u32>,
    role: Option<&str>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO dunning_actions (action_id, run_date, action_date, customer_id,
             step, channel, invoice_ids, amount_due, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        a.action_id,
        run_date,
        super::SqlDay::of(a.action_date),
        a.customer_id,
        a.step,
        a.channel.as_str(),
        a.invoice_ids.join("|"),
        a.amount_due.to_plain(),
        a.currency.as_str(),
    ])?;
    // The latest night wins: a step issued again for a new event (a second
    // return of the same invoice) must count as done from that night on, or
    // the return path would reissue it every night.
    let mut step = conn.prepare_cached(
        "INSERT INTO dunning_steps (invoice_id, step, run_date, notice_delay_days, role)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (invoice_id, step) DO UPDATE SET run_date = excluded.run_date,
             notice_delay_days = excluded.notice_delay_days,
             role = COALESCE(excluded.role, role)",
    )?;
    for id in &a.invoice_ids {
        step.execute(params![id, a.step, run_date, notice_delay, role])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Channel;
    use crate::dunning::DunningAction;

    fn action(step: &str, date: &str) -> DunningAction {
        let d: NaiveDate = date.parse().unwrap();
        DunningAction {
            action_id: format!("{step}-{date}"),
            action_date: d,
            customer_id: "C1".into(),
            customer_name: "Dupont".into(),
            step: step.into(),
            channel: Channel::Phone,
            invoice_ids: vec!["F1".into()],
            amount_due: "80".parse().unwrap(),
            currency: Currency::EUR,
            oldest_due_date: d,
            days_overdue: 0,
            penalty_amount: Money::ZERO,
            reason: String::new(),
            email: None,
            phone: None,
            address: None,
        }
    }

    #[test]
    fn steps_recorded_before_migration_18_keep_their_role() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(crate::state::DB_FILE)).unwrap();
            for sql in &crate::state::schema::MIGRATIONS[..15] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "PRAGMA user_version = 15;
                 INSERT INTO dunning_steps VALUES ('F1', 'formal_notice', '2026-11-02', NULL);
                 INSERT INTO dunning_steps VALUES ('F2', 'mise_en_demeure', '2026-11-03', 30);
                 INSERT INTO dunning_steps VALUES ('F2', 'relance_1', '2026-10-03', NULL);
                 INSERT INTO dunning_steps VALUES ('F1', 'litigation_handover', '2026-12-02', NULL);",
            )
            .unwrap();
        }
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let notices = first_by_role(conn, ROLE_FORMAL_NOTICE).unwrap();
        assert_eq!(
            notices,
            BTreeMap::from([
                ("F1".to_string(), day("2026-11-02")),
                ("F2".to_string(), day("2026-11-03"))
            ])
        );
        let handovers = first_by_role(conn, ROLE_HANDOVER).unwrap();
        assert_eq!(
            handovers,
            BTreeMap::from([("F1".to_string(), day("2026-12-02"))])
        );
    }

    #[test]
    fn a_step_issued_again_counts_from_its_latest_night() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        record_action(
            conn,
            "2026-03-04",
            &action("return_call", "2026-03-05"),
            None,
            None,
        )
        .unwrap();
        record_action(
            conn,
            "2026-04-20",
            &action("return_call", "2026-04-21"),
            None,
            None,
        )
        .unwrap();
        let steps = dunning_steps(conn).unwrap();
        assert_eq!(
            steps["F1"]["return_call"],
            NaiveDate::from_ymd_opt(2026, 4, 20).unwrap()
        );
    }

    /// A state from before migration 20: returns named their collection by
    /// its end-to-end id only.
    fn before_migration_20(dir: &std::path::Path) {
        let conn = Connection::open(dir.join(crate::state::DB_FILE)).unwrap();
        for sql in &crate::state::schema::MIGRATIONS[..19] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch("PRAGMA user_version = 19;").unwrap();
        let collected = |entry: &str, day: &str| {
            conn.execute(
                "INSERT INTO transactions (account, entry_id, statement_id, position,
                     booking_date, amount, currency, kind, status, notification,
                     end_to_end_id, mandate_id, remittance, details, remaining)
                 VALUES ('A', ?1, 'S', 0, ?2, '600.00', 'EUR', 'direct_debit_collected',
                     'booked', 0, 'E2E-1', 'RUM-D1', '', '{}', '0.00')",
                params![entry, day],
            )
            .unwrap();
        };
        let returned = |entry: &str, day: &str, e2e: &str| {
            conn.execute(
                "INSERT INTO direct_debits (run_date, event, account, entry_id, customer_id,
                     invoice_id, mandate_id, end_to_end_id, amount, booking_date, reason_code)
                 VALUES (?2, 'returned', 'A', ?1, 'C4', 'F-401', 'RUM-D1', ?3, '600.00', ?2,
                     'AM04')",
                params![entry, day, e2e],
            )
            .unwrap();
        };
        collected("COL1", "2026-11-25");
        returned("RET1", "2026-11-26", "E2E-1");
        collected("COL2", "2026-11-30");
        returned("RET2", "2026-12-01", "E2E-1");
        // The same return booked again: the same collection.
        returned("RET2B", "2026-12-02", "E2E-1");
        // A return of a collection pointage never saw.
        returned("RET0", "2026-12-03", "E2E-OLD");
    }

    #[test]
    fn returns_recorded_before_migration_20_name_the_collection_booked_by_their_day() {
        let dir = tempfile::tempdir().unwrap();
        before_migration_20(dir.path());
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let returns = returns_by_customer(st.conn()).unwrap();
        let names: Vec<&str> = returns["C4"]
            .iter()
            .map(|r| r.collection.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "entry\u{1f}A\u{1f}COL1",
                "entry\u{1f}A\u{1f}COL2",
                "entry\u{1f}A\u{1f}COL2",
                "ids\u{1f}E2E-OLD"
            ]
        );
    }

    #[test]
    fn a_return_names_its_collection_by_its_entry_not_its_end_to_end_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let record = |entry: &str, collection: Option<(&str, &str)>| {
            let e = DirectDebitEvent {
                event: "returned",
                account: "A",
                entry_id: entry,
                customer_id: Some("C4"),
                invoice_id: Some("F-401"),
                mandate_id: Some("RUM-D1"),
                end_to_end_id: Some("E2E-1"),
                collection,
                amount: "600.00".parse().unwrap(),
                booking_date: "2026-12-01".parse().ok(),
                reason_code: Some("AM04"),
            };
            record_direct_debit(conn, "2026-12-01", &e).unwrap();
        };
        record("RET1", Some(("A", "COL1")));
        record("RET2", Some(("A", "COL2")));
        record("RET3", None);
        let returns = returns_by_customer(conn).unwrap();
        let names: Vec<&str> = returns["C4"]
            .iter()
            .map(|r| r.collection.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "entry\u{1f}A\u{1f}COL1",
                "entry\u{1f}A\u{1f}COL2",
                "ids\u{1f}E2E-1"
            ]
        );
    }
}
