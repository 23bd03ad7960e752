//! `cleared_gaps` in client.toml clears what its account raised by the
//! first night the value was there — never a gap found later: a statement
//! missing after the clear raises `sequence_gap` again and holds the formal
//! notices until it arrives (as after a `clear_gap` decision).

use std::fs;
use std::path::Path;

use crate::support::{IBAN, camt, csv_rows, run_night};

const INVOICES: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;Alpha SAS;2026-09-01;2026-10-01;700,00\n\
F-2;C2;Beta SARL;2026-09-15;2026-10-15;250,00\n";

fn statement(client: &Path, id: &str, seq: u32, day: &str) {
    let s = camt(false, id, seq, IBAN, day, day, None, &[]);
    fs::write(client.join(format!("statements/{id}.xml")), s).unwrap();
}

/// Tonight's (customer, step) rows, new alert kinds, open alert kinds.
type Night = (Vec<(String, String)>, Vec<String>, Vec<String>);

fn night(dir: &Path, client: &Path, date: &str) -> Night {
    let out = dir.join(date);
    let o = run_night(client, date, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let kinds = |file: &str| -> Vec<String> {
        csv_rows(&out.join(file))[1..]
            .iter()
            .map(|r| r[0].clone())
            .collect()
    };
    let steps = csv_rows(&out.join("dunning.csv"))[1..]
        .iter()
        .map(|r| (r[2].clone(), r[4].clone()))
        .collect();
    (steps, kinds("alerts.csv"), kinds("open_items.csv"))
}

fn step(customer: &str, step: &str) -> (String, String) {
    (customer.to_string(), step.to_string())
}

#[test]
fn a_gap_found_after_cleared_gaps_was_set_holds_formal_notices_again() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("c5");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(client.join("invoices.csv"), INVOICES).unwrap();
    // Statement 2 is missing: F-1's formal notice (+30) is held.
    statement(&client, "SA", 1, "2026-10-29");
    statement(&client, "SC", 3, "2026-10-30");
    let (steps, alerts, _) = night(dir.path(), &client, "2026-11-02");
    assert!(alerts.contains(&"sequence_gap".to_string()), "{alerts:?}");
    assert!(!steps.contains(&step("C1", "formal_notice")), "{steps:?}");

    // A person checked with the bank and clears the account.
    fs::write(
        client.join("client.toml"),
        format!("[dunning]\ncleared_gaps = [\"{IBAN}\"]\n"),
    )
    .unwrap();
    let (steps, _, open) = night(dir.path(), &client, "2026-11-03");
    assert!(steps.contains(&step("C1", "formal_notice")), "{steps:?}");
    assert!(!open.contains(&"sequence_gap".to_string()), "{open:?}");

    // Later, statement 4 goes missing (5 arrives): a new gap, raised and
    // holding F-2's formal notice (due +30 = 11-14) though the line stays.
    statement(&client, "SE", 5, "2026-11-13");
    let (steps, alerts, open) = night(dir.path(), &client, "2026-11-16");
    assert_eq!(alerts, ["sequence_gap"], "{alerts:?}");
    assert!(open.contains(&"sequence_gap".to_string()), "{open:?}");
    let message = &csv_rows(&dir.path().join("2026-11-16/alerts.csv"))[1][8];
    assert!(
        message.contains("statement number 5 follows 3"),
        "{message}"
    );
    assert!(!steps.contains(&step("C2", "formal_notice")), "{steps:?}");

    // Statement 4 arrives: the gap is filled and the formal notice goes out.
    statement(&client, "SD", 4, "2026-11-06");
    let (steps, _, open) = night(dir.path(), &client, "2026-11-17");
    assert!(!open.contains(&"sequence_gap".to_string()), "{open:?}");
    assert!(steps.contains(&step("C2", "formal_notice")), "{steps:?}");
}

/// The formal-notice rows of tonight's `dunning.csv`.
fn formal(steps: &[(String, String)]) -> Vec<&(String, String)> {
    steps.iter().filter(|s| s.1 == "formal_notice").collect()
}

#[test]
fn a_value_there_from_the_first_night_clears_the_gap_found_that_night() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("c6");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(client.join("invoices.csv"), INVOICES).unwrap();
    // The account was cleared before pointage ever saw the gap (set in an
    // earlier release, which never stored it, or from the first night).
    fs::write(
        client.join("client.toml"),
        format!("[dunning]\ncleared_gaps = [\"{IBAN}\"]\n"),
    )
    .unwrap();
    statement(&client, "SA", 1, "2026-10-29");
    statement(&client, "SC", 3, "2026-10-30");
    let (steps, alerts, open) = night(dir.path(), &client, "2026-11-02");
    assert!(!alerts.contains(&"sequence_gap".to_string()), "{alerts:?}");
    assert!(!open.contains(&"sequence_gap".to_string()), "{open:?}");
    assert_eq!(formal(&steps), [&step("C1", "formal_notice")], "{steps:?}");
    // A gap found on a later night is raised, as before.
    statement(&client, "SE", 5, "2026-11-13");
    let (_, alerts, _) = night(dir.path(), &client, "2026-11-16");
    assert_eq!(alerts, ["sequence_gap"], "{alerts:?}");
}

#[test]
fn a_clear_gap_line_clears_the_gap_found_the_night_it_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("c7");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(client.join("invoices.csv"), INVOICES).unwrap();
    fs::write(
        client.join("decisions.csv"),
        format!("entry_id,invoice_id,decision,amount,note\n{IBAN},,clear_gap,,checked\n"),
    )
    .unwrap();
    statement(&client, "SA", 1, "2026-10-29");
    statement(&client, "SC", 3, "2026-10-30");
    let (steps, alerts, open) = night(dir.path(), &client, "2026-11-02");
    assert!(!alerts.contains(&"sequence_gap".to_string()), "{alerts:?}");
    assert!(!open.contains(&"sequence_gap".to_string()), "{open:?}");
    assert_eq!(formal(&steps), [&step("C1", "formal_notice")], "{steps:?}");
    // And stays cleared on later nights.
    let (_, alerts, open) = night(dir.path(), &client, "2026-11-03");
    assert!(alerts.is_empty() && open.is_empty(), "{alerts:?} {open:?}");
}
