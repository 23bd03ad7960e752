//! Reading a people's file (`promises.csv`, `decisions.csv`) from the client
//! folder: its bytes, missing (the name is not there at all) or empty (0
//! bytes). Anything else that stops the read is an error naming the file.

use std::path::Path;

use super::LedgerError;

/// A people's file (`promises.csv`, `decisions.csv`) in the client folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeopleFile {
    /// Its bytes, read in one go (a header line alone: no rows).
    Read(Vec<u8>),
    /// No such name in the folder (not even a symbolic link).
    Missing,
    /// There, but 0 bytes: the leftover of a copy that failed, never a
    /// person's intent (no rows is a header line alone).
    Empty,
}

/// Reads the people's file `dir/name`. Only a name that is not there at
/// all (`symlink_metadata` says not found) is missing: a file there but
/// unreadable (a dangling symbolic link, a loop, a share not mounted, an
/// I/O error, over the size limit) is an error naming it, never taken for
/// missing.
pub fn read_people_file(dir: &Path, name: &str) -> Result<PeopleFile, LedgerError> {
    let file = dir.join(name);
    match LedgerError::read_limited(&file, super::MAX_FILE_BYTES) {
        Ok(bytes) if bytes.is_empty() => Ok(PeopleFile::Empty),
        Ok(bytes) => Ok(PeopleFile::Read(bytes)),
        Err(_) if crate::presence::is_absent(&file) => Ok(PeopleFile::Missing),
        Err(e) => Err(crate::presence::unfollowable_link(&file)
            .map_or(e, |link| LedgerError::io(&file, &link))),
    }
}
