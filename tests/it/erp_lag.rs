//! The ERP books pointage's payments late, and moves on its own meanwhile:
//! pointage never chases what the customer has paid.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, column_where, csv_rows, paying, statement_night};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

fn night(root: &Path, seq: u32, date: &str, invoices: &str, entries: &[Ntry]) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, entries)
}

#[test]
fn a_credit_note_lettered_before_the_payment_is_booked_is_no_debt() {
    let dir = tempfile::tempdir().unwrap();
    // Night 1: 700 of F-1's 1000 paid, quoting it.
    let pay = Ntry {
        reference: "P1",
        date: "2026-11-02",
        code: "RCDT/ESCT",
        amount: "700.00",
        txs: vec![Tx {
            amount: "700.00",
            text: Some("FACTURE F-1"),
            ..Tx::default()
        }],
    };
    let f1 = "F-1;C1;Alpha;2026-09-01;2026-10-01;1000,00;1000,00;EUR;;transfer;\n";
    let out1 = night(dir.path(), 1, "2026-11-02", f1, &[pay]);
    let st = csv_rows(&out1.join("invoice_status.csv"));
    assert_eq!(
        column_where(&st, "invoice_id", "F-1", "open_after"),
        ["300.00"]
    );
    // Night 2: a 300 credit note; the ERP has not booked the 700 yet.
    let with_note =
        format!("{f1}AV-1;C1;Alpha;2026-11-03;2026-11-03;-300,00;-300,00;EUR;;transfer;\n");
    let out2 = night(dir.path(), 2, "2026-11-03", &with_note, &[]);
    assert_eq!(
        column_where(
            &csv_rows(&out2.join("dunning.csv")),
            "customer_id",
            "C1",
            "step"
        ),
        Vec::<String>::new()
    );
    // Night 3: the ERP lettered the credit note against F-1 (1000 → 700,
    // the note gone) but still not the payment. Nothing is owed — or, had
    // the ERP booked the 700 and raised F-1 on its own, 700: the export
    // cannot tell. No reminder either way; a person is asked.
    let lettered = "F-1;C1;Alpha;2026-09-01;2026-10-01;1000,00;700,00;EUR;;transfer;\n";
    let out3 = night(dir.path(), 3, "2026-12-15", lettered, &[]);
    let dunning = csv_rows(&out3.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "customer_id", "C1", "step"),
        Vec::<String>::new(),
        "a customer who may owe nothing is reminded: {dunning:?}"
    );
    let open = csv_rows(&out3.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "kind", "erp_export_unexplained", "invoice_id"),
        ["F-1"],
        "{open:?}"
    );
    // Night 4: the ERP books the payment (0 open, F-1 leaves the export of
    // open items): the question goes away.
    let out4 = night(dir.path(), 4, "2026-12-16", "", &[]);
    let open = csv_rows(&out4.join("open_items.csv"));
    assert!(
        column_where(&open, "kind", "erp_export_unexplained", "invoice_id").is_empty(),
        "{open:?}"
    );
}

fn open_after(out: &Path, invoice: &str) -> Vec<String> {
    column_where(
        &csv_rows(&out.join("invoice_status.csv")),
        "invoice_id",
        invoice,
        "open_after",
    )
}

#[test]
fn an_invoice_amount_the_erp_corrects_moves_what_pointage_recorded() {
    let dir = tempfile::tempdir().unwrap();
    // Raised: G-1 paid in full (1000), then corrected to 1200 before the ERP
    // booked the payment; 200 is owed, and the balance payment pays it.
    let g = |amount: &str, open: &str| {
        format!("G-1;C1;Alpha;2026-09-01;2026-10-01;{amount};{open};EUR;;transfer;\n")
    };
    night(
        dir.path(),
        1,
        "2026-11-02",
        &g("1000,00", "1000,00"),
        &[paying("P1", "2026-11-02", "1000.00", "FACTURE G-1")],
    );
    let out2 = night(dir.path(), 2, "2026-11-03", &g("1200,00", "1200,00"), &[]);
    assert_eq!(open_after(&out2, "G-1"), ["200.00"]);
    let out3 = night(
        dir.path(),
        3,
        "2026-11-04",
        &g("1200,00", "200,00"),
        &[paying("P2", "2026-11-04", "200.00", "FACTURE G-1 solde")],
    );
    assert_eq!(open_after(&out3, "G-1"), ["0.00"]);
    let m = csv_rows(&out3.join("matches.csv"));
    assert_eq!(column_where(&m, "entry_id", "P2", "status"), ["matched"]);

    // Lowered: H-2 1000, 300 paid, then corrected to 800: 500 is owed.
    let dir = tempfile::tempdir().unwrap();
    let h = |amount: &str, open: &str| {
        format!("H-2;C1;Alpha;2026-09-01;2026-10-01;{amount};{open};EUR;;transfer;\n")
    };
    night(
        dir.path(),
        1,
        "2026-11-02",
        &h("1000,00", "1000,00"),
        &[paying("P1", "2026-11-02", "300.00", "FACTURE H-2")],
    );
    let out2 = night(dir.path(), 2, "2026-11-03", &h("800,00", "800,00"), &[]);
    // What dunning chases from now on (dunning reads this open amount).
    assert_eq!(open_after(&out2, "H-2"), ["500.00"]);
    // Nothing was paid beyond it: no overpayment.
    let open = csv_rows(&out2.join("open_items.csv"));
    assert!(
        column_where(&open, "kind", "overpayment", "invoice_id").is_empty(),
        "{open:?}"
    );
}

/// The dunning rows about `invoices` (`|`-joined ids): their step and amount.
fn chased(out: &Path, invoices: &str) -> Vec<(String, String)> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let steps = column_where(&rows, "invoice_ids", invoices, "step");
    let amounts = column_where(&rows, "invoice_ids", invoices, "amount_due");
    steps.into_iter().zip(amounts).collect()
}

#[test]
fn money_applied_beyond_an_amount_corrected_downwards_is_the_customers() {
    // Review life L2: F-1 1000 and F-2 300; 600 paid quoting F-1, then the
    // ERP corrects F-1 to 500 before booking the payment. The 100 paid
    // beyond F-1 is told to a person and set against F-2, as when the
    // correction comes first (the matcher then leaves it unapplied).
    let dir = tempfile::tempdir().unwrap();
    let inv = |f1: &str, f1_open: &str| {
        format!(
            "F-1;C1;Alpha;2026-10-01;2026-11-20;{f1};{f1_open};EUR;;transfer;\n\
             F-2;C1;Alpha;2026-10-01;2026-11-20;300,00;300,00;EUR;;transfer;\n"
        )
    };
    night(
        dir.path(),
        1,
        "2026-11-27",
        &inv("1000,00", "1000,00"),
        &[paying("P1", "2026-11-27", "600.00", "FACTURE F-1")],
    );
    let out2 = night(dir.path(), 2, "2026-11-30", &inv("500,00", "500,00"), &[]);
    assert_eq!(open_after(&out2, "F-1"), ["0.00"]);
    let open = csv_rows(&out2.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "invoice_id", "F-1", "kind"),
        ["overpayment"],
        "{open:?}"
    );
    assert_eq!(
        column_where(&open, "invoice_id", "F-1", "amount"),
        ["100.00"]
    );
    assert_eq!(
        column_where(&open, "invoice_id", "F-1", "customer_id"),
        ["C1"]
    );
    // The formal notice about F-2 asks 200, not 300.
    let out3 = night(dir.path(), 3, "2026-12-18", &inv("500,00", "500,00"), &[]);
    assert_eq!(
        chased(&out3, "F-2"),
        [("formal_notice".to_string(), "200.00".to_string())]
    );
    // The ERP books the 600 (F-1 at 0): the surplus is still counted once.
    let out4 = night(dir.path(), 4, "2026-12-21", &inv("500,00", "0,00"), &[]);
    let open = csv_rows(&out4.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "invoice_id", "F-1", "amount"),
        ["100.00"]
    );
    let dunning = csv_rows(&out4.join("dunning.csv"));
    assert!(
        column_where(&dunning, "invoice_ids", "F-2", "amount_due")
            .iter()
            .all(|a| a == "200.00"),
        "{dunning:?}"
    );
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn money_paid_beyond_a_lowered_invoice_is_counted_unapplied_like_its_alert() {
    let dir = tempfile::tempdir().unwrap();
    // 600 paid on F-1 (1000), then the ERP corrects F-1 to 500: the 100
    // paid beyond it is the customer's unapplied money (review 38 reports F3).
    let f = |amount: &str, open: &str| {
        format!(
            "F-1;C1;Alpha;2026-11-02;2026-11-20;{amount};{open};EUR;;transfer;\n\
             F-2;C1;Alpha;2026-11-02;2026-11-20;50,00;50,00;EUR;;transfer;\n"
        )
    };
    night(
        dir.path(),
        1,
        "2026-12-01",
        &f("1000,00", "1000,00"),
        &[paying("P1", "2026-12-01", "600.00", "FACTURE F-1")],
    );
    let out = night(dir.path(), 2, "2026-12-02", &f("500,00", "500,00"), &[]);
    let open = csv_rows(&out.join("open_items.csv"));
    assert_eq!(
        column_where(&open, "kind", "overpayment", "amount"),
        ["100.00"]
    );
    let unmatched = csv_rows(&out.join("unmatched.csv"));
    assert_eq!(
        column_where(&unmatched, "kind", "credit", "amount"),
        ["100.00"],
        "{unmatched:?}"
    );
    let summary = json(&out.join("summary.json"));
    assert_eq!(summary["currencies"]["EUR"]["unapplied"], "100.00");
    assert_eq!(json(&out.join("kpis.json"))["unmatched_items"], 1);
    // The report's headline says it too.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("100,00"),
        "unapplied money missing from the report"
    );
}

#[test]
fn an_export_listing_no_invoice_says_so_until_the_invoices_are_back() {
    // Verify 42: a failed ERP export (a header, no line) was taken
    // silently: every invoice read as closed in the ERP, nobody told.
    let dir = tempfile::tempdir().unwrap();
    let f1 = "F-1;C1;Alpha;2026-09-01;2026-10-01;1000,00;1000,00;EUR;;transfer;\n";
    let kinds = |out: &Path, file: &str| {
        column_where(
            &csv_rows(&out.join(file)),
            "kind",
            "erp_export_empty",
            "severity",
        )
    };
    // A first night listing nothing says nothing: no export to read it
    // against.
    let first = night(dir.path(), 1, "2026-11-01", "", &[]);
    assert!(kinds(&first, "open_items.csv").is_empty());
    night(dir.path(), 2, "2026-11-02", f1, &[]);
    let empty = night(
        dir.path(),
        3,
        "2026-11-03",
        "",
        &[paying("P1", "2026-11-03", "1000.00", "FACTURE F-1")],
    );
    assert_eq!(kinds(&empty, "alerts.csv"), ["critical"]);
    let message = column_where(
        &csv_rows(&empty.join("alerts.csv")),
        "kind",
        "erp_export_empty",
        "message",
    );
    assert!(
        message[0].contains("export of 2026-11-02 listed 1 not settled"),
        "{message:?}"
    );
    // Still empty the next night: the same alert, still open.
    let again = night(dir.path(), 4, "2026-11-04", "", &[]);
    assert!(kinds(&again, "alerts.csv").is_empty());
    assert_eq!(kinds(&again, "open_items.csv"), ["critical"]);
    // Back: resolved, and the money that came meanwhile pays F-1.
    let back = night(dir.path(), 5, "2026-11-05", f1, &[]);
    assert!(kinds(&back, "open_items.csv").is_empty());
    assert_eq!(
        column_where(
            &csv_rows(&back.join("matches.csv")),
            "entry_id",
            "P1",
            "status"
        ),
        ["matched"]
    );
}

#[test]
fn an_export_emptied_by_pointages_own_payments_says_nothing() {
    // Verify 42 early3 L2: a small client's only invoice paid by a
    // transfer pointage applied; the open-items export then lists nothing,
    // as it should.
    let dir = tempfile::tempdir().unwrap();
    let f1 = "F-1;C1;Alpha;2026-09-01;2026-10-01;1000,00;1000,00;EUR;;transfer;\n";
    night(
        dir.path(),
        1,
        "2026-11-02",
        f1,
        &[paying("P1", "2026-11-02", "1000.00", "FACTURE F-1")],
    );
    let out = night(dir.path(), 2, "2026-11-03", "", &[]);
    let kinds = column_where(
        &csv_rows(&out.join("open_items.csv")),
        "kind",
        "erp_export_empty",
        "kind",
    );
    assert!(kinds.is_empty(), "{kinds:?}");
}
