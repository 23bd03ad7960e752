//! Fuzz target: arbitrary bytes as invoices.csv and customers.csv. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = std::path::Path::new("fuzz");
    let _ = pointage::ledger::read_invoices(data, p);
    let _ = pointage::ledger::read_customers(data, p);
});
