//! Exact money: a signed amount ([`Money`]) and its currency ([`Currency`]).
//!
//! Amounts are `rust_decimal::Decimal` behind a newtype, signed from the account
//! holder's side (a credit is positive). Every arithmetic operation that could
//! overflow is checked and returns `None` instead of panicking, because
//! `Decimal`'s operators panic on overflow and on division by zero.
//! No floating point is used anywhere on a money path.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Most digits before the point an amount read from a file may have
/// ([`Money::is_input_sized`]).
pub const MAX_INPUT_INTEGER_DIGITS: u32 = 13;

/// Most decimals (trailing zeros not counted) an amount read from a file may
/// have ([`Money::is_input_sized`]).
pub const MAX_INPUT_DECIMALS: u32 = 5;

/// A signed amount of money. Credit positive, debit negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps a decimal. Negative zero is normalised to zero.
    pub fn new(d: Decimal) -> Money {
        let mut d = d;
        if d.is_zero() {
            d.set_sign_positive(true);
        }
        Money(d)
    }

    /// Builds `units × 10^-scale` (e.g. `(166956, 2)` is 1669.56).
    /// Returns `None` if the scale is beyond what `Decimal` can hold.
    pub fn from_scaled(units: i64, scale: u32) -> Option<Money> {
        Decimal::try_from_i128_with_scale(i128::from(units), scale)
            .ok()
            .map(Money::new)
    }

    /// The decimal value.
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// True for amounts above zero (credits).
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// True for amounts below zero (debits).
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    /// Absolute value.
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// Checked addition.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money::new)
    }

    /// Checked subtraction.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money::new)
    }

    /// Checked multiplication by a plain factor (rates, percentages).
    pub fn checked_mul(self, factor: Decimal) -> Option<Money> {
        self.0.checked_mul(factor).map(Money::new)
    }

    /// Sum of an iterator, `None` on overflow.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(iter: I) -> Option<Money> {
        iter.into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// Rounds half away from zero ("half-up" as accountants say) to `dp` places.
    pub fn round_half_up(self, dp: u32) -> Money {
        Money::new(
            self.0
                .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// True for an amount a file may hold: at most 5 decimals (trailing
    /// zeros not counted) and at most 13 digits before the point, so 18
    /// digits in all once written with 5 decimals — within ISO 20022's
    /// amount type (`ActiveOrHistoricCurrencyAndAmount`: 18 digits, 5
    /// after the point) and CFONB's 14-digit field with 2 decimals.
    ///
    /// Every amount read from a file (statements, the ERP's and people's
    /// CSV files) is held to it. Such amounts are whole multiples of 10^-5
    /// below 10^13, so any sum of up to 10^10 of them is exact in
    /// `Decimal`'s 96-bit mantissa (below 10^28, under its 7.9 × 10^28): no
    /// night's total can overflow, or be rounded, however many entries it adds.
    pub fn is_input_sized(self) -> bool {
        // On the mantissa m and scale s (the value is m / 10^s), without
        // `normalize` and a `Decimal` compare (every amount read is checked):
        // below 10^13 is m < 10^(13 + s), always so from s = 16 on (m < 2^96
        // < 10^29); at most 5 significant decimals is 10^(s - 5) dividing m.
        let m = self.0.mantissa().unsigned_abs();
        let s = self.0.scale();
        let below =
            MAX_INPUT_INTEGER_DIGITS + s >= 29 || m < 10u128.pow(MAX_INPUT_INTEGER_DIGITS + s);
        let decimals =
            s <= MAX_INPUT_DECIMALS || m.is_multiple_of(10u128.pow(s - MAX_INPUT_DECIMALS));
        below && decimals
    }

    /// Number of decimal places actually significant (trailing zeros ignored).
    pub fn significant_decimals(self) -> u32 {
        // `normalize().scale()` without building the normalized value: the
        // scale less the mantissa's trailing zeros (0 for zero).
        let mut m = self.0.mantissa().unsigned_abs();
        let mut s = self.0.scale();
        while s > 0 && m.is_multiple_of(10) {
            m /= 10;
            s -= 1;
        }
        s
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Money) -> Money {
        if self <= other { self } else { other }
    }

    /// The larger of two amounts.
    pub fn max(self, other: Money) -> Money {
        if self >= other { self } else { other }
    }

    /// Plain text with at least two decimals and a dot (`-12.50`, `1234.567`):
    /// the form written to every CSV output.
    pub fn to_plain(self) -> String {
        let mut d = self.0.normalize();
        if d.scale() < 2 {
            d.rescale(2);
        }
        // Fast path for every amount a ledger holds (a non-zero mantissa
        // within u64): the digits once, the point placed by the scale.
        // Written on every CSV row and SQL parameter; `Decimal`'s own
        // formatting divides a 96-bit integer digit by digit.
        let scale = d.scale() as usize;
        match u64::try_from(d.mantissa().unsigned_abs()) {
            Ok(abs) if abs != 0 => {
                let digits = abs.to_string();
                let mut out = String::with_capacity(digits.len() + scale + 3);
                if d.is_sign_negative() {
                    out.push('-');
                }
                if digits.len() <= scale {
                    out.push_str("0.");
                    out.extend(std::iter::repeat_n('0', scale - digits.len()));
                    out.push_str(&digits);
                } else {
                    let (int, frac) = digits.split_at(digits.len() - scale);
                    out.push_str(int);
                    out.push('.');
                    out.push_str(frac);
                }
                out
            }
            _ => d.to_string(),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain())
    }
}

impl std::ops::Neg for Money {
    type Output = Money;

    /// Negation never overflows: `Decimal` is sign-magnitude.
    fn neg(self) -> Money {
        Money::new(-self.0)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_plain())
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a currency code")))
    }
}

/// Error parsing a decimal amount written as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a decimal amount")]
pub struct AmountParseError {
    /// The offending text.
    pub text: String,
}

impl FromStr for Money {
    type Err = AmountParseError;

    /// Parses `1234.56`, `-0.5`, `+12`, and also `1 234,56` (decimal comma,
    /// spaces or non-breaking spaces as thousands separators). Rejects
    /// exponents, several separators, and anything `Decimal` cannot hold.
    /// (State and outputs read back through it; files' readers also hold
    /// amounts to [`Money::is_input_sized`].)
    fn from_str(s: &str) -> Result<Money, AmountParseError> {
        parse_amount(s).ok_or_else(|| AmountParseError {
            text: s.to_string(),
        })
    }
}

fn parse_amount(s: &str) -> Option<Money> {
    let t = s.trim();
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    let mut seen_sep = false;
    let mut seen_digit = false;
    for (i, c) in t.char_indices() {
        match c {
            '0'..='9' => {
                seen_digit = true;
                out.push(c);
            }
            '+' | '-' if i == 0 => out.push(c),
            '.' | ',' if !seen_sep => {
                seen_sep = true;
                out.push('.');
            }
            ' ' | '\u{a0}' | '\u{202f}' | '\'' if seen_digit && !seen_sep => {}
            _ => return None,
        }
    }
    if !seen_digit {
        return None;
    }
    Decimal::from_str_exact(&out).ok().map(Money::new)
}

/// An ISO 4217 alphabetic currency code (three upper-case ASCII letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The euro, the default wherever a format leaves the currency blank.
    pub const EUR: Currency = Currency(*b"EUR");

    /// Parses three ASCII letters (case-insensitive). Does not require the code
    /// to be a known ISO 4217 code: see [`Currency::is_known`].
    pub fn parse(s: &str) -> Option<Currency> {
        let b = s.trim().as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic) {
            Some(Currency([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The constructor only admits ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// True for an active ISO 4217 code.
    pub fn is_known(&self) -> bool {
        KNOWN_CURRENCIES
            .binary_search_by(|c| c.as_bytes().cmp(&self.0[..]))
            .is_ok()
    }

    /// The currency's usual number of decimals (minor units): 2 unless listed.
    pub fn minor_units(&self) -> u32 {
        // On the bytes, not `as_str`: called for every amount read, and a
        // three-byte compare needs no UTF-8 check or length test.
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG"
            | b"RWF" | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Active ISO 4217 codes, sorted (binary-searched).
const KNOWN_CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_forms_french_exports_use() {
        assert_eq!(m("1234.56").to_plain(), "1234.56");
        assert_eq!(m("1 234,56").to_plain(), "1234.56");
        assert_eq!(m("1\u{a0}234,5").to_plain(), "1234.50");
        assert_eq!(m("-12.5").to_plain(), "-12.50");
        assert_eq!(m("+7").to_plain(), "7.00");
        assert_eq!(m("0.125").to_plain(), "0.125");
    }

    proptest::proptest! {
        /// The fast formatting writes exactly what `Decimal`'s own does.
        #[test]
        fn plain_text_is_decimals_own(m in proptest::num::i64::ANY, scale in 0u32..=12) {
            let d = Decimal::new(m, scale);
            let mut reference = d.normalize();
            if reference.scale() < 2 {
                reference.rescale(2);
            }
            proptest::prop_assert_eq!(Money::new(d).to_plain(), reference.to_string());
        }

        /// Also with trailing zeros (`12.00`, `1.2000`, `-0.000`) and
        /// mantissas beyond 64 bits.
        #[test]
        fn plain_text_is_decimals_own_with_zeros_and_wide_mantissas(
            m in -10_000_000i64..10_000_000,
            zeros in 0u32..6,
            wide in proptest::num::i128::ANY,
            scale in 0u32..=8,
        ) {
            let reference = |d: Decimal| {
                let mut r = d.normalize();
                if r.scale() < 2 {
                    r.rescale(2);
                }
                r.to_string()
            };
            let d = Decimal::new(m * 10i64.pow(zeros), scale);
            proptest::prop_assert_eq!(Money::new(d).to_plain(), reference(d));
            let d = Decimal::from_i128_with_scale(wide % (1i128 << 96), scale);
            proptest::prop_assert_eq!(Money::new(d).to_plain(), reference(d));
        }
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for bad in ["", "abc", "1e5", "1.2.3", "1,2,3", "--1", "12-", "١٢", "."] {
            assert!(bad.parse::<Money>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn what_a_file_may_hold() {
        assert!(m("9999999999999.99999").is_input_sized());
        assert!(m("-9999999999999.99999").is_input_sized());
        assert!(m("-1234.567800000").is_input_sized());
        for too_big in [
            "10000000000000",
            "-10000000000000",
            "79228162514264337593543950335",
            "0.000001",
            "1234567890123.456789",
        ] {
            assert!(!m(too_big).is_input_sized(), "{too_big:?} accepted");
        }
    }

    proptest::proptest! {
        /// Ten billion of the largest amounts a file may hold, of either
        /// sign and any scale the limit allows, add up exactly.
        #[test]
        fn sums_of_input_sized_amounts_are_exact(
            units in -(10i64.pow(18) - 1)..10i64.pow(18),
            tiny in -99_999i64..=99_999,
        ) {
            let a = Money::from_scaled(units, MAX_INPUT_DECIMALS).unwrap();
            let b = Money::from_scaled(tiny, MAX_INPUT_DECIMALS).unwrap();
            proptest::prop_assert!(a.is_input_sized() && b.is_input_sized());
            let many = a.checked_mul(Decimal::from(10_000_000_000i64)).unwrap();
            let sum = many.checked_add(b).unwrap();
            proptest::prop_assert_eq!(sum.checked_sub(b).unwrap(), many);
            proptest::prop_assert_eq!(sum.checked_sub(many).unwrap(), b);
        }
    }

    proptest::proptest! {
        /// The mantissa arithmetic says what `normalize` says, at every scale.
        #[test]
        fn size_checks_are_normalize_s(
            wide in proptest::num::i128::ANY,
            small in -10i64.pow(15)..10i64.pow(15),
            zeros in 0u32..8,
            scale in 0u32..=28,
        ) {
            let tens = 10i128.pow(zeros);
            for mantissa in [wide % (1i128 << 96), i128::from(small) * tens, 0] {
                let d = Decimal::from_i128_with_scale(mantissa, scale);
                let n = d.normalize();
                let sized = n.scale() <= MAX_INPUT_DECIMALS
                    && n.abs() < Decimal::from(10i64.pow(MAX_INPUT_INTEGER_DIGITS));
                proptest::prop_assert_eq!(Money::new(d).is_input_sized(), sized, "{}", d);
                proptest::prop_assert_eq!(Money::new(d).significant_decimals(), n.scale(), "{}", d);
            }
        }
    }

    #[test]
    fn negative_zero_is_zero() {
        assert_eq!(m("-0.00"), Money::ZERO);
        assert_eq!(m("-0.00").to_plain(), "0.00");
    }

    #[test]
    fn overflow_is_none_not_a_panic() {
        let big = Money::new(Decimal::MAX);
        assert_eq!(big.checked_add(big), None);
        assert_eq!(Money::checked_sum([big, big]), None);
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(m("2.345").round_half_up(2).to_plain(), "2.35");
        assert_eq!(m("-2.345").round_half_up(2).to_plain(), "-2.35");
        assert_eq!(m("2.344").round_half_up(2).to_plain(), "2.34");
    }

    #[test]
    fn currencies() {
        assert!(KNOWN_CURRENCIES.windows(2).all(|w| w[0] < w[1]));
        assert!(Currency::parse("eur").unwrap().is_known());
        assert!(!Currency::parse("XYZ").unwrap().is_known());
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert!(Currency::parse("EU").is_none());
    }
}
