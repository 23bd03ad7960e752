//! Building a statement header (`Stmt`, `Rpt` or `Ntfctn` up to its first
//! entry) and its balances: id, sequence number (`ElctrncSeqNb` else
//! `LglSeqNb`), account (IBAN normalised, else `Othr/Id`, else from .09 on
//! its proxy as `PRXY:{type}:{id}`, else refused; servicer BIC or BICFI), currency (`Acct/Ccy`, else the first balance's, else the first
//! entry's, else EUR), period (`FrToDt`), opening (`OPBD`, else `PRCD`) and
//! closing (`CLBD`) booked balances, `CRDT` positive and `DBIT` negative.

use chrono::NaiveDate;

use super::entry::{Amount, Expected, MissingElement, Note};
use super::leaf_amount::ReadAmount;
use super::tag::Tag;
use super::values;
use crate::money::{Currency, Money};
use crate::statement::{Account, Balance, FindingKind, Location, SourceFormat, Statement};

#[derive(Debug, Default)]
struct BalanceBuilder {
    location: Location,
    code: Option<String>,
    amount: Option<Amount>,
    debit: Option<bool>,
    date: Option<NaiveDate>,
}

/// One statement's header being read.
#[derive(Debug)]
pub(super) struct StatementBuilder {
    format: SourceFormat,
    location: Location,
    pub(super) id: Option<String>,
    electronic_seq: Option<String>,
    legal_seq: Option<String>,
    from_date: Option<NaiveDate>,
    to_date: Option<NaiveDate>,
    /// An `Acct` with a value was read (it is mandatory: without it the
    /// statement belongs to no account, review 37 L4).
    has_account: bool,
    iban: Option<String>,
    other_id: Option<String>,
    /// `Acct/Prxy/Tp/Cd` (or `Prtry`) and `Acct/Prxy/Id`: from camt .09 on,
    /// an account may be known only by a proxy (an e-mail, a phone number).
    proxy_type: Option<String>,
    proxy_id: Option<String>,
    bic: Option<String>,
    account_ccy: Option<Currency>,
    first_balance_ccy: Option<Currency>,
    balance: Option<BalanceBuilder>,
    opening_is_opbd: bool,
    pub(super) opening: Option<Balance>,
    pub(super) closing: Option<Balance>,
}

impl StatementBuilder {
    pub(super) fn new(format: SourceFormat, location: Location) -> Self {
        StatementBuilder {
            format,
            location,
            id: None,
            electronic_seq: None,
            legal_seq: None,
            from_date: None,
            to_date: None,
            has_account: false,
            iban: None,
            other_id: None,
            proxy_type: None,
            proxy_id: None,
            bic: None,
            account_ccy: None,
            first_balance_ccy: None,
            balance: None,
            opening_is_opbd: false,
            opening: None,
            closing: None,
        }
    }

    /// The account currency when already known (`Acct/Ccy` or a balance's).
    pub(super) fn known_currency(&self) -> Option<Currency> {
        self.account_ccy.or(self.first_balance_ccy)
    }

    /// A `Bal` opens.
    pub(super) fn open_balance(&mut self, location: Location) {
        self.balance = Some(BalanceBuilder {
            location,
            ..Default::default()
        });
    }

    /// A leaf under the statement element (outside entries).
    pub(super) fn text(
        &mut self,
        rel: &[Tag],
        text: &str,
        amount: &mut dyn ReadAmount,
    ) -> Result<(), Expected> {
        use Tag as T;
        if let [T::Acct, ..] = rel {
            self.has_account = true;
        }
        match rel {
            [T::Id] => self.id = values::clean(text),
            [T::ElctrncSeqNb] => self.electronic_seq = values::clean(text),
            [T::LglSeqNb] => self.legal_seq = values::clean(text),
            [T::FrToDt, T::FrDtTm] => {
                self.from_date = Some(values::date(text).ok_or("a date-time")?);
            }
            [T::FrToDt, T::ToDtTm] => self.to_date = Some(values::date(text).ok_or("a date-time")?),
            [T::Acct, T::Id, T::IBAN] => {
                self.iban = values::clean(text).map(values::iban);
            }
            [T::Acct, T::Id, T::Othr, T::Id] => self.other_id = values::clean(text),
            [T::Acct, T::Prxy, T::Id] => self.proxy_id = values::clean(text),
            [T::Acct, T::Prxy, T::Tp, T::Cd | T::Prtry] => self.proxy_type = values::clean(text),
            [T::Acct, T::Ccy] => {
                self.account_ccy = Some(Currency::parse(text).ok_or("an ISO 4217 currency code")?);
            }
            [T::Acct, T::Svcr, T::FinInstnId, T::BIC | T::BICFI] => self.bic = values::clean(text),
            [T::Bal, rest @ ..] => {
                if let Some(b) = self.balance.as_mut() {
                    match rest {
                        [T::Tp, T::CdOrPrtry, T::Cd | T::Prtry] => b.code = values::clean(text),
                        [T::Amt] => {
                            let amount = amount.get();
                            b.amount = amount;
                            if self.first_balance_ccy.is_none() {
                                self.first_balance_ccy = amount.and_then(|a| a.ccy);
                            }
                        }
                        [T::CdtDbtInd] => {
                            b.debit = Some(values::is_debit(text).ok_or("CRDT or DBIT")?);
                        }
                        [T::Dt, T::Dt | T::DtTm] => {
                            b.date = Some(values::date(text).ok_or("a date (YYYY-MM-DD)")?);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A `Bal` closed: keep it if it is the opening or closing booked balance.
    pub(super) fn close_balance(&mut self, notes: &mut Vec<Note>) -> Result<(), MissingElement> {
        let Some(b) = self.balance.take() else {
            return Ok(());
        };
        let amount = b.amount.ok_or(MissingElement("Amt"))?;
        let debit = match b.debit {
            Some(d) => d,
            None if amount.value.is_zero() => false,
            None => return Err(MissingElement("CdtDbtInd")),
        };
        let code = b.code.unwrap_or_default();
        let balance = Balance {
            amount: if debit { -amount.value } else { amount.value },
            date: b.date,
        };
        let kept = matches!(code.as_str(), "OPBD" | "PRCD" | "CLBD");
        if let (Some(c), Some(own)) = (amount.ccy, self.known_currency())
            && kept
            && c != own
        {
            // A multi-currency account's other balances: never compared
            // with this currency's movements, nor printed as its own.
            notes.push((
                FindingKind::Other,
                b.location.clone(),
                format!("{code} balance in {c}, account currency {own}: not used"),
            ));
            return Ok(());
        }
        let mut twice = |first: Balance| {
            if first.amount != balance.amount {
                notes.push((
                    FindingKind::Other,
                    b.location.clone(),
                    format!(
                        "a second {code} balance for the same day, {}: the first ({}) is kept",
                        balance.amount, first.amount
                    ),
                ));
            }
        };
        match code.as_str() {
            // The earliest opening and the latest closing are the
            // statement's (a statement over several days may give one per
            // day); two for one day that differ are said.
            "OPBD" => match self.opening.filter(|_| self.opening_is_opbd) {
                Some(first) if first.date == balance.date => twice(first),
                Some(first) if first.date < balance.date || balance.date.is_none() => {}
                _ => {
                    self.opening = Some(balance);
                    self.opening_is_opbd = true;
                }
            },
            "PRCD" if !self.opening_is_opbd && self.opening.is_none() => {
                self.opening = Some(balance);
            }
            "CLBD" => match self.closing {
                Some(first) if first.date == balance.date => twice(first),
                Some(first) if first.date > balance.date || balance.date.is_none() => {}
                _ => self.closing = Some(balance),
            },
            _ => {}
        }
        Ok(())
    }

    /// The account's other id: `Othr/Id`, else (no IBAN) its proxy as
    /// `PRXY:{type}:{id}` (`PRXY:{id}` without a type). An account with
    /// neither an id nor a proxy is refused: keyed by nothing, every such
    /// statement would be one account's, another account's payment dropped
    /// as a repeat and its payer chased (review 38 banks F4).
    fn account_id(&self) -> Result<Option<String>, MissingElement> {
        if self.iban.is_some() || self.other_id.is_some() {
            return Ok(self.other_id.clone());
        }
        let id = self
            .proxy_id
            .as_deref()
            .ok_or(MissingElement("Acct/Id (or Acct/Prxy/Id)"))?;
        Ok(Some(match self.proxy_type.as_deref() {
            Some(tp) => format!("PRXY:{tp}:{id}"),
            None => format!("PRXY:{id}"),
        }))
    }

    /// The header (no entries). `entry_ccy` is the first entry's currency,
    /// used when neither the account nor a balance gave one.
    pub(super) fn header(
        &self,
        entry_ccy: Option<Currency>,
        notes: &mut Vec<Note>,
    ) -> Result<Statement, MissingElement> {
        let id = self.id.clone().ok_or(MissingElement("Id"))?;
        if !self.has_account {
            return Err(MissingElement("Acct"));
        }
        let other_id = self.account_id()?;
        let mut sequence = None;
        for s in [&self.electronic_seq, &self.legal_seq]
            .into_iter()
            .flatten()
        {
            match values::sequence(s) {
                Some(n) if sequence.is_none() => sequence = Some(n),
                Some(_) => {}
                None => notes.push((
                    FindingKind::Other,
                    self.location.clone(),
                    format!("sequence number {s:?} is not a number"),
                )),
            }
        }
        if let Some(iban) = &self.iban
            && !crate::refs::is_valid_iban(iban)
        {
            notes.push((
                FindingKind::InvalidIban,
                self.location.clone(),
                format!("account IBAN {iban} has wrong check digits or length"),
            ));
        }
        Ok(Statement {
            format: self.format,
            id,
            sequence,
            account: Account {
                iban: self.iban.clone(),
                other_id,
                bic: self.bic.clone(),
                ..Default::default()
            },
            currency: self.known_currency().or(entry_ccy).unwrap_or(Currency::EUR),
            opening: self.opening,
            closing: self.closing,
            from_date: self.from_date,
            to_date: self.to_date,
            entries: Vec::new(),
            line: self.location.line,
        })
    }

    /// The location of the statement's start tag.
    pub(super) fn location(&self) -> &Location {
        &self.location
    }
}

/// Sum of booked entries so far, `None` after an overflow.
pub(super) fn add_booked(sum: Option<Money>, amount: Money) -> Option<Money> {
    sum.and_then(|s| s.checked_add(amount))
}
