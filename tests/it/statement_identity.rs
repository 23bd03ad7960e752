//! Which statement a file's statement is, across files and formats
//! (review 21 #4, #6, #9, #10): a CFONB day in two files, the same day as
//! camt.053 and CFONB 120, a CFONB period file over daily files, and a
//! camt.052 report re-sent as the day grows.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, camt, csv_rows, run_ok};

pub(crate) const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-1001,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,
F-1002,C2,Beta SAS,2026-10-01,2026-10-31,750.00,750.00,EUR,,transfer,
F-1004,C4,Delta SARL,2026-10-01,2026-10-31,480.00,480.00,EUR,,transfer,
";

/// The IBAN of CFONB account 30006 00001 12345678901.
pub(crate) const IBAN: &str = "FR7630006000011234567890189";

pub(crate) fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    c
}

/// A CFONB amount of `cents` (sign in the last character).
pub(crate) fn amount(cents: i64) -> String {
    let s = format!("{:014}", cents.abs());
    let last = usize::from(s.as_bytes()[13] - b'0');
    let letters: Vec<char> = if cents < 0 {
        "}JKLMNOPQR"
    } else {
        "{ABCDEFGHI"
    }
    .chars()
    .collect();
    format!("{}{}", &s[..13], letters[last])
}

/// A 01 (or 07) balance record of the account on `date` (`DDMMYY`).
pub(crate) fn balance(code: &str, date: &str, cents: i64) -> String {
    format!(
        "{code}30006    00001EUR2 12345678901  {date}{}{}{}",
        " ".repeat(50),
        amount(cents),
        " ".repeat(16)
    )
}

/// A 04 credit transfer of `cents` on `date`, and its 05 `LCC` label.
pub(crate) fn credit(date: &str, cents: i64, label: &str, text: &str) -> [String; 2] {
    [
        format!(
            "0430006000100001EUR2 1234567890105{date}  {date}{label:<31}  000000000{}{:16}",
            amount(cents),
            ""
        ),
        format!("0530006000100001EUR2 1234567890105{date}     LCC{text:<70}  "),
    ]
}

/// One 01…07 block from `from` to `to`.
pub(crate) fn block(
    from: &str,
    open: i64,
    moves: &[[String; 2]],
    to: &str,
    close: i64,
) -> Vec<String> {
    let mut out = vec![balance("01", from, open)];
    out.extend(moves.iter().flatten().cloned());
    out.push(balance("07", to, close));
    out
}

pub(crate) fn write(client: &Path, name: &str, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    std::fs::write(client.join("statements").join(name), text).unwrap();
}

pub(crate) fn night(client: &Path, root: &Path, date: &str) -> PathBuf {
    let out = root.join("out").join(date);
    run_ok(client, date, &out);
    out
}

/// The `kind` column of an alerts CSV.
pub(crate) fn kinds(out: &Path, file: &str) -> Vec<String> {
    csv_rows(&out.join(file))[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect()
}

/// The (invoice, applied) rows of matches.csv that applied money.
pub(crate) fn applied(out: &Path) -> Vec<(String, String)> {
    let rows = csv_rows(&out.join("matches.csv"));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    let (inv, amt) = (col("invoice_id"), col("applied_amount"));
    rows[1..]
        .iter()
        .filter(|r| !r[inv].is_empty())
        .map(|r| (r[inv].clone(), r[amt].clone()))
        .collect()
}

pub(crate) fn received(out: &Path) -> String {
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    s["currencies"]["EUR"]["received"]
        .as_str()
        .unwrap_or("none")
        .to_string()
}

/// The invoices dunning.csv chases.
pub(crate) fn chased(out: &Path) -> String {
    std::fs::read_to_string(out.join("dunning.csv")).unwrap()
}

pub(crate) fn alpha() -> [String; 2] {
    credit("181126", 100_000, "VIR SEPA ALPHA SARL", "FACTURE F-1001")
}

pub(crate) fn beta() -> [String; 2] {
    credit("181126", 75_000, "VIR SEPA BETA SAS", "FACTURE F-1002")
}

#[test]
fn a_cfonb_day_in_two_files_is_two_statements_and_each_again_is_a_duplicate() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let morning = block("171126", 0, &[alpha()], "181126", 100_000);
    let afternoon = block("171126", 100_000, &[beta()], "181126", 175_000);
    write(&c, "b.txt", &morning);
    write(&c, "c.txt", &afternoon);
    let out = night(&c, root.path(), "2026-11-19");
    // The afternoon's 750.00 is Beta's payment: imported, matched, not chased.
    assert_eq!(
        applied(&out),
        [
            ("F-1001".into(), "1000.00".into()),
            ("F-1002".into(), "750.00".into())
        ]
    );
    assert_eq!(kinds(&out, "alerts.csv"), Vec::<String>::new());
    assert!(!chased(&out).contains("F-1002"), "{}", chased(&out));
    assert_eq!(received(&out), "1750.00");

    // Both blocks delivered again in one file, and the afternoon alone under
    // another name: nothing imported twice.
    let both: Vec<String> = morning.iter().chain(&afternoon).cloned().collect();
    write(&c, "d.txt", &both);
    write(&c, "e.txt", &afternoon);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), Vec::<(String, String)>::new());
    assert_eq!(
        kinds(&out, "alerts.csv"),
        ["duplicate_statement"; 3].map(String::from)
    );
    assert_eq!(received(&out), "none");

    // The morning corrected by the bank (the same opening, another amount):
    // not another block but that block changed, as for any statement.
    let corrected = block(
        "171126",
        0,
        &[credit("181126", 48_000, "VIR SEPA DELTA", "F-1004")],
        "181126",
        48_000,
    );
    write(&c, "f.txt", &corrected);
    let out = night(&c, root.path(), "2026-11-23");
    assert_eq!(kinds(&out, "alerts.csv"), ["conflicting_statement"]);
    assert_eq!(applied(&out), Vec::<(String, String)>::new());
}

#[test]
fn a_cfonb_afternoon_block_then_its_morning_is_one_chained_day() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(
        &c,
        "c.txt",
        &block("171126", 100_000, &[beta()], "181126", 175_000),
    );
    night(&c, root.path(), "2026-11-19");
    write(
        &c,
        "b.txt",
        &block("171126", 0, &[alpha()], "181126", 100_000),
    );
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), [("F-1001".into(), "1000.00".into())]);
    assert_eq!(kinds(&out, "open_items.csv"), Vec::<String>::new());
    assert!(!chased(&out).contains("F-1001"), "{}", chased(&out));
    assert_eq!(received(&out), "1000.00");
}

#[test]
fn a_cfonb_morning_block_without_movement_then_the_days_block_brings_its_money() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "am.txt", &block("171126", 0, &[], "181126", 0));
    night(&c, root.path(), "2026-11-19");
    write(
        &c,
        "pm.txt",
        &block("171126", 0, &[alpha()], "181126", 100_000),
    );
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), [("F-1001".into(), "1000.00".into())]);
    assert_eq!(kinds(&out, "alerts.csv"), Vec::<String>::new());
    assert_eq!(received(&out), "1000.00");
}

/// The camt.053 of 18/11 of the CFONB account: Alpha's 1000.00, and Beta's
/// 750.00 when `with_beta`.
fn camt_day(with_beta: bool) -> String {
    let mut entries = vec![Ntry {
        reference: "2026111800042",
        date: "2026-11-18",
        code: "RCDT/ESCT",
        amount: "1000.00",
        txs: vec![Tx {
            amount: "1000.00",
            e2e: Some("E2E-A"),
            name: Some("ALPHA SARL"),
            text: Some("FACTURE F-1001"),
            ..Tx::default()
        }],
    }];
    if with_beta {
        entries.push(crate::support::paying(
            "2026111800043",
            "2026-11-18",
            "750.00",
            "FACTURE F-1002",
        ));
    }
    let close = if with_beta { "1750.00" } else { "1000.00" };
    camt(
        false,
        "2026111800001",
        322,
        IBAN,
        "2026-11-17",
        "2026-11-18",
        Some(("0.00", close)),
        &entries,
    )
}

#[test]
fn the_same_day_as_camt053_and_cfonb_is_counted_once() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    std::fs::write(c.join("statements/releve.xml"), camt_day(false)).unwrap();
    write(
        &c,
        "releve.cfo",
        &block("171126", 0, &[alpha()], "181126", 100_000),
    );
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(applied(&out), [("F-1001".into(), "1000.00".into())]);
    assert_eq!(kinds(&out, "alerts.csv"), ["duplicate_statement"]);
    let alerts = std::fs::read_to_string(out.join("alerts.csv")).unwrap();
    assert!(
        alerts.contains("repeats statement 2026111800001"),
        "{alerts}"
    );
    assert_eq!(received(&out), "1000.00");
}

#[test]
fn a_statement_partly_repeating_another_format_waits_for_a_person() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    std::fs::write(c.join("statements/releve.xml"), camt_day(false)).unwrap();
    // The CFONB of that day shows Alpha's payment and another one: the same
    // day, but not the same statement.
    let delta = credit("181126", 48_000, "VIR SEPA DELTA", "F-1004");
    write(
        &c,
        "releve.cfo",
        &block("171126", 0, &[alpha(), delta], "181126", 148_000),
    );
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(applied(&out), [("F-1001".into(), "1000.00".into())]);
    assert_eq!(kinds(&out, "alerts.csv"), ["conflicting_statement"]);
    let alerts = std::fs::read_to_string(out.join("alerts.csv")).unwrap();
    assert!(alerts.contains("= 2026111800042), while"), "{alerts}");
    assert_eq!(received(&out), "1000.00");
}

#[test]
fn a_cfonb_period_file_over_daily_files_breaks_no_chain() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let m17 = credit("171126", 100_000, "VIR SEPA ALPHA SARL", "FACTURE F-1001");
    let m18 = credit("181126", 75_000, "VIR SEPA BETA SAS", "F-1002");
    write(
        &c,
        "d17.txt",
        &block("161126", 0, std::slice::from_ref(&m17), "171126", 100_000),
    );
    night(&c, root.path(), "2026-11-17");
    let d18 = block(
        "171126",
        100_000,
        std::slice::from_ref(&m18),
        "181126",
        175_000,
    );
    write(&c, "d18.txt", &d18);
    night(&c, root.path(), "2026-11-18");
    write(
        &c,
        "month.txt",
        &block("161126", 0, &[m17, m18], "181126", 175_000),
    );
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(kinds(&out, "alerts.csv"), ["repeated_transaction"]);
    assert!(!kinds(&out, "open_items.csv").contains(&"sequence_gap".to_string()));
    assert_eq!(received(&out), "none");
}

/// A camt.052 intraday report `INTRADAY-20261118` with these entries.
pub(crate) fn report(entries: &[(&str, &str, &str, &str)]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.08\"><BkToCstmrAcctRpt>\n<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-18T14:00:00</CreDtTm></GrpHdr>\n<Rpt><Id>INTRADAY-20261118</Id><CreDtTm>2026-11-18T14:00:00</CreDtTm>\n",
    );
    x.push_str(&format!(
        "<Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
    ));
    for (r, a, e2e, text) in entries {
        x.push_str(&format!(
            "<Ntry><NtryRef>{r}</NtryRef><Amt Ccy=\"EUR\">{a}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-18</Dt></BookgDt><AcctSvcrRef>{r}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
        ));
    }
    x.push_str("</Rpt></BkToCstmrAcctRpt></Document>\n");
    x
}

#[test]
fn a_camt052_report_resent_as_the_day_grows_brings_its_new_entries() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let alpha = ("R1", "1000.00", "E1", "F-1001");
    let beta = ("R2", "750.00", "E2", "F-1002");
    std::fs::write(c.join("statements/rpt_1000.xml"), report(&[alpha])).unwrap();
    std::fs::write(c.join("statements/rpt_1400.xml"), report(&[alpha, beta])).unwrap();
    let out = night(&c, root.path(), "2026-11-18");
    assert_eq!(
        applied(&out),
        [
            ("F-1001".into(), "1000.00".into()),
            ("F-1002".into(), "750.00".into())
        ]
    );
    assert!(!kinds(&out, "alerts.csv").contains(&"conflicting_statement".to_string()));
    assert!(!chased(&out).contains("F-1002"), "{}", chased(&out));
    assert_eq!(received(&out), "1750.00");
    // A later report that changes an entry is a conflict, as before.
    let changed = ("R2", "700.00", "E2", "F-1002");
    std::fs::write(c.join("statements/rpt_1800.xml"), report(&[alpha, changed])).unwrap();
    let out = night(&c, root.path(), "2026-11-19");
    assert!(kinds(&out, "alerts.csv").contains(&"conflicting_statement".to_string()));
    assert_eq!(applied(&out), Vec::<(String, String)>::new());
}
