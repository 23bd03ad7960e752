//! `pointage run` over several consecutive nights of one small client,
//! checking outputs and state after each: a payment before its invoice, a
//! payment the ERP already booked, a direct debit collected, returned,
//! re-presented and returned again, a duplicate statement under another
//! name, a camt.054 detailing a batch already on the camt.053, a missing
//! statement; then the same nights stopped at every fault point.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, camt, column_where, csv_rows, dump_state, run_night, tree};

const IBAN: &str = "FR7630001007941234567890185";
const NIGHTS: [&str; 5] = [
    "2026-03-02",
    "2026-03-03",
    "2026-03-04",
    "2026-03-05",
    "2026-03-06",
];

fn tx(amount: &'static str) -> Tx {
    Tx {
        amount,
        ..Tx::default()
    }
}

/// Writes the client folder as it stands on night `n` (0-based): tonight's
/// invoices.csv and every statement file received so far.
fn prepare(client: &Path, n: usize) {
    fs::create_dir_all(client.join("statements")).unwrap();
    let invoices = [
        // Night 1: F-400 is not exported yet.
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n\
F-100;C1;Alpha SARL;2026-02-01;2026-03-01;500,00;500,00;EUR;RF92F100;transfer;\n\
F-200;C2;Beta SAS;2026-02-01;2026-03-02;300,00;300,00;EUR;;direct_debit;M-2\n\
F-300;C3;Gamma SA;2026-01-01;2026-02-15;1000,00;1000,00;EUR;;transfer;\n\
F-500;C5;Epsilon;2026-02-01;2026-03-03;400,00;400,00;EUR;;direct_debit;M-5\n\
F-600;C6;Zeta;2026-02-01;2026-03-03;300,00;300,00;EUR;;direct_debit;M-6\n",
        // Night 2: the ERP booked F-100's payment; F-400 appears.
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n\
F-100;C1;Alpha SARL;2026-02-01;2026-03-01;500,00;0,00;EUR;RF92F100;transfer;\n\
F-200;C2;Beta SAS;2026-02-01;2026-03-02;300,00;300,00;EUR;;direct_debit;M-2\n\
F-300;C3;Gamma SA;2026-01-01;2026-02-15;1000,00;1000,00;EUR;;transfer;\n\
F-400;C4;Delta;2026-02-20;2026-03-20;250,00;250,00;EUR;;transfer;\n\
F-500;C5;Epsilon;2026-02-01;2026-03-03;400,00;400,00;EUR;;direct_debit;M-5\n\
F-600;C6;Zeta;2026-02-01;2026-03-03;300,00;300,00;EUR;;direct_debit;M-6\n",
    ];
    fs::write(client.join("invoices.csv"), invoices[n.min(1)]).unwrap();
    let st = client.join("statements");
    {
        let s1 = camt(
            false,
            "S1",
            1,
            IBAN,
            "2026-03-02",
            "2026-03-02",
            Some(("1000.00", "2050.00")),
            &[
                Ntry {
                    reference: "R1",
                    date: "2026-03-02",
                    code: "RCDT/ESCT",
                    amount: "250.00",
                    txs: vec![Tx {
                        name: Some("Delta"),
                        text: Some("FACT F-400"),
                        ..tx("250.00")
                    }],
                },
                Ntry {
                    reference: "R2",
                    date: "2026-03-02",
                    code: "RCDT/ESCT",
                    amount: "500.00",
                    txs: vec![Tx {
                        name: Some("Alpha SARL"),
                        rf: Some("RF92F100"),
                        ..tx("500.00")
                    }],
                },
                Ntry {
                    reference: "R3",
                    date: "2026-03-02",
                    code: "IDDT/ESDD",
                    amount: "300.00",
                    txs: vec![Tx {
                        e2e: Some("E2E-200"),
                        mandate: Some("M-2"),
                        ..tx("300.00")
                    }],
                },
            ],
        );
        fs::write(st.join("2026-03-02.xml"), s1).unwrap();
    }
    if n >= 1 {
        let s1 = fs::read(st.join("2026-03-02.xml")).unwrap();
        fs::write(st.join("copy-of-march-2.xml"), s1).unwrap();
        let s2 = camt(
            false,
            "S2",
            2,
            IBAN,
            "2026-03-03",
            "2026-03-03",
            Some(("2050.00", "1750.00")),
            &[Ntry {
                reference: "R4",
                date: "2026-03-03",
                code: "IDDT/UPDD",
                amount: "-300.00",
                txs: vec![Tx {
                    e2e: Some("E2E-200"),
                    mandate: Some("M-2"),
                    reason: Some("AM04"),
                    ..tx("-300.00")
                }],
            }],
        );
        fs::write(st.join("2026-03-03.xml"), s2).unwrap();
    }
    if n >= 2 {
        let s3 = camt(
            false,
            "S3",
            3,
            IBAN,
            "2026-03-04",
            "2026-03-04",
            Some(("1750.00", "2750.00")),
            &[
                Ntry {
                    reference: "R5",
                    date: "2026-03-04",
                    code: "IDDT/ESDD",
                    amount: "300.00",
                    txs: vec![Tx {
                        e2e: Some("E2E-200B"),
                        mandate: Some("M-2"),
                        ..tx("300.00")
                    }],
                },
                // A lump: the detail comes in the camt.054 below.
                Ntry {
                    reference: "BATCH-1",
                    date: "2026-03-04",
                    code: "IDDT/ESDD",
                    amount: "700.00",
                    txs: vec![],
                },
            ],
        );
        fs::write(st.join("2026-03-04.xml"), s3).unwrap();
        let n1 = camt(
            true,
            "N1",
            1,
            IBAN,
            "2026-03-04",
            "2026-03-04",
            None,
            &[Ntry {
                reference: "BATCH-1",
                date: "2026-03-04",
                code: "IDDT/ESDD",
                amount: "700.00",
                txs: vec![
                    Tx {
                        e2e: Some("E2E-500"),
                        mandate: Some("M-5"),
                        ..tx("400.00")
                    },
                    Tx {
                        e2e: Some("E2E-600"),
                        mandate: Some("M-6"),
                        ..tx("300.00")
                    },
                ],
            }],
        );
        fs::write(st.join("2026-03-04-detail.xml"), n1).unwrap();
    }
    if n >= 3 {
        let s4 = camt(
            false,
            "S4",
            4,
            IBAN,
            "2026-03-05",
            "2026-03-05",
            Some(("2750.00", "2450.00")),
            &[Ntry {
                reference: "R6",
                date: "2026-03-05",
                code: "IDDT/UPDD",
                amount: "-300.00",
                txs: vec![Tx {
                    e2e: Some("E2E-200B"),
                    mandate: Some("M-2"),
                    reason: Some("AM04"),
                    ..tx("-300.00")
                }],
            }],
        );
        fs::write(st.join("2026-03-05.xml"), s4).unwrap();
    }
    if n >= 4 {
        // Statement 5 never arrives: 6 follows 4.
        let s6 = camt(
            false,
            "S6",
            6,
            IBAN,
            "2026-03-09",
            "2026-03-09",
            Some(("2450.00", "2450.00")),
            &[],
        );
        fs::write(st.join("2026-03-09.xml"), s6).unwrap();
    }
}

fn night_out(root: &Path, n: usize) -> PathBuf {
    root.join("out").join(NIGHTS[n])
}

fn run_all(root: &Path) -> Vec<PathBuf> {
    let client = root.join("nightco");
    (0..NIGHTS.len())
        .map(|n| {
            prepare(&client, n);
            let out = night_out(root, n);
            let o = run_night(&client, NIGHTS[n], &out, &[]);
            assert!(
                o.status.success(),
                "night {}: {}",
                NIGHTS[n],
                String::from_utf8_lossy(&o.stderr)
            );
            out
        })
        .collect()
}

fn kinds(alerts: &Path) -> Vec<String> {
    let rows = csv_rows(alerts);
    rows[1..].iter().map(|r| r[0].clone()).collect()
}

/// A client folder at `client` with these invoices.csv rows and one
/// statement file, `statements/s1.xml`.
fn client_with_statement(client: &Path, invoice_rows: &str, statement: &str) -> PathBuf {
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("invoices.csv"),
        format!("invoice_id;customer_id;customer_name;issue_date;due_date;amount\n{invoice_rows}"),
    )
    .unwrap();
    fs::write(client.join("statements/s1.xml"), statement).unwrap();
    client.to_path_buf()
}

#[test]
fn five_nights_of_one_client() {
    let dir = tempfile::tempdir().unwrap();
    let outs = run_all(dir.path());

    // Night 1: F-100 by RF, F-200 by mandate, the 250 waits (no invoice yet).
    let m1 = csv_rows(&outs[0].join("matches.csv"));
    assert_eq!(column_where(&m1, "entry_id", "R2", "invoice_id"), ["F-100"]);
    assert_eq!(column_where(&m1, "entry_id", "R3", "invoice_id"), ["F-200"]);
    assert_eq!(column_where(&m1, "entry_id", "R1", "status"), ["unapplied"]);
    assert_eq!(kinds(&outs[0].join("alerts.csv")), ["unmatched_credit"]);

    // Night 2: the 250 finds F-400; F-100 (booked by the ERP) is paid, not
    // minus 500; the return reopens F-200; the copy of statement 1 is a duplicate.
    let m2 = csv_rows(&outs[1].join("matches.csv"));
    assert_eq!(column_where(&m2, "entry_id", "R1", "invoice_id"), ["F-400"]);
    assert_eq!(column_where(&m2, "entry_id", "R1", "status"), ["matched"]);
    let s2 = csv_rows(&outs[1].join("invoice_status.csv"));
    assert_eq!(
        column_where(&s2, "invoice_id", "F-100", "open_after"),
        ["0.00"]
    );
    assert_eq!(column_where(&s2, "invoice_id", "F-100", "status"), ["paid"]);
    assert_eq!(
        column_where(&s2, "invoice_id", "F-200", "open_after"),
        ["300.00"]
    );
    assert_eq!(
        column_where(&s2, "invoice_id", "F-200", "status"),
        ["returned"]
    );
    assert_eq!(column_where(&s2, "invoice_id", "F-400", "status"), ["paid"]);
    let k2 = kinds(&outs[1].join("alerts.csv"));
    assert!(k2.contains(&"direct_debit_returned".to_string()), "{k2:?}");
    assert!(k2.contains(&"duplicate_statement".to_string()), "{k2:?}");
    let open2 = kinds(&outs[1].join("open_items.csv"));
    assert!(
        !open2.contains(&"unmatched_credit".to_string()),
        "resolved: {open2:?}"
    );
    let d2 = csv_rows(&outs[1].join("dunning.csv"));
    let mut steps = column_where(&d2, "customer_id", "C2", "step");
    steps.sort();
    assert_eq!(steps, ["return_call", "return_letter"]);
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(outs[1].join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["statements"]["duplicate_files"], 1);
    assert_eq!(summary["statements"]["imported"], 1);

    // Night 3: re-presented collection pays F-200 again; the camt.054 splits
    // the 700 lump into F-500 and F-600, and the lump itself brings nothing.
    let m3 = csv_rows(&outs[2].join("matches.csv"));
    assert_eq!(column_where(&m3, "entry_id", "R5", "invoice_id"), ["F-200"]);
    assert!(column_where(&m3, "entry_id", "BATCH-1", "status").is_empty());
    let matched: Vec<String> = m3[1..]
        .iter()
        .filter(|r| r[16] == "matched")
        .map(|r| format!("{}={}", r[9], r[11]))
        .collect();
    assert!(matched.contains(&"F-500=400.00".to_string()), "{matched:?}");
    assert!(matched.contains(&"F-600=300.00".to_string()), "{matched:?}");
    let summary3: serde_json::Value =
        serde_json::from_slice(&fs::read(outs[2].join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary3["currencies"]["EUR"]["received"], "1000.00");

    // Night 4: the second return of C2 within 12 months.
    let k4 = kinds(&outs[3].join("alerts.csv"));
    assert!(
        k4.contains(&"repeated_direct_debit_return".to_string()),
        "{k4:?}"
    );
    let d4 = csv_rows(&outs[3].join("dunning.csv"));
    assert_eq!(
        column_where(&d4, "customer_id", "C2", "step"),
        ["full_balance_demand"]
    );

    // Night 5: statement 5 is missing.
    let k5 = kinds(&outs[4].join("alerts.csv"));
    assert_eq!(k5, ["sequence_gap"]);
    // F-300 is long overdue but the gap holds the formal notice.
    let d5 = csv_rows(&outs[4].join("dunning.csv"));
    let c3 = column_where(&d5, "customer_id", "C3", "step");
    assert!(!c3.contains(&"formal_notice".to_string()), "{c3:?}");
}

#[test]
fn a_committed_night_replays_byte_for_byte_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let outs = run_all(dir.path());
    let client = dir.path().join("nightco");
    let db = client.join(".pointage/state.sqlite");
    let before = dump_state(&db);
    let again = dir.path().join("again");
    let o = run_night(&client, NIGHTS[4], &again, &[]);
    assert!(o.status.success());
    assert_eq!(tree(&again), tree(&outs[4]));
    assert_eq!(dump_state(&db), before);
    let o = run_night(&client, NIGHTS[2], &dir.path().join("back"), &[]);
    assert!(o.status.success(), "an earlier committed night replays");
    assert_eq!(tree(&dir.path().join("back")), tree(&outs[2]));
    let o = run_night(&client, "2026-03-01", &dir.path().join("older"), &[]);
    assert_eq!(o.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&o.stderr).contains("before the last committed night"));
}

#[cfg(feature = "failpoints")]
#[test]
fn stopped_at_every_fault_point_the_rerun_equals_an_uninterrupted_run() {
    let clean = tempfile::tempdir().unwrap();
    run_all(clean.path());
    let want_state = dump_state(&clean.path().join("nightco/.pointage/state.sqlite"));
    let want_out = tree(&clean.path().join("out"));
    for point in [
        "after_parse",
        "before_commit",
        "after_commit",
        "mid_rename",
        "before_summary",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let client = dir.path().join("nightco");
        for (n, night) in NIGHTS.iter().enumerate() {
            prepare(&client, n);
            let out = night_out(dir.path(), n);
            let o = run_night(&client, night, &out, &[("POINTAGE_FAILPOINT", point)]);
            assert_eq!(
                o.status.code(),
                Some(86),
                "{point} night {n}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let o = run_night(&client, NIGHTS[n], &out, &[]);
            assert!(
                o.status.success(),
                "{point} rerun: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        assert_eq!(
            dump_state(&client.join(".pointage/state.sqlite")),
            want_state,
            "state after {point}"
        );
        let got = tree(&dir.path().join("out"));
        assert_eq!(
            got.len(),
            want_out.len(),
            "{point}: {:?}",
            got.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        assert_eq!(got, want_out, "outputs after {point}");
    }
}

#[test]
fn entries_booked_after_the_date_wait_and_a_changed_statement_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-03",
        Some(("0.00", "300.00")),
        &[
            Ntry {
                reference: "A",
                date: "2026-03-02",
                code: "RCDT/ESCT",
                amount: "100.00",
                txs: vec![Tx {
                    text: Some("F-1"),
                    ..tx("100.00")
                }],
            },
            Ntry {
                reference: "B",
                date: "2026-03-03",
                code: "RCDT/ESCT",
                amount: "200.00",
                txs: vec![Tx {
                    text: Some("F-2"),
                    ..tx("200.00")
                }],
            },
        ],
    );
    let client = client_with_statement(
        &dir.path().join("later"),
        "F-1;C1;Alpha;2026-02-01;2026-03-01;100,00\n\
F-2;C2;Beta;2026-02-01;2026-03-01;200,00\n",
        &s,
    );

    let out1 = dir.path().join("out1");
    assert!(
        run_night(&client, "2026-03-02", &out1, &[])
            .status
            .success()
    );
    let m1 = csv_rows(&out1.join("matches.csv"));
    assert_eq!(column_where(&m1, "entry_id", "A", "invoice_id"), ["F-1"]);
    assert!(
        column_where(&m1, "entry_id", "B", "status").is_empty(),
        "B is booked tomorrow"
    );

    let out2 = dir.path().join("out2");
    assert!(
        run_night(&client, "2026-03-03", &out2, &[])
            .status
            .success()
    );
    let m2 = csv_rows(&out2.join("matches.csv"));
    assert_eq!(column_where(&m2, "entry_id", "B", "invoice_id"), ["F-2"]);
    assert!(
        column_where(&m2, "entry_id", "A", "status").is_empty(),
        "A is not matched twice"
    );

    // The bank re-sends statement S1 with an amount changed: not imported.
    fs::write(
        client.join("statements/s1-bis.xml"),
        s.replace("200.00", "210.00"),
    )
    .unwrap();
    let out3 = dir.path().join("out3");
    assert!(
        run_night(&client, "2026-03-04", &out3, &[])
            .status
            .success()
    );
    let a3 = csv_rows(&out3.join("alerts.csv"));
    let msg = column_where(&a3, "kind", "conflicting_statement", "message");
    assert_eq!(msg.len(), 1, "{a3:?}");
    assert!(msg[0].contains("s1-bis.xml"), "{}", msg[0]);
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out3.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["statements"]["conflicting"], 1);
    assert_eq!(summary["payments"]["tried"], 0);
}

/// The rows of `seen_files` in a client's state: (file name, statements).
fn seen_files(client: &Path) -> Vec<(String, i64)> {
    let db = rusqlite::Connection::open(client.join(".pointage/state.sqlite")).unwrap();
    let mut stmt = db
        .prepare("SELECT file_name, statements FROM seen_files ORDER BY file_name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn files_imported_whole_are_not_read_again_and_conflicting_ones_are() {
    let dir = tempfile::tempdir().unwrap();
    let s = camt(
        false,
        "S1",
        1,
        IBAN,
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "100.00")),
        &[Ntry {
            reference: "A",
            date: "2026-03-02",
            code: "RCDT/ESCT",
            amount: "100.00",
            txs: vec![Tx {
                text: Some("F-1"),
                ..tx("100.00")
            }],
        }],
    );
    let client = client_with_statement(
        &dir.path().join("keeper"),
        "F-1;C1;Alpha;2026-02-01;2026-03-01;100,00\n",
        &s,
    );
    let night = |date: &str| {
        let out = dir.path().join(date);
        let o = run_night(&client, date, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let summary: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
        (out, summary)
    };

    let (_, s1) = night("2026-03-02");
    assert_eq!(s1["statements"]["imported"], 1);
    assert_eq!(seen_files(&client), [("s1.xml".to_string(), 1)]);

    // Night 2: s1.xml is known byte for byte; it counts as already
    // imported, as reading it would find, and A is not matched again.
    let (out2, s2) = night("2026-03-03");
    assert_eq!(s2["statements"]["imported"], 0);
    assert_eq!(s2["statements"]["already_imported"], 1);
    assert_eq!(s2["payments"]["tried"], 0);
    assert!(
        column_where(
            &csv_rows(&out2.join("matches.csv")),
            "entry_id",
            "A",
            "status"
        )
        .is_empty()
    );

    // The same name with other bytes is read: here a changed S1, refused;
    // it is not recorded, so it is read again every night (and its alert,
    // raised the first night, stays open).
    fs::write(
        client.join("statements/s1.xml"),
        s.replace("100.00", "110.00"),
    )
    .unwrap();
    for (date, new_alerts) in [("2026-03-04", 1), ("2026-03-05", 0)] {
        let (out, summary) = night(date);
        assert_eq!(summary["statements"]["conflicting"], 1, "{date}");
        let alerts = csv_rows(&out.join("alerts.csv"));
        assert_eq!(
            column_where(&alerts, "kind", "conflicting_statement", "kind").len(),
            new_alerts,
            "{date}: {alerts:?}"
        );
        assert_eq!(seen_files(&client), [("s1.xml".to_string(), 1)], "{date}");
    }
}
