//! Rules 3 to 6 for one payment: once the payer is known (IBAN, else name),
//! how that customer's open items explain the amount — exactly, after an
//! early-payment discount, short by a bank fee, or as a subset sum.
//! Part of [`super`]'s candidate search; shares its context and confidences.

use super::*;
use crate::money::Money;

/// How a customer's open items explain a payment's amount.
enum Fit {
    /// Items whose open amount equals the payment (one: a match).
    Exact(Vec<u32>),
    /// One item whose discounted amount equals the payment.
    Discount(u32),
    /// One item short by at most the fee tolerance.
    Fee(u32),
    /// One item short by more than the fee tolerance but at most its
    /// absolute limit (a bank fee too large to write off): a partial payment.
    Near(u32),
    /// Subsets summing exactly to the amount (one: a match); `complete` is
    /// false when the search stopped at its budget.
    Sum(Vec<Vec<u32>>, bool),
}

impl Ctx<'_> {
    /// Another customer than `customer_id` with an item of the payment's
    /// currency open for exactly its amount, if any.
    fn other_customer_open_for_amount(
        &self,
        ix: &InvoiceIndex,
        customer_id: &str,
    ) -> Option<String> {
        let p = self.p;
        ix.open_for(p.amount)
            .filter_map(|i| self.item(i))
            .find(|it| {
                it.open_amount == p.amount
                    && it.currency == p.currency
                    && it.customer_id != customer_id
            })
            .map(|it| it.customer_id.clone())
    }

    /// Whether the payer's name is customer `c`'s own name (close enough;
    /// not an alias, which a decision may have taught with the IBAN).
    fn names(&self, ix: &InvoiceIndex, cfg: &MatchConfig, c: u32) -> bool {
        let Some(raw) = self.p.counterparty_name.as_deref() else {
            return false;
        };
        let name = crate::matching::payer::normalize_name(raw);
        !name.is_empty()
            && ix
                .payers
                .by_name(
                    &name,
                    crate::matching::payer::may_be_truncated(raw),
                    cfg.name_min_score,
                )
                .iter()
                .any(|(n, compared, _)| {
                    *n == c
                        && ix
                            .payers
                            .customer(c)
                            .and_then(|pc| pc.names.first())
                            .is_some_and(|own| own == compared)
                })
    }

    /// Customer ids the payer is known as: by a known IBAN, else by a name
    /// close enough (empty: unknown).
    pub(super) fn payer_ids<'i>(&self, ix: &'i InvoiceIndex, cfg: &MatchConfig) -> Vec<&'i str> {
        let p = self.p;
        match p.counterparty_iban.as_deref() {
            Some(iban) if !ix.payers.by_iban(iban).is_empty() => ix
                .payers
                .by_iban(iban)
                .iter()
                .filter_map(|&c| ix.payers.customer(c).map(|c| c.customer_id.as_str()))
                .collect(),
            _ => {
                let raw = p.counterparty_name.as_deref().unwrap_or("");
                let name = crate::matching::payer::normalize_name(raw);
                if name.is_empty() {
                    return Vec::new();
                }
                ix.payers
                    .by_name(
                        &name,
                        crate::matching::payer::may_be_truncated(raw),
                        cfg.name_min_score,
                    )
                    .into_iter()
                    .filter_map(|(c, ..)| ix.payers.customer(c).map(|c| c.customer_id.as_str()))
                    .collect()
            }
        }
    }

    /// Rules 3 and 4: the payer (by IBAN, else by name), then the amount.
    pub(super) fn payer(&mut self, ix: &InvoiceIndex, cfg: &MatchConfig) -> Option<Proposal> {
        let p = self.p;
        if let Some(iban) = p.counterparty_iban.as_deref() {
            let custs = ix.payers.by_iban(iban);
            if !custs.is_empty() {
                let masked = crate::refs::mask_iban(iban);
                let mut fits = Vec::new();
                // Another customer open for exactly the amount, when the
                // IBAN is known only from a person's decision.
                let mut doubt: Option<String> = None;
                for &c in custs {
                    if let Some(fit) = self.fit(ix, c, cfg) {
                        let id = ix.payers.customer(c).map_or("", |c| c.customer_id.as_str());
                        if doubt.is_none()
                            && ix.payers.learned_only(c, iban)
                            && !self.names(ix, cfg, c)
                        {
                            doubt = self.other_customer_open_for_amount(ix, id);
                        }
                        fits.push((
                            fit,
                            format!("payer IBAN {masked} known for customer {id}"),
                            1000,
                        ));
                    }
                }
                if fits.is_empty() && self.note.is_none() {
                    self.note = Some(format!(
                        "payer IBAN {masked} known, but {} fits no open item, discount, fee or sum of its customer",
                        p.amount.to_plain()
                    ));
                }
                let proposal = self.payer_proposal(Rule::PayerIban, fits, cfg);
                let Some(other) = doubt else {
                    return proposal;
                };
                // A factor or a parent company pays for several customers
                // from one account: one decision does not make its every
                // transfer this customer's.
                return proposal.map(|mut prop| {
                    for hit in &mut prop.hits {
                        hit.confidence = hit.confidence.min(C_QUOTES_OTHER);
                        hit.label = format!(
                            "{} (but only by a person's earlier decision, and customer {other} is open for exactly {})",
                            hit.label,
                            p.amount.to_plain()
                        );
                    }
                    prop
                });
            }
        }
        let (name, cut) = match p.counterparty_name.as_deref() {
            Some(n) => (
                crate::matching::payer::normalize_name(n),
                crate::matching::payer::may_be_truncated(n),
            ),
            None => p.texts.iter().take(2).find_map(|t| {
                let n = crate::matching::payer::name_in_label(t)?;
                Some((n, crate::matching::payer::may_be_truncated(t)))
            })?,
        };
        if name.is_empty() {
            return None;
        }
        let mut fits = Vec::new();
        // The customer named at least as closely whose items fit nothing.
        let mut unfit: Option<(u16, &str)> = None;
        for (c, compared, score) in ix.payers.by_name(&name, cut, cfg.name_min_score) {
            let id = ix.payers.customer(c).map_or("", |c| c.customer_id.as_str());
            let Some(fit) = self.fit(ix, c, cfg) else {
                if unfit.is_none_or(|(s, _)| score > s) {
                    unfit = Some((score, id));
                }
                continue;
            };
            fits.push((
                fit,
                format!(
                    "payer name \"{name}\" ~ \"{compared}\" (customer {id}) score {}.{:03}",
                    score / 1000,
                    score % 1000
                ),
                score,
            ));
        }
        let best_fit = fits.iter().map(|(.., score)| *score).max();
        let proposal = self.payer_proposal(Rule::PayerName, fits, cfg);
        match (unfit, best_fit) {
            // The payer's name is more another customer's, whose items fit
            // nothing: that customer paying on account, or an invoice not
            // exported yet, as likely as this one paying. (Namesakes, equally
            // close, are told apart by what fits, as before.)
            (Some((score, other)), Some(best)) if score > best => proposal.map(|mut prop| {
                for hit in &mut prop.hits {
                    hit.confidence = hit.confidence.min(C_QUOTES_OTHER);
                    hit.label = format!(
                        "{} (but customer {other} is named more closely, score {}.{:03}, and nothing of its fits)",
                        hit.label,
                        score / 1000,
                        score % 1000
                    );
                }
                prop
            }),
            _ => proposal,
        }
    }

    /// How customer `c`'s open items explain the amount, if they do.
    fn fit(&self, ix: &InvoiceIndex, c: u32, cfg: &MatchConfig) -> Option<Fit> {
        let p = self.p;
        let cust = ix.payers.customer(c)?;
        // (item, open amount, has a discount), from the index's compact
        // copy: the items themselves are read only for a discount.
        let mine: Vec<(u32, Money, bool)> = cust
            .items
            .iter()
            .zip(&cust.open)
            .take(MAX_SCAN)
            .filter(|(_, o)| o.currency == p.currency && !o.open_amount.is_zero())
            .map(|(&i, o)| (i, o.open_amount, o.discount))
            .collect();
        let exact: Vec<u32> = mine
            .iter()
            .filter(|(_, open, _)| *open == p.amount)
            .map(|(i, ..)| *i)
            .collect();
        if !exact.is_empty() {
            return Some(Fit::Exact(exact));
        }
        let disc: Vec<u32> = mine
            .iter()
            .filter(|&&(i, open, discount)| {
                discount
                    && self
                        .item(i)
                        .is_some_and(|it| it.discounted(open, p.day()) == Some(p.amount))
            })
            .map(|(i, ..)| *i)
            .collect();
        match disc.as_slice() {
            [one] => return Some(Fit::Discount(*one)),
            [] => {}
            _ => return Some(Fit::Exact(disc)),
        }
        // The tolerance is never above its absolute limit: a shortfall
        // beyond that limit is neither a fee nor near, whatever the percent
        // (checked first, so the percent is computed for few items).
        let short = |open: Money| {
            open.checked_sub(p.amount)
                .filter(|d| *d <= cfg.fee_tolerance_amount)
        };
        let fee: Vec<u32> = mine
            .iter()
            .filter(|&&(_, open, _)| {
                short(open).is_some_and(|d| d.is_positive() && d <= cfg.fee_tolerance(open))
            })
            .map(|(i, ..)| *i)
            .collect();
        let near: Vec<u32> = mine
            .iter()
            .filter(|&&(_, open, _)| short(open).is_some_and(|d| d > cfg.fee_tolerance(open)))
            .map(|(i, ..)| *i)
            .collect();
        let fee = (fee, near);
        let dec = p.currency.minor_units();
        let Some(target) = crate::matching::payer::minor_units(p.amount, dec) else {
            return Self::fee_fit(fee);
        };
        let pool: Vec<(u32, i64)> = mine
            .iter()
            .take(cfg.max_invoices_per_customer)
            .filter_map(|&(i, open, _)| Some((i, crate::matching::payer::minor_units(open, dec)?)))
            .collect();
        if pool.len() < 2 {
            return Self::fee_fit(fee);
        }
        let values: Vec<i64> = pool.iter().map(|(_, v)| *v).collect();
        let want = cfg.max_suggestions.max(1) + 1;
        let (sets, complete) =
            crate::matching::payer::subsets(&values, target, want, cfg.max_combinations);
        if sets.is_empty() {
            return Self::fee_fit(fee);
        }
        let sets: Vec<Vec<u32>> = sets
            .into_iter()
            .map(|s| {
                s.iter()
                    .filter_map(|&k| pool.get(k).map(|(i, _)| *i))
                    .collect()
            })
            .collect();
        if !fee.0.is_empty() {
            // A set sums exactly and an item is short by a fee: let a person choose.
            let mut all = fee.0;
            all.extend(sets.iter().flatten());
            all.sort_unstable();
            all.dedup();
            return Some(Fit::Exact(all));
        }
        Some(Fit::Sum(sets, complete))
    }

    /// The fee fit, when exactly one item is short by at most the
    /// tolerance; else, when none is, the near fit of the one item short by
    /// at most the absolute fee limit. Several: suggestions.
    fn fee_fit((fee, near): (Vec<u32>, Vec<u32>)) -> Option<Fit> {
        match (fee.as_slice(), near.as_slice()) {
            ([], []) => None,
            ([one], _) => Some(Fit::Fee(*one)),
            ([], [one]) => Some(Fit::Near(*one)),
            ([], _) => Some(Fit::Exact(near)),
            _ => Some(Fit::Exact(fee)),
        }
    }

    fn payer_proposal(
        &self,
        rule: Rule,
        fits: Vec<(Fit, String, u16)>,
        cfg: &MatchConfig,
    ) -> Option<Proposal> {
        let iban = rule == Rule::PayerIban;
        let amount = self.p.amount.to_plain();
        let id = |i: u32| self.item(i).map_or("", |it| it.invoice_id.as_str());
        if fits.len() > 1 {
            // Several customers fit: suggestions only.
            let mut items: Vec<u32> = Vec::new();
            let mut labels = Vec::new();
            for (fit, label, _) in &fits {
                labels.push(label.clone());
                match fit {
                    Fit::Exact(v) => items.extend(v),
                    Fit::Discount(i) | Fit::Fee(i) | Fit::Near(i) => items.push(*i),
                    Fit::Sum(sets, _) => items.extend(sets.iter().flatten()),
                }
            }
            items.dedup();
            self.cap_owned(&mut items);
            return Some(Proposal {
                rule,
                hits: vec![Hit {
                    label: format!("{} customers fit: {}", fits.len(), labels.join("; ")),
                    items,
                    confidence: C_AMBIGUOUS,
                }],
                sets: Vec::new(),
            });
        }
        let (fit, who, score) = fits.into_iter().next()?;
        let strong = score >= STRONG_NAME;
        let one = |label: String, i: u32, confidence: Confidence| Proposal {
            rule,
            hits: vec![Hit {
                label,
                items: vec![i],
                confidence,
            }],
            sets: Vec::new(),
        };
        Some(match fit {
            Fit::Exact(mut v) => {
                if let [i] = v.as_slice() {
                    let c = match (iban, strong) {
                        (true, _) => C_IBAN_EXACT,
                        (false, true) => C_NAME_EXACT_STRONG,
                        (false, false) => C_NAME_EXACT,
                    };
                    one(format!("{who}, amount {amount} = open amount"), *i, c)
                } else {
                    let n = v.len();
                    self.cap_owned(&mut v);
                    Proposal {
                        rule,
                        hits: vec![Hit {
                            label: format!("{who}, amount {amount} fits {n} open items"),
                            items: v,
                            confidence: C_AMBIGUOUS,
                        }],
                        sets: Vec::new(),
                    }
                }
            }
            Fit::Discount(i) => one(
                format!("{who}, amount {amount} = open amount less its early-payment discount"),
                i,
                match (iban, strong) {
                    (true, _) => C_IBAN_DISCOUNT,
                    (false, true) => C_NAME_DISCOUNT_STRONG,
                    (false, false) => C_NAME_DISCOUNT,
                },
            ),
            Fit::Fee(i) => one(
                format!(
                    "{who}, amount {amount} short of one open amount by at most the fee tolerance"
                ),
                i,
                match (iban, strong) {
                    (true, _) => C_IBAN_FEE,
                    (false, true) => C_NAME_FEE_STRONG,
                    (false, false) => C_NAME_FEE,
                },
            ),
            Fit::Near(i) => one(
                format!(
                    "{who}, amount {amount} short of one open amount by more than the fee tolerance but at most {}: a partial payment",
                    cfg.fee_tolerance_amount.to_plain()
                ),
                i,
                if iban { C_IBAN_NEAR } else { C_NAME_NEAR },
            ),
            Fit::Sum(sets, complete) => {
                let c = match (iban, strong) {
                    (true, _) => C_IBAN_SUM,
                    (false, true) => C_NAME_SUM_STRONG,
                    (false, false) => C_NAME_SUM,
                };
                if sets.len() == 1 && complete {
                    let set = sets.into_iter().next().unwrap_or_default();
                    let list: Vec<&str> = set.iter().map(|&i| id(i)).collect();
                    let label = format!(
                        "{who}, amount {amount} = sum of {} (the only subset of its {} oldest open items)",
                        list.join(" + "),
                        cfg.max_invoices_per_customer
                    );
                    Proposal {
                        rule,
                        hits: set
                            .into_iter()
                            .map(|i| Hit {
                                label: label.clone(),
                                items: vec![i],
                                confidence: c,
                            })
                            .collect(),
                        sets: Vec::new(),
                    }
                } else {
                    let mut items: Vec<u32> = sets.iter().flatten().copied().collect();
                    items.sort_unstable();
                    items.dedup();
                    let label = if complete {
                        format!(
                            "{who}, {} subsets of its open items sum to {amount}",
                            sets.len()
                        )
                    } else {
                        format!(
                            "{who}, a subset sums to {amount} but the search stopped at its bound"
                        )
                    };
                    Proposal {
                        rule,
                        hits: vec![Hit {
                            label,
                            items,
                            confidence: C_SETS,
                        }],
                        sets: if sets.len() == 1 {
                            // One set, search incomplete: another set may
                            // exist, so still only a suggestion. The empty
                            // marker set makes the proposal ambiguous; it is
                            // never shown (`suggest_sets` skips empty sets).
                            let mut s = sets;
                            s.push(Vec::new());
                            s
                        } else {
                            sets
                        },
                    }
                }
            }
        })
    }

    /// [`Ctx::cap`] for a list that came from the payer rules.
    fn cap_owned(&self, items: &mut Vec<u32>) {
        self.cap(items);
    }
}
