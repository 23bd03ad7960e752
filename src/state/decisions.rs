//! People's decisions in state: which `decisions.csv` rows were applied (each
//! once) or refused (and whether a later night tries them again), the pairs never to propose again, the aliases a decision taught,
//! and the accounts whose gaps a person cleared.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, params};

use crate::ledger::Decision;

/// The outcome of a decision applied.
pub const APPLIED: &str = "applied";

/// The outcome of a refusal no later night can change.
pub const REFUSED_FOR_GOOD: &str = "refused for good: ";

/// The outcome of a refusal tried again on later nights.
const REFUSED_FOR_NOW: &str = "refused for now: ";

/// How releases before refusals were told apart recorded every refusal.
const REFUSED_BEFORE: &str = "refused: ";

/// Why a decision was refused for good, from its recorded outcome (`None`
/// for one applied or tried again).
pub fn final_refusal(outcome: &str) -> Option<&str> {
    if !is_final(outcome) {
        return None;
    }
    outcome
        .strip_prefix(REFUSED_FOR_GOOD)
        .or_else(|| outcome.strip_prefix(REFUSED_BEFORE))
}

/// The outcome to record for a refusal: `refused for now: why` is tried
/// again on later nights while its line stays, `refused for good: why`
/// never.
pub fn refused(why: &str, retry: bool) -> String {
    if retry {
        format!("{REFUSED_FOR_NOW}{why}")
    } else {
        format!("{REFUSED_FOR_GOOD}{why}")
    }
}

/// Whether a recorded outcome settles the decision for every later night:
/// applied (once), or refused for a cause that cannot change. A refusal an
/// earlier release recorded is tried again only when its entry was not
/// there yet or had no money left: one about an invoice (settled, not
/// exported, less open than the amount) stays refused, so a return
/// reopening that invoice is never taken by a row written for another
/// situation.
pub fn is_final(outcome: &str) -> bool {
    if let Some(why) = outcome.strip_prefix(REFUSED_BEFORE) {
        return !(why.starts_with("entry ")
            && (why.ends_with(" is unknown") || why.ends_with(" has no money left to apply")));
    }
    outcome == APPLIED || outcome.starts_with(REFUSED_FOR_GOOD)
}

/// The outcome recorded for a decision already seen, with the night it was
/// last handled (applied, or last refused), if any.
pub fn outcome(conn: &Connection, key: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT outcome, run_date FROM decisions WHERE decision_key = ?1")?
        .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// Forgets a decision that was never applied: its line written again is
/// handled as new.
pub fn forget(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM decisions WHERE decision_key = ?1 AND outcome <> 'applied'")?
        .execute(params![key])?;
    Ok(())
}

/// The account recorded with a decision applied (empty: none recorded);
/// `None` when the key was not applied.
pub fn applied_account(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT account FROM decisions WHERE decision_key = ?1 AND outcome = 'applied'",
    )?
    .query_row(params![key], |r| r.get(0))
    .optional()
}

/// Puts an applied decision recorded under `from` under `to` (its line now
/// names the account it was applied on), with what it taught, rejected or
/// cleared: the same decision, not a removed one and a new one.
pub fn rekey(conn: &Connection, from: &str, to: &str, account: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE decisions SET decision_key = ?2, account = ?3 WHERE decision_key = ?1",
    )?
    .execute(params![from, to, account])?;
    for sql in [
        "UPDATE aliases SET decision_key = ?2 WHERE decision_key = ?1",
        "UPDATE rejections SET decision_key = ?2 WHERE decision_key = ?1",
        "UPDATE cleared_accounts SET decision_key = ?2 WHERE decision_key = ?1",
    ] {
        conn.prepare_cached(sql)?.execute(params![from, to])?;
    }
    // A rejection recorded for any account ('') is now of the account the
    // line names: the account was added to tell shared entry ids apart.
    // (When that account already holds the same rejection, the one for any
    // account is dropped: the pair stays rejected on that account once.)
    if !account.is_empty() {
        conn.prepare_cached(
            "UPDATE OR IGNORE rejections SET account = ?2 WHERE decision_key = ?1 AND account = ''",
        )?
        .execute(params![to, account])?;
        conn.prepare_cached("DELETE FROM rejections WHERE decision_key = ?1 AND account = ''")?
            .execute(params![to])?;
    }
    Ok(())
}

/// Records that a decision was handled tonight, with its outcome (replacing
/// the refusal of an earlier night: the night kept is the latest handling,
/// for an applied decision the night it was applied) and `account`: the
/// account its line named or its entry was found on (empty: none).
pub fn record(
    conn: &Connection,
    d: &Decision,
    account: &str,
    run_date: &str,
    outcome: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO decisions (decision_key, kind, entry_id, invoice_id, amount, note, run_date, outcome, account)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (decision_key) DO UPDATE SET note = excluded.note,
             run_date = excluded.run_date, outcome = excluded.outcome,
             account = excluded.account")?.execute(params![
            d.key(),
            d.kind.as_str(),
            d.entry_id,
            d.invoice_id,
            d.amount.map(|a| a.to_plain()),
            d.note,
            run_date,
            outcome,
            account
        ])?;
    Ok(())
}

/// A money decision (`accept`, `assign`, `writeoff`) applied on an earlier
/// night.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedDecision {
    /// Its key (kind, entry, invoice, amount).
    pub key: String,
    /// Its kind as in the file.
    pub kind: String,
    /// Entry (empty for a write-off).
    pub entry_id: String,
    /// Invoice.
    pub invoice_id: String,
    /// The line's amount, when it gave one.
    pub amount: Option<String>,
    /// The night it was applied.
    pub run_date: String,
    /// The account of its entry (empty: applied before accounts were
    /// recorded, or a write-off).
    pub account: String,
}

/// Every money decision applied, in the order they were applied.
pub fn applied_money_decisions(conn: &Connection) -> rusqlite::Result<Vec<AppliedDecision>> {
    let mut stmt = conn.prepare(
        "SELECT decision_key, kind, entry_id, invoice_id, amount, run_date, account FROM decisions
         WHERE outcome = 'applied' AND kind IN ('accept', 'assign', 'writeoff')
         ORDER BY run_date, decision_key",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(AppliedDecision {
            key: r.get(0)?,
            kind: r.get(1)?,
            entry_id: r.get(2)?,
            invoice_id: r.get(3)?,
            amount: r.get(4)?,
            run_date: r.get(5)?,
            account: r.get(6)?,
        })
    })?;
    rows.collect()
}

/// What people's decisions applied to an invoice from an entry on one night
/// (money plus write-off), still live: under its number, or under the id
/// its history was archived under since (`state::incarnations`).
pub fn manual_applied(
    conn: &Connection,
    entry_id: &str,
    invoice_id: &str,
    run_date: &str,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT applied, writeoff FROM applications
         WHERE (invoice_id = ?1
                OR invoice_id IN (SELECT invoice_id FROM invoices WHERE archived_from = ?1))
           AND entry_id = ?2 AND run_date = ?3 AND rule = 'manual'
           AND reversed_run IS NULL",
    )?;
    let rows = stmt.query_map(params![invoice_id, entry_id, run_date], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    rows.collect()
}

/// Adds a pair never to propose again: the entry of `account`, and this
/// invoice (recorded with tonight's decision, the latest about it: see
/// [`rejections`]).
pub fn reject(
    conn: &Connection,
    account: &str,
    entry_id: &str,
    invoice_id: &str,
    key: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rejections (account, entry_id, invoice_id, decision_key)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account, entry_id, invoice_id) DO UPDATE SET decision_key = excluded.decision_key",
    )?
    .execute(params![account, entry_id, invoice_id, key])?;
    Ok(())
}

/// The (account, entry, invoice) triples never to propose again, by entry
/// then invoice: the accounts (`""`: any account).
#[derive(Debug, Clone, Default)]
pub struct Rejections(BTreeMap<String, BTreeMap<String, BTreeSet<String>>>);

impl Rejections {
    /// True when nothing is rejected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the entry of `account` must not be proposed for the invoice:
    /// rejected on that account, or by a rejection recorded before accounts
    /// were (account `''`: any account). Allocates nothing.
    pub fn contains(&self, account: &str, entry_id: &str, invoice_id: &str) -> bool {
        self.0
            .get(entry_id)
            .and_then(|by_invoice| by_invoice.get(invoice_id))
            .is_some_and(|accounts| accounts.contains(account) || accounts.contains(""))
    }
}

/// Every rejection still about the invoice its number names: one recorded
/// before the night the number was reused for another invoice
/// (`state::incarnations`, archive `reused`) was about the earlier invoice
/// and does not hold the new one.
pub fn rejections(conn: &Connection) -> rusqlite::Result<Rejections> {
    let mut stmt = conn.prepare(
        "SELECT r.account, r.entry_id, r.invoice_id FROM rejections r
         LEFT JOIN decisions d ON d.decision_key = r.decision_key
         WHERE NOT EXISTS (SELECT 1 FROM invoices i
               WHERE i.archived_from = r.invoice_id AND i.archive_reason = 'reused'
                 AND i.archived_run > COALESCE(d.run_date, ''))",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Rejections::default();
    for row in rows {
        let (account, entry, invoice) = row?;
        out.0
            .entry(entry)
            .or_default()
            .entry(invoice)
            .or_default()
            .insert(account);
    }
    Ok(out)
}

/// Records an alias taught by a decision (kept if already known).
pub fn teach(
    conn: &Connection,
    customer_id: &str,
    kind: &str,
    value: &str,
    key: &str,
    run_date: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO aliases (customer_id, kind, value, decision_key, run_date)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![customer_id, kind, value, key, run_date])?;
    Ok(n == 1)
}

/// An alias taught by a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// Customer.
    pub customer_id: String,
    /// `name` or `iban`.
    pub kind: String,
    /// The name or IBAN.
    pub value: String,
    /// The decision that taught it.
    pub decision_key: String,
    /// The night it was taught.
    pub run_date: String,
}

/// Every alias, by customer.
pub fn aliases(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Vec<Alias>>> {
    let mut stmt = conn.prepare(
        "SELECT customer_id, kind, value, decision_key, run_date FROM aliases ORDER BY customer_id, kind, value",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Alias {
            customer_id: r.get(0)?,
            kind: r.get(1)?,
            value: r.get(2)?,
            decision_key: r.get(3)?,
            run_date: r.get(4)?,
        })
    })?;
    let mut out: BTreeMap<String, Vec<Alias>> = BTreeMap::new();
    for a in rows {
        let a = a?;
        out.entry(a.customer_id.clone()).or_default().push(a);
    }
    Ok(out)
}

/// Undoes what decisions no longer in `decisions.csv` taught or released:
/// their aliases and cleared accounts. Returns how many aliases were undone.
/// (The decision itself stays recorded: money it applied is not applied
/// twice if the line comes back.)
pub fn undo_reverted(conn: &Connection, present: &BTreeSet<String>) -> rusqlite::Result<usize> {
    let keys: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT decision_key FROM aliases UNION SELECT decision_key FROM cleared_accounts",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut undone = 0;
    for k in keys.iter().filter(|k| !present.contains(*k)) {
        undone += conn
            .prepare_cached("DELETE FROM aliases WHERE decision_key = ?1")?
            .execute(params![k])?;
        conn.prepare_cached("DELETE FROM cleared_accounts WHERE decision_key = ?1")?
            .execute(params![k])?;
    }
    Ok(undone)
}

/// Records that a person cleared an account's gap (`*` = every account).
pub fn clear_account(
    conn: &Connection,
    account: &str,
    key: &str,
    run_date: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO cleared_accounts (account, decision_key, run_date) VALUES (?1, ?2, ?3)")?.execute(params![account, key, run_date])?;
    Ok(())
}

/// Every account a statement of which was imported.
pub fn statement_accounts(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT account FROM statements ORDER BY account")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// The accounts holding a transaction with this id.
pub fn accounts_of_entry(conn: &Connection, entry_id: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT account FROM transactions WHERE entry_id = ?1 ORDER BY account")?;
    let rows = stmt.query_map(params![entry_id], |r| r.get(0))?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_of_earlier_releases_are_tried_again_only_for_their_entry() {
        assert!(!is_final("refused: entry R9 is unknown"));
        assert!(!is_final("refused: entry R9 has no money left to apply"));
        assert!(is_final("refused: invoice F-1 is already settled"));
        assert!(is_final(
            "refused: invoice F-1 is not in tonight's invoices.csv"
        ));
        assert!(!is_final(&refused(
            "invoice F-1 is not in tonight's invoices.csv",
            true
        )));
        assert!(is_final(&refused("entry R9 is not money received", false)));
        assert!(is_final(APPLIED));
    }
    use crate::alerts::{Alert, AlertKind};

    #[test]
    fn rejections_and_decisions_recorded_before_migration_10_keep_their_meaning() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(crate::state::DB_FILE)).unwrap();
            for sql in &crate::state::schema::MIGRATIONS[..8] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "PRAGMA user_version = 8;
                 INSERT INTO rejections VALUES ('R1', 'F-1', 'reject|R1|F-1|');
                 INSERT INTO decisions VALUES ('assign|R2|F-2|', 'assign', 'R2', 'F-2', NULL,
                     '', '2026-11-02', 'applied');",
            )
            .unwrap();
        }
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        // An older rejection holds on every account, as it did.
        let r = rejections(conn).unwrap();
        assert!(r.contains("FR76A", "R1", "F-1") && r.contains("FR14B", "R1", "F-1"));
        // An older decision does not know its account: any line for its
        // entry and invoice may be its edit.
        let applied = applied_money_decisions(conn).unwrap();
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].account, "");
    }

    #[test]
    fn a_rejection_is_of_one_accounts_entry_and_older_ones_of_any() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        reject(conn, "FR76A", "R1", "F-1", "k1").unwrap();
        // As migration 10 turns a rejection recorded before it.
        reject(conn, "", "R2", "F-1", "k2").unwrap();
        let r = rejections(conn).unwrap();
        assert!(r.contains("FR76A", "R1", "F-1"));
        assert!(!r.contains("FR14B", "R1", "F-1"));
        assert!(!r.contains("FR76A", "R1", "F-2"));
        assert!(r.contains("FR76A", "R2", "F-1") && r.contains("FR14B", "R2", "F-1"));
    }

    #[test]
    fn a_cleared_account_clears_its_own_gaps_never_those_sharing_a_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let a = "FR7630004012340001020304077";
        let b = "FR7630004012340001020304078";
        for account in [a, b] {
            let gap = Alert::new(AlertKind::SequenceGap, &format!("{account}:S2"), "gap");
            crate::state::events::insert_alert(conn, &gap, "2026-11-03").unwrap();
        }
        // A part of a number clears nothing.
        clear_account(conn, "FR76", "k1", "2026-11-04").unwrap();
        clear_account(conn, "FR763000401234000102030407", "k2", "2026-11-04").unwrap();
        assert!(
            crate::state::cleared::cleared_keys(
                conn,
                crate::state::cleared::ClearedBy::Decision,
                [],
                "2026-12-31"
            )
            .unwrap()
            .is_empty()
        );
        // The whole account clears its gap only.
        clear_account(conn, a, "k3", "2026-11-04").unwrap();
        let keys: Vec<String> = crate::state::cleared::cleared_keys(
            conn,
            crate::state::cleared::ClearedBy::Decision,
            [],
            "2026-12-31",
        )
        .unwrap()
        .into_iter()
        .collect();
        assert_eq!(keys, [format!("sequence_gap:{a}:S2")]);
    }

    #[test]
    fn a_rejection_whose_line_gained_its_account_is_of_that_account_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        // Recorded for any account, by a line without `account`.
        reject(conn, "", "R9", "F-2", "reject|R9|F-2|").unwrap();
        assert!(rejections(conn).unwrap().contains("FR14B", "R9", "F-2"));
        rekey(conn, "reject|R9|F-2|", "reject|R9|F-2||@FR76A", "FR76A").unwrap();
        let r = rejections(conn).unwrap();
        assert!(r.contains("FR76A", "R9", "F-2"));
        assert!(!r.contains("FR14B", "R9", "F-2"), "still any account's");
    }

    #[test]
    fn a_line_gaining_its_account_beside_the_same_rejection_on_that_account_keeps_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        reject(conn, "", "R9", "F-2", "reject|R9|F-2|").unwrap();
        reject(conn, "FR76A", "R9", "F-2", "reject|R9|F-2|90.00|@FR76A").unwrap();
        rekey(conn, "reject|R9|F-2|", "reject|R9|F-2||@FR76A", "FR76A").unwrap();
        let r = rejections(conn).unwrap();
        assert!(r.contains("FR76A", "R9", "F-2"));
        assert!(!r.contains("FR14B", "R9", "F-2"));
    }
}
