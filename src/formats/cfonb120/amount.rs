//! The CFONB signed amount codec (cols 91-104 of every record): 14 characters,
//! right-aligned, zero-padded, no decimal point; the last character carries
//! both the last digit and the sign.
//!
//! | char | value | | char | value |
//! |---|---|---|---|---|
//! | `{` | +0 | | `}` | −0 |
//! | `A`…`I` | +1…+9 | | `J`…`R` | −1…−9 |
//!
//! The number of decimals comes from column 20 of the same record. Leading
//! spaces are read as zeros (some emitters space-pad); lower-case sign letters
//! are accepted. Integers only: no floating point anywhere.

use crate::money::Money;

/// Width of the amount field.
pub const WIDTH: usize = 14;

/// The largest magnitude the 14-character field can hold (14 nines).
pub const MAX_UNITS: i64 = 99_999_999_999_999;

/// Why an amount field could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// The field is not 14 characters.
    Width,
    /// A character of the first 13 is not a digit (or a leading space).
    NotDigit,
    /// The last character is not a sign letter.
    Sign,
}

impl AmountError {
    /// What the field should have held, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            AmountError::Width => "14 characters",
            AmountError::NotDigit => "13 digits followed by a sign letter",
            AmountError::Sign => {
                "a sign letter in the last column ('{' or A-I for credit, '}' or J-R for debit)"
            }
        }
    }
}

/// A decoded amount: signed integer units, and whether it was written as a
/// negative zero (`}` with all zeros).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Units {
    /// Signed number of minor units (credit positive).
    pub value: i64,
    /// True for `0000000000000}`.
    pub negative_zero: bool,
}

/// Decodes the 14 bytes of an amount field into signed units.
pub fn decode(field: &[u8]) -> Result<Units, AmountError> {
    let Some((&last, digits)) = field.split_last() else {
        return Err(AmountError::Width);
    };
    if field.len() != WIDTH {
        return Err(AmountError::Width);
    }
    let mut n: i64 = 0;
    let mut seen_digit = false;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                seen_digit = true;
                // 13 digits then one more: at most 14 digits, fits in i64.
                n = n * 10 + i64::from(c - b'0');
            }
            b' ' if !seen_digit => {}
            _ => return Err(AmountError::NotDigit),
        }
    }
    let (digit, negative) = match last {
        b'{' => (0, false),
        b'}' => (0, true),
        b'A'..=b'I' => (last - b'A' + 1, false),
        b'J'..=b'R' => (last - b'J' + 1, true),
        b'a'..=b'i' => (last - b'a' + 1, false),
        b'j'..=b'r' => (last - b'j' + 1, true),
        _ => return Err(AmountError::Sign),
    };
    let magnitude = n * 10 + i64::from(digit);
    Ok(Units {
        value: if negative { -magnitude } else { magnitude },
        negative_zero: negative && magnitude == 0,
    })
}

/// Encodes signed units into the 14-character field. `None` when the
/// magnitude does not fit (more than 14 digits).
pub fn encode(units: i64) -> Option<[u8; WIDTH]> {
    let magnitude = units.checked_abs()?;
    if magnitude > MAX_UNITS {
        return None;
    }
    let mut out = [b'0'; WIDTH];
    let mut rest = magnitude / 10;
    let last = (magnitude % 10) as u8;
    out[WIDTH - 1] = match (units < 0, last) {
        (false, 0) => b'{',
        (true, 0) => b'}',
        (false, d) => b'A' + d - 1,
        (true, d) => b'J' + d - 1,
    };
    for slot in out[..WIDTH - 1].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    Some(out)
}

/// `units × 10^-decimals` as money; `None` past what pointage reads from a
/// file ([`Money::is_input_sized`]: 13 digits before the point, 5 after).
pub fn to_money(units: i64, decimals: u32) -> Option<Money> {
    Money::from_scaled(units, decimals).filter(|m| m.is_input_sized())
}

/// The signed units of `money` written with `decimals` decimals, when exact
/// (no digit lost) and within the field's range.
pub fn units_of(money: Money, decimals: u32) -> Option<i64> {
    let d = money.decimal();
    if d.normalize().scale() > decimals {
        return None;
    }
    let mut scaled = d;
    scaled.rescale(decimals);
    if scaled.scale() != decimals {
        return None;
    }
    let m = scaled.mantissa();
    let units = i64::try_from(m).ok()?;
    (units.checked_abs()? <= MAX_UNITS).then_some(units)
}

/// The number of decimals to write `money` with in a currency whose usual
/// number is `minor`: the usual, or more when the amount needs them.
pub fn decimals_for(money: Money, minor: u32) -> u32 {
    money.significant_decimals().max(minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<i64, AmountError> {
        decode(s.as_bytes()).map(|u| u.value)
    }

    #[test]
    fn the_examples_of_the_norm() {
        assert_eq!(dec("0000000166956E"), Ok(1_669_565));
        assert_eq!(dec("0000000050000}"), Ok(-500_000));
        assert_eq!(dec("0000000002412J"), Ok(-24_121));
        assert_eq!(dec("0000000000000{"), Ok(0));
        assert_eq!(dec("0000000001637K"), Ok(-16_372));
        assert_eq!(dec("0000000000974I"), Ok(9_749));
        assert_eq!(dec("  00000000974i"), Ok(9_749));
    }

    #[test]
    fn negative_zero_is_flagged() {
        let u = decode(b"0000000000000}").unwrap();
        assert_eq!(u.value, 0);
        assert!(u.negative_zero);
    }

    #[test]
    fn bad_fields() {
        assert_eq!(dec("00000000001X7E"), Err(AmountError::NotDigit));
        assert_eq!(dec("0000000 00001E"), Err(AmountError::NotDigit));
        assert_eq!(dec("00000000000017"), Err(AmountError::Sign));
        assert_eq!(dec("0000000000001S"), Err(AmountError::Sign));
        assert_eq!(dec("0001E"), Err(AmountError::Width));
        assert_eq!(dec(""), Err(AmountError::Width));
    }

    #[test]
    fn encode_examples() {
        assert_eq!(&encode(1_669_565).unwrap(), b"0000000166956E");
        assert_eq!(&encode(-500_000).unwrap(), b"0000000050000}");
        assert_eq!(&encode(0).unwrap(), b"0000000000000{");
        assert_eq!(&encode(-MAX_UNITS).unwrap(), b"9999999999999R");
        assert_eq!(encode(MAX_UNITS + 1), None);
        assert_eq!(encode(i64::MIN), None);
    }

    #[test]
    fn units_of_money() {
        let m = Money::from_scaled(-24_121, 2).unwrap();
        assert_eq!(units_of(m, 2), Some(-24_121));
        assert_eq!(units_of(m, 3), Some(-241_210));
        assert_eq!(units_of(m, 1), None);
        assert_eq!(decimals_for(Money::from_scaled(1_234, 3).unwrap(), 2), 3);
        assert_eq!(decimals_for(Money::from_scaled(1_230, 3).unwrap(), 2), 2);
    }

    #[test]
    fn amounts_past_what_a_file_may_hold_are_refused() {
        assert_eq!(to_money(10i64.pow(13), 0), None);
        assert_eq!(to_money(-10i64.pow(13), 0), None);
        assert_eq!(to_money(1_234_567, 6), None);
        assert_eq!(to_money(1_234_560, 6).unwrap().to_plain(), "1.23456");
        assert_eq!(
            to_money(MAX_UNITS, 2).unwrap().to_plain(),
            "999999999999.99"
        );
    }

    proptest::proptest! {
        #[test]
        fn encode_then_decode_is_identity(units in -MAX_UNITS..=MAX_UNITS) {
            let field = encode(units).unwrap();
            proptest::prop_assert_eq!(decode(&field).map(|u| u.value), Ok(units));
        }

        #[test]
        fn money_round_trips_with_0_2_or_3_decimals(
            units in -MAX_UNITS..=MAX_UNITS,
            decimals in proptest::sample::select(vec![0u32, 2, 3]),
        ) {
            // 10^13 and more (14 digits, no decimals) is refused: below.
            proptest::prop_assume!(decimals > 0 || units.abs() < 10i64.pow(13));
            let money = to_money(units, decimals).unwrap();
            let back = units_of(money, decimals).unwrap();
            proptest::prop_assert_eq!(back, units);
            let field = encode(back).unwrap();
            let again = to_money(decode(&field).unwrap().value, decimals).unwrap();
            proptest::prop_assert_eq!(again, money);
        }
    }
}
