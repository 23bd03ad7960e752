//! A `--date` typed a year ahead is refused (review 31 F5): that night's
//! reminders would be recorded as sent, and every real night after it
//! refused as "before the last committed night". Allowed up to one day after
//! today's UTC date (a client whose local date is already tomorrow), or with
//! `--allow-future-date`. `POINTAGE_TODAY=YYYY-MM-DD` sets the date taken as
//! today (tests, replaying an archive); otherwise the system clock in UTC.

use chrono::{Days, NaiveDate};

/// Days a `--date` may be after today.
pub const MARGIN_DAYS: u64 = 1;

/// The variable that sets today's date for this check.
pub const TODAY_VAR: &str = "POINTAGE_TODAY";

/// Today's UTC date, or the one `POINTAGE_TODAY` gives.
pub fn today_utc(var: Option<String>) -> Result<NaiveDate, String> {
    match var {
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{TODAY_VAR}={v:?} is not a date (YYYY-MM-DD)")),
        None => Ok(chrono::Utc::now().date_naive()),
    }
}

/// Refuses `date` later than `today` + [`MARGIN_DAYS`] unless `allow`.
pub fn check(date: NaiveDate, today: NaiveDate, allow: bool) -> Result<(), String> {
    let limit = today
        .checked_add_days(Days::new(MARGIN_DAYS))
        .unwrap_or(today);
    if allow || date <= limit {
        return Ok(());
    }
    Err(format!(
        "--date {date} is after today ({today}, UTC) by more than {MARGIN_DAYS} day: \
         a typo? A night's reminders are recorded as sent and nights only go forward, \
         so every real night before {date} would be refused; \
         pass --allow-future-date to run it anyway"
    ))
}

/// [`check`] against the clock (or `POINTAGE_TODAY`), as the CLI does.
pub fn check_now(date: NaiveDate, allow: bool) -> Result<(), String> {
    if allow {
        return Ok(());
    }
    let today = today_utc(std::env::var(TODAY_VAR).ok())?;
    check(date, today, allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_date_more_than_a_day_ahead_is_refused_unless_allowed() {
        let today = d("2026-11-02");
        assert!(check(d("2026-11-02"), today, false).is_ok());
        assert!(check(d("2026-11-03"), today, false).is_ok());
        assert!(check(d("2020-01-01"), today, false).is_ok());
        let err = check(d("2026-11-04"), today, false).unwrap_err();
        assert!(err.contains("--date 2026-11-04") && err.contains("--allow-future-date"));
        assert!(check(d("2027-11-03"), today, false).is_err());
        assert!(check(d("2027-11-03"), today, true).is_ok());
    }

    #[test]
    fn today_comes_from_the_variable_when_set() {
        assert_eq!(today_utc(Some("2026-11-02".into())), Ok(d("2026-11-02")));
        assert!(
            today_utc(Some("02/11/2026".into()))
                .unwrap_err()
                .contains("POINTAGE_TODAY")
        );
    }
}
