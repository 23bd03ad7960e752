//! Quiet periods (default: August, when many French firms close): steps after
//! the due date that would fall in one move to the first business day after
//! it; for invoices falling due in one, a preventive contact is scheduled in
//! the four weeks before it starts, asking for a payment commitment, a bill of
//! exchange (LCR) or an early payment with discount where the invoice offers one.

use chrono::{Datelike, Days, NaiveDate};

use super::{Candidate, DunningInvoice, DunningRun};
use crate::config::{Channel, DunningConfig, month_day};

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

    /// True when `d` is in a quiet period.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.end_containing(d).is_some()
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
    let (from, _) = run
        .quiet
        .periods(inv.due_date.year())
        .find(|(from, to)| *from <= inv.due_date && inv.due_date <= *to)?;
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
