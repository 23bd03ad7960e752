//! A payment in a currency that is not ISO 4217 (`EUE`, mistyped) is never
//! applied nor suggested, and never lost: it is an unmatched credit with its
//! amount and code, for a person (review 38 banks F3: it was dropped before
//! matching and listed nowhere).

use crate::support::{csv_rows, run_ok};

const IBAN: &str = "FR7630004000031234567890143";

/// Alpha's EUR F-1001 (100.00) and USD U-1001 (500.00), both overdue.
const TWO_CURRENCIES: &str = "F-1001,C1,Alpha SARL,2026-09-01,2026-10-01,100.00,100.00,EUR\n\
                              U-1001,C1,Alpha SARL,2026-09-01,2026-10-01,500.00,500.00,USD\n";

/// A credit of `amount` in `ccy` from `name` quoting `text`.
fn ntry(reference: &str, amount: &str, ccy: &str, name: &str, text: &str) -> String {
    format!(
        "<Ntry><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>\
<AcctSvcrRef>{reference}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\
<NtryDtls><TxDtls><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )
}

/// A client `root/c` with these invoice rows (after the header) and one
/// EUR camt.053 statement of these entries.
fn client(root: &std::path::Path, invoices: &str, entries: &[String]) -> std::path::PathBuf {
    let c = root.join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(
        c.join("invoices.csv"),
        format!(
            "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n{invoices}"
        ),
    )
    .unwrap();
    std::fs::write(
        c.join("statements/s.xml"),
        statement("S1", IBAN, "EUR", entries),
    )
    .unwrap();
    c
}

/// A camt.053 statement `id` of the account `iban` in `ccy`.
fn statement(id: &str, iban: &str, ccy: &str, entries: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\n\
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T20:00:00</CreDtTm></GrpHdr>\n\
<Stmt><Id>{id}</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{ccy}</Ccy></Acct>\n{}</Stmt></BkToCstmrStmt></Document>\n",
        entries.concat(),
    )
}

/// The invoices of `dunning.csv` in `out`, sorted.
fn chased(out: &std::path::Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let k = rows[0].iter().position(|h| h == "invoice_ids").unwrap();
    let mut ids: Vec<String> = rows[1..].iter().map(|r| r[k].clone()).collect();
    ids.sort();
    ids
}

#[test]
fn a_payment_in_a_currency_that_is_not_iso_4217_is_listed_never_applied() {
    let root = tempfile::tempdir().unwrap();
    // Even an invoice written in the same non-ISO code is never paid by it.
    let c = client(
        root.path(),
        "F-1001,C1,Alpha SARL,2026-09-01,2026-10-01,100.00,100.00,EUR\n\
         F-1009,C9,Zeta SA,2026-09-01,2026-10-01,100.00,100.00,EUE\n\
         F-1004,C4,Delta SA,2026-09-01,2026-10-01,250.00,250.00,USD\n",
        &[
            ntry("A", "100.00", "EUE", "ALPHA SARL", "FACT F-1001"),
            ntry("Z", "100.00", "EUE", "ZETA SA", "FACT F-1009"),
            // The look-alike: money in a real foreign currency still pays.
            ntry("D", "250.00", "USD", "DELTA SA", "FACT F-1004"),
        ],
    );
    let out = root.path().join("out");
    run_ok(&c, "2026-11-21", &out);
    let matches = csv_rows(&out.join("matches.csv"));
    let m = |n: &str| matches[0].iter().position(|h| h == n).unwrap();
    let applied: Vec<(String, String)> = matches[1..]
        .iter()
        .filter(|r| !r[m("invoice_id")].is_empty())
        .map(|r| (r[m("invoice_id")].clone(), r[m("status")].clone()))
        .collect();
    assert_eq!(applied, [("F-1004".to_string(), "matched".to_string())]);
    let unmatched = csv_rows(&out.join("unmatched.csv"));
    let u = |n: &str| unmatched[0].iter().position(|h| h == n).unwrap();
    let listed: Vec<(String, String, String)> = unmatched[1..]
        .iter()
        .map(|r| {
            (
                r[u("entry_id")].clone(),
                r[u("amount")].clone(),
                r[u("currency")].clone(),
            )
        })
        .collect();
    let want = [("A", "100.00", "EUE"), ("Z", "100.00", "EUE")];
    assert_eq!(
        listed,
        want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let alerts = csv_rows(&out.join("alerts.csv"));
    let a = |n: &str| alerts[0].iter().position(|h| h == n).unwrap();
    let credits: Vec<(String, String)> = alerts[1..]
        .iter()
        .filter(|r| r[0] == "unmatched_credit")
        .map(|r| (r[a("entry_id")].clone(), r[a("currency")].clone()))
        .collect();
    assert_eq!(credits.len(), 2, "{credits:?}");
    assert!(credits.iter().all(|(_, c)| c == "EUE"), "{credits:?}");
}

#[test]
fn invoices_quoted_by_money_in_another_currency_are_not_chased_while_it_waits() {
    // The customers may well have paid, in a currency pointage never sets
    // against the invoice's: held as an invoice in a suggestion is, for
    // `suggestion_hold_days` (5) from the night the money was first told.
    let root = tempfile::tempdir().unwrap();
    let c = client(
        root.path(),
        "F-1001,C1,Alpha SARL,2026-09-01,2026-10-01,100.00,100.00,EUR\n\
         F-1002,C2,Beta SA,2026-09-01,2026-10-01,250.00,250.00,EUR\n\
         F-1003,C3,Gamma SA,2026-09-01,2026-10-01,300.00,300.00,EUR\n",
        &[
            ntry("A", "100.00", "EUE", "ALPHA SARL", "FACT F-1001"),
            ntry("B", "290.00", "USD", "BETA SA", "FACT F-1002"),
        ],
    );
    let out = root.path().join("out1");
    run_ok(&c, "2026-11-21", &out);
    assert_eq!(chased(&out), ["F-1003"]);
    // Still waiting the next night: still held.
    let out = root.path().join("out2");
    run_ok(&c, "2026-11-24", &out);
    assert!(!chased(&out).iter().any(|i| i == "F-1001" || i == "F-1002"));
    // Once the hold is over, a person has had the alert for days: chased.
    let out = root.path().join("out3");
    run_ok(&c, "2026-11-27", &out);
    let later = chased(&out);
    assert!(
        later.iter().any(|i| i == "F-1001") && later.iter().any(|i| i == "F-1002"),
        "{later:?}"
    );
}

#[test]
fn the_hold_follows_what_the_customer_named_and_what_a_person_decided() {
    let chased = |c: &std::path::Path, out: &std::path::Path| {
        run_ok(c, "2026-11-21", out);
        chased(out)
    };
    // A customer with invoices in two currencies pays USD quoting its EUR
    // invoice: the payer's USD invoice is only suggested, and the EUR one
    // it named is held as well (verify 39 erp F4).
    let root = tempfile::tempdir().unwrap();
    let c = client(
        root.path(),
        TWO_CURRENCIES,
        &[ntry("A", "110.00", "USD", "ALPHA SARL", "FACT F-1001")],
    );
    assert!(chased(&c, &root.path().join("out")).is_empty());
    // A person said that money did not pay F-1001: chased (erp F6).
    let root = tempfile::tempdir().unwrap();
    let c = client(
        root.path(),
        "F-1001,C1,Alpha SARL,2026-09-01,2026-10-01,100.00,100.00,EUR\n",
        &[ntry("A", "110.00", "USD", "ALPHA SARL", "FACT F-1001")],
    );
    std::fs::write(
        c.join("decisions.csv"),
        "entry_id,invoice_id,decision,amount,note\nA,F-1001,reject,,not for this invoice\n",
    )
    .unwrap();
    assert_eq!(chased(&c, &root.path().join("out")), ["F-1001"]);
    // The USD money paid the USD invoice it named; 0.50 over is an
    // overpayment, never a reason to hold the EUR one (round 2 C5).
    let root = tempfile::tempdir().unwrap();
    let c = client(
        root.path(),
        TWO_CURRENCIES,
        &[ntry(
            "A",
            "500.50",
            "USD",
            "ALPHA SARL",
            "FACT U-1001 F-1001",
        )],
    );
    assert_eq!(chased(&c, &root.path().join("out")), ["F-1001"]);
    // 110.00 left over after the USD invoice, about what the EUR one
    // asks: that may have paid it, held (round 3 H1).
    let root = tempfile::tempdir().unwrap();
    let c = client(
        root.path(),
        TWO_CURRENCIES,
        &[ntry(
            "A",
            "610.00",
            "USD",
            "ALPHA SARL",
            "FACT U-1001 F-1001",
        )],
    );
    assert!(chased(&c, &root.path().join("out")).is_empty());
    // Still held the next night, the USD invoice paid on an earlier night
    // (verify 40 H2).
    let out = root.path().join("out-22");
    run_ok(&c, "2026-11-22", &out);
    assert!(crate::currency_unknown::chased(&out).is_empty());
}

/// Alpha's USD `amount` quoting EUR F-1001 on the first of `nights`, a
/// person's `decision` on U-1001 written before the others: whether
/// F-1001 is chased each night.
fn f1001_chased(amount: &'static str, decision: &str, nights: &[&str]) -> Vec<bool> {
    let root = tempfile::tempdir().unwrap();
    let c = client(
        root.path(),
        TWO_CURRENCIES,
        &[ntry("A", amount, "USD", "ALPHA SARL", "FACT F-1001")],
    );
    let mut out = Vec::new();
    for (k, date) in nights.iter().enumerate() {
        if k == 1 {
            std::fs::write(
                c.join("decisions.csv"),
                format!("entry_id,invoice_id,decision,amount,note\nA,U-1001,{decision},,\n"),
            )
            .unwrap();
        }
        let dir = root.path().join(date);
        run_ok(&c, date, &dir);
        out.push(chased(&dir).iter().any(|i| i == "F-1001"));
    }
    out
}

#[test]
fn the_hold_runs_from_the_night_the_money_was_first_told_whatever_became_of_it() {
    // Verify 39 erp2 C2: USD 110.00 quoting EUR F-1001, the payer's USD
    // invoice suggested on 21/11; a person rejects the suggestion on 24/11,
    // the money now an unmatched credit. F-1001's hold still ends 5 days
    // after 21/11, never restarted by the alert's new kind.
    let nights = ["2026-11-21", "2026-11-24", "2026-11-25", "2026-11-26"];
    assert_eq!(
        f1001_chased("110.00", "reject", &nights),
        [false, false, false, true]
    );
}

#[test]
fn a_rest_left_by_a_persons_decision_still_holds_what_it_may_have_paid() {
    // Verify 40 H3: USD 610.00 quoting EUR F-1001, only suggested for the
    // payer's USD U-1001; a person accepts U-1001 on 22/11 and the 110.00
    // left waits as an unmatched credit: F-1001 stays held until 26/11.
    let nights = ["2026-11-21", "2026-11-22", "2026-11-25", "2026-11-26"];
    assert_eq!(
        f1001_chased("610.00", "accept", &nights),
        [false, false, false, true]
    );
}

#[test]
fn a_hold_is_dated_by_its_own_accounts_entry_never_anothers_of_the_same_id() {
    // Verify 40 E1: entry ids are per account. The EUR account's entry `1`
    // was an unmatched credit on 1/10; on 21/11 the USD account's own
    // entry `1` is Alpha's USD 110.00 quoting EUR F-1001: held from 21/11.
    let root = tempfile::tempdir().unwrap();
    let c = client(
        root.path(),
        TWO_CURRENCIES,
        &[ntry("1", "50.00", "EUR", "ZETA SARL", "VIREMENT ZETA")
            .replace("2026-11-20", "2026-09-30")],
    );
    run_ok(&c, "2026-10-01", &root.path().join("out1"));
    let usd = statement(
        "U1",
        "FR7430004000039876543210163",
        "USD",
        &[ntry("1", "110.00", "USD", "ALPHA SARL", "FACT F-1001")],
    );
    std::fs::write(c.join("statements/u.xml"), usd).unwrap();
    let out = root.path().join("out2");
    run_ok(&c, "2026-11-21", &out);
    assert!(
        !chased(&out).iter().any(|i| i == "F-1001"),
        "{:?}",
        chased(&out)
    );
}
