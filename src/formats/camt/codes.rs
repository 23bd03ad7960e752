//! Bank transaction codes (`BkTxCd`): collecting `Domn/Cd`, `Domn/Fmly/Cd`,
//! `Domn/Fmly/SubFmlyCd` and `Prtry/Cd` + `Prtry/Issr` into a [`BankCode`], and
//! deciding whether pointage knows an ISO code (unknown ones become an
//! `UnknownCode` finding; the entry is still read).

use super::tag::Tag;
use crate::statement::BankCode;

/// The pieces of one `BkTxCd` as they are read.
#[derive(Debug, Default, Clone)]
pub(super) struct CodeParts {
    pub domain: Option<String>,
    pub family: Option<String>,
    pub subfamily: Option<String>,
    pub proprietary: Option<String>,
    pub issuer: Option<String>,
}

impl CodeParts {
    /// True when nothing was sent.
    pub(super) fn is_empty(&self) -> bool {
        self.domain.is_none()
            && self.family.is_none()
            && self.subfamily.is_none()
            && self.proprietary.is_none()
    }

    /// The code: ISO when a domain was sent, else proprietary, else none.
    pub(super) fn build(self) -> BankCode {
        match (self.domain, self.proprietary) {
            (Some(domain), proprietary) => BankCode::Iso {
                domain,
                family: self.family.unwrap_or_default(),
                subfamily: self.subfamily.unwrap_or_default(),
                proprietary,
            },
            (None, Some(code)) => BankCode::Proprietary {
                code,
                issuer: self.issuer,
            },
            (None, None) => BankCode::None,
        }
    }
}

/// ISO 20022 bank transaction domains.
const DOMAINS: &[&str] = &[
    "ACMT", "CAMT", "CMDT", "DERV", "FORX", "LDAS", "PMET", "PMNT", "SECU", "TRAD", "XTND",
];

/// Families of the PMNT and ACMT domains (ExternalBankTransactionFamily1Code).
const FAMILIES: &[&str] = &[
    "ACOP", "ADOP", "CAPL", "CASH", "CCRD", "CNTR", "DCCT", "DRFT", "ICCN", "ICDT", "ICHQ", "IDDT",
    "IRCT", "LBOX", "LFUT", "LOCT", "MCOP", "MCRD", "MDOP", "NTAV", "OPCL", "OTHR", "RCCN", "RCDT",
    "RCHQ", "RDDT", "RRCT",
];

/// True when the code is one pointage can read: a proprietary code (no list to
/// check it against), or an ISO code with a known domain and, for PMNT/ACMT, a
/// known family.
pub(super) fn is_known(code: &BankCode) -> bool {
    match code {
        BankCode::Iso { domain, family, .. } => {
            DOMAINS.contains(&domain.as_str())
                && (!matches!(domain.as_str(), "PMNT" | "ACMT")
                    || FAMILIES.contains(&family.as_str()))
        }
        _ => true,
    }
}

/// One leaf under `BkTxCd` (`rest` below it) into its piece.
pub(super) fn code_part(code: &mut CodeParts, rest: &[Tag], text: &str) {
    use Tag as T;
    let v = super::values::clean(text);
    match rest {
        [T::Domn, T::Cd] => code.domain = v,
        [T::Domn, T::Fmly, T::Cd] => code.family = v,
        [T::Domn, T::Fmly, T::SubFmlyCd] => code.subfamily = v,
        [T::Prtry, T::Cd] => code.proprietary = v,
        [T::Prtry, T::Issr] => code.issuer = v,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_judges_codes() {
        let iso = CodeParts {
            domain: Some("PMNT".into()),
            family: Some("IDDT".into()),
            subfamily: Some("UPDD".into()),
            ..Default::default()
        }
        .build();
        assert_eq!(iso.raw(), "PMNT/IDDT/UPDD");
        assert!(is_known(&iso));
        let odd = CodeParts {
            domain: Some("PAYM".into()),
            family: Some("0001".into()),
            subfamily: Some("0005".into()),
            ..Default::default()
        }
        .build();
        assert!(!is_known(&odd));
        let p = CodeParts {
            proprietary: Some("NTRF+166".into()),
            ..Default::default()
        }
        .build();
        assert_eq!(p.raw(), "P:NTRF+166");
        assert!(CodeParts::default().is_empty());
    }
}
