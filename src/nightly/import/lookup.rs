//! Which statement of state an arriving one is, by its id, the ids earlier
//! releases gave CFONB blocks, or else the blocks of its day
//! ([`crate::nightly::delivery::cfonb_block`]).

use rusqlite::Connection;

use crate::state::statements::{self as st, Known};
use crate::statement::Statement;

/// Whether state has the statement, and under which id. A CFONB statement
/// may be known under the id an earlier release gave it:
/// - a non-EUR one imported before its id carried the currency, with the
///   hash it had then: the same statement, not a new one; and a statement of
///   that currency under the old id with other content is a conflict, as it
///   was before (a corrected day is never imported beside it);
/// - an undated block (or a later block of its file) imported before blank
///   dates stood for its movements' and such blocks were told apart: the
///   same statement when its content is the same. Other content under that
///   old id is another day's (or the file's other block's) statement, which
///   is why it gets its own id now: no conflict; unless these very bytes
///   were imported whole before (`sha256`): then it is that statement read
///   differently, for the caller to say so.
pub(super) fn lookup(
    conn: &Connection,
    account: &str,
    statement: &Statement,
    hash: &str,
    sha256: &str,
    siblings: &[&str],
) -> rusqlite::Result<(Known, String)> {
    let known = st::lookup(conn, account, &statement.id, hash)?;
    if known == Known::New && statement.format == crate::statement::SourceFormat::Cfonb120 {
        let undated = crate::formats::cfonb120::undated_statement_id(statement);
        let told_apart = undated != statement.id;
        let legacy = crate::formats::cfonb120::legacy_statement_id(statement);
        let mut old_ids = Vec::new();
        if told_apart {
            old_ids.push(undated);
        }
        if legacy != statement.id && !old_ids.contains(&legacy) {
            old_ids.push(legacy);
        }
        // (Not another block of its file tonight: the parser told them
        // apart.)
        for old_id in old_ids
            .into_iter()
            .filter(|id| !siblings.contains(&id.as_str()))
        {
            let mut old = statement.clone();
            old.id.clone_from(&old_id);
            match st::lookup(conn, account, &old_id, &st::encode(&old).hash)? {
                Known::Same => return Ok((Known::Same, old_id)),
                different @ Known::Different { .. }
                    if !told_apart
                        && st::statement_currency(conn, account, &old_id)?.as_deref()
                            == Some(statement.currency.as_str()) =>
                {
                    return Ok((different, old_id));
                }
                different @ Known::Different { .. }
                    if told_apart && st::imported_whole_before(conn, sha256)?.is_some() =>
                {
                    return Ok((different, old_id));
                }
                _ => {}
            }
        }
    }
    if known != Known::Same
        && let Some(found) =
            crate::nightly::delivery::cfonb_block(conn, account, statement, siblings)?
    {
        return Ok(found);
    }
    Ok((known, statement.id.clone()))
}
