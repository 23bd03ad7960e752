//! A client folder: everything pointage reads for one client company.
//!
//! ```text
//! ROOT/<client_id>/
//!   invoices.csv      required: the open items tonight
//!   customers.csv     optional: names, IBANs, aliases, mandates, contacts
//!   statements/       optional: any number of CAMT / CFONB 120 files, any
//!                     names; format found from the content
//! ```
//!
//! The folder's name is the client id, and must be a plain name (no control
//! characters, no leading dot, no surrounding spaces). Statement files are
//! read in file-name order (byte order) so every run sees them in the same
//! order; hidden files (`.…`) and subfolders are ignored; an empty or missing
//! `statements/` is fine. Missing means not there at all: an optional file or
//! folder there but unreadable (a link to a share not mounted) is an error. An invoice whose `customer_id` is not in
//! `customers.csv` is accepted: its own `customer_name` is used.
//!
//! Owns: finding and reading the files of one client, in a fixed order.
//! Does not: parse (see [`crate::formats`], [`crate::ledger`]), match, or write
//! anything. Other files of the folder (`client.toml`, `promises.csv`,
//! `decisions.csv`, `.pointage/`) belong to later stages.

use std::path::{Path, PathBuf};

use sha2::Digest as _;

use crate::formats::{self, ParseError, Parsed};
use crate::ledger::{self, Ledger, LedgerError};

/// One client's inputs, loaded and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientData {
    /// The client id: the folder's name.
    pub id: String,
    /// The folder, as given.
    pub dir: PathBuf,
    /// Invoices and customers.
    pub ledger: Ledger,
    /// Statement files in file-name order.
    pub statements: Vec<StatementFile>,
}

/// One statement file of a client and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementFile {
    /// The file.
    pub path: PathBuf,
    /// Its statements and findings (empty when `already_imported`).
    pub parsed: Parsed,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Set when state knew these exact bytes, under this name, as imported
    /// whole on an earlier night: the file was not parsed again, and this
    /// is the number of statements it held.
    pub already_imported: Option<usize>,
}

/// A client folder that cannot be loaded. Nothing of the client is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The path is not a folder, or has no `invoices.csv`.
    #[error("{}: not a client folder: {reason}", dir.display())]
    NotAClient {
        /// The folder.
        dir: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// The folder name cannot serve as a client id.
    #[error("{}: the folder name cannot be a client id: {reason}", dir.display())]
    InvalidId {
        /// The folder.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// `invoices.csv` or `customers.csv` is malformed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A statement file is malformed or of an unknown format.
    #[error(transparent)]
    Statement(#[from] ParseError),
    /// A file or folder could not be read.
    #[error("{}: cannot read: {message}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
}

impl ClientError {
    fn io(path: &Path, err: &std::io::Error) -> ClientError {
        ClientError::Io {
            path: path.to_path_buf(),
            message: err.to_string(),
        }
    }
}

/// Loads a client folder: `invoices.csv`, `customers.csv` if present, then
/// every statement file of `statements/` in name order.
pub fn load_client(dir: &Path) -> Result<ClientData, ClientError> {
    load_client_knowing(dir, &|_, _| None)
}

/// [`load_client`], leaving unparsed the statement files that `known`
/// (file name, hex SHA-256 of the bytes) says were imported whole before: it
/// returns how many statements such a file held.
pub fn load_client_knowing(
    dir: &Path,
    known: &dyn Fn(&str, &str) -> Option<usize>,
) -> Result<ClientData, ClientError> {
    let meta = std::fs::metadata(dir).map_err(|e| ClientError::io(dir, &e))?;
    if !meta.is_dir() {
        return Err(ClientError::NotAClient {
            dir: dir.to_path_buf(),
            reason: "not a folder".into(),
        });
    }
    let id = client_id(dir)?;
    let invoices = dir.join("invoices.csv");
    if !is_file(&invoices)? {
        return Err(ClientError::NotAClient {
            dir: dir.to_path_buf(),
            reason: "no invoices.csv".into(),
        });
    }
    let customers = dir.join("customers.csv");
    let customers = is_file(&customers)?.then_some(customers.as_path());
    let ledger = ledger::load_ledger(&invoices, customers)?;
    let statements = statement_files(&dir.join("statements"))?
        .into_iter()
        .map(|path| {
            let bytes = formats::read_file(&path)?;
            let sha256 = crate::hex::hex(&sha2::Sha256::digest(&bytes));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let already_imported = known(&name, &sha256);
            let parsed = match already_imported {
                Some(_) => Parsed::default(),
                None => formats::parse_bytes(&bytes, &path)?,
            };
            Ok(StatementFile {
                path,
                parsed,
                sha256,
                already_imported,
            })
        })
        .collect::<Result<Vec<_>, ClientError>>()?;
    Ok(ClientData {
        id,
        dir: dir.to_path_buf(),
        ledger,
        statements,
    })
}

/// True for an existing file (following links), false when the name is not
/// in the folder at all; a folder of that name, a link that cannot be
/// followed (a share not mounted) or an unreadable path is an error.
fn is_file(path: &Path) -> Result<bool, ClientError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(true),
        Ok(_) => Err(ClientError::NotAClient {
            dir: path.parent().unwrap_or(path).to_path_buf(),
            reason: format!("{} is not a file", path.display()),
        }),
        Err(e) => match crate::presence::absent_or(path, e) {
            Ok(()) => Ok(false),
            Err(e) => Err(ClientError::io(path, &e)),
        },
    }
}

/// The files of `statements/` to read, sorted by name: regular files (or
/// links to them) whose name does not start with a dot. A missing folder
/// holds none; a link to a folder that cannot be followed (a share not
/// mounted) is an error, never an empty folder.
pub fn statement_files(dir: &Path) -> Result<Vec<PathBuf>, ClientError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            return match crate::presence::absent_or(dir, e) {
                Ok(()) => Ok(Vec::new()),
                Err(e) => Err(ClientError::io(dir, &e)),
            };
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| ClientError::io(dir, &e))?;
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let meta = std::fs::metadata(&path).map_err(|e| ClientError::io(&path, &e))?;
        if meta.is_file() {
            files.push((name, path));
        }
    }
    files.sort();
    Ok(files.into_iter().map(|(_, p)| p).collect())
}

/// The client id of a folder: its name, which must be plain text.
pub fn client_id(dir: &Path) -> Result<String, ClientError> {
    let invalid = |reason: &str| ClientError::InvalidId {
        dir: dir.to_path_buf(),
        reason: reason.to_string(),
    };
    let name = match dir.file_name() {
        Some(n) => n.to_os_string(),
        // `.` or `..`: the name of the folder it stands for.
        None => std::fs::canonicalize(dir)
            .map_err(|e| ClientError::io(dir, &e))?
            .file_name()
            .ok_or_else(|| invalid("the root folder has no name"))?
            .to_os_string(),
    };
    let name = name.into_string().map_err(|_| invalid("not valid UTF-8"))?;
    if name.is_empty() {
        return Err(invalid("empty"));
    }
    if name.starts_with('.') {
        return Err(invalid("starts with a dot"));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("contains a control character"));
    }
    if name.trim() != name {
        return Err(invalid("starts or ends with white space"));
    }
    if name.contains(['/', '\\']) {
        return Err(invalid("contains a path separator"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_only() {
        assert_eq!(client_id(Path::new("/x/acme")).unwrap(), "acme");
        assert_eq!(
            client_id(Path::new("x/Boulangerie Martin")).unwrap(),
            "Boulangerie Martin"
        );
        assert_eq!(client_id(Path::new("x/acme/")).unwrap(), "acme");
        for bad in [
            "x/a\tb",
            "x/.hidden",
            "x/ acme",
            "x/acme\u{7}",
            "x/a\u{85}b",
        ] {
            let e = client_id(Path::new(bad)).unwrap_err();
            assert!(matches!(e, ClientError::InvalidId { .. }), "{bad:?}: {e}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_refused() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"x/soci\xe9t\xe9"));
        let e = client_id(p).unwrap_err().to_string();
        assert!(
            e.ends_with("the folder name cannot be a client id: not valid UTF-8"),
            "{e}"
        );
    }
}
