//! `pointage batch` over the demo firm (`fixtures/demo`): each client's
//! outputs are exactly what `pointage run` gives it alone; a broken client
//! fails alone and keeps its previous night; clients sharing ids do not
//! leak into each other; shards run one after the other give the whole
//! run; exit codes; logs without IBANs or names; the same bytes whatever the
//! number of threads.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{column_where, csv_rows, dump_state, pointage, tree};

const DATE: &str = "2026-11-20";
const NEXT: &str = "2026-11-23";
const CLIENTS: [&str; 5] = [
    "acme",
    "atelier-lefevre",
    "cabinet-fournier",
    "hotel-des-alpes",
    "transports-moreau",
];
/// Job-engine variables a test's own environment must not leak into a run.
const ENGINE_VARS: [&str; 5] = [
    "JOB_COMPLETION_INDEX",
    "POINTAGE_SHARDS",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_COUNT",
];

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = pointage();
    for v in ENGINE_VARS {
        c.env_remove(v);
    }
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// `pointage batch ROOT --date D --out OUT --state STATE` plus `extra`.
fn batch(
    root: &Path,
    date: &str,
    out: &Path,
    state: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut c = command(&["batch"], env);
    c.arg(root)
        .args(["--date", date, "--out"])
        .arg(out)
        .arg("--state")
        .arg(state)
        .args(extra);
    c.output().expect("run pointage batch")
}

/// `pointage run CLIENT --date D --out OUT --state STATE`.
fn run_alone(client: &Path, date: &str, out: &Path, state: &Path) -> Output {
    let mut c = command(&["run"], &[]);
    c.arg(client)
        .args(["--date", date, "--out"])
        .arg(out)
        .arg("--state")
        .arg(state);
    c.output().expect("run pointage run")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Asserts that `OUT/<client>/` of the batch equals a lone `pointage run`.
fn assert_same_as_alone(root: &Path, out: &Path, date: &str, clients: &[&str]) {
    let solo = tempfile::tempdir().unwrap();
    for c in clients {
        let o = run_alone(
            &root.join(c),
            date,
            &solo.path().join("out").join(c),
            &solo.path().join("state").join(c),
        );
        assert_eq!(code(&o), 0, "{c}: {}", stderr(&o));
        let alone = tree(&solo.path().join("out").join(c));
        assert!(!alone.is_empty(), "{c}: no outputs");
        assert_eq!(tree(&out.join(c)), alone, "{c}: batch differs from run");
    }
}

/// The clients of a batch summary CSV, in order.
fn summary_clients(path: &Path) -> Vec<String> {
    csv_rows(path)[1..].iter().map(|r| r[0].clone()).collect()
}

#[test]
fn the_demo_batch_gives_each_client_what_it_gets_alone() {
    let t = tempfile::tempdir().unwrap();
    let (out, state) = (t.path().join("out"), t.path().join("state"));
    let o = batch(&demo(), DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_same_as_alone(&demo(), &out, DATE, &CLIENTS);

    let summary = csv_rows(&out.join("batch-summary.csv"));
    assert_eq!(summary_clients(&out.join("batch-summary.csv")), CLIENTS);
    for c in CLIENTS {
        assert_eq!(column_where(&summary, "client", c, "status"), ["done"]);
        assert_eq!(column_where(&summary, "client", c, "error"), [""]);
    }
    assert_eq!(
        column_where(&summary, "client", "hotel-des-alpes", "alerts"),
        ["direct_debit_returned=3|repeated_direct_debit_return=1"]
    );
    assert_eq!(
        column_where(&summary, "client", "acme", "unapplied"),
        ["EUR 2520.00"]
    );

    // What the treasury person reads, per client.
    let dunning = csv_rows(&out.join("hotel-des-alpes/dunning.csv"));
    assert_eq!(
        column_where(&dunning, "step", "full_balance_demand", "invoice_ids"),
        ["HA-2026-0901|HA-2026-1001|HA-2026-1101"]
    );
    assert_eq!(
        column_where(&dunning, "step", "full_balance_demand", "amount_due"),
        ["2560.00"]
    );
    let dunning = csv_rows(&out.join("atelier-lefevre/dunning.csv"));
    assert_eq!(
        column_where(&dunning, "step", "formal_notice", "penalty_amount"),
        ["94.53"],
        "40.00 + 4200.00 x 12.15 % x 39/365"
    );
    for step in ["courtesy_reminder", "firm_reminder", "phone_call"] {
        assert_eq!(column_where(&dunning, "step", step, "action_date"), [NEXT]);
    }
    let dunning = csv_rows(&out.join("cabinet-fournier/dunning.csv"));
    assert_eq!(
        column_where(&dunning, "step", "formal_notice", "penalty_amount"),
        ["0.00"],
        "B2C: no late-payment charges"
    );
    let matches = csv_rows(&out.join("atelier-lefevre/matches.csv"));
    assert_eq!(
        column_where(&matches, "entry_id", "CA261116VIR001", "applied_amount"),
        ["-150.00", "1800.00", "650.00"],
        "one transfer, two invoices less a credit note"
    );
    let alerts = csv_rows(&out.join("transports-moreau/alerts.csv"));
    assert_eq!(
        column_where(&alerts, "kind", "unmatched_credit", "amount"),
        ["777.00"]
    );

    // Twice: the night is replayed, the same bytes, exit 0.
    let before = tree(&out);
    let o = batch(&demo(), DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = tree(&out);
    let strip = |t: Vec<(PathBuf, Vec<u8>)>| -> Vec<(PathBuf, Vec<u8>)> {
        t.into_iter()
            .filter(|(p, _)| {
                !p.starts_with("batch-summary.csv") && !p.starts_with("batch-summary.json")
            })
            .collect()
    };
    assert_eq!(strip(after), strip(before));
    let summary = csv_rows(&out.join("batch-summary.csv"));
    assert_eq!(
        column_where(&summary, "client", "acme", "status"),
        ["replayed"]
    );
}

#[test]
fn a_broken_client_fails_alone_and_keeps_its_last_night() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("firm");
    copy_dir(&demo(), &root);
    let (out, state) = (t.path().join("out"), t.path().join("state"));
    let o = batch(&root, DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let broken = ["atelier-lefevre", "cabinet-fournier"];
    let kept: Vec<_> = broken
        .iter()
        .map(|c| {
            (
                tree(&out.join(c)),
                dump_state(&state.join(c).join("state.sqlite")),
            )
        })
        .collect();

    // A bad date on line 11 of one client's invoices.csv, an unknown key on
    // line 2 of another's client.toml.
    let inv = root.join("atelier-lefevre/invoices.csv");
    let mut text = fs::read_to_string(&inv).unwrap();
    text.push_str("FA-2026-0110;L01;Menuiserie Roux SARL;31/11/2026;15/12/2026;100,00;100,00;EUR;;virement;\r\n");
    fs::write(&inv, text).unwrap();
    fs::write(
        root.join("cabinet-fournier/client.toml"),
        "[matching]\nautothreshold = 0.8\n",
    )
    .unwrap();

    let o = batch(&root, NEXT, &out, &state, &[], &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let summary = csv_rows(&out.join("batch-summary.csv"));
    let error = |c: &str| column_where(&summary, "client", c, "error").join("");
    for c in broken {
        assert_eq!(column_where(&summary, "client", c, "status"), ["failed"]);
    }
    let e = error("atelier-lefevre");
    assert!(
        e.ends_with(
            "atelier-lefevre/invoices.csv: line 11, column issue_date: expected a date (YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY), found \"31/11/2026\""
        ),
        "{e}"
    );
    let e = error("cabinet-fournier");
    assert!(
        e.contains("client.toml: line 2") && e.contains("autothreshold"),
        "{e}"
    );
    for c in ["acme", "hotel-des-alpes", "transports-moreau"] {
        assert_eq!(
            column_where(&summary, "client", c, "status"),
            ["done"],
            "{c}"
        );
        assert_eq!(error(c), "");
    }
    for (c, (files, db)) in broken.iter().zip(kept) {
        assert_eq!(tree(&out.join(c)), files, "{c}: outputs touched");
        assert_eq!(
            dump_state(&state.join(c).join("state.sqlite")),
            db,
            "{c}: state touched"
        );
    }
}

#[test]
fn clients_sharing_ids_and_ibans_do_not_mix() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("firm");
    // Two copies of one client: same customer ids, invoice ids, IBANs (its
    // own account's too); the second has not received its second statement.
    copy_dir(&demo().join("transports-moreau"), &root.join("moreau-lyon"));
    copy_dir(
        &demo().join("transports-moreau"),
        &root.join("moreau-dijon"),
    );
    fs::remove_file(root.join("moreau-dijon/statements/cic-2026-11-19.xml")).unwrap();
    let (out, state) = (t.path().join("out"), t.path().join("state"));
    let o = batch(&root, DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_same_as_alone(&root, &out, DATE, &["moreau-dijon", "moreau-lyon"]);
    assert_ne!(
        fs::read(out.join("moreau-dijon/matches.csv")).unwrap(),
        fs::read(out.join("moreau-lyon/matches.csv")).unwrap()
    );
    let status = csv_rows(&out.join("moreau-dijon/invoice_status.csv"));
    assert_eq!(
        column_where(&status, "invoice_id", "TM-2026-0451", "applied"),
        ["0.00"]
    );
}

#[test]
fn three_shards_one_after_the_other_make_the_whole_run() {
    let t = tempfile::tempdir().unwrap();
    let whole = t.path().join("whole");
    let o = batch(&demo(), DATE, &whole, &t.path().join("s0"), &[], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let (out, state) = (t.path().join("out"), t.path().join("state"));
    let mut seen = Vec::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let o = batch(&demo(), DATE, &out, &state, &["--shard", &shard], &[]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let mine = summary_clients(&out.join(format!("batch-summary.{k}-of-3.csv")));
        assert!(out.join(format!("batch-summary.{k}-of-3.json")).is_file());

        // The job engines pick the same clients.
        let idx = k.to_string();
        let slurm_id = (10 + k).to_string();
        for env in [
            vec![
                ("JOB_COMPLETION_INDEX", idx.as_str()),
                ("POINTAGE_SHARDS", "3"),
            ],
            vec![
                ("SLURM_ARRAY_TASK_ID", slurm_id.as_str()),
                ("SLURM_ARRAY_TASK_MIN", "10"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
        ] {
            let e = t.path().join(format!("engine-{k}-{}", env[0].0));
            let o = batch(&demo(), DATE, &e, &e.join("state"), &[], &env);
            assert_eq!(code(&o), 0, "{env:?}: {}", stderr(&o));
            assert_eq!(
                summary_clients(&e.join(format!("batch-summary.{k}-of-3.csv"))),
                mine,
                "{env:?}"
            );
        }
        seen.extend(mine);
    }
    seen.sort();
    assert_eq!(seen, CLIENTS, "every client once");
    assert!(!out.join("batch-summary.csv").exists());
    for c in CLIENTS {
        assert_eq!(tree(&out.join(c)), tree(&whole.join(c)), "{c}");
    }
}

#[test]
fn exit_codes_for_usage_and_locks() {
    let t = tempfile::tempdir().unwrap();
    let (out, state) = (t.path().join("out"), t.path().join("state"));
    for bad in ["3/3", "x", "1/0"] {
        let o = batch(&demo(), DATE, &out, &state, &["--shard", bad], &[]);
        assert_eq!(code(&o), 2, "--shard {bad}: {}", stderr(&o));
    }
    let o = batch(&t.path().join("no-such-firm"), DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = batch(
        &demo(),
        DATE,
        &out,
        &state,
        &[],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert_eq!(code(&o), 2, "index without a count: {}", stderr(&o));
    assert!(!out.exists(), "nothing run");

    // Another run holds acme's lock: 5, every other client done.
    fs::create_dir_all(state.join("acme")).unwrap();
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(state.join("acme/lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let o = batch(&demo(), DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    let summary = csv_rows(&out.join("batch-summary.csv"));
    assert_eq!(
        column_where(&summary, "client", "acme", "status"),
        ["locked"]
    );
    assert_eq!(
        column_where(&summary, "status", "done", "client"),
        &CLIENTS[1..]
    );
    drop(lock);
    let o = batch(&demo(), DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn logs_are_timestamped_counts_without_ibans_or_names() {
    let t = tempfile::tempdir().unwrap();
    let o = batch(
        &demo(),
        DATE,
        &t.path().join("out"),
        &t.path().join("state"),
        &[],
        &[],
    );
    assert_eq!(code(&o), 0);
    let log = stderr(&o);
    let client_lines: Vec<&str> = log.lines().filter(|l| l.contains(" client ")).collect();
    assert_eq!(client_lines.len(), CLIENTS.len(), "{log}");
    for l in &client_lines {
        let (stamp, _) = l.split_once(' ').unwrap();
        assert!(
            stamp.len() == 20 && stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
            "{l}"
        );
    }
    for c in CLIENTS {
        assert!(
            client_lines
                .iter()
                .any(|l| l.contains(&format!("client {c} done: ")) && l.contains("transactions")),
            "{c}: {log}"
        );
    }
    assert!(log.contains("5 clients, 0 failed, 0 locked"), "{log}");

    // Every IBAN and every customer name of the demo, from its files.
    let mut secrets = Vec::new();
    for c in CLIENTS {
        for (_, bytes) in tree(&demo().join(c)) {
            let text = String::from_utf8_lossy(&bytes);
            for word in text.split(|ch: char| !ch.is_ascii_alphanumeric()) {
                if word.len() >= 15 && word.len() <= 34 && word.starts_with("FR") {
                    secrets.push(word.to_string());
                }
            }
        }
        let customers = csv::ReaderBuilder::new()
            .delimiter(if c == "acme" || c == "atelier-lefevre" {
                b';'
            } else {
                b','
            })
            .from_path(demo().join(c).join("customers.csv"))
            .unwrap()
            .into_records()
            .map(|r| r.unwrap()[1].to_string())
            .collect::<Vec<_>>();
        assert!(!customers.is_empty());
        secrets.extend(customers);
    }
    assert!(secrets.iter().any(|s| s.starts_with("FR76")));
    for s in &secrets {
        assert!(!log.contains(s.as_str()), "{s} in the log:\n{log}");
    }
}

#[test]
fn the_number_of_threads_changes_no_byte() {
    let t = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for (name, extra, env) in [
        ("jobs1", vec!["--jobs", "1"], vec![]),
        ("jobs2", vec!["--jobs", "2"], vec![]),
        ("jobs8", vec!["--jobs", "8"], vec![]),
        ("rayon1", vec![], vec![("RAYON_NUM_THREADS", "1")]),
        ("rayon8", vec![], vec![("RAYON_NUM_THREADS", "8")]),
    ] {
        let out = t.path().join(name).join("out");
        let o = batch(
            &demo(),
            DATE,
            &out,
            &t.path().join(name).join("state"),
            &extra,
            &env,
        );
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        trees.push((name, tree(&out)));
    }
    let (first, reference) = &trees[0];
    assert!(reference.len() > CLIENTS.len() * 5);
    for (name, t) in &trees[1..] {
        assert_eq!(t, reference, "{name} differs from {first}");
    }
}

#[test]
fn a_client_whose_files_cannot_be_written_fails_alone_with_nothing_committed() {
    // Its files are written by a writer thread while the next clients are
    // computed: the failure still lands on it alone, its night uncommitted.
    let t = tempfile::tempdir().unwrap();
    let (out, state) = (t.path().join("out"), t.path().join("state"));
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("hotel-des-alpes"), "not a folder").unwrap();
    let o = batch(&demo(), DATE, &out, &state, &["--jobs", "2"], &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let summary = csv_rows(&out.join("batch-summary.csv"));
    assert_eq!(summary_clients(&out.join("batch-summary.csv")), CLIENTS);
    for c in CLIENTS {
        let expected = if c == "hotel-des-alpes" {
            "failed"
        } else {
            "done"
        };
        assert_eq!(
            column_where(&summary, "client", c, "status"),
            [expected],
            "{c}"
        );
    }
    let e = column_where(&summary, "client", "hotel-des-alpes", "error").join("");
    assert!(e.contains("hotel-des-alpes"), "{e}");
    // Nothing of its night was committed: once OUT is mended, the same
    // night runs as new and gives what the client gets alone.
    let db = state.join("hotel-des-alpes/state.sqlite");
    assert!(
        !dump_state(&db).contains(DATE),
        "night committed:\n{}",
        dump_state(&db)
    );
    fs::remove_file(out.join("hotel-des-alpes")).unwrap();
    let o = batch(&demo(), DATE, &out, &state, &[], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let summary = csv_rows(&out.join("batch-summary.csv"));
    assert_eq!(
        column_where(&summary, "client", "hotel-des-alpes", "status"),
        ["done"]
    );
    assert_same_as_alone(&demo(), &out, DATE, &["hotel-des-alpes"]);
}

#[test]
fn a_night_prepared_but_never_finished_commits_and_writes_nothing() {
    use pointage::nightly::{RunError, RunKind, RunOptions, prepare_client};

    let t = tempfile::tempdir().unwrap();
    let opts = RunOptions {
        client_dir: demo().join("acme"),
        date: DATE.parse().unwrap(),
        out_dir: t.path().join("out"),
        state_dir: t.path().join("state"),
    };
    let prepared = prepare_client(&opts).unwrap();
    // Prepared, the night holds the client's lock.
    assert!(matches!(prepare_client(&opts), Err(RunError::Locked(_))));
    drop(prepared);
    assert!(!opts.out_dir.exists() || tree(&opts.out_dir).is_empty());
    let db = opts.state_dir.join("state.sqlite");
    assert!(!dump_state(&db).contains(DATE), "{}", dump_state(&db));

    // The lock is free again and the night runs as new, finished on another
    // thread as a batch does.
    let prepared = prepare_client(&opts).unwrap();
    let report = std::thread::spawn(move || prepared.finish())
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(report.kind, RunKind::Committed);
    let solo = t.path().join("solo");
    let o = run_alone(
        &demo().join("acme"),
        DATE,
        &solo.join("out"),
        &solo.join("state"),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&opts.out_dir), tree(&solo.join("out")));
    assert_eq!(
        dump_state(&db),
        dump_state(&solo.join("state/state.sqlite"))
    );
}
