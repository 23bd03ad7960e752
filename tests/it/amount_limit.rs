//! Amounts past the 10^13 limit are refused with messages naming the field
//! that holds them and the limit (review 23 #9).

use std::process::Output;

use crate::support::{pointage, run_night};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn parse(path: &std::path::Path) -> Output {
    pointage().arg("parse").arg(path).output().unwrap()
}

/// A JPY (0 decimals) CFONB file whose movement is 10^13 yen.
fn jpy(units: &str) -> String {
    let open = format!(
        "0130006    00001JPY0 12345678901  171126{}0000000000000{{{}",
        " ".repeat(50),
        " ".repeat(16)
    );
    let movement = format!(
        "0430006000100001JPY0 1234567890105181126  181126{:<31}  000000000{units}{:16}",
        "VIR SEPA ALPHA", ""
    );
    let close = format!(
        "0730006    00001JPY0 12345678901  181126{}{units}{}",
        " ".repeat(50),
        " ".repeat(16)
    );
    format!("{open}\r\n{movement}\r\n{close}\r\n")
}

#[test]
fn a_cfonb_amount_past_the_limit_names_the_amount_field_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok.cfo");
    std::fs::write(&ok, jpy("0999999999999I")).unwrap();
    let o = parse(&ok);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let big = dir.path().join("big.cfo");
    std::fs::write(&big, jpy("1000000000000{")).unwrap();
    let o = parse(&big);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "big.cfo: line 2, columns 91-104: amount (cols 91-104): expected an amount below 10^13 \
             with at most 5 decimals (read with the 0 decimals of col 20), found \"10000000000000.00\""
        ),
        "{err}"
    );
}

#[test]
fn a_decisions_amount_past_the_limit_states_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    std::fs::create_dir_all(c.join("statements")).unwrap();
    std::fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount\n\
         F-1,C1,Alpha,2026-10-01,2026-10-31,100.00\n",
    )
    .unwrap();
    for amount in ["10000000000000", "0.000001"] {
        std::fs::write(
            c.join("decisions.csv"),
            format!("entry_id,invoice_id,decision,amount,note\nR1,F-1,assign,{amount},x\n"),
        )
        .unwrap();
        let out = dir.path().join("out");
        let o = run_night(&c, "2026-11-19", &out, &[]);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("decisions.csv: line 2, column amount: expected an amount")
                && err.contains("below 10^13, at most 5 decimals)")
                && err.contains(&format!("found \"{amount}\"")),
            "{err}"
        );
        assert!(!out.exists(), "nothing is half-written");
    }
}
