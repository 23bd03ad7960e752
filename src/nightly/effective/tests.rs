//! The effective open amount's readings, case by case.

use super::*;

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn app(recorded: &str, amount: &str) -> AppEvent {
    AppEvent::applied(recorded, amount)
}

fn night(s: &str) -> Option<chrono::NaiveDate> {
    s.parse().ok()
}

/// Applied on night `on`, returned on night `back` when the export was
/// `export_then`.
fn returned(recorded: &str, amount: &str, export_then: &str, on: &str, back: &str) -> AppEvent {
    AppEvent {
        reversed_at_open: Some(m(export_then)),
        applied_on: night(on),
        reversed_on: night(back),
        ..app(recorded, amount)
    }
}

/// Applied on night `on`, live.
fn paid(recorded: &str, amount: &str, on: &str) -> AppEvent {
    AppEvent {
        applied_on: night(on),
        ..app(recorded, amount)
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
fn an_export_fallen_by_more_than_pointage_explains_goes_to_a_person() {
    // The ERP set a credit note of 30 against the invoice but has not
    // booked pointage's 40 (30 owed), or booked it and raised the
    // invoice by 10 (60 owed): the bound stands, 30 unexplained.
    let one = [app("100", "40")];
    assert_eq!(effective_open(m("70"), &one), Some(m("60")));
    assert_eq!(unexplained(m("70"), &one), Some(m("30")));
    // 1000 less a 700 payment less a 300 credit note: perhaps nothing.
    let one = [app("1000", "700")];
    assert_eq!(effective_open(m("700"), &one), Some(m("300")));
    assert_eq!(unexplained(m("700"), &one), Some(m("300")));
    // The ERP booked the payment, then lettered the credit note: the
    // export is below what pointage recorded less paid, nothing to ask.
    assert_eq!(effective_open(m("200"), &one), Some(m("200")));
    assert_eq!(unexplained(m("200"), &one), None);
    // Two partial payments, the first booked before the second was
    // applied, then a credit note of 200 lettered: perhaps nothing owed.
    let two = [app("1000", "300"), app("700", "500")];
    assert_eq!(unexplained(m("500"), &two), Some(m("200")));
    // A 10.00 charge added while the ERP booked both (review 8): 210
    // owed, never read as paid.
    let both = [app("1000", "300"), app("1000", "500")];
    assert_eq!(effective_open(m("210"), &both), Some(m("200")));
    // Every payment explained: nothing to ask.
    assert_eq!(unexplained(m("500"), &both), None);
    assert_eq!(unexplained(m("1000"), &both), None);
    // Credit notes are never held.
    assert_eq!(unexplained(m("-20"), &[app("-50", "-20")]), None);
}

#[test]
fn payments_the_erp_books_out_of_order_are_not_taken_twice() {
    // 300 then 500 applied while the export said 1000; the ERP books
    // the 500 first: 200 is owed.
    let events = [app("1000", "300"), app("1000", "500")];
    assert_eq!(effective_open(m("500"), &events), Some(m("200")));
    // A write-off of 20 then 300 assigned; the ERP books only the 300.
    let events = [app("1000", "20"), app("1000", "300")];
    assert_eq!(effective_open(m("700"), &events), Some(m("680")));
}

#[test]
fn an_erp_that_raised_the_open_amount_never_makes_pointage_chase_more() {
    // Charges added by the ERP on top of the invoice: the result stays
    // at most what pointage recorded less what it applied.
    assert_eq!(
        effective_open(m("1050"), &[app("1000", "700")]),
        Some(m("300"))
    );
}

#[test]
fn a_returned_collection_reopens_the_invoice() {
    // Collected 100 (export 100 then). The ERP booked it (export 0). Then
    // it came back while the export was 0.
    let returned = returned("100", "100", "0", "", "");
    assert_eq!(effective_open(m("0"), &[returned]), Some(m("100")));
    // The ERP then books the return: export 100, not 200.
    assert_eq!(effective_open(m("100"), &[returned]), Some(m("100")));
}

#[test]
fn a_return_before_the_erp_booked_the_collection() {
    let returned = returned("100", "100", "100", "", "");
    assert_eq!(effective_open(m("100"), &[returned]), Some(m("100")));
}

#[test]
fn a_collection_the_erp_books_after_its_return_is_still_owed() {
    // Returned while the export said 100; the ERP then books the
    // collection (export 0) but not yet the return: 100 is owed.
    let returned = returned("100", "100", "100", "", "");
    assert_eq!(effective_open(m("0"), &[returned]), Some(m("100")));
    // And once it books the return too: 100, not 200.
    assert_eq!(effective_open(m("100"), &[returned]), Some(m("100")));
}

#[test]
fn a_payment_after_a_return_the_erp_has_not_booked_settles_only_itself() {
    // 400: 200 collected and booked by the ERP (export 200), returned;
    // the customer then transfers 200, recorded against the export as
    // pointage must record it (400, the returned money added back).
    let returned = returned("400", "200", "200", "", "");
    let recorded = recorded_export(m("200"), &[returned]).unwrap();
    assert_eq!(recorded, m("400"));
    let events = [returned, app("400", "200")];
    // 200 still owed while the ERP has booked neither the return nor the
    // transfer, once it booked the return, and once it booked both.
    assert_eq!(effective_open(m("200"), &events), Some(m("200")));
    assert_eq!(effective_open(m("400"), &events), Some(m("200")));
    assert_eq!(effective_open(m("200"), &events), Some(m("200")));
}

#[test]
fn a_return_after_a_later_payment_is_owed_again() {
    // 300: a 150 instalment collected (night 1) and booked by the ERP,
    // a 150 transfer applied (night 3, export 150), then the instalment
    // returned (night 4): 150 owed, before and after the ERP books it.
    let instalment = returned("300", "150", "150", "2026-03-01", "2026-03-04");
    let transfer = paid("150", "150", "2026-03-03");
    let events = [instalment, transfer];
    assert_eq!(effective_open(m("150"), &events), Some(m("150")));
    // The ERP books the return only (300 open again).
    assert_eq!(effective_open(m("300"), &events), Some(m("150")));
}

#[test]
fn a_return_of_a_collection_the_erp_had_not_booked_adds_nothing_to_later_terms() {
    // 300: a 100 instalment, then a 200 transfer while the ERP had
    // booked neither (both recorded against 300); the instalment comes
    // back: 100 owed, not 200 (review 9).
    let events = [
        returned("300", "100", "300", "2026-03-01", "2026-03-03"),
        paid("300", "200", "2026-03-02"),
    ];
    assert_eq!(effective_open(m("300"), &events), Some(m("100")));
    // Equal amounts, the ERP having booked everything since: 150.
    let events = [
        returned("300", "150", "300", "2026-03-01", "2026-03-03"),
        paid("300", "150", "2026-03-02"),
    ];
    assert_eq!(effective_open(m("150"), &events), Some(m("150")));
}

#[test]
fn an_invoice_never_owes_more_than_itself() {
    // 300: a 100 collection booked and returned, re-presented and
    // returned again while the ERP showed 200 both times.
    let events = [
        returned("300", "100", "200", "2026-03-01", "2026-03-02"),
        returned("300", "100", "200", "2026-03-05", "2026-03-06"),
    ];
    assert_eq!(effective_open(m("200"), &events), Some(m("400")));
    assert_eq!(
        effective_open_of(m("300"), m("200"), &events),
        Some(m("300"))
    );
}

#[test]
fn a_transfer_the_erp_books_before_the_return_leaves_it_owed() {
    // 400: 200 collected and booked (export 200), returned; 200
    // transferred after, recorded against 400. The ERP books the
    // transfer, not yet the return: export 0, 200 still owed.
    let back = returned("400", "200", "200", "2026-03-02", "2026-03-04");
    let transfer = paid("400", "200", "2026-03-05");
    let events = [back, transfer];
    assert_eq!(effective_open(m("0"), &events), Some(m("200")));
    assert_eq!(effective_open(m("200"), &events), Some(m("200")));
    assert_eq!(effective_open(m("400"), &events), Some(m("200")));
}

#[test]
fn a_credit_note_is_not_taken_for_a_collection_the_erp_booked() {
    // 1000: a 200 collection applied, not booked; the ERP letters a 300
    // credit note (export 700); the collection comes back. The customer
    // then pays the 700 owed: recorded against 700, nothing left.
    let returned = returned("1000", "200", "700", "", "");
    assert_eq!(recorded_export(m("700"), &[returned]), Some(m("700")));
    let events = [returned, app("700", "700")];
    assert_eq!(effective_open(m("700"), &events), Some(m("0")));
}

#[test]
fn collected_returned_collected_again() {
    let first = returned("100", "100", "0", "", "");
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

#[test]
fn money_applied_beyond_a_corrected_amount_is_told_not_dropped() {
    // 1000, 600 applied, then corrected to 500 before the ERP booked the
    // payment: the recorded term moved to 500 (review 37 L2).
    let events = [app("500", "600")];
    assert_eq!(effective_open(m("500"), &events), Some(m("0")));
    assert_eq!(beyond(m("500"), m("500"), &events), Some(m("100")));
    // The ERP books the 600: its export carries the surplus as a
    // credit, and nothing more is beyond it (not counted twice).
    assert_eq!(
        effective_open_of(m("500"), m("-100"), &events),
        Some(m("-100"))
    );
    assert_eq!(beyond(m("500"), m("-100"), &events), None);
    // Or it letters 500 and keeps the 100 elsewhere: still 100 beyond.
    assert_eq!(effective_open(m("0"), &events), Some(m("0")));
    assert_eq!(beyond(m("500"), m("0"), &events), Some(m("100")));
    // Corrected after the ERP booked the payment (export 400 → −100).
    assert_eq!(beyond(m("500"), m("-100"), &[app("500", "600")]), None);
}

#[test]
fn a_write_off_is_never_money_beyond() {
    // 1000: 980 paid and 20 of discount written off; the ERP books the
    // discount as a lower amount (980): settled, nothing paid beyond.
    let discount = AppEvent {
        written_off: m("20"),
        ..app("980", "1000")
    };
    assert_eq!(effective_open(m("980"), &[discount]), Some(m("0")));
    assert_eq!(beyond(m("980"), m("980"), &[discount]), None);
    // 995 paid and a 5 fee written off, corrected to 500: 495 paid beyond.
    let fee = AppEvent {
        written_off: m("5"),
        ..app("500", "1000")
    };
    assert_eq!(beyond(m("500"), m("500"), &[fee]), Some(m("495")));
}

#[test]
fn a_correction_that_leaves_money_owed_is_nothing_beyond() {
    // Upwards: 1000 paid, corrected to 1200: 200 owed, nothing beyond.
    let up = [app("1200", "1000")];
    assert_eq!(effective_open(m("1200"), &up), Some(m("200")));
    assert_eq!(beyond(m("1200"), m("1200"), &up), None);
    // Downwards but above the money applied: 200 owed.
    let down = [app("500", "300")];
    assert_eq!(effective_open(m("500"), &down), Some(m("200")));
    assert_eq!(beyond(m("500"), m("500"), &down), None);
    // Exactly the money applied: settled, nothing beyond.
    assert_eq!(beyond(m("600"), m("600"), &[app("600", "600")]), None);
}

#[test]
fn beyond_counts_a_second_payment_the_erp_has_not_booked() {
    // 1000: 600 applied and booked (export 400), then 300 applied
    // (recorded 400); the amount corrected to 500 shifts both terms.
    let events = [app("500", "600"), app("-100", "300")];
    // Export 500 − 600 = −100 (the 300 not booked): 400 paid beyond.
    assert_eq!(
        effective_open_of(m("500"), m("-100"), &events),
        Some(m("-100"))
    );
    assert_eq!(beyond(m("500"), m("-100"), &events), Some(m("300")));
    // Both booked: the export carries all of it.
    assert_eq!(
        effective_open_of(m("500"), m("-400"), &events),
        Some(m("-400"))
    );
    assert_eq!(beyond(m("500"), m("-400"), &events), None);
}

#[test]
fn nothing_is_beyond_for_credit_notes_or_returned_histories() {
    assert_eq!(beyond(m("-50"), m("-50"), &[app("-50", "-50")]), None);
    // Collected, returned, collected again: an add-back, not a surplus.
    let first = returned("100", "100", "0", "", "");
    assert_eq!(beyond(m("100"), m("0"), &[first, app("0", "100")]), None);
    assert_eq!(beyond(m("100"), m("100"), &[]), None);
}

proptest::proptest! {
    /// Payments applied as the matcher does (never more than open),
    /// the ERP booking the first `erp_lag` before the later ones were
    /// recorded; the amount then corrected down by `cut` (the recorded
    /// terms move with it), and the ERP booking any other set of them,
    /// its export signed or kept at zero (the surplus elsewhere): the
    /// invoice shows, and [`beyond`] adds, exactly what is owed —
    /// a surplus neither lost nor counted twice.
    #[test]
    fn what_is_shown_less_what_is_beyond_is_what_is_owed(amount in 2i64..100_000, applied in proptest::collection::vec(1i64..50_000, 1..6), erp_lag in 0usize..6, cut in 0i64..100_000, booked_mask in 0u32..64, clamp in proptest::bool::ANY) {
        let total = Money::from_scaled(amount, 2).unwrap();
        let cut = Money::from_scaled(cut, 2).unwrap().min(total.checked_sub(Money::from_scaled(1, 2).unwrap()).unwrap());
        let corrected = total.checked_sub(cut).unwrap();
        let mut open = total;
        let mut events = Vec::new();
        for a in &applied {
            let x = Money::from_scaled(*a, 2).unwrap().min(open);
            if x.is_zero() { break; }
            events.push(AppEvent { recorded_open: total, amount: x, written_off: Money::ZERO, reversed_at_open: None, applied_on: None, reversed_on: None });
            open = open.checked_sub(x).unwrap();
        }
        let lag = erp_lag.min(events.len());
        let early: Money = Money::checked_sum(events.iter().take(lag).map(|e| e.amount)).unwrap();
        for e in events.iter_mut().skip(lag) { e.recorded_open = total.checked_sub(early).unwrap(); }
        for e in &mut events { e.recorded_open = e.recorded_open.checked_sub(cut).unwrap(); }
        let later: Money = Money::checked_sum(events.iter().enumerate().skip(lag).filter(|(i, _)| booked_mask & (1 << i) != 0).map(|(_, e)| e.amount)).unwrap();
        let mut exported = corrected.checked_sub(early).unwrap().checked_sub(later).unwrap();
        if clamp { exported = exported.max(Money::ZERO); }
        let all: Money = Money::checked_sum(events.iter().map(|e| e.amount)).unwrap();
        let owed = corrected.checked_sub(all).unwrap();
        let shown = effective_open_of(corrected, exported, &events).unwrap();
        let extra = beyond(corrected, exported, &events).unwrap_or(Money::ZERO);
        proptest::prop_assert_eq!(shown.checked_sub(extra).unwrap(), owed, "shown {} beyond {}", shown, extra);
        if cut.is_zero() { proptest::prop_assert_eq!(beyond(corrected, exported, &events), None); }
    }

    /// All payments applied while the ERP lagged; it then books any of
    /// them, in any order, and lowers the invoice on its own (a credit
    /// note): pointage never says less is owed than is, nor more than
    /// the export.
    #[test]
    fn never_below_what_is_owed_whatever_the_erp_booked(amount in 1i64..100_000, applied in proptest::collection::vec(1i64..50_000, 1..6), booked_mask in 0u32..64, note in 0i64..100_000) {
        let total = Money::from_scaled(amount, 2).unwrap();
        let mut open = total;
        let mut events = Vec::new();
        for a in &applied {
            let x = Money::from_scaled(*a, 2).unwrap().min(open);
            if x.is_zero() { break; }
            events.push(AppEvent { recorded_open: total, amount: x, written_off: Money::ZERO, reversed_at_open: None, applied_on: None, reversed_on: None });
            open = open.checked_sub(x).unwrap();
        }
        let booked: Money = Money::checked_sum(events.iter().enumerate().filter(|(i, _)| booked_mask & (1 << i) != 0).map(|(_, e)| e.amount)).unwrap();
        let note = Money::from_scaled(note, 2).unwrap().min(total.checked_sub(booked).unwrap());
        let exported = total.checked_sub(booked).unwrap().checked_sub(note).unwrap();
        let applied_all: Money = Money::checked_sum(events.iter().map(|e| e.amount)).unwrap();
        let owed = total.checked_sub(note).unwrap().checked_sub(applied_all).unwrap().max(Money::ZERO);
        let eff = effective_open(exported, &events).unwrap();
        proptest::prop_assert!(eff >= owed, "{} < owed {}", eff, owed);
        proptest::prop_assert!(eff <= exported);
        // A credit note lettered is never read as money paid beyond.
        proptest::prop_assert_eq!(beyond(total, exported, &events), None);
    }

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
            events.push(AppEvent { recorded_open: total, amount: x, written_off: Money::ZERO, reversed_at_open: None, applied_on: None, reversed_on: None });
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
