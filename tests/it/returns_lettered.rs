//! An ERP that letters a direct-debit invoice when it sends the collection
//! (review 37 L10): the invoice is exported at 0.00 before the money
//! comes, so the collection applies to nothing. When it comes back, the
//! export alone cannot say the invoice is owed (it may have been paid
//! another way): it is not chased, but never reported `paid` either, and
//! the return's alert stays open until the ERP shows it open again.

use std::path::{Path, PathBuf};

use crate::returns::{collection, returned};
use crate::support::{Ntry, column_where, csv_rows, statement_night};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

fn f401(open: &str) -> String {
    format!("F-401;C4;Delta;2026-11-01;2026-11-25;600,00;{open};EUR;;direct_debit;RUM-D1\n")
}

fn night(root: &Path, seq: u32, date: &str, open: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, &f401(open), seq, date, entries)
}

fn status(out: &Path) -> Vec<String> {
    column_where(
        &csv_rows(&out.join("invoice_status.csv")),
        "invoice_id",
        "F-401",
        "status",
    )
}

fn open_returns(out: &Path) -> Vec<String> {
    column_where(
        &csv_rows(&out.join("open_items.csv")),
        "kind",
        "direct_debit_returned",
        "invoice_id",
    )
}

fn chased(out: &Path) -> Vec<String> {
    column_where(
        &csv_rows(&out.join("dunning.csv")),
        "invoice_ids",
        "F-401",
        "step",
    )
}

/// F-401 lettered at 0.00 from the first night; COL1 collected on 11-25
/// (applied to nothing), returned AM04 on 11-26.
fn lettered_then_returned(root: &Path) -> PathBuf {
    night(
        root,
        1,
        "2026-11-25",
        "0,00",
        &[collection(
            "COL1",
            "2026-11-25",
            "600.00",
            "E2E-1",
            "RUM-D1",
        )],
    );
    night(
        root,
        2,
        "2026-11-26",
        "0,00",
        &[returned(
            "RET1",
            "2026-11-26",
            "-600.00",
            "E2E-1",
            "RUM-D1",
            "AM04",
        )],
    )
}

#[test]
fn a_returned_collection_the_erp_lettered_on_sending_is_never_reported_paid() {
    let dir = tempfile::tempdir().unwrap();
    let out = lettered_then_returned(dir.path());
    let alerts = csv_rows(&out.join("alerts.csv"));
    let said = column_where(&alerts, "kind", "direct_debit_returned", "message");
    assert!(
        said.len() == 1 && said[0].contains("F-401 NOT reopened"),
        "{said:?}"
    );
    assert_eq!(status(&out), ["returned"]);
    assert!(chased(&out).is_empty());
    // The next night the alert is still open, the status still no `paid`.
    let out = night(dir.path(), 3, "2026-11-27", "0,00", &[]);
    assert_eq!(open_returns(&out), ["F-401"]);
    assert_eq!(status(&out), ["returned"]);
    assert!(chased(&out).is_empty());
    // The ERP books the return: F-401 is open again and the return path
    // chases it.
    let out = night(dir.path(), 4, "2026-11-30", "600,00", &[]);
    assert_eq!(open_returns(&out), ["F-401"]);
    assert!(!chased(&out).is_empty(), "nothing chased");
}

#[test]
fn a_lettered_collection_presented_again_and_kept_settles_the_invoice() {
    // Look-alike: the ERP letters the re-presentation too; COL2 is not
    // returned. It may have paid F-401: reported paid, the alert resolved.
    let dir = tempfile::tempdir().unwrap();
    lettered_then_returned(dir.path());
    let out = night(
        dir.path(),
        3,
        "2026-11-30",
        "0,00",
        &[collection(
            "COL2",
            "2026-11-30",
            "600.00",
            "E2E-2",
            "RUM-D1",
        )],
    );
    assert_eq!(status(&out), ["paid"]);
    let out = night(dir.path(), 4, "2026-12-01", "0,00", &[]);
    assert!(open_returns(&out).is_empty());
    assert_eq!(status(&out), ["paid"]);
}
