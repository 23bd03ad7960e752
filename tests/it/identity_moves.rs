//! An invoice moved to another customer and back (an ERP mistake corrected)
//! keeps the steps its customer already got; an invoice corrected to
//! another customer of the same name (homonyms, both in `customers.csv`) is
//! a move, not a rename.

use std::path::{Path, PathBuf};

use crate::support::{csv_rows, statement_night};

const HEADER: &str =
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount,currency\n";

fn night(root: &Path, seq: u32, date: &str, invoices: &str) -> PathBuf {
    statement_night(root, HEADER, invoices, seq, date, &[])
}

/// (customer_id, step) of each dunning.csv row.
fn steps(out: &Path) -> Vec<(String, String)> {
    let rows = csv_rows(&out.join("dunning.csv"));
    rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[4].clone()))
        .collect()
}

fn step(customer: &str, step: &str) -> (String, String) {
    (customer.to_string(), step.to_string())
}

/// The messages of the night's `invoice_moved` alerts.
fn moved(out: &Path) -> Vec<String> {
    let rows = csv_rows(&out.join("alerts.csv"));
    rows[1..]
        .iter()
        .filter(|r| r[0] == "invoice_moved")
        .map(|r| format!("{}:{}", r[2], r[8]))
        .collect()
}

#[test]
fn an_invoice_moved_back_keeps_the_steps_its_customer_already_got() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c1 = "F-100,C1,Alpha SARL,2026-09-01,2026-09-30,1000.00,1000.00,EUR\n";
    let c2 = "F-100,C2,Beta SAS,2026-09-01,2026-09-30,1000.00,1000.00,EUR\n";
    let ladder = [
        ("2026-10-01", "courtesy_reminder"),
        ("2026-10-09", "firm_reminder"),
        ("2026-10-16", "phone_call"),
        ("2026-11-02", "formal_notice"),
    ];
    let mut seq = 0;
    for (date, expected) in ladder {
        seq += 1;
        let out = night(root, seq, date, c1);
        assert_eq!(steps(&out), [step("C1", expected)], "{date}");
    }
    // The ERP books F-100 on C2 by mistake: C2's ladder starts, and C2 gets
    // its courtesy reminder (the documented move).
    let out = night(root, 5, "2026-11-03", c2);
    assert_eq!(steps(&out), [step("C2", "courtesy_reminder")]);
    // Corrected the next night: back with C1, whose steps come back with it.
    let out = night(root, 6, "2026-11-04", c1);
    assert_eq!(steps(&out), []);
    let m = moved(&out);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with(
            "C1:invoice F-100 moved from customer C2 (Beta SAS) back to C1 (Alpha SARL)"
        ) && m[0]
            .contains("the reminders sent to C2 (courtesy_reminder 2026-11-03) no longer count")
            && m[0].contains("formal_notice 2026-11-02) count again"),
        "{m:?}"
    );
    // Nothing again for C1 (no courtesy reminder after its formal notice,
    // no second notice), nothing more for C2; the handover comes 30 days
    // after C1's one formal notice.
    for (seq, date) in [(7, "2026-11-05"), (8, "2026-11-13"), (9, "2026-11-30")] {
        let out = night(root, seq, date, c1);
        assert_eq!(steps(&out), [], "{date}");
    }
    let out = night(root, 10, "2026-12-02", c1);
    assert_eq!(steps(&out), [step("C1", "litigation_handover")]);
    let rows = csv_rows(&out.join("dunning.csv"));
    assert_eq!(rows[1][1], "2026-12-03");
    let out = night(root, 11, "2026-12-10", c1);
    assert_eq!(steps(&out), []);
}

#[test]
fn an_invoice_corrected_to_a_homonym_is_a_move_not_a_rename() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("c")).unwrap();
    std::fs::write(
        root.join("c/customers.csv"),
        "customer_id,name,customer_type,email,address\n\
         C10,Jean Martin,b2c,jean.martin@a.fr,1 rue A 75001 Paris\n\
         C11,Jean Martin,b2c,jm@b.fr,9 av B 69001 Lyon\n",
    )
    .unwrap();
    let c10 = "F-100,C10,Jean Martin,2026-08-01,2026-08-31,900.00,900.00,EUR\n";
    let c11 = "F-100,C11,Jean Martin,2026-08-01,2026-08-31,900.00,900.00,EUR\n";
    for (seq, date) in [(1, "2026-09-01"), (2, "2026-09-08"), (3, "2026-09-15")] {
        night(root, seq, date, c10);
    }
    let out = night(root, 4, "2026-10-01", c10);
    assert_eq!(steps(&out), [step("C10", "formal_notice")]);
    // Corrected to the other Jean Martin, C10 still in customers.csv: C11
    // starts from the first step, and the move is told.
    let out = night(root, 5, "2026-10-02", c11);
    assert_eq!(steps(&out), [step("C11", "courtesy_reminder")]);
    let rows = csv_rows(&out.join("dunning.csv"));
    assert_eq!(
        rows[1][rows[0].iter().position(|h| h == "email").unwrap()],
        "jm@b.fr"
    );
    let m = moved(&out);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with(
            "C11:invoice F-100 moved from customer C10 (Jean Martin) to C11 (Jean Martin)"
        ) && m[0].contains("formal_notice 2026-10-01) no longer count"),
        "{m:?}"
    );
    // A month on, C11 gets its own formal notice, never a handover over
    // C10's.
    let out = night(root, 6, "2026-11-02", c11);
    assert_eq!(steps(&out), [step("C11", "formal_notice")]);
}

#[test]
fn a_customer_renumbered_while_customers_csv_still_lists_its_old_id_is_a_rename() {
    // The ERP renumbers C1 as CL-0001; customers.csv keeps the old row (not
    // yet updated), with the same e-mail. The same company: no ladder
    // restarts, no second formal notice.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("c")).unwrap();
    std::fs::write(
        root.join("c/customers.csv"),
        "customer_id,name,customer_type,email\n\
         C1,Alpha SARL,b2b,compta@alpha.fr\n\
         CL-0001,Alpha SARL,b2b,compta@alpha.fr\n",
    )
    .unwrap();
    let old = "F-100,C1,Alpha SARL,2026-08-01,2026-08-31,900.00,900.00,EUR\n";
    let new = "F-100,CL-0001,Alpha SARL,2026-08-01,2026-08-31,900.00,900.00,EUR\n";
    for (seq, date) in [(1, "2026-09-01"), (2, "2026-09-08"), (3, "2026-09-15")] {
        night(root, seq, date, old);
    }
    let out = night(root, 4, "2026-10-01", old);
    assert_eq!(steps(&out), [step("C1", "formal_notice")]);
    let out = night(root, 5, "2026-10-02", new);
    assert!(steps(&out).is_empty(), "{:?}", steps(&out));
    assert!(moved(&out).is_empty());
    // The handover follows the first notice, to the renumbered customer.
    let out = night(root, 6, "2026-11-02", new);
    assert_eq!(steps(&out), [step("CL-0001", "litigation_handover")]);
}
