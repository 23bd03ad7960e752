//! Business days in France: weekends, French public holidays (Easter Monday,
//! Ascension and Whit Monday computed from Easter) and a client's own days off.
//!
//! Used by dunning to date tomorrow's actions. Pure: the run date is always
//! given, never read from the clock.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A business-day calendar: French public holidays plus extra days off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days_off: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// The French calendar with the client's extra days off.
    pub fn new(days_off: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        Calendar {
            days_off: days_off.into_iter().collect(),
        }
    }

    /// True on a weekday that is neither a public holiday nor a day off.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && !is_french_holiday(d)
            && !self.days_off.contains(&d)
    }

    /// The first business day strictly after `d`.
    pub fn next_business_day(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        loop {
            day = match day.checked_add_days(Days::new(1)) {
                Some(n) => n,
                None => return day,
            };
            if self.is_business_day(day) {
                return day;
            }
        }
    }

    /// `d` itself when it is a business day, else the next one.
    pub fn on_or_after(&self, d: NaiveDate) -> NaiveDate {
        if self.is_business_day(d) {
            d
        } else {
            self.next_business_day(d)
        }
    }

    /// The date `n` business days after `d` (n = 0 gives `d`).
    pub fn add_business_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        (0..n).fold(d, |day, _| self.next_business_day(day))
    }
}

/// Easter Sunday (Gregorian), by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher). `None` outside chrono's date range.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The eleven French public holidays (jours fériés, metropolitan France):
/// 1 Jan, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 Jul,
/// 15 Aug, 1 Nov, 11 Nov, 25 Dec.
pub fn is_french_holiday(d: NaiveDate) -> bool {
    let fixed = matches!(
        (d.month(), d.day()),
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
    );
    if fixed {
        return true;
    }
    let Some(easter) = easter_sunday(d.year()) else {
        return false;
    };
    [1u64, 39, 50]
        .iter()
        .any(|&n| easter.checked_add_days(Days::new(n)) == Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_dates() {
        for (y, want) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(y), Some(date(want)), "{y}");
        }
    }

    #[test]
    fn movable_holidays_2026() {
        assert!(is_french_holiday(date("2026-04-06"))); // Easter Monday
        assert!(is_french_holiday(date("2026-05-14"))); // Ascension
        assert!(is_french_holiday(date("2026-05-25"))); // Whit Monday
        assert!(!is_french_holiday(date("2026-05-26")));
    }

    #[test]
    fn next_business_day_skips_weekends_holidays_and_days_off() {
        let cal = Calendar::new([date("2026-12-24")]);
        // Friday 2026-11-20 → Monday 23.
        assert_eq!(
            cal.next_business_day(date("2026-11-20")),
            date("2026-11-23")
        );
        // Tuesday 10 Nov → Thursday 12 (11 Nov is a holiday).
        assert_eq!(
            cal.next_business_day(date("2026-11-10")),
            date("2026-11-12")
        );
        // 23 Dec → 24 is a day off, 25 a holiday, 26-27 weekend → Monday 28.
        assert_eq!(
            cal.next_business_day(date("2026-12-23")),
            date("2026-12-28")
        );
        assert_eq!(
            cal.add_business_days(date("2026-11-20"), 2),
            date("2026-11-24")
        );
    }
}
