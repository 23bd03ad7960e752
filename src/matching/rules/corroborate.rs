//! The check that invoice numbers read in text agree with the amount and the
//! payer ([`Ctx::corroborate`]): a typo one digit off, a twin of the same
//! customer open for the amount, a payer known as another customer, or
//! invoices of several customers the amount does not pay together make the
//! hit a suggestion (or, for a typo, another invoice).
//! Part of [`super`]'s candidate search; shares its context and confidences.

use super::*;

impl Ctx<'_> {
    /// An invoice number read in text whose open amount the payment does
    /// not pay (exactly, less its discount, or short by a fee) is checked:
    /// when the only open item one digit away has exactly the amount (and
    /// the payer, if known, is its customer), that item is taken (a typo,
    /// [`Ctx::typo_neighbour`]); when another item of the same customer has
    /// the amount, or the payer (known IBAN, else a name close enough) is
    /// another customer, the hit is kept only as a suggestion.
    pub(super) fn corroborate(
        &self,
        mut prop: Proposal,
        ix: &InvoiceIndex,
        cfg: &MatchConfig,
    ) -> Proposal {
        if prop.is_ambiguous() {
            return prop;
        }
        let p = self.p;
        let its = prop.items();
        let total = crate::money::Money::checked_sum(
            its.iter()
                .filter_map(|&i| self.item(i))
                .map(|it| it.open_amount),
        );
        if total == Some(p.amount)
            || (its.len() == 1
                && its
                    .iter()
                    .filter_map(|&i| self.item(i))
                    .all(|it| self.pays(it, cfg)))
        {
            return prop;
        }
        // Invoices of several customers that the amount does not pay
        // together: which of them the payer meant, a person decides (the
        // others' money is never spread over them oldest first).
        let owners: std::collections::BTreeSet<&str> = its
            .iter()
            .filter_map(|&i| self.item(i))
            .map(|it| it.customer_id.as_str())
            .collect();
        if owners.len() > 1 {
            let list = owners.iter().copied().collect::<Vec<_>>().join(", ");
            for hit in &mut prop.hits {
                hit.confidence = hit.confidence.min(C_WEAK);
                hit.label = format!(
                    "{} (but the invoices quoted are of several customers, {list}, and {} is not what they owe together)",
                    hit.label,
                    p.amount.to_plain()
                );
            }
            return prop;
        }
        let payers = self.payer_ids(ix, cfg);
        // One digit off an item open for exactly the amount: a typo.
        if let ([one], [hit]) = (its.as_slice(), prop.hits.as_mut_slice())
            && let Some(j) = self.typo_neighbour(ix, *one, &payers)
        {
            let quoted = self.item(*one).map_or("", |o| o.invoice_id.as_str());
            let fixed = self.item(j).map_or("", |o| o.invoice_id.as_str());
            let owner = |i: u32| self.item(i).map(|o| o.customer_id.as_str());
            let part = self.item(*one).is_some_and(|o| p.amount < o.open_amount);
            if payers.is_empty() && owner(*one) != owner(j) && part {
                // Nobody knows the payer: a part payment of the invoice it
                // quotes, or another customer's invoice mistyped? A person
                // decides; money never moves to another customer on a guess.
                hit.label = format!(
                    "{} (or {fixed} of another customer, one digit away and open for exactly {})",
                    hit.label,
                    p.amount.to_plain()
                );
                hit.items.push(j);
                hit.items.sort_unstable();
                return prop;
            }
            hit.label = format!(
                "{} read as {fixed}: one digit away from {quoted}, and the only such invoice open for exactly {}",
                hit.label,
                p.amount.to_plain()
            );
            hit.items = vec![j];
            hit.confidence = hit.confidence.min(C_TYPO);
            return prop;
        }
        // Another open item of the same customer has exactly the amount: the
        // number is probably mistyped; let a person choose.
        if let ([one], [hit]) = (its.as_slice(), prop.hits.as_mut_slice())
            && let Some(it) = self.item(*one)
            && let Some(cust) = ix.payers.by_id(&it.customer_id)
        {
            let twin = cust.items.iter().take(MAX_SCAN).copied().find(|&j| {
                j != *one
                    && self
                        .items
                        .get(j as usize)
                        .is_some_and(|o| o.currency == p.currency && o.open_amount == p.amount)
            });
            if let Some(j) = twin {
                let twin_id = self.item(j).map_or("", |o| o.invoice_id.as_str());
                hit.label = format!(
                    "{} (but {} of the same customer is open for exactly {})",
                    hit.label,
                    twin_id,
                    p.amount.to_plain()
                );
                hit.items.push(j);
                hit.items.sort_unstable();
                return prop;
            }
        }
        if payers.is_empty() {
            return prop;
        }
        for h in &mut prop.hits {
            let other = h
                .items
                .iter()
                .filter_map(|&i| self.item(i))
                .find(|it| !payers.contains(&it.customer_id.as_str()));
            if let Some(it) = other {
                h.confidence = h.confidence.min(C_WEAK);
                h.label = format!(
                    "{} (but the payer is customer {}, the invoice is {}'s and the amount differs)",
                    h.label,
                    payers.join("/"),
                    it.customer_id
                );
            }
        }
        prop
    }

    /// Whether the payment pays `it` whole: exactly its open amount, its
    /// early-payment discounted amount, or short of it by a bank's fee.
    pub(super) fn pays(&self, it: &OpenItem, cfg: &MatchConfig) -> bool {
        let p = self.p;
        it.open_amount == p.amount
            || it.discounted(it.open_amount, p.day()) == Some(p.amount)
            || it
                .open_amount
                .checked_sub(p.amount)
                .is_some_and(|d| !d.is_negative() && d <= cfg.fee_tolerance(it.open_amount))
    }
}
