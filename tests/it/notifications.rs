//! The same money told twice — a statement (camt.053) and notifications
//! (camt.052/054), or a statement reissued: whichever comes first and
//! whatever ids the bank gives them, the money is counted once, never lost,
//! and a repeat nobody expected is said.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, camt, column_where, csv_rows, run_night};

const IBAN: &str = "FR7630001007941234567890185";

/// One booked credit of 100.00 quoting F-1, under bank reference `reference`.
fn credit(reference: &'static str, date: &'static str) -> Ntry {
    Ntry {
        reference,
        date,
        code: "RCDT/ESCT",
        amount: "100.00",
        txs: vec![Tx {
            amount: "100.00",
            text: Some("F-1"),
            ..Tx::default()
        }],
    }
}

/// The same entry with the payer's name in its detail.
fn named(mut e: Ntry) -> Ntry {
    for t in &mut e.txs {
        t.name = Some("ALPHA SARL");
    }
    e
}

fn statement(id: &str, date: &str, entries: &[Ntry]) -> String {
    camt(
        false,
        id,
        1,
        IBAN,
        date,
        date,
        Some(("0.00", "100.00")),
        entries,
    )
}

fn notification(id: &str, date: &str, entries: &[Ntry]) -> String {
    camt(true, id, 1, IBAN, date, date, None, entries)
}

/// A client owing F-1 (100.00), with these statement files.
fn client(root: &Path, files: &[(&str, &str)]) -> PathBuf {
    let client = root.join("c");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;Alpha;2026-02-01;2026-03-01;100,00\n",
    )
    .unwrap();
    for (name, body) in files {
        fs::write(client.join("statements").join(name), body).unwrap();
    }
    client
}

/// `open_after` of an invoice in the night's `invoice_status.csv`.
fn open_after(out: &Path, invoice: &str) -> Vec<String> {
    let status = csv_rows(&out.join("invoice_status.csv"));
    column_where(&status, "invoice_id", invoice, "open_after")
}

/// The kinds of the night's new alerts.
fn alert_kinds(out: &Path) -> Vec<String> {
    csv_rows(&out.join("alerts.csv"))
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect()
}

/// A batch E1 of 300.00 booked on 2026-03-02: the lump at entry level, and
/// the same entry detailed (100.00 quoting F-1, 200.00 quoting F-2).
fn batch_e1() -> (Ntry, Ntry) {
    let lump = Ntry {
        reference: "E1",
        date: "2026-03-02",
        code: "RCDT/ESCT",
        amount: "300.00",
        txs: vec![],
    };
    let tx = |amount: &'static str, text: &'static str| Tx {
        amount,
        text: Some(text),
        ..Tx::default()
    };
    let detail = Ntry {
        txs: vec![tx("100.00", "F-1"), tx("200.00", "F-2")],
        ..lump.clone()
    };
    (lump, detail)
}

/// The client owes F-1 (100.00, Alpha) and F-2 (200.00, Beta).
fn owes_f1_and_f2(client: &Path) {
    fs::write(
        client.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;Alpha;2026-02-01;2026-03-01;100,00\n\
F-2;C2;Beta;2026-02-01;2026-03-01;200,00\n",
    )
    .unwrap();
}

/// Runs the night and returns `matches.csv`'s rows.
fn night(client: &Path, date: &str, out: &Path) -> Vec<Vec<String>> {
    let o = run_night(client, date, out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    csv_rows(&out.join("matches.csv"))
}

#[test]
fn a_notification_with_the_statements_own_ids_leaves_its_money_alone() {
    // Most banks deliver the camt.053 and the camt.054 detailing the same
    // entry the same night, under the same reference: same transaction id.
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        &[
            (
                "s1.xml",
                &statement("S1", "2026-03-02", &[credit("R9", "2026-03-02")]),
            ),
            (
                "s1-detail.xml",
                &notification("N1", "2026-03-02", &[named(credit("R9", "2026-03-02"))]),
            ),
        ],
    );
    let out = dir.path().join("out");
    let m = night(&c, "2026-03-02", &out);
    assert_eq!(column_where(&m, "entry_id", "R9", "invoice_id"), ["F-1"]);
    // The notification's details reach the statement's row: its payer name.
    assert_eq!(
        column_where(&m, "entry_id", "R9", "counterparty_name"),
        ["ALPHA SARL"]
    );
    assert_eq!(column_where(&m, "entry_id", "R9", "status"), ["matched"]);
    assert_eq!(open_after(&out, "F-1"), ["0.00"]);
}

#[test]
fn a_statement_with_a_notifications_ids_keeps_the_money_the_notification_brought() {
    // Night 1: an intraday notification is the only word of the credit, so it
    // is the money; it quotes nothing we know yet and waits unapplied.
    let dir = tempfile::tempdir().unwrap();
    let unknown = Ntry {
        txs: vec![Tx {
            amount: "100.00",
            text: Some("commande 4471"),
            ..Tx::default()
        }],
        ..credit("R7", "2026-03-02")
    };
    let c = client(
        dir.path(),
        &[(
            "n1.xml",
            &notification("N1", "2026-03-02", std::slice::from_ref(&unknown)),
        )],
    );
    let m1 = night(&c, "2026-03-02", &dir.path().join("out1"));
    assert_eq!(column_where(&m1, "entry_id", "R7", "status"), ["unapplied"]);
    assert_eq!(
        column_where(&m1, "entry_id", "R7", "applied_amount"),
        ["100.00"]
    );
    // Night 2: the statement brings the same entry under the same id, and
    // another 100.00 of that day, paying F-1. The 100.00 still waits for a
    // person, once, and the other credit is money of its own.
    fs::write(
        c.join("statements/s1.xml"),
        // The other credit first: a bank's order is arbitrary.
        statement("S1", "2026-03-02", &[credit("R8", "2026-03-02"), unknown]),
    )
    .unwrap();
    let out2 = dir.path().join("out2");
    let m2 = night(&c, "2026-03-03", &out2);
    assert_eq!(column_where(&m2, "entry_id", "R7", "status"), ["unapplied"]);
    assert_eq!(
        column_where(&m2, "entry_id", "R7", "applied_amount"),
        ["100.00"]
    );
    assert_eq!(column_where(&m2, "entry_id", "R8", "invoice_id"), ["F-1"]);
    assert_eq!(open_after(&out2, "F-1"), ["0.00"]);
}

#[test]
fn a_pending_notification_never_takes_the_booked_entrys_money() {
    // Night 1: the bank announces a credit as pending (not money yet).
    let dir = tempfile::tempdir().unwrap();
    let pending = notification("N1", "2026-03-02", &[credit("P1", "2026-03-02")])
        .replace("<Cd>BOOK</Cd>", "<Cd>PDNG</Cd>");
    let c = client(dir.path(), &[("n1.xml", &pending)]);
    let m1 = night(&c, "2026-03-02", &dir.path().join("out1"));
    assert!(column_where(&m1, "entry_id", "P1", "status").is_empty());
    // Night 2: the statement books it under another reference, same amount
    // and date: that is the money, and it pays F-1.
    fs::write(
        c.join("statements/s1.xml"),
        statement("S1", "2026-03-02", &[credit("R1", "2026-03-02")]),
    )
    .unwrap();
    let m2 = night(&c, "2026-03-03", &dir.path().join("out2"));
    assert_eq!(column_where(&m2, "entry_id", "R1", "invoice_id"), ["F-1"]);
    assert_eq!(column_where(&m2, "entry_id", "R1", "status"), ["matched"]);
}

#[test]
fn two_equal_credits_notified_first_are_not_counted_again_by_the_statement() {
    // Night 1: an intraday notification brings two credits of 100.00 on the
    // same day; they pay F-1 and F-2.
    let dir = tempfile::tempdir().unwrap();
    let quoting = |reference: &'static str, text: &'static str| Ntry {
        txs: vec![Tx {
            amount: "100.00",
            text: Some(text),
            ..Tx::default()
        }],
        ..credit(reference, "2026-03-02")
    };
    let c = client(
        dir.path(),
        &[(
            "n1.xml",
            &notification(
                "N1",
                "2026-03-02",
                &[quoting("N-A", "F-1"), quoting("N-B", "F-2")],
            ),
        )],
    );
    let rows = "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;Alpha;2026-02-01;2026-03-01;100,00\n\
F-2;C1;Alpha;2026-02-01;2026-03-01;100,00\n\
F-3;C1;Alpha;2026-02-01;2026-03-01;100,00\n";
    fs::write(c.join("invoices.csv"), rows).unwrap();
    let m1 = night(&c, "2026-03-02", &dir.path().join("out1"));
    assert_eq!(column_where(&m1, "entry_id", "N-A", "invoice_id"), ["F-1"]);
    assert_eq!(column_where(&m1, "entry_id", "N-B", "invoice_id"), ["F-2"]);
    // Night 2: the statement books the same two under its own references.
    // They are the same 200.00: nothing new to match, nothing unapplied.
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "200.00")),
        &[quoting("S-A", "F-1"), quoting("S-B", "F-2")],
    );
    fs::write(c.join("statements/s1.xml"), s).unwrap();
    let out2 = dir.path().join("out2");
    let m2 = night(&c, "2026-03-03", &out2);
    for e in ["S-A", "S-B"] {
        assert!(
            column_where(&m2, "entry_id", e, "status").is_empty(),
            "{m2:?}"
        );
    }
    assert_eq!(open_after(&out2, "F-3"), ["100.00"]);
    let kinds = alert_kinds(&out2);
    assert!(!kinds.iter().any(|k| k == "unmatched_credit"), "{kinds:?}");
}

#[test]
fn a_batch_detailed_a_night_later_is_split_and_matched() {
    // Night 1: the statement books a batch of 300.00 without its detail.
    let dir = tempfile::tempdir().unwrap();
    let lump = Ntry {
        reference: "BATCH-1",
        date: "2026-03-02",
        code: "RCDT/ESCT",
        amount: "300.00",
        txs: vec![],
    };
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "300.00")),
        std::slice::from_ref(&lump),
    );
    let c = client(dir.path(), &[("s1.xml", &s)]);
    owes_f1_and_f2(&c);
    let m1 = night(&c, "2026-03-02", &dir.path().join("out1"));
    assert_eq!(
        column_where(&m1, "entry_id", "BATCH-1", "status"),
        ["unapplied"]
    );
    // Night 2: the camt.054 details it.
    let tx = |amount: &'static str, text: &'static str| Tx {
        amount,
        text: Some(text),
        ..Tx::default()
    };
    let n = notification(
        "N1",
        "2026-03-02",
        &[Ntry {
            txs: vec![tx("100.00", "F-1"), tx("200.00", "F-2")],
            ..lump
        }],
    );
    fs::write(c.join("statements/n1.xml"), n).unwrap();
    let out2 = dir.path().join("out2");
    night(&c, "2026-03-03", &out2);
    for f in ["F-1", "F-2"] {
        assert_eq!(open_after(&out2, f), ["0.00"]);
    }
    let kinds = alert_kinds(&out2);
    assert!(!kinds.iter().any(|k| k == "unmatched_credit"), "{kinds:?}");
}

#[test]
fn a_statement_repeating_another_statements_ids_is_not_imported_twice_and_says_so() {
    // The bank reissues the day under a new statement id: R9 again.
    let dir = tempfile::tempdir().unwrap();
    let c = client(
        dir.path(),
        &[(
            "s1.xml",
            &statement("S1", "2026-03-02", &[credit("R9", "2026-03-02")]),
        )],
    );
    night(&c, "2026-03-02", &dir.path().join("out1"));
    fs::write(
        c.join("statements/s1-bis.xml"),
        statement("S1-BIS", "2026-03-02", &[credit("R9", "2026-03-02")]),
    )
    .unwrap();
    let out = dir.path().join("out2");
    let m = night(&c, "2026-03-03", &out);
    assert!(
        column_where(&m, "entry_id", "R9", "status").is_empty(),
        "{m:?}"
    );
    let alerts = csv_rows(&out.join("alerts.csv"));
    let repeated = column_where(&alerts, "kind", "repeated_transaction", "amount");
    assert_eq!(repeated, ["100.00"], "{alerts:?}");
    assert_eq!(open_after(&out, "F-1"), ["0.00"]);
}

#[test]
fn a_pending_notification_gives_way_to_the_booked_entry_with_its_id() {
    // Night 1: an intraday report shows the credit as pending, reference P1.
    let dir = tempfile::tempdir().unwrap();
    let pending = notification("N1", "2026-03-02", &[credit("P1", "2026-03-02")])
        .replace("<Cd>BOOK</Cd>", "<Cd>PDNG</Cd>");
    let c = client(dir.path(), &[("n1.xml", &pending)]);
    night(&c, "2026-03-02", &dir.path().join("out1"));
    // Night 2: the statement books it under the same reference: same id.
    fs::write(
        c.join("statements/s1.xml"),
        statement("S1", "2026-03-02", &[credit("P1", "2026-03-02")]),
    )
    .unwrap();
    let out = dir.path().join("out2");
    let m = night(&c, "2026-03-03", &out);
    assert_eq!(column_where(&m, "entry_id", "P1", "invoice_id"), ["F-1"]);
    assert_eq!(column_where(&m, "entry_id", "P1", "status"), ["matched"]);
    assert_eq!(open_after(&out, "F-1"), ["0.00"]);
}

#[test]
fn a_lump_a_first_notification_repeats_is_still_split_by_the_detail() {
    // One night: the statement books a lump E1 of 300.00; an intraday
    // notification repeats it at entry level (same id); the camt.054 then
    // details it.
    let dir = tempfile::tempdir().unwrap();
    let (lump, detail) = batch_e1();
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "300.00")),
        std::slice::from_ref(&lump),
    );
    let c = client(
        dir.path(),
        &[
            ("s1.xml", &s),
            ("n1.xml", &notification("N1", "2026-03-02", &[lump])),
            ("n2.xml", &notification("N2", "2026-03-02", &[detail])),
        ],
    );
    owes_f1_and_f2(&c);
    let out = dir.path().join("out");
    night(&c, "2026-03-02", &out);
    for f in ["F-1", "F-2"] {
        assert_eq!(open_after(&out, f), ["0.00"], "{f}");
    }
}

#[test]
fn a_row_one_notification_repeats_is_never_another_notifications_counterpart_by_amount() {
    // The statement books a terse X (100.00, quoting F-1). One notification
    // repeats X under its id; another brings Z, 100.00 the same day from
    // Client C, which the statement does not hold. Z must not take X,
    // whichever notification file is read first.
    let z = Ntry {
        txs: vec![Tx {
            amount: "100.00",
            name: Some("CLIENT C"),
            text: Some("F-C"),
            ..Tx::default()
        }],
        ..credit("Z", "2026-03-02")
    };
    for (repeat, other) in [("n1.xml", "n2.xml"), ("n2.xml", "n1.xml")] {
        let dir = tempfile::tempdir().unwrap();
        let c = client(
            dir.path(),
            &[
                (
                    "s1.xml",
                    &statement("S1", "2026-03-02", &[credit("X", "2026-03-02")]),
                ),
                (
                    repeat,
                    &notification("N1", "2026-03-02", &[credit("X", "2026-03-02")]),
                ),
                (
                    other,
                    &notification("N2", "2026-03-02", std::slice::from_ref(&z)),
                ),
            ],
        );
        let m = night(&c, "2026-03-02", &dir.path().join("out"));
        assert_eq!(
            column_where(&m, "entry_id", "X", "counterparty_name"),
            [""],
            "{repeat}"
        );
        assert_eq!(column_where(&m, "entry_id", "X", "invoice_id"), ["F-1"]);
    }
}

#[test]
fn a_lump_told_by_two_notifications_before_its_statement_is_money_once() {
    // No statement yet: an intraday report brings the batch E1 (300.00) at
    // entry level, the camt.054 then details it. 300.00 arrived, not 600.00.
    let dir = tempfile::tempdir().unwrap();
    let (lump, detail) = batch_e1();
    let c = client(
        dir.path(),
        &[
            ("n1.xml", &notification("N1", "2026-03-02", &[lump])),
            ("n2.xml", &notification("N2", "2026-03-02", &[detail])),
        ],
    );
    owes_f1_and_f2(&c);
    let out = dir.path().join("out");
    let m = night(&c, "2026-03-02", &out);
    for f in ["F-1", "F-2"] {
        assert_eq!(open_after(&out, f), ["0.00"], "{f}");
    }
    assert!(
        column_where(&m, "entry_id", "E1", "status").is_empty(),
        "{m:?}"
    );
    assert!(!alert_kinds(&out).iter().any(|k| k == "unmatched_credit"));
    // Night 2: the statement books the lump, and another payer's terse
    // 100.00 of that day. The lump adds nothing; the other credit is money.
    let terse = Ntry {
        reference: "R8",
        date: "2026-03-02",
        code: "RCDT/ESCT",
        amount: "100.00",
        txs: vec![],
    };
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "400.00")),
        &[terse, batch_e1().0],
    );
    fs::write(c.join("statements/s1.xml"), s).unwrap();
    let out2 = dir.path().join("out2");
    let m2 = night(&c, "2026-03-03", &out2);
    assert!(
        column_where(&m2, "entry_id", "E1", "status").is_empty(),
        "{m2:?}"
    );
    assert_eq!(
        column_where(&m2, "entry_id", "R8", "applied_amount"),
        ["100.00"],
        "{m2:?}"
    );
}

#[test]
fn a_pending_repeat_of_a_lump_never_stops_its_detail_from_splitting_it() {
    // One night: the statement books the lump E1; an intraday report still
    // shows E1 pending; the camt.054 details the batch under its own
    // reference, found by amount and day.
    let dir = tempfile::tempdir().unwrap();
    let (lump, detail) = batch_e1();
    let pending = notification("N1", "2026-03-02", std::slice::from_ref(&lump))
        .replace("<Cd>BOOK</Cd>", "<Cd>PDNG</Cd>");
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "300.00")),
        &[lump],
    );
    let c = client(
        dir.path(),
        &[
            ("s1.xml", &s),
            ("n1.xml", &pending),
            (
                "n2.xml",
                &notification(
                    "N2",
                    "2026-03-02",
                    &[Ntry {
                        reference: "NTF-77",
                        ..detail
                    }],
                ),
            ),
        ],
    );
    owes_f1_and_f2(&c);
    let out = dir.path().join("out");
    night(&c, "2026-03-02", &out);
    for f in ["F-1", "F-2"] {
        assert_eq!(open_after(&out, f), ["0.00"], "{f}");
    }
}

#[test]
fn a_notification_with_charges_still_names_the_payer_of_a_lump_already_applied() {
    // Night 1: the statement's lump R9 (100.00, no detail) is assigned to
    // F-1 by a person. Night 2: its camt.054 arrives, detailing 100.50 from
    // ALPHA SARL less 0.50 of charges (a charges row beside the payment).
    let dir = tempfile::tempdir().unwrap();
    let lump = Ntry {
        txs: vec![],
        ..credit("R9", "2026-03-02")
    };
    let c = client(
        dir.path(),
        &[("s1.xml", &statement("S1", "2026-03-02", &[lump]))],
    );
    fs::write(
        c.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\nR9;F-1;assign;;\n",
    )
    .unwrap();
    night(&c, "2026-03-02", &dir.path().join("out1"));
    let detail = Ntry {
        txs: vec![Tx {
            amount: "100.50",
            name: Some("ALPHA SARL"),
            text: Some("F-1"),
            ..Tx::default()
        }],
        ..credit("R9", "2026-03-02")
    };
    fs::write(
        c.join("statements/n1.xml"),
        notification("N1", "2026-03-02", &[detail]),
    )
    .unwrap();
    let out = dir.path().join("out2");
    night(&c, "2026-03-03", &out);
    assert_eq!(open_after(&out, "F-1"), ["0.00"]);
    // The payer's details reached the lump's row, the charges row aside.
    let conn = rusqlite::Connection::open(c.join(".pointage/state.sqlite")).unwrap();
    let details: String = conn
        .query_row(
            "SELECT details FROM transactions WHERE entry_id = 'R9' AND notification = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(details.contains("ALPHA SARL"), "{details}");
}
