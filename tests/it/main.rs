//! The one integration-test binary: a module per pipeline stage.

mod camt;
mod cfonb120;
mod cli_parse;
mod client;
mod fuzz_corpus;
mod ledger;
mod matching;
mod nightly;
mod report;
mod support;
