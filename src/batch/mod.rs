//! The accounting firm's nightly batch: many clients, each run exactly as
//! `pointage run` would, isolated (one client's failure never stops or leaks
//! into another), in parallel, in a stable order, and shardable across
//! machines by an existing job engine.
//!
//! Owns: client discovery ([`discover`]), sharding ([`shard`]). The per-client
//! run, the summary files and progress reporting are added with the nightly
//! run.

pub mod discover;
pub mod shard;
