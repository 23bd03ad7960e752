//! The `pointage` binary: parse arguments, call the library, map the outcome
//! to a documented exit code (see `cli::exit`).

fn main() -> std::process::ExitCode {
    pointage::cli::main()
}
