//! Review 38 erp F10: invoice numbers whose form changes (leading zeros
//! lost when the export goes through a spreadsheet, a new numbering format)
//! must not restart the invoices: the customer who paid is not chased, and
//! no step is sent twice. A genuinely new invoice of another amount keeps
//! its own ladder.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, column_where, csv_rows, paying, statement_night};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

fn night(root: &Path, seq: u32, date: &str, invoices: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, entries)
}

fn steps(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let (c, s) = (
        rows[0].iter().position(|h| h == "customer_id").unwrap(),
        rows[0].iter().position(|h| h == "step").unwrap(),
    );
    rows[1..]
        .iter()
        .map(|r| format!("{} {}", r[c], r[s]))
        .collect()
}

fn alerts(out: &Path, kind: &str) -> Vec<String> {
    let rows = csv_rows(&out.join("alerts.csv"));
    column_where(&rows, "kind", kind, "invoice_id")
}

#[test]
fn numbers_that_lose_their_leading_zeros_chase_nobody_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let first = "000042,C1,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n\
                 000043,C2,Beta SARL,2026-09-01,2026-10-01,500.00,500.00,EUR\n";
    let out = night(
        root,
        1,
        "2026-11-20",
        first,
        &[paying("P1", "2026-11-20", "1000.00", "Facture 000042")],
    );
    assert_eq!(steps(&out), ["C2 formal_notice"]);

    // The same export re-saved through a spreadsheet: 42 and 43. The ERP
    // has not booked C1's payment yet. A new invoice 44 of C2 is there too.
    let second = "42,C1,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n\
                  43,C2,Beta SARL,2026-09-01,2026-10-01,500.00,500.00,EUR\n\
                  44,C2,Beta SARL,2026-09-01,2026-10-01,700.00,700.00,EUR\n";
    let out = night(root, 2, "2026-11-23", second, &[]);
    assert_eq!(
        steps(&out),
        ["C2 formal_notice"],
        "only the new invoice 44 is chased"
    );
    let rows = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        column_where(&rows, "customer_id", "C2", "invoice_ids"),
        ["44"]
    );
    assert_eq!(alerts(&out, "invoice_identity_changed"), ["42", "43"]);

    // The export gives the earlier numbers again: their history is theirs,
    // nothing is sent twice, and the alerts are resolved.
    let third = "000042,C1,Alpha SARL,2026-09-01,2026-10-01,1000.00,0.00,EUR\n\
                 000043,C2,Beta SARL,2026-09-01,2026-10-01,500.00,500.00,EUR\n\
                 44,C2,Beta SARL,2026-09-01,2026-10-01,700.00,700.00,EUR\n";
    let out = night(root, 3, "2026-11-24", third, &[]);
    assert_eq!(steps(&out), Vec::<String>::new());
    assert_eq!(
        alerts(&out, "invoice_identity_changed"),
        Vec::<String>::new()
    );
}

#[test]
fn a_new_number_looking_like_a_settled_one_of_another_amount_is_chased() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let first = "F-0042,C1,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    night(
        root,
        1,
        "2026-11-20",
        first,
        &[paying("P1", "2026-11-20", "1000.00", "Facture F-0042")],
    );
    // F-0042 booked and gone; F-42 is another invoice (another amount).
    let second = "F-42,C1,Alpha SARL,2026-09-01,2026-10-01,300.00,300.00,EUR\n";
    let out = night(root, 2, "2026-11-23", second, &[]);
    assert_eq!(steps(&out), ["C1 formal_notice"]);
    assert_eq!(
        alerts(&out, "invoice_identity_changed"),
        Vec::<String>::new()
    );
}

/// Verify 38 V0: an invoice held because its number changed form takes no
/// money: the customer's surplus waiting from the night it paid the
/// earlier number is not applied to it (it would be stuck there once the
/// export gives the earlier number again).
#[test]
fn a_renumbered_invoice_takes_no_money() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let first = "000042,C1,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    night(
        root,
        1,
        "2026-11-20",
        first,
        &[paying("P1", "2026-11-20", "1100.00", "Facture 000042")],
    );
    let second = "42,C1,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n";
    let out = night(root, 2, "2026-11-23", second, &[]);
    let rows = csv_rows(&out.join("matches.csv"));
    assert_eq!(
        column_where(&rows, "invoice_id", "42", "status"),
        Vec::<String>::new()
    );
    assert_eq!(alerts(&out, "invoice_identity_changed"), ["42"]);
}
