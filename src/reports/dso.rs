//! Days sales outstanding by the count-back method: start from today's
//! receivables and walk back month by month through the sales (invoice
//! amounts by issue month): a month whose sales the remaining receivables
//! exceed counts whole (its days added, its sales subtracted); the month that
//! exhausts them counts pro rata (remaining / sales × its days). When the
//! receivables exceed all the sales pointage has seen, the history is too
//! short and there is no figure.
//!
//! Months are calendar months ending on the report date: the current month
//! counts the days from its first day to the report date.
//!
//! Sales are only known from pointage's first night on (an ERP export lists
//! the invoices still open; those settled earlier were never seen), so the
//! nightly report counts back only through complete months
//! ([`first_complete_month`], [`count_back_since`]).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::money::Money;

/// The outcome of the count-back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dso {
    /// Days, rounded half-up to one decimal.
    Days(Decimal),
    /// Nothing is owed.
    NothingOwed,
    /// The receivables exceed every month of sales on record.
    InsufficientHistory,
}

/// Count-back DSO on `date` from `receivables` (open amounts, one currency)
/// and `sales` by (year, month) of issue (same currency).
pub fn count_back(receivables: Money, sales: &BTreeMap<(i32, u32), Money>, date: NaiveDate) -> Dso {
    count_back_from(receivables, sales, date, sales.keys().next().copied())
}

/// The first month whose sales pointage knows completely when its first
/// night was `first_night`: that month if the first night was its first day,
/// else the next one (invoices settled before the first night were never
/// seen, so the months before it are incomplete).
pub fn first_complete_month(first_night: NaiveDate) -> (i32, u32) {
    let (y, m) = (first_night.year(), first_night.month());
    if first_night.day() == 1 {
        (y, m)
    } else if m == 12 {
        (y + 1, 1)
    } else {
        (y, m + 1)
    }
}

/// Count-back DSO using only the months from `since` on (year, month): the
/// months before it are unknown, so needing one gives
/// [`Dso::InsufficientHistory`].
pub fn count_back_since(
    receivables: Money,
    sales: &BTreeMap<(i32, u32), Money>,
    date: NaiveDate,
    since: (i32, u32),
) -> Dso {
    count_back_from(receivables, sales, date, Some(since))
}

fn count_back_from(
    receivables: Money,
    sales: &BTreeMap<(i32, u32), Money>,
    date: NaiveDate,
    oldest: Option<(i32, u32)>,
) -> Dso {
    if !receivables.is_positive() {
        return Dso::NothingOwed;
    }
    let mut remaining = receivables.decimal();
    let mut days = Decimal::ZERO;
    let (mut y, mut m) = (date.year(), date.month());
    loop {
        if oldest.is_none_or(|o| (y, m) < o) {
            return Dso::InsufficientHistory;
        }
        let month_days = if (y, m) == (date.year(), date.month()) {
            date.day()
        } else {
            days_in_month(y, m)
        };
        let sold = sales
            .get(&(y, m))
            .map(|s| s.decimal())
            .unwrap_or(Decimal::ZERO);
        if sold > Decimal::ZERO && remaining <= sold {
            let part = remaining
                .checked_div(sold)
                .and_then(|r| r.checked_mul(Decimal::from(month_days)))
                .unwrap_or(Decimal::ZERO);
            let total = days.checked_add(part).unwrap_or(days);
            let mut rounded = total
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            // Always one decimal written: a count-back ending on a whole
            // month is `40.0`, not `40` (rounding keeps a smaller scale).
            rounded.rescale(1);
            return Dso::Days(rounded);
        }
        remaining -= sold.max(Decimal::ZERO);
        days += Decimal::from(month_days);
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(30, |d| d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn count_back_by_hand() {
        // Report on 2026-11-23. Sales: Nov 10 000, Oct 20 000, Sep 30 000.
        // Receivables 25 000: Nov whole (23 days, 15 000 left), then Oct
        // 15 000 / 20 000 × 31 = 23.25 → 46.25 → 46.3 days.
        let sales = BTreeMap::from([
            ((2026, 9), m("30000")),
            ((2026, 10), m("20000")),
            ((2026, 11), m("10000")),
        ]);
        let date = "2026-11-23".parse().unwrap();
        assert_eq!(
            count_back(m("25000"), &sales, date),
            Dso::Days(Decimal::new(463, 1))
        );
        assert_eq!(count_back(m("0"), &sales, date), Dso::NothingOwed);
        assert_eq!(
            count_back(m("70000"), &sales, date),
            Dso::InsufficientHistory
        );
        assert_eq!(
            count_back(m("1"), &BTreeMap::new(), date),
            Dso::InsufficientHistory
        );
        // Only October on are complete: 25 000 needs October pro rata → 46.3.
        assert_eq!(
            count_back_since(m("25000"), &sales, date, (2026, 10)),
            Dso::Days(Decimal::new(463, 1))
        );
        // 35 000 would need September, before the history: no figure.
        assert_eq!(
            count_back_since(m("35000"), &sales, date, (2026, 10)),
            Dso::InsufficientHistory
        );
    }

    #[test]
    fn days_are_always_written_with_one_decimal() {
        // Report on 2026-12-10: December (10 days) sold 1 000, November 3 000.
        let sales = BTreeMap::from([((2026, 11), m("3000")), ((2026, 12), m("1000"))]);
        let date = "2026-12-10".parse().unwrap();
        let days = |r: &str| match count_back(m(r), &sales, date) {
            Dso::Days(d) => d.to_string(),
            other => format!("{other:?}"),
        };
        // November exhausted exactly: 10 + 30 (before the fix: "40").
        assert_eq!(days("4000"), "40.0");
        assert_eq!(days("1000"), "10.0");
        assert_eq!(days("2000"), "20.0");
        assert_eq!(days("2005"), "20.1");
    }

    #[test]
    fn history_starts_at_the_first_full_month() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(first_complete_month(d("2025-11-01")), (2025, 11));
        assert_eq!(first_complete_month(d("2025-11-02")), (2025, 12));
        assert_eq!(first_complete_month(d("2025-12-31")), (2026, 1));
    }
}
