//! Golden multi-night dunning scenarios (fixtures/dunning/README.md).
//!
//! Each `fixtures/dunning/<scenario>/` lists its run dates in `nights.txt`;
//! `nights/<date>/` holds what changes that night (invoices.csv, customers.csv,
//! new statement files, promises.csv, client.toml) and is copied over the
//! client folder before `pointage run` for that date; `expected/<date>/`
//! holds the `dunning.csv` and `alerts.csv` that night must produce.
//! `UPDATE_GOLDEN=1` rewrites the expected files (review them before
//! committing: they are the collections manager's expectations, not a
//! snapshot of whatever the code did).
//!
//! Beyond the files, every scenario checks: no step is ever sent twice for an
//! invoice across nights (a return path's steps once per return), and rerunning a committed night gives the same
//! `dunning.csv` byte for byte (same action ids).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{csv_rows, run_night};

/// The client folder name: part of every action id, so fixed.
const CLIENT: &str = "golden";

/// Steps of a return path: sent again (once) after a new return of the invoice.
const RETURN_PATH_STEPS: [&str; 6] = [
    "return_call",
    "return_letter",
    "return_second_letter",
    "new_details_letter",
    "dispute_call",
    "full_balance_demand",
];

fn scenarios_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dunning")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = fs::read_dir(from).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        let target = to.join(e.file_name());
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            fs::copy(&p, &target).unwrap();
        }
    }
}

fn nights(scenario: &Path) -> Vec<String> {
    let list = fs::read_to_string(scenario.join("nights.txt"))
        .unwrap_or_else(|e| panic!("{}: nights.txt: {e}", scenario.display()));
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Compares (or with `UPDATE_GOLDEN=1` writes) one expected file; returns a
/// description of the difference, if any.
fn check(got: &Path, want: &Path) -> Option<String> {
    let got_bytes = fs::read(got).unwrap_or_else(|e| panic!("{}: {e}", got.display()));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(want.parent().unwrap()).unwrap();
        fs::write(want, &got_bytes).unwrap();
        return None;
    }
    let want_bytes = fs::read(want).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            want.display()
        )
    });
    (got_bytes != want_bytes).then(|| {
        format!(
            "{} differs from {}:\n--- got\n{}\n--- want\n{}",
            got.display(),
            want.display(),
            String::from_utf8_lossy(&got_bytes),
            String::from_utf8_lossy(&want_bytes)
        )
    })
}

/// Runs one scenario night by night; returns the differences found.
fn run_scenario(scenario: &Path) -> Vec<String> {
    let name = scenario.file_name().unwrap().to_string_lossy().into_owned();
    let tmp = tempfile::tempdir().unwrap();
    let client = tmp.path().join(CLIENT);
    fs::create_dir_all(client.join("statements")).unwrap();
    let mut diffs = Vec::new();
    // (invoice, step) → the night it was sent.
    let mut sent: BTreeMap<(String, String), String> = BTreeMap::new();
    let dates = nights(scenario);
    assert!(!dates.is_empty(), "{name}: no nights");
    for date in &dates {
        let changes = scenario.join("nights").join(date);
        if changes.is_dir() {
            copy_tree(&changes, &client);
        }
        let out = tmp.path().join("out").join(date);
        let o = run_night(&client, date, &out, &[]);
        assert!(
            o.status.success(),
            "{name} {date}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let expected = scenario.join("expected").join(date);
        for file in ["dunning.csv", "alerts.csv"] {
            diffs.extend(check(&out.join(file), &expected.join(file)));
        }

        // A new return of an invoice opens a new return path: its steps may
        // be sent again, once.
        let alerts = csv_rows(&out.join("alerts.csv"));
        let (kind, invoice) = (
            alerts[0].iter().position(|h| h == "kind").unwrap(),
            alerts[0].iter().position(|h| h == "invoice_id").unwrap(),
        );
        for a in alerts[1..]
            .iter()
            .filter(|a| a[kind] == "direct_debit_returned")
        {
            sent.retain(|(id, step), _| {
                !(id == &a[invoice] && RETURN_PATH_STEPS.contains(&step.as_str()))
            });
        }

        let rows = csv_rows(&out.join("dunning.csv"));
        let header = &rows[0];
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        let (step, ids) = (col("step"), col("invoice_ids"));
        for r in &rows[1..] {
            for id in r[ids].split('|') {
                let key = (id.to_string(), r[step].clone());
                if let Some(first) = sent.insert(key, date.clone()) {
                    diffs.push(format!(
                        "{name}: step {} sent twice for invoice {id}: nights {first} and {date}",
                        r[step]
                    ));
                }
            }
        }
    }
    // Rerunning any committed night gives the same dunning.csv.
    for date in &dates {
        let again = tmp.path().join("again").join(date);
        let o = run_night(&client, date, &again, &[]);
        assert!(o.status.success(), "{name} rerun {date}");
        let first = fs::read(tmp.path().join("out").join(date).join("dunning.csv")).unwrap();
        if fs::read(again.join("dunning.csv")).unwrap() != first {
            diffs.push(format!("{name}: rerun of {date} changed dunning.csv"));
        }
    }
    diffs
}

#[test]
fn golden_dunning_scenarios() {
    let root = scenarios_root();
    let mut scenarios: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("nights.txt").is_file())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 10, "scenarios: {scenarios:?}");
    let diffs: Vec<String> = scenarios.iter().flat_map(|s| run_scenario(s)).collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n\n"));
}
