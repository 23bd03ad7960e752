//! No litigation handover without a formal notice before it (audit 9, D1),
//! over real nights: a formal notice left out by its `min_amount` lets no
//! handover through; a formal notice sent late (a promise held it) is
//! followed by the handover only once the plan's 30 days have run from it.

use std::fs;
use std::path::Path;

use crate::support::{csv_rows, statement_night};

const HEADER: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

/// `customer step invoice_ids amount_due penalty_amount` of tonight's rows.
fn dunning(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (c, s, i, a, p) = (
        col("customer_id"),
        col("step"),
        col("invoice_ids"),
        col("amount_due"),
        col("penalty_amount"),
    );
    rows[1..]
        .iter()
        .map(|r| format!("{} {} {} {} {}", r[c], r[s], r[i], r[a], r[p]))
        .collect()
}

#[test]
fn no_handover_without_a_formal_notice_its_delay_before() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let client = root.join("c");
    fs::create_dir_all(&client).unwrap();
    // C1 follows audit 9's case c6: the formal notice only from 1 000.00.
    fs::write(
        client.join("client.toml"),
        "[alerts]\nstale_statement_days = 0\n\n\
         [[dunning.plans.c6]]\nname = \"courtesy\"\noffset_days = 1\nchannel = \"email\"\n\n\
         [[dunning.plans.c6]]\nname = \"formal_notice\"\noffset_days = 30\nchannel = \"registered_letter\"\nmin_amount = \"1000.00\"\n\n\
         [[dunning.plans.c6]]\nname = \"litigation_handover\"\noffset_days = 60\nchannel = \"handover\"\n",
    )
    .unwrap();
    fs::write(
        client.join("customers.csv"),
        "customer_id;name;customer_type;dunning_plan\nC1;Alpha SARL;b2b;c6\nC2;Beta SAS;b2b;\n",
    )
    .unwrap();
    // C2 promises to pay F-2 by 10-20 (grace to 10-23).
    fs::write(
        client.join("promises.csv"),
        "customer_id,invoice_id,promised_date\nC2,F-2,2026-10-20\n",
    )
    .unwrap();
    let invoices = "F-1;C1;Alpha SARL;2026-08-01;2026-09-01;700,00;700,00;EUR;;transfer;\n\
                    F-2;C2;Beta SAS;2026-08-01;2026-09-01;1000,00;1000,00;EUR;;transfer;\n";
    let night =
        |seq: u32, date: &str| dunning(&statement_night(root, HEADER, invoices, seq, date, &[]));
    // C1's courtesy e-mail (acting 09-02); C2 is held by its promise.
    assert_eq!(night(1, "2026-09-01"), ["C1 courtesy F-1 700.00 0.00"]);
    // C1's formal notice is due (10-01) but under its minimum: nothing.
    assert_eq!(night(2, "2026-10-01"), Vec::<String>::new());
    // C2's promise broke (acting 10-27): its formal notice, 26 days late.
    // 56 days: 1 000.00 × 12.15 % × 56 / 365 = 18.64; + 40.00.
    let broken = night(3, "2026-10-26");
    assert_eq!(broken, ["C2 formal_notice F-2 1000.00 58.64"]);
    // Both handovers' date (+60 = 10-31) is passed on Mon 11-02: before
    // the fix, C1 went to litigation with no mise en demeure ever sent and
    // C2 six days after its notice. Now nothing.
    assert_eq!(night(4, "2026-10-30"), Vec::<String>::new());
    // C2's notice went out on 10-27: its handover on 11-26, not before
    // (86 days: 28.6273… → 28.63; + 40.00).
    assert_eq!(night(5, "2026-11-24"), Vec::<String>::new());
    assert_eq!(
        night(6, "2026-11-25"),
        ["C2 litigation_handover F-2 1000.00 68.63"]
    );
    // C1's debt is too small for a formal notice, so for court too.
    assert_eq!(night(7, "2027-03-01"), Vec::<String>::new());
}

#[test]
fn a_customer_moved_to_watch_after_the_notice_still_gets_its_30_days() {
    // Review 22 #2: the notice goes out under `default` (30 days to the
    // handover); C1 is then put on `watch` (25 days). Before the fix the
    // handover went on the 11-27 night, 25 days after the notice's action
    // date (11-03).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let client = root.join("c");
    fs::create_dir_all(&client).unwrap();
    fs::write(
        client.join("client.toml"),
        "[alerts]\nstale_statement_days = 0\n",
    )
    .unwrap();
    let customers = |plan: &str| {
        fs::write(
            client.join("customers.csv"),
            format!("customer_id;name;customer_type;dunning_plan\nC1;Alpha SAS;b2b;{plan}\n"),
        )
        .unwrap();
    };
    customers("default");
    let invoices = "A-1;C1;Alpha SAS;2025-10-01;2025-11-03;800,00;800,00;EUR;;transfer;\n";
    let night =
        |seq: u32, date: &str| dunning(&statement_night(root, HEADER, invoices, seq, date, &[]));
    let notice = night(1, "2026-11-02");
    assert_eq!(notice.len(), 1);
    assert!(
        notice[0].starts_with("C1 formal_notice A-1 800.00"),
        "{notice:?}"
    );
    customers("watch");
    assert_eq!(night(2, "2026-11-27"), Vec::<String>::new());
    assert_eq!(night(3, "2026-12-01"), Vec::<String>::new());
    let handover = night(4, "2026-12-02");
    assert_eq!(handover.len(), 1);
    assert!(
        handover[0].starts_with("C1 litigation_handover A-1 800.00"),
        "{handover:?}"
    );
}
