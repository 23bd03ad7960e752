//! A fast hasher for the maps keyed by short strings (customer ids, IBANs,
//! name tokens; the night's money by invoice id): built once per run,
//! looked up, never iterated (so no hash order reaches an output). The
//! standard SipHash costs more than the lookup itself on such keys; this one
//! reads eight bytes at a time and mixes the result once. Deterministic (no
//! random seed): the keys come from the client's own files, not from an
//! adversary.

use std::hash::{BuildHasherDefault, Hasher};

/// Eight bytes at a time (rotate, xor, multiply), a final avalanche.
#[derive(Default, Clone, Copy)]
pub struct StrHasher(u64);

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl StrHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for StrHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            if let Some(dst) = w.get_mut(..rest.len()) {
                dst.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`StrHasher`].
pub type StrMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<StrHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_find_what_was_inserted() {
        let mut m: StrMap<String, usize> = StrMap::default();
        for n in 0..10_000 {
            m.insert(format!("C{n:05}"), n);
        }
        for n in 0..10_000 {
            assert_eq!(m.get(&format!("C{n:05}")), Some(&n));
        }
        assert_eq!(m.get("C10000"), None);
        assert_eq!(m.get(""), None);
    }
}
