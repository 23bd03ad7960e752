//! The entry an entry-level finding (`balance_mismatch`: an entry's details
//! not adding up to what the bank booked) is about, for its alert's
//! columns: the entry's booked amount in its own currency (a USD entry of
//! an EUR statement is shown in USD), and its payment's transaction id
//! when it details exactly one (the difference the parser adds as a
//! transaction of its own aside: the payment is what a person checks). An
//! entry detailing several payments leaves `entry_id` empty: the column
//! names one transaction, and a decision on it would touch only that one;
//! the message names the entry by its bank reference.

use crate::alerts::Alert;
use crate::statement::{Entry, Finding, Statement};

/// The statement's entry `f` is about: the one whose bank reference the
/// parser's message names (`entry {reference}: …`), else the one on the
/// finding's line; none when that does not single one out.
fn entry_of<'a>(statement: &'a Statement, f: &Finding) -> Option<&'a Entry> {
    let single = |v: Vec<&'a Entry>| match v.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let named: Vec<&Entry> = statement
        .entries
        .iter()
        .filter(|e| {
            e.bank_ref
                .as_deref()
                .is_some_and(|r| f.message.starts_with(&format!("entry {r}: ")))
        })
        .collect();
    if !named.is_empty() {
        return single(named);
    }
    single(
        statement
            .entries
            .iter()
            .filter(|e| e.line == f.location.line)
            .collect(),
    )
}

/// Fills `a`'s amount (the entry's booked amount) and currency (the
/// entry's own, else the statement's: review 38 banks F2) and, for an
/// entry detailing one payment, its `entry_id`.
pub fn describe(statement: &Statement, f: &Finding, a: &mut Alert) {
    let Some(entry) = entry_of(statement, f) else {
        return;
    };
    a.amount = Some(entry.amount);
    a.currency = Some(statement.currency_of(entry));
    let mut ids = entry
        .transactions
        .iter()
        .filter(|t| !t.difference)
        .map(|t| t.entry_id.as_str());
    if let Some(first) = ids.next()
        && ids.all(|id| id == first)
    {
        a.entry_id = first.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::AlertKind;
    use crate::money::{Currency, Money};
    use crate::statement::{
        Account, BankCode, EntryStatus, FindingKind, Location, SourceFormat, Transaction, TxKind,
    };

    fn statement(entry_ccy: Option<&str>) -> Statement {
        let amount = Money::from_scaled(100_000, 2).unwrap();
        Statement {
            format: SourceFormat::Camt053 { version: 8 },
            id: "S1".into(),
            sequence: None,
            account: Account::default(),
            currency: Currency::EUR,
            opening: None,
            closing: None,
            from_date: None,
            to_date: None,
            entries: vec![Entry {
                booking_date: None,
                value_date: None,
                amount,
                currency: entry_ccy.and_then(Currency::parse),
                status: EntryStatus::Booked,
                reversal: false,
                bank_ref: Some("BQ1".into()),
                bank_code: BankCode::None,
                kind: TxKind::CreditTransferIn,
                additional_info: None,
                transactions: vec![Transaction {
                    entry_id: "BQ1".into(),
                    amount,
                    ..Default::default()
                }],
                line: 7,
            }],
            line: 3,
        }
    }

    fn alert_of(s: &Statement) -> Alert {
        let f = Finding::new(
            FindingKind::BalanceMismatch,
            Location::default(),
            "entry BQ1: 2 transactions sum to 1750.00, entry amount 1000.00",
        );
        // As `findings_to_alerts` builds it: the statement's currency first.
        let mut a = Alert::new(AlertKind::BalanceMismatch, "k", "m");
        a.currency = Some(s.currency);
        describe(s, &f, &mut a);
        a
    }

    #[test]
    fn an_entry_in_another_currency_is_shown_in_its_own() {
        let a = alert_of(&statement(Some("USD")));
        assert_eq!(a.currency, Currency::parse("USD"));
        assert_eq!(a.amount.map(|m| m.to_plain()).as_deref(), Some("1000.00"));
        assert_eq!(a.entry_id, "BQ1");
        // An entry without a currency of its own is in its statement's.
        assert_eq!(alert_of(&statement(None)).currency, Some(Currency::EUR));
    }
}
