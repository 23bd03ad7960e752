//! Review 31 F12: the fixed recovery indemnity (40 EUR, Code de commerce
//! D441-5) is charged on EUR invoices only, never as 40 JPY or 40 USD; a
//! client may set one for another currency
//! (`recovery_indemnity_by_currency`).

use std::fs;
use std::path::Path;

use crate::support::{csv_rows, run_night, write_statement};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

/// `step invoice currency penalty_amount` of the night's formal notices.
fn penalties(root: &Path, toml: &str) -> Vec<String> {
    let c = root.join("c");
    crate::support::quiet_client(&c, toml);
    fs::write(
        c.join("invoices.csv"),
        format!(
            "{HEADER}F-1,C1,Alpha SARL,2026-08-01,2026-09-01,1000.00,1000.00,USD\n\
             F-2,C1,Alpha SARL,2026-08-01,2026-09-01,150000,150000,JPY\n\
             F-3,C1,Alpha SARL,2026-08-01,2026-09-01,1000.00,1000.00,EUR\n"
        ),
    )
    .unwrap();
    write_statement(&c, 1, "2026-10-05", &[]);
    let out = root.join("out");
    let o = run_night(&c, "2026-10-05", &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = |n: &str| rows[0].iter().position(|c| c == n).unwrap();
    let mut got: Vec<String> = rows[1..]
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r[col("step")],
                r[col("invoice_ids")],
                r[col("currency")],
                r[col("penalty_amount")]
            )
        })
        .collect();
    got.sort();
    got
}

#[test]
fn the_indemnity_is_charged_on_eur_invoices_only() {
    let dir = tempfile::tempdir().unwrap();
    // Interest 35 days at 12.15 %: 11.65 on 1000, 1748 on 150000 (JPY has
    // no minor unit); the 40.00 only on the EUR invoice.
    assert_eq!(
        penalties(dir.path(), ""),
        [
            "formal_notice F-1 USD 11.65",
            "formal_notice F-2 JPY 1748.00",
            "formal_notice F-3 EUR 51.65",
        ]
    );
}

#[test]
fn another_currency_is_charged_what_the_client_sets_for_it() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        penalties(
            dir.path(),
            "[dunning]\nrecovery_indemnity_by_currency = { USD = \"45.00\" }\n"
        ),
        [
            "formal_notice F-1 USD 56.65",
            "formal_notice F-2 JPY 1748.00",
            "formal_notice F-3 EUR 51.65",
        ]
    );
}
