//! Check-digit schemes shared by the parsers and the matcher: ISO 13616 IBANs
//! (and the French RIB → IBAN computation) and ISO 11649 RF creditor references.
//!
//! Pure functions over text; no I/O, no state.

mod iban;
pub mod redact;
mod rf;

pub use iban::{
    account_key, iban_from_rib, is_valid_iban, looks_like_iban, mask_iban, normalize_iban, rib_key,
    whole_account,
};
pub use rf::{is_valid_rf, normalize_rf, rf_from_reference, rf_in_text};

/// Mod-97 of a string of ASCII letters and digits where letters count as
/// 10…35 (the ISO 7064 MOD 97-10 core shared by IBAN and RF). `None` on any
/// other character.
pub(crate) fn mod97(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut rem: u32 = 0;
    for c in chars {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            _ => return None,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}
