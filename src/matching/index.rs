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
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::item::OpenItem;
use super::tokens;
use crate::ledger::Customer;

/// Keys are stored as 128-bit digests of the normalised text (two
/// independently seeded 64-bit hashes): no per-key allocation, and a
/// collision between two different keys (≈ n² / 2¹²⁹) is not a practical
/// concern. The digest is a pure function of the text: deterministic.
pub type Key = u128;

const fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Two independently seeded 64-bit hashes of (kind, bytes) in one pass.
/// Every input (kind, each chunk, the last partial chunk with the length)
/// goes through a bijective non-linear mix before the next is combined, so
/// no two inputs can cancel out by XOR (the kind and the text never combine
/// linearly). The last partial chunk holds at most seven bytes, so the
/// length's low byte goes in its free top byte: one mix for both (with the
/// number of full chunks, that byte gives the length).
fn hash2(kind: u8, bytes: &[u8]) -> (u64, u64) {
    let (mut a, mut b) = match SEEDS.get(usize::from(kind)) {
        Some(&s) => s,
        None => seeds(kind),
    };
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let w = u64::from_le_bytes(w);
        a = fmix(a ^ w);
        b = fmix(b ^ w);
    }
    let mut w = [0u8; 8];
    let rest = chunks.remainder();
    if let Some(dst) = w.get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    let w = u64::from_le_bytes(w) | ((bytes.len() as u64 & 0xff) << 56);
    (fmix(a ^ w), fmix(b ^ w))
}

/// The two chains' starting states for `kind`.
const fn seeds(kind: u8) -> (u64, u64) {
    (
        fmix(0x243f_6a88_85a3_08d3 ^ kind as u64),
        fmix(0x1319_8a2e_0370_7344 ^ kind as u64),
    )
}

/// [`seeds`] of the kinds in use, computed at compile time (two of the
/// eight mixes of a short key).
const SEEDS: [(u64, u64); 8] = {
    let mut t = [(0, 0); 8];
    let mut k = 0;
    while k < 8 {
        t[k] = seeds(k as u8);
        k += 1;
    }
    t
};

/// The digest of a key of `kind` (so equal texts of different kinds differ).
pub fn key(kind: u8, text: &str) -> Key {
    let (a, b) = hash2(kind, text.as_bytes());
    (u128::from(a) << 64) | u128::from(b)
}

const K_STRICT: u8 = 1;
const K_LOOSE: u8 = 2;
const K_TAIL: u8 = 3;
const K_REF: u8 = 4;
const K_MANDATE: u8 = 5;

/// Keys are already digests: the map's hasher passes them through.
#[derive(Default, Clone, Copy)]
pub struct PassHasher(u64);

impl Hasher for PassHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u128(&mut self, i: u128) {
        self.0 ^= i as u64;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyMap = HashMap<Key, Ids, BuildHasherDefault<PassHasher>>;

type PrefixSet = std::collections::HashSet<u64, BuildHasherDefault<PrefixHasher>>;

/// Hasher of packed prefixes: one multiplication (values we made).
#[derive(Default, Clone, Copy)]
pub struct PrefixHasher(u64);

impl Hasher for PrefixHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (i ^ (i >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

/// Kind, length (at most 4) and first four bytes of a key, in one integer.
fn prefix_of(kind: u8, text: &str) -> u64 {
    let b = text.as_bytes();
    let n = b.len().min(4);
    let mut v = (u64::from(kind) << 40) | ((n as u64) << 32);
    for (k, &x) in b.iter().take(n).enumerate() {
        v |= u64::from(x) << (8 * k);
    }
    v
}

/// Item indices of one key (into the `items` slice given to
/// [`InvoiceIndex::build`]): one inline, several in the index's side table.
/// Eight bytes, so the table stays small and cache-friendly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ids {
    /// One item (the usual case).
    One(u32),
    /// Several items: a list in `InvoiceIndex::lists`.
    Many(u32),
}

/// The open items, indexed for every rule.
#[derive(Debug, Default)]
pub struct InvoiceIndex {
    shards: Vec<Shard>,
    /// Bloom filter over every key (two bits each): most runs of text are
    /// no key, and this answers "no" from a small table instead of a cache
    /// miss in the large one.
    bloom: Vec<u64>,
    bloom_mask: u64,
    /// The first (up to) four bytes of every strict and loose key, packed
    /// with kind and length ([`prefix_of`]): a small set that answers "no
    /// id starts like this" for most runs of text (`REGLEMENT 2026…`)
    /// before the key is even hashed.
    prefixes: PrefixSet,
    short_bare: Vec<bool>,
    /// (digest of the open amount, item) of every indexed item, sorted:
    /// the items open for a given amount ([`InvoiceIndex::open_for`]).
    by_amount: Vec<(u64, u32)>,
    max_groups: usize,
    letter_only_ids: bool,
    /// Customers by payer IBAN and name, with their open items.
    pub payers: super::payer::PayerIndex,
}

/// One part of the index: the keys whose top bits are its number. Shards
/// are built in parallel, each from every item in item order, so the result
/// does not depend on threads.
#[derive(Debug, Default)]
struct Shard {
    map: KeyMap,
    lists: Vec<Vec<u32>>,
}

const SHARD_BITS: u32 = 4;
const SHARDS: usize = 1 << SHARD_BITS;

/// The word of the filter and the two bits in it for key `k`: both bits in
/// one 64-bit word (a "blocked" filter), so a probe costs one cache miss,
/// not two; `mask` selects a word index.
fn bloom_pos(mask: u64, k: Key) -> (usize, u64) {
    let word = ((k as u64) & mask) as usize;
    let hi = (k >> 64) as u64;
    (word, (1u64 << (hi & 63)) | (1u64 << ((hi >> 6) & 63)))
}

fn bloom_set(bloom: &mut [u64], mask: u64, k: Key) {
    let (w, bits) = bloom_pos(mask, k);
    if let Some(w) = bloom.get_mut(w) {
        *w |= bits;
    }
}

fn bloom_has(bloom: &[u64], mask: u64, k: Key) -> bool {
    let (w, bits) = bloom_pos(mask, k);
    bloom.get(w).is_some_and(|w| w & bits == bits)
}

fn shard_of(k: Key) -> usize {
    (k >> (128 - SHARD_BITS)) as usize
}

impl Shard {
    fn get(&self, k: Key) -> &[u32] {
        match self.map.get(&k) {
            None => &[],
            Some(Ids::One(i)) => std::slice::from_ref(i),
            Some(Ids::Many(n)) => self.lists.get(*n as usize).map_or(&[], Vec::as_slice),
        }
    }
}

fn push(map: &mut KeyMap, lists: &mut Vec<Vec<u32>>, key: Key, i: u32) {
    match map.entry(key) {
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(Ids::One(i));
        }
        std::collections::hash_map::Entry::Occupied(mut o) => match *o.get() {
            Ids::One(j) if j == i => {}
            Ids::One(j) => {
                let Ok(n) = u32::try_from(lists.len()) else {
                    return;
                };
                lists.push(vec![j, i]);
                o.insert(Ids::Many(n));
            }
            Ids::Many(n) => {
                if let Some(v) = lists.get_mut(n as usize)
                    && v.last() != Some(&i)
                {
                    v.push(i);
                }
            }
        },
    }
}

/// Digests of one item's keys, computed in parallel.
struct ItemKeys {
    keys: [Key; 6],
    prefixes: [u64; 2],
    n: usize,
    len: usize,
    short_bare: bool,
    letter_only: bool,
}

impl ItemKeys {
    fn add(&mut self, k: Key) {
        if let Some(slot) = self.keys.get_mut(self.n) {
            *slot = k;
            self.n += 1;
        }
    }
}

/// What the index keeps of an indexed item besides its keys.
struct ItemFacts {
    len: usize,
    short_bare: bool,
    letter_only: bool,
}

/// Items per chunk of the parallel key computation.
const CHUNK: usize = 2048;

/// A key and its item, 24 bytes (a `(u128, u32)` takes 32): the key's
/// high and low halves, then the item.
type Pair = (u64, u64, u32);

/// The keys of one chunk of items: per item its facts (`None`: not
/// indexed), per shard the (digest, item) pairs in item order, and the
/// chunk's distinct key prefixes.
struct Chunk {
    facts: Vec<Option<ItemFacts>>,
    buckets: [Vec<Pair>; SHARDS],
    prefixes: Vec<u64>,
    amounts: Vec<(u64, u32)>,
}

/// A digest of an amount, equal for equal amounts whatever their scale
/// (`10.5` and `10.50`); a collision only costs a comparison. Amounts
/// with at most four decimals (all of a ledger's) are hashed as their
/// number of ten-thousandths, without `Decimal::normalize`'s divisions.
fn amount_digest(m: crate::money::Money) -> u64 {
    let mut d = m.decimal();
    if d.scale() > 4 {
        d = d.normalize();
    }
    let (mantissa, scale) = match 10i128.checked_pow(4u32.saturating_sub(d.scale())) {
        Some(f) if d.scale() <= 4 => (d.mantissa().saturating_mul(f), 4),
        _ => (d.mantissa(), d.scale()),
    };
    let mut b = [0u8; 20];
    let (m_bytes, s_bytes) = b.split_at_mut(16);
    m_bytes.copy_from_slice(&mantissa.to_le_bytes());
    s_bytes.copy_from_slice(&scale.to_le_bytes());
    hash2(6, &b).0
}

/// The keys of one item (`None` when its open amount is zero); `buf` is
/// scratch space.
fn item_keys(it: &OpenItem, buf: &mut String) -> Option<ItemKeys> {
    if it.open_amount.is_zero() {
        return None;
    }
    let mut k = ItemKeys {
        keys: [0; 6],
        prefixes: [0; 2],
        n: 0,
        len: 0,
        short_bare: false,
        letter_only: false,
    };
    let id = it.invoice_id.as_str();
    if let Some(content) = tokens::id_content(id) {
        k.len = content.len();
        k.short_bare = tokens::is_short_bare(id, &content);
        k.letter_only = content.iter().all(|g| !g.digits);
        tokens::write_strict(id, &content, buf);
        k.add(key(K_STRICT, buf));
        k.prefixes[0] = prefix_of(K_STRICT, buf);
        tokens::write_loose(id, &content, buf);
        k.add(key(K_LOOSE, buf));
        k.prefixes[1] = prefix_of(K_LOOSE, buf);
        if let Some(last) = content.last().filter(|g| g.digits && content.len() > 1) {
            k.add(key(K_TAIL, last.loose(id)));
        }
    }
    tokens::write_ref(id, buf);
    let id_key = (!buf.is_empty()).then(|| key(K_REF, buf));
    if let Some(r) = id_key {
        k.add(r);
    }
    if let Some(r) = it.reference.as_deref() {
        tokens::write_ref(r, buf);
        let r = key(K_REF, buf);
        if !buf.is_empty() && Some(r) != id_key {
            k.add(r);
        }
    }
    if let Some(m) = it.mandate_id.as_deref() {
        tokens::write_ref(m, buf);
        if !buf.is_empty() {
            k.add(key(K_MANDATE, buf));
        }
    }
    Some(k)
}

impl InvoiceIndex {
    /// Indexes every item whose open amount is not zero.
    pub fn build(items: &[OpenItem], customers: &BTreeMap<String, Customer>) -> InvoiceIndex {
        let (mut ix, payers) = rayon::join(
            || Self::build_keys(items, customers),
            || {
                super::payer::PayerIndex::build(items, customers, |i| {
                    items.get(i).map(|it| it.customer_name.clone())
                })
            },
        );
        ix.payers = payers;
        ix
    }

    fn build_keys(items: &[OpenItem], customers: &BTreeMap<String, Customer>) -> InvoiceIndex {
        // Keys of every item, in parallel by chunks of items; each chunk
        // sorts its (digest, item) pairs into the shards' buckets at once,
        // so that a shard then reads only its own keys.
        let chunks: Vec<Chunk> = items
            .par_chunks(CHUNK)
            .enumerate()
            .map_init(String::new, |buf, (c, chunk)| {
                let mut out = Chunk {
                    facts: Vec::with_capacity(chunk.len()),
                    // About six keys per item, spread evenly: room for
                    // a quarter more, so a bucket rarely grows.
                    buckets: std::array::from_fn(|_| {
                        Vec::with_capacity(chunk.len() * 6 / SHARDS * 5 / 4 + 8)
                    }),
                    prefixes: Vec::with_capacity(chunk.len() * 2),
                    amounts: Vec::with_capacity(chunk.len()),
                };
                for (off, it) in chunk.iter().enumerate() {
                    let Ok(n) = u32::try_from(c * CHUNK + off) else {
                        out.facts.push(None);
                        continue;
                    };
                    let k = item_keys(it, buf);
                    if let Some(k) = &k {
                        for &digest in k.keys.iter().take(k.n) {
                            if let Some(b) = out.buckets.get_mut(shard_of(digest)) {
                                b.push(((digest >> 64) as u64, digest as u64, n));
                            }
                        }
                        out.prefixes.extend(k.prefixes.iter().filter(|&&p| p != 0));
                        out.amounts.push((amount_digest(it.open_amount), n));
                    }
                    out.facts.push(k.map(|k| ItemFacts {
                        len: k.len,
                        short_bare: k.short_bare,
                        letter_only: k.letter_only,
                    }));
                }
                out.prefixes.sort_unstable();
                out.prefixes.dedup();
                out
            })
            .collect();
        let n_keys: usize = chunks
            .iter()
            .flat_map(|c| c.buckets.iter())
            .map(Vec::len)
            .sum();
        let bits = (n_keys.max(64) * 8).next_power_of_two();
        let bloom_mask = (bits / 64) as u64 - 1;
        let bloom: Vec<AtomicU64> = (0..bits / 64).map(|_| AtomicU64::new(0)).collect();
        // Each shard inserts its keys in item order (chunks in order, each
        // chunk in item order): the same maps whatever the threads. Bits
        // are OR-ed into the filter, which does not depend on the order.
        let shards: Vec<Shard> = (0..SHARDS)
            .into_par_iter()
            .map(|sh| {
                let len: usize = chunks
                    .iter()
                    .filter_map(|c| c.buckets.get(sh))
                    .map(Vec::len)
                    .sum();
                let mut shard = Shard {
                    map: KeyMap::with_capacity_and_hasher(len, Default::default()),
                    lists: Vec::new(),
                };
                for &(hi, lo, n) in chunks.iter().filter_map(|c| c.buckets.get(sh)).flatten() {
                    let digest = (u128::from(hi) << 64) | u128::from(lo);
                    push(&mut shard.map, &mut shard.lists, digest, n);
                    let (w, bits) = bloom_pos(bloom_mask, digest);
                    if let Some(w) = bloom.get(w) {
                        w.fetch_or(bits, Ordering::Relaxed);
                    }
                }
                shard
            })
            .collect();
        let bloom: Vec<u64> = bloom.into_iter().map(AtomicU64::into_inner).collect();
        let mut prefixes = PrefixSet::default();
        for c in &chunks {
            prefixes.extend(c.prefixes.iter().copied());
        }
        let mut by_amount: Vec<(u64, u32)> = chunks
            .iter()
            .flat_map(|c| c.amounts.iter().copied())
            .collect();
        by_amount.par_sort_unstable();
        let per_item = chunks.iter().flat_map(|c| c.facts.iter());
        let mut ix = InvoiceIndex {
            shards,
            bloom,
            bloom_mask,
            prefixes,
            short_bare: vec![false; items.len()],
            by_amount,
            max_groups: 0,
            letter_only_ids: false,
            payers: super::payer::PayerIndex::default(),
        };
        // Items by customer, only for customers with mandates (a map that is
        // looked up, never iterated).
        let mut by_customer: super::strhash::StrMap<&str, Vec<u32>> = customers
            .values()
            .filter(|c| !c.mandate_ids.is_empty())
            .map(|c| (c.customer_id.as_str(), Vec::new()))
            .collect();
        for (i, (it, k)) in items.iter().zip(per_item).enumerate() {
            let Some(k) = k else { continue };
            let Ok(n) = u32::try_from(i) else { break };
            ix.max_groups = ix.max_groups.max(k.len);
            ix.letter_only_ids |= k.letter_only;
            if let Some(flag) = ix.short_bare.get_mut(i) {
                *flag = k.short_bare;
            }
            if by_customer.is_empty() {
                continue;
            }
            if let Some(v) = by_customer.get_mut(it.customer_id.as_str()) {
                v.push(n);
            }
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
                let k = key(K_MANDATE, &m);
                bloom_set(&mut ix.bloom, ix.bloom_mask, k);
                let Some(shard) = ix.shards.get_mut(shard_of(k)) else {
                    continue;
                };
                let mut v = shard.get(k).to_vec();
                v.extend_from_slice(list);
                v.sort_unstable();
                v.dedup();
                let Ok(n) = u32::try_from(shard.lists.len()) else {
                    continue;
                };
                shard.lists.push(v);
                shard.map.insert(k, Ids::Many(n));
            }
        }
        ix
    }

    fn get(&self, kind: u8, text: &str) -> &[u32] {
        if (kind == K_STRICT || kind == K_LOOSE) && !self.prefixes.contains(&prefix_of(kind, text))
        {
            return &[];
        }
        let k = key(kind, text);
        if !bloom_has(&self.bloom, self.bloom_mask, k) {
            return &[];
        }
        self.shards.get(shard_of(k)).map_or(&[], |s| s.get(k))
    }

    /// Items whose strict id key is `key`.
    pub fn strict(&self, key: &str) -> &[u32] {
        self.get(K_STRICT, key)
    }

    /// Items whose loose id key is `key`.
    pub fn loose(&self, key: &str) -> &[u32] {
        self.get(K_LOOSE, key)
    }

    /// Items whose id ends with the number `key` (weak, announced-only).
    pub fn tail(&self, key: &str) -> &[u32] {
        self.get(K_TAIL, key)
    }

    /// Items whose reference or id, normalised, is `key`.
    pub fn reference(&self, key: &str) -> &[u32] {
        self.get(K_REF, key)
    }

    /// Items under mandate `key` (normalised).
    pub fn mandate(&self, key: &str) -> &[u32] {
        self.get(K_MANDATE, key)
    }

    /// The indexed items (open amount not zero) whose open amount may be
    /// `amount`, in ascending order: a superset (equal digests), so callers
    /// compare the amount.
    pub fn open_for(&self, amount: crate::money::Money) -> impl Iterator<Item = u32> + Clone + '_ {
        let d = amount_digest(amount);
        let from = self.by_amount.partition_point(|&(a, _)| a < d);
        self.by_amount
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |&&(a, _)| a == d)
            .map(|&(_, i)| i)
    }

    /// True when item `i`'s id is one short bare number.
    pub fn is_short_bare(&self, i: u32) -> bool {
        self.short_bare.get(i as usize).copied().unwrap_or(false)
    }

    /// True when some id is made of letters only: only then can a run of
    /// text without digits be an invoice number.
    pub fn has_letter_only_ids(&self) -> bool {
        self.letter_only_ids
    }

    /// The most groups of any indexed id: the longest run a text scan tries.
    pub fn max_groups(&self) -> usize {
        self.max_groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::testkit::item;

    #[test]
    fn keys_of_different_kinds_or_texts_never_collide_on_xor_patterns() {
        // Kinds 1 and 3 differ by 2, as do '4' and '6': a linear hash
        // would collide here.
        assert_ne!(key(K_STRICT, "4711"), key(K_TAIL, "6711"));
        assert_ne!(key(K_LOOSE, "4711"), key(K_TAIL, "5711"));
        let mut seen = std::collections::HashSet::new();
        for kind in 1..=5u8 {
            for n in 0..20_000u32 {
                for t in [n.to_string(), format!("{n:06}"), format!("2025|{n}")] {
                    assert!(seen.insert((key(kind, &t), kind, t.clone())));
                }
            }
        }
        let digests: std::collections::HashSet<Key> = seen.iter().map(|s| s.0).collect();
        assert_eq!(digests.len(), seen.len());
    }

    #[test]
    fn index_lists_items_by_every_key() {
        let mut items = vec![
            item("F-2026-0042", "10.00"),
            item("F-2025-0042", "10.00"),
            item("F-0042", "10.00"),
            item("F-9", "0.00"),
        ];
        items[0].reference = Some("RF18 5390 0754 7034".into());
        items[1].mandate_id = Some("rum 1".into());
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        assert_eq!(ix.strict("20260042"), [0]);
        assert_eq!(ix.loose("2026|42"), [0]);
        assert_eq!(ix.tail("42"), [0, 1]);
        assert_eq!(ix.strict("0042"), [2]);
        assert_eq!(ix.loose("42"), [2]);
        assert!(ix.is_short_bare(2));
        assert_eq!(ix.reference("RF18539007547034"), [0]);
        assert_eq!(ix.reference("F-2026-0042"), [0]);
        assert_eq!(ix.mandate("RUM1"), [1]);
        // Settled items (open 0) are not indexed.
        assert!(ix.strict("9").is_empty());
        assert_eq!(ix.max_groups(), 2);
        assert_eq!(
            ix.open_for("10.00".parse().unwrap()).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(ix.open_for("0.00".parse().unwrap()).count(), 0);
    }

    #[test]
    fn items_open_for_an_amount_whatever_its_scale() {
        let items = vec![
            item("A", "150.5"),
            item("B", "150.50"),
            item("C", "150.500000"),
            item("D", "150.05"),
            item("E", "-150.50"),
        ];
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        let found = |s: &str| ix.open_for(s.parse().unwrap()).collect::<Vec<_>>();
        assert_eq!(found("150.50"), [0, 1, 2]);
        assert_eq!(found("150.5000000001"), Vec::<u32>::new());
        assert_eq!(found("-150.5"), [4]);
    }
}
