//! An invoice's effective open amount tonight: what is really still owed,
//! from the ERP's export (which may or may not yet include what pointage
//! applied on earlier nights) and pointage's own history, without counting a
//! payment twice.
//!
//! With each application pointage records the invoice's exported open amount
//! at that time (`recorded_open`). For an invoice (positive amounts):
//!
//! ```text
//! effective = min( exported_adjusted,
//!                  min over live applications k of  recorded_open_k − Σ_{j ≥ k} x_j )
//! ```
//!
//! where `x_j` is application j's applied + written-off money and the sum runs
//! over live (not reversed) applications from k on. If the ERP already booked
//! the applications, its export is the smaller term; if it did not, the
//! recorded term is. Either way a payment is subtracted once.
//!
//! A reversed application (its direct debit came back) no longer counts. If,
//! when it was reversed, the ERP had already booked it (the export then was at
//! most `recorded_open − x`), and the export has not moved since (so the ERP
//! has not booked the return yet), its money is added back to the export:
//! `exported_adjusted = exported + x`. Otherwise `exported_adjusted = exported`.
//!
//! The result is clamped to zero, never past it: an invoice is never owed back
//! by the customer because of this arithmetic. Credit notes (negative amounts)
//! are the mirror image.

use crate::money::Money;
pub use crate::state::ledger::AppEvent;

/// The effective open amount; `events` in the order they happened.
/// `None` on overflow.
pub fn effective_open(exported: Money, events: &[AppEvent]) -> Option<Money> {
    if exported.is_negative() || events.iter().any(|e| e.recorded_open.is_negative()) {
        let mirrored: Vec<AppEvent> = events
            .iter()
            .map(|e| AppEvent {
                recorded_open: -e.recorded_open,
                amount: -e.amount,
                reversed_at_open: e.reversed_at_open.map(|m| -m),
            })
            .collect();
        return positive(-exported, &mirrored).map(|m| -m);
    }
    positive(exported, events)
}

fn positive(exported: Money, events: &[AppEvent]) -> Option<Money> {
    let mut adjusted = exported;
    for e in events {
        if let Some(open_then) = e.reversed_at_open {
            let erp_had_booked = open_then <= e.recorded_open.checked_sub(e.amount)?;
            let erp_unmoved = exported == open_then;
            if erp_had_booked && erp_unmoved {
                adjusted = adjusted.checked_add(e.amount)?;
            }
        }
    }
    let live: Vec<&AppEvent> = events
        .iter()
        .filter(|e| e.reversed_at_open.is_none())
        .collect();
    let mut best = adjusted;
    let mut suffix = Money::ZERO;
    for e in live.iter().rev() {
        suffix = suffix.checked_add(e.amount)?;
        best = best.min(e.recorded_open.checked_sub(suffix)?);
    }
    Some(best.max(Money::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn app(recorded: &str, amount: &str) -> AppEvent {
        AppEvent {
            recorded_open: m(recorded),
            amount: m(amount),
            reversed_at_open: None,
        }
    }

    #[test]
    fn no_history_means_the_export() {
        assert_eq!(effective_open(m("100"), &[]), Some(m("100")));
    }

    #[test]
    fn a_payment_the_erp_has_not_booked_is_subtracted() {
        assert_eq!(effective_open(m("100"), &[app("100", "40")]), Some(m("60")));
    }

    #[test]
    fn a_payment_the_erp_has_booked_is_not_subtracted_twice() {
        assert_eq!(effective_open(m("60"), &[app("100", "40")]), Some(m("60")));
    }

    #[test]
    fn two_partials_with_the_erp_one_behind() {
        // Night 1: 40 applied (export 100). Night 2: 60 applied (export still 100).
        // Night 3: the ERP booked the 40 only → export 60; truth 0.
        let events = [app("100", "40"), app("100", "60")];
        assert_eq!(effective_open(m("60"), &events), Some(m("0")));
        assert_eq!(effective_open(m("100"), &events), Some(m("0")));
        assert_eq!(effective_open(m("0"), &events), Some(m("0")));
    }

    #[test]
    fn an_erp_that_moved_for_another_reason_stays_safe() {
        // The ERP booked a credit note of 30 but not pointage's 40.
        assert_eq!(effective_open(m("70"), &[app("100", "40")]), Some(m("60")));
    }

    #[test]
    fn a_returned_collection_reopens_the_invoice() {
        // Collected 100 (export 100 then). The ERP booked it (export 0). Then
        // it came back while the export was 0.
        let returned = AppEvent {
            recorded_open: m("100"),
            amount: m("100"),
            reversed_at_open: Some(m("0")),
        };
        assert_eq!(effective_open(m("0"), &[returned]), Some(m("100")));
        // The ERP then books the return: export 100, not 200.
        assert_eq!(effective_open(m("100"), &[returned]), Some(m("100")));
    }

    #[test]
    fn a_return_before_the_erp_booked_the_collection() {
        let returned = AppEvent {
            recorded_open: m("100"),
            amount: m("100"),
            reversed_at_open: Some(m("100")),
        };
        assert_eq!(effective_open(m("100"), &[returned]), Some(m("100")));
    }

    #[test]
    fn collected_returned_collected_again() {
        let first = AppEvent {
            recorded_open: m("100"),
            amount: m("100"),
            reversed_at_open: Some(m("0")),
        };
        // Re-presented and collected while the export still says 0.
        let second = app("0", "100");
        assert_eq!(effective_open(m("0"), &[first, second]), Some(m("0")));
    }

    #[test]
    fn credit_notes_mirror() {
        assert_eq!(effective_open(m("-50"), &[app("-50", "-50")]), Some(m("0")));
        assert_eq!(
            effective_open(m("-50"), &[app("-50", "-20")]),
            Some(m("-30"))
        );
        assert_eq!(
            effective_open(m("-30"), &[app("-50", "-20")]),
            Some(m("-30"))
        );
    }

    proptest::proptest! {
        /// Whatever the ERP shows between 0 and the invoice amount, and
        /// whatever pointage applied, the result is between 0 and the export
        /// and never below the invoice amount minus everything applied.
        #[test]
        fn bounded(amount in 1i64..100_000, applied in proptest::collection::vec(1i64..50_000, 0..5), erp_lag in 0usize..6) {
            let total = Money::from_scaled(amount, 2).unwrap();
            let mut open = total;
            let mut events = Vec::new();
            for a in &applied {
                let x = Money::from_scaled(*a, 2).unwrap().min(open);
                if x.is_zero() { break; }
                events.push(AppEvent { recorded_open: total, amount: x, reversed_at_open: None });
                open = open.checked_sub(x).unwrap();
            }
            // The ERP has booked the first `erp_lag` applications.
            let booked: Money = Money::checked_sum(events.iter().take(erp_lag).map(|e| e.amount)).unwrap();
            let exported = total.checked_sub(booked).unwrap();
            for e in events.iter_mut().skip(erp_lag) { e.recorded_open = exported; }
            let eff = effective_open(exported, &events).unwrap();
            proptest::prop_assert_eq!(eff, open);
        }
    }
}
