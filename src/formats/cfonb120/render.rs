//! Writing statements back as CFONB 120 text (CRLF line ends): used by the
//! round-trip property test and the synthetic generator.
//!
//! Writes what the parser reads: account fields, balances and dates, and per
//! entry its codes, dates, reject reason, label, amount, reference, then one
//! 05 per raw complement (`Transaction::complements`). Mapped fields (names,
//! end-to-end ids…) come back from the complements when read again. Each
//! record gets the currency's usual number of decimals, or more if its amount
//! needs them. Text is cut to its zone; control characters become spaces. An
//! amount that cannot be written exactly in 14 digits is written as `?`s, so
//! that reading the file back fails rather than giving a wrong amount.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::amount;
use crate::money::{Currency, Money};
use crate::statement::{BankCode, Entry, Statement};

/// CFONB 120 text for the statements, one 01…07 block each, in order.
pub fn render(statements: &[Statement]) -> String {
    let records: usize = statements
        .iter()
        .map(|s| {
            2 + s
                .transactions()
                .map(|(_, t)| 1 + t.complements.len())
                .sum::<usize>()
        })
        .sum();
    let mut out = String::with_capacity(records * 122);
    for s in statements {
        render_statement(&mut out, s);
    }
    out
}

struct Head<'a> {
    bank: &'a str,
    branch: &'a str,
    account: &'a str,
    currency: Currency,
}

fn render_statement(out: &mut String, s: &Statement) {
    let head = Head {
        bank: s.account.bank_code.as_deref().unwrap_or(""),
        branch: s.account.branch_code.as_deref().unwrap_or(""),
        account: s.account.account_number.as_deref().unwrap_or(""),
        currency: s.currency,
    };
    let opening = s.opening.map_or(Money::ZERO, |b| b.amount);
    balance(out, "01", &head, s.opening.and_then(|b| b.date), opening);
    for e in &s.entries {
        movement(out, &head, e);
    }
    let closing = s.closing.map_or(Money::ZERO, |b| b.amount);
    balance(out, "07", &head, s.closing.and_then(|b| b.date), closing);
}

fn balance(out: &mut String, code: &str, h: &Head<'_>, date: Option<NaiveDate>, amount: Money) {
    let decimals = decimals(h.currency, amount);
    out.push_str(code);
    fit(out, h.bank, 5);
    out.push_str("    ");
    fit(out, h.branch, 5);
    out.push_str(h.currency.as_str());
    push_decimals(out, decimals);
    out.push(' ');
    fit(out, h.account, 11);
    out.push_str("  ");
    push_date(out, date);
    spaces(out, 50);
    push_amount(out, amount, decimals);
    spaces(out, 16);
    out.push_str("\r\n");
}

fn movement(out: &mut String, h: &Head<'_>, e: &Entry) {
    let (interbank, internal) = match &e.bank_code {
        BankCode::Cfonb {
            interbank,
            internal,
        } => (interbank.as_str(), internal.as_str()),
        _ => ("", ""),
    };
    let currency = e.currency.unwrap_or(h.currency);
    let decimals = decimals(currency, e.amount);
    // Cols 1-40, shared by the 04 and its 05s.
    let mut header = String::with_capacity(40);
    header.push_str("04");
    fit(&mut header, h.bank, 5);
    fit(&mut header, internal, 4);
    fit(&mut header, h.branch, 5);
    header.push_str(currency.as_str());
    push_decimals(&mut header, decimals);
    header.push(' ');
    fit(&mut header, h.account, 11);
    fit(&mut header, interbank, 2);
    push_date(&mut header, e.booking_date);

    out.push_str(&header);
    let reason = e
        .transactions
        .first()
        .and_then(|t| t.return_reason.as_ref())
        .map_or("", |r| r.code.as_str());
    fit(out, reason, 2);
    push_date(out, e.value_date);
    fit(out, e.additional_info.as_deref().unwrap_or(""), 31);
    out.push_str("  0000000  ");
    push_amount(out, e.amount, decimals);
    fit(out, e.bank_ref.as_deref().unwrap_or(""), 16);
    out.push_str("\r\n");

    for t in &e.transactions {
        for (qualifier, info) in &t.complements {
            out.push_str("05");
            out.push_str(header.get(2..).unwrap_or(""));
            spaces(out, 5);
            fit(out, qualifier, 3);
            fit(out, info, 70);
            spaces(out, 2);
            out.push_str("\r\n");
        }
    }
}

fn decimals(currency: Currency, amount: Money) -> u32 {
    amount::decimals_for(amount, currency.minor_units())
}

fn push_decimals(out: &mut String, decimals: u32) {
    match char::from_digit(decimals, 10) {
        Some(c) => out.push(c),
        None => out.push('?'),
    }
}

fn push_amount(out: &mut String, amount: Money, decimals: u32) {
    let field = amount::units_of(amount, decimals).and_then(amount::encode);
    match field {
        Some(bytes) => out.extend(bytes.iter().map(|&b| char::from(b))),
        None => out.push_str("??????????????"),
    }
}

fn push_date(out: &mut String, date: Option<NaiveDate>) {
    match date {
        Some(d) => {
            let _ = write!(out, "{}", d.format("%d%m%y"));
        }
        None => out.push_str("000000"),
    }
}

fn spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// `text` cut or right-padded to `width` characters, control characters as spaces.
fn fit(out: &mut String, text: &str, width: usize) {
    let mut n = 0;
    for c in text.chars().take(width) {
        out.push(if c.is_control() { ' ' } else { c });
        n += 1;
    }
    spaces(out, width - n);
}
