//! camt .09 on: an account known only by a proxy (`Acct/Prxy`, no `Acct/Id`)
//! is keyed `PRXY:{type}:{id}` (review 38 banks F4: two such accounts were
//! one account `--`, the second's payment dropped as a repeat and its payer
//! chased); an `Acct` with neither an id nor a proxy is refused.

use std::path::Path;

use crate::statement_identity::{IBAN, applied, client, kinds, night};
use crate::support::{camt, paying, run_night};

/// A statement `id` of the account known by `acct` (an `Acct` element), one
/// 1000.00 credit under the entry reference `1` quoting `text`.
fn statement(c: &Path, file: &str, id: &str, acct: &str, text: &'static str) {
    let x = camt(
        false,
        id,
        1,
        IBAN,
        "2026-11-20",
        "2026-11-20",
        Some(("0.00", "1000.00")),
        &[paying("1", "2026-11-20", "1000.00", text)],
    );
    let iban = format!("<Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>");
    assert!(x.contains(&iban));
    std::fs::write(c.join("statements").join(file), x.replace(&iban, acct)).unwrap();
}

fn proxy(id: &str) -> String {
    format!("<Acct><Prxy><Tp><Cd>EMAL</Cd></Tp><Id>{id}</Id></Prxy><Ccy>EUR</Ccy></Acct>")
}

#[test]
fn two_accounts_known_by_their_proxies_stay_two_accounts() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    statement(
        &c,
        "a.xml",
        "A-1",
        &proxy("a@alpha.example"),
        "FACTURE F-1001",
    );
    statement(
        &c,
        "b.xml",
        "B-1",
        &proxy("b@beta.example"),
        "FACTURE F-1002",
    );
    let out = night(&c, root.path(), "2026-11-20");
    let mut got = applied(&out);
    got.sort();
    let want = [("F-1001", "1000.00"), ("F-1002", "750.00")];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    let alerts = kinds(&out, "alerts.csv");
    assert!(
        !alerts.contains(&"repeated_transaction".to_string()),
        "{alerts:?}"
    );
    assert!(!alerts.contains(&"sequence_gap".to_string()), "{alerts:?}");
    let matches = std::fs::read_to_string(out.join("matches.csv")).unwrap();
    assert!(matches.contains("PRXY:EMAL:b@beta.example"), "{matches}");
    // The look-alike: one proxy's statement in a second file is that
    // statement again, its money counted once.
    statement(
        &c,
        "a-again.xml",
        "A-1",
        &proxy("a@alpha.example"),
        "FACTURE F-1001",
    );
    let out = night(&c, root.path(), "2026-11-21");
    assert!(applied(&out).is_empty(), "{:?}", applied(&out));
}

#[test]
fn a_statement_whose_account_has_neither_id_nor_proxy_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let c = client(root.path());
    statement(
        &c,
        "a.xml",
        "A-1",
        "<Acct><Ccy>EUR</Ccy></Acct>",
        "FACTURE F-1001",
    );
    let out = root.path().join("out");
    let o = run_night(&c, "2026-11-20", &out, &[]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("a.xml") && err.contains("missing Acct/Id (or Acct/Prxy/Id)"),
        "{err}"
    );
}
