//! The charges an entry or a transaction states (`Chrgs`), read to explain
//! a difference between the details and the amount booked (review 37 F3).
//! Every version's shape is read: `Chrgs` 0..n each holding one charge
//! (`Amt`, `CdtDbtInd`, .02/.03), or one `Chrgs` with `TtlChrgsAndTaxAmt`
//! and `Rcrd` 0..n (`Amt`, `CdtDbtInd`, `ChrgInclInd`, .04 onwards).
//!
//! The charges only ever explain a difference they match to the cent, so
//! anything unsure makes them explain nothing (today's reading, a person
//! looks): a value that cannot be read (never an error: pointage did not
//! use charges before, a file it read must still be read), a record in
//! another currency, a total beside a record said not to be included in
//! the amount booked (`ChrgInclInd` false).

use super::entry::Amount;
use super::leaf_amount::ReadAmount;
use super::tag::Tag;
use super::values;
use crate::money::{Currency, Money};

/// One charge: its amount, `CdtDbtInd` (absent: a debit, what charges
/// are), `ChrgInclInd` (absent: included, the ISO default).
#[derive(Debug, Default, Clone, Copy)]
struct Record {
    amount: Option<Amount>,
    debit: Option<bool>,
    included: Option<bool>,
}

impl Record {
    fn is_empty(&self) -> bool {
        self.amount.is_none() && self.debit.is_none() && self.included.is_none()
    }
}

/// The `Chrgs` of one `Ntry` or `TxDtls`.
#[derive(Debug, Default)]
pub(super) struct Charges {
    totals: Vec<Amount>,
    records: Vec<Record>,
    current: Record,
    unreadable: bool,
}

impl Charges {
    /// A leaf under `Chrgs`; `rel` starts below `Chrgs`.
    pub(super) fn text(&mut self, rel: &[Tag], text: &str, amount: &mut dyn ReadAmount) {
        use Tag as T;
        match rel {
            [T::TtlChrgsAndTaxAmt] => match amount.lenient() {
                Some(a) => self.totals.push(a),
                None => self.unreadable = true,
            },
            [T::Amt] | [T::Rcrd, T::Amt] => match amount.lenient() {
                Some(a) => self.current.amount = Some(a),
                None => self.unreadable = true,
            },
            [T::CdtDbtInd] | [T::Rcrd, T::CdtDbtInd] => match values::is_debit(text) {
                Some(d) => self.current.debit = Some(d),
                None => self.unreadable = true,
            },
            [T::ChrgInclInd] | [T::Rcrd, T::ChrgInclInd] => match values::boolean(text) {
                Some(i) => self.current.included = Some(i),
                None => self.unreadable = true,
            },
            _ => {}
        }
    }

    /// A charge record closed (`Rcrd`, or a .02/.03 `Chrgs`).
    pub(super) fn close_record(&mut self) {
        let r = std::mem::take(&mut self.current);
        if r.is_empty() {
            return;
        }
        if r.amount.is_none() {
            // A record without its amount: the charges are not all known.
            self.unreadable = true;
        }
        self.records.push(r);
    }

    /// Whether the file stated no charges here.
    pub(super) fn is_empty(&self) -> bool {
        self.totals.is_empty() && self.records.is_empty() && !self.unreadable
    }

    /// What the stated charges did to the account's money in `ccy`
    /// (negative: taken), each way the file states them: the included
    /// records' net, then each total. Empty when they cannot be relied on.
    pub(super) fn stated(&self, ccy: Currency) -> Vec<Money> {
        let mut out = Vec::new();
        if self.unreadable {
            return out;
        }
        let in_ccy = |a: &Amount| a.ccy.is_none_or(|c| c == ccy);
        let included: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| r.included != Some(false))
            .collect();
        if !included.is_empty() {
            let signed = included.iter().map(|r| {
                r.amount.filter(in_ccy).map(|a| {
                    if r.debit.unwrap_or(true) {
                        -a.value
                    } else {
                        a.value
                    }
                })
            });
            if let Some(net) = signed
                .collect::<Option<Vec<Money>>>()
                .and_then(Money::checked_sum)
            {
                out.push(net);
            }
        }
        // A total counts every charge, those outside the amount booked too.
        if self.records.iter().all(|r| r.included != Some(false)) {
            out.extend(self.totals.iter().filter(|a| in_ccy(a)).map(|a| -a.value));
        }
        out
    }
}
