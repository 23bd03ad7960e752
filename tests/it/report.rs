//! The client report and the firm report, checked as a person would: a small
//! client whose figures were computed by hand (below), run over two nights;
//! `aged_balance.csv` and `unmatched.csv` against committed expected files
//! (`UPDATE_GOLDEN=1` rewrites them); `report.html` and `firm-report.html`
//! opened in a real headless browser (Debian's `chromium`), the rendered
//! page checked for the hand-computed totals, no script and no console
//! error, a screenshot kept under `target/`; the firm parquet read back with
//! polars.
//!
//! The client, night 2 (2026-03-31), first night 2025-11-01:
//!
//! | invoice | customer | issued | due | amount | open tonight | days past due | bucket |
//! |---|---|---|---|---|---|---|---|
//! | F-1 | C1 Alpha SARL | 2026-03-01 | 2026-04-15 | 1 200.00 | 0 (paid tonight, RF) | — | — |
//! | F-2 | C2 `<script>` | 2026-01-10 | 2026-02-10 | 3 000.00 | 3 000.00 | 49 | 31–60 |
//! | F-3 | C3 `=HYPERLINK` | 2025-11-01 | 2025-12-01 | 500.00 | 500.00 | 120 | over 90 |
//! | F-4 | C2 | 2026-03-05 | 2026-03-20 | 800.00 | 800.00 | 11 | 1–30 |
//! | F-5 | C4 Delta | 2026-02-01 | 2026-03-01 | 450.00 | 450.00 | 30 | 1–30 |
//! | F-6 | C1 | 2025-12-15 | 2026-01-14 | 700.00 | 700.00 | 76 | 61–90 |
//! | F-7 | C4 | 2026-03-25 | 2026-04-24 | 250.00 | 250.00 | — | not due |
//! | F-8 | C1 | 2026-01-05 | 2026-02-04 | 1 000.00 | 0 (ERP) | — | — |
//! | F-9 | C5 Echo Ltd | 2025-10-15 | 2025-11-14 | 100.00 USD | 100.00 USD | 137 | over 90 |
//!
//! EUR buckets: not due 250.00, 1–30 1 250.00, 31–60 3 000.00, 61–90 700.00,
//! over 90 500.00; total 5 700.00, overdue 5 450.00. USD: over 90 100.00.
//!
//! DSO EUR (count-back from 5 700.00): March sales 1 200 + 800 + 250 =
//! 2 250 → 31 days, 3 450 left; February 450 → 28 days, 3 000 left;
//! January 3 000 + 1 000 = 4 000 → 3 000 / 4 000 × 31 = 23.25; total
//! 82.25 → **82.3 days**. DSO USD: 100 USD reaches back to October 2025,
//! before the first complete month (November) → not enough history.
//!
//! Statement of 2026-03-31: +1 200.00 Alpha SARL with F-1's RF reference
//! (matched), +800.00 "B. HOLDING" "REGLEMENT FACT 4" (suggested: F-4),
//! +99.99 "INCONNU" "VIR DIVERS" (unmatched), −450.00 direct debit returned
//! AM04 with no collection on record (unexplained debit). Figures: 1
//! statement, 4 transactions, 1 matched, 1 suggested, match rate 1/3 =
//! 33.3 %, unapplied in 99.99 + 800.00 = 899.99, out 450.00.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Ntry, Tx, camt, pointage, run_night};

const IBAN: &str = "FR7630001007941234567890185";
const HEAD: &str = "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id\n";

fn night1_invoices() -> String {
    format!(
        "{HEAD}F-3;C3;\"=HYPERLINK(\"\"http://evil.example\"\";\"\"clic\"\")\";2025-11-01;2025-12-01;500,00;500,00;EUR;;transfer;\n\
F-9;C5;Echo Ltd;2025-10-15;2025-11-14;100,00;100,00;USD;;transfer;\n"
    )
}

fn night2_invoices() -> String {
    format!(
        "{HEAD}F-1;C1;Alpha SARL;2026-03-01;2026-04-15;1200,00;1200,00;EUR;RF842026F1;transfer;\n\
F-2;C2;<script>alert(1)</script> Beta;2026-01-10;2026-02-10;3000,00;3000,00;EUR;;transfer;\n\
F-3;C3;\"=HYPERLINK(\"\"http://evil.example\"\";\"\"clic\"\")\";2025-11-01;2025-12-01;500,00;500,00;EUR;;transfer;\n\
F-4;C2;<script>alert(1)</script> Beta;2026-03-05;2026-03-20;800,00;800,00;EUR;;transfer;\n\
F-5;C4;Delta;2026-02-01;2026-03-01;450,00;450,00;EUR;;direct_debit;M-5\n\
F-6;C1;Alpha SARL;2025-12-15;2026-01-14;700,00;700,00;EUR;;transfer;\n\
F-7;C4;Delta;2026-03-25;2026-04-24;250,00;250,00;EUR;;transfer;\n\
F-8;C1;Alpha SARL;2026-01-05;2026-02-04;1000,00;0,00;EUR;;transfer;\n\
F-9;C5;Echo Ltd;2025-10-15;2025-11-14;100,00;100,00;USD;;transfer;\n"
    )
}

fn statement() -> String {
    let tx = |amount| Tx {
        amount,
        ..Tx::default()
    };
    camt(
        false,
        "REP-1",
        1,
        IBAN,
        "2026-03-31",
        "2026-03-31",
        Some(("10000.00", "11649.99")),
        &[
            Ntry {
                reference: "R1",
                date: "2026-03-31",
                code: "RCDT/ESCT",
                amount: "1200.00",
                txs: vec![Tx {
                    name: Some("Alpha SARL"),
                    rf: Some("RF842026F1"),
                    ..tx("1200.00")
                }],
            },
            Ntry {
                reference: "R2",
                date: "2026-03-31",
                code: "RCDT/ESCT",
                amount: "800.00",
                txs: vec![Tx {
                    name: Some("B. HOLDING"),
                    text: Some("REGLEMENT FACT 4"),
                    ..tx("800.00")
                }],
            },
            Ntry {
                reference: "R3",
                date: "2026-03-31",
                code: "RCDT/ESCT",
                amount: "99.99",
                txs: vec![Tx {
                    name: Some("INCONNU"),
                    text: Some("VIR DIVERS"),
                    ..tx("99.99")
                }],
            },
            Ntry {
                reference: "R4",
                date: "2026-03-31",
                code: "IDDT/UPDD",
                amount: "-450.00",
                txs: vec![Tx {
                    e2e: Some("E2E-UNKNOWN"),
                    mandate: Some("M-UNKNOWN"),
                    reason: Some("AM04"),
                    ..tx("-450.00")
                }],
            },
        ],
    )
}

/// Writes the client folder as it stands on night `n` (1 or 2).
fn prepare(client: &Path, n: usize) {
    fs::create_dir_all(client.join("statements")).unwrap();
    let inv = if n == 1 {
        night1_invoices()
    } else {
        night2_invoices()
    };
    fs::write(client.join("invoices.csv"), inv).unwrap();
    if n == 2 {
        fs::write(client.join("statements/2026-03-31.xml"), statement()).unwrap();
    }
}

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/report/expected")
}

fn golden(name: &str, actual: &[u8]) {
    let path = expected_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(expected_dir()).unwrap();
        fs::write(&path, actual).unwrap();
    }
    let want =
        fs::read(&path).unwrap_or_else(|_| panic!("{} missing; UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        String::from_utf8_lossy(actual),
        String::from_utf8_lossy(&want),
        "{name} differs from {}",
        path.display()
    );
}

/// Runs the two nights of the client `name` under `root`; returns OUT of night 2.
fn two_nights(root: &Path, name: &str) -> PathBuf {
    let client = root.join(name);
    let out = root.join("out").join(name);
    for (n, date) in [(1, "2025-11-01"), (2, "2026-03-31")] {
        prepare(&client, n);
        let o = run_night(&client, date, &out, &[]);
        assert!(
            o.status.success(),
            "night {date}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    out
}

#[test]
fn report_files_match_hand_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = two_nights(tmp.path(), "acme-report");
    golden(
        "aged_balance.csv",
        &fs::read(out.join("aged_balance.csv")).unwrap(),
    );
    golden(
        "unmatched.csv",
        &fs::read(out.join("unmatched.csv")).unwrap(),
    );

    let aged = crate::support::csv_rows(&out.join("aged_balance.csv"));
    // Hostile names are neutralised in the CSV.
    assert!(aged.iter().any(|r| r[1].starts_with("'=HYPERLINK")));
    let kpis: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("kpis.json")).unwrap()).unwrap();
    assert_eq!(kpis["currencies"]["EUR"]["open"], "5700.00");
    assert_eq!(kpis["currencies"]["EUR"]["overdue"], "5450.00");
    assert_eq!(kpis["currencies"]["EUR"]["dso_days"], "82.3");
    assert_eq!(kpis["currencies"]["USD"]["dso"], "insufficient_history");
    assert_eq!(kpis["match_rate"], "33.3");
    assert_eq!(kpis["unmatched_items"], 3);

    // The report is replayed byte for byte with the night.
    let html = fs::read(out.join("report.html")).unwrap();
    let again = tmp.path().join("again");
    let o = run_night(&tmp.path().join("acme-report"), "2026-03-31", &again, &[]);
    assert!(o.status.success());
    assert_eq!(fs::read(again.join("report.html")).unwrap(), html);
    let text = String::from_utf8(html).unwrap();
    assert!(!text.contains("<script"), "a customer name became markup");
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt; Beta"));
}

/// Debian's chromium, or `None` (the test is then skipped unless
/// `POINTAGE_REQUIRE_BROWSER=1`, as in `.ci/run`).
fn browser() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser"] {
        if let Ok(o) = Command::new("which").arg(name).output()
            && o.status.success()
        {
            let p = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if !p.is_empty() {
                return Some(PathBuf::from(p));
            }
        }
    }
    if std::env::var("POINTAGE_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("POINTAGE_REQUIRE_BROWSER=1 but no chromium found (apt-get install chromium)");
    }
    eprintln!(
        "SKIPPED: report pages not opened in a browser: chromium not installed (apt-get install chromium)"
    );
    None
}

/// Opens `page` headless: the rendered DOM, and the browser's stderr
/// (console messages), and a screenshot at `shot`.
fn open(browser: &Path, page: &Path, shot: &Path) -> (String, String) {
    let base = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let profile = tempfile::tempdir().unwrap();
    let dom = Command::new(browser)
        .args(base)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    if let Some(dir) = shot.parent() {
        fs::create_dir_all(dir).unwrap();
    }
    let profile2 = tempfile::tempdir().unwrap();
    let s = Command::new(browser)
        .args(base)
        .arg(format!("--user-data-dir={}", profile2.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    assert!(shot.is_file(), "no screenshot at {}", shot.display());
    (
        // The DOM serialiser writes U+00A0 as `&nbsp;`.
        String::from_utf8_lossy(&dom.stdout).replace("&nbsp;", NBSP),
        String::from_utf8_lossy(&dom.stderr).into_owned(),
    )
}

fn no_console_errors(stderr: &str) {
    for line in stderr.lines() {
        let l = line.to_ascii_lowercase();
        assert!(
            !(l.contains("uncaught") || (l.contains("console") && l.contains("error"))),
            "console error: {line}"
        );
    }
}

/// The text of the element with `data-figure="key"`'s value.
fn figure(dom: &str, key: &str) -> String {
    let start = dom
        .find(&format!("data-figure=\"{key}\""))
        .unwrap_or_else(|| panic!("no figure {key}"));
    let rest = &dom[start..];
    let v = rest.find("class=\"value\">").unwrap() + "class=\"value\">".len();
    let end = rest[v..].find('<').unwrap();
    rest[v..v + end].to_string()
}

const NNBSP: &str = "\u{202f}";
const NBSP: &str = "\u{a0}";

#[test]
fn report_and_firm_pages_in_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = two_nights(tmp.path(), "acme-report");
    // A second, quieter client for the firm page.
    let other = tmp.path().join("zeta");
    fs::create_dir_all(other.join("statements")).unwrap();
    fs::write(
        other.join("invoices.csv"),
        format!("{HEAD}Z-1;K1;Kappa;2026-03-01;2026-03-10;100,00;100,00;EUR;;transfer;\n"),
    )
    .unwrap();
    let zout = tmp.path().join("out").join("zeta");
    assert!(run_night(&other, "2026-03-31", &zout, &[]).status.success());
    fs::write(
        tmp.path().join("out/batch-summary.csv"),
        "client,status,statements,transactions,matched,suggested,unapplied,alerts,dunning_actions,error\nacme-report,ok,1,4,1,1,,,0,\nzeta,ok,0,0,0,0,,,0,\n",
    )
    .unwrap();
    let firm = pointage()
        .arg("firm")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert!(
        firm.status.success(),
        "{}",
        String::from_utf8_lossy(&firm.stderr)
    );
    let firm_out = tmp.path().join("out");

    // The parquet a BI tool reads: rows and columns, exact amounts.
    {
        use polars::prelude::{ParquetReader, SerReader};
        let f = fs::File::open(firm_out.join("firm_aged_balance.parquet")).unwrap();
        let df = ParquetReader::new(f).finish().unwrap();
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "client",
                "customer_id",
                "customer_name",
                "currency",
                "not_due",
                "1_30",
                "31_60",
                "61_90",
                "over_90",
                "total"
            ]
        );
        // acme-report: C1, C2, C3, C4 in EUR, C5 in USD; zeta: K1.
        assert_eq!(df.height(), 6);
        let total = df.column("total").unwrap().str().unwrap().clone();
        let totals: Vec<String> = (0..df.height())
            .map(|i| total.get(i).unwrap().to_string())
            .collect();
        assert_eq!(
            totals,
            ["700.00", "3800.00", "500.00", "700.00", "100.00", "100.00"]
        );
        // The text as pointage computed it: the quote that keeps a
        // spreadsheet from running a CSV cell is not data (review 38
        // reports #5); the firm CSV keeps it.
        let name = df.column("customer_name").unwrap().str().unwrap().clone();
        let hyperlink = "=HYPERLINK(\"http://evil.example\";\"clic\")";
        assert_eq!(name.get(2), Some(hyperlink));
        let csv = crate::support::csv_rows(&firm_out.join("firm_aged_balance.csv"));
        assert_eq!(csv[3][1..3], ["C3".to_string(), format!("'{hyperlink}")]);
    }
    let kpis = crate::support::csv_rows(&firm_out.join("firm_kpis.csv"));
    assert_eq!(
        kpis[0][..6],
        [
            "client", "status", "run_date", "currency", "open", "overdue"
        ]
    );
    assert_eq!(
        kpis[1][..8],
        [
            "acme-report",
            "ok",
            "2026-03-31",
            "EUR",
            "5700.00",
            "5450.00",
            "82.3",
            "days"
        ]
    );

    let Some(chromium) = browser() else {
        return;
    };
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-screenshots");
    let (dom, err) = open(
        &chromium,
        &out.join("report.html"),
        &shots.join("report.png"),
    );
    no_console_errors(&err);
    assert!(!dom.contains("<script"), "a script element in the page");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt; Beta"));
    assert!(dom.contains("=HYPERLINK("));
    assert_eq!(figure(&dom, "statements"), "1");
    assert_eq!(figure(&dom, "transactions"), "4");
    assert_eq!(figure(&dom, "matched"), "1");
    assert_eq!(figure(&dom, "suggested"), "1");
    assert_eq!(figure(&dom, "match_rate"), format!("33,3{NBSP}%"));
    assert_eq!(figure(&dom, "unapplied_in"), format!("899,99{NBSP}€"));
    assert_eq!(figure(&dom, "unapplied_out"), format!("450,00{NBSP}€"));
    for want in [
        format!("5{NNBSP}700,00{NBSP}€"),
        format!("1{NNBSP}250,00{NBSP}€"),
        format!("3{NNBSP}000,00{NBSP}€"),
        format!("3{NNBSP}800,00{NBSP}€"),
        format!("100,00{NBSP}$"),
    ] {
        assert!(dom.contains(&want), "page lacks {want}");
    }
    assert!(dom.contains("82,3 jours"));
    assert!(dom.contains("historique insuffisant"));
    assert!(
        dom.contains("Provision insuffisante")
            || dom.contains("provision insuffisante")
            || dom.contains("AM04")
    );
    assert!(dom.contains("<svg"));

    let (fdom, ferr) = open(
        &chromium,
        &firm_out.join("firm-report.html"),
        &shots.join("firm-report.png"),
    );
    no_console_errors(&ferr);
    assert!(fdom.contains("href=\"acme-report/report.html\""));
    assert!(fdom.contains(&format!("5{NNBSP}450,00{NBSP}€")));
    let acme = fdom.find("acme-report/report.html").unwrap();
    let zeta = fdom.find("zeta/report.html").unwrap();
    assert!(acme < zeta, "the client with more overdue comes first");
}
