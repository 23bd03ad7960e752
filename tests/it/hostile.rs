//! Outputs that reach people and spreadsheets: hostile names and texts fed
//! through a whole `pointage run` come out defused (a leading `'`), while
//! amounts and ids are never altered (`-12.50` stays `-12.50`).

use std::fs;

use crate::support::{Ntry, Tx, camt, csv_rows, run_night};

#[test]
fn formulas_in_names_and_texts_are_neutralised_in_every_csv() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("hostile");
    fs::create_dir_all(client.join("statements")).unwrap();
    fs::write(
        client.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
F-1;C1;\"=HYPERLINK(\"\"http://evil.example\"\",\"\"clic\"\")\";2026-01-01;2026-01-31;150,00\n\
F-2;C2;@SUM(A1);2026-01-01;2026-01-31;250,00\n",
    )
    .unwrap();
    fs::write(
        client.join("customers.csv"),
        "customer_id;name;address\nC1;\"=HYPERLINK(\"\"http://evil.example\"\",\"\"clic\"\")\";+33 rue du Test\nC2;@SUM(A1);-1 avenue\n",
    )
    .unwrap();
    let s = camt(
        false,
        "S1",
        1,
        "FR7630001007941234567890185",
        "2026-03-02",
        "2026-03-02",
        Some(("0.00", "87.50")),
        &[
            Ntry {
                reference: "BQ-1",
                date: "2026-03-02",
                code: "RCDT/ESCT",
                amount: "100.00",
                txs: vec![Tx {
                    amount: "100.00",
                    name: Some("=cmd|' /C calc'!A0"),
                    text: Some("-2+3 FACT F-1"),
                    ..Tx::default()
                }],
            },
            Ntry {
                reference: "BQ-2",
                date: "2026-03-02",
                code: "ICDT/ESCT",
                amount: "-12.50",
                txs: vec![Tx {
                    amount: "-12.50",
                    name: Some("@evil"),
                    ..Tx::default()
                }],
            },
        ],
    );
    fs::write(client.join("statements/s1.xml"), s).unwrap();
    let out = dir.path().join("out");
    let o = run_night(&client, "2026-03-20", &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut cells = 0;
    for name in [
        "matches.csv",
        "alerts.csv",
        "open_items.csv",
        "invoice_status.csv",
        "dunning.csv",
    ] {
        let rows = csv_rows(&out.join(name));
        for row in &rows[1..] {
            for cell in row {
                cells += 1;
                let first = cell.chars().next();
                let numeric = cell.parse::<f64>().is_ok() || cell.parse::<i64>().is_ok();
                match first {
                    Some('=' | '+' | '@' | '\t' | '\r') => panic!("{name}: live formula {cell:?}"),
                    Some('-') if !numeric => panic!("{name}: live formula {cell:?}"),
                    _ => {}
                }
            }
        }
    }
    assert!(cells > 50, "too few cells checked: {cells}");
    let dunning = fs::read_to_string(out.join("dunning.csv")).unwrap();
    assert!(dunning.contains("'=HYPERLINK"), "{dunning}");
    assert!(dunning.contains("'@SUM(A1)"), "{dunning}");
    let matches = fs::read_to_string(out.join("matches.csv")).unwrap();
    assert!(matches.contains("'=cmd|"), "{matches}");
    assert!(matches.contains("'-2+3 FACT F-1"), "{matches}");
    assert!(matches.contains(",100.00,"), "{matches}");
}
