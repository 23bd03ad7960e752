//! What a batch shows while it runs: indicatif bars on a terminal (clients
//! done of total, transactions per second, the clients in progress), plain
//! timestamped log lines otherwise (cron, CI, a Kubernetes pod), nothing with
//! `--quiet`. Lines name clients and counts, never IBANs or personal names.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::batch::run::{ClientOutcome, ClientStatus};

/// How progress is shown.
pub enum Progress {
    /// Nothing.
    Quiet,
    /// A bar on a terminal.
    Bar {
        /// The bar.
        bar: ProgressBar,
        /// When the batch started.
        start: Instant,
        /// Transactions so far.
        transactions: AtomicU64,
    },
    /// Timestamped lines on stderr.
    Log {
        /// Serialises lines from parallel clients.
        lock: Mutex<()>,
    },
}

impl Progress {
    /// Picks the display for this process.
    pub fn new(quiet: bool, total: usize) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        if std::io::stderr().is_terminal() {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let template = if no_color {
                "{elapsed_precise} [{bar:30}] {pos}/{len} clients · {msg}"
            } else {
                "{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} clients · {msg}"
            };
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            return Progress::Bar {
                bar,
                start: Instant::now(),
                transactions: AtomicU64::new(0),
            };
        }
        Progress::Log {
            lock: Mutex::new(()),
        }
    }

    /// One more client is done.
    pub fn client_done(&self, o: &ClientOutcome) {
        match self {
            Progress::Quiet => {}
            Progress::Bar {
                bar,
                start,
                transactions,
            } => {
                let t =
                    transactions.fetch_add(o.transactions(), Ordering::Relaxed) + o.transactions();
                let secs = start.elapsed().as_secs_f64().max(0.001);
                bar.set_message(format!(
                    "{:.0} transactions/s · last: {}",
                    t as f64 / secs,
                    o.id
                ));
                bar.inc(1);
                if o.status == ClientStatus::Failed || o.status == ClientStatus::Locked {
                    bar.println(format!(
                        "{} {}: {}",
                        o.id,
                        o.status.as_str(),
                        o.error.as_deref().unwrap_or("")
                    ));
                }
            }
            Progress::Log { lock } => {
                let _guard = lock.lock();
                elog!(
                    "{} {}",
                    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
                    line(o)
                );
            }
        }
    }

    /// The batch is over.
    pub fn finish(&self) {
        if let Progress::Bar { bar, .. } = self {
            bar.finish();
        }
    }
}

/// The log line of a finished client: counts only.
pub fn line(o: &ClientOutcome) -> String {
    match (&o.status, &o.summary) {
        (ClientStatus::Done | ClientStatus::Replayed, Some(s)) => format!(
            "client {} {}: {} statements imported, {} transactions, {} matched, {} suggested, {} new alerts, {} dunning actions",
            o.id,
            o.status.as_str(),
            s["statements"]["imported"].as_u64().unwrap_or(0),
            o.transactions(),
            s["payments"]["matched"].as_u64().unwrap_or(0),
            s["payments"]["suggested"].as_u64().unwrap_or(0),
            s["alerts"]["new"].as_u64().unwrap_or(0),
            s["dunning"]["actions"].as_u64().unwrap_or(0),
        ),
        _ => format!(
            "client {} {}: {}",
            o.id,
            o.status.as_str(),
            o.error.as_deref().unwrap_or("")
        ),
    }
}
