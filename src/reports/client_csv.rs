//! `aged_balance.csv` and `unmatched.csv`, from the same [`ClientReport`] as
//! the page. Amounts with a dot decimal (`1234.50`), free-text cells
//! neutralised against spreadsheet formulas; ids (customer, entry, invoice)
//! never are: they are written as the ERP or the bank gives them, in every
//! file alike, so files join on them (`crate::output::cells`).
//!
//! `aged_balance.csv`: one row per customer and currency, sorted by customer
//! id then currency. `unmatched.csv`: one row per transaction waiting for a
//! person; `candidates`, `confidence` and `evidence` list the suggested
//! invoices in the same order, `|`-separated.

use super::model::ClientReport;
use crate::output::neutralize;

/// Columns of `aged_balance.csv` (public interface: add, never rename).
pub const AGED_COLUMNS: [&str; 9] = [
    "customer_id",
    "customer_name",
    "currency",
    "not_due",
    "1_30",
    "31_60",
    "61_90",
    "over_90",
    "total",
];

/// Columns of `unmatched.csv` (public interface: add, never rename).
pub const UNMATCHED_COLUMNS: [&str; 10] = [
    "kind",
    "entry_id",
    "booking_date",
    "amount",
    "currency",
    "counterparty_name",
    "remittance",
    "candidates",
    "confidence",
    "evidence",
];

fn text(s: &str) -> String {
    neutralize(s).into_owned()
}

/// The bytes of `aged_balance.csv`.
pub fn aged_balance(r: &ClientReport) -> csv::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(AGED_COLUMNS)?;
    for a in &r.aged {
        let mut rec = vec![
            a.customer_id.clone(),
            text(&a.customer_name),
            a.currency.as_str().to_string(),
        ];
        rec.extend(a.buckets.iter().map(|m| m.to_plain()));
        rec.push(a.total().map(|t| t.to_plain()).unwrap_or_default());
        w.write_record(&rec)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The bytes of `unmatched.csv`.
pub fn unmatched(r: &ClientReport) -> csv::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(UNMATCHED_COLUMNS)?;
    for x in &r.waiting {
        let join = |f: &dyn Fn(&super::model::Candidate) -> String| {
            x.candidates.iter().map(f).collect::<Vec<_>>().join("|")
        };
        let evidence = if x.candidates.is_empty() {
            x.note.clone()
        } else {
            join(&|c| c.evidence.clone())
        };
        w.write_record([
            x.kind.as_str().to_string(),
            x.entry_id.clone(),
            x.booking_date.map(|d| d.to_string()).unwrap_or_default(),
            x.amount.to_plain(),
            x.currency.as_str().to_string(),
            text(&x.counterparty_name),
            text(&x.remittance),
            join(&|c| c.invoice_id.clone()),
            join(&|c| c.confidence.clone()),
            text(&evidence),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
