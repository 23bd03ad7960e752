//! Whether two statements of an account follow one another: one starts
//! where the other ended, directly or through the account's statements
//! between them, so neither can hold the other's movements again. Read by
//! [`super::tx_identity`] for transactions under a reused reference.

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use rust_decimal::Decimal;

use crate::statement::Statement;

/// At most this many statements are walked between two (a bank's
/// statements of a few weeks): the walk stays cheap whatever the history.
const MAX_CHAIN: usize = 64;

/// A stored statement's place in its account's balances.
#[derive(Debug, Clone, PartialEq)]
struct Link {
    id: String,
    opening: Decimal,
    closing: Decimal,
    sequence: Option<i64>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    /// Its own movements add up to its closing balance.
    closes: bool,
}

impl Link {
    /// Whether `next` starts where this one ended and comes after it: this
    /// one moved its balance (a statement reissued, corrected or sent again
    /// opens where the first one opened, never where it closed), `next`
    /// opens at this one's closing, with a later sequence number and a
    /// period starting no earlier than this one's end, where both are
    /// given. Only statements whose movements add up say where the balance
    /// went (one listing another's movement again does not: verify 39
    /// banks F3, verify 40 B4).
    fn precedes(&self, next: &Link) -> bool {
        let later_number = match (self.sequence, next.sequence) {
            (Some(a), Some(b)) => b > a,
            _ => true,
        };
        let later_period = match (self.end, next.start) {
            (Some(end), Some(start)) => start >= end,
            _ => true,
        };
        self.id != next.id
            && self.closes
            && next.closes
            && self.opening != self.closing
            && self.closing == next.opening
            && later_number
            && later_period
    }
}

/// Whether the periods of two statements share a day (unknown: they may).
fn overlap(a: &Link, b: &Link) -> bool {
    let before = |x: &Link, y: &Link| matches!((x.end, y.start), (Some(e), Some(s)) if e < s);
    !before(a, b) && !before(b, a)
}

/// Whether `to` follows `from` through the chain of `links`: `from`
/// precedes it, or precedes a statement that does, and so on.
fn chained(from: &Link, to: &Link, links: &[Link]) -> bool {
    let mut frontier = vec![to];
    let mut seen: Vec<&str> = vec![to.id.as_str()];
    while let Some(node) = frontier.pop() {
        if from.precedes(node) {
            return true;
        }
        for p in links {
            if seen.len() > MAX_CHAIN {
                return false;
            }
            if p.id != from.id && !seen.contains(&p.id.as_str()) && p.precedes(node) {
                seen.push(&p.id);
                frontier.push(p);
            }
        }
    }
    false
}

/// The account's stored statements in `currency` that give both balances.
fn links(conn: &Connection, account: &str, currency: &str) -> rusqlite::Result<Vec<Link>> {
    let mut stmt = conn.prepare_cached(
        "SELECT statement_id, opening, closing, sequence, from_date, to_date, closes FROM statements
         WHERE account = ?1 AND currency = ?2 AND opening IS NOT NULL AND closing IS NOT NULL
         ORDER BY statement_id",
    )?;
    let rows = stmt.query_map(params![account, currency], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<bool>>(6)?,
        ))
    })?;
    let date = |d: Option<String>| d.and_then(|d| d.parse::<NaiveDate>().ok());
    let mut out = Vec::new();
    for row in rows {
        let (id, opening, closing, sequence, start, end, closes) = row?;
        if let (Ok(opening), Ok(closing)) = (opening.parse(), closing.parse()) {
            out.push(Link {
                id,
                opening,
                closing,
                sequence,
                start: date(start),
                end: date(end),
                // (Unknown for statements imported before migration 25:
                // taken as adding up, as they were then: verify 40 C2.)
                closes: closes != Some(false),
            });
        }
    }
    Ok(out)
}

/// Whether `statement` (stored already) and the statement `held_in` of its
/// account follow one another, for a transaction in `currency`, the
/// statement's own: one of the two starts where the other ended, directly
/// or through the account's statements between them ([`Link::precedes`]:
/// each adding up), in either order of arrival, and `statement` opens
/// where no other statement of its days that moved its balance opened.
/// Each covers a time the other does not: neither holds the other's
/// movements again, whatever the reference they share says (a bank
/// issuing two or three statements a day and numbering `NtryRef` from 1 in
/// each, one payer paying in each quoting its customer number: review 38
/// banks F7 left over; verify 39 banks F1, a day's first statement arriving
/// after its second; F2, three of them).
pub(super) fn continues(
    conn: &Connection,
    account: &str,
    held_in: &str,
    statement: &Statement,
    currency: &str,
) -> rusqlite::Result<bool> {
    // The balances say nothing of money in another currency than theirs
    // (verify 39 round 2 G1).
    if currency != statement.currency.as_str() {
        return Ok(false);
    }
    let links = links(conn, account, currency)?;
    let find = |id: &str| links.iter().find(|l| l.id == id);
    let (Some(held), Some(new)) = (find(held_in), find(&statement.id)) else {
        return Ok(false);
    };
    // Opening where another statement of its days that moved opened, it
    // covers that one's time again (the day's whole statement after its
    // intraday ones, one sent again after the balance came back: verify 40
    // B1, B2; an intraday statement with no movement covers no time: C1).
    if links.iter().any(|l| {
        l.id != new.id && l.opening != l.closing && l.opening == new.opening && overlap(l, new)
    }) {
        return Ok(false);
    }
    Ok(chained(held, new, &links) || chained(new, held, &links))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(id: &str, seq: i64, opening: i64, closing: i64) -> Link {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20);
        Link {
            id: id.into(),
            opening: Decimal::from(opening),
            closing: Decimal::from(closing),
            sequence: Some(seq),
            start: day,
            end: day,
            closes: true,
        }
    }

    #[test]
    fn statements_follow_one_another_along_their_balances() {
        let (s1, s2, s3) = (
            link("S-1", 1, 0, 1000),
            link("S-2", 2, 1000, 2000),
            link("S-3", 3, 2000, 3000),
        );
        let all = [s1.clone(), s2.clone(), s3.clone()];
        assert!(chained(&s1, &s2, &all));
        assert!(chained(&s1, &s3, &all), "through S-2");
        assert!(!chained(&s3, &s1, &all), "never backwards");
        assert!(!chained(&s1, &s3, &[s1.clone(), s3.clone()]), "S-2 missing");
        // Sent again, or corrected: it opens where the first one opened.
        let again = link("S-1b", 2, 0, 1000);
        assert!(!chained(&s1, &again, &all) && !chained(&again, &s1, &all));
        // Nor one whose movements do not add up.
        let off = Link {
            closes: false,
            ..s2.clone()
        };
        assert!(!chained(&s1, &off, &[s1.clone(), off.clone()]));
        assert!(!chained(&s1, &s3, &[s1.clone(), off.clone(), s3.clone()]));
        // A statement that did not move its balance says nothing.
        let flat = link("S-0", 1, 1000, 1000);
        assert!(!chained(&flat, &s2, &[flat.clone(), s2.clone()]));
        // An earlier number does not follow.
        let back = link("S-9", 0, 1000, 2000);
        assert!(!chained(&s1, &back, &all));
    }

    #[test]
    fn a_cycle_of_balances_ends() {
        let (a, b) = (link("A", 1, 0, 10), link("B", 2, 10, 0));
        let c = link("C", 3, 5, 6);
        assert!(!chained(&c, &a, &[a.clone(), b.clone(), c.clone()]));
    }
}
