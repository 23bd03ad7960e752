//! The accounting firm's nightly batch: many clients, each run exactly as
//! `pointage run` would, isolated (one client's failure never stops or leaks
//! into another), in parallel, in a stable order, and shardable across
//! machines by an existing job engine.
//!
//! Owns: client discovery ([`discover`]), sharding ([`shard`]), running the
//! clients in parallel and isolated ([`run`]), the batch summary
//! ([`summary`]) and which summary is newest ([`generation`]). Progress display and logs belong to the CLI.

pub mod discover;
pub mod generation;
pub mod run;
pub mod shard;
pub mod summary;
