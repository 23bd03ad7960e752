//! The catalogue of broken and hostile input (`fixtures/malformed/`): one
//! test per file, each with its declared outcome — accepted, accepted with a
//! finding, or a typed error naming the file, the line or byte offset and the
//! field. Nothing may crash.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{pointage, run_night};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/malformed")
        .join(name)
}

fn parse(path: &Path) -> Output {
    pointage().arg("parse").arg(path).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Accepted: exit 0, one transaction, no finding at all.
fn accepted(name: &str, shows: &str) {
    let o = parse(&fixture(name));
    assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
    assert!(
        o.stderr.is_empty(),
        "{name} has findings: {}",
        text(&o.stderr)
    );
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 2, "{name}: {out}");
    assert!(out.contains(shows), "{name} does not show {shows:?}: {out}");
}

/// Accepted with a finding of `kind` whose message holds every `needle`.
fn finding(name: &str, kind: &str, needles: &[&str]) {
    let o = parse(&fixture(name));
    assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout).lines().count(),
        2,
        "{name} lost its transaction"
    );
    let err = text(&o.stderr);
    let line = err
        .lines()
        .find(|l| l.contains(&format!(": {kind}: ")))
        .unwrap_or_else(|| panic!("{name}: no {kind} finding in {err}"));
    assert!(line.contains(name), "the file is not named: {line}");
    for n in needles {
        assert!(line.contains(n), "{name}: {n:?} not in {line}");
    }
}

/// A typed error (exit 3) naming the file and holding every `needle`.
fn error(path: &Path, needles: &[&str]) {
    let o = parse(path);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}: {}",
        path.display(),
        text(&o.stderr)
    );
    let err = text(&o.stderr);
    assert!(err.starts_with("error: "), "{err}");
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(err.contains(name.as_ref()), "the file is not named: {err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn ok_lf() {
    accepted("ok-lf.cfonb", "120.50");
}

#[test]
fn ok_crlf() {
    accepted("ok-crlf.cfonb", "120.50");
}

#[test]
fn ok_no_line_end() {
    accepted("ok-no-line-end.cfonb", "120.50");
}

#[test]
fn ok_latin1_cfonb() {
    accepted("ok-latin1.cfonb", "SOCIÉTÉ GÉNÉRALE");
}

#[test]
fn ok_bom() {
    accepted("ok-bom.xml", "Dupont SARL");
}

#[test]
fn ok_latin1_camt() {
    accepted("ok-latin1.xml", "Société Générale d'Électricité");
}

#[test]
fn ok_no_namespace() {
    accepted("ok-no-namespace.xml", "FACT F-2026-0042");
}

#[test]
fn ok_prefixed() {
    accepted("ok-prefixed.xml", "FACT F-2026-0042");
}

#[test]
fn finding_119_chars() {
    finding(
        "finding-119-chars.cfonb",
        "short_line_padded",
        &["line 3", "119 characters"],
    );
}

#[test]
fn finding_negative_zero() {
    finding(
        "finding-negative-zero.cfonb",
        "negative_zero",
        &["line 2", "columns 91-104"],
    );
}

#[test]
fn finding_unknown_code() {
    finding(
        "finding-unknown-code.cfonb",
        "unknown_code",
        &["line 2", "columns 33-34", "\"ZZ\""],
    );
}

#[test]
fn finding_balance_mismatch() {
    finding(
        "finding-balance-mismatch.cfonb",
        "balance_mismatch",
        &["1120.50", "1120.51", "difference 0.01"],
    );
}

#[test]
fn finding_third_decimal() {
    finding("finding-third-decimal.xml", "extra_decimals", &["120.505"]);
    let o = parse(&fixture("finding-third-decimal.xml"));
    assert!(
        text(&o.stdout).contains(",120.505,"),
        "the amount is kept exact"
    );
}

#[test]
fn finding_unknown_currency() {
    finding("finding-unknown-currency.xml", "unknown_currency", &["XYZ"]);
}

#[test]
fn err_121_chars() {
    error(
        &fixture("err-121-chars.cfonb"),
        &["line 2", "121 characters"],
    );
}

#[test]
fn err_bad_sign() {
    error(
        &fixture("err-bad-sign.cfonb"),
        &["line 2", "amount (cols 91-104)", "sign letter"],
    );
}

#[test]
fn err_unknown_record() {
    error(
        &fixture("err-unknown-record.cfonb"),
        &["line 2", "record code", "\"09\""],
    );
}

#[test]
fn err_nul_byte_cfonb() {
    error(
        &fixture("err-nul-byte.cfonb"),
        &["line 2", "column 61", "NUL"],
    );
}

#[test]
fn err_nul_byte_camt() {
    error(&fixture("err-nul-byte.xml"), &["line 17", "Nm", "NUL"]);
}

#[test]
fn err_truncated() {
    error(
        &fixture("err-truncated.xml"),
        &["unexpected end of file", "is not closed"],
    );
}

#[test]
fn err_wrong_root() {
    error(
        &fixture("err-wrong-root.xml"),
        &["line 2", "root element Invoice"],
    );
}

#[test]
fn err_billion_laughs() {
    error(
        &fixture("err-billion-laughs.xml"),
        &["DOCTYPE is not allowed"],
    );
}

#[test]
fn err_absurd_amount() {
    error(&fixture("err-absurd-amount.xml"), &["line 12", "Ntry/Amt"]);
}

/// The largest amount a `Decimal` holds used to be read, and two of them
/// made `summary.json`'s `received` show one: a wrong total, silently.
/// Amounts are held below 10^13 with 5 decimals, so every sum is exact.
#[test]
fn err_amount_past_limit() {
    error(
        &fixture("err-amount-past-limit.xml"),
        &["line 12", "Ntry/Amt", "at most 13 digits before the point"],
    );
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("c");
    std::fs::create_dir_all(&client).unwrap();
    std::fs::write(
        client.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount\n\
         F-1,C1,Alpha,2026-03-01,2026-03-31,100.00\n\
         F-2,C1,Alpha,2026-03-01,2026-03-31,10000000000000.00\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = run_night(&client, "2026-03-15", &out, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("invoices.csv: line 3"), "{err}");
    assert!(err.contains("amount"), "{err}");
    assert!(!out.exists(), "nothing is half-written");
}

#[test]
fn err_duplicate_invoice_id_fails_the_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("dup");
    std::fs::create_dir_all(&client).unwrap();
    std::fs::copy(
        fixture("err-duplicate-invoice-id/invoices.csv"),
        client.join("invoices.csv"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = run_night(&client, "2026-03-15", &out, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("invoices.csv: line 4"), "{err}");
    assert!(err.contains("first on line 2"), "{err}");
    assert!(!out.exists(), "nothing is half-written");
}

#[test]
fn a_10_mb_single_line_is_refused_not_swallowed() {
    let dir = tempfile::tempdir().unwrap();
    let cfonb = dir.path().join("long.cfonb");
    std::fs::write(&cfonb, format!("01{}\n", "0".repeat(10 * 1024 * 1024))).unwrap();
    error(&cfonb, &["line 1"]);
    let xml = dir.path().join("long.xml");
    let good = std::fs::read_to_string(fixture("ok-no-namespace.xml")).unwrap();
    let huge = good.replace("Dupont SARL", &"A".repeat(10 * 1024 * 1024));
    std::fs::write(&xml, huge).unwrap();
    error(&xml, &["limit exceeded"]);
}

#[test]
fn a_1_gb_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("huge.xml");
    let f = std::fs::File::create(&big).unwrap();
    // A sparse file: 1 GiB long, no disk used, never read.
    f.set_len(1024 * 1024 * 1024).unwrap();
    drop(f);
    error(&big, &["1073741824 bytes", "refused before parsing"]);
}
