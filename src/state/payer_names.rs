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

/// Civil titles: never a payer's name.
#[rustfmt::skip]
const TITLES: &[&str] = &[
    "M", "MR", "MM", "MME", "MMES", "MLLE", "MRS", "MS", "DR", "ME", "MONSIEUR", "MADAME",
    "MADEMOISELLE", "EPOUX",
];

/// Words of many firms' names: a payer's name only when it has no other.
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "FRANCE", "GROUPE", "GROUP", "SERVICES", "SERVICE", "TRANSPORTS", "TRANSPORT",
    "IMMOBILIER", "IMMOBILIERE", "HOLDING", "INTERNATIONAL", "CONSEIL", "CONSEILS",
    "CONSULTING", "SOLUTIONS", "ENTREPRISE", "ENTREPRISES", "COMPAGNIE", "ASSOCIATION",
    "INDUSTRIES", "DISTRIBUTION", "BATIMENT", "EUROPE", "PARIS", "SUD", "NORD", "EST", "OUEST",
];

/// The words of a name that tell payers apart, in order, titles aside; a
/// name made only of common words (`FRANCE SERVICES`) keeps them.
fn telling(name: &str) -> Vec<String> {
    let all: Vec<String> = crate::matching::payer::normalize_name(name)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let named: Vec<String> = all
        .into_iter()
        .filter(|w| !TITLES.contains(&w.as_str()))
        .collect();
    let kept: Vec<String> = named
        .iter()
        .filter(|w| !COMMON.contains(&w.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() { named } else { kept }
}

/// Both names, given and not placeholders, by their telling words (`None`
/// when either says nothing).
fn both(a: Option<&str>, b: Option<&str>) -> Option<(Vec<String>, Vec<String>)> {
    let known = |s| crate::statement::given_reference(s).map(telling);
    let (a, b) = (known(a)?, known(b)?);
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}

/// Characters a name must have for its last word to be taken as cut short
/// by a bank's field (`ALPHA CONSTRUCTIO`): a short name that is the start
/// of another (`MARTIN`, `MARTINEZ`) is another name.
const CUT_AT_LEAST: usize = 16;

/// Whether the shorter of two names is the other cut short: the same words
/// in order, its last one the start of the other's word there, itself long
/// enough to have met a field's end.
fn cut_short(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let Some((last, rest)) = short.split_last() else {
        return false;
    };
    let joined = short.join(" ");
    rest.iter().zip(long).all(|(x, y)| x == y)
        && long
            .get(rest.len())
            .is_some_and(|w| w.starts_with(last.as_str()))
        && (short == &long[..short.len()] || joined.chars().count() >= CUT_AT_LEAST)
}

/// Whether two names plainly name two payers: neither is the other cut
/// short, and they share no telling word (`J
/// DUPONT` and `JEAN DUPONT`, or a trade name beside the legal one, may be
/// one payer written otherwise: under one bank reference, not enough to
/// tell two payments apart).
pub(super) fn differ(a: Option<&str>, b: Option<&str>) -> bool {
    let Some((a, b)) = both(a, b) else {
        return false;
    };
    if cut_short(&a, &b) {
        return false;
    }
    let words = |w: &Vec<String>| -> BTreeSet<String> { w.iter().cloned().collect() };
    words(&a).is_disjoint(&words(&b))
}

/// Whether two names plainly name one payer: the same telling words, in any
/// order, or one the other cut short (a bank's 35-character field).
pub(super) fn same(a: Option<&str>, b: Option<&str>) -> bool {
    let Some((a, b)) = both(a, b) else {
        return false;
    };
    if cut_short(&a, &b) {
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
    fn a_name_that_starts_another_is_another_payer() {
        // Review 28 #3, #4.
        assert!(differ(Some("MARTIN"), Some("MARTINEZ SA")));
        assert!(!same(Some("DUPONT"), Some("DUPONTEL JEAN")));
        // Two names sharing a word are not plainly two payers (review 29
        // #2: `J DUPONT` and `JEAN DUPONT` split one payment in two).
        assert!(!differ(Some("JEAN DUPONT"), Some("JEAN MARTIN")));
        assert!(!differ(Some("J DUPONT"), Some("JEAN DUPONT")));
        assert!(!same(Some("JEAN DUPONT"), Some("JEAN MARTIN")));
        assert!(differ(Some("FRANCE SERVICES"), Some("ALPHA SARL")));
        assert!(same(Some("FRANCE SERVICES"), Some("SERVICES FRANCE")));
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
