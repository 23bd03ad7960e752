//! Amounts and text as people read them: `12 345,67 €` in French (the
//! default), `€12,345.67` in English; everything printed into HTML escaped.

use crate::money::{Currency, Money};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// French (default).
    Fr,
    /// English.
    En,
}

impl Lang {
    /// From `client.toml` `report.language`.
    pub fn parse(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }
}

fn symbol(c: Currency) -> Option<&'static str> {
    match c.as_str() {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        "CHF" => Some("CHF"),
        _ => None,
    }
}

/// Appends the integer digits `int` (ASCII) grouped by three with `sep`.
fn push_grouped(out: &mut String, int: &str, sep: &str) {
    let n = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
}

/// `12 345,67 €` (fr, narrow no-break space as thousands separator) or
/// `€12,345.67` (en). With the currency's decimals, or the amount's own when
/// it has more (`100,125 XYZ`, `999,995 €`): never rounded, the page shows
/// what the CSV files write (rounding would invent money, and a page's rows
/// would no longer add up to its totals). Written into one string: a
/// report writes thousands of amounts, and building the digits, their
/// groups and the result apart cost an allocation each.
pub fn money(m: Money, c: Currency, lang: Lang) -> String {
    let shown = c.minor_units().max(m.significant_decimals());
    let rounded = m.round_half_up(shown).abs();
    let dp = shown as usize;
    let d = rounded.decimal();
    let scale = d.scale() as usize;
    let all = d.mantissa().unsigned_abs().to_string();
    // The integer digits, the fraction's leading zeros and its digits, as
    // `Decimal` writes them; the fraction then padded with zeros to `dp`.
    let (int, zeros, frac) = if all.len() <= scale {
        ("0", scale - all.len(), all.as_str())
    } else {
        let (i, f) = all.split_at(all.len() - scale);
        (i, 0, f)
    };
    let pad = dp.saturating_sub(zeros + frac.len());
    let has_frac = zeros + frac.len() + pad > 0;
    let negative = m.is_negative() && !rounded.is_zero();
    let sym = symbol(c);
    let mut out = String::with_capacity(all.len() + dp + 16);
    let number = |out: &mut String, sep: &str, point: char| {
        push_grouped(out, int, sep);
        if has_frac {
            out.push(point);
            out.extend(std::iter::repeat_n('0', zeros));
            out.push_str(frac);
            out.extend(std::iter::repeat_n('0', pad));
        }
    };
    if negative {
        out.push('-');
    }
    match lang {
        Lang::Fr => {
            number(&mut out, "\u{202f}", ',');
            out.push('\u{a0}');
            out.push_str(sym.unwrap_or(c.as_str()));
        }
        Lang::En => match sym {
            Some(s) if s.chars().count() == 1 => {
                out.push_str(s);
                number(&mut out, ",", '.');
            }
            _ => {
                number(&mut out, ",", '.');
                out.push(' ');
                out.push_str(c.as_str());
            }
        },
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    push_html(&mut out, text);
    out
}

/// Appends `text` escaped as [`html`] does, with no string of its own (the
/// page writer escapes every cell straight into the page).
pub fn push_html(out: &mut String, text: &str) {
    let mut from = 0;
    // The characters escaped are ASCII: cutting at them keeps UTF-8 whole.
    for (at, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(text.get(from..at).unwrap_or_default());
        out.push_str(entity);
        from = at + 1;
    }
    out.push_str(text.get(from..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn french_and_english_amounts() {
        let eur = Currency::EUR;
        assert_eq!(
            money(m("12345.67"), eur, Lang::Fr),
            "12\u{202f}345,67\u{a0}€"
        );
        assert_eq!(money(m("-0.5"), eur, Lang::Fr), "-0,50\u{a0}€");
        // More decimals than the currency has: shown, never rounded away
        // (review 38 reports #7: `100,13 XYZ` on the page, `100.125` in
        // aged_balance.csv).
        assert_eq!(money(m("1234567.891"), eur, Lang::En), "€1,234,567.891");
        assert_eq!(money(m("7"), eur, Lang::En), "€7.00");
        assert_eq!(money(m("12.500"), eur, Lang::En), "€12.50");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(money(m("2700"), jpy, Lang::Fr), "2\u{202f}700\u{a0}JPY");
        assert_eq!(money(m("2700.00"), jpy, Lang::Fr), "2\u{202f}700\u{a0}JPY");
        assert_eq!(money(m("10.5"), jpy, Lang::Fr), "10,5\u{a0}JPY");
        assert_eq!(money(m("-0.001"), eur, Lang::Fr), "-0,001\u{a0}€");
        let xyz = Currency::parse("XYZ").unwrap();
        assert_eq!(money(m("100.125"), xyz, Lang::Fr), "100,125\u{a0}XYZ");
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(money(m("0"), kwd, Lang::Fr), "0,000\u{a0}KWD");
        assert_eq!(money(m("0.05"), kwd, Lang::En), "0.050 KWD");
    }

    /// The digits as `money` took them before it wrote them itself:
    /// `Decimal`'s text, the fraction padded to `dp`.
    fn digits_reference(d: rust_decimal::Decimal, dp: usize) -> (String, String) {
        let mut text = d.to_string();
        if dp > 0 && !text.contains('.') {
            text.push('.');
        }
        if let Some(pos) = text.find('.') {
            let have = text.len() - pos - 1;
            for _ in have..dp {
                text.push('0');
            }
        }
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        (int.to_string(), frac.to_string())
    }

    fn group_reference(int: &str, sep: &str) -> String {
        let digits: Vec<char> = int.chars().collect();
        let mut out = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(*c);
        }
        out
    }

    /// `money` as it was written before it built its text in one string.
    fn money_reference(m: Money, c: Currency, lang: Lang) -> String {
        let shown = c.minor_units().max(m.significant_decimals());
        let rounded = m.round_half_up(shown).abs();
        let dp = shown as usize;
        let (int, frac) = digits_reference(rounded.decimal(), dp);
        let (int, frac) = (int.as_str(), frac.as_str());
        let sign = if m.is_negative() && !rounded.is_zero() {
            "-"
        } else {
            ""
        };
        match lang {
            Lang::Fr => {
                let num = if frac.is_empty() {
                    group_reference(int, "\u{202f}")
                } else {
                    format!("{},{frac}", group_reference(int, "\u{202f}"))
                };
                let sym = symbol(c).unwrap_or(c.as_str());
                format!("{sign}{num}\u{a0}{sym}")
            }
            Lang::En => {
                let num = if frac.is_empty() {
                    group_reference(int, ",")
                } else {
                    format!("{}.{frac}", group_reference(int, ","))
                };
                match symbol(c) {
                    Some(s) if s.chars().count() == 1 => format!("{sign}{s}{num}"),
                    _ => format!("{sign}{num} {}", c.as_str()),
                }
            }
        }
    }

    proptest::proptest! {
        /// Amounts of every size and scale, in currencies with 0, 2 and 3
        /// decimals, with and without a symbol, in both languages: the same
        /// text as `Decimal`'s own digits gave.
        #[test]
        fn money_text_is_as_before(
            mantissa in proptest::num::i64::ANY,
            wide in proptest::bool::ANY,
            scale in 0u32..=10,
            cur in 0usize..6,
            en in proptest::bool::ANY,
        ) {
            let c = Currency::parse(["EUR", "JPY", "KWD", "XYZ", "CHF", "GBP"][cur]).unwrap();
            let d = if wide {
                rust_decimal::Decimal::from_i128_with_scale(i128::from(mantissa) << 30, scale)
            } else {
                rust_decimal::Decimal::new(mantissa, scale)
            };
            let lang = if en { Lang::En } else { Lang::Fr };
            let m = Money::new(d);
            proptest::prop_assert_eq!(money(m, c, lang), money_reference(m, c, lang));
        }

        /// Escaping cuts only at the five ASCII characters, whatever the
        /// text around them.
        #[test]
        fn html_escapes_as_char_by_char(text in "([a-zé€&<>\"' ]|\\PC){0,40}") {
            let expected: String = text
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(html(&text), expected);
        }
    }

    #[test]
    fn html_escaping() {
        assert_eq!(
            html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(html("'"), "&#39;");
        assert_eq!(html("é&"), "é&amp;");
    }
}
