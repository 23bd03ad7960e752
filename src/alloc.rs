//! The process allocator's one setting.
//!
//! The binary, the benches and the measuring examples use mimalloc as their
//! global allocator (`src/main.rs`). By default mimalloc gives freed pages
//! back to the kernel 10 ms after they fall empty; a nightly run frees a
//! client's statements and ledger and allocates the next client's at once, so
//! the same pages were returned and faulted back in, over and over (a fifth
//! of a large CFONB parse, BENCHMARKS.md). [`tune`] keeps them: the peak
//! memory is unchanged, only its return to the kernel is put off to the
//! process's exit.

/// mimalloc's `mi_option_purge_delay` (mimalloc.h, v2 and v3 alike: the 16th
/// option), which the Rust bindings do not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Never give freed pages back to the kernel before the process ends.
///
/// Call once, first thing in `main`, in programs whose global allocator is
/// `mimalloc::MiMalloc`; harmless otherwise (it only sets an option of a
/// mimalloc that then stays unused). An explicit `MIMALLOC_PURGE_DELAY` in
/// the environment is left to win, for experiments.
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` only stores a value in mimalloc's option
    // table (an atomic store); any option number and value are accepted.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
    }
}
