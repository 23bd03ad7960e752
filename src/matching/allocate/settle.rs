//! One group's allocation, payment after payment: what a payment settles,
//! writes off, suggests or leaves unapplied, with the evidence an
//! accountant reads (rules written down in the parent module's doc).

use super::groups::ItemMap;
use super::{Application, NOTHING_FOUND};
use crate::matching::MatchConfig;
use crate::matching::item::OpenItem;
use crate::matching::payment::Payment;
use crate::matching::rule::{Confidence, Rule, Status, WriteoffKind};
use crate::matching::rules::{C_AMBIGUOUS, C_AMBIGUOUS_AMOUNT, Candidates, Proposal};
use crate::money::Money;

/// Between a hit's label and the invoice id in evidence.
const ARROW: &str = " → ";

/// Room kept for a `; partial: … of … open` note.
const PARTIAL_ROOM: usize = 40;

/// The allocation state of one group: what is still open on the items it
/// touched (others are at their input open amount) and who settled them.
/// Looked up, never iterated.
pub(super) struct State<'a> {
    pub items: &'a [OpenItem],
    pub remaining: ItemMap<Money>,
    pub settled_by: ItemMap<usize>,
    pub out: Vec<Application>,
}

fn row(payment: usize, item: Option<usize>, amount: Money) -> Application {
    Application {
        payment,
        item,
        applied_amount: amount,
        writeoff_amount: Money::ZERO,
        writeoff_kind: None,
        rule: None,
        confidence: Confidence::NONE,
        status: Status::Unapplied,
        evidence: String::new(),
    }
}

impl State<'_> {
    fn remaining(&self, i: u32) -> Money {
        match self.remaining.get(&i) {
            Some(m) => *m,
            None => self
                .items
                .get(i as usize)
                .map_or(Money::ZERO, |it| it.open_amount),
        }
    }

    fn unapplied(&mut self, pi: usize, amount: Money, rule: Option<Rule>, evidence: String) {
        if amount.is_zero() {
            return;
        }
        let mut r = row(pi, None, amount);
        r.rule = rule;
        r.evidence = evidence;
        self.out.push(r);
    }

    pub(super) fn payment(
        &mut self,
        pi: usize,
        p: &Payment,
        items: &[OpenItem],
        payments: &[Payment],
        c: &Candidates,
        cfg: &MatchConfig,
    ) {
        if !p.amount.is_positive() {
            // Nothing to give (a carried-over remainder of zero).
            return;
        }
        let Some(prop) = &c.proposal else {
            let why = c.note.clone().unwrap_or_else(|| NOTHING_FOUND.into());
            self.unapplied(pi, p.amount, None, why);
            return;
        };
        let all = prop.items();
        let settled_note = |st: &State<'_>, list: &[u32]| -> Vec<String> {
            list.iter()
                .filter(|&&i| st.remaining(i).is_zero())
                .filter_map(|&i| {
                    let it = items.get(i as usize)?;
                    let by = st
                        .settled_by
                        .get(&i)
                        .and_then(|&b| payments.get(b))
                        .map_or("an earlier payment".to_string(), |b| {
                            format!("entry {}", b.entry_id)
                        });
                    Some(format!("invoice {} already settled by {by}", it.invoice_id))
                })
                .collect()
        };
        // The payer rules fitted the amount to tonight's input open amounts:
        // if an earlier payment changed one of them, the fit no longer holds.
        let stale = matches!(
            prop.rule,
            Rule::PayerIban | Rule::PayerName | Rule::Remittance
        ) && all.iter().any(|&i| {
            self.remaining.contains_key(&i)
                && Some(self.remaining(i)) != items.get(i as usize).map(|it| it.open_amount)
        });
        if stale || prop.is_ambiguous() || prop.confidence() < cfg.threshold {
            if prop.sets.is_empty() {
                self.suggest(pi, p, items, prop, &all, cfg);
            } else {
                self.suggest_sets(pi, p, items, prop, &all, cfg);
            }
            let mut why = vec![if stale {
                "not applied: an earlier payment changed what is open on the fitted items; suggestion to confirm"
                    .to_string()
            } else if prop.is_ambiguous() {
                "not applied: the evidence fits several invoices; suggestions to confirm"
                    .to_string()
            } else {
                format!(
                    "not applied: confidence {} below the {} threshold; suggestion to confirm",
                    prop.confidence(),
                    cfg.threshold
                )
            }];
            why.extend(settled_note(self, &all));
            self.unapplied(pi, p.amount, Some(prop.rule), why.join("; "));
            return;
        }
        let live: Vec<u32> = all
            .iter()
            .copied()
            .filter(|&i| !self.remaining(i).is_zero())
            .collect();
        let settled = settled_note(self, &all);
        // `label → id`, in a string with room for `extra` more bytes.
        let label_with = |i: u32, extra: usize| {
            let it = items.get(i as usize);
            let id = it.map_or("", |it| it.invoice_id.as_str());
            let label = prop.hit_for(i).map(|h| h.label.as_str());
            let mut s = String::with_capacity(
                label.map_or(0, |l| l.len() + ARROW.len()) + id.len() + extra,
            );
            if let Some(l) = label {
                s.push_str(l);
                s.push_str(ARROW);
            }
            s.push_str(id);
            s
        };
        let labels = |i: u32| label_with(i, 0);
        let total = Money::checked_sum(live.iter().map(|&i| self.remaining(i)));
        let Some(total) = total.filter(|t| t.is_positive()) else {
            let mut why: Vec<String> = all.iter().map(|&i| labels(i)).collect();
            if live.is_empty() {
                why.extend(settled);
            } else {
                why.push("the quoted items net to nothing to pay".into());
            }
            self.unapplied(pi, p.amount, Some(prop.rule), why.join("; "));
            return;
        };
        let conf = prop.confidence();
        let mut plan: Vec<(u32, Money)> = Vec::new();
        let mut detail = String::new();
        let mut writeoff: Option<(Money, WriteoffKind, String)> = None;
        if live.len() > 1 {
            detail = grouped_text(items, &live, |i| self.remaining(i), total);
        }
        if let ([one], true) = (live.as_slice(), p.amount < total) {
            writeoff = writeoff_for(items.get(*one as usize), total, p, cfg);
        }
        if let (Some(_), [one]) = (&writeoff, live.as_slice()) {
            // The money received settles the item; the difference is written off.
            plan.push((*one, p.amount));
        } else if p.amount >= total {
            plan.extend(live.iter().map(|&i| (i, self.remaining(i))));
        } else {
            // Partial: credit notes first so they count, then oldest due.
            let mut avail = p.amount;
            let mut order = live.clone();
            order.sort_by_key(|&i| {
                let it = items.get(i as usize);
                (
                    !self.remaining(i).is_negative(),
                    it.map(|it| it.due_date),
                    it.map(|it| it.invoice_id.as_str()),
                    i,
                )
            });
            for i in order {
                let r = self.remaining(i);
                let a = if r.is_negative() { r } else { avail.min(r) };
                let Some(next) = avail.checked_sub(a) else {
                    self.unapplied(pi, p.amount, Some(prop.rule), "amount overflow".into());
                    return;
                };
                avail = next;
                if !a.is_zero() {
                    plan.push((i, a));
                }
            }
            if live.len() > 1 {
                detail.push_str(&format!(
                    "; partial: {} of {} open, oldest due first",
                    p.amount.to_plain(),
                    total.to_plain()
                ));
            }
        }
        let mut given = Money::ZERO;
        for (i, a) in plan {
            let r = self.remaining(i);
            let w = writeoff.as_ref().map_or(Money::ZERO, |(w, ..)| *w);
            let Some(left) = r.checked_sub(a).and_then(|x| x.checked_sub(w)) else {
                continue;
            };
            let Some(g) = given.checked_add(a) else {
                continue;
            };
            given = g;
            self.remaining.insert(i, left);
            if left.is_zero() {
                self.settled_by.insert(i, pi);
            }
            let extra = if detail.is_empty() {
                0
            } else {
                detail.len() + 2
            } + writeoff
                .as_ref()
                .map_or(PARTIAL_ROOM, |(.., why)| why.len() + 2);
            let mut ev = label_with(i, extra);
            if !detail.is_empty() {
                ev.push_str("; ");
                ev.push_str(&detail);
            }
            if let Some((_, _, why)) = &writeoff {
                ev.push_str("; ");
                ev.push_str(why);
            } else if a != r && live.len() == 1 {
                ev.push_str(&format!(
                    "; partial: {} of {} open",
                    a.to_plain(),
                    r.to_plain()
                ));
            }
            let mut app = row(pi, Some(i as usize), a);
            if let Some((w, k, _)) = &writeoff {
                app.writeoff_amount = *w;
                app.writeoff_kind = Some(*k);
            }
            app.rule = Some(prop.rule);
            app.confidence = conf;
            app.status = Status::Matched;
            app.evidence = ev;
            self.out.push(app);
        }
        let rest = p.amount.checked_sub(given).unwrap_or(p.amount);
        if rest.is_positive() {
            let mut why = vec![format!(
                "surplus {} after applying {} to the quoted items",
                rest.to_plain(),
                given.to_plain()
            )];
            why.extend(settled);
            self.unapplied(pi, rest, Some(prop.rule), why.join("; "));
        }
    }

    /// Several subsets explain the amount: each set's items are suggested
    /// (up to `max_suggestions` sets), none applied.
    fn suggest_sets(
        &mut self,
        pi: usize,
        p: &Payment,
        items: &[OpenItem],
        prop: &Proposal,
        all: &[u32],
        cfg: &MatchConfig,
    ) {
        let label = prop.hits.first().map_or("", |h| h.label.as_str());
        let conf = prop.confidence();
        let sets: Vec<&Vec<u32>> = prop
            .sets
            .iter()
            .filter(|s| !s.is_empty() && s.iter().all(|i| all.contains(i)))
            .collect();
        let n = sets.len();
        for (k, set) in sets.into_iter().take(cfg.max_suggestions).enumerate() {
            let ids: Vec<&str> = set
                .iter()
                .filter_map(|&i| items.get(i as usize).map(|it| it.invoice_id.as_str()))
                .collect();
            for &i in set {
                let r = self.remaining(i);
                let mut app = row(pi, Some(i as usize), r);
                app.rule = Some(prop.rule);
                app.confidence = conf;
                app.status = Status::Suggested;
                app.evidence = format!(
                    "{label}; set {} of {n}: {} = {}",
                    k + 1,
                    ids.join(" + "),
                    p.amount.to_plain()
                );
                self.out.push(app);
            }
        }
    }

    fn suggest(
        &mut self,
        pi: usize,
        p: &Payment,
        items: &[OpenItem],
        prop: &Proposal,
        all: &[u32],
        cfg: &MatchConfig,
    ) {
        let mut cands: Vec<(u32, Money)> = all
            .iter()
            .map(|&i| (i, self.remaining(i)))
            .filter(|(_, r)| r.is_positive())
            .collect();
        cands.sort_by_key(|&(i, r)| {
            let it = items.get(i as usize);
            (
                r != p.amount,
                it.map(|it| it.due_date),
                it.map(|it| it.invoice_id.as_str()),
                i,
            )
        });
        let ambiguous = prop.is_ambiguous();
        let names: Vec<&str> = cands
            .iter()
            .filter_map(|&(i, _)| items.get(i as usize).map(|it| it.invoice_id.as_str()))
            .collect();
        for &(i, r) in cands.iter().take(cfg.max_suggestions) {
            let conf = if !ambiguous {
                prop.confidence()
            } else if r == p.amount {
                C_AMBIGUOUS_AMOUNT
            } else {
                C_AMBIGUOUS
            };
            let label = prop.hit_for(i).map_or("", |h| h.label.as_str());
            let id = items
                .get(i as usize)
                .map_or("", |it| it.invoice_id.as_str());
            let mut ev = format!("{label} → {id}");
            if ambiguous {
                let shown = names.len().min(5);
                let mut list = names.get(..shown).unwrap_or(&[]).join(" or ");
                if names.len() > shown {
                    list.push_str(&format!(" (and {} more)", names.len() - shown));
                }
                ev = format!("ambiguous: {label} → {list}");
            }
            if r != p.amount {
                ev.push_str(&format!(
                    "; proposes {} of {} open",
                    p.amount.min(r).to_plain(),
                    r.to_plain()
                ));
            }
            let mut app = row(pi, Some(i as usize), p.amount.min(r));
            app.rule = Some(prop.rule);
            app.confidence = conf;
            app.status = Status::Suggested;
            app.evidence = ev;
            self.out.push(app);
        }
    }
}

/// The write-off that lets `p` settle the one item `it` with `open` left
/// although it pays less: the early-payment discount (exact discounted
/// amount, booked by the discount's last day), else a bank fee (shortfall at
/// most [`MatchConfig::fee_tolerance`]). Never on overpayments.
fn writeoff_for(
    it: Option<&OpenItem>,
    open: Money,
    p: &Payment,
    cfg: &MatchConfig,
) -> Option<(Money, WriteoffKind, String)> {
    let it = it?;
    let short = open.checked_sub(p.amount).filter(|s| s.is_positive())?;
    if it.discounted(open, p.day()) == Some(p.amount) {
        let pct = it
            .discount_percent
            .map(|d| d.normalize().to_string())
            .unwrap_or_default();
        let until = it.discount_until.map(|d| d.to_string()).unwrap_or_default();
        return Some((
            short,
            WriteoffKind::Discount,
            format!(
                "early-payment discount {pct} % (until {until}): {} of {} open received, {} written off",
                p.amount.to_plain(),
                open.to_plain(),
                short.to_plain()
            ),
        ));
    }
    let tol = cfg.fee_tolerance(open);
    (short <= tol).then(|| {
        (
            short,
            WriteoffKind::Fee,
            format!(
                "fee: {} of {} open received, shortfall {} written off (tolerance {})",
                p.amount.to_plain(),
                open.to_plain(),
                short.to_plain(),
                tol.round_half_up(2).to_plain()
            ),
        )
    })
}

/// `grouped: F-1 + F-2 - AV-3 = 1200.00`
fn grouped_text(
    items: &[OpenItem],
    live: &[u32],
    remaining: impl Fn(u32) -> Money,
    total: Money,
) -> String {
    let mut s = String::from("grouped: ");
    for (n, &i) in live.iter().enumerate() {
        let id = items
            .get(i as usize)
            .map_or("", |it| it.invoice_id.as_str());
        let neg = remaining(i).is_negative();
        match (n, neg) {
            (0, false) => {}
            (0, true) => s.push_str("- "),
            (_, false) => s.push_str(" + "),
            (_, true) => s.push_str(" - "),
        }
        s.push_str(id);
    }
    s.push_str(&format!(" = {}", total.to_plain()));
    s
}
