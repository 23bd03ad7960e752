//! Late-payment charges for B2B customers, as French law allows (Code de
//! commerce L441-10): a fixed recovery indemnity per invoice plus late
//! interest from the day after the due date at an annual rate, counted
//! actual/365, rounded half-up per invoice to the currency's minor unit (the
//! cent; the unit for XOF or JPY; the millime for TND):
//!
//! `penalty = indemnity + round_half_up(open × rate / 100 × days / 365, minor units)`
//! where `days = action_date − due_date` (the due date itself is not late).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::Money;

/// The charges on one invoice, `None` on overflow (absurd amounts).
pub fn invoice_penalty(
    open: Money,
    due_date: NaiveDate,
    action_date: NaiveDate,
    annual_rate_percent: Decimal,
    indemnity: Money,
    minor_units: u32,
) -> Option<Money> {
    let days = (action_date - due_date).num_days().max(0);
    let interest = open
        .decimal()
        .checked_mul(annual_rate_percent)?
        .checked_mul(Decimal::from(days))?
        .checked_div(Decimal::from(36_500))?;
    let interest = Money::new(interest).round_half_up(minor_units);
    indemnity.checked_add(interest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn indemnity_plus_interest_by_hand() {
        // 1 000.00 open, 12.15 %/year, 31 days late: 1000 × 0.1215 × 31 / 365
        // = 10.3191… → 10.32; plus 40.00 = 50.32.
        let p = invoice_penalty(
            m("1000.00"),
            d("2026-10-01"),
            d("2026-11-01"),
            Decimal::new(1215, 2),
            m("40.00"),
            2,
        );
        assert_eq!(p, Some(m("50.32")));
    }

    #[test]
    fn interest_is_rounded_to_the_currency_minor_unit() {
        // 100 000 XOF, 12.15 %/year, 31 days: 1 031.91… → 1 032 francs.
        let p = invoice_penalty(
            m("100000"),
            d("2026-10-01"),
            d("2026-11-01"),
            Decimal::new(1215, 2),
            m("0"),
            0,
        );
        assert_eq!(p, Some(m("1032")));
    }

    #[test]
    fn not_yet_late_means_indemnity_only() {
        let p = invoice_penalty(
            m("500"),
            d("2026-11-02"),
            d("2026-11-01"),
            Decimal::new(1215, 2),
            m("40"),
            2,
        );
        assert_eq!(p, Some(m("40")));
    }

    #[test]
    fn absurd_amounts_are_none_not_a_panic() {
        let p = invoice_penalty(
            Money::new(Decimal::MAX),
            d("2000-01-01"),
            d("2026-01-01"),
            Decimal::new(1215, 2),
            m("40"),
            2,
        );
        assert_eq!(p, None);
    }
}
