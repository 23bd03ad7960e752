//! A night's output files: rendered in memory, hashed, committed to state
//! with the night, then written to OUT_DIR atomically one by one, with
//! `summary.json` last (it lists the SHA-256 of every other file). A crash
//! before the commit leaves nothing; after it, the rerun writes the same bytes.

use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::failpoint;
use crate::output::write_atomic;
use crate::state::statements::hex;

/// The name of the file written last.
pub const SUMMARY: &str = "summary.json";

/// The files of one night, in the order they are written (summary last).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    files: Vec<(String, Vec<u8>)>,
}

impl Outputs {
    /// Adds a file (replacing one of the same name).
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.retain(|(n, _)| n != name);
        self.files.push((name.to_string(), bytes));
        self.files
            .sort_by(|a, b| (a.0 == SUMMARY, &a.0).cmp(&(b.0 == SUMMARY, &b.0)));
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
    pub fn files(&self) -> &[(String, Vec<u8>)] {
        &self.files
    }

    /// SHA-256 of each file except the summary, by name.
    pub fn hashes(&self) -> Vec<(String, String)> {
        self.files
            .iter()
            .filter(|(n, _)| n != SUMMARY)
            .map(|(n, b)| (n.clone(), sha256(b)))
            .collect()
    }

    /// Writes every file into `dir` (created if needed), atomically each,
    /// summary last.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| crate::output::atomic::with_path(e, dir))?;
            crate::state::owner_only(dir, 0o700)
                .map_err(|e| crate::output::atomic::with_path(e, dir))?;
        }
        for (i, (name, bytes)) in self.files.iter().enumerate() {
            if name == SUMMARY {
                failpoint::hit("before_summary");
            }
            write_atomic(&dir.join(name), bytes)?;
            if i == 0 {
                failpoint::hit("mid_rename");
            }
        }
        Ok(())
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
        let names: Vec<&str> = o.files().iter().map(|(n, _)| n.as_str()).collect();
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
