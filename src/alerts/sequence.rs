//! Statement continuity per account: a missing statement number (allowing
//! numbers that restart in January), or an opening balance that differs from
//! the previous closing one, is a `sequence_gap`: a payment may be in the
//! missing statement, so dunning holds its formal notices until it is filled.

use chrono::{Datelike, NaiveDate};

use crate::money::Money;

/// What continuity needs to know of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementHeader {
    /// Account key.
    pub account: String,
    /// Currency: one account number may hold several, each with its own
    /// numbering and balances.
    pub currency: String,
    /// Statement id.
    pub statement_id: String,
    /// Sequence number, when the format has one.
    pub sequence: Option<u64>,
    /// First day covered (or the opening balance date).
    pub from_date: Option<NaiveDate>,
    /// Last day covered (or the closing balance date).
    pub to_date: Option<NaiveDate>,
    /// Opening booked balance.
    pub opening: Option<Money>,
    /// Closing booked balance.
    pub closing: Option<Money>,
}

/// A break between two consecutive statements of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Account.
    pub account: String,
    /// The statement after the break.
    pub statement_id: String,
    /// Sentence for a person.
    pub message: String,
}

/// Checks consecutive statements of one account, in order (by date, then
/// sequence). `previous` is the last statement already known, if any.
pub fn gaps(previous: Option<&StatementHeader>, ordered: &[StatementHeader]) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut prev = previous;
    for s in ordered {
        if let Some(p) = prev
            && let Some(g) = gap_between(p, s)
        {
            out.push(g);
        }
        prev = Some(s);
    }
    out
}

/// The statements (in state order: by day, number, id) with those of one
/// day and number put in the order their balances chain: a day the bank
/// split into blocks delivered afternoon first is still morning, then
/// afternoon. Of a day's statements, the next is the one opening with the
/// last one's closing balance, else one that opens with no other's closing,
/// else the first.
pub fn in_chain_order(list: &[StatementHeader]) -> Vec<StatementHeader> {
    let mut rest: Vec<StatementHeader> = list.to_vec();
    let mut out: Vec<StatementHeader> = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let key = |h: &StatementHeader| (h.from_date.or(h.to_date), h.sequence);
        let first = key(&rest[0]);
        let day: Vec<usize> = (0..rest.len())
            .filter(|&i| key(&rest[i]) == first)
            .collect();
        let previous = out.last().and_then(|p| p.closing);
        let follows = day
            .iter()
            .copied()
            .find(|&i| previous.is_some() && rest[i].opening == previous);
        let starts = || {
            day.iter().copied().find(|&i| {
                !day.iter().any(|&j| {
                    j != i && rest[j].closing.is_some() && rest[j].closing == rest[i].opening
                })
            })
        };
        let pick = follows.or_else(starts).unwrap_or(0);
        out.push(rest.remove(pick));
    }
    out
}

/// The statements left once those that others tile are taken out: a
/// statement is tiled when other statements of the list, each opening with
/// the one before's closing balance on the day it closed (a CFONB block, its
/// 01 date the day before its movements) or the day after (a camt.053, its
/// period starting on its first day of movements), lead from its
/// opening (day and balance) to its closing (a period file the bank sends
/// over days already delivered one by one, whichever came first). Its
/// continuity is theirs, and theirs is checked; it is not compared with
/// them (it overlaps them). Of statements tiling each other (two with the
/// same days and balances), the first stays. Longer periods go first.
pub fn untiled(list: &[StatementHeader]) -> Vec<StatementHeader> {
    let mut kept: Vec<bool> = vec![true; list.len()];
    let mut order: Vec<usize> = (0..list.len()).collect();
    let span = |h: &StatementHeader| match (h.from_date, h.to_date) {
        (Some(a), Some(b)) => (b - a).num_days(),
        _ => 0,
    };
    order.sort_by_key(|&i| (std::cmp::Reverse(span(&list[i])), std::cmp::Reverse(i)));
    for i in order {
        kept[i] = false;
        if !tiled(&list[i], list, &kept) {
            kept[i] = true;
        }
    }
    // A statement inside a longer one kept, sharing its first day and
    // opening or its last day and closing (a day of a period already in
    // state, the others not delivered again): its continuity is the
    // period's.
    let covered: Vec<bool> = (0..list.len())
        .map(|i| {
            kept[i]
                && (0..list.len()).any(|j| j != i && kept[j] && inside(&list[i], &list[j], span))
        })
        .collect();
    for (k, c) in kept.iter_mut().zip(covered) {
        *k &= !c;
    }
    list.iter()
        .zip(kept)
        .filter(|(_, k)| *k)
        .map(|(h, _)| h.clone())
        .collect()
}

/// Whether `t` lies inside the longer `s`, sharing its start (day, or the
/// day after for a camt.053 daily, and opening balance) or its end (day and
/// closing balance).
fn inside(
    t: &StatementHeader,
    s: &StatementHeader,
    span: impl Fn(&StatementHeader) -> i64,
) -> bool {
    let (Some(tf), Some(tt), Some(sf), Some(st)) = (t.from_date, t.to_date, s.from_date, s.to_date)
    else {
        return false;
    };
    if span(t) >= span(s) || tf < sf || tt > st {
        return false;
    }
    let starts = (tf == sf || tf == sf + chrono::Days::new(1) && tf == tt)
        && t.opening.is_some()
        && t.opening == s.opening;
    let ends = tt == st && t.closing.is_some() && t.closing == s.closing;
    starts || ends
}

/// Whether the kept statements lead from `s`'s opening to its closing.
fn tiled(s: &StatementHeader, list: &[StatementHeader], kept: &[bool]) -> bool {
    let (Some(from), Some(to), Some(open), Some(close)) =
        (s.from_date, s.to_date, s.opening, s.closing)
    else {
        return false;
    };
    if from >= to {
        return false;
    }
    // Points (day, balance) reached from the opening, walking forward. (A
    // camt.053 period opens the day before its first day: both are tried.)
    let mut reached = vec![(from, open)];
    if let Some(before) = from.pred_opt() {
        reached.push((before, open));
    }
    let mut used = vec![false; list.len()];
    let mut i = 0;
    while let Some(&(day, balance)) = reached.get(i) {
        i += 1;
        if day == to && balance == close {
            return true;
        }
        for (j, t) in list.iter().enumerate() {
            if !kept[j] || used[j] {
                continue;
            }
            if let (Some(a), Some(b), Some(o), Some(c)) =
                (t.from_date, t.to_date, t.opening, t.closing)
                && o == balance
                && (a == day && b > a || a == day + chrono::Days::new(1) && b >= a)
                && b <= to
            {
                used[j] = true;
                reached.push((b, c));
            }
        }
    }
    false
}

fn gap_between(p: &StatementHeader, s: &StatementHeader) -> Option<Gap> {
    let mut reasons = Vec::new();
    if let (Some(a), Some(b)) = (p.sequence, s.sequence) {
        let restarted = b == 1 && new_year(p, s);
        if b > 1 && b <= a && new_year(p, s) {
            // Numbered from 1 again in January, but not from 1.
            reasons.push(format!(
                "statement number {b} follows {a} after the January restart: {} missing",
                if b == 2 {
                    "number 1".to_string()
                } else {
                    format!("numbers 1 to {}", b - 1)
                }
            ));
        } else if b != a.saturating_add(1) && !restarted && b > a {
            reasons.push(format!(
                "statement number {b} follows {a}: {} missing",
                if b - a == 2 {
                    format!("number {}", a + 1)
                } else {
                    format!("numbers {} to {}", a + 1, b - 1)
                }
            ));
        }
    }
    if let (Some(close), Some(open)) = (p.closing, s.opening)
        && close != open
    {
        reasons.push(format!(
            "opening balance {open} differs from the previous closing balance {close} (statement {})",
            p.statement_id
        ));
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Gap {
        account: s.account.clone(),
        statement_id: s.statement_id.clone(),
        message: format!(
            "account {}: statement {}: {}",
            crate::refs::mask_iban(&s.account),
            s.statement_id,
            reasons.join("; ")
        ),
    })
}

fn new_year(p: &StatementHeader, s: &StatementHeader) -> bool {
    match (p.to_date.or(p.from_date), s.from_date.or(s.to_date)) {
        (Some(a), Some(b)) => b.year() > a.year(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(id: &str, seq: u64, from: &str, open: &str, close: &str) -> StatementHeader {
        StatementHeader {
            account: "FR7630001007941234567890185".into(),
            currency: "EUR".into(),
            statement_id: id.into(),
            sequence: Some(seq),
            from_date: from.parse().ok(),
            to_date: from.parse().ok(),
            opening: open.parse().ok(),
            closing: close.parse().ok(),
        }
    }

    #[test]
    fn consecutive_statements_have_no_gap() {
        let s = [
            h("A", 41, "2026-11-19", "10", "20"),
            h("B", 42, "2026-11-20", "20", "5"),
        ];
        assert!(gaps(None, &s).is_empty());
    }

    #[test]
    fn a_missing_number_is_a_gap() {
        let s = [
            h("A", 41, "2026-11-19", "10", "20"),
            h("C", 43, "2026-11-23", "20", "5"),
        ];
        let g = gaps(None, &s);
        assert_eq!(g.len(), 1);
        assert!(
            g[0].message.contains("number 42 missing"),
            "{}",
            g[0].message
        );
        assert!(g[0].message.contains("FR76…0185"), "{}", g[0].message);
    }

    #[test]
    fn numbers_restart_in_january() {
        let prev = h("Z", 250, "2026-12-31", "10", "20");
        assert!(gaps(Some(&prev), &[h("A", 1, "2027-01-04", "20", "20")]).is_empty());
        assert_eq!(
            gaps(Some(&prev), &[h("A", 1, "2026-12-31", "20", "20")]).len(),
            0
        );
    }

    #[test]
    fn a_missing_first_statement_after_the_january_restart_is_a_gap() {
        let prev = h("Z", 250, "2026-12-31", "10", "10");
        let g = gaps(Some(&prev), &[h("B", 2, "2027-01-05", "10", "10")]);
        assert_eq!(g.len(), 1);
        assert!(
            g[0].message.contains("number 1 missing"),
            "{}",
            g[0].message
        );
        let g = gaps(Some(&prev), &[h("B", 4, "2027-01-05", "10", "10")]);
        assert!(
            g[0].message.contains("numbers 1 to 3 missing"),
            "{}",
            g[0].message
        );
    }

    #[test]
    fn an_opening_that_differs_from_the_previous_closing_is_a_gap() {
        let prev = h("A", 41, "2026-11-19", "10", "20");
        let g = gaps(Some(&prev), &[h("B", 42, "2026-11-20", "25", "30")]);
        assert_eq!(g.len(), 1);
        assert!(
            g[0].message.contains("opening balance 25.00 differs"),
            "{}",
            g[0].message
        );
    }

    #[test]
    fn a_period_statement_tiled_by_daily_ones_is_left_out_whichever_came_first() {
        let span = |id: &str, from: &str, to: &str, open: &str, close: &str| StatementHeader {
            to_date: to.parse().ok(),
            sequence: None,
            ..h(id, 0, from, open, close)
        };
        let d17 = span("D17", "2026-11-16", "2026-11-17", "0", "1000");
        let d18 = span("D18", "2026-11-17", "2026-11-18", "1000", "1742.10");
        let period = span("P", "2026-11-16", "2026-11-18", "0", "1742.10");
        let kept = untiled(&[d17.clone(), period.clone(), d18.clone()]);
        // A day's blocks delivered afternoon first chain morning first.
        let am = span("AM", "2026-11-17", "2026-11-18", "1000", "1500");
        let pm = span("PM", "2026-11-17", "2026-11-18", "1500", "1742.10");
        let chained = in_chain_order(&[d17.clone(), pm.clone(), am.clone()]);
        assert_eq!(chained, [d17.clone(), am.clone(), pm.clone()]);
        assert_eq!(in_chain_order(&[pm.clone(), am.clone()]), [am, pm]);
        assert_eq!(kept, [d17.clone(), d18.clone()]);
        assert!(gaps(None, &kept).is_empty());
        // Not tiled when a day's balances do not lead to its closing.
        let other = span("D18", "2026-11-17", "2026-11-18", "1000", "1700");
        // (The first day, inside the period with its start, is left out; the
        // day that disagrees still breaks the chain.)
        let kept = untiled(&[d17.clone(), period.clone(), other]);
        assert_eq!(kept.len(), 2);
        assert_eq!(gaps(None, &kept).len(), 1);
        // Two statements of the same days and balances: the first stays.
        assert_eq!(
            untiled(&[d17.clone(), d17.clone()]),
            [d17.clone()].as_slice()
        );
        // A day inside a period kept, sharing its start or its end, is left
        // out: the period first, one of its days after it.
        assert_eq!(untiled(&[d17, period.clone()]), [period].as_slice());
    }

    #[test]
    fn camt_dailies_tile_a_camt_period() {
        let span = |id: &str, from: &str, to: &str, open: &str, close: &str| StatementHeader {
            to_date: to.parse().ok(),
            sequence: None,
            ..h(id, 0, from, open, close)
        };
        // A camt.053 daily opens on its own day.
        let s17 = span("S17", "2026-11-17", "2026-11-17", "0", "1000");
        let s18 = span("S18", "2026-11-18", "2026-11-18", "1000", "1742.10");
        let month = span("SM", "2026-11-17", "2026-11-18", "0", "1742.10");
        assert_eq!(
            untiled(&[s17.clone(), month.clone(), s18.clone()]),
            [s17.clone(), s18]
        );
        assert_eq!(untiled(&[month.clone(), s17]), [month]);
    }
}
