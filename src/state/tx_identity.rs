//! Whether a transaction arriving under an id state holds is the one held
//! (delivered again, or the statement entry a notification detailed) or
//! another payment under a reused reference, and the distinct id the latter
//! is stored under (rules in [`super::statements`]'s module doc).

use rusqlite::{Connection, OptionalExtension, params};

use crate::statement::{EntryStatus, Statement};

/// A transaction held in state, as far as telling whether another
/// delivery is the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Held {
    statement_id: String,
    notification: bool,
    booked: bool,
    booking_date: Option<String>,
    value_date: Option<String>,
    amount: String,
    currency: String,
    end_to_end_id: Option<String>,
    counterparty_iban: Option<String>,
    counterparty_name: Option<String>,
    /// What the bank said of it: its texts as stored (`" | "`-joined).
    remittance: String,
}

pub(super) fn held(
    conn: &Connection,
    account: &str,
    entry_id: &str,
) -> rusqlite::Result<Option<Held>> {
    conn.prepare_cached(
        "SELECT statement_id, notification, status, booking_date, value_date, amount, currency,
             end_to_end_id, counterparty_iban, counterparty_name, remittance
         FROM transactions WHERE account = ?1 AND entry_id = ?2",
    )?
    .query_row(params![account, entry_id], |r| {
        Ok(Held {
            statement_id: r.get(0)?,
            notification: r.get(1)?,
            booked: r.get::<_, String>(2)? == EntryStatus::Booked.as_str(),
            booking_date: r.get(3)?,
            value_date: r.get(4)?,
            amount: r.get(5)?,
            currency: r.get(6)?,
            end_to_end_id: r.get(7)?,
            counterparty_iban: r.get(8)?,
            counterparty_name: r.get(9)?,
            remittance: r.get(10)?,
        })
    })
    .optional()
}

/// A value a bank really gave (not empty, not a placeholder).
fn known(s: Option<&str>) -> Option<&str> {
    crate::statement::given_reference(s)
}

/// Two values that do not contradict each other: equal (spaces and case
/// aside), or one of them not given.
fn agree(a: Option<&str>, b: Option<&str>) -> bool {
    same(a, b).unwrap_or(true)
}

/// Whether two values both given are equal (spaces and case aside);
/// `None` when either is not given.
fn same(a: Option<&str>, b: Option<&str>) -> Option<bool> {
    Some(squash(known(a)?) == squash(known(b)?))
}

/// What tells one payment from another under a shared id.
struct Facts<'a> {
    booking: Option<String>,
    value: Option<String>,
    amount: String,
    end_to_end_id: Option<&'a str>,
    iban: Option<&'a str>,
    name: Option<&'a str>,
}

/// Whether an end-to-end id given on both sides says "the same payment"
/// when equal ([`crate::statement::is_real_id`]).
fn strong_end_to_end(id: Option<&str>) -> bool {
    crate::statement::is_real_id(id)
}

/// Whether two end-to-end ids are one real id ([`strong_end_to_end`]),
/// spaces and case aside: the one payment, whatever days or ids the bank
/// gave its notification and its booking.
pub fn same_strong_end_to_end(a: Option<&str>, b: Option<&str>) -> bool {
    strong_end_to_end(a) && same(a, b) == Some(true)
}

impl<'a> Facts<'a> {
    fn of(entry: &crate::statement::Entry, tx: &'a crate::statement::Transaction) -> Self {
        Facts {
            booking: entry.booking_date.map(|d| d.to_string()),
            value: entry.value_date.map(|d| d.to_string()),
            amount: tx.amount.to_plain(),
            end_to_end_id: tx.end_to_end_id.as_deref(),
            iban: tx.counterparty.iban.as_deref(),
            name: tx.counterparty.name.as_deref(),
        }
    }

    fn of_held(h: &'a Held) -> Self {
        Facts {
            booking: h.booking_date.clone(),
            value: h.value_date.clone(),
            amount: h.amount.clone(),
            end_to_end_id: h.end_to_end_id.as_deref(),
            iban: h.counterparty_iban.as_deref(),
            name: h.counterparty_name.as_deref(),
        }
    }

    /// Another payment than `other` under the bank reference they share
    /// (the same entry, unless something says otherwise), in this order:
    /// 1. contradicting end-to-end ids (both given) make it another;
    /// 2. an equal end-to-end id ([`strong_end_to_end`]) makes it the same
    ///    payment whatever else differs (a fee taken, a day later, the payer's
    ///    account written otherwise), unless the payer's IBAN and name both
    ///    contradict;
    /// 3. a contradicting payer — IBANs both given and different, or names
    ///    plainly of two payers ([`super::payer_names::differ`], even from
    ///    one account: a factor or a parent company paying for two) — makes
    ///    it another, and so do days more than [`MAX_BOOKING_LAG_DAYS`]
    ///    apart;
    /// 4. the same payer shown (an equal IBAN, or names plainly of one payer)
    ///    with the booked amount the notified one less a fee ([`fee_apart`];
    ///    `self` is the notified side) makes it the same payment: the bank's
    ///    entry, booked net of a fee or a day later, which
    ///    `booked_amount_differs` puts before a person;
    /// 5. otherwise both the day and the amount differing make it another
    ///    (a customer's second instalment).
    fn another_payment(&self, other: &Facts<'_>) -> bool {
        let e2e = same(self.end_to_end_id, other.end_to_end_id);
        if e2e == Some(false) {
            return true;
        }
        let iban = same(self.iban, other.iban);
        let name_differs = super::payer_names::differ(self.name, other.name);
        if e2e == Some(true) && strong_end_to_end(self.end_to_end_id) {
            return iban == Some(false) && name_differs;
        }
        if iban == Some(false) || name_differs {
            return true;
        }
        let day = |f: &Facts<'_>| {
            f.booking
                .as_deref()
                .or(f.value.as_deref())
                .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
        };
        if let (Some(a), Some(b)) = (day(self), day(other))
            && (a - b).num_days().abs() > MAX_BOOKING_LAG_DAYS
        {
            return true;
        }
        let same_payer = iban == Some(true) || super::payer_names::same(self.name, other.name);
        if same_payer && fee_apart(&self.amount, &other.amount) {
            return false;
        }
        let other_day = match (self.booking.as_deref(), other.booking.as_deref()) {
            (Some(a), Some(b)) => a != b,
            _ => !agree(self.value.as_deref(), other.value.as_deref()),
        };
        other_day && self.amount != other.amount
    }
}

/// Days between a notified payment's day and its booking beyond which they
/// are two payments (a weekend and a bank holiday fit within).
const MAX_BOOKING_LAG_DAYS: i64 = 5;

/// Whether the booked amount is the notified one with a bank's fee taken:
/// of the same sign, a credit short of it or a debit beyond it by at most
/// 0.5 % of it, 3.00 at least and 100.00 at most (997.50 booked for
/// 1,000.00 notified, 9,970.00 for 10,000.00, −1,003.00 for −1,000.00),
/// never a second instalment (300.00 for 500.00, 15.00 for 20.00) nor a
/// fiftieth of a large payment.
fn fee_apart(notified: &str, booked: &str) -> bool {
    use rust_decimal::Decimal;
    let (Ok(n), Ok(b)) = (notified.parse::<Decimal>(), booked.parse::<Decimal>()) else {
        return false;
    };
    if n.is_sign_negative() != b.is_sign_negative() {
        return false;
    }
    // What the fee took: off a credit, on top of a debit.
    let fee = if n.is_sign_negative() {
        b.abs() - n.abs()
    } else {
        n - b
    };
    let limit = (n.abs() * Decimal::new(5, 3))
        .max(Decimal::new(3, 0))
        .min(Decimal::new(100, 0));
    fee >= Decimal::ZERO && fee <= limit
}

/// Whether a statement's transaction under an id a notification (camt.054
/// or 052) holds, or under its entry's bank reference, is another payment
/// than the notified one (`Facts::another_payment`: contradicting
/// end-to-end ids; without an equal, real end-to-end id, a contradicting
/// payer, or both the day and the amount differing). A day alone is not
/// enough (a notification may give a day the statement books later), nor an
/// amount alone (the booked amount replaces a notified one:
/// `nightly::link::rebook`). Such a transaction is stored under a distinct
/// id, and never linked to that notification.
pub fn another_than_notified(
    notified: (&crate::statement::Entry, &crate::statement::Transaction),
    booked: (&crate::statement::Entry, &crate::statement::Transaction),
) -> bool {
    Facts::of(notified.0, notified.1).another_payment(&Facts::of(booked.0, booked.1))
}

/// Whether a transaction held in state and one arriving are the same
/// transaction delivered twice (an intraday then an end-of-day statement, a
/// day reissued under a new statement id): the same signed amount and
/// currency, the same booking date (else value date) when both have one, the
/// same end-to-end id and counterparty IBAN when both have one, and not
/// plainly another payer ([`says_otherwise`]). A bank sending a transaction
/// again sends the same payment, maybe worded otherwise; another payment
/// under a reused reference (a CFONB reference zone of zeros, `NtryRef`
/// numbered from 1 in every statement) differs at least in its day, amount
/// or payer (review 38 banks F7, F8).
pub(super) fn same_transaction(
    held: &Held,
    entry: &crate::statement::Entry,
    tx: &crate::statement::Transaction,
    currency: &str,
) -> bool {
    let booking = entry.booking_date.map(|d| d.to_string());
    let value = entry.value_date.map(|d| d.to_string());
    let day = match (held.booking_date.as_deref(), booking.as_deref()) {
        (Some(a), Some(b)) => a == b,
        _ => agree(held.value_date.as_deref(), value.as_deref()),
    };
    held.amount == tx.amount.to_plain()
        && held.currency == currency
        && day
        && agree(held.end_to_end_id.as_deref(), tx.end_to_end_id.as_deref())
        && agree(
            held.counterparty_iban.as_deref(),
            tx.counterparty.iban.as_deref(),
        )
        && !says_otherwise(held, entry, tx)
}

/// Whether two transactions under one id are plainly two payments: their
/// payer names (the counterparty's, else the one a transfer label such as
/// `VIR SEPA ALPHA SARL` gives), both given, name two payers once case,
/// accents, punctuation, legal forms and word order are put aside, and
/// neither is the other cut short; or their texts quote numbers (invoices,
/// references) and none in common. Not the wording: one payment's texts and
/// codes are worded otherwise from one delivery to the next (a label split
/// over two lines, a complement reworded: verify 38 V1). A real end-to-end
/// id both sides give alike says it is one payment whatever else; a payer
/// IBAN both give alike, one payer whatever its names.
fn says_otherwise(
    held: &Held,
    entry: &crate::statement::Entry,
    tx: &crate::statement::Transaction,
) -> bool {
    if same_strong_end_to_end(held.end_to_end_id.as_deref(), tx.end_to_end_id.as_deref()) {
        return false;
    }
    // The same payer account: one payer, whatever its names say.
    let one_payer = same(
        held.counterparty_iban.as_deref(),
        tx.counterparty.iban.as_deref(),
    ) == Some(true);
    let given = |s: Option<&str>| {
        known(s)
            .map(crate::matching::payer::normalize_name)
            .filter(|n| !n.is_empty())
    };
    let from_label = |texts: Vec<&str>| -> Option<String> {
        texts
            .into_iter()
            .find_map(crate::matching::payer::name_in_label)
    };
    let pair: Option<(String, String)> = match (
        given(held.counterparty_name.as_deref()),
        given(tx.counterparty.name.as_deref()),
    ) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => from_label(held.remittance.split(" | ").collect()).zip(from_label(tx.texts(entry))),
    };
    if !one_payer && pair.is_some_and(|(a, b)| two_payers(&a, &b)) {
        return true;
    }
    // The numbers the texts quote (invoices, references), when both quote
    // some and none in common: another invoice paid, another payment. A
    // delivery reworded keeps the numbers it quotes.
    quote_other_numbers(held.remittance.split(" | "), tx.texts(entry).into_iter())
}

/// Whether two payments' texts both quote numbers (invoices, references)
/// and none in common: another invoice paid, so another payment, even from
/// the same payer (a delivery reworded keeps the numbers it quotes).
fn quote_other_numbers<'a, 'b>(
    a: impl Iterator<Item = &'a str>,
    b: impl Iterator<Item = &'b str>,
) -> bool {
    let (a, b) = (Numbers::of(a), Numbers::of(b));
    a.runs().next().is_some() && b.runs().next().is_some() && !a.shares(&b)
}

/// The numbers texts quote: every run of digits, in order (a reference cut
/// otherwise from one delivery to the next, `RF18539007547034` and `RF18
/// 5390 0754 7034`, or an invoice number cut over two lines, is the same
/// number: verify 38 rounds 3 and 5).
struct Numbers {
    pieces: Vec<String>,
}

impl Numbers {
    fn of<'a>(texts: impl Iterator<Item = &'a str>) -> Numbers {
        let mut pieces = Vec::new();
        for t in texts {
            for run in t.split(|c: char| !c.is_ascii_digit()) {
                if !run.is_empty() {
                    pieces.push(run.to_string());
                }
            }
        }
        Numbers { pieces }
    }

    /// The numbers of two digits or more.
    fn runs(&self) -> impl Iterator<Item = &str> {
        self.pieces
            .iter()
            .map(String::as_str)
            .filter(|p| p.len() >= 2)
    }

    /// Whether they quote a number in common: the same number (leading
    /// zeros aside), or a number of three digits or more one of them writes
    /// whole and the other in consecutive pieces (`12345`, `12` `345`).
    /// Never a number inside another (`45` is not `145`: round 4).
    fn shares(&self, other: &Numbers) -> bool {
        let trim = |r: &str| r.trim_start_matches('0').to_string();
        let mine: std::collections::BTreeSet<String> = self.runs().map(trim).collect();
        if other.runs().any(|r| mine.contains(&trim(r))) {
            return true;
        }
        let cut = |whole: &Numbers, pieces: &Numbers| {
            whole.runs().filter(|r| r.len() >= 3).any(|r| {
                (0..pieces.pieces.len()).any(|i| {
                    let mut joined = String::new();
                    pieces.pieces[i..].iter().enumerate().any(|(k, p)| {
                        joined.push_str(p);
                        k >= 1 && joined == r
                    })
                })
            })
        };
        cut(self, other) || cut(other, self)
    }
}

/// Whether two normalised payer names are two payers: not the same words,
/// and neither the other cut short.
fn two_payers(a: &str, b: &str) -> bool {
    let sorted = |n: &str| {
        let mut w: Vec<&str> = n.split_whitespace().collect();
        w.sort_unstable();
        w.join(" ")
    };
    !(sorted(a) == sorted(b) || a.starts_with(b) || b.starts_with(a))
}

/// A value with its spaces dropped, in upper case.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether `held_in` is another block of the CFONB day `statement` is a
/// block of (`{base}` or `{base}-k`). The import only stores a block the
/// day's other blocks do not already hold (a block re-sent, a part of the
/// day or a corrected one never gets here: `nightly::delivery`), so a line
/// identical to one of a sibling block — the same label, amount and blank
/// reference, hence the same `FP-…-1` id, which counts identical lines per
/// block — is another payment (a customer's second instalment of the day),
/// never the first delivered again.
fn sibling_block(held_in: &str, statement: &Statement) -> bool {
    if statement.format != crate::statement::SourceFormat::Cfonb120 {
        return false;
    }
    let base = crate::formats::cfonb120::statement_id(statement);
    let of_day = |id: &str| crate::formats::cfonb120::is_block_of(id, &base);
    held_in != statement.id && of_day(held_in) && of_day(&statement.id)
}

/// The id a statement's transaction is stored under when `entry_id` is held
/// by a different transaction of another statement, or by a notification of
/// another payment (see the module doc), or `None` when it is that
/// transaction, the notified one, or one the statement may replace: then the
/// insert's own rule stands.
pub(super) fn distinct_id(
    conn: &Connection,
    account: &str,
    statement: &Statement,
    entry: &crate::statement::Entry,
    tx: &crate::statement::Transaction,
) -> rusqlite::Result<Option<String>> {
    let currency = statement.currency_of(entry);
    let currency = currency.as_str();
    let Some(h) = held(conn, account, &tx.entry_id)? else {
        return Ok(None);
    };
    // A notification arriving after the statement row of its id is that
    // row's detail, and a statement row arriving after the notification of
    // its id the notified payment, unless plainly another payment (a reused
    // reference: Alpha notified, Beta booked): then the newcomer is stored
    // under its own id, in either order.
    let another = || Facts::of_held(&h).another_payment(&Facts::of(entry, tx));
    let same = if statement.format.is_notification() {
        // (The notified side first, as everywhere.)
        h.notification || !h.booked || !Facts::of(entry, tx).another_payment(&Facts::of_held(&h))
    } else if h.notification {
        // (The statement row of a notified payment: only the identity rule
        // decides, never the same day and amount alone, review 27 #4.)
        !h.booked || h.statement_id == statement.id || !another()
    } else if !h.booked || h.statement_id == statement.id {
        true
    } else {
        same_transaction(&h, entry, tx, currency)
            && !sibling_block(&h.statement_id, statement)
            && !super::continuation::continues(conn, account, &h.statement_id, statement, currency)?
    };
    if same {
        return Ok(None);
    }
    let day = entry
        .booking_date
        .or(entry.value_date)
        .map_or_else(|| "0".to_string(), |d| d.format("%Y%m%d").to_string());
    let base = format!("{}~{day}", tx.entry_id);
    let mut k = 1u64;
    loop {
        let candidate = if k == 1 {
            base.clone()
        } else {
            format!("{base}~{k}")
        };
        match held(conn, account, &candidate)? {
            None => return Ok(Some(candidate)),
            // (A sibling block's copy is another payment again: a third
            // instalment of the day.)
            Some(h)
                if same_transaction(&h, entry, tx, currency)
                    && !sibling_block(&h.statement_id, statement)
                    && !super::continuation::continues(
                        conn,
                        account,
                        &h.statement_id,
                        statement,
                        currency,
                    )? =>
            {
                return Ok(Some(candidate));
            }
            Some(_) => k += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(
        day: &str,
        amount: &str,
        e2e: Option<&'a str>,
        iban: Option<&'a str>,
    ) -> Facts<'a> {
        Facts {
            booking: Some(day.into()),
            value: None,
            amount: amount.into(),
            end_to_end_id: e2e,
            iban,
            name: None,
        }
    }

    const ALPHA: Option<&str> = Some("FR7630006000011234567890189");
    const BETA: Option<&str> = Some("DE89370400440532013000");

    #[test]
    fn the_numbers_texts_quote() {
        let n = |t: &[&str]| Numbers::of(t.iter().copied());
        assert!(n(&["FACT F45 ACOMPTE", "1/2"]).shares(&n(&["FACT. F045"])));
        assert!(!n(&["FACT F45"]).shares(&n(&["FACTURE F46"])));
        // One reference cut otherwise.
        assert!(n(&["RF18539007547034"]).shares(&n(&["RF18 5390 0754 7034"])));
        assert!(n(&["FA20261", "10045"]).shares(&n(&["FA2026110045"])));
        assert!(n(&["VIR SEPA ALPHA"]).runs().next().is_none());
        // Short numbers are not looked for inside others.
        assert!(!n(&["FACT F45"]).shares(&n(&["FACT F145"])));
        assert!(!n(&["FACT F12"]).shares(&n(&["FACT F31 F23"])));
        assert!(!n(&["FACT F20"]).shares(&n(&["FACT F46 NOV 2026"])));
        assert!(!n(&["RF18539007547034"]).shares(&n(&["RF71 5390 0754 7035"])));
        // Round 5: a number cut over two lines while another changes; a
        // number inside a longer one; digits alike by chance.
        assert!(n(&["FACT 12345 ACOMPTE 1"]).shares(&n(&["FACT 12", "345 ACOMPTE"])));
        assert!(!n(&["F123456"]).shares(&n(&["F1234567"])));
        assert!(!n(&["FACT F1 F23"]).shares(&n(&["FACT F12 F3"])));
    }

    #[test]
    fn payer_names_are_two_payers_only_when_plainly_two() {
        let n = crate::matching::payer::normalize_name;
        for (a, b) in [
            ("ALPHA SARL", "ALPHA S.A.R.L."),
            ("ALPHA SARL", "SARL ALPHA"),
            ("ALPHA SARL", "Alpha SàRL"),
            ("ALPHA INDUSTRIE", "ALPHA INDUS"),
        ] {
            assert!(!two_payers(&n(a), &n(b)), "{a} / {b}");
        }
        assert!(two_payers(&n("ALPHA SARL"), &n("GAMMA SA")));
        // From transfer labels when no name is given.
        let label = |t: &str| crate::matching::payer::name_in_label(t).unwrap();
        assert!(!two_payers(
            &label("VIR SEPA ALPHA SARL"),
            &label("VIR SEPA ALPHA SARL.")
        ));
        assert!(two_payers(
            &label("VIR SEPA ALPHA SARL"),
            &label("VIR SEPA GAMMA SA")
        ));
    }

    #[test]
    fn one_payment_notified_then_booked_a_day_later_with_a_fee_is_one() {
        let notified = facts("2026-11-18", "1000.00", Some("E2E-A"), ALPHA);
        let booked = facts("2026-11-19", "997.50", Some("E2E-A"), ALPHA);
        assert!(!notified.another_payment(&booked));
    }

    #[test]
    fn a_placeholder_end_to_end_id_never_makes_two_payers_one() {
        // Review 25 #1: Alpha's 1000.00 and Beta's 750.00 under one bank
        // reference, both "NONREF": Beta's replaced Alpha's.
        for placeholder in ["NONREF", "NOTPROVIDED", "nonref", " NONE "] {
            let a = facts("2026-11-18", "1000.00", Some(placeholder), ALPHA);
            let b = facts("2026-11-18", "750.00", Some(placeholder), BETA);
            assert!(a.another_payment(&b), "{placeholder}");
            // Nor one payer's two: with no id, the same payer under one
            // bank reference is one entry (see below), and with nothing
            // about the payer, another day and amount make two.
            let c = facts("2026-11-20", "300.00", Some(placeholder), None);
            assert!(a.another_payment(&c), "{placeholder}");
        }
    }

    fn named<'a>(mut f: Facts<'a>, name: &'a str) -> Facts<'a> {
        f.name = Some(name);
        f
    }

    #[test]
    fn a_real_end_to_end_id_outweighs_a_payer_account_written_otherwise() {
        // Review 26 #3: the same reference, end-to-end id, day and amount,
        // the payer's IBAN given otherwise: one payment, not 1000.00 twice.
        let notified = named(
            facts("2026-11-18", "1000.00", Some("E2E-A"), ALPHA),
            "ALPHA SARL",
        );
        let booked = named(facts("2026-11-18", "1000.00", Some("E2E-A"), BETA), "Alpha");
        assert!(!notified.another_payment(&booked));
        // Both the account and the name of another payer: two payments.
        let beta = named(
            facts("2026-11-18", "1000.00", Some("E2E-A"), BETA),
            "BETA SAS",
        );
        assert!(notified.another_payment(&beta));
    }

    #[test]
    fn a_weak_end_to_end_id_never_makes_two_named_payers_one() {
        // Review 26 #7: `1` or `NOREF` on both sides, no IBAN on one side,
        // ALPHA and BETA: Beta's 750.00 replaced Alpha's 1000.00.
        for weak in ["1", "NOREF", "00001", "REF"] {
            let alpha = named(
                facts("2026-11-18", "1000.00", Some(weak), ALPHA),
                "ALPHA SARL",
            );
            let beta = named(facts("2026-11-18", "750.00", Some(weak), None), "BETA SAS");
            assert!(alpha.another_payment(&beta), "{weak}");
            // One payer's name written otherwise is no contradiction.
            let again = named(
                facts("2026-11-18", "1000.00", Some(weak), None),
                "SARL ALPHA",
            );
            assert!(!alpha.another_payment(&again), "{weak}");
        }
    }

    #[test]
    fn one_payers_second_instalment_is_never_taken_for_a_fee() {
        // Review 27 #2: 500.00 notified, 300.00 booked two days later, the
        // same IBAN, no end-to-end id: two payments (200.00 left, not 700.00).
        let first = facts("2026-11-18", "500.00", None, ALPHA);
        let second = facts("2026-11-20", "300.00", None, ALPHA);
        assert!(first.another_payment(&second));
        // The same amount a week later: another payment too.
        let week = facts("2026-11-25", "500.00", None, ALPHA);
        assert!(first.another_payment(&week));
        // Two customers named alike by a title: never one payer (#3).
        let dupont = named(facts("2026-11-18", "1000.00", None, None), "MME DUPONT");
        let martin = named(facts("2026-11-20", "750.00", None, BETA), "MME MARTIN");
        assert!(dupont.another_payment(&martin));
        // One IBAN, the name written otherwise, a fee a day later: one.
        let li = named(facts("2026-11-18", "1000.00", None, ALPHA), "MME LI");
        let xiaoming = named(facts("2026-11-19", "997.50", None, ALPHA), "XIAOMING LI");
        assert!(!li.another_payment(&xiaoming));
    }

    #[test]
    fn a_fee_is_small_and_only_ever_taken_off() {
        // Review 28 #2: 60.00 + 40.00, 1040.00 booked for 1000.00 notified,
        // 9800.00 for 10000.00 were all taken for a fee.
        assert!(fee_apart("1000.00", "997.50"));
        assert!(fee_apart("100.00", "97.50"));
        assert!(!fee_apart("60.00", "40.00"));
        assert!(!fee_apart("1000.00", "1040.00"));
        assert!(!fee_apart("10000.00", "9800.00"));
        assert!(fee_apart("10000.00", "9970.00"));
        assert!(!fee_apart("-100.00", "97.50"));
        // Review 29 #5, #6: a debit's fee is on top; small instalments are
        // no fee.
        assert!(fee_apart("-1000.00", "-1003.00"));
        assert!(!fee_apart("-1000.00", "-997.00"));
        assert!(!fee_apart("20.00", "15.00"));
        // One account, two payers named plainly otherwise (a factor): two
        // payments (review 28 #5).
        let alpha = named(facts("2026-11-18", "1000.00", None, ALPHA), "ALPHA SARL");
        let beta = named(facts("2026-11-18", "1000.00", None, ALPHA), "BETA SAS");
        assert!(alpha.another_payment(&beta));
    }

    #[test]
    fn one_customers_two_instalments_are_two_payments_when_their_ids_say_so() {
        // Review 25 #2: 500.00 notified, 300.00 booked two days later from
        // the same IBAN with their own end-to-end ids: two payments.
        let second = facts("2026-11-20", "300.00", Some("E2E-2"), ALPHA);
        let first = facts("2026-11-18", "500.00", Some("E2E-1"), ALPHA);
        assert!(first.another_payment(&second));
        // Without ids, the same payer under one bank reference is one entry
        // the bank changed (review 26 #4: 1000.00 notified, 997.50 booked a
        // day later): `booked_amount_differs` for a person, never 997.50
        // counted beside 1000.00.
        let notified = facts("2026-11-18", "1000.00", None, ALPHA);
        let booked = facts("2026-11-19", "997.50", Some("NOTPROVIDED"), ALPHA);
        assert!(!notified.another_payment(&booked));
        let notified = named(facts("2026-11-18", "1000.00", None, None), "ALPHA SARL");
        let booked = named(facts("2026-11-19", "997.50", None, ALPHA), "Alpha");
        assert!(!notified.another_payment(&booked));
        // Nothing about the payer on one side, another day and amount:
        // another payment.
        let bare = facts("2026-11-20", "300.00", None, None);
        assert!(first.another_payment(&bare));
        // The same amount a day later with nothing else: the booking of the
        // notified payment (a notification may give an earlier day).
        let booked = facts("2026-11-19", "500.00", None, None);
        assert!(!first.another_payment(&booked));
    }
}
