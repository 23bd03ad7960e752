//! The last copy of each people's file (`promises.csv`, `decisions.csv`)
//! pointage read: its exact bytes and the night it was read, kept in the
//! night's transaction (so a crashed night leaves the previous copy). A night
//! without the file reads this copy instead (nightly::people), so a copy of
//! the folder that failed changes nothing people wrote.
//!
//! Every copy read back is checked against the SHA-256 recorded with it: a
//! damaged copy is an error, never other rows.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::Digest as _;

/// A people's file as kept: the night it was read and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFile {
    /// The night the file was last in the client folder (`YYYY-MM-DD`).
    pub night: String,
    /// Its bytes, exactly as read.
    pub bytes: Vec<u8>,
}

/// Keeps tonight's `bytes` of the file `name` (replacing the earlier copy).
pub fn keep(conn: &Connection, name: &str, night: &str, bytes: &[u8]) -> rusqlite::Result<()> {
    let sha = crate::hex::hex(&sha2::Sha256::digest(bytes));
    conn.prepare_cached(
        "INSERT INTO people_files (name, night, sha256, bytes) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(name) DO UPDATE SET night = excluded.night,
             sha256 = excluded.sha256, bytes = excluded.bytes",
    )?
    .execute(params![name, night, sha, bytes])?;
    Ok(())
}

/// The copy of `name` kept on the last night it was read; `None` when
/// pointage never read it (or only a release that kept no copy did).
pub fn kept(conn: &Connection, name: &str) -> rusqlite::Result<Option<KeptFile>> {
    let row = conn
        .prepare_cached("SELECT night, sha256, bytes FROM people_files WHERE name = ?1")?
        .query_row(params![name], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .optional()?;
    let Some((night, sha, bytes)) = row else {
        return Ok(None);
    };
    if crate::hex::hex(&sha2::Sha256::digest(&bytes)) != sha {
        return Err(rusqlite::Error::FromSqlConversionFailure(
            2,
            rusqlite::types::Type::Blob,
            format!("kept copy of {name}: contents do not match their recorded SHA-256").into(),
        ));
    }
    Ok(Some(KeptFile { night, bytes }))
}

/// Whether state shows the file `name` was used before (a decision
/// recorded from `decisions.csv`; a promise judged kept, broken or matching
/// no invoice from `promises.csv`): on a night it is missing with no copy
/// kept yet (the first nights after upgrading from a release that kept
/// none), this is worth an alert.
pub fn used_before(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    let sql = if name == crate::ledger::DECISIONS_FILE {
        "SELECT EXISTS(SELECT 1 FROM decisions)"
    } else {
        "SELECT EXISTS(SELECT 1 FROM promises_kept)
             OR EXISTS(SELECT 1 FROM alerts WHERE kind IN ('broken_promise', 'promise_unmatched'))"
    };
    conn.prepare_cached(sql)?.query_row([], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_copy_is_kept_byte_for_byte_and_a_damaged_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        assert_eq!(kept(conn, "promises.csv").unwrap(), None);
        keep(conn, "promises.csv", "2026-11-02", b"customer_id\nC1\n").unwrap();
        keep(conn, "promises.csv", "2026-11-03", b"customer_id\n").unwrap();
        keep(conn, "decisions.csv", "2026-11-02", b"\xe9;x\r\n").unwrap();
        assert_eq!(
            kept(conn, "promises.csv").unwrap(),
            Some(KeptFile {
                night: "2026-11-03".into(),
                bytes: b"customer_id\n".to_vec()
            })
        );
        assert_eq!(
            kept(conn, "decisions.csv").unwrap().unwrap().bytes,
            b"\xe9;x\r\n"
        );
        conn.execute(
            "UPDATE people_files SET bytes = x'00' WHERE name = 'promises.csv'",
            [],
        )
        .unwrap();
        let err = kept(conn, "promises.csv").unwrap_err().to_string();
        assert!(
            err.contains("promises.csv") && err.contains("SHA-256"),
            "{err}"
        );
    }
}
