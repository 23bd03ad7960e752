//! Amounts are read only where pointage uses them (review 37 L5); an amount
//! without `Ccy` is said, never silently taken as the statement's currency,
//! and a statement without `Acct` is refused (review 37 L4).

use std::path::Path;

use crate::formats::Parsed;
use crate::money::Currency;
use crate::statement::FindingKind;

/// A camt.053.001.08 with one statement per `(acct, body)`.
fn doc(stmts: &[(&str, &str)]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\n",
    );
    for (i, (acct, body)) in stmts.iter().enumerate() {
        x.push_str(&format!("<Stmt><Id>S{i}</Id>{acct}\n{body}</Stmt>\n"));
    }
    x.push_str("</BkToCstmrStmt></Document>");
    x
}

const ACCT: &str = "<Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id><Ccy>EUR</Ccy></Acct>";

/// An entry of `amt` (its `Amt` element's attributes and text) with `inner`.
fn ntry(amt: &str, inner: &str) -> String {
    format!(
        "<Ntry><Amt{amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
<BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef>\
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>{inner}</Ntry>\n"
    )
}

fn parse(x: &str) -> Result<Parsed, String> {
    super::parse(x.as_bytes(), Path::new("t.xml")).map_err(|e| e.to_string())
}

fn amounts(p: &Parsed) -> Vec<String> {
    p.statements
        .iter()
        .flat_map(|s| &s.entries)
        .flat_map(|e| &e.transactions)
        .map(|t| t.amount.to_plain())
        .collect()
}

fn unknown_currency(p: &Parsed) -> Vec<(Option<String>, u64)> {
    p.findings
        .iter()
        .filter(|f| f.kind == FindingKind::UnknownCurrency)
        .map(|f| (f.statement_id.clone(), f.location.line))
        .collect()
}

#[test]
fn an_amount_nothing_reads_is_not_validated() {
    // A bank's extension (the review's case), a summary, an entry-level
    // amount detail: elements named `Amt` that pointage does not use.
    let ext = "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">10.00</Amt><SplmtryData><Envlp>\
<Bank xmlns=\"urn:bank:ext\"><Amt>1.234,56</Amt><IBAN>XX00</IBAN></Bank></Envlp></SplmtryData></TxDtls></NtryDtls>";
    let summary =
        "<TxsSummry><TtlNtries><TtlNetNtry><Amt>1 0,0</Amt></TtlNetNtry></TtlNtries></TxsSummry>\n";
    let x = doc(&[(
        ACCT,
        &format!(
            "{summary}{}",
            ntry(
                " Ccy=\"EUR\">10.00",
                &format!("<AmtDtls><InstdAmt><Amt Ccy=\"EUR\">n/a</Amt></InstdAmt></AmtDtls>{ext}")
            )
        ),
    )]);
    let p = parse(&x).expect("read");
    assert_eq!(amounts(&p), ["10.00"]);
    // Only that the statement has no balances: no decimals, currency or
    // IBAN of the extension's is said.
    let said: Vec<_> = p
        .findings
        .iter()
        .filter(|f| f.kind != FindingKind::Other)
        .collect();
    assert!(said.is_empty(), "{said:?}");
}

#[test]
fn an_amount_pointage_reads_is_still_refused_with_its_place() {
    for (body, path) in [
        (
            ntry(" Ccy=\"EUR\">1,5", ""),
            "Document/BkToCstmrStmt/Stmt/Ntry/Amt",
        ),
        (
            ntry(
                " Ccy=\"EUR\">10.00",
                "<NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy=\"EUR\">1.234,56</Amt></TxAmt></AmtDtls></TxDtls></NtryDtls>",
            ),
            "Document/BkToCstmrStmt/Stmt/Ntry/NtryDtls/TxDtls/AmtDtls/TxAmt/Amt",
        ),
        (
            "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">+1</Amt></Bal>"
                .into(),
            "Document/BkToCstmrStmt/Stmt/Bal/Amt",
        ),
        (
            ntry(" Ccy=\"eur1\">10.00", ""),
            "Document/BkToCstmrStmt/Stmt/Ntry/Amt",
        ),
    ] {
        let e = parse(&doc(&[(ACCT, &body)])).map(|_| ()).unwrap_err();
        assert!(e.starts_with("t.xml: line 4, column "), "{e}");
        assert!(e.contains(&format!("{path}: expected ")), "{e}");
    }
}

#[test]
fn an_amount_without_ccy_is_said_once_per_statement_never_silently() {
    let bare = ntry(
        ">10.00",
        "<NtryDtls><TxDtls><Amt>10.00</Amt></TxDtls></NtryDtls>",
    );
    let chf_acct = "<Acct><Id><Othr><Id>CH-1</Id></Othr></Id><Ccy>CHF</Ccy></Acct>";
    let p = parse(&doc(&[(ACCT, &bare), (chf_acct, &bare)])).expect("read");
    // Each read in its statement's currency, and said once per statement.
    assert_eq!(amounts(&p), ["10.00", "10.00"]);
    let currencies: Vec<Currency> = p.statements.iter().map(|s| s.currency).collect();
    assert_eq!(currencies, [Currency::EUR, Currency::parse("CHF").unwrap()]);
    assert_eq!(
        unknown_currency(&p),
        [(Some("S0".to_string()), 4), (Some("S1".to_string()), 7)]
    );
    let message = &p.findings[0].message;
    assert!(message.contains("without its Ccy attribute"), "{message}");
    assert!(message.contains("statement's currency"), "{message}");
    // A detail without Ccy in a USD entry: read as the entry's, and said.
    let usd = ntry(
        " Ccy=\"USD\">10.00",
        "<NtryDtls><TxDtls><Amt>10.00</Amt></TxDtls></NtryDtls>",
    );
    let p = parse(&doc(&[(ACCT, &usd)])).expect("read");
    let e = &p.statements[0].entries[0];
    assert_eq!(e.currency, Currency::parse("USD"));
    assert_eq!(amounts(&p), ["10.00"]);
    assert_eq!(unknown_currency(&p).len(), 1);
    assert!(
        p.findings
            .iter()
            .any(|f| f.message.contains("entry's currency"))
    );
    // The same file with every Ccy: nothing said.
    let full = ntry(
        " Ccy=\"EUR\">10.00",
        "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">10.00</Amt></TxDtls></NtryDtls>",
    );
    let p = parse(&doc(&[(ACCT, &full)])).expect("read");
    assert!(unknown_currency(&p).is_empty(), "{:?}", p.findings);
}

#[test]
fn a_statement_without_its_account_is_refused_with_its_place() {
    let body = ntry(" Ccy=\"EUR\">10.00", "");
    let e = parse(&doc(&[(ACCT, &body), ("", &body)]))
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        e,
        "t.xml: line 6, column 1: Document/BkToCstmrStmt/Stmt: missing Acct"
    );
    // Nor with no entry at all.
    let e = parse(&doc(&[("", "")])).map(|_| ()).unwrap_err();
    assert!(
        e.ends_with("Document/BkToCstmrStmt/Stmt: missing Acct"),
        "{e}"
    );
    // An account known by another id than an IBAN is an account.
    let other = "<Acct><Id><Othr><Id>DD01100056869</Id></Othr></Id></Acct>";
    let p = parse(&doc(&[(other, &body)])).expect("read");
    assert_eq!(p.statements[0].account.key(), "DD01100056869");
}

#[test]
fn an_account_known_only_by_its_proxy_is_keyed_by_it_and_two_stay_apart() {
    // Review 38 banks F4: camt ≥ .09 allows `Acct` without `Id`; both
    // statements became account `--`, Gamma's payment dropped as a repeat.
    let body = ntry(" Ccy=\"EUR\">10.00", "");
    let prxy = |tp: &str, id: &str| {
        format!("<Acct><Prxy><Tp><Cd>{tp}</Cd></Tp><Id>{id}</Id></Prxy><Ccy>EUR</Ccy></Acct>")
    };
    let (a, b) = (prxy("EMAL", "a@alpha.fr"), prxy("EMAL", "b@gamma.fr"));
    let p = parse(&doc(&[(&a, &body), (&b, &body)])).expect("read");
    let keys: Vec<String> = p.statements.iter().map(|s| s.account.key()).collect();
    assert_eq!(keys, ["PRXY:EMAL:a@alpha.fr", "PRXY:EMAL:b@gamma.fr"]);
    // A proxy without its type; an IBAN beside a proxy keeps the IBAN.
    let untyped = "<Acct><Prxy><Id>+33600000000</Id></Prxy></Acct>";
    let p = parse(&doc(&[(untyped, &body)])).expect("read");
    assert_eq!(p.statements[0].account.key(), "PRXY:+33600000000");
    let both = "<Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id>\
<Prxy><Tp><Cd>EMAL</Cd></Tp><Id>a@alpha.fr</Id></Prxy></Acct>";
    let p = parse(&doc(&[(both, &body)])).expect("read");
    assert_eq!(p.statements[0].account.key(), "FR7630001007941234567890185");
    // Neither an id nor a proxy: refused with its place, never `--`.
    for acct in [
        "<Acct><Ccy>EUR</Ccy></Acct>",
        "<Acct><Id></Id><Ccy>EUR</Ccy></Acct>",
    ] {
        let e = parse(&doc(&[(acct, &body)])).map(|_| ()).unwrap_err();
        assert_eq!(
            e,
            "t.xml: line 3, column 1: Document/BkToCstmrStmt/Stmt: missing Acct/Id (or Acct/Prxy/Id)",
            "{acct}"
        );
    }
}
