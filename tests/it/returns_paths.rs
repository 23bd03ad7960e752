//! What the customer reads after a returned collection, night after night:
//! an unknown or narrative reason takes the unspecified path (call and two
//! letters); a technical rejection (the firm's own data) asks a person to
//! re-present, is not the customer's return (no `watch` plan, never a
//! second return) and, once its silent path is over, the plan starts again
//! at its first written step; a refusal by the debtor holds the invoice as
//! disputed for the path only; an unpaid cheque is called a cheque.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, column_where, csv_rows, run_ok, write_statement};

const HEADER: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,payment_method,mandate_id,disputed\n";

/// F-100 (Alpha, 1000.00, mandate RUM-1) and F-200 (Beta, 600.00, RUM-2),
/// both collected by direct debit on their due date, 2026-11-02.
fn invoices(f100_disputed: bool) -> String {
    format!(
        "{HEADER}F-100,C1,Alpha SARL,2026-10-01,2026-11-02,1000.00,1000.00,EUR,direct_debit,RUM-1,{f100_disputed}\n\
         F-200,C2,Beta SAS,2026-10-01,2026-11-02,600.00,600.00,EUR,direct_debit,RUM-2,false\n"
    )
}

fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    crate::support::quiet_client(&c, "");
    std::fs::write(
        c.join("customers.csv"),
        "customer_id,name,mandate_ids\nC1,Alpha SARL,RUM-1\nC2,Beta SAS,RUM-2\n",
    )
    .unwrap();
    std::fs::write(c.join("invoices.csv"), invoices(false)).unwrap();
    c
}

fn night(c: &Path, date: &str) -> PathBuf {
    let out = c.parent().unwrap().join("out").join(date);
    run_ok(c, date, &out);
    out
}

fn collection(
    reference: &'static str,
    date: &'static str,
    amount: &'static str,
    txs: Vec<Tx>,
) -> Ntry {
    Ntry {
        reference,
        date,
        code: "IDDT/ESDD",
        amount,
        txs,
    }
}

fn collect(e2e: &'static str, mandate: &'static str, amount: &'static str) -> Tx {
    Tx {
        amount,
        e2e: Some(e2e),
        mandate: Some(mandate),
        ..Tx::default()
    }
}

fn back(
    reference: &'static str,
    date: &'static str,
    e2e: &'static str,
    mandate: &'static str,
    amount: &'static str,
    reason: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date,
        code: "IDDT/UPDD",
        amount,
        txs: vec![Tx {
            amount,
            e2e: Some(e2e),
            mandate: Some(mandate),
            reason: Some(reason),
            ..Tx::default()
        }],
    }
}

/// `(step, penalty_amount, reason)` of the night's rows naming `invoice`.
fn steps(out: &Path, invoice: &str) -> Vec<(String, String, String)> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = |c: &str| column_where(&rows, "invoice_ids", invoice, c);
    let mut v: Vec<_> = col("step")
        .into_iter()
        .zip(col("penalty_amount"))
        .zip(col("reason"))
        .map(|((s, p), r)| (s, p, r))
        .collect();
    v.sort();
    v
}

fn step_names(out: &Path, invoice: &str) -> Vec<String> {
    steps(out, invoice).into_iter().map(|s| s.0).collect()
}

fn status(out: &Path, invoice: &str) -> String {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    column_where(&rows, "invoice_id", invoice, "status").concat()
}

/// `(kind, message)` of the night's alerts about `invoice`.
fn alerts(out: &Path, invoice: &str) -> Vec<(String, String)> {
    let rows = csv_rows(&out.join("alerts.csv"));
    let h = &rows[0];
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    rows[1..]
        .iter()
        .filter(|r| r[at("invoice_id")] == invoice)
        .map(|r| (r[at("kind")].clone(), r[at("message")].clone()))
        .collect()
}

/// Night 2026-11-02 collects both; 2026-11-05 returns F-100 with `a` and
/// F-200 with `b`; returns that night's output.
fn returned(c: &Path, a: &'static str, b: &'static str) -> PathBuf {
    write_statement(
        c,
        1,
        "2026-11-02",
        &[collection(
            "DD1",
            "2026-11-02",
            "1600.00",
            vec![
                collect("E2E-A1", "RUM-1", "1000.00"),
                collect("E2E-B1", "RUM-2", "600.00"),
            ],
        )],
    );
    night(c, "2026-11-02");
    write_statement(
        c,
        2,
        "2026-11-05",
        &[
            back("RT1", "2026-11-05", "E2E-A1", "RUM-1", "-1000.00", a),
            back("RT2", "2026-11-05", "E2E-B1", "RUM-2", "-600.00", b),
        ],
    );
    night(c, "2026-11-05")
}

#[test]
fn a_narrative_reason_gets_the_letters_and_a_technical_one_never_a_notice_first() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let out = returned(&c, "MD02", "NARR");
    // NARR: call and letter, as an unspecified reason.
    assert_eq!(step_names(&out, "F-200"), ["return_call", "return_letter"]);
    // MD02, the firm's own mandate data: nothing to the customer; the alert
    // asks a person to re-present.
    assert_eq!(step_names(&out, "F-100"), Vec::<String>::new());
    let a = alerts(&out, "F-100");
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].0, "direct_debit_returned");
    assert!(a[0].1.contains("re-present"), "{}", a[0].1);

    let out = night(&c, "2026-11-20");
    assert_eq!(step_names(&out, "F-200"), ["return_second_letter"]);
    assert_eq!(step_names(&out, "F-100"), Vec::<String>::new());
    night(&c, "2026-12-04");

    // The paths are over. F-100's customer has read nothing: the plan
    // starts at its first written step, on the default plan (a technical
    // rejection is no return of theirs), without charges.
    let out = night(&c, "2026-12-07");
    let s = steps(&out, "F-100");
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(
        (s[0].0.as_str(), s[0].1.as_str()),
        ("courtesy_reminder", "0.00")
    );
    assert!(s[0].2.contains("plan default"), "{}", s[0].2);
    // F-200 had its letters: its plan goes on from its own dates.
    assert_eq!(step_names(&out, "F-200"), ["formal_notice"]);
    // The next written step keeps the plan's spacing from the path's end
    // (firm reminder 8 days after it, acted on Monday 14), never a formal
    // notice the next day.
    for d in ["2026-12-08", "2026-12-09", "2026-12-10"] {
        assert_eq!(
            step_names(&night(&c, d), "F-100"),
            Vec::<String>::new(),
            "{d}"
        );
    }
    assert_eq!(
        step_names(&night(&c, "2026-12-11"), "F-100"),
        ["firm_reminder"]
    );
}

#[test]
fn a_technical_rejection_is_never_the_customers_second_return() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    returned(&c, "MD02", "AM04");
    // F-100 re-presented once the mandate data is fixed, and returned again,
    // this time for insufficient funds: the customer's first return.
    write_statement(
        &c,
        3,
        "2026-11-10",
        &[collection(
            "DD2",
            "2026-11-10",
            "1000.00",
            vec![collect("E2E-A2", "RUM-1", "1000.00")],
        )],
    );
    night(&c, "2026-11-10");
    write_statement(
        &c,
        4,
        "2026-11-13",
        &[back(
            "RT3",
            "2026-11-13",
            "E2E-A2",
            "RUM-1",
            "-1000.00",
            "AM04",
        )],
    );
    let out = night(&c, "2026-11-13");
    assert_eq!(step_names(&out, "F-100"), ["return_call", "return_letter"]);
    let kinds: Vec<String> = csv_rows(&out.join("alerts.csv"))
        .iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    assert!(
        !kinds.iter().any(|k| k == "repeated_direct_debit_return"),
        "{kinds:?}"
    );
}

#[test]
fn a_refused_debit_is_disputed_for_the_path_then_chased_unless_the_erp_disputes_it() {
    for erp_disputed in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let c = client(dir.path());
        let out = returned(&c, "MS02", "AM04");
        assert_eq!(step_names(&out, "F-100"), ["dispute_call"]);
        assert_eq!(status(&out, "F-100"), "disputed");
        let out = night(&c, "2026-11-20");
        assert_eq!(step_names(&out, "F-100"), Vec::<String>::new());
        assert_eq!(status(&out, "F-100"), "disputed");
        std::fs::write(c.join("invoices.csv"), invoices(erp_disputed)).unwrap();
        night(&c, "2026-12-04");
        // The path is over: the plan resumes at its first written step,
        // unless the ERP says the invoice is disputed.
        let out = night(&c, "2026-12-07");
        if erp_disputed {
            assert_eq!(step_names(&out, "F-100"), Vec::<String>::new());
            assert_eq!(status(&out, "F-100"), "disputed");
        } else {
            assert_eq!(step_names(&out, "F-100"), ["courtesy_reminder"]);
            assert_eq!(status(&out, "F-100"), "returned");
        }
    }
}

#[test]
fn an_unpaid_cheque_is_not_called_a_direct_debit() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    std::fs::write(
        c.join("invoices.csv"),
        format!(
            "{HEADER}F-100,C1,Alpha SARL,2026-10-01,2026-10-30,1000.00,1000.00,EUR,cheque,,false\n"
        ),
    )
    .unwrap();
    let cheque = |reference, date, code, amount, reason| Ntry {
        reference,
        date,
        code,
        amount,
        txs: vec![Tx {
            amount,
            e2e: Some("CHQ0001234"),
            text: Some("REMISE CHQ F-100"),
            reason,
            ..Tx::default()
        }],
    };
    write_statement(
        &c,
        1,
        "2026-11-02",
        &[cheque("CH1", "2026-11-02", "RCHQ/BCHQ", "1000.00", None)],
    );
    night(&c, "2026-11-02");
    write_statement(
        &c,
        2,
        "2026-11-05",
        &[cheque("CU1", "2026-11-05", "RCHQ/UPCQ", "-1000.00", None)],
    );
    let s = steps(&night(&c, "2026-11-05"), "F-100");
    assert_eq!(s.len(), 2, "{s:?}");
    for (step, _, reason) in s {
        assert_eq!(
            reason, "cheque returned unpaid on 2026-11-05 (unknown reason)",
            "{step}"
        );
    }
}
