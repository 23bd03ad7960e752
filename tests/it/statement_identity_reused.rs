//! A bank reference reused by another payment across statements (review 38
//! banks F7, F8): a CFONB reference zone of zeros, or a camt `NtryRef`
//! numbered from 1 in each statement, on two payments of one day. The
//! second payment, whose payer is another's, was dropped as the first
//! delivered again and its payer chased; the same payment delivered again,
//! even worded otherwise, must still be counted once.

use std::path::Path;

use crate::statement_identity::{
    amount, applied, balance, chased, client, kinds, night, received, write,
};
use crate::support::{Ntry, Tx, camt};

/// A 04 credit transfer of `cents` booked on `date`, label `label`, its
/// reference zone (cols 105-120) all zeros, and its 05 `LCC` text.
fn zeroed(date: &str, cents: i64, label: &str, text: &str) -> [String; 2] {
    [
        format!(
            "0430006000100001EUR2 1234567890105{date}  {date}{label:<31}  000000000{}0000000000000000",
            amount(cents)
        ),
        format!("0530006000100001EUR2 1234567890105{date}     LCC{text:<70}  "),
    ]
}

#[test]
fn a_cfonb_zero_reference_zone_on_another_payers_payment_is_another_payment() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let alpha = zeroed("201126", 100_000, "VIR SEPA ALPHA SARL", "FACTURE F-1001");
    let beta = zeroed("201126", 100_000, "VIR SEPA BETA SAS", "FACTURE F-1002");
    let mut a = vec![balance("01", "191126", 0)];
    a.extend(alpha.iter().cloned());
    a.push(balance("07", "201126", 100_000));
    write(&c, "a.txt", &a);
    night(&c, root.path(), "2026-11-20");
    // Monday's statement holds Beta's 1000.00 booked on Friday, under the
    // same zeros, the same day and amount.
    let mut b = vec![balance("01", "201126", 100_000)];
    b.extend(beta.iter().cloned());
    b.push(balance("07", "231126", 200_000));
    write(&c, "b.txt", &b);
    let out = night(&c, root.path(), "2026-11-23");
    // (1000.00 for Beta's 750.00 invoice: applied, the rest left over.)
    assert_eq!(
        applied(&out),
        [("F-1002".to_string(), "750.00".to_string())]
    );
    assert!(!kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
    assert!(!chased(&out).contains("F-1002"), "{}", chased(&out));
}

/// Alpha's (or Beta's) 1000.00 under the entry reference `1`.
fn one(payer: &'static str, text: &'static str) -> Ntry {
    Ntry {
        reference: "1",
        date: "2026-11-20",
        code: "RCDT/ESCT",
        amount: "1000.00",
        txs: vec![Tx {
            amount: "1000.00",
            name: Some(payer),
            text: Some(text),
            ..Tx::default()
        }],
    }
}

fn statement(c: &Path, file: &str, id: &str, seq: u32, open: &str, close: &str, e: Ntry) {
    statement_of(c, file, id, seq, (open, close), &[e]);
}

/// The camt.053 `id` of 20/11 in `file`, its balances and entries.
fn statement_of(c: &Path, file: &str, id: &str, seq: u32, balances: (&str, &str), e: &[Ntry]) {
    let iban = crate::statement_identity::IBAN;
    let x = camt(
        false,
        id,
        seq,
        iban,
        "2026-11-20",
        "2026-11-20",
        Some(balances),
        e,
    );
    std::fs::write(c.join("statements").join(file), x).unwrap();
}

#[test]
fn camt_statements_numbering_entries_from_one_keep_two_payers_apart() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let alpha = || one("ALPHA SARL", "FACTURE F-1001");
    statement(&c, "a.xml", "S-1", 1, "0.00", "1000.00", alpha());
    statement(
        &c,
        "b.xml",
        "S-2",
        2,
        "1000.00",
        "2000.00",
        one("BETA SAS", "FACTURE F-1002"),
    );
    let out = night(&c, root.path(), "2026-11-20");
    let mut got = applied(&out);
    got.sort();
    let want = [("F-1001", "1000.00"), ("F-1002", "750.00")];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(!kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
    // The look-alike: Alpha's statement reissued under another id is Alpha's
    // payment delivered again, never a second 1000.00.
    statement(&c, "a-bis.xml", "S-1-BIS", 3, "0.00", "1000.00", alpha());
    let out = night(&c, root.path(), "2026-11-21");
    assert!(applied(&out).is_empty(), "{:?}", applied(&out));
    assert!(kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
    let unmatched = std::fs::read_to_string(out.join("unmatched.csv")).unwrap();
    assert!(!unmatched.contains("1000.00"), "{unmatched}");
    // Reissued again worded otherwise (verify 38 V1): the payer's name
    // written with dots, the text reworded. Still Alpha's one payment.
    statement(
        &c,
        "a-ter.xml",
        "S-1-TER",
        4,
        "0.00",
        "1000.00",
        one("ALPHA S.A.R.L.", "FACT. F-1001 MERCI"),
    );
    let out = night(&c, root.path(), "2026-11-22");
    assert!(applied(&out).is_empty(), "{:?}", applied(&out));
    assert!(kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
}

#[test]
fn one_payer_paying_twice_a_day_in_two_statements_is_paid_twice() {
    // Alpha pays two invoices on one day, each text quoting its customer
    // number (a number in common), and the bank issues two statements that
    // day, numbering `NtryRef` from 1 in each. The second opens where the
    // first closed: it cannot hold the first's payment again.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    std::fs::write(
        c.join("invoices.csv"),
        format!(
            "{}F-1003,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,\n",
            crate::statement_identity::INVOICES
        ),
    )
    .unwrap();
    let first = || one("ALPHA SARL", "FACTURE F-1001 CLIENT 4711");
    statement(&c, "a.xml", "S-1", 1, "0.00", "1000.00", first());
    let second = one("ALPHA SARL", "FACTURE F-1003 CLIENT 4711");
    statement(&c, "b.xml", "S-2", 2, "1000.00", "2000.00", second);
    let out = night(&c, root.path(), "2026-11-20");
    let mut got = applied(&out);
    got.sort();
    let want = [("F-1001", "1000.00"), ("F-1003", "1000.00")];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(!kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
    assert!(!chased(&out).contains("F-1003"), "{}", chased(&out));
    // The look-alike: the first statement sent again under another id
    // opens where it opened. Alpha's first payment, counted once.
    statement(&c, "a-bis.xml", "S-1-BIS", 3, "0.00", "1000.00", first());
    let out = night(&c, root.path(), "2026-11-21");
    assert!(applied(&out).is_empty(), "{:?}", applied(&out));
    assert!(kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
}

#[test]
fn a_statement_listing_the_held_payment_again_does_not_follow_it() {
    // It opens where the first closed, but lists Alpha's 1000.00 again: its
    // balances do not add up (`balance_mismatch`), so it is no proof of a
    // later period, and the payment is counted once (verify 39 banks F3).
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let alpha = || one("ALPHA SARL", "FACTURE F-1001 CLIENT 4711");
    statement(&c, "a.xml", "S-1", 1, "0.00", "1000.00", alpha());
    statement(&c, "b.xml", "S-2", 2, "1000.00", "1000.00", alpha());
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(
        applied(&out),
        [("F-1001".to_string(), "1000.00".to_string())]
    );
    assert!(kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
}

#[test]
fn a_days_statements_follow_one_another_in_any_order_and_any_number() {
    // Verify 39 banks F1, F2: Alpha pays in each of a day's statements,
    // `NtryRef` 1 in each, quoting its customer number. The first one
    // arriving second (its id sorting after, or a night late), or a third
    // one, still follows along the balances: every payment is counted.
    let invoices = format!(
        "{}F-1003,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,\n\
         F-1005,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,\n",
        crate::statement_identity::INVOICES
    );
    let paid = |out: &Path| {
        let mut got: Vec<String> = applied(out).into_iter().map(|(i, _)| i).collect();
        got.sort();
        got
    };
    // (file, id, number, opening, closing, Alpha's text) per night.
    type Stmt = (
        &'static str,
        &'static str,
        u32,
        &'static str,
        &'static str,
        &'static str,
    );
    let day_one: Stmt = (
        "z.xml",
        "Z-1",
        1,
        "0.00",
        "1000.00",
        "FACTURE F-1001 CLIENT 4711",
    );
    let day_two: Stmt = (
        "a.xml",
        "A-2",
        2,
        "1000.00",
        "2000.00",
        "FACTURE F-1003 CLIENT 4711",
    );
    let day_three: Stmt = (
        "m.xml",
        "M-3",
        3,
        "2000.00",
        "3000.00",
        "FACTURE F-1005 CLIENT 4711",
    );
    // The day's first and last statements with ids sorting before the
    // middle one's: they go in along their balances, not by id (verify 40
    // banks B3: the last one met the first before the middle was stored,
    // and its payment was taken for a repeat).
    let first: Stmt = ("a1.xml", "A-1", 1, "0.00", "1000.00", day_one.5);
    let middle: Stmt = ("c2.xml", "C-2", 2, "1000.00", "2000.00", day_two.5);
    let last: Stmt = ("b3.xml", "B-3", 3, "2000.00", "3000.00", day_three.5);
    let cases: [&[&[Stmt]]; 4] = [
        &[&[day_one, day_two]],
        &[&[day_two], &[day_one]],
        &[&[day_one, day_two, day_three]],
        &[&[first, middle, last]],
    ];
    for nights in cases {
        let root = tempfile::tempdir().unwrap();
        let c = client(root.path());
        std::fs::write(c.join("invoices.csv"), &invoices).unwrap();
        let mut got = Vec::new();
        for (k, stmts) in nights.iter().enumerate() {
            for &(file, id, seq, open, close, text) in *stmts {
                statement(&c, file, id, seq, open, close, one("ALPHA SARL", text));
            }
            let out = night(&c, root.path(), &format!("2026-11-2{k}"));
            assert!(
                !kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()),
                "{nights:?}"
            );
            got.extend(paid(&out));
        }
        got.sort();
        let mut want: Vec<String> = nights
            .iter()
            .flat_map(|s| s.iter().map(|s| s.5[8..14].to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "{nights:?}");
    }
}

#[test]
fn a_statement_that_does_not_add_up_or_opens_again_never_follows() {
    // Alpha's one 1000.00, counted once whatever comes around it.
    let alpha = || one("ALPHA SARL", "FACTURE F-1001 CLIENT 4711");
    // Verify 40 B4: the day's second statement re-lists Alpha's payment
    // beside Beta's and does not add up; it comes first (its id sorts
    // first). It says nothing of where the balance went.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let beta = Ntry {
        reference: "2",
        amount: "750.00",
        txs: vec![Tx {
            amount: "750.00",
            name: Some("BETA SAS"),
            text: Some("FACTURE F-1002"),
            ..Tx::default()
        }],
        ..alpha()
    };
    statement_of(
        &c,
        "a.xml",
        "A-2",
        2,
        ("1000.00", "1750.00"),
        &[alpha(), beta],
    );
    statement_of(&c, "z.xml", "Z-1", 1, ("0.00", "1000.00"), &[alpha()]);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&out), "1750.00");
    assert!(kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
    // Verify 40 B2: the balance came back to where the day opened, and the
    // first statement is sent again under another id: it opens where a
    // statement of its day opened, so it follows none.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let sweep = Ntry {
        reference: "2",
        code: "ICDT/ESCT",
        amount: "-1000.00",
        txs: vec![Tx {
            amount: "-1000.00",
            name: Some("CASH POOL"),
            ..Tx::default()
        }],
        ..alpha()
    };
    statement_of(&c, "s1.xml", "S-1", 1, ("0.00", "1000.00"), &[alpha()]);
    statement_of(&c, "s2.xml", "S-2", 2, ("1000.00", "0.00"), &[sweep]);
    let first = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&first), "1000.00");
    statement_of(&c, "s3.xml", "S-1-BIS", 3, ("0.00", "1000.00"), &[alpha()]);
    let out = night(&c, root.path(), "2026-11-21");
    assert_ne!(received(&out), "1000.00");
    assert!(kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
}

#[test]
fn a_statement_with_no_movement_between_two_keeps_both_payments() {
    // Verify 40 C1: an intraday statement with no entry (1000.00 to
    // 1000.00) opens where the next one opens; it covers no time, so the
    // next still follows the first: Alpha's two payments both count.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let day = "2026-11-20";
    statement(
        &c,
        "a.xml",
        "S-1",
        1,
        "0.00",
        "1000.00",
        one("ALPHA SARL", "FACTURE F-1001 CLIENT 4711"),
    );
    statement_of(&c, "b.xml", "S-2", 2, ("1000.00", "1000.00"), &[]);
    statement(
        &c,
        "c.xml",
        "S-3",
        3,
        "1000.00",
        "2000.00",
        one("ALPHA SARL", "FACTURE F-1001 CLIENT 4711"),
    );
    let out = night(&c, root.path(), day);
    assert_eq!(received(&out), "2000.00");
    assert!(!kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
}
