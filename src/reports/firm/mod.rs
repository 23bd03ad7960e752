//! `pointage firm OUT`: the firm-wide files, from what every client's night
//! left under `OUT/<client>/` (`kpis.json`, `aged_balance.csv`) and the batch
//! summaries (`OUT/batch-summary*.csv`, for each client's status):
//!
//! - `OUT/firm_aged_balance.parquet` and `.csv`: every client's aged balance,
//!   one row per client, customer and currency;
//! - `OUT/firm_kpis.csv`: one row per client and currency — status, DSO,
//!   open and overdue amounts, match rate, items waiting, returns, dunning
//!   actions;
//! - `OUT/firm-report.html`: clients ranked by overdue amount (per currency)
//!   and by items waiting for a person, each linking to its `report.html`.
//!
//! Reading ([`read`]) and the page ([`page`]) know nothing of polars; only
//! [`frames`] does, and nothing outside this module imports it.

pub mod frames;
pub mod page;
pub mod read;

use std::path::{Path, PathBuf};

pub use read::{AgedLine, ClientKpis, CurrencyKpis, FirmData, Missing};

/// File names written by `pointage firm`.
pub const AGED_PARQUET: &str = "firm_aged_balance.parquet";
/// CSV twin of the parquet file.
pub const AGED_CSV: &str = "firm_aged_balance.csv";
/// Per-client KPIs.
pub const KPIS_CSV: &str = "firm_kpis.csv";
/// The firm's page.
pub const REPORT_HTML: &str = "firm-report.html";

/// Why `pointage firm` failed.
#[derive(Debug, thiserror::Error)]
pub enum FirmError {
    /// OUT is not a readable folder, or a client's file cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A client's file is malformed.
    #[error("{}: {message}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line when known.
        message: String,
    },
    /// No client output under OUT.
    #[error("{}: no client outputs (folders with a summary.json); run `pointage batch` first", .0.display())]
    NoClients(PathBuf),
    /// polars failed to build or write a table.
    #[error("{}: {message}", path.display())]
    Table {
        /// The file being written.
        path: PathBuf,
        /// polars' message.
        message: String,
    },
}

/// What was written.
#[derive(Debug, Clone)]
pub struct FirmReport {
    /// Clients read, sorted.
    pub clients: usize,
    /// Rows of the aged balance.
    pub aged_rows: usize,
    /// Files written, in order.
    pub files: Vec<PathBuf>,
    /// Clients listed without figures, and why.
    pub without_figures: Vec<(String, Missing)>,
}

/// Reads `out`'s client folders and writes the firm files into `out`.
pub fn run(out: &Path) -> Result<FirmReport, FirmError> {
    let data = read::read(out)?;
    let mut files = Vec::new();
    let parquet = frames::aged_parquet(&data.aged).map_err(|m| table(out, AGED_PARQUET, m))?;
    let aged_csv = frames::aged_csv(&data.aged).map_err(|m| table(out, AGED_CSV, m))?;
    let kpis_csv = frames::kpis_csv(&data.clients).map_err(|m| table(out, KPIS_CSV, m))?;
    let html = page::render(&data);
    for (name, bytes) in [
        (AGED_PARQUET, parquet),
        (AGED_CSV, aged_csv),
        (KPIS_CSV, kpis_csv),
        (REPORT_HTML, html.into_bytes()),
    ] {
        let path = out.join(name);
        crate::output::write_atomic(&path, &bytes).map_err(|source| FirmError::Io {
            path: path.clone(),
            source,
        })?;
        files.push(path);
    }
    Ok(FirmReport {
        clients: data.clients.len(),
        aged_rows: data.aged.len(),
        files,
        without_figures: data.without_figures,
    })
}

fn table(out: &Path, name: &str, message: String) -> FirmError {
    FirmError::Table {
        path: out.join(name),
        message,
    }
}
