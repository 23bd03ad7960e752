//! The blocks of one CFONB day told apart (review 24 #1, #2, #9, #11): the
//! whole day re-sent corrected after its morning and afternoon blocks is a
//! conflict, never imported beside them; a block following the day's last
//! one is the next block even when the balance came back to an earlier
//! block's opening; the day grown over its blocks leaves no false gap; a
//! block delivered again is named as the `-k` block it is.

use std::path::{Path, PathBuf};

use crate::statement_identity::{
    alpha, applied, beta, block, chased, client, credit, kinds, night, received, write,
};
use crate::support::csv_rows;

/// A client whose morning block (Alpha 1000.00, 0→1000) came on night 19
/// and afternoon block (Beta 750.00, 1000→1750) on night 20: the client
/// folder and night 20's outputs.
fn am_then_pm(root: &Path) -> (PathBuf, PathBuf) {
    let c = client(root);
    write(
        &c,
        "am.txt",
        &block("171126", 0, &[alpha()], "181126", 100_000),
    );
    night(&c, root, "2026-11-19");
    write(
        &c,
        "pm.txt",
        &block("171126", 100_000, &[beta()], "181126", 175_000),
    );
    let out = night(&c, root, "2026-11-20");
    (c, out)
}

#[test]
fn the_whole_day_re_sent_corrected_after_its_two_blocks_is_a_conflict() {
    // The corrected day: Beta 700.00 and Epsilon 50.00 instead of Beta
    // 750.00 (closing 1750.00), or Beta 700.00 only (closing 1700.00).
    let beta_700 = || credit("181126", 70_000, "VIR SEPA BETA SAS", "FACTURE F-1002");
    let epsilon = || credit("181126", 5_000, "VIR SEPA EPSILON", "DIVERS");
    for (moves, close) in [
        (vec![alpha(), beta_700(), epsilon()], 175_000),
        (vec![alpha(), beta_700()], 170_000),
    ] {
        let root = tempfile::tempdir().unwrap();
        let (c, out) = am_then_pm(root.path());
        assert_eq!(applied(&out), [("F-1002".into(), "750.00".into())]);
        write(&c, "full.txt", &block("171126", 0, &moves, "181126", close));
        let out = night(&c, root.path(), "2026-11-21");
        // Beta's 750.00 stays; none of the corrected money is imported
        // beside it: a person checks the day with the bank.
        assert_eq!(
            kinds(&out, "alerts.csv"),
            ["conflicting_statement"],
            "{close}"
        );
        assert_eq!(applied(&out), Vec::<(String, String)>::new(), "{close}");
        assert_eq!(received(&out), "none", "{close}");
        let out = night(&c, root.path(), "2026-11-23");
        assert_eq!(received(&out), "none", "{close}");
        assert!(
            !kinds(&out, "alerts.csv").contains(&"unmatched_credit".to_string()),
            "{close}"
        );
    }
}

#[test]
fn a_block_after_an_intraday_sweep_is_the_next_block_not_the_morning_corrected() {
    let am = block("171126", 0, &[alpha()], "181126", 100_000);
    let sweep = credit("181126", -100_000, "PRLV CASH POOLING", "SWEEP");
    let pm = block("171126", 100_000, &[sweep], "181126", 0);
    let eve = block("171126", 0, &[beta()], "181126", 75_000);

    // One file, three chained blocks.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(
        &c,
        "day.txt",
        &[am.clone(), pm.clone(), eve.clone()].concat(),
    );
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(
        applied(&out),
        [
            ("F-1001".into(), "1000.00".into()),
            ("F-1002".into(), "750.00".into())
        ]
    );
    assert!(
        !kinds(&out, "alerts.csv").contains(&"conflicting_statement".to_string()),
        "{:?}",
        kinds(&out, "alerts.csv")
    );
    assert_eq!(received(&out), "1750.00");
    assert!(!chased(&out).contains("C2"), "{}", chased(&out));
    // The same file again is nothing new.
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&out), "none");
    assert_eq!(kinds(&out, "alerts.csv"), Vec::<String>::new());

    // Three files on three nights; the morning re-sent afterwards is a part
    // of the day already imported.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "am.txt", &am);
    night(&c, root.path(), "2026-11-19");
    write(&c, "pm.txt", &pm);
    night(&c, root.path(), "2026-11-20");
    write(&c, "eve.txt", &eve);
    let out = night(&c, root.path(), "2026-11-21");
    assert_eq!(applied(&out), [("F-1002".into(), "750.00".into())]);
    assert_eq!(kinds(&out, "alerts.csv"), Vec::<String>::new());
    assert_eq!(received(&out), "750.00");
    write(&c, "am2.txt", &am);
    let out = night(&c, root.path(), "2026-11-22");
    assert_eq!(received(&out), "none");
    assert!(
        !kinds(&out, "alerts.csv").contains(&"conflicting_statement".to_string()),
        "{:?}",
        kinds(&out, "alerts.csv")
    );
}

#[test]
fn a_block_delivered_again_is_named_as_the_block_it_is_in_state() {
    let root = tempfile::tempdir().unwrap();
    let (c, _) = am_then_pm(root.path());
    let pm = block("171126", 100_000, &[beta()], "181126", 175_000);
    write(&c, "pm-again.txt", &pm);
    let out = night(&c, root.path(), "2026-11-21");
    let rows = csv_rows(&out.join("alerts.csv"));
    let duplicate: Vec<String> = rows[1..]
        .iter()
        .filter(|r| r[0] == "duplicate_statement")
        .map(|r| r.join(","))
        .collect();
    assert_eq!(duplicate.len(), 1, "{duplicate:?}");
    assert!(
        duplicate[0].contains("statement 30006-00001-12345678901-20261117-20261118-2 of account"),
        "{duplicate:?}"
    );
}

#[test]
fn one_customers_two_identical_instalments_in_two_blocks_of_a_day_are_two_payments() {
    // Alpha pays F-1001 (1000.00) in two instalments of 500.00, the same
    // label and a blank reference zone, one in the morning block and one in
    // the afternoon block: the same `FP-…-1` id (identical lines are counted
    // per block). The afternoon one was taken for the morning one delivered
    // again: 500.00 lost and Alpha chased (review 24 #6).
    let half = || credit("181126", 50_000, "VIR SEPA ALPHA SARL", "FACTURE F-1001");
    let am = block("171126", 0, &[half()], "181126", 50_000);
    let pm = block("171126", 50_000, &[half()], "181126", 100_000);
    // Two files, two nights.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "am.txt", &am);
    night(&c, root.path(), "2026-11-19");
    write(&c, "pm.txt", &pm);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), [("F-1001".into(), "500.00".into())]);
    assert_eq!(received(&out), "500.00");
    let out = night(&c, root.path(), "2026-11-30");
    assert!(!chased(&out).contains("C1"), "{}", chased(&out));
    // One file, both blocks; the same file again adds nothing.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "day.txt", &[am, pm].concat());
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(received(&out), "1000.00");
    write(
        &c,
        "day-again.txt",
        &std::fs::read_to_string(c.join("statements/day.txt"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>(),
    );
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&out), "none");
    assert!(!chased(&out).contains("C1"), "{}", chased(&out));
}

#[test]
fn a_sweep_days_last_block_identical_to_its_first_is_new_money() {
    // Alpha pays F-1001 (1000.00) in two instalments of 500.00 with the same
    // label; between them the account is swept back to 0.00, so the evening
    // block is byte for byte the morning one (review 25 #4: the second
    // 500.00 was dropped as the morning block delivered again, with no
    // alert, and Alpha chased).
    let half = || credit("181126", 50_000, "VIR SEPA ALPHA SARL", "FACTURE F-1001");
    let sweep = || credit("181126", -50_000, "PRLV CASH POOLING", "SWEEP");
    let am = block("171126", 0, &[half()], "181126", 50_000);
    let pm = block("171126", 50_000, &[sweep()], "181126", 0);
    let day = [am.clone(), pm.clone(), am.clone()].concat();

    // One file: its order and balances say the third block is new.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "day.txt", &day);
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(received(&out), "1000.00");
    let half_applied = ("F-1001".to_string(), "500.00".to_string());
    assert_eq!(applied(&out), [half_applied.clone(), half_applied]);
    // The same file again, and again under another name: nothing more.
    write(&c, "day-again.txt", &day);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&out), "none");
    let out = night(&c, root.path(), "2026-11-30");
    assert_eq!(received(&out), "none");
    assert!(!chased(&out).contains("C1"), "{}", chased(&out));

    // The morning and the sweep on one night, the whole day on the next.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(&c, "am-pm.txt", &[am.clone(), pm].concat());
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(applied(&out), [("F-1001".into(), "500.00".into())]);
    write(&c, "day.txt", &day);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(received(&out), "500.00");
    assert_eq!(applied(&out), [("F-1001".into(), "500.00".into())]);
    let out = night(&c, root.path(), "2026-11-30");
    assert_eq!(received(&out), "none");
    assert!(!chased(&out).contains("C1"), "{}", chased(&out));

    // A file listing a day's two blocks twice (no sweep) is the day once.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let pm = block("171126", 50_000, &[half()], "181126", 100_000);
    write(&c, "twice.txt", &[am.clone(), pm.clone(), am, pm].concat());
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(received(&out), "1000.00");
}

#[test]
fn a_third_identical_instalment_of_the_day_is_a_third_payment() {
    // Review 26 #5: the third block's line met the second's `~day` copy and
    // was dropped as repeated: 1,500.00 moved, 1,000.00 in state.
    let half = || credit("181126", 50_000, "VIR SEPA ALPHA SARL", "FACTURE F-1001");
    let blocks =
        [0, 50_000, 100_000].map(|open| block("171126", open, &[half()], "181126", open + 50_000));
    for split in [3, 2] {
        let root = tempfile::tempdir().unwrap();
        let c = client(root.path());
        // In one file, or the first two on one night and the third on the
        // next.
        write(&c, "d1.txt", &blocks[..split].concat());
        let first = night(&c, root.path(), "2026-11-19");
        if split == 2 {
            write(&c, "d2.txt", &blocks[2]);
            let out = night(&c, root.path(), "2026-11-20");
            assert_eq!(received(&out), "500.00", "{split}");
            assert_eq!(received(&first), "1000.00", "{split}");
        } else {
            assert_eq!(received(&first), "1500.00", "{split}");
        }
        // Nothing more when the files stay (500.00 over F-1001 carried).
        let out = night(&c, root.path(), "2026-11-23");
        assert!(
            ["none", "0.00"].contains(&received(&out).as_str()),
            "{split}"
        );
        assert!(!kinds(&out, "alerts.csv").contains(&"repeated_transaction".to_string()));
    }
}

#[test]
fn the_whole_day_grown_over_its_two_blocks_leaves_no_false_gap() {
    // Review 24 #9, 25 #6, 26 #9: the morning block grown into the whole
    // day (0→1750, or 0→1800 with a new payment) overlapped the afternoon
    // block (1000→1750): a lasting critical `sequence_gap` held every
    // formal notice until a person cleared it.
    let epsilon = || credit("181126", 5_000, "VIR SEPA EPSILON", "DIVERS");
    for (moves, close) in [
        (vec![alpha(), beta()], 175_000),
        (vec![alpha(), beta(), epsilon()], 180_000),
    ] {
        let root = tempfile::tempdir().unwrap();
        let (c, _) = am_then_pm(root.path());
        write(&c, "full.txt", &block("171126", 0, &moves, "181126", close));
        let out = night(&c, root.path(), "2026-11-21");
        let new_money = if close == 180_000 { "50.00" } else { "none" };
        assert_eq!(received(&out), new_money, "{close}");
        for out in [out, night(&c, root.path(), "2026-11-23")] {
            let kinds = kinds(&out, "alerts.csv");
            assert!(
                !kinds.contains(&"sequence_gap".to_string()),
                "{close}: {kinds:?}"
            );
            let open = std::fs::read_to_string(out.join("open_items.csv")).unwrap();
            assert!(!open.contains("sequence_gap"), "{close}: {open}");
        }
    }
}

#[test]
fn a_block_of_the_day_never_delivered_is_a_gap() {
    // Review 25 #3: the morning block 0→750, then a block 1750→750: the
    // block bringing 750→1750 (Alpha's 1000.00) never came. Its gap holds
    // formal notices until a person checks (a rule hiding the blocks of a
    // grown day once hid it).
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    write(
        &c,
        "am.txt",
        &block("171126", 0, &[beta()], "181126", 75_000),
    );
    night(&c, root.path(), "2026-11-19");
    let sweep = credit("181126", -100_000, "PRLV CASH POOLING", "SWEEP");
    write(
        &c,
        "eve.txt",
        &block("171126", 175_000, &[sweep], "181126", 75_000),
    );
    for date in ["2026-11-20", "2026-11-26"] {
        let out = night(&c, root.path(), date);
        let open = std::fs::read_to_string(out.join("open_items.csv")).unwrap();
        assert!(open.contains("sequence_gap"), "{date}: {open}");
    }
}
