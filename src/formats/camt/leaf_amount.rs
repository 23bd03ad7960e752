//! The amount of the leaf being read (`Amt`, `TtlChrgsAndTaxAmt`), parsed
//! only when a builder reads it: an element of the same name that pointage
//! does not use (a bank's extension, a summary) is never validated, so it
//! cannot fail the file (review 37 L5). An amount without its `Ccy`
//! attribute (mandatory in ISO 20022) is read in the entry's, else the
//! statement's currency, and said once per statement (`unknown_currency`,
//! an alert in `run`): never relabelled silently (review 37 L4).

use std::io::Read;

use super::entry::{Amount, Note};
use super::reader::Xml;
use super::values;
use crate::formats::ParseError;
use crate::money::Currency;
use crate::statement::FindingKind;

/// What amounts remember across leaves.
#[derive(Debug, Default)]
pub(super) struct AmountState {
    /// The last `Ccy` found active: a file names the same one on every
    /// amount, so the ISO 4217 list is searched once, not per amount.
    pub known_ccy: Option<Currency>,
    /// An amount without `Ccy` was said in this statement.
    pub missing_ccy_said: bool,
}

/// One leaf's amount, read on demand.
pub(super) struct LeafAmount<'a, R: Read> {
    pub xml: &'a Xml<R>,
    /// The `Ccy` attribute, when the element has one.
    pub ccy: Option<&'a str>,
    /// Whose currency an amount without `Ccy` is read in ("entry",
    /// "statement"), and that currency when already known (its decimals).
    pub fallback: (&'static str, Option<Currency>),
    pub state: &'a mut AmountState,
    pub notes: &'a mut Vec<Note>,
    /// The first error met by [`LeafAmount::get`].
    pub error: Option<ParseError>,
}

/// How a builder reads the amount of the leaf it is given.
pub(super) trait ReadAmount {
    /// The amount; when it cannot be read, `None`, and the file fails.
    fn get(&mut self) -> Option<Amount>;
    /// The amount, `None` when it cannot be read, without failing the file:
    /// for values only used when they are sound (charges).
    fn lenient(&mut self) -> Option<Amount>;
}

impl<R: Read> ReadAmount for LeafAmount<'_, R> {
    fn get(&mut self) -> Option<Amount> {
        match self.read() {
            Ok(a) => Some(a),
            Err(e) => {
                self.error.get_or_insert(e);
                None
            }
        }
    }

    fn lenient(&mut self) -> Option<Amount> {
        self.read().ok()
    }
}

impl<R: Read> LeafAmount<'_, R> {
    fn read(&mut self) -> Result<Amount, ParseError> {
        let text = self.xml.text();
        let value = values::amount(text).ok_or_else(|| {
            self.xml.invalid(
                "a decimal amount (digits and an optional '.'; at most 13 digits before the point and 5 after)",
                text,
            )
        })?;
        let ccy = match self.ccy {
            Some(c) => {
                let ccy = Currency::parse(c)
                    .ok_or_else(|| self.xml.invalid("an ISO 4217 currency code in Ccy", c))?;
                if self.state.known_ccy != Some(ccy) {
                    if ccy.is_known() {
                        self.state.known_ccy = Some(ccy);
                    } else {
                        self.notes.push((
                            FindingKind::UnknownCurrency,
                            self.xml.here(),
                            format!("currency {ccy} is not an active ISO 4217 code"),
                        ));
                    }
                }
                Some(ccy)
            }
            None => {
                if !std::mem::replace(&mut self.state.missing_ccy_said, true) {
                    let (whose, _) = self.fallback;
                    self.notes.push((
                        FindingKind::UnknownCurrency,
                        self.xml.here(),
                        format!(
                            "amount {} without its Ccy attribute (ISO 20022 requires one): read in the {whose}'s currency; \
                             a person checks it with the bank (further amounts without Ccy in this statement are not listed)",
                            text.trim()
                        ),
                    ));
                }
                None
            }
        };
        let units = ccy
            .or(self.fallback.1)
            .unwrap_or(Currency::EUR)
            .minor_units();
        if value.significant_decimals() > units {
            self.notes.push((
                FindingKind::ExtraDecimals,
                self.xml.here(),
                format!("amount {} has more than {units} decimals", text.trim()),
            ));
        }
        Ok(Amount { value, ccy })
    }
}
