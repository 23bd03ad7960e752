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
//!
//! Below them, single rules over a few nights (a broken promise, a customer's
//! lateness), asserted on the rows and alerts a person reads.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, csv_rows, run_night, statement_night};

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

// Single rules over a few nights, asserted on the rows a person reads.

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

/// Tonight's rows of `file` as column → value maps.
fn records(out: &Path, file: &str) -> Vec<BTreeMap<String, String>> {
    let rows = csv_rows(&out.join(file));
    rows[1..]
        .iter()
        .map(|r| rows[0].iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// `step invoice_ids amount_due` of every dunning row of `customer`.
fn dunning_of(out: &Path, customer: &str) -> Vec<String> {
    records(out, "dunning.csv")
        .iter()
        .filter(|r| r["customer_id"] == customer)
        .map(|r| format!("{} {} {}", r["step"], r["invoice_ids"], r["amount_due"]))
        .collect()
}

/// `invoice_id amount` of every `broken_promise` alert of `customer`.
fn broken_promises(out: &Path, customer: &str) -> Vec<String> {
    records(out, "alerts.csv")
        .iter()
        .filter(|r| r["kind"] == "broken_promise" && r["customer_id"] == customer)
        .map(|r| format!("{} {}", r["invoice_id"], r["amount"]))
        .collect()
}

#[test]
fn a_broken_promise_resumes_only_what_is_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    // C1 promises to pay everything by 03-10; C2 promises F-3 by 03-10,
    // though F-3 is only due on 03-31.
    fs::write(
        root.join("c/promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,,2026-03-10\nC2,F-3,2026-03-10\n",
    )
    .unwrap();
    let f1 = "F-1;C1;Alpha;2026-01-01;2026-02-20;1000,00;1000,00;EUR;;transfer;\n\
              F-3;C2;Beta;2026-03-01;2026-03-31;400,00;400,00;EUR;;transfer;\n";
    let out = statement_night(root, HEADER, f1, 1, "2026-03-02", &[]);
    assert_eq!(dunning_of(&out, "C1"), Vec::<String>::new());
    // F-2 is issued after the promise, due 04-30. The promises break (grace
    // ended 03-13): C1's overdue F-1 resumes at once; F-2 is owed nothing
    // yet, so no reminder and not in the alert; nor is C2's F-3.
    let f2 = format!("{f1}F-2;C1;Alpha;2026-03-12;2026-04-30;700,00;700,00;EUR;;transfer;\n");
    let out = statement_night(root, HEADER, &f2, 2, "2026-03-16", &[]);
    assert_eq!(dunning_of(&out, "C1"), ["phone_call F-1 1000.00"]);
    assert_eq!(broken_promises(&out, "C1"), ["F-1 1000.00"]);
    assert_eq!(dunning_of(&out, "C2"), Vec::<String>::new());
    assert_eq!(broken_promises(&out, "C2"), Vec::<String>::new());
    // F-3 overdue on the action date (04-01): the promise counts as broken
    // now, and the plan starts with its courtesy reminder.
    let out = statement_night(root, HEADER, &f2, 3, "2026-03-31", &[]);
    assert_eq!(dunning_of(&out, "C2"), ["courtesy_reminder F-3 400.00"]);
    assert_eq!(broken_promises(&out, "C2"), ["F-3 400.00"]);
    // F-2 gets its own courtesy reminder once late (acting 05-04).
    let out = statement_night(root, HEADER, &f2, 4, "2026-04-30", &[]);
    assert!(
        dunning_of(&out, "C1").contains(&"courtesy_reminder F-2 700.00".to_string()),
        "{:?}",
        dunning_of(&out, "C1")
    );
}

#[test]
fn a_kept_promise_is_never_broken_by_an_invoice_it_did_not_cover() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    // C1 promises to pay everything by 03-10, and pays the overdue F-1 on
    // 03-09: the promise is kept.
    fs::write(
        root.join("c/promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,,2026-03-10\n",
    )
    .unwrap();
    let f1 = "F-1;C1;Alpha;2026-01-01;2026-02-20;1000,00;1000,00;EUR;;transfer;\n";
    let mut nights = vec![statement_night(root, HEADER, f1, 1, "2026-03-02", &[])];
    let pay = crate::support::paying("P-1", "2026-03-09", "1000.00", "FACTURE F-1");
    nights.push(statement_night(root, HEADER, f1, 2, "2026-03-09", &[pay]));
    // F-2 is issued on 03-12, after the promised date, due 04-30: the
    // promise never covered it. Grace ended 03-13.
    let f2 = format!("{f1}F-2;C1;Alpha;2026-03-12;2026-04-30;700,00;700,00;EUR;;transfer;\n");
    nights.push(statement_night(root, HEADER, &f2, 3, "2026-03-16", &[]));
    // F-1 paid 17 days late puts C1 on `watch`: F-2's preventive call at
    // −5 (acting 04-27), then its courtesy reminder once late (acting 05-04,
    // 05-01 being a holiday), each for its own reason.
    let out = statement_night(root, HEADER, &f2, 4, "2026-04-24", &[]);
    assert_eq!(dunning_of(&out, "C1"), ["preventive_contact F-2 700.00"]);
    nights.push(out);
    let out = statement_night(root, HEADER, &f2, 5, "2026-04-30", &[]);
    assert_eq!(dunning_of(&out, "C1"), ["courtesy_reminder F-2 700.00"]);
    let rows = records(&out, "dunning.csv");
    assert_eq!(
        rows[0]["reason"],
        "4 days overdue (due 2026-04-30); plan watch (paid 17 days late on average over 1 invoices)"
    );
    nights.push(out);
    nights.push(statement_night(root, HEADER, &f2, 6, "2026-05-04", &[]));
    for out in &nights {
        assert_eq!(broken_promises(out, "C1"), Vec::<String>::new(), "{out:?}");
    }
}

#[test]
fn a_credit_note_netted_off_a_payment_is_not_paid_late() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // F-1 paid 3 days late, net of a credit note dated (and due) 91 days
    // before: the customer pays nearly on time and stays on `default`.
    let invoices = "F-1;C1;Alpha;2026-01-26;2026-02-27;1000,00;1000,00;EUR;;transfer;\n\
                    AV-1;C1;Alpha;2025-12-01;2025-12-01;-100,00;-100,00;EUR;;transfer;\n\
                    F-2;C1;Alpha;2026-02-20;2026-03-20;500,00;500,00;EUR;;transfer;\n";
    let pay = Ntry {
        reference: "P1",
        date: "2026-03-02",
        code: "RCDT/ESCT",
        amount: "900.00",
        txs: vec![Tx {
            amount: "900.00",
            text: Some("FACTURE F-1 AVOIR AV-1"),
            ..Tx::default()
        }],
    };
    let out = statement_night(root, HEADER, invoices, 1, "2026-03-02", &[pay]);
    let settled: Vec<String> = records(&out, "invoice_status.csv")
        .iter()
        .map(|r| format!("{} {}", r["invoice_id"], r["open_after"]))
        .collect();
    assert!(settled.contains(&"F-1 0.00".to_string()), "{settled:?}");
    assert!(settled.contains(&"AV-1 0.00".to_string()), "{settled:?}");
    // No preventive call five days before F-2's due date (`watch` only).
    let out = statement_night(root, HEADER, invoices, 2, "2026-03-13", &[]);
    assert_eq!(dunning_of(&out, "C1"), Vec::<String>::new());
    let out = statement_night(root, HEADER, invoices, 3, "2026-03-20", &[]);
    let rows = records(&out, "dunning.csv");
    assert_eq!(dunning_of(&out, "C1"), ["courtesy_reminder F-2 500.00"]);
    assert!(
        rows[0]["reason"].contains("plan default (pays on time)"),
        "{}",
        rows[0]["reason"]
    );
}
