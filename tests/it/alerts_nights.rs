//! What a client's files say about money and alerts across nights: money
//! carried over from an earlier night is not received again, and an alert
//! that stays open tells tonight's amount, not the one of its first night.

use std::fs;
use std::path::Path;

use crate::support::{Ntry, Tx, camt, column_where, csv_rows, run_night};

const IBAN: &str = "FR7630001007941234567890185";
const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

fn credit(
    reference: &'static str,
    amount: &'static str,
    name: &'static str,
    text: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date: "2026-03-02",
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

/// Writes invoices.csv (rows after the header) and, when given, statement S1.
fn prepare(client: &Path, invoices: &str, statement: Option<&[Ntry]>) {
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(client.join("invoices.csv"), format!("{HEADER}{invoices}")).unwrap();
    if let Some(entries) = statement {
        let s1 = camt(
            false,
            "S1",
            1,
            IBAN,
            "2026-03-02",
            "2026-03-02",
            None,
            entries,
        );
        fs::write(client.join("statements/2026-03-02.xml"), s1).unwrap();
    }
}

fn night(client: &Path, date: &str, out: &Path) {
    let o = run_night(client, date, out, &[]);
    assert!(
        o.status.success(),
        "night {date}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn money_of_an_earlier_night_is_carried_over_not_received_again() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("carry");
    let outs: Vec<_> = (1..=3)
        .map(|n| dir.path().join(format!("out{n}")))
        .collect();

    // Night 1: the bank brings 750: 500 pays F-100 by its reference, 250
    // quotes F-400, which the ERP has not exported yet.
    prepare(
        &client,
        "F-100;C1;Alpha SARL;2026-02-01;2026-03-01;500,00;500,00;EUR;RF92F100;transfer;\n",
        Some(&[
            credit("R1", "250.00", "Delta", "FACT F-400"),
            Ntry {
                txs: vec![Tx {
                    amount: "500.00",
                    name: Some("Alpha SARL"),
                    rf: Some("RF92F100"),
                    ..Tx::default()
                }],
                ..credit("R2", "500.00", "Alpha SARL", "")
            },
        ]),
    );
    night(&client, "2026-03-02", &outs[0]);
    // Night 2: no statement; the ERP booked F-100.
    prepare(
        &client,
        "F-100;C1;Alpha SARL;2026-02-01;2026-03-01;500,00;0,00;EUR;RF92F100;transfer;\n",
        None,
    );
    night(&client, "2026-03-03", &outs[1]);
    // Night 3: still no statement; F-400 appears and the 250 pays it.
    prepare(
        &client,
        "F-100;C1;Alpha SARL;2026-02-01;2026-03-01;500,00;0,00;EUR;RF92F100;transfer;\n\
F-400;C4;Delta;2026-02-20;2026-03-20;250,00;250,00;EUR;;transfer;\n",
        None,
    );
    night(&client, "2026-03-04", &outs[2]);

    let s: Vec<_> = outs.iter().map(|o| json(&o.join("summary.json"))).collect();
    let eur = |n: usize, field: &str| s[n]["currencies"]["EUR"][field].clone();
    // The bank brought 750 once, on night 1.
    assert_eq!(eur(0, "received"), "750.00");
    assert_eq!(eur(0, "carried_over"), "0.00");
    assert_eq!(eur(1, "received"), "0.00");
    assert_eq!(eur(1, "carried_over"), "250.00");
    assert_eq!(eur(2, "received"), "0.00");
    assert_eq!(eur(2, "carried_over"), "250.00");
    assert_eq!(eur(2, "applied"), "250.00");

    // Counts are of tonight's bank credits; the old money is counted apart.
    assert_eq!(s[0]["payments"]["tried"], 2);
    assert_eq!(s[0]["payments"]["matched"], 1);
    assert_eq!(s[1]["payments"]["tried"], 0);
    // The 250 still waits for a person.
    assert_eq!(s[1]["payments"]["unexplained"], 1);
    assert_eq!(s[1]["payments"]["carried_over"], 1);
    assert_eq!(s[2]["payments"]["tried"], 0);
    assert_eq!(s[2]["payments"]["matched"], 0);
    assert_eq!(s[2]["payments"]["carried_over_matched"], 1);

    // No bank data on night 2: no match rate of 0 %, no transactions.
    let k2 = json(&outs[1].join("kpis.json"));
    assert_eq!(k2["payments_tried"], 0);
    assert_eq!(k2["match_rate"], serde_json::Value::Null);
    assert_eq!(k2["payments_carried_over"], 1);
    let k1 = json(&outs[0].join("kpis.json"));
    assert_eq!(k1["match_rate"], "50");
    let html = fs::read_to_string(outs[1].join("report.html")).unwrap();
    assert!(
        html.contains("aucun paiement"),
        "no match rate without bank credits"
    );
    // The 250 still waits for a person on night 2, and is matched on night 3.
    let u2 = csv_rows(&outs[1].join("unmatched.csv"));
    assert_eq!(column_where(&u2, "entry_id", "R1", "amount"), ["250.00"]);
    let m3 = csv_rows(&outs[2].join("matches.csv"));
    assert_eq!(column_where(&m3, "entry_id", "R1", "invoice_id"), ["F-400"]);
}

#[test]
fn an_open_alert_tells_tonight_amount_and_keeps_its_first_night() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("lump");
    let (o1, o2) = (dir.path().join("out1"), dir.path().join("out2"));
    let invoices = "F-30;C3;Gamma SA;2026-02-01;2026-04-01;1000,00;1000,00;EUR;;transfer;\n";
    // Night 1: a lump of 2 520 nobody explains.
    prepare(
        &client,
        invoices,
        Some(&[credit("LUMP1", "2520.00", "Unknown Co", "VIREMENT")]),
    );
    night(&client, "2026-03-02", &o1);
    let open1 = csv_rows(&o1.join("open_items.csv"));
    assert_eq!(
        column_where(&open1, "entry_id", "LUMP1", "amount"),
        ["2520.00"]
    );

    // Night 2: a person assigns 1 000 of it to F-30; 1 520 still waits.
    fs::write(
        client.join("decisions.csv"),
        "entry_id;invoice_id;decision;amount;note\nLUMP1;F-30;assign;1000,00;part of the lump\n",
    )
    .unwrap();
    night(&client, "2026-03-03", &o2);
    let unmatched = csv_rows(&o2.join("unmatched.csv"));
    assert_eq!(
        column_where(&unmatched, "entry_id", "LUMP1", "amount"),
        ["1520.00"]
    );
    // open_items.csv agrees with unmatched.csv, and the alert is still the
    // one raised on night 1 (not new tonight).
    let open2 = csv_rows(&o2.join("open_items.csv"));
    assert_eq!(
        column_where(&open2, "entry_id", "LUMP1", "amount"),
        ["1520.00"]
    );
    let message = column_where(&open2, "entry_id", "LUMP1", "message");
    assert!(
        message[0].starts_with("1520.00 from Unknown Co"),
        "{message:?}"
    );
    assert_eq!(
        column_where(&open2, "entry_id", "LUMP1", "first_raised"),
        ["2026-03-02"]
    );
    let new2 = csv_rows(&o2.join("alerts.csv"));
    assert!(
        column_where(&new2, "entry_id", "LUMP1", "kind").is_empty(),
        "not new again: {new2:?}"
    );
    let html = fs::read_to_string(o2.join("report.html")).unwrap();
    assert!(
        !html.contains("2520.00 from"),
        "the report shows tonight's message"
    );
}

fn statement_file(client: &Path, name: &str, id: &str, seq: u32, day: &str, entries: &[Ntry]) {
    let s = camt(false, id, seq, IBAN, day, day, None, entries);
    fs::write(client.join("statements").join(name), s).unwrap();
}

#[test]
fn a_gap_cleared_with_the_iban_written_in_groups_is_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("gap");
    prepare(
        &client,
        "F-30;C3;Gamma SA;2026-02-01;2026-04-01;1000,00;1000,00;EUR;;transfer;\n",
        None,
    );
    // Statements 1 and 3: number 2 is missing.
    statement_file(&client, "s1.xml", "S1", 1, "2026-03-02", &[]);
    statement_file(&client, "s3.xml", "S3", 3, "2026-03-03", &[]);
    let o1 = dir.path().join("out1");
    night(&client, "2026-03-03", &o1);
    let open1 = csv_rows(&o1.join("open_items.csv"));
    assert_eq!(
        open1[1..].iter().filter(|r| r[0] == "sequence_gap").count(),
        1,
        "{open1:?}"
    );

    // A person clears the account, writing the IBAN as it is printed.
    fs::write(
        client.join("client.toml"),
        "[dunning]\ncleared_gaps = [\"fr76 3000 1007 9412 3456 7890 185\"]\n",
    )
    .unwrap();
    let o2 = dir.path().join("out2");
    night(&client, "2026-03-04", &o2);
    let open2 = csv_rows(&o2.join("open_items.csv"));
    assert!(
        open2[1..].iter().all(|r| r[0] != "sequence_gap"),
        "{open2:?}"
    );

    // A part of the number would have cleared every account: refused, named.
    fs::write(
        client.join("client.toml"),
        "[dunning]\ncleared_gaps = [\"FR76\"]\n",
    )
    .unwrap();
    let o = run_night(&client, "2026-03-05", &dir.path().join("out3"), &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("client.toml") && err.contains("cleared_gaps"),
        "{err}"
    );
}

#[test]
fn a_return_of_a_collection_pointage_never_saw_counts_as_a_return() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("ret");
    prepare(
        &client,
        "F-30;C3;Gamma SA;2026-02-01;2026-04-01;1000,00;1000,00;EUR;;direct_debit;M-3\n",
        Some(&[Ntry {
            reference: "RET1",
            date: "2026-03-02",
            code: "IDDT/UPDD",
            amount: "-1100.00",
            txs: vec![Tx {
                amount: "-1100.00",
                e2e: Some("E2E-NEVER-SEEN"),
                mandate: Some("M-3"),
                reason: Some("AM04"),
                ..Tx::default()
            }],
        }]),
    );
    let out = dir.path().join("out");
    night(&client, "2026-03-02", &out);
    let summary = json(&out.join("summary.json"));
    assert_eq!(
        summary["debits_by_kind"]["direct_debit_returned"]["EUR"]["count"],
        1
    );
    let kpis = json(&out.join("kpis.json"));
    assert_eq!(kpis["returns"], 1, "{kpis}");
}

#[test]
fn an_overpayment_stays_one_alert_with_its_customer_across_nights() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("over");
    let (o1, o2) = (dir.path().join("out1"), dir.path().join("out2"));
    // Night 1: F-100 (500) is paid 550 by its reference.
    prepare(
        &client,
        "F-100;C1;Alpha SARL;2026-02-01;2026-03-01;500,00;500,00;EUR;RF92F100;transfer;\n",
        Some(&[Ntry {
            txs: vec![Tx {
                amount: "550.00",
                name: Some("Alpha SARL"),
                rf: Some("RF92F100"),
                ..Tx::default()
            }],
            ..credit("R1", "550.00", "Alpha SARL", "")
        }]),
    );
    night(&client, "2026-03-02", &o1);
    let new1 = csv_rows(&o1.join("alerts.csv"));
    assert_eq!(
        column_where(&new1, "entry_id", "R1", "kind"),
        ["overpayment"]
    );
    assert_eq!(column_where(&new1, "entry_id", "R1", "amount"), ["50.00"]);
    assert_eq!(column_where(&new1, "entry_id", "R1", "customer_id"), ["C1"]);
    assert_eq!(
        column_where(&new1, "entry_id", "R1", "invoice_id"),
        ["F-100"]
    );

    // Night 2: no statement; the ERP booked F-100. The 50 is still the
    // overpayment raised on night 1, not new unexplained money.
    prepare(
        &client,
        "F-100;C1;Alpha SARL;2026-02-01;2026-03-01;500,00;0,00;EUR;RF92F100;transfer;\n",
        None,
    );
    night(&client, "2026-03-03", &o2);
    let new2 = csv_rows(&o2.join("alerts.csv"));
    assert!(
        column_where(&new2, "entry_id", "R1", "kind").is_empty(),
        "the same money is not alerted again: {new2:?}"
    );
    let open2 = csv_rows(&o2.join("open_items.csv"));
    assert_eq!(
        column_where(&open2, "entry_id", "R1", "kind"),
        ["overpayment"]
    );
    assert_eq!(column_where(&open2, "entry_id", "R1", "amount"), ["50.00"]);
    assert_eq!(
        column_where(&open2, "entry_id", "R1", "customer_id"),
        ["C1"]
    );
    assert_eq!(
        column_where(&open2, "entry_id", "R1", "invoice_id"),
        ["F-100"]
    );
    assert_eq!(
        column_where(&open2, "entry_id", "R1", "first_raised"),
        ["2026-03-02"]
    );
}
