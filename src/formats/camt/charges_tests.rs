//! The charges a file states (`Chrgs`) explain a difference between an
//! entry's details and its booking when they match it to the cent (review
//! 14 F3): the difference is the bank's charges (`ACMT/MDOP/CHRG`), each
//! payer keeps what it sent, and no person is asked. Charges that do not
//! match exactly change nothing.

use std::path::Path;

use proptest::prelude::*;

use crate::money::Money;
use crate::statement::{Entry, FindingKind};

/// A camt.053 (version `v`) with one entry booked `amount` (`debit`),
/// `chrgs` after its `BkTxCd`, and `details` (their inner XML).
fn doc(v: &str, debit: bool, amount: &str, chrgs: &str, details: &[String]) -> String {
    let ind = if debit { "DBIT" } else { "CRDT" };
    let mut x = format!(
        "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{v}\"><BkToCstmrStmt><Stmt><Id>S</Id>\
<Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id><Ccy>EUR</Ccy></Acct>\
<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
<BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef>\
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>XBCT</SubFmlyCd></Fmly></Domn></BkTxCd>{chrgs}<NtryDtls>"
    );
    for d in details {
        x.push_str(&format!("<TxDtls>{d}</TxDtls>"));
    }
    x.push_str("</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>");
    x
}

/// A detail of `amount` from `name`, with `more` inside it.
fn detail(amount: &str, ind: Option<&str>, name: &str, more: &str) -> String {
    format!(
        "<Amt Ccy=\"EUR\">{amount}</Amt>{}<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties>{more}",
        ind.map(|i| format!("<CdtDbtInd>{i}</CdtDbtInd>"))
            .unwrap_or_default()
    )
}

/// A .04+ charge record.
fn rcrd(amount: &str, ind: &str, incl: &str) -> String {
    format!(
        "<Rcrd><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd>{incl}<Tp><Cd>COMM</Cd></Tp></Rcrd>"
    )
}

/// The entry, its rows (`amount payer` or `amount code` for a difference
/// row) and its `balance_mismatch` findings.
fn read(x: &str) -> (Entry, Vec<String>, Vec<String>) {
    let p = super::parse(x.as_bytes(), Path::new("t.xml")).expect("parses");
    let mismatches = p
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::BalanceMismatch)
        .map(|f| f.message.clone())
        .collect();
    let e = p
        .statements
        .into_iter()
        .flat_map(|s| s.entries)
        .next()
        .expect("an entry");
    let rows = e
        .transactions
        .iter()
        .map(|t| {
            let who = if t.difference {
                t.bank_code.as_ref().map(|c| c.raw()).unwrap_or_default()
            } else {
                t.counterparty.name.clone().unwrap_or_default()
            };
            format!("{} {who}", t.amount.to_plain())
        })
        .collect();
    (e, rows, mismatches)
}

fn alpha(amount: &str) -> Vec<String> {
    vec![detail(amount, Some("CRDT"), "Alpha SARL", "")]
}

#[test]
fn stated_charges_that_account_for_a_shortfall_are_the_banks_charges() {
    // The review's case: 100.00 sent, 85.00 booked, 15.00 charges stated
    // (total and record).
    let chrgs = format!(
        "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">15.00</TtlChrgsAndTaxAmt>{}</Chrgs>",
        rcrd("15.00", "DBIT", "<ChrgInclInd>true</ChrgInclInd>")
    );
    let (_, rows, mismatch) = read(&doc("08", false, "85.00", &chrgs, &alpha("100.00")));
    assert_eq!(rows, ["100.00 Alpha SARL", "-15.00 ACMT/MDOP/CHRG"]);
    assert!(mismatch.is_empty(), "{mismatch:?}");
    // The total alone, the records alone (two, no indicators), the .02
    // shape (one `Chrgs` per charge): the same.
    for chrgs in [
        "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">15.00</TtlChrgsAndTaxAmt></Chrgs>".to_string(),
        format!(
            "<Chrgs><Rcrd><Amt Ccy=\"EUR\">10.00</Amt></Rcrd>{}</Chrgs>",
            rcrd("5.00", "DBIT", "")
        ),
        "<Chrgs><Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Chrgs>\
         <Chrgs><Amt Ccy=\"EUR\">5.00</Amt></Chrgs>"
            .to_string(),
    ] {
        for v in ["02", "08", "13"] {
            let (_, rows, mismatch) = read(&doc(v, false, "85.00", &chrgs, &alpha("100.00")));
            assert_eq!(
                rows,
                ["100.00 Alpha SARL", "-15.00 ACMT/MDOP/CHRG"],
                "{chrgs}"
            );
            assert!(mismatch.is_empty(), "{chrgs}: {mismatch:?}");
        }
    }
}

#[test]
fn each_payments_stated_charges_together_explain_a_batch() {
    let more =
        |c: &str| format!("<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">{c}</TtlChrgsAndTaxAmt></Chrgs>");
    let details = [
        detail("600.00", None, "Alpha SARL", &more("20.00")),
        detail("400.00", None, "Beta SAS", &more("30.00")),
    ];
    let (_, rows, mismatch) = read(&doc("08", false, "950.00", "", &details));
    assert_eq!(
        rows,
        [
            "600.00 Alpha SARL",
            "400.00 Beta SAS",
            "-50.00 ACMT/MDOP/CHRG"
        ]
    );
    assert!(mismatch.is_empty(), "{mismatch:?}");
}

#[test]
fn a_payment_out_with_its_stated_fee_is_the_payment_and_the_fee() {
    let chrgs = format!("<Chrgs>{}</Chrgs>", rcrd("15.00", "DBIT", ""));
    let details = vec![detail("100.00", Some("DBIT"), "Supplier", "")];
    let (_, rows, mismatch) = read(&doc("08", true, "115.00", &chrgs, &details));
    assert_eq!(rows, ["-100.00 Supplier", "-15.00 ACMT/MDOP/CHRG"]);
    assert!(mismatch.is_empty(), "{mismatch:?}");
}

#[test]
fn a_return_booked_with_its_stated_fee_is_the_return_and_the_fee() {
    // A returned collection of 100.00 booked DBIT 115.00 with its 15.00 fee,
    // the detail repeating the collection's CRDT: the return of 100.00.
    let chrgs = format!("<Chrgs>{}</Chrgs>", rcrd("15.00", "DBIT", ""));
    let details = vec![detail("100.00", Some("CRDT"), "Alpha SARL", "")];
    let (_, rows, mismatch) = read(&doc("08", true, "115.00", &chrgs, &details));
    assert_eq!(rows, ["-100.00 Alpha SARL", "-15.00 ACMT/MDOP/CHRG"]);
    assert!(mismatch.is_empty(), "{mismatch:?}");
    // Without the charges stated: credits nobody, a person checks.
    let (_, rows, mismatch) = read(&doc("08", true, "115.00", "", &details));
    assert_eq!(rows, ["0.00 Alpha SARL", "-115.00 ACMT/MDOP/OTHR"]);
    assert_eq!(mismatch.len(), 1);
}

#[test]
fn charges_that_do_not_account_for_the_difference_change_nothing() {
    let short = ["100.00 Alpha SARL", "-15.00 ACMT/MDOP/OTHR"];
    for chrgs in [
        // Not the difference.
        format!("<Chrgs>{}</Chrgs>", rcrd("10.00", "DBIT", "")),
        "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">14.99</TtlChrgsAndTaxAmt></Chrgs>".to_string(),
        // Said not to be in the amount booked (booked on their own).
        format!(
            "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">15.00</TtlChrgsAndTaxAmt>{}</Chrgs>",
            rcrd("15.00", "DBIT", "<ChrgInclInd>false</ChrgInclInd>")
        ),
        // Credited to the account, not taken.
        format!("<Chrgs>{}</Chrgs>", rcrd("15.00", "CRDT", "")),
        // In another currency.
        "<Chrgs><Rcrd><Amt Ccy=\"USD\">15.00</Amt></Rcrd></Chrgs>".to_string(),
        "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"CHF\">15.00</TtlChrgsAndTaxAmt></Chrgs>".to_string(),
        // Unreadable: never an error, never an explanation.
        "<Chrgs><Rcrd><Amt Ccy=\"EUR\">15,00</Amt></Rcrd></Chrgs>".to_string(),
        "<Chrgs><Rcrd><Amt Ccy=\"EUR\">15.00</Amt><CdtDbtInd>D</CdtDbtInd></Rcrd></Chrgs>"
            .to_string(),
        "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">15.00</TtlChrgsAndTaxAmt><Rcrd><CdtDbtInd>DBIT</CdtDbtInd></Rcrd></Chrgs>"
            .to_string(),
        // Charges of something else than the entry (its interest).
        "<Intrst><Rcrd><Amt Ccy=\"EUR\">15.00</Amt></Rcrd></Intrst>".to_string(),
    ] {
        let (_, rows, mismatch) = read(&doc("08", false, "85.00", &chrgs, &alpha("100.00")));
        assert_eq!(rows, short, "{chrgs}");
        assert_eq!(mismatch.len(), 1, "{chrgs}");
    }
    // More came in than detailed: charges explain no excess.
    let chrgs = format!("<Chrgs>{}</Chrgs>", rcrd("15.00", "CRDT", ""));
    let (_, rows, mismatch) = read(&doc("08", false, "115.00", &chrgs, &alpha("100.00")));
    assert_eq!(rows, ["100.00 Alpha SARL", "15.00 ACMT/MDOP/OTHR"]);
    assert_eq!(mismatch.len(), 1);
    // A batch in which one payment's charges cannot be read: the others'
    // do not explain the whole.
    let details = [
        detail(
            "600.00",
            None,
            "Alpha SARL",
            "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">50.00</TtlChrgsAndTaxAmt></Chrgs>",
        ),
        detail(
            "400.00",
            None,
            "Beta SAS",
            "<Chrgs><TtlChrgsAndTaxAmt Ccy=\"EUR\">x</TtlChrgsAndTaxAmt></Chrgs>",
        ),
    ];
    let (_, rows, mismatch) = read(&doc("08", false, "950.00", "", &details));
    assert_eq!(
        rows,
        [
            "600.00 Alpha SARL",
            "400.00 Beta SAS",
            "-50.00 ACMT/MDOP/OTHR"
        ]
    );
    assert_eq!(mismatch.len(), 1);
}

#[test]
fn charges_on_an_entry_whose_details_agree_change_nothing() {
    // Charges booked on their own (the entry already net): nothing to explain.
    let chrgs = format!("<Chrgs>{}</Chrgs>", rcrd("15.00", "DBIT", ""));
    let (_, rows, mismatch) = read(&doc("08", false, "100.00", &chrgs, &alpha("100.00")));
    assert_eq!(rows, ["100.00 Alpha SARL"]);
    assert!(mismatch.is_empty());
}

fn cents(c: u32) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the payments and the charges: the rows add up to the
    /// booking, each payer keeps what it sent, and a person is asked
    /// exactly when the charges stated do not account for a shortfall above
    /// 1 %.
    #[test]
    fn stated_charges_explain_exactly_what_they_match(
        payments in prop::collection::vec(1u32..100_000, 1..4),
        taken in 0u32..50_000,
        other in 0u32..50_000,
        exact in any::<bool>(),
    ) {
        let sent: u32 = payments.iter().sum();
        prop_assume!(taken < sent);
        let stated = if exact { taken } else { other };
        let details: Vec<String> = payments
            .iter()
            .map(|p| detail(&cents(*p), None, "Payer", ""))
            .collect();
        let chrgs = format!("<Chrgs>{}</Chrgs>", rcrd(&cents(stated), "DBIT", ""));
        let (e, rows, mismatch) = read(&doc("08", false, &cents(sent - taken), &chrgs, &details));
        prop_assert_eq!(
            Money::checked_sum(e.transactions.iter().map(|t| t.amount)),
            Some(e.amount)
        );
        for (row, p) in rows.iter().zip(&payments) {
            prop_assert_eq!(row, &format!("{} Payer", cents(*p)));
        }
        let within_one_percent = u64::from(taken) * 100 <= u64::from(sent);
        let explained = taken == 0 || taken == stated || within_one_percent;
        prop_assert_eq!(mismatch.is_empty(), explained, "{:?}", rows);
        if taken > 0 {
            let code = if explained { "ACMT/MDOP/CHRG" } else { "ACMT/MDOP/OTHR" };
            prop_assert_eq!(
                rows.last().cloned(),
                Some(format!("-{} {code}", cents(taken)))
            );
        }
    }
}
