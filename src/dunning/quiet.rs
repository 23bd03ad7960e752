//! Quiet periods (default: August, when many French firms close): steps after
//! the due date that would fall in one move to the first business day after
//! it; for invoices falling due in one, a preventive contact is scheduled in
//! the four weeks before it starts, asking for a payment commitment, a bill of
//! exchange (LCR) or an early payment with discount where the invoice offers one.
//!
//! Periods that overlap, touch, or are apart only by days that are not
//! business days make one quiet time: the dates come out the same however
//! the quiet days are split into periods.

use chrono::{Datelike, Days, NaiveDate};

use super::{Candidate, DunningInvoice, DunningRun};
use crate::calendar::Calendar;
use crate::config::{Channel, DunningConfig, month_day};

/// How far the walks to the end or start of a quiet time go: periods
/// covering every business day of the year make a quiet time with neither.
const SPAN_DAYS: i64 = 400;

/// Step name of the preventive contact before a quiet period.
pub const PREVENTIVE_STEP: &str = "quiet_period_preventive";

/// The quiet periods' first and last (month, day), read from the
/// configuration once per run: every step of every invoice's schedule asks
/// whether its date falls in one.
#[derive(Debug, Clone, Default)]
pub struct QuietDays(Vec<((u32, u32), (u32, u32))>);

impl QuietDays {
    /// The periods of `config` (one whose dates do not read is left out).
    pub fn of(config: &DunningConfig) -> QuietDays {
        QuietDays(
            config
                .quiet_periods
                .iter()
                .filter_map(|q| month_day(&q.from).zip(month_day(&q.to)))
                .collect(),
        )
    }

    /// The quiet periods that contain or touch `year`, as (first, last)
    /// dates, in configuration order.
    fn periods(&self, year: i32) -> impl Iterator<Item = (NaiveDate, NaiveDate)> + '_ {
        self.0.iter().flat_map(move |&((fm, fd), (tm, td))| {
            [year - 1, year].into_iter().filter_map(move |y| {
                // 02-29 outside a leap year: a period starting that day starts
                // the day after 02-28 (03-01), one ending that day ends on 02-28.
                let from = NaiveDate::from_ymd_opt(y, fm, fd)
                    .or_else(|| NaiveDate::from_ymd_opt(y, fm, fd.saturating_sub(1))?.succ_opt());
                // A period like 12-20 → 01-05 crosses the new year.
                let to_year = if (tm, td) < (fm, fd) { y + 1 } else { y };
                let to = NaiveDate::from_ymd_opt(to_year, tm, td)
                    .or_else(|| NaiveDate::from_ymd_opt(to_year, tm, td.saturating_sub(1)));
                from.zip(to).filter(|(from, to)| from <= to)
            })
        })
    }

    /// The last day of the quiet period containing `d`, if any.
    pub fn end_containing(&self, d: NaiveDate) -> Option<NaiveDate> {
        self.periods(d.year())
            .filter(|(from, to)| *from <= d && d <= *to)
            .map(|(_, to)| to)
            .max()
    }

    /// The first day of the quiet periods containing `d`, if any.
    fn start_containing(&self, d: NaiveDate) -> Option<NaiveDate> {
        self.periods(d.year())
            .filter(|(from, to)| *from <= d && d <= *to)
            .map(|(from, _)| from)
            .min()
    }

    /// True when `d` is in a quiet period.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.end_containing(d).is_some()
    }

    /// `d` when it is not quiet, else the first business day after the
    /// quiet time containing it: a day moved out of one period into another
    /// (touching, overlapping, or starting after a weekend) is moved again.
    /// `None` when no such day comes within a year.
    pub fn first_day_after(&self, calendar: &Calendar, d: NaiveDate) -> Option<NaiveDate> {
        let mut day = d;
        while let Some(end) = self.end_containing(day) {
            let next = calendar.next_business_day(end);
            if next <= end || (next - d).num_days() > SPAN_DAYS {
                return None;
            }
            day = next;
        }
        Some(day)
    }

    /// The first day of the quiet time containing `d` (periods joined as in
    /// [`QuietDays::first_day_after`]), if `d` is quiet and it has one.
    fn quiet_time_start(&self, calendar: &Calendar, d: NaiveDate) -> Option<NaiveDate> {
        let mut start = self.start_containing(d)?;
        let mut day = start;
        loop {
            day = match day.pred_opt() {
                Some(p) => p,
                None => return Some(start),
            };
            if (d - day).num_days() > SPAN_DAYS {
                return None;
            }
            if let Some(from) = self.start_containing(day) {
                start = from;
                day = from;
            } else if calendar.is_business_day(day) {
                return Some(start);
            }
        }
    }
}

/// The last day of the quiet period containing `d`, if any.
pub fn period_end_containing(config: &DunningConfig, d: NaiveDate) -> Option<NaiveDate> {
    QuietDays::of(config).end_containing(d)
}

/// True when `d` is in a quiet period.
pub fn in_quiet_period(config: &DunningConfig, d: NaiveDate) -> bool {
    period_end_containing(config, d).is_some()
}

/// A preventive contact for an invoice falling due in a coming quiet period,
/// on or after four weeks before the period starts and before it starts.
pub(super) fn preventive_candidate<'a>(
    run: &DunningRun<'_>,
    action_date: NaiveDate,
    inv: &'a DunningInvoice,
) -> Option<Candidate<'a>> {
    if inv.steps_done.contains_key(PREVENTIVE_STEP) || inv.due_date <= action_date {
        return None;
    }
    // The start of the whole quiet time: with August given as two halves,
    // an invoice due on 08-20 is asked about in July, not in early August.
    let from = run.quiet.quiet_time_start(run.calendar, inv.due_date)?;
    let window_start = from.checked_sub_days(Days::new(28))?;
    if action_date < window_start || action_date >= from {
        return None;
    }
    let offer = match inv.discount_percent {
        Some(p) if !p.is_zero() => format!(", or early payment with the {p} % discount"),
        _ => String::new(),
    };
    Some(Candidate {
        invoice: inv,
        step: PREVENTIVE_STEP.to_string(),
        channel: Channel::Email,
        rank: 0,
        charges: false,
        reason: format!(
            "due {} during the closing period starting {from}: ask for a payment commitment or a bill of exchange (LCR){offer}",
            inv.due_date
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QuietPeriod;

    fn config(from: &str, to: &str) -> DunningConfig {
        DunningConfig {
            quiet_periods: vec![QuietPeriod {
                from: from.into(),
                to: to.into(),
            }],
            ..DunningConfig::default()
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn quiet(periods: &[(&str, &str)]) -> QuietDays {
        QuietDays::of(&DunningConfig {
            quiet_periods: periods
                .iter()
                .map(|(from, to)| QuietPeriod {
                    from: (*from).into(),
                    to: (*to).into(),
                })
                .collect(),
            ..DunningConfig::default()
        })
    }

    #[test]
    fn a_day_moved_out_of_one_period_into_the_next_moves_again() {
        let cal = Calendar::new([]);
        let after = |q: &QuietDays, day: &str| q.first_day_after(&cal, d(day));
        let one = quiet(&[("08-01", "08-31")]);
        assert_eq!(after(&one, "2027-08-04"), Some(d("2027-09-01")));
        // Sunday 15 August (a holiday too) → Monday 16: in the second half.
        let halves = quiet(&[("08-01", "08-15"), ("08-16", "08-31")]);
        assert_eq!(after(&halves, "2027-08-04"), Some(d("2027-09-01")));
        let overlap = quiet(&[("08-01", "08-20"), ("08-10", "08-31")]);
        assert_eq!(after(&overlap, "2027-08-04"), Some(d("2027-09-01")));
        // Friday 13 August, then Monday 16: only a weekend between them.
        let weekend = quiet(&[("08-01", "08-13"), ("08-16", "08-31")]);
        assert_eq!(after(&weekend, "2027-08-04"), Some(d("2027-09-01")));
        // A business day between them: that day is the one.
        let gap = quiet(&[("08-01", "08-12"), ("08-14", "08-31")]);
        assert_eq!(after(&gap, "2027-08-04"), Some(d("2027-08-13")));
        assert_eq!(after(&gap, "2027-07-30"), Some(d("2027-07-30")));
    }

    #[test]
    fn a_closing_split_at_the_new_year_ends_as_one() {
        let cal = Calendar::new([]);
        let one = quiet(&[("12-21", "01-08")]);
        let split = quiet(&[("12-21", "12-31"), ("01-01", "01-08")]);
        for q in [&one, &split] {
            assert_eq!(
                q.first_day_after(&cal, d("2026-12-28")),
                Some(d("2027-01-11"))
            );
            assert_eq!(
                q.quiet_time_start(&cal, d("2027-01-05")),
                Some(d("2026-12-21"))
            );
        }
    }

    #[test]
    fn the_preventive_contact_counts_from_the_start_of_the_whole_quiet_time() {
        let cal = Calendar::new([]);
        let start = |q: &QuietDays, day: &str| q.quiet_time_start(&cal, d(day));
        let halves = quiet(&[("08-01", "08-15"), ("08-16", "08-31")]);
        assert_eq!(start(&halves, "2027-08-20"), Some(d("2027-08-01")));
        let overlap = quiet(&[("08-10", "08-31"), ("08-01", "08-20")]);
        assert_eq!(start(&overlap, "2027-08-25"), Some(d("2027-08-01")));
        // Friday 30 July, then Monday 2 August: only a weekend between them.
        let weekend = quiet(&[("07-20", "07-30"), ("08-02", "08-31")]);
        assert_eq!(start(&weekend, "2027-08-20"), Some(d("2027-07-20")));
        // A business day between them: two quiet times.
        let gap = quiet(&[("07-20", "07-29"), ("08-02", "08-31")]);
        assert_eq!(start(&gap, "2027-08-20"), Some(d("2027-08-02")));
        assert_eq!(start(&gap, "2027-09-01"), None);
    }

    #[test]
    fn quiet_periods_covering_every_day_have_no_day_after() {
        let cal = Calendar::new([]);
        let all = quiet(&[("01-01", "06-30"), ("07-01", "12-31")]);
        assert_eq!(all.first_day_after(&cal, d("2027-03-01")), None);
        assert_eq!(all.quiet_time_start(&cal, d("2027-03-01")), None);
    }

    proptest::proptest! {
        /// Splitting a quiet period into touching or overlapping pieces,
        /// given in any order, never changes where a day is moved to nor
        /// where its quiet time starts.
        #[test]
        fn splitting_a_period_into_pieces_changes_nothing(
            start in 0u64..365,
            len in 1u64..120,
            cuts in proptest::collection::vec((0u64..120, 0u64..5), 1..4),
            day in 0u64..800,
            reverse in proptest::bool::ANY,
        ) {
            let cal = Calendar::new([]);
            // The days of a leap year, over and over: pieces cut at 02-28 /
            // 02-29 still touch in every year (a piece from 02-29 starts on
            // 03-01 outside leap years). Cut from a common year, 02-28 /
            // 03-01 would leave a leap year's 02-29 out of the pieces, as
            // a user writing them would.
            let base = d("2028-01-01");
            let md = |n: u64| base.checked_add_days(Days::new(n % 366)).unwrap().format("%m-%d").to_string();
            let (first, last) = (start, start + len - 1);
            // Each cut ends a piece at `first + c` and starts the next one
            // up to 4 days earlier (overlap) or the day after (touching).
            let mut pieces = Vec::new();
            let mut from = first;
            let mut ends: Vec<u64> = cuts.iter().map(|(c, _)| first + c % len).filter(|e| *e < last).collect();
            ends.sort_unstable();
            ends.dedup();
            for (e, (_, back)) in ends.iter().zip(&cuts) {
                if *e < from { continue; }
                pieces.push((md(from), md(*e)));
                from = (e + 1).saturating_sub(*back).max(first);
            }
            pieces.push((md(from), md(last)));
            if reverse { pieces.reverse(); }
            let pieces: Vec<(&str, &str)> = pieces.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let whole = quiet(&[(&md(first), &md(last))]);
            let split = quiet(&pieces);
            let day = d("2026-06-01").checked_add_days(Days::new(day)).unwrap();
            proptest::prop_assert_eq!(whole.first_day_after(&cal, day), split.first_day_after(&cal, day));
            proptest::prop_assert_eq!(whole.quiet_time_start(&cal, day), split.quiet_time_start(&cal, day));
        }
    }

    #[test]
    fn a_period_from_02_29_starts_on_03_01_outside_leap_years() {
        let c = config("02-29", "03-31");
        assert!(!in_quiet_period(&c, d("2026-02-28")));
        assert_eq!(
            period_end_containing(&c, d("2026-03-01")),
            Some(d("2026-03-31"))
        );
        assert!(in_quiet_period(&c, d("2028-02-29")));
        assert!(!in_quiet_period(&c, d("2028-02-28")));
        // Ending 02-29: 02-28 outside leap years; the single day 02-29 is
        // no day at all then.
        let c = config("02-01", "02-29");
        assert_eq!(
            period_end_containing(&c, d("2026-02-10")),
            Some(d("2026-02-28"))
        );
        assert!(!in_quiet_period(&c, d("2026-03-01")));
        let c = config("02-29", "02-29");
        assert!(!in_quiet_period(&c, d("2026-02-28")));
        assert!(!in_quiet_period(&c, d("2026-03-01")));
        assert!(in_quiet_period(&c, d("2028-02-29")));
    }
}
