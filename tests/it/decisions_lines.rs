//! What a `decisions.csv` line names, and what it counts for: the account of
//! an entry id two accounts share, a second identical line, an entry booked
//! after the run date, a credit note written off, and the night's summaries
//! counting the money decisions applied.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{IBAN, Ntry, Tx, camt, column_where, csv_rows, paying, pointage, run_ok};

/// A second account of the client (a valid IBAN).
const IBAN_B: &str = "FR1420041010050500013M02606";

/// A credit of `amount` quoting nothing: only a person can say what it pays.
fn credit(reference: &'static str, date: &'static str, amount: &'static str) -> Ntry {
    Ntry {
        reference,
        date,
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            text: Some("VIREMENT"),
            ..Tx::default()
        }],
    }
}

/// A client folder with tonight's invoices (`amount` then `open_amount`).
fn client(root: &Path, invoices: &str) -> PathBuf {
    let client = root.join("c");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("invoices.csv"),
        format!(
            "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount\n{invoices}"
        ),
    )
    .unwrap();
    client
}

/// A statement `id` of `iban` from `from` to `to`.
fn statement(client: &Path, id: &str, iban: &str, from: &str, to: &str, entries: &[Ntry]) {
    let s = camt(false, id, 1, iban, from, to, None, entries);
    fs::write(client.join(format!("statements/{id}.xml")), s).unwrap();
}

fn decisions(client: &Path, text: &str) {
    fs::write(client.join("decisions.csv"), text).unwrap();
}

fn night(root: &Path, client: &Path, date: &str) -> PathBuf {
    let out = root.join(format!("out-{date}"));
    run_ok(client, date, &out);
    out
}

fn status(out: &Path, invoice: &str, column: &str) -> String {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let v = column_where(&rows, "invoice_id", invoice, column);
    assert_eq!(v.len(), 1, "{invoice}: {rows:?}");
    v[0].clone()
}

fn messages(out: &Path, file: &str, kind: &str) -> Vec<String> {
    column_where(&csv_rows(&out.join(file)), "kind", kind, "message")
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap()
}

/// matches.csv rows of rule `manual`: (account, entry, invoice, applied).
fn manual(out: &Path) -> Vec<[String; 4]> {
    let rows = csv_rows(&out.join("matches.csv"));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    rows[1..]
        .iter()
        .filter(|r| r[col("rule")] == "manual")
        .map(|r| {
            [
                r[col("account")].clone(),
                r[col("entry_id")].clone(),
                r[col("invoice_id")].clone(),
                r[col("applied_amount")].clone(),
            ]
        })
        .collect()
}

#[test]
fn an_entry_id_two_accounts_share_is_decided_by_naming_its_account() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C1;Alpha;2026-09-01;2026-10-01;700.00;700.00\n\
         F-2;C2;Beta;2026-09-01;2026-10-01;250.00;250.00\n",
    );
    // Both banks number their entries 1, 2, 3…: R1 on each account.
    let day = "2026-11-02";
    statement(&c, "SA", IBAN, day, day, &[credit("R1", day, "250.00")]);
    statement(&c, "SB", IBAN_B, day, day, &[credit("R1", day, "700.00")]);
    decisions(
        &c,
        "entry_id;invoice_id;decision;amount;note\nR1;F-2;assign;;the 250 from XYZ\n",
    );
    let out = night(dir.path(), &c, day);
    assert_eq!(status(&out, "F-2", "open_after"), "250.00");
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 1, "{refused:?}");
    for part in [
        "line 2: assign R1 F-2",
        "exists on several accounts",
        IBAN,
        IBAN_B,
        "column `account`",
    ] {
        assert!(refused[0].contains(part), "{part}: {}", refused[0]);
    }

    // Done as the alert says: the account named (spaces and case do not
    // matter). Only that account's R1 pays F-2; the other waits.
    decisions(
        &c,
        "entry_id;invoice_id;decision;amount;note;account\n\
         R1;F-2;assign;;the 250 from XYZ;fr76 3000 1007 9412 3456 7890 185\n",
    );
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(status(&out, "F-2", "open_after"), "0.00");
    assert_eq!(
        manual(&out),
        [[IBAN.to_string(), "R1".into(), "F-2".into(), "250.00".into()]]
    );
    let open = csv_rows(&out.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "kind", "unmatched_credit", "amount"),
        ["700.00"],
        "{open:?}"
    );
    assert!(column_where(&open, "kind", "decision_rejected", "message").is_empty());
    // Applied once: the next night changes nothing.
    let out = night(dir.path(), &c, "2026-11-04");
    assert!(manual(&out).is_empty());
    assert_eq!(status(&out, "F-2", "open_after"), "0.00");
}

#[test]
fn a_rejection_naming_an_account_is_of_that_accounts_entry_only() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C1;Alpha;2026-09-01;2026-10-01;700.00;700.00\n",
    );
    let day = "2026-11-02";
    // Each account's R1 quotes F-1: the person knows the one of IBAN is not
    // its payment (a refund from a supplier quoting our number).
    statement(
        &c,
        "SA",
        IBAN,
        day,
        day,
        &[paying("R1", day, "700.00", "FACTURE F-1")],
    );
    statement(
        &c,
        "SB",
        IBAN_B,
        day,
        day,
        &[paying("R1", day, "700.00", "FACTURE F-1")],
    );
    decisions(
        &c,
        &format!("entry_id,invoice_id,decision,amount,note,account\nR1,F-1,reject,,,{IBAN}\n"),
    );
    let out = night(dir.path(), &c, day);
    assert!(messages(&out, "alerts.csv", "decision_rejected").is_empty());
    let rows = csv_rows(&out.join("matches.csv"));
    let matched: Vec<String> = column_where(&rows, "status", "matched", "account");
    assert_eq!(matched, [IBAN_B], "{rows:?}");
    assert_eq!(status(&out, "F-1", "open_after"), "0.00");
}

#[test]
fn an_identical_second_line_is_a_decision_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C1;Alpha;2026-09-01;2026-10-01;700.00;700.00\n",
    );
    let day = "2026-11-02";
    statement(&c, "SA", IBAN, day, day, &[credit("E1", day, "250.00")]);
    decisions(
        &c,
        "entry_id,invoice_id,decision,amount,note\nE1,F-1,assign,100,\n",
    );
    let out = night(dir.path(), &c, day);
    assert_eq!(status(&out, "F-1", "open_after"), "600.00");

    // The other 100 of the same transfer, on a line of its own, and `100.00`
    // written another way: each line is a decision.
    decisions(
        &c,
        "entry_id,invoice_id,decision,amount,note\n\
         E1,F-1,assign,100,\n\
         E1,F-1,assign,100,the other 100 of the same transfer\n",
    );
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(status(&out, "F-1", "open_after"), "500.00");
    assert_eq!(summary(&out)["decisions"]["applied"], 1);
    // The same file again changes nothing.
    let out = night(dir.path(), &c, "2026-11-04");
    assert_eq!(status(&out, "F-1", "open_after"), "500.00");
    assert_eq!(summary(&out)["decisions"]["handled"], 0);

    // A third 100 finds only 50 left: refused where the person sees it.
    decisions(
        &c,
        "entry_id,invoice_id,decision,amount,note\n\
         E1,F-1,assign,100,\n\
         E1,F-1,assign,100,the other 100 of the same transfer\n\
         E1,F-1,assign,100.00,\n",
    );
    let out = night(dir.path(), &c, "2026-11-05");
    assert_eq!(status(&out, "F-1", "open_after"), "500.00");
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains("line 4: assign E1 F-1") && refused[0].contains("50.00 left"),
        "{}",
        refused[0]
    );
}

#[test]
fn a_line_about_an_entry_booked_after_the_run_date_waits_for_its_night() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C1;Alpha;2026-09-01;2026-10-01;700.00;700.00\n",
    );
    // The statement sent on the 5th already holds the 6th's entry.
    statement(
        &c,
        "SA",
        IBAN,
        "2026-11-05",
        "2026-11-06",
        &[
            credit("E5", "2026-11-05", "250.00"),
            credit("E6", "2026-11-06", "700.00"),
        ],
    );
    decisions(
        &c,
        "entry_id;invoice_id;decision;amount;note\nE6;F-1;assign;;\n",
    );
    let out = night(dir.path(), &c, "2026-11-05");
    assert_eq!(status(&out, "F-1", "open_after"), "700.00");
    assert!(manual(&out).is_empty());
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains("booked on 2026-11-06") && refused[0].contains("tried again"),
        "{}",
        refused[0]
    );
    assert_eq!(summary(&out)["currencies"]["EUR"]["received"], "250.00");

    // Its night: applied, paid that day, and received that night.
    let out = night(dir.path(), &c, "2026-11-06");
    assert_eq!(status(&out, "F-1", "open_after"), "0.00");
    assert_eq!(status(&out, "F-1", "last_payment_date"), "2026-11-06");
    let s = summary(&out);
    assert_eq!(s["currencies"]["EUR"]["received"], "700.00");
    assert_eq!(s["currencies"]["EUR"]["applied"], "700.00");
    let open = csv_rows(&out.join("open_items.csv"));
    assert!(column_where(&open, "kind", "decision_rejected", "message").is_empty());
}

#[test]
fn money_a_decision_applies_on_its_night_counts_in_the_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let c = client(
        &root,
        "F-1;C1;Alpha;2026-09-01;2026-10-01;700.00;700.00\n\
         F-2;C2;Beta;2026-09-01;2026-10-01;250.00;250.00\n",
    );
    let day = "2026-11-05";
    statement(
        &c,
        "SA",
        IBAN,
        day,
        day,
        &[credit("E5", day, "250.00"), credit("E7", day, "900.00")],
    );
    // 700 of E7 for F-1 by hand; its 200 left go to the matcher.
    decisions(
        &c,
        "entry_id;invoice_id;decision;amount;note\nE7;F-1;assign;700;\n",
    );
    let out = dir.path().join("out");
    let o = pointage()
        .arg("batch")
        .arg(&root)
        .args(["--date", day, "--out"])
        .arg(&out)
        .arg("--state")
        .arg(dir.path().join("state"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = summary(&out.join("c"));
    let eur = &s["currencies"]["EUR"];
    assert_eq!(eur["received"], "1150.00", "{s}");
    assert_eq!(eur["applied"], "700.00", "{s}");
    assert_eq!(eur["unapplied"], "450.00", "{s}");
    assert_eq!(s["payments"]["tried"], 2, "{s}");
    assert_eq!(s["payments"]["decided"], 1, "{s}");
    let batch = csv_rows(&out.join("batch-summary.csv"));
    assert_eq!(column_where(&batch, "client", "c", "transactions"), ["2"]);
    assert_eq!(
        column_where(&batch, "client", "c", "unapplied"),
        ["EUR 450.00"]
    );
    let kpis: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("c/kpis.json")).unwrap()).unwrap();
    assert_eq!(kpis["payments_tried"], 2);

    // A later night: the money E5 brought, carried over, assigned by hand,
    // and a write-off: both counted (the night has no other payment).
    decisions(
        &c,
        "entry_id;invoice_id;decision;amount;note\nE7;F-1;assign;700;\nE5;F-2;assign;;\n",
    );
    let o = pointage()
        .arg("batch")
        .arg(&root)
        .args(["--date", "2026-11-06", "--out"])
        .arg(&out)
        .arg("--state")
        .arg(dir.path().join("state"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = summary(&out.join("c"));
    let eur = &s["currencies"]["EUR"];
    assert_eq!(eur["received"], "0.00", "{s}");
    assert_eq!(eur["carried_over"], "450.00", "{s}");
    assert_eq!(eur["applied"], "250.00", "{s}");
    assert_eq!(s["payments"]["tried"], 0, "{s}");
    assert_eq!(s["payments"]["carried_over_decided"], 1, "{s}");
}

#[test]
fn a_credit_note_is_closed_by_a_writeoff() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C1;Alpha;2026-09-01;2026-10-01;700.00;700.00\n\
         AV-1;C1;Alpha;2026-09-15;2026-09-15;-50.00;-50.00\n\
         AV-2;C1;Alpha;2026-09-15;2026-09-15;-80.00;-80.00\n",
    );
    let day = "2026-11-02";
    statement(&c, "SA", IBAN, day, day, &[credit("E1", day, "30.00")]);
    decisions(
        &c,
        "entry_id;invoice_id;decision;amount;note\n\
         ;AV-1;writeoff;;never claimed\n\
         ;AV-2;writeoff;90;\n\
         E1;AV-2;assign;;\n\
         ;F-1;writeoff;30;fee\n",
    );
    let out = night(dir.path(), &c, day);
    assert_eq!(status(&out, "AV-1", "written_off"), "-50.00");
    // The summary never nets a credit note's write-off against a fee's.
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["currencies"]["EUR"]["written_off"], "30.00", "{s}");
    assert_eq!(
        s["currencies"]["EUR"]["credit_notes_written_off"], "50.00",
        "{s}"
    );
    assert_eq!(status(&out, "AV-1", "open_after"), "0.00");
    assert_eq!(status(&out, "AV-2", "open_after"), "-80.00");
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 2, "{refused:?}");
    let about = |line: &str| {
        refused
            .iter()
            .find(|m| m.contains(line))
            .unwrap_or_else(|| panic!("{line}: {refused:?}"))
    };
    assert!(
        about("line 3: writeoff AV-2").contains("90.00 is more than the 80.00 open"),
        "{refused:?}"
    );
    let m = about("line 4: assign E1 AV-2");
    assert!(
        m.contains("is a credit note") && m.contains("write it off"),
        "{m}"
    );
    // The ERP has not booked the write-off yet: the credit note stays closed.
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(status(&out, "AV-1", "open_after"), "0.00");
}

#[test]
fn naming_the_account_of_an_applied_line_does_not_apply_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C1;Alpha;2026-09-01;2026-10-01;700.00;700.00\n",
    );
    let day = "2026-11-02";
    statement(&c, "SA", IBAN, day, day, &[credit("E1", day, "500.00")]);
    decisions(
        &c,
        "entry_id;invoice_id;decision;amount;note\nE1;F-1;assign;100;\n",
    );
    let out = night(dir.path(), &c, day);
    assert_eq!(status(&out, "F-1", "open_after"), "600.00");
    // The same line, its account now named: a new key, but the same
    // decision (the account it was applied on), neither applied again nor
    // refused as an edit.
    decisions(
        &c,
        &format!("entry_id;invoice_id;decision;amount;note;account\nE1;F-1;assign;100;;{IBAN}\n"),
    );
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(status(&out, "F-1", "open_after"), "600.00");
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert!(refused.is_empty(), "{refused:?}");
}

#[test]
fn ignoring_one_accounts_entry_leaves_the_others_alert() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C1;Alpha;2026-09-01;2026-10-01;900.00;900.00\n",
    );
    let day = "2026-11-02";
    statement(&c, "SA", IBAN, day, day, &[credit("R1", day, "250.00")]);
    statement(&c, "SB", IBAN_B, day, day, &[credit("R1", day, "700.00")]);
    night(dir.path(), &c, day);
    decisions(
        &c,
        &format!(
            "entry_id,invoice_id,decision,amount,note,account\nR1,,ignore,,supplier refund,{IBAN_B}\n"
        ),
    );
    let out = night(dir.path(), &c, "2026-11-03");
    let open = csv_rows(&out.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "kind", "unmatched_credit", "amount"),
        ["250.00"],
        "{open:?}"
    );
    assert_eq!(
        column_where(&open, "kind", "unmatched_credit", "first_raised"),
        [day],
        "{open:?}"
    );
    assert!(messages(&out, "alerts.csv", "unmatched_credit").is_empty());
}
