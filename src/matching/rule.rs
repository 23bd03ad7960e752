//! The vocabulary of an application: which rule found it ([`Rule`]), how
//! sure it is ([`Confidence`]), what was done ([`Status`]), and the write-off
//! kinds part 2 fills in ([`WriteoffKind`]). The `as_str` names are the
//! public interface of `matches.csv`: add, never rename.

use std::fmt;

/// The rule that explained a payment, strongest evidence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A valid ISO 11649 RF reference equal to the invoice's reference or id.
    RfReference,
    /// The end-to-end id equal to the invoice's reference or id.
    EndToEndId,
    /// A direct-debit collection: mandate id and amount.
    Mandate,
    /// Invoice numbers found in the free text.
    InvoiceNumber,
    /// Known payer IBAN and amount (part 2).
    PayerIban,
    /// Payer name close to the customer's, and amount (part 2).
    PayerName,
    /// A direct-debit remittance booked without detail: the open
    /// direct-debit items due by its date that sum exactly to it (only ever
    /// suggested).
    Remittance,
    /// A person's decision.
    Manual,
}

impl Rule {
    /// Stable snake-case name written to outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Rule::RfReference => "rf_reference",
            Rule::EndToEndId => "end_to_end_id",
            Rule::Mandate => "mandate",
            Rule::InvoiceNumber => "invoice_number",
            Rule::PayerIban => "payer_iban",
            Rule::PayerName => "payer_name",
            Rule::Remittance => "remittance",
            Rule::Manual => "manual",
        }
    }

    /// Evidence strength for conflict resolution: lower is stronger. A
    /// person's decision beats every automatic rule.
    pub fn rank(&self) -> u8 {
        match self {
            Rule::Manual => 0,
            Rule::RfReference => 1,
            Rule::EndToEndId => 2,
            Rule::Mandate => 3,
            Rule::InvoiceNumber => 4,
            Rule::PayerIban => 5,
            Rule::PayerName => 6,
            Rule::Remittance => 7,
        }
    }
}

/// How sure a rule is, in hundredths (0 ..= 100): exact integers, so no
/// float ever decides a match or reaches an output differently on two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Confidence(u8);

impl Confidence {
    /// Certain.
    pub const FULL: Confidence = Confidence(100);
    /// Nothing.
    pub const NONE: Confidence = Confidence(0);

    /// From hundredths, capped at 100.
    pub const fn from_hundredths(h: u8) -> Confidence {
        if h > 100 {
            Confidence(100)
        } else {
            Confidence(h)
        }
    }

    /// The value in hundredths.
    pub fn hundredths(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Confidence {
    /// Two decimals: `0.95`, `1.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// What was done with the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Applied automatically.
    Matched,
    /// Proposed to a person, not applied.
    Suggested,
    /// Money nobody explained (one row per payment, without invoice).
    Unapplied,
}

impl Status {
    /// Name written to outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::Suggested => "suggested",
            Status::Unapplied => "unapplied",
        }
    }
}

/// Why a small difference was written off (part 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WriteoffKind {
    /// Bank fee deducted by the payer's bank.
    Fee,
    /// Early-payment discount taken.
    Discount,
    /// Rounding.
    Rounding,
}

impl WriteoffKind {
    /// Name written to outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            WriteoffKind::Fee => "fee",
            WriteoffKind::Discount => "discount",
            WriteoffKind::Rounding => "rounding",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_prints_two_decimals() {
        assert_eq!(Confidence::from_hundredths(95).to_string(), "0.95");
        assert_eq!(Confidence::from_hundredths(5).to_string(), "0.05");
        assert_eq!(Confidence::FULL.to_string(), "1.00");
        assert_eq!(Confidence::from_hundredths(250), Confidence::FULL);
    }

    #[test]
    fn names_are_stable() {
        assert_eq!(Rule::RfReference.as_str(), "rf_reference");
        assert_eq!(Rule::InvoiceNumber.as_str(), "invoice_number");
        assert_eq!(Status::Unapplied.as_str(), "unapplied");
        assert!(Rule::RfReference.rank() < Rule::InvoiceNumber.rank());
    }
}
