//! Tonight's alerts: the conditions that hold from matching and statements,
//! and ([`settle`]) which are new (`alerts.csv`), which are still waiting
//! for a person (`open_items.csv`, with the night first raised), which are
//! resolved.
//!
//! Two families:
//! - conditions, recomputed every night and resolved when they no longer hold:
//!   `unmatched_credit`, `suggested_match`, `overpayment` (money still
//!   unapplied), `sequence_gap` (a missing statement that arrived fills it),
//!   `stale_statements` (an account's statements stopped arriving),
//!   `promise_unmatched` (a `promises.csv` line matching nothing),
//!   `people_file_missing` (a people's file read from its kept copy: keyed
//!   by the night, so new every night the file is missing);
//!   `customer_unknown` (an invoice's customer id missing from `customers.csv`),
//!   `erp_export_empty` (`invoices.csv` lists no invoice, an earlier export
//!   did);
//! - events, raised the night they happen: returns and unpaid items (resolved
//!   when the invoice is settled), `partial_payment` (resolved when settled),
//!   `duplicate_statement` (information: resolved at once), and the rest, which
//!   wait for a person (`balance_mismatch` until its account is cleared).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::credits::CreditStep;
use crate::alerts::sequence::{StatementHeader, gaps, in_chain_order, untiled};
use crate::alerts::stale::stale;
use crate::alerts::{Alert, AlertKind};
use crate::calendar::Calendar;
use crate::config::account_key;
use crate::matching::Status;
use crate::money::Money;
use crate::state::ledger as sl;

mod settle;

pub use settle::settle;

/// What an `erp_export_empty` alert is about (its key's object).
pub const EMPTY_EXPORT: &str = "invoices.csv";

/// `erp_export_empty` when tonight's export lists no invoice while the last
/// export that listed any (`last`: its night and count) did: more likely a
/// failed export than every invoice settled. Open while it lasts.
pub fn empty_export_condition(
    ledger: &crate::ledger::Ledger,
    last: Option<&(String, usize)>,
) -> Option<Alert> {
    let (night, n) = last.filter(|(_, n)| *n > 0 && ledger.invoices.is_empty())?;
    Some(Alert::new(
        AlertKind::ErpExportEmpty,
        EMPTY_EXPORT,
        format!(
            "invoices.csv lists no invoice, while the ERP's export of {night} listed {n} not settled: \
             more likely a failed export than every invoice settled — check the ERP's export; \
             meanwhile its invoices are read as closed in the ERP (no reminder goes out for \
             them) and tonight's money waits unmatched, matched again the night they are back"
        ),
    ))
}

/// The night's alert files.
#[derive(Debug, Clone, Default)]
pub struct AlertSet {
    /// New tonight, in output order.
    pub new: Vec<Alert>,
    /// Still open after tonight, with the night first raised.
    pub open: Vec<(Alert, NaiveDate)>,
    /// For each entry (`{account}:{entry_id}`: ids are per account), the
    /// first night its money was told to a person as waiting
    /// (`unmatched_credit`, `suggested_match`, `overpayment`), even if that
    /// alert has since become another (a suggestion rejected).
    pub first_told: std::collections::BTreeMap<String, NaiveDate>,
}

/// One `erp_export_unexplained` per invoice whose export fell by more than
/// pointage's payments explain, re-checked every night: it leaves
/// `open_items.csv` once the ERP's export and pointage agree again.
pub fn unexplained_conditions(step: &CreditStep, ledger: &crate::ledger::Ledger) -> Vec<Alert> {
    let mut out = Vec::new();
    for inv in &ledger.invoices {
        let Some(gap) = step.unexplained.get(&inv.invoice_id) else {
            continue;
        };
        let shown = step.open_before(&inv.invoice_id).unwrap_or(inv.open_amount);
        let mut a = Alert::new(
            AlertKind::ErpExportUnexplained,
            &inv.invoice_id,
            format!(
                "invoice {}: the ERP's open amount ({}) fell by more than pointage's payments explain; up to {gap} less than the {shown} shown may be owed (a credit note set against it before the payments were booked?): not chased until the ERP books them or a person checks",
                inv.invoice_id, inv.open_amount
            ),
        );
        a.customer_id = inv.customer_id.clone();
        a.invoice_id = inv.invoice_id.clone();
        a.amount = Some(*gap);
        a.currency = Some(inv.currency);
        out.push(a);
    }
    out
}

/// One `erp_export_unexplained` per payment of an earlier night held
/// tonight ([`super::waiting`]): its customers' invoices fell in the ERP's
/// export since it first waited by at least that money — maybe that very
/// payment booked in the ERP. Re-checked every night while it is held.
pub fn held_conditions(step: &CreditStep) -> Vec<Alert> {
    let mut out = Vec::new();
    for h in &step.held {
        let Some(p) = step.payments.get(h.payment) else {
            continue;
        };
        let payer = p.counterparty_name.as_deref().unwrap_or("unknown payer");
        let mut fell: Vec<String> = Vec::new();
        for m in &h.moves {
            // An invoice the ERP moved between customers: the lettering may
            // be the other customer's payment (verify 44 moved M2).
            let moved = m
                .moved
                .as_ref()
                .map(|(from, to)| format!(", moved from customer {from} to {to}"))
                .unwrap_or_default();
            fell.push(format!("{} {} on {}{moved}", m.invoice_id, m.fell, m.night));
        }
        // Falls before it first waited: the ERP booked it before the bank
        // file came (see `waiting::hold`).
        let since = match h.moves.iter().map(|m| m.night.as_str()).min() {
            Some(night) if night < h.since.as_str() => format!("since {night}"),
            _ => "since".to_string(),
        };
        let mut a = Alert::new(
            AlertKind::ErpExportUnexplained,
            &format!("waiting:{}:{}", p.account, p.entry_id),
            format!(
                "{} from {payer} on {}, waiting since {}: the ERP's open amounts of the customer's invoices fell {since} by {} more than pointage's payments explain ({}) — maybe this payment booked in the ERP: pointage does not apply it (see matches.csv); apply it with a decision (accept/assign), or take it out (ignore) if the ERP booked it",
                p.amount,
                date(p.day()),
                h.since,
                h.fell,
                fell.join(", ")
            ),
        );
        if let Some(first) = h.moves.first() {
            a.customer_id = first.customer_id.clone();
            a.invoice_id = first.invoice_id.clone();
        }
        a.entry_id = p.entry_id.clone();
        a.amount = Some(p.amount);
        a.currency = Some(p.currency);
        out.push(a);
    }
    out
}

/// One `overpayment` per invoice pointage applied more money to than it
/// owes now (its amount corrected downwards after the payment), re-checked
/// every night: the surplus is the customer's unapplied money while the
/// invoice stays in the ERP's export.
pub fn beyond_conditions(step: &CreditStep, ledger: &crate::ledger::Ledger) -> Vec<Alert> {
    let mut out = Vec::new();
    for inv in &ledger.invoices {
        let Some(b) = step.beyond.get(&inv.invoice_id) else {
            continue;
        };
        let mut a = Alert::new(
            AlertKind::Overpayment,
            &format!("invoice:{}", inv.invoice_id),
            format!(
                "invoice {} of customer {}: {} paid to it, but the ERP now says it owes {} (amount {}): {} paid beyond it: the customer's unapplied money (deducted from what they are chased for) while the invoice stays in the ERP's export; refund it or have the ERP assign it",
                inv.invoice_id, inv.customer_id, b.applied, inv.open_amount, inv.amount, b.surplus
            ),
        );
        a.customer_id = inv.customer_id.clone();
        a.invoice_id = inv.invoice_id.clone();
        a.amount = Some(b.surplus);
        a.currency = Some(inv.currency);
        out.push(a);
    }
    out
}

/// For each carried-over payment with money still unapplied, the
/// applications the matcher made of it on earlier nights (by payment index):
/// what is left of a payment that paid its invoices is an overpayment on
/// every night it stays, not unexplained money.
pub fn matched_before(
    conn: &Connection,
    step: &CreditStep,
    run_date: &str,
) -> rusqlite::Result<BTreeMap<usize, Vec<sl::LiveApplication>>> {
    let mut out = BTreeMap::new();
    for a in &step.apps {
        if a.status != Status::Unapplied
            || !a.applied_amount.is_positive()
            || !step.is_carried_over(a.payment)
        {
            continue;
        }
        let Some(p) = step.payments.get(a.payment) else {
            continue;
        };
        let before = sl::matched_before(conn, &p.account, &p.entry_id, run_date)?;
        if !before.is_empty() {
            out.insert(a.payment, before);
        }
    }
    Ok(out)
}

/// Conditions that hold tonight from matching. `before`: the applications
/// of carried-over payments made on earlier nights ([`matched_before`]).
pub fn credit_conditions(
    step: &CreditStep,
    before: &BTreeMap<usize, Vec<sl::LiveApplication>>,
) -> Vec<Alert> {
    let mut out = Vec::new();
    // Per payment: money matched (tonight and before), unapplied, suggested
    // items, and the (customer, invoice) pairs its matched money went to
    // (borrowed: most payments raise no alert).
    type PerPayment<'s> = (Money, Money, Vec<usize>, Vec<(&'s str, &'s str)>);
    let mut per_payment: BTreeMap<usize, PerPayment> = BTreeMap::new();
    for a in &step.apps {
        let e = per_payment.entry(a.payment).or_insert((
            Money::ZERO,
            Money::ZERO,
            Vec::new(),
            Vec::new(),
        ));
        match a.status {
            Status::Matched => {
                e.0 = e.0.checked_add(a.applied_amount).unwrap_or(e.0);
                if let Some(item) = a.item.and_then(|i| step.items.get(i)) {
                    e.3.push((item.customer_id.as_str(), item.invoice_id.as_str()));
                }
            }
            Status::Unapplied => e.1 = a.applied_amount,
            Status::Suggested => e.2.extend(a.item),
        }
    }
    for (i, apps) in before {
        if let Some(e) = per_payment.get_mut(i) {
            for b in apps {
                e.0 = e.0.checked_add(b.applied).unwrap_or(e.0);
                e.3.push((b.customer_id.as_str(), b.invoice_id.as_str()));
            }
        }
    }
    for (i, (matched, unapplied, suggested, paid)) in per_payment {
        let Some(p) = step.payments.get(i) else {
            continue;
        };
        let object = format!("{}:{}", p.account, p.entry_id);
        let payer = p.counterparty_name.as_deref().unwrap_or("unknown payer");
        let mut a = if !suggested.is_empty() {
            let ids: Vec<&str> = suggested
                .iter()
                .filter_map(|&i| step.items.get(i).map(|it| it.invoice_id.as_str()))
                .collect();
            let mut a = Alert::new(
                AlertKind::SuggestedMatch,
                &object,
                format!(
                    "{} from {payer} on {}: candidates {} need a person's confirmation (see matches.csv)",
                    p.amount,
                    date(p.day()),
                    ids.join(", ")
                ),
            );
            if let Some(first) = suggested.first().and_then(|&i| step.items.get(i)) {
                a.invoice_id = first.invoice_id.clone();
                a.customer_id = first.customer_id.clone();
            }
            a
        } else if !unapplied.is_positive() {
            continue;
        } else if matched.is_positive() {
            let mut a = Alert::new(
                AlertKind::Overpayment,
                &object,
                format!(
                    "{} from {payer} on {}: {matched} applied, {unapplied} more than the invoices it pays",
                    p.tx_amount,
                    date(p.day())
                ),
            );
            // The customer the money came from and the invoices it paid
            // (`|`-joined, in the order applied), for the refund.
            let mut invoices: Vec<&str> = Vec::new();
            for &(_, invoice) in &paid {
                if !invoices.contains(&invoice) {
                    invoices.push(invoice);
                }
            }
            a.invoice_id = invoices.join("|");
            a.customer_id = paid.first().map(|(c, _)| c.to_string()).unwrap_or_default();
            a
        } else {
            Alert::new(
                AlertKind::UnmatchedCredit,
                &object,
                format!(
                    "{} from {payer} on {}: nobody explained it ({})",
                    unapplied,
                    date(p.day()),
                    if p.remittance.is_empty() {
                        "no remittance text"
                    } else {
                        &p.remittance
                    }
                ),
            )
        };
        a.entry_id = p.entry_id.clone();
        a.amount = Some(if a.kind == AlertKind::SuggestedMatch {
            p.amount
        } else {
            unapplied
        });
        a.currency = Some(p.currency);
        out.push(a);
    }
    out
}

/// Partial payments tonight: an invoice paid in part and still open.
pub fn partial_payments(step: &CreditStep) -> Vec<Alert> {
    let mut out = Vec::new();
    for a in step.apps.iter().filter(|a| a.status == Status::Matched) {
        let (Some(item), Some(p)) = (
            a.item.and_then(|i| step.items.get(i)),
            step.payments.get(a.payment),
        ) else {
            continue;
        };
        let still = step.open_after(&item.invoice_id).unwrap_or(Money::ZERO);
        if !still.is_positive() || item.is_credit_note() {
            continue;
        }
        let mut al = Alert::new(
            AlertKind::PartialPayment,
            &format!("{}:{}:{}", item.invoice_id, p.account, p.entry_id),
            format!(
                "invoice {}: {} received on {}, {} still open",
                item.invoice_id,
                a.applied_amount,
                date(p.day()),
                still
            ),
        );
        al.customer_id = item.customer_id.clone();
        al.invoice_id = item.invoice_id.clone();
        al.entry_id = p.entry_id.clone();
        al.amount = Some(a.applied_amount);
        al.currency = Some(p.currency);
        out.push(al);
    }
    out
}

/// Statement gaps over every account's statements in state (those a
/// person cleared are left out by the caller, by key: a gap found later on a
/// cleared account is raised). Each currency of an account is its own
/// series: one account number in EUR and USD numbers and balances each
/// separately.
pub fn sequence_conditions(headers: &[StatementHeader]) -> Vec<Alert> {
    let mut by_account: BTreeMap<(&str, &str), Vec<StatementHeader>> = BTreeMap::new();
    for h in headers {
        by_account
            .entry((h.account.as_str(), h.currency.as_str()))
            .or_default()
            .push(h.clone());
    }
    let mut out = Vec::new();
    for (_, list) in by_account {
        for g in gaps(None, &untiled(&in_chain_order(&list))) {
            out.push(Alert::new(
                AlertKind::SequenceGap,
                &format!("{}:{}", g.account, g.statement_id),
                g.message,
            ));
        }
    }
    out
}

/// Accounts whose statements stopped arriving (those a person cleared are
/// left out by the caller, by key: the key names the last day covered, so
/// statements that stop again after arriving are a new alert).
pub fn stale_conditions(
    headers: &[StatementHeader],
    run_date: NaiveDate,
    calendar: &Calendar,
    after_days: u32,
) -> Vec<Alert> {
    stale(headers, run_date, calendar, after_days)
        .into_iter()
        .map(|s| Alert::new(AlertKind::StaleStatements, &s.object(), s.message()))
        .collect()
}

/// Whether a `cleared_gaps` value clears the statement alert keyed
/// `kind:account:statement`: its whole account (or `*`), never a part of it.
pub(super) fn clears_statement_alert(cleared: &str, key: &str, kind: AlertKind) -> bool {
    let c = account_key(cleared);
    if c.is_empty() {
        return false;
    }
    c == "*"
        || key
            .strip_prefix(kind.as_str())
            .and_then(|r| r.strip_prefix(':'))
            .and_then(|r| r.strip_prefix(c.as_str()))
            .is_some_and(|r| r.starts_with(':'))
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string())
        .unwrap_or_else(|| "an unknown date".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(
        ccy: &str,
        id: &str,
        seq: u64,
        day: &str,
        open: &str,
        close: &str,
    ) -> StatementHeader {
        StatementHeader {
            account: "FR7630004012340001020304077".into(),
            currency: ccy.into(),
            statement_id: id.into(),
            sequence: Some(seq),
            from_date: day.parse().ok(),
            to_date: day.parse().ok(),
            opening: open.parse().ok(),
            closing: close.parse().ok(),
        }
    }

    #[test]
    fn a_gap_is_keyed_by_its_whole_account_and_the_statement_after_it() {
        let headers = [
            header("EUR", "EUR-1103", 41, "2026-11-03", "1520.00", "1645.00"),
            header("EUR", "EUR-1105", 43, "2026-11-05", "1645.00", "1645.00"),
        ];
        let gaps = sequence_conditions(&headers);
        assert_eq!(gaps.len(), 1);
        assert_eq!(
            gaps[0].key,
            "sequence_gap:FR7630004012340001020304077:EUR-1105"
        );
    }

    #[test]
    fn each_currency_of_one_account_number_is_its_own_series() {
        // In state order: account, currency, date.
        let headers = [
            header("EUR", "EUR-1103", 41, "2026-11-03", "1520.00", "1645.00"),
            header("EUR", "EUR-1104", 42, "2026-11-04", "1645.00", "1645.00"),
            header("USD", "USD-1103", 7, "2026-11-03", "300.00", "380.00"),
            header("USD", "USD-1104", 8, "2026-11-04", "380.00", "380.00"),
        ];
        assert!(sequence_conditions(&headers).is_empty());
        // A real gap in one currency is still found.
        let mut gap = headers.clone();
        gap[3] = header("USD", "USD-1105", 9, "2026-11-05", "380.00", "380.00");
        let alerts = sequence_conditions(&gap);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert!(alerts[0].key.ends_with(":USD-1105"), "{}", alerts[0].key);
    }
}
