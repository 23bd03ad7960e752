//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the
//! parsers on every CI run: each input must give a result or a typed error,
//! never a panic. (`cargo fuzz` itself runs by hand; see BENCHMARKS.md.)

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(target: &str, f: impl Fn(&[u8], &Path)) -> usize {
    let files = corpus(target);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&bytes, file)));
        assert!(outcome.is_ok(), "{} panicked", file.display());
    }
    files.len()
}

#[test]
fn cfonb120_corpus_never_panics() {
    replay("cfonb120", |b, p| {
        let _ = pointage::formats::cfonb120::parse(b, p);
    });
}

#[test]
fn camt_corpus_never_panics() {
    replay("camt", |b, p| {
        let _ = pointage::formats::camt::parse(b, p);
    });
}

#[test]
fn invoices_csv_corpus_never_panics() {
    replay("invoices_csv", |b, p| {
        let _ = pointage::ledger::read_invoices(b, p);
        let _ = pointage::ledger::read_customers(b, p);
    });
}
