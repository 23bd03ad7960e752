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

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::allocate::Application;
use super::item::OpenItem;
use super::payment::Payment;

/// One row of `matches.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchRow {
    /// Statement id.
    pub statement_id: String,
    /// Transaction identity.
    pub entry_id: String,
    /// Booking date.
    pub booking_date: String,
    /// Value date.
    pub value_date: String,
    /// Transaction amount.
    pub amount: String,
    /// Currency.
    pub currency: String,
    /// Payer name.
    pub counterparty_name: String,
    /// Payer IBAN.
    pub counterparty_iban: String,
    /// Remittance text.
    pub remittance: String,
    /// Invoice (empty for unapplied).
    pub invoice_id: String,
    /// Customer of the invoice.
    pub customer_id: String,
    /// Applied / proposed / left amount.
    pub applied_amount: String,
    /// Written off.
    pub writeoff_amount: String,
    /// `fee`, `discount`, `rounding` or empty.
    pub writeoff_kind: String,
    /// Rule name or empty.
    pub rule: String,
    /// Two decimals.
    pub confidence: String,
    /// matched, suggested, unapplied.
    pub status: String,
    /// Why.
    pub evidence: String,
    /// Account key (extra column).
    pub account: String,
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
pub fn rows(payments: &[Payment], items: &[OpenItem], apps: &[Application]) -> Vec<MatchRow> {
    let mut keyed: Vec<(_, MatchRow)> = apps
        .iter()
        .filter_map(|a| {
            let p = payments.get(a.payment)?;
            let it = a.item.and_then(|i| items.get(i));
            let key = (
                p.account.clone(),
                p.statement_id.clone(),
                p.position,
                p.entry_id.clone(),
                it.is_none(),
                it.map(|it| it.invoice_id.clone()),
                a.status,
                a.payment,
            );
            let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            let row = MatchRow {
                statement_id: p.statement_id.clone(),
                entry_id: p.entry_id.clone(),
                booking_date: date(p.booking_date),
                value_date: date(p.value_date),
                amount: p.tx_amount.to_plain(),
                currency: p.currency.to_string(),
                counterparty_name: p.counterparty_name.clone().unwrap_or_default(),
                counterparty_iban: p.counterparty_iban.clone().unwrap_or_default(),
                remittance: p.remittance.clone(),
                invoice_id: it.map(|it| it.invoice_id.clone()).unwrap_or_default(),
                customer_id: it.map(|it| it.customer_id.clone()).unwrap_or_default(),
                applied_amount: a.applied_amount.to_plain(),
                writeoff_amount: if a.writeoff_kind.is_some() {
                    a.writeoff_amount.to_plain()
                } else {
                    String::new()
                },
                writeoff_kind: a
                    .writeoff_kind
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_default(),
                rule: a.rule.map(|r| r.as_str().to_string()).unwrap_or_default(),
                confidence: a.confidence.to_string(),
                status: a.status.as_str().to_string(),
                evidence: a.evidence.clone(),
                account: p.account.clone(),
            };
            Some((key, row))
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// Renders rows as CSV bytes (header always present).
pub fn to_csv(rows: &[MatchRow]) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(io::Error::other)?;
    for r in rows {
        w.serialize(r).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Writes `bytes` to `path` atomically: a temporary file next to it, fsync,
/// rename. On error nothing is left at `path` that was not there before.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let res = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // Make the rename durable where the platform allows it.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

/// Writes `matches.csv` into `out_dir` (which must exist).
pub fn write_matches_csv(out_dir: &Path, rows: &[MatchRow]) -> io::Result<()> {
    let bytes = to_csv(rows)?;
    write_atomic(&out_dir.join("matches.csv"), &bytes)
}
