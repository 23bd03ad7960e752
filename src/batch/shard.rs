//! Sharding a firm across machines with an existing job engine: a client
//! belongs to shard `K` of `N` when the first 8 bytes of the SHA-256 of its id,
//! read as a big-endian integer, modulo `N` equal `K`. Stable across releases
//! and platforms (never Rust's `DefaultHasher`).
//!
//! Without `--shard`, the shard comes from the job engine: a Kubernetes Indexed
//! Job (`JOB_COMPLETION_INDEX`, with the count from `--shards N` or
//! `POINTAGE_SHARDS`), or a Slurm array (`SLURM_ARRAY_TASK_ID` minus
//! `SLURM_ARRAY_TASK_MIN`, over `SLURM_ARRAY_TASK_COUNT`).

use std::fmt;

use sha2::{Digest, Sha256};

/// Shard `index` of `count` (0 ≤ index < count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A shard specification that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ShardError(pub String);

impl Shard {
    /// Parses `K/N` with 0 ≤ K < N.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let bad = || {
            ShardError(format!(
                "--shard {s:?}: expected K/N with 0 <= K < N, e.g. 0/4"
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard a job engine assigned through its environment, if any.
    /// `shards` is `--shards N`; `env` reads a variable.
    pub fn from_env(
        shards: Option<u64>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, ShardError> {
        let num = |name: &str| -> Result<Option<u64>, ShardError> {
            match env(name) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| ShardError(format!("{name}={v:?} is not a number"))),
            }
        };
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let count = match shards {
                Some(n) => Some(n),
                None => num("POINTAGE_SHARDS")?,
            }
            .ok_or_else(|| {
                ShardError(
                    "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but the shard count is not: pass --shards N or set POINTAGE_SHARDS".into(),
                )
            })?;
            return Shard::checked(index, count, "JOB_COMPLETION_INDEX").map(Some);
        }
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let count = match num("SLURM_ARRAY_TASK_COUNT")? {
                Some(c) => c,
                None => shards.ok_or_else(|| {
                    ShardError(
                        "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not".into(),
                    )
                })?,
            };
            let index = id.checked_sub(min).ok_or_else(|| {
                ShardError(format!(
                    "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                ))
            })?;
            return Shard::checked(index, count, "SLURM_ARRAY_TASK_ID").map(Some);
        }
        Ok(None)
    }

    fn checked(index: u64, count: u64, from: &str) -> Result<Shard, ShardError> {
        if count == 0 || index >= count {
            return Err(ShardError(format!(
                "{from} gives shard {index} of {count}: out of range"
            )));
        }
        Ok(Shard { index, count })
    }

    /// True when the client belongs to this shard.
    pub fn owns(&self, client_id: &str) -> bool {
        shard_of(client_id, self.count) == self.index
    }

    /// The suffix of this shard's summary files: `3-of-8`.
    pub fn file_suffix(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }
}

/// `u64::from_be_bytes(SHA-256(client_id)[..8]) mod count`.
pub fn shard_of(client_id: &str, count: u64) -> u64 {
    let digest = Sha256::digest(client_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn parse_k_of_n() {
        assert_eq!(Shard::parse("2/5").unwrap(), Shard { index: 2, count: 5 });
        for bad in ["5/5", "1/0", "a/2", "3", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_hash_is_the_documented_one() {
        // SHA-256("acme") starts 82 2b 33 ad 87 c1 48 a0 (computed independently
        // with Python's hashlib); pinned so a change of hash is a visible break.
        assert_eq!(shard_of("acme", 7), 0x822b_33ad_87c1_48a0_u64 % 7);
        assert_eq!(shard_of("acme", 7), 2);
        assert_eq!(shard_of("acme", 1000), 872);
        assert_eq!(shard_of("acme", 1), 0);
    }

    #[test]
    fn every_client_in_exactly_one_shard() {
        for id in ["a", "b", "dupont", "client-042", "ÉTS MARTIN"] {
            let owners: Vec<u64> = (0..3)
                .filter(|k| {
                    Shard {
                        index: *k,
                        count: 3,
                    }
                    .owns(id)
                })
                .collect();
            assert_eq!(owners.len(), 1, "{id}");
        }
    }

    #[test]
    fn job_engines() {
        let k8s = [("JOB_COMPLETION_INDEX", "2"), ("POINTAGE_SHARDS", "4")];
        assert_eq!(
            Shard::from_env(None, env(&k8s)).unwrap(),
            Some(Shard { index: 2, count: 4 })
        );
        assert_eq!(
            Shard::from_env(Some(3), env(&[("JOB_COMPLETION_INDEX", "1")])).unwrap(),
            Some(Shard { index: 1, count: 3 })
        );
        assert!(Shard::from_env(None, env(&[("JOB_COMPLETION_INDEX", "1")])).is_err());
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "11"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(
            Shard::from_env(None, env(&slurm)).unwrap(),
            Some(Shard { index: 1, count: 4 })
        );
        assert_eq!(Shard::from_env(None, env(&[])).unwrap(), None);
    }
}
