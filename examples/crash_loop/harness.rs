//! The SIGKILL crash loop, shared by `examples/crash_loop` (the long run whose
//! figures are in BENCHMARKS.md) and `tests/it/crash.rs` (a short one on every
//! `cargo test`).
//!
//! A generated firm whose statements arrive night by night
//! (`synth::firm::write_firm_nights`) is first run night after night without
//! interruption: the reference. Then, round after round, the same nights are
//! run from scratch by a real `pointage batch` that is killed with SIGKILL at
//! a random (seeded) moment — uniform over the reference duration of that
//! night — and rerun until a run of the night completes; then the next night.
//! Each kill is classified by the phase trace (`POINTAGE_PHASE_LOG`): the
//! phase of every client in flight (parse, match, commit, write), or
//! `outside` when no client was in flight (start-up, discovery, the batch
//! summary). After each round every client's output folder of every night and
//! every client's state database (`sqlite3 DB .dump`, or a rusqlite dump when
//! sqlite3 is absent) must equal the reference's.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pointage::synth::Rng;
use pointage::synth::firm::{FirmSize, night_date, stage_night, write_firm_nights};

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The `pointage` binary.
    pub bin: PathBuf,
    /// A scratch folder (created; emptied first).
    pub work: PathBuf,
    /// The firm.
    pub size: FirmSize,
    /// Consecutive nights.
    pub nights: usize,
    /// Seed of the firm and of the kill moments.
    pub seed: u64,
    /// Stop after the round in which this many kills were reached.
    pub min_kills: usize,
    /// Stop after this many rounds even if `min_kills` was not reached.
    pub max_rounds: usize,
    /// Stop starting rounds after this long.
    pub time_budget: Duration,
    /// `--jobs` of the batch (None: its default).
    pub jobs: Option<usize>,
}

/// What the loop saw.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Rounds of all the nights.
    pub rounds: usize,
    /// Batch processes started (reference excluded).
    pub runs: usize,
    /// SIGKILLs that landed (the process was still running).
    pub kills: usize,
    /// Kills by night (from 0).
    pub kills_by_night: Vec<usize>,
    /// Clients in flight at a kill, by phase (`outside`: none in flight).
    pub by_phase: BTreeMap<String, usize>,
    /// Clients whose night had been committed before the kill and were
    /// replayed by the rerun (outputs rewritten from state).
    pub replayed_client_nights: usize,
    /// Differences with the reference (empty = identical).
    pub differences: Vec<String>,
    /// Reference duration of each night (wall).
    pub reference: Vec<Duration>,
    /// Wall time of the whole loop (reference included).
    pub wall: Duration,
    /// Files compared per round, state databases compared per round.
    pub compared: (usize, usize),
}

fn batch(cfg: &Config, firm: &Path, base: &Path, n: usize, trace: Option<&Path>) -> Command {
    let mut c = Command::new(&cfg.bin);
    c.arg("batch")
        .arg(firm)
        .arg("--date")
        .arg(night_date(n).to_string())
        .arg("--out")
        .arg(base.join("out").join(night_date(n).to_string()))
        .arg("--state")
        .arg(base.join("state"))
        .arg("--quiet")
        // The synthetic nights' dates, whatever the machine's clock says.
        .arg("--allow-future-date")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(j) = cfg.jobs {
        c.arg("--jobs").arg(j.to_string());
    }
    for v in [
        "JOB_COMPLETION_INDEX",
        "POINTAGE_SHARDS",
        "SLURM_ARRAY_TASK_ID",
        "POINTAGE_FAILPOINT",
    ] {
        c.env_remove(v);
    }
    match trace {
        Some(t) => c.env("POINTAGE_PHASE_LOG", t),
        None => c.env_remove("POINTAGE_PHASE_LOG"),
    };
    c
}

fn err(msg: String) -> io::Error {
    io::Error::other(msg)
}

/// Runs the loop.
pub fn run(cfg: &Config) -> io::Result<Report> {
    let start = Instant::now();
    if cfg.work.exists() {
        fs::remove_dir_all(&cfg.work)?;
    }
    let source = cfg.work.join("source");
    write_firm_nights(&source, cfg.size, cfg.seed, cfg.nights)?;

    let mut report = Report {
        kills_by_night: vec![0; cfg.nights],
        ..Report::default()
    };
    let reference = cfg.work.join("reference");
    for n in 0..cfg.nights {
        stage_night(&source, &reference.join("firm"), n)?;
        let t = Instant::now();
        let out = batch(cfg, &reference.join("firm"), &reference, n, None).output()?;
        report.reference.push(t.elapsed());
        if !out.status.success() {
            return Err(err(format!(
                "reference night {n}: {:?}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )));
        }
    }
    let want = snapshot(&reference)?;
    report.compared = (want.files.len(), want.states.len());

    let mut rng = Rng::new(cfg.seed ^ 0x00C0_FFEE);
    while report.rounds < cfg.max_rounds
        && report.kills < cfg.min_kills
        && start.elapsed() < cfg.time_budget
    {
        let base = cfg.work.join(format!("round-{:03}", report.rounds));
        let trace = base.join("phases.log");
        for n in 0..cfg.nights {
            stage_night(&source, &base.join("firm"), n)?;
            let limit = report.reference[n].as_micros().max(1) as u64;
            loop {
                let _ = fs::remove_file(&trace);
                let mut child = batch(cfg, &base.join("firm"), &base, n, Some(&trace)).spawn()?;
                report.runs += 1;
                std::thread::sleep(Duration::from_micros(rng.below(limit)));
                if child.try_wait()?.is_none() {
                    child.kill()?; // SIGKILL
                    let status = child.wait()?;
                    if status.code().is_none() {
                        report.kills += 1;
                        report.kills_by_night[n] += 1;
                        for phase in in_flight(&trace)? {
                            *report.by_phase.entry(phase).or_default() += 1;
                        }
                        continue;
                    }
                    // It ended by itself between the check and the kill.
                    check_exit(status.code(), &mut child, n)?;
                    break;
                }
                let status = child.wait()?;
                check_exit(status.code(), &mut child, n)?;
                report.replayed_client_nights += replayed(&trace)?;
                break;
            }
        }
        let got = snapshot(&base)?;
        report.differences.extend(
            compare(&want, &got)
                .into_iter()
                .map(|d| format!("round {}: {d}", report.rounds)),
        );
        report.rounds += 1;
        if report.differences.is_empty() {
            fs::remove_dir_all(&base)?;
        }
    }
    report.wall = start.elapsed();
    Ok(report)
}

fn check_exit(code: Option<i32>, child: &mut std::process::Child, n: usize) -> io::Result<()> {
    if code == Some(0) {
        return Ok(());
    }
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = io::Read::read_to_string(&mut e, &mut stderr);
    }
    Err(err(format!("night {n}: rerun exited {code:?}: {stderr}")))
}

/// Last phase of every client of a trace.
fn last_phases(trace: &Path) -> io::Result<BTreeMap<String, String>> {
    let text = match fs::read_to_string(trace) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let mut last = BTreeMap::new();
    for line in text.lines() {
        if let Some((client, phase)) = line.split_once(' ') {
            last.insert(client.to_string(), phase.to_string());
        }
    }
    Ok(last)
}

/// The phases of the clients in flight when the process died.
fn in_flight(trace: &Path) -> io::Result<Vec<String>> {
    let phases: Vec<String> = last_phases(trace)?
        .into_values()
        .filter(|p| p != "done")
        .collect();
    Ok(if phases.is_empty() {
        vec!["outside".to_string()]
    } else {
        phases
    })
}

/// Clients of a completed run that only rewrote a committed night.
fn replayed(trace: &Path) -> io::Result<usize> {
    let text = fs::read_to_string(trace).unwrap_or_default();
    let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in text.lines() {
        if let Some((c, p)) = line.split_once(' ') {
            seen.entry(c).or_default().push(p);
        }
    }
    Ok(seen.values().filter(|p| !p.contains(&"parse")).count())
}

/// Every output file (batch summaries aside) and every state dump of a run.
pub struct Snapshot {
    /// Relative path → bytes.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
    /// Client → dump.
    pub states: BTreeMap<String, String>,
}

/// Reads `base/out` and `base/state`.
pub fn snapshot(base: &Path) -> io::Result<Snapshot> {
    let mut files = BTreeMap::new();
    walk(&base.join("out"), &base.join("out"), &mut files)?;
    // The batch summaries say which clients were replayed: they differ by design.
    files.retain(|p, _| {
        !p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("batch-summary."))
    });
    let mut states = BTreeMap::new();
    let mut clients: Vec<_> = fs::read_dir(base.join("state"))?
        .collect::<io::Result<Vec<_>>>()?
        .into_iter()
        .map(|e| e.path())
        .collect();
    clients.sort();
    for c in clients {
        let name = c
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        states.insert(name, dump(&c.join("state.sqlite"))?);
    }
    Ok(Snapshot { files, states })
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) -> io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        if e.file_type()?.is_dir() {
            walk(root, &p, out)?;
        } else {
            let rel = p.strip_prefix(root).map_err(|e| err(e.to_string()))?;
            out.insert(rel.to_path_buf(), fs::read(&p)?);
        }
    }
    Ok(())
}

/// `sqlite3 DB .dump`, or the same through rusqlite when sqlite3 is absent.
pub fn dump(db: &Path) -> io::Result<String> {
    if let Ok(out) = Command::new("sqlite3").arg(db).arg(".dump").output()
        && out.status.success()
    {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let conn = rusqlite::Connection::open(db).map_err(|e| err(e.to_string()))?;
    let sql = |e: rusqlite::Error| err(e.to_string());
    let mut text = String::new();
    let mut tables = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .map_err(sql)?;
    let tables: Vec<(String, String)> = tables
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)?;
    for (name, create) in tables {
        let _ = writeln!(text, "{create};");
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{name}\"")))
            .map_err(sql)?;
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut line = String::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    let _ = write!(line, "{v:?}|");
                }
                Ok(line)
            })
            .map_err(sql)?;
        for r in rows {
            let _ = writeln!(text, "{name}: {}", r.map_err(sql)?);
        }
    }
    Ok(text)
}

/// The differences between two snapshots, one line each.
pub fn compare(want: &Snapshot, got: &Snapshot) -> Vec<String> {
    let mut diffs = Vec::new();
    for (p, bytes) in &want.files {
        match got.files.get(p) {
            None => diffs.push(format!("{} missing", p.display())),
            Some(b) if b != bytes => diffs.push(format!("{} differs", p.display())),
            Some(_) => {}
        }
    }
    for p in got.files.keys() {
        if !want.files.contains_key(p) {
            diffs.push(format!("{} extra (a leftover?)", p.display()));
        }
    }
    for (c, d) in &want.states {
        match got.states.get(c) {
            None => diffs.push(format!("state of {c} missing")),
            Some(g) if g != d => diffs.push(format!("state of {c} differs")),
            Some(_) => {}
        }
    }
    for c in got.states.keys() {
        if !want.states.contains_key(c) {
            diffs.push(format!("state of {c} extra"));
        }
    }
    diffs
}
