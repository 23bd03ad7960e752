//! What pointage prints never holds personal data: over a batch with
//! alerts and with failing clients (an IBAN with a typo in customers.csv, a
//! bad amount, a broken statement), and over `pointage run` of each failing
//! client, stderr — log lines and error messages alike — names clients,
//! files, lines and offsets, but never a full IBAN nor a customer's or
//! payer's name.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{pointage, tree};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every IBAN-looking word and every name of the firm's input files.
fn secrets(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for (path, bytes) in tree(root) {
        let text = String::from_utf8_lossy(&bytes);
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            let b = word.as_bytes();
            if (15..=34).contains(&word.len())
                && b[..2].iter().all(u8::is_ascii_uppercase)
                && b[2..4].iter().all(u8::is_ascii_digit)
            {
                out.push(word.to_string());
            }
        }
        let name = path.file_name().unwrap().to_string_lossy();
        if name == "customers.csv" || name == "invoices.csv" {
            let sep = if text.lines().next().unwrap_or("").contains(';') {
                b';'
            } else {
                b','
            };
            let mut rd = csv::ReaderBuilder::new()
                .delimiter(sep)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let headers = rd.headers().unwrap().clone();
            let col = headers
                .iter()
                .position(|h| h == "name" || h == "customer_name");
            for r in rd.records().flatten() {
                if let Some(v) = col.and_then(|c| r.get(c))
                    && v.len() >= 5
                {
                    out.push(v.to_string());
                }
            }
        }
        for part in text.split("<Nm>").skip(1) {
            if let Some((n, _)) = part.split_once("</Nm>") {
                out.push(n.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn assert_clean(what: &str, log: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!log.contains(s.as_str()), "{what}: {s:?} in\n{log}");
    }
}

#[test]
fn logs_and_errors_never_show_a_full_iban_or_a_name() {
    let t = tempfile::tempdir().unwrap();
    let firm = t.path().join("firm");
    copy_dir(&demo(), &firm);

    // An IBAN with a typo: the client fails on customers.csv.
    copy_dir(&demo().join("acme"), &firm.join("typo-iban"));
    let customers = fs::read_to_string(firm.join("typo-iban/customers.csv")).unwrap();
    let typo = customers.replacen(
        "FR7630001007941234567890185",
        "FR7630001007941234567890186",
        1,
    );
    assert_ne!(typo, customers);
    fs::write(firm.join("typo-iban/customers.csv"), typo).unwrap();

    // A customer's name where an amount should be.
    copy_dir(&demo().join("acme"), &firm.join("bad-amount"));
    let invoices = fs::read_to_string(firm.join("bad-amount/invoices.csv")).unwrap();
    let bad = invoices.replacen(
        "Pharmacie Petit SELARL;01/09/2026;01/10/2026;2 150,00",
        "Pharmacie Petit SELARL;01/09/2026;01/10/2026;Pharmacie Petit SELARL",
        1,
    );
    assert_ne!(bad, invoices);
    fs::write(firm.join("bad-amount/invoices.csv"), bad).unwrap();

    // A statement cut in the middle of a payer's name and IBAN.
    copy_dir(&demo().join("hotel-des-alpes"), &firm.join("cut-statement"));
    let st = firm.join("cut-statement/statements");
    let xml = fs::read_dir(&st)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "xml"))
        .expect("hotel-des-alpes has a CAMT statement");
    let text = fs::read_to_string(&xml).unwrap();
    let cut = text.find("</Nm>").expect("a name in the statement");
    fs::write(&xml, &text[..cut]).unwrap();

    // A payer's IBAN where a statement's amount should be (review 37 ops
    // #7: statement errors quoted the value as found).
    copy_dir(&demo().join("transports-moreau"), &firm.join("iban-amount"));
    let xml = firm.join("iban-amount/statements/cic-2026-11-19.xml");
    let text = fs::read_to_string(&xml).unwrap();
    let at = text.find("<Amt Ccy=\"EUR\">").expect("an amount") + "<Amt Ccy=\"EUR\">".len();
    let end = at + text[at..].find('<').unwrap();
    fs::write(
        &xml,
        format!("{}FR7630001007941234567890185{}", &text[..at], &text[end..]),
    )
    .unwrap();

    let mut secrets = secrets(&firm);
    // The name the cut statement ends on is no longer between <Nm> tags.
    secrets.extend(self::secrets(&demo()));
    assert!(secrets.iter().any(|s| s.starts_with("FR76")), "{secrets:?}");
    assert!(secrets.iter().any(|s| s == "Pharmacie Petit SELARL"));
    assert!(
        secrets
            .iter()
            .any(|s| s.contains("FR7630001007941234567890186"))
    );

    let o = pointage()
        .arg("batch")
        .arg(&firm)
        .args(["--date", "2026-11-20", "--out"])
        .arg(t.path().join("out"))
        .arg("--state")
        .arg(t.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "four clients fail");
    let log = String::from_utf8_lossy(&o.stderr).into_owned();
    for c in ["typo-iban", "bad-amount", "cut-statement", "iban-amount"] {
        assert!(log.contains(&format!("client {c} failed: ")), "{c}: {log}");
    }
    assert!(log.contains("client acme done"), "{log}");
    assert!(log.contains("customers.csv"), "the file is named: {log}");
    assert_clean("batch log", &log, &secrets);
    // The batch summary carries the same error messages.
    let summary = fs::read_to_string(t.path().join("out/batch-summary.csv")).unwrap();
    assert_clean("batch-summary.csv", &summary, &secrets);

    for c in [
        "typo-iban",
        "bad-amount",
        "cut-statement",
        "iban-amount",
        "acme",
    ] {
        let o = pointage()
            .arg("run")
            .arg(firm.join(c))
            .args(["--date", "2026-11-20", "--out"])
            .arg(t.path().join("run-out").join(c))
            .arg("--state")
            .arg(t.path().join("run-state").join(c))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        if c == "acme" {
            assert_eq!(o.status.code(), Some(0), "{err}");
        } else {
            assert_eq!(o.status.code(), Some(3), "{c}: {err}");
            assert!(err.starts_with("error: "), "{c}: {err}");
        }
        assert_clean(c, &err, &secrets);
    }
}
