//! Finding the clients of a firm: the direct subfolders of ROOT that hold an
//! entry named `invoices.csv` (whatever it is: a bad one fails that client's
//! run), sorted by name. Other entries are listed as skipped with a reason.
//! Names that are `.`/`..`, hidden, symlinks, or hold control characters or
//! path separators are refused: nothing may be read or written outside ROOT,
//! `--out` and the state folder. So are the names of the files the batch and
//! `pointage firm` write in OUT beside the client folders: a client
//! `batch-summary.csv` would take the summary's place.

use std::fs;
use std::path::{Path, PathBuf};

/// A client folder to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientDir {
    /// The folder name, the client's id.
    pub id: String,
    /// The folder.
    pub path: PathBuf,
}

/// An entry of ROOT that is not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's name (lossy for non-UTF-8 names).
    pub name: String,
    /// Why.
    pub reason: String,
}

/// Why a name cannot be a client id, if it cannot.
pub fn refuse_name(name: &str) -> Option<&'static str> {
    if name.is_empty() || name == "." || name == ".." {
        return Some("not a client name");
    }
    if name.starts_with('.') {
        return Some("hidden folder");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("name holds control characters");
    }
    if name.contains(['/', '\\']) {
        return Some("name holds a path separator");
    }
    let firm_files = [
        crate::reports::firm::AGED_PARQUET,
        crate::reports::firm::AGED_CSV,
        crate::reports::firm::KPIS_CSV,
        crate::reports::firm::REPORT_HTML,
    ];
    if name.starts_with("batch-summary") || firm_files.contains(&name) {
        return Some("the name of a file pointage writes in OUT");
    }
    None
}

/// Lists the clients of ROOT, sorted by id, and the entries skipped.
pub fn discover(root: &Path) -> std::io::Result<(Vec<ClientDir>, Vec<Skipped>)> {
    let mut clients = Vec::new();
    let mut skipped = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(root)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let file_type = entry.file_type()?;
        let skip = |reason: &str| Skipped {
            name: name.clone(),
            reason: reason.to_string(),
        };
        if file_type.is_symlink() {
            skipped.push(skip("symbolic link: refused"));
            continue;
        }
        if !file_type.is_dir() {
            continue;
        }
        if entry.file_name().to_str().is_none() {
            skipped.push(skip("name is not valid UTF-8"));
            continue;
        }
        if let Some(reason) = refuse_name(&name) {
            if name.starts_with('.') {
                continue;
            }
            skipped.push(skip(reason));
            continue;
        }
        // Only a folder with no `invoices.csv` entry at all is not a client.
        // One there in any form (a folder, a link that cannot be followed, a
        // loop) or a folder that cannot be searched is a client whose run
        // fails naming the file: never a client silently gone from the night.
        if let Err(e) = fs::symlink_metadata(entry.path().join("invoices.csv"))
            && e.kind() == std::io::ErrorKind::NotFound
        {
            skipped.push(skip("no invoices.csv"));
            continue;
        }
        clients.push(ClientDir {
            id: name,
            path: entry.path(),
        });
    }
    Ok((clients, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_sorted_and_others_skipped_with_a_reason() {
        let root = tempfile::tempdir().unwrap();
        for c in ["zeta", "alpha"] {
            fs::create_dir(root.path().join(c)).unwrap();
            fs::write(root.path().join(c).join("invoices.csv"), "x").unwrap();
        }
        fs::create_dir(root.path().join("archive")).unwrap();
        fs::create_dir(root.path().join(".pointage")).unwrap();
        fs::write(root.path().join("notes.txt"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.path().join("alpha"), root.path().join("link")).unwrap();
        let (clients, skipped) = discover(root.path()).unwrap();
        let ids: Vec<&str> = clients.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["alpha", "zeta"]);
        let names: Vec<(&str, &str)> = skipped
            .iter()
            .map(|s| (s.name.as_str(), s.reason.as_str()))
            .collect();
        assert!(names.contains(&("archive", "no invoices.csv")));
        #[cfg(unix)]
        assert!(names.contains(&("link", "symbolic link: refused")));
    }

    #[cfg(unix)]
    #[test]
    fn an_invoices_csv_there_in_any_form_makes_a_client() {
        let root = tempfile::tempdir().unwrap();
        let dir = |c: &str| {
            let d = root.path().join(c);
            fs::create_dir(&d).unwrap();
            d
        };
        fs::create_dir(dir("folder").join("invoices.csv")).unwrap();
        std::os::unix::fs::symlink(
            "/mnt/erp/invoices.csv",
            dir("dangling").join("invoices.csv"),
        )
        .unwrap();
        std::os::unix::fs::symlink("invoices.csv", dir("looping").join("invoices.csv")).unwrap();
        fs::write(dir("other").join("invoice.csv"), "x").unwrap();
        let (clients, skipped) = discover(root.path()).unwrap();
        let ids: Vec<&str> = clients.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["dangling", "folder", "looping"]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(
            (skipped[0].name.as_str(), skipped[0].reason.as_str()),
            ("other", "no invoices.csv")
        );
    }

    #[test]
    fn refused_names() {
        assert!(refuse_name("..").is_some());
        assert!(refuse_name("a\u{1b}[31m").is_some());
        assert!(refuse_name("a/b").is_some());
        assert!(refuse_name("dupont-sarl").is_none());
        // OUT/<client> beside the batch's and the firm's own files.
        assert!(refuse_name("batch-summary.csv").is_some());
        assert!(refuse_name("batch-summary.0-of-2.json").is_some());
        assert!(refuse_name("firm_kpis.csv").is_some());
        assert!(refuse_name("firm-report.html").is_some());
        assert!(refuse_name("firm").is_none());
    }
}
