//! The `pointage` binary: parse arguments, call the library, map the outcome
//! to a documented exit code (see `cli::exit`).

/// mimalloc rather than glibc malloc: parsing and matching allocate millions
/// of small strings (see `Cargo.toml` and BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    pointage::alloc::tune();
    pointage::cli::main()
}
