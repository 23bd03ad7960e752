//! Money in another currency than its statement's (a multi-currency account:
//! a camt without `Acct/Ccy`, a camt.054, a CFONB 04 in USD inside an EUR
//! 01…07 block) keeps its own currency: it pays an invoice of that currency
//! and never one of the statement's, and every output shows it as it is.
//! Amounts with more decimals than their currency has are never applied
//! automatically.

use std::path::{Path, PathBuf};

use crate::support::{column_where, csv_rows, pointage, run_ok};

/// An EUR invoice of 1000.00 (Alpha) and a USD invoice of 1200.00 (Delta).
const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n\
F-2026-0101,C01,Alpha SARL,2026-09-01,2026-10-01,1000.00,1000.00,EUR\n\
F-2026-0104,C04,Delta SA,2026-09-01,2026-10-01,1200.00,1200.00,USD\n";

const IBAN: &str = "FR7630004000031234567890143";

/// A client folder with [`INVOICES`] and one statement file.
fn client(root: &Path, file: &str, body: &str) -> PathBuf {
    let c = root.join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    std::fs::write(c.join("statements").join(file), body).unwrap();
    c
}

/// A credit entry of `amount` in `ccy`, remittance `text`.
fn ntry(reference: &str, amount: &str, ccy: &str, name: &str, text: &str) -> String {
    format!(
        "<Ntry><NtryRef>{reference}</NtryRef><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><ValDt><Dt>2026-11-20</Dt></ValDt>\
<AcctSvcrRef>{reference}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )
}

/// A camt.053 of a multi-currency account: no `Acct/Ccy`, balances in EUR
/// (`open`, `close`), these entries.
fn camt053(open: &str, close: &str, entries: &[String]) -> String {
    let bal = |code: &str, amt: &str| {
        format!(
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amt}</Amt>\
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>\n"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n\
<BkToCstmrStmt>\n<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T20:00:00</CreDtTm></GrpHdr>\n\
<Stmt><Id>S1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2026-11-20T20:00:00</CreDtTm>\n\
<Acct><Id><IBAN>{IBAN}</IBAN></Id></Acct>\n{}{}{}</Stmt>\n</BkToCstmrStmt>\n</Document>\n",
        bal("OPBD", open),
        bal("CLBD", close),
        entries.concat()
    )
}

/// CFONB signed amount: 13 digits then the letter carrying the last digit
/// and the sign (credits only here).
fn cf_amount(cents: u64) -> String {
    let last = cents % 10;
    let ch = if last == 0 {
        '{'
    } else {
        char::from(b'A' + u8::try_from(last - 1).unwrap())
    };
    format!("{:013}{ch}", cents / 10)
}

/// A 01 or 07 of cols 17-20 `ccy_dec` (currency and decimals).
fn cf_balance(code: &str, ccy_dec: &str, date: &str, cents: u64) -> String {
    let s = format!(
        "{code}30004    00822{ccy_dec} 00012345678  {date}{}{}{}",
        " ".repeat(50),
        cf_amount(cents),
        " ".repeat(16)
    );
    assert_eq!(s.len(), 120);
    s
}

/// A 04 credit of cols 17-20 `ccy_dec` (currency and decimals) and its 05
/// `LCC` complement `text`.
fn cf_movement(ccy_dec: &str, cents: u64, label: &str, reference: &str, text: &str) -> String {
    let m = format!(
        "0430004052100822{ccy_dec} 0001234567805201126  201126{label:<31}  000000000{}{reference:<16}",
        cf_amount(cents)
    );
    let c = format!("0530004052100822{ccy_dec} 0001234567805201126     LCC{text:<70}  ");
    assert_eq!((m.len(), c.len()), (120, 120));
    format!("{m}\r\n{c}")
}

/// `pointage parse FILE`: the CSV rows.
fn parse_rows(file: &Path) -> Vec<Vec<String>> {
    let o = pointage().arg("parse").arg(file).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(o.stdout.as_slice());
    rd.records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// What a user checks after the night: the USD payment of the USD invoice
/// paid it, the USD payment quoting the EUR invoice paid nothing, the EUR
/// invoice stays open (and is still chased), the USD one is not chased, and
/// every output says USD.
fn assert_usd_stays_usd(statement: &Path, out: &Path, usd_paying_eur: &str, usd_paying_usd: &str) {
    let m = csv_rows(&out.join("matches.csv"));
    assert_eq!(
        column_where(&m, "entry_id", usd_paying_usd, "invoice_id"),
        ["F-2026-0104"]
    );
    assert_eq!(
        column_where(&m, "entry_id", usd_paying_usd, "status"),
        ["matched"]
    );
    assert_eq!(
        column_where(&m, "entry_id", usd_paying_usd, "currency"),
        ["USD"]
    );
    assert_eq!(
        column_where(&m, "entry_id", usd_paying_eur, "status"),
        ["unapplied"],
        "{m:?}"
    );
    assert_eq!(
        column_where(&m, "entry_id", usd_paying_eur, "currency"),
        ["USD"]
    );
    assert!(column_where(&m, "invoice_id", "F-2026-0101", "status").is_empty());

    let st = csv_rows(&out.join("invoice_status.csv"));
    assert_eq!(
        column_where(&st, "invoice_id", "F-2026-0101", "status"),
        ["open"]
    );
    assert_eq!(
        column_where(&st, "invoice_id", "F-2026-0101", "applied"),
        ["0.00"]
    );
    assert_eq!(
        column_where(&st, "invoice_id", "F-2026-0104", "status"),
        ["paid"]
    );

    let u = csv_rows(&out.join("unmatched.csv"));
    assert_eq!(
        column_where(&u, "entry_id", usd_paying_eur, "currency"),
        ["USD"]
    );
    let a = csv_rows(&out.join("alerts.csv"));
    assert_eq!(
        column_where(&a, "entry_id", usd_paying_eur, "currency"),
        ["USD"]
    );
    assert!(
        !a.iter().any(|r| r[0] == "balance_mismatch"),
        "USD money is not added to EUR balances: {a:?}"
    );

    let d = csv_rows(&out.join("dunning.csv"));
    assert!(
        column_where(&d, "customer_id", "C04", "invoice_ids").is_empty(),
        "Delta paid its USD invoice: {d:?}"
    );
    // Alpha's EUR invoice, which the USD money quotes, is never paid by it,
    // but Alpha may well have paid it: not chased while that money waits
    // for a person (suggestion_hold_days), as an invoice in a suggestion.
    assert!(
        column_where(&d, "customer_id", "C01", "invoice_ids").is_empty(),
        "{d:?}"
    );

    let p = parse_rows(statement);
    for id in [usd_paying_eur, usd_paying_usd] {
        assert_eq!(column_where(&p, "entry_id", id, "currency"), ["USD"]);
    }
}

#[test]
fn camt053_usd_entry_in_an_eur_statement_pays_the_usd_invoice_never_the_eur_one() {
    let tmp = tempfile::tempdir().unwrap();
    let body = camt053(
        "0.00",
        "0.00",
        &[
            ntry("U-1", "1000.00", "USD", "Alpha SARL", "Facture F-2026-0101"),
            ntry("U-2", "1200.00", "USD", "Delta SA", "Facture F-2026-0104"),
        ],
    );
    let c = client(tmp.path(), "s1.xml", &body);
    let out = tmp.path().join("out");
    run_ok(&c, "2026-11-20", &out);
    assert_usd_stays_usd(&c.join("statements/s1.xml"), &out, "U-1", "U-2");
}

#[test]
fn camt053_eur_and_usd_entries_each_count_in_their_own_currency() {
    // Balances in EUR move by the EUR entry only: the statement closes.
    let tmp = tempfile::tempdir().unwrap();
    let body = camt053(
        "0.00",
        "500.00",
        &[
            ntry("E-1", "500.00", "EUR", "Alpha SARL", "Acompte"),
            ntry("U-1", "1000.00", "USD", "Alpha SARL", "Facture F-2026-0101"),
            ntry("U-2", "1200.00", "USD", "Delta SA", "Facture F-2026-0104"),
        ],
    );
    let c = client(tmp.path(), "s1.xml", &body);
    let out = tmp.path().join("out");
    run_ok(&c, "2026-11-20", &out);
    assert_usd_stays_usd(&c.join("statements/s1.xml"), &out, "U-1", "U-2");
    let m = csv_rows(&out.join("matches.csv"));
    assert_eq!(column_where(&m, "entry_id", "E-1", "currency"), ["EUR"]);
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["currencies"]["EUR"]["received"], "500.00");
    assert_eq!(v["currencies"]["USD"]["received"], "2200.00");
}

#[test]
fn cfonb_usd_movement_in_an_eur_block_pays_the_usd_invoice_never_the_eur_one() {
    let tmp = tempfile::tempdir().unwrap();
    let body = [
        cf_balance("01", "EUR2", "191126", 0),
        cf_movement(
            "USD2",
            120_000,
            "VIR SEPA DELTA SA",
            "REF-D",
            "FACTURE F-2026-0104",
        ),
        cf_movement(
            "USD2",
            100_000,
            "VIR SEPA ALPHA",
            "REF-A2",
            "FACTURE F-2026-0101",
        ),
        cf_balance("07", "EUR2", "201126", 0),
    ]
    .join("\r\n")
        + "\r\n";
    let c = client(tmp.path(), "r.cfonb", &body);
    let out = tmp.path().join("out");
    run_ok(&c, "2026-11-20", &out);
    assert_usd_stays_usd(&c.join("statements/r.cfonb"), &out, "REF-A2", "REF-D");
}

#[test]
fn cfonb_movements_with_a_blank_currency_in_a_usd_block_are_usd() {
    // review 37 F2: the 01 and 07 say USD, the 04s and 05s leave cols 17-20
    // blank: they are the block's USD (never 100 USD paying an EUR invoice).
    let tmp = tempfile::tempdir().unwrap();
    let body = [
        cf_balance("01", "USD2", "191126", 0),
        cf_movement(
            "    ",
            120_000,
            "VIR SEPA DELTA SA",
            "REF-D",
            "FACTURE F-2026-0104",
        ),
        cf_movement(
            "    ",
            100_000,
            "VIR SEPA ALPHA",
            "REF-A2",
            "FACTURE F-2026-0101",
        ),
        cf_balance("07", "    ", "201126", 220_000),
    ]
    .join("\r\n")
        + "\r\n";
    let c = client(tmp.path(), "r.cfonb", &body);
    let out = tmp.path().join("out");
    run_ok(&c, "2026-11-20", &out);
    assert_usd_stays_usd(&c.join("statements/r.cfonb"), &out, "REF-A2", "REF-D");
}

#[test]
fn a_sub_cent_amount_is_never_applied_automatically() {
    // 999.995 EUR quoting the EUR invoice of 1000.00: only suggested, the
    // invoice stays open and no output shows a three-decimal applied amount.
    let tmp = tempfile::tempdir().unwrap();
    let body = camt053(
        "0.00",
        "999.995",
        &[ntry(
            "X-1",
            "999.995",
            "EUR",
            "Alpha SARL",
            "Facture F-2026-0101",
        )],
    );
    let c = client(tmp.path(), "s1.xml", &body);
    let out = tmp.path().join("out");
    run_ok(&c, "2026-11-20", &out);
    let m = csv_rows(&out.join("matches.csv"));
    let statuses = column_where(&m, "entry_id", "X-1", "status");
    assert!(!statuses.iter().any(|s| s == "matched"), "{m:?}");
    assert!(
        column_where(&m, "entry_id", "X-1", "evidence")
            .iter()
            .any(|e| e.contains("more decimals than EUR has")),
        "{m:?}"
    );
    let st = csv_rows(&out.join("invoice_status.csv"));
    assert_eq!(
        column_where(&st, "invoice_id", "F-2026-0101", "applied"),
        ["0.00"]
    );
    assert_eq!(
        column_where(&st, "invoice_id", "F-2026-0101", "written_off"),
        ["0.00"]
    );
    let a = csv_rows(&out.join("alerts.csv"));
    assert_eq!(
        column_where(&a, "entry_id", "X-1", "kind"),
        ["suggested_match"]
    );
    assert!(!a.iter().any(|r| r[0] == "overpayment"), "{a:?}");
    // A person decides: the invoice is not chased meanwhile.
    let d = csv_rows(&out.join("dunning.csv"));
    assert!(
        column_where(&d, "customer_id", "C01", "invoice_ids").is_empty(),
        "{d:?}"
    );
}

#[test]
fn a_usd_notification_is_never_taken_for_an_eur_statement_entry_of_the_same_amount() {
    // Night 1: 1000 USD notified (no statement yet: it is money). Night 2:
    // the statement books 1000 EUR on the same day under another
    // reference: another payment, never "the money the notification
    // brought".
    let tmp = tempfile::tempdir().unwrap();
    let notification = camt053(
        "0.00",
        "0.00",
        &[ntry("N-9", "1000.00", "USD", "Omega Inc", "Order 77")],
    )
    .replace("camt.053.001.08", "camt.054.001.08")
    .replace("BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn")
    .replace("<Stmt>", "<Ntfctn>")
    .replace("</Stmt>", "</Ntfctn>")
    .replace("<Id>S1</Id>", "<Id>N1</Id>");
    let c = client(tmp.path(), "n1.xml", &notification);
    run_ok(&c, "2026-11-20", &tmp.path().join("out1"));
    std::fs::write(
        c.join("statements/s1.xml"),
        camt053(
            "0.00",
            "1000.00",
            &[ntry(
                "E-1",
                "1000.00",
                "EUR",
                "Alpha SARL",
                "Facture F-2026-0101",
            )],
        ),
    )
    .unwrap();
    let out = tmp.path().join("out2");
    run_ok(&c, "2026-11-21", &out);
    let m = csv_rows(&out.join("matches.csv"));
    assert_eq!(
        column_where(&m, "entry_id", "E-1", "invoice_id"),
        ["F-2026-0101"],
        "{m:?}"
    );
    assert_eq!(column_where(&m, "entry_id", "E-1", "currency"), ["EUR"]);
    let st = csv_rows(&out.join("invoice_status.csv"));
    assert_eq!(
        column_where(&st, "invoice_id", "F-2026-0101", "status"),
        ["paid"]
    );
}

#[test]
fn a_reissued_day_with_eur_and_usd_entries_is_never_totalled_as_one_currency() {
    let tmp = tempfile::tempdir().unwrap();
    let entries = [
        ntry("E-1", "500.00", "EUR", "Beta SAS", "Acompte"),
        ntry("U-2", "1200.00", "USD", "Delta SA", "Facture F-2026-0104"),
    ];
    let c = client(tmp.path(), "s1.xml", &camt053("0.00", "500.00", &entries));
    run_ok(&c, "2026-11-20", &tmp.path().join("out1"));
    // The same day again under another statement id.
    std::fs::write(
        c.join("statements/s1-bis.xml"),
        camt053("0.00", "500.00", &entries)
            .replace("<Id>S1</Id>", "<Id>S1-BIS</Id>")
            .replace("<ElctrncSeqNb>1<", "<ElctrncSeqNb>2<"),
    )
    .unwrap();
    let out = tmp.path().join("out2");
    run_ok(&c, "2026-11-21", &out);
    let a = csv_rows(&out.join("alerts.csv"));
    let kind = |col: &str| column_where(&a, "kind", "repeated_transaction", col);
    // No single amount: 500 EUR and 1200 USD are not "1700".
    assert_eq!(kind("amount"), [""], "{a:?}");
    assert_eq!(kind("currency"), [""]);
    assert!(
        kind("message")[0].contains("totalling 500.00 EUR and 1200.00 USD"),
        "{a:?}"
    );
}
