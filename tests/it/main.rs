//! The one integration-test binary: a module per pipeline stage.

mod camt;
mod cli_parse;
mod fuzz_corpus;
