//! Why SQLite could not write: it reports a full or read-only disk as a bare
//! "disk I/O error" (the errno stays inside SQLite). After such an error the
//! state folder is probed with a small write of our own, whose `io::Error`
//! ("No space left on device", "Read-only file system") is what a person
//! needs to read.

use std::io::{self, Write as _};
use std::path::Path;

/// Bytes the probe writes: more than one page, so a full tmpfs refuses it.
const PROBE_BYTES: usize = 64 * 1024;

/// True for the SQLite failures a full or read-only folder causes.
pub fn is_disk_failure(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode as C;
    matches!(
        e.sqlite_error_code(),
        Some(C::SystemIoFailure | C::DiskFull | C::ReadOnly | C::CannotOpen)
    )
}

/// Writes and removes a probe file in `dir`; the error it meets, if any.
pub fn probe(dir: &Path) -> Option<io::Error> {
    let path = dir.join(format!(".pointage-probe-{}", std::process::id()));
    let result = std::fs::File::create(&path).and_then(|mut f| {
        f.write_all(&[0u8; PROBE_BYTES])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&path);
    result.err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writable_folder_probes_clean_and_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(probe(dir.path()).is_none());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(probe(&dir.path().join("missing")).is_some());
    }
}
