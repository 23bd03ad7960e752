//! One customer id whose invoices carry several customers' names (review 38
//! erp F19, an ERP's catch-all account `DIVERS`): no letter goes out for it
//! — not one to the first name for everyone's invoices — and
//! `customer_several_names` names the id, its names and their invoices.
//! One customer whose name is written differently (case, accents,
//! punctuation, legal form) keeps its dunning.

use std::fs;
use std::path::Path;

use crate::support::{column_where, csv_rows, statement_night};

const HEADER: &str =
    "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount\n";

/// DIVERS books three companies; C1 is one company written three ways.
const INVOICES: &str = "F1;DIVERS;Alpha SARL;2026-02-01;2026-03-02;1000,00;1000,00\n\
                        F2;DIVERS;Beta SARL;2026-02-01;2026-03-02;500,00;500,00\n\
                        F3;DIVERS;Gamma SA;2026-02-01;2026-03-02;300,00;300,00\n\
                        F4;C1;Société Delta SARL;2026-02-01;2026-03-02;200,00;200,00\n\
                        F5;C1;SOCIETE DELTA;2026-02-01;2026-03-02;100,00;100,00\n\
                        F6;C1;delta, s.a.r.l.;2026-02-01;2026-03-02;100,00;100,00\n";

fn several(out: &Path, file: &str) -> Vec<String> {
    column_where(
        &csv_rows(&out.join(file)),
        "kind",
        "customer_several_names",
        "message",
    )
}

#[test]
fn a_catch_all_customer_id_gets_no_letter_and_is_named_until_split() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    fs::write(
        root.join("c/client.toml"),
        "[alerts]\nstale_statement_days = 0\n",
    )
    .unwrap();
    let out = statement_night(root, HEADER, INVOICES, 1, "2026-04-01", &[]);
    let dunning = csv_rows(&out.join("dunning.csv"));
    let customers: Vec<&str> = dunning[1..].iter().map(|r| r[2].as_str()).collect();
    // Before the fix: DIVERS formal_notice to Alpha SARL for F1|F2|F3.
    assert_eq!(customers, ["C1"], "{dunning:?}");
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "invoice_ids"),
        ["F4|F5|F6"]
    );
    assert_eq!(
        several(&out, "alerts.csv"),
        [
            "customer DIVERS carries invoices of 3 names in invoices.csv: Alpha SARL (F1); Beta SARL (F2); Gamma SA (F3); a catch-all account? No reminder goes out for its invoices until the ERP gives each customer an id of its own (or customers.csv lists the names as this customer's aliases)"
        ]
    );
    // Still held the next night, waiting in open_items.csv.
    let out = statement_night(root, HEADER, INVOICES, 2, "2026-04-02", &[]);
    assert_eq!(several(&out, "open_items.csv").len(), 1);
    assert!(several(&out, "alerts.csv").is_empty());
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert!(dunning[1..].iter().all(|r| r[2] != "DIVERS"), "{dunning:?}");
    // The export fixed (one id per customer): the alert leaves, each is chased.
    let fixed = INVOICES
        .replace("F2;DIVERS", "F2;B1")
        .replace("F3;DIVERS", "F3;G1");
    let out = statement_night(root, HEADER, &fixed, 3, "2026-04-03", &[]);
    assert!(several(&out, "open_items.csv").is_empty());
    let dunning = csv_rows(&out.join("dunning.csv"));
    let mut ids: Vec<&str> = dunning[1..].iter().map(|r| r[2].as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["B1", "DIVERS", "G1"], "{dunning:?}");
}

#[test]
fn a_customer_the_erp_renamed_between_nights_keeps_its_dunning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    fs::write(
        root.join("c/client.toml"),
        "[alerts]\nstale_statement_days = 0\n",
    )
    .unwrap();
    let before = "F1;C1;Alpha SARL;2026-02-01;2026-03-02;1000,00;1000,00\n\
                  F2;C1;Alpha SARL;2026-02-01;2026-03-02;500,00;500,00\n";
    let out = statement_night(root, HEADER, before, 1, "2026-02-20", &[]);
    assert!(several(&out, "alerts.csv").is_empty());
    // Renamed in the ERP: every invoice under the new name tonight.
    let after = before.replace("Alpha SARL", "Alpha Industries");
    let out = statement_night(root, HEADER, &after, 2, "2026-03-04", &[]);
    assert!(several(&out, "alerts.csv").is_empty());
    assert!(several(&out, "open_items.csv").is_empty());
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "customer_name"),
        ["Alpha Industries"],
        "{dunning:?}"
    );
}
