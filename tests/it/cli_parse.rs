//! The commands as a user runs them: `pointage parse`, and the exit codes of
//! common mistakes.

use std::process::Command;

fn pointage() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pointage"));
    c.env("POINTAGE_TODAY", crate::support::TODAY);
    c
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

/// The README's exit codes, as a scheduler sees them, for mistakes people make.
#[test]
fn exit_codes_of_common_mistakes_are_the_documented_ones() {
    let dir = tempfile::tempdir().unwrap();
    // `pointage firm` on an OUT that does not exist: usage, nothing run.
    let out = pointage()
        .arg("firm")
        .arg(dir.path().join("no-such-out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-out: not a folder"));
    // `pointage match` and `pointage run` agree on a broken client.toml: 2.
    let client = dir.path().join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    std::fs::write(
        client.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency\n",
    )
    .unwrap();
    std::fs::write(
        client.join("client.toml"),
        "[matching]\nauto_threshold = 7\n",
    )
    .unwrap();
    for cmd in ["match", "run"] {
        let mut c = pointage();
        c.arg(cmd).arg(&client);
        if cmd == "run" {
            c.args(["--date", "2026-11-20"]);
        }
        let out = c.arg("--out").arg(dir.path().join("o")).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A mistyped client path: refused, and no state folder left behind.
    let typo = dir.path().join("clinet");
    let out = pointage()
        .arg("run")
        .arg(&typo)
        .args(["--date", "2026-11-20", "--out"])
        .arg(dir.path().join("o2"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        !typo.exists(),
        "a state folder was created at the mistyped path"
    );
}
