//! Promises to pay: which invoices each promise holds tonight, and whether
//! it is kept or broken once its grace days are over.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::calendar::Calendar;
use crate::config::ClientConfig;
use crate::dunning::Promise;
use crate::ledger::PromiseRow;
use crate::ledger::{Invoice, Ledger};
use crate::money::{Currency, Money};
use crate::state::events as ev;

use super::promise_rows::earlier_invoice;
use super::renamed::Renamed;

/// The invoices a promise covers: the one it names, whichever customer the
/// line names (a line whose customer is not the invoice's is held as
/// written and raises `promise_unmatched`: a formal notice must not go out
/// over a promise a person recorded, nor stop when the ERP moves the
/// invoice to another customer id; but not when the number named an invoice
/// of the line's customer before the ERP reused it, see
/// [`super::promise_rows::earlier_invoice`]); for a promise on all of the customer's
/// invoices (under the id the ERP renamed it to, when it did: [`Renamed`]),
/// those issued on or before the promised date and due on or
/// before it (what the customer can have promised to pay by then; a later
/// invoice follows its plan from its own dates).
pub(super) fn covers(p: &PromiseRow, inv: &Invoice, renamed: &Renamed) -> bool {
    match &p.invoice_id {
        Some(i) => *i == inv.invoice_id,
        None => {
            renamed.same(&p.customer_id, &inv.customer_id)
                && inv.issue_date <= p.promised_date
                && inv.due_date <= p.promised_date
        }
    }
}

/// A promise's identity: `customer:invoice (or *):promised date`. The
/// `broken_promise` alert's key is this after `broken_promise:`.
pub(super) fn promise_key(p: &PromiseRow) -> String {
    format!(
        "{}:{}:{}",
        p.customer_id,
        p.invoice_id.as_deref().unwrap_or("*"),
        p.promised_date
    )
}

/// Promise status per invoice tonight, and `broken_promise` alerts for
/// promises first seen broken tonight.
///
/// Each invoice is under the latest promise covering it ([`covers`]). While
/// a promise's grace days last, its invoices are held. After them it is
/// judged once: kept when every invoice it covers is settled (recorded in
/// state: never judged again, whatever reopens or appears later); broken
/// when one is still open and overdue on the action date — only those are
/// resumed at once and named and totalled in the alert; otherwise (an invoice
/// it names, not yet due) it waits for the night one is settled or overdue.
pub fn promises(
    conn: &Connection,
    ledger: &Ledger,
    rows: &[PromiseRow],
    calendar: &Calendar,
    config: &ClientConfig,
    run_date: NaiveDate,
    open_after: impl Fn(&str) -> Option<Money>,
) -> rusqlite::Result<(BTreeMap<String, Promise>, Vec<Alert>)> {
    let ever = ev::alert_keys(conn)?;
    let kept = ev::kept_promises(conn)?;
    let mut status = BTreeMap::new();
    let mut alerts = Vec::new();
    let action_date = calendar.next_business_day(run_date);
    let renamed = Renamed::load(conn, ledger)?;
    // Lines about an earlier invoice of their number, now another
    // customer's: whether it was settled. They cover nothing tonight.
    let by_id: BTreeMap<&str, &Invoice> = if rows.iter().any(|p| p.invoice_id.is_some()) {
        ledger
            .invoices
            .iter()
            .map(|i| (i.invoice_id.as_str(), i))
            .collect()
    } else {
        BTreeMap::new()
    };
    let mut earlier: Vec<Option<bool>> = Vec::with_capacity(rows.len());
    for p in rows {
        let tonight = p.invoice_id.as_deref().and_then(|i| by_id.get(i).copied());
        earlier.push(earlier_invoice(conn, tonight, p, &renamed)?.map(|(_, settled)| settled));
    }
    let earlier_settled: BTreeMap<String, bool> = rows
        .iter()
        .zip(&earlier)
        .filter_map(|(p, e)| e.map(|settled| (promise_key(p), settled)))
        .collect();
    // Every promise, with the invoices under it (in the export's order).
    let mut under: BTreeMap<String, (&PromiseRow, Vec<&Invoice>)> = BTreeMap::new();
    for p in rows {
        under.entry(promise_key(p)).or_insert((p, Vec::new()));
    }
    for inv in &ledger.invoices {
        let promise = rows
            .iter()
            .zip(&earlier)
            .filter(|(p, e)| e.is_none() && covers(p, inv, &renamed))
            .map(|(p, _)| p)
            .max_by_key(|p| p.promised_date);
        if let Some((_, invoices)) = promise.and_then(|p| under.get_mut(&promise_key(p))) {
            invoices.push(inv);
        }
    }
    for (key, (p, invoices)) in under {
        let grace_end =
            calendar.add_business_days(p.promised_date, config.dunning.promise_grace_days);
        if run_date <= grace_end {
            for inv in invoices {
                status.insert(inv.invoice_id.clone(), Promise::Until(p.promised_date));
            }
            continue;
        }
        let alert_key = format!("broken_promise:{key}");
        if kept.contains(&key) || ever.contains(&alert_key) {
            continue;
        }
        // About an earlier invoice of the number: kept if it was settled,
        // else not judged (it is no longer exported).
        if let Some(settled) = earlier_settled.get(&key) {
            if *settled {
                ev::record_promise_kept(conn, &key, &run_date.to_string())?;
            }
            continue;
        }
        // An export listing no invoice at all is more likely a failed
        // export than every invoice settled: a promise whose invoices are
        // gone is judged kept (for good) only beside invoices still
        // exported (review 38 erp F17).
        if invoices.is_empty() && ledger.invoices.is_empty() {
            continue;
        }
        let opens: Vec<(&Invoice, Option<Money>)> = invoices
            .iter()
            .map(|inv| (*inv, open_after(&inv.invoice_id)))
            .collect();
        if opens
            .iter()
            .all(|(_, open)| open.is_some_and(|o| !o.is_positive()))
        {
            ev::record_promise_kept(conn, &key, &run_date.to_string())?;
            continue;
        }
        // A broken promise is about money owed: an invoice it names that is
        // not overdue on tomorrow's action date follows its plan from its own
        // dates, and is neither resumed at once nor counted here; a promise
        // with nothing overdue yet is judged again on a later night.
        let overdue: Vec<(&Invoice, Money)> = opens
            .into_iter()
            .filter_map(|(inv, open)| {
                let open = open.filter(|o| o.is_positive())?;
                (inv.due_date < action_date).then_some((inv, open))
            })
            .collect();
        if overdue.is_empty() {
            continue;
        }
        // One alert for every invoice still open and overdue, its total per
        // currency (never summed across currencies), resolved once all of
        // them are settled.
        let mut totals: BTreeMap<Currency, Money> = BTreeMap::new();
        for (inv, open) in &overdue {
            status.insert(inv.invoice_id.clone(), Promise::BrokenTonight);
            let total = totals.entry(inv.currency).or_insert(Money::ZERO);
            *total = total.checked_add(*open).unwrap_or(*total);
        }
        let text: Vec<String> = totals
            .iter()
            .map(|(currency, total)| format!("{total} {currency}"))
            .collect();
        let mut a = Alert::new(
            AlertKind::BrokenPromise,
            "",
            format!(
                "customer {} promised to pay {} by {}; {} still open after the grace days: dunning resumes",
                p.customer_id,
                p.invoice_id.as_deref().unwrap_or("all invoices"),
                p.promised_date,
                text.join(" and ")
            ),
        );
        a.key = alert_key;
        a.customer_id = renamed
            .current(&p.customer_id)
            .unwrap_or(&p.customer_id)
            .to_string();
        a.invoice_id = overdue
            .iter()
            .map(|(inv, _)| inv.invoice_id.as_str())
            .collect::<Vec<_>>()
            .join("|");
        if let [(currency, total)] = totals.into_iter().collect::<Vec<_>>().as_slice() {
            a.amount = Some(*total);
            a.currency = Some(*currency);
        }
        alerts.push(a);
    }
    Ok((status, alerts))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{d, invoice};
    use super::*;
    use crate::ledger::Invoice;

    #[test]
    fn a_broken_promise_for_all_invoices_is_one_alert_for_the_whole_amount() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let ledger = Ledger {
            invoices: vec![invoice("F-403", "1200.00"), invoice("F-404", "300.00")],
            customers: BTreeMap::new(),
            customers_file: false,
        };
        let rows = [PromiseRow {
            customer_id: "P3".into(),
            invoice_id: None,
            promised_date: d("2026-04-10"),
            line: 2,
        }];
        let opens: BTreeMap<&str, Money> = [
            ("F-403", "1200.00".parse().unwrap()),
            ("F-404", "300.00".parse().unwrap()),
        ]
        .into();
        let (status, alerts) = promises(
            st.conn(),
            &ledger,
            &rows,
            &Calendar::new([]),
            &ClientConfig::default(),
            d("2026-04-16"), // 04-10 + 3 business days = 04-15
            |i| opens.get(i).copied(),
        )
        .unwrap();
        assert_eq!(status.get("F-403"), Some(&Promise::BrokenTonight));
        assert_eq!(status.get("F-404"), Some(&Promise::BrokenTonight));
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].amount, Some("1500.00".parse().unwrap()));
        assert!(
            alerts[0]
                .message
                .contains("all invoices by 2026-04-10; 1500.00 EUR still open"),
            "{}",
            alerts[0].message
        );
        // It waits for every invoice it covers, not the first one only.
        assert_eq!(alerts[0].invoice_id, "F-403|F-404");
    }

    /// `promises` for the night `date` over these invoices and open amounts.
    fn judge(
        conn: &Connection,
        invoices: Vec<Invoice>,
        rows: &[PromiseRow],
        date: &str,
        opens: &[(&str, &str)],
    ) -> (BTreeMap<String, Promise>, Vec<Alert>) {
        let ledger = Ledger {
            invoices,
            customers: BTreeMap::new(),
            customers_file: false,
        };
        let opens: BTreeMap<&str, Money> = opens
            .iter()
            .map(|(i, o)| (*i, o.parse().unwrap()))
            .collect();
        promises(
            conn,
            &ledger,
            rows,
            &Calendar::new([]),
            &ClientConfig::default(),
            d(date),
            |i| opens.get(i).copied(),
        )
        .unwrap()
    }

    fn on_all(date: &str) -> [PromiseRow; 1] {
        [PromiseRow {
            customer_id: "P3".into(),
            invoice_id: None,
            promised_date: d(date),
            line: 2,
        }]
    }

    #[test]
    fn a_promise_on_all_invoices_covers_only_those_issued_and_due_by_its_date() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        // Promised 03-10: F-403 (issued 02-02, due 03-02) is covered; F-406
        // issued 03-12 and F-407 due 03-11 are not.
        let mut later = invoice("F-406", "700.00");
        later.issue_date = d("2026-03-12");
        later.due_date = d("2026-03-13");
        let mut due_after = invoice("F-407", "200.00");
        due_after.due_date = d("2026-03-11");
        let invoices = vec![invoice("F-403", "1200.00"), later, due_after];
        let opens = [
            ("F-403", "1200.00"),
            ("F-406", "700.00"),
            ("F-407", "200.00"),
        ];
        // In the grace days (03-10 + 3 business days = 03-13): only the
        // covered invoice is held.
        let (status, alerts) = judge(
            st.conn(),
            invoices.clone(),
            &on_all("2026-03-10"),
            "2026-03-12",
            &opens,
        );
        assert_eq!(status.get("F-403"), Some(&Promise::Until(d("2026-03-10"))));
        assert_eq!(status.get("F-406"), None);
        assert_eq!(status.get("F-407"), None);
        assert!(alerts.is_empty());
        // Broken: the alert names and totals the covered invoice only, and
        // only it resumes at once, though the others are overdue too.
        let (status, alerts) = judge(
            st.conn(),
            invoices,
            &on_all("2026-03-10"),
            "2026-03-16",
            &opens,
        );
        assert_eq!(status.get("F-403"), Some(&Promise::BrokenTonight));
        assert_eq!(status.get("F-406"), None);
        assert_eq!(status.get("F-407"), None);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].invoice_id, "F-403");
        assert_eq!(alerts[0].amount, Some("1200.00".parse().unwrap()));
    }

    #[test]
    fn a_kept_promise_is_settled_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let rows = on_all("2026-03-10");
        // The first night after the grace days, F-403 is paid: kept.
        let (status, alerts) = judge(
            st.conn(),
            vec![invoice("F-403", "1200.00")],
            &rows,
            "2026-03-16",
            &[("F-403", "0.00")],
        );
        assert!(status.is_empty() && alerts.is_empty());
        // Later, F-403 is open again (its payment came back) and an invoice
        // dated before the promise appears in the export: the promise stays
        // kept; both follow their own plan (the return path for F-403).
        let mut backdated = invoice("F-408", "300.00");
        backdated.due_date = d("2026-03-05");
        let (status, alerts) = judge(
            st.conn(),
            vec![invoice("F-403", "1200.00"), backdated],
            &rows,
            "2026-04-20",
            &[("F-403", "1200.00"), ("F-408", "300.00")],
        );
        assert!(status.is_empty(), "{status:?}");
        assert!(alerts.is_empty(), "{alerts:?}");
    }

    #[test]
    fn a_promise_on_an_invoice_not_yet_due_waits_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        // F-403 due 03-31, promised by 03-10: after the grace days it is
        // neither kept nor broken while not overdue.
        let mut inv = invoice("F-403", "1200.00");
        inv.due_date = d("2026-03-31");
        let rows = [PromiseRow {
            customer_id: "P3".into(),
            invoice_id: Some("F-403".into()),
            promised_date: d("2026-03-10"),
            line: 2,
        }];
        let open = [("F-403", "1200.00")];
        let (status, alerts) = judge(st.conn(), vec![inv.clone()], &rows, "2026-03-16", &open);
        assert!(status.is_empty() && alerts.is_empty());
        // Overdue on the action date (04-01) and still open: broken.
        let (status, alerts) = judge(st.conn(), vec![inv], &rows, "2026-03-31", &open);
        assert_eq!(status.get("F-403"), Some(&Promise::BrokenTonight));
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].key, "broken_promise:P3:F-403:2026-03-10");
    }

    #[test]
    fn a_broken_promise_over_two_currencies_adds_neither_to_the_other() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let mut usd = invoice("F-405", "500.00");
        usd.currency = Currency::parse("USD").unwrap();
        let ledger = Ledger {
            invoices: vec![invoice("F-403", "1200.00"), usd],
            customers: BTreeMap::new(),
            customers_file: false,
        };
        let rows = [PromiseRow {
            customer_id: "P3".into(),
            invoice_id: None,
            promised_date: d("2026-04-10"),
            line: 2,
        }];
        let (_, alerts) = promises(
            st.conn(),
            &ledger,
            &rows,
            &Calendar::new([]),
            &ClientConfig::default(),
            d("2026-04-16"),
            |i| {
                Some(
                    if i == "F-403" { "1200.00" } else { "500.00" }
                        .parse()
                        .unwrap(),
                )
            },
        )
        .unwrap();
        assert_eq!(alerts.len(), 1);
        assert!(
            alerts[0]
                .message
                .contains("1200.00 EUR and 500.00 USD still open"),
            "{}",
            alerts[0].message
        );
        // No single amount stands for both.
        assert_eq!((alerts[0].amount, alerts[0].currency), (None, None));
        assert_eq!(alerts[0].invoice_id, "F-403|F-405");
    }
}
