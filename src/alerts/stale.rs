//! Statements that stopped arriving: an account whose latest statement
//! leaves too many business days uncovered before tonight is
//! `stale_statements`. Payments made since are unknown, so dunning holds
//! its formal notices, as for a `sequence_gap`, until a statement arrives or
//! a person clears the account. A client with no statement at all is stale
//! too (`*`): nothing pointage says about payments can be trusted yet.
//!
//! Pure: the run date and the calendar are given.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use super::sequence::StatementHeader;
use crate::calendar::Calendar;

/// One series (account and currency) whose statements stopped, or the whole
/// client when it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Account key, `*` when the client has no statement at all.
    pub account: String,
    /// The series' currency (empty for `*`).
    pub currency: String,
    /// The last day its statements cover (`None` for `*`).
    pub latest: Option<NaiveDate>,
    /// Business days after `latest` and before the run date with no statement.
    pub missing: u32,
}

impl Stale {
    /// The alert's object: account, currency and last day covered, so that
    /// statements that stop again after arriving for a while are a new alert
    /// (a person who cleared the first did not clear the second).
    pub fn object(&self) -> String {
        match self.latest {
            Some(d) => format!("{}:{}:{d}", self.account, self.currency),
            None => self.account.clone(),
        }
    }

    /// A sentence for a person.
    pub fn message(&self) -> String {
        match self.latest {
            Some(d) => format!(
                "no statement for account {} ({}) after {d}: {} business day{} before tonight not covered; \
                 payments made since are unknown, formal notices wait until a statement arrives or the account is cleared \
                 (a closed account: cleared_gaps in client.toml; statements sent less often: stale_statement_days)",
                self.account,
                self.currency,
                self.missing,
                if self.missing == 1 { "" } else { "s" },
            ),
            None => {
                "no bank statement (camt.053 or CFONB 120) imported yet — camt.052 reports and camt.054 \
                     notifications do not count, they may not hold every movement: payments not yet booked \
                     in the ERP are unknown; formal notices wait until a statement arrives or the client is \
                     cleared (cleared_gaps = [\"*\"] in client.toml, or stale_statement_days = 0)"
                    .into()
            }
        }
    }
}

/// Series whose last day covered leaves at least `after_days` business days
/// uncovered strictly between it and `run_date` (the run's own day is never
/// expected: its statement comes the next morning). `after_days == 0` turns
/// the check off. Series with no date at all are not judged.
pub fn stale(
    headers: &[StatementHeader],
    run_date: NaiveDate,
    calendar: &Calendar,
    after_days: u32,
) -> Vec<Stale> {
    if after_days == 0 {
        return Vec::new();
    }
    if headers.is_empty() {
        return vec![Stale {
            account: "*".into(),
            currency: String::new(),
            latest: None,
            missing: 0,
        }];
    }
    let mut latest: BTreeMap<(&str, &str), Option<NaiveDate>> = BTreeMap::new();
    for h in headers {
        let day = h.to_date.or(h.from_date);
        let slot = latest
            .entry((h.account.as_str(), h.currency.as_str()))
            .or_default();
        *slot = (*slot).max(day);
    }
    let mut out = Vec::new();
    for ((account, currency), day) in latest {
        let Some(day) = day else { continue };
        let missing = uncovered(day, run_date, calendar);
        if missing >= after_days {
            out.push(Stale {
                account: account.into(),
                currency: currency.into(),
                latest: Some(day),
                missing,
            });
        }
    }
    out
}

/// Business days strictly between `from` and `to` (a walk of at most a
/// century: a statement older than that is stale whatever the count).
fn uncovered(from: NaiveDate, to: NaiveDate, calendar: &Calendar) -> u32 {
    let mut n = 0;
    let mut day = from;
    for _ in 0..36_525 {
        match day.checked_add_days(Days::new(1)) {
            Some(next) if next < to => {
                n += u32::from(calendar.is_business_day(next));
                day = next;
            }
            _ => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn header(account: &str, ccy: &str, from: Option<&str>, to: Option<&str>) -> StatementHeader {
        StatementHeader {
            account: account.into(),
            currency: ccy.into(),
            statement_id: "S".into(),
            sequence: None,
            from_date: from.map(d),
            to_date: to.map(d),
            opening: None,
            closing: None,
        }
    }

    const A: &str = "FR7630001007941234567890185";

    #[test]
    fn yesterdays_statement_or_fridays_on_monday_is_not_stale() {
        let cal = Calendar::default();
        // Thursday 2026-11-19's statement, run on Friday night.
        let h = [header(A, "EUR", None, Some("2026-11-19"))];
        assert!(stale(&h, d("2026-11-20"), &cal, 1).is_empty());
        // Friday 2026-11-20's statement, run on Monday 2026-11-23.
        let h = [header(A, "EUR", None, Some("2026-11-20"))];
        assert!(stale(&h, d("2026-11-23"), &cal, 1).is_empty());
    }

    #[test]
    fn business_days_without_a_statement_are_counted_past_weekends_and_holidays() {
        let cal = Calendar::default();
        // Last day covered Tuesday 2026-11-10; run Monday 2026-11-16:
        // Wednesday 11 (Armistice) is a holiday; Thursday 12 and Friday 13
        // are missing.
        let h = [header(A, "EUR", Some("2026-11-01"), Some("2026-11-10"))];
        let s = stale(&h, d("2026-11-16"), &cal, 2);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].missing, 2);
        assert_eq!(s[0].latest, Some(d("2026-11-10")));
        assert_eq!(s[0].object(), format!("{A}:EUR:2026-11-10"));
        assert!(
            s[0].message().contains("2 business days"),
            "{}",
            s[0].message()
        );
        assert!(stale(&h, d("2026-11-16"), &cal, 3).is_empty());
        // A client's own day off is not expected either.
        let off = Calendar::new([d("2026-11-13")]);
        assert!(stale(&h, d("2026-11-16"), &off, 2).is_empty());
    }

    #[test]
    fn each_series_is_judged_by_its_latest_statement() {
        let cal = Calendar::default();
        let h = [
            header(A, "EUR", None, Some("2026-10-30")),
            header(A, "EUR", None, Some("2026-11-19")),
            header(A, "USD", None, Some("2026-10-30")),
            // Undated: not judged.
            header("FR7611111111111111111111111", "EUR", None, None),
        ];
        let s = stale(&h, d("2026-11-20"), &cal, 3);
        assert_eq!(s.len(), 1, "{s:?}");
        // November 2 to 19, less Armistice day.
        assert_eq!((s[0].currency.as_str(), s[0].missing), ("USD", 13));
    }

    #[test]
    fn no_statement_at_all_is_stale_unless_the_check_is_off() {
        let cal = Calendar::default();
        let s = stale(&[], d("2026-11-20"), &cal, 3);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].object(), "*");
        assert!(stale(&[], d("2026-11-20"), &cal, 0).is_empty());
        let h = [header(A, "EUR", None, Some("2026-01-02"))];
        assert!(stale(&h, d("2026-11-20"), &cal, 0).is_empty());
    }

    #[test]
    fn a_statement_dated_after_the_run_date_is_not_stale() {
        let cal = Calendar::default();
        let h = [header(A, "EUR", None, Some("2026-11-25"))];
        assert!(stale(&h, d("2026-11-20"), &cal, 1).is_empty());
    }
}
