//! The one integration-test binary: a module per pipeline stage.

mod alerts_nights;
mod batch;
mod camt;
mod cfonb120;
mod cli_parse;
mod client;
mod crash;
mod decisions;
mod decisions_nights;
mod determinism;
mod dunning;
mod erp_lag;
mod fuzz_corpus;
mod hostile;
mod identity;
mod ledger;
mod logs;
mod malformed;
mod matching;
mod nightly;
mod notifications;
mod report;
mod returns;
mod sandbox;
mod support;
