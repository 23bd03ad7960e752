//! A new statement compared with those of its account in state when no
//! balances can tell whether it is a day already imported (README, "The
//! same statement in another form"): it has no opening or closing balance
//! (an aggregator's copy of a day, say), or a statement in state it meets
//! has none. Its booked movements alone say it then. Each is paired, one
//! for one, with a movement in state: under its own id (rules 5 and 6), or
//! under another id with the same signed amount, currency, booking day and
//! end-to-end id (when both have one) and shown alike — the same text, no
//! other payer ([`st::shown_alike`]). All of them so: that day again,
//! nothing to import. Some of them only, or some with the money but not
//! the text of one in state (nor plainly another payer,
//! [`st::payers_differ`]): a person checks it with the bank, for importing
//! it could count those payments twice. None: a statement of its own (a day
//! not imported yet, or new movements only), imported as usual.

use rusqlite::Connection;

use crate::state::delivered::{self, Held, Line};
use crate::state::statements as st;
use crate::statement::{Entry, EntryStatus, Statement, Transaction};

/// What the movements of a statement say it repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Nothing of another statement: imported as usual.
    Own,
    /// Every movement is in state already (its statement the one most of
    /// them are in): nothing to import.
    Again(Held),
    /// Some movements have the money of movements in state under other ids
    /// (its movement's id, the held one's), not every one of them also
    /// their text and payer: for a person.
    Unsure(Held, Vec<(String, String)>),
}

/// How the statement's booked movements pair with those of `helds` (the
/// statements it meets that balances cannot compare it with).
pub(super) fn compare(
    conn: &Connection,
    statement: &Statement,
    helds: &[Held],
) -> rusqlite::Result<Verdict> {
    let account = statement.account.key();
    let mut rows: Vec<(usize, Line)> = Vec::new();
    for (k, h) in helds.iter().enumerate() {
        let lines = delivered::lines(conn, &account, &h.id)?;
        rows.extend(
            lines
                .into_iter()
                .filter(|l| l.entry.status == EntryStatus::Booked)
                .map(|l| (k, l)),
        );
    }
    let mut free = vec![true; rows.len()];
    let mut pending: Vec<(&Entry, &Transaction)> = Vec::new();
    for (entry, tx) in statement
        .transactions()
        .filter(|(e, _)| e.status == EntryStatus::Booked)
    {
        if st::holds_same(conn, statement, entry, tx)? == Some(true) {
            // Repeated under its own id: rule 6's, and never the pair of
            // another movement.
            if let Some(i) = (0..rows.len()).find(|&i| {
                free.get(i) == Some(&true)
                    && rows.get(i).is_some_and(|(_, l)| l.entry_id == tx.entry_id)
            }) && let Some(f) = free.get_mut(i)
            {
                *f = false;
            }
            continue;
        }
        pending.push((entry, tx));
    }
    let same_money = |(e, t): (&Entry, &Transaction), l: &Line| {
        l.tx.amount.to_plain() == t.amount.to_plain()
            && l.currency == statement.currency_of(e).as_str()
            && l.entry.booking_date == e.booking_date
            && super::agree(t.end_to_end_id.as_deref(), l.tx.end_to_end_id.as_deref())
            // (Plainly two payers: two payments, whatever else they share.)
            && !st::payers_differ(t, &l.tx)
    };
    // Shown alike first, so that a movement only like another in money
    // never takes the pair of one shown alike.
    let mut paired: Vec<Option<(usize, bool)>> = vec![None; pending.len()];
    for alike in [true, false] {
        for (m, slot) in pending.iter().zip(paired.iter_mut()) {
            if slot.is_some() {
                continue;
            }
            let found = rows.iter().enumerate().position(|(i, (_, l))| {
                free.get(i) == Some(&true)
                    && same_money(*m, l)
                    && (!alike || st::shown_alike((&l.entry, &l.tx), *m))
            });
            if let Some(i) = found {
                if let Some(f) = free.get_mut(i) {
                    *f = false;
                }
                *slot = Some((i, alike));
            }
        }
    }
    let pairs: Vec<(String, usize)> = pending
        .iter()
        .zip(&paired)
        .filter_map(|((_, t), p)| p.map(|(i, _)| (t.entry_id.clone(), i)))
        .collect();
    if pairs.is_empty() {
        return Ok(Verdict::Own);
    }
    // The statement most of its movements are in (the first on a tie).
    let mut count = vec![0usize; helds.len()];
    for (_, i) in &pairs {
        if let Some((k, _)) = rows.get(*i)
            && let Some(c) = count.get_mut(*k)
        {
            *c += 1;
        }
    }
    let most = (0..helds.len())
        .max_by_key(|&k| (count.get(k).copied(), std::cmp::Reverse(k)))
        .and_then(|k| helds.get(k))
        .cloned();
    let Some(held) = most else {
        return Ok(Verdict::Own);
    };
    if paired.iter().all(|p| matches!(p, Some((_, true)))) {
        return Ok(Verdict::Again(held));
    }
    let named = pairs
        .into_iter()
        .filter_map(|(id, i)| Some((id, rows.get(i)?.1.entry_id.clone())))
        .collect();
    Ok(Verdict::Unsure(held, named))
}

/// The `duplicate_statement` of a statement whose movements are all in
/// state, told without balances.
pub(super) fn again(statement: &Statement, held: &Held, file: &str) -> crate::alerts::Alert {
    super::duplicate(
        statement,
        file,
        format!(
            "covers days already imported (statement {}, {}, imported on {}, among others), without balances to compare it with (it or that statement has none): each of its {} movement(s) is in state already, under its id or with the same amount, day, end-to-end id, text and payer; it is the same day delivered again",
            held.id,
            held.format,
            held.run_date,
            statement.transactions().count(),
        ),
    )
}

/// The `conflicting_statement` of a statement some of whose movements have
/// the money of movements in state under other ids, told without balances.
pub(super) fn unsure(
    statement: &Statement,
    held: &Held,
    pairs: &[(String, String)],
    (file, hash): (&str, &str),
) -> crate::alerts::Alert {
    let account = statement.account.key();
    let list: Vec<String> = pairs.iter().map(|(a, b)| format!("{a} = {b}")).collect();
    crate::alerts::Alert::new(
        crate::alerts::AlertKind::ConflictingStatement,
        &format!("{account}:{}:{hash}", statement.id),
        format!(
            "statement {} ({}) of account {} in {file} covers days that statement {} ({}, imported on {}) covers, without balances to compare them (it or that statement has none), and {} of its {} movement(s) have the amount and day of movements in state under other ids ({}), while the rest (or their text or payer) differs: it may be the same money delivered again in another form; not imported, check with the bank",
            statement.id,
            statement.format.label(),
            crate::refs::mask_iban(&account),
            held.id,
            held.format,
            held.run_date,
            pairs.len(),
            statement.transactions().count(),
            list.join(", "),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::statement::{Account, Balance, BankCode, Party, SourceFormat, TxKind};

    /// A movement: reference, cents, text, payer name.
    type Move = (&'static str, i64, &'static str, &'static str);

    /// A camt.053 of 2026-11-18, with balances from 0 when `balanced`.
    fn day(id: &str, balanced: bool, moves: &[Move]) -> Statement {
        let date = "2026-11-18".parse().ok();
        let money = |c: i64| Money::from_scaled(c, 2).unwrap();
        let total: i64 = moves.iter().map(|m| m.1).sum();
        let balance = |c: i64| {
            balanced.then_some(Balance {
                amount: money(c),
                date,
            })
        };
        let entries = moves
            .iter()
            .map(|&(r, cents, text, name)| crate::statement::Entry {
                booking_date: date,
                value_date: date,
                amount: money(cents),
                currency: None,
                status: EntryStatus::Booked,
                reversal: false,
                bank_ref: Some(r.into()),
                bank_code: BankCode::None,
                kind: TxKind::CreditTransferIn,
                additional_info: None,
                transactions: vec![Transaction {
                    entry_id: r.into(),
                    amount: money(cents),
                    remittance: vec![text.into()],
                    counterparty: Party {
                        name: Some(name.into()),
                        ..Party::default()
                    },
                    ..Transaction::default()
                }],
                line: 1,
            })
            .collect();
        Statement {
            format: SourceFormat::Camt053 { version: 8 },
            id: id.into(),
            sequence: None,
            account: Account {
                iban: Some("FR7630001007941234567890185".into()),
                ..Account::default()
            },
            currency: Currency::EUR,
            opening: balance(0),
            closing: balance(total),
            from_date: date,
            to_date: date,
            entries,
            line: 1,
        }
    }

    const ALPHA: Move = ("R1", 100_000, "FACTURE F-1", "ALPHA SARL");
    const BETA: Move = ("R2", 75_000, "FACTURE F-2", "BETA SAS");

    /// What `arriving` repeats of the bank's day (Alpha, Beta) in state.
    fn against(arriving: &Statement) -> Verdict {
        let dir = tempfile::tempdir().unwrap();
        let mut state = crate::state::State::open(dir.path()).unwrap();
        let conn = state.conn();
        let bank = day("S-1", true, &[ALPHA, BETA]);
        st::import(conn, &bank, &st::encode(&bank), "2026-11-19").unwrap();
        let helds = delivered::overlapping(
            conn,
            &arriving.account.key(),
            "EUR",
            &arriving.id,
            "2026-11-18",
            "2026-11-18",
        )
        .unwrap();
        compare(conn, arriving, &helds).unwrap()
    }

    fn held_id(v: &Verdict) -> Option<&str> {
        match v {
            Verdict::Own => None,
            Verdict::Again(h) | Verdict::Unsure(h, _) => Some(h.id.as_str()),
        }
    }

    #[test]
    fn a_day_again_under_other_ids_without_balances_is_that_day() {
        // Review "life" L6: the same movements, other references.
        let copy = day(
            "COPY",
            false,
            &[
                ("X2", 75_000, "facture F-2", "BETA"),
                ("X1", 100_000, "FACTURE F-1", "ALPHA SARL"),
            ],
        );
        let v = against(&copy);
        assert!(matches!(v, Verdict::Again(_)), "{v:?}");
        assert_eq!(held_id(&v), Some("S-1"));
        // One of them is the day again too (nothing new in it).
        let v = against(&day("COPY", false, &[("X1", 100_000, "FACTURE F-1", "")]));
        assert!(matches!(v, Verdict::Again(_)), "{v:?}");
    }

    #[test]
    fn some_movements_of_a_day_again_or_its_money_under_another_text_is_for_a_person() {
        let gamma = ("X3", 48_000, "FACTURE F-4", "GAMMA SA");
        let v = against(&day(
            "COPY",
            false,
            &[("X1", ALPHA.1, ALPHA.2, ALPHA.3), gamma],
        ));
        assert_eq!(
            v,
            match &v {
                Verdict::Unsure(h, _) =>
                    Verdict::Unsure(h.clone(), vec![("X1".into(), "R1".into())]),
                other => panic!("{other:?}"),
            }
        );
        // Alpha's money and day, another text, nothing of the payer against.
        let v = against(&day("COPY", false, &[("X1", 100_000, "ACOMPTE", "")]));
        assert!(matches!(v, Verdict::Unsure(..)), "{v:?}");
    }

    #[test]
    fn new_movements_without_balances_are_a_statement_of_their_own() {
        // Another payer's money, even of Alpha's amount on its day.
        let v = against(&day(
            "LATE",
            false,
            &[
                ("X3", 48_000, "FACTURE F-4", "GAMMA SA"),
                ("X4", 100_000, "FACTURE F-1", "DELTA SARL"),
            ],
        ));
        assert_eq!(v, Verdict::Own);
        // Movements repeated under their own ids are rule 6's.
        assert_eq!(against(&day("LATE", false, &[ALPHA])), Verdict::Own);
    }
}
