//! A mistyped invoice number: the text quotes an id whose open amount the
//! payment does not pay, while exactly one id one digit away (one digit
//! replaced, or two adjacent digits swapped) is open for exactly the
//! amount — `FACT F-2026-00043` paying the 1,200.00 of `F-2026-00042`.
//! That neighbour is taken, only when it is the single such item among all
//! open items and the payer, when known, is its customer.
//! Part of [`super`]'s candidate search.

use super::*;

/// Most digit positions of an id tried (bounds the probes to 9 × 16 + 15).
const MAX_DIGITS: usize = 16;

impl Ctx<'_> {
    /// The one item, other than `quoted`, whose id is one digit away from
    /// `quoted`'s and whose open amount equals the payment (same currency);
    /// `None` when there is none or several. `payers`: customer ids the
    /// payer is known as (empty: unknown).
    pub(super) fn typo_neighbour(
        &self,
        ix: &InvoiceIndex,
        quoted: u32,
        payers: &[&str],
    ) -> Option<u32> {
        let it = self.item(quoted)?;
        let keys = tokens::id_keys(&it.invoice_id)?;
        if keys.short_bare {
            // `fact 42`: too little of an id to guess another from.
            return None;
        }
        let mut key: Vec<u8> = keys.strict.into_bytes();
        let digits: Vec<usize> = (0..key.len())
            .filter(|&k| key.get(k).is_some_and(u8::is_ascii_digit))
            .take(MAX_DIGITS)
            .collect();
        let mut found: Option<u32> = None;
        let probe = |key: &[u8], found: &mut Option<u32>| -> bool {
            let Ok(s) = std::str::from_utf8(key) else {
                return true;
            };
            for &j in ix.strict(s) {
                if j == quoted || *found == Some(j) {
                    continue;
                }
                let fits = self.item(j).is_some_and(|o| {
                    o.currency == self.p.currency && o.open_amount == self.p.amount
                });
                if fits {
                    if found.is_some() {
                        return false;
                    }
                    *found = Some(j);
                }
            }
            true
        };
        for &k in &digits {
            let Some(orig) = key.get(k).copied() else {
                continue;
            };
            for d in b'0'..=b'9' {
                if d == orig {
                    continue;
                }
                if let Some(c) = key.get_mut(k) {
                    *c = d;
                }
                let unique = probe(&key, &mut found);
                if let Some(c) = key.get_mut(k) {
                    *c = orig;
                }
                if !unique {
                    return None;
                }
            }
        }
        for w in digits.windows(2) {
            let &[a, b] = w else { continue };
            if b != a + 1 || key.get(a) == key.get(b) {
                continue;
            }
            key.swap(a, b);
            let unique = probe(&key, &mut found);
            key.swap(a, b);
            if !unique {
                return None;
            }
        }
        let j = found?;
        let owner = self.item(j).map_or("", |o| o.customer_id.as_str());
        (payers.is_empty() || payers.contains(&owner)).then_some(j)
    }
}
