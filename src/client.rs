//! A client folder (`ROOT/<client_id>/`): `invoices.csv` (required),
//! `customers.csv` (optional) and `statements/` (any CAMT / CFONB files).
//!
//! Minimal version written on the `matching` branch so `pointage match`
//! compiles; the client-loader work replaces it at merge with the same API.

use std::path::{Path, PathBuf};

use crate::formats::{self, ParseError};
use crate::ledger::{self, LedgerError};

/// A statement file and what its parser returned.
#[derive(Debug, Clone)]
pub struct StatementFile {
    /// The file.
    pub path: PathBuf,
    /// Its statements and findings.
    pub parsed: formats::Parsed,
}

/// Everything read from a client folder.
#[derive(Debug, Clone)]
pub struct ClientData {
    /// The folder name.
    pub id: String,
    /// The folder.
    pub dir: PathBuf,
    /// Invoices and customers.
    pub ledger: ledger::Ledger,
    /// Statement files in name order.
    pub statements: Vec<StatementFile>,
}

/// A client folder that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The folder or a file in it cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// `invoices.csv` or `customers.csv` is malformed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A statement file is malformed.
    #[error(transparent)]
    Statement(#[from] ParseError),
}

/// Reads a client folder.
pub fn load_client(dir: &Path) -> Result<ClientData, ClientError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ClientError::Io { path, source }
    };
    let invoices_path = dir.join("invoices.csv");
    if !invoices_path.is_file() {
        return Err(ClientError::Io {
            path: invoices_path,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "required file missing"),
        });
    }
    let invoices = ledger::load_invoices(&invoices_path)?;
    let customers_path = dir.join("customers.csv");
    let customers = if customers_path.is_file() {
        ledger::load_customers(&customers_path)?
    } else {
        Default::default()
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let sdir = dir.join("statements");
    if sdir.is_dir() {
        for e in std::fs::read_dir(&sdir).map_err(io(&sdir))? {
            let e = e.map_err(io(&sdir))?;
            let p = e.path();
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if p.is_file() && !hidden {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut statements = Vec::with_capacity(files.len());
    for path in files {
        let parsed = formats::parse_file(&path)?;
        statements.push(StatementFile { path, parsed });
    }
    let id = dir
        .canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(dir)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(ClientData {
        id,
        dir: dir.to_path_buf(),
        ledger: ledger::Ledger {
            invoices,
            customers,
        },
        statements,
    })
}
