//! Tomorrow's dunning actions ("relances"), per customer, from each invoice's
//! effective open amount, its history, and the client's plans.
//!
//! Pure: everything comes in through [`DunningRun`] and [`CustomerFile`]
//! (built by the nightly run from state); out come [`DunningAction`]s, one per
//! customer, step, channel and currency. Rules (README, "Dunning"):
//! - actions are dated the next business day after the run date;
//! - per invoice, only the highest step already due and never issued is
//!   issued (a missed night never sends every earlier step at once); on a
//!   return path the same holds per channel of the path;
//! - in a plan with a `formal_notice` step, no step after it before a formal
//!   notice about the invoice (or a full-balance demand standing for it)
//!   went out as many days before as the plan puts between them (`plan`);
//! - at most one step per customer and channel per day (the highest sent: a
//!   step dropped for its `min_amount` or for nothing left to ask leaves the
//!   channel to a lower step of another invoice);
//! - not chased, on the normal plan as on the return path: settled invoices,
//!   credit notes, disputed invoices, invoices in a pending suggestion (for
//!   `suggestion_hold_days`), invoices under a promise (the dispute call after
//!   a disputed return goes to its disputed invoice, unless a promise or a
//!   suggestion holds it); and in a currency, a customer whose money
//!   (unapplied, open credit notes) is positive and covers every invoice due
//!   on or before the action date: no step about an invoice due, no
//!   full-balance demand (a preventive contact about one not yet due only
//!   when that money covers everything open);
//! - short of that, a row's amount and the base of its late charges are net
//!   of that money, set against the chased invoices oldest due first, per
//!   currency ([`netting`]): never a letter asking for money the customer
//!   is known to have sent;
//! - a statement gap holds formal-notice and later steps, and the
//!   full-balance demand that stands for the formal notice;
//! - returned direct debits follow their own path ([`returns_path`]);
//! - quiet periods move post-due steps after them and schedule a preventive
//!   contact before them ([`quiet`]);
//! - B2B customers get late-payment charges from the formal notice on ([`penalty`]).

mod action;
mod netting;
pub mod penalty;
mod plan;
pub mod quiet;
pub(crate) mod returns_path;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::config::{Channel, DunningConfig};
use crate::ledger::CustomerType;
use crate::money::{Currency, Money};
use crate::returns::ReturnCategory;

pub use action::{DUNNING_COLUMNS, DunningAction, action_id, write_csv};
pub use plan::{is_formal_notice, notice_delay};
pub use returns_path::PATH_DAYS as RETURN_PATH_DAYS;

/// What the whole night's dunning needs.
#[derive(Debug, Clone)]
pub struct DunningRun<'a> {
    /// The client's id (part of every action id).
    pub client_id: &'a str,
    /// The night being run.
    pub run_date: NaiveDate,
    /// Business days.
    pub calendar: &'a Calendar,
    /// Plans and settings.
    pub config: &'a DunningConfig,
    /// Formal notice and later steps, and the full-balance demand, are held
    /// (an uncleared statement gap, balance mismatch or conflicting statement:
    /// the payment may be in the missing statement, or the one not imported).
    pub hold_formal: bool,
    /// The plans in force (built-in ones overridden by `client.toml`).
    pub plans: BTreeMap<String, Vec<crate::config::PlanStep>>,
    /// The quiet periods, read once.
    pub quiet: quiet::QuietDays,
}

impl<'a> DunningRun<'a> {
    /// Everything the night's dunning needs; plans resolved once here.
    pub fn new(
        client_id: &'a str,
        run_date: NaiveDate,
        calendar: &'a Calendar,
        config: &'a DunningConfig,
        hold_formal: bool,
    ) -> DunningRun<'a> {
        DunningRun {
            client_id,
            run_date,
            calendar,
            config,
            hold_formal,
            plans: config.effective_plans(),
            quiet: quiet::QuietDays::of(config),
        }
    }
}

/// Where an invoice stands with a promise to pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Promise {
    /// No promise.
    #[default]
    None,
    /// Promised; dunning pauses until the date plus the grace days.
    Until(NaiveDate),
    /// The promise was broken and this is the first night it is seen: the plan
    /// resumes at its next step at once for an invoice overdue on the action
    /// date (one not yet overdue follows its plan from its own dates).
    BrokenTonight,
}

/// One open invoice, as dunning sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DunningInvoice {
    /// Invoice number.
    pub invoice_id: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Effective open amount tonight (after pointage's applications).
    pub open: Money,
    /// Currency.
    pub currency: Currency,
    /// Disputed invoices are never chased.
    pub disputed: bool,
    /// An early-payment discount, for the preventive message.
    pub discount_percent: Option<rust_decimal::Decimal>,
    /// Date since which a payment suggestion on this invoice waits for a person.
    pub suggested_since: Option<NaiveDate>,
    /// What money waiting for a person that is suggested for this invoice
    /// alone would settle of it (a payment held as maybe booked in the
    /// ERP, a suggestion; a fee or discount it writes off included): the
    /// customer's money received is set against this invoice first, and
    /// it is not chased while that covers it ([`netting`]).
    pub waiting_for_it: Money,
    /// Held from every step while a person decides on money that may have
    /// paid it (a refused statement's credits: `nightly::refused`), its
    /// status unchanged.
    pub held: bool,
    /// Its formal notice and later steps wait, the milder ones go as
    /// planned: the bank notified a payment of it that the statement of
    /// that day did not book (`notified_not_booked` open), shown paid until
    /// then; a person checks before any formal step.
    pub formal_held: bool,
    /// Steps already issued for this invoice, with the night they were issued.
    pub steps_done: BTreeMap<String, NaiveDate>,
    /// Promise to pay.
    pub promise: Promise,
    /// The night its ladder started again (the invoice moved to another
    /// customer): the normal plan's steps fall due from that night, as if
    /// it fell due then, so the new customer gets every step in turn.
    /// Charges and days overdue still count from `due_date`.
    pub ladder_from: Option<NaiveDate>,
    /// The booking date of the latest return of a collection that paid it
    /// (the debtor's death aside): once that return's path is over, a plan
    /// that had no written step out during the path starts again from the
    /// path's end ([`returns_path::resume_from`]).
    pub returned_on: Option<NaiveDate>,
    /// The delay its formal notice gave the customer, recorded with the
    /// notice (days to the first handover step of the plan it went out
    /// under): a handover never comes sooner after the notice, whatever
    /// plan the customer is on since.
    pub notice_delay: Option<u32>,
    /// The night its first formal notice went out, under whichever plan
    /// and step name: it counts as the formal notice of the plan the
    /// customer is on now (the steps before it as done), and a handover
    /// counts from it.
    pub formal_notice_sent: Option<NaiveDate>,
    /// The night its first handover step went out, under whichever plan
    /// and step name: it counts as the first handover step of the plan the
    /// customer is on now (never a second handover).
    pub handover_sent: Option<NaiveDate>,
}

/// A customer's money received but not yet applied, in one currency: how
/// much, and the booking dates of the first and last payment it is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// The sum.
    pub amount: Money,
    /// The earliest booking date.
    pub first: NaiveDate,
    /// The latest booking date.
    pub last: NaiveDate,
    /// Some of it is the customer's by the payer's name alone (no account
    /// on file said so): the reason of a row it is deducted from says so.
    pub by_name: bool,
}

/// A returned direct debit whose invoices follow the return path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnCase {
    /// The invoices the returned collection paid.
    pub invoice_ids: Vec<String>,
    /// Booking date of the return.
    pub return_date: NaiveDate,
    /// The reason code (`AM04`).
    pub reason_code: String,
    /// Its category.
    pub category: ReturnCategory,
    /// True when this is the customer's second return within the window.
    pub repeated: bool,
    /// What came back, in the customer's words: `direct debit returned`,
    /// `cheque returned unpaid`, `bill of exchange returned unpaid`.
    pub what: &'static str,
}

/// Everything dunning knows about one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFile {
    /// Customer id.
    pub customer_id: String,
    /// Name.
    pub name: String,
    /// B2B customers get late-payment charges.
    pub customer_type: CustomerType,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// The plan to follow (resolved by the caller).
    pub plan: String,
    /// Why that plan, in words.
    pub plan_reason: String,
    /// Open invoices (credit notes included; they are never chased).
    pub invoices: Vec<DunningInvoice>,
    /// The customer's money received but not applied, per currency.
    pub unapplied: BTreeMap<Currency, Received>,
    /// Returned direct debits still on their path.
    pub returns: Vec<ReturnCase>,
}

/// A candidate before grouping: one invoice at one step.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    invoice: &'a DunningInvoice,
    step: String,
    channel: Channel,
    /// Higher wins when two steps share a channel on one day.
    rank: u32,
    /// Late charges apply to this invoice (for B2B customers): formal notice
    /// or later, or an overdue invoice in a full-balance demand.
    charges: bool,
    reason: String,
}

/// Tomorrow's actions for every customer, sorted by customer, channel, step,
/// currency.
pub fn plan_actions(run: &DunningRun<'_>, customers: &[CustomerFile]) -> Vec<DunningAction> {
    let action_date = run.calendar.next_business_day(run.run_date);
    let mut out = Vec::new();
    for customer in customers {
        out.extend(customer_actions(run, action_date, customer));
    }
    out.sort_by(|a, b| {
        (&a.customer_id, a.channel, &a.step, &a.currency).cmp(&(
            &b.customer_id,
            b.channel,
            &b.step,
            &b.currency,
        ))
    });
    out
}

fn customer_actions(
    run: &DunningRun<'_>,
    action_date: NaiveDate,
    customer: &CustomerFile,
) -> Vec<DunningAction> {
    let mut candidates = returns_path::candidates(run, action_date, customer);
    let on_return_path = returns_path::invoices_on_path(run, action_date, customer);
    let path_today = !candidates.is_empty();
    // A demand for the whole balance sent tomorrow stands for every milder
    // step of the invoices it names, as it does on the nights after it: no
    // call or reminder about the same invoice the same day.
    let demanded: std::collections::BTreeSet<&str> = candidates
        .iter()
        .filter(|c| c.step == returns_path::FULL_BALANCE_STEP)
        .map(|c| c.invoice.invoice_id.as_str())
        .collect();
    candidates.retain(|c| {
        c.step == returns_path::FULL_BALANCE_STEP
            || !demanded.contains(c.invoice.invoice_id.as_str())
    });
    for inv in &customer.invoices {
        if on_return_path.contains(inv.invoice_id.as_str())
            || demanded.contains(inv.invoice_id.as_str())
            || !chaseable(run, inv)
        {
            continue;
        }
        if let Some(c) = plan::candidate(run, action_date, customer, inv, path_today) {
            candidates.push(c);
        } else if let Some(c) = quiet::preventive_candidate(run, action_date, inv) {
            candidates.push(c);
        }
    }
    action::group(run, action_date, customer, candidates)
}

/// Settled invoices, credit notes, disputed ones, those in a fresh suggestion
/// and those under a promise are not chased, on the normal plan as on the
/// return path.
fn chaseable(run: &DunningRun<'_>, inv: &DunningInvoice) -> bool {
    inv.open.is_positive() && !inv.disputed && !on_hold(run, inv)
}

/// A payment waiting as a suggestion (for `suggestion_hold_days`) or a promise
/// to pay (until its date plus the grace days) holds the invoice: the
/// customer may well have paid, or said when they will.
fn on_hold(run: &DunningRun<'_>, inv: &DunningInvoice) -> bool {
    if inv.held {
        return true;
    }
    if let Some(since) = inv.suggested_since {
        let held = (run.run_date - since).num_days();
        if held < i64::from(run.config.suggestion_hold_days) {
            return true;
        }
    }
    if let Promise::Until(date) = inv.promise {
        let grace_end = run
            .calendar
            .add_business_days(date, run.config.promise_grace_days);
        if run.run_date <= grace_end {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
