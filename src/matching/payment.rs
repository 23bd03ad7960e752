//! The matcher's view of money received: [`Payment`], built from a statement
//! transaction by [`payments_of_statement`] (or carried over from an earlier
//! night with a smaller `amount` still to apply).
//!
//! Owns: which transactions are matched at all (booked credits only) and
//! which texts and references of a transaction count as evidence.

use chrono::NaiveDate;

use crate::money::{Currency, Money};
use crate::statement::{Entry, EntryStatus, Statement, Transaction, TxKind};

/// CFONB complement qualifiers that carry names, accounts or amounts, not
/// remittance text: they are never searched for invoice numbers.
const NON_TEXT_QUALIFIERS: &[&str] = &[
    "NPY", "IPY", "NBE", "IBE", "NPO", "IPO", "NBU", "IBU", "MMO", "CBE", "CPY", "FEE", "RUM",
];

/// Money to apply to invoices, with everything that may explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Statement id.
    pub statement_id: String,
    /// Account key ([`crate::statement::Account::key`]).
    pub account: String,
    /// The transaction's identity.
    pub entry_id: String,
    /// 0-based position of the transaction in its statement (output order).
    pub position: usize,
    /// Booking date.
    pub booking_date: Option<NaiveDate>,
    /// Value date.
    pub value_date: Option<NaiveDate>,
    /// The transaction's amount as booked.
    pub tx_amount: Money,
    /// What is still to apply (the transaction amount, or a remainder carried
    /// over from an earlier night). Positive.
    pub amount: Money,
    /// Currency.
    pub currency: Currency,
    /// Kind.
    pub kind: TxKind,
    /// Payer name.
    pub counterparty_name: Option<String>,
    /// Payer IBAN.
    pub counterparty_iban: Option<String>,
    /// Free texts in order: remittance lines, additional info, CFONB label
    /// complements, referred document numbers, creditor references that are
    /// not valid RF references, the end-to-end id.
    pub texts: Vec<String>,
    /// The words around each cut of the bank's text, glued back together
    /// ([`seams`]): searched for invoice numbers only.
    pub seams: Vec<String>,
    /// Structured creditor references as sent.
    pub creditor_refs: Vec<String>,
    /// End-to-end id.
    pub end_to_end_id: Option<String>,
    /// Mandate id (RUM).
    pub mandate_id: Option<String>,
    /// The remittance shown in outputs (free text joined by ` | `).
    pub remittance: String,
    /// A batch kept whole, its details without amounts: the invoices its
    /// texts name pay it only when exactly its amount together.
    pub undetailed: bool,
    /// The difference between an entry's booking and its details (money
    /// beyond what the payment's detail says): the file contradicts
    /// itself, so whatever it pays is only suggested.
    pub difference: bool,
}

impl Payment {
    /// The day its money came: the booking date, else the value date
    /// ([`Entry::day`]).
    pub fn day(&self) -> Option<NaiveDate> {
        self.booking_date.or(self.value_date)
    }
}

/// True for transactions the matcher looks at: booked credits.
pub fn is_matchable(entry: &Entry, tx: &Transaction) -> bool {
    entry.status == EntryStatus::Booked && tx.amount.is_positive()
}

/// The payment of one transaction, `None` when it is not a booked credit.
pub fn payment_of(
    statement: &Statement,
    entry: &Entry,
    tx: &Transaction,
    position: usize,
) -> Option<Payment> {
    if !is_matchable(entry, tx) {
        return None;
    }
    let free = tx.texts(entry);
    // A reference with wrong check digits matches nothing: shown with the
    // text, so that the person placing the money sees what the payer gave.
    let bad_rfs = tx
        .creditor_refs
        .iter()
        .filter(|r| !crate::refs::is_valid_rf(&r.reference))
        .map(|r| r.reference.as_str())
        .filter(|r| !free.contains(r));
    let remittance = free
        .iter()
        .copied()
        .chain(bad_rfs)
        .collect::<Vec<_>>()
        .join(" | ");
    let mut texts: Vec<String> = free.iter().map(|s| s.to_string()).collect();
    for (q, text) in &tx.complements {
        if !NON_TEXT_QUALIFIERS.contains(&q.trim()) && !texts.iter().any(|t| t == text) {
            texts.push(text.clone());
        }
    }
    texts.extend(tx.document_numbers.iter().cloned());
    for r in &tx.creditor_refs {
        if !crate::refs::is_valid_rf(&r.reference) {
            texts.push(r.reference.clone());
        }
    }
    texts.extend(tx.end_to_end_id.iter().cloned());
    let seams = seams(&cut_lines(entry, tx));
    Some(Payment {
        statement_id: statement.id.clone(),
        account: statement.account.key(),
        entry_id: tx.entry_id.clone(),
        position,
        booking_date: entry.booking_date,
        value_date: entry.value_date,
        tx_amount: tx.amount,
        amount: tx.amount,
        currency: statement.currency_of(entry),
        kind: tx.kind(entry),
        counterparty_name: tx.counterparty.name.clone(),
        counterparty_iban: tx.counterparty.iban.clone(),
        texts,
        seams,
        creditor_refs: tx
            .creditor_refs
            .iter()
            .map(|r| r.reference.clone())
            .collect(),
        end_to_end_id: tx.end_to_end_id.clone(),
        mandate_id: tx.mandate_id.clone(),
        remittance,
        undetailed: tx.undetailed,
        difference: tx.difference,
    })
}

/// Width of the CFONB 120 label (record 04, cols 49-79): a label this long
/// was cut, and may go on in the first complement line.
const CFONB_LABEL_WIDTH: usize = 31;

/// The lines of text a bank may have cut at a fixed width, in order: a
/// full-width label first when remittance lines follow it, then the
/// remittance lines (`Ustrd`, CFONB `LIB` complements).
fn cut_lines<'a>(entry: &'a Entry, tx: &'a Transaction) -> Vec<&'a str> {
    let mut lines = Vec::with_capacity(tx.remittance.len() + 1);
    if let Some(label) = entry.additional_info.as_deref()
        && label.chars().count() == CFONB_LABEL_WIDTH
        && !tx.remittance.is_empty()
        && !tx.difference
    {
        lines.push(label);
    }
    lines.extend(tx.remittance.iter().map(String::as_str));
    lines
}

/// A bank that wraps its text at a fixed width may cut an invoice number in
/// two (`…FACTURE NUMERO F-10` / `01 MERCI`). For each cut between two lines
/// with a digit on either side of it, the last two words before the cut and
/// the first word after it, glued back together (`NUMERO F-1001`). The
/// matcher trusts a number found only there with the exact amount alone:
/// the bank may as well have cut between two words.
pub fn seams(lines: &[&str]) -> Vec<String> {
    lines
        .windows(2)
        .filter_map(|pair| {
            let [before, after] = pair else { return None };
            let last = before.chars().next_back()?;
            let first = after.chars().next()?;
            if last.is_whitespace() || first.is_whitespace() {
                return None;
            }
            if !last.is_ascii_digit() && !first.is_ascii_digit() {
                return None;
            }
            let words: Vec<&str> = before.split_whitespace().collect();
            let tail = words.get(words.len().saturating_sub(2)..)?.join(" ");
            let head = after.split_whitespace().next()?;
            Some(format!("{tail}{head}"))
        })
        .collect()
}

/// The payments of a statement, in statement order.
pub fn payments_of_statement(statement: &Statement) -> Vec<Payment> {
    statement
        .transactions()
        .enumerate()
        .filter_map(|(i, (e, t))| payment_of(statement, e, t, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::{Account, BankCode, CreditorRef, SourceFormat};

    fn stmt(amount: i64, status: EntryStatus) -> Statement {
        let tx = Transaction {
            entry_id: "E1".into(),
            amount: Money::from_scaled(amount, 2).unwrap(),
            remittance: vec!["FACT 12".into()],
            creditor_refs: vec![CreditorRef {
                kind: "SCOR".into(),
                reference: "RF19 5390 0754 7034".into(),
            }],
            complements: vec![
                ("LIB".into(), "INV 7".into()),
                ("NPY".into(), "SARL 99".into()),
            ],
            end_to_end_id: Some("E2E-1".into()),
            ..Default::default()
        };
        Statement {
            format: SourceFormat::Camt053 { version: 8 },
            id: "S1".into(),
            sequence: None,
            account: Account {
                iban: Some("FR76".into()),
                ..Default::default()
            },
            currency: Currency::EUR,
            opening: None,
            closing: None,
            from_date: None,
            to_date: None,
            entries: vec![Entry {
                booking_date: NaiveDate::from_ymd_opt(2026, 3, 2),
                value_date: None,
                amount: tx.amount,
                currency: None,
                status,
                reversal: false,
                bank_ref: None,
                bank_code: BankCode::None,
                kind: TxKind::CreditTransferIn,
                additional_info: None,
                transactions: vec![tx],
                line: 1,
            }],
            line: 1,
        }
    }

    #[test]
    fn only_booked_credits_are_payments() {
        assert_eq!(
            payments_of_statement(&stmt(100, EntryStatus::Booked)).len(),
            1
        );
        assert!(payments_of_statement(&stmt(-100, EntryStatus::Booked)).is_empty());
        assert!(payments_of_statement(&stmt(100, EntryStatus::Pending)).is_empty());
    }

    #[test]
    fn texts_gather_remittance_label_complements_bad_rf_and_e2e() {
        let p = &payments_of_statement(&stmt(100, EntryStatus::Booked))[0];
        // The RF has a wrong check digit: it becomes plain text. NPY is a name.
        assert_eq!(
            p.texts,
            ["FACT 12", "INV 7", "RF19 5390 0754 7034", "E2E-1"]
        );
        assert_eq!(p.remittance, "FACT 12 | RF19 5390 0754 7034");
        assert_eq!(p.account, "FR76");
    }

    #[test]
    fn seams_glue_the_words_around_a_cut_next_to_a_digit() {
        assert_eq!(
            seams(&["PAIEMENT DE LA FACTURE NUMERO F-10", "01 MERCI"]),
            ["NUMERO F-1001"]
        );
        assert_eq!(seams(&["FACT", "42 ET 43"]), ["FACT42"]);
        assert_eq!(seams(&["F-2026-", "0042"]), ["F-2026-0042"]);
        // Cut between words, or no digit at the cut: nothing to glue.
        assert!(seams(&["FACTURE", "MERCI"]).is_empty());
        assert!(seams(&["FACTURE 42 ", " MERCI"]).is_empty());
        assert!(seams(&["ONE LINE"]).is_empty());
        assert_eq!(seams(&["A 1", "2 B 3", "4"]), ["A 12", "B 34"]);
    }

    #[test]
    fn a_full_cfonb_label_goes_on_in_the_first_complement_line() {
        let mut s = stmt(100, EntryStatus::Booked);
        let e = &mut s.entries[0];
        e.additional_info = Some("VIR SEPA ALPHA SARL FACT F-2026".into());
        e.transactions[0].remittance = vec!["-0042 MERCI".into()];
        let p = &payments_of_statement(&s)[0];
        assert_eq!(p.seams, ["FACT F-2026-0042"]);
        // A shorter label was not cut.
        s.entries[0].additional_info = Some("VIR SEPA FACT F-2026".into());
        assert!(payments_of_statement(&s)[0].seams.is_empty());
    }
}
