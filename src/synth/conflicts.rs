//! A synthetic firm made to tempt the matcher, for the determinism checks:
//! each client is a [`super::client`] folder (the same invoice quoted by two
//! payments, grouped payments, short numbers several invoices end with,
//! identical amounts) in which every other customer also bears the name of
//! the one before it, so payments by name alone meet two candidates and
//! become suggestions. Deterministic from the seed.

use std::io;
use std::path::Path;

use super::client::{generate, write_folder};

/// The night to run it on: after every statement.
pub const RUN_DATE: &str = "2026-02-01";

/// Writes `clients` folders (`conflicts-0001`…) under `root`, client `k`
/// from `seed + k`, each with `transactions` bank lines and about
/// `invoices` open items.
pub fn write_conflict_firm(
    root: &Path,
    clients: usize,
    transactions: usize,
    invoices: usize,
    seed: u64,
) -> io::Result<()> {
    for k in 0..clients {
        let mut c = generate(seed.wrapping_add(k as u64), transactions, invoices);
        let ids: Vec<String> = c.customers.keys().cloned().collect();
        for pair in ids.chunks(2) {
            let [first, second] = pair else { continue };
            let Some(name) = c.customers.get(first).map(|x| x.name.clone()) else {
                continue;
            };
            if let Some(s) = c.customers.get_mut(second) {
                s.name = name.clone();
            }
            for i in c.invoices.iter_mut().filter(|i| &i.customer_id == second) {
                i.customer_name = name.clone();
            }
        }
        write_folder(&root.join(format!("conflicts-{:04}", k + 1)), &c)?;
    }
    Ok(())
}
