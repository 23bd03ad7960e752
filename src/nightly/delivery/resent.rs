//! A statement known under its id (or its day's block) with other content
//! that is the day grown (README, "The same statement in another form"):
//!
//! - **a camt.052 report** re-sent under one id: one that keeps every
//!   transaction the earlier report brought, unchanged, and adds others,
//!   grew: its new transactions are imported. One that lacks a transaction
//!   state has from it is a conflict (the bank may have taken that money
//!   back; a person checks), unless its very bytes were imported before (an
//!   earlier snapshot re-sent, said by the import: nothing imported).
//! - **a CFONB block** opening with the balance of a stored block of its day
//!   that brought money ([`super::cfonb_block`]): grown when it keeps every
//!   movement of that block, and of the stored blocks of the day it spans
//!   ([`day_rows`]), unchanged and adds others (the whole day re-sent after
//!   its morning block): only the movements none of those blocks holds are
//!   imported; a part of it when every movement of it is there already,
//!   else corrected. Movements compare by content, one for one
//!   ([`super::content`]).

use rusqlite::Connection;

use super::super::import::ImportReport;
use super::content::{self, Movement};
use crate::state::delivered::{self, Held};
use crate::state::statements as st;
use crate::statement::{SourceFormat, Statement, Transaction};

/// How a CFONB block compares with the stored block of its day that opens
/// with the same balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    /// It keeps every movement of the stored block, unchanged, and adds
    /// others: the day grown.
    Grew,
    /// Every one of its movements is in the stored block unchanged (an
    /// earlier part of the day, or an empty block): nothing to import.
    Within,
    /// A movement changed, or the stored block has one it lacks while it
    /// brings another: corrected.
    Changed,
}

/// How `statement` (read under its file's id, its movements `arriving`)
/// compares with a stored block whose movements are `before`. `day`: the
/// movements of the stored blocks of its day it spans ([`day_rows`]): it
/// grew only when it keeps every one of them, a block lacking one (the
/// afternoon block's payment, corrected) is a correction, never money
/// imported beside the one it corrects. Movements are compared by content,
/// one for one ([`content`]): the same line has other ids in the whole day
/// and in its blocks.
pub(super) fn block_against(
    conn: &Connection,
    statement: &Statement,
    arriving: &[Movement],
    before: &[Movement],
    day: &[Movement],
) -> rusqlite::Result<Block> {
    for (entry, tx) in statement.transactions() {
        if st::holds_same(conn, statement, entry, tx)? == Some(false) {
            return Ok(Block::Changed);
        }
    }
    Ok(if content::all_within(arriving, before) {
        Block::Within
    } else if content::keeps_all(arriving, day) {
        Block::Grew
    } else {
        Block::Changed
    })
}

/// The movements of the stored blocks of `statement`'s day it spans
/// ([`spanned`]).
pub(super) fn day_rows(
    conn: &Connection,
    account: &str,
    statement: &Statement,
    family: &[Held],
    start: &Held,
) -> rusqlite::Result<Vec<Movement>> {
    let mut rows = Vec::new();
    for h in spanned(statement, family, start) {
        rows.extend(content::stored(conn, account, &h.id)?);
    }
    Ok(rows)
}

/// The stored blocks of `statement`'s day it spans, from `start` (the block
/// it opens like) on in chain order: `start`, the block opening with its
/// closing, and so on, up to the one closing as `statement` closes (or the
/// chain's end). A block it does not reach is left out.
fn spanned<'a>(statement: &Statement, family: &'a [Held], start: &'a Held) -> Vec<&'a Held> {
    let closing = statement.closing.map(|b| b.amount.to_plain());
    let mut chain = vec![start];
    let mut at = start;
    while at.closing.is_some() && at.closing != closing {
        let Some(next) = family
            .iter()
            .find(|h| h.opening == at.closing && !chain.iter().any(|c| c.id == h.id))
        else {
            break;
        };
        chain.push(next);
        at = next;
    }
    chain
}

/// True when the arriving movements are, in their order, the first of the
/// stored block's `before` (in their stored order): the morning part of the
/// day re-sent. A block lacking a movement from the middle of the stored
/// one is not a part of it but a correction (the bank took that money
/// back): a conflict, never a duplicate that would leave the money applied.
pub(super) fn is_first_part(arriving: &[Movement], before: &[Movement]) -> bool {
    content::runs_in(arriving, before).first() == Some(&0)
}

/// The stored block of its day (`family`) that `statement` is a part of,
/// delivered again ([`is_part_within`]): the afternoon block re-sent after
/// the whole day, or one between — whatever ids its lines got (identical
/// lines are counted per block), nothing to import.
pub(super) fn part_of_stored(
    conn: &Connection,
    account: &str,
    statement: &Statement,
    arriving: &[Movement],
    family: &[Held],
) -> rusqlite::Result<Option<String>> {
    for h in family {
        let before = content::stored(conn, account, &h.id)?;
        if !before.is_empty()
            && block_against(conn, statement, arriving, &before, &before)? == Block::Within
            && is_part_within(statement, arriving, h, &before)
        {
            return Ok(Some(h.id.clone()));
        }
    }
    Ok(None)
}

/// True when `statement` (its movements `arriving`) is a part of stored
/// block `held` (its movements `before`) delivered again: its movements
/// are a run of consecutive ones of the stored block, in order, and it sits
/// where that run does — it opens with the stored block's balance before
/// the run (the afternoon block of a day stored whole, or one between), or
/// the run is the stored block's last movements and it closes as that
/// block does. Never a block following it (the day's next block, a second
/// instalment identical to the first: its balances lie past the stored
/// block's).
fn is_part_within(
    statement: &Statement,
    arriving: &[Movement],
    held: &Held,
    before: &[Movement],
) -> bool {
    let opening = statement.opening.map(|b| b.amount);
    let closing = statement.closing.map(|b| b.amount.to_plain());
    content::runs_in(arriving, before).into_iter().any(|at| {
        let sits = opening.is_some()
            && content::balance_after(held.opening.as_deref(), before, at) == opening;
        let ends =
            at + arriving.len() == before.len() && closing.is_some() && held.closing == closing;
        sits || ends
    })
}

/// What a camt.052 report known under its id with other content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    /// It keeps every transaction the report in state brought, unchanged,
    /// and may add others: its new ones are imported.
    Grew,
    /// A transaction changed or dropped: a conflict. (A snapshot that lacks
    /// a transaction the stored one has may be an earlier one, or the bank
    /// took the money back: a person checks, the money it dropped is not
    /// left applied silently.)
    Changed,
}

/// How a camt.052 report differs from the one state holds under its id
/// (`None` for any other format).
fn report(conn: &Connection, statement: &Statement) -> rusqlite::Result<Option<Report>> {
    if !matches!(statement.format, SourceFormat::Camt052 { .. }) {
        return Ok(None);
    }
    for (entry, tx) in statement.transactions() {
        if st::holds_same(conn, statement, entry, tx)? == Some(false) {
            return Ok(Some(Report::Changed));
        }
    }
    let ids: std::collections::BTreeSet<&str> = statement
        .transactions()
        .map(|(_, t)| t.entry_id.as_str())
        .collect();
    let before = delivered::row_ids(conn, &statement.account.key(), &statement.id)?;
    Ok(Some(if before.iter().all(|id| ids.contains(id.as_str())) {
        Report::Grew
    } else {
        Report::Changed
    }))
}

/// A camt.052 known under its id with other content, or a CFONB block
/// taken for the stored block `id_in_state` of its day, that grew (its new
/// transactions imported into it) or is an earlier snapshot: imported or
/// skipped here (true); false when it is a conflict for the caller.
#[allow(clippy::too_many_arguments)]
pub(in crate::nightly) fn resent_report(
    conn: &Connection,
    statement: &Statement,
    id_in_state: &str,
    encoded: &st::Encoded,
    file: &str,
    run_date: &str,
    at: (usize, usize),
    out: &mut ImportReport,
) -> rusqlite::Result<bool> {
    let account = statement.account.key();
    let grown;
    let mut repeats = Vec::new();
    let mut spanned_ids: Vec<String> = Vec::new();
    let (statement, encoded, found) = if statement.format == SourceFormat::Cfonb120 {
        let arriving = content::arriving(statement);
        let before = content::stored(conn, &account, id_in_state)?;
        let base = crate::formats::cfonb120::statement_id(statement);
        let family = delivered::family(conn, &account, &base)?;
        let start = family.iter().find(|h| h.id == id_in_state);
        let day = match start {
            Some(start) => day_rows(conn, &account, statement, &family, start)?,
            None => Vec::new(),
        };
        // The other blocks it spans: grown, it holds their continuity.
        spanned_ids = start
            .map(|start| spanned(statement, &family, start))
            .unwrap_or_default()
            .iter()
            .skip(1)
            .map(|h| h.id.clone())
            .collect();
        let found = match block_against(conn, statement, &arriving, &before, &day)? {
            Block::Grew => Some(Report::Grew),
            Block::Within | Block::Changed => None,
        };
        // Its movements that are lines of the day's stored blocks, under
        // whatever id, are repeats: only the others are imported.
        repeats = content::repeats(&arriving, &day);
        let mut s = statement.clone();
        s.id = id_in_state.to_string();
        let e = st::encode(&s);
        grown = (s, e);
        if grown.0.id != statement.id {
            out.renamed.insert(at);
        }
        (&grown.0, &grown.1, found)
    } else {
        (statement, encoded, report(conn, statement)?)
    };
    match found {
        Some(Report::Grew) => {
            // Its new transactions are tonight's; the others are repeats.
            let taken = st::grow(conn, statement, encoded, &repeats)?.not_stored;
            // The day's blocks it grew over are inside it: their continuity
            // is its own (no false gap between it and them).
            for id in &spanned_ids {
                st::mark_grown_into(conn, &account, id, &statement.id)?;
            }
            st::record_file(conn, &account, &statement.id, file, run_date)?;
            out.imported += 1;
            out.fresh.push(at);
            let stored = |t: &&Transaction| !taken.contains(&t.entry_id);
            if statement.format.is_notification() {
                out.notifications_linked += crate::nightly::link::link_notification(
                    conn,
                    statement,
                    run_date,
                    &stored,
                    &mut out.alerts,
                )?;
            } else {
                out.alerts
                    .extend(crate::nightly::link::link_to_notifications(
                        conn, statement, run_date, &stored,
                    )?);
                out.covering.push((account, statement.id.clone()));
            }
            Ok(true)
        }
        Some(Report::Changed) | None => Ok(false),
    }
}
