//! The moves' readings and netting, night by night.

use super::*;

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn app(recorded: &str, amount: &str) -> AppEvent {
    AppEvent::applied(recorded, amount)
}

fn mv(night: &str, invoice: &str, fell: &str) -> Move {
    Move {
        night: night.to_string(),
        customer_id: "A".to_string(),
        invoice_id: invoice.to_string(),
        fell: m(fell),
        by_amount: Money::ZERO,
        moved: None,
    }
}
#[test]
fn a_rise_undoes_only_the_falls_read_before_it() {
    let net = |moves: &[Move]| net_moves(moves, "", |_| true);
    // Missing one night and back the next: it fell by nothing.
    assert!(net(&[mv("12-01", "F1", "1000"), mv("12-02", "F1", "-1000")]).is_empty());
    // Back (or corrected) on the first night read, its fall before the
    // window: the ERP's lettering after it still fell (verify 42 H1).
    let got = net(&[mv("12-03", "F1", "1000"), mv("12-02", "F1", "-1800")]);
    assert_eq!(got, [mv("12-03", "F1", "1000")]);
    // Partly back: what is left of the fall, on the night it fell.
    let got = net(&[
        mv("12-01", "F1", "1000"),
        mv("12-02", "F1", "-400"),
        mv("12-02", "F2", "50"),
    ]);
    assert_eq!(got, [mv("12-01", "F1", "600"), mv("12-02", "F2", "50")]);
}

/// A move whose `by_amount` part a change of the amount explains.
fn mva(night: &str, invoice: &str, fell: &str, by_amount: &str) -> Move {
    Move {
        by_amount: m(by_amount),
        ..mv(night, invoice, fell)
    }
}

#[test]
fn a_raised_amount_takes_back_no_lettering() {
    let net = |moves: &[Move]| net_moves(moves, "", |_| true);
    // Verify 42 early2 M2: 1000 lettered, then the invoice raised to
    // 1200 (open 200): the lettering still fell whole.
    let got = net(&[
        mv("12-02", "F1", "1000"),
        mva("12-03", "F1", "-200", "-200"),
    ]);
    assert_eq!(got, [mv("12-02", "F1", "1000")]);
    // An amount typed low one night and corrected the next fell by
    // nothing (verify 38 V1), a lettering after it still counts.
    let got = net(&[
        mva("12-01", "F1", "1800", "1800"),
        mva("12-02", "F1", "-1800", "-1800"),
        mv("12-03", "F1", "1000"),
    ]);
    assert_eq!(got, [mv("12-03", "F1", "1000")]);
    // Lettered, raised, then lowered back: the lettering still fell
    // whole, no more (verify 43 raise M1); a raise typed and
    // corrected back fell by nothing (raise L2).
    let got = net(&[
        mv("12-02", "F1", "1000"),
        mva("12-03", "F1", "-200", "-200"),
        mva("12-07", "F1", "200", "200"),
    ]);
    assert_eq!(got, [mv("12-07", "F1", "1000")]);
    let got = net(&[
        mva("12-03", "F1", "-200", "-200"),
        mva("12-04", "F1", "200", "200"),
    ]);
    assert!(got.is_empty());
    // A lettering undone takes back only what was lettered; what the
    // amount was lowered by still fell.
    let got = net(&[
        mva("12-01", "F1", "300", "300"),
        mv("12-02", "F1", "1000"),
        mv("12-03", "F1", "-1200"),
    ]);
    assert_eq!(got, [mva("12-02", "F1", "300", "300")]);
}

fn step_of(before: (&str, &str), tonight: Option<(&str, &str)>) -> (Money, Money, Money) {
    let s = step(
        (m(before.0), m(before.1)),
        tonight.map(|(a, o)| (m(a), m(o))),
        &[],
    )
    .unwrap();
    (s.fell, s.by_amount, s.lettered())
}

#[test]
fn a_move_is_what_the_erp_lettered_and_what_it_changed_the_amount_by() {
    // Lettered 1000 and raised 200 in one reading (verify 43 raise H1).
    let got = step_of(("1000", "1000"), Some(("1200", "200")));
    assert_eq!(got, (m("800"), m("-200"), m("1000")));
    // Lowered 1000 -> 800 and lettered 500.
    let got = step_of(("1000", "1000"), Some(("800", "300")));
    assert_eq!(got, (m("700"), m("200"), m("500")));
    // A typo, lettering nothing.
    let got = step_of(("2000", "2000"), Some(("200", "200")));
    assert_eq!(got, (m("1800"), m("1800"), Money::ZERO));
    // Gone from the export: all it owed, lettered.
    let got = step_of(("1000", "1000"), None);
    assert_eq!(got, (m("1000"), Money::ZERO, m("1000")));
    // Paid (shown 0), its amount lowered: nothing moved; raised, the
    // complement lettered in the same export (verify 43 raise3 H1).
    let got = step_of(("1000", "0"), Some(("800", "0")));
    assert_eq!(got, (Money::ZERO, Money::ZERO, Money::ZERO));
    let got = step_of(("1000", "0"), Some(("1200", "0")));
    assert_eq!(got, (Money::ZERO, m("-200"), m("200")));
    // A lettering undone with a raise: all of it undone.
    let got = step_of(("1000", "0"), Some(("1200", "1200")));
    assert_eq!(got, (m("-1200"), m("-200"), m("-1000")));
}

#[test]
fn an_invoice_whose_early_nights_do_not_count_counts_what_it_fell_after() {
    // Lettered the night the money came, undone, lettered again: the
    // net grew by nothing after that night (verify 42 early2 L1).
    let moves = [
        mv("12-02", "F1", "1000"),
        mv("12-03", "F1", "-1000"),
        mv("12-07", "F1", "1000"),
        mv("12-02", "F2", "300"),
        mv("12-05", "F2", "200"),
    ];
    let got = net_moves(&moves, "12-02", |_| false);
    assert_eq!(got, [mv("12-05", "F2", "200")]);
    // Its early nights counting: all it fell.
    let got = net_moves(&moves, "12-02", |id| id == "F1");
    assert_eq!(got, [mv("12-05", "F2", "200"), mv("12-07", "F1", "1000")]);
}
#[test]
fn an_export_lowered_with_no_application_of_pointage_fell() {
    // 2000 open, the ERP shows 1000: it booked 1000 pointage knows nothing of.
    assert_eq!(
        fell((m("2000"), m("2000")), Some((m("2000"), m("1000"))), &[]),
        Some(m("1000"))
    );
    // Gone from the export: all it owed.
    assert_eq!(fell((m("777"), m("777")), None, &[]), Some(m("777")));
}

#[test]
fn the_erp_booking_pointages_own_application_is_no_fall() {
    // 1000, 400 applied by pointage (recorded 1000); the ERP books it.
    let events = [app("1000", "400")];
    assert_eq!(
        fell((m("1000"), m("1000")), Some((m("1000"), m("600"))), &events),
        None
    );
    // Settled by pointage, then gone from the export: nothing fell.
    let events = [app("1000", "1000")];
    assert_eq!(fell((m("1000"), m("1000")), None, &events), None);
}

#[test]
fn money_booked_by_the_erp_before_pointages_own_application_fell() {
    // 1000, 400 applied by pointage, not booked; the ERP books 300 of
    // something else instead (export 700): 300 fell.
    let events = [app("1000", "400")];
    assert_eq!(
        fell((m("1000"), m("1000")), Some((m("1000"), m("700"))), &events),
        Some(m("300"))
    );
}

#[test]
fn raised_or_unchanged_invoices_and_credit_notes_never_fell() {
    assert_eq!(
        fell((m("100"), m("100")), Some((m("100"), m("100"))), &[]),
        None
    );
    assert_eq!(
        fell((m("100"), m("100")), Some((m("150"), m("150"))), &[]),
        None
    );
    assert_eq!(fell((m("-50"), m("-50")), None, &[]), None);
}

#[test]
fn a_corrected_amount_moves_what_pointage_recorded() {
    // 1000, 600 applied (recorded 1000), corrected to 500: owed 0 now,
    // 400 then: the correction is a fall pointage does not explain.
    let events = [app("1000", "600")];
    assert_eq!(
        fell((m("1000"), m("1000")), Some((m("500"), m("500"))), &events),
        Some(m("400"))
    );
    // Raised to 1200 while the ERP books the 600: nothing fell.
    assert_eq!(
        fell((m("1000"), m("1000")), Some((m("1200"), m("600"))), &events),
        None
    );
}

#[test]
fn a_move_of_an_invoice_the_erp_moved_is_read_once_by_both_customers_by_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = crate::state::State::open(dir.path()).unwrap();
    let conn = st.conn();
    // FA1001 moved from A to B the night it fell; FB01 always B's.
    conn.execute_batch(
        "INSERT INTO erp_moves (run_date, invoice_id, customer_id, currency, fell, by_amount, moved_from)
         VALUES ('2026-12-02', 'FA1001', 'B', 'EUR', '1000.00', '0.00', 'A'),
                ('2026-12-02', 'FB01', 'B', 'EUR', '300.00', '0.00', NULL);",
    )
    .unwrap();
    let read = |who: &[&str]| {
        let who: BTreeSet<&str> = who.iter().copied().collect();
        let got = moves_of(conn, &who, "EUR", "2026-12-01", "2026-12-31").unwrap();
        got.iter()
            .map(|m| (m.invoice_id.clone(), m.fell.to_plain()))
            .collect::<Vec<_>>()
    };
    let fa1001 = || ("FA1001".to_string(), "1000.00".to_string());
    let fb01 = || ("FB01".to_string(), "300.00".to_string());
    assert_eq!(read(&["A"]), [fa1001()]);
    assert_eq!(read(&["B"]), [fa1001(), fb01()]);
    assert_eq!(read(&["A", "B"]), [fa1001(), fb01()]);
    // Read through the two customer indexes, never a scan of the history.
    let plan = crate::state::query_plan(
        conn,
        MOVES_OF,
        params!["A", "EUR", "2026-12-01", "2026-12-31"],
    );
    let uses = |index: &str| plan.iter().any(|l| l.contains(index));
    assert!(
        uses("erp_moves_customer") && uses("erp_moves_moved_from"),
        "{plan:?}"
    );
    assert!(!plan.iter().any(|l| l.starts_with("SCAN")), "{plan:?}");
}
