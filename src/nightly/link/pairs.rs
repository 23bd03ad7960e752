//! Which entry on the other side is the same money when the two documents
//! do not share a bank reference: entries of one account, currency, booking
//! date and amount — a notification entry's total, however many transactions
//! it is split into — whose details do not tell them apart. Details decide
//! between several: a contradicting end-to-end id or IBAN rules a pair out,
//! another payer name says it is another payment, another remittance text
//! yields to any better fit, and one that agrees is preferred. Two entries are paired only when each is
//! the other's single best fit: two customers paying the same amount on
//! the same day are never taken for one, and when nothing tells several
//! apart, none is linked by amount and a person decides.

use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::matching::payer::compact;
use crate::money::{Currency, Money};
use crate::state::statements as st;
use crate::state::transactions::{self, StoredTx};
use crate::statement::{Entry, EntryStatus, Statement, Transaction};

/// How well two entries' details say they are one payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Fit {
    /// Another payer's name: another payment, never linked by amount.
    Disagrees,
    /// Another remittance text (banks may word it differently): taken only
    /// when nothing fits better.
    Unlike,
    /// Nothing to compare.
    Neutral,
    /// An end-to-end id, IBAN, payer name or remittance text in common.
    Agrees,
}

/// Upper-case letters and digits only, accents folded: "Beta SAS" and
/// "BETA S.A.S." agree, and so do "Société" and "SOCIETE" (verify 41 T6).
fn norm(s: &str) -> String {
    compact(s)
}

/// Upper-case ASCII letters and digits only, anything else dropped: how a
/// bank that blanks or drops accented letters (`CAF  DE LA GARE`) writes
/// a name another writes with them.
fn ascii_only(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Some(true) when both texts are given and one holds the other (a bank
/// may cut one), accents folded (`SOCIÉTÉ`, `SOCIETE`), or they are the
/// same with accented letters dropped (`CAFÉ`, `CAF?`: verify 41 twins3
/// H1); Some(false) when both are given and differ, None otherwise.
fn texts_agree(a: &str, b: &str) -> Option<bool> {
    let holds = |a: &str, b: &str| a.contains(b) || b.contains(a);
    let (fa, fb) = (norm(a), norm(b));
    if fa.is_empty() || fb.is_empty() {
        return None;
    }
    // Accented letters dropped: equal, not one inside the other ("GARAGE
    // RENÉ" is not "GARAGE RENAULT": verify 41 twins4 M1).
    let (da, db) = (ascii_only(a), ascii_only(b));
    Some(holds(&fa, &fb) || (!da.is_empty() && da == db))
}

/// Whether one real end-to-end id is on both sides (`a`'s transactions and
/// `b`'s): the one payment, whatever its days.
pub(super) fn one_strong_id(a: &[&Transaction], b: &[&Transaction]) -> bool {
    a.iter().any(|t| {
        b.iter().any(|r| {
            st::same_strong_end_to_end(t.end_to_end_id.as_deref(), r.end_to_end_id.as_deref())
        })
    })
}

/// The numbers a text quotes (runs of two digits or more, leading zeros
/// aside), in order.
fn numbers(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|r| r.len() >= 2)
        .map(|r| r.trim_start_matches('0'))
        .collect()
}

/// Whether two remittance texts are the one payment's: the same once
/// normalised, or one a bank's cut of the other quoting the same numbers
/// (`FACTURE F-1001 ACOMPTE`, `FACTURE F-1001`). One holding the other by
/// chance is not enough (`VIREMENT ALPHA SARL` inside `VIREMENT ALPHA
/// SARL FACTURE F-1001`: verify 40 round 4 F1).
fn same_text(a: &str, b: &str) -> bool {
    let (na, nb) = (norm(a), norm(b));
    if na.is_empty() || nb.is_empty() {
        return false;
    }
    na == nb
        || ((na.contains(&nb) || nb.contains(&na))
            && !numbers(a).is_empty()
            && numbers(a) == numbers(b))
}

/// Whether two entries are told to be one payment by more than a payer: one
/// real end-to-end id, or the same remittance text ([`same_text`]). What a
/// day told by a value date alone needs: one payer's two payments of one
/// amount that day fit alike by IBAN and name (verify 40 N1, P3), while
/// the one payment carries its text on both sides (R1).
pub(super) fn one_payment(a: &[&Transaction], b: &[&Transaction]) -> bool {
    one_strong_id(a, b)
        || a.iter().any(|t| {
            b.iter()
                .any(|r| same_text(&t.remittance.join(" "), &r.remittance.join(" ")))
        })
}

/// Whether one side is a bank's bare batch line (one row with no text and
/// no payer account) and the other its several payments: the detail of a
/// lump, which no other payment of the day adds up to by chance. A
/// payment of its own beside a lump of the same total is not one (verify
/// 40 round 4 F2).
pub(super) fn lump_and_detail(a: &[&Transaction], b: &[&Transaction]) -> bool {
    let bare = |t: &&Transaction| t.remittance.is_empty() && t.counterparty.iban.is_none();
    match (a, b) {
        ([one], many) | (many, [one]) => many.len() > 1 && bare(one),
        _ => false,
    }
}

/// Two transactions' details compared; None when an end-to-end id or IBAN
/// contradicts (never the same payment).
fn fit_tx(a: &Transaction, b: &Transaction) -> Option<Fit> {
    let mut agrees = false;
    for (x, y) in [
        (a.end_to_end_id.as_deref(), b.end_to_end_id.as_deref()),
        (
            a.counterparty.iban.as_deref(),
            b.counterparty.iban.as_deref(),
        ),
    ] {
        if let (Some(x), Some(y)) = (x, y) {
            if !x.eq_ignore_ascii_case(y) {
                return None;
            }
            agrees = true;
        }
    }
    if agrees {
        return Some(Fit::Agrees);
    }
    let name = match (
        a.counterparty.name.as_deref(),
        b.counterparty.name.as_deref(),
    ) {
        // Accents aside ("SOCIÉTÉ ALPHA", "SOCIETE ALPHA"); legal forms
        // kept: "DUPONT SARL" is not "DUPONT FRERES" (verify 41 P1).
        (Some(x), Some(y)) => texts_agree(x, y),
        _ => None,
    };
    let text = texts_agree(&a.remittance.join(" "), &b.remittance.join(" "));
    Some(match (name, text) {
        (Some(false), _) => Fit::Disagrees,
        (Some(true), _) | (_, Some(true)) => Fit::Agrees,
        (_, Some(false)) => Fit::Unlike,
        _ => Fit::Neutral,
    })
}

/// An entry's transactions against another entry's stored rows. One
/// transaction against several (a lump and its detail): it agrees when it
/// agrees with one of them, is ruled out when it contradicts them all.
/// The same number on both sides: compared in order.
pub(super) fn fit(entry: &[&Transaction], rows: &[&Transaction]) -> Option<Fit> {
    let payments = |v: &[&Transaction]| -> Vec<Transaction> {
        v.iter()
            .filter(|t| !t.difference)
            .map(|t| (*t).clone())
            .collect()
    };
    let (a, b) = (payments(entry), payments(rows));
    match (a.as_slice(), b.as_slice()) {
        ([], _) | (_, []) => Some(Fit::Neutral),
        ([one], many) | (many, [one]) => {
            let fits: Vec<Fit> = many.iter().filter_map(|t| fit_tx(one, t)).collect();
            if fits.is_empty() {
                None
            } else if many.len() == 1 {
                Some(fits[0])
            } else if fits.contains(&Fit::Agrees) {
                Some(Fit::Agrees)
            } else {
                // A lump's one transaction beside its detail's several:
                // what the lump says (often nothing) is all there is.
                Some(Fit::Neutral)
            }
        }
        (x, y) if x.len() == y.len() => {
            let mut all = Fit::Agrees;
            for (p, q) in x.iter().zip(y) {
                all = all.min(fit_tx(p, q)?);
            }
            Some(all)
        }
        _ => Some(Fit::Neutral),
    }
}

/// The stored notification entries (their rows, in order) of an account
/// of the day `date` (booking date, else value date) not linked to any
/// statement, whose entry total is `amount` in `currency`. An entry whose
/// rows do not all wait unlinked (one of them linked already) is left out.
pub(super) fn notified_entries(
    conn: &Connection,
    account: &str,
    date: Option<&str>,
    amount: Money,
    currency: Currency,
) -> rusqlite::Result<Vec<Vec<StoredTx>>> {
    let mut groups = entries(transactions::notified_on(conn, account, date)?);
    groups.retain(|g| {
        let total = g
            .iter()
            .try_fold(Money::ZERO, |s, r| s.checked_add(r.tx.amount));
        g.iter().all(|r| {
            r.entry.status == EntryStatus::Booked
                && r.currency == currency
                && r.entry.amount == amount
        }) && total == Some(amount)
    });
    Ok(groups)
}

/// Stored notification rows (in statement and row order) grouped into
/// their entries: consecutive rows of one notification, entry line, bank
/// reference and entry amount.
pub(super) fn entries(rows: Vec<StoredTx>) -> Vec<Vec<StoredTx>> {
    let mut groups: Vec<Vec<StoredTx>> = Vec::new();
    for r in rows {
        let same_entry = groups.last().and_then(|g| g.last()).is_some_and(|p| {
            p.statement_id == r.statement_id
                && p.position + 1 == r.position
                && p.entry.line == r.entry.line
                && p.entry.bank_ref == r.entry.bank_ref
                && p.entry.amount == r.entry.amount
        });
        match groups.last_mut() {
            Some(g) if same_entry => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    groups
}

/// The statement rows (booked, in `currency`) a notification entry details
/// by amount and date, when one is the single best fit its details allow;
/// none when several fit equally (or only other payers' do).
pub(super) fn statement_row_by_amount(
    candidates: Vec<StoredTx>,
    entry: &Entry,
) -> Option<StoredTx> {
    let mine: Vec<&Transaction> = entry.transactions.iter().collect();
    // (By a value date, only one real end-to-end id or their texts join
    // them, or a lump its several payments: see [`one_payment`].)
    let by_value = |c: &StoredTx| {
        (entry.booking_date.is_none() || c.entry.booking_date.is_none())
            && !lump_and_detail(&mine, &[&c.tx])
            && !one_payment(&mine, &[&c.tx])
    };
    let scored: Vec<(Fit, StoredTx)> = candidates
        .into_iter()
        .filter(|c| c.entry.amount == entry.amount && c.entry.day() == entry.day())
        .filter(|c| !by_value(c))
        .filter_map(|c| Some((fit(&mine, &[&c.tx])?, c)))
        .collect();
    single_best(scored)
}

/// The one candidate of the best fit (never one that disagrees), if it is
/// the only one of that fit.
pub(super) fn single_best<T>(scored: Vec<(Fit, T)>) -> Option<T> {
    let best = scored.iter().map(|(f, _)| *f).max()?;
    if best == Fit::Disagrees {
        return None;
    }
    let mut top = scored.into_iter().filter(|(f, _)| *f == best);
    match (top.next(), top.next()) {
        (Some((_, c)), None) => Some(c),
        _ => None,
    }
}

/// An entry (by index), a candidate (by index), and how well they fit.
pub(super) type Scored = (usize, usize, Fit);

/// A candidate paired with none, and the entries that fitted it.
pub(super) type Unpaired = (usize, Vec<usize>);

/// Pairs each of a statement's entries (by index) with one candidate
/// (by index), given every `(entry, candidate, fit)` that fits: a pair is
/// made when each is the other's single best fit. Also returns, for each
/// candidate some entry fitted but that was paired with none, the entries
/// that fitted it (a person must say which, if any, it is).
pub(super) fn pair(fits: &[Scored]) -> (Vec<(usize, usize)>, Vec<Unpaired>) {
    let best_of = |mine: &dyn Fn(&Scored) -> Option<usize>| {
        let scored: Vec<(Fit, usize)> = fits.iter().filter_map(|f| Some((f.2, mine(f)?))).collect();
        single_best(scored)
    };
    let mut pairs = Vec::new();
    let mut entries: Vec<usize> = fits.iter().map(|f| f.0).collect();
    entries.sort_unstable();
    entries.dedup();
    for e in entries {
        let Some(c) = best_of(&|f| (f.0 == e).then_some(f.1)) else {
            continue;
        };
        if best_of(&|f| (f.1 == c).then_some(f.0)) == Some(e) {
            pairs.push((e, c));
        }
    }
    let mut unpaired: Vec<Unpaired> = Vec::new();
    for &(e, c, f) in fits {
        // An entry paired with another candidate is that one's: this
        // candidate waits for its own entry, nobody need choose.
        if f == Fit::Disagrees || pairs.iter().any(|p| p.1 == c || p.0 == e) {
            continue;
        }
        match unpaired.iter_mut().find(|(x, _)| *x == c) {
            Some((_, v)) => v.push(e),
            None => unpaired.push((c, vec![e])),
        }
    }
    (pairs, unpaired)
}

/// A notification entry (its rows `g`) that statement entries (`ids`, their
/// first rows) fit by amount and date with nothing telling which: linked to
/// none, so its money and theirs are all counted until a person decides.
pub(super) fn ambiguous(account: &str, s: &Statement, g: &[StoredTx], ids: &[&str]) -> Alert {
    let first = g.first();
    let id = first.map(|r| r.tx.entry_id.as_str()).unwrap_or_default();
    let mut a = Alert::new(
        AlertKind::AmbiguousNotification,
        &format!("{account}:{id}:{}", s.id),
        format!(
            "{} notified by {} on {} (entry {}) could be statement {}'s entry {}: nothing tells which, so none is taken for it and the money is counted {} times; if one is the notified payment, an `ignore` line for that statement entry in decisions.csv stops counting it again, and one for entry {} closes this alert",
            first
                .map(|r| r.entry.amount.to_string())
                .unwrap_or_default(),
            first.map(|r| r.statement_id.as_str()).unwrap_or_default(),
            first
                .and_then(|r| r.entry.booking_date)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            id,
            s.id,
            ids.join(" or "),
            ids.len() + 1,
            id
        ),
    );
    a.entry_id = id.to_string();
    a.amount = first.map(|r| r.entry.amount);
    a.currency = first.map(|r| r.currency);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(name: Option<&str>, text: &str) -> Transaction {
        let mut t = Transaction::default();
        t.counterparty.name = name.map(str::to_string);
        if !text.is_empty() {
            t.remittance = vec![text.to_string()];
        }
        t
    }

    #[test]
    fn a_name_with_its_accents_folded_blanked_or_dropped_is_one_name() {
        for other in [
            "SOCIETE ALPHA",
            "SOCI T  ALPHA",
            "SOCI?T? ALPHA",
            "Société Alpha",
        ] {
            assert_eq!(texts_agree("SOCIÉTÉ ALPHA", other), Some(true), "{other}");
        }
        assert_eq!(texts_agree("CŒUR DE PIERRE", "COEUR DE PIERRE"), Some(true));
        assert_eq!(texts_agree("DUPONT SARL", "DUPONT FRERES"), Some(false));
        assert_eq!(texts_agree("GARAGE RENÉ", "GARAGE RENAULT"), Some(false));
    }

    #[test]
    fn another_payers_name_or_text_is_another_payment() {
        let beta = tx(Some("Beta SAS"), "Facture F-1006");
        let alpha = tx(Some("Alpha SARL"), "Facture F-1005");
        assert_eq!(fit(&[&beta], &[&alpha]), Some(Fit::Disagrees));
        assert_eq!(
            fit(
                &[&tx(None, "Facture F-1006")],
                &[&tx(None, "Fact. F-1006 du 01/10")]
            ),
            Some(Fit::Unlike)
        );
        assert_eq!(
            fit(&[&beta], &[&tx(Some("BETA S.A.S."), "")]),
            Some(Fit::Agrees)
        );
        assert_eq!(fit(&[&tx(None, "")], &[&alpha]), Some(Fit::Neutral));
        let mut e2e = tx(Some("Beta SAS"), "");
        e2e.end_to_end_id = Some("E-1".into());
        let mut other = alpha.clone();
        other.end_to_end_id = Some("E-2".into());
        assert_eq!(fit(&[&e2e], &[&other]), None);
    }

    #[test]
    fn a_pair_is_made_only_when_each_is_the_others_single_best() {
        use Fit::*;
        // Entry 0 (Alpha) fits candidate 0 by amount only, entry 1 (Beta)
        // agrees with it: candidate 0 is entry 1's.
        let (pairs, left) = pair(&[(0, 0, Neutral), (1, 0, Agrees)]);
        assert_eq!(pairs, [(1, 0)]);
        assert!(left.is_empty());
        // Nothing tells two entries apart: neither is linked.
        let (pairs, left) = pair(&[(0, 0, Neutral), (1, 0, Neutral)]);
        assert!(pairs.is_empty());
        assert_eq!(left, [(0, vec![0, 1])]);
        // An entry that agrees with another candidate is that one's; the
        // candidate it also fitted waits for its own entry, unasked.
        let (pairs, left) = pair(&[(0, 0, Agrees), (0, 1, Neutral)]);
        assert_eq!(pairs, [(0, 0)]);
        assert!(left.is_empty());
        // Another payer's entry is never linked.
        let (pairs, left) = pair(&[(0, 0, Disagrees)]);
        assert!(pairs.is_empty() && left.is_empty());
    }

    #[test]
    fn a_value_date_pairs_only_the_same_text_or_a_bare_batch_line() {
        // The same text, or a bank's cut of it quoting the same numbers.
        assert!(same_text("FACTURE F-1001", "Facture F 1001"));
        assert!(same_text("FACTURE F-1001 ACOMPTE", "FACTURE F-1001"));
        // One holding the other by chance, or nothing to compare.
        assert!(!same_text(
            "VIREMENT ALPHA SARL FACTURE F-1001",
            "VIREMENT ALPHA SARL"
        ));
        assert!(!same_text("VIREMENT", "VIREMENT FACTURE F-1001"));
        assert!(!same_text("", ""));
        // A bare batch line and its detail; not a payment with a text.
        let tx = |text: &str, iban: Option<&str>| Transaction {
            remittance: if text.is_empty() {
                Vec::new()
            } else {
                vec![text.to_string()]
            },
            counterparty: crate::statement::Party {
                iban: iban.map(str::to_string),
                ..Default::default()
            },
            ..Default::default()
        };
        let (bare, alpha, beta) = (
            tx("", None),
            tx("FACTURE F-1001", Some("FR76")),
            tx("FACTURE F-1002", Some("DE89")),
        );
        assert!(lump_and_detail(&[&bare], &[&alpha, &beta]));
        let alone = tx("FACTURE F-1005", Some("FR76"));
        assert!(!lump_and_detail(&[&alone], &[&alpha, &beta]));
        assert!(!lump_and_detail(&[&bare], &[&alpha]));
    }
}
