//! CFONB 120: golden files (fixture → the `pointage parse` CSV and findings a
//! user sees), the public samples against the figures of their MANIFEST,
//! error fixtures with their exact messages, and `parse(render(x)) == x`.
//!
//! Regenerate expected files with `UPDATE_GOLDEN=1 cargo test --test it cfonb120`
//! (then read the diff: the figures are the point).

use std::path::{Path, PathBuf};
use std::process::Command;

use pointage::formats::cfonb120::{self, complement, render, statement_id};
use pointage::money::{Currency, Money};
use pointage::refs;
use pointage::statement::check::{BalanceCheck, check_balances};
use pointage::statement::{
    Account, Balance, BankCode, Entry, EntryStatus, FindingKind, ReturnReason, SourceFormat,
    Statement, Transaction, TxKind, identity,
};
use proptest::prelude::*;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cfonb120")
}

fn update() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

fn golden(expected: &Path, actual: &str) {
    if update() {
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", expected.display()));
    assert_eq!(actual, want, "{} differs", expected.display());
}

/// Runs `pointage parse NAME` in the file's folder: stdout (CSV), stderr (findings).
fn pointage_parse(file: &Path) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_pointage"))
        .current_dir(file.parent().unwrap())
        .arg("parse")
        .arg(file.file_name().unwrap())
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

fn check_golden_folder(folder: &Path, ext: &str) -> usize {
    let inputs = files(folder, ext);
    for input in &inputs {
        let (csv, findings, code) = pointage_parse(input);
        assert_eq!(code, Some(0), "{}: {findings}", input.display());
        let stem = input.file_stem().unwrap().to_string_lossy().to_string();
        golden(&folder.join(format!("{stem}.csv")), &csv);
        golden(&folder.join(format!("{stem}.findings")), &findings);
    }
    inputs.len()
}

#[test]
fn fixtures_give_their_golden_csv_and_findings() {
    assert_eq!(check_golden_folder(&dir(), "cfonb"), 6);
}

#[test]
fn samples_give_their_golden_csv_and_findings() {
    assert_eq!(check_golden_folder(&dir().join("samples"), "txt"), 4);
}

#[test]
fn error_fixtures_fail_with_their_exact_message() {
    let inputs = files(&dir().join("err"), "cfonb");
    assert_eq!(inputs.len(), 9);
    for input in inputs {
        let bytes = std::fs::read(&input).unwrap();
        let name = Path::new(input.file_name().unwrap());
        let err = cfonb120::parse(&bytes, name).expect_err(&name.display().to_string());
        let expected = input.with_extension("err");
        golden(&expected, &format!("{err}\n"));
    }
}

#[test]
fn error_locations_name_line_columns_and_field() {
    let parse = |name: &str| {
        let bytes = std::fs::read(dir().join("err").join(name)).unwrap();
        cfonb120::parse(&bytes, Path::new(name)).unwrap_err()
    };
    let e = parse("bad-sign-letter.cfonb");
    assert_eq!((e.location.line, e.location.column), (2, 104));
    assert_eq!(e.field, "amount (cols 91-104)");
    let e = parse("non-digit-amount.cfonb");
    assert_eq!(
        (e.location.line, e.location.column, e.location.column_end),
        (2, 91, 104)
    );
    let e = parse("line-121-chars.cfonb");
    assert_eq!(e.location.line, 2);
    assert!(e.to_string().contains("121 characters"), "{e}");
    let e = parse("nul-byte.cfonb");
    assert_eq!((e.location.line, e.location.column), (2, 61));
    let e = parse("complement-without-movement.cfonb");
    assert_eq!(e.location.line, 2);
    let e = parse("unknown-record-code.cfonb");
    assert_eq!(
        (e.location.line, e.field.as_str()),
        (2, "record code (cols 1-2)")
    );
    let e = parse("impossible-date.cfonb");
    assert_eq!((e.location.column, e.location.column_end), (43, 48));
}

// ---- the public samples against MANIFEST.md ----

struct Want {
    account: &'static str,
    open: &'static str,
    credits: &'static str,
    debits: &'static str,
    movements: usize,
    close: &'static str,
    open_date: (u32, u32, u32),
    close_date: (u32, u32, u32),
}

fn money(s: &str) -> Money {
    s.parse().unwrap()
}

fn check_sample(name: &str, want: &[Want]) {
    let path = dir().join("samples").join(name);
    let parsed = cfonb120::parse(&std::fs::read(&path).unwrap(), &path).unwrap();
    assert_eq!(parsed.statements.len(), want.len(), "{name}: statements");
    for (s, w) in parsed.statements.iter().zip(want) {
        let key = format!(
            "{}-{}-{}",
            s.account.bank_code.as_deref().unwrap(),
            s.account.branch_code.as_deref().unwrap(),
            s.account.account_number.as_deref().unwrap()
        );
        assert_eq!(key, w.account, "{name}");
        assert_eq!(s.currency, Currency::EUR);
        assert_eq!(s.entries.len(), w.movements, "{name} {key}");
        let credits = Money::checked_sum(
            s.entries
                .iter()
                .filter(|e| e.amount.is_positive())
                .map(|e| e.amount),
        )
        .unwrap();
        let debits = Money::checked_sum(
            s.entries
                .iter()
                .filter(|e| e.amount.is_negative())
                .map(|e| -e.amount),
        )
        .unwrap();
        assert_eq!(credits, money(w.credits), "{name} {key} credits");
        assert_eq!(debits, money(w.debits), "{name} {key} debits");
        let open = s.opening.unwrap();
        let close = s.closing.unwrap();
        assert_eq!(open.amount, money(w.open), "{name} {key} opening");
        assert_eq!(close.amount, money(w.close), "{name} {key} closing");
        let d = |(y, m, dd): (u32, u32, u32)| chrono::NaiveDate::from_ymd_opt(y as i32, m, dd);
        assert_eq!(open.date, d(w.open_date));
        assert_eq!(close.date, d(w.close_date));
        assert_eq!(check_balances(s), BalanceCheck::Closes, "{name} {key}");
    }
    assert!(
        parsed
            .findings
            .iter()
            .all(|f| f.kind != FindingKind::BalanceMismatch)
    );
}

#[allow(clippy::too_many_arguments)] // one row of the MANIFEST table
const fn w(
    account: &'static str,
    open: &'static str,
    credits: &'static str,
    debits: &'static str,
    movements: usize,
    close: &'static str,
    open_date: (u32, u32, u32),
    close_date: (u32, u32, u32),
) -> Want {
    Want {
        account,
        open,
        credits,
        debits,
        movements,
        close,
        open_date,
        close_date,
    }
}

#[test]
fn silarhi_complex_test_matches_the_manifest() {
    const A: &str = "10278-02204-00012345603";
    const B: &str = "10278-02204-00020427603";
    check_sample(
        "silarhi_cfonb-parser__complex-test.txt",
        &[
            w(
                A,
                "16695.65",
                "0",
                "22.79",
                1,
                "16672.86",
                (2020, 4, 6),
                (2020, 4, 7),
            ),
            w(
                B,
                "16672.86",
                "0",
                "5020.11",
                2,
                "11652.75",
                (2020, 4, 7),
                (2020, 4, 8),
            ),
            w(
                B,
                "11652.75",
                "0",
                "0",
                0,
                "11652.75",
                (2020, 4, 8),
                (2020, 4, 9),
            ),
            w(
                B,
                "11652.75",
                "0",
                "117.75",
                1,
                "11535.00",
                (2020, 4, 9),
                (2020, 4, 10),
            ),
            w(
                B,
                "11535.00",
                "0",
                "0",
                0,
                "11535.00",
                (2020, 4, 10),
                (2020, 4, 13),
            ),
            w(
                B,
                "11535.00",
                "0",
                "50.25",
                1,
                "11484.75",
                (2020, 4, 13),
                (2020, 4, 14),
            ),
            w(
                B,
                "11484.75",
                "0",
                "0",
                0,
                "11484.75",
                (2020, 4, 14),
                (2020, 4, 15),
            ),
            w(
                B,
                "584353.02",
                "0",
                "0",
                0,
                "584353.02",
                (2020, 4, 23),
                (2020, 4, 24),
            ),
        ],
    );
}

#[test]
fn silarhi_simple_and_unused_parts_match_the_manifest() {
    check_sample(
        "silarhi_cfonb-parser__simple-test.txt",
        &[w(
            "10278-02204-00012345603",
            "16695.65",
            "0",
            "0",
            0,
            "16695.65",
            (2020, 4, 3),
            (2020, 4, 6),
        )],
    );
    let d = (2022, 1, 27);
    let zero = || w("30087-33608-00012345701", "0", "0", "0", 0, "0", d, d);
    check_sample(
        "silarhi_cfonb-parser__test-unused-parts.txt",
        &[
            w(
                "30087-33608-00012345601",
                "18.62",
                "0",
                "0",
                0,
                "18.62",
                (2022, 2, 11),
                (2022, 2, 14),
            ),
            zero(),
            zero(),
            zero(),
            zero(),
            zero(),
            zero(),
            w(
                "30087-33600-00012345801",
                "19875.72",
                "0",
                "0",
                0,
                "19875.72",
                d,
                (2022, 1, 28),
            ),
        ],
    );
}

#[test]
fn pennylane_example_matches_the_manifest() {
    check_sample(
        "pennylane_cfonb__example.txt",
        &[
            w(
                "15589-00000-98765432100",
                "-190.40",
                "0",
                "50.81",
                3,
                "-241.21",
                (2019, 5, 15),
                (2019, 5, 16),
            ),
            w(
                "18706-00000-00123456789",
                "-241.21",
                "97.49",
                "20.00",
                3,
                "-163.72",
                (2019, 5, 16),
                (2019, 5, 17),
            ),
        ],
    );
    let path = dir().join("samples/pennylane_cfonb__example.txt");
    let parsed = cfonb120::parse(&std::fs::read(&path).unwrap(), &path).unwrap();
    // The first 04 keeps its 11 non-empty complements raw, malformed qualifiers included.
    let first = &parsed.statements[0].entries[0].transactions[0];
    assert_eq!(first.complements.len(), 11);
    assert!(first.complements.iter().any(|(q, _)| q == "2'C"));
    assert_eq!(first.end_to_end_id.as_deref(), Some("OTHER REFERENCE"));
    assert_eq!(first.payment_info_id.as_deref(), Some("REFERENCE"));
    // The 07 with bank code 15489 after a 01 with 15589 parses, with one finding.
    let odd: Vec<_> = parsed
        .findings
        .iter()
        .filter(|f| f.message.contains("15489"))
        .collect();
    assert_eq!(odd.len(), 1, "{odd:?}");
    assert_eq!(odd[0].location.line, 21);
}

// ---- behaviour on the hand-written fixtures ----

fn parse_fixture(name: &str) -> pointage::formats::Parsed {
    let path = dir().join(name);
    cfonb120::parse(&std::fs::read(&path).unwrap(), Path::new(name)).unwrap()
}

#[test]
fn line_ends_and_encodings_do_not_change_the_statements() {
    let latin1 = std::fs::read(dir().join("crlf-latin1-accounts-days.cfonb")).unwrap();
    let base = cfonb120::parse(&latin1, Path::new("a")).unwrap();
    assert_eq!(base.statements.len(), 3);
    let text: String = latin1.iter().map(|&b| char::from(b)).collect();
    let utf8_lf = text.replace("\r\n", "\n");
    let same = cfonb120::parse(utf8_lf.as_bytes(), Path::new("a")).unwrap();
    assert_eq!(same.statements, base.statements);
    // Without any line break, lines become record numbers: same content.
    let stream = text.replace("\r\n", "");
    let streamed = cfonb120::parse(stream.as_bytes(), Path::new("a")).unwrap();
    assert_eq!(streamed.statements, base.statements);
    let name = &base.statements[0].entries[0].transactions[0]
        .counterparty
        .name;
    assert_eq!(name.as_deref(), Some("SOCIÉTÉ GÉNÉRALE DE DÉCORATION"));
}

#[test]
fn sdd_returns_carry_reason_mandate_and_end_to_end() {
    let p = parse_fixture("sdd-returns-rf-rum-rcn.cfonb");
    let s = &p.statements[0];
    assert_eq!(s.id, "30004-00822-00012345678-20261119-20261120");
    assert_eq!(
        s.account.iban.as_deref(),
        Some("FR7630004008220001234567834")
    );
    assert!(refs::is_valid_iban(s.account.iban.as_deref().unwrap()));
    let dupont = &s.entries[1];
    assert_eq!(dupont.kind, TxKind::DirectDebitReturned);
    let t = &dupont.transactions[0];
    assert_eq!(t.return_reason.as_ref().unwrap().code, "64");
    assert_eq!(t.mandate_id.as_deref(), Some("ACME-MDT-000042"));
    assert_eq!(t.end_to_end_id.as_deref(), Some("ACME-F-2026-0042"));
    assert_eq!(t.counterparty.name.as_deref(), Some("SARL DUPONT ET FILS"));
    assert_eq!(t.amount, money("-1200.00"));
    let leroy = &s.entries[3].transactions[0];
    assert_eq!(leroy.creditor_refs[0].kind, "SCOR");
    assert_eq!(leroy.creditor_refs[0].reference, "RF18 5390 0754 7034");
    assert_eq!(leroy.creditor_refs[1].kind, "");
    assert_eq!(leroy.ultimate_debtor.as_deref(), Some("LEROY HOLDING"));
    assert!(
        p.findings
            .iter()
            .any(|f| f.kind == FindingKind::InvalidIban && f.location.line == 20)
    );
    assert_eq!(check_balances(s), BalanceCheck::Closes);
}

#[test]
fn decimals_0_and_3_and_negative_balances() {
    let p = parse_fixture("decimals-0-3-negative.cfonb");
    let s: Vec<_> = p.statements.iter().collect();
    assert_eq!(s[0].currency.as_str(), "XPF");
    assert_eq!(s[0].opening.unwrap().amount, money("-150000"));
    assert_eq!(s[0].entries[0].amount, money("2500000"));
    assert_eq!(s[1].opening.unwrap().amount, money("-1234.567"));
    assert_eq!(s[1].entries[0].amount, money("1000.001"));
    // Blank decimals column: the currency's usual (JPY: 0).
    assert_eq!(s[2].entries[0].amount, money("-99999"));
    assert!(s.iter().all(|s| check_balances(s) == BalanceCheck::Closes));
}

#[test]
fn blank_zones_and_a_short_last_line() {
    let p = parse_fixture("blank-zones-short-last-line.cfonb");
    let s = &p.statements[0];
    assert_eq!(s.currency, Currency::EUR);
    assert_eq!(s.closing.unwrap().amount, money("5030.01"));
    assert_eq!(s.entries[1].value_date, None);
    let kinds: Vec<_> = p.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FindingKind::BalanceMismatch,
            FindingKind::UnknownCode,
            FindingKind::Ignored,
            FindingKind::ShortLinePadded,
            FindingKind::Other,
        ]
    );
}

// ---- parse(render(statements)) == statements ----

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!(
        "[A-Z0-9ÉÈàç/\\-]([A-Z0-9 ÉÈàç/\\-]{{0,{}}}[A-Z0-9])?",
        max - 2
    ))
    .unwrap()
}

fn code2() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "05", "06", "A1", "B1", "B3", "62", "11", "02", "A3", "99"
        ])
        .prop_map(String::from),
        "[0-9A-Z]{2}",
    ]
}

fn date() -> impl Strategy<Value = Option<chrono::NaiveDate>> {
    proptest::option::of((2000i32..2100, 1u32..13, 1u32..29))
        .prop_map(|o| o.and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d)))
}

fn amount() -> impl Strategy<Value = Money> {
    (
        -10_000_000_000i64..10_000_000_000,
        proptest::sample::select(vec![0u32, 2, 3]),
    )
        .prop_map(|(u, d)| Money::from_scaled(u, d).unwrap())
}

type RawEntry = (
    String,
    String,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
    Money,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<(String, String)>,
);

fn entry() -> impl Strategy<Value = RawEntry> {
    let complement = (
        proptest::sample::select(vec![
            "LIB", "NPY", "NBE", "RCN", "REF", "RUM", "LCS", "LCC", "LC2", "CPY", "CBE", "NPO",
            "MMO", "XYZ", "",
        ]),
        text(70),
    )
        .prop_map(|(q, t)| (q.to_string(), t));
    (
        code2(),
        "[0-9A-Z]{0,4}",
        date(),
        date(),
        amount(),
        proptest::option::of(text(31)),
        proptest::option::of("[A-Z0-9]{1,16}"),
        proptest::option::of("[1-9][0-9]"),
        proptest::collection::vec(complement, 0..4),
    )
}

type RawStatement = (
    (String, String, String),
    &'static str,
    (Money, Option<chrono::NaiveDate>),
    (Money, Option<chrono::NaiveDate>),
    Vec<RawEntry>,
);

fn raw_statement() -> impl Strategy<Value = RawStatement> {
    (
        ("[0-9]{5}", "[0-9]{5}", "[0-9A-Z]{11}"),
        proptest::sample::select(vec!["EUR", "XPF", "TND", "JPY", "USD"]),
        (amount(), date()),
        (amount(), date()),
        proptest::collection::vec(entry(), 0..5),
    )
}

/// Builds the statements exactly as the parser would read them.
fn build(raw: Vec<RawStatement>) -> Vec<Statement> {
    let mut line = 1u64;
    let mut out = Vec::new();
    for ((bank, branch, number), cur, (open, open_d), (close, close_d), entries) in raw {
        let statement_line = line;
        line += 1;
        let mut built = Vec::new();
        for (code, internal, booking, value, amount, label, reference, reason, complements) in
            entries
        {
            let bank_code = BankCode::Cfonb {
                interbank: code,
                internal,
            };
            let kind = bank_code.kind(amount.is_negative(), false);
            let mut tx = Transaction {
                amount,
                return_reason: reason.map(|code| ReturnReason { code, text: None }),
                ..Transaction::default()
            };
            let payer = amount.is_positive() || kind.is_receivable_debit();
            for (q, info) in &complements {
                complement::apply(&mut tx, q, info, payer);
            }
            built.push(Entry {
                booking_date: booking,
                value_date: value,
                amount,
                currency: None,
                status: EntryStatus::Booked,
                reversal: false,
                bank_ref: reference,
                bank_code,
                kind,
                additional_info: label,
                transactions: vec![tx],
                line,
            });
            line += 1 + complements.len() as u64;
        }
        line += 1;
        let mut s = Statement {
            format: SourceFormat::Cfonb120,
            id: String::new(),
            sequence: None,
            account: Account {
                iban: refs::iban_from_rib(&bank, &branch, &number),
                other_id: None,
                bic: None,
                bank_code: Some(bank),
                branch_code: Some(branch),
                account_number: Some(number),
            },
            currency: Currency::parse(cur).unwrap(),
            opening: Some(Balance {
                amount: open,
                date: open_d,
            }),
            closing: Some(Balance {
                amount: close,
                date: close_d,
            }),
            from_date: open_d,
            to_date: close_d,
            entries: built,
            line: statement_line,
        };
        s.id = statement_id(&s);
        identity::assign_entry_ids(&mut s);
        out.push(s);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_of_render_gives_the_statements_back(
        raw in proptest::collection::vec(raw_statement(), 1..4)
    ) {
        let statements = build(raw);
        let text = render(&statements);
        let parsed = cfonb120::parse(text.as_bytes(), Path::new("rt.cfonb"))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(parsed.statements, statements);
    }
}

#[test]
fn one_account_number_in_two_currencies_is_two_statements_and_both_are_money() {
    let tmp = tempfile::tempdir().unwrap();
    let client = tmp.path().join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    std::fs::copy(
        dir().join("same-account-two-currencies.cfonb"),
        client.join("statements/releve.cfonb"),
    )
    .unwrap();
    std::fs::write(
        client.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency\n\
F-2026-0077;C2;Client B;2026-10-01;2026-11-01;80,00;80,00;USD\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = crate::support::run_night(&client, "2026-11-03", &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let alerts = crate::support::csv_rows(&out.join("alerts.csv"));
    assert!(
        !alerts
            .iter()
            .any(|r| r[0] == "conflicting_statement" || r[0] == "sequence_gap"),
        "{alerts:?}"
    );
    let m = crate::support::csv_rows(&out.join("matches.csv"));
    assert_eq!(
        crate::support::column_where(&m, "entry_id", "VIR0311260009", "invoice_id"),
        ["F-2026-0077"]
    );
}
