//! Building one [`Entry`] (`Ntry`) from the leaf values the reader hands
//! over, by path relative to the `Ntry` element, absorbing the version
//! differences (`Sts` text or `Sts/Cd`), and its [`Transaction`]s from its
//! `TxDtls`, each read by [`super::tx_builder`].
//!
//! How an entry becomes transactions:
//! * no `TxDtls`: one transaction from the entry's own data (its amount, its
//!   `AddtlNtryInf` as the transaction's additional info);
//! * one `TxDtls`: its amount if it has one in the entry's currency, else the
//!   entry amount;
//! * several `TxDtls`, each with an amount: one transaction each, signed by
//!   `TxDtls/CdtDbtInd` else by the entry;
//! * `TxDtls` that all say the opposite direction to the entry's (a return
//!   batch booked DBIT whose details repeat the collections' CRDT) and add up
//!   to it with the entry's sign (or to it less the charges the file
//!   states: a return and its fee): read with the entry's sign, since the
//!   booking is the money's direction (an `Other` finding says so);
//! * when the `TxDtls` amounts do not add up to the amount booked, each
//!   payer keeps what the details say they sent and the difference becomes
//!   a transaction of its own after them, so the entry's transactions add
//!   up to the money that moved: the bank's charges (it kept at most 1 % of
//!   the detailed amount, or exactly the charges the file states, see
//!   `charges`: `ACMT/MDOP/CHRG`, a `BatchSumMismatch` finding),
//!   money beyond the details (a credit for a person to place, the same
//!   finding; beyond a single payment's detail, it is that payer's: the row
//!   has its counterparty and what it quotes, and the finding is a
//!   `BalanceMismatch`), or a larger shortfall (a `BalanceMismatch` finding: an alert
//!   for a person that holds formal notices, since nobody can tell from the
//!   file which payment did not come in full); in a debit entry, a detail
//!   that says CRDT is then not taken (no money): nobody is credited with
//!   money that left the account;
//! * several `TxDtls` of which one or more carry no usable amount: a
//!   `BatchWithoutAmounts` finding, and the entry is kept whole as one
//!   transaction built from entry-level data (no party or end-to-end id of
//!   any single `TxDtls` is attached to the whole amount), with every
//!   detail's remittance lines, document numbers and creditor references:
//!   the invoices they quote may explain the whole.
//!
//! A `TxDtls` amount in another currency than the entry (an instructed amount
//! before conversion) is never used as the transaction amount. An entry whose
//! `Amt` is in another currency than the statement's keeps it
//! ([`Entry::currency`]): its money is never relabelled.
//! The counterparty is the debtor for money received and the creditor for
//! money paid, seen from the original payment: for a reversal or a returned
//! direct debit (a debit that undoes a credit) it stays the debtor.

use chrono::NaiveDate;

use super::charges::Charges;
use super::codes::{self, CodeParts};
use super::leaf_amount::ReadAmount;
use super::split::Split;
use super::tag::Tag;
use super::tx_builder::{TxBuilder, signed_amounts};
use super::values;
use crate::money::{Currency, Money};
use crate::statement::{BankCode, Entry, EntryStatus, FindingKind, Location, Transaction, TxKind};

/// An amount as read, with its `Ccy` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Amount {
    pub value: Money,
    pub ccy: Option<Currency>,
}

/// A finding produced while building, before the statement id is attached.
pub(super) type Note = (FindingKind, Location, String);

/// What is wrong with a leaf value: the expected form.
pub(super) type Expected = &'static str;

/// One `Ntry` being read.
#[derive(Debug, Default)]
pub(super) struct EntryBuilder {
    location: Location,
    ntry_ref: Option<String>,
    amount: Option<Amount>,
    debit: Option<bool>,
    reversal: bool,
    status: Option<EntryStatus>,
    booking_date: Option<NaiveDate>,
    value_date: Option<NaiveDate>,
    acct_svcr_ref: Option<String>,
    code: CodeParts,
    additional_info: Option<String>,
    batch_payment_info_id: Option<String>,
    pub(super) charges: Charges,
    txs: Vec<TxBuilder>,
    /// The `TxDtls` being read, if any.
    pub(super) current: Option<TxBuilder>,
}

/// Why an entry could not be built: a mandatory element is missing.
#[derive(Debug)]
pub(super) struct MissingElement(pub &'static str);

impl EntryBuilder {
    pub(super) fn new(location: Location) -> Self {
        EntryBuilder {
            location,
            ..Default::default()
        }
    }

    /// The currency of the entry's `Amt`, when given.
    pub(super) fn currency(&self) -> Option<Currency> {
        self.amount.and_then(|a| a.ccy)
    }

    /// A leaf under `Ntry` (outside `TxDtls`); `rel` starts below `Ntry`.
    pub(super) fn text(
        &mut self,
        rel: &[Tag],
        text: &str,
        amount: &mut dyn ReadAmount,
    ) -> Result<(), Expected> {
        use Tag as T;
        match rel {
            [T::NtryRef] => self.ntry_ref = values::reference(text),
            [T::Amt] => self.amount = amount.get(),
            [T::Chrgs, rest @ ..] => self.charges.text(rest, text, amount),
            [T::CdtDbtInd] => self.debit = Some(values::is_debit(text).ok_or("CRDT or DBIT")?),
            [T::RvslInd] => self.reversal = values::boolean(text).ok_or("true or false")?,
            [T::Sts] | [T::Sts, T::Cd | T::Prtry] if !text.trim().is_empty() => {
                self.status = Some(values::status(text));
            }
            [T::BookgDt, T::Dt | T::DtTm] => {
                self.booking_date = Some(values::date(text).ok_or("a date (YYYY-MM-DD)")?);
            }
            [T::ValDt, T::Dt | T::DtTm] => {
                self.value_date = Some(values::date(text).ok_or("a date (YYYY-MM-DD)")?);
            }
            [T::AcctSvcrRef] => self.acct_svcr_ref = values::reference(text),
            [T::BkTxCd, rest @ ..] => codes::code_part(&mut self.code, rest, text),
            [T::AddtlNtryInf] => self.additional_info = values::clean(text),
            [T::NtryDtls, T::Btch, T::PmtInfId] => {
                self.batch_payment_info_id = values::reference(text)
            }
            _ => {}
        }
        Ok(())
    }

    /// The current `TxDtls` closed.
    pub(super) fn close_tx(&mut self) {
        if let Some(tx) = self.current.take() {
            self.txs.push(tx);
        }
    }

    /// Builds the entry. `statement_ccy` is the statement's currency (used when
    /// the entry's `Amt` has no `Ccy`). Findings are pushed to `notes`.
    pub(super) fn finish(
        mut self,
        statement_ccy: Currency,
        notes: &mut Vec<Note>,
    ) -> Result<Entry, MissingElement> {
        self.close_tx();
        let amount = self.amount.ok_or(MissingElement("Amt"))?;
        let debit = self.debit.ok_or(MissingElement("CdtDbtInd"))?;
        let ccy = amount.ccy.unwrap_or(statement_ccy);
        if ccy != statement_ccy {
            notes.push((
                FindingKind::Other,
                self.location.clone(),
                format!(
                    "entry amount in {ccy} in a statement in {statement_ccy}: kept in {ccy}, \
                     matched only with {ccy} invoices and not counted in the {statement_ccy} balances"
                ),
            ));
        }
        let signed = if debit { -amount.value } else { amount.value };
        let status = match self.status {
            Some(s) => s,
            None => {
                notes.push((
                    FindingKind::Other,
                    self.location.clone(),
                    "entry without Sts: read as information only".to_string(),
                ));
                EntryStatus::Info
            }
        };
        let code = std::mem::take(&mut self.code).build();
        if !codes::is_known(&code) {
            notes.push((
                FindingKind::UnknownCode,
                self.location.clone(),
                format!("unknown bank transaction code {}", code.raw()),
            ));
        }
        let kind = code.kind(debit, self.reversal);
        let bank_ref = self.acct_svcr_ref.take().or_else(|| self.ntry_ref.take());
        // Whose side the payer is on. A direct debit's customer is its
        // debtor whichever way the money goes (collected, returned, or either
        // of those reversed).
        let original_credit = matches!(
            kind,
            TxKind::DirectDebitCollected | TxKind::DirectDebitReturned
        ) || ((!debit) ^ (self.reversal || kind.is_receivable_debit()));

        // Names the entry in its findings, which may become alerts. Written
        // only for a finding: most entries have none.
        let booking_date = self.booking_date;
        let entry = || match (&bank_ref, booking_date) {
            (Some(r), _) => format!("entry {r}: "),
            (None, Some(d)) => format!("entry booked {d}: "),
            (None, None) => String::new(),
        };
        let mut txs = std::mem::take(&mut self.txs);
        let n = txs.len();
        let stated = self.stated_charges(&txs, ccy);
        // Whether the charges the file states take exactly `diff` (the
        // amount booked less the details') from the account.
        let charged =
            |diff: Option<Money>| diff.is_some_and(|d| d.is_negative() && stated.contains(&d));
        let mut amounts = signed_amounts(&txs, ccy, debit, false);
        // Every detail states the direction opposite to the booking's: read
        // with their own signs they could never add up to it. When they add
        // up to it with the booking's sign, they repeat the original
        // payment's direction (a return batch booked DBIT whose details say
        // CRDT, as the collections did): the booking is the money's
        // direction (review 37 F1, F5). Not a credit booking that reverses
        // or returns a debit (`RvslInd`, a return reason): that money is our
        // own payment coming back, not a customer's (review 37 verify1 R2),
        // and its details stay a person's question as before.
        let comes_back = !debit && (self.reversal || txs.iter().any(|t| t.return_code.is_some()));
        if n > 0 && !comes_back && txs.iter().all(|t| t.debit == Some(!debit)) {
            let mut echoed = signed_amounts(&txs, ccy, debit, true);
            if let [only @ None] = echoed.as_mut_slice() {
                *only = Some(signed);
            }
            // Or up to it less the charges the file states (a return and
            // its fee booked as one debit).
            let echoed_sum = echoed
                .iter()
                .copied()
                .collect::<Option<Vec<Money>>>()
                .and_then(Money::checked_sum);
            let adds_up =
                echoed_sum.is_some_and(|sum| sum == signed || charged(signed.checked_sub(sum)));
            if adds_up {
                let (says, booked) = if debit {
                    ("CRDT", "DBIT")
                } else {
                    ("DBIT", "CRDT")
                };
                let details = if n == 1 {
                    "its transaction says".to_string()
                } else {
                    format!("its {n} transactions say")
                };
                notes.push((
                    FindingKind::Other,
                    self.location.clone(),
                    format!(
                        "{}booked {booked}, {details} {says} (the original payment's direction): they add up to the booking read as {booked}, and are read so",
                        entry()
                    ),
                ));
                for t in &mut txs {
                    t.debit = None;
                }
                amounts = echoed;
            }
        }
        let mut transactions = Vec::with_capacity(n.max(1));
        if n == 0 {
            transactions.push(self.whole(signed));
        } else if n == 1 || amounts.iter().all(Option::is_some) {
            // One detail without a usable amount stands for the whole entry.
            if let [only @ None] = amounts.as_mut_slice() {
                *only = Some(signed);
            }
            let detailed = amounts.iter().flatten().copied();
            let location = if n == 1 {
                txs.first().map(|t| t.location.clone()).unwrap_or_default()
            } else {
                self.location.clone()
            };
            match Money::checked_sum(detailed.clone()) {
                None => {
                    notes.push((
                        FindingKind::BatchSumMismatch,
                        location,
                        format!(
                            "{}{n} transactions sum out of range: kept whole as one transaction of {signed}",
                            entry()
                        ),
                    ));
                    transactions.push(self.whole(signed));
                }
                Some(sum) => {
                    let has_debit = detailed.clone().any(|a| a.is_negative());
                    let split = Split::of(signed, sum, has_debit, &charged);
                    let mut kept = Money::ZERO;
                    let mut not_taken = Vec::new();
                    for (tx, amt) in txs.into_iter().zip(detailed) {
                        // A debit that may not have happened stays in its
                        // place (ids number details by position) with no
                        // money: nothing links to it, a person sees it.
                        // Nor is a credit in a debit booking that the
                        // details do not settle: no customer is credited
                        // with money that left the account.
                        let doubtful = match split {
                            Split::Doubt => amt.is_negative() || (debit && amt.is_positive()),
                            Split::Short => debit && amt.is_positive(),
                            Split::Agree | Split::Charges | Split::Excess => false,
                        };
                        let money = if doubtful { Money::ZERO } else { amt };
                        let mut t = tx.into_transaction(
                            money,
                            (original_credit, debit),
                            &code,
                            self.batch_payment_info_id.as_deref(),
                            notes,
                        );
                        if doubtful {
                            not_taken.push(format!(
                                "{amt}{}",
                                t.end_to_end_id
                                    .as_deref()
                                    .map(|e| format!(" (end-to-end id {e})"))
                                    .unwrap_or_default()
                            ));
                            t.additional_info = Some(if amt.is_negative() {
                                format!(
                                    "not taken: {amt} detailed, and the bank's booking says it may not have happened"
                                )
                            } else {
                                format!(
                                    "not taken: {amt} detailed as a credit, and the bank booked a debit that the details do not explain"
                                )
                            });
                        } else if n == 1 && t.additional_info.is_none() {
                            t.additional_info = self.additional_info.clone();
                        }
                        kept = kept.checked_add(money).unwrap_or(kept);
                        transactions.push(t);
                    }
                    if let Some((kind, mut message)) = split.note(n, sum, signed) {
                        if !not_taken.is_empty() {
                            message.push_str(&format!("; not taken: {}", not_taken.join(", ")));
                        }
                        notes.push((kind, location, format!("{}{message}", entry())));
                    }
                    // One payment's excess is that payer's money (review
                    // 14 F4): its row names the payer and quotes what they
                    // quote, so that matching and the dunning's deductions
                    // count it as theirs. A batch's excess could be anyone's.
                    let payer = match transactions.as_slice() {
                        [only] if split == Split::Excess => Some(only.clone()),
                        _ => None,
                    };
                    transactions.extend(self.difference(split, signed, kept, payer));
                }
            }
        } else {
            let missing = amounts.iter().filter(|a| a.is_none()).count();
            notes.push((
                FindingKind::BatchWithoutAmounts,
                self.location.clone(),
                format!(
                    "{}batch of {n} transactions, {missing} without an amount in {ccy}: kept whole as one transaction of {signed}",
                    entry()
                ),
            ));
            // No payer is given the whole amount, but what each detail
            // quotes is kept: its invoice numbers may explain the whole
            // (exactly, else only as suggestions), and a person reads them.
            let mut whole = self.whole(signed);
            whole.undetailed = true;
            for tx in txs {
                whole.remittance.extend(tx.remittance);
                whole.document_numbers.extend(tx.document_numbers);
                whole.creditor_refs.extend(tx.creditor_refs);
            }
            transactions.push(whole);
        }
        Ok(Entry {
            booking_date: self.booking_date,
            value_date: self.value_date,
            amount: signed,
            currency: (ccy != statement_ccy).then_some(ccy),
            status,
            reversal: self.reversal,
            bank_ref,
            bank_code: code,
            kind,
            additional_info: self.additional_info,
            transactions,
            line: self.location.line,
        })
    }

    /// What the charges the file states took, each way it states them: the
    /// entry's (its records' net, its total), and its transactions' together
    /// (each one's first reading), when every one that states some can be
    /// read. See `charges`.
    fn stated_charges(&self, txs: &[TxBuilder], ccy: Currency) -> Vec<Money> {
        let mut stated = self.charges.stated(ccy);
        let mut details = Some(Money::ZERO);
        let mut any = false;
        for t in txs.iter().filter(|t| !t.charges.is_empty()) {
            any = true;
            let first = t.charges.stated(ccy).first().copied();
            details = details.zip(first).and_then(|(s, c)| s.checked_add(c));
        }
        if any && let Some(d) = details {
            stated.push(d);
        }
        stated
    }

    /// The difference between the amount booked and the transactions' as a
    /// transaction of its own, numbered after them (see [`Split`]).
    fn difference(
        &self,
        split: Split,
        booked: Money,
        detailed: Money,
        payer: Option<Transaction>,
    ) -> Option<Transaction> {
        let diff = booked.checked_sub(detailed)?;
        let code = |subfamily: &str| {
            Some(BankCode::Iso {
                domain: "ACMT".into(),
                family: "MDOP".into(),
                subfamily: subfamily.into(),
                proprietary: None,
            })
        };
        let (bank_code, says) = match split {
            Split::Agree => return None,
            Split::Charges => (code("CHRG"), "the bank's charges"),
            // No code of the entry's own: never a collection, a return or a
            // cheque that did not happen.
            Split::Excess if payer.is_some() => (
                code("OTHR"),
                "more money than the payment's detail says, from its payer",
            ),
            Split::Excess => (
                code("OTHR"),
                "more money than the details say, to be placed by a person",
            ),
            Split::Short => (
                code("OTHR"),
                "money the details do not explain: a person must check",
            ),
            Split::Doubt => (
                code("OTHR"),
                "money the details do not explain (their debits not taken): a person must check",
            ),
        };
        let payer = payer.unwrap_or_default();
        Some(Transaction {
            amount: diff,
            counterparty: payer.counterparty,
            remittance: payer.remittance,
            document_numbers: payer.document_numbers,
            creditor_refs: payer.creditor_refs,
            bank_code,
            additional_info: Some(format!(
                "difference between the amount booked ({booked}) and the transactions' ({detailed}): {says}"
            )),
            difference: true,
            ..Default::default()
        })
    }

    /// The entry as one transaction built from entry-level data.
    fn whole(&self, amount: Money) -> Transaction {
        Transaction {
            amount,
            payment_info_id: self.batch_payment_info_id.clone(),
            additional_info: self.additional_info.clone(),
            ..Default::default()
        }
    }
}
