//! Tonight's statements into state.
//!
//! - A statement already imported (same account, id and content) is skipped,
//!   silently when its file was seen before, with one `duplicate_statement`
//!   alert when it arrives in a new file.
//! - Which statement of state one is when its id cannot say — another block
//!   of a CFONB day, the same day in another format, a camt.052 report that
//!   grew — is [`super::delivery`]'s call.
//! - A known id with different content is not imported: `conflicting_statement`,
//!   unless the file is byte for byte one an earlier pointage imported whole:
//!   then the difference is the reader's, the stored statement stands and
//!   `statement_read_differently` says so once.
//! - A file whose every statement is in state is recorded (`seen_files`: name,
//!   SHA-256 of its bytes, pointage version); the next nights do not parse it
//!   again and count its statements as already imported, so a folder that
//!   keeps every day's file does not cost more each night. A file with a
//!   conflicting statement is read, and counted, every night.
//! - A new statement is imported with its transactions; its findings become
//!   alerts (`balance_mismatch`, `unknown_currency`).
//! - Statements go in before notifications, so a camt.054 finds the booked
//!   entry it details; how the two are linked is [`super::link`]'s job.
//!   Statements go in by account, day and id (then file order), so which of
//!   two statements keeps a reused reference does not depend on file names,
//!   and an account's statements of a day along their balances ([`order`]).
//! - A new statement's transaction whose id another statement already brought
//!   is not stored again when it is that same transaction:
//!   `repeated_transaction`. A different transaction under a reused
//!   reference is stored under a distinct id ([`crate::state::statements`]
//!   says which) and matched like any other.

mod lookup;
mod order;

use std::path::Path;

use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::client::StatementFile;
use crate::money::Money;
use crate::state::statements::{self as st, Known};
use crate::state::transactions;
use crate::statement::{FindingKind, SourceFormat, Statement, Transaction};
use lookup::lookup;

/// What the import did, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Statements imported tonight.
    pub imported: usize,
    /// Statements already imported (skipped).
    pub already_imported: usize,
    /// Of those, arrived in a file not seen before.
    pub duplicates: usize,
    /// Known ids with different content (not imported).
    pub conflicting: usize,
    /// Notification entries linked to statement entries.
    pub notifications_linked: usize,
    /// Alerts raised by the import.
    pub alerts: Vec<Alert>,
    /// The statements imported tonight, as (file, statement) positions in
    /// the files given, in import order.
    pub fresh: Vec<(usize, usize)>,
    /// Of those, the statements some of whose transactions state holds
    /// under another id than the file gives them (a reused reference).
    pub renamed: std::collections::BTreeSet<(usize, usize)>,
    /// The statements refused tonight (`conflicting_statement`), as
    /// (file, statement) positions with their alert's index in `alerts`:
    /// [`super::refused`] holds the invoices their credits would pay.
    pub refused: Vec<((usize, usize), usize)>,
    /// The statements (not notifications) imported or grown tonight, as
    /// (account key, id in state): notified rows of the days they cover
    /// that they do not book stop counting ([`super::link::not_booked`]).
    pub covering: Vec<(String, String)>,
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Imports tonight's statement files.
pub fn import(
    conn: &Connection,
    files: &[StatementFile],
    run_date: &str,
) -> rusqlite::Result<ImportReport> {
    let mut report = ImportReport::default();
    // Files imported whole on an earlier night are not parsed again: their
    // statements count as already imported, as reading them would find.
    for f in files {
        report.already_imported += f.already_imported.unwrap_or(0);
    }
    // A file whose statement conflicts with state is read again every night
    // (and alerts every night); the others are recorded once all is in.
    let mut conflicts = vec![false; files.len()];
    let mut ordered: Vec<((usize, usize), &StatementFile, &Statement)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            f.parsed
                .statements
                .iter()
                .enumerate()
                .map(move |(si, s)| ((fi, si), f, s))
        })
        .collect();
    order::sort(&mut ordered, |(_, _, s)| s);

    let mut notifications_seen = false;
    // The id in state each CFONB block of a file got tonight, by (file,
    // the id the parser gave it): a block the parser told apart from an
    // identical one of its file is never that one delivered again.
    let mut blocks_tonight: Vec<((usize, &str), String)> = Vec::new();
    for (at, file, statement) in ordered.iter().copied() {
        if statement.format.is_notification() && !notifications_seen {
            // Every statement is in: before any notification is linked, the
            // statement rows any of tonight's notifications repeats under
            // their own id are marked, whatever the order of the files.
            notifications_seen = true;
            super::link::not_booked(conn, &mut report, run_date)?;
            super::link::mark_repeated_rows(
                conn,
                ordered
                    .iter()
                    .map(|(_, _, s)| *s)
                    .filter(|s| s.format.is_notification()),
            )?;
        }
        let account = statement.account.key();
        // Hash and details in one serialization; the details are used
        // only if the statement is new.
        let encoded = st::encode(statement);
        let hash = &encoded.hash;
        let name = file_name(&file.path);
        let siblings: Vec<String> = blocks_tonight
            .iter()
            .filter(|((fi, id), _)| *fi == at.0 && *id != statement.id)
            .map(|(_, in_state)| in_state.clone())
            .collect();
        let siblings: Vec<&str> = siblings.iter().map(String::as_str).collect();
        let (known, id_in_state) =
            lookup(conn, &account, statement, hash, &file.sha256, &siblings)?;
        if statement.format == SourceFormat::Cfonb120 {
            blocks_tonight.push(((at.0, statement.id.as_str()), id_in_state.clone()));
        }
        match known {
            Known::Same => {
                report.already_imported += 1;
                if st::record_file(conn, &account, &id_in_state, &name, run_date)? {
                    report.duplicates += 1;
                    let mut a = Alert::new(
                        AlertKind::DuplicateStatement,
                        &format!("{account}:{}:{name}", statement.id),
                        format!(
                            "statement {} of account {} was already imported; file {name} skipped",
                            id_in_state,
                            crate::refs::mask_iban(&account)
                        ),
                    );
                    a.entry_id = String::new();
                    report.alerts.push(a);
                }
            }
            Known::Different { .. } => {
                if super::delivery::resent_report(
                    conn,
                    statement,
                    &id_in_state,
                    &encoded,
                    &name,
                    run_date,
                    at,
                    &mut report,
                )? {
                    continue;
                }
                if let Some((night, reader)) = st::imported_whole_before(conn, &file.sha256)? {
                    // The same bytes an earlier pointage imported whole: the
                    // difference is the reader's, not the bank's. The stored
                    // reading stands, said once; the file is then recorded
                    // for this reader and not read again.
                    report.already_imported += 1;
                    if matches!(statement.format, SourceFormat::Camt052 { .. }) {
                        // An earlier snapshot of a report that grew since:
                        // these very bytes were imported, nothing is new.
                        let mut a = Alert::new(
                            AlertKind::DuplicateStatement,
                            &format!("{account}:{}:{name}", statement.id),
                            format!(
                                "report {} of account {} in {name}: these bytes were imported on {night} (an earlier snapshot of the report, which has grown since); nothing is imported again",
                                statement.id,
                                crate::refs::mask_iban(&account)
                            ),
                        );
                        a.entry_id = String::new();
                        report.alerts.push(a);
                        continue;
                    }
                    report.alerts.push(Alert::new(
                        AlertKind::StatementReadDifferently,
                        &format!("{account}:{}:{hash}", statement.id),
                        format!(
                            "statement {} of account {} in {name}: these bytes were imported on {night} by pointage {reader}, and this version reads them differently; the statement imported then stands, nothing is imported again",
                            statement.id,
                            crate::refs::mask_iban(&account)
                        ),
                    ));
                    continue;
                }
                if let Some(c) = conflicts.get_mut(at.0) {
                    *c = true;
                }
                report.conflicting += 1;
                report.refused.push((at, report.alerts.len()));
                report.alerts.push(Alert::new(
                    AlertKind::ConflictingStatement,
                    &format!("{account}:{}:{hash}", statement.id),
                    format!(
                        "statement {} of account {} in {name} differs from the one imported before{}: not imported, check with the bank",
                        statement.id,
                        crate::refs::mask_iban(&account),
                        if id_in_state == statement.id {
                            String::new()
                        } else {
                            format!(" as {id_in_state} (the same opening balance)")
                        }
                    ),
                ));
            }
            Known::New => {
                let parsed = statement;
                // Another block of a CFONB day already in state: stored under
                // the id its day's blocks leave free, read back from state.
                let reblocked;
                let (statement, encoded) = if id_in_state == statement.id {
                    (statement, encoded)
                } else {
                    report.renamed.insert(at);
                    let mut s = statement.clone();
                    s.id.clone_from(&id_in_state);
                    reblocked = s;
                    (&reblocked, st::encode(&reblocked))
                };
                let conflict = conflicts.get_mut(at.0);
                let conflicting = report.conflicting;
                if super::delivery::delivered_before(
                    conn,
                    statement,
                    &siblings,
                    &encoded.hash,
                    (&name, run_date),
                    conflict,
                    &mut report,
                )? {
                    if report.conflicting > conflicting {
                        report
                            .refused
                            .push((at, report.alerts.len().saturating_sub(1)));
                    }
                    continue;
                }
                let stored_as = st::import(conn, statement, &encoded, run_date)?;
                st::record_file(conn, &account, &statement.id, &name, run_date)?;
                report.imported += 1;
                report.fresh.push(at);
                findings_to_alerts(file, parsed, &mut report.alerts);
                // Transactions stored under another id than the file's (a
                // reference another payment already has): the steps below
                // and tonight's matching see them under that id.
                let renamed;
                let statement = if stored_as.renamed.is_empty() {
                    statement
                } else {
                    report.renamed.insert(at);
                    renamed = with_ids(statement, &stored_as.renamed);
                    &renamed
                };
                let taken = stored_as.not_stored;
                if !statement.format.is_notification() {
                    report
                        .alerts
                        .extend(repeated(conn, statement, &name, &taken)?);
                }
                let stored = |t: &&Transaction| !taken.contains(&t.entry_id);
                if statement.format.is_notification() {
                    report.notifications_linked += super::link::link_notification(
                        conn,
                        statement,
                        run_date,
                        &stored,
                        &mut report.alerts,
                    )?;
                } else {
                    report.alerts.extend(super::link::link_to_notifications(
                        conn, statement, run_date, &stored,
                    )?);
                    report.covering.push((account, statement.id.clone()));
                }
            }
        }
    }
    if !notifications_seen {
        super::link::not_booked(conn, &mut report, run_date)?;
    }
    for (f, conflict) in files.iter().zip(conflicts) {
        if f.already_imported.is_none() && !conflict {
            let name = file_name(&f.path);
            st::record_seen_file(conn, &name, &f.sha256, f.parsed.statements.len(), run_date)?;
        }
    }
    Ok(report)
}

/// The statement with the ids state gave its transactions (position in
/// [`Statement::transactions`] order, id; in that order).
fn with_ids(statement: &Statement, ids: &[(usize, String)]) -> Statement {
    let mut s = statement.clone();
    let mut ids = ids.iter().peekable();
    let txs = s.entries.iter_mut().flat_map(|e| e.transactions.iter_mut());
    for (position, tx) in txs.enumerate() {
        if let Some((_, id)) = ids.next_if(|(p, _)| *p == position) {
            tx.entry_id.clone_from(id);
        }
    }
    s
}

/// A new statement's transactions not stored because another statement of
/// the account has their ids: the same money sent again (a statement
/// reissued under a new id), or, rarely, another payment given the same id.
/// Either way nobody must miss it: one `repeated_transaction` alert per
/// statement. (Ids a notification had first are that money, not repeats.)
fn repeated(
    conn: &Connection,
    statement: &Statement,
    file: &str,
    taken: &[String],
) -> rusqlite::Result<Option<Alert>> {
    if taken.is_empty() {
        return Ok(None);
    }
    let account = statement.account.key();
    let mut ids = Vec::new();
    // Per currency: an entry in another currency than the statement's is
    // never added to its total.
    let mut totals: std::collections::BTreeMap<crate::money::Currency, Money> =
        std::collections::BTreeMap::new();
    for (entry, tx) in statement.transactions() {
        if !taken.contains(&tx.entry_id) || ids.contains(&tx.entry_id) {
            continue;
        }
        match st::origin(conn, &account, &tx.entry_id)? {
            Some((other, false)) if other != statement.id => {
                ids.push(tx.entry_id.clone());
                let total = totals
                    .entry(statement.currency_of(entry))
                    .or_insert(Money::ZERO);
                *total = total.checked_add(tx.amount).unwrap_or(*total);
            }
            _ => {}
        }
    }
    if ids.is_empty() {
        return Ok(None);
    }
    let single = match totals.iter().collect::<Vec<_>>().as_slice() {
        [(c, t)] => Some((**c, **t)),
        _ => None,
    };
    let total = match single {
        Some((_, t)) => t.to_string(),
        None => totals
            .iter()
            .map(|(c, t)| format!("{t} {c}"))
            .collect::<Vec<_>>()
            .join(" and "),
    };
    let mut a = Alert::new(
        AlertKind::RepeatedTransaction,
        &format!("{account}:{}:repeated", statement.id),
        format!(
            "statement {} of account {} in {file}: {} transaction(s) totalling {total} have ids another statement already brought and were not imported again ({}); if one is a different payment, check with the bank",
            statement.id,
            crate::refs::mask_iban(&account),
            ids.len(),
            ids.join(", ")
        ),
    );
    a.amount = single.map(|(_, t)| t);
    a.currency = single.map(|(c, _)| c);
    Ok(Some(a))
}

fn findings_to_alerts(file: &StatementFile, statement: &Statement, alerts: &mut Vec<Alert>) {
    let account = statement.account.key();
    for f in &file.parsed.findings {
        if f.statement_id.as_deref() != Some(statement.id.as_str()) {
            continue;
        }
        let kind = match f.kind {
            FindingKind::BalanceMismatch => AlertKind::BalanceMismatch,
            FindingKind::UnknownCurrency => AlertKind::UnknownCurrency,
            _ => continue,
        };
        // An entry's own mismatch (its details not adding up to what the
        // bank booked) is an alert of its own, beside the statement's.
        // (Line and column: a file on one line has all its entries on it.)
        let entry_level = f.location.line > statement.line || f.location.column > 0;
        let (key, message) = if entry_level {
            (
                format!(
                    "{account}:{}:{}:{}",
                    statement.id, f.location.line, f.location.column
                ),
                // The parser names the entry; which statement and account
                // it is in is said here (the statement's own mismatch
                // already names both).
                format!(
                    "{} ({}): statement {} of account {}: {}",
                    file_name(&file.path),
                    f.location,
                    statement.id,
                    crate::refs::mask_iban(&account),
                    f.message
                ),
            )
        } else {
            (
                format!("{account}:{}", statement.id),
                format!("{}: {}", file_name(&file.path), f.message),
            )
        };
        let mut a = Alert::new(kind, &key, message);
        a.currency = Some(statement.currency);
        if entry_level {
            super::entry_finding::describe(statement, f, &mut a);
        }
        alerts.push(a);
    }
    if !statement.currency.is_known() {
        let mut a = Alert::new(
            AlertKind::UnknownCurrency,
            &format!("{account}:{}", statement.id),
            format!(
                "statement {} is in {}, not an ISO 4217 currency: its money is never applied, only listed unmatched",
                statement.id, statement.currency
            ),
        );
        a.currency = Some(statement.currency);
        alerts.push(a);
    }
}

/// Tonight's imported statements, kept in memory so that the debit and
/// credit steps rebuild their rows from them instead of decoding the
/// details just stored. An account that received a notification tonight is
/// left out: a notification may have added to its entries' stored details.
pub fn in_memory<'a>(
    files: &'a [StatementFile],
    report: &ImportReport,
) -> transactions::InMemory<'a> {
    // A statement with transactions stored under other ids is read back
    // from state, which has them.
    let fresh: Vec<&Statement> = report
        .fresh
        .iter()
        .filter(|at| !report.renamed.contains(at))
        .filter_map(|&(fi, si)| files.get(fi)?.parsed.statements.get(si))
        .collect();
    let notified: std::collections::BTreeSet<String> = fresh
        .iter()
        .filter(|s| s.format.is_notification())
        .map(|s| s.account.key())
        .collect();
    let mut memo = transactions::InMemory::default();
    for s in fresh {
        let account = s.account.key();
        if !s.format.is_notification() && !notified.contains(&account) {
            memo.add(account, s);
        }
    }
    memo
}

#[cfg(test)]
mod tests;
