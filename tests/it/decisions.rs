//! The review loop over three nights: people's decisions in `decisions.csv`
//! are applied once (rule `manual`), refuse what no longer fits with an alert
//! naming the line, teach aliases, and undo them when the line goes.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, camt, column_where, csv_rows, run_night};

const IBAN: &str = "FR7630001007941234567890185";
const PAYER_IBAN: &str = "FR1420041010050500013M02606";

fn tx(amount: &'static str) -> Tx {
    Tx {
        amount,
        ..Tx::default()
    }
}

fn setup(client: &Path) {
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-10;C1;Dupont SARL;2026-02-01;2026-03-01;120,00\n\
F-20;C2;Martin SAS;2026-02-01;2026-03-01;49,99\n\
F-0077;C3;Leroy;2026-02-01;2026-03-01;300,00\n\
G-0077;C4;Petit;2026-02-01;2026-03-01;300,00\n",
    )
    .unwrap();
    let s1 = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "713.00")),
        &[
            Ntry {
                reference: "BQ-1",
                date: "2026-03-02",
                code: "RCDT/ESCT",
                amount: "120.00",
                txs: vec![Tx {
                    name: Some("SARL DUPONT & FILS"),
                    text: Some("merci"),
                    ..tx("120.00")
                }],
            },
            Ntry {
                reference: "BQ-2",
                date: "2026-03-02",
                code: "RCDT/ESCT",
                amount: "300.00",
                txs: vec![Tx {
                    name: Some("M. PETIT"),
                    text: Some("FACTURE 77"),
                    ..tx("300.00")
                }],
            },
            Ntry {
                reference: "BQ-3",
                date: "2026-03-02",
                code: "RCDT/ESCT",
                amount: "293.00",
                txs: vec![Tx {
                    name: Some("URSSAF"),
                    text: Some("REMBOURSEMENT TROP PERCU"),
                    ..tx("293.00")
                }],
            },
        ],
    );
    let s1 = s1.replace("SARL DUPONT & FILS", "SARL DUPONT &amp; FILS");
    let s1 = s1.replace(
        "<RltdPties><Dbtr><Pty><Nm>SARL DUPONT &amp; FILS</Nm></Pty></Dbtr></RltdPties>",
        &format!(
            "<RltdPties><Dbtr><Pty><Nm>SARL DUPONT &amp; FILS</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>{PAYER_IBAN}</IBAN></Id></DbtrAcct></RltdPties>"
        ),
    );
    fs::write(client.join("statements/2026-03-02.xml"), s1).unwrap();
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn decisions_apply_once_refuse_what_no_longer_fits_and_teach_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("revue");
    setup(&client);
    let out1 = dir.path().join("out1");
    let o = run_night(&client, "2026-03-02", &out1, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m1 = csv_rows(&out1.join("matches.csv"));
    // "FACTURE 77" is only a weak hint: a suggestion, never an automatic match.
    assert_eq!(
        column_where(&m1, "entry_id", "BQ-2", "status"),
        ["suggested", "unapplied"]
    );

    fs::write(
        client.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\n\
BQ-1;F-10;assign;;confirmé par téléphone\n\
BQ-2;G-0077;accept;;\n\
BQ-3;;ignore;;remboursement URSSAF\n\
;F-20;writeoff;;petit solde\n\
BQ-404;F-10;assign;;mauvaise ligne\n",
    )
    .unwrap();
    let out2 = dir.path().join("out2");
    let o = run_night(&client, "2026-03-03", &out2, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let st = csv_rows(&out2.join("invoice_status.csv"));
    for (inv, status) in [
        ("F-10", "paid"),
        ("G-0077", "paid"),
        ("F-20", "paid"),
        ("F-0077", "open"),
    ] {
        assert_eq!(
            column_where(&st, "invoice_id", inv, "status"),
            [status],
            "{inv}"
        );
    }
    assert_eq!(
        column_where(&st, "invoice_id", "F-20", "written_off"),
        ["49.99"]
    );
    let m2 = csv_rows(&out2.join("matches.csv"));
    assert_eq!(column_where(&m2, "invoice_id", "F-10", "rule"), ["manual"]);
    assert_eq!(
        column_where(&m2, "invoice_id", "F-10", "applied_amount"),
        ["120.00"]
    );
    let alerts = csv_rows(&out2.join("alerts.csv"));
    let rejected = column_where(&alerts, "kind", "decision_rejected", "message");
    assert_eq!(rejected.len(), 1, "{alerts:?}");
    assert!(
        rejected[0].contains("decisions.csv line 6"),
        "{}",
        rejected[0]
    );
    assert!(rejected[0].contains("BQ-404 is unknown"), "{}", rejected[0]);
    let open = csv_rows(&out2.join("open_items.csv"));
    assert!(
        column_where(&open, "entry_id", "BQ-3", "kind").is_empty(),
        "ignored entry still alerted: {open:?}"
    );
    let s2 = summary(&out2);
    assert_eq!(s2["decisions"]["applied"], 4);
    assert_eq!(s2["decisions"]["refused"], 1);
    // BQ-1's payer name and IBAN are now aliases of C1, BQ-2's name of C4.
    assert_eq!(s2["decisions"]["aliases_known"], 3);

    // Night 3: the same file again — nothing applied twice. Only the line
    // for the unknown BQ-404 is tried again (it may still arrive), and not
    // alerted again.
    let out3 = dir.path().join("out3");
    let o = run_night(&client, "2026-03-04", &out3, &[]);
    assert!(o.status.success());
    let s3 = summary(&out3);
    assert_eq!(s3["decisions"]["handled"], 1);
    assert_eq!(s3["decisions"]["applied"], 0);
    let alerts3 = csv_rows(&out3.join("alerts.csv"));
    assert!(column_where(&alerts3, "kind", "decision_rejected", "message").is_empty());
    assert!(
        column_where(
            &csv_rows(&out3.join("matches.csv")),
            "rule",
            "manual",
            "entry_id"
        )
        .is_empty()
    );

    // Night 4: the assign line is removed: its aliases are undone, its money stays.
    fs::write(
        client.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\nBQ-2;G-0077;accept;;\n",
    )
    .unwrap();
    let out4 = dir.path().join("out4");
    let o = run_night(&client, "2026-03-05", &out4, &[]);
    assert!(o.status.success());
    let s4 = summary(&out4);
    assert_eq!(s4["decisions"]["aliases_undone"], 2);
    assert_eq!(s4["decisions"]["aliases_known"], 1);
    let st4 = csv_rows(&out4.join("invoice_status.csv"));
    assert_eq!(column_where(&st4, "invoice_id", "F-10", "status"), ["paid"]);
}

/// Statements 1 and 3 arrived, 2 never did: F-1, 40 days overdue on
/// 2026-03-12, would get its formal notice but the payment may be in
/// statement 2. Returns the client folder.
fn gap_client(dir: &Path) -> PathBuf {
    let client = dir.join("gap");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;Dupont SARL;2026-01-01;2026-02-01;500,00\n",
    )
    .unwrap();
    for (seq, day) in [(1, "2026-03-02"), (3, "2026-03-04")] {
        let s = camt(false, &format!("S{seq}"), seq, IBAN, day, day, None, &[]);
        fs::write(client.join(format!("statements/{day}.xml")), s).unwrap();
    }
    client
}

/// The night's dunning steps and new alert kinds.
fn gap_night(dir: &Path, client: &Path, date: &str) -> (Vec<String>, Vec<String>) {
    let out = dir.join(date);
    let o = run_night(client, date, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let steps: Vec<String> = csv_rows(&out.join("dunning.csv"))[1..]
        .iter()
        .map(|r| r[4].clone())
        .collect();
    let alerts: Vec<String> = csv_rows(&out.join("alerts.csv"))[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    (steps, alerts)
}

#[test]
fn a_clear_gap_naming_part_of_an_account_clears_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let client = gap_client(dir.path());
    gap_night(dir.path(), &client, "2026-03-12");
    fs::write(
        client.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\nFR76;;clear_gap;;\n",
    )
    .unwrap();
    let (steps, _) = gap_night(dir.path(), &client, "2026-03-13");
    assert!(!steps.contains(&"formal_notice".to_string()), "{steps:?}");
    let open = csv_rows(&dir.path().join("2026-03-13").join("open_items.csv"));
    assert!(
        open.iter().any(|r| r[0] == "sequence_gap"),
        "the gap was cleared by a prefix: {open:?}"
    );
}

#[test]
fn a_cleared_gap_releases_the_formal_notice_and_stays_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let client = gap_client(dir.path());
    let night = |date: &str| gap_night(dir.path(), &client, date);
    let (steps, alerts) = night("2026-03-12");
    assert!(!steps.contains(&"formal_notice".to_string()), "{steps:?}");
    assert!(alerts.contains(&"sequence_gap".to_string()), "{alerts:?}");
    fs::write(
        client.join("decisions.csv"),
        format!("entry_id;invoice_id;decision;amount;note\n{IBAN};;clear_gap;;relevé 2 vide\n"),
    )
    .unwrap();
    let (steps, alerts) = night("2026-03-13");
    assert!(steps.contains(&"formal_notice".to_string()), "{steps:?}");
    assert!(!alerts.contains(&"sequence_gap".to_string()), "{alerts:?}");
    // The gap stays cleared on the next nights (the decision is applied once).
    let (_, alerts) = night("2026-03-16");
    assert!(!alerts.contains(&"sequence_gap".to_string()), "{alerts:?}");
    // A new gap on the same account (statement 5 missing) holds again.
    for (seq, day) in [(4, "2026-03-05"), (6, "2026-03-09")] {
        let s = camt(false, &format!("S{seq}"), seq, IBAN, day, day, None, &[]);
        fs::write(client.join(format!("statements/{day}.xml")), s).unwrap();
    }
    let (_, alerts) = night("2026-03-17");
    let gaps = alerts.iter().filter(|k| *k == "sequence_gap").count();
    assert_eq!(gaps, 1, "{alerts:?}");
}

#[test]
fn a_clear_gap_line_naming_no_whole_account_is_refused_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let client = gap_client(dir.path());
    gap_night(dir.path(), &client, "2026-03-12");
    // The account with a wrong check digit, and its first 18 characters.
    fs::write(
        client.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\n\
         FR76 3000 1007 9412 3456 7890 186;;clear_gap;;\n\
         FR7630001007941234;;clear_gap;;\n",
    )
    .unwrap();
    let (steps, _) = gap_night(dir.path(), &client, "2026-03-13");
    assert!(!steps.contains(&"formal_notice".to_string()), "{steps:?}");
    let out = dir.path().join("2026-03-13");
    let refused = crate::support::column_where(
        &csv_rows(&out.join("alerts.csv")),
        "kind",
        "decision_rejected",
        "message",
    );
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused
            .iter()
            .any(|m| m.contains("line 2: clear_gap") && m.contains("is not a valid IBAN")),
        "{refused:?}"
    );
    assert!(
        refused.iter().any(|m| m.contains("line 3: clear_gap")
            && m.contains(&format!("only a part of account {IBAN}"))),
        "{refused:?}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["decisions"]["applied"], 0);
    assert_eq!(summary["decisions"]["refused"], 2);
}
