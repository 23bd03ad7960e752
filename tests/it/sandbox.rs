//! Real write failures and no network, in Linux namespaces (`unshare`): a
//! small tmpfs filled up gives a genuine "No space left on device" (as OUT,
//! then as the state folder, also before a new client's database is
//! written), a read-only bind remount a genuine "Read-only
//! file system" (running as root ignores `chmod`), and a new network
//! namespace has no network at all. In each failure the client's run exits 4
//! naming the file, and its previous outputs and state stay as they were,
//! with no temporary file left behind.
//!
//! Where `unshare` is not permitted each test prints why and passes, unless
//! `POINTAGE_REQUIRE_UNSHARE=1` (set by `.ci/run`): then it fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{dump_state, tree};

const NIGHT1: &str = "2026-11-20";
const NIGHT2: &str = "2026-11-23";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pointage")
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

/// True when `unshare FLAGS` can mount (or, for `-rn`, run) here; otherwise
/// prints the reason and returns false — or panics when the environment
/// requires it.
fn permitted(flags: &str) -> bool {
    let probe = Command::new("unshare")
        .arg(flags)
        .args(["sh", "-c"])
        .arg(if flags == "-rm" {
            "mount -t tmpfs tmpfs /mnt"
        } else {
            "true"
        })
        .output();
    let ok = probe.as_ref().is_ok_and(|o| o.status.success());
    if !ok {
        let why = match &probe {
            Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
            Err(e) => e.to_string(),
        };
        if std::env::var("POINTAGE_REQUIRE_UNSHARE").is_ok_and(|v| v == "1") {
            panic!(
                "unshare {flags} is required here (POINTAGE_REQUIRE_UNSHARE=1) but fails: {why}"
            );
        }
        eprintln!("skipped: unshare {flags} is not permitted here ({why})");
    }
    ok
}

/// Runs `script` with `sh` in new user and mount namespaces; `$BIN` is the
/// pointage binary, `$1`… the arguments.
fn sandboxed(script: &str, args: &[&Path]) -> Output {
    let mut c = Command::new("unshare");
    c.args(["-rm", "sh", "-c", script, "sh"])
        .args(args)
        .env("BIN", bin())
        .env("POINTAGE_TODAY", crate::support::TODAY);
    for v in ["POINTAGE_FAILPOINT", "POINTAGE_FAILPOINT_PAUSE"] {
        c.env_remove(v);
    }
    c.output().unwrap()
}

/// The state dump of acme's database (from a copy taken in the sandbox).
fn state_of(dir: &Path) -> String {
    dump_state(&dir.join("state.sqlite"))
}

fn no_temp_files(dir: &Path) {
    for (p, _) in tree(dir) {
        assert!(
            !p.to_string_lossy().contains(".tmp-"),
            "temporary file left: {}",
            p.display()
        );
    }
}

/// The common body: night 1 fits, then OUT or STATE is made full or
/// read-only and night 2 must fail cleanly. `prepare` is the shell line that
/// breaks the folder `$3` (OUT is `$1`, STATE `$2`); what both looked like
/// after night 1 is copied to `$4` and `$5`, and after night 2 to `$6`, `$7`.
fn night_two_fails(prepare: &str, mount_on: &str) -> (String, String, String) {
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| {
        let d = t.path().join(n);
        fs::create_dir_all(&d).unwrap();
        d
    };
    let (out, state) = (p("out"), p("state"));
    let (out1, state1, out2, state2) = (p("out1"), p("state1"), p("out2"), p("state2"));
    let client = demo().join("acme");
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=4m tmpfs "{mount_on}"
"$BIN" run "$8" --date {NIGHT1} --out "$1/acme" --state "$2/acme" 2>/dev/null
cp -a "$1/." "$4/"; cp -a "$2/." "$5/"
{prepare}
set +e
"$BIN" run "$8" --date {NIGHT2} --out "$1/acme" --state "$2/acme"
echo "rc=$?" >&2
set -e
rm -f "$3/filler"
cp -a "$1/." "$6/"; cp -a "$2/." "$7/"
"#
    );
    let target = if mount_on == "$1" { &out } else { &state };
    let o = sandboxed(
        &script,
        &[
            &out, &state, target, &out1, &state1, &out2, &state2, &client,
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "sandbox script failed: {err}");
    assert!(
        tree(&out1).iter().any(|(p, _)| p.ends_with("summary.json")),
        "night 1 wrote its outputs: {err}"
    );
    // Previous outputs unchanged, no temporary file.
    assert_eq!(tree(&out2), tree(&out1), "outputs changed: {err}");
    no_temp_files(&out2);
    no_temp_files(&state2);
    // State unchanged.
    let (s1, s2) = (
        state_of(&state1.join("acme")),
        state_of(&state2.join("acme")),
    );
    assert_eq!(s1, s2, "state changed: {err}");
    (err, out.display().to_string(), state.display().to_string())
}

fn assert_failed(err: &str, cause: &str, path_prefix: &str) {
    assert!(err.contains("rc=4"), "exit code 4 expected: {err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line: {err}"));
    eprintln!("{line}");
    assert!(line.contains(cause), "{line}");
    assert!(
        line.contains(&format!("{path_prefix}/acme/")),
        "the message names the file: {line}"
    );
}

const FILL: &str = r#"dd if=/dev/zero of="$3/filler" bs=4k 2>/dev/null || true"#;
const READ_ONLY: &str = r#"mount --bind "$3" "$3"; mount -o remount,ro,bind "$3""#;

#[test]
fn a_full_out_folder_fails_the_night_and_keeps_the_last_one() {
    if !permitted("-rm") {
        return;
    }
    let (err, out, _) = night_two_fails(FILL, "$1");
    assert_failed(&err, "No space left on device", &out);
}

#[test]
fn a_full_state_folder_fails_the_night_and_keeps_the_last_one() {
    if !permitted("-rm") {
        return;
    }
    let (err, _, state) = night_two_fails(FILL, "$2");
    // SQLite says "disk I/O error"; pointage adds what the system says.
    assert_failed(&err, "No space left on device", &state);
}

#[test]
fn a_full_state_folder_on_a_first_night_leaves_no_database_behind() {
    if !permitted("-rm") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (out, state, after) = (
        t.path().join("out"),
        t.path().join("state"),
        t.path().join("after"),
    );
    for d in [&out, &state, &after] {
        fs::create_dir_all(d).unwrap();
    }
    // The new client's database does not fit: the night fails before
    // anything, and no half-written database is left for the next night to
    // take as a client's history.
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=4m tmpfs "$2"
mkdir "$2/acme"
dd if=/dev/zero of="$2/filler" bs=4k 2>/dev/null || true
set +e
"$BIN" run "$4" --date {NIGHT1} --out "$1/acme" --state "$2/acme"
echo "rc=$?" >&2
set -e
rm -f "$2/filler"
cp -a "$2/." "$3/"
"$BIN" run "$4" --date {NIGHT1} --out "$1/acme" --state "$2/acme" 2>/dev/null
echo "then rc=$?" >&2
"#
    );
    let client = demo().join("acme");
    let o = sandboxed(&script, &[&out, &state, &after, &client]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "sandbox script failed: {err}");
    assert_failed(
        &err,
        "No space left on device",
        &state.display().to_string(),
    );
    assert!(err.contains("state.sqlite"), "{err}");
    let left: Vec<_> = tree(&after.join("acme"))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert!(
        left.iter().all(|p| p.ends_with("lock")),
        "only the lock file stays: {left:?}"
    );
    // Once there is room, the same night runs from a clean start.
    assert!(err.contains("then rc=0"), "{err}");
}

#[test]
fn a_read_only_out_folder_fails_the_night_and_keeps_the_last_one() {
    if !permitted("-rm") {
        return;
    }
    let (err, out, _) = night_two_fails(READ_ONLY, "$1");
    assert_failed(&err, "Read-only file system", &out);
}

#[test]
fn a_read_only_state_folder_fails_the_night_and_keeps_the_last_one() {
    if !permitted("-rm") {
        return;
    }
    let (err, _, state) = night_two_fails(READ_ONLY, "$2");
    assert_failed(&err, "Read-only file system", &state);
}

#[test]
fn the_demo_needs_no_network() {
    if !permitted("-rn") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let run = |net: bool, name: &str| {
        let mut c = if net {
            Command::new(bin())
        } else {
            let mut c = Command::new("unshare");
            c.args(["-rn", bin()]);
            c
        };
        c.env("POINTAGE_TODAY", crate::support::TODAY)
            .arg("batch")
            .arg(demo())
            .args(["--date", NIGHT1, "--out"])
            .arg(t.path().join(name).join("out"))
            .arg("--state")
            .arg(t.path().join(name).join("state"))
            .arg("--quiet");
        let o = c.output().unwrap();
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        tree(&t.path().join(name).join("out"))
    };
    // Inside the namespace only a loopback, down: no way out.
    let ip = Command::new("unshare")
        .args(["-rn", "cat", "/proc/net/dev"])
        .output()
        .unwrap();
    let devices = String::from_utf8_lossy(&ip.stdout);
    assert_eq!(devices.lines().count(), 3, "only lo: {devices}");
    let with = run(true, "with");
    let without = run(false, "without");
    assert!(with.len() > 10);
    assert_eq!(with, without);
}
