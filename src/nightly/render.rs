//! The night's files, rendered in memory: `matches.csv`, `alerts.csv`,
//! `open_items.csv`, `invoice_status.csv`, `dunning.csv`, the report files
//! (`report.html`, `aged_balance.csv`, `unmatched.csv`, `kpis.json`, built by
//! [`crate::reports`] from [`super::report_input`]) and `summary.json`
//! ([`super::summary`]).

use std::collections::{BTreeMap, BTreeSet};

use super::alerting::AlertSet;
use super::credits::CreditStep;
use super::debits::DebitStep;
use super::import::ImportReport;
use super::outputs::{Outputs, SUMMARY};
use crate::alerts::{self, AlertKind};
use crate::dunning::{self, CustomerFile, DunningAction};
use crate::ledger::Ledger;
use crate::matching::output;
use crate::money::Money;

/// The columns of `invoice_status.csv` (public interface: add, never rename).
pub const INVOICE_STATUS_COLUMNS: [&str; 9] = [
    "invoice_id",
    "customer_id",
    "open_before",
    "applied",
    "written_off",
    "open_after",
    "status",
    "last_payment_date",
    "currency",
];

/// Everything the files are made of.
pub struct NightData<'a> {
    /// Client id.
    pub client_id: &'a str,
    /// Run date.
    pub run_date: chrono::NaiveDate,
    /// Tonight's export.
    pub ledger: &'a Ledger,
    /// Statements imported.
    pub import: &'a ImportReport,
    /// Matching.
    pub credits: &'a CreditStep,
    /// Debits.
    pub debits: &'a DebitStep,
    /// People's decisions applied tonight.
    pub decisions: &'a super::decisions::DecisionStep,
    /// Aliases decisions taught, by customer.
    pub aliases: &'a BTreeMap<String, Vec<crate::state::decisions::Alias>>,
    /// Alerts.
    pub alerts: &'a AlertSet,
    /// Customers as dunning saw them.
    pub customers: &'a [CustomerFile],
    /// Tomorrow's actions.
    pub actions: &'a [DunningAction],
    /// Last payment date per invoice.
    pub last_payment: &'a BTreeMap<String, String>,
    /// Language of the report (`client.toml` `[report] language`).
    pub lang: crate::reports::format::Lang,
    /// What the report needs from state (sales history, debit details).
    pub facts: &'a super::report_input::StateFacts,
}

fn csv_bytes(f: impl FnOnce(&mut Vec<u8>) -> csv::Result<()>) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    f(&mut buf).map_err(std::io::Error::other)?;
    Ok(buf)
}

/// Renders every file.
pub fn render(d: &NightData<'_>) -> std::io::Result<Outputs> {
    let mut out = Outputs::default();
    let mut rows = output::rows(&d.credits.payments, &d.credits.items, &d.credits.apps);
    rows.extend(manual_rows(d.decisions));
    out.add("matches.csv", output::to_csv(&rows)?);
    out.add(
        "alerts.csv",
        csv_bytes(|b| alerts::write_csv(b, d.alerts.new.iter().map(|a| (a, None)), false))?,
    );
    out.add(
        "open_items.csv",
        csv_bytes(|b| {
            let open = d.alerts.open.iter().map(|(a, first)| (a, Some(*first)));
            alerts::write_csv(b, open, true)
        })?,
    );
    let tonight: Vec<InvoiceTonight> = d
        .ledger
        .invoices
        .iter()
        .map(|inv| InvoiceTonight::of(d.credits, &inv.invoice_id))
        .collect();
    out.add("invoice_status.csv", invoice_status(d, &tonight)?);
    out.add(
        "dunning.csv",
        csv_bytes(|b| dunning::write_csv(b, d.actions))?,
    );
    // Counted once for the report and the summary, which both show them.
    let counts = super::summary::credit_counts(d);
    let open_after: Vec<Option<Money>> = tonight.iter().map(InvoiceTonight::after).collect();
    let report = super::report_input::build(d, d.lang, d.facts, &counts, &open_after);
    out.add(
        "report.html",
        crate::reports::client_html::render(&report).into_bytes(),
    );
    out.add(
        "aged_balance.csv",
        crate::reports::client_csv::aged_balance(&report).map_err(std::io::Error::other)?,
    );
    out.add(
        "unmatched.csv",
        crate::reports::client_csv::unmatched(&report).map_err(std::io::Error::other)?,
    );
    out.add(
        crate::reports::kpis::KPIS,
        crate::reports::kpis::kpis_bytes(&report),
    );
    let summary = super::summary::summary(d, &out, &counts);
    let mut bytes = serde_json::to_vec_pretty(&summary).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    out.add(SUMMARY, bytes);
    Ok(out)
}

/// `matches.csv` rows for tonight's decisions (rule `manual`), after the
/// matcher's rows, by account, statement, entry, invoice.
fn manual_rows(step: &super::decisions::DecisionStep) -> Vec<output::MatchRow<'_>> {
    let mut rows: Vec<output::MatchRow<'_>> = step
        .manual
        .iter()
        .map(|m| {
            let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            let tx = m.tx.as_ref();
            output::MatchRow {
                statement_id: tx.map_or("", |t| t.statement_id.as_str()),
                entry_id: tx.map_or("", |t| t.tx.entry_id.as_str()),
                booking_date: date(tx.and_then(|t| t.entry.booking_date)),
                value_date: date(tx.and_then(|t| t.entry.value_date)),
                amount: tx.map(|t| t.tx.amount.to_plain()).unwrap_or_default(),
                currency: tx.map_or("", |t| t.currency.as_str()),
                counterparty_name: tx
                    .and_then(|t| t.tx.counterparty.name.as_deref())
                    .unwrap_or(""),
                counterparty_iban: tx
                    .and_then(|t| t.tx.counterparty.iban.as_deref())
                    .unwrap_or(""),
                remittance: "",
                invoice_id: &m.invoice_id,
                customer_id: &m.customer_id,
                applied_amount: m.applied.to_plain(),
                writeoff_amount: if m.writeoff.is_zero() {
                    String::new()
                } else {
                    m.writeoff.to_plain()
                },
                writeoff_kind: if m.writeoff.is_zero() { "" } else { "decision" },
                rule: "manual",
                confidence: "1.00".to_string(),
                status: "matched",
                evidence: &m.evidence,
                account: tx.map_or("", |t| t.account.as_str()),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.account, a.statement_id, a.entry_id, a.invoice_id).cmp(&(
            b.account,
            b.statement_id,
            b.entry_id,
            b.invoice_id,
        ))
    });
    rows
}

/// What tonight's matching did to one invoice of the export, read from
/// the credit step's maps once for `invoice_status.csv` and the report
/// (each lookup hashes and compares the invoice id).
struct InvoiceTonight {
    /// Effective open amount before matching (`None`: not matched on).
    opened: Option<Money>,
    /// Applied by the matcher.
    applied: Money,
    /// Written off by the matcher.
    written: Money,
}

impl InvoiceTonight {
    fn of(c: &CreditStep, id: &str) -> InvoiceTonight {
        match c.money.get(id) {
            Some(m) => InvoiceTonight {
                opened: Some(m.before),
                applied: m.applied,
                written: m.written_off,
            },
            None => InvoiceTonight {
                opened: None,
                applied: Money::ZERO,
                written: Money::ZERO,
            },
        }
    }

    /// [`CreditStep::open_after`] from the same amounts.
    fn after(&self) -> Option<Money> {
        self.opened?
            .checked_sub(self.applied)?
            .checked_sub(self.written)
    }
}

fn invoice_status(d: &NightData<'_>, tonight: &[InvoiceTonight]) -> std::io::Result<Vec<u8>> {
    let disputed: BTreeSet<&str> = d
        .customers
        .iter()
        .flat_map(|c| c.invoices.iter())
        .filter(|i| i.disputed)
        .map(|i| i.invoice_id.as_str())
        .collect();
    let returned: BTreeSet<&str> = d
        .alerts
        .open
        .iter()
        .filter(|(a, _)| {
            matches!(
                a.kind,
                AlertKind::DirectDebitReturned
                    | AlertKind::ChequeUnpaid
                    | AlertKind::BillUnpaid
                    | AlertKind::PaymentReversed
            )
        })
        .flat_map(|(a, _)| a.invoice_id.split('|'))
        .chain(d.debits.reopened.iter().map(String::as_str))
        .collect();
    let mut invoices: Vec<_> = d.ledger.invoices.iter().zip(tonight).collect();
    invoices.sort_by(|(a, _), (b, _)| a.invoice_id.cmp(&b.invoice_id));
    let sum = |a: Money, b: Money| a.checked_add(b).unwrap_or(a);
    // Tonight's decisions were applied before matching: they count in
    // tonight's columns, and open_before is the amount before them. Summed
    // once per invoice they name (in decision order, as the per-invoice
    // scan did), not by scanning every decision for every invoice.
    let mut manual: BTreeMap<&str, (Money, Money)> = BTreeMap::new();
    for m in &d.decisions.manual {
        let (a, w) = manual
            .entry(m.invoice_id.as_str())
            .or_insert((Money::ZERO, Money::ZERO));
        *a = sum(*a, m.applied);
        *w = sum(*w, m.writeoff);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(INVOICE_STATUS_COLUMNS)
        .map_err(std::io::Error::other)?;
    for (inv, t) in invoices {
        let id = inv.invoice_id.as_str();
        let (m_applied, m_written) = manual
            .get(id)
            .copied()
            .unwrap_or((Money::ZERO, Money::ZERO));
        let matched_before = t.opened.unwrap_or(Money::ZERO);
        let after = t.after().unwrap_or(matched_before);
        let (c_applied, c_written) = (t.applied, t.written);
        let before = sum(sum(matched_before, m_applied), m_written);
        let applied = sum(c_applied, m_applied);
        let written = sum(c_written, m_written);
        // Zero only because the ERP lettered it on a collection that came
        // back: not `paid` (credits::CreditStep::unreopened).
        let unreopened = d.credits.unreopened.contains(id);
        let status = if after.is_zero() && !unreopened {
            "paid"
        } else if disputed.contains(id) {
            "disputed"
        } else if returned.contains(id) || unreopened {
            "returned"
        } else if after.abs() < inv.amount.abs() {
            "partly_paid"
        } else {
            "open"
        };
        w.write_record([
            id,
            &inv.customer_id,
            &before.to_plain(),
            &applied.to_plain(),
            &written.to_plain(),
            &after.to_plain(),
            status,
            d.last_payment.get(id).map(String::as_str).unwrap_or(""),
            inv.currency.as_str(),
        ])
        .map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
