//! Which payments can affect each other: those quoting a common item,
//! connected through a union-find over item indices. Payments are laid out
//! group after group, each group in allocation order, so that groups can be
//! allocated in parallel with exactly the result of one sequential pass.

use std::collections::HashMap;

use crate::matching::rules::Candidates;

/// Hasher for item indices: one multiplication (keys are small integers
/// we made; maps are looked up, never iterated).
#[derive(Default, Clone, Copy)]
pub(super) struct U32Hasher(u64);

impl std::hash::Hasher for U32Hasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.0 = u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// A map keyed by item index.
pub(super) type ItemMap<V> = HashMap<u32, V, std::hash::BuildHasherDefault<U32Hasher>>;

/// Union-find over item indices (path halving, union by index).
struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n)
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect(),
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        loop {
            let Some(&p) = self.parent.get(x as usize) else {
                return x;
            };
            if p == x {
                return x;
            }
            let gp = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x as usize) {
                *slot = gp;
            }
            x = gp;
        }
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if lo != hi
            && let Some(slot) = self.parent.get_mut(hi as usize)
        {
            *slot = lo;
        }
    }
}

/// Payments laid out group after group: group `g`'s payments are
/// `members[starts[g]..starts[g + 1]]`, in allocation order.
pub(super) struct Groups {
    /// Where each group starts in `members`, and the end of the last.
    pub starts: Vec<usize>,
    /// Payment indices.
    pub members: Vec<usize>,
}

/// Groups the payments given in allocation order (`order`: payment
/// indices), numbered in order of their first payment.
pub(super) fn groups(
    order: impl ExactSizeIterator<Item = usize>,
    cands: &[Candidates],
    n_items: usize,
) -> Groups {
    // A set's root is its least item, whatever the order of the unions.
    let mut uf = UnionFind::new(n_items);
    for c in cands {
        if let Some(p) = &c.proposal {
            let mut first: Option<u32> = None;
            for &i in p.hits.iter().flat_map(|h| h.items.iter()) {
                match first {
                    None => first = Some(i),
                    Some(f) => uf.union(f, i),
                }
            }
        }
    }
    // Each payment's group, numbered in order of the groups' first
    // payment; then the payments laid out group after group (a counting
    // sort, stable: each group in allocation order) instead of one vector
    // per group.
    let mut group_of_root: Vec<u32> = vec![u32::MAX; n_items];
    let mut group_of: Vec<(u32, usize)> = Vec::with_capacity(order.len());
    let mut n_groups: u32 = 0;
    for i in order {
        let first = cands
            .get(i)
            .and_then(|c| c.proposal.as_ref())
            .and_then(|p| p.hits.first())
            .and_then(|h| h.items.first().copied());
        let slot = first.and_then(|item| group_of_root.get_mut(uf.find(item) as usize));
        let g = match slot {
            Some(g) if *g != u32::MAX => *g,
            Some(g) => {
                *g = n_groups;
                n_groups += 1;
                *g
            }
            None => {
                n_groups += 1;
                n_groups - 1
            }
        };
        group_of.push((g, i));
    }
    let n_groups = n_groups as usize;
    let mut starts = vec![0usize; n_groups + 1];
    for &(g, _) in &group_of {
        if let Some(s) = starts.get_mut(g as usize + 1) {
            *s += 1;
        }
    }
    for k in 1..starts.len() {
        let prev = starts.get(k - 1).copied().unwrap_or(0);
        if let Some(s) = starts.get_mut(k) {
            *s += prev;
        }
    }
    let mut members = vec![0usize; group_of.len()];
    let mut next = starts.clone();
    for &(g, i) in &group_of {
        if let Some(n) = next.get_mut(g as usize) {
            if let Some(m) = members.get_mut(*n) {
                *m = i;
            }
            *n += 1;
        }
    }
    Groups { starts, members }
}
