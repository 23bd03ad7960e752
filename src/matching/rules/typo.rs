//! A mistyped invoice number: the text quotes an id whose open amount the
//! payment does not pay, while exactly one id one digit away (one digit
//! replaced, or two adjacent digits swapped) is open for exactly the
//! amount — `FACT F-2026-00043` paying the 1,200.00 of `F-2026-00042`.
//! That neighbour is taken, only when it is the single such item among all
//! open items and the payer, when known, is its customer; with an unknown
//! payer, a neighbour of another customer than the quoted invoice's, while
//! the payment could be a part payment of the quoted one, is only suggested
//! beside it.
//! Part of [`super`]'s candidate search.
//!
//! Two ways to the same answer: usually the few items open for exactly the
//! amount ([`InvoiceIndex::open_for`]) are compared with the quoted id's
//! key; when very many items share the amount, every key one digit away is
//! probed in the index instead (at most 9 × 16 + 15 probes, each a cache
//! miss when such an id exists — ids are often dense).

use super::*;

/// Most digit positions of an id tried (bounds the probes to 9 × 16 + 15).
const MAX_DIGITS: usize = 16;

/// Most items open for the amount compared one by one; above, the
/// neighbours' keys are probed.
const MAX_SAME_AMOUNT: usize = 64;

/// True when `cand` is `key` with one of the `digits` positions holding
/// another digit, or with two adjacent `digits` positions swapped (and
/// different): exactly the keys [`Ctx::typo_neighbour`] would probe.
fn one_digit_away(key: &[u8], digits: &[usize], cand: &[u8]) -> bool {
    if cand.len() != key.len() {
        return false;
    }
    let mut diff = [0usize; 2];
    let mut n = 0;
    for (i, (a, b)) in key.iter().zip(cand).enumerate() {
        if a != b {
            let Some(slot) = diff.get_mut(n) else {
                return false;
            };
            *slot = i;
            n += 1;
        }
    }
    let at = |s: &[u8], i: usize| s.get(i).copied();
    match (n, diff) {
        (1, [k, _]) => digits.contains(&k) && at(cand, k).is_some_and(|c| c.is_ascii_digit()),
        (2, [a, b]) => {
            b == a + 1
                && digits.contains(&a)
                && digits.contains(&b)
                && at(cand, a) == at(key, b)
                && at(cand, b) == at(key, a)
        }
        _ => false,
    }
}

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
        let (key, digits) = self.typo_key(quoted)?;
        let few = ix.open_for(self.p.amount).nth(MAX_SAME_AMOUNT).is_none();
        let j = if few {
            self.neighbour_by_amount(ix, quoted, &key, &digits)
        } else {
            self.neighbour_by_probes(ix, quoted, key, &digits)
        }?;
        let owner = self.item(j).map_or("", |o| o.customer_id.as_str());
        (payers.is_empty() || payers.contains(&owner)).then_some(j)
    }

    /// The strict key of `quoted`'s id and its first [`MAX_DIGITS`] digit
    /// positions; `None` for an id too short to guess another from (`fact
    /// 42`) or without key.
    fn typo_key(&self, quoted: u32) -> Option<(Vec<u8>, Vec<usize>)> {
        let it = self.item(quoted)?;
        let keys = tokens::id_keys(&it.invoice_id)?;
        if keys.short_bare {
            return None;
        }
        let key: Vec<u8> = keys.strict.into_bytes();
        let digits: Vec<usize> = (0..key.len())
            .filter(|&k| key.get(k).is_some_and(u8::is_ascii_digit))
            .take(MAX_DIGITS)
            .collect();
        Some((key, digits))
    }

    /// True for an item open for exactly the payment, in its currency.
    fn open_for_payment(&self, o: &OpenItem) -> bool {
        o.currency == self.p.currency && o.open_amount == self.p.amount
    }

    /// The neighbour among the items open for the amount, each compared
    /// with the quoted key; `None` when none or several.
    fn neighbour_by_amount(
        &self,
        ix: &InvoiceIndex,
        quoted: u32,
        key: &[u8],
        digits: &[usize],
    ) -> Option<u32> {
        let mut found: Option<u32> = None;
        let mut buf = String::new();
        for j in ix.open_for(self.p.amount) {
            if j == quoted || found == Some(j) {
                continue;
            }
            let Some(o) = self.item(j).filter(|o| self.open_for_payment(o)) else {
                continue;
            };
            let Some(content) = tokens::id_content(&o.invoice_id) else {
                continue;
            };
            tokens::write_strict(&o.invoice_id, &content, &mut buf);
            if one_digit_away(key, digits, buf.as_bytes()) {
                if found.is_some() {
                    return None;
                }
                found = Some(j);
            }
        }
        found
    }

    /// The neighbour found by probing every key one digit away; `None` when
    /// none or several.
    fn neighbour_by_probes(
        &self,
        ix: &InvoiceIndex,
        quoted: u32,
        mut key: Vec<u8>,
        digits: &[usize],
    ) -> Option<u32> {
        let mut found: Option<u32> = None;
        let probe = |key: &[u8], found: &mut Option<u32>| -> bool {
            let Ok(s) = std::str::from_utf8(key) else {
                return true;
            };
            for &j in ix.strict(s) {
                if j == quoted || *found == Some(j) {
                    continue;
                }
                if self.item(j).is_some_and(|o| self.open_for_payment(o)) {
                    if found.is_some() {
                        return false;
                    }
                    *found = Some(j);
                }
            }
            true
        };
        for &k in digits {
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
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::testkit::{item, payment};
    use std::collections::BTreeMap;

    #[test]
    fn comparing_items_of_the_amount_finds_what_probing_finds() {
        // Dense ids (every neighbour exists), a few amounts shared by many,
        // letters, swaps and ids of other lengths.
        let mut items = Vec::new();
        for n in 0..600u32 {
            let id = match n % 5 {
                0 => format!("F-2026-{n:06}"),
                1 => format!("F-2025-{n:06}"),
                2 => format!("AV-2026-{:06}", n / 10),
                3 => format!("FA{n}"),
                _ => format!("X-{}-{}", n % 7, n / 7),
            };
            let cents = [10_000, 12_000, 15_050, 99_999][(n % 4) as usize] + i64::from(n % 3);
            items.push(item(&id, &format!("{}.{:02}", cents / 100, cents % 100)));
        }
        items[7].currency = crate::money::Currency::parse("USD").unwrap();
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        let mut agreed = 0;
        for amount in ["100.00", "120.01", "150.52", "999.99", "100.02", "7.00"] {
            let p = payment("E1", amount);
            let ctx = Ctx {
                p: &p,
                items: &items,
                note: None,
                other_currency: Vec::new(),
            };
            for q in 0..items.len() as u32 {
                let Some((key, digits)) = ctx.typo_key(q) else {
                    continue;
                };
                let a = ctx.neighbour_by_amount(&ix, q, &key, &digits);
                let b = ctx.neighbour_by_probes(&ix, q, key, &digits);
                assert_eq!(
                    a, b,
                    "quoted {} paying {amount}",
                    items[q as usize].invoice_id
                );
                agreed += usize::from(a.is_some());
            }
        }
        assert!(agreed > 20, "too few neighbours found to compare: {agreed}");
    }
}
