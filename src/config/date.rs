//! A date setting written as a TOML date (`2026-12-24`) or a string
//! (`"2026-12-24"`).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, de};

/// Deserializes a list of dates.
pub fn dates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let items = Vec::<Repr>::deserialize(d)?;
    items
        .into_iter()
        .map(|r| {
            let text = match r {
                Repr::Toml(dt) => dt.to_string(),
                Repr::Text(s) => s,
            };
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| de::Error::custom(format!("{text:?} is not a date (YYYY-MM-DD)")))
        })
        .collect()
}
