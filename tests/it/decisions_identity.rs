//! People's decisions across an invoice number's incarnations and the
//! `account` column added to lines already applied: a line written about
//! one invoice is never applied to another invoice the number names later,
//! and a line that only gained its account stays the decision it was.

use std::fs;
use std::path::Path;

use crate::support::{IBAN, Ntry, Tx, column_where, csv_rows, statement_night};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

/// A credit from `name`, quoting `text`.
fn credit(
    reference: &'static str,
    date: &'static str,
    amount: &'static str,
    name: &'static str,
    text: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date,
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            name: Some(name),
            text: Some(text),
            ..Tx::default()
        }],
    }
}

fn decisions(root: &Path, header: &str, lines: &str) {
    fs::write(root.join("c/decisions.csv"), format!("{header}\n{lines}")).unwrap();
}

fn rows_of(out: &Path, file: &str, key: &str, value: &str) -> Vec<String> {
    let rows = csv_rows(&out.join(file));
    let k = rows[0].iter().position(|h| h == key).expect("key column");
    rows[1..]
        .iter()
        .filter(|r| r[k] == value)
        .map(|r| r.join(","))
        .collect()
}

fn aliases(root: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(root.join("c/.pointage/state.sqlite")).unwrap();
    db.prepare("SELECT customer_id || ' ' || value FROM aliases ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

const D: &str = "entry_id,invoice_id,decision,amount,note";

#[test]
fn a_line_waiting_for_its_invoice_is_not_applied_to_a_new_invoice_reusing_the_number() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let old = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n\
               F-300,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,90.00,90.00,EUR\n";
    // C1's 1000.00 does not say what it pays; R9 quotes F-300 but a person
    // says it is not for it.
    fs::create_dir_all(root.join("c")).unwrap();
    decisions(root, D, "R9,F-300,reject,,not Alpha's\n");
    statement_night(
        root,
        HEADER,
        old,
        1,
        "2026-11-02",
        &[
            credit("E1", "2026-11-02", "1000.00", "ALPHA IND PARIS", "VIREMENT"),
            credit("R9", "2026-11-02", "90.00", "ZETA", "FACTURE F-300"),
        ],
    );
    // F-100 leaves the export; the person's line waits for it.
    decisions(
        root,
        D,
        "R9,F-300,reject,,not Alpha's\nE1,F-100,assign,,Alpha paid F-100\n",
    );
    let out = statement_night(root, HEADER, "", 2, "2026-11-03", &[]);
    assert!(rows_of(&out, "matches.csv", "rule", "manual").is_empty());
    // The ERP reuses both numbers for new invoices of C2.
    let new = "F-100,C2,Beta Commerce SARL,2026-11-01,2026-11-01,1000.00,1000.00,EUR\n\
               F-300,C2,Beta Commerce SARL,2026-11-01,2026-11-01,90.00,90.00,EUR\n";
    let out = statement_night(root, HEADER, new, 3, "2026-11-04", &[]);
    assert!(
        rows_of(&out, "matches.csv", "rule", "manual").is_empty(),
        "C1's money applied to C2's new invoice"
    );
    assert_eq!(
        rows_of(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,1000.00,0.00,0.00,1000.00,open,,EUR"]
    );
    assert_eq!(
        aliases(root),
        Vec::<String>::new(),
        "Alpha's name taught as C2's"
    );
    let refused = column_where(
        &csv_rows(&out.join("open_items.csv")),
        "kind",
        "decision_rejected",
        "message",
    );
    assert_eq!(refused.len(), 1, "{refused:?}");
    // Refused for now on 11-03, for good tonight: said again in alerts.csv.
    let said = column_where(
        &csv_rows(&out.join("alerts.csv")),
        "kind",
        "decision_rejected",
        "message",
    );
    assert_eq!(said, refused);
    for part in [
        "line 3: assign E1 F-100",
        "reused for another invoice on 2026-11-04",
        "now F-100~2026-09-01",
        "write it again",
        "change or remove the line",
    ] {
        assert!(refused[0].contains(part), "{part}: {}", refused[0]);
    }
    // The rejection was about C1's F-300: the new one is proposed R9.
    assert_eq!(
        column_where(
            &csv_rows(&out.join("matches.csv")),
            "entry_id",
            "R9",
            "invoice_id"
        ),
        ["F-300"]
    );
    // Still refused the next night.
    let out = statement_night(root, HEADER, new, 4, "2026-11-05", &[]);
    assert!(rows_of(&out, "matches.csv", "rule", "manual").is_empty());
    // Removed, then written again: a decision about the new invoice.
    decisions(root, D, "");
    statement_night(root, HEADER, new, 5, "2026-11-06", &[]);
    decisions(root, D, "E1,F-100,assign,,Beta after all\n");
    let out = statement_night(root, HEADER, new, 6, "2026-11-09", &[]);
    assert_eq!(
        rows_of(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,1000.00,1000.00,0.00,0.00,paid,2026-11-02,EUR"]
    );
}

#[test]
fn adding_the_account_to_an_applied_line_keeps_its_decision_and_alias() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inv = "F-1,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,700.00,700.00,EUR\n";
    fs::create_dir_all(root.join("c")).unwrap();
    decisions(root, D, "E1,F-1,assign,100,\n");
    let out = statement_night(
        root,
        HEADER,
        inv,
        1,
        "2026-11-02",
        &[credit(
            "E1",
            "2026-11-02",
            "250.00",
            "XYZ HOLDING",
            "VIREMENT",
        )],
    );
    assert_eq!(
        rows_of(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,700.00,100.00,0.00,600.00,partly_paid,2026-11-02,EUR"]
    );
    assert_eq!(aliases(root), ["C1 XYZ HOLDING"]);
    // The person names the account, as the refusal for shared ids asks.
    decisions(
        root,
        &format!("{D},account"),
        &format!("E1,F-1,assign,100,,{}\n", IBAN.to_lowercase()),
    );
    let out = statement_night(root, HEADER, inv, 2, "2026-11-03", &[]);
    assert!(
        rows_of(&out, "alerts.csv", "kind", "decision_rejected").is_empty(),
        "the same line read as an edit"
    );
    assert!(rows_of(&out, "matches.csv", "rule", "manual").is_empty());
    assert_eq!(aliases(root), ["C1 XYZ HOLDING"], "its alias undone");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["decisions"]["aliases_undone"], 0, "{summary}");
    // Another account is another entry: refused, not applied.
    decisions(
        root,
        &format!("{D},account"),
        "E1,F-1,assign,100,,FR7630004008220001022045587\n",
    );
    let out = statement_night(root, HEADER, inv, 3, "2026-11-04", &[]);
    assert!(rows_of(&out, "matches.csv", "rule", "manual").is_empty());
    assert_eq!(
        rows_of(&out, "invoice_status.csv", "invoice_id", "F-1"),
        ["F-1,C1,600.00,0.00,0.00,600.00,partly_paid,2026-11-02,EUR"]
    );
}

#[test]
fn an_edited_line_says_the_money_applied_before_its_invoice_was_redated() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    decisions(root, D, "E1,F-100,assign,,\n");
    statement_night(
        root,
        HEADER,
        "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n",
        1,
        "2026-11-02",
        &[credit("E1", "2026-11-02", "400.00", "ALPHA", "VIREMENT")],
    );
    // The ERP redates the invoice (its history is put apart) and the person
    // edits the line.
    decisions(root, D, "E1,F-100,assign,300,\n");
    let out = statement_night(
        root,
        HEADER,
        "F-100,C1,Alpha Industrie SAS,2026-09-02,2026-10-01,1000.00,1000.00,EUR\n",
        2,
        "2026-11-03",
        &[],
    );
    let refused = column_where(
        &csv_rows(&out.join("alerts.csv")),
        "kind",
        "decision_rejected",
        "message",
    );
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains("400.00 was already applied on 2026-11-02"),
        "{}",
        refused[0]
    );
}

#[test]
fn a_line_waiting_for_its_entry_is_not_applied_once_its_invoice_moved_to_another_customer() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    // The entry is not imported yet: the line waits.
    decisions(root, D, "E1,F-100,assign,,Alpha paid\n");
    statement_night(
        root,
        HEADER,
        "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n",
        1,
        "2026-11-02",
        &[],
    );
    // The ERP moves F-100 to C2 the night the money arrives.
    let moved = "F-100,C2,Beta Commerce SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    let out = statement_night(
        root,
        HEADER,
        moved,
        2,
        "2026-11-03",
        &[credit(
            "E1",
            "2026-11-03",
            "1000.00",
            "ALPHA IND PARIS",
            "VIREMENT",
        )],
    );
    assert!(rows_of(&out, "matches.csv", "rule", "manual").is_empty());
    assert_eq!(
        rows_of(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,1000.00,0.00,0.00,1000.00,open,,EUR"]
    );
    assert_eq!(aliases(root), Vec::<String>::new());
    let refused = column_where(
        &csv_rows(&out.join("open_items.csv")),
        "kind",
        "decision_rejected",
        "message",
    );
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains("moved to another customer, C2 on 2026-11-03"),
        "{}",
        refused[0]
    );
}

#[test]
fn a_line_removed_while_waiting_and_written_again_after_the_reuse_is_about_the_new_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    let old = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    statement_night(
        root,
        HEADER,
        old,
        1,
        "2026-11-02",
        &[credit(
            "E1",
            "2026-11-02",
            "1000.00",
            "ALPHA IND PARIS",
            "VIREMENT",
        )],
    );
    // F-100 left the export: the line waits for it.
    decisions(root, D, "E1,F-100,assign,,Alpha paid F-100\n");
    statement_night(root, HEADER, "", 2, "2026-11-03", &[]);
    // The person removes it the night the ERP reuses the number…
    decisions(root, D, "");
    let new = "F-100,C2,Beta Commerce SARL,2026-11-01,2026-11-01,1000.00,1000.00,EUR\n";
    statement_night(root, HEADER, new, 3, "2026-11-04", &[]);
    // …and writes it again about the new invoice: a new decision.
    decisions(root, D, "E1,F-100,assign,,Beta paid the new F-100\n");
    let out = statement_night(root, HEADER, new, 4, "2026-11-05", &[]);
    assert_eq!(
        rows_of(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,1000.00,1000.00,0.00,0.00,paid,2026-11-02,EUR"]
    );
}

#[test]
fn a_refused_line_removed_and_written_again_is_refused_out_loud_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    let inv = "F-1,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,100.00,100.00,EUR\n";
    // A line naming an entry no statement brought: refused, tried again.
    decisions(root, D, "NOPE,F-1,assign,,\n");
    let out = statement_night(root, HEADER, inv, 1, "2026-11-02", &[]);
    let kinds = |out: &Path| {
        column_where(
            &csv_rows(&out.join("alerts.csv")),
            "kind",
            "decision_rejected",
            "invoice_id",
        )
    };
    assert_eq!(kinds(&out), ["F-1"]);
    decisions(root, D, "");
    let out = statement_night(root, HEADER, inv, 2, "2026-11-03", &[]);
    assert!(kinds(&out).is_empty());
    // Written back: said again in tonight's alerts.csv, and open.
    decisions(root, D, "NOPE,F-1,assign,,\n");
    let out = statement_night(root, HEADER, inv, 3, "2026-11-04", &[]);
    assert_eq!(kinds(&out), ["F-1"]);
    let open = column_where(
        &csv_rows(&out.join("open_items.csv")),
        "kind",
        "decision_rejected",
        "invoice_id",
    );
    assert_eq!(open, ["F-1"]);
}

#[test]
fn a_night_without_decisions_csv_does_not_let_a_line_about_a_reused_number_apply() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("c")).unwrap();
    let old = "F-100,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    statement_night(
        root,
        HEADER,
        old,
        1,
        "2026-11-02",
        &[credit(
            "E1",
            "2026-11-02",
            "1000.00",
            "ALPHA IND PARIS",
            "VIREMENT",
        )],
    );
    let line = "E1,F-100,assign,,Alpha paid F-100\n";
    decisions(root, D, line);
    statement_night(root, HEADER, "", 2, "2026-11-03", &[]);
    let new = "F-100,C2,Beta Commerce SARL,2026-11-01,2026-11-01,1000.00,1000.00,EUR\n";
    statement_night(root, HEADER, new, 3, "2026-11-04", &[]);
    // The file is missing one night, then back unchanged.
    fs::remove_file(root.join("c/decisions.csv")).unwrap();
    statement_night(root, HEADER, new, 4, "2026-11-05", &[]);
    decisions(root, D, line);
    let out = statement_night(root, HEADER, new, 5, "2026-11-06", &[]);
    assert!(
        rows_of(&out, "matches.csv", "rule", "manual").is_empty(),
        "C1's money applied to C2's new invoice"
    );
    assert_eq!(
        rows_of(&out, "invoice_status.csv", "invoice_id", "F-100"),
        ["F-100,C2,1000.00,0.00,0.00,1000.00,open,,EUR"]
    );
    assert_eq!(aliases(root), Vec::<String>::new());
}
