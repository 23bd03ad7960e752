//! Record 05 (complement): the qualifier of cols 46-48 and the 70 characters
//! of cols 49-118, kept raw in [`Transaction::complements`] and mapped to the
//! model where the meaning is clear:
//!
//! | qualifier | mapped to |
//! |---|---|
//! | `LIB`, `LCC`, `LC2`, blank | a remittance line (pre-2010 files put label continuations under `LIB` or no qualifier); on a return or unpaid whose 04 gives no reason (cols 41-42 blank or `00`), an ISO reason code opening it (`MD06 CONTESTATION`) is its `return_reason` |
//! | `NPY` (payer name) | `counterparty.name` when the counterparty is the payer |
//! | `NBE` (beneficiary name) | `counterparty.name` when the counterparty is the beneficiary |
//! | `CPY` (payer account, 49-83) | `counterparty.iban` when the counterparty is the payer |
//! | `CBE` (beneficiary account, 49-83) | `counterparty.iban` when the counterparty is the beneficiary |
//! | `LCS` (creditor reference, 49-83) | a `creditor_refs` item, kind `SCOR` when a valid RF reference, else empty |
//! | `RCN` (end-to-end id 49-83, purpose 84-118) | `end_to_end_id` (`NOTPROVIDED` dropped) |
//! | `REF` (49-83, 84-118) | `payment_info_id`, `instruction_id` |
//! | `RUM` (mandate 49-83, sequence type 84-87) | `mandate_id` |
//! | `NPO` (ultimate debtor name) | `ultimate_debtor` |
//! | others (`IPY`, `IBE`, `NBU`, `MMO`, `FEE`, unknown, malformed) | kept raw only |
//!
//! The counterparty is the payer for credits and for debits that undo a
//! customer's payment (SDD returns B3/B4 and other unpaids: the customer is
//! the debtor of the original collection); otherwise it is the beneficiary.
//! When a qualifier occurs twice, the first mapped value wins (raw keeps both).

use crate::formats::ibans::IbanChecks;
use crate::formats::text::{trim, trim_end};
use crate::refs;
use crate::statement::{CreditorRef, ReturnReason, Transaction};

/// Applies one complement to the transaction of the preceding 04. `info` is
/// cols 49-118. Returns a message when an account in it is an invalid IBAN.
pub fn apply(
    tx: &mut Transaction,
    qualifier: &str,
    info: &str,
    counterparty_is_payer: bool,
) -> Option<String> {
    apply_checked(tx, qualifier, info, counterparty_is_payer, None)
}

/// [`apply`], with the IBAN checks of the file being read remembered in
/// `ibans` (the same payers come back all through a file).
pub(crate) fn apply_checked(
    tx: &mut Transaction,
    qualifier: &str,
    info: &str,
    counterparty_is_payer: bool,
    ibans: Option<&mut IbanChecks>,
) -> Option<String> {
    let qualifier = trim_end(qualifier);
    let info = trim_end(info);
    let (first, second) = split35(info);
    let mut warning = None;
    match qualifier {
        "LIB" | "LCC" | "LC2" | "" => {
            let t = trim(info);
            if !t.is_empty() {
                tx.remittance.push(t.to_string());
            }
            // A return or unpaid (a debit whose counterparty is the payer)
            // the 04 gave no reason for: banks often state it here, as camt
            // would in `RtrInf` (review 38 banks F5).
            if counterparty_is_payer && tx.amount.is_negative() && tx.return_reason.is_none() {
                tx.return_reason = iso_return_reason(t);
            }
        }
        "NPY" if counterparty_is_payer => set(&mut tx.counterparty.name, info),
        "NBE" if !counterparty_is_payer => set(&mut tx.counterparty.name, info),
        "CPY" if counterparty_is_payer => warning = set_account(tx, first, ibans),
        "CBE" if !counterparty_is_payer => warning = set_account(tx, first, ibans),
        "LCS" => {
            let reference = trim(first);
            if !reference.is_empty() {
                let kind = if refs::is_valid_rf(reference) {
                    "SCOR"
                } else {
                    ""
                };
                tx.creditor_refs.push(CreditorRef {
                    kind: kind.to_string(),
                    reference: reference.to_string(),
                });
            }
        }
        "RCN" => {
            let e2e = trim(first);
            if !e2e.eq_ignore_ascii_case("NOTPROVIDED") {
                set(&mut tx.end_to_end_id, e2e);
            }
        }
        "REF" => {
            set(&mut tx.payment_info_id, first);
            set(&mut tx.instruction_id, second);
        }
        "RUM" => set(&mut tx.mandate_id, first),
        "NPO" => set(&mut tx.ultimate_debtor, info),
        _ => {}
    }
    tx.complements
        .push((qualifier.to_string(), info.to_string()));
    warning
}

/// The ISO return reason (`formats.md` §2: `AM04`, `MD06`…) a text opens
/// with, as a word of its own (`MD06 CONTESTATION DEBITEUR`, `AM04:`), and
/// the rest as its text; `None` for any other text (`AM041`, `MERCI`).
pub(crate) fn iso_return_reason(text: &str) -> Option<ReturnReason> {
    let t = text.trim_start();
    let code = t.get(..4)?.to_ascii_uppercase();
    let rest = t.get(4..)?;
    if rest.chars().next().is_some_and(char::is_alphanumeric)
        || crate::returns::reason(&code).code != code
    {
        return None;
    }
    let rest = rest
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end();
    Some(ReturnReason {
        code,
        text: (!rest.is_empty()).then(|| rest.to_string()),
    })
}

/// Columns 49-83 and 84-118 of the record: the first 35 characters of `info`
/// and the rest.
pub fn split35(info: &str) -> (&str, &str) {
    if info.is_ascii() {
        return info.split_at(35.min(info.len()));
    }
    let at = info.char_indices().nth(35).map_or(info.len(), |(i, _)| i);
    info.split_at(at)
}

fn set(slot: &mut Option<String>, value: &str) {
    if slot.is_some() {
        return;
    }
    let v = trim(value);
    if slot.is_none() && !v.is_empty() {
        *slot = Some(v.to_string());
    }
}

fn set_account(
    tx: &mut Transaction,
    value: &str,
    ibans: Option<&mut IbanChecks>,
) -> Option<String> {
    if tx.counterparty.iban.is_some() {
        return None;
    }
    let account = refs::normalize_iban(value);
    if account.is_empty() {
        return None;
    }
    let looks_like_iban = account.len() > 4
        && account.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic)
        && account.as_bytes()[2..4].iter().all(u8::is_ascii_digit);
    let valid = |iban: &str| match ibans {
        Some(checks) => checks.is_valid(iban),
        None => refs::is_valid_iban(iban),
    };
    let warning = (looks_like_iban && !valid(&account))
        .then(|| format!("counterparty account {account} is not a valid IBAN"));
    tx.counterparty.iban = Some(account);
    warning
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(a: &str, b: &str) -> String {
        format!("{a:<35}{b:<35}")
    }

    #[test]
    fn qualifiers_map_by_side() {
        let mut credit = Transaction::default();
        apply(&mut credit, "NPY", "SARL DUPONT", true);
        apply(&mut credit, "NBE", "ACME SAS", true);
        apply(&mut credit, "LIB", "FACT F-2026-0042 ", true);
        apply(&mut credit, "LCS", &info("RF18 5390 0754 7034", ""), true);
        apply(&mut credit, "LCS", &info("4654654654654654", ""), true);
        apply(&mut credit, "RCN", &info("E2E-42", "SUPP"), true);
        apply(
            &mut credit,
            "CPY",
            &info("FR76 3000 1007 9412 3456 7890 185", ""),
            true,
        );
        assert_eq!(credit.counterparty.name.as_deref(), Some("SARL DUPONT"));
        assert_eq!(
            credit.counterparty.iban.as_deref(),
            Some("FR7630001007941234567890185")
        );
        assert_eq!(credit.remittance, ["FACT F-2026-0042"]);
        assert_eq!(credit.creditor_refs[0].kind, "SCOR");
        assert_eq!(credit.creditor_refs[1].kind, "");
        assert_eq!(credit.end_to_end_id.as_deref(), Some("E2E-42"));
        assert_eq!(credit.complements.len(), 7);
        assert_eq!(credit.complements[1], ("NBE".into(), "ACME SAS".into()));

        let mut debit = Transaction::default();
        apply(&mut debit, "NPY", "ACME SAS", false);
        apply(&mut debit, "NBE", "EDF", false);
        apply(&mut debit, "REF", &info("PMT-1", "INSTR-1"), false);
        apply(&mut debit, "RUM", &info("UMR-0001", "RCUR"), false);
        apply(&mut debit, "RCN", &info("NOTPROVIDED", ""), false);
        assert_eq!(debit.counterparty.name.as_deref(), Some("EDF"));
        assert_eq!(debit.payment_info_id.as_deref(), Some("PMT-1"));
        assert_eq!(debit.instruction_id.as_deref(), Some("INSTR-1"));
        assert_eq!(debit.mandate_id.as_deref(), Some("UMR-0001"));
        assert_eq!(debit.end_to_end_id, None);
    }

    #[test]
    fn a_returns_iso_reason_in_its_label_is_read_when_the_04_gives_none() {
        // Review 38 banks F5: MD06 stated in the 05, cols 41-42 blank: the
        // contested debit was an "unknown reason" unpaid.
        let returned = || Transaction {
            amount: crate::money::Money::from_scaled(-5000, 2).unwrap(),
            ..Transaction::default()
        };
        let mut t = returned();
        apply(&mut t, "LIB", "MD06 CONTESTATION DEBITEUR", true);
        let r = t.return_reason.unwrap();
        assert_eq!(r.code, "MD06");
        assert_eq!(r.text.as_deref(), Some("CONTESTATION DEBITEUR"));
        for (q, text, code) in [
            ("LCC", "am04: provision insuffisante", "AM04"),
            ("", "AC04", "AC04"),
        ] {
            let mut t = returned();
            apply(&mut t, q, text, true);
            assert_eq!(
                t.return_reason.map(|r| r.code).as_deref(),
                Some(code),
                "{text}"
            );
        }
        // The look-alikes: no code word, another qualifier, a reason the 04
        // gave already, a credit or a debit of ours quoting such a word.
        for (q, text, payer) in [
            ("LIB", "MD061 REF", true),
            ("LIB", "MERCI MD06", true),
            ("LIB", "ZZ99 X", true),
            ("NPY", "MD06 SARL", true),
            ("LIB", "MD06 X", false),
        ] {
            let mut t = returned();
            apply(&mut t, q, text, payer);
            assert_eq!(t.return_reason, None, "{q} {text}");
        }
        let mut t = returned();
        t.return_reason = Some(ReturnReason {
            code: "65".into(),
            text: None,
        });
        apply(&mut t, "LIB", "MD06 X", true);
        assert_eq!(t.return_reason.unwrap().code, "65");
        let mut credit = Transaction::default();
        apply(&mut credit, "LIB", "AM04 FACT F45", true);
        assert_eq!(credit.return_reason, None);
    }

    #[test]
    fn a_bad_iban_is_kept_and_reported() {
        let mut t = Transaction::default();
        let w = apply(&mut t, "CPY", "FR7630001007941234567890186", true);
        assert!(w.unwrap().contains("not a valid IBAN"));
        assert_eq!(
            t.counterparty.iban.as_deref(),
            Some("FR7630001007941234567890186")
        );
    }

    #[test]
    fn split_counts_characters() {
        let s = format!("{:<35}{}", "É", "x");
        assert_eq!(split35(&s), (format!("{:<35}", "É").as_str(), "x"));
    }
}
