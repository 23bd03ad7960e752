//! Running many clients: each exactly as `pointage run` would (outputs in
//! `OUT/<client>/`, state in `STATE_ROOT/<client>/` or the client's own
//! `.pointage/`), computed in parallel on one rayon pool of `jobs` threads
//! that the clients' own matching shares (no oversubscription), each one's
//! durable end (fsyncs and commits) on writer threads meanwhile, reported in
//! client order. A client that fails — bad files, a lock, even a panic —
//! fails alone.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError, mpsc};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::discover::ClientDir;
use crate::nightly::{Prepared, RunError, RunKind, RunOptions, RunReport, prepare_client};

/// How one client's night ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientStatus {
    /// Committed tonight.
    Done,
    /// Already committed: outputs written again.
    Replayed,
    /// Locked by another run.
    Locked,
    /// Failed; nothing of its night was committed.
    Failed,
    /// Its night was committed but its outputs could not all be put in
    /// place: run this night again to write them.
    CommittedIncomplete,
}

impl ClientStatus {
    /// Name in the summary.
    pub fn as_str(&self) -> &'static str {
        match self {
            ClientStatus::Done => "done",
            ClientStatus::Replayed => "replayed",
            ClientStatus::Locked => "locked",
            ClientStatus::Failed => "failed",
            ClientStatus::CommittedIncomplete => "committed_incomplete",
        }
    }
}

/// One client's outcome.
#[derive(Debug, Clone)]
pub struct ClientOutcome {
    /// Client id.
    pub id: String,
    /// Status.
    pub status: ClientStatus,
    /// The client's `summary.json`, when it ran.
    pub summary: Option<serde_json::Value>,
    /// The error, for a failed or locked client.
    pub error: Option<String>,
}

impl ClientOutcome {
    /// Transactions handled tonight (tonight's credits + debits; money of
    /// earlier nights tried again is not counted), 0 when unknown.
    pub fn transactions(&self) -> u64 {
        let Some(s) = &self.summary else {
            return 0;
        };
        let tried = s["payments"]["tried"].as_u64().unwrap_or(0);
        let debits: u64 = s["debits_by_kind"]
            .as_object()
            .map(|kinds| {
                kinds
                    .values()
                    .filter_map(|c| c.as_object())
                    .flat_map(|c| c.values())
                    .filter_map(|v| v["count"].as_u64())
                    .sum()
            })
            .unwrap_or(0);
        tried + debits
    }
}

/// What a batch needs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The night.
    pub date: NaiveDate,
    /// Output root: `OUT/<client>/`.
    pub out: PathBuf,
    /// State root: `STATE_ROOT/<client>/`; `None` = each client's `.pointage/`.
    pub state_root: Option<PathBuf>,
    /// Threads.
    pub jobs: usize,
}

fn options(client: &ClientDir, o: &BatchOptions) -> RunOptions {
    RunOptions {
        client_dir: client.path.clone(),
        date: o.date,
        out_dir: o.out.join(&client.id),
        state_dir: match &o.state_root {
            Some(root) => root.join(&client.id),
            None => RunOptions::default_state_dir(&client.path),
        },
    }
}

/// Runs one client, never letting its failure escape.
pub fn run_one(client: &ClientDir, o: &BatchOptions) -> ClientOutcome {
    match prepare_one(client, o) {
        Ok(prepared) => finish_one(&client.id, prepared),
        Err(outcome) => outcome,
    }
}

/// A client's night up to its durable end, or how it ended before that.
fn prepare_one(client: &ClientDir, o: &BatchOptions) -> Result<Prepared, ClientOutcome> {
    let opts = options(client, o);
    match catch_unwind(AssertUnwindSafe(|| prepare_client(&opts))) {
        Ok(Ok(prepared)) => Ok(prepared),
        Ok(Err(e)) => Err(outcome(&client.id, Ok(Err(e)))),
        Err(panic) => Err(outcome(&client.id, Err(panic))),
    }
}

/// A prepared night's durable end, never letting its failure escape.
fn finish_one(id: &str, prepared: Prepared) -> ClientOutcome {
    outcome(id, catch_unwind(AssertUnwindSafe(|| prepared.finish())))
}

fn outcome(id: &str, result: std::thread::Result<Result<RunReport, RunError>>) -> ClientOutcome {
    let (status, summary, error) = match result {
        Ok(Ok(report)) => {
            let summary = report
                .outputs
                .get(crate::nightly::outputs::SUMMARY)
                .and_then(|b| serde_json::from_slice(b).ok());
            let status = match report.kind {
                RunKind::Committed => ClientStatus::Done,
                RunKind::Replayed => ClientStatus::Replayed,
            };
            (status, summary, None)
        }
        Ok(Err(e @ RunError::Locked(_))) => (ClientStatus::Locked, None, Some(e.to_string())),
        Ok(Err(e @ RunError::OutputsIncomplete { .. })) => {
            (ClientStatus::CommittedIncomplete, None, Some(e.to_string()))
        }
        Ok(Err(e)) => (ClientStatus::Failed, None, Some(e.to_string())),
        Err(_) => (ClientStatus::Failed, None, Some(internal_error(id))),
    };
    ClientOutcome {
        id: id.to_string(),
        status,
        summary,
        error,
    }
}

fn internal_error(id: &str) -> String {
    format!("internal error while running {id} (a bug): nothing committed")
}

/// Runs every client; `on_done` is called as each finishes (any order); the
/// result is in client order.
///
/// `jobs` rayon threads compute clients (load, match, render), and the
/// clients' own matching shares them: no oversubscription. Each client's
/// durable end (fsyncs of its files, its commits: [`Prepared::finish`])
/// goes to one of `jobs` writer threads, so the computing thread starts the
/// next client instead of waiting on the disk. At most `jobs` prepared
/// clients wait for a writer: computing pauses when the disk is behind.
pub fn run_clients(
    clients: &[ClientDir],
    o: &BatchOptions,
    on_done: &(dyn Fn(&ClientOutcome) + Sync),
) -> Result<Vec<ClientOutcome>, rayon::ThreadPoolBuildError> {
    let jobs = o.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let results: Vec<Mutex<Option<ClientOutcome>>> =
        clients.iter().map(|_| Mutex::new(None)).collect();
    let done = |i: usize, outcome: ClientOutcome| {
        on_done(&outcome);
        *lock(&results[i]) = Some(outcome);
    };
    let (send, receive) = mpsc::sync_channel::<(usize, Prepared)>(jobs);
    let receive = Mutex::new(receive);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    // The lock is held only while waiting for the next
                    // client (a `while let` would hold it through the body:
                    // one writer at a time).
                    let next = lock(&receive).recv();
                    let Ok((i, prepared)) = next else {
                        break;
                    };
                    done(i, finish_one(&clients[i].id, prepared));
                }
            });
        }
        pool.install(|| {
            clients
                .par_iter()
                .enumerate()
                .with_max_len(1)
                .for_each(|(i, c)| match prepare_one(c, o) {
                    Ok(prepared) => {
                        // No writer left (they only stop once this
                        // sender is dropped): finish here.
                        if let Err(mpsc::SendError((i, prepared))) = send.send((i, prepared)) {
                            done(i, finish_one(&clients[i].id, prepared));
                        }
                    }
                    Err(outcome) => done(i, outcome),
                })
        });
        drop(send);
    });
    Ok(clients
        .iter()
        .zip(results)
        .map(|(c, r)| {
            r.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .unwrap_or_else(|| ClientOutcome {
                    id: c.id.clone(),
                    status: ClientStatus::Failed,
                    summary: None,
                    error: Some(internal_error(&c.id)),
                })
        })
        .collect())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `OUT/batch-summary.csv` (or `.K-of-N.csv`) path for a shard suffix.
pub fn summary_path(out: &Path, suffix: Option<&str>, ext: &str) -> PathBuf {
    match suffix {
        Some(s) => out.join(format!("batch-summary.{s}.{ext}")),
        None => out.join(format!("batch-summary.{ext}")),
    }
}
