//! The normal plan: which step an invoice is at tonight.
//!
//! A step is due when its date (due date + offset, moved past a quiet period
//! for steps after the due date) is on or before the action date. The step
//! issued is the highest one due, provided no step at or above it was issued
//! before; when that step is held (statement gap, or a return-path action for
//! the customer the same day), the highest lower step not yet issued is taken.
//! An invoice whose ladder started again (it moved to another customer)
//! dates its steps from that night instead of its due date.
//!
//! In a plan with a formal notice (its `formal_notice` step, else its first
//! registered letter), no step after it goes out before a
//! formal notice about the invoice did, as long before as the plan puts
//! between the two steps (the delay the notice gave the customer): until
//! then the formal notice is the highest step that may go out ([`notice_gate`]).
//! A handover step waits at least the delay recorded with the notice (the
//! one its plan gave when it went out, [`notice_delay`]), so a customer moved
//! since to a plan with a shorter delay still gets the one the notice named.

use chrono::{Days, NaiveDate};

use super::{Candidate, CustomerFile, DunningInvoice, DunningRun, Promise, returns_path};
use crate::config::{Channel, PlanStep};

/// The step this invoice should get tomorrow, if any.
pub(super) fn candidate<'a>(
    run: &DunningRun<'_>,
    action_date: NaiveDate,
    customer: &CustomerFile,
    inv: &'a DunningInvoice,
    path_today: bool,
) -> Option<Candidate<'a>> {
    let steps = run
        .plans
        .get(&customer.plan)
        .or_else(|| run.plans.get(&run.config.default_plan))?;
    let formal = formal_index(steps);
    // A demand for the whole balance after a second return is a registered
    // demand: never a courtesy reminder after it. For an invoice already due
    // on the demand's action date (the next business day after the night it
    // was recorded, the date its late charges were reckoned at) it stands for
    // the formal notice; for one not yet due, the formal notice still comes
    // when due (it cannot put a debt not yet payable in default), but the
    // milder reminders before it are skipped.
    let demanded = inv
        .steps_done
        .get(returns_path::FULL_BALANCE_STEP)
        .and_then(|sent| {
            if inv.due_date < run.calendar.next_business_day(*sent) {
                Some(formal)
            } else {
                formal.checked_sub(1)
            }
        });
    // A formal notice sent under another plan (another step name) is this
    // plan's formal notice: never a second one, nor a milder step after it;
    // a handover sent so is this plan's first handover step.
    let noticed = inv.formal_notice_sent.map(|_| formal);
    let handed = inv
        .handover_sent
        .and_then(|_| steps.iter().position(|s| s.channel == Channel::Handover));
    let highest_done = steps
        .iter()
        .rposition(|s| inv.steps_done.contains_key(&s.name))
        .max(demanded)
        .max(noticed)
        .max(handed);
    let held = |i: usize| {
        let late_step = i >= formal;
        late_step && (run.hold_formal || path_today || inv.formal_held)
    };

    let postponed = |i: usize| {
        steps.get(i).is_some_and(|s| s.offset_days > 0) && run.quiet.contains(action_date)
    };
    // A ladder that started again (the invoice moved to another customer)
    // counts its steps from that night.
    // So does a plan resuming after a return path that sent nothing written.
    let ladder_base = inv
        .ladder_from
        .into_iter()
        .chain(returns_path::resume_from(run, steps, inv))
        .fold(inv.due_date, NaiveDate::max);
    let dates = schedule(run, ladder_base, steps);
    let reached = dates
        .iter()
        .rposition(|d| d.is_some_and(|d| d <= action_date));
    // Nothing after the formal notice before the notice's delay ran out.
    let gate = notice_gate(run, action_date, steps, inv);
    let gate_top = gate.as_ref().map_or(usize::MAX, |g| g.top);
    let due = reached.map(|d| d.min(gate_top));
    let floor = highest_done.map_or(0, |h| h + 1);
    // A broken promise resumes only what is owed: an invoice not yet overdue
    // on the action date follows its plan from its own dates (no reminder
    // about money not yet due, nor a step spent before its time).
    let broken = inv.promise == Promise::BrokenTonight && inv.due_date < action_date;
    let chosen = if broken {
        // The plan resumes at once: at its next step even before that step's
        // date, or at the highest step its dates have reached when further on
        // (a long promise broken must not bring a firm reminder one day and a
        // formal notice the next).
        let top = due
            .map_or(floor, |d| d.max(floor))
            .min(steps.len().checked_sub(1)?)
            .min(gate_top);
        (floor..=top).rev().find(|&i| !held(i) && !postponed(i))
    } else {
        (floor..=due?).rev().find(|&i| !held(i) && !postponed(i))
    }?;

    let step = &steps[chosen];
    let days = (action_date - inv.due_date).num_days();
    let when = match days {
        1 => "1 day overdue".to_string(),
        -1 => "due in 1 day".to_string(),
        d if d >= 0 => format!("{d} days overdue"),
        d => format!("due in {} days", -d),
    };
    // A later step its dates reached but the formal notice's delay holds.
    let waiting = gate
        .as_ref()
        .zip(reached)
        .filter(|(g, r)| *r > g.top)
        .and_then(|(g, _)| g.waits.as_ref())
        .map_or(String::new(), |w| format!("; {w}"));
    Some(Candidate {
        invoice: inv,
        step: step.name.clone(),
        channel: step.channel,
        rank: u32::try_from(chosen).unwrap_or(u32::MAX),
        charges: chosen >= formal,
        reason: format!(
            "{when} (due {}); plan {} ({}){}{waiting}",
            inv.due_date,
            customer.plan,
            customer.plan_reason,
            if broken {
                "; promise to pay broken"
            } else {
                ""
            }
        ),
    })
}

/// The delay a formal notice going out tonight gives the customer, to keep
/// with it in state: the days from `step` to the first handover step after
/// it in the customer's plan. `None` when `step` is not the plan's formal
/// notice or no handover follows it.
pub fn notice_delay(run: &DunningRun<'_>, customer: &CustomerFile, step: &str) -> Option<u32> {
    let steps = run
        .plans
        .get(&customer.plan)
        .or_else(|| run.plans.get(&run.config.default_plan))?;
    let f = crate::config::notice_index(steps)?;
    let formal = steps.get(f).filter(|s| s.name == step)?;
    let handover = steps
        .iter()
        .skip(f + 1)
        .find(|s| s.channel == Channel::Handover)?;
    u32::try_from(handover.offset_days.saturating_sub(formal.offset_days)).ok()
}

/// True when `step` is the formal notice of the customer's plan (its
/// `formal_notice` step, else its first registered letter): kept with the
/// step in state, so a plan whose notice has another name knows it was sent.
pub fn is_formal_notice(run: &DunningRun<'_>, customer: &CustomerFile, step: &str) -> bool {
    run.plans
        .get(&customer.plan)
        .or_else(|| run.plans.get(&run.config.default_plan))
        .and_then(|steps| steps.get(crate::config::notice_index(steps)?))
        .is_some_and(|s| s.name == step)
}

/// How far past the formal notice an invoice may go tonight.
struct NoticeGate {
    /// The highest step that may go out.
    top: usize,
    /// The first step held back, and until when, in words.
    waits: Option<String>,
}

/// In a plan with a formal notice (its `formal_notice` step, else its first
/// registered letter, [`crate::config::notice_index`]): the steps after it go out
/// only once a formal notice about the invoice went out (recorded in state,
/// dated by its action date: the next business day after its night) at
/// least as many days before as the plan puts between it and them — the
/// delay the notice gave the customer. A full-balance demand that stood for
/// the formal notice (the invoice was due on its action date) counts as one.
/// Without a notice, the formal notice is the highest step; so a formal
/// notice left out (its `min_amount`, a statement gap) never lets a
/// handover through. `None` for a plan with no formal notice (it has no
/// handover step either: `client.toml` refuses one).
fn notice_gate(
    run: &DunningRun<'_>,
    action_date: NaiveDate,
    steps: &[PlanStep],
    inv: &DunningInvoice,
) -> Option<NoticeGate> {
    let f = crate::config::notice_index(steps)?;
    let formal = steps.get(f)?;
    let sent = |night: &NaiveDate| run.calendar.next_business_day(*night);
    // The first formal notice, whatever plan and name it went out under.
    let notice = match (inv.steps_done.get(&formal.name), inv.formal_notice_sent) {
        (Some(a), Some(b)) => Some((*a).min(b)),
        (a, b) => a.copied().or(b),
    }
    .as_ref()
    .map(sent);
    let demand = inv
        .steps_done
        .get(returns_path::FULL_BALANCE_STEP)
        .map(sent)
        .filter(|on| inv.due_date < *on);
    let notice = match (notice, demand) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let mut top = f;
    let mut waits = None;
    for (i, step) in steps.iter().enumerate().skip(f + 1) {
        let mut delay = step.offset_days.saturating_sub(formal.offset_days);
        // A handover waits the delay the notice gave the customer too, when
        // it went out under a plan with a longer one.
        if step.channel == Channel::Handover {
            let given = inv
                .notice_delay
                .map_or(0, |d| i32::try_from(d).unwrap_or(i32::MAX));
            delay = delay.max(given);
        }
        let from =
            notice.and_then(|n| n.checked_add_days(Days::new(u64::from(delay.unsigned_abs()))));
        match from {
            Some(from) if from <= action_date => top = i,
            Some(from) => {
                waits = Some(format!(
                    "{} not before {from}, {delay} days after the formal notice",
                    step.name
                ));
                break;
            }
            None => {
                waits = Some(format!(
                    "{} only {delay} days after a formal notice",
                    step.name
                ));
                break;
            }
        }
    }
    Some(NoticeGate { top, waits })
}

/// The position of the formal notice in a plan
/// ([`crate::config::notice_index`]); past the last step when it has none
/// (no late charges, and no handover: `client.toml` refuses a handover step
/// with no notice before it).
fn formal_index(steps: &[PlanStep]) -> usize {
    crate::config::notice_index(steps).unwrap_or(steps.len())
}

/// The dates the plan's steps fall due for an invoice: due date + offset,
/// except that a step after the due date landing in a quiet period moves to
/// the first business day after it, and every later step moves by the same
/// delay, keeping the plan's spacing (so August does not turn a courtesy
/// reminder straight into a formal notice on 1 September). The day after a
/// period may fall in another (August given as two halves): it moves on to
/// the first business day outside them all, else the delay would be only
/// the first period's and a later step would catch up with it.
fn schedule(run: &DunningRun<'_>, due: NaiveDate, steps: &[PlanStep]) -> Vec<Option<NaiveDate>> {
    let mut delay = 0u64;
    steps
        .iter()
        .map(|step| {
            let raw = if step.offset_days >= 0 {
                due.checked_add_days(Days::new(u64::from(step.offset_days.unsigned_abs())))
            } else {
                due.checked_sub_days(Days::new(u64::from(step.offset_days.unsigned_abs())))
            }?;
            if step.offset_days <= 0 {
                return Some(raw);
            }
            let date = raw.checked_add_days(Days::new(delay))?;
            let moved = run.quiet.first_day_after(run.calendar, date)?;
            delay += u64::try_from((moved - date).num_days()).unwrap_or(0);
            Some(moved)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::config::{DunningConfig, QuietPeriod};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The default plan's dates for an invoice due `due` under `periods`.
    fn dates(periods: &[(String, String)], due: NaiveDate) -> Vec<Option<NaiveDate>> {
        let config = DunningConfig {
            quiet_periods: periods
                .iter()
                .map(|(from, to)| QuietPeriod {
                    from: from.clone(),
                    to: to.clone(),
                })
                .collect(),
            ..DunningConfig::default()
        };
        let cal = Calendar::new([]);
        let run = DunningRun::new("acme", due, &cal, &config, false);
        schedule(&run, due, &run.plans["default"])
    }

    fn p(from: &str, to: &str) -> (String, String) {
        (from.into(), to.into())
    }

    #[test]
    fn august_in_two_halves_keeps_the_phone_call_and_the_notice_apart() {
        // Due Tuesday 2027-07-20: courtesy 07-21, firm 07-28, phone +15 =
        // 08-04 → 09-01 (28 days later), notice +30 + 28 = 09-16.
        let one = dates(&[p("08-01", "08-31")], d("2027-07-20"));
        let want = [
            "2027-07-21",
            "2027-07-28",
            "2027-09-01",
            "2027-09-16",
            "2027-10-16",
        ];
        assert_eq!(one, want.map(|s| Some(d(s))).to_vec());
        let halves = [p("08-01", "08-15"), p("08-16", "08-31")];
        assert_eq!(dates(&halves, d("2027-07-20")), one);
        let overlap = [p("08-01", "08-20"), p("08-10", "08-31")];
        assert_eq!(dates(&overlap, d("2027-07-20")), one);
    }

    #[test]
    fn a_business_day_between_two_periods_is_not_quiet() {
        // 08-13 (Friday) is free: the phone call goes then, and the notice,
        // 15 days later (08-28), moves out of the second period alone.
        let gap = [p("08-01", "08-12"), p("08-14", "08-31")];
        let got = dates(&gap, d("2027-07-20"));
        assert_eq!(got[2], Some(d("2027-08-13")));
        assert_eq!(got[3], Some(d("2027-09-01")));
    }

    proptest::proptest! {
        /// Splitting a quiet period into touching pieces never changes an
        /// invoice's schedule.
        #[test]
        fn splitting_a_quiet_period_never_changes_the_schedule(
            start in 0u64..365,
            len in 2u64..60,
            cuts in proptest::collection::btree_set(0u64..59, 1..4),
            due in 0u64..500,
        ) {
            let base = d("2026-01-01");
            let md = |n: u64| base.checked_add_days(Days::new(n)).unwrap().format("%m-%d").to_string();
            let last = start + len - 1;
            let mut pieces = Vec::new();
            let mut from = start;
            for e in cuts.iter().map(|c| start + c).filter(|e| *e < last) {
                pieces.push((md(from), md(e)));
                from = e + 1;
            }
            pieces.push((md(from), md(last)));
            let due = d("2026-03-01").checked_add_days(Days::new(due)).unwrap();
            proptest::prop_assert_eq!(dates(&[(md(start), md(last))], due), dates(&pieces, due));
        }
    }
}
