//! Counterparty IBAN checks, remembered while one file is read.
//!
//! A company's payers come back month after month, so a statement names the
//! same few hundred IBANs over and over, and each check (`iban_validate`:
//! country rules and the mod-97 sum) costs a few thousand instructions. The
//! answer depends on the IBAN alone, so it is kept, for at most
//! [`IbanChecks::CAPACITY`] distinct IBANs (then forgotten all at once), so
//! that memory stays bounded whatever the file. Lookups only: no map order
//! reaches any output.

use std::collections::HashMap;

/// Remembered answers of [`crate::refs::is_valid_iban`].
#[derive(Debug)]
pub(crate) struct IbanChecks {
    known: HashMap<Box<str>, bool>,
}

impl Default for IbanChecks {
    /// Sized for the few hundred payers of a file, so the table does not
    /// grow (and hash every IBAN again) while the first ones are read.
    fn default() -> Self {
        IbanChecks {
            known: HashMap::with_capacity(256),
        }
    }
}

impl IbanChecks {
    /// Most IBANs remembered at once.
    pub(crate) const CAPACITY: usize = 4096;

    /// [`crate::refs::is_valid_iban`] of `iban`.
    pub(crate) fn is_valid(&mut self, iban: &str) -> bool {
        if let Some(&valid) = self.known.get(iban) {
            return valid;
        }
        let valid = crate::refs::is_valid_iban(iban);
        if self.known.len() >= Self::CAPACITY {
            self.known.clear();
        }
        self.known.insert(iban.into(), valid);
        valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_answers_as_the_check_itself() {
        let mut checks = IbanChecks::default();
        for iban in [
            "FR7630001007941234567890185",
            "FR7630001007941234567890186",
            "FR7630001007941234567890185",
            "DE89370400440532013000",
            "XX00",
            "",
        ] {
            assert_eq!(
                checks.is_valid(iban),
                crate::refs::is_valid_iban(iban),
                "{iban}"
            );
        }
    }

    #[test]
    fn memory_stays_bounded() {
        let mut checks = IbanChecks::default();
        for i in 0..(IbanChecks::CAPACITY * 2 + 10) {
            checks.is_valid(&format!("FR76{i:023}"));
        }
        assert!(checks.known.len() <= IbanChecks::CAPACITY);
    }
}
