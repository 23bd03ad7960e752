//! What people added to the client folder — `promises.csv` and
//! `decisions.csv` — and the copy of each that state keeps, so that a copy
//! of the folder that failed changes nothing people wrote.
//!
//! A night with the file reads it, and keeps its exact bytes in state in the
//! night's transaction ([`People::keep`]; a header line alone is a file of no
//! rows, kept as such). A night without it reads the copy kept on the last
//! night it was there, exactly as if the file were there unchanged: waiting
//! decision rows apply when their entry arrives, promises keep holding and
//! are judged as usual; a `people_file_missing` alert names the file and the
//! night of the copy ([`People::missing_alerts`]). An error in the copy names
//! it as `decisions.csv (copy kept from 2026-11-03)`, with line and field.
//!
//! A file there but unreadable (a dangling symbolic link, a loop, an I/O
//! error) stops the client with an error naming it: never taken for
//! missing. A 0-byte file (the usual leftover of a copy that failed; a
//! person clears the rows with a header line alone) is read as missing, and
//! its alert says it was empty.
//!
//! A file never read (no copy) and missing has no rows — except that
//! `decisions.csv` then changes nothing people decided (`decisions` is
//! `None`): a client upgraded from a release that kept no copy has its
//! decisions in state, and a failed copy must not undo them. When state
//! shows the file was used before (`people_files::used_before`), or it is
//! there but empty, `people_file_missing` says no copy is kept yet and what
//! that means tonight.

use std::path::{Path, PathBuf};

use crate::alerts::{Alert, AlertKind};
use crate::ledger::{
    DECISIONS_FILE, Decision, LedgerError, PROMISES_FILE, PeopleFile, PromiseRow, read_decisions,
    read_people_file, read_promises,
};
use crate::state::State;

use super::RunError;

/// Tonight's people's files, read from the folder or from the kept copies.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// Promises to pay.
    pub promises: Vec<PromiseRow>,
    /// The promises of the copy kept before tonight (the file as last
    /// read): a line edited since into one matching nothing still holds
    /// formal notices for a night (dunning_input::edited).
    pub previous_promises: Vec<PromiseRow>,
    /// Decisions; `None` when `decisions.csv` is missing and no copy is kept
    /// (nothing people decided changes tonight).
    pub decisions: Option<Vec<Decision>>,
    /// The files in the folder tonight, with their bytes, to keep.
    present: Vec<(&'static str, Vec<u8>)>,
    /// The files missing (or empty) tonight, each worth an alert.
    absent: Vec<Absent>,
}

/// A people's file not read from the folder tonight, and worth saying so.
#[derive(Debug, Clone)]
struct Absent {
    name: &'static str,
    /// There but 0 bytes (else not there at all).
    empty: bool,
    /// The night of the copy read instead; `None`: no copy kept yet.
    copy: Option<String>,
}

/// Where a people's file's bytes came from tonight.
enum Source {
    /// The client folder.
    Folder(Vec<u8>),
    /// The copy kept on that night.
    Copy(String, Vec<u8>),
    /// Neither: the file was never read.
    Nowhere,
}

impl People {
    /// Reads both files from `dir`, a missing one from the copy in `state`.
    pub fn load(dir: &Path, state: &State) -> Result<People, RunError> {
        let mut people = People::default();
        // Read before tonight's copy replaces it; a copy an earlier release
        // read but this one refuses holds nothing.
        if let Some(kept) = state.kept_people_file(PROMISES_FILE)? {
            let path = copy_path(dir, PROMISES_FILE, &kept.night);
            people.previous_promises = read_promises(&kept.bytes, &path).unwrap_or_default();
        }
        people.promises = people
            .read(dir, state, PROMISES_FILE, read_promises)?
            .unwrap_or_default();
        people.decisions = people.read(dir, state, DECISIONS_FILE, read_decisions)?;
        Ok(people)
    }

    /// The rows of `name`, from the folder or the kept copy; `None` when
    /// there is neither.
    fn read<T>(
        &mut self,
        dir: &Path,
        state: &State,
        name: &'static str,
        parse: impl FnOnce(&[u8], &Path) -> Result<Vec<T>, LedgerError>,
    ) -> Result<Option<Vec<T>>, RunError> {
        let (source, empty) = match read_people_file(dir, name)? {
            PeopleFile::Read(bytes) => (Source::Folder(bytes), false),
            absent @ (PeopleFile::Missing | PeopleFile::Empty) => (
                match state.kept_people_file(name)? {
                    Some(kept) => Source::Copy(kept.night, kept.bytes),
                    None => Source::Nowhere,
                },
                absent == PeopleFile::Empty,
            ),
        };
        Ok(match source {
            Source::Folder(bytes) => {
                let rows = parse(&bytes, &dir.join(name))?;
                self.present.push((name, bytes));
                Some(rows)
            }
            Source::Copy(night, bytes) => {
                let rows = parse(&bytes, &copy_path(dir, name, &night))?;
                self.absent.push(Absent {
                    name,
                    empty,
                    copy: Some(night),
                });
                Some(rows)
            }
            Source::Nowhere => {
                if empty || state.people_file_used_before(name)? {
                    self.absent.push(Absent {
                        name,
                        empty,
                        copy: None,
                    });
                }
                None
            }
        })
    }

    /// How tonight's `decision_rejected` alerts name `decisions.csv`: the
    /// client folder's file, or its copy on a night it is missing.
    pub fn decisions_file(&self, dir: &Path) -> PathBuf {
        self.absent
            .iter()
            .find(|a| a.name == DECISIONS_FILE)
            .and_then(|a| a.copy.as_deref())
            .map_or_else(
                || dir.join(DECISIONS_FILE),
                |night| copy_path(dir, DECISIONS_FILE, night),
            )
    }

    /// Keeps tonight's files in state (in the night's transaction).
    pub fn keep(&self, conn: &rusqlite::Connection, run_date: &str) -> rusqlite::Result<()> {
        for (name, bytes) in &self.present {
            crate::state::people_files::keep(conn, name, run_date, bytes)?;
        }
        Ok(())
    }

    /// One `people_file_missing` per file missing or empty tonight and read
    /// from its copy (or with no copy kept yet, when state shows it was
    /// used): a condition of tonight (its key names the night), so it is
    /// new in each night's `alerts.csv` while the file is missing, and
    /// leaves `open_items.csv` the night the file is back.
    pub fn missing_alerts(&self, run_date: &str) -> Vec<Alert> {
        self.absent
            .iter()
            .map(|a| {
                let name = a.name;
                let decisions = name == DECISIONS_FILE;
                let what = if a.empty {
                    format!(
                        "{name} is empty (0 bytes) in the client folder tonight, \
                         the usual leftover of a copy that failed"
                    )
                } else {
                    format!("{name} is not in the client folder tonight")
                };
                let to_remove = if decisions {
                    "to remove every row"
                } else {
                    "to lift every promise"
                };
                let tonight = match &a.copy {
                    Some(night) => format!(
                        "the copy kept from {night} (the last night it was there) is used \
                         unchanged; {}",
                        if decisions {
                            "its rows are applied as if the file were there"
                        } else {
                            "its promises still hold and are judged as usual"
                        }
                    ),
                    None => format!(
                        "no copy of it is kept yet (copies are kept from the first night \
                         under this release the file is there), though it was used before: {}",
                        if decisions {
                            "none of its rows is applied tonight (money a waiting row is for \
                             may be matched automatically); what people decided before \
                             stays as it is"
                        } else {
                            "no promise holds tonight (a customer who promised to pay may \
                             be chased)"
                        }
                    ),
                };
                Alert::new(
                    AlertKind::PeopleFileMissing,
                    &format!("{name}:{run_date}"),
                    format!(
                        "{what}: {tonight}. Put the file back; {to_remove}, leave its header \
                         line alone in it"
                    ),
                )
            })
            .collect()
    }
}

/// How errors name a kept copy: `decisions.csv (copy kept from 2026-11-03)`
/// in the client folder.
fn copy_path(dir: &Path, name: &str, night: &str) -> PathBuf {
    dir.join(format!("{name} (copy kept from {night})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, State) {
        let dir = tempfile::tempdir().unwrap();
        let state = State::open(&dir.path().join(".pointage")).unwrap();
        (dir, state)
    }

    const PROMISES: &[u8] = b"customer_id;invoice_id;promised_date\nC1;F-1;2026-12-15\n";

    #[test]
    fn a_missing_file_reads_the_kept_copy_and_says_so() {
        let (dir, mut state) = folder();
        let c = dir.path();
        std::fs::write(c.join(PROMISES_FILE), PROMISES).unwrap();
        let tonight = People::load(c, &state).unwrap();
        assert_eq!(tonight.promises.len(), 1);
        assert_eq!(tonight.decisions, None);
        assert!(tonight.missing_alerts("2026-11-02").is_empty());
        tonight.keep(state.conn(), "2026-11-02").unwrap();

        std::fs::remove_file(c.join(PROMISES_FILE)).unwrap();
        let next = People::load(c, &state).unwrap();
        assert_eq!(next.promises, tonight.promises);
        let alerts = next.missing_alerts("2026-11-03");
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].key, "people_file_missing:promises.csv:2026-11-03");
        assert!(
            alerts[0].message.contains("copy kept from 2026-11-02"),
            "{}",
            alerts[0].message
        );
        // Nothing new to keep: the copy stays the one of its night.
        next.keep(state.conn(), "2026-11-03").unwrap();
        let kept = state.kept_people_file(PROMISES_FILE).unwrap().unwrap();
        assert_eq!(
            (kept.night.as_str(), kept.bytes.as_slice()),
            ("2026-11-02", PROMISES)
        );
    }

    #[test]
    fn a_header_alone_is_kept_as_no_rows() {
        let (dir, mut state) = folder();
        let c = dir.path();
        std::fs::write(c.join(DECISIONS_FILE), "entry_id;invoice_id;decision\n").unwrap();
        let tonight = People::load(c, &state).unwrap();
        assert_eq!(tonight.decisions, Some(Vec::new()));
        tonight.keep(state.conn(), "2026-11-02").unwrap();
        std::fs::remove_file(c.join(DECISIONS_FILE)).unwrap();
        let next = People::load(c, &state).unwrap();
        assert_eq!(next.decisions, Some(Vec::new()));
        assert_eq!(next.missing_alerts("2026-11-03").len(), 1);
    }

    #[test]
    fn an_error_in_the_copy_names_it() {
        let (dir, mut state) = folder();
        let c = dir.path();
        crate::state::people_files::keep(
            state.conn(),
            DECISIONS_FILE,
            "2026-11-03",
            b"entry_id;invoice_id;decision\nE1;F-1;maybe\n",
        )
        .unwrap();
        let Err(RunError::PeopleInput(e)) = People::load(c, &state) else {
            panic!("no error");
        };
        assert_eq!((e.line, e.column.as_deref()), (2, Some("decision")));
        let said = e.to_string();
        assert!(
            said.contains("decisions.csv (copy kept from 2026-11-03)"),
            "{said}"
        );
    }
}
