//! `pointage parse` as a user runs it.

use std::process::Command;

fn pointage() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pointage"))
}

#[test]
fn a_file_that_is_no_statement_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("invoices.csv");
    std::fs::write(&f, "invoice_id;customer_id\n").unwrap();
    let out = pointage().arg("parse").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invoices.csv"), "{err}");
    assert!(err.contains("not a CFONB 120 or CAMT"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = pointage().arg("parse").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
