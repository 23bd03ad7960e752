//! Money left waiting on an earlier night — a suggestion no person
//! confirmed, a customer's surplus — that the ERP may have booked since.
//!
//! An accountant reading "suggestions to confirm" often books the payment
//! in the ERP instead: the next export shows the invoice lower (or gone),
//! while pointage still holds the money as unapplied. Matched again from
//! scratch, that money would settle a second invoice (or the same one a
//! second time): one bank line counted twice, an unpaid invoice shown paid
//! and not chased. [`super::effective`] keeps pointage's *own*
//! applications from being counted twice; this module does the same for
//! the money it left waiting.
//!
//! The rule. On a night some money of an earlier night waits,
//! [`record_moves`] stores, for every invoice of the previous export, by
//! how much it fell tonight beyond what pointage's applications explain
//! (the lower reading of [`super::effective`]: an invoice gone from the
//! export fell by all it owed). Then, when the matcher would apply money
//! of an earlier night, [`hold`] looks at the customers it concerns (those
//! of the invoices it is applied or suggested to tonight, and those its
//! earlier applications paid): if their invoices fell, in the money's
//! currency, on nights after the money first waited, by at least that
//! money, the ERP may have booked it. The money is then not applied: its
//! rows become suggestions, it stays waiting, and an
//! `erp_export_unexplained` tells a person (who applies it with `accept`
//! or `assign`, or, the ERP having booked it, takes it out with `ignore`).
//! Tonight's money is held the same way ([`booked_with_it`]) when the
//! invoices it pays or quotes fell in tonight's export by at least the
//! money it applies, beyond pointage's applications (an ERP lettering
//! payments from its own bank feed the day pointage first sees them:
//! applied again, one payment would count twice, an invoice still owing
//! shown paid: verify 38 vmoney V5; lettered in part or elsewhere: verify
//! 40 R6, verify 41), or, applied by its payer alone (no invoice named),
//! when the customer's invoices fell that night by exactly that money;
//! money applied only in part (an overpayment) only when they fell by all
//! of it. Money of earlier nights the matcher would apply tonight, the
//! same, and as on the night it came (`booked_on_arrival`: the ERP
//! lettering more of the invoice later frees nothing). What the ERP booked before the bank line reached pointage counts
//! as booked the night the money came: the exports from the day the bank
//! booked it are read (an ERP lettering from its own bank feed or the
//! online bank, the bank file a night or a weekend later: verify 41
//! v5early); so [`record_moves`] records every night's falls. Money whose
//! invoices did not move is matched as before. pointage
//! cannot prove the ERP's move was that payment (a credit note, another
//! payment look the same): doubt goes to a person, never a guess.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, params};

mod booked;
mod moves;

pub(in crate::nightly) use booked::quoted_in;
use booked::{Concerned, booked_with_it, quotes};
pub use moves::{Move, record_moves};
use moves::{VALUE_DATE_DAYS, moves_of, net_moves};

use super::credits::CreditStep;
use crate::matching::{Application, Rule, Status};
use crate::money::Money;
use crate::state::ledger as sl;

/// Money of an earlier night held tonight, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The payment's index in [`CreditStep::payments`].
    pub payment: usize,
    /// The night the money first waited.
    pub since: String,
    /// The invoices that fell since (night, customer, invoice, by how much).
    pub moves: Vec<Move>,
    /// Their total.
    pub fell: Money,
    /// True when the matcher would have applied some of it tonight (its
    /// rows were turned into suggestions).
    pub unapplied: bool,
}

/// Finds the money of earlier nights whose customers' invoices fell since
/// it first waited by at least that money (see the module doc), told to a
/// person ([`CreditStep::held`]) whatever the matcher made of it; what the
/// matcher would apply of it is not: its matched rows become suggestions
/// and the whole of it is left unapplied. `since[i]` is the night payment
/// `i` first waited (`None`: tonight's money, whose night's export counts
/// as well: the ERP booking a payment from its own bank feed the day
/// pointage first sees it, verify 38 vmoney V5).
pub fn hold(
    conn: &Connection,
    step: &mut CreditStep,
    since: &[Option<String>],
    run_date: &str,
) -> rusqlite::Result<()> {
    // Tonight's money is held only when what it would apply is at stake.
    let tonight: Vec<bool> = since.iter().map(Option::is_none).collect();
    let since: Vec<String> = since
        .iter()
        .map(|s| s.clone().unwrap_or_else(|| run_date.to_string()))
        .collect();
    // The exports read for each: since the bank booked it, when that is
    // before it first waited (an ERP lettering it from its own bank feed
    // before the bank file reached pointage: verify 41 v5early; held on
    // the night it came, held on the nights after alike).
    let from: Vec<String> = since
        .iter()
        .zip(&step.payments)
        .map(|(first, p)| {
            booked_day(p)
                .filter(|d| d.as_str() < first.as_str())
                .unwrap_or_else(|| first.clone())
        })
        .collect();
    // Nothing fell since the earliest of them: nothing to look at.
    let Some(earliest) = from.iter().min() else {
        return Ok(());
    };
    let moved: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM erp_moves WHERE run_date >= ?1 AND run_date <= ?2)",
        params![earliest, run_date],
        |r| r.get(0),
    )?;
    if !moved {
        return Ok(());
    }
    let mut concerned: BTreeMap<usize, Concerned<'_>> = (0..since.len())
        .map(|i| (i, Concerned::default()))
        .collect();
    for a in &step.apps {
        let Some(e) = concerned.get_mut(&a.payment) else {
            continue;
        };
        let matched = a.status == Status::Matched;
        e.matched |= matched;
        if matched {
            e.applied = e.applied.checked_add(a.applied_amount).unwrap_or(e.applied);
            e.written_off = e
                .written_off
                .checked_add(a.writeoff_amount)
                .unwrap_or(e.written_off);
            e.names_an_invoice |= !matches!(a.rule, Some(Rule::PayerIban | Rule::PayerName));
        }
        if let Some(it) = a.item.and_then(|i| step.items.get(i)) {
            e.customers.insert(it.customer_id.as_str());
            if matched {
                e.paid.insert(it.invoice_id.as_str());
            }
        }
    }
    let mut held = Vec::new();
    for (i, mut c) in concerned {
        let (Some(p), Some(first), Some(from)) = (step.payments.get(i), since.get(i), from.get(i))
        else {
            continue;
        };
        let new = tonight.get(i).copied().unwrap_or(false);
        if new && !c.matched {
            continue;
        }
        c.came = first.clone();
        let earlier = sl::live_applications(conn, &p.account, &p.entry_id)?;
        c.customers
            .extend(earlier.iter().map(|a| a.customer_id.as_str()));
        let read = moves_of(conn, &c.customers, p.currency.as_str(), from, run_date)?;
        c.closed = read
            .iter()
            .filter(|m| {
                step.money
                    .get(m.invoice_id.as_str())
                    .is_none_or(|money| !money.before.is_positive())
            })
            .map(|m| m.invoice_id.clone())
            .collect();
        // The night the money came (and the nights before, since the bank
        // booked it), only the invoices it pays or quotes count: the ERP
        // booking that very payment lowers them; the customer's other
        // invoices moving then (a cheque, a credit note) say nothing of it
        // (verify 40 R4).
        let paid_or_quoted = |id: &str| c.paid.contains(id) || quotes(p, id);
        let theirs = net_moves(&read, first, paid_or_quoted);
        let Some(fell) = Money::checked_sum(theirs.iter().map(|m| m.fell)) else {
            continue;
        };
        // Held as before: those falls, but for the invoices its earlier
        // applications paid, whose falls up to the night it came were read
        // against it that night (a credit note lettered before it came is
        // not its surplus: verify 42 M2; a quoted invoice the ERP lettered
        // while the matcher only suggested another still counts: verify 42
        // early2 M1).
        let paid_before: BTreeSet<&str> = earlier.iter().map(|a| a.invoice_id.as_str()).collect();
        let after = net_moves(&read, first, |id| {
            paid_or_quoted(id) && !paid_before.contains(id)
        });
        let Some(fell_after) = Money::checked_sum(after.iter().map(|m| m.fell)) else {
            continue;
        };
        let all = net_moves(&read, first, |_| true);
        let Some(fell_all) = Money::checked_sum(all.iter().map(|m| m.fell)) else {
            continue;
        };
        // Money of an earlier night: held as before when its customers'
        // invoices fell since by all of it; and, what the matcher applies
        // of it tonight, as tonight's money is (the night it came counts
        // alike: verify 41 R6 on the nights after).
        let found = if !new && fell_after >= p.amount {
            Some((after, fell_after))
        } else if c.matched {
            booked_with_it(p.amount, &c, (&theirs, fell), (&all, fell_all)).or_else(|| {
                if new {
                    None
                } else {
                    booked_on_arrival(&read, first, &c, p)
                }
            })
        } else {
            None
        };
        if let Some((moves, fell)) = found
            && !moves.is_empty()
        {
            held.push(Held {
                payment: i,
                since: first.clone(),
                moves,
                fell,
                unapplied: c.matched,
            });
        }
    }
    for h in held.iter().filter(|h| h.unapplied) {
        let Some(p) = step.payments.get(h.payment) else {
            continue;
        };
        let earliest = h.moves.iter().map(|m| m.night.as_str()).min();
        let note = if let Some(night) = earliest.filter(|n| *n < h.since.as_str()) {
            let ids: Vec<&str> = h.moves.iter().map(|m| m.invoice_id.as_str()).collect();
            format!(
                "; held: the ERP's export fell by {} since {night} ({}), after the bank booked this money and before its file came: the ERP may have booked it; not applied",
                h.fell,
                ids.join(", ")
            )
        } else if h.since == run_date {
            let ids: Vec<&str> = h.moves.iter().map(|m| m.invoice_id.as_str()).collect();
            format!(
                "; held: the ERP's export fell by {} tonight ({}), as this money came: the ERP may have booked it; not applied",
                h.fell,
                ids.join(", ")
            )
        } else {
            format!(
                "; held: the ERP's export of the customer's invoices fell by {} since this money first waited ({}): not applied again",
                h.fell, h.since
            )
        };
        leave_unapplied(&mut step.apps, h.payment, p.amount, &note);
    }
    step.held = held;
    Ok(())
}

/// Money of an earlier night judged as on the night it came: by the falls
/// read up to that night, less what the ERP undid since (a lettering taken
/// back, an invoice back in the export), never by what it lettered since.
/// The ERP lettering this payment from its own bank feed, then the rest of
/// the invoice (or what a raise added) on a later night, leaves the
/// invoice's net fall no longer "exactly the money" that held it: without
/// this, the money would then be applied to another invoice, counted twice
/// (verify 43 raise M2, raise2 M1). Falls after it came that reach the money
/// hold it by the rule before this one.
fn booked_on_arrival(
    read: &[Move],
    first: &str,
    c: &Concerned<'_>,
    p: &crate::matching::Payment,
) -> Option<(Vec<Move>, Money)> {
    let kept: Vec<Move> = read
        .iter()
        .filter(|m| m.night.as_str() <= first || !m.fell.is_positive())
        .cloned()
        .collect();
    // Nothing lettered since it came: the judgement `hold` just made.
    if kept.len() == read.len() {
        return None;
    }
    let paid_or_quoted = |id: &str| c.paid.contains(id) || quotes(p, id);
    let theirs = net_moves(&kept, first, paid_or_quoted);
    let fell = Money::checked_sum(theirs.iter().map(|m| m.fell))?;
    let all = net_moves(&kept, first, |_| true);
    let fell_all = Money::checked_sum(all.iter().map(|m| m.fell))?;
    booked_with_it(p.amount, c, (&theirs, fell), (&all, fell_all))
}

/// The day the bank booked a payment, or its value date when a few days
/// earlier or alone, as state writes nights.
fn booked_day(p: &crate::matching::Payment) -> Option<String> {
    let day = match (p.booking_date, p.value_date) {
        // An ERP may letter it on its value date, before the bank booked
        // it (verify 42 L1): a few days before, not a credit dated back a
        // month, whose window would take in a month of the customer's
        // moves (verify 42 early2 L2).
        (Some(b), Some(v)) if v < b && (b - v).num_days() <= VALUE_DATE_DAYS => v,
        (b, v) => b.or(v)?,
    };
    Some(day.to_string())
}

/// Payment `payment`'s matched rows (all `amount` of it) become
/// suggestions, `note` added to their evidence, and the whole of it is left
/// unapplied: one row, after its others. Nothing changes for a payment with
/// no row.
pub(super) fn leave_unapplied(
    apps: &mut Vec<Application>,
    payment: usize,
    amount: Money,
    note: &str,
) {
    let mut last = None;
    for (k, a) in apps.iter_mut().enumerate() {
        if a.payment != payment {
            continue;
        }
        last = Some(k);
        if a.status == Status::Matched {
            a.status = Status::Suggested;
            a.applied_amount = a
                .applied_amount
                .checked_add(a.writeoff_amount)
                .unwrap_or(a.applied_amount);
            a.writeoff_amount = Money::ZERO;
            a.writeoff_kind = None;
            a.evidence.push_str(note);
        }
    }
    let Some(last) = last else {
        return;
    };
    let unapplied = Application {
        payment,
        item: None,
        applied_amount: amount,
        writeoff_amount: Money::ZERO,
        writeoff_kind: None,
        rule: None,
        confidence: crate::matching::Confidence::NONE,
        status: Status::Unapplied,
        evidence: String::new(),
    };
    apps.insert(last + 1, unapplied);
    let mut k = 0;
    apps.retain(|a| {
        let keep = !(a.payment == payment && a.status == Status::Unapplied && k != last + 1);
        k += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payment_counts_from_its_booking_or_earlier_value_date() {
        use chrono::NaiveDate;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let mut p = crate::matching::testkit::payment("P1", "1000");
        p.booking_date = d("2026-12-02");
        p.value_date = d("2026-12-01");
        assert_eq!(booked_day(&p).as_deref(), Some("2026-12-01"));
        p.value_date = d("2026-12-04");
        assert_eq!(booked_day(&p).as_deref(), Some("2026-12-02"));
        // Thursday before Easter to the Tuesday after: 5 days.
        p.value_date = d("2026-11-27");
        assert_eq!(booked_day(&p).as_deref(), Some("2026-11-27"));
        // Dated back a month: from its booking date.
        p.value_date = d("2026-11-02");
        assert_eq!(booked_day(&p).as_deref(), Some("2026-12-02"));
        p.value_date = d("2026-12-04");
        p.booking_date = None;
        assert_eq!(booked_day(&p).as_deref(), Some("2026-12-04"));
        p.value_date = None;
        assert_eq!(booked_day(&p), None);
    }
}
