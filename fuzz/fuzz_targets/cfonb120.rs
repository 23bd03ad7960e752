//! Fuzz target: arbitrary bytes through the cfonb120 parser. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pointage::formats::cfonb120::parse(data, std::path::Path::new("fuzz"));
});
