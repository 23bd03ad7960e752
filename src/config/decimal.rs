//! A decimal setting written as a TOML string (`"15.00"`), integer (`40`) or
//! float (`12.15`). Floats are read through their shortest decimal text, so
//! `12.15` is exactly 12.15, never 12.1499999….

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// An exact decimal from `client.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DecimalSetting(pub Decimal);

impl<'de> Deserialize<'de> for DecimalSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = DecimalSetting;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number such as 15.00 or \"15.00\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Decimal::from_str_exact(v.trim())
            .map(DecimalSetting)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(DecimalSetting(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(DecimalSetting(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::invalid_value(de::Unexpected::Float(v), &self));
        }
        Decimal::from_str(&v.to_string())
            .map(DecimalSetting)
            .map_err(|_| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}
