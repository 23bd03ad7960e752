//! Notifications (camt.052/054) and the statement (camt.053) of the same
//! money arriving on different nights (review 21 #1, #2, #3, #5): in either
//! order the money is counted once, on the right payer, and what the bank
//! booked decides — as when the same files are read on one night.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{IBAN, Ntry, Tx, camt, column_where, csv_rows, run_ok};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-1001,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,
F-1002,C2,Beta SAS,2026-10-01,2026-10-31,750.00,750.00,EUR,,direct_debit,RUM-2
F-1003,C3,Gamma SA,2026-10-01,2026-10-31,480.00,480.00,EUR,,direct_debit,RUM-3
F-1005,C1,Alpha SARL,2026-10-01,2026-10-31,500.00,500.00,EUR,,transfer,
F-1006,C2,Beta SAS,2026-10-01,2026-10-31,500.00,500.00,EUR,,transfer,
";

fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    c
}

/// [`client`] with Alpha owing these invoices of 500.00 too.
fn client_owing(root: &Path, more: &[&str]) -> PathBuf {
    let c = client(root);
    let extra: String = more
        .iter()
        .map(|id| {
            format!("{id},C1,Alpha SARL,2026-10-01,2026-10-31,500.00,500.00,EUR,,transfer,\n")
        })
        .collect();
    fs::write(c.join("invoices.csv"), format!("{INVOICES}{extra}")).unwrap();
    c
}

/// Alpha's 500.00 as entry `r` quoting `text`, no IBAN.
fn alpha_500(r: &'static str, text: Option<&'static str>) -> Ntry {
    entry(
        r,
        "RCDT/ESCT",
        "500.00",
        vec![Tx {
            amount: "500.00",
            name: Some("Alpha SARL"),
            text,
            ..Tx::default()
        }],
    )
}

/// Writes `statements/{name}` (a camt.054 when `notification`) of 2026-11-18.
fn file(c: &Path, name: &str, notification: bool, id: &str, bal: Option<(&str, &str)>, e: &[Ntry]) {
    let x = camt(
        notification,
        id,
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        bal,
        e,
    );
    fs::write(c.join("statements").join(name), x).unwrap();
}

fn night(c: &Path, root: &Path, date: &str) -> PathBuf {
    let out = root.join(format!("out-{date}"));
    run_ok(c, date, &out);
    out
}

fn tx(
    amount: &'static str,
    e2e: Option<&'static str>,
    name: &'static str,
    text: &'static str,
) -> Tx {
    Tx {
        amount,
        e2e,
        name: Some(name),
        text: Some(text),
        ..Tx::default()
    }
}

fn entry(reference: &'static str, code: &'static str, amount: &'static str, txs: Vec<Tx>) -> Ntry {
    Ntry {
        reference,
        date: "2026-11-18",
        code,
        amount,
        txs,
    }
}

/// The rows of `alerts.csv` of that kind, as (entry_id, amount).
fn alerts(out: &Path, kind: &str) -> Vec<(String, String)> {
    csv_rows(&out.join("alerts.csv"))
        .into_iter()
        .filter(|r| r[0] == kind)
        .map(|r| (r[4].clone(), r[5].clone()))
        .collect()
}

fn open_items(out: &Path, kind: &str) -> usize {
    csv_rows(&out.join("open_items.csv"))
        .into_iter()
        .filter(|r| r[0] == kind)
        .count()
}

fn status(out: &Path, invoice: &str) -> (String, String) {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    (
        column_where(&rows, "invoice_id", invoice, "open_after")[0].clone(),
        column_where(&rows, "invoice_id", invoice, "status")[0].clone(),
    )
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap()
}

fn received(out: &Path) -> String {
    summary(out)["currencies"]["EUR"]["received"]
        .as_str()
        .unwrap_or("0.00")
        .to_string()
}

#[test]
fn a_batch_notified_then_booked_as_one_lump_under_another_reference_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let batch = vec![
        tx("1000.00", Some("E2E-A"), "Alpha SARL", "Facture F-1001"),
        tx("750.00", Some("E2E-B"), "Beta SAS", "F-1002"),
    ];
    file(
        &c,
        "a_ntf.xml",
        true,
        "NTF-1",
        None,
        &[entry("NTF-77", "RCDT/ESCT", "1750.00", batch)],
    );
    let o1 = night(&c, dir.path(), "2026-11-18");
    assert_eq!(status(&o1, "F-1001").1, "paid");
    assert_eq!(status(&o1, "F-1002").1, "paid");
    assert_eq!(received(&o1), "1750.00");
    // The statement books the same credit as one lump under its own reference.
    file(
        &c,
        "b_eod.xml",
        false,
        "STM-1",
        Some(("0.00", "1750.00")),
        &[entry("STMREF-9", "RCDT/ESCT", "1750.00", vec![])],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    let m2 = csv_rows(&o2.join("matches.csv"));
    assert!(
        column_where(&m2, "entry_id", "STMREF-9", "status").is_empty(),
        "{m2:?}"
    );
    assert!(alerts(&o2, "unmatched_credit").is_empty());
    assert_eq!(received(&o2), "0.00");
    assert_eq!(status(&o2, "F-1001"), ("0.00".into(), "paid".into()));
}

/// Night 17: a direct-debit batch collects F-1003 (480.00) and F-1002 (750.00).
fn collected(c: &Path, root: &Path) {
    let e = Ntry {
        date: "2026-11-17",
        ..entry(
            "COLL-B",
            "IDDT/ESDD",
            "1230.00",
            vec![
                Tx {
                    mandate: Some("RUM-3"),
                    ..tx("480.00", Some("E2E-DD-3"), "Gamma SA", "")
                },
                Tx {
                    mandate: Some("RUM-2"),
                    ..tx("750.00", Some("E2E-DD-2"), "Beta SAS", "")
                },
            ],
        )
    };
    let x = camt(
        false,
        "STM-17",
        1,
        IBAN,
        "2026-11-17",
        "2026-11-17",
        Some(("0.00", "1230.00")),
        &[e],
    );
    fs::write(c.join("statements/a_1117.xml"), x).unwrap();
    let o = night(c, root, "2026-11-17");
    assert_eq!(status(&o, "F-1003").1, "paid");
}

/// The two returns detailed by a camt.054 under bank reference `reference`.
fn returns(reference: &'static str) -> Ntry {
    entry(
        reference,
        "IDDT/UPDD",
        "-1230.00",
        vec![
            Tx {
                mandate: Some("RUM-3"),
                reason: Some("AM04"),
                ..tx("-480.00", Some("E2E-DD-3"), "Gamma SA", "")
            },
            Tx {
                mandate: Some("RUM-2"),
                reason: Some("MD06"),
                ..tx("-750.00", Some("E2E-DD-2"), "Beta SAS", "")
            },
        ],
    )
}

fn lump_debit() -> Ntry {
    entry("LUMP-RET", "IDDT/UPDD", "-1230.00", vec![])
}

#[test]
fn returns_notified_then_booked_as_one_lump_under_another_reference_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    collected(&c, dir.path());
    file(
        &c,
        "b_ntf.xml",
        true,
        "NTF-18",
        None,
        &[returns("NTF-OTHER")],
    );
    let o1 = night(&c, dir.path(), "2026-11-18");
    assert_eq!(alerts(&o1, "direct_debit_returned").len(), 2);
    file(
        &c,
        "c_1118.xml",
        false,
        "STM-18",
        Some(("1230.00", "0.00")),
        &[lump_debit()],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    assert!(
        alerts(&o2, "unmatched_debit").is_empty(),
        "{:?}",
        alerts(&o2, "unmatched_debit")
    );
    assert_eq!(summary(&o2)["debits_by_kind"], serde_json::json!({}));
    assert_eq!(status(&o2, "F-1003").1, "returned");
}

#[test]
fn returns_detailed_a_night_after_their_lump_are_split_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    collected(&c, dir.path());
    file(
        &c,
        "c_1118.xml",
        false,
        "STM-18",
        Some(("1230.00", "0.00")),
        &[lump_debit()],
    );
    let o1 = night(&c, dir.path(), "2026-11-18");
    assert_eq!(
        alerts(&o1, "unmatched_debit"),
        [("LUMP-RET".into(), "-1230.00".into())]
    );
    // The camt.054 of that day details the lump under the same reference.
    file(
        &c,
        "b_ntf.xml",
        true,
        "NTF-18",
        None,
        &[returns("LUMP-RET")],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    assert_eq!(
        alerts(&o2, "direct_debit_returned"),
        [
            ("LUMP-RET/1".into(), "-480.00".into()),
            ("LUMP-RET/2".into(), "-750.00".into())
        ]
    );
    assert_eq!(status(&o2, "F-1003"), ("480.00".into(), "returned".into()));
    assert_eq!(status(&o2, "F-1002"), ("750.00".into(), "disputed".into()));
    assert_eq!(open_items(&o2, "unmatched_debit"), 0);
    let kpis: serde_json::Value =
        serde_json::from_slice(&fs::read(o2.join("kpis.json")).unwrap()).unwrap();
    assert_eq!(kpis["returns"], 2, "{kpis}");
}

#[test]
fn a_statement_entry_of_another_payer_never_takes_a_notified_payment() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    // Beta's 500.00, notified without an end-to-end id or IBAN.
    file(
        &c,
        "a.xml",
        true,
        "NTF-1",
        None,
        &[entry(
            "1",
            "RCDT/ESCT",
            "500.00",
            vec![tx("500.00", None, "Beta SAS", "Facture F-1006")],
        )],
    );
    let o1 = night(&c, dir.path(), "2026-11-18");
    assert_eq!(status(&o1, "F-1006").1, "paid");
    // The statement books Alpha's 500.00 first, then Beta's.
    file(
        &c,
        "b.xml",
        false,
        "STM-1",
        Some(("0.00", "1000.00")),
        &[
            entry(
                "BK-1",
                "RCDT/ESCT",
                "500.00",
                vec![tx("500.00", Some("E2E-A"), "Alpha SARL", "Facture F-1005")],
            ),
            entry(
                "BK-2",
                "RCDT/ESCT",
                "500.00",
                vec![tx("500.00", Some("E2E-B"), "Beta SAS", "Facture F-1006")],
            ),
        ],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    let m2 = csv_rows(&o2.join("matches.csv"));
    assert_eq!(
        column_where(&m2, "entry_id", "BK-1", "invoice_id"),
        ["F-1005"]
    );
    assert!(
        column_where(&m2, "entry_id", "BK-2", "status").is_empty(),
        "{m2:?}"
    );
    assert_eq!(status(&o2, "F-1005"), ("0.00".into(), "paid".into()));
    assert!(alerts(&o2, "unmatched_credit").is_empty());
    assert_eq!(received(&o2), "500.00");
}

#[test]
fn a_notified_payment_two_statement_entries_fit_alike_is_left_to_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let bare = |r: &'static str| {
        entry(
            r,
            "RCDT/ESCT",
            "500.00",
            vec![Tx {
                amount: "500.00",
                ..Tx::default()
            }],
        )
    };
    file(&c, "a.xml", true, "NTF-1", None, &[bare("N-1")]);
    night(&c, dir.path(), "2026-11-18");
    file(
        &c,
        "b.xml",
        false,
        "STM-1",
        Some(("0.00", "1000.00")),
        &[bare("BK-1"), bare("BK-2")],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    // Nothing tells which is the notified one: none is dropped, a person says.
    assert_eq!(
        alerts(&o2, "ambiguous_notification"),
        [("N-1".into(), "500.00".into())]
    );
    let a = csv_rows(&o2.join("alerts.csv"));
    let row = a.iter().find(|r| r[0] == "ambiguous_notification").unwrap();
    assert!(row[8].contains("BK-1 or BK-2"), "{row:?}");
    assert_eq!(received(&o2), "1000.00");
}

/// The notification of BK-55 (1000.00 from Alpha for F-1001), then the
/// statement booking BK-55 for `booked`.
fn notified_then_booked(booked: &'static str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let credit = |a: &'static str| {
        entry(
            "BK-55",
            "RCDT/ESCT",
            a,
            vec![tx(a, Some("E2E-A"), "Alpha SARL", "Facture F-1001")],
        )
    };
    file(&c, "a_ntf.xml", true, "NTF-1", None, &[credit("1000.00")]);
    let o1 = night(&c, dir.path(), "2026-11-18");
    assert_eq!(status(&o1, "F-1001").1, "paid");
    file(
        &c,
        "b_eod.xml",
        false,
        "STM-1",
        Some(("0.00", booked)),
        &[credit(booked)],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    (dir, o2)
}

#[test]
fn the_amount_the_statement_books_replaces_the_notified_one() {
    // Charges taken: as on one night, 997.50 paid with a 2.50 fee.
    let (_d, o) = notified_then_booked("997.50");
    let m = csv_rows(&o.join("matches.csv"));
    assert_eq!(
        column_where(&m, "entry_id", "BK-55", "applied_amount"),
        ["997.50"]
    );
    assert_eq!(
        column_where(&m, "entry_id", "BK-55", "writeoff_amount"),
        ["2.50"]
    );
    assert_eq!(
        alerts(&o, "booked_amount_differs"),
        [("BK-55".into(), "997.50".into())]
    );
    assert_eq!(status(&o, "F-1001"), ("0.00".into(), "paid".into()));
    // 100.00 booked for 1000.00 notified: F-1001 is no longer paid.
    let (_d, o) = notified_then_booked("100.00");
    assert_eq!(
        status(&o, "F-1001"),
        ("900.00".into(), "partly_paid".into())
    );
    let a = csv_rows(&o.join("alerts.csv"));
    let row = a
        .iter()
        .find(|r| r[0] == "booked_amount_differs")
        .expect("alert");
    assert_eq!(row[1], "critical");
    assert!(row[8].contains("1000.00 from F-1001"), "{row:?}");
    assert_eq!(received(&o), "100.00");
}

#[test]
fn the_one_statement_entry_of_a_notified_payment_links_though_its_text_is_worded_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let text = |r: &'static str, t: &'static str| {
        let one = Tx {
            amount: "1000.00",
            text: Some(t),
            ..Tx::default()
        };
        entry(r, "RCDT/ESCT", "1000.00", vec![one])
    };
    file(
        &c,
        "a.xml",
        true,
        "NTF-1",
        None,
        &[text("N-1", "Facture F-1001")],
    );
    let o1 = night(&c, dir.path(), "2026-11-18");
    assert_eq!(status(&o1, "F-1001").1, "paid");
    let s = [text("BK-1", "REGLEMENT FACT 1001 DU 01/10")];
    file(&c, "b.xml", false, "STM-1", Some(("0.00", "1000.00")), &s);
    let o2 = night(&c, dir.path(), "2026-11-19");
    assert_eq!(received(&o2), "0.00");
    assert!(alerts(&o2, "unmatched_credit").is_empty());
    assert!(alerts(&o2, "ambiguous_notification").is_empty());
}

#[test]
fn a_copy_a_person_took_out_frees_the_payers_other_payment() {
    // Alpha's 500.00 notified (F-1005 paid by it), then the statement
    // booking two 500.00 from Alpha, no text: one is the notified payment,
    // nothing tells which. Both used to be applied, the copy paying
    // Alpha's other 500.00 invoice (F-1007, then never chased); both wait
    // for a person now. Once the person takes one out as the copy, the
    // other is Alpha's own payment and is applied.
    let dir = tempfile::tempdir().unwrap();
    let c = client_owing(dir.path(), &["F-1007"]);
    file(
        &c,
        "a.xml",
        true,
        "NTF-1",
        None,
        &[alpha_500("N-1", Some("Facture F-1005"))],
    );
    let o1 = night(&c, dir.path(), "2026-11-18");
    assert_eq!(status(&o1, "F-1005").1, "paid");
    file(
        &c,
        "b.xml",
        false,
        "STM-1",
        Some(("0.00", "1000.00")),
        &[alpha_500("BK-1", None), alpha_500("BK-2", None)],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    assert_eq!(alerts(&o2, "ambiguous_notification").len(), 1);
    let m2 = csv_rows(&o2.join("matches.csv"));
    assert!(
        column_where(&m2, "status", "matched", "entry_id").is_empty(),
        "{m2:?}"
    );
    assert_eq!(
        column_where(&m2, "entry_id", "BK-1", "status"),
        ["suggested", "unapplied"]
    );
    assert_eq!(status(&o2, "F-1007"), ("500.00".into(), "open".into()));
    fs::write(
        c.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\nBK-1;;ignore;;the notified payment\n",
    )
    .unwrap();
    let o3 = night(&c, dir.path(), "2026-11-20");
    let m3 = csv_rows(&o3.join("matches.csv"));
    assert_eq!(
        column_where(&m3, "entry_id", "BK-2", "invoice_id"),
        ["F-1007"],
        "{m3:?}"
    );
    assert_eq!(status(&o3, "F-1007"), ("0.00".into(), "paid".into()));
}

#[test]
fn one_copy_taken_out_leaves_the_other_copy_held() {
    // Verify 41 T1: Alpha's two 500.00 notified (F-1005 and F-1007 paid),
    // then booked by the statement without text (BK-1, BK-2), Alpha
    // owing F-1008 too. The person takes BK-1 out as a copy: BK-2 is the
    // other notified payment's copy and stays held (it paid F-1008 once).
    let dir = tempfile::tempdir().unwrap();
    let c = client_owing(dir.path(), &["F-1007", "F-1008"]);
    file(
        &c,
        "a.xml",
        true,
        "NTF-1",
        None,
        &[
            alpha_500("N-1", Some("Facture F-1005")),
            alpha_500("N-2", Some("Facture F-1007")),
        ],
    );
    night(&c, dir.path(), "2026-11-18");
    file(
        &c,
        "b.xml",
        false,
        "STM-1",
        Some(("0.00", "1000.00")),
        &[alpha_500("BK-1", None), alpha_500("BK-2", None)],
    );
    night(&c, dir.path(), "2026-11-19");
    fs::write(
        c.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\nBK-1;;ignore;;a copy\n",
    )
    .unwrap();
    let o3 = night(&c, dir.path(), "2026-11-20");
    let m3 = csv_rows(&o3.join("matches.csv"));
    assert!(
        column_where(&m3, "status", "matched", "entry_id").is_empty(),
        "{m3:?}"
    );
    assert_eq!(status(&o3, "F-1008"), ("500.00".into(), "open".into()));
}

#[test]
fn a_payer_named_with_accents_on_one_side_is_the_same_payer() {
    // Verify 41 T6: the camt.054 names "SOCIÉTÉ ALPHA" with its IBAN, the
    // statement of the same day "SOCIETE ALPHA" without (a CFONB line with
    // no account record). Read as two payers, the two were not paired and
    // the copy paid Alpha's other invoice of the amount.
    let dir = tempfile::tempdir().unwrap();
    let c = client_owing(dir.path(), &["F-1007"]);
    let paid = |r: &'static str, name: &'static str, iban: Option<&'static str>| {
        entry(
            r,
            "RCDT/ESCT",
            "500.00",
            vec![Tx {
                amount: "500.00",
                name: Some(name),
                iban,
                ..Tx::default()
            }],
        )
    };
    file(
        &c,
        "a.xml",
        true,
        "NTF-1",
        None,
        &[paid(
            "N-1",
            "SOCIÉTÉ ALPHA",
            Some("FR7630004000031234567890143"),
        )],
    );
    night(&c, dir.path(), "2026-11-18");
    file(
        &c,
        "b.xml",
        false,
        "STM-1",
        Some(("0.00", "500.00")),
        &[paid("BK-1", "SOCIETE ALPHA", None)],
    );
    let o2 = night(&c, dir.path(), "2026-11-19");
    let m2 = csv_rows(&o2.join("matches.csv"));
    assert!(
        column_where(&m2, "entry_id", "BK-1", "status").is_empty(),
        "{m2:?}"
    );
    assert_eq!(received(&o2), "0.00");
}
