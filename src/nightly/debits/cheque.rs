//! Which cheque remittance an unpaid cheque undoes. A cheque carries no
//! end-to-end id or mandate, so the ids that link a direct-debit return say
//! nothing: the unpaid cheque links to a cheque credit of its account only
//! when that is certain enough — the same amount and currency, booked on or
//! before it (within [`CHEQUE_RETURN_DAYS`]), with money still to send back
//! (applications or an unapplied remainder), and the same cheque number in
//! both texts (a run of at least seven digits: a date or a counter is not
//! one) from a payer the texts do not contradict, or the same payer's
//! account when both carry one — and exactly one credit is such. A payer's
//! name alone never links (namesakes, legal forms: review 37 verify2 N1).
//! Several, or none, are a person's to link: a paid customer's invoice is
//! never reopened on a guess.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::linking::Link;
use crate::matching::payer::normalize_name;
use crate::state::{ledger as sl, transactions};
use crate::statement::{Transaction, TxKind};

/// The shortest run of digits read as a cheque number: French cheque
/// numbers have seven digits; a shorter run is more often a day (`201126`),
/// an amount or an invoice's counter.
const CHEQUE_NUMBER_DIGITS: usize = 7;

/// How far back an unpaid cheque's remittance is looked for: banks send an
/// unpaid cheque back within days of its remittance. An older cheque of
/// the same amount is more likely another payment than this one, and an
/// unpaid cheque older than that is a person's to link.
const CHEQUE_RETURN_DAYS: u64 = 90;

/// The cheque credit the unpaid cheque `d` undoes ([`Link::To`]), or why
/// none is taken.
pub(super) fn link_cheque(conn: &Connection, d: &transactions::StoredTx) -> rusqlite::Result<Link> {
    let Some(day) = d.entry.day() else {
        return Ok(Link::Unknown);
    };
    let amount = d.tx.amount.abs();
    let from = day
        .checked_sub_days(chrono::Days::new(CHEQUE_RETURN_DAYS))
        .unwrap_or(chrono::NaiveDate::MIN);
    let credits = transactions::credits_of_amount_between(
        conn,
        &d.account,
        &amount.to_plain(),
        (&from.to_string(), &day.to_string()),
    )?;
    let mut fits: Vec<(transactions::StoredTx, Vec<sl::LiveApplication>)> = Vec::new();
    let mut seen = BTreeSet::new();
    for c in credits {
        if c.tx.entry_id == d.tx.entry_id
            || c.currency != d.currency
            || c.tx.amount != amount
            || c.tx.kind(&c.entry) != TxKind::ChequeRemitted
            || !same_cheque(&d.tx, &d.tx.texts(&d.entry), &c.tx, &c.tx.texts(&c.entry))
        {
            continue;
        }
        let live = sl::live_applications(conn, &c.account, &c.tx.entry_id)?;
        // Already sent back (or never money, a notification's copy): nothing
        // of it is left for this cheque to undo.
        if live.is_empty() && c.remaining < amount {
            continue;
        }
        // The same entry a statement and a notification both carry is one
        // cheque.
        if seen.insert(c.tx.entry_id.clone()) {
            fits.push((c, live));
        }
    }
    Ok(match fits.len() {
        0 => Link::Unknown,
        1 => match fits.pop() {
            Some((c, live)) => Link::To(Box::new(c), live),
            None => Link::Unknown,
        },
        _ => Link::Ambiguous(fits.into_iter().map(|(c, _)| c.tx.entry_id).collect()),
    })
}

/// Whether the unpaid cheque `d` and the remitted cheque `c` (with their
/// texts) are the same cheque. The long numbers in their texts (cheque,
/// slip, contract numbers) must be the same ones: a number only one side
/// gives may be a cheque number the other contradicts (review 37 verify3
/// V1: a slip number both shared, the cheque numbers differing). Then two
/// IBANs are the payer's account when both are given (equal, it is the
/// payer; different, it is not: the cheque was drawn on one account);
/// without them, at least one shared number, and no two payer names that
/// differ.
fn same_cheque(d: &Transaction, d_texts: &[&str], c: &Transaction, c_texts: &[&str]) -> bool {
    let (ours, theirs) = (cheque_numbers(d_texts), cheque_numbers(c_texts));
    if !ours.is_empty() && !theirs.is_empty() && ours != theirs {
        return false;
    }
    if let (Some(a), Some(b)) = (
        d.counterparty.iban.as_deref(),
        c.counterparty.iban.as_deref(),
    ) {
        return a.eq_ignore_ascii_case(b);
    }
    if ours.is_empty() || ours != theirs {
        return false;
    }
    match (
        d.counterparty.name.as_deref().map(normalize_name),
        c.counterparty.name.as_deref().map(normalize_name),
    ) {
        (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => a == b,
        _ => true,
    }
}

/// The runs of digits long enough to be a cheque number, leading zeros
/// dropped (`0007788123` and `7788123` are one number; `0912345` is a
/// cheque number of seven digits, kept as `912345`), but never a run of
/// zeros and a few digits (`0000012`).
fn cheque_numbers(texts: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in texts {
        for run in t.split(|c: char| !c.is_ascii_digit()) {
            let n = run.trim_start_matches('0');
            if run.len() >= CHEQUE_NUMBER_DIGITS
                && n.len() + 1 >= CHEQUE_NUMBER_DIGITS
                && !is_date(run)
            {
                out.insert(n.to_string());
            }
        }
    }
    out
}

/// Whether eight digits are a date (`20112026` as 20/11/2026, `20261120`
/// as 2026-11-20): a remittance day both labels give is no cheque number
/// (review 37 verify4 W1).
fn is_date(run: &str) -> bool {
    if run.len() != 8 {
        return false;
    }
    let at = |f: &str| chrono::NaiveDate::parse_from_str(run, f).is_ok();
    at("%d%m%Y") || at("%Y%m%d")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cheque_number_is_a_long_run_of_digits_whatever_its_leading_zeros() {
        let n = cheque_numbers(&["REMISE CHQ 0007788123 FACTURE F-1", "DU 25/11 450,00"]);
        assert_eq!(n.into_iter().collect::<Vec<_>>(), ["7788123"]);
        assert!(cheque_numbers(&["CHQ IMPAYE 12345 DU 25/11"]).is_empty());
        assert!(cheque_numbers(&["CHQ 000012"]).is_empty());
        // A date is no cheque number (review 37 verify2 N1).
        assert!(cheque_numbers(&["REMISE DU 201126"]).is_empty());
        // A seven-digit number starting with 0 is one (verify3 V6).
        assert_eq!(
            cheque_numbers(&["CHQ 0912345"])
                .into_iter()
                .collect::<Vec<_>>(),
            ["912345"]
        );
        assert!(cheque_numbers(&["CHQ 0000012"]).is_empty());
        // Nor is a date of eight digits (verify4 W1).
        assert!(cheque_numbers(&["REMISE DU 20112026", "20261120"]).is_empty());
        assert_eq!(cheque_numbers(&["CHQ 88001234"]).len(), 1);
    }

    fn tx(name: Option<&str>, iban: Option<&str>) -> Transaction {
        Transaction {
            counterparty: crate::statement::Party {
                name: name.map(str::to_string),
                iban: iban.map(str::to_string),
                bic: None,
            },
            ..Transaction::default()
        }
    }

    #[test]
    fn the_same_cheque_by_its_number_or_its_payer_never_by_the_amount_alone() {
        let unpaid = tx(None, None);
        let alpha = tx(Some("Alpha SARL"), None);
        // The number in both texts, whoever the bank names.
        assert!(same_cheque(
            &unpaid,
            &["CHQ IMPAYE 7788123"],
            &alpha,
            &["REMISE CHQ 7788123"]
        ));
        assert!(!same_cheque(
            &unpaid,
            &["CHQ IMPAYE"],
            &alpha,
            &["REMISE CHQ"]
        ));
        // The payer's name alone never links: a namesake's cheque of the
        // same amount (review 37 verify2 N1).
        assert!(!same_cheque(
            &tx(Some("ALPHA"), None),
            &["CHQ IMPAYE"],
            &alpha,
            &["REMISE"]
        ));
        assert!(!same_cheque(
            &tx(Some("ALPHA SAS"), None),
            &["CHQ IMPAYE 2222222"],
            &alpha,
            &["REMISE CHQ 7788123"]
        ));
        // Nor does a shared number when the names differ.
        assert!(!same_cheque(
            &tx(Some("GAMMA"), None),
            &["CHQ IMPAYE 7788123"],
            &alpha,
            &["REMISE CHQ 7788123"]
        ));
        assert!(!same_cheque(
            &tx(Some("BETA SAS"), None),
            &["CHQ IMPAYE 1111111"],
            &alpha,
            &["REMISE CHQ 7788123"]
        ));
        // A name of nothing but a legal form names nobody.
        assert!(!same_cheque(
            &tx(Some("SARL"), None),
            &[],
            &tx(Some("SA"), None),
            &[]
        ));
        // A slip number both share does not make two cheque numbers one
        // (review 37 verify3 V1), nor does the payer's account (V2).
        assert!(!same_cheque(
            &unpaid,
            &["CHQ IMPAYE 2222222 REMISE 8800123"],
            &alpha,
            &["REMISE 8800123 CHQ 1111111"]
        ));
        let own = tx(None, Some("FR7630001007941234567890185"));
        assert!(!same_cheque(
            &own,
            &["CHQ IMPAYE 2222222"],
            &own.clone(),
            &["CHQ 1111111"]
        ));
        // Two accounts: two payers, whatever the texts say.
        let a = tx(None, Some("FR7630001007941234567890185"));
        let b = tx(None, Some("FR7630006000011234567890189"));
        assert!(!same_cheque(&a, &["CHQ 7788123"], &b, &["CHQ 7788123"]));
        assert!(same_cheque(&a, &[], &a.clone(), &[]));
    }
}
