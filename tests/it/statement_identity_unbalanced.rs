//! A day delivered again without balances (review "life" L6): an
//! aggregator's copy of a day, under its own statement id and entry
//! references, with no opening or closing balance. Its movements alone say
//! whether it is that day again (nothing imported), partly that day (for a
//! person) or a statement of its own (imported as before).

use std::path::Path;

use crate::statement_identity::{IBAN, applied, chased, client, kinds, night, received};
use crate::support::{Ntry, Tx, camt};

/// A credit of 2026-11-18: reference, amount, text, payer name.
fn credit(
    reference: &'static str,
    amount: &'static str,
    text: &'static str,
    name: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date: "2026-11-18",
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            name: Some(name),
            text: Some(text),
            ..Tx::default()
        }],
    }
}

fn alpha(reference: &'static str) -> Ntry {
    credit(reference, "1000.00", "FACTURE F-1001", "ALPHA SARL")
}

/// The bank's camt.053 of 2026-11-18 (balances, sequence 1): Alpha pays F-1001.
fn bank(c: &Path) {
    let x = camt(
        false,
        "STMT-1118",
        1,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        Some(("0.00", "1000.00")),
        &[alpha("BQ-1")],
    );
    std::fs::write(c.join("statements/bank.xml"), x).unwrap();
}

/// Another channel's statement `id` of 2026-11-18 without balances.
fn copy(c: &Path, file: &str, id: &str, entries: &[Ntry]) {
    let x = camt(
        false,
        id,
        900,
        IBAN,
        "2026-11-18",
        "2026-11-18",
        None,
        entries,
    );
    std::fs::write(c.join("statements").join(file), x).unwrap();
}

#[test]
fn a_day_delivered_again_without_balances_is_counted_once_in_either_order() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    bank(&c);
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(applied(&out), [("F-1001".into(), "1000.00".into())]);
    copy(&c, "copy.xml", "COPY-1118", &[alpha("OTHER-1")]);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), Vec::<(String, String)>::new());
    assert_eq!(kinds(&out, "alerts.csv"), ["duplicate_statement"]);
    assert_eq!(received(&out), "none");

    // The copy first (a day never imported: imported), then the bank's own.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    copy(&c, "copy.xml", "COPY-1118", &[alpha("OTHER-1")]);
    let out = night(&c, root.path(), "2026-11-19");
    assert_eq!(applied(&out), [("F-1001".into(), "1000.00".into())]);
    bank(&c);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), Vec::<(String, String)>::new());
    assert!(kinds(&out, "alerts.csv").contains(&"duplicate_statement".to_string()));
    assert_eq!(received(&out), "none");
}

#[test]
fn a_statement_without_balances_partly_repeating_a_day_waits_for_a_person() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    bank(&c);
    night(&c, root.path(), "2026-11-19");
    // Alpha's payment again beside a new one: neither imported.
    let delta = credit("OTHER-2", "480.00", "FACTURE F-1004", "DELTA SARL");
    copy(&c, "copy.xml", "COPY-1118", &[alpha("OTHER-1"), delta]);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(applied(&out), Vec::<(String, String)>::new());
    assert_eq!(kinds(&out, "alerts.csv"), ["conflicting_statement"]);
    let alerts = std::fs::read_to_string(out.join("alerts.csv")).unwrap();
    assert!(alerts.contains("OTHER-1 = BQ-1"), "{alerts}");
    assert_eq!(received(&out), "none");
    // Delta's invoice, which its credit would pay, is held meanwhile.
    assert!(!chased(&out).contains("F-1004"), "{}", chased(&out));

    // Alpha's money and day under another text, no payer: for a person too.
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    bank(&c);
    night(&c, root.path(), "2026-11-19");
    let bare = Ntry {
        reference: "OTHER-1",
        date: "2026-11-18",
        code: "RCDT/ESCT",
        amount: "1000.00",
        txs: vec![Tx {
            amount: "1000.00",
            text: Some("VIREMENT RECU"),
            ..Tx::default()
        }],
    };
    copy(&c, "copy.xml", "COPY-1118", &[bare]);
    let out = night(&c, root.path(), "2026-11-20");
    assert_eq!(kinds(&out, "alerts.csv"), ["conflicting_statement"]);
    assert_eq!(received(&out), "none");
}

#[test]
fn a_statement_without_balances_of_new_money_is_imported() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    bank(&c);
    night(&c, root.path(), "2026-11-19");
    // The same day, new movements only: Beta, and another payer's 1000.00.
    let beta = credit("LATE-1", "750.00", "FACTURE F-1002", "BETA SAS");
    let gamma = credit("LATE-2", "1000.00", "FACTURE F-1001", "GAMMA SA");
    copy(&c, "late.xml", "LATE-1118", &[beta, gamma]);
    let out = night(&c, root.path(), "2026-11-20");
    assert!(applied(&out).contains(&("F-1002".into(), "750.00".into())));
    assert!(!kinds(&out, "alerts.csv").contains(&"conflicting_statement".to_string()));
    assert!(!kinds(&out, "alerts.csv").contains(&"duplicate_statement".to_string()));
    assert_eq!(received(&out), "1750.00");
}
