//! Which statement of state one arriving tonight is, when its id alone
//! cannot say (README, "A statement already imported is skipped"):
//!
//! - **A CFONB 120 block** has no id from the bank: pointage builds one from
//!   its account and 01/07 dates ([`crate::formats::cfonb120::statement_id`]),
//!   and a day the bank splits into blocks (morning, afternoon) gives several
//!   blocks that id, in one file or in several. The blocks of a day in state
//!   are `{id}`, `{id}-2`, `{id}-3`…: a block is the one of them with its
//!   content (delivered again: nothing imported) unless another block of its
//!   file got that one tonight (the parser told the two apart: a sweep day
//!   repeating its morning block), else the day's next block
//!   when it follows the last of them with new movements only
//!   ([`next_block`]), else — wherever it sits in its file — when it opens
//!   with the same balance as one of them that brought money, that block
//!   again: grown (every movement of it and of the stored blocks of the day
//!   it spans unchanged, others added: the new ones are imported into it), a
//!   part of it (its movements the first ones there: nothing imported) or
//!   corrected (a conflict, as for any statement whose content changed);
//!   else, when its movements are a run of a stored block's sitting where
//!   that run does, a part of that block (the afternoon block re-sent after
//!   the whole day: nothing imported); else another block of the day,
//!   imported under its file's id when state has none such, or the first
//!   `{id}-k` free. Movements are compared by content, one for one
//!   ([`content`]), never by their ids, which count identical lines per
//!   block.
//! - **The same statement in another format** (or under another id): a new
//!   statement of an account and period that a statement already imported
//!   covers — the same opening and closing balances and, one for one, the same
//!   movements (signed amount and currency, booking date, end-to-end id when
//!   both have one) — is that statement delivered again: nothing of it is
//!   imported ([`Coverage::Whole`]). When only some of its movements coincide
//!   so with that statement's under other ids, or none does but it has that
//!   statement's period, balances and booked total (a batch one format
//!   details and the other gives as one line) ([`Coverage::Partial`]), it is
//!   not imported either and a person checks it with the bank: importing it
//!   would count those payments twice, dropping them could lose money.
//!   Statements that follow one another (one opens with the other's closing
//!   balance) are never compared, nor movements repeated under their own ids
//!   (or the `{id}~{day}` state gave them): README rules 5 and 6 say what
//!   those are.
//! - **A statement re-sent as the day grows** (a camt.052 report under one
//!   id, a CFONB block): [`resent`].

use rusqlite::Connection;

mod content;
mod next_block;
mod resent;

use next_block::follows_last;
pub(super) use resent::resent_report;
use resent::{Block, block_against};

use super::import::ImportReport;
use crate::alerts::{Alert, AlertKind};
use crate::state::delivered::{self, Held};
use crate::state::statements::{self as st, Known};
use crate::statement::{EntryStatus, SourceFormat, Statement};

/// Which block of its day in state a CFONB block is (see the module doc), or
/// `None` for a statement of another format. `siblings`: the ids in state
/// the other blocks of its file got tonight.
pub(super) fn cfonb_block(
    conn: &Connection,
    account: &str,
    statement: &Statement,
    siblings: &[&str],
) -> rusqlite::Result<Option<(Known, String)>> {
    if statement.format != SourceFormat::Cfonb120 {
        return Ok(None);
    }
    let base = crate::formats::cfonb120::statement_id(statement);
    let family = delivered::family(conn, account, &base)?;
    let hash_as = |id: &str| {
        let mut s = statement.clone();
        s.id = id.to_string();
        st::content_hash(&s)
    };
    let (told_apart, others): (Vec<&Held>, Vec<&Held>) = family
        .iter()
        .filter(|h| h.hash == hash_as(&h.id))
        .partition(|h| siblings.contains(&h.id.as_str()));
    if let Some(h) = others.first() {
        return Ok(Some((Known::Same, h.id.clone())));
    }
    if !told_apart.is_empty() {
        // The same content as another block of its file, which the parser
        // told apart from it: the day's next block after an intraday sweep
        // (`formats::cfonb120::block_id::tell_apart`), its money new.
        return Ok(Some((Known::New, free_id(&family, &statement.id, &base))));
    }
    let opening = statement.opening.map(|b| b.amount.to_plain());
    if follows_last(conn, statement, &family)? {
        return Ok(Some((Known::New, free_id(&family, &statement.id, &base))));
    }
    // A block that brought nothing (no movement, the same balance at both
    // ends) is no money a correction could count twice: the day's next
    // block may open with its balance. A block opening with the balance of
    // one that brought money is that block again, wherever it sits in its
    // file: grown (every movement of it unchanged, others added: its new
    // ones are imported into it), a part of it (its first movements:
    // nothing to import), or corrected (a conflict). Else a part of a
    // stored block when it sits where a run of its movements does.
    let arriving = content::arriving(statement);
    for h in family
        .iter()
        .filter(|h| opening.is_some() && h.opening == opening)
    {
        let before = content::stored(conn, account, &h.id)?;
        if h.opening == h.closing && before.is_empty() {
            continue;
        }
        let recorded_hash = h.hash.clone();
        let day = resent::day_rows(conn, account, statement, &family, h)?;
        let known = match block_against(conn, statement, &arriving, &before, &day)? {
            Block::Grew => Known::Different { recorded_hash },
            Block::Within if resent::is_first_part(&arriving, &before) => Known::Same,
            Block::Within => Known::Different { recorded_hash },
            Block::Changed => Known::Different { recorded_hash },
        };
        return Ok(Some((known, h.id.clone())));
    }
    if let Some(id) = resent::part_of_stored(conn, account, statement, &arriving, &family)? {
        return Ok(Some((Known::Same, id)));
    }
    Ok(Some((Known::New, free_id(&family, &statement.id, &base))))
}

/// `id` when state has no block of the day so, else the first `{base}-k`
/// free.
fn free_id(family: &[Held], id: &str, base: &str) -> String {
    let taken = |id: &str| family.iter().any(|h| h.id == id);
    if !taken(id) {
        return id.to_string();
    }
    (2u64..)
        .map(|k| format!("{base}-{k}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| format!("{base}-{}", family.len() + 1))
}

/// What a new statement repeats of statements state holds under other ids.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Coverage {
    /// Nothing: it is imported as usual.
    None,
    /// It is this statement delivered again (another format, another id).
    Whole(Held),
    /// Every movement of it is in state already, under its own id or in
    /// statements it overlaps (this one among them) under other ids: nothing
    /// of it to import.
    Spread(Held),
    /// Some of its movements coincide with this statement's under other ids:
    /// (its movement's id, the held one's).
    Partial(Held, Vec<(String, String)>),
}

/// One movement, as compared across deliveries.
struct Movement<'a> {
    id: &'a str,
    day: Option<String>,
    amount: String,
    currency: String,
    end_to_end: Option<&'a str>,
}

/// Whether a new statement (not a notification) repeats a statement of its
/// account already imported under another id (see the module doc).
fn coverage(
    conn: &Connection,
    statement: &Statement,
    siblings: &[&str],
) -> rusqlite::Result<Coverage> {
    let (Some(open), Some(close)) = (statement.opening, statement.closing) else {
        return Ok(Coverage::None);
    };
    if statement.format.is_notification() {
        return Ok(Coverage::None);
    }
    let (open, close) = (open.amount.to_plain(), close.amount.to_plain());
    let moves: Vec<Movement> = statement
        .transactions()
        .filter(|(e, _)| e.status == EntryStatus::Booked)
        .map(|(e, t)| Movement {
            id: &t.entry_id,
            day: e.booking_date.map(|d| d.to_string()),
            amount: t.amount.to_plain(),
            currency: statement.currency_of(e).as_str().to_string(),
            end_to_end: t.end_to_end_id.as_deref(),
        })
        .collect();
    let booked = || statement.entries.iter().filter_map(|e| e.booking_date);
    let from = statement
        .from_date
        .or(statement.opening.and_then(|b| b.date))
        .or_else(|| booked().min());
    let to = statement
        .to_date
        .or(statement.closing.and_then(|b| b.date))
        .or_else(|| booked().max());
    let (Some(from), Some(to)) = (from.or(to), to.or(from)) else {
        return Ok(Coverage::None);
    };
    if moves.is_empty() {
        return Ok(Coverage::None);
    }
    let account = statement.account.key();
    let mut best: Option<(Held, Vec<(String, String)>)> = None;
    let helds = delivered::overlapping(
        conn,
        &account,
        statement.currency.as_str(),
        &statement.id,
        &from.to_string(),
        &to.to_string(),
    )?;
    for held in helds.iter().cloned() {
        if siblings.contains(&held.id.as_str()) {
            // Another block of its file, which the parser told apart.
            continue;
        }
        let (Some(h_open), Some(h_close)) = (held.opening.as_deref(), held.closing.as_deref())
        else {
            continue;
        };
        let same_balances = h_open == open && h_close == close;
        if (open == h_close || close == h_open) && !same_balances {
            // One follows the other.
            continue;
        }
        let rows = delivered::rows(conn, &account, &held.id)?;
        let mut free: Vec<bool> = vec![true; rows.len()];
        let mut paired = 0usize;
        let mut by_content = Vec::new();
        let same_money = |m: &Movement, r: &delivered::Row| {
            r.amount == m.amount && r.currency == m.currency && r.booking_date == m.day
        };
        let mut left = Vec::new();
        for m in &moves {
            let by_id = rows
                .iter()
                .enumerate()
                .find(|(i, r)| free[*i] && same_reference(&r.entry_id, m.id) && same_money(m, r));
            match by_id {
                Some((i, _)) => {
                    free[i] = false;
                    paired += 1;
                }
                None => left.push(m),
            }
        }
        for m in left {
            let by_money = rows.iter().enumerate().find(|(i, r)| {
                free[*i] && same_money(m, r) && agree(m.end_to_end, r.end_to_end_id.as_deref())
            });
            if let Some((i, r)) = by_money {
                free[i] = false;
                paired += 1;
                by_content.push((m.id.to_string(), r.entry_id.clone()));
            }
        }
        if by_content.is_empty() {
            // The same period and balances and the same booked total, the
            // movements split otherwise (a batch one format details and the
            // other gives as one line): the same day, for a person to check.
            let mine = total(moves.iter().map(|m| m.amount.as_str()));
            // (Movements all repeated under their own ids are rule 6's.)
            let same_day = same_balances
                && paired < moves.len()
                && held.period.0.as_deref().or(held.period.1.as_deref())
                    == Some(from.to_string().as_str())
                && held.period.1.as_deref().or(held.period.0.as_deref())
                    == Some(to.to_string().as_str())
                && mine.is_some()
                && mine == total(rows.iter().map(|r| r.amount.as_str()));
            if same_day && best.is_none() {
                best = Some((held, Vec::new()));
            }
            continue;
        }
        if same_balances && paired == moves.len() && paired == rows.len() {
            return Ok(Coverage::Whole(held));
        }
        if best
            .as_ref()
            .is_none_or(|(_, b)| b.len() < by_content.len())
        {
            best = Some((held, by_content));
        }
    }
    if let Some((held, _)) = &best
        && all_in_state(conn, statement, &moves, &helds)?
    {
        return Ok(Coverage::Spread(held.clone()));
    }
    Ok(best.map_or(Coverage::None, |(h, c)| Coverage::Partial(h, c)))
}

/// Whether every booked movement of the statement is in state already: under
/// its own id (unchanged), or with the amount, day and end-to-end id of a
/// movement of one of `helds` under another id (each used once) — a period
/// file over days delivered in several formats, say.
fn all_in_state(
    conn: &Connection,
    statement: &Statement,
    moves: &[Movement],
    helds: &[Held],
) -> rusqlite::Result<bool> {
    let account = statement.account.key();
    let mut rows = Vec::new();
    for h in helds {
        rows.extend(delivered::rows(conn, &account, &h.id)?);
    }
    let mut free = vec![true; rows.len()];
    let booked = statement
        .transactions()
        .filter(|(e, _)| e.status == EntryStatus::Booked);
    for ((entry, tx), m) in booked.zip(moves) {
        if st::holds_same(conn, statement, entry, tx)? == Some(true) {
            continue;
        }
        let found = rows.iter().enumerate().position(|(i, r)| {
            free[i]
                && r.amount == m.amount
                && r.currency == m.currency
                && r.booking_date == m.day
                && agree(m.end_to_end, r.end_to_end_id.as_deref())
        });
        match found {
            Some(i) => free[i] = false,
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// The sum of plain amounts (`None` on an unreadable one or overflow).
fn total<'a>(amounts: impl Iterator<Item = &'a str>) -> Option<crate::money::Money> {
    let mut amounts = amounts;
    amounts.try_fold(crate::money::Money::ZERO, |t, a| {
        t.checked_add(crate::money::Money::new(a.parse().ok()?))
    })
}

/// Whether a row's id in state is the reference `id`: itself, or the
/// `{id}~{day}` (`~k`) state gave it beside another payment's (README rule 6).
fn same_reference(held: &str, id: &str) -> bool {
    held == id
        || held
            .strip_prefix(id)
            .is_some_and(|rest| rest.starts_with('~'))
}

/// Two end-to-end ids agree unless both are given and differ.
fn agree(a: Option<&str>, b: Option<&str>) -> bool {
    use crate::statement::given_reference as known;
    match (known(a), known(b)) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => true,
    }
}

/// The `duplicate_statement` of a statement that repeats another already
/// imported under another id (another format, say).
fn again_in_another_form(statement: &Statement, held: &Held, file: &str) -> Alert {
    let balances = match (statement.opening, statement.closing) {
        (Some(o), Some(c)) => format!("{} to {}", o.amount, c.amount),
        _ => String::new(),
    };
    duplicate(
        statement,
        file,
        format!(
            "repeats statement {} ({}) imported on {}: the same balances ({balances}) and the same {} movement(s); it is the same day delivered again",
            held.id,
            held.format,
            held.run_date,
            statement.transactions().count(),
        ),
    )
}

/// The `duplicate_statement` of a statement whose movements are all in
/// state already, across statements.
fn all_there(statement: &Statement, held: &Held, file: &str) -> Alert {
    duplicate(
        statement,
        file,
        format!(
            "covers days already imported (statement {}, {}, among others): each of its {} movement(s) is in state already, under its id or with the same amount, day and end-to-end id",
            held.id,
            held.format,
            statement.transactions().count(),
        ),
    )
}

/// A `duplicate_statement` for `statement` in `file`, saying `why`.
fn duplicate(statement: &Statement, file: &str, why: String) -> Alert {
    let account = statement.account.key();
    Alert::new(
        AlertKind::DuplicateStatement,
        &format!("{account}:{}:{file}", statement.id),
        format!(
            "statement {} ({}) of account {} in {file} {why}; nothing of it is imported",
            statement.id,
            statement.format.label(),
            crate::refs::mask_iban(&account),
        ),
    )
}

/// The `conflicting_statement` of a statement some of whose movements
/// coincide with another's under other ids.
fn partly_again(
    statement: &Statement,
    held: &Held,
    pairs: &[(String, String)],
    file: &str,
    hash: &str,
) -> Alert {
    let account = statement.account.key();
    let list: Vec<String> = pairs.iter().map(|(a, b)| format!("{a} = {b}")).collect();
    // How it overlaps the held statement: the same day split otherwise, or
    // some movements repeated under other ids.
    let (covers, that, how) = if pairs.is_empty() {
        (
            "covers the days of",
            "",
            "with the same opening and closing balances and the same booked total, its movements split otherwise (a batch detailed in one and given as one line in the other?)".to_string(),
        )
    } else {
        (
            "covers days that",
            " covers,",
            format!(
                "and {} of its movements have the amount, day and end-to-end id of movements of that statement under other ids ({}), while the rest differs",
                pairs.len(),
                list.join(", "),
            ),
        )
    };
    Alert::new(
        AlertKind::ConflictingStatement,
        &format!("{account}:{}:{hash}", statement.id),
        format!(
            "statement {} ({}) of account {} in {file} {covers} statement {} ({}, imported on {}){that} {how}: it may be the same money delivered again in another form; not imported, check with the bank",
            statement.id,
            statement.format.label(),
            crate::refs::mask_iban(&account),
            held.id,
            held.format,
            held.run_date,
        ),
    )
}

/// A new statement that repeats one imported under another id, wholly
/// (`duplicate_statement`) or partly (`conflicting_statement`, and its file
/// is read again every night: `conflict`): not imported (true). `siblings`:
/// the ids in state the other blocks of its file got tonight (never what it
/// repeats); `(file, run_date)`: where it arrived, and tonight.
pub(super) fn delivered_before(
    conn: &Connection,
    statement: &Statement,
    siblings: &[&str],
    hash: &str,
    (file, run_date): (&str, &str),
    conflict: Option<&mut bool>,
    out: &mut ImportReport,
) -> rusqlite::Result<bool> {
    match coverage(conn, statement, siblings)? {
        Coverage::None => Ok(false),
        Coverage::Whole(held) => {
            out.already_imported += 1;
            let account = statement.account.key();
            if st::record_file(conn, &account, &held.id, file, run_date)? {
                out.duplicates += 1;
                out.alerts
                    .push(again_in_another_form(statement, &held, file));
            }
            Ok(true)
        }
        Coverage::Spread(held) => {
            out.already_imported += 1;
            let account = statement.account.key();
            if st::record_file(conn, &account, &held.id, file, run_date)? {
                out.duplicates += 1;
                out.alerts.push(all_there(statement, &held, file));
            }
            Ok(true)
        }
        Coverage::Partial(held, pairs) => {
            if let Some(c) = conflict {
                *c = true;
            }
            out.conflicting += 1;
            out.alerts
                .push(partly_again(statement, &held, &pairs, file, hash));
            Ok(true)
        }
    }
}
