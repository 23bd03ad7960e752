//! pointage: bank reconciliation as a nightly batch.
//!
//! The pipeline, in data-flow order (see `ARCHITECTURE.md`):
//! statement formats ([`formats`]) → statement model ([`statement`]);
//! client inputs ([`client`]: [`ledger`] CSVs and statement files) →
//! matching → alerts → dunning → reports → batch → CLI ([`cli`]).
//! Shared leaf modules: [`money`] (exact amounts), [`refs`] (IBAN, RF).
//!
//! The library never reads the clock: "today" is always an argument.

#![deny(missing_docs)]
// One audited exception: `alloc::tune` calls the allocator's C API.
#![deny(unsafe_code)]

pub mod alerts;
pub mod alloc;
pub mod batch;
pub mod calendar;
pub mod cli;
pub mod client;
pub mod config;
pub mod dunning;
pub mod formats;
pub mod hex;
pub mod ledger;
pub mod matching;
pub mod money;
pub mod nightly;
pub mod output;
pub mod presence;
pub mod refs;
pub mod reports;
pub mod returns;
pub mod state;
pub mod statement;
pub mod synth;
