//! A night's output files: rendered in memory, hashed, written under
//! temporary names in OUT_DIR and fsynced ([`Outputs::stage`]) before the
//! night is committed, then renamed into place with `summary.json` last (it
//! lists the SHA-256 of every other file; [`Staged::publish`]). A write error
//! (disk full, read-only) therefore aborts the night with nothing committed
//! and the previous outputs untouched; a crash before the commit leaves
//! nothing (its temporary files are removed by the next run); after it, the
//! rerun writes the same bytes.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::failpoint;
use crate::hex::hex;
use crate::output::atomic::{
    AtomicFile, Finished, pid_is_gone, remove_stale_temps, sync_dir, with_path,
};

/// The name of the file written last.
pub const SUMMARY: &str = "summary.json";

/// The files of one night, in the order they are written (summary last),
/// each with its SHA-256, computed once when the file is added: the summary,
/// the run's record in state and the stored copy all use it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    files: Vec<OutputFile>,
}

/// One output file: name, bytes and hex SHA-256 of the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name inside OUT_DIR.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Hex SHA-256 of `bytes`.
    pub sha256: String,
}

impl Outputs {
    /// Adds a file (replacing one of the same name).
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.retain(|f| f.name != name);
        self.files.push(OutputFile {
            name: name.to_string(),
            sha256: sha256(&bytes),
            bytes,
        });
        self.files
            .sort_by(|a, b| (a.name == SUMMARY, &a.name).cmp(&(b.name == SUMMARY, &b.name)));
    }

    /// Builds from stored (name, bytes) pairs.
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Outputs {
        let mut out = Outputs::default();
        for (n, b) in files {
            out.add(&n, b);
        }
        out
    }

    /// The files, summary last.
    pub fn files(&self) -> &[OutputFile] {
        &self.files
    }

    /// The bytes of the file named `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.bytes.as_slice())
    }

    /// SHA-256 of each file except the summary, by name.
    pub fn hashes(&self) -> Vec<(String, String)> {
        self.files
            .iter()
            .filter(|f| f.name != SUMMARY)
            .map(|f| (f.name.clone(), f.sha256.clone()))
            .collect()
    }

    /// Writes every file into `dir` (created if needed), atomically each,
    /// summary last: [`Outputs::stage`] then [`Staged::publish`].
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        self.stage(dir)?.publish()
    }

    /// Writes every file under a temporary name in `dir` (created if
    /// needed) and fsyncs it, after removing the temporary files a killed
    /// run left for these names. Nothing is replaced yet: on any error
    /// (disk full, read-only folder) the temporary files are removed and the
    /// previous outputs are untouched.
    pub fn stage(&self, dir: &Path) -> io::Result<Staged> {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
            crate::state::owner_only(dir, 0o700).map_err(|e| with_path(e, dir))?;
        }
        let names: Vec<&str> = self.files.iter().map(|f| f.name.as_str()).collect();
        remove_stale_temps(dir, &names, pid_is_gone)?;
        let mut files = Vec::with_capacity(self.files.len());
        for file in &self.files {
            let target = dir.join(&file.name);
            let mut f = AtomicFile::create(&target)?;
            f.write_all(&file.bytes)
                .map_err(|e| with_path(e, &target))?;
            files.push(f.finish()?);
        }
        Ok(Staged {
            dir: dir.to_path_buf(),
            files,
        })
    }
}

/// A night's files written and fsynced under temporary names, waiting to
/// replace the previous ones. Dropped unpublished, they are removed.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    files: Vec<Finished>,
}

impl Staged {
    /// Renames every file over its target, summary last, fsyncing the folder
    /// before and after the summary (fault points `mid_rename`,
    /// `before_summary`).
    pub fn publish(self) -> io::Result<()> {
        for (i, f) in self.files.into_iter().enumerate() {
            if f.target().file_name().is_some_and(|n| n == SUMMARY) {
                sync_dir(&self.dir)?;
                failpoint::hit("before_summary");
            }
            f.rename()?;
            if i == 0 {
                failpoint::hit("mid_rename");
            }
        }
        sync_dir(&self.dir)
    }
}

/// Hex SHA-256.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_always_last_and_files_are_written_whole() {
        let mut o = Outputs::default();
        o.add(SUMMARY, b"{}".to_vec());
        o.add("matches.csv", b"a".to_vec());
        o.add("alerts.csv", b"b".to_vec());
        let names: Vec<&str> = o.files().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["alerts.csv", "matches.csv", SUMMARY]);
        assert_eq!(o.hashes().len(), 2);
        let dir = tempfile::tempdir().unwrap();
        o.write(&dir.path().join("out")).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("out/matches.csv")).unwrap(),
            b"a"
        );
    }
}
