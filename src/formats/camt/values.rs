//! Leaf values as CAMT writes them: `xs:decimal` amounts, ISO dates (a `Dt`
//! that holds a date-time is accepted), `CRDT`/`DBIT`, booleans, entry status
//! codes, sequence numbers, IBANs and references. Pure functions; the caller
//! turns `None` into a located error.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::Money;
use crate::statement::EntryStatus;

/// An unsigned CAMT amount: digits with an optional `.` and fraction
/// (`xs:decimal`, no sign, no exponent, no thousands separator), below 10^13
/// with at most 5 decimals ([`Money::is_input_sized`]).
pub(super) fn amount(text: &str) -> Option<Money> {
    let t = text.trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let (int, frac) = match t.bytes().position(|b| b == b'.') {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || int.is_empty() && frac.is_none_or(str::is_empty) {
        return None;
    }
    if let Some(f) = frac
        && (!digits(f) || (int.is_empty() && f.is_empty()))
    {
        return None;
    }
    let norm;
    let s = if int.is_empty() {
        norm = format!("0{t}");
        norm.as_str()
    } else if frac.is_some_and(str::is_empty) {
        &t[..t.len() - 1]
    } else {
        t
    };
    Decimal::from_str_exact(s)
        .ok()
        .map(Money::new)
        .filter(|m| m.is_input_sized())
}

/// The date part of `2026-03-02`, `2026-03-02+01:00` or `2026-03-02T10:00:00…`.
pub(super) fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let head = t.get(..10)?;
    match t.as_bytes().get(10) {
        None | Some(b'T' | b' ' | b'+' | b'-' | b'Z') => {}
        Some(_) => return None,
    }
    let b = head.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let d = b.get(r)?;
        d.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// `DBIT` → true, `CRDT` → false.
pub(super) fn is_debit(text: &str) -> Option<bool> {
    match text.trim() {
        "DBIT" => Some(true),
        "CRDT" => Some(false),
        _ => None,
    }
}

/// `xs:boolean`.
pub(super) fn boolean(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// `BOOK` booked, `PDNG` pending, anything else (`INFO`, `FUTR`…) information.
pub(super) fn status(code: &str) -> EntryStatus {
    match code.trim() {
        "BOOK" => EntryStatus::Booked,
        "PDNG" => EntryStatus::Pending,
        _ => EntryStatus::Info,
    }
}

/// A sequence number (`ElctrncSeqNb`, `LglSeqNb`).
pub(super) fn sequence(text: &str) -> Option<u64> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Trimmed, `None` when empty.
pub(super) fn clean(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// An IBAN upper-case without spaces (no copy when it already is).
pub(super) fn iban(s: String) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        s
    } else {
        crate::refs::normalize_iban(&s)
    }
}

/// A reference value: trimmed, `NOTPROVIDED` dropped.
pub(super) fn reference(text: &str) -> Option<String> {
    clean(text).filter(|s| !s.eq_ignore_ascii_case("NOTPROVIDED"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(amount("1234.56").unwrap().to_plain(), "1234.56");
        assert_eq!(amount(" 200000 ").unwrap().to_plain(), "200000.00");
        assert_eq!(amount("18.150").unwrap().to_plain(), "18.15");
        assert_eq!(amount("0.12345").unwrap().to_plain(), "0.12345");
        assert_eq!(amount(".5").unwrap().to_plain(), "0.50");
        assert_eq!(amount("5.").unwrap().to_plain(), "5.00");
        assert_eq!(
            amount("9999999999999.99999").unwrap().to_plain(),
            "9999999999999.99999"
        );
        assert_eq!(amount("1.123450000").unwrap().to_plain(), "1.12345");
        for bad in [
            "",
            "-5",
            "+5",
            "1,5",
            "1e3",
            "1.2.3",
            ".",
            "abc",
            "1 000",
            "99999999999999999999999999999999",
            // pointage's limits: below 10^13, 5 decimals
            "10000000000000",
            "999999999999999999",
            "79228162514264337593543950335",
            "0.000001",
            "12345678901234.56789",
        ] {
            assert_eq!(amount(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_are_lenient_about_times() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 23);
        assert_eq!(date("2025-07-23"), d);
        assert_eq!(date("2025-07-23T00:00:00.000000000"), d);
        assert_eq!(date("2025-07-23+02:00"), d);
        assert_eq!(date("2025-02-30"), None);
        assert_eq!(date("23/07/2025"), None);
        assert_eq!(date("2025-07-231"), None);
    }

    #[test]
    fn codes() {
        assert_eq!(is_debit("DBIT"), Some(true));
        assert_eq!(is_debit("dbit"), None);
        assert_eq!(status("FUTR"), EntryStatus::Info);
        assert_eq!(status("BOOK"), EntryStatus::Booked);
        assert_eq!(sequence("00012"), Some(12));
        assert_eq!(sequence("12a"), None);
        assert_eq!(boolean("true"), Some(true));
    }
}
