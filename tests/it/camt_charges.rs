//! Charges a camt file states (`Ntry/Chrgs`) that account exactly for a
//! payment booked short are the bank's charges: no `balance_mismatch` alert,
//! the payer credited what it sent, and other customers' formal notices go
//! out; charges that do not account for it still ask a person and hold
//! them (review 37 F3).

use std::path::Path;

use crate::support::{column_where, csv_rows, run_ok};

/// A client with F-1 100.00 (C1) and F-2 50.00 (C2), both long overdue,
/// and a statement where Alpha SARL's 100.00 for F-1 is booked 85.00 with
/// `charges` stated.
fn client(root: &Path, charges: &str) -> std::path::PathBuf {
    let c = root.join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount\n\
         F-1,C1,Alpha SARL,2026-09-01,2026-10-01,100.00\n\
         F-2,C2,Beta SAS,2026-09-01,2026-10-01,50.00\n",
    )
    .unwrap();
    let bal = |code: &str, amt: &str| {
        format!(
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>"
        )
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\n\
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T20:00:00</CreDtTm></GrpHdr>\n\
<Stmt><Id>STMT-1</Id><ElctrncSeqNb>1</ElctrncSeqNb>\n\
<Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id><Ccy>EUR</Ccy></Acct>\n\
{}{}\n\
<Ntry><Amt Ccy=\"EUR\">85.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\n\
<BookgDt><Dt>2026-11-20</Dt></BookgDt><ValDt><Dt>2026-11-20</Dt></ValDt><AcctSvcrRef>B1</AcctSvcrRef>\n\
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>XBCT</SubFmlyCd></Fmly></Domn></BkTxCd>\n\
{charges}\n\
<NtryDtls><TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><Amt Ccy=\"EUR\">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\n\
<AmtDtls><InstdAmt><Amt Ccy=\"EUR\">100.00</Amt></InstdAmt><TxAmt><Amt Ccy=\"EUR\">100.00</Amt></TxAmt></AmtDtls>\n\
<RltdPties><Dbtr><Nm>Alpha SARL</Nm></Dbtr></RltdPties><RmtInf><Ustrd>FACTURE F-1</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n\
</Stmt></BkToCstmrStmt></Document>\n",
        bal("OPBD", "0"),
        bal("CLBD", "85.00"),
    );
    std::fs::write(c.join("statements/s.xml"), xml).unwrap();
    c
}

/// Runs the night of 2026-11-21: (alerts' kinds, C1's and C2's dunning
/// steps, what F-1 was applied).
fn night(charges: &str) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path(), charges);
    let out = root.path().join("out");
    run_ok(&c, "2026-11-21", &out);
    let alerts = csv_rows(&out.join("alerts.csv"));
    let kinds = alerts[1..].iter().map(|r| r[0].clone()).collect();
    let dunning = csv_rows(&out.join("dunning.csv"));
    let matches = csv_rows(&out.join("matches.csv"));
    (
        kinds,
        column_where(&dunning, "customer_id", "C1", "step"),
        column_where(&dunning, "customer_id", "C2", "step"),
        column_where(&matches, "invoice_id", "F-1", "applied_amount"),
    )
}

#[test]
fn charges_the_file_states_exactly_are_no_alert_and_hold_no_formal_notice() {
    let (alerts, c1, c2, f1) = night(
        "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">15.00</TtlChrgsAndTaxAmt>\
<Rcrd><Amt Ccy=\"EUR\">15.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><ChrgInclInd>true</ChrgInclInd><Tp><Cd>COMM</Cd></Tp></Rcrd></Chrgs>",
    );
    assert!(
        !alerts.contains(&"balance_mismatch".to_string()),
        "{alerts:?}"
    );
    assert_eq!(f1, ["100.00"], "Alpha SARL paid what it sent");
    assert!(c1.is_empty(), "{c1:?}");
    assert_eq!(c2, ["formal_notice"]);
}

#[test]
fn charges_that_do_not_account_for_the_shortfall_still_ask_a_person() {
    let (alerts, c1, c2, f1) = night(
        "<Chrgs><Rcrd><Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd></Chrgs>",
    );
    assert!(
        alerts.contains(&"balance_mismatch".to_string()),
        "{alerts:?}"
    );
    assert_eq!(f1, ["100.00"]);
    assert!(c1.is_empty(), "{c1:?}");
    assert_eq!(c2.len(), 1);
    assert_ne!(c2, ["formal_notice"], "held while a person checks");
}
