//! One run per client at a time: an exclusive advisory lock (`flock`) on
//! `STATE_DIR/lock`. The kernel drops it when the process dies, so a lock left
//! by a killed run never blocks the next one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// Holds the client's lock until dropped.
#[derive(Debug)]
pub struct ClientLock {
    _file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it.
    #[error("{}: locked by another pointage run on this client", path.display())]
    Busy {
        /// The lock file.
        path: PathBuf,
    },
    /// The lock file could not be opened.
    #[error("{}: cannot open lock file: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

impl ClientLock {
    /// Takes the lock in `state_dir` (created if needed), failing at once if busy.
    pub fn acquire(state_dir: &Path) -> Result<ClientLock, LockError> {
        ClientLock::acquire_file(state_dir, "lock")
    }

    /// Takes the lock on the file `name` in `dir` (both created if needed),
    /// failing at once if busy: the batch's lock on its summary.
    pub fn acquire_file(dir: &Path, name: &str) -> Result<ClientLock, LockError> {
        let path = dir.join(name);
        let io_err = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_err)?;
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            // Owner only, like everything else in the state folder.
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(&path).map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => Ok(ClientLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(LockError::Busy { path }),
            Err(TryLockError::Error(e)) => Err(io_err(e)),
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = ClientLock::acquire(dir.path()).unwrap();
        let second = ClientLock::acquire(dir.path());
        assert!(matches!(second, Err(LockError::Busy { .. })));
        assert!(second.unwrap_err().to_string().contains("lock"));
        drop(first);
        assert!(ClientLock::acquire(dir.path()).is_ok());
    }
}
