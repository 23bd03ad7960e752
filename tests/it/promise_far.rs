//! Review 31 F14: a promised date mistyped decades ahead (2062 for 2026)
//! is named the night it is read (`promise_unmatched`, the line), and holds
//! the invoice only until `promise_max_days` (92) after that night; then
//! it is judged like any promise for that day.

use std::fs;
use std::path::Path;

use crate::support::{csv_rows, run_night, write_statement};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

/// `kind invoice message` of a file's rows.
fn alerts(path: &Path) -> Vec<(String, String, String)> {
    let rows = csv_rows(path);
    let col = |n: &str| rows[0].iter().position(|c| c == n).unwrap();
    rows[1..]
        .iter()
        .map(|r| {
            (
                r[col("kind")].clone(),
                r[col("invoice_id")].clone(),
                r[col("message")].clone(),
            )
        })
        .collect()
}

fn steps(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = |n: &str| rows[0].iter().position(|c| c == n).unwrap();
    rows[1..]
        .iter()
        .map(|r| format!("{} {}", r[col("step")], r[col("invoice_ids")]))
        .collect()
}

#[test]
fn a_promise_decades_ahead_is_named_and_holds_only_until_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    crate::support::quiet_client(&c, "");
    fs::write(
        c.join("invoices.csv"),
        format!(
            "{HEADER}F-100,C1,Alpha SARL,2026-09-01,2026-09-30,1000.00,1000.00,EUR\n\
             F-200,C2,Beta SAS,2026-09-01,2026-09-30,500.00,500.00,EUR\n"
        ),
    )
    .unwrap();
    // Line 3 is 75 days ahead: within the limit, nothing to say.
    fs::write(
        c.join("promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,F-100,2062-10-15\nC2,F-200,2026-12-15\n",
    )
    .unwrap();
    write_statement(&c, 1, "2026-10-01", &[]);
    let night = |date: &str| {
        let out = dir.path().join("out").join(date);
        let o = run_night(&c, date, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let out = night("2026-10-01");
    let got = alerts(&out.join("alerts.csv"));
    assert_eq!(got.len(), 1, "{got:?}");
    let (kind, invoice, message) = &got[0];
    assert_eq!(
        (kind.as_str(), invoice.as_str()),
        ("promise_unmatched", "F-100")
    );
    assert!(
        message.contains("promises.csv line 2: C1 F-100 2062-10-15")
            && message
                .contains("more than 92 days after the night the line was first read (2026-10-01)")
            && message.contains("only until 2027-01-01"),
        "{message}"
    );
    assert_eq!(steps(&out), Vec::<String>::new());

    // Still held, still shown to a person; the limit does not move on.
    let out = night("2026-11-02");
    assert_eq!(steps(&out), Vec::<String>::new());
    let open = alerts(&out.join("open_items.csv"));
    assert!(
        open.iter()
            .any(|(k, _, m)| k == "promise_unmatched" && m.contains("only until 2027-01-01")),
        "{open:?}"
    );

    // After the limit and its grace days (2027-01-01 + 3 business days),
    // judged as a promise for that day: broken, dunning resumes for F-100;
    // C2's real promise (2026-12-15) is judged on its own date.
    let out = night("2027-01-07");
    let got = alerts(&out.join("alerts.csv"));
    assert!(
        got.iter()
            .any(|(k, i, _)| k == "broken_promise" && i == "F-100"),
        "{got:?}"
    );
    assert!(
        steps(&out).iter().any(|s| s.ends_with(" F-100")),
        "{:?}",
        steps(&out)
    );
}

/// Review 38 erp F17: an export that lists no invoice at all (a failed
/// export) on the night a promise is judged does not settle the promise
/// for good: with the full export back, the promise is broken as it would
/// have been.
#[test]
fn a_promise_is_not_judged_kept_on_an_export_listing_no_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    crate::support::quiet_client(&c, "");
    let full = format!(
        "{HEADER}F-100,C1,Alpha SARL,2026-09-01,2026-09-30,1000.00,1000.00,EUR\n\
         F-200,C2,Beta SAS,2026-09-01,2026-09-30,500.00,500.00,EUR\n"
    );
    fs::write(
        c.join("promises.csv"),
        "customer_id,invoice_id,promised_date\nC1,F-100,2026-11-20\n",
    )
    .unwrap();
    let night = |seq: u32, date: &str, invoices: &str| {
        fs::write(c.join("invoices.csv"), invoices).unwrap();
        write_statement(&c, seq, date, &[]);
        let out = dir.path().join("out").join(date);
        let o = run_night(&c, date, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    night(1, "2026-11-20", &full);
    night(2, "2026-11-26", HEADER);
    let out = night(3, "2026-11-27", &full);
    let broken: Vec<_> = alerts(&out.join("alerts.csv"))
        .into_iter()
        .filter(|(k, _, _)| k == "broken_promise")
        .map(|(_, i, _)| i)
        .collect();
    assert_eq!(broken, ["F-100"]);
}

/// Review 38 erp F6: a promised date already over (grace days included) the
/// night its line is first read — `01/11` typed for `01/12` — is named as a
/// line matching nothing, never a broken promise stated in a formal notice;
/// a line read before its date and not kept is broken as before.
#[test]
fn a_promise_already_over_when_first_read_is_named_not_broken() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    crate::support::quiet_client(&c, "");
    fs::write(
        c.join("invoices.csv"),
        format!(
            "{HEADER}F-100,C1,Alpha SARL,2026-09-01,2026-09-30,1000.00,1000.00,EUR\n\
             F-200,C2,Beta SAS,2026-09-01,2026-09-30,500.00,500.00,EUR\n"
        ),
    )
    .unwrap();
    let night = |seq: u32, date: &str, promises: &str| {
        fs::write(c.join("promises.csv"), promises).unwrap();
        write_statement(&c, seq, date, &[]);
        let out = dir.path().join("out").join(date);
        let o = run_night(&c, date, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        alerts(&out.join("alerts.csv"))
    };
    let head = "customer_id,invoice_id,promised_date\n";
    night(1, "2026-11-10", &format!("{head}C2,F-200,2026-11-12\n"));
    // C1's line appears on 11-20 dated 11-01; C2's (read on 11-10) is over.
    let got = night(
        2,
        "2026-11-20",
        &format!("{head}C1,F-100,2026-11-01\nC2,F-200,2026-11-12\n"),
    );
    let of = |kind: &str| -> Vec<String> {
        got.iter()
            .filter(|(k, _, _)| k == kind)
            .map(|(_, i, _)| i.clone())
            .collect()
    };
    assert_eq!(of("broken_promise"), ["F-200"]);
    assert_eq!(of("promise_unmatched"), ["F-100"]);
    let (_, _, message) = got
        .iter()
        .find(|(k, _, _)| k == "promise_unmatched")
        .unwrap();
    assert!(
        message.contains("already over the night the line was first read (2026-11-20)"),
        "{message}"
    );
}
