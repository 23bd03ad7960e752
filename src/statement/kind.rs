//! Bank transaction codes as sent, and the small normalised [`TxKind`] that
//! later stages reason about.
//!
//! ISO codes are classified by family and sub-family (`formats.md` §1.7), CFONB
//! interbank operation codes by the table of `formats.md` §3.7. The sign of the
//! money always comes from the amount, never from the code: banks are not
//! consistent about families, so the code only classifies.

use serde::{Deserialize, Serialize};

/// What a transaction is, for matching, alerts and the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TxKind {
    /// A credit transfer received.
    CreditTransferIn,
    /// A credit transfer sent.
    CreditTransferOut,
    /// A direct debit we collected as creditor (credit).
    DirectDebitCollected,
    /// A direct debit we collected, returned or rejected (debit to us).
    DirectDebitReturned,
    /// A direct debit a supplier took from us.
    DirectDebitPaid,
    /// Card payment or card settlement.
    Card,
    /// Cheques we remitted (credit).
    ChequeRemitted,
    /// A remitted cheque that came back unpaid.
    ChequeUnpaid,
    /// A cheque we wrote, paid.
    ChequePaid,
    /// Bill of exchange (LCR) collected for us.
    BillCollected,
    /// A bill of exchange that came back unpaid.
    BillUnpaid,
    /// A bill of exchange we paid.
    BillPaid,
    /// Bank fees, commissions, interest, taxes.
    FeeOrInterest,
    /// Anything else.
    Other,
}

impl TxKind {
    /// Snake-case name used in every output.
    pub fn as_str(&self) -> &'static str {
        match self {
            TxKind::CreditTransferIn => "credit_transfer_in",
            TxKind::CreditTransferOut => "credit_transfer_out",
            TxKind::DirectDebitCollected => "direct_debit_collected",
            TxKind::DirectDebitReturned => "direct_debit_returned",
            TxKind::DirectDebitPaid => "direct_debit_paid",
            TxKind::Card => "card",
            TxKind::ChequeRemitted => "cheque_remitted",
            TxKind::ChequeUnpaid => "cheque_unpaid",
            TxKind::ChequePaid => "cheque_paid",
            TxKind::BillCollected => "bill_collected",
            TxKind::BillUnpaid => "bill_unpaid",
            TxKind::BillPaid => "bill_paid",
            TxKind::FeeOrInterest => "fee_or_interest",
            TxKind::Other => "other",
        }
    }

    /// Debits that undo money a customer paid us: returns, unpaid cheques and bills.
    pub fn is_receivable_debit(&self) -> bool {
        matches!(
            self,
            TxKind::DirectDebitReturned | TxKind::ChequeUnpaid | TxKind::BillUnpaid
        )
    }
}

/// A bank transaction code exactly as the bank sent it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BankCode {
    /// ISO `Domn/Cd`, `Fmly/Cd`, `SubFmlyCd`, with the proprietary code if also sent.
    Iso {
        /// Domain (`PMNT`).
        domain: String,
        /// Family (`RCDT`).
        family: String,
        /// Sub-family (`ESCT`).
        subfamily: String,
        /// Proprietary code sent alongside, if any.
        proprietary: Option<String>,
    },
    /// Only a proprietary code (`Prtry/Cd`).
    Proprietary {
        /// The code.
        code: String,
        /// Its issuer, if given.
        issuer: Option<String>,
    },
    /// CFONB interbank operation code (cols 33–34) and bank-internal code (cols 8–11).
    Cfonb {
        /// Interbank operation code (`05`, `A1`, `B3`…).
        interbank: String,
        /// Bank-internal operation code.
        internal: String,
    },
    /// No code at all.
    None,
}

impl BankCode {
    /// The code as one text for outputs: `PMNT/RCDT/ESCT`, `P:NTRF+166`, `B3`.
    pub fn raw(&self) -> String {
        match self {
            BankCode::Iso {
                domain,
                family,
                subfamily,
                ..
            } => format!("{domain}/{family}/{subfamily}"),
            BankCode::Proprietary { code, .. } => format!("P:{code}"),
            BankCode::Cfonb { interbank, .. } => interbank.clone(),
            BankCode::None => String::new(),
        }
    }

    /// Classifies the code. `debit` is the sign of the money; `reversal` the
    /// entry's reversal flag. Unknown codes give [`TxKind::Other`].
    pub fn kind(&self, debit: bool, reversal: bool) -> TxKind {
        match self {
            BankCode::Iso {
                family, subfamily, ..
            } => iso_kind(family, subfamily, debit, reversal),
            BankCode::Cfonb { interbank, .. } => cfonb_kind(interbank, debit),
            BankCode::Proprietary { .. } | BankCode::None => TxKind::Other,
        }
    }

    /// True when the code is one pointage knows how to classify.
    pub fn is_known(&self, debit: bool) -> bool {
        match self {
            BankCode::Iso { .. } | BankCode::Cfonb { .. } => {
                self.kind(debit, false) != TxKind::Other || self.is_known_other()
            }
            BankCode::Proprietary { .. } | BankCode::None => true,
        }
    }

    fn is_known_other(&self) -> bool {
        match self {
            BankCode::Cfonb { interbank, .. } => {
                matches!(
                    interbank.as_str(),
                    "04" | "12"
                        | "13"
                        | "14"
                        | "34"
                        | "91"
                        | "99"
                        | "A3"
                        | "A4"
                        | "A5"
                        | "A6"
                        | "B5"
                        | "B6"
                        | "C3"
                        | "C4"
                        | "C5"
                )
            }
            BankCode::Iso { domain, .. } => !domain.is_empty(),
            _ => false,
        }
    }
}

fn iso_kind(family: &str, subfamily: &str, debit: bool, reversal: bool) -> TxKind {
    // Return/reversal sub-families first: banks file them under several families.
    match subfamily {
        "UPDD" | "PRDD" | "RCDD" if debit => return TxKind::DirectDebitReturned,
        "UPCQ" | "CQRV" if debit => return TxKind::ChequeUnpaid,
        "CHRG" | "FEES" | "COMM" | "INTR" | "COME" | "COMI" | "TAXE" | "ADJT" => {
            return TxKind::FeeOrInterest;
        }
        _ => {}
    }
    match family {
        "RCDT" | "RRCT" => {
            if debit {
                TxKind::Other
            } else {
                TxKind::CreditTransferIn
            }
        }
        "ICDT" | "IRCT" => {
            if debit {
                TxKind::CreditTransferOut
            } else {
                // RRTN / RPCR: our transfer came back.
                TxKind::Other
            }
        }
        // Money out is a collection going back (a return, or our collection
        // reversed); money in is a collection, even when it reverses a
        // return booked in error.
        "IDDT" => {
            if debit {
                TxKind::DirectDebitReturned
            } else {
                TxKind::DirectDebitCollected
            }
        }
        "RDDT" => {
            if debit {
                TxKind::DirectDebitPaid
            } else {
                TxKind::Other
            }
        }
        "RCHQ" => {
            if debit {
                TxKind::ChequeUnpaid
            } else {
                TxKind::ChequeRemitted
            }
        }
        "ICHQ" => {
            if debit {
                TxKind::ChequePaid
            } else {
                TxKind::Other
            }
        }
        "CCRD" | "MCRD" | "OTHR" if subfamily.starts_with("POS") || subfamily == "CWDL" => {
            TxKind::Card
        }
        "CCRD" | "MCRD" => TxKind::Card,
        "DRFT" => {
            if debit {
                if subfamily == "UDFT" || reversal {
                    TxKind::BillUnpaid
                } else {
                    TxKind::BillPaid
                }
            } else {
                TxKind::BillCollected
            }
        }
        "MCOP" | "MDOP" | "ADOP" if subfamily == "INTR" => TxKind::FeeOrInterest,
        _ => TxKind::Other,
    }
}

fn cfonb_kind(code: &str, _debit: bool) -> TxKind {
    match code {
        "05" | "18" | "39" | "45" | "78" | "C2" => TxKind::CreditTransferIn,
        "06" | "21" | "44" | "79" | "C1" => TxKind::CreditTransferOut,
        "A1" | "A2" | "09" | "25" | "24" => TxKind::DirectDebitCollected,
        "B3" | "B4" | "10" | "27" | "26" => TxKind::DirectDebitReturned,
        "B1" | "B2" | "08" | "23" | "22" => TxKind::DirectDebitPaid,
        "11" | "28" | "29" | "30" | "36" | "38" => TxKind::Card,
        "02" | "15" => TxKind::ChequeRemitted,
        "03" => TxKind::ChequeUnpaid,
        "01" => TxKind::ChequePaid,
        "31" | "32" | "35" | "37" => TxKind::BillCollected,
        "33" => TxKind::BillUnpaid,
        "07" => TxKind::BillPaid,
        "61" | "62" | "64" | "65" | "66" | "67" | "70" | "88" => TxKind::FeeOrInterest,
        _ => TxKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(f: &str, s: &str) -> BankCode {
        BankCode::Iso {
            domain: "PMNT".into(),
            family: f.into(),
            subfamily: s.into(),
            proprietary: None,
        }
    }

    fn cfonb(c: &str) -> BankCode {
        BankCode::Cfonb {
            interbank: c.into(),
            internal: String::new(),
        }
    }

    #[test]
    fn iso_codes_classify_by_family_and_sign() {
        let table = [
            ("RCDT", "ESCT", false, false, TxKind::CreditTransferIn),
            ("ICDT", "ESCT", true, false, TxKind::CreditTransferOut),
            ("IDDT", "ESDD", false, false, TxKind::DirectDebitCollected),
            ("IDDT", "UPDD", true, true, TxKind::DirectDebitReturned),
            ("RDDT", "UPDD", true, false, TxKind::DirectDebitReturned),
            ("IDDT", "PRDD", true, false, TxKind::DirectDebitReturned),
            ("RDDT", "ESDD", true, false, TxKind::DirectDebitPaid),
            ("RCHQ", "CCHQ", false, false, TxKind::ChequeRemitted),
            ("RCHQ", "UPCQ", true, false, TxKind::ChequeUnpaid),
            ("MDOP", "CHRG", true, false, TxKind::FeeOrInterest),
            ("MCOP", "INTR", false, false, TxKind::FeeOrInterest),
            ("CCRD", "POSD", true, false, TxKind::Card),
            ("XXXX", "YYYY", false, false, TxKind::Other),
        ];
        for (f, s, debit, rev, want) in table {
            assert_eq!(iso(f, s).kind(debit, rev), want, "{f}/{s}");
        }
    }

    #[test]
    fn cfonb_codes_classify() {
        assert_eq!(cfonb("05").kind(false, false), TxKind::CreditTransferIn);
        assert_eq!(cfonb("A1").kind(false, false), TxKind::DirectDebitCollected);
        assert_eq!(cfonb("B3").kind(true, false), TxKind::DirectDebitReturned);
        assert_eq!(cfonb("B1").kind(true, false), TxKind::DirectDebitPaid);
        assert_eq!(cfonb("62").kind(true, false), TxKind::FeeOrInterest);
        assert_eq!(cfonb("ZZ").kind(true, false), TxKind::Other);
        assert!(!cfonb("ZZ").is_known(true));
        assert!(cfonb("A3").is_known(false));
    }

    #[test]
    fn a_reversed_return_is_a_collection_again() {
        let code = iso("IDDT", "UPDD");
        assert_eq!(code.kind(false, true), TxKind::DirectDebitCollected);
        assert_eq!(code.kind(true, true), TxKind::DirectDebitReturned);
        assert_eq!(code.kind(true, false), TxKind::DirectDebitReturned);
    }
}
