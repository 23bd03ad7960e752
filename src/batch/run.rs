//! Running many clients: each exactly as `pointage run` would (outputs in
//! `OUT/<client>/`, state in `STATE_ROOT/<client>/` or the client's own
//! `.pointage/`), in parallel on one rayon pool of `jobs` threads that the
//! clients' own matching shares (no oversubscription), reported in client
//! order. A client that fails — bad files, a lock, even a panic — fails alone.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::discover::ClientDir;
use crate::nightly::{RunError, RunKind, RunOptions, run_client};

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
    let opts = options(client, o);
    let result = catch_unwind(AssertUnwindSafe(|| run_client(&opts)));
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
        Err(_) => (
            ClientStatus::Failed,
            None,
            Some(format!(
                "internal error while running {} (a bug): nothing committed",
                client.id
            )),
        ),
    };
    ClientOutcome {
        id: client.id.clone(),
        status,
        summary,
        error,
    }
}

/// Runs every client on a pool of `jobs` threads; `on_done` is called as each
/// finishes (any order); the result is in client order.
pub fn run_clients(
    clients: &[ClientDir],
    o: &BatchOptions,
    on_done: &(dyn Fn(&ClientOutcome) + Sync),
) -> Result<Vec<ClientOutcome>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(o.jobs.max(1))
        .build()?;
    Ok(pool.install(|| {
        clients
            .par_iter()
            .with_max_len(1)
            .map(|c| {
                let outcome = run_one(c, o);
                on_done(&outcome);
                outcome
            })
            .collect()
    }))
}

/// `OUT/batch-summary.csv` (or `.K-of-N.csv`) path for a shard suffix.
pub fn summary_path(out: &Path, suffix: Option<&str>, ext: &str) -> PathBuf {
    match suffix {
        Some(s) => out.join(format!("batch-summary.{s}.{ext}")),
        None => out.join(format!("batch-summary.{ext}")),
    }
}
