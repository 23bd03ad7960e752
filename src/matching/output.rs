//! `matches.csv`: one row per application and per unapplied remainder.
//!
//! Columns (public interface: add at the end, never rename): `statement_id,
//! entry_id, booking_date, value_date, amount, currency, counterparty_name,
//! counterparty_iban, remittance, invoice_id, customer_id, applied_amount,
//! writeoff_amount, writeoff_kind, rule, confidence, status, evidence`, then
//! `account`. `amount` is the transaction's amount; amounts are plain with a
//! dot; confidence has two decimals; dates are `YYYY-MM-DD`.
//!
//! Order: account key, statement id, the transaction's position in its
//! statement, `entry_id`, then `invoice_id` (the unapplied row last).
//! Written atomically: a temporary file in the output folder, fsync, rename.

use std::io;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::output::neutralize;

use super::allocate::Application;
use super::item::OpenItem;
use super::payment::Payment;

/// One row of `matches.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchRow<'a> {
    /// Statement id.
    pub statement_id: &'a str,
    /// Transaction identity.
    pub entry_id: &'a str,
    /// Booking date.
    pub booking_date: String,
    /// Value date.
    pub value_date: String,
    /// Transaction amount.
    pub amount: String,
    /// Currency.
    pub currency: &'a str,
    /// Payer name.
    pub counterparty_name: &'a str,
    /// Payer IBAN.
    pub counterparty_iban: &'a str,
    /// Remittance text.
    pub remittance: &'a str,
    /// Invoice (empty for unapplied).
    pub invoice_id: &'a str,
    /// Customer of the invoice.
    pub customer_id: &'a str,
    /// Applied / proposed / left amount.
    pub applied_amount: String,
    /// Written off.
    pub writeoff_amount: String,
    /// `fee`, `discount`, `rounding` or empty.
    pub writeoff_kind: &'a str,
    /// Rule name or empty.
    pub rule: &'a str,
    /// Two decimals.
    pub confidence: String,
    /// matched, suggested, unapplied.
    pub status: &'a str,
    /// Why.
    pub evidence: &'a str,
    /// Account key (extra column).
    pub account: &'a str,
}

/// The column names, in order.
pub const COLUMNS: [&str; 19] = [
    "statement_id",
    "entry_id",
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "counterparty_name",
    "counterparty_iban",
    "remittance",
    "invoice_id",
    "customer_id",
    "applied_amount",
    "writeoff_amount",
    "writeoff_kind",
    "rule",
    "confidence",
    "status",
    "evidence",
    "account",
];

/// The rows of a result, in output order.
pub fn rows<'a>(
    payments: &'a [Payment],
    items: &'a [OpenItem],
    apps: &'a [Application],
) -> Vec<MatchRow<'a>> {
    // Rank payments once (account, statement, position, entry id), then
    // sort rows by rank: string comparisons only among a payment's rows.
    let mut by_pos: Vec<(&str, &str, usize, &str, usize)> = payments
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.account.as_str(),
                p.statement_id.as_str(),
                p.position,
                p.entry_id.as_str(),
                i,
            )
        })
        .collect();
    by_pos.par_sort_unstable();
    let mut rank = vec![0usize; payments.len()];
    for (r, &(.., i)) in by_pos.iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = r;
        }
    }
    let mut order: Vec<(usize, &'a Application, &'a Payment, Option<&'a OpenItem>)> = apps
        .iter()
        .filter_map(|a| {
            let p = payments.get(a.payment)?;
            let r = rank.get(a.payment).copied()?;
            Some((r, a, p, a.item.and_then(|i| items.get(i))))
        })
        .collect();
    order.par_sort_unstable_by(|(r, a, _, it), (s, b, _, jt)| {
        r.cmp(s)
            .then_with(|| it.is_none().cmp(&jt.is_none()))
            .then_with(|| {
                it.map(|i| i.invoice_id.as_str())
                    .cmp(&jt.map(|j| j.invoice_id.as_str()))
            })
            .then_with(|| a.status.cmp(&b.status))
            .then_with(|| a.item.cmp(&b.item))
    });
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    order
        .into_par_iter()
        .map(|(_, a, p, it)| MatchRow {
            statement_id: &p.statement_id,
            entry_id: &p.entry_id,
            booking_date: date(p.booking_date),
            value_date: date(p.value_date),
            amount: p.tx_amount.to_plain(),
            currency: p.currency.as_str(),
            counterparty_name: p.counterparty_name.as_deref().unwrap_or(""),
            counterparty_iban: p.counterparty_iban.as_deref().unwrap_or(""),
            remittance: &p.remittance,
            invoice_id: it.map_or("", |it| it.invoice_id.as_str()),
            customer_id: it.map_or("", |it| it.customer_id.as_str()),
            applied_amount: a.applied_amount.to_plain(),
            writeoff_amount: if a.writeoff_kind.is_some() {
                a.writeoff_amount.to_plain()
            } else {
                String::new()
            },
            writeoff_kind: a.writeoff_kind.map_or("", |k| k.as_str()),
            rule: a.rule.map_or("", |r| r.as_str()),
            confidence: a.confidence.to_string(),
            status: a.status.as_str(),
            evidence: &a.evidence,
            account: &p.account,
        })
        .collect()
}

/// Renders rows as CSV bytes (header always present). Free-text cells
/// (payer name, remittance, evidence) that a spreadsheet would run as a
/// formula get a leading `'`; amounts and ids are never altered.
pub fn to_csv(rows: &[MatchRow<'_>]) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(io::Error::other)?;
    for r in rows {
        let safe = MatchRow {
            counterparty_name: &neutralize(r.counterparty_name),
            remittance: &neutralize(r.remittance),
            evidence: &neutralize(r.evidence),
            booking_date: r.booking_date.clone(),
            value_date: r.value_date.clone(),
            amount: r.amount.clone(),
            applied_amount: r.applied_amount.clone(),
            writeoff_amount: r.writeoff_amount.clone(),
            confidence: r.confidence.clone(),
            ..*r
        };
        w.serialize(&safe).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Writes `matches.csv` into `out_dir` (which must exist).
pub fn write_matches_csv(out_dir: &Path, rows: &[MatchRow<'_>]) -> io::Result<()> {
    let bytes = to_csv(rows)?;
    crate::output::write_atomic(&out_dir.join("matches.csv"), &bytes)
}
