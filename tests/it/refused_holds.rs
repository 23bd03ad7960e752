//! The money of a statement pointage refused (`conflicting_statement`) is
//! never applied, but the invoices its credits would pay are not chased
//! while it is refused (review 23 #4), and the conflict's alert names them.

use std::path::{Path, PathBuf};

use crate::support::{Ntry, Tx, camt, csv_rows, paying, run_ok};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency,reference,payment_method,mandate_id
F-1001,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,
F-1002,C2,Beta SAS,2026-10-01,2026-10-31,750.00,750.00,EUR,,transfer,
F-1004,C4,Delta SARL,2026-10-01,2026-10-31,480.00,480.00,EUR,,transfer,
";

/// The IBAN of CFONB account 30006 00001 12345678901.
const IBAN: &str = "FR7630006000011234567890189";

fn client(root: &Path) -> PathBuf {
    let c = root.join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    c
}

/// The camt.053 `2026111800001` of 18/11: Alpha's 1000.00, and Beta's
/// 750.00 "FACTURE F-1002" when `with_beta`.
fn camt_day(with_beta: bool) -> String {
    let mut entries = vec![Ntry {
        reference: "2026111800042",
        date: "2026-11-18",
        code: "RCDT/ESCT",
        amount: "1000.00",
        txs: vec![Tx {
            amount: "1000.00",
            e2e: Some("E2E-A"),
            name: Some("ALPHA SARL"),
            text: Some("FACTURE F-1001"),
            ..Tx::default()
        }],
    }];
    if with_beta {
        entries.push(paying(
            "2026111800043",
            "2026-11-18",
            "750.00",
            "FACTURE F-1002",
        ));
    }
    let close = if with_beta { "1750.00" } else { "1000.00" };
    camt(
        false,
        "2026111800001",
        322,
        IBAN,
        "2026-11-17",
        "2026-11-18",
        Some(("0.00", close)),
        &entries,
    )
}

/// A CFONB amount of `cents` (sign in the last character).
fn amount(cents: i64) -> String {
    let s = format!("{:014}", cents.abs());
    let last = usize::from(s.as_bytes()[13] - b'0');
    let letters: Vec<char> = "{ABCDEFGHI".chars().collect();
    format!("{}{}", &s[..13], letters[last])
}

fn balance(code: &str, date: &str, cents: i64) -> String {
    format!(
        "{code}30006    00001EUR2 12345678901  {date}{}{}{}",
        " ".repeat(50),
        amount(cents),
        " ".repeat(16)
    )
}

fn credit(cents: i64, label: &str, text: &str) -> [String; 2] {
    let date = "181126";
    [
        format!(
            "0430006000100001EUR2 1234567890105{date}  {date}{label:<31}  000000000{}{:16}",
            amount(cents),
            ""
        ),
        format!("0530006000100001EUR2 1234567890105{date}     LCC{text:<70}  "),
    ]
}

/// The CFONB block of 18/11 (0.00 → 1750.00): Alpha 1000.00, Beta 750.00.
fn cfonb_day() -> String {
    let mut lines = vec![balance("01", "171126", 0)];
    lines.extend(credit(100_000, "VIR SEPA ALPHA SARL", "FACTURE F-1001"));
    lines.extend(credit(75_000, "VIR SEPA BETA SAS", "FACTURE F-1002"));
    lines.push(balance("07", "181126", 175_000));
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// The customers dunning.csv chases, in order.
fn chased(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = rows[0].iter().position(|h| h == "customer_id").unwrap();
    rows[1..].iter().map(|r| r[col].clone()).collect()
}

fn alert(out: &Path, kind: &str) -> String {
    let rows = csv_rows(&out.join("alerts.csv"));
    let col = rows[0].iter().position(|h| h == "message").unwrap();
    rows[1..]
        .iter()
        .find(|r| r[0] == kind)
        .map(|r| r[col].clone())
        .unwrap_or_default()
}

fn status(out: &Path, invoice: &str) -> String {
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let col = rows[0].iter().position(|h| h == "open_after").unwrap();
    rows[1..]
        .iter()
        .find(|r| r[0] == invoice)
        .map(|r| r[col].clone())
        .unwrap_or_default()
}

fn assert_beta_held(out: &Path) {
    // Beta paid in the refused statement: not chased, its invoice still
    // open (nothing applied from a refused statement); Delta, who paid
    // nothing anywhere, is chased.
    assert_eq!(chased(out), ["C4"]);
    assert_eq!(status(out, "F-1002"), "750.00");
    let message = alert(out, "conflicting_statement");
    assert!(
        message
            .contains("its credits would pay F-1002: not chased while this statement is refused"),
        "{message}"
    );
    // What ends the hold is said where a person decides it (review 25 #5).
    assert!(
        message.contains("a clear_gap on this account ends that hold"),
        "{message}"
    );
}

#[test]
fn a_payer_in_a_statement_partly_repeating_another_format_is_not_chased() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    // The CAMT of 18/11 (Alpha only) is imported; the CFONB of the same day
    // (Alpha and Beta) partly repeats it: refused.
    std::fs::write(c.join("statements/a.cfo"), cfonb_day()).unwrap();
    std::fs::write(c.join("statements/b.xml"), camt_day(false)).unwrap();
    let out = root.path().join("out19");
    run_ok(&c, "2026-11-19", &out);
    assert_beta_held(&out);
    // Read again, still refused, the next nights: still held.
    let out = root.path().join("out30");
    run_ok(&c, "2026-11-30", &out);
    assert!(
        !chased(&out).contains(&"C2".to_string()),
        "{:?}",
        chased(&out)
    );
    assert_eq!(status(&out, "F-1002"), "750.00");
}

#[test]
fn a_payer_in_a_statement_refused_under_a_known_id_is_not_chased() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    // Two versions of statement 2026111800001: the first in file order is
    // imported, the other (with Beta's payment) differs: refused.
    std::fs::write(c.join("statements/a.xml"), camt_day(false)).unwrap();
    std::fs::write(c.join("statements/b.xml"), camt_day(true)).unwrap();
    let out = root.path().join("out19");
    run_ok(&c, "2026-11-19", &out);
    assert_beta_held(&out);
}

/// The refused statement's payer stays held while the conflict is open,
/// once its file has left the folder and with `suggestion_hold_days = 0`
/// (review 24 #4, #5): the alert records the invoices it holds.
#[test]
fn the_hold_lasts_while_the_conflict_is_open_whatever_the_file_and_settings() {
    held_while_open(None);
    held_while_open(Some(0));
}

fn held_while_open(hold_days: Option<u32>) {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    if let Some(days) = hold_days {
        std::fs::write(
            c.join("client.toml"),
            format!("[dunning]\nsuggestion_hold_days = {days}\n"),
        )
        .unwrap();
    }
    std::fs::write(c.join("statements/a.cfo"), cfonb_day()).unwrap();
    std::fs::write(c.join("statements/b.xml"), camt_day(false)).unwrap();
    let out = root.path().join("out19");
    run_ok(&c, "2026-11-19", &out);
    assert_beta_held(&out);
    let rows = csv_rows(&out.join("alerts.csv"));
    let col = rows[0].iter().position(|h| h == "invoice_id").unwrap();
    let conflict = rows[1..]
        .iter()
        .find(|r| r[0] == "conflicting_statement")
        .unwrap();
    assert_eq!(conflict[col], "F-1002");
    // The refused file is tidied away: the conflict stays open, and Beta
    // is still not chased, on the next nights too.
    std::fs::remove_file(c.join("statements/a.cfo")).unwrap();
    for night in ["2026-11-20", "2026-11-30"] {
        let out = root.path().join(night);
        run_ok(&c, night, &out);
        let open = std::fs::read_to_string(out.join("open_items.csv")).unwrap();
        assert!(open.contains("conflicting_statement"), "{open}");
        assert!(
            !chased(&out).contains(&"C2".to_string()),
            "{night}: {:?}",
            chased(&out)
        );
        assert_eq!(status(&out, "F-1002"), "750.00");
        // Held, not disputed: its status says what pointage knows.
        let rows = csv_rows(&out.join("invoice_status.csv"));
        let col = rows[0].iter().position(|h| h == "status").unwrap();
        let beta = rows[1..].iter().find(|r| r[0] == "F-1002").unwrap();
        assert_eq!(beta[col], "open");
    }
}

/// A refused statement's credit that is the payment already imported (the
/// same amount and day, the same payer) is left out of the dry run: it is
/// never matched again to the payer's other, unpaid invoice, which goes on
/// being chased (review 24 #10).
#[test]
fn a_refused_credit_repeating_an_imported_payment_holds_nothing_else() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    let mut invoices = std::fs::read_to_string(c.join("invoices.csv")).unwrap();
    invoices
        .push_str("F-1005,C1,Alpha SARL,2026-10-01,2026-10-31,1000.00,1000.00,EUR,,transfer,\n");
    std::fs::write(c.join("invoices.csv"), invoices).unwrap();
    std::fs::write(c.join("statements/a.cfo"), cfonb_day()).unwrap();
    std::fs::write(c.join("statements/b.xml"), camt_day(false)).unwrap();
    let out = root.path().join("out19");
    run_ok(&c, "2026-11-19", &out);
    let message = alert(&out, "conflicting_statement");
    assert!(
        message
            .contains("its credits would pay F-1002: not chased while this statement is refused"),
        "{message}"
    );
    assert_eq!(chased(&out), ["C1", "C4"]);
    assert_eq!(status(&out, "F-1005"), "1000.00");
}
