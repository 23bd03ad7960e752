//! Settling tonight's alerts against state: which are new (`alerts.csv`),
//! which are still open (`open_items.csv`), which are resolved — conditions
//! that no longer hold, events whose invoice is settled, statement alerts a
//! person cleared — and which, resolved before, are raised again.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::Connection;

use super::AlertSet;
use crate::alerts::{Alert, AlertKind};
use crate::state::events as ev;

fn is_condition(kind: AlertKind) -> bool {
    matches!(
        kind,
        AlertKind::UnmatchedCredit
            | AlertKind::SuggestedMatch
            | AlertKind::Overpayment
            | AlertKind::SequenceGap
            | AlertKind::StaleStatements
            | AlertKind::ErpExportUnexplained
            | AlertKind::InvoiceIdentityChanged
            | AlertKind::PromiseUnmatched
            | AlertKind::PeopleFileMissing
            | AlertKind::ErpExportEmpty
            | AlertKind::CustomerUnknown
            | AlertKind::CustomerSeveralNames
    )
}

/// An alert resolved before and raised again tonight: open, first raised
/// tonight, saying what it says tonight.
fn reopen(conn: &Connection, a: &Alert, run_date: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE alerts SET resolved_run = NULL, resolution = NULL, first_raised = ?2 WHERE alert_key = ?1",
    )?
    .execute(rusqlite::params![a.key, run_date])?;
    ev::refresh_alert(conn, a)
}

/// Whether a stored alert already says what tonight's says.
fn same_content(stored: &Alert, tonight: &Alert) -> bool {
    stored.customer_id == tonight.customer_id
        && stored.invoice_id == tonight.invoice_id
        && stored.entry_id == tonight.entry_id
        && stored.amount == tonight.amount
        && stored.currency == tonight.currency
        && stored.reason_code == tonight.reason_code
        && stored.message == tonight.message
}

/// Settles tonight's alert set against state: records new alerts, resolves
/// what no longer holds, and returns the files' contents. `cleared`: the
/// keys of the statement alerts `client.toml` or a `clear_gap` decision
/// clears (`state::cleared::cleared_keys`), with the resolution to record: a
/// balance mismatch or conflicting statement so cleared is resolved, raised
/// tonight or before.
pub fn settle(
    conn: &Connection,
    run_date: NaiveDate,
    conditions: Vec<Alert>,
    events: Vec<Alert>,
    settled_invoice: impl Fn(&str) -> bool,
    cleared: &BTreeMap<String, &'static str>,
) -> rusqlite::Result<AlertSet> {
    let rd = run_date.to_string();
    let open = ev::open_alerts(conn)?;
    let ever = ev::alert_keys(conn)?;
    let current: BTreeSet<String> = conditions.iter().map(|a| a.key.clone()).collect();

    let mut new = Vec::new();
    for a in conditions {
        if let Some((stored, _)) = open.get(&a.key) {
            // Still open: same key and first night, tonight's amount and words.
            if !same_content(stored, &a) {
                ev::refresh_alert(conn, &a)?;
            }
            continue;
        }
        ev::insert_alert(conn, &a, &rd)?;
        // A condition that was resolved before and holds again is new again,
        // with what it says tonight.
        if ever.contains(&a.key) {
            reopen(conn, &a, &rd)?;
        }
        new.push(a);
    }
    let mut seen_events = BTreeSet::new();
    for a in events {
        if !seen_events.insert(a.key.clone()) {
            continue;
        }
        if ever.contains(&a.key) {
            // A decision line removed (its refusal resolved and forgotten)
            // and written again, refused again: new again, not silent.
            if a.kind == AlertKind::DecisionRejected && !open.contains_key(&a.key) {
                reopen(conn, &a, &rd)?;
                new.push(a);
            }
            continue;
        }
        ev::insert_alert(conn, &a, &rd)?;
        if matches!(
            a.kind,
            AlertKind::DuplicateStatement
                | AlertKind::InvoiceIdReused
                | AlertKind::InvoiceMoved
                | AlertKind::InvoiceRedated
        ) {
            ev::resolve_alert(conn, &a.key, &rd, "information")?;
        } else if let Some(why) = cleared.get(&a.key) {
            ev::resolve_alert(conn, &a.key, &rd, why)?;
        }
        new.push(a);
    }
    for (key, (a, _)) in &open {
        let resolution = if is_condition(a.kind) {
            (!current.contains(key)).then_some("no longer applies")
        } else {
            match a.kind {
                AlertKind::DirectDebitReturned
                | AlertKind::ChequeUnpaid
                | AlertKind::BillUnpaid
                | AlertKind::PaymentReversed
                | AlertKind::RepeatedDirectDebitReturn
                | AlertKind::PartialPayment
                | AlertKind::BrokenPromise
                | AlertKind::NotifiedNotBooked
                    if !a.invoice_id.is_empty()
                        && a.invoice_id.split('|').all(&settled_invoice) =>
                {
                    Some("invoice settled")
                }
                AlertKind::BalanceMismatch | AlertKind::ConflictingStatement => {
                    cleared.get(key).copied()
                }
                _ => None,
            }
        };
        if let Some(r) = resolution {
            ev::resolve_alert(conn, key, &rd, r)?;
        }
    }
    new.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    let mut still: Vec<(Alert, NaiveDate)> = ev::open_alerts(conn)?.into_values().collect();
    still.sort_by(|a, b| (a.1, a.0.kind, &a.0.key).cmp(&(b.1, b.0.kind, &b.0.key)));
    let first_told = ev::first_raised_by_object(
        conn,
        &[
            AlertKind::UnmatchedCredit,
            AlertKind::SuggestedMatch,
            AlertKind::Overpayment,
        ],
    )?;
    Ok(AlertSet {
        new,
        open: still,
        first_told,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::account_key;

    fn mismatch(account: &str) -> Alert {
        Alert::new(
            AlertKind::BalanceMismatch,
            &format!("{account}:S-{account}"),
            "opening ≠ previous closing",
        )
    }

    #[test]
    fn a_balance_mismatch_is_cleared_only_by_its_whole_account() {
        let a = "FR7630004012340001020304077";
        let b = "FR7630001007941234567890185";
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let night = |d: &str, values: &[&str]| {
            let values: Vec<String> = values.iter().map(|c| account_key(c)).collect();
            crate::state::cleared::remember(conn, &values, d).unwrap();
            let cleared: BTreeMap<String, &str> = crate::state::cleared::cleared_keys(
                conn,
                crate::state::cleared::ClearedBy::Config,
                [],
                d,
            )
            .unwrap()
            .into_iter()
            .map(|k| (k, "cleared in client.toml"))
            .collect();
            let set = settle(
                conn,
                d.parse().unwrap(),
                Vec::new(),
                vec![mismatch(a), mismatch(b)],
                |_| false,
                &cleared,
            )
            .unwrap();
            let mut open: Vec<String> = set.open.into_iter().map(|(x, _)| x.key).collect();
            open.sort();
            open
        };
        assert_eq!(night("2026-11-03", &[]).len(), 2);
        // A part of a number, or nothing, clears nothing.
        assert_eq!(night("2026-11-04", &["", "FR76", "FR7630004"]).len(), 2);
        // The whole account, written as people write it, clears that account only.
        assert_eq!(
            night("2026-11-05", &["fr76 3000 4012 3400 0102 0304 077"]),
            [format!("balance_mismatch:{b}:S-{b}")]
        );
        // A mismatch raised later on the cleared account holds until a
        // person clears it again.
        let later = Alert::new(AlertKind::BalanceMismatch, &format!("{a}:S-2"), "later");
        crate::state::events::insert_alert(conn, &later, "2026-11-06").unwrap();
        let open = night("2026-11-09", &["fr76 3000 4012 3400 0102 0304 077"]);
        assert!(
            open.contains(&format!("balance_mismatch:{a}:S-2")),
            "{open:?}"
        );
    }

    fn unmatched(amount: &str, customer: &str) -> Alert {
        let mut a = Alert::new(
            AlertKind::UnmatchedCredit,
            "FR7630004012340001020304077:R1",
            format!("{amount} from X on 2026-11-03: nobody explained it"),
        );
        a.entry_id = "R1".into();
        a.customer_id = customer.into();
        a.amount = amount.parse().ok();
        a.currency = Some(crate::money::Currency::EUR);
        a
    }

    #[test]
    fn a_condition_open_or_open_again_says_what_holds_tonight() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let night = |d: &str, conditions: Vec<Alert>| {
            settle(
                conn,
                d.parse().unwrap(),
                conditions,
                Vec::new(),
                |_| false,
                &BTreeMap::new(),
            )
            .unwrap()
        };
        let shown = |set: &AlertSet| {
            set.open
                .iter()
                .map(|(a, first)| {
                    (
                        a.amount.map(|m| m.to_plain()),
                        a.customer_id.clone(),
                        a.message.clone(),
                        first.to_string(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let n1 = night("2026-11-03", vec![unmatched("2520.00", "")]);
        assert_eq!(n1.new.len(), 1);
        // Still open: tonight's amount, words and customer; first night kept.
        let n2 = night("2026-11-04", vec![unmatched("1520.00", "C1")]);
        assert!(n2.new.is_empty());
        assert_eq!(
            shown(&n2),
            [(
                Some("1520.00".to_string()),
                "C1".to_string(),
                "1520.00 from X on 2026-11-03: nobody explained it".to_string(),
                "2026-11-03".to_string()
            )]
        );
        // Resolved, then holding again: new again, with tonight's amount.
        assert!(night("2026-11-05", Vec::new()).open.is_empty());
        let n4 = night("2026-11-06", vec![unmatched("300.00", "")]);
        assert_eq!(n4.new.len(), 1);
        assert_eq!(
            shown(&n4),
            [(
                Some("300.00".to_string()),
                String::new(),
                "300.00 from X on 2026-11-03: nobody explained it".to_string(),
                "2026-11-06".to_string()
            )]
        );
    }
}
