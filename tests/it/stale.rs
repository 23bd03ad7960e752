//! Statements that stop arriving (`stale_statements`): formal notices wait,
//! a person's clear releases them for that stop only, and a client with no
//! statement at all is held until cleared with `*`. The golden scenario
//! `fixtures/dunning/stale_statements` shows the hold sparing a customer
//! who paid in the statement that came late.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{IBAN, camt, csv_rows, run_night};

const INVOICES: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;Dupont SARL;2026-01-01;2026-02-01;500,00\n";

fn client(dir: &Path) -> PathBuf {
    let client = dir.join("c");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(client.join("invoices.csv"), INVOICES).unwrap();
    client
}

fn statement(client: &Path, seq: u32, day: &str) {
    let s = camt(false, &format!("S{seq}"), seq, IBAN, day, day, None, &[]);
    fs::write(client.join(format!("statements/{day}.xml")), s).unwrap();
}

/// Tonight's dunning steps, new alert kinds and open alert kinds.
fn night(dir: &Path, client: &Path, date: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let out = dir.join(date);
    let o = run_night(client, date, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let column = |file: &str, i: usize| -> Vec<String> {
        csv_rows(&out.join(file))[1..]
            .iter()
            .map(|r| r[i].clone())
            .collect()
    };
    (
        column("dunning.csv", 4),
        column("alerts.csv", 0),
        column("open_items.csv", 0),
    )
}

fn formal(steps: &[String]) -> bool {
    steps
        .iter()
        .any(|s| s == "formal_notice" || s == "litigation_handover")
}

#[test]
fn a_client_with_no_statement_gets_no_formal_notice_until_cleared_for_every_account() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(dir.path());
    // F-1 is 29 days overdue: its formal notice (+30) is due for tomorrow.
    let (steps, alerts, _) = night(dir.path(), &client, "2026-03-02");
    assert_eq!(steps, ["phone_call"], "the lower steps still go out");
    assert_eq!(alerts, ["stale_statements"]);
    let message = &csv_rows(&dir.path().join("2026-03-02/alerts.csv"))[1][8];
    assert!(
        message.starts_with("no bank statement (camt.053 or CFONB 120) imported yet"),
        "{message}"
    );

    // Clearing one account does not clear a client with none.
    fs::write(
        client.join("client.toml"),
        format!("[dunning]\ncleared_gaps = [\"{IBAN}\"]\n"),
    )
    .unwrap();
    let (steps, _, open) = night(dir.path(), &client, "2026-03-03");
    assert!(!formal(&steps), "{steps:?}");
    assert!(open.contains(&"stale_statements".to_string()), "{open:?}");

    fs::write(
        client.join("client.toml"),
        "[dunning]\ncleared_gaps = [\"*\"]\n",
    )
    .unwrap();
    let (steps, _, open) = night(dir.path(), &client, "2026-03-04");
    assert_eq!(steps, ["formal_notice"]);
    assert!(!open.contains(&"stale_statements".to_string()), "{open:?}");
}

#[test]
fn statements_that_stop_again_after_a_cleared_stop_hold_the_next_step_again() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(dir.path());
    statement(&client, 1, "2026-03-02");
    // Nothing after Monday 03-02: 03-03 to 03-06 not covered.
    let (steps, alerts, _) = night(dir.path(), &client, "2026-03-09");
    assert!(!formal(&steps), "{steps:?}");
    assert!(
        alerts.contains(&"stale_statements".to_string()),
        "{alerts:?}"
    );
    let message = &csv_rows(&dir.path().join("2026-03-09/alerts.csv"))[1][8];
    assert!(
        message.contains("after 2026-03-02: 4 business days"),
        "{message}"
    );

    // A person checked with the bank: the formal notice goes out.
    fs::write(
        client.join("decisions.csv"),
        format!("entry_id;invoice_id;decision;amount;note\n{IBAN};;clear_gap;;vu avec la banque\n"),
    )
    .unwrap();
    let (steps, _, open) = night(dir.path(), &client, "2026-03-10");
    assert_eq!(steps, ["formal_notice"]);
    assert!(!open.contains(&"stale_statements".to_string()), "{open:?}");

    // Statements come again, then stop after 03-10 (the clear line stays).
    statement(&client, 2, "2026-03-10");
    let (_, alerts, open) = night(dir.path(), &client, "2026-03-11");
    assert!(alerts.is_empty() && open.is_empty(), "{alerts:?} {open:?}");
    // The handover (+60 = 04-02) may go out 30 days after the formal
    // notice (sent 03-11): from 04-10, acting Mon 04-13, but statements
    // stopped again.
    let (steps, alerts, _) = night(dir.path(), &client, "2026-04-10");
    assert!(!formal(&steps), "{steps:?}");
    assert_eq!(alerts, ["stale_statements"]);
    statement(&client, 3, "2026-04-10");
    let (steps, _, open) = night(dir.path(), &client, "2026-04-13");
    assert_eq!(steps, ["litigation_handover"]);
    assert!(!open.contains(&"stale_statements".to_string()), "{open:?}");
}

#[test]
fn notifications_alone_are_not_statements_and_the_alert_says_so() {
    // A bank sending only camt.054 (or camt.052) documents: they may not hold
    // every movement, so formal notices still wait; the alert used to say
    // "no bank statement imported yet" as if nothing had come.
    let dir = tempfile::tempdir().unwrap();
    let client = client(dir.path());
    for (seq, day) in [(1, "2026-02-26"), (2, "2026-02-27")] {
        let n = camt(true, &format!("N{seq}"), seq, IBAN, day, day, None, &[]);
        fs::write(client.join(format!("statements/{day}.xml")), n).unwrap();
    }
    let (steps, alerts, _) = night(dir.path(), &client, "2026-03-02");
    assert!(!formal(&steps), "{steps:?}");
    assert_eq!(alerts, ["stale_statements"]);
    let message = &csv_rows(&dir.path().join("2026-03-02/alerts.csv"))[1][8];
    assert!(
        message.contains("camt.052 reports and camt.054 notifications do not count"),
        "{message}"
    );
}
