//! What an error may show of a value read from an input file. Errors reach
//! the batch's logs and summary, which never show an IBAN or a person's
//! name in clear (README, batch progress), and inputs hold both (payers,
//! customers, accounts). An IBAN-like value is shown by its first and last
//! four characters; text of more than four letters by its length only;
//! anything else (digits, a date, a short code) cut to 40 characters.

use super::iban::{looks_like_iban, mask_iban, normalize_iban};

/// The value as an error shows it.
pub fn shown(found: &str) -> String {
    let compact = normalize_iban(found);
    let alnum = compact.bytes().all(|b| b.is_ascii_alphanumeric());
    if alnum && (15..=34).contains(&compact.len()) && looks_like_iban(&compact) {
        return mask_iban(&compact);
    }
    let letters = found.chars().filter(|c| c.is_alphabetic()).count();
    if letters > 4 {
        format!("(text of {} characters, not shown)", found.chars().count())
    } else {
        found.chars().take(40).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn errors_never_show_a_name_or_an_iban() {
        assert_eq!(
            shown("DUPONT JEAN SA"),
            "(text of 14 characters, not shown)"
        );
        assert_eq!(shown("FR7610278073010002019150123"), "FR76…0123");
        assert_eq!(shown("FR76 1027 8073 0100 0201 9150 123"), "FR76…0123");
        // Written with dashes, or in lower case (review 37 verify3 V7).
        assert_eq!(shown("fr76-1027-8073-0100-0201-9150-123"), "FR76…0123");
        // What helps a person find the fault stays: digits, dates, codes.
        assert_eq!(shown("1,5"), "1,5");
        assert_eq!(shown("310219"), "310219");
        assert_eq!(shown("BOOK"), "BOOK");
        assert_eq!(shown(&"9".repeat(50)), "9".repeat(40));
    }
}
