//! Review 31's dunning findings over real nights: a `dunning_plan` naming
//! no plan stops the client (F15); a formal notice sent under one plan
//! counts as the formal notice of the plan the customer is moved to (F11);
//! the customer's own money waiting for a person is deducted from what is
//! asked and from the base of the late charges (F2).

use std::fs;
use std::path::Path;

use crate::support::{csv_rows, paying, run_night, statement_night};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

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

/// Tonight's `reason` cells.
fn reasons(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("dunning.csv"));
    let col = rows[0].iter().position(|c| c == "reason").unwrap();
    rows[1..].iter().map(|r| r[col].clone()).collect()
}

#[test]
fn a_dunning_plan_naming_no_plan_stops_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("c");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("client.toml"),
        "[alerts]\nstale_statement_days = 0\n\
         [[dunning.plans.gentle]]\nname = \"rappel\"\noffset_days = 10\nchannel = \"email\"\n",
    )
    .unwrap();
    fs::write(
        client.join("invoices.csv"),
        format!(
            "{HEADER}F-100,C1,Mairie de Trifouilly,2026-08-01,2026-08-31,1000.00,1000.00,EUR\n\
             F-200,C2,Beta SAS,2026-08-01,2026-08-31,500.00,500.00,EUR\n"
        ),
    )
    .unwrap();
    // A typo for `gentle` (no formal notice): before the fix, C1 got the
    // default plan's formal notice with charges, and the client exit 0.
    fs::write(
        client.join("customers.csv"),
        "customer_id,name,dunning_plan\nC2,Beta SAS,\nC1,Mairie de Trifouilly,gentel\n",
    )
    .unwrap();
    let out = dir.path().join("o1");
    let o = run_night(&client, "2026-10-05", &out, &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(3), "{err}");
    for part in [
        "customers.csv: line 3, column dunning_plan",
        "found \"gentel\"",
        "(default, gentle, watch)",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    assert!(!out.join("dunning.csv").exists());
    // Corrected: C1 follows `gentle` (no formal notice); C2's empty cell
    // still means the derived plan (`default`).
    fs::write(
        client.join("customers.csv"),
        "customer_id,name,dunning_plan\nC2,Beta SAS,\nC1,Mairie de Trifouilly,gentle\n",
    )
    .unwrap();
    let out = dir.path().join("o2");
    let o = run_night(&client, "2026-10-05", &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        dunning(&out),
        [
            "C1 rappel F-100 1000.00 0.00",
            "C2 formal_notice F-200 500.00 45.99"
        ]
    );
}

const PME: &str = "[alerts]\nstale_statement_days = 0\n\
[[dunning.plans.pme]]\nname = \"relance_1\"\noffset_days = 3\nchannel = \"email\"\n\
[[dunning.plans.pme]]\nname = \"relance_2\"\noffset_days = 15\nchannel = \"letter\"\n\
[[dunning.plans.pme]]\nname = \"mise_en_demeure\"\noffset_days = 30\nchannel = \"registered_letter\"\n\
[[dunning.plans.pme]]\nname = \"contentieux\"\noffset_days = 60\nchannel = \"handover\"\n";

#[test]
fn a_formal_notice_sent_under_another_plan_is_the_new_plans_notice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let client = root.join("c");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(client.join("client.toml"), PME).unwrap();
    let plan = |name: &str| {
        fs::write(
            client.join("customers.csv"),
            format!("customer_id,name,dunning_plan\nC1,Alpha SARL,{name}\n"),
        )
        .unwrap();
    };
    plan("default");
    let invoices = "F-100,C1,Alpha SARL,2026-09-01,2026-09-30,1000.00,1000.00,EUR\n";
    let night =
        |seq: u32, date: &str| dunning(&statement_night(root, HEADER, invoices, seq, date, &[]));
    assert_eq!(
        night(1, "2026-11-02"),
        ["C1 formal_notice F-100 1000.00 51.32"]
    );
    // The accountant moves C1 to `pme`, whose notice is `mise_en_demeure`:
    // before the fix, a second registered notice went out the next day.
    plan("pme");
    assert_eq!(night(2, "2026-11-03"), Vec::<String>::new());
    assert_eq!(night(3, "2026-11-20"), Vec::<String>::new());
    // The handover counts from the first notice (action date 11-03): 30
    // days later, 12-03 (64 days: 21.3041… → 21.30; + 40.00).
    assert_eq!(
        night(4, "2026-12-02"),
        ["C1 contentieux F-100 1000.00 61.30"]
    );
    // Back on `default`: `contentieux` was its handover, no second one.
    plan("default");
    assert_eq!(night(5, "2026-12-03"), Vec::<String>::new());
    // The same, the other way: a notice sent under `pme` is `default`'s.
    plan("pme");
    let other = "F-200,C1,Alpha SARL,2026-09-01,2026-09-30,500.00,500.00,EUR\n";
    let night =
        |seq: u32, date: &str| dunning(&statement_night(root, HEADER, other, seq, date, &[]));
    assert_eq!(
        night(6, "2026-12-04"),
        ["C1 mise_en_demeure F-200 500.00 51.32"]
    );
    plan("default");
    assert_eq!(night(7, "2026-12-07"), Vec::<String>::new());
}

#[test]
fn the_rest_of_an_overpayment_is_deducted_from_what_is_asked_and_charged() {
    // Alpha pays 1 500.00 "FACTURE F-100" (1 000.00): 500.00 is left, its
    // own; F-101 (800.00) is due. Before the fix the formal notice asked
    // for 800.00 with charges on 800.00 (48.79).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::support::quiet_client(&root.join("c"), "");
    let invoices = "F-100,C1,Alpha SARL,2026-10-01,2026-10-30,1000.00,1000.00,EUR\n\
                    F-101,C1,Alpha SARL,2026-10-02,2026-10-30,800.00,800.00,EUR\n";
    let pay = [paying("P1", "2026-11-02", "1500.00", "FACTURE F-100")];
    let out = statement_night(root, HEADER, invoices, 1, "2026-11-02", &pay);
    assert_eq!(dunning(&out), ["C1 courtesy_reminder F-101 300.00 0.00"]);
    // A month later (the money still waits; F-100 now paid in the export):
    // 33 days, 300.00 × 12.15 % × 33 / 365 = 3.2955… → 3.30; + 40.00.
    let invoices = "F-101,C1,Alpha SARL,2026-10-02,2026-10-30,800.00,800.00,EUR\n";
    let out = statement_night(root, HEADER, invoices, 2, "2026-12-01", &[]);
    assert_eq!(dunning(&out), ["C1 formal_notice F-101 300.00 43.30"]);
    let why = reasons(&out);
    assert!(
        why[0].ends_with(
            "; 800.00 less 500.00 received on 2026-11-02 and not yet applied (waiting for a person)"
        ),
        "{why:?}"
    );
}

#[test]
fn money_suggested_for_the_customers_own_invoices_is_deducted_after_the_hold() {
    // 1 000.00 from ALPHA SARL with no reference: a suggestion among F-100
    // and F-101 (1 000.00 each). Before the fix, once the suggestion's hold
    // ran out, the formal notice asked for 2 000.00 with 101.96 of charges.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::support::quiet_client(&root.join("c"), "");
    let invoices = "F-100,C1,Alpha SARL,2026-10-01,2026-10-30,1000.00,1000.00,EUR\n\
                    F-101,C1,Alpha SARL,2026-10-02,2026-10-30,1000.00,1000.00,EUR\n\
                    F-102,C1,Alpha SARL,2026-10-02,2026-10-30,50.00,50.00,USD\n";
    let pay = [crate::support::Ntry {
        reference: "P1",
        date: "2026-11-02",
        code: "RCDT/ESCT",
        amount: "1000.00",
        txs: vec![crate::support::Tx {
            amount: "1000.00",
            name: Some("ALPHA SARL"),
            text: Some("VIREMENT"),
            ..Default::default()
        }],
    }];
    let out = statement_night(root, HEADER, invoices, 1, "2026-11-02", &pay);
    // The suggested invoices are held; the USD one is not netted with EUR.
    assert_eq!(dunning(&out), ["C1 courtesy_reminder F-102 50.00 0.00"]);
    // 33 days: F-100 (oldest, then by number) is offset whole (no charge);
    // F-101: 40.00 + 1 000.00 × 12.15 % × 33 / 365 = 10.98 → 50.98. The
    // USD invoice, interest only: 0.55 (the 40 EUR indemnity is not charged
    // as 40 USD, F12).
    let out = statement_night(root, HEADER, invoices, 2, "2026-12-01", &[]);
    assert_eq!(
        dunning(&out),
        [
            "C1 formal_notice F-100|F-101 1000.00 50.98",
            "C1 formal_notice F-102 50.00 0.55"
        ]
    );
    let why = reasons(&out);
    assert!(
        why[0].ends_with("; 2000.00 less 1000.00 received on 2026-11-02 and not yet applied (waiting for a person)"),
        "{why:?}"
    );
    assert!(!why[1].contains("received"), "{why:?}");
}
