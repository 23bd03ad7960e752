//! What the customer's own money takes off each chased invoice: open credit
//! notes first, then money received but not yet applied (waiting for a
//! person: a suggestion among only their invoices, the rest of an
//! overpayment, a transfer from their IBAN that fits nothing). Each is set
//! against the chased invoices once — money suggested for one invoice alone
//! against that invoice first — then oldest due first, per currency (never
//! across currencies), so a call and a letter about the same invoices the
//! same day state the same amount, and the late charges run on what is left.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{DunningInvoice, Received};
use crate::money::{Currency, Money};

/// One invoice's share of the customer's money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Share {
    /// Of the open credit notes.
    pub credit: Money,
    /// Of the money received and not yet applied.
    pub received: Money,
}

impl Share {
    /// Both together, `None` on overflow.
    pub fn total(self) -> Option<Money> {
        self.credit.checked_add(self.received)
    }
}

/// Each chased invoice's share (by invoice id). `chased` need not be sorted
/// or unique.
pub(super) fn shares<'a>(
    chased: impl IntoIterator<Item = &'a DunningInvoice>,
    credit: &BTreeMap<Currency, Money>,
    received: &BTreeMap<Currency, Received>,
) -> BTreeMap<&'a str, Share> {
    let mut chased: Vec<&DunningInvoice> = chased.into_iter().collect();
    chased.sort_by(|a, b| (a.due_date, &a.invoice_id).cmp(&(b.due_date, &b.invoice_id)));
    chased.dedup_by(|a, b| a.invoice_id == b.invoice_id);
    let mut credit = credit.clone();
    let mut received: BTreeMap<Currency, Money> =
        received.iter().map(|(c, r)| (*c, r.amount)).collect();
    let take = |pool: &mut BTreeMap<Currency, Money>, currency: Currency, owed: Money| {
        let left = pool.entry(currency).or_insert(Money::ZERO);
        let used = (*left).min(owed).max(Money::ZERO);
        *left = left.checked_sub(used).unwrap_or(Money::ZERO);
        used
    };
    // Money waiting for a person that is suggested for one invoice alone
    // goes to that invoice first: the letter never names the invoice the
    // customer paid while taking the money off an older one.
    let mut first: BTreeMap<&str, Money> = BTreeMap::new();
    for inv in &chased {
        let owed = inv.waiting_for_it.min(inv.open);
        first.insert(
            inv.invoice_id.as_str(),
            take(&mut received, inv.currency, owed),
        );
    }
    let mut out = BTreeMap::new();
    for inv in chased {
        let pre = first
            .get(inv.invoice_id.as_str())
            .copied()
            .unwrap_or(Money::ZERO);
        let owed = inv.open.checked_sub(pre).unwrap_or(Money::ZERO);
        let credit_used = take(&mut credit, inv.currency, owed);
        let rest = owed.checked_sub(credit_used).unwrap_or(Money::ZERO);
        let received_used = take(&mut received, inv.currency, rest)
            .checked_add(pre)
            .unwrap_or(pre);
        out.insert(
            inv.invoice_id.as_str(),
            Share {
                credit: credit_used,
                received: received_used,
            },
        );
    }
    out
}

/// The `reason`'s note for a row asking `gross` less these shares: how much
/// of the credit notes and of the money received (and when it came) was
/// deducted. Empty when nothing was.
pub(super) fn note(
    gross: Money,
    credit: Money,
    received: Money,
    when: Option<&Received>,
) -> String {
    let mut parts = Vec::new();
    if credit.is_positive() {
        parts.push(format!("{credit} of open credit notes"));
    }
    if received.is_positive() {
        let dates = match when {
            Some(r) if r.first == r.last => format!(" on {}", r.first),
            Some(r) => format!(" from {} to {}", r.first, r.last),
            None => String::new(),
        };
        let by_name = if when.is_some_and(|r| r.by_name) {
            "; taken as theirs by the payer's name"
        } else {
            ""
        };
        parts.push(format!(
            "{received} received{dates} and not yet applied (waiting for a person{by_name})"
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("; {gross} less {}", parts.join(" and "))
}

impl Received {
    /// `amount` received on `date`.
    pub fn on(amount: Money, date: NaiveDate) -> Received {
        Received {
            amount,
            first: date,
            last: date,
            by_name: false,
        }
    }

    /// Adds `amount` received on `date` (saturating on overflow, as the
    /// sum is only ever compared with what is owed).
    pub fn add(&mut self, amount: Money, date: NaiveDate) {
        self.amount = self.amount.checked_add(amount).unwrap_or(self.amount);
        self.first = self.first.min(date);
        self.last = self.last.max(date);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv(id: &str, due: &str, open: &str, currency: Currency) -> DunningInvoice {
        DunningInvoice {
            invoice_id: id.into(),
            due_date: due.parse().unwrap(),
            open: open.parse().unwrap(),
            currency,
            disputed: false,
            discount_percent: None,
            suggested_since: None,
            waiting_for_it: Money::ZERO,
            held: false,
            formal_held: false,
            steps_done: BTreeMap::new(),
            promise: super::super::Promise::None,
            ladder_from: None,
            notice_delay: None,
            formal_notice_sent: None,
            handover_sent: None,
            returned_on: None,
        }
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn credit_notes_then_money_received_oldest_due_first_per_currency() {
        let a = inv("A", "2026-10-01", "300", Currency::EUR);
        let b = inv("B", "2026-09-01", "200", Currency::EUR);
        let c = inv("C", "2026-11-01", "500", Currency::EUR);
        let usd = Currency::parse("USD").unwrap();
        let u = inv("U", "2026-08-01", "100", usd);
        let credit = BTreeMap::from([(Currency::EUR, m("250"))]);
        let received = BTreeMap::from([(
            Currency::EUR,
            Received::on(m("400"), "2026-11-02".parse().unwrap()),
        )]);
        let s = shares([&a, &c, &b, &a, &u], &credit, &received);
        let got = |id: &str| (s[id].credit, s[id].received);
        // B (oldest): 200 of credit notes; A: the 50 left of them, then 250
        // received; C: the 150 received left. USD: nothing (no USD money).
        assert_eq!(got("B"), (m("200"), m("0")));
        assert_eq!(got("A"), (m("50"), m("250")));
        assert_eq!(got("C"), (m("0"), m("150")));
        assert_eq!(got("U"), (m("0"), m("0")));
    }

    #[test]
    fn money_suggested_for_one_invoice_goes_to_it_first() {
        // Verify 43 raise4 H1: 200 held, suggested for C (200) alone; B,
        // older, is owed in full and C, which the customer paid, nothing.
        let b = inv("B", "2026-09-01", "1500", Currency::EUR);
        let mut c = inv("C", "2026-11-01", "200", Currency::EUR);
        c.waiting_for_it = m("200");
        let received = BTreeMap::from([(
            Currency::EUR,
            Received::on(m("300"), "2026-11-02".parse().unwrap()),
        )]);
        let s = shares([&b, &c], &BTreeMap::new(), &received);
        assert_eq!(s["C"].received, m("200"));
        // The rest of the money, oldest first.
        assert_eq!(s["B"].received, m("100"));
        // Never more than the invoice owes, nor than the money there is.
        c.waiting_for_it = m("900");
        let s = shares([&b, &c], &BTreeMap::new(), &received);
        assert_eq!((s["C"].received, s["B"].received), (m("200"), m("100")));
        let little = BTreeMap::from([(
            Currency::EUR,
            Received::on(m("50"), "2026-11-02".parse().unwrap()),
        )]);
        let s = shares([&b, &c], &BTreeMap::new(), &little);
        assert_eq!((s["C"].received, s["B"].received), (m("50"), m("0")));
    }

    #[test]
    fn the_note_says_what_was_deducted_and_when_it_came() {
        let mut r = Received::on(m("100"), "2026-11-05".parse().unwrap());
        assert_eq!(note(m("500"), m("0"), m("0"), Some(&r)), "");
        assert_eq!(
            note(m("500"), m("0"), m("100"), Some(&r)),
            "; 500.00 less 100.00 received on 2026-11-05 and not yet applied (waiting for a person)"
        );
        r.add(m("50"), "2026-11-02".parse().unwrap());
        assert_eq!(
            note(m("500"), m("20"), m("150"), Some(&r)),
            "; 500.00 less 20.00 of open credit notes and 150.00 received from 2026-11-02 to \
             2026-11-05 and not yet applied (waiting for a person)"
        );
        // Review "life" L1: money the customer's by the payer's name.
        r.by_name = true;
        assert_eq!(
            note(m("500"), m("0"), m("150"), Some(&r)),
            "; 500.00 less 150.00 received from 2026-11-02 to 2026-11-05 and not yet applied \
             (waiting for a person; taken as theirs by the payer's name)"
        );
    }
}
