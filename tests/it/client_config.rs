//! `client.toml` values that would silently do harm are refused (custom
//! plans out of order or naming a step twice, a part of an IBAN in
//! `cleared_gaps`, a negative `min_amount`, a `watch_plan` naming no plan),
//! a quiet period starting on 02-29 still holds in a common year, and August
//! given as two periods dates the steps as one.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{csv_rows, run_night};

const INVOICES: &str = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_amount\n\
F-1,C1,Alpha Industrie SAS,2026-09-01,2026-10-01,700.00,700.00\n\
F-2,C2,Beta Commerce SARL,2026-09-01,2026-10-01,250.00,250.00\n";

fn client(dir: &Path, toml: &str) -> PathBuf {
    let c = dir.join("cl");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    fs::write(
        c.join("customers.csv"),
        "customer_id,name,customer_type,dunning_plan\nC1,Alpha Industrie SAS,b2b,odd\nC2,Beta Commerce SARL,b2b,dup\n",
    )
    .unwrap();
    fs::write(c.join("client.toml"), toml).unwrap();
    c
}

/// Runs the night, expecting exit 2 and no output; returns stderr.
fn refused(client: &Path, date: &str, out: &Path) -> String {
    let o = run_night(client, date, out, &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!out.join("dunning.csv").exists());
    err
}

const ODD: &str = "[dunning]\n\
[[dunning.plans.odd]]\nname = \"courtesy_reminder\"\noffset_days = 1\nchannel = \"email\"\n\
[[dunning.plans.odd]]\nname = \"formal_notice\"\noffset_days = 30\nchannel = \"registered_letter\"\n\
[[dunning.plans.odd]]\nname = \"firm_reminder\"\noffset_days = 8\nchannel = \"letter\"\n";

const DUP: &str = "\n\
[[dunning.plans.dup]]\nname = \"reminder\"\noffset_days = 1\nchannel = \"email\"\n\
[[dunning.plans.dup]]\nname = \"reminder\"\noffset_days = 10\nchannel = \"letter\"\n\
[[dunning.plans.dup]]\nname = \"formal_notice\"\noffset_days = 40\nchannel = \"registered_letter\"\n";

#[test]
fn a_custom_plan_out_of_order_or_naming_a_step_twice_stops_the_client() {
    let dir = tempfile::tempdir().unwrap();
    // Plan `odd` lists its firm reminder (+8) after its formal notice (+30):
    // the reminder would come with the formal notice's late charges.
    let c = client(dir.path(), &format!("{ODD}{DUP}"));
    let err = refused(&c, "2026-10-12", &dir.path().join("o1"));
    for part in [
        "client.toml: line 12:",
        "dunning.plans.odd",
        "\"firm_reminder\"",
        "offset_days 8",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    // Plan `dup` names `reminder` twice: its letter would never be sent.
    let c = client(dir.path(), &format!("[dunning]\n{DUP}"));
    let err = refused(&c, "2026-10-12", &dir.path().join("o2"));
    for part in [
        "client.toml: line 8:",
        "dunning.plans.dup",
        "\"reminder\"",
        "twice",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    // Once in order and named apart, each step goes out on its day, and no
    // late charge comes before the formal notice.
    let fixed = ODD
        .replace("offset_days = 30", "offset_days = 31")
        .replace("offset_days = 8", "offset_days = 30")
        .replace("offset_days = 31", "offset_days = 8")
        .replace("\"formal_notice\"", "\"x\"")
        .replace("\"firm_reminder\"", "\"formal_notice\"")
        .replace("\"x\"", "\"firm_reminder\"")
        .replace("\"registered_letter\"", "\"x\"")
        .replace("\"letter\"", "\"registered_letter\"")
        .replace("\"x\"", "\"letter\"");
    let dup = DUP.replacen(
        "\"reminder\"\noffset_days = 10",
        "\"second_reminder\"\noffset_days = 10",
        1,
    );
    let c = client(dir.path(), &format!("{fixed}{dup}"));
    let out = dir.path().join("o3");
    let o = run_night(&c, "2026-10-12", &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&out.join("dunning.csv"));
    let head = &rows[0];
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let got: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[col("customer_id")].clone(),
                r[col("step")].clone(),
                r[col("penalty_amount")].clone(),
            )
        })
        .collect();
    assert!(
        got.contains(&("C1".into(), "firm_reminder".into(), "0.00".into())),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|(c, s, _)| c == "C2" && s == "second_reminder"),
        "{got:?}"
    );
}

#[test]
fn a_part_of_an_iban_in_cleared_gaps_stops_the_client() {
    let dir = tempfile::tempdir().unwrap();
    for value in [
        "30001007",
        "FR7630004008220001",
        "FR7630004008220001022045588",
    ] {
        let c = client(
            dir.path(),
            &format!("[dunning]\ncleared_gaps = [\"{value}\"]\n"),
        );
        let err = refused(&c, "2026-10-12", &dir.path().join(value));
        assert!(
            err.contains("client.toml: line 2:")
                && err.contains("cleared_gaps")
                && err.contains(value),
            "{err}"
        );
    }
}

#[test]
fn a_missing_watch_plan_or_a_negative_min_amount_stops_the_client_naming_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let c = client(dir.path(), "[dunning]\nwatch_plan = \"nope\"\n");
    let err = refused(&c, "2026-10-12", &dir.path().join("w"));
    assert!(
        err.contains("client.toml: line 2: watch_plan: no plan named \"nope\""),
        "{err}"
    );
    let neg = "[[dunning.plans.p]]\nname = \"a\"\noffset_days = 1\nchannel = \"email\"\nmin_amount = \"-5\"\n";
    let c = client(dir.path(), neg);
    let err = refused(&c, "2026-10-12", &dir.path().join("m"));
    for part in [
        "client.toml: line 5:",
        "dunning.plans.p",
        "\"a\"",
        "min_amount -5",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

#[test]
fn a_quiet_period_from_02_29_postpones_reminders_in_a_common_year() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("q");
    fs::create_dir_all(c.join("statements")).unwrap();
    fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount\nF-1,C1,Alpha SAS,2026-02-01,2026-03-01,500.00\n",
    )
    .unwrap();
    fs::write(
        c.join("client.toml"),
        "[dunning]\nquiet_periods = [{ from = \"02-29\", to = \"03-31\" }]\n",
    )
    .unwrap();
    let steps = |date: &str| -> Vec<String> {
        let out = dir.path().join(date);
        let o = run_night(&c, date, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        csv_rows(&out.join("dunning.csv"))[1..]
            .iter()
            .map(|r| r[4].clone())
            .collect()
    };
    // The courtesy reminder (+1, 03-02) falls in the period that starts on
    // 03-01 in 2026: it waits for the first business day after it.
    assert!(steps("2026-03-02").is_empty());
    assert_eq!(steps("2026-03-31"), ["courtesy_reminder"]);
}

/// (action date, step) of every dunning row over the nights, for one
/// invoice due 2027-07-20 under `quiet_periods`.
fn august_rows(dir: &Path, name: &str, periods: &str) -> Vec<(String, String)> {
    let c = crate::support::quiet_client(
        &dir.join(name),
        &format!("[dunning]\nquiet_periods = {periods}\n"),
    );
    fs::write(
        c.join("invoices.csv"),
        "invoice_id,customer_id,customer_name,issue_date,due_date,amount\nF-1,C1,Alpha SAS,2027-06-20,2027-07-20,1000.00\n",
    )
    .unwrap();
    let mut rows = Vec::new();
    for date in [
        "2027-07-21",
        "2027-07-28",
        "2027-08-31",
        "2027-09-01",
        "2027-09-06",
        "2027-09-15",
    ] {
        let out = dir.join(format!("{name}-{date}"));
        let o = run_night(&c, date, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        rows.extend(
            csv_rows(&out.join("dunning.csv"))[1..]
                .iter()
                .map(|r| (r[1].clone(), r[4].clone())),
        );
    }
    rows
}

#[test]
fn august_as_two_periods_keeps_the_phone_call_and_the_notice_delay() {
    let dir = tempfile::tempdir().unwrap();
    let one = august_rows(dir.path(), "one", r#"[{ from = "08-01", to = "08-31" }]"#);
    let want = [
        ("2027-07-22", "courtesy_reminder"),
        ("2027-07-29", "firm_reminder"),
        ("2027-09-01", "phone_call"),
        ("2027-09-16", "formal_notice"),
    ]
    .map(|(a, s)| (a.to_string(), s.to_string()));
    assert_eq!(one, want);
    // The phone call moved out of the first half lands in the second: it
    // moves again, not skipped for a formal notice on 1 September.
    let halves = r#"[{ from = "08-01", to = "08-15" }, { from = "08-16", to = "08-31" }]"#;
    assert_eq!(august_rows(dir.path(), "halves", halves), want);
    let overlap = r#"[{ from = "08-01", to = "08-20" }, { from = "08-10", to = "08-31" }]"#;
    assert_eq!(august_rows(dir.path(), "overlap", overlap), want);
}

/// Review 38 erp F9: a value no one can mean is refused (exit 2, file,
/// line, key), its legitimate neighbour read.
#[test]
fn an_indemnity_of_4000_or_a_rate_as_a_fraction_is_refused() {
    for (extra, said) in [
        (
            "[dunning]\nrecovery_indemnity = \"4000\"\n",
            "client.toml: line 4: recovery_indemnity: must be at most 1000",
        ),
        (
            "[dunning]\nlate_interest_rate = \"0.1215\"\n",
            "client.toml: line 4: late_interest_rate: must be 0 or a percentage of at least 1",
        ),
        (
            "[matching]\nfee_tolerance_percent = \"150\"\n",
            "client.toml: line 4: fee_tolerance_percent",
        ),
        (
            "[dunning]\npromise_grace_days = 100000\n",
            "client.toml: line 4: promise_grace_days: must be at most 366 days",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let c = crate::support::quiet_client(&dir.path().join("c"), extra);
        fs::write(c.join("invoices.csv"), INVOICES).unwrap();
        let err = refused(&c, "2026-11-20", &dir.path().join("out"));
        assert!(err.contains(said), "{extra}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let c = crate::support::quiet_client(
        &dir.path().join("c"),
        "[dunning]\nrecovery_indemnity = \"40.00\"\nlate_interest_rate = \"12.15\"\n",
    );
    fs::write(c.join("invoices.csv"), INVOICES).unwrap();
    let o = run_night(&c, "2026-11-20", &dir.path().join("out"), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
