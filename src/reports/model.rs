//! What one client's report says, as plain data: the night's figures, the
//! items waiting for a person, alerts, tomorrow's dunning, the aged balance,
//! the top overdue customers and DSO. The nightly run fills it
//! (`nightly::report_input`); the HTML page, the CSV files and `kpis.json`
//! are rendered from it, so they always agree.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::dso::Dso;
use super::format::Lang;
use crate::dunning::DunningAction;
use crate::money::{Currency, Money};

/// One client's night, for people.
#[derive(Debug, Clone)]
pub struct ClientReport {
    /// Client id.
    pub client_id: String,
    /// The night.
    pub run_date: NaiveDate,
    /// Language of the page.
    pub lang: Lang,
    /// The night's figures.
    pub figures: Figures,
    /// Unapplied credits and receivable debits waiting for a person, sorted
    /// by kind, booking date, entry id.
    pub waiting: Vec<Waiting>,
    /// Open alerts, sorted by severity then kind then key.
    pub alerts: Vec<AlertLine>,
    /// Tomorrow's dunning actions (as in `dunning.csv`).
    pub actions: Vec<DunningAction>,
    /// Aged balance rows, sorted by customer id then currency.
    pub aged: Vec<AgedRow>,
    /// DSO per currency of the open invoices.
    pub dso: BTreeMap<Currency, Dso>,
}

/// The night's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Statements imported tonight.
    pub statements: usize,
    /// Transactions handled tonight: tonight's credits plus booked debits
    /// (money of earlier nights tried again is not counted).
    pub transactions: usize,
    /// Tonight's credits applied automatically.
    pub matched: usize,
    /// Credits (tonight's or carried over) with suggested candidates
    /// waiting for a person.
    pub suggested: usize,
    /// Tonight's credits tried (the match rate's denominator).
    pub tried: usize,
    /// Credits of earlier nights, still unapplied, tried again tonight.
    pub carried_over: usize,
    /// Of those, the ones applied automatically tonight.
    pub carried_over_matched: usize,
    /// Money received and not applied, per currency (positive): unapplied
    /// remainders and payments whose suggestions wait for a person.
    pub unapplied_in: BTreeMap<Currency, Money>,
    /// Receivable debits nobody explained, per currency (positive).
    pub unapplied_out: BTreeMap<Currency, Money>,
    /// Returns tonight: direct debits returned, cheques and bills unpaid.
    pub returns: usize,
}

impl Figures {
    /// matched / tried in percent, one decimal, half-up; `None` when nothing was tried.
    pub fn match_rate(&self) -> Option<Decimal> {
        if self.tried == 0 {
            return None;
        }
        let r = Decimal::from(self.matched as u64)
            .checked_mul(Decimal::from(100))?
            .checked_div(Decimal::from(self.tried as u64))?;
        Some(r.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
    }
}

/// Money in or out waiting for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WaitingKind {
    /// A credit not (fully) applied.
    Credit,
    /// A receivable debit (return, unpaid, reversal) not explained.
    Debit,
}

impl WaitingKind {
    /// `credit` / `debit` (the `kind` column of `unmatched.csv`).
    pub fn as_str(&self) -> &'static str {
        match self {
            WaitingKind::Credit => "credit",
            WaitingKind::Debit => "debit",
        }
    }
}

/// A transaction waiting for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Credit or debit.
    pub kind: WaitingKind,
    /// The transaction's `entry_id`.
    pub entry_id: String,
    /// Booking date.
    pub booking_date: Option<NaiveDate>,
    /// Amount waiting, signed as on the statement.
    pub amount: Money,
    /// Currency.
    pub currency: Currency,
    /// Payer or payee.
    pub counterparty_name: String,
    /// Remittance text.
    pub remittance: String,
    /// Suggested invoices, best first.
    pub candidates: Vec<Candidate>,
    /// Why it waits, when no candidate says it (e.g. the alert's sentence).
    pub note: String,
}

/// A suggested invoice for a waiting payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Invoice.
    pub invoice_id: String,
    /// Its customer.
    pub customer_id: String,
    /// Amount proposed.
    pub amount: Money,
    /// Confidence, 0.00–1.00.
    pub confidence: String,
    /// Why, in words.
    pub evidence: String,
}

/// One open alert for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertLine {
    /// Snake-case kind (`direct_debit_returned`).
    pub kind: String,
    /// `critical`, `warning`, `info`.
    pub severity: String,
    /// Customer, when known.
    pub customer_id: String,
    /// Invoice, when known.
    pub invoice_id: String,
    /// Transaction, when any.
    pub entry_id: String,
    /// Amount and currency, when any.
    pub amount: Option<(Money, Currency)>,
    /// Return reason code, for returns.
    pub reason_code: String,
    /// The pipeline's sentence.
    pub message: String,
    /// The night it was first raised.
    pub first_raised: NaiveDate,
}

/// One customer's aged balance in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgedRow {
    /// Customer id.
    pub customer_id: String,
    /// Customer name.
    pub customer_name: String,
    /// Currency.
    pub currency: Currency,
    /// Not due, 1–30, 31–60, 61–90, over 90 days past due.
    pub buckets: [Money; 5],
}

impl AgedRow {
    /// Sum of the buckets (`None` on overflow).
    pub fn total(&self) -> Option<Money> {
        self.buckets
            .iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(*m))
    }

    /// Sum of the past-due buckets (`None` on overflow).
    pub fn overdue(&self) -> Option<Money> {
        self.buckets
            .iter()
            .skip(1)
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(*m))
    }

    /// The part of [`Self::overdue`] more than 90 days past due: the over-90
    /// bucket, but never more than the overdue amount (a credit note of a
    /// younger bucket left over after that bucket's debts lowers the old
    /// debt too) nor below zero (an old credit note is no old debt).
    pub fn overdue_over_90(&self) -> Option<Money> {
        let overdue = self.overdue()?;
        Some(self.buckets[4].min(overdue).max(Money::ZERO))
    }
}

impl ClientReport {
    /// Totals per currency and bucket over all customers.
    pub fn aged_totals(&self) -> BTreeMap<Currency, [Money; 5]> {
        let mut out: BTreeMap<Currency, [Money; 5]> = BTreeMap::new();
        for r in &self.aged {
            let t = out.entry(r.currency).or_insert([Money::ZERO; 5]);
            for (slot, m) in t.iter_mut().zip(r.buckets.iter()) {
                *slot = slot.checked_add(*m).unwrap_or(*slot);
            }
        }
        out
    }

    /// Overdue per currency: the sum over customers of each one's past-due
    /// balance (buckets 1–30 and later) when it is positive. A customer's
    /// credit notes offset only that customer's debts, never another's: a
    /// credit owed to one customer is no payment of what another owes.
    pub fn overdue_by_currency(&self) -> BTreeMap<Currency, Money> {
        let mut out: BTreeMap<Currency, Money> = BTreeMap::new();
        for r in &self.aged {
            let t = out.entry(r.currency).or_insert(Money::ZERO);
            if let Some(o) = r.overdue().filter(|o| o.is_positive()) {
                *t = t.checked_add(o).unwrap_or(*t);
            }
        }
        out
    }

    /// Per currency, the customers with the most overdue money, at most `n`
    /// each, largest first (ties by customer id); only positive overdue
    /// amounts. Amounts in different currencies are never ranked together.
    pub fn top_overdue(&self, n: usize) -> BTreeMap<Currency, Vec<&AgedRow>> {
        let mut per: BTreeMap<Currency, Vec<(&AgedRow, Money)>> = BTreeMap::new();
        for r in &self.aged {
            if let Some(o) = r.overdue().filter(|o| o.is_positive()) {
                per.entry(r.currency).or_default().push((r, o));
            }
        }
        per.into_iter()
            .map(|(c, mut rows)| {
                rows.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then_with(|| a.0.customer_id.cmp(&b.0.customer_id))
                });
                (c, rows.into_iter().take(n).map(|(r, _)| r).collect())
            })
            .collect()
    }
}
