//! The one integration-test binary: a module per pipeline stage.

mod cli_parse;
mod fuzz_corpus;
mod matching;
