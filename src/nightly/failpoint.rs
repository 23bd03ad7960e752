//! Named fault points for the crash-safety tests: with the `failpoints`
//! feature, `POINTAGE_FAILPOINT=<name>` makes the process exit abruptly (as a
//! crash would, without unwinding or cleanup) when it reaches that point.
//! `POINTAGE_FAILPOINT_PAUSE=<name>` instead makes it stop there for good
//! (printing `failpoint <name>: paused` on stderr), holding whatever it holds
//! — the client's lock — until it is killed: the two-runs-at-once test.
//! Without the feature every call compiles to nothing.
//!
//! Points: `after_parse`, `before_commit`, `after_commit`, `mid_rename`,
//! `before_summary`. [`fails`] instead makes one call report an error:
//! `commit_reports_error` (the night's commit reaches its commit point, then
//! reports an I/O error, as a failed sync after the journal's truncation does).

/// Exit code of a process stopped at a fault point.
pub const FAILPOINT_EXIT: i32 = 86;

/// Stops the process here when `POINTAGE_FAILPOINT` names this point.
#[inline]
pub fn hit(name: &str) {
    #[cfg(feature = "failpoints")]
    if std::env::var("POINTAGE_FAILPOINT").is_ok_and(|v| v == name) {
        // Never `eprintln!`: it panics when stderr is closed.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("failpoint {name}: stopping\n").as_bytes(),
        );
        std::process::exit(FAILPOINT_EXIT);
    }
    #[cfg(feature = "failpoints")]
    if std::env::var("POINTAGE_FAILPOINT_PAUSE").is_ok_and(|v| v == name) {
        // Never `eprintln!`: it panics when stderr is closed.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("failpoint {name}: paused\n").as_bytes(),
        );
        loop {
            std::thread::park();
        }
    }
    #[cfg(not(feature = "failpoints"))]
    let _ = name;
}

/// True when `POINTAGE_FAILPOINT` names this point: the caller then reports
/// the error the point stands for, and goes on as it would after one.
#[inline]
pub fn fails(name: &str) -> bool {
    #[cfg(feature = "failpoints")]
    return std::env::var("POINTAGE_FAILPOINT").is_ok_and(|v| v == name);
    #[cfg(not(feature = "failpoints"))]
    {
        let _ = name;
        false
    }
}
