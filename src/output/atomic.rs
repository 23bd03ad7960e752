//! Atomic file replacement: write to a temporary name in the same folder,
//! flush and fsync it, rename it over the target, then fsync the folder. A
//! crash at any point leaves either the old file or the new one, never a mix;
//! an error removes the temporary file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written under a temporary name; [`AtomicFile::commit`] puts it
/// in place. Dropped without commit, the temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates `.<name>.tmp-<pid>` beside `target` (owner-only permissions on Unix).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let mut opts = OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(&temp).map_err(|e| temp_error(e, target, &temp))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// Flushes, fsyncs, renames over the target and fsyncs the folder.
    pub fn commit(self) -> io::Result<()> {
        let target = self.target.clone();
        self.finish()?.rename()?;
        sync_dir(target.parent().unwrap_or(Path::new(".")))
    }

    /// Flushes and fsyncs the temporary file, which stays under its
    /// temporary name until [`Finished::rename`] (dropped before that, it is
    /// removed).
    pub fn finish(mut self) -> io::Result<Finished> {
        let Some(writer) = self.writer.take() else {
            return Err(io::Error::other("file already committed"));
        };
        let pending = Finished {
            target: self.target.clone(),
            temp: Some(self.temp.clone()),
        };
        let file = writer
            .into_inner()
            .map_err(|e| temp_error(e.into_error(), &self.target, &self.temp))?;
        file.sync_all()
            .map_err(|e| temp_error(e, &self.target, &self.temp))?;
        Ok(pending)
    }
}

/// A complete, fsynced temporary file waiting to be renamed over its target.
/// Dropped without [`Finished::rename`], the temporary file is removed.
#[derive(Debug)]
pub struct Finished {
    target: PathBuf,
    temp: Option<PathBuf>,
}

impl Finished {
    /// The file it will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the temporary file over the target (the caller fsyncs the folder).
    pub fn rename(mut self) -> io::Result<()> {
        if let Some(temp) = self.temp.take()
            && let Err(e) = fs::rename(&temp, &self.target)
        {
            let _ = fs::remove_file(&temp);
            return Err(with_path(e, &self.target));
        }
        Ok(())
    }
}

impl Drop for Finished {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = fs::remove_file(temp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.writer.as_mut() {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.writer.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `target` atomically.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes).map_err(|e| with_path(e, target))?;
    f.commit()
}

/// Removes the temporary files a killed writer left in `dir` for any of
/// `names` (`.<name>.tmp-<pid>`: a crash skips the cleanup in `Drop`) whose
/// pid `is_stale` accepts, reading the folder once. Returns how many were
/// removed. The caller must know nobody else is writing those files now: it
/// holds the client's lock, or it only removes files of processes that are
/// gone ([`pid_is_gone`]).
pub fn remove_stale_temps(
    dir: &Path,
    names: &[&str],
    is_stale: impl Fn(u32) -> bool,
) -> io::Result<usize> {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(with_path(e, dir)),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(|e| with_path(e, dir))?;
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some((name, pid)) = file
            .strip_prefix('.')
            .and_then(|rest| rest.rsplit_once(".tmp-"))
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if names.contains(&name) && pid != std::process::id() && is_stale(pid) {
            let path = entry.path();
            match fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(with_path(e, &path)),
            }
        }
    }
    Ok(removed)
}

/// True when no process `pid` runs now (Linux: no `/proc/<pid>`). Elsewhere
/// always false, so nothing of a live writer is ever removed.
pub fn pid_is_gone(pid: u32) -> bool {
    cfg!(target_os = "linux")
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// Fsyncs a folder so a rename in it survives a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| with_path(e, dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// An error on the temporary copy, named after the file a person knows:
/// `OUT/alerts.csv (temporary copy .alerts.csv.tmp-42): No space left…`.
fn temp_error(e: io::Error, target: &Path, temp: &Path) -> io::Error {
    let name = temp
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    io::Error::new(
        e.kind(),
        format!("{} (temporary copy {name}): {e}", target.display()),
    )
}

/// Adds the path to an I/O error's message so it reaches a person.
pub fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("matches.csv");
        write_atomic(&target, b"old").unwrap();
        write_atomic(&target, b"new contents").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new contents");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn stale_temporary_files_of_dead_writers_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".matches.csv.tmp-999999999"), b"half").unwrap();
        fs::write(dir.path().join(".alerts.csv.tmp-999999999"), b"other file").unwrap();
        fs::write(dir.path().join(".matches.csv.tmp-x"), b"not ours").unwrap();
        assert_eq!(
            remove_stale_temps(dir.path(), &["matches.csv"], pid_is_gone).unwrap(),
            1
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
        // A live writer (this test's own process) is never touched.
        let live = dir
            .path()
            .join(format!(".alerts.csv.tmp-{}", std::process::id()));
        fs::write(&live, b"live").unwrap();
        assert_eq!(
            remove_stale_temps(dir.path(), &["alerts.csv"], |_| true).unwrap(),
            1
        );
        assert!(live.exists());
    }

    #[test]
    fn an_abandoned_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("alerts.csv");
        write_atomic(&target, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"half").unwrap();
        }
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
