//! Exit codes, for schedulers. Documented in README ("Exit codes").

/// Everything done.
pub const OK: u8 = 0;
/// Some clients (or files) failed; the rest were done.
pub const PARTIAL: u8 = 1;
/// Usage or configuration error: nothing was run.
pub const USAGE: u8 = 2;
/// An input file is malformed (single-client commands).
pub const BAD_INPUT: u8 = 3;
/// Writing outputs or state failed (disk full, read-only…); nothing half-written.
pub const OUTPUT: u8 = 4;
/// The client is locked by another run.
pub const LOCKED: u8 = 5;
/// The run was refused by the state (e.g. a date before the last committed night).
pub const REFUSED: u8 = 6;
/// The night was committed but its outputs are incomplete (run that night
/// again), or a later night was refused because an earlier committed
/// night's outputs are still incomplete.
pub const COMMITTED_INCOMPLETE: u8 = 7;
