//! A debit taken for a return by its ids alone (a return reason under a code
//! that says nothing of returns, our end-to-end id) sends back only the very
//! money it names: the same amount in the same currency, from the same
//! payer account when both name one. Payers choose the end-to-end ids of
//! their transfers, so two may share one; a bank fee may copy a return's
//! ids. A debit that is nobody's money stays an `unmatched_debit`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::support::{IBAN, column_where, csv_rows, run_ok};

const INVOICES: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n\
F-1;C1;Alpha;2026-09-01;2026-10-01;1000,00;1000,00;EUR;;transfer;\n\
F-2;C2;Beta;2026-09-01;2026-10-01;1000,00;1000,00;EUR;;direct_debit;M-2\n";

const ALPHA_IBAN: &str = "FR7611111111111111111111111";
const OTHER_IBAN: &str = "DE89370400440532013000";

/// One single-transaction entry.
#[derive(Clone, Default)]
struct E {
    reference: &'static str,
    date: &'static str,
    /// `FAM/SUB` (ISO, domain PMNT) or `P:CODE` (proprietary only).
    code: &'static str,
    /// Signed.
    amount: &'static str,
    ccy: &'static str,
    e2e: Option<&'static str>,
    mandate: Option<&'static str>,
    name: Option<&'static str>,
    iban: Option<&'static str>,
    text: Option<&'static str>,
    reason: Option<&'static str>,
    /// Also names the creditor: us, with our own account (as banks often
    /// repeat both parties in a return).
    ours: bool,
    /// `RvslInd`: the bank undoes its own booking.
    reversal: bool,
}

fn transfer(reference: &'static str, name: &'static str, text: &'static str) -> E {
    E {
        reference,
        date: "2026-11-20",
        code: "RCDT/ESCT",
        amount: "1000.00",
        e2e: Some("PAYF0001"),
        name: Some(name),
        text: Some(text),
        ..E::default()
    }
}

/// A camt.053 of a multi-currency account (no `Acct/Ccy`, no balances).
fn camt(seq: u32, date: &str, entries: &[E]) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n<BkToCstmrStmt>\n<GrpHdr><MsgId>S{seq}</MsgId><CreDtTm>{date}T20:00:00</CreDtTm></GrpHdr>\n<Stmt><Id>S{seq}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{date}T20:00:00</CreDtTm>\n<FrToDt><FrDtTm>{date}T00:00:00</FrDtTm><ToDtTm>{date}T23:59:59</ToDtTm></FrToDt>\n<Acct><Id><IBAN>{IBAN}</IBAN></Id></Acct>\n"
    );
    for e in entries {
        let (debit, amount) = match e.amount.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, e.amount),
        };
        let ind = if debit { "DBIT" } else { "CRDT" };
        let ccy = if e.ccy.is_empty() { "EUR" } else { e.ccy };
        let code = match e.code.strip_prefix("P:") {
            Some(p) => format!("<Prtry><Cd>{p}</Cd><Issr>DK</Issr></Prtry>"),
            None => {
                let (fam, sub) = e.code.split_once('/').unwrap();
                format!(
                    "<Domn><Cd>PMNT</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>"
                )
            }
        };
        let _ = write!(
            x,
            "<Ntry><NtryRef>{r}</NtryRef><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd>{rv}<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{d}</Dt></BookgDt><ValDt><Dt>{d}</Dt></ValDt><AcctSvcrRef>{r}</AcctSvcrRef><BkTxCd>{code}</BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId>{m}</Refs><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd>",
            r = e.reference,
            rv = if e.reversal {
                "<RvslInd>true</RvslInd>"
            } else {
                ""
            },
            d = e.date,
            e2e = e.e2e.unwrap_or("NOTPROVIDED"),
            m = e
                .mandate
                .map(|m| format!("<MndtId>{m}</MndtId>"))
                .unwrap_or_default(),
        );
        if e.name.is_some() || e.iban.is_some() {
            let _ = write!(
                x,
                "<RltdPties><Dbtr><Pty><Nm>{}</Nm></Pty></Dbtr>{}{}</RltdPties>",
                e.name.unwrap_or_default(),
                e.iban
                    .map(|i| format!("<DbtrAcct><Id><IBAN>{i}</IBAN></Id></DbtrAcct>"))
                    .unwrap_or_default(),
                if e.ours {
                    format!(
                        "<Cdtr><Pty><Nm>Our Company</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>{IBAN}</IBAN></Id></CdtrAcct>"
                    )
                } else {
                    String::new()
                }
            );
        }
        if let Some(t) = e.text {
            let _ = write!(x, "<RmtInf><Ustrd>{t}</Ustrd></RmtInf>");
        }
        if let Some(r) = e.reason {
            let _ = write!(x, "<RtrInf><Rsn><Cd>{r}</Cd></Rsn></RtrInf>");
        }
        x.push_str("</TxDtls></NtryDtls></Ntry>\n");
    }
    x.push_str("</Stmt>\n</BkToCstmrStmt>\n</Document>\n");
    x
}

/// One night of the client `root/c`: one more statement, then the run.
fn night(root: &Path, seq: u32, date: &str, entries: &[E]) -> PathBuf {
    let client = root.join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    std::fs::write(client.join("invoices.csv"), INVOICES).unwrap();
    std::fs::write(
        client.join(format!("statements/{date}.xml")),
        camt(seq, date, entries),
    )
    .unwrap();
    let out = root.join("out").join(date);
    run_ok(&client, date, &out);
    out
}

fn status(out: &Path, invoice: &str) -> (String, String) {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let get = |c: &str| column_where(&rows, "invoice_id", invoice, c).concat();
    (get("open_after"), get("status"))
}

/// `(kind, customer_id, invoice_id, entry_id, amount, currency, reason)` of
/// every alert of the night.
fn alerts(out: &Path) -> Vec<[String; 7]> {
    csv_rows(&out.join("alerts.csv"))
        .iter()
        .skip(1)
        .map(|r| {
            [
                r[0].clone(),
                r[2].clone(),
                r[3].clone(),
                r[4].clone(),
                r[5].clone(),
                r[6].clone(),
                r[7].clone(),
            ]
        })
        .collect()
}

fn alert(
    kind: &str,
    invoice: &str,
    entry: &str,
    amount: &str,
    ccy: &str,
    reason: &str,
) -> [String; 7] {
    [kind, "", invoice, entry, amount, ccy, reason].map(String::from)
}

fn message(out: &Path, kind: &str) -> String {
    column_where(&csv_rows(&out.join("alerts.csv")), "kind", kind, "message").concat()
}

/// The dunning.csv rows, header left out.
fn dunning(out: &Path) -> Vec<Vec<String>> {
    csv_rows(&out.join("dunning.csv")).split_off(1)
}

/// `(kind, entry_id, amount)` of every row of unmatched.csv.
fn unmatched(out: &Path) -> Vec<(String, String, String)> {
    csv_rows(&out.join("unmatched.csv"))
        .iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[1].clone(), r[3].clone()))
        .collect()
}

/// Night 1: Alpha pays F-1 (1000.00, end-to-end id PAYF0001, from
/// `alpha_iban`); an unknown payer's 1000.00 under the same end-to-end id
/// (from `other_iban`) pays nothing and waits.
fn two_payers_one_e2e(
    root: &Path,
    alpha_iban: Option<&'static str>,
    other_iban: Option<&'static str>,
) {
    let out = night(
        root,
        1,
        "2026-11-20",
        &[
            E {
                iban: alpha_iban,
                ..transfer("B-1", "Alpha", "Facture F-1")
            },
            E {
                iban: other_iban,
                ..transfer("B-2", "Unknown Payer", "virement")
            },
        ],
    );
    assert_eq!(status(&out, "F-1"), ("0.00".into(), "paid".into()));
    assert_eq!(
        unmatched(&out),
        [("credit".into(), "B-2".into(), "1000.00".into())]
    );
}

/// The bank sends back a transfer received: `RCDT/RRTN`, reason AC04, the
/// end-to-end id PAYF0001.
fn sent_back(name: &'static str, iban: Option<&'static str>) -> E {
    E {
        reference: "B-3",
        date: "2026-11-23",
        code: "RCDT/RRTN",
        amount: "-1000.00",
        e2e: Some("PAYF0001"),
        name: Some(name),
        iban,
        reason: Some("AC04"),
        ..E::default()
    }
}

#[test]
fn a_transfer_sent_back_never_reverses_another_payers_payment_of_the_same_end_to_end_id() {
    let dir = tempfile::tempdir().unwrap();
    two_payers_one_e2e(dir.path(), None, None);
    let out = night(
        dir.path(),
        2,
        "2026-11-23",
        &[sent_back("Unknown Payer", None)],
    );
    // The unknown payer's money leaves: Alpha, who paid, keeps F-1 paid and
    // gets no formal notice.
    assert_eq!(status(&out, "F-1"), ("0.00".into(), "paid".into()));
    assert_eq!(dunning(&out), Vec::<Vec<String>>::new());
    assert_eq!(
        alerts(&out),
        [alert(
            "payment_reversed",
            "",
            "B-3",
            "-1000.00",
            "EUR",
            "AC04"
        )]
    );
    let m = message(&out, "payment_reversed");
    assert!(
        m.contains("credit transfer B-2 ") && m.contains("no invoice"),
        "{m}"
    );
    // Its 1000.00 is no longer waiting to be applied: it went back.
    assert_eq!(unmatched(&out), []);
}

#[test]
fn a_transfer_sent_back_from_the_payers_account_reverses_that_payers_payment() {
    // Both payers' accounts known: the one the debit names is the money,
    // even though it was applied and the other's was not.
    let dir = tempfile::tempdir().unwrap();
    two_payers_one_e2e(dir.path(), Some(ALPHA_IBAN), Some(OTHER_IBAN));
    let out = night(
        dir.path(),
        2,
        "2026-11-23",
        &[sent_back("Alpha", Some(ALPHA_IBAN))],
    );
    assert_eq!(
        alerts(&out),
        [[
            "payment_reversed",
            "C1",
            "F-1",
            "B-3",
            "-1000.00",
            "EUR",
            "AC04"
        ]
        .map(String::from)]
    );
    assert_eq!(status(&out, "F-1"), ("1000.00".into(), "returned".into()));
    // The unknown payer's money still waits.
    assert_eq!(
        unmatched(&out),
        [("credit".into(), "B-2".into(), "1000.00".into())]
    );
}

#[test]
fn a_transfer_sent_back_to_another_account_is_not_the_payment_it_shares_an_id_with() {
    // Only Alpha's payment, from its account; the debit sends 1000.00 back
    // to another account under the same end-to-end id.
    let dir = tempfile::tempdir().unwrap();
    let out = night(
        dir.path(),
        1,
        "2026-11-20",
        &[E {
            iban: Some(ALPHA_IBAN),
            ..transfer("B-1", "Alpha", "Facture F-1")
        }],
    );
    assert_eq!(status(&out, "F-1"), ("0.00".into(), "paid".into()));
    let out = night(
        dir.path(),
        2,
        "2026-11-23",
        &[sent_back("Someone", Some(OTHER_IBAN))],
    );
    assert_eq!(status(&out, "F-1"), ("0.00".into(), "paid".into()));
    assert_eq!(dunning(&out), Vec::<Vec<String>>::new());
    assert_eq!(
        alerts(&out),
        [alert(
            "unmatched_debit",
            "",
            "B-3",
            "-1000.00",
            "EUR",
            "AC04"
        )]
    );
}

#[test]
fn a_debit_that_could_send_back_either_of_two_waiting_payments_is_a_persons_to_link() {
    // Two unknown payers' 1000.00 under one end-to-end id, both waiting.
    let dir = tempfile::tempdir().unwrap();
    let waiting = |reference| transfer(reference, "Unknown Payer", "virement");
    night(
        dir.path(),
        1,
        "2026-11-20",
        &[waiting("B-1"), waiting("B-2")],
    );
    let out = night(
        dir.path(),
        2,
        "2026-11-23",
        &[sent_back("Unknown Payer", None)],
    );
    assert_eq!(
        alerts(&out),
        [alert(
            "unmatched_debit",
            "",
            "B-3",
            "-1000.00",
            "EUR",
            "AC04"
        )]
    );
    let m = message(&out, "unmatched_debit");
    assert!(m.contains("B-1, B-2 could each be"), "{m}");
    let mut u = unmatched(&out);
    u.sort();
    assert_eq!(
        u,
        [
            ("credit".into(), "B-1".into(), "1000.00".into()),
            ("credit".into(), "B-2".into(), "1000.00".into()),
            ("debit".into(), "B-3".into(), "-1000.00".into()),
        ]
    );
}

/// Night 1: Beta's F-2 collected, 1000.00 under mandate M-2, end-to-end id
/// COLL-2, on an EUR entry.
fn collected(root: &Path) {
    let out = night(
        root,
        1,
        "2026-11-20",
        &[E {
            reference: "C-1",
            date: "2026-11-20",
            code: "IDDT/ESDD",
            amount: "1000.00",
            e2e: Some("COLL-2"),
            mandate: Some("M-2"),
            name: Some("Beta"),
            text: Some("F-2"),
            ..E::default()
        }],
    );
    assert_eq!(status(&out, "F-2"), ("0.00".into(), "paid".into()));
}

#[test]
fn a_bank_fee_under_a_proprietary_code_copying_a_returns_ids_reopens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    collected(dir.path());
    // A German bank's fee (DK code NCHG+808) of 3.50 quoting the collection's
    // end-to-end id and a return reason.
    let out = night(
        dir.path(),
        2,
        "2026-11-23",
        &[E {
            reference: "FEE-1",
            date: "2026-11-23",
            code: "P:NCHG+808",
            amount: "-3.50",
            e2e: Some("COLL-2"),
            reason: Some("MD06"),
            ..E::default()
        }],
    );
    assert_eq!(status(&out, "F-2"), ("0.00".into(), "paid".into()));
    assert_eq!(dunning(&out), Vec::<Vec<String>>::new());
    // It never vanishes: a person looks at it.
    assert_eq!(
        alerts(&out),
        [alert(
            "unmatched_debit",
            "",
            "FEE-1",
            "-3.50",
            "EUR",
            "MD06"
        )]
    );
    let m = message(&out, "unmatched_debit");
    assert!(m.contains("(its ids name C-1)"), "{m}");
    assert_eq!(
        unmatched(&out),
        [("debit".into(), "FEE-1".into(), "-3.50".into())]
    );
}

#[test]
fn a_return_in_another_currency_never_undoes_a_collection_of_the_same_number() {
    // 1000.00 USD coming back under the EUR collection's ids: whether coded
    // as a return or recognised by its reason only, it is not that money.
    for code in ["IDDT/UPDD", "P:NRLS+109"] {
        let dir = tempfile::tempdir().unwrap();
        collected(dir.path());
        let out = night(
            dir.path(),
            2,
            "2026-11-23",
            &[E {
                reference: "RET-1",
                date: "2026-11-23",
                code,
                amount: "-1000.00",
                ccy: "USD",
                e2e: Some("COLL-2"),
                reason: Some("AM04"),
                ..E::default()
            }],
        );
        assert_eq!(
            status(&out, "F-2"),
            ("0.00".into(), "paid".into()),
            "{code}"
        );
        assert_eq!(dunning(&out), Vec::<Vec<String>>::new(), "{code}");
        let kinds: Vec<String> = alerts(&out).into_iter().map(|a| a[0].clone()).collect();
        assert_eq!(kinds, ["unmatched_debit"], "{code}");
        assert_eq!(
            unmatched(&out),
            [("debit".into(), "RET-1".into(), "-1000.00".into())],
            "{code}"
        );
        let rows = csv_rows(&out.join("unmatched.csv"));
        assert_eq!(
            column_where(&rows, "entry_id", "RET-1", "currency"),
            ["USD"],
            "{code}"
        );
    }
}

#[test]
fn a_collection_in_another_currency_sent_back_is_for_no_invoice_of_its_mandate() {
    // 1000.00 USD collected under Beta's mandate pays no EUR invoice; the
    // bank sends it back. F-2 (EUR, same mandate and number) was never
    // collected: it is not the returned invoice.
    let dir = tempfile::tempdir().unwrap();
    let usd = |reference, code, amount, reason: Option<&'static str>| E {
        reference,
        date: if reason.is_some() {
            "2026-11-23"
        } else {
            "2026-11-20"
        },
        code,
        amount,
        ccy: "USD",
        e2e: Some("COLL-U"),
        mandate: Some("M-2"),
        reason,
        ..E::default()
    };
    night(
        dir.path(),
        1,
        "2026-11-20",
        &[usd("C-1", "IDDT/ESDD", "1000.00", None)],
    );
    let out = night(
        dir.path(),
        2,
        "2026-11-23",
        &[usd("RET-1", "IDDT/UPDD", "-1000.00", Some("AM04"))],
    );
    assert_eq!(
        alerts(&out),
        [[
            "direct_debit_returned",
            "C2",
            "",
            "RET-1",
            "-1000.00",
            "USD",
            "AM04"
        ]
        .map(String::from)]
    );
    let m = message(&out, "direct_debit_returned");
    assert!(
        m.contains("no invoice (the collection was not applied)"),
        "{m}"
    );
    assert_eq!(status(&out, "F-2"), ("1000.00".into(), "open".into()));
    let steps = column_where(
        &csv_rows(&out.join("dunning.csv")),
        "invoice_ids",
        "F-2",
        "step",
    );
    assert!(!steps.iter().any(|s| s.starts_with("return_")), "{steps:?}");
}

#[test]
fn a_return_naming_both_parties_under_a_proprietary_code_reopens_its_invoice() {
    // Beta's F-2 collected from its account; the bank's return (DK code,
    // reason AM04) repeats both parties, us as creditor with our own IBAN.
    let dir = tempfile::tempdir().unwrap();
    let collection = E {
        reference: "C-1",
        date: "2026-11-20",
        code: "IDDT/ESDD",
        amount: "1000.00",
        e2e: Some("COLL-2"),
        mandate: Some("M-2"),
        name: Some("Beta"),
        iban: Some(OTHER_IBAN),
        text: Some("F-2"),
        ..E::default()
    };
    let out = night(dir.path(), 1, "2026-11-20", &[collection]);
    assert_eq!(status(&out, "F-2"), ("0.00".into(), "paid".into()));
    let out = night(
        dir.path(),
        2,
        "2026-11-23",
        &[E {
            reference: "RET-1",
            date: "2026-11-23",
            code: "P:NRTI+109",
            amount: "-1000.00",
            e2e: Some("COLL-2"),
            mandate: Some("M-2"),
            name: Some("Beta"),
            iban: Some(OTHER_IBAN),
            reason: Some("AM04"),
            ours: true,
            ..E::default()
        }],
    );
    assert_eq!(status(&out, "F-2"), ("1000.00".into(), "returned".into()));
    let kinds: Vec<String> = alerts(&out).into_iter().map(|a| a[0].clone()).collect();
    assert_eq!(kinds, ["direct_debit_returned"]);
}

#[test]
fn a_reversal_of_an_unknown_payers_transfer_never_reverses_another_payers_payment() {
    // The same as a transfer sent back, but the bank undoes its booking
    // (RvslInd) under the transfer's own code, with no reason.
    let dir = tempfile::tempdir().unwrap();
    two_payers_one_e2e(dir.path(), None, None);
    let reversal = E {
        code: "RCDT/ESCT",
        reason: None,
        reversal: true,
        ..sent_back("Unknown Payer", None)
    };
    let out = night(dir.path(), 2, "2026-11-23", &[reversal]);
    assert_eq!(status(&out, "F-1"), ("0.00".into(), "paid".into()));
    assert_eq!(dunning(&out), Vec::<Vec<String>>::new());
    assert_eq!(unmatched(&out), []);
}
