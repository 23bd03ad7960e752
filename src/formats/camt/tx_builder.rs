//! One `TxDtls` being read: its leaf values by path below `TxDtls`
//! (absorbing the version differences: `Dbtr/Nm` or `Dbtr/Pty/Nm`, `BIC` or
//! `BICFI`, `TxDtls/Amt` or `AmtDtls/…/Amt`), kept until its entry is
//! finished ([`super::entry`]) and turns it into a [`Transaction`] with the
//! amount the entry's reading gives it.

use super::charges::Charges;
use super::codes::{self, CodeParts};
use super::entry::{Amount, Expected, Note};
use super::leaf_amount::ReadAmount;
use super::tag::Tag;
use super::values;
use crate::money::{Currency, Money};
use crate::statement::{
    BankCode, CreditorRef, FindingKind, Location, Party, ReturnReason, Transaction,
};

#[derive(Debug, Default)]
struct Side {
    name: Option<String>,
    account: Option<String>,
    bic: Option<String>,
}

/// One `TxDtls` being read.
#[derive(Debug, Default)]
pub(super) struct TxBuilder {
    pub(super) location: Location,
    amt: Option<Amount>,
    tx_amt: Option<Amount>,
    cntr_amt: Option<Amount>,
    instd_amt: Option<Amount>,
    pub(super) debit: Option<bool>,
    bank_ref: Option<String>,
    pub(super) end_to_end_id: Option<String>,
    mandate_id: Option<String>,
    instruction_id: Option<String>,
    transaction_id: Option<String>,
    payment_info_id: Option<String>,
    debtor: Side,
    creditor: Side,
    ultimate_debtor: Option<String>,
    pub(super) remittance: Vec<String>,
    pub(super) creditor_refs: Vec<CreditorRef>,
    cref_kind: Option<String>,
    cref_ref: Option<String>,
    pub(super) document_numbers: Vec<String>,
    pub(super) return_code: Option<String>,
    return_text: Vec<String>,
    pub(super) additional_info: Option<String>,
    code: CodeParts,
    pub(super) charges: Charges,
}

impl TxBuilder {
    pub(super) fn new(location: Location) -> Self {
        TxBuilder {
            location,
            ..Default::default()
        }
    }

    /// A leaf under `TxDtls`; `rel` starts below `TxDtls`.
    pub(super) fn text(
        &mut self,
        rel: &[Tag],
        text: &str,
        amount: &mut dyn ReadAmount,
    ) -> Result<(), Expected> {
        use Tag as T;
        match rel {
            [T::Refs, leaf] => {
                let v = values::reference(text);
                match leaf {
                    T::AcctSvcrRef => self.bank_ref = v,
                    T::EndToEndId => self.end_to_end_id = v,
                    T::MndtId => self.mandate_id = v,
                    T::InstrId => self.instruction_id = v,
                    T::TxId => self.transaction_id = v,
                    T::PmtInfId => self.payment_info_id = v,
                    _ => {}
                }
            }
            [T::Amt] => self.amt = amount.get(),
            [T::AmtDtls, T::TxAmt, T::Amt] => self.tx_amt = amount.get(),
            [T::AmtDtls, T::CntrValAmt, T::Amt] => self.cntr_amt = amount.get(),
            [T::AmtDtls, T::InstdAmt, T::Amt] => self.instd_amt = amount.get(),
            [T::Chrgs, rest @ ..] => self.charges.text(rest, text, amount),
            [T::CdtDbtInd] => self.debit = Some(values::is_debit(text).ok_or("CRDT or DBIT")?),
            [T::BkTxCd, rest @ ..] => codes::code_part(&mut self.code, rest, text),
            [T::RltdPties, party, rest @ ..] => {
                let v = values::clean(text);
                match (party, rest) {
                    (T::Dbtr, [T::Nm] | [T::Pty, T::Nm]) => self.debtor.name = v,
                    (T::Cdtr, [T::Nm] | [T::Pty, T::Nm]) => self.creditor.name = v,
                    (T::UltmtDbtr, [T::Nm] | [T::Pty, T::Nm]) => self.ultimate_debtor = v,
                    (T::DbtrAcct, [T::Id, T::IBAN]) => {
                        self.debtor.account = v.map(values::iban);
                    }
                    (T::CdtrAcct, [T::Id, T::IBAN]) => {
                        self.creditor.account = v.map(values::iban);
                    }
                    (T::DbtrAcct, [T::Id, T::Othr, T::Id]) if self.debtor.account.is_none() => {
                        self.debtor.account = v;
                    }
                    (T::CdtrAcct, [T::Id, T::Othr, T::Id]) if self.creditor.account.is_none() => {
                        self.creditor.account = v;
                    }
                    _ => {}
                }
            }
            [T::RltdAgts, agent, T::FinInstnId, T::BIC | T::BICFI] => match agent {
                T::DbtrAgt => self.debtor.bic = values::clean(text),
                T::CdtrAgt => self.creditor.bic = values::clean(text),
                _ => {}
            },
            [T::RmtInf, T::Ustrd] => self.remittance.extend(values::clean(text)),
            [T::RmtInf, T::Strd, T::CdtrRefInf, T::Ref] => self.cref_ref = values::clean(text),
            [
                T::RmtInf,
                T::Strd,
                T::CdtrRefInf,
                T::Tp,
                T::CdOrPrtry,
                T::Cd | T::Prtry,
            ] => {
                self.cref_kind = values::clean(text);
            }
            // The free text of a structured remittance (Swiss QR-bill
            // messages, several banks' additional remittance information):
            // read as a remittance line.
            [T::RmtInf, T::Strd, T::AddtlRmtInf] => self.remittance.extend(values::clean(text)),
            [T::RmtInf, T::Strd, T::RfrdDocInf, T::Nb] => {
                self.document_numbers.extend(values::clean(text));
            }
            [T::RtrInf, T::Rsn, T::Cd | T::Prtry] => self.return_code = values::clean(text),
            [T::RtrInf, T::AddtlInf] => self.return_text.extend(values::clean(text)),
            [T::AddtlTxInf] => self.additional_info = values::clean(text),
            _ => {}
        }
        Ok(())
    }

    /// A `CdtrRefInf` closed: keep its reference with its type.
    pub(super) fn close_creditor_ref(&mut self) {
        let kind = self.cref_kind.take().unwrap_or_default();
        if let Some(reference) = self.cref_ref.take() {
            self.creditor_refs.push(CreditorRef { kind, reference });
        }
    }

    /// The first amount in the entry's currency: `Amt`, `TxAmt`, `CntrValAmt`, `InstdAmt`.
    pub(super) fn usable_amount(&self, ccy: Currency) -> Option<Money> {
        [self.amt, self.tx_amt, self.cntr_amt, self.instd_amt]
            .into_iter()
            .flatten()
            .find(|a| a.ccy.is_none_or(|c| c == ccy))
            .map(|a| a.value)
    }

    /// The transaction this detail is, with `amount` (signed as booked);
    /// `original_credit` reads its parties as the original payment's,
    /// `entry_debit` is the entry's direction, and a batch's `PmtInfId`
    /// stands for a detail without one.
    pub(super) fn into_transaction(
        self,
        amount: Money,
        (original_credit, entry_debit): (bool, bool),
        entry_code: &BankCode,
        batch_payment_info_id: Option<&str>,
        notes: &mut Vec<Note>,
    ) -> Transaction {
        let tx = self;
        // A TxDtls that states its own direction against the entry's (a credit
        // line inside a debit batch) keeps the same reading of the parties.
        let own_credit = match tx.debit {
            Some(d) if d != entry_debit => !original_credit,
            _ => original_credit,
        };
        let (primary, other) = if own_credit {
            (tx.debtor, tx.creditor)
        } else {
            (tx.creditor, tx.debtor)
        };
        let side = if primary.name.is_none() && primary.account.is_none() {
            other
        } else {
            primary
        };
        let code = if tx.code.is_empty() {
            None
        } else {
            let c = tx.code.build();
            if !codes::is_known(&c) {
                notes.push((
                    FindingKind::UnknownCode,
                    tx.location.clone(),
                    format!("unknown bank transaction code {}", c.raw()),
                ));
            }
            Some(c)
        };
        let return_reason = tx.return_code.map(|code| ReturnReason {
            code,
            text: (!tx.return_text.is_empty()).then(|| tx.return_text.join(" ")),
        });
        Transaction {
            entry_id: String::new(),
            amount,
            bank_ref: tx.bank_ref,
            end_to_end_id: tx.end_to_end_id,
            mandate_id: tx.mandate_id,
            instruction_id: tx.instruction_id,
            transaction_id: tx.transaction_id,
            payment_info_id: tx
                .payment_info_id
                .or_else(|| batch_payment_info_id.map(str::to_string)),
            counterparty: Party {
                name: side.name,
                iban: side.account,
                bic: side.bic,
            },
            ultimate_debtor: tx.ultimate_debtor,
            remittance: tx.remittance,
            creditor_refs: tx.creditor_refs,
            document_numbers: tx.document_numbers,
            return_reason,
            additional_info: tx.additional_info,
            bank_code: code.filter(|c| *c != BankCode::None && c != entry_code),
            complements: Vec::new(),
            difference: false,
            undetailed: false,
        }
    }
}

/// Each detail's amount in the entry's currency (`None` without one), signed
/// by its own `CdtDbtInd` else the entry's (`debit`), or by the entry's
/// whatever it says (`as_entry`).
pub(super) fn signed_amounts(
    txs: &[TxBuilder],
    ccy: Currency,
    debit: bool,
    as_entry: bool,
) -> Vec<Option<Money>> {
    txs.iter()
        .map(|t| {
            t.usable_amount(ccy).map(|a| {
                let d = if as_entry {
                    debit
                } else {
                    t.debit.unwrap_or(debit)
                };
                if d { -a } else { a }
            })
        })
        .collect()
}
