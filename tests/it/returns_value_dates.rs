//! A bank that gives booked entries a value date and no booking date
//! (`BookgDt` is optional in camt): a return's day is its value date, so
//! the return window, the second return and the payment's day all still
//! hold (review 38 banks F10), and a payment a camt.054 notified is paired
//! with its statement row by that day (review 39 banks F5).

use std::path::{Path, PathBuf};

use crate::returns::{mandate_only, returned};
use crate::support::{IBAN, Ntry, Tx, camt, column_where, csv_rows, run_ok, write_statement};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

/// One night of the client `root/c` whose statement gives value dates only.
fn night(root: &Path, invoices: &str, seq: u32, date: &str, entries: &[Ntry]) -> PathBuf {
    night_on(root, invoices, (seq, date), date, entries)
}

/// [`night`] run on `run`, the statement (number, day) `stmt`.
fn night_on(
    root: &Path,
    invoices: &str,
    (seq, date): (u32, &str),
    run: &str,
    entries: &[Ntry],
) -> PathBuf {
    let client = root.join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    std::fs::write(client.join("invoices.csv"), format!("{HEADER}{invoices}")).unwrap();
    write_statement(&client, seq, date, entries);
    let file = client.join(format!("statements/{date}.xml"));
    let xml = std::fs::read_to_string(&file).unwrap();
    let mut without = String::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find("<BookgDt>") {
        let end = rest[start..].find("</BookgDt>").unwrap() + start + "</BookgDt>".len();
        without.push_str(&rest[..start]);
        rest = &rest[end..];
    }
    without.push_str(rest);
    assert!(without.contains("<ValDt>") && !without.contains("BookgDt"));
    std::fs::write(&file, without).unwrap();
    let out = root.join("out").join(run);
    run_ok(&client, run, &out);
    out
}

fn column(out: &Path, file: &str, key: &str, value: &str, column: &str) -> Vec<String> {
    column_where(&csv_rows(&out.join(file)), key, value, column)
}

#[test]
fn a_return_dated_by_its_value_date_never_takes_last_months_collection() {
    // No end-to-end ids: November's return (AM04) is not October's
    // collection, which paid F-400 a month before (SEPA returns come within
    // days). Without a day, the window used to be skipped and October's
    // paid invoice reopened and chased.
    const F400: &str =
        "F-400;C4;Delta;2026-10-01;2026-10-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n";
    const F401: &str =
        "F-401;C4;Delta;2026-11-01;2026-11-25;600,00;600,00;EUR;;direct_debit;RUM-D1\n";
    let entry = crate::returns::mandate_only;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    night(
        root,
        F400,
        1,
        "2026-10-26",
        &[entry("COL-OCT", "2026-10-26", "IDDT/ESDD", "600.00", None)],
    );
    let out = night(
        root,
        &format!("{F400}{F401}"),
        2,
        "2026-11-26",
        &[entry(
            "RET-NOV",
            "2026-11-26",
            "IDDT/UPDD",
            "-600.00",
            Some("AM04"),
        )],
    );
    assert_eq!(
        column(&out, "invoice_status.csv", "invoice_id", "F-400", "status"),
        ["paid"]
    );
    assert!(
        column(&out, "dunning.csv", "invoice_ids", "F-400", "step").is_empty(),
        "October's paid invoice is never chased"
    );
    assert_eq!(
        column(&out, "alerts.csv", "kind", "unmatched_debit", "kind").len(),
        1
    );
}

#[test]
fn a_second_return_dated_by_its_value_date_is_the_customers_second() {
    let dir = tempfile::tempdir().unwrap();
    let open = "F-MAR;C1;Alpha;2026-02-01;2026-03-01;120,00;120,00;EUR;;direct_debit;M-1\n";
    let out = night(
        dir.path(),
        open,
        1,
        "2026-03-04",
        &[
            returned("D1", "2026-01-12", "-80.00", "E-OLD1", "M-1", "AM04"),
            returned("D2", "2026-03-04", "-90.00", "E-OLD2", "M-1", "AM04"),
        ],
    );
    assert_eq!(
        column(
            &out,
            "alerts.csv",
            "kind",
            "repeated_direct_debit_return",
            "customer_id"
        ),
        ["C1"]
    );
    assert_eq!(
        column(&out, "dunning.csv", "customer_id", "C1", "step"),
        ["full_balance_demand"]
    );
}

#[test]
fn a_payment_dated_by_its_value_date_is_the_invoices_last_payment() {
    let dir = tempfile::tempdir().unwrap();
    let open = "F-1;C1;Alpha;2026-02-01;2026-03-01;120,00;120,00;EUR;;transfer;\n\
                F-2;C1;Alpha;2026-02-01;2026-03-01;100,00;100,00;EUR;;transfer;\n";
    let paid = Ntry {
        reference: "P1",
        date: "2026-03-04",
        code: "RCDT/ESCT",
        amount: "50.00",
        txs: vec![Tx {
            amount: "50.00",
            text: Some("FACTURE F-1"),
            ..Tx::default()
        }],
    };
    let out = night(dir.path(), open, 1, "2026-03-04", &[paid]);
    assert_eq!(
        column(&out, "matches.csv", "entry_id", "P1", "invoice_id"),
        ["F-1"]
    );
    assert_eq!(
        column(
            &out,
            "invoice_status.csv",
            "invoice_id",
            "F-1",
            "last_payment_date"
        ),
        ["2026-03-04"]
    );
}

/// F-500, collected under mandate `RUM-D1` by a statement booking it on
/// `booked` with value date `value`, run that night: the client folder.
const F500: &str =
    "F-500;C5;Epsilon;2026-10-01;2026-11-01;600,00;600,00;EUR;;direct_debit;RUM-D1\n";

fn collected(root: &Path, booked: &'static str, value: &str) -> PathBuf {
    let client = root.join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    std::fs::write(client.join("invoices.csv"), format!("{HEADER}{F500}")).unwrap();
    let col = mandate_only("COL1", booked, "IDDT/ESDD", "600.00", None);
    write_statement(&client, 1, booked, &[col]);
    let file = client.join(format!("statements/{booked}.xml"));
    let xml = std::fs::read_to_string(&file).unwrap().replace(
        &format!("<ValDt><Dt>{booked}</Dt></ValDt>"),
        &format!("<ValDt><Dt>{value}</Dt></ValDt>"),
    );
    std::fs::write(&file, xml).unwrap();
    run_ok(&client, booked, &root.join("out1"));
    client
}

#[test]
fn a_return_value_dated_back_to_its_collection_still_undoes_it() {
    // The collection booked 11-03 (value 11-02); its return, a mandate and
    // no end-to-end id, gives only a value date: 11-02, its collection's.
    // Set against the collection's booking day it fell outside the window,
    // and the unpaid invoice read paid (verify 39 banks F4).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    collected(root, "2026-11-03", "2026-11-02");
    let ret = mandate_only("RET1", "2026-11-02", "IDDT/UPDD", "-600.00", Some("AM04"));
    let out = night_on(root, F500, (2, "2026-11-02"), "2026-11-04", &[ret]);
    assert_eq!(
        column(&out, "invoice_status.csv", "invoice_id", "F-500", "status"),
        ["returned"]
    );
    assert_eq!(
        column(
            &out,
            "alerts.csv",
            "kind",
            "direct_debit_returned",
            "invoice_id"
        ),
        ["F-500"]
    );
}

#[test]
fn a_value_date_only_return_finds_a_collection_value_dated_before_its_window() {
    // The collection booked 11-08, value 11-04; the return, value date
    // only, 12-01: within 25 days of the booking, not of the value date.
    // The collection is before the return by its value date and within the
    // window by its booking (verify 39 round 2 G3).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    collected(root, "2026-11-08", "2026-11-04");
    let ret = mandate_only("RET1", "2026-12-01", "IDDT/UPDD", "-600.00", Some("AM04"));
    let out = night_on(root, F500, (2, "2026-12-01"), "2026-12-01", &[ret]);
    assert_eq!(
        column(&out, "invoice_status.csv", "invoice_id", "F-500", "status"),
        ["returned"]
    );
}

/// Alpha's 1000.00 from its IBAN quoting `text`, no end-to-end id.
fn alpha_paying(text: &'static str) -> Tx {
    Tx {
        amount: "1000.00",
        name: Some("ALPHA SARL"),
        iban: Some("FR7630004000031234567890143"),
        text: Some(text),
        ..Tx::default()
    }
}

/// [`alpha_paying`] as the entry `reference` of 20/11.
fn alpha_paying_entry(reference: &'static str, text: &'static str) -> Ntry {
    Ntry {
        reference,
        date: "2026-11-20",
        code: "RCDT/ESCT",
        amount: "1000.00",
        txs: vec![alpha_paying(text)],
    }
}

/// A client `root/c` with Alpha's two open invoices of 1000.00 and the
/// camt.054 notifying `notified` on 20/11, run that night.
fn notified_night(root: &Path, open: &str, notified: Ntry) -> PathBuf {
    let client = root.join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    std::fs::write(client.join("invoices.csv"), format!("{HEADER}{open}")).unwrap();
    let notice = camt(
        true,
        "N1",
        1,
        IBAN,
        "2026-11-20",
        "2026-11-20",
        None,
        &[notified],
    );
    std::fs::write(client.join("statements/notice.xml"), notice).unwrap();
    let first = root.join("out").join("2026-11-20");
    run_ok(&client, "2026-11-20", &first);
    first
}

const ALPHA_TWO: &str = "F-1001;C1;Alpha;2026-10-01;2026-11-10;1000,00;1000,00;EUR;;transfer;\n\
                         F-1002;C1;Alpha;2026-10-01;2026-11-10;1000,00;1000,00;EUR;;transfer;\n";

#[test]
fn a_payers_other_payment_of_the_day_is_never_its_notified_one() {
    // Verify 40 N1: Alpha's F-1001 payment notified by camt.054; the next
    // night's value-date-only statement books Alpha's other payment, same
    // IBAN, amount and day, no end-to-end id, its own F-1001 row to come
    // later. Its text quotes another invoice (N1): another payment,
    // applied. Or it is the start of the notified one's (round 4 F1): as
    // well the bank's cut of the notified payment's text (round 5 G1), so
    // a suggestion for a person until the notified payment's own row comes.
    // Alpha is chased for nothing either way.
    for (other, status) in [
        ("VIREMENT ALPHA SARL FACTURE F-1002", vec!["matched"]),
        ("VIREMENT ALPHA SARL", vec!["suggested", "unapplied"]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let first = notified_night(
            dir.path(),
            ALPHA_TWO,
            alpha_paying_entry("N-1", "VIREMENT ALPHA SARL FACTURE F-1001"),
        );
        assert_eq!(
            column(&first, "matches.csv", "entry_id", "N-1", "invoice_id"),
            ["F-1001"]
        );
        let out = night_on(
            dir.path(),
            ALPHA_TWO,
            (1, "2026-11-20"),
            "2026-11-21",
            &[alpha_paying_entry("S-X", other)],
        );
        assert_eq!(
            column(&out, "matches.csv", "entry_id", "S-X", "status"),
            status,
            "{other}"
        );
        assert_eq!(
            column(&out, "matches.csv", "entry_id", "S-X", "invoice_id")[0],
            "F-1002",
            "{other}"
        );
        assert!(
            !chased_any(&out),
            "{other}: {}",
            std::fs::read_to_string(out.join("dunning.csv")).unwrap()
        );
        // The notified payment's own row: paired with it, the other payment
        // is no copy of anything and is applied.
        let out = night_on(
            dir.path(),
            ALPHA_TWO,
            (2, "2026-11-20"),
            "2026-11-22",
            &[alpha_paying_entry(
                "S-Y",
                "VIREMENT ALPHA SARL FACTURE F-1001",
            )],
        );
        assert_eq!(
            column(&out, "invoice_status.csv", "invoice_id", "F-1002", "status"),
            ["paid"],
            "{other}"
        );
        assert!(column(&out, "matches.csv", "entry_id", "S-Y", "invoice_id").is_empty());
    }
}

/// Whether dunning.csv chases anything.
fn chased_any(out: &Path) -> bool {
    csv_rows(&out.join("dunning.csv")).len() > 1
}

#[test]
fn a_value_date_only_statement_books_the_notified_payment_once() {
    // Review 39 banks F5: a camt.054 notifies Alpha's 1000.00 (N-1); the
    // next night's statement books it under its own reference with a value
    // date only. Paired by its day, it adds no money: never a second 1000.00
    // suggested against Alpha's other invoice.
    let open = ALPHA_TWO;
    // With a real end-to-end id, or without one (most transfers), the
    // same text on both sides (verify 40 R1).
    for e2e in [Some("E2E-ALPHA-1"), None] {
        let dir = tempfile::tempdir().unwrap();
        let paid = |reference| Ntry {
            txs: vec![Tx {
                e2e,
                ..alpha_paying("FACTURE F-1001")
            }],
            ..alpha_paying_entry(reference, "FACTURE F-1001")
        };
        let first = notified_night(dir.path(), open, paid("N-1"));
        assert_eq!(
            column(&first, "matches.csv", "entry_id", "N-1", "invoice_id"),
            ["F-1001"]
        );
        let out = night_on(
            dir.path(),
            open,
            (1, "2026-11-20"),
            "2026-11-21",
            &[paid("S-77")],
        );
        let alerts = csv_rows(&out.join("alerts.csv"));
        assert!(
            column_where(&alerts, "entry_id", "S-77", "kind").is_empty(),
            "{alerts:?}"
        );
        assert!(column(&out, "matches.csv", "entry_id", "S-77", "invoice_id").is_empty());
        assert_eq!(
            column(&out, "invoice_status.csv", "invoice_id", "F-1002", "status"),
            ["open"]
        );
        assert_eq!(
            column(&out, "invoice_status.csv", "invoice_id", "F-1001", "status"),
            ["paid"]
        );
    }
}

#[test]
fn a_notified_payment_booked_under_a_cut_text_is_never_applied_twice() {
    // Verify 40 round 5 G1: Alpha's 1000.00 notified by camt.054 quoting
    // F-1001 (applied to it); the next night's value-date-only statement
    // books it with the bank's cut of its text, the invoice number gone.
    // Nothing pairs the two, and the copy was applied to Alpha's other
    // invoice of 1000.00: one payment settling two invoices, F-1002 never
    // chased. Now the copy waits for a person, as a suggestion saying why.
    let dir = tempfile::tempdir().unwrap();
    let first = notified_night(
        dir.path(),
        ALPHA_TWO,
        alpha_paying_entry("N-1", "VIREMENT DE ALPHA SARL FACTURE F-1001"),
    );
    assert_eq!(
        column(&first, "matches.csv", "entry_id", "N-1", "invoice_id"),
        ["F-1001"]
    );
    let out = night_on(
        dir.path(),
        ALPHA_TWO,
        (1, "2026-11-20"),
        "2026-11-21",
        &[alpha_paying_entry("S-77", "VIREMENT DE ALPHA SARL FACT")],
    );
    let rows = csv_rows(&out.join("matches.csv"));
    assert_eq!(
        column_where(&rows, "entry_id", "S-77", "status"),
        ["suggested", "unapplied"]
    );
    let evidence = column_where(&rows, "entry_id", "S-77", "evidence");
    assert!(
        evidence[0]
            .contains("notification N1 brought 1000.00 from this payer on 2026-11-20 (entry N-1)")
            && evidence[0].contains("`ignore` line for entry S-77"),
        "{evidence:?}"
    );
    assert_eq!(
        column(&out, "invoice_status.csv", "invoice_id", "F-1002", "status"),
        ["open"]
    );
    assert_eq!(
        column(&out, "invoice_status.csv", "invoice_id", "F-1001", "status"),
        ["paid"]
    );
    assert!(!chased_any(&out));
}

#[test]
fn a_notified_payment_booked_days_later_or_quoting_nothing_is_never_applied_twice() {
    // Verify 41 T3: the notified payment (F-1001 paid) is booked by the
    // statement three days later (a weekend), its text cut. T4: notified
    // without any text (F-1001, Alpha's only invoice of the amount then,
    // paid by its IBAN), booked the next night quoting F-1002, exported
    // since: quoting an invoice the notification did not is no proof of
    // another payment when the notification quotes nothing. Either way
    // the copy used to pay F-1002, never chased.
    let quiet = |reference| Ntry {
        txs: vec![Tx {
            text: None,
            ..alpha_paying("")
        }],
        ..alpha_paying_entry(reference, "")
    };
    let f1001 = "F-1001;C1;Alpha;2026-10-01;2026-11-10;1000,00;1000,00;EUR;;transfer;\n";
    let cases = [
        (
            alpha_paying_entry("N-1", "VIREMENT DE ALPHA SARL FACTURE F-1001"),
            ALPHA_TWO,
            (1, "2026-11-23"),
            alpha_paying_entry("S-77", "VIREMENT DE ALPHA SARL FACT"),
        ),
        (
            quiet("N-1"),
            f1001,
            (1, "2026-11-20"),
            alpha_paying_entry("S-77", "VIREMENT ALPHA SARL FACTURE F-1002"),
        ),
    ];
    for (notified, first_export, statement, copy) in cases {
        let dir = tempfile::tempdir().unwrap();
        let first = notified_night(dir.path(), first_export, notified);
        assert_eq!(
            column(&first, "matches.csv", "entry_id", "N-1", "invoice_id"),
            ["F-1001"]
        );
        let out = night_on(dir.path(), ALPHA_TWO, statement, "2026-11-23", &[copy]);
        assert_eq!(
            column(&out, "matches.csv", "entry_id", "S-77", "status"),
            ["suggested", "unapplied"],
            "{statement:?}"
        );
        assert_eq!(
            column(&out, "invoice_status.csv", "invoice_id", "F-1002", "status"),
            ["open"]
        );
    }
}
