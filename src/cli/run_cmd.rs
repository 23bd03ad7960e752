//! `pointage run CLIENT_DIR --date D --out OUT_DIR [--state DIR]`: one
//! client's night. The date defaults to today — with the check of a
//! `--date` ahead of today ([`super::future_date`]), the only places
//! pointage reads the clock.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::exit;
use crate::nightly::{RunKind, RunOptions, run_client};

/// Today's date from the local clock.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Runs the command; returns the exit code.
pub fn run(
    client_dir: PathBuf,
    date: Option<NaiveDate>,
    out: PathBuf,
    state: Option<PathBuf>,
) -> u8 {
    let opts = RunOptions {
        state_dir: state.unwrap_or_else(|| RunOptions::default_state_dir(&client_dir)),
        client_dir,
        date: date.unwrap_or_else(today),
        out_dir: out,
    };
    match run_client(&opts) {
        Ok(report) => {
            let what = match report.kind {
                RunKind::Committed => "committed",
                RunKind::Replayed => "already committed: outputs written again",
            };
            elog!(
                "{}: night {} {what}; outputs in {}",
                opts.client_dir.display(),
                opts.date,
                opts.out_dir.display()
            );
            exit::OK
        }
        Err(e) => {
            elog!("error: {e}");
            e.exit_code()
        }
    }
}
