//! Each customer's file for dunning: the plan it follows and why, its
//! invoices (effective open amount, dispute, discount still offered, steps
//! issued, suggestions waiting, promise), its returns and its unapplied
//! money.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, Months, NaiveDate};
use rusqlite::Connection;

use crate::alerts::AlertKind;
use crate::config::ClientConfig;
use crate::dunning::{CustomerFile, DunningInvoice, Promise, Received, ReturnCase};
use crate::ledger::{CustomerType, Ledger};
use crate::matching::Status;
use crate::money::{Currency, Money};
use crate::nightly::alerting::AlertSet;
use crate::nightly::credits::CreditStep;
use crate::returns::{ReturnCategory, reason};
use crate::state::{events as ev, ledger as sl};

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
    refused: &crate::nightly::refused::Held,
) -> rusqlite::Result<Vec<CustomerFile>> {
    let steps = ev::dunning_steps(conn)?;
    let notice_delays = ev::notice_delays(conn)?;
    let formal_notices = ev::first_by_role(conn, ev::ROLE_FORMAL_NOTICE)?;
    let handovers = ev::first_by_role(conn, ev::ROLE_HANDOVER)?;
    let returns = ev::returns_by_customer(conn)?;
    let lateness = sl::lateness(conn)?;
    let restarted = crate::state::incarnations::ladder_restarts(conn, &run_date.to_string())?;
    // Invoices that money applied under an earlier currency may have paid:
    // held while their alert is open (nightly::identity).
    let held_by_change: BTreeSet<&str> = alerts
        .open
        .iter()
        .filter(|(a, _)| a.kind == AlertKind::InvoiceIdentityChanged)
        .map(|(a, _)| a.invoice_id.as_str())
        .collect();
    // Invoices a notified payment paid until a statement did not book it:
    // no formal step while its alert is open (nightly::link::unbooked).
    let formal_held: BTreeSet<&str> = alerts
        .open
        .iter()
        .filter(|(a, _)| a.kind == AlertKind::NotifiedNotBooked)
        .flat_map(|(a, _)| a.invoice_id.split('|'))
        .filter(|i| !i.is_empty())
        .collect();
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
    // Held as if in a suggestion: the direct-debit invoices a remittance
    // booked without detail, waiting for a person, may have collected.
    let mut suggested_since =
        super::remittance_hold::held_by_remittances(credits, alerts, run_date);
    let mut suggested_customers: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    // What each payment is suggested for, per invoice.
    let mut suggested_for: BTreeMap<usize, BTreeMap<&str, Money>> = BTreeMap::new();
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
        // What it would settle: the money and the fee or discount written
        // off beside it (a held payment's suggestion has it in its amount).
        let settles = a
            .applied_amount
            .checked_add(a.writeoff_amount)
            .unwrap_or(a.applied_amount);
        let e = suggested_for
            .entry(a.payment)
            .or_default()
            .entry(item.invoice_id.as_str())
            .or_insert(Money::ZERO);
        *e = e.checked_add(settles).unwrap_or(*e);
    }
    // Money waiting for a person that is suggested for one invoice alone
    // (a payment held as maybe booked in the ERP, a suggestion): set
    // against that invoice first in dunning, never named in a letter
    // while it covers it, once the suggestion's hold is over (verify 43
    // raise4 H1, H2: the invoice the customer paid went to a formal
    // notice, the money taken off an older one).
    let mut waiting_for: BTreeMap<&str, Money> = BTreeMap::new();
    for a in credits
        .apps
        .iter()
        .filter(|a| a.status == Status::Unapplied)
    {
        let Some(only) = suggested_for.get(&a.payment).filter(|s| s.len() == 1) else {
            continue;
        };
        // What the suggestion would settle of it: a fee or a discount the
        // match writes off is no debt left to chase (verify 43 dun5 H1).
        for (invoice, settles) in only {
            let e = waiting_for.entry(invoice).or_insert(Money::ZERO);
            *e = e.checked_add(*settles).unwrap_or(*e);
        }
    }

    // An invoice a refused statement's credits would pay (tonight, or as
    // recorded by a `conflicting_statement` still open): held from every
    // step while the conflict is open (nightly::refused).
    let held_by_conflict: BTreeSet<&str> = alerts
        .open
        .iter()
        .filter(|(a, _)| a.kind == AlertKind::ConflictingStatement)
        .flat_map(|(a, _)| a.invoice_id.split('|'))
        .filter(|i| !i.is_empty())
        .chain(refused.keys().map(String::as_str))
        .collect();

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
    // the same payment paid (tonight or on an earlier night), suggestions
    // pointing only at their invoices, or, for money nothing was suggested
    // for, a payer's name that is exactly theirs and no one else's
    // (`named_payer`).
    // Money that may be several customers' (an IBAN they share, a payment
    // that paid invoices of several) counts for each of them: none is
    // chased for what that money may have paid while a person decides.
    let mut unapplied: BTreeMap<String, BTreeMap<Currency, Received>> = BTreeMap::new();
    let named = super::named_payer::NamedPayers::of(ledger);
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
        // What is left of a payment that paid their invoices on an earlier
        // night stays theirs on the nights after (the overpayment waits).
        let earlier = if credits.is_carried_over(a.payment) {
            sl::live_applications(conn, &p.account, &p.entry_id)?
        } else {
            Vec::new()
        };
        owners.extend(earlier.iter().map(|l| l.customer_id.as_str()));
        if let Some(one) = suggested_customers
            .get(&a.payment)
            .filter(|s| s.len() == 1)
            .and_then(|s| s.iter().next())
        {
            owners.insert(one.as_str());
        }
        // By name only when nothing was suggested for it: suggestions already
        // say whose it may be (only one customer's: theirs; several
        // customers': a person's), and a namesake of one of them must not
        // take it from the others (nor take it off an invoice of theirs the
        // suggestion holds, then off another one's letter).
        let suggested = suggested_customers
            .get(&a.payment)
            .is_some_and(|s| !s.is_empty());
        let by_name = named
            .customer(p)
            .filter(|_| !suggested)
            .filter(|c| owners.insert(c));
        // Dated by its day (the reason of a row it is deducted from
        // says when it came).
        let date = p.day().unwrap_or(run_date);
        for c in owners {
            let r = unapplied
                .entry(c.to_string())
                .or_default()
                .entry(p.currency)
                .and_modify(|r| r.add(a.applied_amount, date))
                .or_insert_with(|| Received::on(a.applied_amount, date));
            r.by_name |= by_name == Some(c);
        }
    }

    // Money applied to an invoice beyond what it owes now (its amount
    // corrected downwards after the payment) is the customer's unapplied
    // money too, dated by the night it was applied: the same as had the
    // correction come first and the matcher left the surplus unapplied.
    for inv in &ledger.invoices {
        if let Some(b) = credits.beyond.get(&inv.invoice_id) {
            let date = b.last_applied.unwrap_or(run_date);
            unapplied
                .entry(inv.customer_id.clone())
                .or_default()
                .entry(inv.currency)
                .and_modify(|r| r.add(b.surplus, date))
                .or_insert_with(|| Received::on(b.surplus, date));
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
        let mut returned_on: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        let mut cases: Vec<ReturnCase> = Vec::new();
        let mut seen_collections: Vec<(&str, NaiveDate)> = Vec::new();
        // A collection's return is one return whatever the lines it comes
        // in (the same line sent twice, a return split over nights): an
        // invoice goes on its path once, dated by the first, and no step of
        // it goes out twice. Only another reason's category (a death learnt
        // later) is a case of its own, dated the same.
        let mut first_for: BTreeMap<(&str, Option<&str>), NaiveDate> = BTreeMap::new();
        let mut on_path: BTreeSet<(&str, ReturnCategory, Option<&str>)> = BTreeSet::new();
        let mut case_of: BTreeMap<(&str, ReturnCategory, NaiveDate), usize> = BTreeMap::new();
        for r in recorded {
            let Some(date) = r.booking_date else {
                continue;
            };
            let first = *first_for
                .entry((r.collection.as_str(), r.invoice_id.as_deref()))
                .or_insert(date);
            let code = r.reason_code.clone().unwrap_or_default();
            let category = reason(&code).category;
            if category != ReturnCategory::Deceased
                && let Some(i) = &r.invoice_id
            {
                let e = returned_on.entry(i.as_str()).or_insert(date);
                *e = (*e).max(date);
            }
            // Disputed for the return path only: then the plan resumes
            // (the ERP's own `disputed` column still holds it).
            if category == ReturnCategory::Disputed
                && date
                    .checked_add_days(Days::new(crate::dunning::RETURN_PATH_DAYS))
                    .is_some_and(|end| run_date <= end)
                && let Some(i) = &r.invoice_id
            {
                disputed_by_return.insert(i.as_str());
            }
            let since = date
                .checked_sub_months(Months::new(config.alerts.repeat_return_months))
                .unwrap_or(NaiveDate::MIN);
            // A technical rejection is the firm's own error, not the
            // customer's return: it never makes a second one.
            let technical = category == ReturnCategory::Technical;
            let earlier = seen_collections
                .iter()
                .filter(|(c, d)| *c != r.collection && *d > since)
                .count();
            if !technical {
                seen_collections.push((r.collection.as_str(), date));
            }
            if (first >= path_start || category == ReturnCategory::Deceased)
                && on_path.insert((r.collection.as_str(), category, r.invoice_id.as_deref()))
            {
                // A grouped collection's return is one row per invoice: one case.
                let key = (r.collection.as_str(), category, first);
                if let Some(case) = case_of.get(&key).and_then(|i| cases.get_mut(*i)) {
                    case.invoice_ids.extend(r.invoice_id.iter().cloned());
                    continue;
                }
                case_of.insert(key, cases.len());
                cases.push(ReturnCase {
                    invoice_ids: r.invoice_id.iter().cloned().collect(),
                    return_date: first,
                    reason_code: code,
                    category,
                    repeated: earlier >= 1 && !technical,
                    what: match r.kind.as_str() {
                        "cheque_unpaid" => "cheque returned unpaid",
                        "bill_unpaid" => "bill of exchange returned unpaid",
                        _ => "direct debit returned",
                    },
                });
            }
        }
        let (plan, plan_reason) = choose_plan(
            known.and_then(|c| c.dunning_plan.as_deref()),
            plans,
            config,
            recorded.iter().rfind(|r| {
                r.booking_date.is_some_and(|d| d > window_start)
                    && reason(r.reason_code.as_deref().unwrap_or_default()).category
                        != ReturnCategory::Technical
            }),
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
                    || credits.unexplained.contains_key(&inv.invoice_id)
                    || held_by_change.contains(inv.invoice_id.as_str()),
                held: held_by_conflict.contains(inv.invoice_id.as_str()),
                formal_held: formal_held.contains(inv.invoice_id.as_str()),
                discount_percent: offered_discount(inv, run_date),
                suggested_since: suggested_since.get(&inv.invoice_id).copied(),
                waiting_for_it: waiting_for
                    .get(inv.invoice_id.as_str())
                    .copied()
                    .unwrap_or(Money::ZERO),
                steps_done: steps.get(&inv.invoice_id).cloned().unwrap_or_default(),
                notice_delay: notice_delays.get(&inv.invoice_id).copied(),
                promise: promises.get(&inv.invoice_id).copied().unwrap_or_default(),
                ladder_from: restarted.get(&inv.invoice_id).copied(),
                formal_notice_sent: formal_notices.get(&inv.invoice_id).copied(),
                handover_sent: handovers.get(&inv.invoice_id).copied(),
                returned_on: returned_on.get(inv.invoice_id.as_str()).copied(),
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
        // Not reached by a night: `check_plan_names` refused the client.
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

#[cfg(test)]
mod tests {
    use super::super::testkit::{d, invoice};
    use super::*;

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
}
