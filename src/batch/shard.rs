//! Sharding a firm across machines with an existing job engine: a client
//! belongs to shard `K` of `N` when the first 8 bytes of the SHA-256 of its id,
//! read as a big-endian integer, modulo `N` equal `K`. Stable across releases
//! and platforms (never Rust's `DefaultHasher`).
//!
//! Without `--shard`, the shard comes from the job engine: a Kubernetes Indexed
//! Job (`JOB_COMPLETION_INDEX`, with the count from `--shards N` or
//! `POINTAGE_SHARDS`), or a Slurm array (`SLURM_ARRAY_TASK_ID` minus
//! `SLURM_ARRAY_TASK_MIN`, over `SLURM_ARRAY_TASK_COUNT`). Settings that
//! contradict each other (two indexes, two counts, a count without an index,
//! `--shard` and a job engine naming different shards) are refused.

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

    /// The shard of this run from `--shard` (`arg`), `--shards` and the
    /// environment (`env` reads a variable), if any. Settings that do not
    /// agree are refused, never one picked silently: a pod running another
    /// pod's shard, or the whole firm, leaves clients unrun with exit 0.
    pub fn resolve(
        arg: Option<&str>,
        shards: Option<u64>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, ShardError> {
        let given = arg.map(Shard::parse).transpose()?;
        if let (Some(s), Some(n)) = (given, shards) {
            return Err(ShardError(format!(
                "--shard {s} and --shards {n} given together: use --shard K/N alone, \
                 or --shards N with a job engine's index"
            )));
        }
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
        let env_count = num("POINTAGE_SHARDS")?;
        // The shard count given beside the job engine's, and where from.
        let count = match (shards, env_count) {
            (Some(a), Some(b)) if a != b => {
                return Err(ShardError(format!(
                    "--shards {a} and POINTAGE_SHARDS={b} disagree"
                )));
            }
            (Some(n), _) => Some((n, format!("--shards {n}"))),
            (None, Some(n)) => Some((n, format!("POINTAGE_SHARDS={n}"))),
            (None, None) => None,
        };
        let k8s = num("JOB_COMPLETION_INDEX")?;
        let slurm = num("SLURM_ARRAY_TASK_ID")?;
        let engine = match (k8s, slurm) {
            (Some(_), Some(_)) => {
                return Err(ShardError(
                    "JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are both \
                     set: unset the one that is not this job's"
                        .into(),
                ));
            }
            (Some(index), None) => {
                let n = count
                    .as_ref()
                    .map(|(n, _)| *n)
                    .or(given.map(|g| g.count))
                    .ok_or_else(|| {
                        ShardError(
                            "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but the shard \
                             count is not: pass --shards N or set POINTAGE_SHARDS"
                                .into(),
                        )
                    })?;
                Some((
                    Shard::checked(index, n, "JOB_COMPLETION_INDEX")?,
                    format!("JOB_COMPLETION_INDEX={index}"),
                ))
            }
            (None, Some(id)) => {
                let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                let n = match (num("SLURM_ARRAY_TASK_COUNT")?, &count) {
                    (Some(c), Some((n, from))) if c != *n => {
                        return Err(ShardError(format!(
                            "SLURM_ARRAY_TASK_COUNT={c} and {from} disagree"
                        )));
                    }
                    (Some(c), _) => c,
                    (None, Some((n, _))) => *n,
                    (None, None) => given.map(|g| g.count).ok_or_else(|| {
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
                Some((
                    Shard::checked(index, n, "SLURM_ARRAY_TASK_ID")?,
                    format!("SLURM_ARRAY_TASK_ID={id}"),
                ))
            }
            (None, None) => None,
        };
        match (given, engine, count) {
            (Some(g), Some((e, from)), _) if g != e => Err(ShardError(format!(
                "--shard {g} but {from} gives shard {e}: use one"
            ))),
            (Some(g), _, Some((n, from))) if n != g.count => Err(ShardError(format!(
                "--shard {g} but {from}: the shard counts disagree"
            ))),
            (Some(g), _, _) => Ok(Some(g)),
            (None, Some((e, _)), _) => Ok(Some(e)),
            (None, None, Some((_, from))) => Err(ShardError(format!(
                "{from} is set but no shard index is (JOB_COMPLETION_INDEX or \
                 SLURM_ARRAY_TASK_ID; is the Kubernetes Job `completionMode: Indexed`?): \
                 pass --shard K/N, or drop the count to run the whole firm"
            ))),
            (None, None, None) => Ok(None),
        }
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
        let from_env = |shards, vars: &[(&str, &str)]| Shard::resolve(None, shards, env(vars));
        let k8s = [("JOB_COMPLETION_INDEX", "2"), ("POINTAGE_SHARDS", "4")];
        assert_eq!(
            from_env(None, &k8s).unwrap(),
            Some(Shard { index: 2, count: 4 })
        );
        assert_eq!(
            from_env(Some(3), &[("JOB_COMPLETION_INDEX", "1")]).unwrap(),
            Some(Shard { index: 1, count: 3 })
        );
        assert!(from_env(None, &[("JOB_COMPLETION_INDEX", "1")]).is_err());
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "11"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(
            from_env(None, &slurm).unwrap(),
            Some(Shard { index: 1, count: 4 })
        );
        assert_eq!(from_env(None, &[]).unwrap(), None);
    }

    #[test]
    fn settings_that_agree_are_accepted() {
        let one = Some(Shard { index: 1, count: 3 });
        // --shard with an engine (or a count) naming the same shard.
        let k8s = [("JOB_COMPLETION_INDEX", "1"), ("POINTAGE_SHARDS", "3")];
        assert_eq!(Shard::resolve(Some("1/3"), None, env(&k8s)).unwrap(), one);
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(Shard::resolve(Some("1/3"), None, env(&slurm)).unwrap(), one);
        assert_eq!(
            Shard::resolve(Some("1/3"), None, env(&[("POINTAGE_SHARDS", "3")])).unwrap(),
            one
        );
        // The same count twice.
        assert_eq!(Shard::resolve(None, Some(3), env(&k8s)).unwrap(), one);
        // Empty variables are unset.
        let empty = [("JOB_COMPLETION_INDEX", ""), ("POINTAGE_SHARDS", " ")];
        assert_eq!(Shard::resolve(Some("1/3"), None, env(&empty)).unwrap(), one);
        assert_eq!(Shard::resolve(None, None, env(&empty)).unwrap(), None);
    }

    #[test]
    fn contradictory_settings_are_refused_naming_them() {
        /// `--shard`, `--shards`, variables, what the error must name.
        type Case<'a> = (
            Option<&'a str>,
            Option<u64>,
            &'a [(&'a str, &'a str)],
            &'a [&'a str],
        );
        let cases: [Case; 8] = [
            // Another pod's index under a copied --shard.
            (
                Some("0/3"),
                None,
                &[("JOB_COMPLETION_INDEX", "1"), ("POINTAGE_SHARDS", "3")],
                &["--shard 0/3", "JOB_COMPLETION_INDEX=1"],
            ),
            (
                Some("0/3"),
                None,
                &[
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                ],
                &["--shard 0/3", "SLURM_ARRAY_TASK_ID=2"],
            ),
            // A count without an index: not the whole firm.
            (None, Some(3), &[], &["--shards 3", "no shard index"]),
            (
                None,
                None,
                &[("POINTAGE_SHARDS", "3")],
                &["POINTAGE_SHARDS=3", "no shard index"],
            ),
            (Some("0/3"), Some(5), &[], &["--shard 0/3", "--shards 5"]),
            (
                Some("0/3"),
                None,
                &[("POINTAGE_SHARDS", "5")],
                &["--shard 0/3", "POINTAGE_SHARDS=5"],
            ),
            (
                None,
                None,
                &[
                    ("JOB_COMPLETION_INDEX", "0"),
                    ("POINTAGE_SHARDS", "3"),
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                ],
                &["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"],
            ),
            (
                None,
                Some(4),
                &[("JOB_COMPLETION_INDEX", "0"), ("POINTAGE_SHARDS", "3")],
                &["--shards 4", "POINTAGE_SHARDS=3"],
            ),
        ];
        for (arg, shards, vars, named) in cases {
            let e = Shard::resolve(arg, shards, env(vars))
                .unwrap_err()
                .to_string();
            for n in named {
                assert!(e.contains(n), "{arg:?} {shards:?} {vars:?}: {e}");
            }
        }
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("POINTAGE_SHARDS", "4"),
        ];
        assert!(Shard::resolve(None, None, env(&slurm)).is_err());
    }
}
