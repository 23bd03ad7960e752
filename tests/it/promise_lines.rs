//! `promises.csv` lines that match nothing, or whose customer is not the
//! invoice's, are named in `promise_unmatched` alerts (file line and why)
//! while the valid lines apply; a named invoice is held whoever the line's
//! customer is, so its customer gets no formal notice over the promise.

use std::fs;
use std::path::Path;

use crate::support::{csv_rows, run_night};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount\n\
F-1,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,700.00,700.00\n\
F-2,C2,Beta Commerce SARL,2026-09-01,2026-10-01,250.00,250.00\n\
F-3,C3,Gamma SA,2026-09-01,2026-10-01,300.00,300.00\n";

type Rows = Vec<Vec<String>>;

/// dunning.csv, alerts.csv and open_items.csv of the night.
fn night(client: &Path, date: &str, out: &Path) -> (Rows, Rows, Rows) {
    let o = run_night(client, date, out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        csv_rows(&out.join("dunning.csv")),
        csv_rows(&out.join("alerts.csv")),
        csv_rows(&out.join("open_items.csv")),
    )
}

#[test]
fn a_promise_line_matching_nothing_is_named_and_one_for_another_customer_s_invoice_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c1");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    fs::write(
        c.join("promises.csv"),
        "customer_id,invoice_id,promised_date\n\
         C1,F-2,2026-12-15\n\
         C9,,2026-12-15\n\
         C1,F-99,2026-12-15\n\
         C3,F-3,2026-12-15\n",
    )
    .unwrap();
    let (dunning, alerts, _) = night(&c, "2026-11-02", &dir.path().join("n1"));
    let customers: Vec<&str> = dunning[1..].iter().map(|r| r[2].as_str()).collect();
    // F-2 (C2's) is held by the promise written for it; F-3 by its own;
    // C1's F-1 is under no promise and is chased.
    assert_eq!(customers, ["C1"], "{dunning:?}");
    let unmatched: Vec<(&str, &str, &str)> = alerts[1..]
        .iter()
        .filter(|r| r[0] == "promise_unmatched")
        .map(|r| (r[2].as_str(), r[3].as_str(), r[8].as_str()))
        .collect();
    assert_eq!(unmatched.len(), 3, "{alerts:?}");
    assert_eq!((unmatched[0].0, unmatched[0].1), ("C2", "F-2"));
    assert!(
        unmatched[0].2.starts_with(
            "promises.csv line 2: C1 F-2 2026-12-15: invoice F-2 is customer C2's, not C1's"
        ),
        "{}",
        unmatched[0].2
    );
    assert!(
        unmatched[1].2.starts_with("promises.csv line 4: C1 F-99"),
        "{}",
        unmatched[1].2
    );
    assert!(
        unmatched[2]
            .2
            .starts_with("promises.csv line 3: C9 (all invoices)"),
        "{}",
        unmatched[2].2
    );

    // Corrected, the lines leave open_items.csv; F-2 stays held.
    fs::write(
        c.join("promises.csv"),
        "customer_id,invoice_id,promised_date\nC2,F-2,2026-12-15\nC3,F-3,2026-12-15\n",
    )
    .unwrap();
    let (dunning, _, open) = night(&c, "2026-11-03", &dir.path().join("n2"));
    assert!(
        open[1..].iter().all(|r| r[0] != "promise_unmatched"),
        "{open:?}"
    );
    assert!(dunning[1..].iter().all(|r| r[2] != "C2"), "{dunning:?}");
}

#[test]
fn a_promise_follows_a_customer_id_the_erp_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c1");
    // No statement in this test: formal notices are not held for that.
    crate::support::quiet_client(&c, "");
    fs::write(
        c.join("promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,,2026-11-20\n",
    )
    .unwrap();
    let f100 = |who: &str| {
        format!(
            "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount\n\
             F-100,{who},Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00\n"
        )
    };
    fs::write(c.join("invoices.csv"), f100("C1")).unwrap();
    for date in ["2026-10-02", "2026-10-12", "2026-11-03"] {
        let (dunning, _, _) = night(&c, date, &dir.path().join(date));
        assert_eq!(dunning.len(), 1, "{date}: {dunning:?}");
    }
    // The ERP renumbers the customer (same name, C1 gone): the promise
    // still holds, and no line is said to match nothing.
    fs::write(c.join("invoices.csv"), f100("CL-0001")).unwrap();
    for date in ["2026-11-04", "2026-11-25"] {
        let (dunning, alerts, open) = night(&c, date, &dir.path().join(date));
        assert_eq!(dunning.len(), 1, "{date}: {dunning:?}");
        assert!(
            alerts[1..].iter().all(|r| r[0] != "promise_unmatched"),
            "{date}: {alerts:?}"
        );
        assert!(
            open[1..].iter().all(|r| r[0] != "promise_unmatched"),
            "{date}: {open:?}"
        );
    }
    // After the grace days it is judged for the customer under its new id.
    let (dunning, alerts, _) = night(&c, "2026-11-26", &dir.path().join("2026-11-26"));
    let broken: Vec<&Vec<String>> = alerts[1..]
        .iter()
        .filter(|r| r[0] == "broken_promise")
        .collect();
    assert_eq!(broken.len(), 1, "{alerts:?}");
    assert_eq!(
        (broken[0][2].as_str(), broken[0][3].as_str()),
        ("CL-0001", "F-100")
    );
    let steps: Vec<(&str, &str)> = dunning[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(steps, [("CL-0001", "formal_notice")]);
}

#[test]
fn a_promise_line_edited_into_a_typo_holds_formal_notices_for_a_night() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c1");
    crate::support::quiet_client(&c, "");
    fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount\n\
         F-100,C1,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00\n",
    )
    .unwrap();
    let promises = |line: &str| {
        fs::write(
            c.join("promises.csv"),
            format!("customer_id,invoice_id,promised_date\n{line}\n"),
        )
        .unwrap();
    };
    promises("C1,,2026-11-20");
    for date in ["2026-10-02", "2026-11-03"] {
        let (dunning, _, _) = night(&c, date, &dir.path().join(date));
        assert_eq!(dunning.len(), 1, "{date}: {dunning:?}");
    }
    // A person moves the date and mistypes the customer: the line matches
    // nothing. F-100 gets no formal notice that night (the milder step its
    // plan has not sent yet goes out), and the alert says why.
    promises("C11,,2026-11-27");
    let (dunning, alerts, _) = night(&c, "2026-11-04", &dir.path().join("2026-11-04"));
    let steps: Vec<(&str, &str)> = dunning[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str()))
        .collect();
    assert!(
        steps.iter().all(|(_, s)| *s != "formal_notice"),
        "{dunning:?}"
    );
    let unmatched: Vec<&str> = alerts[1..]
        .iter()
        .filter(|r| r[0] == "promise_unmatched")
        .map(|r| r[8].as_str())
        .collect();
    assert_eq!(unmatched.len(), 1, "{alerts:?}");
    assert!(
        unmatched[0].starts_with("promises.csv line 2: C11 (all invoices) 2026-11-27:")
            && unmatched[0].contains(
                "the line read C1 (all invoices) 2026-11-20 before, which held F-100: no formal notice or later step for them tonight"
            ),
        "{}",
        unmatched[0]
    );
    // Not corrected by the next night: the plan resumes.
    let (dunning, _, _) = night(&c, "2026-11-05", &dir.path().join("2026-11-05"));
    let steps: Vec<(&str, &str)> = dunning[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(steps, [("C1", "formal_notice")]);
}
