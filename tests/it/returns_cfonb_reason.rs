//! A CFONB return whose reason is not in cols 41-42 but stated, as an ISO
//! code, at the start of its 05 label (review 38 banks F5): read as camt's
//! `RtrInf/Rsn/Cd` would be, so a contested debit (MD06) takes the dispute
//! path, not the unpaid letter of an "unknown reason".

use std::path::Path;

use crate::statement_identity::{amount, balance, write};
use crate::support::{csv_rows, run_ok};

/// A 04 of interbank `code` on `date` (`DDMMYY`), cols 41-42 blank, and
/// its 05 complements (`qualifier`, text).
pub(crate) fn movement(
    code: &str,
    date: &str,
    cents: i64,
    label: &str,
    complements: &[(&str, &str)],
) -> Vec<String> {
    let mut out = vec![format!(
        "0430006000100001EUR2 12345678901{code}{date}  {date}{label:<31}  000000000{}{:16}",
        amount(cents),
        ""
    )];
    for (q, text) in complements {
        out.push(format!(
            "0530006000100001EUR2 12345678901{code}{date}     {q}{text:<70}  "
        ));
    }
    out
}

/// Beta's 50.00 collected on 20/11 (night 21/11), then returned on 24/11
/// with `label` as its 05 LIB (night 25/11): night 25's output folder.
fn returned(root: &Path, label: &str) -> std::path::PathBuf {
    let c = root.join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id\n\
         F-2001,C2,Beta SAS,2026-09-01,2026-10-01,50.00,50.00,EUR,,direct_debit,MDT-B\n",
    )
    .unwrap();
    let ids = [("RUM", "MDT-B"), ("RCN", "E2E-F2001")];
    let mut s1 = vec![balance("01", "191126", 100_000)];
    s1.extend(movement("A1", "201126", 5_000, "PRLV SEPA BETA SAS", &ids));
    s1.push(balance("07", "201126", 105_000));
    write(&c, "s1.txt", &s1);
    run_ok(&c, "2026-11-21", &root.join("out1"));
    let mut s2 = vec![balance("01", "231126", 105_000)];
    let mut back = ids.to_vec();
    back.push(("LIB", label));
    s2.extend(movement(
        "B3",
        "241126",
        -5_000,
        "IMPAYE PRLV SEPA BETA",
        &back,
    ));
    s2.push(balance("07", "241126", 100_000));
    write(&c, "s2.txt", &s2);
    let out = root.join("out2");
    run_ok(&c, "2026-11-25", &out);
    out
}

/// The reason code of the return's alert and the dunning steps for F-2001.
fn path(out: &Path) -> (String, Vec<String>) {
    let alerts = csv_rows(&out.join("alerts.csv"));
    let a = |n: &str| alerts[0].iter().position(|h| h == n).unwrap();
    let reason = alerts[1..]
        .iter()
        .find(|r| r[0] == "direct_debit_returned")
        .map(|r| r[a("reason_code")].clone())
        .expect("direct_debit_returned");
    let dunning = csv_rows(&out.join("dunning.csv"));
    let d = |n: &str| dunning[0].iter().position(|h| h == n).unwrap();
    let steps = dunning[1..]
        .iter()
        .filter(|r| r[d("invoice_ids")] == "F-2001")
        .map(|r| r[d("step")].clone())
        .collect();
    (reason, steps)
}

#[test]
fn a_cfonb_return_stating_md06_in_its_complement_takes_the_dispute_path() {
    let root = tempfile::tempdir().unwrap();
    let (reason, steps) = path(&returned(root.path(), "MD06 CONTESTATION DEBITEUR"));
    assert_eq!(reason, "MD06");
    assert_eq!(steps, ["dispute_call"]);
}

#[test]
fn a_cfonb_return_whose_complement_states_no_code_stays_of_unknown_reason() {
    // The look-alike: a label that merely mentions a code, not opening with it.
    let root = tempfile::tempdir().unwrap();
    let (reason, steps) = path(&returned(root.path(), "IMPAYE MOTIF MD06X"));
    assert_eq!(reason, "");
    assert!(steps.contains(&"return_letter".to_string()), "{steps:?}");
}
