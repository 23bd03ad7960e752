//! Customer ids the ERP renamed (the same customer under a new id: same
//! name, the old id gone that night; `nightly::identity` records them): a
//! `promises.csv` line naming the old id is about the customer under its
//! new id, as the invoices' history is. Not while the old id is in
//! tonight's `customers.csv` or export again: the line is then about that
//! customer.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use crate::ledger::Ledger;

/// The renames state remembers, and the customer ids there tonight.
#[derive(Debug, Default)]
pub(super) struct Renamed {
    to: BTreeMap<String, String>,
    live: BTreeSet<String>,
}

impl Renamed {
    /// The renames recorded so far (tonight's included), with tonight's
    /// customer ids.
    pub(super) fn load(conn: &Connection, ledger: &Ledger) -> rusqlite::Result<Self> {
        let to = crate::state::moves::renames(conn)?;
        if to.is_empty() {
            return Ok(Self::default());
        }
        let live = ledger
            .customers
            .keys()
            .cloned()
            .chain(ledger.invoices.iter().map(|i| i.customer_id.clone()))
            .collect();
        Ok(Self { to, live })
    }

    /// The id a line naming `line_customer` is about tonight, when the ERP
    /// renamed it (and it is not there tonight): the last one it was renamed
    /// to, following renames of renames.
    pub(super) fn current(&self, line_customer: &str) -> Option<&str> {
        if self.live.contains(line_customer) {
            return None;
        }
        let mut cur = self.to.get(line_customer)?.as_str();
        // Bounded: a rename back and forth is not followed for ever.
        for _ in 0..self.to.len() {
            match self.to.get(cur) {
                Some(next) if !self.live.contains(cur) && next != line_customer => {
                    cur = next.as_str();
                }
                _ => break,
            }
        }
        Some(cur)
    }

    /// Whether a line naming `line_customer` is about `customer`: the same
    /// id, or renamed to it.
    pub(super) fn same(&self, line_customer: &str, customer: &str) -> bool {
        line_customer == customer || self.current(line_customer) == Some(customer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed(pairs: &[(&str, &str)], live: &[&str]) -> Renamed {
        Renamed {
            to: pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            live: live.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_line_follows_renames_unless_its_id_is_there_tonight() {
        let r = renamed(&[("C1", "K1"), ("K1", "CL-1")], &["CL-1"]);
        assert!(r.same("C1", "CL-1"));
        assert!(r.same("K1", "CL-1"));
        assert!(!r.same("C1", "K1"));
        assert_eq!(r.current("C9"), None);
        // C1 back in tonight's files: the line is about that C1.
        let r = renamed(&[("C1", "K1")], &["C1", "K1"]);
        assert!(!r.same("C1", "K1"));
        // Renamed back and forth: followed once round, not for ever.
        let r = renamed(&[("C1", "K1"), ("K1", "C1")], &["K1"]);
        assert_eq!(r.current("C1"), Some("K1"));
    }
}
