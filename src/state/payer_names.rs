//! Payer names as evidence when telling one payment from another under a
//! shared bank reference (`tx_identity`): two names either plainly name two
//! payers, or plainly name one, or say nothing.
//!
//! Names are compared once legal forms and fillers are dropped
//! (`matching::payer::normalize_name`) and so are the words two unrelated
//! payers share all the time: civil titles (`MME`, `M.`) and trade words
//! (`FRANCE`, `GROUPE`, `SERVICES`…). `MME DUPONT` and `MME MARTIN` are two
//! payers; `ALPHA SARL` and `SARL ALPHA` one.

use std::collections::BTreeSet;

/// Words that say nothing of who pays: titles, and words of many firms'
/// names.
const COMMON: &[&str] = &[
    "M",
    "MR",
    "MM",
    "MME",
    "MMES",
    "MLLE",
    "MRS",
    "MS",
    "DR",
    "ME",
    "MONSIEUR",
    "MADAME",
    "MADEMOISELLE",
    "EPOUX",
    "FRANCE",
    "GROUPE",
    "GROUP",
    "SERVICES",
    "SERVICE",
    "TRANSPORTS",
    "TRANSPORT",
    "IMMOBILIER",
    "IMMOBILIERE",
    "HOLDING",
    "INTERNATIONAL",
    "CONSEIL",
    "CONSEILS",
    "CONSULTING",
    "SOLUTIONS",
    "ENTREPRISE",
    "ENTREPRISES",
    "COMPAGNIE",
    "ASSOCIATION",
    "INDUSTRIES",
    "DISTRIBUTION",
    "BATIMENT",
    "EUROPE",
    "PARIS",
    "SUD",
    "NORD",
    "EST",
    "OUEST",
];

/// The words of a name that tell payers apart, in order.
fn telling(name: &str) -> Vec<String> {
    crate::matching::payer::normalize_name(name)
        .split_whitespace()
        .filter(|w| !COMMON.contains(w))
        .map(str::to_string)
        .collect()
}

/// Both names, given and not placeholders, by their telling words (`None`
/// when either says nothing).
fn both(a: Option<&str>, b: Option<&str>) -> Option<(Vec<String>, Vec<String>)> {
    let known = |s| crate::statement::given_reference(s).map(telling);
    let (a, b) = (known(a)?, known(b)?);
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}

/// Whether two names plainly name two payers: neither is the other cut
/// short, and they share no telling word of three letters or more.
pub(super) fn differ(a: Option<&str>, b: Option<&str>) -> bool {
    let Some((a, b)) = both(a, b) else {
        return false;
    };
    let (ja, jb) = (a.join(" "), b.join(" "));
    if ja.starts_with(&jb) || jb.starts_with(&ja) {
        return false;
    }
    let long = |w: &Vec<String>| -> BTreeSet<String> {
        w.iter()
            .filter(|w| w.chars().count() >= 3)
            .cloned()
            .collect()
    };
    long(&a).is_disjoint(&long(&b))
}

/// Whether two names plainly name one payer: the same telling words, in any
/// order, or one the other cut short (a bank's 35-character field).
pub(super) fn same(a: Option<&str>, b: Option<&str>) -> bool {
    let Some((a, b)) = both(a, b) else {
        return false;
    };
    let (ja, jb) = (a.join(" "), b.join(" "));
    if ja.starts_with(&jb) || jb.starts_with(&ja) {
        return true;
    }
    let set = |w: &Vec<String>| -> BTreeSet<String> { w.iter().cloned().collect() };
    set(&a) == set(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_trade_words_never_make_two_payers_one() {
        // Review 27 #3: `MME DUPONT` and `MME MARTIN` were one payer.
        assert!(differ(Some("MME DUPONT"), Some("MME MARTIN")));
        assert!(differ(Some("ALPHA FRANCE"), Some("BETA FRANCE SAS")));
        assert!(!same(Some("MME DUPONT"), Some("MME MARTIN")));
        assert!(differ(Some("ALPHA SARL"), Some("BETA SARL")));
    }

    #[test]
    fn one_payer_written_otherwise_is_one() {
        assert!(same(Some("ALPHA SARL"), Some("SARL ALPHA")));
        assert!(same(
            Some("ALPHA CONSTRUCTIO"),
            Some("ALPHA CONSTRUCTION SAS")
        ));
        assert!(same(Some("Mme Dupont"), Some("DUPONT")));
        assert!(!differ(Some("M. DUPONT"), Some("DUPONT JEAN")));
        assert!(
            !same(Some("M. DUPONT"), Some("DUPONT JEAN"))
                || same(Some("DUPONT"), Some("DUPONT JEAN"))
        );
        // Nothing given says nothing.
        assert!(!differ(Some("ALPHA"), Some("NOTPROVIDED")));
        assert!(!same(Some("ALPHA"), None));
        assert!(!differ(Some("MME"), Some("M")));
    }
}
