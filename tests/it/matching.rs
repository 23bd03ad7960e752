//! `pointage match` as a user runs it, and the matcher's determinism on a
//! generated client of more than 10,000 transactions.
//!
//! Golden cases live in `fixtures/match/<case>/` (invoices.csv,
//! customers.csv, statements/*.xml, expected/matches.csv);
//! `UPDATE_GOLDEN=1 cargo test --test it matching -- --ignored` rewrites the
//! expected files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pointage::matching::{self, MatchConfig, OpenItem, Payment, output};
use pointage::synth::client::{SynthClient, generate, write_folder};

fn pointage() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pointage"))
}

fn inputs(c: &SynthClient) -> (Vec<Payment>, Vec<OpenItem>) {
    let payments = c
        .statements
        .iter()
        .flat_map(matching::payments_of_statement)
        .collect();
    let items = c.invoices.iter().map(OpenItem::from_invoice).collect();
    (payments, items)
}

#[test]
fn library_result_is_byte_identical_on_1_2_and_8_threads() {
    let c = generate(2026, 12_000, 8_000);
    let (payments, items) = inputs(&c);
    assert!(payments.len() > 10_000, "{}", payments.len());
    let mut outs = Vec::new();
    for n in [1, 2, 8] {
        let apps = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| {
                matching::reconcile(&payments, &items, &c.customers, &MatchConfig::default())
            });
        matching::check_invariants(&payments, &items, &apps).unwrap();
        outs.push(output::to_csv(&output::rows(&payments, &items, &apps)).unwrap());
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
    // The generated mix really exercises conflicts, groups and doubt.
    let text = String::from_utf8(outs.swap_remove(0)).unwrap();
    for needle in [
        ",matched,",
        ",suggested,",
        ",unapplied,",
        "already settled by entry",
        "grouped: ",
        "oldest due first",
        ",rf_reference,",
        ",mandate,",
        ",end_to_end_id,",
        "ambiguous: ",
    ] {
        assert!(text.contains(needle), "no row with {needle:?}");
    }
}

#[test]
fn a_client_folder_without_invoices_is_refused_with_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = client_dir(&tmp);
    let out = pointage()
        .args(["match"])
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invoices.csv"), "{err}");
    assert!(!dir.join("out/matches.csv").exists());
}

#[test]
fn an_output_that_cannot_be_written_exits_4() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = client_dir(&tmp);
    std::fs::write(
        dir.as_path().join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n",
    )
    .unwrap();
    let blocker = dir.as_path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let out = pointage()
        .arg("match")
        .arg(dir.as_path())
        .arg("--out")
        .arg(&blocker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn no_statements_still_writes_the_header() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = client_dir(&tmp);
    std::fs::write(
        dir.as_path().join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n",
    )
    .unwrap();
    let out_dir = dir.as_path().join("out");
    let out = pointage()
        .arg("match")
        .arg(dir.as_path())
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = std::fs::read_to_string(out_dir.join("matches.csv")).unwrap();
    assert_eq!(
        got,
        "statement_id,entry_id,booking_date,value_date,amount,currency,counterparty_name,counterparty_iban,remittance,invoice_id,customer_id,applied_amount,writeoff_amount,writeoff_kind,rule,confidence,status,evidence,account\n"
    );
}

fn run_match(client: &Path, out: &Path, threads: &str) -> Vec<u8> {
    let res = pointage()
        .arg("match")
        .arg(client)
        .arg("--out")
        .arg(out)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    std::fs::read(out.join("matches.csv")).unwrap()
}

#[test]
fn cli_result_is_byte_identical_on_1_2_and_8_threads() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("synth");
    write_folder(&client, &generate(2026, 12_000, 8_000)).unwrap();
    let one = run_match(&client, &dir.path().join("o1"), "1");
    let two = run_match(&client, &dir.path().join("o2"), "2");
    let eight = run_match(&client, &dir.path().join("o8"), "8");
    assert!(one.len() > 1_000_000, "suspiciously small: {}", one.len());
    assert_eq!(one, two);
    assert_eq!(one, eight);
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/match");
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("invoices.csv").is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn golden_client_folders() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let cases = cases();
    assert!(cases.len() >= 5, "{cases:?}");
    let mut failed = Vec::new();
    for case in cases {
        let out = tempfile::tempdir().unwrap();
        let got = run_match(&case, out.path(), "2");
        let want_path = case.join("expected/matches.csv");
        if update {
            std::fs::create_dir_all(case.join("expected")).unwrap();
            std::fs::write(&want_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read(&want_path).unwrap_or_default();
        if got != want {
            eprintln!(
                "--- {} differs\n--- got:\n{}",
                case.display(),
                String::from_utf8_lossy(&got)
            );
            failed.push(case);
        }
    }
    assert!(
        failed.is_empty(),
        "golden mismatch: {failed:?} (UPDATE_GOLDEN=1 to accept)"
    );
}

type Reconcile = fn(
    &[Payment],
    &[OpenItem],
    &BTreeMap<String, pointage::ledger::Customer>,
    &MatchConfig,
) -> Vec<matching::Application>;

#[test]
fn reconcile_keeps_the_signature_other_stages_call() {
    // Compile-time guard for the public API.
    let f: Reconcile = matching::reconcile;
    let _ = f;
}

/// A client folder with a plain name inside a temporary folder (temporary
/// folders start with a dot, which a client id may not).
fn client_dir(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let d = tmp.path().join("client");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_statement_in_two_files_brings_its_money_once() {
    let tmp = tempfile::tempdir().unwrap();
    let src = cases()
        .into_iter()
        .find(|c| c.ends_with("structured_refs"))
        .unwrap();
    let dir = client_dir(&tmp);
    std::fs::copy(src.join("invoices.csv"), dir.join("invoices.csv")).unwrap();
    std::fs::copy(src.join("customers.csv"), dir.join("customers.csv")).unwrap();
    std::fs::create_dir_all(dir.join("statements")).unwrap();
    for f in std::fs::read_dir(src.join("statements")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&f, dir.join("statements").join(&name)).unwrap();
        std::fs::copy(&f, dir.join("statements").join(format!("copy-{name}"))).unwrap();
    }
    let once = run_match(&src, &tmp.path().join("once"), "2");
    let twice = run_match(&dir, &tmp.path().join("twice"), "2");
    assert_eq!(once, twice);
}

/// Copies a golden case's inputs into a fresh client folder.
fn copy_case(case: &str, tmp: &tempfile::TempDir) -> PathBuf {
    let src = cases().into_iter().find(|c| c.ends_with(case)).unwrap();
    let dir = client_dir(tmp);
    std::fs::copy(src.join("invoices.csv"), dir.join("invoices.csv")).unwrap();
    std::fs::copy(src.join("customers.csv"), dir.join("customers.csv")).unwrap();
    std::fs::create_dir_all(dir.join("statements")).unwrap();
    for f in std::fs::read_dir(src.join("statements")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.join("statements").join(f.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn match_honours_the_matching_settings_of_client_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_case("structured_refs", &tmp);
    let defaults = String::from_utf8(run_match(&dir, &tmp.path().join("d"), "2")).unwrap();
    assert!(defaults.contains(",payer_iban,0.95,matched,"), "{defaults}");
    // Only certainty is applied automatically: the 0.95 match becomes a
    // suggestion, the RF reference (1.00) stays matched.
    std::fs::write(
        dir.join("client.toml"),
        "[matching]\nauto_threshold = 1.0\n",
    )
    .unwrap();
    let strict = String::from_utf8(run_match(&dir, &tmp.path().join("s"), "2")).unwrap();
    assert!(!strict.contains(",0.95,matched,"), "{strict}");
    assert!(strict.contains(",payer_iban,0.95,suggested,"), "{strict}");
    assert!(strict.contains(",rf_reference,1.00,matched,"), "{strict}");
    // A bad setting is refused with the file and the key: a configuration
    // error, exit 2, as for `pointage run`.
    std::fs::write(dir.join("client.toml"), "[matching]\nauto_treshold = 1.0\n").unwrap();
    let res = pointage()
        .arg("match")
        .arg(&dir)
        .arg("--out")
        .arg(tmp.path().join("bad"))
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("client.toml") && err.contains("auto_treshold"),
        "{err}"
    );
}
