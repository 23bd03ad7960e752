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

/// Groups the integer digits by three with `sep`.
fn group(int: &str, sep: &str) -> String {
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

/// `12 345,67 €` (fr, narrow no-break space as thousands separator) or
/// `€12,345.67` (en). Rounded half-up to the currency's decimals.
pub fn money(m: Money, c: Currency, lang: Lang) -> String {
    let rounded = m.round_half_up(c.minor_units()).abs();
    let mut text = rounded.decimal().to_string();
    let dp = c.minor_units() as usize;
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
    let sign = if m.is_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    match lang {
        Lang::Fr => {
            let num = if frac.is_empty() {
                group(int, "\u{202f}")
            } else {
                format!("{},{frac}", group(int, "\u{202f}"))
            };
            let sym = symbol(c).unwrap_or(c.as_str());
            format!("{sign}{num}\u{a0}{sym}")
        }
        Lang::En => {
            let num = if frac.is_empty() {
                group(int, ",")
            } else {
                format!("{}.{frac}", group(int, ","))
            };
            match symbol(c) {
                Some(s) if s.chars().count() == 1 => format!("{sign}{s}{num}"),
                _ => format!("{sign}{num} {}", c.as_str()),
            }
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
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
        assert_eq!(money(m("1234567.891"), eur, Lang::En), "€1,234,567.89");
        assert_eq!(money(m("7"), eur, Lang::En), "€7.00");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(money(m("2700"), jpy, Lang::Fr), "2\u{202f}700\u{a0}JPY");
        assert_eq!(money(m("-0.001"), eur, Lang::Fr), "0,00\u{a0}€");
    }

    #[test]
    fn html_escaping() {
        assert_eq!(
            html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
