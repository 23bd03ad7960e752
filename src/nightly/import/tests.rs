//! Tests of the import: statements known, renamed, repeated and told apart
//! across files and nights.

use super::*;

fn fixture(name: &str) -> StatementFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cfonb120")
        .join(name);
    StatementFile {
        parsed: crate::formats::parse_file(&path).unwrap(),
        path,
        sha256: String::new(),
        already_imported: None,
    }
}

/// A one-entry camt.053 of 2026-03-02, entry and transaction id `X`.
fn one_credit(statement_id: &str) -> Statement {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-03-02T20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{statement_id}</Id><CreDtTm>2026-03-02T20:00:00</CreDtTm>
<Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>X</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
</Ntry></Stmt></BkToCstmrStmt></Document>"#
    );
    let parsed = crate::formats::camt::parse(xml.as_bytes(), Path::new("s.xml")).unwrap();
    parsed.statements.into_iter().next().unwrap()
}

#[test]
fn money_applied_is_never_brought_back_by_a_statement_repeating_its_id() {
    // As an earlier release could leave it: statement row X applied to
    // F-1, then marked "covered by a statement" by a notification.
    let dir = tempfile::tempdir().unwrap();
    let mut state = crate::state::State::open(dir.path()).unwrap();
    let conn = state.conn();
    let first = one_credit("S1");
    st::import(conn, &first, &st::encode(&first), "2026-03-02").unwrap();
    let account = first.account.key();
    conn.execute(
        "INSERT INTO applications (run_date, account, entry_id, invoice_id, customer_id,
             applied, writeoff, writeoff_kind, rule, confidence, evidence, recorded_open)
         VALUES ('2026-03-02', ?1, 'X', 'F-1', 'C1', '100.00', '0.00', '', 'rf', '1.00', '', '100.00')",
        [&account],
    )
    .unwrap();
    transactions::settle_tx(
        conn,
        &account,
        "X",
        Money::ZERO,
        Some("2026-03-02"),
        Some(transactions::NOT_MONEY),
    )
    .unwrap();
    // The day reissued under another statement id.
    let file = StatementFile {
        parsed: crate::formats::Parsed {
            statements: vec![one_credit("S1-BIS")],
            ..Default::default()
        },
        path: "s1-bis.xml".into(),
        sha256: String::new(),
        already_imported: None,
    };
    let report = import(conn, &[file], "2026-03-03").unwrap();
    let remaining: String = conn
        .query_row(
            "SELECT remaining FROM transactions WHERE account = ?1 AND entry_id = 'X'",
            [&account],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(remaining, "0.00", "the applied money came back");
    let kinds: Vec<AlertKind> = report.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::RepeatedTransaction]);
}

#[test]
fn bytes_imported_whole_by_an_older_reader_are_not_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = crate::state::State::open(dir.path()).unwrap();
    let conn = state.conn();
    let file = |sha: &str, amount: i64| {
        let mut s = one_credit("S1");
        s.entries[0].amount = Money::from_scaled(amount, 2).unwrap();
        StatementFile {
            parsed: crate::formats::Parsed {
                statements: vec![s],
                ..Default::default()
            },
            path: "s1.xml".into(),
            sha256: sha.into(),
            already_imported: None,
        }
    };
    let report = import(conn, &[file("aaaa", 10_000)], "2026-03-02").unwrap();
    assert_eq!(report.imported, 1);
    // As an earlier pointage left it: the same bytes, read another way.
    conn.execute_batch(
        "UPDATE seen_files SET reader = '0.0.1';
         UPDATE statements SET content_hash = 'as 0.0.1 read it';",
    )
    .unwrap();
    let report = import(conn, &[file("aaaa", 10_000)], "2026-03-03").unwrap();
    assert_eq!((report.imported, report.conflicting), (0, 0));
    assert_eq!(report.already_imported, 1);
    let kinds: Vec<AlertKind> = report.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::StatementReadDifferently]);
    assert!(
        report.alerts[0]
            .message
            .contains("2026-03-02 by pointage 0.0.1")
    );
    // Said once: the file is now recorded for this reader.
    assert!(
        st::seen_files(conn)
            .unwrap()
            .contains_key(&("s1.xml".to_string(), "aaaa".to_string()))
    );
    // Other bytes with other content are the bank's correction: a conflict.
    let report = import(conn, &[file("bbbb", 12_000)], "2026-03-04").unwrap();
    assert_eq!((report.imported, report.conflicting), (0, 1));
    let kinds: Vec<AlertKind> = report.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::ConflictingStatement]);
}

/// A one-block CFONB file whose 01 and 07 dates are blank, one movement
/// of 10.00 on `day` (`DDMMYY`) under reference `r`.
fn undated(day: &str, r: &str, opening: u32) -> StatementFile {
    let amount = |tens: u32| format!("{tens:013}{{");
    let text = format!(
        "0130004    00822EUR2 00012345678  000000{}{}{}\r\n\
         0430004052100822EUR2 0001234567805{day}  {day}{:<31}  000000000{}{r:<16}\r\n\
         0730004    00822EUR2 00012345678  000000{}{}{}\r\n",
        " ".repeat(50),
        amount(opening),
        " ".repeat(16),
        "VIR SEPA",
        amount(100),
        " ".repeat(50),
        amount(opening + 100),
        " ".repeat(16),
    );
    StatementFile {
        parsed: crate::formats::cfonb120::parse(text.as_bytes(), Path::new("r.cfonb")).unwrap(),
        path: format!("r{day}.cfonb").into(),
        sha256: format!("sha of {day}"),
        already_imported: None,
    }
}

#[test]
fn undated_cfonb_blocks_imported_under_their_old_id_are_known_and_other_days_are_new() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = crate::state::State::open(dir.path()).unwrap();
    let conn = state.conn();
    // Day 1 as a release before blank dates stood for the movements' stored it.
    let day1 = undated("201126", "A1", 0);
    let mut old = day1.parsed.statements[0].clone();
    old.id = crate::formats::cfonb120::undated_statement_id(&old);
    assert!(old.id.ends_with("-00000000-00000000"), "{}", old.id);
    assert_ne!(old.id, day1.parsed.statements[0].id);
    st::import(conn, &old, &st::encode(&old), "2026-11-20").unwrap();
    st::record_file(
        conn,
        &old.account.key(),
        &old.id,
        "r201126.cfonb",
        "2026-11-20",
    )
    .unwrap();
    // Read again by this release: the statement already imported.
    let report = import(conn, std::slice::from_ref(&day1), "2026-11-21").unwrap();
    assert_eq!((report.imported, report.already_imported), (0, 1));
    assert!(report.alerts.is_empty(), "{:?}", report.alerts);
    // Another undated day: its own statement, not a conflict with day 1.
    let report = import(conn, &[undated("231126", "B1", 10)], "2026-11-23").unwrap();
    assert_eq!((report.imported, report.conflicting), (1, 0));
    assert!(report.alerts.is_empty(), "{:?}", report.alerts);

    // Day 1's very bytes, imported whole by an older pointage that read
    // them otherwise: the statement imported then stands, said once.
    let dir = tempfile::tempdir().unwrap();
    let mut state = crate::state::State::open(dir.path()).unwrap();
    let conn = state.conn();
    st::import(conn, &old, &st::encode(&old), "2026-11-20").unwrap();
    st::record_seen_file(conn, "r201126.cfonb", &day1.sha256, 1, "2026-11-20").unwrap();
    conn.execute_batch(
        "UPDATE seen_files SET reader = '0.0.1';
         UPDATE statements SET content_hash = 'as 0.0.1 read it';",
    )
    .unwrap();
    let report = import(conn, std::slice::from_ref(&day1), "2026-11-21").unwrap();
    assert_eq!((report.imported, report.already_imported), (0, 1));
    let kinds: Vec<AlertKind> = report.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::StatementReadDifferently]);
}

#[test]
fn a_non_eur_cfonb_statement_imported_under_its_old_id_is_not_imported_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = crate::state::State::open(dir.path()).unwrap();
    let conn = state.conn();
    // XPF, TND and JPY statements, as a release before the currency was
    // part of their id stored them.
    let file = fixture("decimals-0-3-negative.cfonb");
    for s in &file.parsed.statements {
        let mut old = s.clone();
        old.id = crate::formats::cfonb120::legacy_statement_id(s);
        assert_ne!(old.id, s.id);
        st::import(conn, &old, &st::encode(&old), "2026-12-02").unwrap();
        st::record_file(
            conn,
            &old.account.key(),
            &old.id,
            "decimals-0-3-negative.cfonb",
            "2026-12-02",
        )
        .unwrap();
    }
    let report = import(conn, std::slice::from_ref(&file), "2026-12-03").unwrap();
    assert_eq!(report.imported, 0);
    assert_eq!(report.already_imported, 3);
    assert!(report.alerts.is_empty(), "{:?}", report.alerts);
    // The same day corrected by the bank is a conflict, not a second day.
    let mut corrected = file.clone();
    corrected.parsed.statements.truncate(1);
    corrected.sha256 = "the corrected file's".into();
    corrected.parsed.statements[0].entries[0].amount = Money::from_scaled(2_400_000, 0).unwrap();
    let report = import(conn, &[corrected], "2026-12-04").unwrap();
    assert_eq!((report.imported, report.conflicting), (0, 1));
    // Read with no state at all, they are new.
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = crate::state::State::open(dir.path()).unwrap();
    let report = import(fresh.conn(), &[file], "2026-12-03").unwrap();
    assert_eq!(report.imported, 3);
}
