//! The reference rules, strongest first: a valid RF creditor reference
//! (structured, or typed in the free text), a real end-to-end id, and a
//! direct-debit mandate with the amount. Each names items by a reference
//! the invoice carries, not by a number read in text.
//! Part of [`super`]'s candidate search; shares its context and confidences.

use super::*;

impl Ctx<'_> {
    /// Valid RF references equal to an item's reference: structured, else
    /// typed by the payer in the free text (the only field most banking apps
    /// offer). The check digits make a chance match impossible either way.
    pub(super) fn rf(&mut self, ix: &InvoiceIndex) -> Option<Proposal> {
        let mut hits = Vec::new();
        let structured = self
            .p
            .creditor_refs
            .iter()
            .filter(|r| crate::refs::is_valid_rf(r))
            .map(|r| (tokens::normalize_ref(r), ""));
        let typed = self
            .p
            .texts
            .iter()
            .flat_map(|t| crate::refs::rf_in_text(t))
            .map(|r| (tokens::normalize_ref(&r), " in the text"));
        let refs: Vec<(String, &str)> = structured.chain(typed).collect();
        for (n, (key, place)) in refs.iter().enumerate() {
            if refs
                .get(..n)
                .is_some_and(|seen| seen.iter().any(|(k, _)| k == key))
            {
                continue;
            }
            let mut found = self.same_currency(ix.reference(key));
            self.cap(&mut found);
            if !found.is_empty() && !hits.iter().any(|h: &Hit| h.items == found) {
                hits.push(Hit {
                    label: format!("RF ref {key}{place}"),
                    items: found,
                    confidence: C_RF,
                });
            }
        }
        Self::proposal(Rule::RfReference, hits)
    }

    /// An end-to-end id equal to an item's reference or id. A short one
    /// (`7`, `1042`: a real id has at least four letters or digits, six
    /// when digits only) may be the payer's software numbering its own
    /// transfers: it names an invoice only when the payment pays that
    /// invoice whole. A placeholder (`NONREF`) names nothing.
    pub(super) fn e2e(&mut self, ix: &InvoiceIndex, cfg: &MatchConfig) -> Option<Proposal> {
        let e2e = crate::statement::given_reference(self.p.end_to_end_id.as_deref())?;
        let real = crate::statement::is_real_id(Some(e2e));
        let key = tokens::normalize_ref(e2e);
        if key.is_empty() {
            return None;
        }
        let mut found = self.same_currency(ix.reference(&key));
        self.cap(&mut found);
        if !real {
            let whole = found.len() == 1
                && found
                    .iter()
                    .filter_map(|&i| self.item(i))
                    .all(|it| self.pays(it, cfg));
            if !whole {
                return None;
            }
        }
        let hits = if found.is_empty() {
            Vec::new()
        } else {
            vec![Hit {
                label: if real {
                    format!("end-to-end id {key}")
                } else {
                    format!("end-to-end id {key} (short: the amount confirms it)")
                },
                items: found,
                confidence: if real { C_E2E } else { C_STRICT },
            }]
        };
        Self::proposal(Rule::EndToEndId, hits)
    }

    pub(super) fn mandate(&mut self, ix: &InvoiceIndex) -> Option<Proposal> {
        if self.p.kind != TxKind::DirectDebitCollected {
            return None;
        }
        let m = tokens::normalize_ref(self.p.mandate_id.as_deref()?);
        if m.is_empty() {
            return None;
        }
        let all = self.same_currency(ix.mandate(&m));
        let amount = self.p.amount;
        let mut equal: Vec<u32> = all
            .iter()
            .copied()
            .filter(|&i| self.item(i).is_some_and(|it| it.open_amount == amount))
            .collect();
        self.cap(&mut equal);
        let label = format!("mandate {m} and amount {}", amount.to_plain());
        if !equal.is_empty() {
            return Self::proposal(
                Rule::Mandate,
                vec![Hit {
                    label,
                    items: equal,
                    confidence: C_MANDATE,
                }],
            );
        }
        // One collection for all of the mandate's open items.
        let sum = crate::money::Money::checked_sum(
            all.iter()
                .filter_map(|&i| self.item(i))
                .map(|it| it.open_amount),
        );
        if all.len() > 1 && all.len() <= MAX_HIT_ITEMS && sum == Some(amount) {
            let hits = all
                .into_iter()
                .map(|i| Hit {
                    label: format!("mandate {m}, all its open items"),
                    items: vec![i],
                    confidence: C_MANDATE,
                })
                .collect();
            return Self::proposal(Rule::Mandate, hits);
        }
        if !all.is_empty() && self.note.is_none() {
            self.note = Some(format!(
                "mandate {m} known but {} equals no open amount of its {} item(s)",
                amount.to_plain(),
                all.len()
            ));
        }
        None
    }
}

/// Why a payment quoting an RF reference was explained by nothing: the
/// person placing the money must see the reference the payer gave.
pub(super) fn rf_note(p: &Payment) -> Option<String> {
    let r = p
        .creditor_refs
        .iter()
        .find(|r| r.to_ascii_uppercase().starts_with("RF"))?;
    Some(if crate::refs::is_valid_rf(r) {
        format!("the RF reference {r} is no open invoice's reference, and nothing else was found")
    } else {
        format!("the RF reference {r} has wrong check digits (a typo?), and nothing else was found")
    })
}
