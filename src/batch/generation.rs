//! Which batch summary is the newest: every `OUT/batch-summary*.csv` carries
//! a `generation`, one more than the highest among the summaries already in
//! OUT when it is written. A batch over every client, then one shard run
//! again after a fix, then another shard count: each client's latest status
//! is the one of its highest generation, whatever the files are called.
//!
//! A counter read from OUT, not a clock: shards run on several machines
//! whose clocks may differ, and the summaries of one run stay the same bytes
//! whatever the number of threads. Summaries written before the column
//! existed count as generation 0.

use std::fs;
use std::path::Path;

/// The column (and JSON field) holding the generation.
pub const COLUMN: &str = "generation";

/// The names of the batch summaries (`batch-summary*.csv`) in `out`, sorted.
pub fn summary_files(out: &Path) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(out)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("batch-summary") && n.ends_with(".csv"))
        .collect();
    names.sort();
    Ok(names)
}

/// The generation a summary's rows carry: the first row's `generation`, 0
/// when the file has none (an older release's, or no client row).
pub fn of_rows(headers: &csv::StringRecord, first: Option<&csv::StringRecord>) -> u64 {
    headers
        .iter()
        .position(|h| h == COLUMN)
        .and_then(|i| first?.get(i)?.trim().parse().ok())
        .unwrap_or(0)
}

fn of_file(path: &Path) -> u64 {
    let Ok(mut r) = csv::Reader::from_path(path) else {
        return 0;
    };
    let Ok(headers) = r.headers().cloned() else {
        return 0;
    };
    let first = r.records().next().and_then(Result::ok);
    of_rows(&headers, first.as_ref())
}

/// The generation of a summary written now into `out` as `own` (its file
/// name): one more than the highest among the *other* summaries there (1
/// in an empty or new OUT). The file it replaces does not count, so the
/// same batch run again over the same OUT writes the same bytes, and is
/// still newer than every other summary. A file that cannot be read
/// counts as 0: it is `pointage firm`'s to complain about.
pub fn next(out: &Path, own: &str) -> u64 {
    summary_files(out)
        .unwrap_or_default()
        .iter()
        .filter(|n| n.as_str() != own)
        .map(|n| of_file(&out.join(n)))
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_summary_written_is_newer_than_the_others_and_a_rerun_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let whole = "batch-summary.csv";
        let shard = "batch-summary.0-of-2.csv";
        assert_eq!(next(&dir.path().join("absent"), whole), 1);
        assert_eq!(next(dir.path(), whole), 1);
        // An older release's summary, without the column: generation 0.
        fs::write(dir.path().join(whole), "client,status\nacme,failed\n").unwrap();
        assert_eq!(next(dir.path(), shard), 1);
        fs::write(
            dir.path().join(shard),
            "client,status,generation\nacme,done,4\n",
        )
        .unwrap();
        fs::write(dir.path().join("other.csv"), "generation\n9\n").unwrap();
        assert_eq!(next(dir.path(), whole), 5);
        // The same shard run again replaces its own file: the same number,
        // so the same bytes.
        assert_eq!(next(dir.path(), shard), 1);
    }
}
