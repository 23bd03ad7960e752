//! The order tonight's statements go in: statements before notifications;
//! statements by account, then day, then id (then file order), so that of
//! two statements reusing a bank reference the earlier day keeps it
//! whatever the files are called; and an account's statements of one day
//! along their balances (one opening where another closes goes after it),
//! so that each finds the one before it stored
//! ([`crate::state::continuation`]): a bank numbering every statement's
//! entries from 1 loses no payment to ids sorting the day's last statement
//! before its middle one (verify 40 banks B3).

use crate::statement::Statement;

/// The day a statement is of: its period's start, else its opening
/// balance's date, else its first booking date.
fn day(s: &Statement) -> Option<chrono::NaiveDate> {
    s.from_date
        .or(s.opening.and_then(|b| b.date))
        .or_else(|| s.entries.iter().filter_map(|e| e.booking_date).min())
}

/// Sorts `items` (each holding a statement `of` gives) into import order
/// (see the module doc). Stable: equal keys keep their order.
pub(super) fn sort<T>(items: &mut [T], of: impl Fn(&T) -> &Statement) {
    items.sort_by_cached_key(|item| {
        let s = of(item);
        let notification = s.format.is_notification();
        (
            notification,
            (!notification).then(|| (s.account.key(), day(s), s.id.clone())),
        )
    });
    let mut start = 0;
    while start < items.len() {
        let first = of(&items[start]);
        let same_day = |s: &Statement| {
            !s.format.is_notification()
                && s.account.key() == first.account.key()
                && day(s) == day(first)
        };
        let mut end = start + 1;
        while end < items.len() && same_day(of(&items[end])) {
            end += 1;
        }
        if !first.format.is_notification() && end - start > 1 {
            along_balances(&mut items[start..end], &of);
        }
        start = end;
    }
}

/// Reorders one account's statements of a day so that a statement opening
/// where another of them closes comes after it; otherwise the order is
/// kept (the first statement no other leads to goes first; with none, a
/// loop of balances, the first).
fn along_balances<T>(items: &mut [T], of: &impl Fn(&T) -> &Statement) {
    for at in 0..items.len() {
        let rest = &items[at..];
        let follows = |i: usize| {
            let Some(opening) = of(&rest[i]).opening.map(|b| b.amount) else {
                return false;
            };
            rest.iter()
                .enumerate()
                .any(|(j, other)| j != i && of(other).closing.map(|b| b.amount) == Some(opening))
        };
        let next = (0..rest.len()).find(|&i| !follows(i)).unwrap_or(0);
        if next > 0 {
            // Moved to the front, the others keeping their order.
            items[at..=at + next].rotate_right(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::{Account, Balance, SourceFormat};

    fn statement(id: &str, opening: &str, closing: &str) -> Statement {
        let balance = |a: &str| {
            Some(Balance {
                amount: a.parse().unwrap(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            })
        };
        Statement {
            format: SourceFormat::Camt053 { version: 8 },
            id: id.to_string(),
            sequence: None,
            account: Account {
                iban: Some("FR7630006000011234567890189".into()),
                ..Account::default()
            },
            currency: crate::money::Currency::parse("EUR").unwrap(),
            opening: balance(opening),
            closing: balance(closing),
            from_date: None,
            to_date: None,
            entries: Vec::new(),
            line: 0,
        }
    }

    fn order(mut v: Vec<Statement>) -> Vec<String> {
        sort(&mut v, |s| s);
        v.into_iter().map(|s| s.id).collect()
    }

    #[test]
    fn a_days_statements_go_in_along_their_balances_whatever_their_ids() {
        // 0 → 1000 → 2000 → 3000 under ids sorting otherwise.
        let got = order(vec![
            statement("A-3", "2000", "3000"),
            statement("B-1", "0", "1000"),
            statement("C-2", "1000", "2000"),
        ]);
        assert_eq!(got, ["B-1", "C-2", "A-3"]);
        let got = order(vec![
            statement("A-1", "0", "1000"),
            statement("B-3", "2000", "3000"),
            statement("C-2", "1000", "2000"),
        ]);
        assert_eq!(got, ["A-1", "C-2", "B-3"]);
    }

    #[test]
    fn statements_that_do_not_follow_one_another_keep_their_id_order() {
        // Two accounts' worth of balances that meet nowhere, and a day
        // whose balances loop (0 → 0): id order.
        let got = order(vec![
            statement("S-2", "500", "700"),
            statement("S-1", "0", "100"),
        ]);
        assert_eq!(got, ["S-1", "S-2"]);
        let got = order(vec![statement("Z-2", "0", "0"), statement("Z-1", "0", "0")]);
        assert_eq!(got, ["Z-1", "Z-2"]);
        // One that does not move between two that do: it follows the one
        // closing where it opens.
        let got = order(vec![
            statement("A", "1000", "2000"),
            statement("B", "1000", "1000"),
            statement("C", "0", "1000"),
        ]);
        assert_eq!(got, ["C", "B", "A"]);
    }
}
