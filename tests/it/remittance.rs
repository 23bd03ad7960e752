//! A remittance booked as one line without detail — direct debits, or the
//! cheques a firm paid in (review 37 L3) — : the open items of its kind
//! (direct debits due by its date; invoices payable by cheque) that sum
//! exactly to it are suggested (never matched), and every open item it may
//! have gathered is held from dunning, formal notice included, for
//! `suggestion_hold_days` while it waits for a person. Other invoices (and
//! direct debits not yet due) are chased as usual.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, csv_rows, run_ok, write_statement};

const HEADER: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,payment_method,mandate_id\n";

/// Direct debits F-100 (1000.00), F-200 (600.00) due 2026-11-02, F-500
/// (400.00) due 2026-10-01 and F-400 (700.00) due 2026-11-20; F-300
/// (600.00) paid by transfer, due 2026-11-02.
const INVOICES: &str = "F-100,C1,Alpha SARL,2026-10-01,2026-11-02,1000.00,1000.00,EUR,direct_debit,RUM-1\n\
F-200,C2,Beta SAS,2026-10-01,2026-11-02,600.00,600.00,EUR,direct_debit,RUM-2\n\
F-300,C3,Gamma SA,2026-10-01,2026-11-02,600.00,600.00,EUR,transfer,\n\
F-400,C4,Delta SA,2026-10-01,2026-11-20,700.00,700.00,EUR,direct_debit,RUM-4\n\
F-500,C5,Epsilon SA,2026-09-01,2026-10-01,400.00,400.00,EUR,direct_debit,RUM-5\n";

/// The remittance of `amount`, booked 2026-11-02 as one line: no
/// transaction detail, no mandate, no debtor.
fn client(root: &Path, amount: &'static str) -> PathBuf {
    let c = root.join("c");
    crate::support::quiet_client(&c, "");
    std::fs::write(c.join("invoices.csv"), format!("{HEADER}{INVOICES}")).unwrap();
    write_statement(
        &c,
        1,
        "2026-11-02",
        &[Ntry {
            reference: "PRLV021126",
            date: "2026-11-02",
            code: "IDDT/ESDD",
            amount,
            txs: vec![],
        }],
    );
    c
}

fn night(c: &Path, date: &str) -> PathBuf {
    let out = c.parent().unwrap().join("out").join(date);
    run_ok(c, date, &out);
    out
}

/// `(invoice_ids, step)` of every row of the night's dunning, sorted.
fn chased(out: &Path) -> Vec<(String, String)> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let h = &rows[0];
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let mut v: Vec<_> = rows[1..]
        .iter()
        .map(|r| (r[at("invoice_ids")].clone(), r[at("step")].clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn the_direct_debits_summing_to_an_undetailed_remittance_are_suggested_not_chased() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), "1600.00");
    let out = night(&c, "2026-11-02");
    let rows = csv_rows(&out.join("matches.csv"));
    let h = &rows[0];
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let mut suggested: Vec<(String, String, String, String)> = rows[1..]
        .iter()
        .filter(|r| r[at("status")] == "suggested")
        .map(|r| {
            (
                r[at("invoice_id")].clone(),
                r[at("applied_amount")].clone(),
                r[at("rule")].clone(),
                r[at("entry_id")].clone(),
            )
        })
        .collect();
    suggested.sort();
    assert_eq!(
        suggested,
        [
            (
                "F-100".into(),
                "1000.00".into(),
                "remittance".into(),
                "PRLV021126".into()
            ),
            (
                "F-200".into(),
                "600.00".into(),
                "remittance".into(),
                "PRLV021126".into()
            ),
        ]
    );
    assert!(
        !rows[1..].iter().any(|r| r[at("status")] == "matched"),
        "never applied without a person"
    );
    // The transfer is chased; the collected direct debits and the old one
    // (its formal notice) are held while the money waits.
    assert_eq!(chased(&out), [("F-300".into(), "courtesy_reminder".into())]);
}

#[test]
fn an_undetailed_remittance_no_set_explains_holds_every_direct_debit_it_may_have_collected() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), "1500.00");
    let out = night(&c, "2026-11-02");
    assert_eq!(chased(&out), [("F-300".into(), "courtesy_reminder".into())]);
    let out = night(&c, "2026-11-05");
    assert_eq!(chased(&out), Vec::<(String, String)>::new());
    // suggestion_hold_days (5) are over: the plans resume.
    let out = night(&c, "2026-11-09");
    assert_eq!(
        chased(&out),
        [
            ("F-100".into(), "firm_reminder".into()),
            ("F-200".into(), "firm_reminder".into()),
            ("F-300".into(), "firm_reminder".into()),
            ("F-500".into(), "formal_notice".into()),
        ]
    );
}

/// Cheques F-1 (100.00), F-2 (250.00), F-3 (330.00), F-4 (90.00), all due
/// 2026-10-01; F-5 (500.00) by transfer, due 2026-10-01.
const CHEQUES: &str = "F-1,C1,Alpha SARL,2026-09-01,2026-10-01,100.00,100.00,EUR,cheque,\n\
F-2,C2,Beta SAS,2026-09-01,2026-10-01,250.00,250.00,EUR,cheque,\n\
F-3,C3,Gamma EURL,2026-09-01,2026-10-01,330.00,330.00,EUR,chèque,\n\
F-4,C4,Delta SA,2026-09-01,2026-10-01,90.00,90.00,EUR,cheque,\n\
F-5,C5,Epsilon SA,2026-09-01,2026-10-01,500.00,500.00,EUR,transfer,\n";

/// A paying-in slip of `amount` booked 2026-10-28 as its total: no drawer.
fn cheque_client(root: &Path, amount: &'static str) -> PathBuf {
    let c = root.join("c");
    crate::support::quiet_client(&c, "");
    std::fs::write(c.join("invoices.csv"), format!("{HEADER}{CHEQUES}")).unwrap();
    write_statement(
        &c,
        1,
        "2026-10-28",
        &[Ntry {
            reference: "REMCHQ1234",
            date: "2026-10-28",
            code: "RCHQ/CCHQ",
            amount,
            txs: vec![],
        }],
    );
    c
}

#[test]
fn the_cheques_summing_to_a_paying_in_slip_are_suggested_and_nobody_it_may_have_paid_is_chased() {
    let dir = tempfile::tempdir().unwrap();
    let c = cheque_client(dir.path(), "680.00");
    let out = night(&c, "2026-10-30");
    let rows = csv_rows(&out.join("matches.csv"));
    let h = &rows[0];
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let mut suggested: Vec<(String, String)> = rows[1..]
        .iter()
        .filter(|r| r[at("status")] == "suggested" && r[at("rule")] == "remittance")
        .map(|r| (r[at("invoice_id")].clone(), r[at("applied_amount")].clone()))
        .collect();
    suggested.sort();
    assert_eq!(
        suggested,
        [
            ("F-1".into(), "100.00".into()),
            ("F-2".into(), "250.00".into()),
            ("F-3".into(), "330.00".into()),
        ]
    );
    assert!(!rows[1..].iter().any(|r| r[at("status")] == "matched"));
    // Whoever's cheque is on the slip, no cheque invoice is chased while the
    // money waits; the transfer is.
    let chased = chased(&out);
    assert_eq!(chased.len(), 1, "{chased:?}");
    assert_eq!(chased[0].0, "F-5");
}

#[test]
fn a_paying_in_slip_no_set_of_cheques_explains_holds_every_cheque_invoice_then_the_plans_resume() {
    let dir = tempfile::tempdir().unwrap();
    let c = cheque_client(dir.path(), "600.00");
    let out = night(&c, "2026-10-30");
    let chased_now = chased(&out);
    assert_eq!(chased_now.len(), 1, "{chased_now:?}");
    assert_eq!(chased_now[0].0, "F-5");
    // suggestion_hold_days (5) are over: the cheque invoices are chased again.
    let out = night(&c, "2026-11-05");
    let ids: Vec<String> = chased(&out).into_iter().map(|(i, _)| i).collect();
    for id in ["F-1", "F-2", "F-3", "F-4"] {
        assert!(ids.contains(&id.to_string()), "{id} in {ids:?}");
    }
}
