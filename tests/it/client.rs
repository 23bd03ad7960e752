//! Loading a client folder (`fixtures/client/acme`, and broken folders built
//! in a temporary directory): id from the folder name, statement files in
//! name order, hidden files and subfolders ignored, errors naming the file.

use std::path::{Path, PathBuf};

use pointage::client::{ClientError, load_client};
use pointage::ledger::LedgerErrorKind;

fn acme() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/client/acme")
}

/// A client folder in a temporary directory with one invoice.
fn temp_client(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("invoices.csv"),
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount\n\
         F-1;C1;Alpha;01/01/2026;31/01/2026;10,00\n",
    )
    .unwrap();
    (tmp, dir)
}

#[test]
fn the_acme_folder_loads_whole() {
    let c = load_client(&acme()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.id, "acme");
    assert_eq!(c.dir, acme());
    assert_eq!(c.ledger.invoices.len(), 4);
    assert_eq!(
        c.ledger.customers.keys().collect::<Vec<_>>(),
        ["C010", "C011"]
    );
    assert_eq!(
        c.ledger.customers["C010"].ibans,
        ["FR7630001007941234567890185"]
    );
    // C012 has no customers.csv row: accepted, its invoice carries the name.
    let c012 = c.ledger.invoices.iter().find(|i| i.customer_id == "C012");
    assert_eq!(c012.unwrap().customer_name, "Garage Bernard");
    let names: Vec<_> = c
        .statements
        .iter()
        .map(|s| s.path.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(names, ["2026-01-01_camt053.xml", "2026-01-02_releve.txt"]);
}

#[test]
fn customers_and_statements_are_optional() {
    let (_tmp, dir) = temp_client("solo");
    let c = load_client(&dir).unwrap();
    assert_eq!(c.id, "solo");
    assert_eq!(c.ledger.invoices.len(), 1);
    assert!(c.ledger.customers.is_empty());
    assert!(c.statements.is_empty());
    std::fs::create_dir(dir.join("statements")).unwrap();
    assert!(load_client(&dir).unwrap().statements.is_empty());
}

#[test]
fn statement_files_are_read_in_name_order_whatever_their_names() {
    let (_tmp, dir) = temp_client("order");
    let st = dir.join("statements");
    std::fs::create_dir(&st).unwrap();
    let cfonb = std::fs::read(acme().join("statements/2026-01-02_releve.txt")).unwrap();
    for name in ["b", "a.CFONB", "C", "10.txt", "9.txt"] {
        std::fs::write(st.join(name), &cfonb).unwrap();
    }
    std::fs::write(st.join(".hidden"), "junk").unwrap();
    std::fs::create_dir(st.join("sub")).unwrap();
    std::fs::write(st.join("sub/x.txt"), "junk").unwrap();
    let c = load_client(&dir).unwrap();
    let names: Vec<_> = c
        .statements
        .iter()
        .map(|s| {
            s.path
                .strip_prefix(&st)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["10.txt", "9.txt", "C", "a.CFONB", "b"]);
}

#[test]
fn a_folder_without_invoices_is_not_a_client() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("empty");
    std::fs::create_dir(&dir).unwrap();
    let e = load_client(&dir).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: not a client folder: no invoices.csv", dir.display())
    );
    let e = load_client(&dir.join("invoices.csv")).unwrap_err();
    assert!(matches!(e, ClientError::Io { .. }), "{e}");
}

#[test]
fn a_statement_of_unknown_format_fails_the_client_naming_the_file() {
    let (_tmp, dir) = temp_client("acme2");
    std::fs::create_dir(dir.join("statements")).unwrap();
    let f = dir.join("statements/notes.txt");
    std::fs::write(&f, "Relevé de janvier\n").unwrap();
    let e = load_client(&dir).unwrap_err();
    assert!(matches!(e, ClientError::Statement(_)), "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: byte 0: file: not a CFONB 120 or CAMT (ISO 20022) statement",
            f.display()
        )
    );
}

#[test]
fn a_bad_ledger_fails_the_client_with_the_ledger_error() {
    let (_tmp, dir) = temp_client("acme3");
    std::fs::write(dir.join("customers.csv"), "customer_id;name\nC1;A\nC1;B\n").unwrap();
    let e = load_client(&dir).unwrap_err();
    let ClientError::Ledger(le) = &e else {
        panic!("{e}")
    };
    assert_eq!(le.file, dir.join("customers.csv"));
    assert_eq!(le.line, 3);
    assert!(matches!(
        le.kind,
        LedgerErrorKind::Duplicate { first_line: 2, .. }
    ));
}

#[test]
fn folder_names_that_cannot_be_ids_are_refused() {
    for name in ["a\u{1b}[31mred", ".secret", "trailing "] {
        let (_tmp, dir) = temp_client(name);
        let e = load_client(&dir).unwrap_err();
        assert!(matches!(e, ClientError::InvalidId { .. }), "{name:?}: {e}");
    }
}

#[cfg(unix)]
#[test]
fn a_customers_csv_or_statements_link_that_cannot_be_followed_is_not_absent() {
    use std::os::unix::fs::symlink;
    for (name, target) in [
        ("customers.csv", "/mnt/erp-share/customers.csv"),
        ("statements", "/mnt/bank-share/solo"),
        ("customers.csv", "customers.csv"),
        ("statements", "statements"),
    ] {
        let (_tmp, dir) = temp_client("solo");
        symlink(target, dir.join(name)).unwrap();
        let e = load_client(&dir).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, ClientError::Io { .. }), "{name}: {text}");
        assert!(
            text.contains(name) && text.contains(&format!("symbolic link to {target}")),
            "{name}: {text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_an_existing_customers_csv_or_statements_folder_is_read() {
    let (tmp, dir) = temp_client("solo");
    let elsewhere = tmp.path().join("share");
    std::fs::create_dir_all(elsewhere.join("statements")).unwrap();
    std::fs::write(
        elsewhere.join("customers.csv"),
        "customer_id;name\nC1;Alpha\n",
    )
    .unwrap();
    for name in ["customers.csv", "statements"] {
        std::os::unix::fs::symlink(elsewhere.join(name), dir.join(name)).unwrap();
    }
    let c = load_client(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.ledger.customers.keys().collect::<Vec<_>>(), ["C1"]);
    assert!(c.statements.is_empty());
}
