//! The id of each statement of a CFONB 120 file (one per 01…07 block), and
//! the ids older releases gave it, which state may still know it by.
//!
//! The id is `{bank}-{branch}-{account}-{YYYYMMDD of the 01 date}-{YYYYMMDD of
//! the 07 date}` (account trimmed; `-{currency}` after the account when it is
//! not EUR, since one account number may be held in several currencies).
//! An absent (`000000`) 01 or 07 date stands as the earliest or latest
//! booking date of the block's movements (`00000000` when none has one), so
//! each day's undated block is its own statement. A dated block's id
//! depends on nothing but the two records, so the same block gives the
//! same id in any file. Two identical blocks of one file get the same id;
//! a later *different* block of one file that would get an earlier one's
//! id (a day split into two blocks) gets `-2`, `-3`… after it, in file
//! order ([`tell_apart`]). Blocks of one day in several files are told
//! apart when they are imported (`nightly::delivery`), against the blocks
//! of that day state holds.
//!
//! Ids of earlier releases: [`legacy_statement_id`] (before the currency was
//! part of the id) and [`undated_statement_id`] (before blank dates stood for
//! the movements' days).

use std::collections::HashMap;

use crate::statement::{Entry, Statement};

/// The id of a CFONB statement: `{bank}-{branch}-{account}-{YYYYMMDD of the
/// 01 date}-{YYYYMMDD of the 07 date}`, with `-{currency}` after the account
/// number when it is not EUR: one account number may be held in several
/// currencies (the currency is part of the CFONB account key), and each is
/// its own statement. EUR ids stay as they always were, so statements
/// already in state keep theirs.
///
/// A blank 01 (or 07) date (`000000`, which some banks send) stands as the
/// earliest (or latest) booking date of the block's movements, so that each
/// day's undated block is its own statement; `00000000` when no movement has
/// one. (The parser further tells apart two different blocks of one file
/// that would get the same id: see [`tell_apart`].)
pub fn statement_id(s: &Statement) -> String {
    id_with(s, s.currency != crate::money::Currency::EUR, true)
}

/// The id releases before the currency was part of it gave the statement
/// (the same as [`statement_id`] for a dated EUR block): state may know it
/// under that id.
pub fn legacy_statement_id(s: &Statement) -> String {
    id_with(s, false, false)
}

/// The id releases before blank dates stood for the movements' gave the
/// statement (the same as [`statement_id`] for a dated block): state may know
/// an undated block under it.
pub fn undated_statement_id(s: &Statement) -> String {
    id_with(s, s.currency != crate::money::Currency::EUR, false)
}

fn id_with(s: &Statement, with_currency: bool, from_movements: bool) -> String {
    let day = |d: Option<chrono::NaiveDate>| {
        d.map_or_else(
            || "00000000".to_string(),
            |d| d.format("%Y%m%d").to_string(),
        )
    };
    let booked = || s.entries.iter().filter_map(|e| e.booking_date);
    let (mut from, mut to) = (
        s.opening.and_then(|b| b.date),
        s.closing.and_then(|b| b.date),
    );
    if from_movements {
        from = from.or_else(|| booked().min());
        to = to.or_else(|| booked().max());
    }
    let currency = if with_currency {
        format!("-{}", s.currency)
    } else {
        String::new()
    };
    format!(
        "{}-{}-{}{currency}-{}-{}",
        s.account.bank_code.as_deref().unwrap_or(""),
        s.account.branch_code.as_deref().unwrap_or(""),
        s.account.account_number.as_deref().unwrap_or(""),
        day(from),
        day(to),
    )
}

/// Whether `id` is one of the blocks of the day whose id is `base`: `base`
/// itself or `{base}-k` ([`tell_apart`], and the blocks of a day in several
/// files, `nightly::delivery`).
pub fn is_block_of(id: &str, base: &str) -> bool {
    id == base
        || id
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
}

/// The blocks of one id (one day of one account) a file has closed so far.
#[derive(Debug, Default)]
pub(super) struct DayBlocks {
    /// Places in the file's statements of its blocks, one per different
    /// content (or repeat that is the day's next block, below), in file
    /// order.
    distinct: Vec<usize>,
    /// Place of the day's last block in the file, and whether it was a
    /// repeat of an earlier one.
    last: Option<(usize, bool)>,
}

/// Another block of this file with `s`'s id (a day the bank split into two
/// 01…07 blocks): the same block again keeps its id (it is that statement
/// twice); a different one is `{id}-2`, `-3`… in file order. The first keeps
/// the plain id, as every release gave it.
///
/// A block identical to an earlier one is the day's next block all the same
/// when the block just before it is another, not itself a repeat, whose
/// closing balance it opens with: an intraday sweep (0→1000 Alpha, 1000→0
/// swept, 0→1000 Alpha paying again), where the file's order and balances
/// say the money came twice. A file listing its day's blocks twice repeats
/// them in order, each after a repeat, and keeps their ids.
/// `blocks` holds, by id, the day's blocks closed so far in `statements`
/// (the file's statements so far).
pub(super) fn tell_apart(
    s: &mut Statement,
    blocks: &mut HashMap<String, DayBlocks>,
    statements: &[Statement],
) {
    let day = blocks.entry(s.id.clone()).or_default();
    let next_block = match day.last {
        Some((place, false)) => statements.get(place).is_some_and(|p| {
            s.opening.is_some() && p.closing.map(|b| b.amount) == s.opening.map(|b| b.amount)
        }),
        _ => false,
    };
    let previous = day.last.map(|(place, _)| place);
    let twin = day
        .distinct
        .iter()
        .copied()
        .filter(|&i| !next_block || previous == Some(i))
        .filter_map(|i| statements.get(i))
        .find(|o| same_block(o, s))
        .map(|o| o.id.clone());
    day.last = Some((statements.len(), twin.is_some()));
    match twin {
        Some(id) => s.id = id,
        None => {
            if !day.distinct.is_empty() {
                s.id = format!("{}-{}", s.id, day.distinct.len() + 1);
            }
            day.distinct.push(statements.len());
        }
    }
}

/// Whether two blocks are the same statement, wherever they sit in the file.
fn same_block(a: &Statement, b: &Statement) -> bool {
    let entry = |e: &Entry| Entry {
        line: 0,
        ..e.clone()
    };
    a.currency == b.currency
        && a.account == b.account
        && a.opening == b.opening
        && a.closing == b.closing
        && a.entries.len() == b.entries.len()
        && a.entries
            .iter()
            .zip(&b.entries)
            .all(|(x, y)| x == y || entry(x) == entry(y))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::formats::cfonb120::parse;

    /// A CFONB amount of `units` hundredths (13 digits, then the signed last).
    fn amount(units: u64) -> String {
        let last = u8::try_from(units % 10).unwrap();
        let ch = if last == 0 {
            '{'
        } else {
            (b'A' + last - 1) as char
        };
        format!("{:013}{ch}", units / 10)
    }

    fn balance(code: &str, date: &str, units: u64) -> String {
        format!(
            "{code}30004    00822EUR2 00012345678  {date}{}{}{}",
            " ".repeat(50),
            amount(units),
            " ".repeat(16)
        )
    }

    fn movement(date: &str, units: u64, reference: &str) -> String {
        format!(
            "0430004052100822EUR2 0001234567805{date}  {date}{:<31}  000000000{}{reference:<16}",
            "VIR SEPA",
            amount(units)
        )
    }

    fn ids(lines: &[String]) -> Vec<String> {
        let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
        parse(text.as_bytes(), Path::new("r.cfonb"))
            .unwrap()
            .statements
            .into_iter()
            .map(|s| s.id)
            .collect()
    }

    #[test]
    fn a_day_split_into_two_blocks_gives_the_later_one_its_own_id() {
        let first = [
            balance("01", "191126", 0),
            movement("201126", 100_000, "REF-A"),
            balance("07", "201126", 100_000),
        ];
        let second = [
            balance("01", "191126", 100_000),
            movement("201126", 50_000, "REF-B"),
            balance("07", "201126", 150_000),
        ];
        let base = "30004-00822-00012345678-20261119-20261120";
        // Alone, a block has the id every release gave it.
        assert_eq!(ids(&second), [base]);
        let file: Vec<String> = first.iter().chain(&second).chain(&first).cloned().collect();
        // The same block twice is that statement twice.
        assert_eq!(
            ids(&file),
            [base.to_string(), format!("{base}-2"), base.to_string()]
        );
    }

    #[test]
    fn a_repeat_after_another_block_that_it_chains_on_is_the_days_next_block() {
        let base = "30004-00822-00012345678-20261119-20261120";
        let am = [
            balance("01", "191126", 0),
            movement("201126", 100_000, "REF-A"),
            balance("07", "201126", 100_000),
        ];
        // An intraday sweep back to 0.00, then Alpha's same payment again:
        // the evening block is the morning one byte for byte.
        let sweep = [
            balance("01", "191126", 100_000),
            movement("201126", 100_000, "SWEEP"),
            balance("07", "201126", 0),
        ];
        let file: Vec<String> = am.iter().chain(&sweep).chain(&am).cloned().collect();
        assert_eq!(
            ids(&file),
            [base.to_string(), format!("{base}-2"), format!("{base}-3")]
        );
        // Listed twice in order, a day stays its two blocks; a block right
        // after itself is itself twice, whatever its balances.
        let pm = [
            balance("01", "191126", 100_000),
            movement("201126", 50_000, "REF-B"),
            balance("07", "201126", 150_000),
        ];
        let twice: Vec<String> = am
            .iter()
            .chain(&pm)
            .chain(&am)
            .chain(&pm)
            .cloned()
            .collect();
        let pair = [base.to_string(), format!("{base}-2")];
        assert_eq!(ids(&twice), [pair.clone(), pair].concat());
        let flat = [
            balance("01", "191126", 100_000),
            movement("201126", 0, "ZERO"),
            balance("07", "201126", 100_000),
        ];
        let again: Vec<String> = flat.iter().chain(&flat).cloned().collect();
        assert_eq!(ids(&again), [base, base]);
    }

    #[test]
    fn an_undated_block_stands_for_its_movements_days() {
        let block = [
            balance("01", "000000", 0),
            movement("201126", 100_000, "A1"),
            movement("211126", 100_000, "A2"),
            balance("07", "000000", 200_000),
        ];
        assert_eq!(ids(&block), ["30004-00822-00012345678-20261120-20261121"]);
        let text: String = block.iter().map(|l| format!("{l}\r\n")).collect();
        let s = &parse(text.as_bytes(), Path::new("r.cfonb"))
            .unwrap()
            .statements[0];
        let old = "30004-00822-00012345678-00000000-00000000";
        assert_eq!(
            (undated_statement_id(s), legacy_statement_id(s)),
            (old.into(), old.into())
        );
        // Without a dated movement, nothing stands for the dates.
        let empty = [balance("01", "000000", 0), balance("07", "000000", 0)];
        assert_eq!(ids(&empty), [old]);
    }
}
