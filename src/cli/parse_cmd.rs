//! `pointage parse FILE…`: one row per transaction, as the bank sent it, so a
//! user can check what is really in a file. Findings go to stderr.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::exit;
use crate::formats;
use crate::statement::{Entry, Statement, Transaction};

/// The columns of `pointage parse` (public interface: add, never rename).
#[derive(Debug, Serialize)]
struct Row<'a> {
    file: String,
    statement_id: &'a str,
    account: String,
    entry_id: &'a str,
    booking_date: String,
    value_date: String,
    amount: String,
    currency: String,
    kind: &'static str,
    bank_code: String,
    counterparty_name: &'a str,
    counterparty_iban: &'a str,
    end_to_end_id: &'a str,
    mandate_id: &'a str,
    creditor_reference: String,
    remittance: String,
    return_reason: String,
    status: &'static str,
    reversal: bool,
    format: String,
    document_numbers: String,
}

fn row<'a>(file: &Path, s: &'a Statement, e: &'a Entry, t: &'a Transaction) -> Row<'a> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let code = t.bank_code.as_ref().unwrap_or(&e.bank_code);
    Row {
        file: file.display().to_string(),
        statement_id: &s.id,
        account: s.account.key(),
        entry_id: &t.entry_id,
        booking_date: date(e.booking_date),
        value_date: date(e.value_date),
        amount: t.amount.to_plain(),
        currency: s.currency_of(e).as_str().to_string(),
        kind: t.kind(e).as_str(),
        bank_code: code.raw(),
        counterparty_name: t.counterparty.name.as_deref().unwrap_or(""),
        counterparty_iban: t.counterparty.iban.as_deref().unwrap_or(""),
        end_to_end_id: t.end_to_end_id.as_deref().unwrap_or(""),
        mandate_id: t.mandate_id.as_deref().unwrap_or(""),
        creditor_reference: t
            .creditor_refs
            .iter()
            .map(|r| r.reference.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        remittance: t.texts(e).join(" | "),
        return_reason: t
            .return_reason
            .as_ref()
            .map(|r| r.code.clone())
            .unwrap_or_default(),
        status: e.status.as_str(),
        reversal: e.reversal,
        format: s.format.label(),
        document_numbers: t.document_numbers.join(" | "),
    }
}

/// Runs the command; returns the exit code.
pub fn run(files: &[PathBuf], json: bool) -> u8 {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut csv_out = (!json).then(|| csv::Writer::from_writer(Vec::new()));
    let mut failed = 0usize;
    for file in files {
        let parsed = match formats::parse_file(file) {
            Ok(p) => p,
            Err(e) => {
                elog!("error: {e}");
                failed += 1;
                continue;
            }
        };
        for f in &parsed.findings {
            elog!("{}: {f}", file.display());
        }
        for s in &parsed.statements {
            for (e, t) in s.transactions() {
                let r = row(file, s, e, t);
                let res = match csv_out.as_mut() {
                    Some(w) => w.serialize(&r).map_err(io::Error::other),
                    None => serde_json::to_writer(&mut out, &r)
                        .map_err(io::Error::other)
                        .and_then(|()| out.write_all(b"\n")),
                };
                if let Err(e) = res {
                    elog!("error: writing output: {e}");
                    return exit::OUTPUT;
                }
            }
        }
    }
    if let Some(w) = csv_out {
        let header_only = w.into_inner().map_err(|e| io::Error::other(e.to_string()));
        match header_only {
            Ok(bytes) if bytes.is_empty() => {
                // No rows: still print the header so scripts see the columns.
                let mut w = csv::Writer::from_writer(Vec::new());
                let _ = w.write_record(COLUMNS);
                let _ = out.write_all(&w.into_inner().unwrap_or_default());
            }
            Ok(bytes) => {
                if let Err(e) = out.write_all(&bytes) {
                    elog!("error: writing output: {e}");
                    return exit::OUTPUT;
                }
            }
            Err(e) => {
                elog!("error: writing output: {e}");
                return exit::OUTPUT;
            }
        }
    }
    if let Err(e) = out.flush() {
        elog!("error: writing output: {e}");
        return exit::OUTPUT;
    }
    if failed == 0 {
        exit::OK
    } else if failed == files.len() {
        exit::BAD_INPUT
    } else {
        exit::PARTIAL
    }
}

const COLUMNS: [&str; 21] = [
    "file",
    "statement_id",
    "account",
    "entry_id",
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "kind",
    "bank_code",
    "counterparty_name",
    "counterparty_iban",
    "end_to_end_id",
    "mandate_id",
    "creditor_reference",
    "remittance",
    "return_reason",
    "status",
    "reversal",
    "format",
    "document_numbers",
];
