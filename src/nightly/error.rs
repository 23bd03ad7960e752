//! Why a client's night failed ([`RunError`]), and the exit code of
//! `pointage run` for each reason (README, "Exit codes").

use chrono::NaiveDate;

use crate::client::ClientError;
use crate::config::ConfigError;
use crate::ledger::LedgerError;
use crate::state::{LockError, StateError};

/// Why a client's run failed. Nothing of the night was committed, except
/// for [`RunError::OutputsIncomplete`].
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Another run holds the client's lock.
    #[error(transparent)]
    Locked(LockError),
    /// The date is before the last committed night.
    #[error(
        "{client}: --date {date} is before the last committed night {last}; runs go forward only"
    )]
    DateBeforeLast {
        /// Client.
        client: String,
        /// Requested date.
        date: NaiveDate,
        /// Last committed night.
        last: NaiveDate,
    },
    /// An earlier night was committed but its outputs were never all put in
    /// place: it must be run again first.
    #[error(
        "{client}: night {night} was committed but its outputs were never completely written \
         (its reminders are recorded as sent); run --date {night} again before --date {date}"
    )]
    EarlierNightIncomplete {
        /// Client.
        client: String,
        /// Requested date.
        date: NaiveDate,
        /// The committed night whose outputs are incomplete.
        night: NaiveDate,
    },
    /// `client.toml` is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An input file is wrong.
    #[error(transparent)]
    Input(#[from] ClientError),
    /// `promises.csv` or `decisions.csv` is wrong.
    #[error(transparent)]
    PeopleInput(#[from] LedgerError),
    /// The state database failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// A consistency check failed; nothing was committed.
    #[error("{0}")]
    Check(String),
    /// Writing the outputs under temporary names failed before the commit:
    /// nothing committed, previous outputs untouched.
    #[error("writing outputs: {0}")]
    Output(#[from] std::io::Error),
    /// The night IS committed, but its files could not all be put in place
    /// (or state could not record that they were).
    #[error(
        "{client}: night {date} committed; outputs incomplete: run this night again to write them \
         ({source})"
    )]
    OutputsIncomplete {
        /// Client.
        client: String,
        /// The committed night.
        date: NaiveDate,
        /// What failed.
        source: std::io::Error,
    },
}

impl RunError {
    /// The exit code of `pointage run` for this error (README, "Exit codes").
    pub fn exit_code(&self) -> u8 {
        use crate::cli::exit;
        match self {
            RunError::Locked(_) => exit::LOCKED,
            RunError::DateBeforeLast { .. } => exit::REFUSED,
            RunError::Config(_) => exit::USAGE,
            RunError::Input(_) | RunError::PeopleInput(_) => exit::BAD_INPUT,
            RunError::State(_) | RunError::Check(_) | RunError::Output(_) => exit::OUTPUT,
            RunError::OutputsIncomplete { .. } | RunError::EarlierNightIncomplete { .. } => {
                exit::COMMITTED_INCOMPLETE
            }
        }
    }
}

/// A SQLite "disk I/O error" says neither full nor read-only: probe the
/// database's folder and add what the system says.
pub(crate) fn explain_disk(e: RunError) -> RunError {
    let RunError::State(StateError::Sql { path, source }) = e else {
        return e;
    };
    let probed = crate::state::probe::is_disk_failure(&source)
        .then(|| path.parent().and_then(crate::state::probe::probe))
        .flatten();
    match probed {
        Some(cause) => RunError::State(StateError::Io {
            source: std::io::Error::new(
                cause.kind(),
                format!("{source}; a test write in its folder: {cause}"),
            ),
            path,
        }),
        None => RunError::State(StateError::Sql { path, source }),
    }
}
