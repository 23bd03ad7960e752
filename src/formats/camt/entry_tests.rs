//! How an entry's `TxDtls` are signed when their `CdtDbtInd` contradicts the
//! entry's (review 37 F1, F5): details that echo the original direction and
//! add up to the booking are read with its sign; a mixed batch that nets to
//! the booking keeps its signs; and when the signs cannot be settled, no
//! customer is credited with money that left the account. And whose money
//! a one-payment entry's excess is (review 37 F4).

use std::path::Path;

use proptest::prelude::*;

use crate::money::Money;
use crate::statement::{Entry, FindingKind};

/// One `TxDtls`: amount, `CdtDbtInd` (`Some(true)` DBIT, `None` absent),
/// debtor name.
type Detail<'a> = (&'a str, Option<bool>, &'a str);

fn ind(debit: bool) -> &'static str {
    if debit { "DBIT" } else { "CRDT" }
}

/// A camt.053 with one entry booked `amount` (`debit`), `code`
/// (`family/subfamily`), these details.
fn doc(debit: bool, amount: &str, code: &str, details: &[Detail<'_>]) -> String {
    let (fam, sub) = code.split_once('/').unwrap_or(("RCDT", "ESCT"));
    let rvsl = if sub == "UPDD" || sub == "RRTN" {
        "<RvslInd>true</RvslInd>"
    } else {
        ""
    };
    let mut x = format!(
        "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt><Id>S</Id>\
<Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id><Ccy>EUR</Ccy></Acct>\
<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{}</CdtDbtInd>{rvsl}<Sts><Cd>BOOK</Cd></Sts>\
<BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef>\
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>",
        ind(debit)
    );
    // A return reason on the details of a debit booking, or of a reversal.
    let rtr = if debit || !rvsl.is_empty() {
        "<RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf>"
    } else {
        ""
    };
    for (i, (amt, d, name)) in details.iter().enumerate() {
        x.push_str(&format!(
            "<TxDtls><Refs><EndToEndId>E{i}</EndToEndId></Refs><Amt Ccy=\"EUR\">{amt}</Amt>{}\
<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>FACTURE F-1</Ustrd></RmtInf>{rtr}</TxDtls>",
            d.map(|d| format!("<CdtDbtInd>{}</CdtDbtInd>", ind(d)))
                .unwrap_or_default()
        ));
    }
    x.push_str("</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>");
    x
}

fn read(debit: bool, amount: &str, code: &str, details: &[Detail<'_>]) -> (Entry, Vec<String>) {
    let p = super::parse(
        doc(debit, amount, code, details).as_bytes(),
        Path::new("t.xml"),
    )
    .expect("parses");
    let mismatches = p
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::BalanceMismatch)
        .map(|f| f.message.clone())
        .collect();
    let entry = p
        .statements
        .into_iter()
        .flat_map(|s| s.entries)
        .next()
        .expect("an entry");
    (entry, mismatches)
}

/// Each transaction as `amount payer`.
fn rows(e: &Entry) -> Vec<String> {
    e.transactions
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t.amount.to_plain(),
                t.counterparty.name.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn a_return_batch_whose_details_echo_the_collections_credit_is_two_returns() {
    let (e, mismatch) = read(
        true,
        "150.00",
        "IDDT/UPDD",
        &[
            ("100.00", Some(false), "Alpha SARL"),
            ("50.00", Some(false), "Beta SAS"),
        ],
    );
    assert_eq!(rows(&e), ["-100.00 Alpha SARL", "-50.00 Beta SAS"]);
    assert!(mismatch.is_empty(), "{mismatch:?}");
    for t in &e.transactions {
        assert_eq!(
            t.kind(&e),
            crate::statement::TxKind::DirectDebitReturned,
            "{t:?}"
        );
    }
}

#[test]
fn a_credit_whose_only_detail_says_debit_is_its_payers_credit() {
    let (e, mismatch) = read(
        false,
        "100.00",
        "RCDT/ESCT",
        &[("100.00", Some(true), "Alpha SARL")],
    );
    assert_eq!(rows(&e), ["100.00 Alpha SARL"]);
    assert!(mismatch.is_empty(), "{mismatch:?}");
}

#[test]
fn our_own_payment_coming_back_is_credited_to_nobody() {
    // review 37 verify1 R2: a credit booking reversing our transfer to a
    // supplier (RvslInd, ICDT/RRTN), whose detail repeats the original
    // DBIT: money of ours coming back, no customer's payment. Its detail
    // is not taken and the money is a row for a person, as before the
    // echo rule.
    let (e, mismatch) = read(
        false,
        "100.00",
        "ICDT/RRTN",
        &[("100.00", Some(true), "MA SOCIETE SAS")],
    );
    assert!(
        e.transactions
            .iter()
            .all(|t| t.difference || !t.amount.is_positive()),
        "{:?}",
        rows(&e)
    );
    let row = e.transactions.iter().find(|t| t.difference).expect("a row");
    assert_eq!(row.amount.to_plain(), "100.00");
    assert!(row.counterparty.name.is_none(), "{:?}", rows(&e));
    assert_eq!(mismatch.len(), 1, "a person is told");
}

#[test]
fn a_mixed_batch_netting_to_the_booking_keeps_its_signs() {
    // Booked DBIT 50.00: a credit of 100.00 and a debit of 150.00.
    let (e, mismatch) = read(
        true,
        "50.00",
        "RCDT/ESCT",
        &[
            ("100.00", Some(false), "Alpha SARL"),
            ("150.00", Some(true), "Beta SAS"),
        ],
    );
    assert_eq!(rows(&e), ["100.00 Alpha SARL", "-150.00 Beta SAS"]);
    assert!(mismatch.is_empty(), "{mismatch:?}");
    // The same, booked CRDT 50.00, one detail without an indicator.
    let (e, _) = read(
        false,
        "50.00",
        "RCDT/ESCT",
        &[
            ("150.00", None, "Alpha SARL"),
            ("100.00", Some(true), "Beta SAS"),
        ],
    );
    assert_eq!(rows(&e), ["150.00 Alpha SARL", "-100.00 Beta SAS"]);
    // And within charges: 1,300.00 out, 300.00 in, booked 1,005.00 out.
    let (e, mismatch) = read(
        true,
        "1005.00",
        "RCDT/ESCT",
        &[
            ("1300.00", Some(true), "Alpha SARL"),
            ("300.00", Some(false), "Beta SAS"),
        ],
    );
    assert_eq!(
        rows(&e),
        ["-1300.00 Alpha SARL", "300.00 Beta SAS", "-5.00 -"]
    );
    assert!(mismatch.is_empty(), "{mismatch:?}");
}

#[test]
fn echoing_details_that_do_not_add_up_credit_nobody_and_ask_a_person() {
    // Booked DBIT 150.00, details CRDT 100.00 and 40.00: not the booking
    // with either sign.
    let (e, mismatch) = read(
        true,
        "150.00",
        "IDDT/UPDD",
        &[
            ("100.00", Some(false), "Alpha SARL"),
            ("40.00", Some(false), "Beta SAS"),
        ],
    );
    assert_eq!(rows(&e), ["0.00 Alpha SARL", "0.00 Beta SAS", "-150.00 -"]);
    assert_eq!(mismatch.len(), 1);
    assert!(
        mismatch[0].contains("not taken: 100.00 (end-to-end id E0), 40.00 (end-to-end id E1)"),
        "{mismatch:?}"
    );
}

#[test]
fn a_credit_in_a_debit_booking_the_details_do_not_settle_credits_nobody() {
    // Short: booked DBIT 150.00, a credit of 100.00 and a debit of 50.00.
    let (e, mismatch) = read(
        true,
        "150.00",
        "RCDT/ESCT",
        &[
            ("100.00", Some(false), "Alpha SARL"),
            ("50.00", Some(true), "Beta SAS"),
        ],
    );
    assert_eq!(
        rows(&e),
        ["0.00 Alpha SARL", "-50.00 Beta SAS", "-100.00 -"]
    );
    assert_eq!(mismatch.len(), 1);
    // Doubt: booked DBIT 50.00, a credit of 100.00 and a debit of 200.00.
    let (e, mismatch) = read(
        true,
        "50.00",
        "RCDT/ESCT",
        &[
            ("100.00", Some(false), "Alpha SARL"),
            ("200.00", Some(true), "Beta SAS"),
        ],
    );
    assert_eq!(rows(&e), ["0.00 Alpha SARL", "0.00 Beta SAS", "-50.00 -"]);
    assert_eq!(mismatch.len(), 1);
}

#[test]
fn one_payments_excess_is_its_payers_and_a_batchs_nobodys() {
    // review 37 F4: booked 100.00, its one detail says 10.00.
    let (e, mismatch) = read(
        false,
        "100.00",
        "RCDT/ESCT",
        &[("10.00", None, "Alpha SARL")],
    );
    assert_eq!(mismatch.len(), 1, "a person is told");
    assert_eq!(rows(&e), ["10.00 Alpha SARL", "90.00 Alpha SARL"]);
    assert!(e.transactions[1].difference);
    assert_eq!(e.transactions[1].remittance, ["FACTURE F-1"]);
    // A batch's excess could be any payer's: the row names none.
    let (e, _) = read(
        false,
        "100.00",
        "RCDT/ESCT",
        &[("10.00", None, "Alpha SARL"), ("20.00", None, "Beta SAS")],
    );
    assert_eq!(rows(&e), ["10.00 Alpha SARL", "20.00 Beta SAS", "70.00 -"]);
    assert!(e.transactions[2].remittance.is_empty());
    // Nor does a shortfall's row (money missing is nobody's payment).
    let (e, _) = read(
        false,
        "10.00",
        "RCDT/ESCT",
        &[("100.00", None, "Alpha SARL")],
    );
    assert_eq!(rows(&e), ["100.00 Alpha SARL", "-90.00 -"]);
}

fn cents(c: u32) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the details say: the transactions add up to the booking,
    /// and a debit booking credits somebody only when its details, read
    /// with their own signs, net to it (or to it less charges).
    #[test]
    fn transactions_add_up_and_money_that_left_credits_nobody_unsettled(
        debit in any::<bool>(),
        booked in 0u32..100_000,
        details in prop::collection::vec((1u32..100_000, prop::option::of(any::<bool>())), 1..5),
    ) {
        let amounts: Vec<String> = details.iter().map(|(c, _)| cents(*c)).collect();
        let ds: Vec<Detail<'_>> = details
            .iter()
            .zip(&amounts)
            .map(|((_, d), a)| (a.as_str(), *d, "Payer"))
            .collect();
        let (e, _) = read(debit, &cents(booked), "RCDT/ESCT", &ds);
        let total = Money::checked_sum(e.transactions.iter().map(|t| t.amount));
        prop_assert_eq!(total, Some(e.amount));
        let own: i64 = details
            .iter()
            .map(|(c, d)| if d.unwrap_or(debit) { -i64::from(*c) } else { i64::from(*c) })
            .sum();
        let signed = if debit { -i64::from(booked) } else { i64::from(booked) };
        let diff = signed - own;
        let settled = diff == 0 || (diff < 0 && diff.abs() * 100 <= own.abs());
        let credited = e.transactions.iter().any(|t| !t.difference && t.amount.is_positive());
        if debit && credited {
            prop_assert!(settled, "{:?}", e.transactions);
        }
    }

    /// Details that all say the entry's direction, or all the opposite
    /// (the original payment's), read the same when they add up to it.
    #[test]
    fn echoed_directions_read_as_the_booking(
        debit in any::<bool>(),
        details in prop::collection::vec(1u32..100_000, 1..5),
    ) {
        let amounts: Vec<String> = details.iter().map(|c| cents(*c)).collect();
        let booked = cents(details.iter().sum());
        let with = |d: Option<bool>| {
            let ds: Vec<Detail<'_>> = amounts.iter().map(|a| (a.as_str(), d, "Payer")).collect();
            let (e, mismatch) = read(debit, &booked, "RCDT/ESCT", &ds);
            (rows(&e), mismatch)
        };
        let own = with(Some(debit));
        prop_assert_eq!(&own, &with(Some(!debit)));
        prop_assert_eq!(&own, &with(None));
        prop_assert!(own.1.is_empty());
    }
}
