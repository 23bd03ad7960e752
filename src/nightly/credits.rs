//! The money in: tonight's booked credits and the unapplied remainders of
//! earlier nights, matched against the invoices' effective open amounts, and
//! the applications recorded. Unapplied money is never dropped: it stays in
//! state and is tried again every night.

use rusqlite::Connection;

use super::effective::{beyond, effective_open_of, recorded_export, unexplained};
use crate::config::ClientConfig;
use crate::ledger::Ledger;
use crate::matching::strhash::StrMap;
use crate::matching::{self, Application, MatchConfig, OpenItem, Payment, Status};
use crate::money::Money;
use crate::state::{ledger as sl, transactions};
use crate::statement::{Account, Statement};

/// The outcome of matching tonight.
#[derive(Debug, Clone, Default)]
pub struct CreditStep {
    /// Payments tried tonight (new and carried over), in account, statement, position order.
    pub payments: Vec<Payment>,
    /// Open items tonight (tonight's export, effective open amounts).
    pub items: Vec<OpenItem>,
    /// The matcher's applications.
    pub apps: Vec<Application>,
    /// Tonight's money of each invoice of the export (looked up only, never
    /// listed: no map order reaches an output). One map, not one per
    /// amount: every invoice's open amount after tonight is asked for by
    /// several steps, and one lookup answers it.
    pub money: StrMap<String, InvoiceMoney>,
    /// Credits in currencies that are not ISO 4217 (listed unmatched, never
    /// applied).
    pub skipped_unknown_currency: usize,
    /// For each payment: true when it is money from an earlier night tried
    /// again (processed on an earlier night), false for tonight's money.
    pub carried_over: Vec<bool>,
    /// Invoices whose export fell by more than pointage's payments explain,
    /// with by how much less they may owe ([`super::effective::unexplained`]):
    /// held from dunning, told to a person.
    pub unexplained: std::collections::BTreeMap<String, Money>,
    /// Invoices pointage applied more money to than they owe now (their
    /// amount corrected downwards since, [`super::effective::beyond`]):
    /// the surplus, the money applied and the last night some was. The
    /// customer's unapplied money, told to a person.
    pub beyond: std::collections::BTreeMap<String, Beyond>,
    /// Invoices that read settled tonight only because the ERP lettered
    /// them when it sent a collection that came back, pointage having
    /// applied nothing to them ([`crate::state::mandates::returned_never_applied`]): not
    /// chased (pointage cannot tell they are owed), but never reported
    /// paid, and their return's alert stays open.
    pub unreopened: std::collections::BTreeSet<String>,
    /// Money of earlier nights the matcher would have applied tonight,
    /// held because its customers' invoices fell in the ERP's export since
    /// by at least that money ([`super::waiting`]): left waiting, told to
    /// a person.
    pub held: Vec<super::waiting::Held>,
    /// For each payment: the items it names that are in another currency
    /// than it (indexes into `items`, ascending), less those a person
    /// rejected for it ([`matching::rules::Candidates::other_currency`]).
    pub other_currency: Vec<Vec<u32>>,
}

/// Money applied to an invoice beyond what it owes now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beyond {
    /// The surplus.
    pub surplus: Money,
    /// All the money paid to it (live applications, write-offs left out).
    pub applied: Money,
    /// The last night money was applied to it, if known.
    pub last_applied: Option<chrono::NaiveDate>,
}

impl CreditStep {
    /// True when payment `i` is money from an earlier night tried again.
    pub fn is_carried_over(&self, i: usize) -> bool {
        self.carried_over.get(i).copied().unwrap_or(false)
    }

    /// Payments tried tonight that are tonight's money (not carried over).
    pub fn tonight_count(&self) -> usize {
        (0..self.payments.len())
            .filter(|&i| !self.is_carried_over(i))
            .count()
    }

    /// Effective open amount after tonight, by invoice.
    pub fn open_after(&self, invoice_id: &str) -> Option<Money> {
        self.money.get(invoice_id)?.open_after()
    }

    /// Effective open amount before tonight's applications, by invoice.
    pub fn open_before(&self, invoice_id: &str) -> Option<Money> {
        self.money.get(invoice_id).map(|m| m.before)
    }
}

/// One invoice's money tonight.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvoiceMoney {
    /// Effective open amount before tonight's applications.
    pub before: Money,
    /// Money applied tonight.
    pub applied: Money,
    /// Money written off tonight.
    pub written_off: Money,
    /// True when the matcher applied money to it tonight (even none).
    pub matched: bool,
    /// What an application records as the export (`None`: overflow).
    recorded: Option<Money>,
}

impl InvoiceMoney {
    /// Effective open amount after tonight.
    pub fn open_after(&self) -> Option<Money> {
        self.before
            .checked_sub(self.applied)?
            .checked_sub(self.written_off)
    }
}

/// Why the credit step could not finish.
#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    /// SQLite failed.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// The matcher broke one of its invariants: nothing is committed.
    #[error("internal check failed, nothing was committed: {0}")]
    Invariant(String),
    /// An amount overflowed.
    #[error("amounts out of range for invoice {0}")]
    Overflow(String),
}

/// The payment of a stored credit, with what is left of it to apply.
fn payment(stored: &transactions::StoredTx) -> Option<Payment> {
    let shell = Statement {
        format: crate::statement::SourceFormat::Cfonb120,
        id: stored.statement_id.clone(),
        sequence: None,
        account: Account {
            iban: Some(stored.account.clone()),
            ..Account::default()
        },
        currency: stored.currency,
        opening: None,
        closing: None,
        from_date: None,
        to_date: None,
        entries: Vec::new(),
        line: 0,
    };
    let mut p = matching::payment_of(&shell, &stored.entry, &stored.tx, stored.position)?;
    p.amount = stored.remaining;
    Some(p)
}

/// Matches tonight's money and records the applications. `rejected` holds
/// the (account, entry, invoice) triples people said never to propose; `tonight` the
/// statements imported tonight.
pub fn run(
    conn: &Connection,
    ledger: &Ledger,
    config: &ClientConfig,
    run_date: &str,
    (rejected, takes_no_money): (
        &crate::state::decisions::Rejections,
        &std::collections::BTreeSet<&str>,
    ),
    tonight: &transactions::InMemory<'_>,
) -> Result<CreditStep, CreditError> {
    let mut step = CreditStep::default();
    // The night each payment's money first waited (`None`: tonight's).
    let mut since: Vec<Option<String>> = Vec::new();
    for stored in transactions::waiting_credits(conn, run_date, tonight)? {
        if !stored.tx.amount.is_positive() {
            continue;
        }
        // A currency that is not ISO 4217 (`EUE`): tried like any payment
        // so that it is listed for a person, never applied (below).
        if !stored.currency.is_known() {
            step.skipped_unknown_currency += 1;
        }
        if let Some(p) = payment(&stored) {
            // Processed on an earlier night: carried over. A row a person's
            // decision touched tonight is still tonight's money.
            let earlier = stored
                .processed_run
                .as_deref()
                .filter(|night| *night != run_date);
            step.carried_over.push(earlier.is_some());
            since.push(earlier.map(str::to_string));
            step.payments.push(p);
        }
    }

    let history = sl::app_events(conn, run_date)?;
    let mut recorded_overflow: Option<String> = None;
    step.money.reserve(ledger.invoices.len());
    step.items.reserve(ledger.invoices.len());
    for inv in &ledger.invoices {
        let events = history
            .get(&inv.invoice_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let open = effective_open_of(inv.amount, inv.open_amount, events)
            .ok_or_else(|| CreditError::Overflow(inv.invoice_id.clone()))?;
        if let Some(gap) = unexplained(inv.open_amount, events) {
            step.unexplained.insert(inv.invoice_id.clone(), gap);
        }
        if let Some(surplus) = beyond(inv.amount, inv.open_amount, events) {
            step.beyond.insert(
                inv.invoice_id.clone(),
                Beyond {
                    surplus,
                    applied: Money::checked_sum(
                        events
                            .iter()
                            .filter(|e| e.reversed_at_open.is_none())
                            .map(|e| e.amount.checked_sub(e.written_off).unwrap_or(e.amount)),
                    )
                    .unwrap_or(surplus),
                    last_applied: events.iter().filter_map(|e| e.applied_on).max(),
                },
            );
        }
        // What an application records as the export: with the returned
        // money the ERP still shows as collected added back. Read here,
        // with the same events; its overflow is reported after matching,
        // as before.
        let recorded = recorded_export(inv.open_amount, events);
        if recorded.is_none() && recorded_overflow.is_none() {
            recorded_overflow = Some(inv.invoice_id.clone());
        }
        // A repeated invoice id keeps its last line's amounts, its
        // applications summed (as the maps by id always did).
        let m = step.money.entry(inv.invoice_id.clone()).or_default();
        m.before = open;
        m.recorded = recorded;
        let mut item = OpenItem::from_invoice(inv);
        item.open_amount = open;
        step.items.push(item);
    }

    let cfg = MatchConfig::from_settings(&config.matching);
    // The matcher's stages.
    let ix = matching::index::InvoiceIndex::build(&step.items, &ledger.customers);
    let mut cands: Vec<matching::rules::Candidates> = {
        use rayon::prelude::*;
        step.payments
            .par_iter()
            .map(|p| matching::rules::candidates_with(p, &step.items, &ix, &cfg))
            .collect()
    };
    // Pairs people rejected, and invoices that take no money (a number that
    // only changed form, held: nightly::identity::renumbered), leave the
    // proposals before allocation.
    if !rejected.is_empty() || !takes_no_money.is_empty() {
        for (p, c) in step.payments.iter().zip(cands.iter_mut()) {
            if let Some(prop) = c.proposal.as_mut() {
                for hit in &mut prop.hits {
                    hit.items.retain(|&i| {
                        step.items.get(i as usize).is_none_or(|it| {
                            !takes_no_money.contains(it.invoice_id.as_str())
                                && !rejected.contains(&p.account, &p.entry_id, &it.invoice_id)
                        })
                    });
                }
                prop.hits.retain(|h| !h.items.is_empty());
                if prop.hits.is_empty() {
                    c.proposal = None;
                }
            }
        }
    }
    // Money in a currency that is not ISO 4217 is never applied nor
    // suggested: it is an unmatched credit, its amount and code shown, and
    // a person decides with the bank (review 38 banks F3: it was dropped
    // before matching, listed nowhere).
    for (p, c) in step.payments.iter().zip(cands.iter_mut()) {
        if !p.currency.is_known() {
            c.proposal = None;
            c.note = Some(format!(
                "{} is not an ISO 4217 currency: never applied, check it with the bank",
                p.currency
            ));
        }
    }
    step.apps = matching::allocate::allocate(&step.payments, &step.items, &cands, &cfg);
    // (Less the invoices a person said a payment did not pay.)
    step.other_currency = step
        .payments
        .iter()
        .zip(cands.iter_mut())
        .map(|(p, c)| {
            let mut quoted = std::mem::take(&mut c.other_currency);
            quoted.retain(|&i| {
                step.items
                    .get(i as usize)
                    .is_some_and(|it| !rejected.contains(&p.account, &p.entry_id, &it.invoice_id))
            });
            quoted
        })
        .collect();
    // Money left waiting that the ERP may have booked since is not applied
    // again (never a payment counted twice).
    super::waiting::hold(conn, &mut step, &since, run_date)?;
    // Money a notification and a statement may both have brought, told
    // apart by nothing, is not applied on a guess.
    super::link::hold_twins(conn, &mut step, run_date)?;
    matching::check_invariants(&step.payments, &step.items, &step.apps)
        .map_err(CreditError::Invariant)?;

    // The first invoice whose recorded export overflowed fails the night
    // here, after matching, where it always did.
    if let Some(id) = recorded_overflow {
        return Err(CreditError::Overflow(id));
    }
    let mut unapplied: Vec<Money> = vec![Money::ZERO; step.payments.len()];
    for a in &step.apps {
        let Some(p) = step.payments.get(a.payment) else {
            continue;
        };
        match a.status {
            Status::Unapplied => {
                if let Some(u) = unapplied.get_mut(a.payment) {
                    *u = a.applied_amount;
                }
            }
            Status::Suggested => {}
            Status::Matched => {
                let Some(item) = a.item.and_then(|i| step.items.get(i)) else {
                    continue;
                };
                let id = item.invoice_id.as_str();
                sl::record_application(
                    conn,
                    run_date,
                    &sl::NewApplication {
                        account: &p.account,
                        entry_id: &p.entry_id,
                        invoice_id: id,
                        customer_id: &item.customer_id,
                        applied: a.applied_amount,
                        writeoff: a.writeoff_amount,
                        writeoff_kind: a.writeoff_kind.map(|k| k.as_str()).unwrap_or(""),
                        rule: a.rule.map(|r| r.as_str()).unwrap_or(""),
                        confidence: &a.confidence.to_string(),
                        evidence: &a.evidence,
                        recorded_open: step
                            .money
                            .get(id)
                            .and_then(|m| m.recorded)
                            .unwrap_or(item.open_amount),
                        paid_date: p.day(),
                    },
                )?;
                add(&mut step.money, id, a.applied_amount, a.writeoff_amount)?;
            }
        }
    }
    for ((p, left), carried) in step.payments.iter().zip(&unapplied).zip(&step.carried_over) {
        // Money from an earlier night that found nothing again: its row
        // already says so (remaining unchanged, processed night set).
        if *carried && *left == p.amount {
            continue;
        }
        transactions::settle_tx(conn, &p.account, &p.entry_id, *left, Some(run_date), None)?;
    }
    for inv in &ledger.invoices {
        if step
            .money
            .get(&inv.invoice_id)
            .is_some_and(|m| m.matched && m.open_after().is_some_and(Money::is_zero))
        {
            sl::mark_settled(conn, &inv.invoice_id, run_date)?;
        }
    }
    step.unreopened = crate::state::mandates::returned_never_applied(conn)?
        .into_iter()
        .filter(|id| step.open_after(id).is_some_and(|o| o.is_zero()))
        .collect();
    Ok(step)
}

/// Adds an application's money to its invoice's. Every invoice matched on
/// is in the map already (the items are the export's invoices): no key is
/// allocated per application.
fn add(
    map: &mut StrMap<String, InvoiceMoney>,
    id: &str,
    applied: Money,
    written_off: Money,
) -> Result<(), CreditError> {
    let overflow = || CreditError::Overflow(id.to_string());
    let e = match map.get_mut(id) {
        Some(e) => e,
        None => map.entry(id.to_string()).or_default(),
    };
    e.matched = true;
    e.applied = e.applied.checked_add(applied).ok_or_else(overflow)?;
    e.written_off = e
        .written_off
        .checked_add(written_off)
        .ok_or_else(overflow)?;
    Ok(())
}
