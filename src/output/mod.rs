//! Writing output files the way a nightly batch must: never half-written, and
//! safe to open in a spreadsheet.
//!
//! Owns: atomic file replacement ([`atomic`]) and spreadsheet-formula
//! neutralisation of free-text cells ([`cells`]). Knows nothing of what the
//! files contain.

pub mod atomic;
pub mod cells;

pub use atomic::{AtomicFile, write_atomic};
pub use cells::neutralize;
