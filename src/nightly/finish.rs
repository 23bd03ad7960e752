//! The end of a night that waits on the disk: write the files under
//! temporary names and fsync them, commit the night's transaction, rename
//! the files into place, record that they all are ([`Prepared::finish`]).
//!
//! It is apart from the computing before it ([`super::prepare_client`]) so
//! a batch can hand it to another thread and start the next client while
//! this one's fsyncs run. A [`Prepared`] owns everything the end needs: the
//! client's lock, its state with the night's transaction still open, and
//! the rendered files. Dropped unfinished, nothing is committed (closing the
//! connection rolls the transaction back) and the lock is released after.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::outputs::{Outputs, Staged};
use super::phase::{self, Phase};
use super::{RunError, RunKind, RunReport, failpoint};
use crate::state::{ClientLock, State, StateError};

/// A client's night computed, its durable end still to do.
#[derive(Debug)]
pub struct Prepared {
    // Dropped in this order: the connection (rolling back an open
    // transaction) before the lock.
    pub(super) state: State,
    pub(super) lock: ClientLock,
    pub(super) id: String,
    pub(super) date: NaiveDate,
    pub(super) out_dir: PathBuf,
    pub(super) outputs: Outputs,
    /// `Committed`: the night's transaction is open on `state`'s
    /// connection, to be committed here. `Replayed`: the night was
    /// committed on an earlier run; only its files are written again.
    pub(super) kind: RunKind,
}

impl Prepared {
    /// Writes, commits and publishes (see the module doc). Errors are as
    /// [`super::run_client`]'s.
    pub fn finish(self) -> Result<RunReport, RunError> {
        self.finish_inner().map_err(super::error::explain_disk)
    }

    fn finish_inner(mut self) -> Result<RunReport, RunError> {
        phase::mark(&self.id, Phase::Write);
        let staged = match self.kind {
            RunKind::Committed => {
                let staged = self.outputs.stage(&self.out_dir)?;
                failpoint::hit("before_commit");
                phase::mark(&self.id, Phase::Commit);
                self.commit()?;
                failpoint::hit("after_commit");
                staged
            }
            // The night is committed: whatever fails now leaves it
            // committed with its outputs (maybe) incomplete.
            RunKind::Replayed => self
                .outputs
                .stage(&self.out_dir)
                .map_err(|source| self.incomplete(source))?,
        };
        phase::mark(&self.id, Phase::Rename);
        self.publish(staged)?;
        phase::mark(&self.id, Phase::Done);
        let Prepared {
            state,
            lock,
            outputs,
            kind,
            ..
        } = self;
        drop(state);
        drop(lock);
        Ok(RunReport { kind, outputs })
    }

    /// Commits the night's open transaction.
    fn commit(&mut self) -> Result<(), RunError> {
        let conn = self.state.conn();
        let committed = conn.execute_batch("COMMIT").and_then(|()| {
            if failpoint::fails("commit_reports_error") {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
                    Some("disk I/O error (fault point)".into()),
                ));
            }
            Ok(())
        });
        let Err(error) = committed else {
            return Ok(());
        };
        // A COMMIT that failed before its commit point can leave the
        // transaction open: roll it back (as rusqlite's `Transaction` does
        // when dropped) so what follows reads the committed state only.
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        // An I/O error after SQLite's commit point (a failed sync once the
        // journal is truncated) leaves the night committed, its steps
        // recorded as sent: report it so (run the night again to write its
        // files), never as a night with nothing committed.
        if self.state.last_run().ok().flatten() == Some(self.date) {
            let path = self.state.path().display().to_string();
            return Err(self.incomplete(std::io::Error::other(format!("{path}: {error}"))));
        }
        Err(RunError::State(StateError::Sql {
            path: self.state.path().to_path_buf(),
            source: error,
        }))
    }

    /// Renames a committed night's files into place, then records in state
    /// that they all are. Either failing leaves the night committed with
    /// its outputs incomplete ([`RunError::OutputsIncomplete`]).
    fn publish(&self, staged: Staged) -> Result<(), RunError> {
        staged.publish().map_err(|e| self.incomplete(e))?;
        self.state
            .mark_published(self.date)
            .map_err(|e| self.incomplete(std::io::Error::other(e.to_string())))
    }

    fn incomplete(&self, source: std::io::Error) -> RunError {
        RunError::OutputsIncomplete {
            client: self.id.clone(),
            date: self.date,
            source,
        }
    }
}
