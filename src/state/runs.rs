//! A committed night in state: its date, the hash of its outputs, and a
//! copy of every output file so that a rerun of the night rewrites the same
//! bytes.
//!
//! The copies are zstd-compressed (migration 4, `encoding = 'zstd'`): the
//! CSV and HTML files of a night shrink about sevenfold, and they were a
//! quarter of what a night wrote to disk. Copies stored before migration 4
//! are plain (`encoding = ''`). Every copy read back is checked against the
//! SHA-256 recorded with it.

use rusqlite::{Connection, params};
use sha2::Digest as _;

/// One output file to record: name, hex SHA-256 and bytes.
#[derive(Debug, Clone, Copy)]
pub struct FileToStore<'a> {
    /// File name in OUT_DIR.
    pub name: &'a str,
    /// Hex SHA-256 of `bytes`.
    pub sha256: &'a str,
    /// The file's contents.
    pub bytes: &'a [u8],
}

/// zstd level: the fastest that still shrinks the night's files ~7×.
const LEVEL: i32 = 1;

/// Records the night `run_date`, the hash of all its outputs, and a
/// compressed copy of every file.
pub fn record(
    conn: &Connection,
    run_date: &str,
    outputs_hash: &str,
    files: &[FileToStore<'_>],
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO runs (run_date, outputs_hash, published) VALUES (?1, ?2, 0)",
        params![run_date, outputs_hash],
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO run_outputs (run_date, name, sha256, bytes, encoding)
         VALUES (?1, ?2, ?3, ?4, 'zstd')",
    )?;
    // One compression context for the night's files: `bulk::compress`
    // would set one up (and its tables) again for each file. The frames are
    // the same, a context being reset between them.
    let conversion = |e: std::io::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    let mut zstd = zstd::bulk::Compressor::new(LEVEL).map_err(conversion)?;
    for f in files {
        let packed = zstd.compress(f.bytes).map_err(conversion)?;
        insert.execute(params![run_date, f.name, f.sha256, packed])?;
    }
    Ok(())
}

/// Records that every output file of the committed night `run_date` is in
/// place (migration 19).
pub fn mark_published(conn: &Connection, run_date: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE runs SET published = 1 WHERE run_date = ?1",
        params![run_date],
    )?;
    Ok(())
}

/// The earliest committed night whose outputs were never all put in place
/// (a rename failed or the process died after the commit), if any.
pub fn first_unpublished(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT MIN(run_date) FROM runs WHERE published = 0",
        [],
        |r| r.get(0),
    )
}

/// The output files of a committed night, by name, decompressed and checked
/// against their recorded SHA-256. `None` when the night was not committed.
pub fn committed_files(
    conn: &Connection,
    run_date: &str,
) -> rusqlite::Result<Option<Vec<super::OutputFile>>> {
    let committed: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM runs WHERE run_date = ?1)",
        params![run_date],
        |r| r.get(0),
    )?;
    if !committed {
        return Ok(None);
    }
    let mut stmt = conn.prepare(
        "SELECT name, sha256, encoding, bytes FROM run_outputs WHERE run_date = ?1 ORDER BY name",
    )?;
    let mut rows = stmt.query(params![run_date])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let name: String = r.get(0)?;
        let sha256: String = r.get(1)?;
        let encoding: String = r.get(2)?;
        let stored = r.get_ref(3)?.as_blob()?;
        let bytes = match encoding.as_str() {
            "" => stored.to_vec(),
            "zstd" => unpack(stored).map_err(|e| damaged(&name, &e))?,
            other => return Err(damaged(&name, &format!("unknown encoding {other:?}"))),
        };
        if crate::hex::hex(&sha2::Sha256::digest(&bytes)) != sha256 {
            return Err(damaged(
                &name,
                "contents do not match their recorded SHA-256",
            ));
        }
        out.push((name, bytes));
    }
    Ok(Some(out))
}

/// Decompresses one stored copy; its decompressed size is bounded by the
/// zstd frame's own header (written by [`record`]).
fn unpack(stored: &[u8]) -> Result<Vec<u8>, String> {
    let size = zstd::zstd_safe::get_frame_content_size(stored)
        .map_err(|e| format!("{e:?}"))?
        .ok_or("no content size in the frame")?;
    let size = usize::try_from(size).map_err(|e| e.to_string())?;
    zstd::bulk::decompress(stored, size).map_err(|e| e.to_string())
}

fn damaged(name: &str, why: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        3,
        rusqlite::types::Type::Blob,
        format!("stored copy of output {name}: {why}").into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, crate::state::State) {
        let dir = tempfile::tempdir().unwrap();
        let st = crate::state::State::open(dir.path()).unwrap();
        (dir, st)
    }

    fn sha(b: &[u8]) -> String {
        crate::hex::hex(&sha2::Sha256::digest(b))
    }

    #[test]
    fn a_night_reads_back_byte_for_byte_and_takes_less_room() {
        let (_d, mut st) = open();
        let csv: Vec<u8> = (0..2000)
            .flat_map(|i| format!("F-{i:06};1 234,50;EUR;2026-11-20\n").into_bytes())
            .collect();
        let empty: Vec<u8> = Vec::new();
        let (h1, h2) = (sha(&csv), sha(&empty));
        let files = [
            FileToStore {
                name: "matches.csv",
                sha256: &h1,
                bytes: &csv,
            },
            FileToStore {
                name: "alerts.csv",
                sha256: &h2,
                bytes: &empty,
            },
        ];
        record(st.conn(), "2026-11-20", "h", &files).unwrap();
        let back = committed_files(st.conn(), "2026-11-20").unwrap().unwrap();
        assert_eq!(
            back,
            vec![
                ("alerts.csv".to_string(), empty),
                ("matches.csv".to_string(), csv.clone())
            ]
        );
        let stored: i64 = st
            .conn()
            .query_row("SELECT SUM(length(bytes)) FROM run_outputs", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(
            (stored as usize) * 4 < csv.len(),
            "stored {stored} of {}",
            csv.len()
        );
        assert_eq!(committed_files(st.conn(), "2026-11-21").unwrap(), None);
    }

    #[test]
    fn copies_stored_plain_by_earlier_releases_still_read() {
        let (_d, mut st) = open();
        let conn = st.conn();
        conn.execute(
            "INSERT INTO runs (run_date, outputs_hash) VALUES ('2026-11-19', 'h')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO run_outputs (run_date, name, sha256, bytes) VALUES ('2026-11-19', 'a.csv', ?1, ?2)",
            params![sha(b"x;y\n"), b"x;y\n".to_vec()],
        )
        .unwrap();
        let back = committed_files(conn, "2026-11-19").unwrap().unwrap();
        assert_eq!(back, vec![("a.csv".to_string(), b"x;y\n".to_vec())]);
    }

    #[test]
    fn one_context_for_the_night_stores_the_frames_of_one_per_file() {
        let (_d, mut st) = open();
        let big: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let (a, b) = (big.clone(), b"x;y\n".to_vec());
        let (ha, hb) = (sha(&a), sha(&b));
        let files = [
            FileToStore {
                name: "a.csv",
                sha256: &ha,
                bytes: &a,
            },
            FileToStore {
                name: "b.csv",
                sha256: &hb,
                bytes: &b,
            },
        ];
        record(st.conn(), "2026-11-21", "h", &files).unwrap();
        let mut q = st
            .conn()
            .prepare("SELECT bytes FROM run_outputs WHERE run_date = '2026-11-21' ORDER BY name")
            .unwrap();
        let stored: Vec<Vec<u8>> = q
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let alone = [a, b].map(|x| zstd::bulk::compress(&x, LEVEL).unwrap());
        assert_eq!(stored, alone);
    }

    #[test]
    fn a_damaged_copy_is_an_error_not_a_wrong_file() {
        let (_d, mut st) = open();
        let body = b"invoice_id;amount\nF-1;10.00\n".to_vec();
        let h = sha(&body);
        let files = [FileToStore {
            name: "m.csv",
            sha256: &h,
            bytes: &body,
        }];
        record(st.conn(), "2026-11-20", "h", &files).unwrap();
        // Another file's copy under this name: decompresses, wrong contents.
        let other = zstd::bulk::compress(b"invoice_id;amount\nF-1;99.00\n", 1).unwrap();
        st.conn()
            .execute("UPDATE run_outputs SET bytes = ?1", params![other])
            .unwrap();
        let err = committed_files(st.conn(), "2026-11-20")
            .unwrap_err()
            .to_string();
        assert!(err.contains("m.csv") && err.contains("SHA-256"), "{err}");
        // Not zstd at all.
        st.conn()
            .execute("UPDATE run_outputs SET bytes = x'00112233'", [])
            .unwrap();
        let err = committed_files(st.conn(), "2026-11-20")
            .unwrap_err()
            .to_string();
        assert!(err.contains("m.csv"), "{err}");
    }
}
