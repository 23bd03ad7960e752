//! SEPA R-transaction reason codes (ISO ExternalReturnReason1Code, EPC rulebook)
//! and the CFONB numeric reject codes: what each means in words, and the
//! category that decides the collection team's path (`formats.md` §2).
//!
//! A leaf table: used by alerts (wording) and dunning (which path to take).

use serde::Serialize;

/// What a return means for collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ReturnCategory {
    /// Insufficient funds or unspecified bank reason: call and write, may re-present.
    InsufficientFunds,
    /// The debtor refused or disputed the debit: the invoice becomes disputed.
    Disputed,
    /// Account closed, wrong account, no or revoked mandate: new details needed.
    AccountOrMandate,
    /// The debtor died: alert only, nobody is called.
    Deceased,
    /// A technical or data problem on our side: fix and re-present.
    Technical,
    /// Unknown or narrative reason: a person reads it.
    Unknown,
}

impl ReturnCategory {
    /// Snake-case name for outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            ReturnCategory::InsufficientFunds => "insufficient_funds",
            ReturnCategory::Disputed => "disputed",
            ReturnCategory::AccountOrMandate => "account_or_mandate",
            ReturnCategory::Deceased => "deceased",
            ReturnCategory::Technical => "technical",
            ReturnCategory::Unknown => "unknown",
        }
    }
}

/// A reason code with its category and wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReturnReasonInfo {
    /// The code (`AM04`).
    pub code: &'static str,
    /// Category.
    pub category: ReturnCategory,
    /// English wording.
    pub en: &'static str,
    /// French wording.
    pub fr: &'static str,
}

const fn r(
    code: &'static str,
    category: ReturnCategory,
    en: &'static str,
    fr: &'static str,
) -> ReturnReasonInfo {
    ReturnReasonInfo {
        code,
        category,
        en,
        fr,
    }
}

use ReturnCategory::{AccountOrMandate, Deceased, Disputed, InsufficientFunds, Technical};

/// ISO codes, sorted by code.
const ISO: &[ReturnReasonInfo] = &[
    r(
        "AC01",
        AccountOrMandate,
        "incorrect account number",
        "numéro de compte incorrect",
    ),
    r("AC04", AccountOrMandate, "account closed", "compte clôturé"),
    r("AC06", AccountOrMandate, "account blocked", "compte bloqué"),
    r(
        "AC13",
        AccountOrMandate,
        "debtor account is a consumer account",
        "compte du débiteur est un compte de particulier",
    ),
    r(
        "AG01",
        AccountOrMandate,
        "transaction forbidden on this account",
        "opération interdite sur ce compte",
    ),
    r(
        "AG02",
        Technical,
        "invalid operation code",
        "code opération invalide",
    ),
    r(
        "AM04",
        InsufficientFunds,
        "insufficient funds",
        "provision insuffisante",
    ),
    r(
        "AM05",
        Technical,
        "duplicate collection",
        "prélèvement en double",
    ),
    r(
        "BE05",
        Technical,
        "creditor identifier unknown",
        "identifiant créancier inconnu",
    ),
    r(
        "CNOR",
        Technical,
        "creditor bank not reachable",
        "banque du créancier non joignable",
    ),
    r(
        "DNOR",
        AccountOrMandate,
        "debtor bank not reachable",
        "banque du débiteur non joignable",
    ),
    r(
        "FF01",
        Technical,
        "invalid file format",
        "format de fichier invalide",
    ),
    r(
        "FF05",
        Technical,
        "invalid local instrument",
        "type de prélèvement invalide",
    ),
    r(
        "FOCR",
        Technical,
        "return after a cancellation request",
        "retour suite à demande d'annulation",
    ),
    r(
        "MD01",
        AccountOrMandate,
        "no valid mandate",
        "absence de mandat valide",
    ),
    r(
        "MD02",
        Technical,
        "mandate data missing or incorrect",
        "données du mandat incorrectes",
    ),
    r(
        "MD06",
        Disputed,
        "refund requested by the debtor",
        "remboursement demandé par le débiteur",
    ),
    r("MD07", Deceased, "debtor deceased", "débiteur décédé"),
    r(
        "MS02",
        Disputed,
        "refused by the debtor",
        "refusé par le débiteur",
    ),
    r(
        "MS03",
        InsufficientFunds,
        "reason not specified by the bank",
        "motif non communiqué par la banque",
    ),
    r(
        "NARR",
        ReturnCategory::Unknown,
        "see the bank's text",
        "voir le texte de la banque",
    ),
    r(
        "RC01",
        Technical,
        "incorrect bank identifier (BIC)",
        "BIC incorrect",
    ),
    r(
        "RR01",
        Technical,
        "missing debtor account or identification",
        "compte ou identification du débiteur manquant",
    ),
    r(
        "RR02",
        Technical,
        "missing debtor name or address",
        "nom ou adresse du débiteur manquant",
    ),
    r(
        "RR03",
        Technical,
        "missing creditor name or address",
        "nom ou adresse du créancier manquant",
    ),
    r(
        "RR04",
        AccountOrMandate,
        "regulatory reason",
        "motif réglementaire",
    ),
    r(
        "SL01",
        AccountOrMandate,
        "blocked by the debtor's bank service",
        "bloqué par un service de la banque du débiteur",
    ),
];

/// Looks up a reason code. ISO codes are upper-cased; CFONB numeric reject
/// codes are mapped to their ISO meaning where the CFONB 2010 document says so
/// (64 duplicate, 65 return on request, 66 mandate data); other numeric codes
/// and unknown codes give an `Unknown` entry.
pub fn reason(code: &str) -> ReturnReasonInfo {
    let c = code.trim().to_ascii_uppercase();
    if let Ok(i) = ISO.binary_search_by(|r| r.code.cmp(c.as_str())) {
        return ISO[i];
    }
    match c.as_str() {
        "64" => r(
            "64",
            Technical,
            "duplicate collection",
            "prélèvement en double",
        ),
        "65" => r(
            "65",
            Disputed,
            "returned at the debtor's request",
            "retour à la demande du débiteur",
        ),
        "66" => r(
            "66",
            Technical,
            "mandate data incorrect",
            "données du mandat incorrectes",
        ),
        _ => r(
            "",
            ReturnCategory::Unknown,
            "unknown reason",
            "motif inconnu",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(ISO.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn categories_follow_the_collection_paths() {
        assert_eq!(reason("AM04").category, InsufficientFunds);
        assert_eq!(reason("ms03").category, InsufficientFunds);
        assert_eq!(reason("MS02").category, Disputed);
        assert_eq!(reason("MD06").category, Disputed);
        assert_eq!(reason("AC04").category, AccountOrMandate);
        assert_eq!(reason("MD01").category, AccountOrMandate);
        assert_eq!(reason("AC01").category, AccountOrMandate);
        assert_eq!(reason("MD07").category, Deceased);
        assert_eq!(reason("ZZ99").category, ReturnCategory::Unknown);
        assert_eq!(reason("AM04").fr, "provision insuffisante");
    }
}
