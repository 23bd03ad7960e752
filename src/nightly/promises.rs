//! `promises.csv` (optional): `customer_id, invoice_id, promised_date`; an
//! empty `invoice_id` covers all of the customer's invoices. Comma or
//! semicolon, UTF-8 or ISO-8859-1, dates `YYYY-MM-DD` or `DD/MM/YYYY`. A bad
//! row is an error naming the file, line and column.

use std::path::Path;

use chrono::NaiveDate;

use crate::formats::text::decode;
use crate::ledger::{LedgerError, LedgerErrorKind};

/// One promise to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRow {
    /// Customer.
    pub customer_id: String,
    /// Invoice, or `None` for all of the customer's invoices.
    pub invoice_id: Option<String>,
    /// The date the customer promised to pay by.
    pub promised_date: NaiveDate,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// Loads `dir/promises.csv`; no file means no promises.
pub fn load(dir: &Path) -> Result<Vec<PromiseRow>, LedgerError> {
    let file = dir.join("promises.csv");
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(LedgerError {
                file,
                line: 0,
                column: None,
                kind: LedgerErrorKind::Io(e.to_string()),
            });
        }
    };
    read(&bytes, &file)
}

/// Parses promises from bytes; `file` names it in errors.
pub fn read(bytes: &[u8], file: &Path) -> Result<Vec<PromiseRow>, LedgerError> {
    let (text, _) = decode(bytes);
    let first = text.lines().next().unwrap_or("");
    let sep = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let err = |line: u64, column: Option<&str>, kind: LedgerErrorKind| LedgerError {
        file: file.to_path_buf(),
        line,
        column: column.map(String::from),
        kind,
    };
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rd
        .headers()
        .map_err(|e| err(1, None, LedgerErrorKind::Csv(e.to_string())))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(c), Some(d)) = (col("customer_id"), col("promised_date")) else {
        let missing = if col("customer_id").is_none() {
            "customer_id"
        } else {
            "promised_date"
        };
        return Err(err(1, Some(missing), LedgerErrorKind::MissingColumn));
    };
    let i = col("invoice_id");
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            err(line, None, LedgerErrorKind::Csv(e.to_string()))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let customer = rec.get(c).unwrap_or("").trim();
        if customer.is_empty() {
            return Err(err(line, Some("customer_id"), LedgerErrorKind::Empty));
        }
        let raw = rec.get(d).unwrap_or("");
        let promised_date = parse_date(raw).ok_or_else(|| {
            err(
                line,
                Some("promised_date"),
                LedgerErrorKind::Invalid {
                    expected: "a date (YYYY-MM-DD or DD/MM/YYYY)".into(),
                    found: raw.chars().take(40).collect(),
                },
            )
        })?;
        let invoice_id = i
            .and_then(|i| rec.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        out.push(PromiseRow {
            customer_id: customer.to_string(),
            invoice_id,
            promised_date,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_errors() {
        let p = Path::new("acme/promises.csv");
        let rows = read(
            b"customer_id;invoice_id;promised_date\nC1;;30/11/2026\nC2;F9;2026-12-01\n",
            p,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].invoice_id, None);
        assert_eq!(
            rows[0].promised_date,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        let e = read(b"customer_id,invoice_id,promised_date\nC1,F1,soon\n", p).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.column.as_deref(), Some("promised_date"));
    }
}
