//! People's decisions over several nights: a line whose amount a person
//! corrects never applies the money twice, and a line refused because its
//! money had not arrived yet is applied the night it arrives.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, column_where, csv_rows, run_ok, write_statement};

/// A credit of `amount` from a payer the bank does not name, quoting
/// nothing: only a person can say what it pays (and it teaches no alias).
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

/// A client whose ERP exports these invoices every night (it books nothing
/// pointage applied, as when it lags).
fn client(root: &Path, invoices: &str) -> PathBuf {
    let client = root.join("c");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("invoices.csv"),
        format!("invoice_id;customer_id;customer_name;issue_date;due_date;amount\n{invoices}"),
    )
    .unwrap();
    client
}

fn decisions(client: &Path, lines: &str) {
    fs::write(
        client.join("decisions.csv"),
        format!("entry_id;invoice_id;decision;amount;note\n{lines}"),
    )
    .unwrap();
}

/// Runs the night and returns its output folder.
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

fn manual_amounts(out: &Path, invoice: &str) -> Vec<String> {
    let rows = csv_rows(&out.join("matches.csv"));
    let header = &rows[0];
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    rows[1..]
        .iter()
        .filter(|r| r[col("rule")] == "manual" && r[col("invoice_id")] == invoice)
        .map(|r| r[col("applied_amount")].clone())
        .collect()
}

#[test]
fn a_corrected_amount_is_not_applied_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "TM-451;C2;Beta Logistique SAS;2026-09-27;2026-10-27;1234,56\n",
    );
    write_statement(
        &c,
        1,
        "2026-11-02",
        &[credit("R1", "2026-11-02", "2000.00")],
    );
    night(dir.path(), &c, "2026-11-02");

    decisions(&c, "R1;TM-451;accept;500.00;\n");
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(manual_amounts(&out, "TM-451"), ["500.00"]);
    assert_eq!(status(&out, "TM-451", "open_after"), "734.56");

    // The person corrects the line: 600, not 500. The 500 are applied
    // already; applying 600 on top would make 1,100.
    decisions(&c, "R1;TM-451;accept;600.00;corrected\n");
    let out = night(dir.path(), &c, "2026-11-04");
    assert_eq!(status(&out, "TM-451", "open_after"), "734.56");
    assert!(manual_amounts(&out, "TM-451").is_empty());
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 1, "{refused:?}");
    for part in [
        "line 2: accept R1 TM-451",
        "500.00 was already applied on 2026-11-03",
        "not applied again",
        "add a line for the extra amount",
    ] {
        assert!(refused[0].contains(part), "{part}: {}", refused[0]);
    }
    // Still refused the next night, and not said again.
    let out = night(dir.path(), &c, "2026-11-05");
    assert_eq!(status(&out, "TM-451", "open_after"), "734.56");
    assert!(messages(&out, "alerts.csv", "decision_rejected").is_empty());

    // Done as the alert says: the original line back and the extra 100 on
    // a line of its own. Only the 100 are applied.
    decisions(
        &c,
        "R1;TM-451;accept;500.00;\nR1;TM-451;accept;100.00;the rest\n",
    );
    let out = night(dir.path(), &c, "2026-11-06");
    assert_eq!(manual_amounts(&out, "TM-451"), ["100.00"]);
    assert_eq!(status(&out, "TM-451", "open_after"), "634.56");
}

#[test]
fn a_second_line_beside_the_first_is_a_further_decision() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), "F-1;C1;Alpha;2026-09-27;2026-10-27;1000,00\n");
    write_statement(
        &c,
        1,
        "2026-11-02",
        &[credit("R1", "2026-11-02", "1000.00")],
    );
    decisions(&c, ";F-1;writeoff;20.00;\n");
    night(dir.path(), &c, "2026-11-02");
    decisions(&c, "R1;F-1;assign;300.00;\n;F-1;writeoff;20.00;\n");
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(status(&out, "F-1", "open_after"), "680.00");
    // A further write-off while the first is in the file; a write-off whose
    // amount is changed is not applied again.
    decisions(
        &c,
        "R1;F-1;assign;300.00;\n;F-1;writeoff;20.00;\n;F-1;writeoff;30.00;\n",
    );
    let out = night(dir.path(), &c, "2026-11-04");
    assert_eq!(status(&out, "F-1", "open_after"), "650.00");
    decisions(
        &c,
        "R1;F-1;assign;300.00;\n;F-1;writeoff;20.00;\n;F-1;writeoff;35.00;\n",
    );
    let out = night(dir.path(), &c, "2026-11-05");
    assert_eq!(status(&out, "F-1", "open_after"), "650.00");
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains("30.00 was already applied on 2026-11-04"),
        "{}",
        refused[0]
    );
}

#[test]
fn a_line_written_before_its_money_arrives_is_applied_when_it_arrives() {
    // The person saw R9 in the bank portal (the parent company paying K-460)
    // and wrote the line before the statement carrying R9 came.
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "K-460;C2;Beta Logistique SAS;2026-09-27;2026-10-27;900,00\n",
    );
    write_statement(&c, 1, "2026-11-02", &[]);
    decisions(&c, "R9;K-460;assign;;paid by the parent company\n");
    let out = night(dir.path(), &c, "2026-11-02");
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("entry R9 is unknown"), "{}", refused[0]);
    assert!(refused[0].contains("tried again"), "{}", refused[0]);

    // Still not there: refused again, but not alerted again; still open.
    write_statement(&c, 2, "2026-11-03", &[]);
    let out = night(dir.path(), &c, "2026-11-03");
    assert!(messages(&out, "alerts.csv", "decision_rejected").is_empty());
    assert_eq!(
        messages(&out, "open_items.csv", "decision_rejected").len(),
        1
    );

    // R9 arrives, the line still in the file: applied, K-460 is paid and
    // nobody reminds Beta of it.
    write_statement(&c, 3, "2026-11-04", &[credit("R9", "2026-11-04", "900.00")]);
    let out = night(dir.path(), &c, "2026-11-04");
    assert_eq!(manual_amounts(&out, "K-460"), ["900.00"]);
    assert_eq!(status(&out, "K-460", "open_after"), "0.00");
    assert_eq!(status(&out, "K-460", "status"), "paid");
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert!(
        column_where(&dunning, "invoice_ids", "K-460", "step").is_empty(),
        "{dunning:?}"
    );
    assert!(messages(&out, "alerts.csv", "unmatched_credit").is_empty());
    // The alert is answered.
    assert!(messages(&out, "open_items.csv", "decision_rejected").is_empty());

    // Applied once: the next night does nothing more.
    let out = night(dir.path(), &c, "2026-11-05");
    assert!(manual_amounts(&out, "K-460").is_empty());
    assert_eq!(status(&out, "K-460", "open_after"), "0.00");
}

#[test]
fn a_line_that_can_never_apply_is_not_tried_again() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), "F-1;C1;Alpha;2026-09-27;2026-10-27;100,00\n");
    let debit = Ntry {
        reference: "D1",
        date: "2026-11-02",
        code: "PMNT/RDDT/ESDD",
        amount: "-100.00",
        txs: vec![Tx {
            amount: "-100.00",
            ..Tx::default()
        }],
    };
    write_statement(&c, 1, "2026-11-02", &[debit]);
    decisions(&c, "D1;F-1;assign;;\n");
    let out = night(dir.path(), &c, "2026-11-02");
    let refused = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("not money received"), "{}", refused[0]);
    assert!(
        refused[0].contains("change or remove the line"),
        "{}",
        refused[0]
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["decisions"]["refused"], 1);
    let out = night(dir.path(), &c, "2026-11-03");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["decisions"]["handled"], 0);
    let open = |out: &Path| messages(out, "open_items.csv", "decision_rejected").len();
    assert_eq!(open(&out), 1, "it waits for a person");
    // The person removes the line: the question is gone.
    decisions(&c, "");
    let out = night(dir.path(), &c, "2026-11-04");
    assert_eq!(open(&out), 0);
}

#[test]
fn a_retried_lines_open_alert_says_tonights_reason() {
    // Written before R9 arrived: refused for now. R9 then arrives, and it
    // is a debit: refused for good, said again, and the open question says so.
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), "F-1;C1;Alpha;2026-09-27;2026-10-27;100,00\n");
    write_statement(&c, 1, "2026-11-02", &[]);
    decisions(&c, "R9;F-1;assign;;\n");
    let out = night(dir.path(), &c, "2026-11-02");
    let open = messages(&out, "open_items.csv", "decision_rejected");
    assert_eq!(open.len(), 1, "{open:?}");
    assert!(open[0].contains("entry R9 is unknown"), "{}", open[0]);
    let debit = Ntry {
        reference: "R9",
        date: "2026-11-03",
        code: "PMNT/RDDT/ESDD",
        amount: "-100.00",
        txs: vec![Tx {
            amount: "-100.00",
            ..Tx::default()
        }],
    };
    write_statement(&c, 2, "2026-11-03", &[debit]);
    let out = night(dir.path(), &c, "2026-11-03");
    // Refused for good now: said again in tonight's alerts.csv (the person
    // must change or remove the line), and the one open tells what holds now.
    let open = messages(&out, "open_items.csv", "decision_rejected");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(messages(&out, "alerts.csv", "decision_rejected"), open);
    assert!(open[0].contains("not money received"), "{}", open[0]);
    assert!(open[0].contains("change or remove the line"), "{}", open[0]);
    assert!(!open[0].contains("is unknown"), "{}", open[0]);
}

#[test]
fn an_invoice_paid_late_by_a_decision_counts_in_the_customers_lateness() {
    // F-1 was due on 1 September; the parent company paid it on 2 November
    // and a person assigned the money: 62 days late. Beta pays late, so its
    // next invoice, due on 10 November, gets the watch plan's preventive
    // call five days before.
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        "F-1;C2;Beta Logistique SAS;2026-08-01;2026-09-01;1000,00\n\
F-2;C2;Beta Logistique SAS;2026-10-10;2026-11-10;500,00\n",
    );
    write_statement(
        &c,
        1,
        "2026-11-02",
        &[credit("R1", "2026-11-02", "1000.00")],
    );
    decisions(&c, "R1;F-1;assign;;paid by the parent company\n");
    let out = night(dir.path(), &c, "2026-11-02");
    assert_eq!(status(&out, "F-1", "status"), "paid");
    let out = night(dir.path(), &c, "2026-11-05");
    let dunning = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "invoice_ids", "F-2", "step"),
        ["preventive_contact"],
        "{dunning:?}"
    );
    let reason = column_where(&dunning, "invoice_ids", "F-2", "reason");
    assert!(reason[0].contains("62 days late"), "{}", reason[0]);
}

#[test]
fn a_line_refused_for_good_removed_and_written_back_is_said_again_not_judged_again() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), "F-1;C1;Alpha;2026-09-27;2026-10-27;100,00\n");
    write_statement(
        &c,
        1,
        "2026-11-02",
        &[
            credit("E1", "2026-11-02", "100.00"),
            credit("E2", "2026-11-02", "100.00"),
        ],
    );
    // E1 pays F-1; E2 for F-1 too is refused for good: F-1 is settled.
    let lines = "E1;F-1;assign;;\nE2;F-1;assign;;\n";
    decisions(&c, lines);
    let out = night(dir.path(), &c, "2026-11-02");
    assert_eq!(manual_amounts(&out, "F-1"), ["100.00"]);
    assert_eq!(messages(&out, "alerts.csv", "decision_rejected").len(), 1);
    // A night without the file changes nothing people decided.
    fs::remove_file(c.join("decisions.csv")).unwrap();
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(
        messages(&out, "open_items.csv", "decision_rejected").len(),
        1
    );
    // The E2 line removed, then written back: the refusal stands as decided
    // on its night (a return reopening F-1 since would not let E2 take
    // it), and is said again.
    decisions(&c, "E1;F-1;assign;;\n");
    let out = night(dir.path(), &c, "2026-11-04");
    assert!(messages(&out, "open_items.csv", "decision_rejected").is_empty());
    decisions(&c, lines);
    let out = night(dir.path(), &c, "2026-11-05");
    assert!(manual_amounts(&out, "F-1").is_empty());
    let said = messages(&out, "alerts.csv", "decision_rejected");
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("line 3: assign E2 F-1"), "{}", said[0]);
    let db = rusqlite::Connection::open(c.join(".pointage/state.sqlite")).unwrap();
    let (night, outcome): (String, String) = db
        .query_row(
            "SELECT run_date, outcome FROM decisions WHERE entry_id = 'E2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(night, "2026-11-02");
    assert!(outcome.starts_with("refused for good"), "{outcome}");
}

/// Alpha's F-100 (1,000.00) and F-101 (500.00, due 2026-11-20), Beta's
/// F-200 (500.00).
const ALPHA_BETA: &str = "F-100;C1;Alpha SARL;2026-10-01;2026-10-30;1000,00\n\
     F-101;C1;Alpha SARL;2026-10-05;2026-11-20;500,00\n\
     F-200;C2;Beta SAS;2026-10-01;2026-10-30;500,00\n";

/// A transfer from `name`, account `iban`, quoting no invoice.
fn transfer(
    reference: &'static str,
    date: &'static str,
    amount: &'static str,
    name: &'static str,
    iban: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date,
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            name: Some(name),
            iban: Some(iban),
            text: Some("VIREMENT"),
            ..Tx::default()
        }],
    }
}

#[test]
fn a_factors_iban_taught_by_one_decision_does_not_make_its_next_transfer_that_customers() {
    // EUROFACTOR pays for several customers from one account. A person
    // assigns its first transfer to Alpha's F-100; its next one, 500.00, is
    // for Beta's F-200, while Alpha's F-101 (not due yet) is 500.00 too.
    const FACTOR: &str = "FR1420041010050500013M02606";
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), ALPHA_BETA);
    let factor =
        |reference, date, amount| transfer(reference, date, amount, "EUROFACTOR SA", FACTOR);
    write_statement(
        &c,
        1,
        "2026-11-02",
        &[factor("FX1", "2026-11-02", "1000.00")],
    );
    night(dir.path(), &c, "2026-11-02");
    decisions(&c, "FX1;F-100;assign;;factor pays for Alpha\n");
    write_statement(
        &c,
        2,
        "2026-11-03",
        &[factor("FX2", "2026-11-03", "500.00")],
    );
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(status(&out, "F-100", "open_after"), "0.00");
    // Not Alpha's F-101 on the strength of that one decision: a person
    // chooses between F-101 and F-200.
    assert_eq!(status(&out, "F-101", "open_after"), "500.00");
    assert_eq!(status(&out, "F-200", "open_after"), "500.00");
    let suggested = messages(&out, "alerts.csv", "suggested_match");
    assert_eq!(suggested.len(), 1, "{suggested:?}");
    let rows = csv_rows(&out.join("matches.csv"));
    let evidence = column_where(&rows, "invoice_id", "F-101", "evidence");
    assert!(
        evidence[0].contains(
            "only by a person's earlier decision, and customer C2 is open for exactly 500.00"
        ),
        "{evidence:?}"
    );
}

#[test]
fn an_iban_taught_by_a_decision_still_matches_when_the_payer_names_the_customer() {
    // Alpha pays from an account a decision taught; Beta owes the same
    // amount, but the payer's name is Alpha's: matched.
    const ALPHA: &str = "FR1420041010050500013M02606";
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), ALPHA_BETA);
    let alpha = |reference, date, amount| transfer(reference, date, amount, "ALPHA SARL", ALPHA);
    write_statement(&c, 1, "2026-11-02", &[alpha("A1", "2026-11-02", "1000.00")]);
    night(dir.path(), &c, "2026-11-02");
    decisions(&c, "A1;F-100;assign;;\n");
    write_statement(&c, 2, "2026-11-03", &[alpha("A2", "2026-11-03", "500.00")]);
    let out = night(dir.path(), &c, "2026-11-03");
    assert_eq!(status(&out, "F-101", "open_after"), "0.00");
    assert_eq!(status(&out, "F-200", "open_after"), "500.00");
}
