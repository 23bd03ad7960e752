//! Whether the ERP may have booked a payment itself by the night it came
//! ([`booked_with_it`]): the falls of the export's invoices read against
//! what the matcher would apply of it, and which invoices a payment quotes
//! ([`quoted_in`]). See [`super`] for the rule's place in the night.

use std::collections::BTreeSet;

use super::Move;
use crate::matching::Payment;
use crate::matching::payer::{compact, fold};
use crate::money::Money;

/// What the matcher made of one payment tonight.
#[derive(Default)]
pub(super) struct Concerned<'a> {
    /// Some of it is applied.
    pub(super) matched: bool,
    /// The customers of its rows (and of its earlier applications).
    pub(super) customers: BTreeSet<&'a str>,
    /// The invoices it is applied to.
    pub(super) paid: BTreeSet<&'a str>,
    /// How much of it is applied.
    pub(super) applied: Money,
    /// How much is written off beside it (a fee, a discount).
    pub(super) written_off: Money,
    /// Some of it is applied by a rule naming an invoice (not by the
    /// payer's IBAN or name alone).
    pub(super) names_an_invoice: bool,
    /// The night it came (the falls read go back to the day the bank
    /// booked it, when earlier).
    pub(super) came: String,
    /// The invoices of its customers that owe nothing tonight (gone from
    /// the export, or nothing left open).
    pub(super) closed: BTreeSet<String>,
}

/// Whether the ERP may have booked money `amount` itself since it came, the
/// matcher applying `c` of it tonight (`theirs`: the falls of the
/// invoices it pays or quotes, from the day the bank booked it to the
/// night it came, and of its customers' invoices after; `all`: of its
/// customers' invoices since the bank booked it):
/// - the invoices it pays or quotes fell by at least the money it applies
///   (an ERP lettering from its own bank feed, in whole or in part, or on
///   another invoice it quotes: verify 38 V5, verify 40 R6 v5split,
///   verify 41 H1, H2);
/// - applied by the payer alone (no invoice named), its customers'
///   invoices fell, one or all together, by exactly that money, with or
///   without the rest the matcher writes off (lettered on others than the
///   matcher's: verify 40 R6 v5other, verify 41 F1; another amount is a
///   cheque, a credit note, another payment: verify 41 M1), or lettered
///   by exactly it on one (a discount beside: verify 43 raise2 L2).
///
/// Or an invoice it quotes that the matcher does not pay fell the night it
/// came (lettered with it: verify 41 H2). Applying less than all of it
/// (an overpayment), only when those falls
/// (of the invoices it pays or quotes, when it names one) reach all of it:
/// a credit note lowering the invoice it pays says nothing of it (verify
/// 41 F2, M2). The moves to tell a person, and their total.
pub(super) fn booked_with_it(
    amount: Money,
    c: &Concerned<'_>,
    (theirs, fell): (&[Move], Money),
    (all, fell_all): (&[Move], Money),
) -> Option<(Vec<Move>, Money)> {
    let cash = c.applied;
    let with_rest = cash.checked_add(c.written_off)?;
    // An invoice it quotes fell by the night it came and the matcher does not
    // pay it: lettered with this money, whose rest would be applied again
    // (verify 41 H2) — when the matcher leaves some of it unapplied, or
    // that invoice owes nothing now, gone by no more than the payment
    // (verify 41 erp4 M1: the matcher would apply it all to the others
    // again; a quoted invoice a credit note cancelled the same night looks
    // alike and is held too); one still owing fell by something else (a
    // credit note: verify 41 erp3 M2).
    if theirs.iter().any(|m| {
        m.night <= c.came
            && !c.paid.contains(m.invoice_id.as_str())
            && (cash < amount || (c.closed.contains(&m.invoice_id) && m.fell <= amount))
    }) {
        return Some((theirs.to_vec(), fell));
    }
    let by_theirs = fell >= cash;
    // One fall, or all together, exactly the money: any set of them would
    // find most real payments in a busy night's falls by chance (verify 41
    // erp4 M2).
    let exactly = |m: Money| m == cash || m == with_rest;
    // What the ERP lettered of an invoice counts alike (lowered by a
    // discount and lettered with the rest in one export: verify 43 raise2
    // L2).
    let by_payer = !c.names_an_invoice
        && (exactly(fell_all) || all.iter().any(|m| exactly(m.fell) || exactly(m.lettered())));
    let reach = if c.names_an_invoice { fell } else { fell_all };
    if !(by_theirs || by_payer) || (cash < amount && reach < amount) {
        return None;
    }
    Some(if by_theirs && c.names_an_invoice {
        (theirs.to_vec(), fell)
    } else {
        (all.to_vec(), fell_all)
    })
}

/// Whether the payment's texts quote the invoice number: its letters and
/// digits, case and separators aside, not inside a longer number (`FA101`
/// is not in `FA1011`, nor `2026-12` in a date `2026-12-01`: verify 41
/// erp3 M1; a space ends a number: `FA1001 1500,00`).
pub(super) fn quotes(p: &Payment, invoice_id: &str) -> bool {
    p.texts.iter().any(|t| quoted_in(t, invoice_id))
}

/// [`quotes`] for one text.
pub(in crate::nightly) fn quoted_in(text: &str, invoice_id: &str) -> bool {
    let id = compact(invoice_id);
    if id.len() < 3 {
        return false;
    }
    let (starts, ends) = (
        id.starts_with(|c: char| c.is_ascii_digit()),
        id.ends_with(|c: char| c.is_ascii_digit()),
    );
    // A number of digits alone goes on past a separator (`2026-12` in the
    // date `2026-12-01`); one with letters ends there (`FA1001/15.11.2026`,
    // `FA1001-1000.00`: verify 41 erp4 H1).
    let digits_only = id.bytes().all(|b| b.is_ascii_digit());
    let kept: Vec<(usize, char)> = text
        .char_indices()
        .map(|(i, c)| (i, fold(c)))
        .filter(|(_, c)| *c != ' ')
        .collect();
    let flat: String = kept.iter().map(|(_, c)| *c).collect();
    flat.match_indices(&id).any(|(at, _)| {
        let (Some(&(first, _)), Some(&(last, _))) = (kept.get(at), kept.get(at + id.len() - 1))
        else {
            return false;
        };
        let before = text[..first].chars().rev();
        let after = text[last..].chars().skip(1);
        !((starts && digit_next(before, digits_only)) || (ends && digit_next(after, digits_only)))
    })
}

/// Whether a number goes on from here: a digit next, or, `past` a
/// separator, one after a `-`, `/` or `.` (a date, a longer reference).
fn digit_next(mut chars: impl Iterator<Item = char>, past: bool) -> bool {
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('-' | '/' | '.') if past => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_number_is_quoted_whole_never_inside_a_longer_number() {
        assert!(quoted_in("Factures FA-1001 FA1002", "FA1001"));
        assert!(quoted_in("FACTURE FA1001 1500,00 EUR", "FA1001"));
        assert!(quoted_in("fact. n° fa 1001", "FA-1001"));
        assert!(!quoted_in("FACTURE FA1011", "FA101"));
        assert!(!quoted_in("VIREMENT DU 2026-12-01", "2026-12"));
        assert!(!quoted_in("E2E 1947112", "4711"));
        assert!(quoted_in("REF 4711/A", "4711"));
        assert!(quoted_in("FA1001/15.11.2026", "FA1001"));
        assert!(quoted_in("FACTURE FA1001-1000.00", "FA1001"));
    }
}
