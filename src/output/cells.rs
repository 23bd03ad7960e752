//! Spreadsheet-formula neutralisation for free-text CSV cells (names,
//! remittance, messages, evidence, addresses): a cell a spreadsheet would read
//! as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a
//! leading `'`. Numeric and id columns must never go through this.

use std::borrow::Cow;

/// Returns the text, prefixed with `'` when a spreadsheet would run it.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_plain_text_is_not() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("-12.50"), "'-12.50");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("Dupont & Fils"), "Dupont & Fils");
        assert_eq!(neutralize(""), "");
    }
}
