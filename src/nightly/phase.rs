//! An opt-in phase trace for the crash tests: with `POINTAGE_PHASE_LOG=FILE`
//! in the environment, each client's run appends `client phase` lines to
//! FILE (opened with `O_APPEND`, one `write` per line, so parallel clients
//! never interleave) as it enters `parse`, `match`, `write` (temporary
//! files), `commit`, `rename` and `done`. A crash loop reads the last line of each client to know where a
//! kill landed. Without the variable nothing is opened or written; the trace
//! never reaches an output or the state.

use std::io::Write as _;

/// A stage of one client's night.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Loading the client folder (settings, ledger, statements).
    Parse,
    /// Inside the night's transaction: import, match, alerts, dunning, render.
    Match,
    /// Committing the night's SQLite transaction.
    Commit,
    /// Writing the output files under temporary names (before the commit).
    Write,
    /// Renaming the output files into place (after the commit).
    Rename,
    /// Finished.
    Done,
}

impl Phase {
    /// The word written in the trace.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Parse => "parse",
            Phase::Match => "match",
            Phase::Commit => "commit",
            Phase::Write => "write",
            Phase::Rename => "rename",
            Phase::Done => "done",
        }
    }
}

/// The environment variable naming the trace file.
pub const ENV: &str = "POINTAGE_PHASE_LOG";

/// Appends `client phase` to the trace file, when one is configured.
/// Errors are ignored: the trace is a test aid and never fails a run.
pub fn mark(client: &str, phase: Phase) {
    let Some(path) = std::env::var_os(ENV) else {
        return;
    };
    let line = format!("{client} {}\n", phase.as_str());
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = f.write_all(line.as_bytes());
    }
}
