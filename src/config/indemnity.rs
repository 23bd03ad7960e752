//! The fixed recovery indemnity by currency (review 31 F12). French law
//! (Code de commerce D441-5) sets it at 40 EUR whatever the invoice's
//! currency: `recovery_indemnity` is charged on EUR invoices, and an
//! invoice in another currency is charged only what
//! `recovery_indemnity_by_currency` sets for it, in that currency — never
//! 40 JPY or 40 USD for 40 EUR.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{DecimalSetting, DunningConfig};

impl DunningConfig {
    /// The fixed recovery indemnity of an invoice in `currency`:
    /// `recovery_indemnity` for EUR, the amount set for another currency,
    /// none for a currency not listed.
    pub fn indemnity_for(&self, currency: &str) -> Decimal {
        if currency == "EUR" {
            return self.recovery_indemnity.0;
        }
        self.recovery_indemnity_by_currency
            .get(currency)
            .map_or(Decimal::ZERO, |d| d.0)
    }
}

/// Checks `recovery_indemnity_by_currency`: upper-case ISO 4217 codes other
/// than EUR (set by `recovery_indemnity`), amounts not negative.
pub(super) fn check(map: &BTreeMap<String, DecimalSetting>) -> Result<(), String> {
    for (code, amount) in map {
        if code == "EUR" {
            return Err("EUR is set by recovery_indemnity".into());
        }
        let known =
            crate::money::Currency::parse(code).is_some_and(|c| c.is_known() && c.as_str() == code);
        if !known {
            return Err(format!("{code:?} is not an ISO 4217 currency code"));
        }
        if amount.0.is_sign_negative() {
            return Err(format!("{code}: must not be negative"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{ClientConfig, ConfigError};

    fn parse(s: &str) -> Result<ClientConfig, ConfigError> {
        ClientConfig::parse(s, Path::new("client.toml"))
    }

    #[test]
    fn an_indemnity_for_another_currency_is_checked() {
        let c = parse("[dunning]\nrecovery_indemnity_by_currency = { USD = \"45\" }\n").unwrap();
        assert_eq!(c.dunning.indemnity_for("USD").to_string(), "45");
        assert_eq!(c.dunning.indemnity_for("EUR").to_string(), "40.00");
        assert_eq!(c.dunning.indemnity_for("JPY").to_string(), "0");
        for (bad, why) in [
            ("EUR = 40", "EUR is set by recovery_indemnity"),
            ("usd = 40", "not an ISO 4217"),
            ("XYZ = 40", "not an ISO 4217"),
            ("USD = -1", "must not be negative"),
        ] {
            let e = parse(&format!(
                "[dunning]\nrecovery_indemnity_by_currency = {{ {bad} }}\n"
            ))
            .unwrap_err();
            assert!(e.message.contains(why), "{bad}: {e}");
        }
    }
}
