//! IBANs: normalisation, validation (through the `iban_validate` crate, which
//! knows every country's length and format), masking for logs, and the French
//! RIB key and IBAN computed from a CFONB account (bank, branch, account).

use super::mod97;

/// Upper-cases and removes spaces.
pub fn normalize_iban(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// True for an IBAN with the right length for its country and correct check digits.
pub fn is_valid_iban(s: &str) -> bool {
    normalize_iban(s).parse::<iban::Iban>().is_ok()
}

/// An account as statements key it: white space removed, upper case (`fr76
/// 3000 …` → `FR763000…`). `*` stays `*`.
pub fn account_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Two letters then two digits: what an IBAN starts with (one that is not
/// valid then has a wrong length or wrong check digits).
pub fn looks_like_iban(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 4
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
}

/// The whole account a `cleared_gaps` value or a `clear_gap` line names by
/// IBAN: `*` (every account) or a valid IBAN, normalised; `None` for a part
/// of a number, wrong check digits or nothing.
pub fn whole_account(s: &str) -> Option<String> {
    let key = account_key(s);
    if key == "*" {
        Some(key)
    } else if is_valid_iban(&key) {
        Some(normalize_iban(&key))
    } else {
        None
    }
}

/// `FR7630001007941234567890185` → `FR76…0185`: what logs may show.
pub fn mask_iban(s: &str) -> String {
    let n = normalize_iban(s);
    let chars: Vec<char> = n.chars().collect();
    if chars.len() <= 8 {
        return "…".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// The French RIB key (clé RIB) of bank (5), branch (5) and account (11, letters
/// allowed). Letters count as in the RIB convention (A,J→1 … I,R→9; S→2 … Z→9).
pub fn rib_key(bank: &str, branch: &str, account: &str) -> Option<u32> {
    if bank.len() != 5 || branch.len() != 5 || account.len() != 11 {
        return None;
    }
    let digits = |s: &str| -> Option<u64> {
        s.chars().try_fold(0u64, |acc, c| {
            let d = match c.to_ascii_uppercase() {
                c @ '0'..='9' => u64::from(c as u8 - b'0'),
                'A' | 'J' => 1,
                'B' | 'K' | 'S' => 2,
                'C' | 'L' | 'T' => 3,
                'D' | 'M' | 'U' => 4,
                'E' | 'N' | 'V' => 5,
                'F' | 'O' | 'W' => 6,
                'G' | 'P' | 'X' => 7,
                'H' | 'Q' | 'Y' => 8,
                'I' | 'R' | 'Z' => 9,
                _ => return None,
            };
            Some(acc * 10 + d)
        })
    };
    let (b, g, c) = (digits(bank)?, digits(branch)?, digits(account)?);
    let r = (89 * b + 15 * g + 3 * c) % 97;
    Some((97 - r) as u32)
}

/// The French IBAN of a CFONB account: `FR` + check digits + bank + branch +
/// account + RIB key. `None` when the parts are not a French BBAN.
pub fn iban_from_rib(bank: &str, branch: &str, account: &str) -> Option<String> {
    let key = rib_key(bank, branch, account)?;
    let bban = format!("{bank}{branch}{}{key:02}", account.to_ascii_uppercase());
    let rem = mod97(bban.bytes().chain(*b"FR00"))?;
    Some(format!("FR{:02}{bban}", 98 - rem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid() {
        for ok in [
            "FR7630001007941234567890185",
            "FR14 2004 1010 0505 0001 3M02 606",
            "DE14740618130000033626",
            "NL77ABNA0574908765",
        ] {
            assert!(is_valid_iban(ok), "{ok}");
        }
        assert!(!is_valid_iban("FR7630001007941234567890186"));
        assert!(!is_valid_iban("FR76300010079412345678901"));
    }

    #[test]
    fn rib_to_iban() {
        assert_eq!(rib_key("30001", "00794", "12345678901"), Some(85));
        assert_eq!(
            iban_from_rib("30001", "00794", "12345678901").as_deref(),
            Some("FR7630001007941234567890185")
        );
        assert_eq!(
            iban_from_rib("20041", "01005", "0500013M026").as_deref(),
            Some("FR1420041010050500013M02606")
        );
    }

    #[test]
    fn masking() {
        assert_eq!(mask_iban("FR76 3000 1007 9412 3456 7890 185"), "FR76…0185");
    }
}
