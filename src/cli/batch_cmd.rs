//! `pointage batch ROOT --date D --out OUT [--state STATE_ROOT] [--jobs N]
//! [--shard K/N]`: every client of a firm, isolated, in parallel.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::exit;
use super::progress::Progress;
use crate::batch::discover::discover;
use crate::batch::run::{BatchOptions, ClientStatus, run_clients, summary_path};
use crate::batch::shard::Shard;
use crate::batch::summary;
use crate::output::atomic::{pid_is_gone, remove_stale_temps};
use crate::output::write_atomic;
use crate::state::lock::{ClientLock, LockError};

/// The batch command's arguments.
#[derive(Debug, Clone)]
pub struct BatchArgs {
    /// Firm root.
    pub root: PathBuf,
    /// Night.
    pub date: Option<NaiveDate>,
    /// Output root.
    pub out: PathBuf,
    /// State root.
    pub state: Option<PathBuf>,
    /// Threads.
    pub jobs: Option<usize>,
    /// `K/N`.
    pub shard: Option<String>,
    /// Shard count for a Kubernetes Indexed Job.
    pub shards: Option<u64>,
    /// No progress output.
    pub quiet: bool,
}

/// Threads without `--jobs`: `RAYON_NUM_THREADS` when set to a positive
/// number (as any rayon program would honour it), else the cores.
fn default_jobs() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
}

/// Runs the command; returns the exit code.
pub fn run(a: BatchArgs) -> u8 {
    let shard = Shard::resolve(a.shard.as_deref(), a.shards, |k| std::env::var(k).ok());
    let shard = match shard {
        Ok(s) => s,
        Err(e) => {
            elog!("error: {e}");
            return exit::USAGE;
        }
    };
    // OUT a file (a typo, a mount point not mounted over a placeholder):
    // every client would fail writing, then the summary; nothing is run.
    if a.out.exists() && !a.out.is_dir() {
        elog!("error: {}: --out is not a folder", a.out.display());
        return exit::USAGE;
    }
    let (clients, skipped) = match discover(&a.root) {
        Ok(x) => x,
        Err(e) => {
            elog!("error: {}: cannot list clients: {e}", a.root.display());
            return exit::USAGE;
        }
    };
    let clients: Vec<_> = clients
        .into_iter()
        .filter(|c| shard.is_none_or(|s| s.owns(&c.id)))
        .collect();
    let date = a.date.unwrap_or_else(super::run_cmd::today);
    let opts = BatchOptions {
        date,
        out: a.out.clone(),
        state_root: a.state.clone(),
        jobs: a.jobs.unwrap_or_else(default_jobs),
    };
    if !a.quiet {
        for s in &skipped {
            elog!("skipped {}: {}", s.name, s.reason);
        }
    }
    // Two copies of one batch (or shard) at once, e.g. a scheduler's retry
    // while the first still runs: the second would find the first's clients
    // locked and its summary would replace the first's, listing them
    // `locked`. The second stops here instead, having run nothing.
    let suffix = shard.map(|s| s.file_suffix());
    let csv_path = summary_path(&a.out, suffix.as_deref(), "csv");
    let json_path = summary_path(&a.out, suffix.as_deref(), "json");
    let lock_name = format!(
        ".{}.lock",
        csv_path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let _summary_lock = match ClientLock::acquire_file(&a.out, &lock_name) {
        Ok(l) => l,
        Err(LockError::Busy { path }) => {
            elog!(
                "error: {}: another pointage batch is running this batch into the same OUT; nothing run",
                path.display()
            );
            return exit::LOCKED;
        }
        Err(e @ LockError::Io { .. }) => {
            elog!("error: {e}");
            return exit::OUTPUT;
        }
    };
    let progress = Progress::new(a.quiet, clients.len());
    let outcomes = match run_clients(&clients, &opts, &|o| progress.client_done(o)) {
        Ok(o) => o,
        Err(e) => {
            elog!("error: cannot start {} threads: {e}", opts.jobs);
            return exit::USAGE;
        }
    };
    progress.finish();

    // Newer than every other summary already in OUT, read when written:
    // `pointage firm` takes each client's status from its newest summary.
    // The file this run replaces does not count: a rerun writes the same bytes.
    let own = csv_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let generation = crate::batch::generation::next(&a.out, &own);
    let csv_bytes = match summary::csv(&outcomes, generation) {
        Ok(b) => b,
        Err(e) => {
            elog!("error: batch summary: {e}");
            return exit::OUTPUT;
        }
    };
    let json_bytes = summary::json(
        &outcomes,
        &skipped,
        &date.to_string(),
        suffix.as_deref(),
        generation,
    );
    let written = std::fs::create_dir_all(&a.out)
        .and_then(|()| {
            let name = |p: &std::path::Path| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let (csv, json) = (name(&csv_path), name(&json_path));
            remove_stale_temps(&a.out, &[csv.as_str(), json.as_str()], pid_is_gone)
        })
        .and_then(|_| write_atomic(&csv_path, &csv_bytes))
        .and_then(|()| write_atomic(&json_path, &json_bytes));
    if let Err(e) = written {
        elog!(
            "error: writing the batch summary in {}: {e}",
            a.out.display()
        );
        return exit::OUTPUT;
    }
    let failed = outcomes
        .iter()
        .filter(|o| o.status == ClientStatus::Failed)
        .count();
    // Committed, outputs incomplete: a failure the operator must act on.
    let incomplete = outcomes
        .iter()
        .filter(|o| o.status == ClientStatus::CommittedIncomplete)
        .count();
    let locked = outcomes
        .iter()
        .filter(|o| o.status == ClientStatus::Locked)
        .count();
    if !a.quiet {
        elog!(
            "batch {date}{}: {} clients, {} failed, {} locked{}; summary in {}",
            shard.map(|s| format!(" shard {s}")).unwrap_or_default(),
            outcomes.len(),
            failed,
            locked,
            if incomplete > 0 {
                format!(", {incomplete} committed with outputs incomplete (run this night again)")
            } else {
                String::new()
            },
            summary_path(&a.out, suffix.as_deref(), "csv").display()
        );
    }
    if failed + incomplete > 0 {
        exit::PARTIAL
    } else if locked > 0 {
        exit::LOCKED
    } else {
        exit::OK
    }
}
