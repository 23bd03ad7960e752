//! An invoice number's incarnations: the ERP may export a number it used
//! before for another invoice (another issue date or currency) or move an
//! invoice to another customer. State keys an invoice's history by its
//! number, so the earlier invoice's history is put under a distinct id
//! (`{id}~{issue date}`, `{id}~{currency}`, `{id}~{customer}`, then `~2`,
//! `~3`… when taken) before tonight's export is recorded. Stores and
//! answers; `nightly::identity` decides.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, params};

use crate::money::{Currency, Money};

/// What state holds about an invoice number as last exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Customer then.
    pub customer_id: String,
    /// Customer's name on the invoice then.
    pub customer_name: String,
    /// Issue date (`YYYY-MM-DD`).
    pub issue_date: String,
    /// Due date (`YYYY-MM-DD`).
    pub due_date: String,
    /// Amount.
    pub amount: Money,
    /// Currency code.
    pub currency: String,
    /// The last night it was exported.
    pub last_seen_run: String,
    /// Its open amount in that export.
    pub exported_open: Money,
}

/// The invoice stored under `invoice_id` (live, never an archived one).
pub fn stored(conn: &Connection, invoice_id: &str) -> rusqlite::Result<Option<Stored>> {
    conn.prepare_cached(
        "SELECT customer_id, customer_name, issue_date, due_date, amount, currency,
             last_seen_run, exported_open FROM invoices WHERE invoice_id = ?1",
    )?
    .query_row(params![invoice_id], |r| {
        Ok(Stored {
            customer_id: r.get(0)?,
            customer_name: r.get(1)?,
            issue_date: r.get(2)?,
            due_date: r.get(3)?,
            amount: money(&r.get::<_, String>(4)?),
            currency: r.get(5)?,
            last_seen_run: r.get(6)?,
            exported_open: money(&r.get::<_, String>(7)?),
        })
    })
    .optional()
}

fn money(s: &str) -> Money {
    s.parse().unwrap_or(Money::ZERO)
}

/// The first of `base`, `base~2`, `base~3`… that names no invoice and no
/// dunning steps in state.
pub fn free_id(conn: &Connection, base: &str) -> rusqlite::Result<String> {
    let mut taken = conn.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM invoices WHERE invoice_id = ?1)
             OR EXISTS(SELECT 1 FROM dunning_steps WHERE invoice_id = ?1)",
    )?;
    let mut n = 1u32;
    loop {
        let id = if n == 1 {
            base.to_string()
        } else {
            format!("{base}~{n}")
        };
        if !taken.query_row(params![id], |r| r.get::<_, bool>(0))? {
            return Ok(id);
        }
        n += 1;
    }
}

/// Puts the invoice's row, applications, direct debits and open alerts
/// under `archived_id`, so tonight's export of `invoice_id` starts with no
/// history. `reason`: `reused`, `redated` or `currency`. Dunning steps move
/// too when `with_steps`.
pub fn archive(
    conn: &Connection,
    invoice_id: &str,
    archived_id: &str,
    reason: &str,
    run_date: &str,
    with_steps: bool,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE invoices SET invoice_id = ?2, archived_from = ?1, archived_run = ?3,
             archive_reason = ?4
         WHERE invoice_id = ?1",
    )?
    .execute(params![invoice_id, archived_id, run_date, reason])?;
    for sql in [
        "UPDATE applications SET invoice_id = ?2 WHERE invoice_id = ?1",
        "UPDATE direct_debits SET invoice_id = ?2 WHERE invoice_id = ?1",
        "UPDATE alerts SET invoice_id = ?2 WHERE invoice_id = ?1 AND resolved_run IS NULL",
    ] {
        conn.prepare_cached(sql)?
            .execute(params![invoice_id, archived_id])?;
    }
    if with_steps {
        archive_steps(conn, invoice_id, archived_id)?;
    }
    Ok(())
}

/// Puts the dunning steps issued for `invoice_id` under `archived_id`: the
/// invoice's ladder starts again.
pub fn archive_steps(
    conn: &Connection,
    invoice_id: &str,
    archived_id: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE dunning_steps SET invoice_id = ?2 WHERE invoice_id = ?1")?
        .execute(params![invoice_id, archived_id])?;
    Ok(())
}

/// The dunning steps issued for an invoice, with their night, in step order.
pub fn steps_of(conn: &Connection, invoice_id: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT step, run_date FROM dunning_steps WHERE invoice_id = ?1 ORDER BY run_date, step",
    )?;
    let rows = stmt.query_map(params![invoice_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Records that the invoice's dunning ladder starts again from tonight (it
/// moved to another customer).
pub fn restart_ladder(conn: &Connection, invoice_id: &str, run_date: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE invoices SET ladder_from = ?2 WHERE invoice_id = ?1")?
        .execute(params![invoice_id, run_date])?;
    Ok(())
}

/// The applications of an invoice now recorded for customer `to` (a
/// customer id the ERP renamed: same name): its payment history follows.
pub fn rename_customer(conn: &Connection, invoice_id: &str, to: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE applications SET customer_id = ?2 WHERE invoice_id = ?1")?
        .execute(params![invoice_id, to])?;
    Ok(())
}

/// The nights the ladders of tonight's invoices restarted, by invoice.
pub fn ladder_restarts(
    conn: &Connection,
    run_date: &str,
) -> rusqlite::Result<BTreeMap<String, chrono::NaiveDate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_id, ladder_from FROM invoices
         WHERE last_seen_run = ?1 AND ladder_from IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![run_date], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (id, night) = row?;
        if let Ok(d) = night.parse() {
            out.insert(id, d);
        }
    }
    Ok(out)
}

/// Money applied to an archived incarnation that may have paid the live
/// invoice of its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The incarnation's id (`{id}~{currency}`…).
    pub archived_id: String,
    /// Its currency.
    pub currency: Option<Currency>,
    /// The money applied to it, not reversed.
    pub money: Money,
    /// The entries that brought it, in order.
    pub entries: Vec<String>,
}

/// Money still applied (not reversed) to incarnations archived because the
/// currency of a number changed, by the number they were exported under,
/// oldest first. That money may have paid
/// tonight's invoice of that number, in whole or in part. Not counted: an
/// incarnation archived before the number was last reused for a new
/// invoice, any once a person wrote off part of the live invoice since (a
/// `writeoff` line: what the old money paid is decided; it still counts
/// when the invoice was relabelled again after it), and an entry a
/// person rejected for the live invoice (a `reject` line: it did not pay it).
/// One query for the whole client, whatever the size of its export.
pub fn money_held(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Vec<Held>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.archived_from, i.invoice_id, i.currency, a.applied, a.entry_id
         FROM invoices i
         JOIN applications a ON a.invoice_id = i.invoice_id AND a.reversed_run IS NULL
         LEFT JOIN (SELECT archived_from AS live, MAX(archived_run) AS run FROM invoices
                    WHERE archived_from IS NOT NULL AND archive_reason = 'reused'
                    GROUP BY archived_from) r ON r.live = i.archived_from
         WHERE i.archived_from IS NOT NULL AND i.archive_reason = 'currency'
           AND i.archived_run >= COALESCE(r.run, '')
           AND NOT EXISTS (SELECT 1 FROM applications w
                 WHERE w.writeoff_kind = 'decision' AND w.reversed_run IS NULL
                   AND w.run_date >= i.archived_run
                   AND (w.invoice_id = i.archived_from
                        OR w.invoice_id IN (SELECT invoice_id FROM invoices
                                            WHERE archived_from = i.archived_from)))
           AND NOT EXISTS (SELECT 1 FROM rejections j
                 WHERE j.invoice_id = i.archived_from AND j.entry_id = a.entry_id
                   AND (j.account = '' OR j.account = a.account))
         ORDER BY i.archived_from, i.archived_run, i.invoice_id, a.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out: BTreeMap<String, Vec<Held>> = BTreeMap::new();
    for row in rows {
        let (live, id, cur, applied, entry) = row?;
        let m = money(&applied);
        let held = out.entry(live).or_default();
        let last = match held.last_mut() {
            Some(last) if last.archived_id == id => last,
            _ => {
                held.push(Held {
                    archived_id: id,
                    currency: Currency::parse(&cur),
                    money: Money::ZERO,
                    entries: Vec::new(),
                });
                let n = held.len() - 1;
                &mut held[n]
            }
        };
        if m.is_positive() {
            last.money = last.money.checked_add(m).unwrap_or(last.money);
            if !entry.is_empty() && !last.entries.contains(&entry) {
                last.entries.push(entry);
            }
        }
    }
    for held in out.values_mut() {
        held.retain(|h| h.money.is_positive());
    }
    out.retain(|_, held| !held.is_empty());
    Ok(out)
}

/// The identity of every live invoice in state (customer, issue date,
/// currency), by number: tonight's export is compared with it in memory.
pub fn identities(
    conn: &Connection,
) -> rusqlite::Result<HashMap<String, (String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_id, customer_id, issue_date, currency FROM invoices
         WHERE archived_from IS NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
    rows.collect()
}

/// The invoice that number `invoice_id` named for customer `customer_id`
/// before the ERP reused the number (the customer's latest such invoice):
/// its archived id, and whether it was settled then (pointage saw it paid,
/// or the ERP exported it with nothing open or no longer exported it before
/// the number was reused). `None` when there is none, or when that reuse
/// was the number's last, brought an invoice of the same customer (its
/// `invoice_id_reused` alert names who the new invoice was for), and that
/// invoice has moved to another customer since: a line naming the number is
/// then about the live invoice.
pub fn earlier_of(
    conn: &Connection,
    invoice_id: &str,
    customer_id: &str,
) -> rusqlite::Result<Option<(String, bool)>> {
    conn.prepare_cached(
        "SELECT i.invoice_id, i.settled_run IS NOT NULL, i.exported_open, i.last_seen_run,
             (SELECT MAX(run_date) FROM runs WHERE run_date < i.archived_run),
             NOT EXISTS (SELECT 1 FROM invoices n WHERE n.archived_from = ?1
                   AND n.archive_reason = 'reused' AND n.archived_run > i.archived_run),
             COALESCE((SELECT l.ladder_from > i.archived_run FROM invoices l
                       WHERE l.invoice_id = ?1), 0),
             COALESCE((SELECT a.customer_id = ?2 FROM alerts a
                       WHERE a.alert_key = 'invoice_id_reused:' || i.invoice_id), 0)
         FROM invoices i
         WHERE i.archived_from = ?1 AND i.archive_reason = 'reused' AND i.customer_id = ?2
         ORDER BY i.archived_run DESC, i.invoice_id DESC LIMIT 1",
    )?
    .query_row(params![invoice_id, customer_id], |r| {
        let settled: bool = r.get(1)?;
        let open = money(&r.get::<_, String>(2)?);
        let last_seen: String = r.get(3)?;
        let night_before: Option<String> = r.get(4)?;
        let gone = night_before.is_some_and(|n| last_seen < n);
        let theirs_then_moved =
            r.get::<_, bool>(5)? && r.get::<_, bool>(6)? && r.get::<_, bool>(7)?;
        Ok((!theirs_then_moved).then_some((r.get(0)?, settled || open.is_zero() || gone)))
    })
    .optional()
    .map(Option::flatten)
}

/// A live invoice with a history in state: money applied to it or a
/// dunning step sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithHistory {
    /// Its number.
    pub invoice_id: String,
    /// As last exported.
    pub stored: Stored,
    /// Money pointage applied to it (its currency), zero when none.
    pub applied: Money,
    /// Dunning steps sent, with their night, in order.
    pub steps: Vec<(String, String)>,
}

/// The live invoices with a history in state that are not in `exported`
/// (tonight's numbers) and whose number `wanted` accepts: the numbers are
/// read alone first, and only those wanted are looked at further.
pub fn with_history_not_in(
    conn: &Connection,
    exported: &std::collections::HashSet<&str>,
    wanted: impl Fn(&str) -> bool,
) -> rusqlite::Result<Vec<WithHistory>> {
    let mut ids =
        conn.prepare_cached("SELECT invoice_id FROM invoices WHERE archived_from IS NULL")?;
    let ids: Vec<String> = ids
        .query_map([], |r| r.get::<_, String>(0))?
        .filter(|id| {
            id.as_ref()
                .map_or(true, |id| !exported.contains(id.as_str()) && wanted(id))
        })
        .collect::<rusqlite::Result<_>>()?;
    let mut applied_to = conn.prepare_cached(
        "SELECT applied FROM applications WHERE invoice_id = ?1 AND reversed_run IS NULL",
    )?;
    let mut any_application =
        conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM applications WHERE invoice_id = ?1)")?;
    let mut out = Vec::new();
    for invoice_id in ids {
        let steps = steps_of(conn, &invoice_id)?;
        let applied = applied_to
            .query_map(params![invoice_id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .iter()
            .map(|t| money(t))
            .fold(Money::ZERO, |sum, m| sum.checked_add(m).unwrap_or(sum));
        let history = !steps.is_empty()
            || any_application.query_row(params![invoice_id], |r| r.get::<_, bool>(0))?;
        if !history {
            continue;
        }
        let Some(stored) = stored(conn, &invoice_id)? else {
            continue;
        };
        out.push(WithHistory {
            invoice_id,
            stored,
            applied,
            steps,
        });
    }
    Ok(out)
}

/// The night before `run_date` that was last committed, if any.
pub fn previous_night(conn: &Connection, run_date: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT MAX(run_date) FROM runs WHERE run_date < ?1")?
        .query_row(params![run_date], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(conn: &Connection, id: &str, cur: &str) {
        conn.execute(
            "INSERT INTO invoices (invoice_id, customer_id, customer_name, issue_date, due_date,
                 amount, currency, exported_open, first_seen_run, last_seen_run)
             VALUES (?1, 'C1', 'Alpha', '2026-09-01', '2026-10-01', '1000.00', ?2, '1000.00',
                 '2026-11-02', '2026-11-02')",
            params![id, cur],
        )
        .unwrap();
    }

    fn paid(conn: &Connection, id: &str, amount: &str) {
        conn.execute(
            "INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
                 applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open)
             VALUES ('2026-11-02', 'A', 'P1', ?1, 'C1', ?2, '0.00', '', 'rf', '1.00', '',
                 '1000.00')",
            params![id, amount],
        )
        .unwrap();
    }

    #[test]
    fn an_archived_id_taken_gets_the_next_number() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        invoice(conn, "F-1~EUR", "EUR");
        conn.execute(
            "INSERT INTO dunning_steps (invoice_id, step, run_date)
             VALUES ('F-1~EUR~2', 'formal_notice', '2026-11-02')",
            [],
        )
        .unwrap();
        assert_eq!(free_id(conn, "F-1~USD").unwrap(), "F-1~USD");
        assert_eq!(free_id(conn, "F-1~EUR").unwrap(), "F-1~EUR~3");
    }

    #[test]
    fn money_before_the_number_was_last_reused_holds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        invoice(conn, "F-1", "EUR");
        paid(conn, "F-1", "400.00");
        archive(conn, "F-1", "F-1~EUR", "currency", "2026-11-03", false).unwrap();
        invoice(conn, "F-1", "USD");
        let held = money_held(conn).unwrap();
        assert_eq!(
            held["F-1"],
            [Held {
                archived_id: "F-1~EUR".to_string(),
                currency: Some(Currency::EUR),
                money: "400.00".parse().unwrap(),
                entries: vec!["P1".to_string()],
            }]
        );
        // Next year the number names a new invoice: the EUR money is not its.
        archive(conn, "F-1", "F-1~2026-09-01", "reused", "2027-09-01", true).unwrap();
        invoice(conn, "F-1", "USD");
        assert!(money_held(conn).unwrap().is_empty());
    }

    #[test]
    fn money_held_counts_money_applied_until_a_person_decides() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        invoice(conn, "F-1", "EUR");
        paid(conn, "F-1", "400.00");
        // A fee written off before the change is no money received.
        conn.execute(
            "INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
                 applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open)
             VALUES ('2026-11-02', 'A', 'P1', 'F-1', 'C1', '0.00', '15.00', 'fee', 'rf',
                 '1.00', '', '1000.00')",
            [],
        )
        .unwrap();
        archive(conn, "F-1", "F-1~EUR", "currency", "2026-11-03", false).unwrap();
        invoice(conn, "F-1", "USD");
        let held = || {
            money_held(conn)
                .unwrap()
                .get("F-1")
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(held()[0].money, "400.00".parse::<Money>().unwrap());
        // A person rejects the entry for the invoice: it did not pay it.
        crate::state::decisions::reject(conn, "A", "P1", "F-1", "reject|P1|F-1|").unwrap();
        assert!(held().is_empty());
        conn.execute("DELETE FROM rejections", []).unwrap();
        assert!(!held().is_empty());
        // A person writes off the part it paid: decided.
        conn.execute(
            "INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
                 applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open)
             VALUES ('2026-11-04', '', '', 'F-1', 'C1', '0.00', '440.00', 'decision',
                 'manual', '1.00', '', '1000.00')",
            [],
        )
        .unwrap();
        assert!(held().is_empty());
        // Relabelled again later: what the person decided still stands.
        archive(conn, "F-1", "F-1~USD", "currency", "2026-11-05", false).unwrap();
        invoice(conn, "F-1", "GBP");
        assert!(held().is_empty());
    }
}

/// What became of an invoice number after night `since` (a decision line
/// written about the invoice it named then): the newest of its archive as
/// another invoice (`reused`) or its move to another customer, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedSince {
    /// The earlier invoice is now `archived_id`, since `night`.
    Reused {
        /// Where its history went.
        archived_id: String,
        /// The night the number was reused.
        night: String,
    },
    /// The invoice moved to another customer on `night`.
    Moved {
        /// The night it moved.
        night: String,
    },
}

/// See [`ChangedSince`]: a `reused` archive of `invoice_id` after `since`,
/// else a move (the ladder restarted) after `since`.
pub fn changed_since(
    conn: &Connection,
    invoice_id: &str,
    since: &str,
) -> rusqlite::Result<Option<ChangedSince>> {
    let reused = conn
        .prepare_cached(
            "SELECT invoice_id, archived_run FROM invoices
             WHERE archived_from = ?1 AND archive_reason = 'reused' AND archived_run > ?2
             ORDER BY archived_run DESC, invoice_id DESC LIMIT 1",
        )?
        .query_row(params![invoice_id, since], |r| {
            Ok(ChangedSince::Reused {
                archived_id: r.get(0)?,
                night: r.get(1)?,
            })
        })
        .optional()?;
    if reused.is_some() {
        return Ok(reused);
    }
    conn.prepare_cached(
        "SELECT ladder_from FROM invoices
         WHERE invoice_id = ?1 AND archived_from IS NULL AND ladder_from > ?2",
    )?
    .query_row(params![invoice_id, since], |r| {
        Ok(ChangedSince::Moved { night: r.get(0)? })
    })
    .optional()
}
