//! From candidates (one invoice at one step) to `dunning.csv` rows: one per
//! customer, step, channel and currency, listing every invoice concerned, with
//! a stable `action_id` so downstream tools can drop a line already sent.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::{Candidate, CustomerFile, DunningInvoice, DunningRun, netting, penalty};
use crate::config::Channel;
use crate::ledger::CustomerType;
use crate::money::{Currency, Money};
use crate::output::neutralize;

/// The columns of `dunning.csv`, in order (public interface: add, never rename).
pub const DUNNING_COLUMNS: [&str; 16] = [
    "action_id",
    "action_date",
    "customer_id",
    "customer_name",
    "step",
    "channel",
    "invoice_ids",
    "amount_due",
    "currency",
    "oldest_due_date",
    "days_overdue",
    "penalty_amount",
    "reason",
    "email",
    "phone",
    "address",
];

/// One line of tomorrow's dunning file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DunningAction {
    /// Stable id: see [`action_id`].
    pub action_id: String,
    /// The next business day after the run date.
    pub action_date: NaiveDate,
    /// Customer.
    pub customer_id: String,
    /// Customer name.
    pub customer_name: String,
    /// Step name.
    pub step: String,
    /// Channel.
    pub channel: Channel,
    /// Invoices concerned, sorted.
    pub invoice_ids: Vec<String>,
    /// Sum of their open amounts.
    pub amount_due: Money,
    /// Currency of all of them.
    pub currency: Currency,
    /// Oldest due date among them.
    pub oldest_due_date: NaiveDate,
    /// Days from the oldest due date to the action date (negative = not yet due).
    pub days_overdue: i64,
    /// Late charges (B2B, formal notice and later), zero otherwise.
    pub penalty_amount: Money,
    /// Why, in words.
    pub reason: String,
    /// Contact details from customers.csv.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
}

/// `action_id`: the first 16 hex digits of SHA-256 over client, customer,
/// step, channel, sorted invoice ids and action date, separated by `\x1f`.
pub fn action_id(
    client: &str,
    customer: &str,
    step: &str,
    channel: Channel,
    sorted_invoice_ids: &[String],
    action_date: NaiveDate,
) -> String {
    let mut h = Sha256::new();
    for part in [client, customer, step, channel.as_str()] {
        h.update(part.as_bytes());
        h.update(b"\x1f");
    }
    for id in sorted_invoice_ids {
        h.update(id.as_bytes());
        h.update(b"\x1e");
    }
    h.update(action_date.to_string().as_bytes());
    crate::hex::hex(h.finalize().get(..8).unwrap_or_default())
}

/// Groups one customer's candidates into actions.
pub(super) fn group(
    run: &DunningRun<'_>,
    action_date: NaiveDate,
    customer: &CustomerFile,
    candidates: Vec<Candidate<'_>>,
) -> Vec<DunningAction> {
    // The customer's money (unapplied, open credit notes) covers what they
    // owe: the payment is probably theirs, so they are not chased in that
    // currency. A step about an invoice already due (and a full-balance
    // demand) is dropped when that money covers every invoice due by the
    // action date — an invoice not yet due must not make money that covers
    // every overdue one count for nothing; a preventive contact about an
    // invoice not yet due, only when it covers everything open. Every
    // invoice counts (disputed, promised or on a return path too), so this
    // never protects less than comparing with everything open did.
    let mut owed_due: BTreeMap<Currency, Option<Money>> = BTreeMap::new();
    let mut owed_all: BTreeMap<Currency, Option<Money>> = BTreeMap::new();
    for inv in customer.invoices.iter().filter(|i| i.open.is_positive()) {
        let add = |m: &mut BTreeMap<Currency, Option<Money>>| {
            let e = m.entry(inv.currency).or_insert(Some(Money::ZERO));
            *e = e.and_then(|o| o.checked_add(inv.open));
        };
        add(&mut owed_all);
        if inv.due_date <= action_date {
            add(&mut owed_due);
        }
    }
    // Open credit notes are the customer's too: what they owe is net of them.
    let mut credit: BTreeMap<Currency, Money> = BTreeMap::new();
    for inv in customer
        .invoices
        .iter()
        .filter(|i| i.open.is_negative() && !i.disputed)
    {
        let e = credit.entry(inv.currency).or_insert(Money::ZERO);
        *e = e.checked_add(inv.open.abs()).unwrap_or(*e);
    }
    let covered = |c: &Candidate<'_>| {
        let currency = c.invoice.currency;
        let theirs = customer
            .unapplied
            .get(&currency)
            .map_or(Money::ZERO, |r| r.amount)
            .checked_add(credit.get(&currency).copied().unwrap_or(Money::ZERO))
            .unwrap_or(Money::ZERO);
        let about_what_is_due =
            c.invoice.due_date <= action_date || c.step == super::returns_path::FULL_BALANCE_STEP;
        let owed = if about_what_is_due {
            &owed_due
        } else {
            &owed_all
        };
        let owed = owed.get(&currency).copied().unwrap_or(Some(Money::ZERO));
        // Money waiting for a person, suggested for this invoice alone,
        // covers it (the customer may have paid exactly it).
        let waiting = c.invoice.waiting_for_it;
        (theirs.is_positive() && owed.is_some_and(|o| theirs >= o))
            || (theirs.is_positive() && waiting >= c.invoice.open)
    };
    // The invoices no row will chase still take their share of the
    // customer's money first, oldest due first: the money that covers an
    // invoice (why it is not chased) is not deducted again from another's
    // letter (review 37 D1). So do those whose row is dropped below.
    let (candidates, covered_ones): (Vec<Candidate<'_>>, Vec<Candidate<'_>>) =
        candidates.into_iter().partition(|c| !covered(c));
    let mut set_aside: Vec<&DunningInvoice> = covered_ones.iter().map(|c| c.invoice).collect();

    // At most one step per channel and day: the highest that is sent. A
    // step dropped when its row is built (nothing left to ask once the
    // credit notes are set against it, or under its plan's `min_amount`)
    // does not take the channel's slot: the highest lower step due on that
    // channel, another invoice's, is sent instead. An invoice has at most
    // one candidate per channel, its highest step due (plan.rs,
    // returns_path.rs), and one whose step was dropped is never given a
    // lower one in its place: a lower step is never sent after a higher one.
    let mut ranks: BTreeMap<Channel, Vec<u32>> = BTreeMap::new();
    for c in &candidates {
        ranks.entry(c.channel).or_default().push(c.rank);
    }
    for r in ranks.values_mut() {
        r.sort_unstable();
        r.dedup();
    }
    let mut dropped: BTreeSet<(Channel, &str)> = BTreeSet::new();
    loop {
        let mut groups: BTreeMap<(String, Channel, Currency), Vec<Candidate<'_>>> = BTreeMap::new();
        for c in &candidates {
            if ranks.get(&c.channel).and_then(|r| r.last()) == Some(&c.rank)
                && !dropped.contains(&(c.channel, c.invoice.invoice_id.as_str()))
            {
                groups
                    .entry((c.step.clone(), c.channel, c.invoice.currency))
                    .or_default()
                    .push(c.clone());
            }
        }
        let tried: BTreeSet<Channel> = groups.keys().map(|k| k.1).collect();
        let out = rows(
            run,
            action_date,
            customer,
            &credit,
            &set_aside,
            groups.clone(),
        );
        let mut lowered = false;
        for channel in tried {
            if out.iter().any(|a| a.channel == channel) {
                continue;
            }
            for ((_, ch, _), members) in &groups {
                if *ch == channel {
                    dropped.extend(
                        members
                            .iter()
                            .map(|m| (channel, m.invoice.invoice_id.as_str())),
                    );
                    set_aside.extend(members.iter().map(|m| m.invoice));
                }
            }
            if let Some(r) = ranks.get_mut(&channel) {
                r.pop();
                lowered = true;
            }
        }
        if !lowered {
            return out;
        }
    }
}

/// The rows for the chosen groups (one step per channel): amounts net of the
/// open credit notes (`credit`, per currency) and of the customer's money
/// received and not yet applied ([`netting`]), shared out with the invoices
/// `set_aside` (covered by that money, or whose step gave no row), late
/// charges on what is left, reasons. A group with nothing left to ask, or
/// under its step's `min_amount`, gives no row.
fn rows(
    run: &DunningRun<'_>,
    action_date: NaiveDate,
    customer: &CustomerFile,
    credit: &BTreeMap<Currency, Money>,
    set_aside: &[&DunningInvoice],
    groups: BTreeMap<(String, Channel, Currency), Vec<Candidate<'_>>>,
) -> Vec<DunningAction> {
    let plan = run.plans.get(&customer.plan);
    let mut out = Vec::new();
    // Rows with the oldest invoices first.
    let mut groups: Vec<((String, Channel, Currency), Vec<Candidate<'_>>)> = groups
        .into_iter()
        .map(|(k, mut members)| {
            members.sort_by(|a, b| {
                (a.invoice.due_date, &a.invoice.invoice_id)
                    .cmp(&(b.invoice.due_date, &b.invoice.invoice_id))
            });
            members.dedup_by(|a, b| a.invoice.invoice_id == b.invoice.invoice_id);
            (k, members)
        })
        .collect();
    groups.sort_by(|a, b| {
        let oldest = |m: &Vec<Candidate<'_>>| m.first().map(|c| c.invoice.due_date);
        (oldest(&a.1), &a.0).cmp(&(oldest(&b.1), &b.0))
    });
    // Each chased invoice takes its share of the credit notes, then of the
    // money received, once, oldest due first, so a call and a letter about
    // the same invoices the same day state the same amount.
    let shares = netting::shares(
        groups
            .iter()
            .flat_map(|(_, members)| members.iter().map(|m| m.invoice))
            .chain(set_aside.iter().copied()),
        credit,
        &customer.unapplied,
    );
    let share = |id: &str| shares.get(id).copied().unwrap_or_default();
    for ((step, channel, currency), members) in groups {
        let Some(gross) = Money::checked_sum(members.iter().map(|m| m.invoice.open)) else {
            continue;
        };
        let Some(credit_used) =
            Money::checked_sum(members.iter().map(|m| share(&m.invoice.invoice_id).credit))
        else {
            continue;
        };
        let Some(received_used) = Money::checked_sum(
            members
                .iter()
                .map(|m| share(&m.invoice.invoice_id).received),
        ) else {
            continue;
        };
        let Some(amount_due) = gross
            .checked_sub(credit_used)
            .and_then(|a| a.checked_sub(received_used))
        else {
            continue;
        };
        if !amount_due.is_positive() {
            continue;
        }
        let min = plan
            .and_then(|p| p.iter().find(|s| s.name == step))
            .and_then(|s| s.min_amount)
            .map(|m| Money::new(m.0));
        if min.is_some_and(|m| amount_due < m) {
            continue;
        }
        let Some(first) = members.first() else {
            continue;
        };
        let oldest = first.invoice.due_date;
        let penalty_amount = if customer.customer_type == CustomerType::B2b {
            // 40 EUR (D441-5) for an EUR invoice; another currency's only
            // when configured, never 40 of that currency.
            let indemnity = Money::new(run.config.indemnity_for(currency.as_str()));
            let rate = run.config.late_interest_rate.0;
            // Per invoice: a full-balance demand charges only those overdue.
            // Interest runs on what the customer still owes for the invoice:
            // its open amount less the credit notes and the money received
            // set against it above.
            Money::checked_sum(members.iter().filter(|m| m.charges).map(|m| {
                let netted = share(&m.invoice.invoice_id).total().unwrap_or(Money::ZERO);
                let owed = m.invoice.open.checked_sub(netted).unwrap_or(m.invoice.open);
                // An invoice the customer's money fully offsets is owed
                // nothing: no indemnity either.
                if !owed.is_positive() {
                    return Money::ZERO;
                }
                penalty::invoice_penalty(
                    owed,
                    m.invoice.due_date,
                    action_date,
                    rate,
                    indemnity,
                    currency.minor_units(),
                )
                .unwrap_or(Money::ZERO)
            }))
            .unwrap_or(Money::ZERO)
        } else {
            Money::ZERO
        };
        let mut invoice_ids: Vec<String> = members
            .iter()
            .map(|m| m.invoice.invoice_id.clone())
            .collect();
        invoice_ids.sort();
        let reason = if members.len() == 1 {
            first.reason.clone()
        } else if members.iter().all(|m| m.reason == first.reason) {
            // One reason for all (a return, a full-balance demand).
            format!("{} invoices; {}", members.len(), first.reason)
        } else {
            format!("{} invoices; oldest {}", members.len(), first.reason)
        };
        let reason = format!(
            "{reason}{}",
            netting::note(
                gross,
                credit_used,
                received_used,
                customer.unapplied.get(&currency)
            )
        );
        out.push(DunningAction {
            action_id: action_id(
                run.client_id,
                &customer.customer_id,
                &step,
                channel,
                &invoice_ids,
                action_date,
            ),
            action_date,
            customer_id: customer.customer_id.clone(),
            customer_name: customer.name.clone(),
            step,
            channel,
            invoice_ids,
            amount_due,
            currency,
            oldest_due_date: oldest,
            days_overdue: (action_date - oldest).num_days(),
            penalty_amount,
            reason,
            email: customer.email.clone(),
            phone: customer.phone.clone(),
            address: customer.address.clone(),
        });
    }
    out
}

/// A phone number passes as is when it only holds digits, spaces, `+`, `.`,
/// `-` and brackets (a leading `+` is a country code there, not a formula).
fn phone_cell(p: &str) -> std::borrow::Cow<'_, str> {
    if p.chars()
        .all(|c| c.is_ascii_digit() || " +.-()".contains(c))
    {
        std::borrow::Cow::Borrowed(p)
    } else {
        neutralize(p)
    }
}

/// Writes `dunning.csv` (header included) to `w`.
pub fn write_csv<W: io::Write>(w: W, actions: &[DunningAction]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(DUNNING_COLUMNS)?;
    for a in actions {
        out.write_record([
            a.action_id.as_str(),
            &a.action_date.to_string(),
            &a.customer_id,
            &neutralize(&a.customer_name),
            &a.step,
            a.channel.as_str(),
            &a.invoice_ids.join("|"),
            &a.amount_due.to_plain(),
            a.currency.as_str(),
            &a.oldest_due_date.to_string(),
            &a.days_overdue.to_string(),
            &a.penalty_amount.to_plain(),
            &neutralize(&a.reason),
            &neutralize(a.email.as_deref().unwrap_or("")),
            &phone_cell(a.phone.as_deref().unwrap_or("")),
            &neutralize(a.address.as_deref().unwrap_or("")),
        ])?;
    }
    out.flush()?;
    Ok(())
}
