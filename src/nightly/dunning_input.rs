//! Builds dunning's inputs from tonight's export and state: each customer's
//! plan (from `customers.csv`, else `watch` for a recent return or late
//! payer, else the default), invoices with their effective open amount,
//! steps already issued, suggestions waiting, promises, returns, and the
//! customer's unapplied money.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, Months, NaiveDate};
use rusqlite::Connection;

use super::alerting::AlertSet;
use super::credits::CreditStep;
use crate::alerts::{Alert, AlertKind};
use crate::calendar::Calendar;
use crate::config::ClientConfig;
use crate::dunning::{CustomerFile, DunningInvoice, Promise, ReturnCase};
use crate::ledger::PromiseRow;
use crate::ledger::{CustomerType, Invoice, Ledger};
use crate::matching::Status;
use crate::money::{Currency, Money};
use crate::returns::{ReturnCategory, reason};
use crate::state::{events as ev, ledger as sl};

/// The invoices a promise covers: the one it names; for a promise on all of
/// the customer's invoices, those issued on or before the promised date and
/// due on or before it (what the customer can have promised to pay by then;
/// a later invoice follows its plan from its own dates).
fn covers(p: &PromiseRow, inv: &Invoice) -> bool {
    p.customer_id == inv.customer_id
        && match &p.invoice_id {
            Some(i) => *i == inv.invoice_id,
            None => inv.issue_date <= p.promised_date && inv.due_date <= p.promised_date,
        }
}

/// A promise's identity: `customer:invoice (or *):promised date`. The
/// `broken_promise` alert's key is this after `broken_promise:`.
fn promise_key(p: &PromiseRow) -> String {
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
    // Every promise, with the invoices under it (in the export's order).
    let mut under: BTreeMap<String, (&PromiseRow, Vec<&Invoice>)> = BTreeMap::new();
    for p in rows {
        under.entry(promise_key(p)).or_insert((p, Vec::new()));
    }
    for inv in &ledger.invoices {
        let promise = rows
            .iter()
            .filter(|p| covers(p, inv))
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
        a.customer_id = p.customer_id.clone();
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

/// Everything dunning needs about every customer with invoices tonight.
#[allow(clippy::too_many_arguments)]
pub fn customers(
    conn: &Connection,
    ledger: &Ledger,
    config: &ClientConfig,
    run_date: NaiveDate,
    credits: &CreditStep,
    alerts: &AlertSet,
    promises: &BTreeMap<String, Promise>,
    plans: &BTreeSet<String>,
) -> rusqlite::Result<Vec<CustomerFile>> {
    let steps = ev::dunning_steps(conn)?;
    let returns = ev::returns_by_customer(conn)?;
    let lateness = sl::lateness(conn)?;
    let window_start = run_date
        .checked_sub_months(Months::new(config.alerts.repeat_return_months))
        .unwrap_or(NaiveDate::MIN);
    let path_start = run_date
        .checked_sub_days(Days::new(60))
        .unwrap_or(NaiveDate::MIN);

    // Suggestions waiting for a person: the night each was first raised.
    let first_raised: BTreeMap<&str, NaiveDate> = alerts
        .open
        .iter()
        .filter(|(a, _)| a.kind == AlertKind::SuggestedMatch)
        .map(|(a, d)| (a.entry_id.as_str(), *d))
        .collect();
    let mut suggested_since: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut suggested_customers: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for a in credits
        .apps
        .iter()
        .filter(|a| a.status == Status::Suggested)
    {
        let (Some(p), Some(item)) = (
            credits.payments.get(a.payment),
            a.item.and_then(|i| credits.items.get(i)),
        ) else {
            continue;
        };
        let since = first_raised
            .get(p.entry_id.as_str())
            .copied()
            .unwrap_or(run_date);
        let e = suggested_since
            .entry(item.invoice_id.clone())
            .or_insert(since);
        *e = (*e).min(since);
        suggested_customers
            .entry(a.payment)
            .or_default()
            .insert(item.customer_id.clone());
    }

    // The customers whose invoices each payment paid tonight: what is left
    // of it (an overpayment) is theirs.
    let mut paid_customers: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for a in credits.apps.iter().filter(|a| a.status == Status::Matched) {
        if let Some(item) = a.item.and_then(|i| credits.items.get(i)) {
            paid_customers
                .entry(a.payment)
                .or_default()
                .insert(item.customer_id.as_str());
        }
    }
    // Unapplied money attributable to a customer: their IBAN, the invoices
    // the same payment paid, or suggestions pointing only at their invoices.
    // Money that may be several customers' (an IBAN they share, a payment
    // that paid invoices of several) counts for each of them: none is
    // chased for what that money may have paid while a person decides.
    let mut unapplied: BTreeMap<String, BTreeMap<Currency, Money>> = BTreeMap::new();
    for a in credits
        .apps
        .iter()
        .filter(|a| a.status == Status::Unapplied)
    {
        let Some(p) = credits.payments.get(a.payment) else {
            continue;
        };
        let mut owners: BTreeSet<&str> = BTreeSet::new();
        if let Some(iban) = p.counterparty_iban.as_deref() {
            owners.extend(
                ledger
                    .customers
                    .values()
                    .filter(|c| c.ibans.iter().any(|i| i == iban))
                    .map(|c| c.customer_id.as_str()),
            );
        }
        if let Some(paid) = paid_customers.get(&a.payment) {
            owners.extend(paid.iter().copied());
        }
        if let Some(one) = suggested_customers
            .get(&a.payment)
            .filter(|s| s.len() == 1)
            .and_then(|s| s.iter().next())
        {
            owners.insert(one.as_str());
        }
        for c in owners {
            let e = unapplied
                .entry(c.to_string())
                .or_default()
                .entry(p.currency)
                .or_insert(Money::ZERO);
            *e = e.checked_add(a.applied_amount).unwrap_or(*e);
        }
    }

    let mut by_customer: BTreeMap<&str, Vec<&crate::ledger::Invoice>> = BTreeMap::new();
    for inv in &ledger.invoices {
        by_customer
            .entry(inv.customer_id.as_str())
            .or_default()
            .push(inv);
    }
    let mut out = Vec::new();
    for (cid, invoices) in by_customer {
        let known = ledger.customers.get(cid);
        let recorded = returns.get(cid).map(Vec::as_slice).unwrap_or(&[]);
        let mut disputed_by_return: BTreeSet<&str> = BTreeSet::new();
        let mut cases = Vec::new();
        let mut seen_collections: Vec<(&str, NaiveDate)> = Vec::new();
        let mut last_collection: Option<&str> = None;
        for r in recorded {
            let Some(date) = r.booking_date else {
                continue;
            };
            let code = r.reason_code.clone().unwrap_or_default();
            let category = reason(&code).category;
            if category == ReturnCategory::Disputed
                && let Some(i) = &r.invoice_id
            {
                disputed_by_return.insert(i.as_str());
            }
            let since = date
                .checked_sub_months(Months::new(config.alerts.repeat_return_months))
                .unwrap_or(NaiveDate::MIN);
            let earlier = seen_collections
                .iter()
                .filter(|(c, d)| *c != r.collection && *d > since)
                .count();
            seen_collections.push((r.collection.as_str(), date));
            if date >= path_start || category == ReturnCategory::Deceased {
                // A grouped collection's return is one row per invoice: one case.
                if let Some(last) = cases.last_mut().filter(|c: &&mut ReturnCase| {
                    c.return_date == date
                        && c.reason_code == code
                        && last_collection == Some(r.collection.as_str())
                }) {
                    last.invoice_ids.extend(r.invoice_id.iter().cloned());
                    continue;
                }
                last_collection = Some(r.collection.as_str());
                cases.push(ReturnCase {
                    invoice_ids: r.invoice_id.iter().cloned().collect(),
                    return_date: date,
                    reason_code: code,
                    category,
                    repeated: earlier >= 1,
                });
            }
        }
        let (plan, plan_reason) = choose_plan(
            known.and_then(|c| c.dunning_plan.as_deref()),
            plans,
            config,
            recorded
                .iter()
                .rfind(|r| r.booking_date.is_some_and(|d| d > window_start)),
            lateness.get(cid).copied(),
        );
        let dunning_invoices = invoices
            .iter()
            .map(|inv| DunningInvoice {
                invoice_id: inv.invoice_id.clone(),
                due_date: inv.due_date,
                open: credits.open_after(&inv.invoice_id).unwrap_or(Money::ZERO),
                currency: inv.currency,
                // Disputed, or its export moved in a way pointage cannot
                // read (held for a person, never chased meanwhile).
                disputed: inv.disputed
                    || disputed_by_return.contains(inv.invoice_id.as_str())
                    || credits.unexplained.contains_key(&inv.invoice_id),
                discount_percent: offered_discount(inv, run_date),
                suggested_since: suggested_since.get(&inv.invoice_id).copied(),
                steps_done: steps.get(&inv.invoice_id).cloned().unwrap_or_default(),
                promise: promises.get(&inv.invoice_id).copied().unwrap_or_default(),
            })
            .collect();
        out.push(CustomerFile {
            customer_id: cid.to_string(),
            name: known.map(|c| c.name.clone()).unwrap_or_else(|| {
                invoices
                    .first()
                    .map(|i| i.customer_name.clone())
                    .unwrap_or_default()
            }),
            customer_type: known.map(|c| c.customer_type).unwrap_or(CustomerType::B2b),
            email: known.and_then(|c| c.email.clone()),
            phone: known.and_then(|c| c.phone.clone()),
            address: known.and_then(|c| c.address.clone()),
            plan,
            plan_reason,
            invoices: dunning_invoices,
            unapplied: unapplied.remove(cid).unwrap_or_default(),
            returns: cases,
        });
    }
    Ok(out)
}

/// An early-payment discount is offered only while it lasts (an expired one
/// must not be promised in a preventive e-mail).
fn offered_discount(
    inv: &crate::ledger::Invoice,
    run_date: NaiveDate,
) -> Option<rust_decimal::Decimal> {
    inv.discount_percent
        .filter(|_| inv.discount_until.is_none_or(|u| u > run_date))
}

fn choose_plan(
    named: Option<&str>,
    plans: &BTreeSet<String>,
    config: &ClientConfig,
    recent_return: Option<&ev::RecordedReturn>,
    lateness: Option<(i64, i64)>,
) -> (String, String) {
    let d = &config.dunning;
    if let Some(name) = named.filter(|n| !n.trim().is_empty()) {
        if plans.contains(name) {
            return (name.to_string(), "named in customers.csv".into());
        }
        return (
            d.default_plan.clone(),
            format!("customers.csv names unknown plan {name:?}"),
        );
    }
    if let Some(r) = recent_return {
        return (
            d.watch_plan.clone(),
            format!(
                "direct-debit return on {} ({})",
                r.booking_date.map(|x| x.to_string()).unwrap_or_default(),
                r.reason_code.as_deref().unwrap_or("no reason")
            ),
        );
    }
    if let Some((n, days)) = lateness
        && n > 0
        && days / n > i64::from(d.watch_average_days_late)
    {
        return (
            d.watch_plan.clone(),
            format!("paid {} days late on average over {n} invoices", days / n),
        );
    }
    let why = if lateness.is_some() {
        "pays on time"
    } else {
        "no payment history yet"
    };
    (d.default_plan.clone(), why.into())
}

/// True when formal notices must wait: a statement gap, a balance mismatch,
/// a conflicting statement (one not imported: its payments are unknown) or
/// statements that stopped arriving is open on an account nobody cleared.
pub fn hold_formal(alerts: &AlertSet) -> bool {
    alerts.open.iter().any(|(a, _)| holds_formal(a.kind))
}

/// The alerts that say a payment may be missing from what pointage saw.
pub fn holds_formal(kind: AlertKind) -> bool {
    matches!(
        kind,
        AlertKind::SequenceGap
            | AlertKind::BalanceMismatch
            | AlertKind::ConflictingStatement
            | AlertKind::StaleStatements
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Invoice;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn invoice(id: &str, open: &str) -> Invoice {
        Invoice {
            invoice_id: id.into(),
            customer_id: "P3".into(),
            customer_name: "Roche Textiles".into(),
            issue_date: d("2026-02-02"),
            due_date: d("2026-03-02"),
            amount: open.parse().unwrap(),
            open_amount: open.parse().unwrap(),
            currency: Currency::EUR,
            reference: None,
            payment_method: None,
            mandate_id: None,
            disputed: false,
            installment: None,
            discount_percent: None,
            discount_until: None,
            line: 2,
        }
    }

    #[test]
    fn an_expired_discount_is_not_offered() {
        let mut inv = invoice("F-503", "950.00");
        inv.discount_percent = Some(rust_decimal::Decimal::from(3));
        assert_eq!(
            offered_discount(&inv, d("2026-07-03")),
            inv.discount_percent,
            "no end date"
        );
        inv.discount_until = Some(d("2026-06-30"));
        assert_eq!(offered_discount(&inv, d("2026-07-03")), None);
        assert_eq!(
            offered_discount(&inv, d("2026-06-29")),
            inv.discount_percent
        );
    }

    #[test]
    fn a_broken_promise_for_all_invoices_is_one_alert_for_the_whole_amount() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let ledger = Ledger {
            invoices: vec![invoice("F-403", "1200.00"), invoice("F-404", "300.00")],
            customers: BTreeMap::new(),
        };
        let rows = [PromiseRow {
            customer_id: "P3".into(),
            invoice_id: None,
            promised_date: d("2026-04-10"),
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
        };
        let rows = [PromiseRow {
            customer_id: "P3".into(),
            invoice_id: None,
            promised_date: d("2026-04-10"),
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
