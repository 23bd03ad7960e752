//! A customer's two identical instalments of one day (the same label and
//! amount, a blank reference zone) across the CFONB blocks of that day
//! delivered in other cuts (review 26 #1, #8). Their lines get `FP-x-1` in
//! each block and `FP-x-1`, `FP-x-2` in the whole day (identical lines are
//! counted per block), and the afternoon's is stored as `FP-x-1~20261118`
//! when it came as its own block: the blocks of a day are compared by
//! content, one line for one, never by those ids.
//!
//! - The day stored whole, then its afternoon block delivered late (or the
//!   morning and the afternoon re-sent): a part of the day, nothing imported
//!   (the afternoon's 500.00 was imported again: counted twice, shown as an
//!   unmatched credit or a suggestion for another invoice).
//! - The morning and the afternoon stored, then the whole day re-sent (or
//!   grown by another payment): the day grown, only the new payment
//!   imported (a false `conflicting_statement`, the new payment not
//!   imported).

use std::path::Path;

use crate::statement_identity::{applied, block, chased, client, credit, kinds, night, write};
use crate::support::csv_rows;

/// Alpha's instalment of 500.00, with the invoice reference (`ref`) or not.
fn half(reference: bool) -> [String; 2] {
    let text = if reference { "FACTURE F-1001" } else { "" };
    credit("181126", 50_000, "VIR SEPA ALPHA SARL", text)
}

fn epsilon() -> [String; 2] {
    credit("181126", 5_000, "VIR SEPA EPSILON", "DIVERS")
}

fn am(reference: bool) -> Vec<String> {
    block("171126", 0, &[half(reference)], "181126", 50_000)
}

fn pm(reference: bool) -> Vec<String> {
    block("171126", 50_000, &[half(reference)], "181126", 100_000)
}

fn whole(reference: bool) -> Vec<String> {
    block(
        "171126",
        0,
        &[half(reference), half(reference)],
        "181126",
        100_000,
    )
}

/// A per-currency amount of summary.json, "0.00" when the night had no
/// EUR at all.
fn eur(out: &Path, field: &str) -> String {
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    s["currencies"]["EUR"][field]
        .as_str()
        .unwrap_or("0.00")
        .to_string()
}

/// The money received tonight.
fn received(out: &Path) -> String {
    eur(out, "received")
}

/// The money received and not applied to any invoice, all nights so far.
fn unapplied(out: &Path) -> String {
    eur(out, "unapplied")
}

/// The `kind` of every open item.
fn open(out: &Path) -> Vec<String> {
    kinds(out, "open_items.csv")
}

/// An invoice's `open_after` and `status` in invoice_status.csv.
fn status(out: &Path, invoice: &str) -> (String, String) {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    let row = rows[1..].iter().find(|r| r[0] == invoice).unwrap();
    (row[col("open_after")].clone(), row[col("status")].clone())
}

/// Kinds of alert that say money was counted twice, a block is missing or
/// a day was refused: none is true of a day delivered in other cuts.
const FALSE: [&str; 5] = [
    "unmatched_credit",
    "suggested_match",
    "sequence_gap",
    "conflicting_statement",
    "repeated_transaction",
];

fn assert_no_false_alert(out: &Path, what: &str) {
    for kind in kinds(out, "alerts.csv").iter().chain(&open(out)) {
        assert!(!FALSE.contains(&kind.as_str()), "{what}: {kind}");
    }
}

/// The day's files, night after night (from the 19th), ending with a late
/// part that brings nothing; then the 26th.
fn split_day(what: &str, nights: &[Vec<(&str, Vec<String>)>]) {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let mut out = root.path().to_path_buf();
    for (n, files) in nights.iter().enumerate() {
        for (name, lines) in files {
            write(&c, name, lines);
        }
        out = night(&c, root.path(), &format!("2026-11-{}", 19 + n));
        if n == nights.len() - 1 {
            // The late part brings nothing: nothing received tonight.
            assert_eq!(received(&out), "0.00", "{what}");
            assert_eq!(applied(&out), Vec::<(String, String)>::new(), "{what}");
        }
        assert_no_false_alert(&out, what);
    }
    assert_eq!(
        status(&out, "F-1001"),
        ("0.00".into(), "paid".into()),
        "{what}"
    );
    let out = night(&c, root.path(), "2026-11-26");
    // 1000.00 received, all of it applied: none waits as unapplied.
    assert_eq!(unapplied(&out), "0.00", "{what}");
    assert_no_false_alert(&out, what);
    assert!(!chased(&out).contains("C1"), "{what}: {}", chased(&out));
}

#[test]
fn the_afternoon_block_late_after_the_day_grew_whole_is_a_part_of_it() {
    split_day(
        "a: am, the whole day (grown), then pm late",
        &[
            vec![("am.txt", am(true))],
            vec![("full.txt", whole(true))],
            vec![("pm.txt", pm(true))],
        ],
    );
}

#[test]
fn the_morning_and_afternoon_blocks_late_after_the_whole_day_are_parts_of_it() {
    split_day(
        "b: the whole day, then am and pm late",
        &[
            vec![("full.txt", whole(true))],
            vec![("am.txt", am(true))],
            vec![("pm.txt", pm(true))],
        ],
    );
}

#[test]
fn the_whole_day_then_its_two_blocks_re_sent_in_one_file_imports_nothing_again() {
    split_day(
        "c: the whole day, then am and pm re-sent in one file",
        &[
            vec![("full.txt", whole(true))],
            vec![("ap.txt", [am(true), pm(true)].concat())],
        ],
    );
}

#[test]
fn a_phantom_instalment_never_becomes_a_suggestion_for_another_invoice() {
    // Review 26 #1 e: Alpha owes three more invoices of 500.00 and pays
    // without an invoice reference. The afternoon block re-sent after the
    // whole day gave a third 500.00 that looked like a payment of F-1007.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let mut invoices = crate::statement_identity::INVOICES.to_string();
    for n in 5..=7 {
        invoices.push_str(&format!(
            "F-100{n},C1,Alpha SARL,2026-10-01,2026-11-18,500.00,500.00,EUR,,transfer,\n"
        ));
    }
    std::fs::write(c.join("invoices.csv"), invoices).unwrap();
    write(&c, "full.txt", &whole(false));
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(received(&out), "1000.00");
    write(&c, "ap.txt", &[am(false), pm(false)].concat());
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&out), "0.00");
    // Unapplied money is what Alpha really paid, once.
    let out = night(&c, root.path(), "2026-11-26");
    assert_eq!(unapplied(&out), "1000.00");
    let rows = csv_rows(&out.join("open_items.csv"));
    let credits: Vec<&Vec<String>> = rows[1..]
        .iter()
        .filter(|r| r[0] == "suggested_match" || r[0] == "unmatched_credit")
        .collect();
    // One credit waiting for a person per 500.00 received: two, not three.
    assert_eq!(credits.len(), 2, "{credits:?}");
    assert!(!open(&out).contains(&"sequence_gap".to_string()));
}

fn refused(out: &Path) -> bool {
    kinds(out, "alerts.csv")
        .iter()
        .chain(&open(out))
        .any(|k| k == "conflicting_statement")
}

#[test]
fn the_whole_day_re_sent_after_its_two_identical_instalments_is_no_conflict() {
    // Review 26 #8 a: am, pm (the afternoon's stored as FP-…-1~20261118),
    // then the whole day re-sent: nothing new, no conflict.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "am.txt", &am(true));
    night(&c, root.path(), "2026-11-19");
    write(&c, "pm.txt", &pm(true));
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), [("F-1001".into(), "500.00".into())]);
    write(&c, "full.txt", &whole(true));
    let out = night(&c, root.path(), "2026-11-21");
    assert_eq!(received(&out), "0.00");
    assert!(!refused(&out), "{:?}", kinds(&out, "alerts.csv"));
    let out = night(&c, root.path(), "2026-11-23");
    assert!(!refused(&out), "{:?}", open(&out));
    assert_eq!(received(&out), "0.00");
    assert_eq!(unapplied(&out), "0.00");
    assert_eq!(status(&out, "F-1001"), ("0.00".into(), "paid".into()));
}

#[test]
fn the_whole_day_grown_over_its_two_identical_instalments_imports_only_the_new_payment() {
    // Review 26 #8 b: am and pm in one file, then the whole day grown by
    // Epsilon's 50.00: Epsilon's 50.00 is imported, once; Alpha's are not
    // again (it was refused as a conflict, Epsilon's money never imported).
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "ap.txt", &[am(true), pm(true)].concat());
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(received(&out), "1000.00");
    let grown = block(
        "171126",
        0,
        &[half(true), half(true), epsilon()],
        "181126",
        105_000,
    );
    write(&c, "full.txt", &grown);
    let out = night(&c, root.path(), "2026-11-20");
    assert!(!refused(&out), "{:?}", kinds(&out, "alerts.csv"));
    assert_eq!(received(&out), "50.00");
    assert_eq!(unapplied(&out), "50.00");
    let out = night(&c, root.path(), "2026-11-21");
    assert_eq!(received(&out), "0.00");
    assert_eq!(unapplied(&out), "50.00");
    assert!(!refused(&out), "{:?}", open(&out));
    assert_eq!(status(&out, "F-1001"), ("0.00".into(), "paid".into()));
    // The afternoon block re-sent afterwards, and the morning: parts of the
    // day, nothing more.
    write(&c, "pm-again.txt", &pm(true));
    write(&c, "am-again.txt", &am(true));
    let out = night(&c, root.path(), "2026-11-22");
    assert_eq!(received(&out), "0.00");
    assert_eq!(unapplied(&out), "50.00");
    assert!(!refused(&out), "{:?}", open(&out));
}

#[test]
fn a_middle_block_of_a_day_stored_whole_is_a_part_of_it() {
    // Three identical instalments of 500.00 in one block 0→1500, then the
    // middle block 500→1000 delivered late: it opens where the stored
    // day's first instalment leaves it, its line is the day's second.
    let three = block(
        "171126",
        0,
        &[half(true), half(true), half(true)],
        "181126",
        150_000,
    );
    let middle = block("171126", 50_000, &[half(true)], "181126", 100_000);
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "full.txt", &three);
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(received(&out), "1500.00");
    // F-1001 is 1000.00: 500.00 is left over, for a person.
    assert_eq!(unapplied(&out), "500.00");
    write(&c, "mid.txt", &middle);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&out), "0.00");
    assert_eq!(unapplied(&out), "500.00");
    let alerts = kinds(&out, "alerts.csv");
    assert!(
        !alerts.iter().any(|k| FALSE.contains(&k.as_str())),
        "{alerts:?}"
    );
    assert!(!open(&out).contains(&"sequence_gap".to_string()));
}
