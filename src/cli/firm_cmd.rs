//! `pointage firm OUT`: the firm-wide files from the clients' outputs under
//! OUT (after `pointage batch`, or after all shards of one).

use std::path::Path;

use super::exit;
use crate::reports::firm::{self, FirmError};

/// Runs the command; returns the exit code.
pub fn run(out: &Path) -> u8 {
    if !out.is_dir() {
        // Usage, as for `pointage batch` with ROOT missing: nothing was run.
        elog!("error: {}: not a folder", out.display());
        return exit::USAGE;
    }
    match firm::run(out) {
        Ok(r) => {
            for (client, why) in &r.without_figures {
                elog!(
                    "warning: client {client}: listed without figures: {}",
                    why.describe()
                );
            }
            elog!(
                "{} clients, {} aged-balance rows; wrote {}",
                r.clients,
                r.aged_rows,
                r.files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            exit::OK
        }
        Err(e) => {
            elog!("error: {e}");
            match e {
                FirmError::Malformed { .. } => exit::BAD_INPUT,
                FirmError::NoClients(_) => exit::USAGE,
                FirmError::Io { .. } | FirmError::Table { .. } => exit::OUTPUT,
            }
        }
    }
}
