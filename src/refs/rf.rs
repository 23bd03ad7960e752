//! ISO 11649 RF creditor references: `RF` + 2 check digits + 1–21 characters,
//! printed in groups of four. Valid when, with the first four characters moved
//! to the end and letters as 10…35, the number mod 97 is 1.

use super::mod97;

/// Upper-cases and removes spaces: `rf18 5390 0754 7034` → `RF18539007547034`.
pub fn normalize_rf(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// True when `s` (spaces allowed) is an RF reference with correct check digits.
pub fn is_valid_rf(s: &str) -> bool {
    let n = normalize_rf(s);
    let b = n.as_bytes();
    if b.len() < 5 || b.len() > 25 || &b[..2] != b"RF" {
        return false;
    }
    if !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        return false;
    }
    if !b[4..].iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    mod97(b[4..].iter().chain(&b[..4]).copied()) == Some(1)
}

/// Builds the RF reference for a creditor's own reference (letters and digits,
/// at most 21): `INV2024001` → `RF78INV2024001`. `None` if it cannot be one.
pub fn rf_from_reference(reference: &str) -> Option<String> {
    let r = normalize_rf(reference);
    if r.is_empty() || r.len() > 21 || !r.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let rem = mod97(r.bytes().chain(*b"RF00"))?;
    Some(format!("RF{:02}{r}", 98 - rem))
}

/// The valid RF references a person typed in free text (`VIREMENT RF18 5390
/// 0754 7034 MERCI`), normalised, in text order. An `RF` starting a word and
/// followed by two digits starts one; it goes on over words of letters and
/// digits separated by single spaces, dashes or dots (`RF18-5390-0754-7034`,
/// as some people and some banks print it), and every such extent of 5 to 25
/// characters with correct check digits is returned (a word after the
/// reference may by chance make a longer valid one: the caller looks each up).
pub fn rf_in_text(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        let starts = (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b[i].eq_ignore_ascii_case(&b'R')
            && b[i + 1].eq_ignore_ascii_case(&b'F')
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit();
        if !starts {
            i += 1;
            continue;
        }
        let mut norm = String::new();
        let mut j = i;
        loop {
            let word_end = j + b[j..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if word_end == j {
                break;
            }
            norm.extend(
                b[j..word_end]
                    .iter()
                    .map(|c| char::from(c.to_ascii_uppercase())),
            );
            if norm.len() > 25 {
                break;
            }
            if norm.len() >= 5 && is_valid_rf(&norm) && !out.contains(&norm) {
                out.push(norm.clone());
            }
            j = word_end;
            if !matches!(b.get(j), Some(b' ' | b'-' | b'.')) {
                break;
            }
            j += 1;
        }
        i += 4;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_typed_in_free_text() {
        assert_eq!(
            rf_in_text("VIREMENT rf18 5390 0754 7034 MERCI"),
            ["RF18539007547034"]
        );
        assert_eq!(rf_in_text("RF4720260101 | VIR SEPA"), ["RF4720260101"]);
        assert_eq!(rf_in_text("REF RF18539007547034."), ["RF18539007547034"]);
        // Review 33 N8: printed with dashes or dots.
        assert_eq!(
            rf_in_text("VIR RF18-5390-0754-7034 FACT"),
            ["RF18539007547034"]
        );
        assert_eq!(rf_in_text("RF18.5390.0754.7034."), ["RF18539007547034"]);
        // Wrong check digits, or inside a word: none.
        assert!(rf_in_text("RF19 5390 0754 7034").is_empty());
        assert!(rf_in_text("XRF18539007547034").is_empty());
        assert!(rf_in_text("RF").is_empty());
    }

    #[test]
    fn known_references() {
        assert!(is_valid_rf("RF18 5390 0754 7034"));
        assert!(is_valid_rf("RF38000000000000000000552"));
        assert!(!is_valid_rf("RF123456"));
        assert!(!is_valid_rf("RF19 5390 0754 7034"));
        assert!(!is_valid_rf("XX18539007547034"));
        assert_eq!(
            rf_from_reference("INV2024001").as_deref(),
            Some("RF78INV2024001")
        );
    }

    proptest::proptest! {
        #[test]
        fn generated_references_verify(r in "[A-Z0-9]{1,21}") {
            let rf = rf_from_reference(&r).unwrap();
            proptest::prop_assert!(is_valid_rf(&rf));
        }
    }
}
