//! Field extraction from one 120-character record: the common header
//! (cols 1-40), dates, currency, number of decimals and the signed amount, each
//! failing with a [`ParseError`] that names line, columns and field.
//!
//! Reserved zones are never read, so whatever a bank leaves there (spaces,
//! zeros, text, dates) cannot make a file fail.

use std::path::Path;

use chrono::NaiveDate;

use super::amount;
use super::lines::Line;
use crate::formats::ParseError;
use crate::money::{Currency, Money};

/// The record types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 01: old balance.
    Open,
    /// 04: movement.
    Movement,
    /// 05: movement complement.
    Complement,
    /// 07: new balance.
    Close,
}

/// The record code of cols 1-2.
pub fn code(line: &Line<'_>, file: &Path) -> Result<Code, ParseError> {
    match line.col(1, 2) {
        "01" => Ok(Code::Open),
        "04" => Ok(Code::Movement),
        "05" => Ok(Code::Complement),
        "07" => Ok(Code::Close),
        other => Err(ParseError::invalid(
            file,
            line.at(1, 2),
            "record code (cols 1-2)",
            "01 (old balance), 04 (movement), 05 (complement) or 07 (new balance)",
            other,
        )),
    }
}

/// The account fields of cols 3-32 as written (bank, branch, account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFields<'l> {
    /// Code banque, cols 3-7.
    pub bank: &'l str,
    /// Code guichet, cols 12-16.
    pub branch: &'l str,
    /// Numéro de compte, cols 22-32.
    pub account: &'l str,
}

impl<'l> AccountFields<'l> {
    /// Reads cols 3-7, 12-16 and 22-32.
    pub fn of(line: &'l Line<'_>) -> AccountFields<'l> {
        AccountFields {
            bank: line.col(3, 7),
            branch: line.col(12, 16),
            account: line.col(22, 32),
        }
    }

    /// `bank-branch-account`, trimmed.
    pub fn display(&self) -> String {
        format!(
            "{}-{}-{}",
            self.bank.trim(),
            self.branch.trim(),
            self.account.trim()
        )
    }
}

/// What a blank currency (cols 17-19) or number of decimals (col 20) means:
/// for a 01, EUR and the currency's usual number (banks such as LCL leave
/// them blank); for a 04 or a 07, its block's 01, whose currency and
/// decimals they repeat (a 04 of a USD block is never relabelled EUR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blank {
    /// The currency a blank cols 17-19 means.
    pub currency: Currency,
    /// The number of decimals a blank col 20 means when the record's
    /// currency is `currency` (another currency's is its usual number).
    pub decimals: u32,
}

impl Blank {
    /// A 01's: EUR with 2 decimals.
    pub const OPENING: Blank = Blank {
        currency: Currency::EUR,
        decimals: 2,
    };
}

/// Currency of cols 17-19; blank means `blank.currency`. The flag is false
/// for a code that is three letters but not an active ISO 4217 code.
pub fn currency(
    line: &Line<'_>,
    blank: Blank,
    file: &Path,
) -> Result<(Currency, bool), ParseError> {
    let raw = line.col(17, 19);
    if raw == "EUR" {
        return Ok((Currency::EUR, true));
    }
    if raw.trim().is_empty() {
        return Ok((blank.currency, blank.currency.is_known()));
    }
    match Currency::parse(raw) {
        Some(c) => Ok((c, c.is_known())),
        None => Err(ParseError::invalid(
            file,
            line.at(17, 19),
            "currency (cols 17-19)",
            "an ISO 4217 currency code (3 letters) or blank for its 01's (EUR on a 01)",
            raw,
        )),
    }
}

/// Number of decimals of the amount (col 20); blank means `blank.decimals`
/// for an amount in `blank.currency`, else the currency's usual.
pub fn decimals(
    line: &Line<'_>,
    currency: Currency,
    blank: Blank,
    file: &Path,
) -> Result<u32, ParseError> {
    match line.col(20, 20).as_bytes() {
        [d @ b'0'..=b'9'] => Ok(u32::from(d - b'0')),
        [b' '] if currency == blank.currency => Ok(blank.decimals),
        [b' '] => Ok(currency.minor_units()),
        _ => Err(ParseError::invalid(
            file,
            line.at(20, 20),
            "number of decimals (col 20)",
            "a digit (0, 2, 3…) or blank for its 01's (the currency's usual on a 01)",
            line.col(20, 20),
        )),
    }
}

/// A DDMMYY date (century 20YY) in cols `first..=last`; `000000` or blank is
/// absent. `field` names it in errors.
pub fn date(
    line: &Line<'_>,
    first: usize,
    last: usize,
    field: &str,
    file: &Path,
) -> Result<Option<NaiveDate>, ParseError> {
    let raw = line.col(first, last);
    let b = raw.as_bytes();
    if b == b"000000" || b.iter().all(|&c| c == b' ') {
        return Ok(None);
    }
    let bad = || {
        ParseError::invalid(
            file,
            line.at(first, last),
            format!("{field} (cols {first}-{last})"),
            "a date DDMMYY, 000000 or blank",
            raw,
        )
    };
    let [d1, d2, m1, m2, y1, y2] = b else {
        return Err(bad());
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
    let (Some(day), Some(month), Some(year)) = (two(*d1, *d2), two(*m1, *m2), two(*y1, *y2)) else {
        return Err(bad());
    };
    NaiveDate::from_ymd_opt(2000 + year as i32, month, day)
        .map(Some)
        .ok_or_else(bad)
}

/// The signed amount of cols 91-104 with `decimals` decimals; the flag is
/// true for a negative zero.
pub fn amount(line: &Line<'_>, decimals: u32, file: &Path) -> Result<(Money, bool), ParseError> {
    let raw = line.col(91, 104);
    let fail = |e: amount::AmountError| {
        let (first, last) = match e {
            amount::AmountError::Sign => (104, 104),
            _ => (91, 104),
        };
        ParseError::invalid(
            file,
            line.at(first, last),
            "amount (cols 91-104)",
            e.expected(),
            raw,
        )
    };
    let units = amount::decode(raw.as_bytes()).map_err(fail)?;
    // Past the limit: the amount field is named, with the value it reads
    // as under col 20's number of decimals.
    let money = amount::to_money(units.value, decimals).ok_or_else(|| {
        let read = Money::from_scaled(units.value, decimals)
            .map_or_else(|| raw.to_string(), |m| m.to_plain());
        ParseError::invalid(
            file,
            line.at(91, 104),
            "amount (cols 91-104)",
            format!(
                "an amount below 10^13 with at most 5 decimals (read with the {decimals} decimals of col 20)"
            ),
            &read,
        )
    })?;
    Ok((money, units.negative_zero))
}

/// Trimmed text of cols `first..=last`, `None` when blank.
pub fn text(line: &Line<'_>, first: usize, last: usize) -> Option<String> {
    let t = crate::formats::text::trim(line.col(first, last));
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn line(s: &str) -> Line<'_> {
        Line {
            text: Cow::Borrowed(s),
            ascii: s.is_ascii(),
            number: 7,
            byte: 0,
        }
    }

    const L04: &str = "0415589916200000EUR2 98765432100B1160519  160519PRLV SEPA TEST CABINET           0000000000000000000322J                ";

    #[test]
    fn fields_of_a_movement() {
        let l = line(L04);
        let f = Path::new("f");
        assert_eq!(code(&l, f).unwrap(), Code::Movement);
        assert_eq!(
            AccountFields::of(&l).display(),
            "15589-00000-98765432100".to_string()
        );
        assert_eq!(
            currency(&l, Blank::OPENING, f).unwrap(),
            (Currency::EUR, true)
        );
        assert_eq!(decimals(&l, Currency::EUR, Blank::OPENING, f).unwrap(), 2);
        assert_eq!(
            date(&l, 35, 40, "booking date", f).unwrap(),
            NaiveDate::from_ymd_opt(2019, 5, 16)
        );
        assert_eq!(amount(&l, 2, f).unwrap().0.to_plain(), "-32.21");
        assert_eq!(text(&l, 49, 79).as_deref(), Some("PRLV SEPA TEST CABINET"));
        assert_eq!(text(&l, 105, 120), None);
    }

    #[test]
    fn impossible_dates_are_errors_that_say_where() {
        let mut s = L04.to_string();
        s.replace_range(34..40, "310219");
        let e = date(&line(&s), 35, 40, "booking date", Path::new("f")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f: line 7, columns 35-40: booking date (cols 35-40): expected a date DDMMYY, \
             000000 or blank, found \"310219\""
        );
        s.replace_range(34..40, "000000");
        assert_eq!(date(&line(&s), 35, 40, "d", Path::new("f")).unwrap(), None);
    }
}
