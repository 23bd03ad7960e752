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
            confidence: confidence(a.confidence),
            status: a.status.as_str(),
            evidence: &a.evidence,
            account: &p.account,
        })
        .collect()
}

/// `YYYY-MM-DD`, as `NaiveDate`'s `Display` writes it, without its
/// formatting machinery (two dates on every row); empty for no date.
fn date(d: Option<chrono::NaiveDate>) -> String {
    use chrono::Datelike;
    let Some(d) = d else {
        return String::new();
    };
    let year = d.year();
    let Ok(y) = u32::try_from(year) else {
        return d.to_string();
    };
    if y > 9999 {
        return d.to_string();
    }
    let mut s = String::with_capacity(10);
    for n in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
        s.push(digit(n));
    }
    for part in [d.month(), d.day()] {
        s.push('-');
        s.push(digit(part / 10));
        s.push(digit(part % 10));
    }
    s
}

/// The decimal digit `n` (0 to 9).
fn digit(n: u32) -> char {
    char::from_digit(n, 10).unwrap_or('0')
}

/// A confidence as `Confidence`'s `Display` writes it (`0.95`, `1.00`).
fn confidence(c: super::rule::Confidence) -> String {
    let h = u32::from(c.hundredths());
    let mut s = String::with_capacity(4);
    s.push(digit(h / 100));
    s.push('.');
    s.push(digit(h / 10 % 10));
    s.push(digit(h % 10));
    s
}

/// Renders rows as CSV bytes (header always present). Free-text cells
/// (payer name, remittance, evidence) that a spreadsheet would run as a
/// formula get a leading `'`; amounts and ids are never altered.
pub fn to_csv(rows: &[MatchRow<'_>]) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(io::Error::other)?;
    // The row's fields as `MatchRow` serializes them (every field a string,
    // in `COLUMNS` order), borrowed: no copy of the row's strings.
    for r in rows {
        w.write_record([
            r.statement_id,
            r.entry_id,
            &r.booking_date,
            &r.value_date,
            &r.amount,
            r.currency,
            &neutralize(r.counterparty_name),
            r.counterparty_iban,
            &neutralize(r.remittance),
            r.invoice_id,
            r.customer_id,
            &r.applied_amount,
            &r.writeoff_amount,
            r.writeoff_kind,
            r.rule,
            &r.confidence,
            r.status,
            &neutralize(r.evidence),
            r.account,
        ])
        .map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Writes `matches.csv` into `out_dir` (which must exist).
pub fn write_matches_csv(out_dir: &Path, rows: &[MatchRow<'_>]) -> io::Result<()> {
    let bytes = to_csv(rows)?;
    crate::output::write_atomic(&out_dir.join("matches.csv"), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::rule::Confidence;
    use chrono::NaiveDate;

    #[test]
    fn dates_and_confidences_are_written_as_their_display() {
        for (y, m, d) in [
            (2026, 3, 1),
            (1999, 12, 31),
            (9, 1, 9),
            (9999, 7, 4),
            (10000, 1, 1),
            (-5, 6, 7),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date(Some(day)), day.to_string());
        }
        assert_eq!(date(None), "");
        for h in 0..=100u8 {
            let c = Confidence::from_hundredths(h);
            assert_eq!(confidence(c), c.to_string());
        }
    }
}
