//! The nightly run for one client (`pointage run`): parse tonight's
//! statements, import them into state, match, raise alerts, plan tomorrow's
//! dunning, commit the night in one SQLite transaction, then write the outputs
//! from what was committed.
//!
//! Owns: the order of the night and its crash-safety ([`outputs`],
//! [`failpoint`]). Decides nothing itself: matching, alerts and dunning do.

pub mod effective;
pub mod failpoint;
pub mod outputs;
