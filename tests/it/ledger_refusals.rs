//! Inputs whose plain reading would be a wrong amount, date or customer,
//! refused by `pointage run` (exit 3, file, line and column named) — and
//! their legitimate look-alikes, read as before (review 38 erp).

use std::fs;
use std::path::Path;
use std::process::Output;

use crate::support::{csv_rows, quiet_client, run_night};

const HEADER: &str =
    "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount\n";

/// One night of a client with these `files` (name, bytes); returns the
/// run's output and the folder of its outputs.
fn night(root: &Path, files: &[(&str, &[u8])]) -> (Output, std::path::PathBuf) {
    let c = quiet_client(&root.join("c"), "");
    for (name, bytes) in files {
        fs::write(c.join(name), bytes).unwrap();
    }
    let out = root.join("out");
    (run_night(&c, "2026-11-20", &out, &[]), out)
}

/// Refused with exit 3 and every needle in the error.
fn refused(files: &[(&str, &[u8])], needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = night(dir.path(), files);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

/// Read: exit 0; the open amounts read (`open_before` of `invoice_status.csv`) by invoice.
fn read(files: &[(&str, &[u8])]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = night(dir.path(), files);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let header = &rows[0];
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (id, open) = (col("invoice_id"), col("open_before"));
    let mut v: Vec<(String, String)> = rows[1..]
        .iter()
        .map(|r| (r[id].clone(), r[open].clone()))
        .collect();
    v.sort();
    v
}

/// Sorted, as [`read`] gives them.
fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn a_due_date_with_year_0026_or_2206_is_refused_not_charged_two_thousand_years() {
    for due in ["01/10/0026", "01/10/2206"] {
        let inv = format!("{HEADER}F1;C1;Alpha SARL;01/09/2026;{due};1 000,00;1 000,00\n");
        refused(
            &[("invoices.csv", inv.as_bytes())],
            &[
                "invoices.csv: line 2, column due_date",
                "from 1990 to 2099",
                due,
            ],
        );
    }
    // A due date before the issue date (an ERP dating from delivery, a
    // credit note) is read as written (verify 38 V2).
    let inv = format!("{HEADER}F1;C1;Alpha SARL;01/10/2026;01/09/2026;1 000,00;\n");
    assert_eq!(
        read(&[("invoices.csv", inv.as_bytes())]),
        pairs(&[("F1", "1000.00")])
    );
}

#[test]
fn a_due_date_on_its_issue_date_and_old_invoices_are_read() {
    let inv = format!(
        "{HEADER}F1;C1;Alpha SARL;15/06/1999;15/07/1999;100,00;\n\
         AV1;C1;Alpha SARL;05/09/2026;05/09/2026;-40,00;\n"
    );
    assert_eq!(
        read(&[("invoices.csv", inv.as_bytes())]),
        pairs(&[("F1", "100.00"), ("AV1", "-40.00")])
    );
}

#[test]
fn an_amount_cut_inside_its_thousands_is_refused_not_read_125() {
    let inv = format!(
        "{HEADER}F1;C1;Alpha SARL;01/09/2026;01/10/2026;1 000,00;1 000,00\n\
         F2;C2;Beta SARL;01/09/2026;01/10/2026;12 500,00;12 5"
    );
    refused(
        &[("invoices.csv", inv.as_bytes())],
        &[
            "invoices.csv: line 3, column open_amount",
            "groups of three digits",
            "12 5",
        ],
    );
}

#[test]
fn thousands_in_groups_of_three_are_read() {
    let inv = format!(
        "{HEADER}F1;C1;Alpha SARL;01/09/2026;01/10/2026;12 500,00;12\u{a0}500,00\n\
         F2;C2;Beta SARL;01/09/2026;01/10/2026;1\u{202f}234 567,89;1'234'567,89\n"
    );
    assert_eq!(
        read(&[("invoices.csv", inv.as_bytes())]),
        pairs(&[("F1", "12500.00"), ("F2", "1234567.89")])
    );
}

const TWO_INVOICES: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount\n\
                            F1;C1;Alpha SARL;01/09/2026;01/10/2026;1 500,00;\n\
                            F2;C2;Beta SARL;01/09/2026;01/10/2026;2 000,00;\n";

#[test]
fn a_decision_amount_1_000_is_refused_as_invoices_csv_refuses_it() {
    for amount in ["1,000", "1.000"] {
        let dec =
            format!("entry_id;invoice_id;decision;amount;note\n;F1;writeoff;{amount};geste\n");
        refused(
            &[
                ("invoices.csv", TWO_INVOICES.as_bytes()),
                ("decisions.csv", dec.as_bytes()),
            ],
            &[
                "decisions.csv: line 2, column amount",
                "unambiguous",
                amount,
            ],
        );
    }
}

#[test]
fn a_decision_amount_written_unambiguously_is_applied() {
    let dec = "entry_id;invoice_id;decision;amount;note\n\
               ;F1;writeoff;1 000,00;geste\n\
               ;F2;writeoff;1000;geste\n";
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = night(
        dir.path(),
        &[
            ("invoices.csv", TWO_INVOICES.as_bytes()),
            ("decisions.csv", dec.as_bytes()),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&out.join("invoice_status.csv"));
    let written: Vec<String> = rows[1..]
        .iter()
        .map(|r| format!("{} {}", r[0], r[4]))
        .collect();
    assert_eq!(written, ["F1 1000.00", "F2 1000.00"]);
}

#[test]
fn a_known_column_under_another_header_is_refused_naming_both() {
    let invoices = |h: &str| {
        format!(
            "invoice_id;customer_id;customer_name;issue_date;due_date;amount;{h}\n\
             F1;C1;Alpha SARL;01/09/2026;01/10/2026;1 000,00;0,00\n"
        )
    };
    for (header, found, known) in [
        ("Open amount (EUR)", "open_amount_(eur)", "open_amount"),
        ("reste_du", "reste_du", "open_amount"),
        ("devise", "devise", "currency"),
        ("litige", "litige", "disputed"),
    ] {
        refused(
            &[("invoices.csv", invoices(header).as_bytes())],
            &[&format!(
                "invoices.csv: line 1, column {known}: unknown column {found:?}: did you mean {known}?"
            )],
        );
    }
    let customers = "customer_id;name;IBAN client\nC1;Alpha SARL;DE89 3704 0044 0532 0130 00\n";
    refused(
        &[
            ("invoices.csv", invoices("open_amount").as_bytes()),
            ("customers.csv", customers.as_bytes()),
        ],
        &["customers.csv: line 1, column iban: unknown column \"iban_client\": did you mean iban?"],
    );
    let decisions = "entry_id;invoice_id;decision;montant;note\nBQ-1;F1;assign;100,00;x\n";
    refused(
        &[
            ("invoices.csv", invoices("open_amount").as_bytes()),
            ("decisions.csv", decisions.as_bytes()),
        ],
        &["decisions.csv: line 1, column amount: unknown column \"montant\": did you mean amount?"],
    );
}

#[test]
fn other_columns_of_an_erp_export_are_still_ignored() {
    let inv = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;\
               currency;montant_ht;type;commercial\n\
               F1;C1;Alpha SARL;01/09/2026;01/10/2026;1 200,00;200,00;EUR;1 000,00;service;Paul\n";
    let customers = "customer_id;name;customer_type;segment;account_manager\n\
                     C1;Alpha SARL;b2b;PME;Paul\n";
    assert_eq!(
        read(&[
            ("invoices.csv", inv.as_bytes()),
            ("customers.csv", customers.as_bytes())
        ]),
        pairs(&[("F1", "200.00")])
    );
}

#[test]
fn a_credit_note_written_positive_with_a_sens_column_is_refused() {
    let inv = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;sens\n\
               F1;C1;Alpha SARL;01/09/2026;01/10/2026;1 000,00;1 000,00;D\n\
               AV1;C1;Alpha SARL;05/09/2026;05/09/2026;1 000,00;1 000,00;C\n";
    refused(
        &[("invoices.csv", inv.as_bytes())],
        &[
            "invoices.csv: line 3, column amount",
            "\"sens\"",
            "credit note",
            "negative",
        ],
    );
    let inv = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;sens\n\
               F1;C1;Alpha SARL;01/09/2026;01/10/2026;1 000,00;1 000,00;D\n\
               AV1;C1;Alpha SARL;05/09/2026;05/09/2026;-1 000,00;-1 000,00;C\n";
    assert_eq!(
        read(&[("invoices.csv", inv.as_bytes())]),
        pairs(&[("AV1", "-1000.00"), ("F1", "1000.00")])
    );
}

#[test]
fn a_utf8_file_with_one_latin1_row_is_refused_naming_the_line() {
    let mut inv =
        format!("{HEADER}F1;C1;Société Générale d’Équipements;01/09/2026;01/10/2026;1 234,56;\n")
            .into_bytes();
    inv.extend_from_slice(b"F2;C2;Caf\xe9 du Pont;01/09/2026;01/10/2026;100,00;\n");
    refused(
        &[("invoices.csv", &inv)],
        &["invoices.csv: line 3", "0xE9", "mixes encodings"],
    );
    let customers = b"customer_id;name\nC1;Soci\xc3\xa9t\xc3\xa9\nC2;Caf\xe9\n";
    refused(
        &[
            ("invoices.csv", HEADER.as_bytes()),
            ("customers.csv", customers),
        ],
        &["customers.csv: line 3", "mixes encodings"],
    );
}

#[test]
fn a_file_wholly_in_windows_1252_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut inv = HEADER.as_bytes().to_vec();
    inv.extend_from_slice(
        b"F1;C1;Soci\xe9t\xe9 G\xe9n\xe9rale d\x92\xc9quipements;01/09/2026;01/10/2026;1 234,56;\n",
    );
    let (o, out) = night(dir.path(), &[("invoices.csv", &inv)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let open = std::fs::read_to_string(out.join("open_items.csv")).unwrap_or_default()
        + &std::fs::read_to_string(out.join("dunning.csv")).unwrap_or_default()
        + &std::fs::read_to_string(out.join("aged_balance.csv")).unwrap_or_default();
    assert!(open.contains("Société Générale d’Équipements"), "{open}");
}

#[test]
fn decimals_in_yen_are_refused_and_whole_yen_read() {
    let head =
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency\n";
    let inv = format!(
        "{head}F1;C1;Alpha SARL;01/09/2026;01/10/2026;1,250;;JPY\n\
         F2;C2;Beta SARL;01/09/2026;01/10/2026;99,5;;EUR\n"
    );
    refused(
        &[("invoices.csv", inv.as_bytes())],
        &["invoices.csv: line 2, column amount", "JPY has no decimals"],
    );
    let inv = format!(
        "{head}F1;C1;Alpha SARL;01/09/2026;01/10/2026;1 250,00;;JPY\n\
         F2;C2;Beta SARL;01/09/2026;01/10/2026;99,5;;EUR\n"
    );
    assert_eq!(
        read(&[("invoices.csv", inv.as_bytes())]),
        pairs(&[("F1", "1250.00"), ("F2", "99.50")])
    );
}

#[test]
fn a_stray_quote_merging_rows_is_refused_never_one_invoice_with_anothers_amount() {
    // Alpha's name opens a quote that Gamma's row closes: read as written,
    // F-1 took F-3's 300.00 and Beta's F-2 vanished (review 38 erp F7).
    let stray = format!(
        "{HEADER}F-1;C1;\"Alpha SARL;2026-09-01;2026-10-01;100,00;100,00\n\
         F-2;C2;Beta SA;2026-09-01;2026-10-01;200,00;200,00\n\
         F-3;C3;Gamma\" SA;2026-09-01;2026-10-01;300,00;300,00\n"
    );
    refused(
        &[("invoices.csv", stray.as_bytes())],
        &["invoices.csv", "line 2", "line 3", "stray quote"],
    );
    // Closed on the next row at a field's end: as wrong, as refused.
    let next = format!(
        "{HEADER}F-1;C1;\"Alpha SARL;2026-09-01;2026-10-01;100,00;100,00\n\
         F-2;C2;Beta SA\";2026-09-01;2026-10-01;200,00;200,00\n"
    );
    refused(&[("invoices.csv", next.as_bytes())], &["line 2", "line 3"]);
    // The look-alikes: a name quoted with its separator, a customer's
    // address over two lines, quotes doubled inside.
    let fine = format!(
        "{HEADER}F-1;C1;\"Alpha; SARL\";2026-09-01;2026-10-01;100,00;100,00\n\
         F-2;C2;\"Beta \"\"Le Gourmet\"\"\nSA\";2026-09-01;2026-10-01;200,00;200,00\n"
    );
    assert_eq!(
        read(&[("invoices.csv", fine.as_bytes())]),
        pairs(&[("F-1", "100.00"), ("F-2", "200.00")])
    );
}

#[test]
fn stray_quotes_are_refused_whatever_the_line_ends_and_legit_fields_over_lines_read() {
    // Review 39 erp F3, F2: CRLF (the usual Windows export), a blank line
    // before the row, and a stray quote in the header.
    let crlf = format!(
        "{}F-1;C1;\"Alpha SARL;2026-09-01;2026-10-01;100,00;100,00\r\n\r\n\
         F-2;C2;Beta SA;2026-09-01;2026-10-01;200,00;200,00\r\n\
         F-3;C3;Gamma\" SA;2026-09-01;2026-10-01;300,00;300,00\r\n",
        HEADER.replace('\n', "\r\n")
    );
    refused(
        &[("invoices.csv", crlf.as_bytes())],
        &["line 2", "stray quote"],
    );
    let header = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;\"notes\n\
                  F-1;C1;Alpha;2026-09-01;2026-10-01;100,00;100,00;relance faite\"\n\
                  F-2;C2;Beta;2026-09-01;2026-10-01;200,00;200,00;\n";
    refused(
        &[("invoices.csv", header.as_bytes())],
        &["line 1", "header"],
    );
    // Round 3 K1, D1: customers.csv (C1 would take Gamma's IBAN, and
    // Gamma's transfer Alpha's invoice), decisions.csv (the rows between
    // lost, paid invoices chased).
    let invoices = format!("{HEADER}F-1;C1;Alpha;2026-09-01;2026-10-01;100,00;100,00\n");
    let customers = "customer_id,name,iban,email\n\
                     C1,\"Alpha SARL,,a@alpha.fr\n\
                     C2,Beta SA,FR7630006000011234567890189,b@beta.fr\n\
                     C3,Gamma SA\",DE89370400440532013000,g@gamma.fr\n";
    refused(
        &[
            ("invoices.csv", invoices.as_bytes()),
            ("customers.csv", customers.as_bytes()),
        ],
        &["customers.csv", "line 2", "stray quote"],
    );
    // Round 4 B2: the stray's own row shows no IBAN or e-mail (a phone
    // only, or two IBANs joined by `|`): a quote opened in a name is a
    // stray as soon as a later line reads as a row.
    for first in [
        "C1,\"Alpha SARL,,,0102030405",
        "C1,\"Alpha SARL,DE89370400440532013000|FR7630006000011234567890189,,",
    ] {
        let customers = format!(
            "customer_id,name,iban,email,phone\n{first}\n\
             C2,Beta SA,,b@beta.fr,\n\
             C3,Gamma SA\",FR7630006000011234567890189,g@gamma.fr,\n"
        );
        refused(
            &[
                ("invoices.csv", invoices.as_bytes()),
                ("customers.csv", customers.as_bytes()),
            ],
            &["customers.csv", "line 2", "stray quote"],
        );
    }
    let decisions = "entry_id;invoice_id;decision;amount;note\n\
                     E1;F-1;assign;;\"called\n\
                     E2;F-2;assign;;ok\n\
                     E3;F-3;assign;;end\"\n";
    refused(
        &[
            ("invoices.csv", invoices.as_bytes()),
            ("decisions.csv", decisions.as_bytes()),
        ],
        &["decisions.csv", "line 2", "stray quote"],
    );
    // Review 39 erp F1, F7: a customers.csv address over lines with its
    // commas, a promise's comment over lines, blanks after a closing quote;
    // verify 40 L1: a name over two lines, its second holding a comma and a
    // digit.
    let invoices = format!("{HEADER}F-1;C1;Alpha;2026-09-01;2026-10-01;100,00;100,00\n");
    let customers = "customer_id,name,address,iban\n\
                     C1,Alpha SARL,\"12 rue X, Bat B\r\nZI Nord, 75001 Paris, France\",\r\n\
                     C2,\"Beta SA\nSite 2, Service comptable\",,FR7630006000011234567890189\n";
    let promises = "customer_id,invoice_id,promised_date,comment\n\
                    C1,F-1,2026-12-15,\"called on 18/11\n\
                    she says: 100 sent, rest on 15/12, by cheque, to confirm\" \n";
    assert_eq!(
        read(&[
            ("invoices.csv", invoices.as_bytes()),
            ("customers.csv", customers.as_bytes()),
            ("promises.csv", promises.as_bytes()),
        ]),
        pairs(&[("F-1", "100.00")])
    );
}
