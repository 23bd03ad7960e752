//! Operations review (ops F1–F5): an optional input there but unreadable (a
//! link to a share not mounted) fails the client instead of being read as
//! absent, in `run` and in `batch`; a batch client whose `invoices.csv` is
//! there in any form fails rather than being skipped; log lines that cannot
//! be written never change the outcome; shard settings that contradict each
//! other are a usage error (exit 2). Each beside its legitimate look-alike.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::{csv_rows, pointage};

const DATE: &str = "2026-11-20";
const ENGINE_VARS: [&str; 5] = [
    "JOB_COMPLETION_INDEX",
    "POINTAGE_SHARDS",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_COUNT",
];

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

/// A copy of the demo firm under `t`.
fn firm(t: &Path) -> PathBuf {
    let root = t.join("firm");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        &root,
    );
    root
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

/// `pointage batch ROOT --date DATE --out T/out --state T/state` plus `extra`.
fn batch_cmd(root: &Path, t: &Path, extra: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = command(&["batch"], env);
    c.arg(root)
        .args(["--date", DATE, "--out"])
        .arg(t.join("out"))
        .arg("--state")
        .arg(t.join("state"))
        .args(extra);
    c
}

fn run_cmd(client: &Path, t: &Path) -> Command {
    let mut c = command(&["run"], &[]);
    c.arg(client)
        .args(["--date", DATE, "--out"])
        .arg(t.join("run-out"))
        .arg("--state")
        .arg(t.join("run-state"));
    c
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `client → (status, error)` of a batch summary.
fn statuses(out: &Path) -> Vec<(String, String, String)> {
    let rows = csv_rows(&out.join("batch-summary.csv"));
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    rows[1..]
        .iter()
        .map(|r| {
            (
                r[col("client")].clone(),
                r[col("status")].clone(),
                r[col("error")].clone(),
            )
        })
        .collect()
}

/// Asserts acme failed naming `file`, every other client done.
fn assert_only_acme_failed(out: &Path, file: &str) {
    let rows = statuses(out);
    assert_eq!(rows.len(), 5, "{rows:?}");
    for (client, status, error) in rows {
        if client == "acme" {
            assert_eq!(status, "failed", "{error}");
            assert!(error.contains(file), "{error}");
        } else {
            assert_eq!(status, "done", "{client}: {error}");
        }
    }
}

#[test]
fn an_optional_file_linked_to_a_share_not_mounted_fails_the_client() {
    for (name, target) in [
        ("customers.csv", "/mnt/erp-share/acme/customers.csv"),
        ("statements", "/mnt/bank-share/acme"),
        ("client.toml", "/mnt/erp-share/acme/client.toml"),
        ("promises.csv", "/mnt/erp-share/acme/promises.csv"),
    ] {
        let t = tempfile::tempdir().unwrap();
        let root = firm(t.path());
        let acme = root.join("acme");
        let _ = fs::remove_dir_all(acme.join(name));
        let _ = fs::remove_file(acme.join(name));
        symlink(target, acme.join(name)).unwrap();

        let o = run_cmd(&acme, t.path()).output().unwrap();
        let expected = if name == "client.toml" { 2 } else { 3 };
        assert_eq!(code(&o), expected, "{name}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(name) && err.contains(&format!("symbolic link to {target}")),
            "{name}: {err}"
        );
        assert!(!t.path().join("run-out").exists(), "{name}: no outputs");

        let o = batch_cmd(&root, t.path(), &["--quiet"], &[])
            .output()
            .unwrap();
        assert_eq!(code(&o), 1, "{name}: {}", stderr(&o));
        assert_only_acme_failed(&t.path().join("out"), name);
    }
}

#[test]
fn optional_files_not_there_at_all_are_still_absent() {
    let t = tempfile::tempdir().unwrap();
    let root = firm(t.path());
    let acme = root.join("acme");
    fs::remove_file(acme.join("customers.csv")).unwrap();
    fs::remove_dir_all(acme.join("statements")).unwrap();
    let _ = fs::remove_file(acme.join("promises.csv"));
    let o = run_cmd(&acme, t.path()).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn a_batch_client_whose_invoices_csv_is_not_a_readable_file_fails_not_skipped() {
    for how in ["folder", "dangling link", "link loop"] {
        let t = tempfile::tempdir().unwrap();
        let root = firm(t.path());
        let invoices = root.join("acme/invoices.csv");
        fs::remove_file(&invoices).unwrap();
        match how {
            "folder" => fs::create_dir(&invoices).unwrap(),
            "dangling link" => symlink("/mnt/erp-export/acme/invoices.csv", &invoices).unwrap(),
            _ => symlink("invoices.csv", &invoices).unwrap(),
        }
        let o = batch_cmd(&root, t.path(), &[], &[]).output().unwrap();
        assert_eq!(code(&o), 1, "{how}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("skipped acme"),
            "{how}: {}",
            stderr(&o)
        );
        assert_only_acme_failed(&t.path().join("out"), "invoices.csv");
    }
}

#[test]
fn a_batch_folder_with_no_invoices_csv_is_still_skipped() {
    let t = tempfile::tempdir().unwrap();
    let root = firm(t.path());
    fs::create_dir(root.join("archive")).unwrap();
    fs::write(root.join("archive/invoices-2025.csv"), "x").unwrap();
    let o = batch_cmd(&root, t.path(), &[], &[]).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipped archive: no invoices.csv"),
        "{}",
        stderr(&o)
    );
    assert_eq!(statuses(&t.path().join("out")).len(), 5);
}

#[test]
fn a_log_that_cannot_be_written_changes_no_outcome() {
    let t = tempfile::tempdir().unwrap();
    let root = firm(t.path());
    // stderr a full disk: every client done, the summary written, exit 0.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = batch_cmd(&root, t.path(), &["--jobs", "1"], &[])
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    assert_eq!(statuses(&t.path().join("out")).len(), 5);

    // stderr a pipe nobody reads any more: the same.
    for (what, mut c) in [
        ("batch", batch_cmd(&root, &t.path().join("b2"), &[], &[])),
        ("run", run_cmd(&root.join("acme"), t.path())),
    ] {
        let mut child = c.stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{what}");
    }
    assert_eq!(statuses(&t.path().join("b2/out")).len(), 5);
    assert!(t.path().join("run-out/summary.json").is_file());
}

#[test]
fn contradictory_shard_settings_are_a_usage_error_naming_them() {
    let t = tempfile::tempdir().unwrap();
    let root = firm(t.path());
    let k8s = |i| [("JOB_COMPLETION_INDEX", i), ("POINTAGE_SHARDS", "3")];
    /// Arguments, variables, what the error must name.
    type Case<'a> = (&'a [&'a str], Vec<(&'a str, &'a str)>, &'a [&'a str]);
    let cases: [Case; 6] = [
        (
            &["--shard", "0/3"],
            k8s("1").to_vec(),
            &["--shard 0/3", "JOB_COMPLETION_INDEX=1"],
        ),
        (
            &["--shards", "3"],
            vec![],
            &["--shards 3", "no shard index"],
        ),
        (
            &[],
            vec![("POINTAGE_SHARDS", "3")],
            &["POINTAGE_SHARDS=3", "no shard index"],
        ),
        (
            &["--shard", "0/3", "--shards", "5"],
            vec![],
            &["--shard 0/3", "--shards 5"],
        ),
        (
            &[],
            vec![
                ("JOB_COMPLETION_INDEX", "0"),
                ("POINTAGE_SHARDS", "3"),
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            &["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"],
        ),
        (
            &["--shards", "4"],
            k8s("0").to_vec(),
            &["--shards 4", "POINTAGE_SHARDS=3"],
        ),
    ];
    for (args, env, named) in cases {
        let o = batch_cmd(&root, t.path(), args, &env).output().unwrap();
        assert_eq!(code(&o), 2, "{args:?} {env:?}: {}", stderr(&o));
        for n in named {
            assert!(stderr(&o).contains(n), "{args:?} {env:?}: {}", stderr(&o));
        }
        assert!(
            !t.path().join("out").exists(),
            "{args:?} {env:?}: nothing run"
        );
    }
}

#[test]
fn shard_settings_that_agree_still_run() {
    let t = tempfile::tempdir().unwrap();
    let root = firm(t.path());
    for (args, env) in [
        (
            &["--shard", "1/3"][..],
            &[("JOB_COMPLETION_INDEX", "1"), ("POINTAGE_SHARDS", "3")][..],
        ),
        (
            &["--shards", "3"],
            &[("JOB_COMPLETION_INDEX", "1"), ("POINTAGE_SHARDS", "3")],
        ),
        (&["--shard", "1/3"], &[("POINTAGE_SHARDS", "3")]),
        (
            &[],
            &[
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
        ),
    ] {
        let o = batch_cmd(&root, t.path(), args, env).output().unwrap();
        assert_eq!(code(&o), 0, "{args:?} {env:?}: {}", stderr(&o));
        assert!(t.path().join("out/batch-summary.1-of-3.csv").is_file());
    }
}

/// Review 37 ops #10: a file where OUT or the client folder should be is
/// named as such, before anything runs.
#[test]
fn a_file_given_as_out_or_as_a_client_folder_is_named_so() {
    let t = tempfile::tempdir().unwrap();
    let root = firm(t.path());
    fs::write(t.path().join("out"), "x").unwrap();
    let o = batch_cmd(&root, t.path(), &["--quiet"], &[])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--out is not a folder"),
        "{}",
        stderr(&o)
    );
    assert!(!t.path().join("state").exists());

    let o = run_cmd(&root.join("acme/invoices.csv"), t.path())
        .output()
        .unwrap();
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a file, not a folder"),
        "{}",
        stderr(&o)
    );
}
