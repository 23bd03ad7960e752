//! What pointage remembers between nights, per client: an embedded SQLite
//! database (bundled, nothing to install) in the state folder, plus the lock
//! that keeps two runs of one client apart.
//!
//! Owns: the schema and its migrations ([`schema`]), opening and migrating,
//! the run-date rules (a committed night reproduces its outputs; an earlier
//! night is refused), and the per-client lock ([`lock`]).
//! Does not: decide anything — the nightly run reads and writes through it.

pub mod canonical;
pub mod cleared;
mod continuation;
pub mod decisions;
pub mod delivered;
pub mod events;
pub mod incarnations;
pub mod ledger;
pub mod lock;
pub mod mandates;
pub mod moves;
mod payer_names;
pub mod people_files;
pub mod probe;
pub mod runs;
pub mod schema;
pub mod statements;
pub mod transactions;
mod tx_identity;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::Connection;

pub use lock::{ClientLock, LockError};

/// A day bound as SQL text exactly as `NaiveDate::to_string` writes it
/// (`YYYY-MM-DD`), from a buffer on the stack: the per-row inserts bind
/// several days each, and formatting them through `fmt` into a new `String`
/// every time showed in profiles. Years outside 0–9999 (never in a bank
/// file) fall back to `to_string`, signed as chrono writes them.
pub(crate) enum SqlDay {
    /// Four-digit year.
    Short([u8; 10]),
    /// Any other year.
    Long(String),
}

impl SqlDay {
    /// The text of `d`.
    pub(crate) fn of(d: NaiveDate) -> Self {
        use chrono::Datelike;
        let Ok(year) = u32::try_from(d.year()) else {
            return SqlDay::Long(d.to_string());
        };
        if year > 9999 {
            return SqlDay::Long(d.to_string());
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let (m, day) = (d.month(), d.day());
        SqlDay::Short([
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(day / 10),
            digit(day),
        ])
    }

    /// [`SqlDay::of`] of a day that may be missing (NULL).
    pub(crate) fn opt(d: Option<NaiveDate>) -> Option<Self> {
        d.map(Self::of)
    }
}

impl rusqlite::ToSql for SqlDay {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        let bytes: &[u8] = match self {
            SqlDay::Short(b) => b,
            SqlDay::Long(s) => s.as_bytes(),
        };
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(bytes),
        ))
    }
}

/// The state file's name inside the state folder.
pub const DB_FILE: &str = "state.sqlite";

/// A state database that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// SQLite failed.
    #[error("{}: {source}", path.display())]
    Sql {
        /// The database.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The database was written by a newer pointage.
    #[error("{}: schema version {found} is newer than this pointage knows ({known}); upgrade pointage", path.display())]
    TooNew {
        /// The database.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this binary knows.
        known: i64,
    },
    /// A new client's database could not be written (the cause names the
    /// file: its temporary copy, the rename or the folder).
    #[error("creating the state database: {source}")]
    Create {
        /// The cause, with the path.
        source: std::io::Error,
    },
    /// A file or folder of the state could not be created or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// An output file as committed: its name in OUT_DIR and its bytes.
pub type OutputFile = (String, Vec<u8>);

/// An open, migrated state database.
#[derive(Debug)]
pub struct State {
    conn: Connection,
    path: PathBuf,
}

impl State {
    /// Opens (creating if needed) `state_dir/state.sqlite` and applies migrations.
    pub fn open(state_dir: &Path) -> Result<State, StateError> {
        std::fs::create_dir_all(state_dir).map_err(|source| StateError::Io {
            path: state_dir.to_path_buf(),
            source,
        })?;
        let path = state_dir.join(DB_FILE);
        create_if_new(&path)?;
        let conn = Connection::open(&path).map_err(|source| StateError::Sql {
            path: path.clone(),
            source,
        })?;
        // State holds customers' payments: owner only (SQLite gives its -wal
        // and -shm files the database file's permissions).
        owner_only(state_dir, 0o700)
            .and_then(|()| owner_only(&path, 0o600))
            .map_err(|source| StateError::Io {
                path: path.clone(),
                source,
            })?;
        let mut state = State { conn, path };
        state.configure()?;
        state.migrate()?;
        Ok(state)
    }

    fn sql<T>(&self, r: rusqlite::Result<T>) -> Result<T, StateError> {
        r.map_err(|source| StateError::Sql {
            path: self.path.clone(),
            source,
        })
    }

    fn configure(&mut self) -> Result<(), StateError> {
        // A rollback journal with full sync: a committed night survives a
        // crash or power cut. Not WAL: one writer holds the client's lock and
        // nobody reads alongside, and WAL would write every page twice (log,
        // then checkpoint). A 64 MiB page cache keeps a night's transaction
        // in memory until the commit instead of spilling it mid-way.
        let r = self.conn.execute_batch(
            "PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
        );
        // Per-row statements are prepared once per run, not once per row:
        // room for every statement a night caches, so none is evicted and
        // prepared again.
        self.conn.set_prepared_statement_cache_capacity(128);
        self.sql(r)
    }

    fn migrate(&mut self) -> Result<(), StateError> {
        let r = self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0));
        let version = self.sql(r)?;
        let known = MIGRATION_COUNT;
        if version > known {
            return Err(StateError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        if version == known {
            return Ok(());
        }
        let r = apply_migrations(&mut self.conn, version);
        self.sql(r)
    }

    /// The connection, for the nightly run's queries.
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The latest committed night, if any.
    pub fn last_run(&self) -> Result<Option<NaiveDate>, StateError> {
        let r = self
            .conn
            .query_row("SELECT MAX(run_date) FROM runs", [], |row| {
                row.get::<_, Option<String>>(0)
            });
        let s = self.sql(r)?;
        Ok(s.and_then(|s| s.parse().ok()))
    }

    /// The statement files imported whole on earlier nights (see
    /// [`statements::seen_files`]).
    pub fn seen_files(
        &self,
    ) -> Result<std::collections::HashMap<(String, String), usize>, StateError> {
        self.sql(statements::seen_files(&self.conn))
    }

    /// Whether state shows the people's file `name` was used before
    /// ([`people_files::used_before`]).
    pub fn people_file_used_before(&self, name: &str) -> Result<bool, StateError> {
        self.sql(people_files::used_before(&self.conn, name))
    }

    /// The copy of the people's file `name` kept on the last night it was
    /// read, if any (see [`people_files`]).
    pub fn kept_people_file(
        &self,
        name: &str,
    ) -> Result<Option<people_files::KeptFile>, StateError> {
        self.sql(people_files::kept(&self.conn, name))
    }

    /// Records that the committed night `date` has all its outputs in place.
    pub fn mark_published(&self, date: NaiveDate) -> Result<(), StateError> {
        self.sql(runs::mark_published(&self.conn, &date.to_string()))
    }

    /// The earliest committed night whose outputs were never all in place.
    pub fn first_unpublished(&self) -> Result<Option<NaiveDate>, StateError> {
        let s = self.sql(runs::first_unpublished(&self.conn))?;
        Ok(s.and_then(|s| s.parse().ok()))
    }

    /// The stored outputs of a committed night (name → bytes), if it committed.
    pub fn committed_outputs(
        &self,
        date: NaiveDate,
    ) -> Result<Option<Vec<OutputFile>>, StateError> {
        let r = runs::committed_files(&self.conn, &date.to_string());
        self.sql(r)
    }
}

/// The query plan SQLite chooses for `sql`, one line per step: tests pin the
/// plans of the queries a night runs against the whole history.
#[cfg(test)]
pub(crate) fn query_plan(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Vec<String> {
    conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .and_then(|mut st| {
            st.query_map(p, |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

const MIGRATION_COUNT: i64 = schema::MIGRATIONS.len() as i64;

/// Applies the migrations after `version`, in one transaction.
fn apply_migrations(conn: &mut Connection, version: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()
}

/// A new client's database: the migrated empty schema, built once per process
/// in memory by the same migrations an existing database goes through.
fn empty_database() -> rusqlite::Result<&'static [u8]> {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    if let Some(bytes) = BYTES.get() {
        return Ok(bytes);
    }
    let mut conn = Connection::open_in_memory()?;
    apply_migrations(&mut conn, 0)?;
    let bytes = conn.serialize(rusqlite::MAIN_DB)?.to_vec();
    Ok(BYTES.get_or_init(|| bytes))
}

/// Writes a new client's database from [`empty_database`] when there is none:
/// one file written and fsynced under a temporary name, then renamed, instead
/// of a migration transaction (journal, database and folder synced five
/// times, and every migration's SQL parsed) on each new client's first night.
/// Left to SQLite and the migrations when anything of an earlier database is
/// there: a journal next to a missing database is never replayed into a new one.
fn create_if_new(path: &Path) -> Result<(), StateError> {
    let io = |source| StateError::Io {
        path: path.to_path_buf(),
        source,
    };
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match Path::new(&name).symlink_metadata() {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
    }
    // A run killed while writing it left its temporary copy behind.
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::output::atomic::remove_stale_temps(dir, &[DB_FILE], crate::output::atomic::pid_is_gone)
        .map_err(io)?;
    let bytes = empty_database().map_err(|source| StateError::Sql {
        path: path.to_path_buf(),
        source,
    })?;
    crate::output::atomic::write_atomic(path, bytes).map_err(|source| StateError::Create { source })
}

/// Restricts a file or folder to its owner (Unix; elsewhere nothing).
pub fn owner_only(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_day_is_the_day_as_chrono_writes_it() {
        use rusqlite::ToSql;
        let conn = Connection::open_in_memory().unwrap();
        let days = [
            "2026-11-05",
            "0999-01-31",
            "0001-12-09",
            "9999-12-31",
            "2000-02-29",
        ]
        .iter()
        .map(|d| d.parse::<NaiveDate>().unwrap())
        .chain([
            NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(-3, 7, 4).unwrap(),
        ]);
        for d in days {
            let day = SqlDay::of(d);
            assert!(day.to_sql().is_ok());
            let back: String = conn.query_row("SELECT ?1", [&day], |r| r.get(0)).unwrap();
            assert_eq!(back, d.to_string());
        }
    }

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = State::open(dir.path()).unwrap();
            assert_eq!(s.last_run().unwrap(), None);
        }
        let mut s = State::open(dir.path()).unwrap();
        let v: i64 = s
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATION_COUNT);
    }

    #[cfg(unix)]
    #[test]
    fn state_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let st = dir.path().join("st");
        let lock = ClientLock::acquire(&st).unwrap();
        State::open(&st).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&st), 0o700);
        assert_eq!(mode(&st.join(DB_FILE)), 0o600);
        assert_eq!(mode(lock.path()), 0o600);
    }

    #[test]
    fn a_database_an_earlier_pointage_left_in_wal_mode_opens_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut s = State::open(dir.path()).unwrap();
            let mode: String = s
                .conn()
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
            s.conn()
                .execute(
                    "INSERT INTO runs (run_date, outputs_hash) VALUES ('2026-11-20', 'h')",
                    [],
                )
                .unwrap();
        }
        let mut s = State::open(dir.path()).unwrap();
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "truncate");
        assert_eq!(s.last_run().unwrap(), "2026-11-20".parse().ok());
        assert!(!dir.path().join("state.sqlite-wal").exists());
    }

    /// The one value a pragma or query answers, as text.
    fn answer(conn: &Connection, sql: &str) -> String {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
        let mut st = conn
            .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
            .unwrap();
        let mut rows: Vec<_> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        rows.push(("version".into(), version.to_string(), None));
        rows
    }

    #[test]
    fn a_new_database_has_the_schema_the_migrations_build_step_by_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut stepwise = Connection::open(dir.path().join("stepwise.sqlite")).unwrap();
        for version in 0..MIGRATION_COUNT {
            // One migration per transaction, as databases of earlier
            // versions went through them.
            let tx = stepwise.transaction().unwrap();
            tx.execute_batch(schema::MIGRATIONS[version as usize])
                .unwrap();
            tx.pragma_update(None, "user_version", version + 1).unwrap();
            tx.commit().unwrap();
        }
        let mut new = State::open(&dir.path().join("new")).unwrap();
        assert_eq!(schema_of(new.conn()), schema_of(&stepwise));
        let ok = answer(new.conn(), "PRAGMA integrity_check");
        assert_eq!(ok, "ok");
        let mode = answer(new.conn(), "PRAGMA journal_mode");
        assert_eq!(mode, "truncate");
    }

    #[test]
    fn returns_and_payments_kept_without_a_day_get_their_value_date() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let mut old = Connection::open(&path).unwrap();
        let tx = old.transaction().unwrap();
        for sql in &schema::MIGRATIONS[..22] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 22).unwrap();
        // A return and a payment of a bank giving value dates only, and a
        // write-off (no money: no day).
        tx.execute_batch(
            "INSERT INTO transactions (account, entry_id, statement_id, position, booking_date,
                 value_date, amount, currency, kind, status, notification, remittance, details,
                 remaining)
             VALUES ('A', 'RET', 'S', 0, NULL, '2026-03-04', '-90.00', 'EUR', 'k', 'booked', 0,
                     '', '{}', '0.00'),
                    ('A', 'PAY', 'S', 1, NULL, '2026-03-05', '50.00', 'EUR', 'k', 'booked', 0,
                     '', '{}', '0.00');
             INSERT INTO direct_debits (run_date, event, account, entry_id, amount, booking_date)
             VALUES ('2026-03-05', 'returned', 'A', 'RET', '90.00', NULL);
             INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
                 applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open,
                 paid_date)
             VALUES ('2026-03-05', 'A', 'PAY', 'F-1', 'C1', '50.00', '0.00', '', 'r', '1', '',
                     '50.00', NULL),
                    ('2026-03-05', 'A', 'PAY', 'F-2', 'C1', '0.00', '0.40', 'small', 'r', '1',
                     '', '0.40', NULL);",
        )
        .unwrap();
        tx.commit().unwrap();
        drop(old);
        let mut s = State::open(dir.path()).unwrap();
        assert_eq!(
            answer(s.conn(), "SELECT booking_date FROM direct_debits"),
            "2026-03-04"
        );
        let paid: Vec<Option<String>> = s
            .conn()
            .prepare("SELECT paid_date FROM applications ORDER BY invoice_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(paid, [Some("2026-03-05".to_string()), None]);
    }

    #[test]
    fn a_journal_left_without_its_database_is_not_played_into_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        // A crash mid-commit leaves a hot journal; then someone removes the
        // database and not the journal. SQLite discards a journal next to an
        // empty database: the new database must be created empty and
        // migrated, never written whole first and then "rolled back".
        let old = dir.path().join("old");
        let mut s = State::open(&old).unwrap();
        let tx = s.conn().transaction().unwrap();
        for i in 0..2000 {
            tx.execute(
                "INSERT INTO runs (run_date, outputs_hash) VALUES (?1, ?2)",
                (
                    (NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(i))
                        .to_string(),
                    "h".repeat(200),
                ),
            )
            .unwrap();
        }
        tx.commit().unwrap();
        s.conn().pragma_update(None, "cache_size", 1).unwrap();
        let tx = s.conn().transaction().unwrap();
        tx.execute("UPDATE runs SET outputs_hash = 'x' || outputs_hash", [])
            .unwrap();
        // The small cache spilled the change: SQLite synced the journal's
        // header before writing the database, so a crash now leaves it hot.
        let journal = std::fs::read(old.join("state.sqlite-journal")).unwrap();
        assert!(journal.len() > 100_000, "{} bytes journaled", journal.len());
        drop(tx);

        let st = dir.path().join("st");
        std::fs::create_dir_all(&st).unwrap();
        std::fs::write(st.join("state.sqlite-journal"), journal).unwrap();
        let mut s = State::open(&st).unwrap();
        let ok = answer(s.conn(), "PRAGMA integrity_check");
        assert_eq!(ok, "ok");
        assert_eq!(s.last_run().unwrap(), None);
        let count: i64 = s
            .conn()
            .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 0);
        // Not one page of the old database reached the new file.
        let bytes = std::fs::read(st.join(DB_FILE)).unwrap();
        let old_row = "h".repeat(200);
        assert!(!bytes.windows(200).any(|w| w == old_row.as_bytes()));
    }

    #[test]
    fn a_copy_left_by_a_run_killed_while_creating_the_database_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let half = dir.path().join(".state.sqlite.tmp-999999999");
        std::fs::write(&half, b"half a database").unwrap();
        let mut s = State::open(dir.path()).unwrap();
        assert!(!half.exists());
        let ok = answer(s.conn(), "PRAGMA integrity_check");
        assert_eq!(ok, "ok");
    }

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut s = State::open(dir.path()).unwrap();
            s.conn().pragma_update(None, "user_version", 999).unwrap();
        }
        let e = State::open(dir.path()).unwrap_err();
        assert!(e.to_string().contains("newer"), "{e}");
    }
}
