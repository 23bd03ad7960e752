//! A camt.052 report (or camt.054) brings money for 18/11; the camt.053 of
//! that day books some of its rows and not Gamma's 480.00 (review 24 #7).
//! The report's row is money only while no statement covers its day: once
//! the statement is in, and the account's statements reach five days past
//! it (a bank may book a notified payment a day or a weekend later: review
//! 27 #1), Gamma's invoice is open again, what the row paid is withdrawn
//! (once, with a critical `notified_not_booked`), and money it left
//! unapplied leaves the totals — in every order of the files. A row the
//! statement books under another id, linked by its payer and amount, stays
//! the money.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{IBAN, Ntry, Tx, camt, column_where, csv_rows, run_ok, tree};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-1001,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,
F-1002,C2,Beta SAS,2026-10-01,2026-10-31,750.00,750.00,EUR,,transfer,
F-1003,C3,Gamma SA,2026-09-15,2026-10-15,480.00,480.00,EUR,,transfer,
";

fn credit(
    reference: &'static str,
    amount: &'static str,
    name: &'static str,
    text: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date: "2026-11-18",
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            name: Some(name),
            text: Some(text),
            ..Tx::default()
        }],
    }
}

/// Gamma's 480.00 paying F-1003, with its end-to-end id, under `reference`
/// on `date`.
fn gamma(reference: &'static str, date: &'static str) -> Ntry {
    let mut g = credit(reference, "480.00", "GAMMA SA", "FACTURE F-1003");
    g.date = date;
    g.txs[0].e2e = Some("E2E-GAMMA-1003");
    g
}

/// The intraday report of 18/11: Alpha, Beta, Gamma, and 300.00 from
/// Omega that pays no invoice.
fn report(c: &Path, camt052: bool) {
    let n = camt(
        true,
        "INTRADAY-1118",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        None,
        &[
            credit("R1", "1000.00", "ALPHA SARL", "FACTURE F-1001"),
            credit("R2", "750.00", "BETA SAS", "FACTURE F-1002"),
            gamma("R3", "2026-11-18"),
            credit("R4", "300.00", "OMEGA SA", "ACOMPTE COMMANDE"),
        ],
    );
    let n = if camt052 {
        n.replace("camt.054.001.08", "camt.052.001.08")
            .replace("BkToCstmrDbtCdtNtfctn", "BkToCstmrAcctRpt")
            .replace("Ntfctn>", "Rpt>")
    } else {
        n
    };
    fs::write(c.join("statements/r.xml"), n).unwrap();
}

/// The statement of 18/11: Alpha's under the report's id, Beta's under
/// another one (linked by payer and amount); neither Gamma's nor Omega's.
fn statement(c: &Path) {
    let s = camt(
        false,
        "S1118",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        Some(("0.00", "1750.00")),
        &[
            credit("R1", "1000.00", "ALPHA SARL", "FACTURE F-1001"),
            credit("SB2", "750.00", "BETA SAS", "FACTURE F-1002"),
        ],
    );
    fs::write(c.join("statements/s.xml"), s).unwrap();
}

/// The statement of 23/11, five days on, booking nothing: the bank has had
/// time to book what was notified on 18/11.
fn later(c: &Path, balance: &str) {
    let s = camt(
        false,
        "S1123",
        2,
        IBAN,
        "2026-11-23",
        "2026-11-23",
        Some((balance, balance)),
        &[],
    );
    fs::write(c.join("statements/s23.xml"), s).unwrap();
}

/// Runs `order` ("rs": report on a first night (24/11, output `…19`), the
/// statements of 18/11 and 23/11 on the next (25/11, `…20`); "sr" the other
/// way; "both": all on the first night, nothing new on the next) and
/// returns the client folder and the second night's output folder.
fn run(root: &Path, order: &str) -> (PathBuf, PathBuf) {
    let c = root.join(order);
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    let statements = |c: &Path| {
        statement(c);
        later(c, "1750.00");
    };
    match order {
        "rs" => report(&c, true),
        "sr" => statements(&c),
        _ => {
            report(&c, true);
            statements(&c);
        }
    }
    run_ok(&c, "2026-11-24", &root.join(format!("{order}19")));
    report(&c, true);
    statements(&c);
    let out = root.join(format!("{order}20"));
    run_ok(&c, "2026-11-25", &out);
    (c, out)
}

/// A client folder with the invoices under `root`.
fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    c
}

/// A client whose camt.054 report of 18/11 was read on night 19.
fn reported(root: &Path) -> PathBuf {
    let c = client(root);
    report(&c, false);
    run_ok(&c, "2026-11-19", &root.join("o19"));
    c
}

fn status(out: &Path) -> Vec<[Vec<String>; 2]> {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    ["F-1001", "F-1002", "F-1003"]
        .iter()
        .map(|i| {
            [
                column_where(&rows, "invoice_id", i, "open_after"),
                column_where(&rows, "invoice_id", i, "status"),
            ]
        })
        .collect()
}

fn kinds(out: &Path, file: &str, kind: &str) -> Vec<Vec<String>> {
    let rows = csv_rows(&out.join(file));
    rows.into_iter().filter(|r| r[0] == kind).collect()
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn a_reported_row_the_days_statement_does_not_book_stops_counting_in_every_order() {
    let root = tempfile::tempdir().unwrap();
    let expected = [
        [vec!["0.00".to_string()], vec!["paid".to_string()]],
        [vec!["0.00".to_string()], vec!["paid".to_string()]],
        [vec!["480.00".to_string()], vec!["open".to_string()]],
    ];
    for order in ["both", "sr", "rs"] {
        let (_, out) = run(root.path(), order);
        // Gamma's invoice is open: the bank never booked its 480.00. Beta's
        // payment, booked under another id and linked by payer and
        // amount, still pays F-1002; Alpha's, booked under the report's
        // id, F-1001.
        assert_eq!(status(&out), expected, "{order}");
        // Omega's 300.00 is no money waiting for a person any more.
        assert!(
            kinds(&out, "open_items.csv", "unmatched_credit").is_empty(),
            "{order}"
        );
        let unmatched = fs::read_to_string(out.join("unmatched.csv")).unwrap();
        assert!(!unmatched.contains("300.00"), "{order}: {unmatched}");
        // Beta's booked row is not counted a second time.
        assert!(!unmatched.contains("SB2"), "{order}: {unmatched}");
    }
    // On one night, the report's rows the statements do not book never
    // count: 1750.00 received, nothing withdrawn; what was notified and not
    // booked is said all the same (review 27 #8: Gamma's payer was chased
    // with nothing telling a person the bank had notified it).
    let entries = |out: &Path| -> Vec<String> {
        kinds(out, "alerts.csv", "notified_not_booked")
            .iter()
            .map(|r| r[4].clone())
            .collect()
    };
    let both = root.path().join("both19");
    assert_eq!(
        summary(&both)["currencies"]["EUR"]["received"],
        serde_json::json!("1750.00")
    );
    assert_eq!(
        summary(&both)["currencies"]["EUR"]["unapplied"],
        serde_json::json!("0.00")
    );
    assert_eq!(entries(&both), ["R3", "R4"]);
    // The statements first, the late report's rows are no money either,
    // and said so.
    let sr = root.path().join("sr20");
    assert_eq!(summary(&sr)["currencies"], serde_json::json!({}));
    assert_eq!(entries(&sr), ["R3", "R4"]);

    // The report first: its 2230.00 (and Omega's 300.00 unapplied) counted
    // on night 19, until the statement says what the bank booked.
    let rs19 = root.path().join("rs19");
    assert_eq!(
        summary(&rs19)["currencies"]["EUR"]["unapplied"],
        serde_json::json!("300.00")
    );
    let rs = root.path().join("rs20");
    let alerts = kinds(&rs, "alerts.csv", "notified_not_booked");
    let header = &csv_rows(&rs.join("alerts.csv"))[0];
    let col =
        |r: &Vec<String>, name: &str| r[header.iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(alerts.len(), 2, "{alerts:?}");
    let gamma = &alerts[0];
    assert_eq!(col(gamma, "severity"), "critical");
    assert_eq!(col(gamma, "entry_id"), "R3");
    assert_eq!(col(gamma, "amount"), "480.00");
    assert_eq!(col(gamma, "invoice_id"), "F-1003");
    assert_eq!(col(gamma, "customer_id"), "C3");
    let message = col(gamma, "message");
    for part in ["S1118", "FR76…0185", "480.00 from F-1003", "2026-11-18"] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let omega = &alerts[1];
    assert_eq!(
        [
            col(omega, "entry_id"),
            col(omega, "amount"),
            col(omega, "invoice_id")
        ],
        ["R4", "300.00", ""]
    );
    assert_eq!(
        summary(&rs)["alerts"]["new_by_kind"]["notified_not_booked"],
        serde_json::json!(2)
    );
    // Gamma's invoice, shown paid until tonight and well past its formal
    // notice's date, gets no formal step while a person checks: a phone
    // call, as its plan has before the notice.
    let dunning = csv_rows(&rs.join("dunning.csv"));
    assert_eq!(
        column_where(&dunning, "customer_id", "C3", "step"),
        ["phone_call"]
    );

    // A rerun of night 20 writes the same bytes; the next night says
    // nothing new, the alerts stay open.
    let (c, _) = (root.path().join("rs"), ());
    let before = tree(&rs);
    run_ok(&c, "2026-11-25", &rs);
    assert_eq!(tree(&rs), before);
    let next = root.path().join("rs23");
    run_ok(&c, "2026-11-26", &next);
    assert!(kinds(&next, "alerts.csv", "notified_not_booked").is_empty());
    assert_eq!(
        kinds(&next, "open_items.csv", "notified_not_booked").len(),
        2
    );
    assert_eq!(status(&next), expected);
}

#[test]
fn a_notified_row_booked_a_day_later_is_never_withdrawn_meanwhile() {
    // Review 27 #1: the statement of 18/11 without Gamma's 480.00, then the
    // one of 19/11 booking it under the report's id. Withdrawn on the first
    // night, Gamma's invoice reopened and Gamma was sent a reminder.
    let root = tempfile::tempdir().unwrap();
    let c = reported(root.path());
    statement(&c);
    let o20 = root.path().join("o20");
    run_ok(&c, "2026-11-20", &o20);
    let gamma = |out: &Path| {
        column_where(
            &csv_rows(&out.join("invoice_status.csv")),
            "invoice_id",
            "F-1003",
            "status",
        )
    };
    assert_eq!(gamma(&o20), ["paid"]);
    assert!(kinds(&o20, "alerts.csv", "notified_not_booked").is_empty());
    let dunning = fs::read_to_string(o20.join("dunning.csv")).unwrap();
    assert!(!dunning.contains("C3"), "{dunning}");
    fs::write(c.join("statements/s2.xml"), booked_late(false)).unwrap();
    let o23 = root.path().join("o23");
    run_ok(&c, "2026-11-23", &o23);
    assert_eq!(gamma(&o23), ["paid"]);
    let all = fs::read_to_string(o23.join("alerts.csv")).unwrap();
    for kind in [
        "notified_not_booked",
        "repeated_transaction",
        "unmatched_credit",
    ] {
        assert!(!all.contains(kind), "{kind}: {all}");
    }
}

/// The statement booking Gamma's payment under the report's id after
/// 18/11: on 19/11, or on 24/11 (`week`), after the statement of 23/11.
fn booked_late(week: bool) -> String {
    let mut late = credit("R3", "480.00", "GAMMA SA", "FACTURE F-1003");
    let (id, day) = if week {
        ("S1124", "2026-11-24")
    } else {
        ("S1119", "2026-11-19")
    };
    late.date = day;
    camt(
        false,
        id,
        3,
        IBAN,
        day,
        day,
        Some(("1750.00", "2230.00")),
        &[late],
    )
}

#[test]
fn a_withdrawn_notified_row_booked_by_a_later_statement_is_the_money_again() {
    let root = tempfile::tempdir().unwrap();
    let c = reported(root.path());
    statement(&c);
    later(&c, "1750.00");
    let o20 = root.path().join("o20");
    run_ok(&c, "2026-11-24", &o20);
    assert_eq!(
        column_where(
            &csv_rows(&o20.join("invoice_status.csv")),
            "invoice_id",
            "F-1003",
            "status"
        ),
        ["open"]
    );
    // The bank books Gamma's payment on 24/11 under the report's id.
    fs::write(c.join("statements/s2.xml"), booked_late(true)).unwrap();
    let o23 = root.path().join("o23");
    run_ok(&c, "2026-11-25", &o23);
    let rows = csv_rows(&o23.join("invoice_status.csv"));
    assert_eq!(
        column_where(&rows, "invoice_id", "F-1003", "open_after"),
        ["0.00"]
    );
    assert_eq!(
        column_where(&rows, "invoice_id", "F-1003", "status"),
        ["paid"]
    );
    let all = fs::read_to_string(o23.join("alerts.csv")).unwrap();
    assert!(!all.contains("repeated_transaction"), "{all}");
    assert!(!all.contains("unmatched_credit"), "{all}");
    // Gamma's alert is answered; Omega's 300.00 still waits for a person.
    let open = kinds(&o23, "open_items.csv", "notified_not_booked");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0][4], "R4");
    assert_eq!(
        summary(&o23)["currencies"]["EUR"]["received"],
        serde_json::json!("480.00")
    );
    // A person says Omega's notified 300.00 is no payment to wait for.
    fs::write(
        c.join("decisions.csv"),
        "entry_id,invoice_id,decision,amount,note\nR4,,ignore,,never booked\n",
    )
    .unwrap();
    let o24 = root.path().join("o24");
    run_ok(&c, "2026-11-26", &o24);
    assert!(kinds(&o24, "open_items.csv", "notified_not_booked").is_empty());
}

#[test]
fn a_notified_entry_a_person_is_asked_to_pair_is_not_withdrawn() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    // 480.00 with no detail, then Omega's 300.00.
    let bare = |reference: &'static str| Ntry {
        reference,
        date: "2026-11-18",
        code: "RCDT/ESCT",
        amount: "480.00",
        txs: Vec::new(),
    };
    let n = camt(
        true,
        "N1118",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        None,
        &[
            bare("X1"),
            credit("R4", "300.00", "OMEGA SA", "ACOMPTE COMMANDE"),
        ],
    );
    fs::write(c.join("statements/n.xml"), n).unwrap();
    run_ok(&c, "2026-11-19", &root.path().join("o19"));
    // The statement books two bare 480.00 under other ids: either could be
    // the notified one, nothing tells which.
    let s = camt(
        false,
        "S1118",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        Some(("0.00", "960.00")),
        &[bare("SA"), bare("SB")],
    );
    fs::write(c.join("statements/s.xml"), s).unwrap();
    later(&c, "960.00");
    let o20 = root.path().join("o20");
    run_ok(&c, "2026-11-24", &o20);
    let asked = kinds(&o20, "alerts.csv", "ambiguous_notification");
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0][4], "X1");
    // The notified 480.00 waits for the person; Omega's 300.00, which no
    // entry fits, stops counting.
    let withdrawn = kinds(&o20, "alerts.csv", "notified_not_booked");
    assert_eq!(withdrawn.len(), 1, "{withdrawn:?}");
    assert_eq!(withdrawn[0][4], "R4");
}

#[test]
fn a_notified_row_booked_a_day_later_under_another_id_is_that_payment() {
    // Review 28 #1: Gamma's 480.00 notified on 18/11 and booked on 19/11
    // under the bank's own id was counted twice while the notified row
    // waited (its copy offered to a person for another invoice), then the
    // notified row withdrawn as never booked.
    let root = tempfile::tempdir().unwrap();
    let c = reported(root.path());
    statement(&c);
    let booked = gamma("ZG", "2026-11-19");
    let s = camt(
        false,
        "S1119",
        3,
        IBAN,
        "2026-11-19",
        "2026-11-19",
        Some(("1750.00", "2230.00")),
        &[booked],
    );
    fs::write(c.join("statements/s2.xml"), s).unwrap();
    later(&c, "2230.00");
    let out = root.path().join("o24");
    run_ok(&c, "2026-11-24", &out);
    let rows = csv_rows(&out.join("invoice_status.csv"));
    assert_eq!(
        column_where(&rows, "invoice_id", "F-1003", "status"),
        ["paid"]
    );
    let alerts = fs::read_to_string(out.join("alerts.csv")).unwrap();
    // Only Omega's 300.00, never booked, is said; Gamma's is its booking.
    let said: Vec<String> = kinds(&out, "alerts.csv", "notified_not_booked")
        .iter()
        .map(|r| r[4].clone())
        .collect();
    assert_eq!(said, ["R4"], "{alerts}");
    assert!(!alerts.contains("unmatched_credit"), "{alerts}");
    assert!(!alerts.contains("suggested_match"), "{alerts}");
}
