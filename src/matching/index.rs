//! The index of a client's open items, built once per run: invoice-number
//! keys (strict, loose, tail — see [`super::tokens`]), structured references
//! (the invoice's `reference` and its id, normalised) and mandates (the
//! invoice's own and its customer's).
//!
//! Lookups cost one hash probe each, so matching is linear in payments plus
//! items. The maps are never iterated: no hash order reaches an output. Every
//! list holds item indices in ascending order.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::item::OpenItem;
use super::tokens::{self, IdKeys};
use crate::ledger::Customer;

/// FxHash (as in rustc): fast, deterministic, fine for keys we build.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Item indices (into the `items` slice given to [`InvoiceIndex::build`]).
pub type Ids = Vec<u32>;

/// The open items, indexed for every rule.
#[derive(Debug, Default)]
pub struct InvoiceIndex {
    strict: FxMap<String, Ids>,
    loose: FxMap<String, Ids>,
    tail: FxMap<String, Ids>,
    refs: FxMap<String, Ids>,
    mandates: FxMap<String, Ids>,
    short_bare: Vec<bool>,
    max_groups: usize,
}

fn push(map: &mut FxMap<String, Ids>, key: String, i: u32) {
    let v = map.entry(key).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

impl InvoiceIndex {
    /// Indexes every item whose open amount is not zero.
    pub fn build(items: &[OpenItem], customers: &BTreeMap<String, Customer>) -> InvoiceIndex {
        let keys: Vec<Option<IdKeys>> = items
            .par_iter()
            .map(|it| {
                if it.open_amount.is_zero() {
                    None
                } else {
                    tokens::id_keys(&it.invoice_id)
                }
            })
            .collect();
        let mut ix = InvoiceIndex {
            short_bare: vec![false; items.len()],
            ..InvoiceIndex::default()
        };
        let mut by_customer: BTreeMap<&str, Ids> = BTreeMap::new();
        for (i, (it, k)) in items.iter().zip(keys).enumerate() {
            if it.open_amount.is_zero() {
                continue;
            }
            let Ok(n) = u32::try_from(i) else { break };
            if let Some(k) = k {
                ix.max_groups = ix.max_groups.max(k.len);
                if let Some(flag) = ix.short_bare.get_mut(i) {
                    *flag = k.short_bare;
                }
                push(&mut ix.strict, k.strict, n);
                push(&mut ix.loose, k.loose, n);
                if let Some(t) = k.tail {
                    push(&mut ix.tail, t, n);
                }
            }
            let id = tokens::normalize_ref(&it.invoice_id);
            if let Some(r) = it.reference.as_deref().map(tokens::normalize_ref)
                && !r.is_empty()
                && r != id
            {
                push(&mut ix.refs, r, n);
            }
            if !id.is_empty() {
                push(&mut ix.refs, id, n);
            }
            if let Some(m) = it.mandate_id.as_deref().map(tokens::normalize_ref)
                && !m.is_empty()
            {
                push(&mut ix.mandates, m, n);
            }
            by_customer
                .entry(it.customer_id.as_str())
                .or_default()
                .push(n);
        }
        for c in customers.values() {
            let Some(list) = by_customer.get(c.customer_id.as_str()) else {
                continue;
            };
            for m in &c.mandate_ids {
                let m = tokens::normalize_ref(m);
                if m.is_empty() {
                    continue;
                }
                let v = ix.mandates.entry(m).or_default();
                v.extend_from_slice(list);
                v.sort_unstable();
                v.dedup();
            }
        }
        ix
    }

    /// Items whose strict id key is `key`.
    pub fn strict(&self, key: &str) -> &[u32] {
        self.strict.get(key).map_or(&[], Vec::as_slice)
    }

    /// Items whose loose id key is `key`.
    pub fn loose(&self, key: &str) -> &[u32] {
        self.loose.get(key).map_or(&[], Vec::as_slice)
    }

    /// Items whose id ends with the number `key` (weak, announced-only).
    pub fn tail(&self, key: &str) -> &[u32] {
        self.tail.get(key).map_or(&[], Vec::as_slice)
    }

    /// Items whose reference or id, normalised, is `key`.
    pub fn reference(&self, key: &str) -> &[u32] {
        self.refs.get(key).map_or(&[], Vec::as_slice)
    }

    /// Items under mandate `key` (normalised).
    pub fn mandate(&self, key: &str) -> &[u32] {
        self.mandates.get(key).map_or(&[], Vec::as_slice)
    }

    /// True when item `i`'s id is one short bare number.
    pub fn is_short_bare(&self, i: u32) -> bool {
        self.short_bare.get(i as usize).copied().unwrap_or(false)
    }

    /// The most groups of any indexed id: the longest run a text scan tries.
    pub fn max_groups(&self) -> usize {
        self.max_groups
    }
}
