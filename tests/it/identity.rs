//! Transaction and statement identity across statements: a bank reference
//! reused for another payment (a `NtryRef` numbered 1, 2, 3… in every
//! statement, a CFONB reference zone), a day split into two CFONB blocks,
//! undated CFONB blocks. The money of every different payment is matched and
//! its payer is not chased; the same transaction delivered again is still
//! imported once.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, camt, column_where, csv_rows, run_ok};

const IBAN: &str = "FR7630001007941234567890185";

/// Five invoices due 2026-10-01: 53 days overdue on 2026-11-23, the day
/// after a run of 2026-11-20, so each unpaid one gets a formal notice.
const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-2026-0101,C01,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR,,transfer,
F-2026-0102,C02,Beta SAS,2026-09-01,2026-10-01,500.00,500.00,EUR,,transfer,
F-2026-0103,C03,Gamma EURL,2026-09-01,2026-10-01,300.00,300.00,EUR,,transfer,
F-2026-0104,C04,Delta SA,2026-09-01,2026-10-01,1200.00,1200.00,EUR,,transfer,
";

fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    c
}

/// A credit of `amount` from `name` quoting `invoice`, bank reference `r`.
fn paid(
    r: &'static str,
    date: &'static str,
    amount: &'static str,
    name: &'static str,
    invoice: &'static str,
) -> Ntry {
    Ntry {
        reference: r,
        date,
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            name: Some(name),
            text: Some(invoice),
            ..Tx::default()
        }],
    }
}

/// A one-day camt.053 `id` of [`IBAN`] as `client/statements/{file}`.
fn statement(
    client: &Path,
    file: &str,
    id: &str,
    seq: u32,
    date: &str,
    balances: (&str, &str),
    entries: &[Ntry],
) {
    let s = camt(false, id, seq, IBAN, date, date, Some(balances), entries);
    fs::write(client.join("statements").join(file), s).unwrap();
}

fn night(client: &Path, date: &str, out: &Path) -> Vec<Vec<String>> {
    run_ok(client, date, out);
    csv_rows(&out.join("matches.csv"))
}

/// The customers in the night's `dunning.csv`.
fn dunned(out: &Path) -> Vec<String> {
    csv_rows(&out.join("dunning.csv"))
        .into_iter()
        .skip(1)
        .map(|r| r[2].clone())
        .collect()
}

fn alerts_of(out: &Path, kind: &str) -> Vec<String> {
    let alerts = csv_rows(&out.join("alerts.csv"));
    column_where(&alerts, "kind", kind, "amount")
}

fn open_after(out: &Path, invoice: &str) -> Vec<String> {
    let status = csv_rows(&out.join("invoice_status.csv"));
    column_where(&status, "invoice_id", invoice, "open_after")
}

#[test]
fn a_reference_reused_on_another_day_is_another_payment_matched_and_its_payer_not_chased() {
    // The bank numbers its entries 1, 2, 3… in every statement.
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    statement(
        &c,
        "d1.xml",
        "S-1119",
        1,
        "2026-11-19",
        ("0.00", "1000.00"),
        &[paid(
            "1",
            "2026-11-19",
            "1000.00",
            "Alpha SARL",
            "Facture F-2026-0101",
        )],
    );
    // Night 1 knows only Alpha's invoice (the others are exported on night
    // 2, already overdue: unpaid, they get a formal notice that night).
    let first_line = INVOICES.lines().take(2).collect::<Vec<_>>().join("\n");
    fs::write(c.join("invoices.csv"), format!("{first_line}\n")).unwrap();
    night(&c, "2026-11-19", &dir.path().join("out1"));
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    // Day 2: another payment, numbered 1 again.
    statement(
        &c,
        "d2.xml",
        "S-1120",
        2,
        "2026-11-20",
        ("1000.00", "1500.00"),
        &[paid(
            "1",
            "2026-11-20",
            "500.00",
            "Beta SAS",
            "Facture F-2026-0102",
        )],
    );
    let out = dir.path().join("out2");
    let m = night(&c, "2026-11-20", &out);
    assert_eq!(
        column_where(&m, "entry_id", "1~20261120", "invoice_id"),
        ["F-2026-0102"],
        "{m:?}"
    );
    assert_eq!(
        column_where(&m, "entry_id", "1~20261120", "status"),
        ["matched"]
    );
    assert_eq!(open_after(&out, "F-2026-0102"), ["0.00"]);
    assert!(alerts_of(&out, "repeated_transaction").is_empty());
    let dunned = dunned(&out);
    assert!(!dunned.contains(&"C02".to_string()), "{dunned:?}");
    assert!(dunned.contains(&"C03".to_string()), "{dunned:?}");
    // Day 1's payment keeps its id and stays applied once.
    assert_eq!(open_after(&out, "F-2026-0101"), ["0.00"]);

    // Night 3: day 2 reissued under a new statement id (the same payment:
    // not imported again), and day 3 with yet another payment numbered 1.
    statement(
        &c,
        "d2-bis.xml",
        "S-1120-BIS",
        2,
        "2026-11-20",
        ("1000.00", "1500.00"),
        &[paid(
            "1",
            "2026-11-20",
            "500.00",
            "Beta SAS",
            "Facture F-2026-0102",
        )],
    );
    statement(
        &c,
        "d3.xml",
        "S-1121",
        3,
        "2026-11-21",
        ("1500.00", "1800.00"),
        &[paid(
            "1",
            "2026-11-21",
            "300.00",
            "Gamma EURL",
            "Facture F-2026-0103",
        )],
    );
    let out = dir.path().join("out3");
    let m = night(&c, "2026-11-21", &out);
    assert_eq!(
        column_where(&m, "entry_id", "1~20261121", "invoice_id"),
        ["F-2026-0103"],
        "{m:?}"
    );
    assert_eq!(alerts_of(&out, "repeated_transaction"), ["500.00"]);
    assert_eq!(open_after(&out, "F-2026-0102"), ["0.00"]);
    assert!(
        !m.iter()
            .any(|r| r.iter().any(|f| f.starts_with("1~20261120~"))),
        "the reissued payment was imported again: {m:?}"
    );
    assert!(alerts_of(&out, "overpayment").is_empty());
}

#[test]
fn a_transaction_delivered_again_is_imported_once() {
    // An intraday statement, then the end-of-day one repeating its entry
    // under the same reference with one more entry.
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let alpha = paid(
        "1",
        "2026-11-20",
        "1000.00",
        "Alpha SARL",
        "Facture F-2026-0101",
    );
    statement(
        &c,
        "a-intraday.xml",
        "S-1120-AM",
        1,
        "2026-11-20",
        ("0.00", "1000.00"),
        std::slice::from_ref(&alpha),
    );
    statement(
        &c,
        "b-eod.xml",
        "S-1120",
        2,
        "2026-11-20",
        ("0.00", "1500.00"),
        &[
            alpha,
            paid(
                "2",
                "2026-11-20",
                "500.00",
                "Beta SAS",
                "Facture F-2026-0102",
            ),
        ],
    );
    let out = dir.path().join("out");
    let m = night(&c, "2026-11-20", &out);
    assert_eq!(
        column_where(&m, "invoice_id", "F-2026-0101", "entry_id"),
        ["1"],
        "{m:?}"
    );
    assert_eq!(
        column_where(&m, "invoice_id", "F-2026-0102", "entry_id"),
        ["2"]
    );
    assert!(!m.iter().any(|r| r[1].starts_with("1~")), "{m:?}");
    assert_eq!(alerts_of(&out, "repeated_transaction"), ["1000.00"]);
    assert!(alerts_of(&out, "overpayment").is_empty());
    assert!(alerts_of(&out, "unmatched_credit").is_empty());
    let summary = fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"received\": \"1500.00\""), "{summary}");
}

#[test]
fn two_days_reusing_a_reference_in_one_night_are_both_matched_whatever_the_file_names() {
    let ids = |root: &Path, day1: &str, day2: &str| {
        let c = client(root);
        statement(
            &c,
            day1,
            "S-1119",
            1,
            "2026-11-19",
            ("0.00", "1000.00"),
            &[paid(
                "1",
                "2026-11-19",
                "1000.00",
                "Alpha SARL",
                "Facture F-2026-0101",
            )],
        );
        statement(
            &c,
            day2,
            "S-1120",
            2,
            "2026-11-20",
            ("1000.00", "1500.00"),
            &[paid(
                "1",
                "2026-11-20",
                "500.00",
                "Beta SAS",
                "Facture F-2026-0102",
            )],
        );
        let out = root.join("out");
        let m = night(&c, "2026-11-20", &out);
        assert!(!dunned(&out).contains(&"C02".to_string()));
        let mut got: Vec<(String, String)> = m[1..]
            .iter()
            .map(|r| (r[1].clone(), r[9].clone()))
            .collect();
        got.sort();
        got
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let first = ids(a.path(), "d1.xml", "d2.xml");
    assert_eq!(
        first,
        [
            ("1".to_string(), "F-2026-0101".to_string()),
            ("1~20261120".to_string(), "F-2026-0102".to_string())
        ]
    );
    // The same input, again: the same ids.
    assert_eq!(ids(b.path(), "d1.xml", "d2.xml"), first);
    // Day 2's file read first: the earlier day still keeps the reference.
    assert_eq!(ids(c.path(), "b.xml", "a.xml"), first);
}

// ---- CFONB 120 ----

/// A CFONB amount: 13 digits then the signed last digit.
fn amount(units: i64) -> String {
    let m = units.unsigned_abs();
    let last = (m % 10) as u8;
    let ch = match (units < 0, last) {
        (false, 0) => '{',
        (true, 0) => '}',
        (false, d) => (b'A' + d - 1) as char,
        (true, d) => (b'J' + d - 1) as char,
    };
    format!("{:013}{ch}", m / 10)
}

fn balance(code: &str, date: &str, units: i64) -> String {
    let s = format!(
        "{code}30004    00822EUR2 00012345678  {date}{}{}{}",
        " ".repeat(50),
        amount(units),
        " ".repeat(16)
    );
    assert_eq!(s.len(), 120);
    s
}

fn movement(date: &str, units: i64, label: &str, reference: &str) -> String {
    let s = format!(
        "0430004052100822EUR2 0001234567805{date}  {date}{label:<31.31}  000000000{}{reference:<16.16}",
        amount(units)
    );
    assert_eq!(s.len(), 120, "{s}");
    s
}

fn complement(date: &str, info: &str) -> String {
    let s = format!("0530004052100822EUR2 0001234567805{date}     LCC{info:<70.70}  ");
    assert_eq!(s.len(), 120, "{s}");
    s
}

fn cfonb(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

#[test]
fn a_cfonb_day_split_into_two_blocks_is_two_statements_and_both_are_money() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let file = cfonb(&[
        balance("01", "191126", 0),
        movement("201126", 100_000, "VIR SEPA ALPHA SARL", "REF-A"),
        complement("201126", "FACTURE F-2026-0101"),
        balance("07", "201126", 100_000),
        balance("01", "191126", 100_000),
        movement("201126", 50_000, "VIR SEPA BETA SAS", "REF-B"),
        complement("201126", "FACTURE F-2026-0102"),
        balance("07", "201126", 150_000),
    ]);
    fs::write(c.join("statements/r.cfonb"), file).unwrap();
    let out = dir.path().join("out");
    let m = night(&c, "2026-11-20", &out);
    assert_eq!(
        column_where(&m, "entry_id", "REF-B", "statement_id"),
        ["30004-00822-00012345678-20261119-20261120-2"],
        "{m:?}"
    );
    // The first block keeps the id every release gave it.
    assert_eq!(
        column_where(&m, "entry_id", "REF-A", "statement_id"),
        ["30004-00822-00012345678-20261119-20261120"]
    );
    assert_eq!(open_after(&out, "F-2026-0102"), ["0.00"]);
    assert!(alerts_of(&out, "conflicting_statement").is_empty());
    let dunned = dunned(&out);
    assert!(!dunned.contains(&"C02".to_string()), "{dunned:?}");
    assert!(dunned.contains(&"C03".to_string()), "{dunned:?}");
}

#[test]
fn undated_cfonb_blocks_of_two_days_are_two_statements() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    fs::write(
        c.join("statements/r1120.cfonb"),
        cfonb(&[
            balance("01", "000000", 0),
            movement("201126", 100_000, "VIR SEPA ALPHA SARL", "A1"),
            complement("201126", "FACTURE F-2026-0101"),
            balance("07", "000000", 100_000),
        ]),
    )
    .unwrap();
    night(&c, "2026-11-20", &dir.path().join("out1"));
    fs::write(
        c.join("statements/r1123.cfonb"),
        cfonb(&[
            balance("01", "000000", 100_000),
            movement("231126", 50_000, "VIR SEPA BETA SAS", "B1"),
            complement("231126", "FACTURE F-2026-0102"),
            balance("07", "000000", 150_000),
        ]),
    )
    .unwrap();
    let out = dir.path().join("out2");
    let m = night(&c, "2026-11-23", &out);
    assert_eq!(
        column_where(&m, "entry_id", "B1", "invoice_id"),
        ["F-2026-0102"],
        "{m:?}"
    );
    assert_eq!(
        column_where(&m, "entry_id", "B1", "statement_id"),
        ["30004-00822-00012345678-20261123-20261123"]
    );
    assert!(alerts_of(&out, "conflicting_statement").is_empty());
    assert!(!dunned(&out).contains(&"C02".to_string()));
    // The day-1 file read again is the statement already imported.
    let again = dir.path().join("out3");
    night(&c, "2026-11-24", &again);
    assert!(alerts_of(&again, "conflicting_statement").is_empty());
    assert_eq!(open_after(&again, "F-2026-0101"), ["0.00"]);
}

#[test]
fn a_cfonb_reference_reused_on_another_day_is_another_payment() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    fs::write(
        c.join("statements/r1119.cfonb"),
        cfonb(&[
            balance("01", "181126", 0),
            movement("191126", 100_000, "VIR SEPA ALPHA SARL", "000001"),
            complement("191126", "FACTURE F-2026-0101"),
            balance("07", "191126", 100_000),
        ]),
    )
    .unwrap();
    night(&c, "2026-11-19", &dir.path().join("out1"));
    fs::write(
        c.join("statements/r1120.cfonb"),
        cfonb(&[
            balance("01", "191126", 100_000),
            movement("201126", 50_000, "VIR SEPA BETA SAS", "000001"),
            complement("201126", "FACTURE F-2026-0102"),
            balance("07", "201126", 150_000),
        ]),
    )
    .unwrap();
    let out = dir.path().join("out2");
    let m = night(&c, "2026-11-20", &out);
    assert_eq!(
        column_where(&m, "entry_id", "000001~20261120", "invoice_id"),
        ["F-2026-0102"],
        "{m:?}"
    );
    assert!(!dunned(&out).contains(&"C02".to_string()));
}

/// The steps of the night's `dunning.csv`.
fn steps(out: &Path) -> Vec<String> {
    csv_rows(&out.join("dunning.csv"))
        .into_iter()
        .skip(1)
        .map(|r| r[4].clone())
        .collect()
}

#[test]
fn a_conflicting_statement_holds_formal_notices_until_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let first_line = INVOICES.lines().take(2).collect::<Vec<_>>().join("\n");
    fs::write(c.join("invoices.csv"), format!("{first_line}\n")).unwrap();
    let alpha = paid(
        "1",
        "2026-11-19",
        "1000.00",
        "Alpha SARL",
        "Facture F-2026-0101",
    );
    statement(
        &c,
        "d1.xml",
        "S-1119",
        1,
        "2026-11-19",
        ("0.00", "1000.00"),
        std::slice::from_ref(&alpha),
    );
    night(&c, "2026-11-19", &dir.path().join("out1"));
    // Night 2: the same statement id with another payment in it: not
    // imported, so Beta's payment may be in it. Nobody gets a formal notice.
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    statement(
        &c,
        "d1-corrected.xml",
        "S-1119",
        1,
        "2026-11-19",
        ("0.00", "1500.00"),
        &[
            alpha,
            paid(
                "2",
                "2026-11-19",
                "500.00",
                "Beta SAS",
                "Facture F-2026-0102",
            ),
        ],
    );
    let out = dir.path().join("out2");
    night(&c, "2026-11-20", &out);
    assert_eq!(alerts_of(&out, "conflicting_statement").len(), 1);
    let held = steps(&out);
    assert!(
        !held
            .iter()
            .any(|s| s == "formal_notice" || s == "litigation_handover"),
        "{held:?}"
    );
    // A person checked with the bank and clears the account.
    fs::write(
        c.join("decisions.csv"),
        format!("entry_id;invoice_id;decision;amount;note\n{IBAN};;clear_gap;;vu avec la banque\n"),
    )
    .unwrap();
    let out = dir.path().join("out3");
    night(&c, "2026-11-23", &out);
    assert!(
        steps(&out).contains(&"formal_notice".to_string()),
        "{:?}",
        steps(&out)
    );
}

#[test]
fn a_conflicting_statement_cleared_in_client_toml_releases_formal_notices() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path());
    let alpha = paid(
        "1",
        "2026-11-19",
        "1000.00",
        "Alpha SARL",
        "Facture F-2026-0101",
    );
    let one = |file: &str, closing: &str, entries: &[Ntry]| {
        statement(
            &c,
            file,
            "S-1119",
            1,
            "2026-11-19",
            ("0.00", closing),
            entries,
        );
    };
    one("d1.xml", "1000.00", std::slice::from_ref(&alpha));
    let first_line = INVOICES.lines().take(2).collect::<Vec<_>>().join("\n");
    fs::write(c.join("invoices.csv"), format!("{first_line}\n")).unwrap();
    night(&c, "2026-11-19", &dir.path().join("out1"));
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    one(
        "d1-corrected.xml",
        "1500.00",
        &[
            alpha,
            paid(
                "2",
                "2026-11-19",
                "500.00",
                "Beta SAS",
                "Facture F-2026-0102",
            ),
        ],
    );
    // Raised tonight, it holds tonight; cleared the next night, it no
    // longer holds (a value there from tonight would clear it tonight:
    // cleared_gaps tests).
    let out = dir.path().join("out2");
    night(&c, "2026-11-20", &out);
    assert_eq!(alerts_of(&out, "conflicting_statement").len(), 1);
    assert!(!steps(&out).contains(&"formal_notice".to_string()));
    fs::write(
        c.join("client.toml"),
        format!("[dunning]\ncleared_gaps = [\"{IBAN}\"]\n"),
    )
    .unwrap();
    let out = dir.path().join("out3");
    night(&c, "2026-11-23", &out);
    let open = csv_rows(&out.join("open_items.csv"));
    assert!(
        open[1..].iter().all(|r| r[0] != "conflicting_statement"),
        "{open:?}"
    );
    assert!(
        steps(&out).contains(&"formal_notice".to_string()),
        "{:?}",
        steps(&out)
    );
}
