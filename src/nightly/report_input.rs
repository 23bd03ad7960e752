//! The client report's data ([`ClientReport`]) from what the night already
//! has ([`NightData`]) and two facts from state: sales by issue month and
//! currency (the `invoices` table: every invoice ever exported, for DSO), and
//! the bank details of unexplained debits (the `transactions` table).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, params};

use super::render::NightData;
use crate::alerts::{AlertKind, Severity};
use crate::matching::Status;
use crate::money::{Currency, Money};
use crate::reports::dso::{Dso, count_back_since, first_complete_month};
use crate::reports::model::{
    AgedRow, AlertLine, Candidate, ClientReport, Figures, Waiting, WaitingKind,
};
use crate::statement::TxKind;

/// What the report needs from state.
#[derive(Debug, Clone, Default)]
pub struct StateFacts {
    /// Invoice amounts by currency and (year, month) of issue.
    pub sales: BTreeMap<Currency, BTreeMap<(i32, u32), Money>>,
    /// The first night pointage ran for this client (tonight on the first).
    pub first_night: Option<NaiveDate>,
    /// Booking date, counterparty and remittance of the unexplained debits,
    /// by their alert's key.
    pub debit_details: BTreeMap<String, (Option<NaiveDate>, String, String)>,
}

/// A debit's date, payee and text, by its account and entry id (the
/// alert's key names both: two accounts may share a bank reference).
const DEBIT_DETAILS: &str = "SELECT booking_date, counterparty_name, remittance FROM transactions
     WHERE account = ?1 AND entry_id = ?2";

/// Reads the facts. `debits`: (alert key, account, entry id) of the debits
/// to describe.
pub fn state_facts(
    conn: &Connection,
    debits: &[(&str, &str, &str)],
) -> rusqlite::Result<StateFacts> {
    let mut facts = StateFacts::default();
    let mut st =
        // An invoice put apart because its currency or issue date changed
        // is the same sale as the invoice exported since: counted once.
        conn.prepare(
            "SELECT issue_date, amount, currency FROM invoices
             WHERE archive_reason IS NULL OR archive_reason = 'reused' ORDER BY invoice_id",
        )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (issue, amount, cur) = row?;
        let (Ok(d), Ok(a), Some(c)) = (
            issue.parse::<NaiveDate>(),
            amount.parse::<Money>(),
            Currency::parse(&cur),
        ) else {
            continue;
        };
        let slot = facts
            .sales
            .entry(c)
            .or_default()
            .entry((d.year(), d.month()))
            .or_insert(Money::ZERO);
        *slot = slot.checked_add(a).unwrap_or(*slot);
    }
    facts.first_night = conn
        .query_row("SELECT MIN(run_date) FROM runs", [], |r| {
            r.get::<_, Option<String>>(0)
        })?
        .and_then(|d| d.parse().ok());
    let mut st = conn.prepare(DEBIT_DETAILS)?;
    for (key, account, id) in debits {
        let mut rows = st.query(params![account, id])?;
        if let Some(r) = rows.next()? {
            let date: Option<String> = r.get(0)?;
            let name: Option<String> = r.get(1)?;
            let text: String = r.get(2)?;
            facts.debit_details.insert(
                (*key).to_string(),
                (
                    date.and_then(|d| d.parse().ok()),
                    name.unwrap_or_default(),
                    text,
                ),
            );
        }
    }
    Ok(facts)
}

/// Tonight's open unexplained debits: (alert key, account, entry id), the
/// account read from the key (`unmatched_debit:{account}:{entry}`).
pub fn unexplained_debits(alerts: &super::alerting::AlertSet) -> Vec<(&str, &str, &str)> {
    alerts
        .open
        .iter()
        .filter(|(a, _)| a.kind == AlertKind::UnmatchedDebit)
        .filter_map(|(a, _)| {
            let account = a
                .key
                .strip_prefix("unmatched_debit:")?
                .strip_suffix(a.entry_id.as_str())?
                .strip_suffix(':')?;
            Some((a.key.as_str(), account, a.entry_id.as_str()))
        })
        .collect()
}

fn add(m: &mut Money, x: Money) {
    *m = m.checked_add(x).unwrap_or(*m);
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn figures_and_credits(
    d: &NightData<'_>,
    counts: &super::summary::CreditCounts,
) -> (Figures, Vec<Waiting>) {
    let c = d.credits;
    // Tonight's credits (those people's decisions took tonight too) are the
    // night's transactions and the match rate's denominator; money of
    // earlier nights tried again is counted apart.
    let tonight = counts.tonight;
    let mut f = Figures {
        statements: d.import.imported,
        tried: tonight,
        carried_over: counts.carried_over,
        ..Figures::default()
    };
    f.transactions = tonight + d.debits.by_kind.values().map(|(n, _)| *n).sum::<usize>();
    // Per payment: matched?, suggestions, unapplied money and its evidence.
    let mut per: BTreeMap<usize, (bool, Vec<Candidate>, Money, String)> = BTreeMap::new();
    for a in &c.apps {
        let e = per
            .entry(a.payment)
            .or_insert((false, Vec::new(), Money::ZERO, String::new()));
        match a.status {
            Status::Matched => e.0 = true,
            Status::Suggested => {
                if let Some(item) = a.item.and_then(|i| c.items.get(i)) {
                    e.1.push(Candidate {
                        invoice_id: item.invoice_id.clone(),
                        customer_id: item.customer_id.clone(),
                        amount: a.applied_amount,
                        confidence: a.confidence.to_string(),
                        evidence: a.evidence.clone(),
                    });
                }
            }
            Status::Unapplied => {
                add(&mut e.2, a.applied_amount);
                e.3 = a.evidence.clone();
            }
        }
    }
    let mut waiting = Vec::new();
    for (i, (matched, cands, unapplied, evidence)) in per {
        let Some(p) = c.payments.get(i) else {
            continue;
        };
        if matched && c.is_carried_over(i) {
            f.carried_over_matched += 1;
        } else if matched {
            f.matched += 1;
        }
        if !cands.is_empty() {
            f.suggested += 1;
        }
        if cands.is_empty() && !unapplied.is_positive() {
            continue;
        }
        // Waiting money: what is left unapplied, or the whole payment while
        // its suggestions wait for a person.
        let amount = if unapplied.is_positive() {
            unapplied
        } else {
            p.amount
        };
        add(
            f.unapplied_in.entry(p.currency).or_insert(Money::ZERO),
            amount,
        );
        waiting.push(Waiting {
            kind: WaitingKind::Credit,
            entry_id: p.entry_id.clone(),
            booking_date: p.booking_date,
            amount,
            currency: p.currency,
            counterparty_name: p.counterparty_name.clone().unwrap_or_default(),
            remittance: p.remittance.clone(),
            candidates: cands,
            note: evidence,
        });
    }
    // Money paid beyond an invoice the ERP lowered since: the customer's
    // unapplied money, as its `overpayment` alert says and dunning counts
    // it, waiting like a payment's remainder (it is no payment's: the
    // money stays applied to the invoice).
    for (inv, b) in paid_beyond(d) {
        add(
            f.unapplied_in.entry(inv.currency).or_insert(Money::ZERO),
            b.surplus,
        );
        waiting.push(Waiting {
            kind: WaitingKind::Credit,
            entry_id: String::new(),
            booking_date: b.last_applied,
            amount: b.surplus,
            currency: inv.currency,
            counterparty_name: customer_name(d, inv),
            remittance: String::new(),
            candidates: Vec::new(),
            note: format!(
                "paid beyond invoice {} of customer {} ({} paid to it, the ERP now says it owes {}, amount {}): the customer's unapplied money; refund it or have the ERP assign it",
                inv.invoice_id, inv.customer_id, b.applied, inv.open_amount, inv.amount
            ),
        });
    }
    (f, waiting)
}

/// The invoices of tonight's export pointage applied more money to than
/// they owe now, with that money ([`super::credits::Beyond`]), in invoice
/// order; a repeated invoice id is its last line, as in the credit step.
pub fn paid_beyond<'d>(
    d: &'d NightData<'_>,
) -> impl Iterator<Item = (&'d crate::ledger::Invoice, &'d super::credits::Beyond)> {
    d.credits.beyond.iter().filter_map(|(id, b)| {
        d.ledger
            .invoices
            .iter()
            .rev()
            .find(|i| &i.invoice_id == id)
            .map(|i| (i, b))
    })
}

/// The aged balance by customer and currency. `open_after`: tonight's open
/// amount of each invoice of the export, in the export's order (`None`:
/// the export's own).
/// The name a report gives an invoice's customer: `customers.csv`'s, else
/// the invoice's own.
fn customer_name(d: &NightData<'_>, inv: &crate::ledger::Invoice) -> String {
    d.ledger
        .customers
        .get(&inv.customer_id)
        .map(|c| c.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| inv.customer_name.clone())
}

fn aged_rows(d: &NightData<'_>, open_after: &[Option<Money>]) -> Vec<AgedRow> {
    let mut rows: BTreeMap<(&str, Currency), AgedRow> = BTreeMap::new();
    for (i, inv) in d.ledger.invoices.iter().enumerate() {
        let open = open_after
            .get(i)
            .copied()
            .flatten()
            .unwrap_or(inv.open_amount);
        if open.is_zero() {
            continue;
        }
        // The name is looked up and copied for a customer's first open
        // invoice in a currency only, not for each of its invoices.
        let row = rows
            .entry((inv.customer_id.as_str(), inv.currency))
            .or_insert_with(|| AgedRow {
                customer_id: inv.customer_id.clone(),
                customer_name: customer_name(d, inv),
                currency: inv.currency,
                buckets: [Money::ZERO; 5],
            });
        let b = crate::reports::aged::bucket(inv.due_date, d.run_date);
        if let Some(slot) = row.buckets.get_mut(b) {
            add(slot, open);
        }
    }
    rows.into_values().collect()
}

/// Builds the report's data.
pub fn build(
    d: &NightData<'_>,
    lang: crate::reports::format::Lang,
    facts: &StateFacts,
    counts: &super::summary::CreditCounts,
    open_after: &[Option<Money>],
) -> ClientReport {
    let (mut figures, mut waiting) = figures_and_credits(d, counts);
    // Every return booked tonight, whether or not pointage knew the
    // collection it undoes (an unknown one is an `unmatched_debit` alert).
    figures.returns = d
        .debits
        .by_kind
        .iter()
        .filter(|((kind, _), _)| {
            [
                TxKind::DirectDebitReturned,
                TxKind::ChequeUnpaid,
                TxKind::BillUnpaid,
            ]
            .iter()
            .any(|k| k.as_str() == kind)
        })
        .map(|(_, (n, _))| *n)
        .sum();
    for (a, _) in d
        .alerts
        .open
        .iter()
        .filter(|(a, _)| a.kind == AlertKind::UnmatchedDebit)
    {
        let (Some(amount), Some(cur)) = (a.amount, a.currency) else {
            continue;
        };
        add(
            figures.unapplied_out.entry(cur).or_insert(Money::ZERO),
            amount.abs(),
        );
        let (date, name, text) = facts.debit_details.get(&a.key).cloned().unwrap_or_default();
        waiting.push(Waiting {
            kind: WaitingKind::Debit,
            entry_id: a.entry_id.clone(),
            booking_date: date,
            amount,
            currency: cur,
            counterparty_name: name,
            remittance: text,
            candidates: Vec::new(),
            note: a.message.clone(),
        });
    }
    waiting.sort_by(|x, y| {
        (x.kind, x.booking_date, &x.entry_id, x.amount).cmp(&(
            y.kind,
            y.booking_date,
            &y.entry_id,
            y.amount,
        ))
    });

    let mut open: Vec<_> = d.alerts.open.iter().collect();
    open.sort_by(|(a, _), (b, _)| {
        (severity_rank(a.severity), a.kind, &a.key).cmp(&(
            severity_rank(b.severity),
            b.kind,
            &b.key,
        ))
    });
    let alerts = open
        .into_iter()
        .map(|(a, first)| AlertLine {
            kind: a.kind.as_str().to_string(),
            severity: a.severity.as_str().to_string(),
            customer_id: a.customer_id.clone(),
            invoice_id: a.invoice_id.clone(),
            entry_id: a.entry_id.clone(),
            amount: a.amount.zip(a.currency),
            reason_code: a.reason_code.clone(),
            message: a.message.clone(),
            first_raised: *first,
        })
        .collect();

    let aged = aged_rows(d, open_after);
    let mut receivables: BTreeMap<Currency, Money> = BTreeMap::new();
    for r in &aged {
        if let Some(t) = r.total() {
            add(receivables.entry(r.currency).or_insert(Money::ZERO), t);
        }
    }
    for inv in &d.ledger.invoices {
        receivables.entry(inv.currency).or_insert(Money::ZERO);
    }
    let empty = BTreeMap::new();
    let first = facts.first_night.map_or(d.run_date, |f| f.min(d.run_date));
    let since = first_complete_month(first);
    let dso: BTreeMap<Currency, Dso> = receivables
        .iter()
        .map(|(c, r)| {
            let sales = facts.sales.get(c).unwrap_or(&empty);
            (*c, count_back_since(*r, sales, d.run_date, since))
        })
        .collect();

    ClientReport {
        client_id: d.client_id.to_string(),
        run_date: d.run_date,
        lang,
        figures,
        waiting,
        alerts,
        actions: d.actions.to_vec(),
        aged,
        dso,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_number_keeps_both_sales_and_a_relabelled_invoice_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        // F-1 relabelled EUR → USD, F-2's number reused for a new invoice.
        for (id, issue, cur, reason) in [
            ("F-1", "2026-09-01", "USD", None),
            ("F-1~EUR", "2026-09-01", "EUR", Some("currency")),
            ("F-2", "2026-10-20", "EUR", None),
            ("F-2~2026-09-01", "2026-09-01", "EUR", Some("reused")),
        ] {
            conn.execute(
                "INSERT INTO invoices (invoice_id, customer_id, customer_name, issue_date,
                     due_date, amount, currency, exported_open, first_seen_run, last_seen_run,
                     archive_reason)
                 VALUES (?1, 'C1', 'Alpha', ?2, ?2, '100.00', ?3, '100.00', ?2, ?2, ?4)",
                params![id, issue, cur, reason],
            )
            .unwrap();
        }
        let facts = state_facts(conn, &[]).unwrap();
        let eur = &facts.sales[&Currency::EUR];
        assert_eq!(eur[&(2026, 9)], "100.00".parse().unwrap());
        assert_eq!(eur[&(2026, 10)], "100.00".parse().unwrap());
        assert_eq!(
            facts.sales[&Currency::parse("USD").unwrap()][&(2026, 9)],
            "100.00".parse().unwrap()
        );
    }

    #[test]
    fn a_debit_is_described_without_reading_every_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        assert_eq!(
            crate::state::query_plan(st.conn(), DEBIT_DETAILS, ["FR76", "B-1"]),
            [
                "SEARCH transactions USING INDEX sqlite_autoindex_transactions_1 (account=? AND entry_id=?)"
            ]
        );
    }
}
