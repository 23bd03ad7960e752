//! Telling an optional input that is not there from one that is there but
//! cannot be read. Only a name absent from its folder (not even a symbolic
//! link) is absent; a dangling link (a share not mounted), a link loop or an
//! unreadable name is an error naming it. An optional file dropping silently
//! out of a night changes what customers are sent (business charges for a
//! consumer, reminders for money on an unread statement).

use std::io;
use std::path::Path;

/// After reaching `path` failed with `err`: `Ok(())` when the name is not in
/// its folder at all, else the error to report, a link that cannot be
/// followed explained with its target.
pub fn absent_or(path: &Path, err: io::Error) -> Result<(), io::Error> {
    if is_absent(path) {
        return Ok(());
    }
    Err(unfollowable_link(path).unwrap_or(err))
}

/// Whether the name is not in its folder at all (not even a link).
pub fn is_absent(path: &Path) -> bool {
    matches!(std::fs::symlink_metadata(path), Err(m) if m.kind() == io::ErrorKind::NotFound)
}

/// When `path` is a symbolic link that cannot be followed (it reads as "not
/// found"), the error that says what it is and where it points.
pub fn unfollowable_link(path: &Path) -> Option<io::Error> {
    let m = std::fs::symlink_metadata(path).ok()?;
    if !m.file_type().is_symlink() {
        return None;
    }
    let follow = std::fs::metadata(path).err()?;
    let to = std::fs::read_link(path).map_or_else(|_| "?".to_string(), |t| t.display().to_string());
    Some(io::Error::new(
        follow.kind(),
        format!(
            "a symbolic link to {to} that cannot be followed ({follow}); \
             not taken for a missing file"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_found() -> io::Error {
        io::Error::from(io::ErrorKind::NotFound)
    }

    #[test]
    fn only_a_name_not_there_at_all_is_absent() {
        let dir = tempfile::tempdir().unwrap();
        assert!(absent_or(&dir.path().join("customers.csv"), not_found()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_is_an_error_naming_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("customers.csv");
        std::os::unix::fs::symlink("/mnt/erp-share/customers.csv", &link).unwrap();
        let e = absent_or(&link, not_found()).unwrap_err().to_string();
        assert!(
            e.contains("symbolic link to /mnt/erp-share/customers.csv")
                && e.contains("not taken for a missing file"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_loop_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("statements");
        std::os::unix::fs::symlink("statements", &link).unwrap();
        let e = std::fs::read_dir(&link).unwrap_err();
        assert!(absent_or(&link, e).is_err());
    }
}
