//! The command line: argument parsing (clap), one function per command, and
//! the mapping of outcomes to exit codes. Errors are printed once, here.
// Every message goes through `elog!`: `eprintln!` panics when stderr cannot
// be written (a closed pipe, a full log disk), turning a night into exit 101.
#![deny(clippy::print_stderr, clippy::print_stdout)]

/// `eprintln!` that never panics: a log line that cannot be written (stderr
/// a closed pipe, a full disk) is dropped, the command goes on and keeps its
/// documented exit code.
macro_rules! elog {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod batch_cmd;
pub mod exit;
mod firm_cmd;
mod future_date;
mod match_cmd;
mod parse_cmd;
mod progress;
mod run_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// pointage — bank reconciliation batch processor.
#[derive(Debug, Parser)]
#[command(name = "pointage", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every transaction of bank statement files (CAMT or CFONB 120),
    /// one row each, CSV by default; findings go to stderr.
    Parse {
        /// Statement files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// JSON lines instead of CSV.
        #[arg(long)]
        json: bool,
    },
    /// Match a client's bank payments to its open invoices and write
    /// OUT_DIR/matches.csv (no state kept).
    Match {
        /// The client folder (invoices.csv, customers.csv, statements/).
        client_dir: PathBuf,
        /// Where to write matches.csv (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Run one client's night: match, alerts, invoice statuses, dunning,
    /// summary; remembered in the client's state.
    Run {
        /// The client folder.
        client_dir: PathBuf,
        /// The night to run, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Where to write the night's files (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// State folder (default: CLIENT_DIR/.pointage).
        #[arg(long)]
        state: Option<PathBuf>,
        /// Run a --date more than one day after today (UTC): refused
        /// otherwise, a typo would record that night's reminders as sent.
        #[arg(long)]
        allow_future_date: bool,
    },
    /// Run every client of a firm (each direct subfolder of ROOT holding an
    /// invoices.csv) as `pointage run` would, in parallel and isolated.
    Batch {
        /// The firm's folder.
        root: PathBuf,
        /// The night to run, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Output root: OUT/<client>/ and OUT/batch-summary.{csv,json}.
        #[arg(long)]
        out: PathBuf,
        /// State root: STATE_ROOT/<client>/ (default: each client's .pointage/).
        #[arg(long)]
        state: Option<PathBuf>,
        /// Clients run at once (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Run only shard K of N (K from 0): clients whose stable hash mod N is K.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Shard count when the shard index comes from a Kubernetes Indexed Job.
        #[arg(long, value_name = "N")]
        shards: Option<u64>,
        /// No progress bars or log lines.
        #[arg(long)]
        quiet: bool,
        /// Run a --date more than one day after today (UTC): refused
        /// otherwise, a typo would record that night's reminders as sent.
        #[arg(long)]
        allow_future_date: bool,
    },
    /// Build the firm-wide files from every client's outputs under OUT
    /// (after `pointage batch`): firm_aged_balance.parquet and .csv,
    /// firm_kpis.csv, firm-report.html.
    Firm {
        /// The batch output root (OUT/<client>/…).
        out: PathBuf,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Parse { files, json } => parse_cmd::run(&files, json),
        Command::Match { client_dir, out } => match_cmd::run(&client_dir, &out),
        Command::Run {
            client_dir,
            date,
            out,
            state,
            allow_future_date,
        } => match future(date, allow_future_date) {
            Some(code) => code,
            None => run_cmd::run(client_dir, date, out, state),
        },
        Command::Batch {
            root,
            date,
            out,
            state,
            jobs,
            shard,
            shards,
            quiet,
            allow_future_date,
        } => match future(date, allow_future_date) {
            Some(code) => code,
            None => batch_cmd::run(batch_cmd::BatchArgs {
                root,
                date,
                out,
                state,
                jobs,
                shard,
                shards,
                quiet,
            }),
        },
        Command::Firm { out } => firm_cmd::run(&out),
    };
    ExitCode::from(code)
}

/// The exit code when `--date` is too far ahead (usage), printed here.
fn future(date: Option<chrono::NaiveDate>, allow: bool) -> Option<u8> {
    let date = date?;
    match future_date::check_now(date, allow) {
        Ok(()) => None,
        Err(e) => {
            elog!("error: {e}");
            Some(exit::USAGE)
        }
    }
}
